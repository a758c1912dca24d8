//! `fourmi hq ...`: headquarters' database: set up, register laptops, import batches, write flat
//! files for analysis.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;

use super::flat_cmd::FlatArgs;
use super::session::{StoreArgs, fail, say};
use crate::batch::import::{Identity, import_files, refresh_views};
use crate::store::hq::{Database, Hq};

/// `fourmi hq ...` (the folder is `--data-dir`; the database, its SQLite file or `--database`).
#[derive(Debug, Subcommand)]
pub enum HqCmd {
    /// Create the headquarters database; the identity is an age identity file as `age-keygen`
    /// writes it (its public key is what laptops encrypt to).
    Init {
        /// The age identity file (kept where it is; its path is remembered).
        #[arg(long)]
        identity: PathBuf,
    },
    /// Registered laptops.
    #[command(subcommand)]
    Devices(DevicesCmd),
    /// Verify, decrypt, validate and merge batch files (each all or nothing).
    Import {
        /// The batch files, in any order.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Another identity file than the one given at init.
        #[arg(long)]
        identity: Option<PathBuf>,
    },
    /// Write flat files (CSV with a codebook and a Stata do-file, XLSX, or Parquet) for one form.
    Export(FlatArgs),
}

/// `fourmi hq devices ...`.
#[derive(Debug, Subcommand)]
pub enum DevicesCmd {
    /// Register a laptop with the line `fourmi device pubkey` prints on it.
    Add {
        /// The line: fourmi-device <id> <key> (quoted, or as three words).
        #[arg(required = true, num_args = 1..)]
        line: Vec<String>,
        /// A name for the laptop (a laptop registered again with a name is renamed).
        #[arg(long, default_value = "")]
        name: String,
    },
    /// List the laptops, the batches imported from each and the numbers missing.
    List,
}

/// Runs `fourmi hq ...`.
pub fn run(store: &StoreArgs, cmd: HqCmd) -> ExitCode {
    let dir = match store.hq_database() {
        Ok(d) => d,
        Err(e) => return fail(e),
    };
    match cmd {
        HqCmd::Init { identity } => init(&dir, store.data_dir.as_deref(), &identity),
        HqCmd::Devices(DevicesCmd::Add { line, name }) => with_hq(&dir, |hq| {
            let id = hq.add_device(&line.join(" "), &name).map_err(say)?;
            println!("{}", super::tr().ta("cli-hq-registered", &[("id", id.into())]));
            Ok(())
        }),
        HqCmd::Devices(DevicesCmd::List) => with_hq(&dir, |hq| {
            let tr = super::tr();
            for d in hq.devices().map_err(say)? {
                let missing = d.missing();
                let gap = if missing.is_empty() {
                    String::new()
                } else {
                    let list = missing.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
                    format!("\t{}", tr.ta("cli-hq-missing", &[("list", list.into())]))
                };
                let batches = tr.ta(
                    "cli-hq-batches",
                    &[("n", (d.imported.len() as i64).into()), ("last", (*d.imported.last().unwrap_or(&0)).into())],
                );
                println!("{}\t{}\t{batches}{gap}", d.device_id, d.name);
            }
            Ok(())
        }),
        HqCmd::Import { files, identity } => import(&dir, &files, identity.as_deref()),
        HqCmd::Export(args) => with_hq(&dir, |hq| super::flat_cmd::hq_export(hq, &args)),
    }
}

fn with_hq(dir: &Database, f: impl FnOnce(&mut Hq) -> Result<(), String>) -> ExitCode {
    match Hq::open_at(dir).map_err(say).and_then(|mut hq| f(&mut hq)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}

fn init(place: &Database, folder: Option<&Path>, identity: &Path) -> ExitCode {
    let id = match Identity::read(identity) {
        Ok(i) => i,
        Err(e) => return fail(e),
    };
    let path = std::fs::canonicalize(identity).unwrap_or_else(|_| identity.to_path_buf());
    match Hq::init_at(place, &path, &id.recipient) {
        Ok(_) => {
            if let (Database::Postgres(url), Some(folder)) = (place, folder)
                && let Err(e) = Hq::remember_database(folder, url)
            {
                return fail(e);
            }
            let tr = super::tr();
            println!("{}", tr.ta("cli-hq-created", &[("place", place.shown().into())]));
            if let Database::Postgres(_) = place {
                println!("{}", tr.t("cli-hq-analysts"));
            }
            println!("{}", tr.ta("cli-hq-encrypt-to", &[("recipient", id.recipient.clone().into())]));
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

fn import(dir: &Database, files: &[PathBuf], identity: Option<&Path>) -> ExitCode {
    let mut hq = match Hq::open_at(dir) {
        Ok(h) => h,
        Err(e) => return fail(e),
    };
    let path = match identity.map(Path::to_path_buf).map_or_else(|| hq.identity_file(), Ok) {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    let identity = match Identity::read(&path) {
        Ok(i) => i,
        Err(e) => return fail(e),
    };
    let mut failed = 0;
    hq.when_waiting(|| eprintln!("{}", super::tr().t("cli-hq-waiting")));
    let tr = super::tr();
    // Each batch's result as soon as it is imported (an operator sees the import go on, and
    // what was saved before an interruption).
    let results = import_files(
        &mut hq,
        &identity,
        files,
        |_, _, _| {},
        |file, result| {
            if !report_import(&tr, file, result) {
                failed += 1;
            }
        },
    );
    if results.iter().any(|(_, r)| r.is_ok())
        && let Err(e) = refresh_views(&mut hq)
    {
        eprintln!("{}", tr.ta("cli-hq-views-failed", &[("detail", crate::errors::views_failed(&tr, &e).into())]));
    }
    if let Ok(devices) = hq.devices() {
        for d in devices.iter().filter(|d| !d.missing().is_empty()) {
            let list: Vec<String> = d.missing().iter().map(i64::to_string).collect();
            let args = [
                // A laptop registered without a name is its id alone.
                (
                    "laptop",
                    if d.name.is_empty() { d.device_id.clone() } else { format!("{} ({})", d.device_id, d.name) }
                        .into(),
                ),
                ("n", (list.len() as i64).into()),
                ("list", list.join(", ").into()),
            ];
            println!("{}", tr.ta("cli-hq-not-yet", &args));
        }
    }
    if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

/// Prints what importing `file` did; whether it was imported.
fn report_import(
    tr: &crate::i18n::Tr,
    file: &std::path::Path,
    result: &Result<crate::batch::import::Imported, crate::batch::BatchError>,
) -> bool {
    let shown = file.display().to_string();
    match result {
        Ok(i) => {
            let c = i.counts;
            let n = |v: usize| (v as i64).into();
            println!(
                "{}",
                tr.ta(
                    "cli-hq-imported",
                    &[
                        ("file", shown.clone().into()),
                        ("device", i.device_id.clone().into()),
                        ("seq", i.seq.into()),
                        ("imported", n(c.imported)),
                        ("updated", n(c.updated)),
                        ("unchanged", n(c.unchanged)),
                        ("deleted", n(c.deleted)),
                    ],
                )
            );
            if let Some((later, version)) = i.rolled_back {
                let args = [
                    ("file", shown.clone().into()),
                    ("later", later.into()),
                    ("device", i.device_id.clone().into()),
                    ("version", version.to_string().into()),
                ];
                eprintln!("{}", tr.ta("cli-hq-rolled-back", &args));
            }
            if let Some(k) = i.small_k() {
                let args = [
                    ("file", shown.clone().into()),
                    ("seq", i.seq.into()),
                    ("device", i.device_id.clone().into()),
                    ("k", (k as i64).into()),
                ];
                eprintln!("{}", tr.ta("cli-hq-small-k", &args));
            }
            if c.shared_ids > 0 {
                let args =
                    [("file", shown.clone().into()), ("n", n(c.shared_ids)), ("device", i.device_id.clone().into())];
                eprintln!("{}", tr.ta("cli-hq-shared-ids", &args));
            }
            true
        }
        Err(e) => {
            eprintln!("fourmi: {}: {e}", file.display());
            false
        }
    }
}

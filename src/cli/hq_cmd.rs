//! `fourmi hq ...`: headquarters' database: set up, register laptops, import batches, write flat
//! files for analysis.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;

use super::flat_cmd::FlatArgs;
use super::session::{StoreArgs, fail};
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
        /// A name for the laptop.
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
            let id = hq.add_device(&line.join(" "), &name).map_err(|e| e.to_string())?;
            println!("registered: {id}");
            Ok(())
        }),
        HqCmd::Devices(DevicesCmd::List) => with_hq(&dir, |hq| {
            for d in hq.devices().map_err(|e| e.to_string())? {
                let missing = d.missing();
                let gap = if missing.is_empty() {
                    String::new()
                } else {
                    format!("\tmissing: {}", missing.iter().map(i64::to_string).collect::<Vec<_>>().join(", "))
                };
                println!(
                    "{}\t{}\t{} batch(es), last {}{gap}",
                    d.device_id,
                    d.name,
                    d.imported.len(),
                    d.imported.last().unwrap_or(&0)
                );
            }
            Ok(())
        }),
        HqCmd::Import { files, identity } => import(&dir, &files, identity.as_deref()),
        HqCmd::Export(args) => with_hq(&dir, |hq| super::flat_cmd::hq_export(hq, &args)),
    }
}

fn with_hq(dir: &Database, f: impl FnOnce(&mut Hq) -> Result<(), String>) -> ExitCode {
    match Hq::open_at(dir).map_err(|e| e.to_string()).and_then(|mut hq| f(&mut hq)) {
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
            println!("headquarters database created in {}", place.shown());
            if let Database::Postgres(_) = place {
                println!(
                    "analysts read the views in the schema `analysis` with an account in the role fourmi_reader (CREATE ROLE alice LOGIN PASSWORD '...' IN ROLE fourmi_reader)"
                );
            }
            println!("laptops encrypt to: {}", id.recipient);
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
    let results = import_files(&mut hq, &identity, files, |_, _, _| {});
    if results.iter().any(|(_, r)| r.is_ok())
        && let Err(e) = refresh_views(&mut hq)
    {
        eprintln!("warning: the batches were imported, but the analysts' views could not be made again: {e}");
    }
    for (file, result) in results {
        match result {
            Ok(i) => {
                let c = i.counts;
                println!(
                    "{}: laptop {} batch {}: {} imported, {} updated, {} unchanged, {} deleted",
                    file.display(),
                    i.device_id,
                    i.seq,
                    c.imported,
                    c.updated,
                    c.unchanged,
                    c.deleted
                );
                if let Some((later, version)) = i.rolled_back {
                    eprintln!(
                        "warning: {}: batch {later} of laptop {}, imported before, carried an older account list (version {version}) than this batch: the laptop's files were put back to an older state before batch {later} was written, which can bring back a disabled account. Check the records batch {later} brought, and the laptop",
                        file.display(),
                        i.device_id
                    );
                }
                if c.shared_ids > 0 {
                    eprintln!(
                        "warning: {}: {} record(s) of laptop {} have the id of another laptop's record; both are kept, each under its laptop. Two laptops never make the same id: one of them is rogue, or was set up from a copy of the other",
                        file.display(),
                        c.shared_ids,
                        i.device_id
                    );
                }
            }
            Err(e) => {
                failed += 1;
                eprintln!("fourmi: {}: {e}", file.display());
            }
        }
    }
    if let Ok(devices) = hq.devices() {
        for d in devices.iter().filter(|d| !d.missing().is_empty()) {
            let list: Vec<String> = d.missing().iter().map(i64::to_string).collect();
            println!("note: laptop {} ({}): batch(es) {} not imported yet", d.device_id, d.name, list.join(", "));
        }
    }
    if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

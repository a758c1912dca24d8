//! `fourmi export` (write the next batch, or again a past one) and `fourmi batches` (the ledger).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::session::{StoreArgs, fail};
use crate::batch::anonymise::{Coarsen, Options};
use crate::batch::export;
use crate::store::{RecordFilter, Selection, TallyBy};

/// `fourmi export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The folder to write the batch into (a USB stick, a shared folder).
    #[arg(long)]
    to: Option<PathBuf>,
    /// Write again what batch number N carried (a lost or damaged file), as a new batch.
    #[arg(long, value_name = "N")]
    reexport: Option<i64>,
    /// Only this form id.
    #[arg(long)]
    form: Option<String>,
    /// Only records started on or after this date (YYYY-MM-DD).
    #[arg(long)]
    since: Option<String>,
    /// Only records started on or before this date (YYYY-MM-DD).
    #[arg(long)]
    until: Option<String>,
    /// Timestamp precision in the batch: none, day or month.
    #[arg(long, default_value = "none")]
    coarsen: String,
    /// Every combination of quasi-identifiers leaves shared by at least k records (answers are
    /// coarsened, then hidden, until it holds); 1 to 100, default: the laptop's setting (5).
    #[arg(long, allow_negative_numbers = true)]
    k: Option<i64>,
    /// Every such group holds at least l distinct answers of each question marked `sensitive`
    /// (1 to 20; 1: not asked).
    #[arg(long, default_value_t = 1, allow_negative_numbers = true)]
    l: i64,
    /// Print the anonymisation report only; write nothing.
    #[arg(long)]
    check: bool,
    /// List every group of quasi-identifier answers in the report.
    #[arg(long)]
    details: bool,
    /// Write without asking (the report is printed first; without --yes a terminal is asked).
    #[arg(long, short = 'y')]
    yes: bool,
}

/// Prints the anonymisation report, in the language of the environment (`LANG=fr_...`).
pub fn print_report(prepared: &export::Prepared, details: bool, labels: Option<crate::batch::report::Labels>) {
    let tr = super::tr();
    for (_, line) in crate::batch::report::lines(prepared, &tr, details, labels) {
        println!("{line}");
    }
}

/// Runs `fourmi export`.
pub fn export(store_args: &StoreArgs, args: ExportArgs) -> ExitCode {
    let Some(coarsen) = Coarsen::parse(&args.coarsen) else {
        return fail(super::tr().ta("cli-bad-coarsen", &[("value", args.coarsen.clone().into())]));
    };
    let (asked_k, l) = match super::flat_cmd::check_goal(args.k, args.l) {
        Ok(goal) => goal,
        Err(e) => return fail(e),
    };
    let selection = match args.reexport {
        Some(n) => Selection::Again(n),
        None => Selection::Next(RecordFilter {
            form_id: args.form.clone(),
            since: args.since.clone(),
            until: args.until.clone(),
            ..RecordFilter::default()
        }),
    };
    let mut store = match store_args.open() {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    // A form id this laptop has no record of is a mistake to say, not an empty batch.
    if let (Some(form), None) = (&args.form, args.reexport) {
        let known: Vec<String> = match store.tally(&RecordFilter::default(), TallyBy::Form) {
            Ok(forms) => forms.into_iter().map(|(f, _)| f).collect(),
            Err(e) => return fail(e),
        };
        if !known.contains(form) {
            let known = if known.is_empty() { "-".to_string() } else { known.join(", ") };
            return fail(
                super::tr().ta("cli-export-no-form", &[("form", form.clone().into()), ("known", known.into())]),
            );
        }
    }
    let k = match asked_k {
        Some(k) => k,
        None => match store.disclosure_k() {
            Ok(k) => k,
            Err(e) => return fail(e),
        },
    };
    let opts = Options { coarsen, k, l };
    // A batch written again is anonymised as it first was, whatever is asked now.
    let asked = opts;
    let opts = match export::same_as_before(&store, &selection, &opts) {
        Ok(o) => o,
        Err(e) => return fail(e),
    };
    if let (Some(seq), true) = (args.reexport, opts != asked) {
        let tr = super::tr();
        println!("{}", tr.ta("cli-reexport-options", &[("seq", seq.into()), ("options", opts.to_ledger().into())]));
    }
    if args.check || !args.yes {
        let prepared = match store.export_set(&selection).map_err(Into::into).and_then(|s| export::prepare(s, &opts)) {
            Ok(p) => p,
            Err(e) => return fail(e),
        };
        print_report(&prepared, args.details, None);
        if let Err(e) = export::check_reached(&prepared) {
            // Out of reach: nothing would be written (exit 1 for scripts, --check or not).
            return fail(e);
        }
        if args.check {
            return ExitCode::SUCCESS;
        }
        if prepared.records.is_empty() && prepared.tombstones.is_empty() {
            return fail(super::tr().t("cli-nothing-to-export"));
        }
        if args.to.is_none() {
            return fail(super::tr().t("cli-need-to"));
        }
        if !super::session::confirmed("cli-confirm-write", "cli-confirm-needs-yes") {
            return fail(super::tr().t("cli-not-written"));
        }
    }
    let Some(dir) = args.to else {
        return fail(super::tr().t("cli-need-to"));
    };
    match export::export(&mut store, &selection, &opts, &dir) {
        Ok((written, prepared)) => {
            if args.yes {
                print_report(&prepared, args.details, None);
            }
            println!("{}", super::written_line(&written.path));
            let tr = super::tr();
            println!("{}", tr.ta("cli-sha256", &[("digest", written.digest.clone().into())]));
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

/// Runs `fourmi batches`: the ledger, newest first.
pub fn batches(store_args: &StoreArgs) -> ExitCode {
    let store = match store_args.open() {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    match store.batches() {
        Ok(rows) => {
            let tr = super::tr();
            let n = |v: i64| v.into();
            for b in rows {
                let again = b
                    .reexport_of
                    .map(|seq| format!(" {}", tr.ta("cli-batch-again", &[("seq", n(seq))])))
                    .unwrap_or_default();
                let what = match b.state.as_str() {
                    "written" => tr.ta(
                        "cli-batch-written",
                        &[("n", n(b.records)), ("w", n(b.tombstones)), ("file", b.file.unwrap_or_default().into())],
                    ),
                    "failed" => tr.ta("cli-batch-failed", &[("why", b.note.unwrap_or_default().into())]),
                    other => other.to_string(),
                };
                println!("{}\t{}\t{}\t{what}{again}", b.seq, b.created_at, b.created_by);
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

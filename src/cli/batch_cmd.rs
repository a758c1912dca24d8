//! `fourmi export` (write the next batch, or again a past one) and `fourmi batches` (the ledger).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::session::{StoreArgs, fail};
use crate::batch::anonymise::{Coarsen, Options};
use crate::batch::export;
use crate::store::{RecordFilter, Selection};

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
    /// The k of the k-anonymity check: combinations of quasi-identifiers shared by fewer
    /// records are listed in the report.
    #[arg(long, default_value_t = 5)]
    k: usize,
    /// Print the anonymisation report only; write nothing.
    #[arg(long)]
    check: bool,
}

/// Prints the anonymisation report.
pub fn print_report(prepared: &export::Prepared) {
    let (report, without_consent, unapproved) = (&prepared.report, prepared.without_consent, &prepared.unapproved);
    println!("records: {}, withdrawals: {}", prepared.records.len(), prepared.tombstones.len());
    if without_consent > 0 {
        println!("left out: {without_consent} approved record(s) without recorded interview consent");
    }
    if !unapproved.is_empty() {
        println!(
            "left out: {} approved record(s) whose approval does not verify (approved before approvals were signed, or changed since); a supervisor approves them again: {}",
            unapproved.len(),
            unapproved.join(" ")
        );
    }
    if !prepared.unsigned_withdrawals.is_empty() {
        println!(
            "left out: {} withdrawal(s) not signed (withdrawn before withdrawals were signed); a supervisor withdraws them again (`fourmi records withdraw UUID`): {}",
            prepared.unsigned_withdrawals.len(),
            prepared.unsigned_withdrawals.join(" ")
        );
    }
    println!("timestamps: {}", report.coarsen.as_str());
    println!("free text: {} phone number(s) and {} e-mail address(es) replaced", report.phones, report.emails);
    for f in &report.forms {
        println!("form {} ({} records)", f.form_id, f.records);
        if f.personal.is_empty() {
            println!("  personal questions: none marked");
        } else {
            println!("  personal questions, not exported: {} ({} answers dropped)", f.personal.join(", "), f.dropped);
        }
        if f.quasi.is_empty() {
            println!("  k-anonymity: no question marked quasi_identifier");
        } else if f.small_groups.is_empty() {
            println!(
                "  k-anonymity (k={}) over {}: every combination is shared by at least {0} records",
                report.k,
                f.quasi.join(", ")
            );
        } else {
            println!(
                "  k-anonymity (k={}) over {}: {} combination(s) shared by fewer than {0} records:",
                report.k,
                f.quasi.join(", "),
                f.small_groups.len()
            );
            for (values, n) in &f.small_groups {
                println!("    {n} record(s): {}", values.join(" | "));
            }
        }
    }
}

/// Runs `fourmi export`.
pub fn export(store_args: &StoreArgs, args: ExportArgs) -> ExitCode {
    let Some(coarsen) = Coarsen::parse(&args.coarsen) else {
        return fail(format!("--coarsen is none, day or month, not `{}`", args.coarsen));
    };
    if args.k == 0 {
        return fail("--k is at least 1");
    }
    let opts = Options { coarsen, k: args.k };
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
    if args.check {
        let prepared = match store.export_set(&selection).map_err(Into::into).and_then(|s| export::prepare(s, &opts)) {
            Ok(p) => p,
            Err(e) => return fail(e),
        };
        print_report(&prepared);
        return ExitCode::SUCCESS;
    }
    let Some(dir) = args.to else {
        return fail("say where to write the batch: --to FOLDER (or --check to see the report only)");
    };
    match export::export(&mut store, &selection, &opts, &dir) {
        Ok((written, prepared)) => {
            print_report(&prepared);
            println!("written: {}", written.path.display());
            println!("sha256: {}", written.digest);
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
            for b in rows {
                let again = b.reexport_of.map(|n| format!(" (again: batch {n})")).unwrap_or_default();
                let what = match b.state.as_str() {
                    "written" => {
                        format!("{} records, {} withdrawals, {}", b.records, b.tombstones, b.file.unwrap_or_default())
                    }
                    "failed" => format!("failed: {}", b.note.unwrap_or_default()),
                    other => other.to_string(),
                };
                println!("{}\t{}\t{}\t{what}{again}", b.seq, b.created_at, b.created_by);
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

//! `fourmi tables`: frequency tables and breakdowns of select questions, printed, or written as
//! CSV / XLSX with small cells hidden; `fourmi demo`: a data folder with the case-study data.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::session::{StoreArgs, fail, say};
use crate::store::hq::Hq;
use crate::tables::{Dataset, Request, output};

/// `fourmi tables`.
#[derive(Debug, Args)]
pub struct TablesArgs {
    /// The form id.
    #[arg(long)]
    form: String,
    /// The select questions to tabulate.
    #[arg(required = true)]
    questions: Vec<String>,
    /// Break down by this question (a select at the top level, or in the same repeat).
    #[arg(long)]
    by: Option<String>,
    /// Only records (or repeat instances) where this expression holds: "${city} = 'bamako'".
    #[arg(long = "where")]
    filter: Option<String>,
    /// Choices shown but left out of the base, comma-separated (refused,dont_know).
    #[arg(long, value_delimiter = ',')]
    exclude: Vec<String>,
    /// The language of the labels (as the form names it).
    #[arg(long, default_value = "")]
    language: String,
    /// Read headquarters' database in --data-dir instead of this laptop's records.
    #[arg(long)]
    hq: bool,
    /// Write one CSV file per table into this folder (small cells hidden).
    #[arg(long)]
    csv: Option<PathBuf>,
    /// Write the tables into this XLSX workbook (small cells hidden).
    #[arg(long)]
    xlsx: Option<PathBuf>,
    /// Cells counting fewer respondents than this are shown as `<N` in files (and when printing
    /// with --suppress).
    #[arg(long, default_value_t = 5)]
    threshold: usize,
    /// Hide small cells in the printed tables too.
    #[arg(long)]
    suppress: bool,
    #[command(flatten)]
    csv_style: super::flat_cmd::CsvArgs,
}

/// Runs `fourmi tables`.
pub fn run(store: &StoreArgs, args: TablesArgs) -> ExitCode {
    let data = if args.hq {
        store.hq_database().and_then(|place| Hq::open_at(&place).map_err(say)).and_then(|mut hq| {
            for w in super::flat_cmd::version_warnings(&mut hq, &args.form, &super::tr()) {
                eprintln!("{w}");
            }
            Dataset::from_hq(&mut hq, &args.form).map_err(say)
        })
    } else {
        store.open().and_then(|s| {
            if s.session().role == crate::store::Role::Monitor {
                return Err("your account cannot see every record: tables are for supervisors and coordinators".into());
            }
            Dataset::from_store(&s, &args.form).map_err(say)
        })
    };
    let data = match data {
        Ok(d) => d,
        Err(e) => return fail(e),
    };
    let mut tables = Vec::new();
    for q in &args.questions {
        let req = Request {
            question: q.clone(),
            by: args.by.clone(),
            filter: args.filter.clone(),
            exclude: args.exclude.clone(),
            language: args.language.clone(),
        };
        match data.tabulate(&req) {
            Ok(t) => tables.push(t),
            Err(e) => return fail(e),
        }
    }
    let threshold = args.threshold.max(1);
    for t in &tables {
        print!("{}", output::text(t, args.suppress.then_some(threshold)));
    }
    if let Some(dir) = &args.csv {
        match output::csv_files(&tables, dir, threshold, args.csv_style.style()) {
            Ok(files) => files.iter().for_each(|f| println!("{}", super::written_line(f))),
            Err(e) => return fail(e),
        }
    }
    if let Some(path) = &args.xlsx {
        if let Err(e) = output::xlsx(&tables, path, threshold) {
            return fail(e);
        }
        println!("{}", super::written_line(path));
    }
    ExitCode::SUCCESS
}

/// The demo accounts' passphrase (a demo folder holds no real data).
pub const DEMO_PASSPHRASE: &str = "demo passphrase";

/// Runs `fourmi demo`: a new data folder with accounts and the case-study records.
pub fn demo(store: &StoreArgs, recipients: &[String]) -> ExitCode {
    let Some(dir) = store.data_dir.clone() else {
        return fail(super::tr().t("cli-demo-need-dir"));
    };
    match crate::demo::create(&dir, DEMO_PASSPHRASE, recipients) {
        Ok(summary) => {
            println!("{summary}");
            println!("accounts: coordinator, supervisor, monitor; passphrase for each: {DEMO_PASSPHRASE}");
            println!("open it: fourmi --data-dir {}", dir.display());
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

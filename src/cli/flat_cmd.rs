//! `fourmi hq export csv|xlsx|parquet` and `fourmi records export ...`: flat files for analysis.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::session::say;
use crate::batch::anonymise::Options;
pub use crate::flat::release::version_warnings;
use crate::flat::release::{Format, Layout, Release};
use crate::flat::write;
use crate::store::Store;
use crate::store::hq::Hq;

/// The file kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FlatFormat {
    /// One CSV file per table, a codebook CSV and a Stata do-file.
    Csv,
    /// One workbook with a sheet per table and the codebook.
    Xlsx,
    /// One Parquet file per table, typed columns, and a codebook CSV.
    Parquet,
}

/// The CSV field separator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Separator {
    /// `,` (English Excel, R, Stata, Python).
    Comma,
    /// `;` (Excel where the decimal mark is a comma: French, and most of West Africa's
    /// French-speaking countries).
    Semicolon,
    /// A tab.
    Tab,
}

/// How CSV files are written, for the commands that write them.
#[derive(Debug, Args)]
pub struct CsvArgs {
    /// Start each CSV file with a UTF-8 byte-order mark, so that Excel keeps accents (é, ç).
    #[arg(long)]
    pub bom: bool,
    /// The field separator of CSV files.
    #[arg(long, value_enum, default_value_t = Separator::Comma)]
    pub separator: Separator,
    /// For Excel in French: the same as --bom --separator semicolon.
    #[arg(long)]
    pub excel_fr: bool,
}

impl CsvArgs {
    /// The style asked for.
    pub fn style(&self) -> write::CsvStyle {
        let separator = match (self.excel_fr, self.separator) {
            (true, _) | (false, Separator::Semicolon) => b';',
            (false, Separator::Comma) => b',',
            (false, Separator::Tab) => b'\t',
        };
        write::CsvStyle { bom: self.bom || self.excel_fr, separator }
    }
}

/// What to write.
#[derive(Debug, Args)]
pub struct FlatArgs {
    /// csv, xlsx or parquet.
    #[arg(value_enum)]
    format: FlatFormat,
    /// The form id.
    #[arg(long)]
    form: String,
    /// The folder to write into (created if missing).
    #[arg(long)]
    to: PathBuf,
    /// Write choice labels in this language (as the form names it, `French (fr)`) instead of
    /// choice names.
    #[arg(long)]
    labels: Option<String>,
    #[command(flatten)]
    csv: CsvArgs,
    /// Every combination of quasi-identifiers is shared by at least k records in the files
    /// (answers coarsened, then hidden, until it holds); 1 to 100, default: 5 (on a laptop, its
    /// setting).
    #[arg(long)]
    k: Option<usize>,
    /// Every such group holds at least l distinct answers of each question marked `sensitive`
    /// (1 to 20; 1: not asked).
    #[arg(long, default_value_t = 1)]
    l: usize,
    /// Timestamp precision in the files (the interview's start and end, consent, the status
    /// history, date-time answers): none, day or month. Exact times make records easy to find
    /// again in another set of files.
    #[arg(long, default_value = "day")]
    coarsen: String,
    /// Print the report (what anonymisation does to the records) and write nothing.
    #[arg(long)]
    check: bool,
    /// With the report, every group of quasi-identifiers and its size.
    #[arg(long)]
    details: bool,
    /// Write without asking (the report is printed first; without --yes a terminal is asked).
    #[arg(long, short = 'y')]
    yes: bool,
}

/// Refuses a k or an l outside what the export screen offers (1 to `MAX_K`, 1 to `MAX_L`).
pub fn check_goal(k: Option<usize>, l: usize) -> Result<(), String> {
    use crate::batch::anonymise::{MAX_K, MAX_L};
    if k.is_some_and(|k| !(1..=MAX_K).contains(&k)) || !(1..=MAX_L).contains(&l) {
        let tr = super::tr();
        return Err(tr.ta("cli-k-l-range", &[("maxk", (MAX_K as i64).into()), ("maxl", (MAX_L as i64).into())]));
    }
    Ok(())
}

impl FlatArgs {
    fn options(&self, k: usize) -> Result<Options, String> {
        check_goal(Some(k), self.l)?;
        let coarsen = crate::batch::anonymise::Coarsen::parse(&self.coarsen)
            .ok_or_else(|| super::tr().ta("cli-bad-coarsen", &[("value", self.coarsen.clone().into())]))?;
        Ok(Options { coarsen, k, l: self.l })
    }
}

impl FlatArgs {
    fn layout(&self) -> Layout {
        let format = match self.format {
            FlatFormat::Csv => Format::Csv,
            FlatFormat::Xlsx => Format::Xlsx,
            FlatFormat::Parquet => Format::Parquet,
        };
        Layout { format, labels: self.labels.clone(), csv: self.csv.style() }
    }
}

/// Prints the report, writes the files, prints what was written.
fn write_all(release: &Release, args: &FlatArgs) -> Result<(), String> {
    super::batch_cmd::print_report(&release.prepared, args.details);
    if args.check {
        return Ok(());
    }
    // Out of reach, nothing is written, and nothing is asked (the report above says why).
    crate::batch::export::check_reached(&release.prepared).map_err(say)?;
    if !args.yes && !super::session::confirmed("cli-confirm-files", "cli-confirm-files-needs-yes") {
        return Err(super::tr().t("cli-files-not-written"));
    }
    let written = release.write(&args.to, &args.layout()).map_err(say)?;
    let tr = super::tr();
    let n = |v: usize| (v as i64).into();
    println!(
        "{}",
        tr.ta("cli-flat-records", &[("n", n(written.records)), ("form", release.form.form.id.clone().into())])
    );
    if written.unplaced > 0 {
        println!("{}", tr.ta("cli-flat-unplaced", &[("n", n(written.unplaced))]));
    }
    for f in written.files {
        println!("{}", super::written_line(&f));
    }
    Ok(())
}

/// `fourmi hq export`: every record of the form at headquarters, with the newest version's columns.
pub fn hq_export(hq: &mut Hq, args: &FlatArgs) -> Result<(), String> {
    for w in version_warnings(hq, &args.form) {
        eprintln!("warning: {w}");
    }
    let release = Release::at_headquarters(hq, &args.form, &args.options(args.k.unwrap_or(5).max(1))?).map_err(say)?;
    write_all(&release, args)
}

/// `fourmi records export`: this laptop's approved and exported records of the form, anonymised
/// as a batch is (coordinators).
pub fn laptop_export(store: &Store, args: &FlatArgs) -> Result<(), String> {
    let k = match args.k {
        Some(k) => k,
        None => store.disclosure_k().map_err(say)?,
    };
    let release = Release::on_laptop(store, &args.form, &args.options(k)?).map_err(say)?;
    write_all(&release, args)
}

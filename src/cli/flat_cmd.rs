//! `fourmi hq export csv|xlsx|parquet` and `fourmi records export ...`: flat files for analysis.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::session::say;
use crate::batch::anonymise::Options;
pub use crate::flat::release::version_warnings;
use crate::flat::release::{Format, Layout, Release, last_settings};
use crate::flat::write;
use crate::store::hq::Hq;
use crate::store::{ReleaseRegister, Store};

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
    /// (answers coarsened, then hidden, until it holds); 1 to 100. Default: the settings of the
    /// form's last flat files, else 5 (on a laptop, its setting).
    #[arg(long, allow_negative_numbers = true)]
    k: Option<i64>,
    /// Every such group holds at least l distinct answers of each question marked `sensitive`
    /// (1 to 20; 1: not asked). Default: the last flat files' setting, else 1.
    #[arg(long, allow_negative_numbers = true)]
    l: Option<i64>,
    /// Timestamp precision in the files (the interview's start and end, consent, the status
    /// history, date-time answers): none, day or month. Exact times make records easy to find
    /// again in another set of files. Default: the last flat files' setting, else day.
    #[arg(long)]
    coarsen: Option<String>,
    /// Write with other settings than the form's last flat files: say so only when those files
    /// were never given to anyone (two sets anonymised otherwise can be laid side by side, and
    /// what one hid the other may show).
    #[arg(long)]
    new_release: bool,
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

/// Refuses a k or an l outside what the export screen offers (1 to `MAX_K`, 1 to `MAX_L`), and
/// gives them as counts.
pub fn check_goal(k: Option<i64>, l: i64) -> Result<(Option<usize>, usize), String> {
    use crate::batch::anonymise::{MAX_K, MAX_L};
    let within = |v: i64, max: usize| usize::try_from(v).ok().filter(|v| (1..=max).contains(v));
    let k = match k {
        Some(k) => within(k, MAX_K).map(Some),
        None => Some(None),
    };
    match (k, within(l, MAX_L)) {
        (Some(k), Some(l)) => Ok((k, l)),
        _ => {
            let tr = super::tr();
            Err(tr.ta("cli-k-l-range", &[("maxk", (MAX_K as i64).into()), ("maxl", (MAX_L as i64).into())]))
        }
    }
}

impl FlatArgs {
    /// The settings asked for; what is not asked is as the form's last flat files had it
    /// (`earlier`), else `k` and `l` 1 and timestamps to the day.
    fn options(
        &self,
        earlier: Option<Option<Options>>,
        k: impl FnOnce() -> Result<usize, String>,
    ) -> Result<Options, String> {
        use crate::batch::anonymise::Coarsen;
        let before = earlier.flatten();
        let (asked_k, asked_l) = check_goal(self.k, self.l.unwrap_or(1))?;
        let k = match (asked_k, before) {
            (Some(k), _) => k,
            (None, Some(b)) => b.k,
            (None, None) => k()?,
        };
        let l = if self.l.is_some() { asked_l } else { before.map_or(1, |b| b.l) };
        let coarsen = match (&self.coarsen, before) {
            (Some(c), _) => {
                Coarsen::parse(c).ok_or_else(|| super::tr().ta("cli-bad-coarsen", &[("value", c.clone().into())]))?
            }
            (None, Some(b)) => b.coarsen,
            (None, None) => Coarsen::Day,
        };
        Ok(Options { coarsen, k, l })
    }
}

impl FlatArgs {
    fn layout(&self, labels: Option<String>) -> Layout {
        let format = match self.format {
            FlatFormat::Csv => Format::Csv,
            FlatFormat::Xlsx => Format::Xlsx,
            FlatFormat::Parquet => Format::Parquet,
        };
        Layout { format, labels, csv: self.csv.style() }
    }
}

/// Prints the report and the form's last release, writes the files, registers them, prints what
/// was written.
fn write_all(release: &Release, args: &FlatArgs, register: &mut dyn ReleaseRegister) -> Result<(), String> {
    let labels = args.labels.as_deref().map(|l| release.language(l)).transpose().map_err(say)?;
    let preview = labels.as_deref().map(|lang| crate::batch::report::Labels { form: &release.form, lang });
    super::batch_cmd::print_report(&release.prepared, args.details, preview);
    if let Some(line) = release.earlier_line(&super::tr()) {
        println!("{line}");
    }
    // Made otherwise than the last release, nothing is written and nothing is asked; with
    // --check too (exit 1 for scripts, as when k is out of reach).
    if let (Some(refusal), false) = (release.refusal(), args.new_release) {
        let tr = super::tr();
        return Err(format!("{} {}", tr.said(&refusal), tr.t("cli-release-new-hint")));
    }
    if args.check {
        return Ok(());
    }
    // Out of reach, nothing is written, and nothing is asked (the report above says why).
    crate::batch::export::check_reached(&release.prepared).map_err(say)?;
    if !args.yes && !super::session::confirmed("cli-confirm-files", "cli-confirm-files-needs-yes") {
        return Err(super::tr().t("cli-files-not-written"));
    }
    let written = release.write(&args.to, &args.layout(labels), register, args.new_release).map_err(say)?;
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
    for w in version_warnings(hq, &args.form, &super::tr()) {
        eprintln!("{w}");
    }
    let earlier = hq.releases(&args.form).map_err(say)?;
    let options = args.options(last_settings(&earlier), || Ok(5))?;
    let release = Release::at_headquarters(hq, &args.form, &options).map_err(say)?;
    write_all(&release, args, hq)
}

/// `fourmi records export`: this laptop's approved and exported records of the form, anonymised
/// as a batch is (coordinators).
pub fn laptop_export(store: &Store, args: &FlatArgs) -> Result<(), String> {
    let mut register = store;
    let earlier = register.releases(&args.form).map_err(say)?;
    let options = args.options(last_settings(&earlier), || store.disclosure_k().map_err(say))?;
    let release = Release::on_laptop(store, &args.form, &options).map_err(say)?;
    write_all(&release, args, &mut register)
}

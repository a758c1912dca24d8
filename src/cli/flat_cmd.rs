//! `fourmi hq export csv|xlsx|parquet` and `fourmi records export ...`: flat files for analysis.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::batch::anonymise::Options;
use crate::batch::export::prepare;
use crate::flat::{Filler, Values, codebook, write};
use crate::form::Compiled;
use crate::store::hq::{Hq, Record};
use crate::store::{RecordFilter, Selection, Store};

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
    /// (answers coarsened, then hidden, until it holds); default: 5 (on a laptop, its setting).
    #[arg(long)]
    k: Option<usize>,
    /// Every such group holds at least l distinct answers of each question marked `sensitive`.
    #[arg(long, default_value_t = 1)]
    l: usize,
    /// Timestamp precision in the files (the interview's start and end, consent, the status
    /// history, date-time answers): none, day or month. Exact times make records easy to find
    /// again in another set of files.
    #[arg(long, default_value = "day")]
    coarsen: String,
}

impl FlatArgs {
    fn options(&self, k: usize) -> Result<Options, String> {
        let coarsen = crate::batch::anonymise::Coarsen::parse(&self.coarsen)
            .ok_or_else(|| format!("--coarsen is none, day or month, not `{}`", self.coarsen))?;
        Ok(Options { coarsen, k, l: self.l })
    }
}

/// Fills the tables from `records` and writes the files; prints what was written.
fn write_all(
    form: &Compiled,
    args: &FlatArgs,
    records: impl FnOnce(&mut Filler) -> Result<usize, String>,
) -> Result<(), String> {
    crate::store::create_private_dir(&args.to).map_err(|e| format!("cannot create {}: {e}", args.to.display()))?;
    let values = args.labels.clone().map_or(Values::Names, Values::Labels);
    let lang = args.labels.clone().unwrap_or_else(|| form.form.default_language.clone());
    let mut filler = Filler::new(form, values);
    let n = records(&mut filler)?;
    filler.shuffle();
    let entries = codebook::entries(form, &filler.tables, &lang);
    let id = &form.form.id;
    let mut files: Vec<PathBuf> = Vec::new();
    match args.format {
        FlatFormat::Csv => {
            files.extend(write::csv_files(&filler.tables, &args.to, args.csv.style())?);
            let cb = args.to.join(format!("{id}-codebook.csv"));
            write::codebook_csv(&entries, &cb, args.csv.style())?;
            files.push(cb);
            let dofile = args.to.join(format!("{id}.do"));
            crate::store::write_atomically(&dofile, codebook::do_file(&filler.tables, &entries).as_bytes())
                .map_err(|e| format!("cannot write {}: {e}", dofile.display()))?;
            files.push(dofile);
        }
        FlatFormat::Xlsx => {
            let path = args.to.join(format!("{id}.xlsx"));
            write::xlsx(&filler.tables, &entries, &path)?;
            files.push(path);
        }
        FlatFormat::Parquet => {
            files.extend(crate::flat::parquet::parquet_files(form, &filler.tables, &args.to)?);
            let cb = args.to.join(format!("{id}-codebook.csv"));
            write::codebook_csv(&entries, &cb, args.csv.style())?;
            files.push(cb);
        }
    }
    println!("{n} record(s) of {id}");
    if filler.unplaced > 0 {
        println!(
            "note: {} answer(s) to questions the newest version of the form no longer has are not in the tables",
            filler.unplaced
        );
    }
    for f in files {
        println!("written: {}", f.display());
    }
    Ok(())
}

fn compile(definition: &str) -> Result<Compiled, String> {
    crate::form::from_definition(definition)
}

/// Warnings for whoever labels `form_id`'s records at headquarters with its newest version:
/// which laptops sent it, and where it labels what an older version labelled otherwise.
pub fn version_warnings(hq: &mut Hq, form_id: &str) -> Vec<String> {
    let Ok(versions) = hq.form_version_sources(form_id) else { return Vec::new() };
    let Some(newest) = versions.last() else { return Vec::new() };
    let Ok(new) = compile(&newest.definition) else { return Vec::new() };
    let short = |h: &str| h.chars().take(8).collect::<String>();
    let mut out = Vec::new();
    for old in &versions[..versions.len() - 1] {
        let Ok(before) = compile(&old.definition) else { continue };
        let changes = crate::form::label_changes(&before.form, &new.form);
        if !changes.is_empty() {
            out.push(format!(
                "every record of {form_id} is labelled with its newest version `{}` ({}, sent by {}), which labels otherwise than version `{}` ({}, sent by {}): {}; check that the newest version is one headquarters distributed",
                newest.version,
                short(&newest.hash),
                newest.laptops.join(", "),
                old.version,
                short(&old.hash),
                old.laptops.join(", "),
                changes.join("; ")
            ));
        }
    }
    out
}

/// `fourmi hq export`: every record of the form at headquarters, with the newest version's columns.
pub fn hq_export(hq: &mut Hq, args: &FlatArgs) -> Result<(), String> {
    for w in version_warnings(hq, &args.form) {
        eprintln!("warning: {w}");
    }
    let versions = hq.form_versions(&args.form).map_err(|e| e.to_string())?;
    let Some((_, _, definition)) = versions.last() else {
        let known = hq.form_ids().map_err(|e| e.to_string())?;
        return Err(format!("no records of a form `{}` here (forms: {})", args.form, known.join(", ")));
    };
    let form = compile(definition)?;
    // Anonymised over every record of the form (batches were each protected alone; together
    // their groups can differ), as a batch is: timestamps coarsened, free text scrubbed,
    // quasi-identifiers coarsened and hidden until k holds.
    let mut records = Vec::new();
    hq.each_record(&args.form, |r| records.push(r)).map_err(|e| e.to_string())?;
    let mut forms = std::collections::HashMap::new();
    for (hash, _, def) in &versions {
        forms.insert(hash.clone(), compile(def)?);
    }
    let opts = args.options(args.k.unwrap_or(5).max(1))?;
    let report = crate::batch::anonymise::anonymise(&mut records, &forms, &opts);
    let tr = crate::i18n::Tr::new(crate::i18n::Lang::from_env());
    let prepared = crate::batch::export::Prepared::of_records(records, report);
    for (_, line) in crate::batch::report::lines(&prepared, &tr, false) {
        println!("{line}");
    }
    crate::batch::export::check_reached(&prepared).map_err(|e| e.to_string())?;
    let records = prepared.records;
    write_all(&form, args, |filler| {
        records.iter().for_each(|r| filler.add(r));
        Ok(records.len())
    })
}

/// `fourmi records export`: this laptop's approved and exported records of the form, anonymised
/// as a batch is (coordinators).
pub fn laptop_export(store: &Store, args: &FlatArgs) -> Result<(), String> {
    let filter = RecordFilter { form_id: Some(args.form.clone()), ..RecordFilter::default() };
    let set = store.export_set(&Selection::Reviewed(filter)).map_err(|e| e.to_string())?;
    let newest = set.records.last().map(|r| r.row.form_hash.clone());
    let Some(definition) = newest.and_then(|h| set.forms.iter().find(|(x, _)| *x == h).map(|(_, d)| d.clone())) else {
        return Err(format!("no approved record of a form `{}` on this laptop", args.form));
    };
    let form = compile(&definition)?;
    let k = match args.k {
        Some(k) => k,
        None => store.disclosure_k().map_err(|e| e.to_string())?,
    };
    let opts = args.options(k)?;
    let prepared = prepare(set, &opts).map_err(|e| e.to_string())?;
    super::batch_cmd::print_report(&prepared, false);
    crate::batch::export::check_reached(&prepared).map_err(|e| e.to_string())?;
    let records: Vec<Record> = prepared.records;
    write_all(&form, args, |filler| {
        records.iter().for_each(|r| filler.add(r));
        Ok(records.len())
    })
}

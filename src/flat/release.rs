//! A release of flat files: the records of one form, anonymised as a batch is (timestamps
//! coarsened, free text scrubbed, quasi-identifiers coarsened and hidden until k holds), then
//! written as CSV, XLSX or Parquet with a codebook. Prepared first ([`Release`], whose report is
//! shown), written after ([`Release::write`]); the command line and headquarters' screen share it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{Filler, Values, codebook, write};
use crate::batch::BatchError;
use crate::batch::anonymise::Options;
use crate::batch::export::{Prepared, check_reached, prepare};
use crate::form::Compiled;
use crate::store::hq::Hq;
use crate::store::{RecordFilter, ReleaseEntry, ReleaseRegister, Selection, Store};

/// The file kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One CSV file per table, a codebook CSV and a Stata do-file.
    Csv,
    /// One workbook with a sheet per table and the codebook.
    Xlsx,
    /// One Parquet file per table, typed columns, and a codebook CSV.
    Parquet,
}

/// How the files are written.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The file kind.
    pub format: Format,
    /// Choice labels in this language (as the form names it) instead of choice names.
    pub labels: Option<String>,
    /// CSV files' byte-order mark and separator (also the codebook's, with Parquet).
    pub csv: write::CsvStyle,
}

/// The records of one form, anonymised, ready to be written.
pub struct Release {
    /// The form's newest version, whose columns the files have.
    pub form: Compiled,
    /// The records in the order the files will have them, and what anonymising them did.
    pub prepared: Prepared,
    /// The settings the records were anonymised with.
    pub options: Options,
    /// The earlier releases of the form where these files are written, newest first.
    pub earlier: Vec<ReleaseEntry>,
    /// This release's secret: its record keys and its order (see [`Release::new`]).
    secret: zeroize::Zeroizing<[u8; 32]>,
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// Records in the files.
    pub records: usize,
    /// Answers to questions the newest version of the form no longer has (not in the tables).
    pub unplaced: usize,
    /// The files.
    pub files: Vec<PathBuf>,
}

fn compile(definition: &str) -> Result<Compiled, BatchError> {
    crate::form::from_definition(definition).map_err(BatchError::Invalid)
}

fn no_records(id: &'static str, form: &str, known: Vec<String>) -> BatchError {
    let known = if known.is_empty() { "-".to_string() } else { known.join(", ") };
    BatchError::Said(crate::i18n::Said::new(id, &[("form", form.to_string()), ("known", known)]))
}

impl Release {
    /// Every record of `form_id` at headquarters, with its newest version's columns, anonymised
    /// over all of them (batches were each protected alone; together their groups can differ).
    pub fn at_headquarters(hq: &mut Hq, form_id: &str, options: &Options) -> Result<Release, BatchError> {
        let versions = hq.form_versions(form_id)?;
        let Some((_, _, definition)) = versions.last() else {
            return Err(no_records("err-flat-no-form-hq", form_id, hq.form_ids()?));
        };
        let form = compile(definition)?;
        let mut records = Vec::new();
        hq.each_record(form_id, |r| records.push(r))?;
        let mut forms = HashMap::new();
        for (hash, _, def) in &versions {
            forms.insert(hash.clone(), compile(def)?);
        }
        let report = crate::batch::anonymise::anonymise(&mut records, &forms, options);
        let earlier = hq.releases(form_id)?;
        Ok(Release::new(form, Prepared::of_records(records, report), *options, earlier))
    }

    /// This laptop's approved and exported records of `form_id`, anonymised as a batch is.
    pub fn on_laptop(store: &Store, form_id: &str, options: &Options) -> Result<Release, BatchError> {
        let filter = RecordFilter { form_id: Some(form_id.to_string()), ..RecordFilter::default() };
        let set = store.export_set(&Selection::Reviewed(filter))?;
        let newest = set.records.last().map(|r| r.row.form_hash.clone());
        let Some(definition) = newest.and_then(|h| set.forms.iter().find(|(x, _)| *x == h).map(|(_, d)| d.clone()))
        else {
            let known = store.tally(&RecordFilter::default(), crate::store::TallyBy::Form)?;
            return Err(no_records("err-flat-no-form-laptop", form_id, known.into_iter().map(|(f, _)| f).collect()));
        };
        let form = compile(&definition)?;
        let prepared = prepare(set, options)?;
        let earlier = (&mut &*store).releases(form_id)?;
        Ok(Release::new(form, prepared, *options, earlier))
    }

    /// A release of `prepared` with a secret of its own, its records put in an order of that
    /// secret: every set of files has the records in another order, so that two sets cannot be
    /// joined row by row and the order tells nothing of when interviews took place; and the
    /// report's preview shows the rows the files start with.
    fn new(form: Compiled, mut prepared: Prepared, options: Options, earlier: Vec<ReleaseEntry>) -> Release {
        use rand::seq::SliceRandom;
        use rand::{RngCore, SeedableRng};
        let mut secret = zeroize::Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(secret.as_mut());
        prepared.records.shuffle(&mut rand::rngs::StdRng::from_seed(*secret));
        Release { form, prepared, options, earlier, secret }
    }

    /// The settings of the newest earlier release, if it has any (a register entry that cannot
    /// be read has none, and differs from every setting).
    pub fn earlier_options(&self) -> Option<Option<Options>> {
        last_settings(&self.earlier)
    }

    /// The newest earlier release, when it was made with other settings than this one: files
    /// anonymised otherwise can be laid beside its files, and what one coarsened or hid the
    /// other may show.
    pub fn differs(&self) -> Option<&ReleaseEntry> {
        let newest = self.earlier.first()?;
        (Options::from_ledger(&newest.options) != Some(self.options)).then_some(newest)
    }

    /// The form's language `asked` names, as the form writes it: `French (fr)`, its code `fr` or
    /// its name `French`, in any case. Refused, with the form's languages, when it has none such.
    pub fn language(&self, asked: &str) -> Result<String, BatchError> {
        let want = asked.trim().to_lowercase();
        let languages = &self.form.form.languages;
        let found = languages.iter().find(|l| {
            let l = l.to_lowercase();
            let (name, code) = match l.split_once('(') {
                Some((name, code)) => (name.trim().to_string(), code.trim_end_matches(')').trim().to_string()),
                None => (l.trim().to_string(), String::new()),
            };
            l == want || name == want || (!code.is_empty() && code == want)
        });
        found.cloned().ok_or_else(|| {
            let known = if languages.is_empty() { "-".to_string() } else { languages.join(", ") };
            BatchError::Said(crate::i18n::Said::new(
                "err-labels-language",
                &[("form", self.form.form.id.clone()), ("lang", asked.to_string()), ("known", known)],
            ))
        })
    }

    /// The line that names the form's newest earlier release, how many there were, and whether
    /// this one is made with its settings.
    pub fn earlier_line(&self, tr: &crate::i18n::Tr) -> Option<String> {
        let last = self.earlier.first()?;
        let mut args: Vec<(&str, fluent_bundle::FluentValue)> =
            entry_args(&self.form.form.id, last).into_iter().map(|(k, v)| (k, v.into())).collect();
        args.push(("same", if self.differs().is_some() { "no" } else { "yes" }.into()));
        args.push(("count", (self.earlier.len() as i64).into()));
        Some(tr.ta("release-earlier", &args))
    }

    /// Fails unless k was reached and, when the newest earlier release was made otherwise, the
    /// writer says its files were never given out (`new_release`).
    pub fn check(&self, new_release: bool) -> Result<(), BatchError> {
        check_reached(&self.prepared)?;
        match (self.refusal(), new_release) {
            (Some(said), false) => Err(BatchError::Said(said)),
            _ => Ok(()),
        }
    }

    /// Why these files are refused unless they are a new release: the newest earlier release
    /// was made otherwise.
    pub fn refusal(&self) -> Option<crate::i18n::Said> {
        let earlier = self.differs()?;
        Some(crate::i18n::Said::new("err-release-differs", &entry_args(&self.form.form.id, earlier)))
    }

    /// Writes the files into `to` (created if missing, owner-only), once k was reached and
    /// unless the newest earlier release was made otherwise and `new_release` (its files were
    /// never given out) is not said. The files are made in a folder of their own inside `to`;
    /// once they all are, the release is registered in `register`, then each file is moved into
    /// `to`. A failure leaves neither files nor a register entry; a release cut short after its
    /// files were made is registered (they may have been taken from the folder).
    pub fn write(
        &self,
        to: &Path,
        layout: &Layout,
        register: &mut dyn ReleaseRegister,
        new_release: bool,
    ) -> Result<Written, BatchError> {
        self.check(new_release)?;
        if let Some(lang) = &layout.labels {
            self.language(lang)?;
        }
        let made = !to.exists();
        crate::store::create_private_dir(to)
            .map_err(|e| BatchError::Io(format!("cannot create {}: {e}", to.display())))?;
        let partial = to.join(format!(".{}-writing", self.form.form.id));
        let _ = std::fs::remove_dir_all(&partial);
        let written = self.write_then_move(&partial, to, layout, register);
        let _ = std::fs::remove_dir_all(&partial);
        if made && written.is_err() {
            // Nothing was written: the folder made for the files goes too (only if empty).
            let _ = std::fs::remove_dir(to);
        }
        written
    }

    fn write_then_move(
        &self,
        partial: &Path,
        to: &Path,
        layout: &Layout,
        register: &mut dyn ReleaseRegister,
    ) -> Result<Written, BatchError> {
        let shown = |e: String| BatchError::Io(e.replace(&partial.display().to_string(), &to.display().to_string()));
        let mut w = self.write_files_into(partial, layout).map_err(shown)?;
        // Each file replaces one of the same name; a folder in the way stops them all.
        if let Some(dir) = w.files.iter().filter_map(|f| f.file_name()).map(|n| to.join(n)).find(|d| d.is_dir()) {
            return Err(BatchError::Io(format!("cannot write {}: a folder has that name", dir.display())));
        }
        register.record_release(&self.form.form.id, &self.options.to_ledger(), self.prepared.records.len() as i64)?;
        for f in &mut w.files {
            let dest = to.join(f.file_name().map(PathBuf::from).unwrap_or_default());
            std::fs::rename(&*f, &dest).map_err(|e| BatchError::Io(format!("cannot write {}: {e}", dest.display())))?;
            *f = dest;
        }
        Ok(w)
    }

    fn write_files_into(&self, to: &Path, layout: &Layout) -> Result<Written, String> {
        crate::store::create_private_dir(to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
        let form = &self.form;
        let values = layout.labels.clone().map_or(Values::Names, Values::Labels);
        let lang = layout.labels.clone().unwrap_or_else(|| form.form.default_language.clone());
        let mut filler = Filler::new(form, values, *self.secret);
        self.prepared.records.iter().for_each(|r| filler.add(r));
        let entries = codebook::entries(form, &filler.tables, &lang);
        let id = &form.form.id;
        let mut files: Vec<PathBuf> = Vec::new();
        match layout.format {
            Format::Csv => {
                files.extend(write::csv_files(&filler.tables, to, layout.csv)?);
                let cb = to.join(format!("{id}-codebook.csv"));
                write::codebook_csv(&entries, &cb, layout.csv)?;
                files.push(cb);
                let dofile = to.join(format!("{id}.do"));
                crate::store::write_atomically(
                    &dofile,
                    codebook::do_file(
                        &filler.tables,
                        &entries,
                        codebook::DoCsv { separator: layout.csv.separator, labels: layout.labels.is_some() },
                    )
                    .as_bytes(),
                )
                .map_err(|e| format!("cannot write {}: {e}", dofile.display()))?;
                files.push(dofile);
            }
            Format::Xlsx => {
                let path = to.join(format!("{id}.xlsx"));
                write::xlsx(&filler.tables, &entries, &path)?;
                files.push(path);
            }
            Format::Parquet => {
                files.extend(super::parquet::parquet_files(form, &filler.tables, to)?);
                let cb = to.join(format!("{id}-codebook.csv"));
                write::codebook_csv(&entries, &cb, layout.csv)?;
                files.push(cb);
            }
        }
        Ok(Written { records: self.prepared.records.len(), unplaced: filler.unplaced, files })
    }
}

/// The settings of the newest of `earlier` (newest first), if there is one (`None` inside: its
/// entry cannot be read).
pub fn last_settings(earlier: &[ReleaseEntry]) -> Option<Option<Options>> {
    earlier.first().map(|e| Options::from_ledger(&e.options))
}

/// An earlier release as messages name it: `form`, `at` (day and time), `records`, and its
/// settings `k`, `l`, `coarsen` (`?` where the register's entry cannot be read).
pub fn entry_args(form: &str, earlier: &ReleaseEntry) -> Vec<(&'static str, String)> {
    let (k, l, coarsen) = match Options::from_ledger(&earlier.options) {
        Some(o) => (o.k.to_string(), o.l.to_string(), o.coarsen.as_str().to_string()),
        None => ("?".into(), "?".into(), "?".into()),
    };
    let at = earlier.at.get(..16).unwrap_or(&earlier.at).replace('T', " ");
    vec![
        ("form", form.to_string()),
        ("at", at),
        ("records", earlier.records.to_string()),
        ("k", k),
        ("l", l),
        ("coarsen", coarsen),
    ]
}

/// Warnings for whoever labels `form_id`'s records at headquarters with its newest version:
/// which laptops sent it, and where it labels what an older version labelled otherwise.
pub fn version_warnings(hq: &mut Hq, form_id: &str, tr: &crate::i18n::Tr) -> Vec<String> {
    let Ok(versions) = hq.form_version_sources(form_id) else { return Vec::new() };
    let Some((newest, older)) = versions.split_last() else { return Vec::new() };
    let Ok(new) = compile(&newest.definition) else { return Vec::new() };
    let short = |h: &str| h.chars().take(8).collect::<String>();
    let mut out = Vec::new();
    for old in older {
        let Ok(before) = compile(&old.definition) else { continue };
        let changes = crate::form::label_changes(&before.form, &new.form, tr);
        if !changes.is_empty() {
            let args = [
                ("form", form_id.to_string()),
                ("new", newest.version.clone()),
                ("newhash", short(&newest.hash)),
                ("newfrom", newest.laptops.join(", ")),
                ("old", old.version.clone()),
                ("oldhash", short(&old.hash)),
                ("oldfrom", old.laptops.join(", ")),
                ("changes", changes.join("; ")),
            ];
            let args: Vec<(&str, fluent_bundle::FluentValue)> = args.into_iter().map(|(k, v)| (k, v.into())).collect();
            out.push(tr.ta("warn-form-relabels", &args));
        }
    }
    out
}

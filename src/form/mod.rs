//! Questionnaires: the model, the readers (TOML, XLSForm spreadsheets, markdown tables), the
//! checks and compilation.
//!
//! [`load`] reads any supported file into a [`Workbook`], builds the [`Form`] and runs every
//! check, returning the form with its [`Diagnostic`]s. [`Compiled::new`] turns a form without
//! errors into the flat, dependency-ordered table the interview engine runs.

mod answer_text;
mod attachments;
mod build;
mod bundled;
mod check;
mod compile;
mod current;
mod diag;
mod entities;
pub mod external;
pub mod generalise;
mod kobomatrix;
mod model;
mod params;
mod read_md;
mod read_xlsx;
mod toml_io;
mod types;
mod workbook;
mod write;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use attachments::{parse_choice_file, read_choice_file, search_file};
pub use build::{similar, valid_name};
pub use bundled::BUNDLED;
pub use check::{TextPiece, text_pieces, text_references};
pub use compile::{Compiled, ItemId, Node};
pub use diag::{Diagnostic, Severity, has_errors};
pub use model::{Choice, ChoiceSource, DefaultValue, Form, Generalise, Item, Kind, Privacy, Text, text_in};
pub use read_md::read_md;
pub use read_xlsx::read_xlsx;
pub use toml_io::{read_toml, write_toml};
pub use types::{TypeCell, not_collected_why, parse_type};
pub use workbook::{Cell, Pos, Row, Sheet, Workbook, normalise_column};
pub use write::{write_md, write_xlsx};

/// A form file that could not be read at all (as opposed to a form with problems).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be opened or read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The extension is not one fourmi reads.
    #[error("{0}: fourmi reads forms as .toml, .xlsx, .xls, .xlsm, .ods or .md")]
    UnknownFormat(PathBuf),
    /// The file is not a valid file of its format.
    #[error("{path}:{pos}: error: {message}")]
    Syntax {
        /// The file.
        path: PathBuf,
        /// Where.
        pos: Pos,
        /// What is wrong.
        message: String,
    },
}

/// The formats fourmi reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// fourmi's TOML.
    Toml,
    /// A spreadsheet.
    Spreadsheet,
    /// pyxform's markdown tables.
    Markdown,
}

impl Format {
    /// The format of `path`, by its extension.
    pub fn of(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_lowercase();
        Some(match ext.as_str() {
            "toml" => Format::Toml,
            "xlsx" | "xls" | "xlsm" | "ods" => Format::Spreadsheet,
            "md" => Format::Markdown,
            _ => return None,
        })
    }
}

/// Reads a form file into its raw workbook.
pub fn read_workbook(path: &Path) -> Result<Workbook, LoadError> {
    let format = Format::of(path).ok_or_else(|| LoadError::UnknownFormat(path.to_path_buf()))?;
    let syntax = |pos: Pos, message: String| LoadError::Syntax { path: path.to_path_buf(), pos, message };
    match format {
        Format::Spreadsheet => {
            if let Err(source) = std::fs::metadata(path) {
                return Err(LoadError::Io { path: path.to_path_buf(), source });
            }
            let bytes = crate::limits::read_regular_file(path, crate::limits::FORM_FILE_BYTES)
                .map_err(|m| syntax(Pos { line: 1, col: 1 }, m))?;
            read_xlsx(&bytes).map_err(|m| syntax(Pos { line: 1, col: 1 }, m))
        }
        Format::Toml | Format::Markdown => {
            if let Err(source) = std::fs::metadata(path) {
                return Err(LoadError::Io { path: path.to_path_buf(), source });
            }
            let bytes = crate::limits::read_regular_file(path, crate::limits::FORM_FILE_BYTES)
                .map_err(|m| syntax(Pos { line: 1, col: 1 }, m))?;
            let text = String::from_utf8(bytes)
                .map_err(|e| syntax(Pos { line: 1, col: 1 }, format!("the file is not UTF-8 text ({e})")))?;
            if format == Format::Toml {
                read_toml(&text).map_err(|(pos, m)| syntax(pos, m))
            } else {
                Ok(read_md(&text))
            }
        }
    }
}

/// A form as loaded: the model (as far as it could be built) and every problem found.
pub struct Loaded {
    /// The form.
    pub form: Form,
    /// Problems, errors and warnings, in position order.
    pub diags: Vec<Diagnostic>,
}

impl Loaded {
    /// Whether the form is a valid form (`form check` passes).
    pub fn is_valid(&self) -> bool {
        !has_errors(&self.diags)
    }

    /// Whether interviews can be run with it: valid, and every file it needs beside it; else
    /// what is wrong, for the user.
    pub fn ready_for_interviews(&self, shown: &str) -> Result<(), String> {
        if let Some(first) = self.diags.iter().find(|d| d.severity == Severity::Error) {
            return Err(first.render(shown));
        }
        if !self.form.missing_files.is_empty() {
            return Err(format!("{shown}: {}", attachments::missing_message(&self.form.missing_files)));
        }
        Ok(())
    }
}

/// Builds and checks a workbook; `dir` is where choice files (`select_one_from_file`) are looked for.
pub fn from_workbook(wb: &Workbook, default_id: &str, dir: Option<&Path>) -> Loaded {
    let nul: Vec<Diagnostic> = wb
        .nul_places()
        .into_iter()
        .map(|(pos, what)| {
            let why = "holds a NUL character (invisible, left by a copy and paste or a tool): delete it";
            Diagnostic::error(pos, format!("{what} {why}"))
        })
        .collect();
    let (wb, matrix_diags) = kobomatrix::expand(&wb.cleaned());
    let built = build::build(&wb, default_id);
    if let Some(fatal) = built.fatal {
        return Loaded { form: built.form, diags: vec![fatal] };
    }
    let mut form = built.form;
    let mut diags = built.diags;
    diags.extend(matrix_diags);
    diags.extend(nul);
    diags.extend(current::resolve(&mut form.items));
    diags.extend(load_choice_files(&mut form, &wb, dir));
    diags.extend(check::check(&form));
    diags.sort_by_key(|d| (d.pos, d.severity));
    diags.dedup();
    Loaded { form, diags }
}

/// Reads, builds and checks the form in `path`.
pub fn load(path: &Path) -> Result<Loaded, LoadError> {
    let wb = read_workbook(path)?;
    let id = path.file_stem().and_then(|s| s.to_str()).unwrap_or("form");
    Ok(from_workbook(&wb, id, path.parent()))
}

use workbook::FILE_SHEET;

/// Reads the files the form needs from `dir` (choice files into its choice lists, keyed by file
/// name; the CSV files of `pulldata()` and `search()` into [`Form::files`]), or from the sheets
/// a stored definition carries them in; a file found nowhere is named, with its rows, in a
/// warning and in [`Form::missing_files`].
fn load_choice_files(form: &mut Form, wb: &Workbook, dir: Option<&Path>) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for sheet in wb.others.iter().filter(|s| s.name.starts_with(FILE_SHEET)) {
        let rows = sheet.rows.iter().map(|r| r.cells.iter().map(|c| (c.column.clone(), c.value.clone())).collect());
        form.files.insert(sheet.name.trim_start_matches(FILE_SHEET).to_lowercase(), rows.collect());
    }
    let choice_files: Vec<(String, String, String)> = form
        .walk()
        .into_iter()
        .filter_map(|(i, _)| match &i.choices {
            Some(ChoiceSource::File(f)) => Some((
                f.clone(),
                i.parameters.get("value").cloned().unwrap_or_else(|| "name".into()),
                i.parameters.get("label").cloned().unwrap_or_else(|| "label".into()),
            )),
            _ => None,
        })
        .collect();
    let mut missing = Vec::new();
    for (file, rows) in attachments::needed(form) {
        let is_choices = choice_files.iter().any(|(f, _, _)| *f == file);
        if (is_choices && form.choices.contains_key(&file)) || form.files.contains_key(&file.to_lowercase()) {
            continue;
        }
        // Without a folder (a form built in memory) the file cannot be looked for.
        let Some(dir) = dir else { continue };
        let path = dir.join(&file);
        let pos = Pos { line: rows.first().copied().unwrap_or(1), col: 1 };
        if !path.exists() {
            missing.push((file, rows));
            continue;
        }
        let read = if is_choices {
            let (_, value, label) = choice_files.iter().find(|(f, _, _)| *f == file).cloned().unwrap_or_default();
            read_choice_file(&path, &value, &label).map(|c| {
                form.choices.insert(file.clone(), c);
            })
        } else {
            attachments::read_rows(&path).map(|r| {
                form.files.insert(file.to_lowercase(), r);
            })
        };
        if let Err(msg) = read {
            diags.push(Diagnostic::error(pos, msg));
        }
    }
    search_lists(form);
    diags.extend(attachments::external_trees(form));
    if !missing.is_empty() {
        for (file, rows) in &missing {
            diags.push(Diagnostic::warning(
                Pos { line: rows.first().copied().unwrap_or(1), col: 1 },
                format!(
                    "the file `{file}` that {} need{} is not beside the form: the form is valid, but interviews cannot start until the file is put in the form's folder",
                    attachments::rows_text(rows),
                    if rows.len() == 1 { "s" } else { "" }
                ),
            ));
        }
        form.missing_files = missing;
    }
    diags
}

/// Selects with the `search('file')` appearance offer the rows of that attached CSV: their list
/// on the choices sheet names the file's columns (its first choice's name is the value column,
/// its label the label column), as ODK reads it.
fn search_lists(form: &mut Form) {
    fn go(
        items: &mut [Item],
        files: &BTreeMap<String, Vec<BTreeMap<String, String>>>,
        lists: &mut BTreeMap<String, Vec<Choice>>,
    ) {
        for item in items {
            go(&mut item.children, files, lists);
            let (Some(file), Some(ChoiceSource::List(list))) =
                (attachments::search_file(&item.appearance), &item.choices)
            else {
                continue;
            };
            let Some(rows) = files.get(&format!("{file}.csv").to_lowercase()) else { continue };
            let Some(columns) = lists.get(list).and_then(|l| l.first()).cloned() else { continue };
            let label_col = columns.label.values().next().cloned().unwrap_or_default();
            let key = format!("search:{file}:{list}");
            let choices = rows
                .iter()
                .filter_map(|r| {
                    let name = r.get(&columns.name)?.trim().to_string();
                    let mut label = Text::new();
                    label.insert(String::new(), r.get(&label_col).cloned().unwrap_or_else(|| name.clone()));
                    let extra = r.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                    (!name.is_empty()).then(|| Choice {
                        name,
                        label,
                        extra,
                        media: Default::default(),
                        pos: Pos::default(),
                    })
                })
                .collect();
            lists.insert(key.clone(), choices);
            item.choices = Some(ChoiceSource::List(key));
        }
    }
    let files = std::mem::take(&mut form.files);
    go(&mut form.items, &files, &mut form.choices);
    form.files = files;
}

/// The form as one self-contained TOML text, as the store keeps every version: the workbook,
/// with the choices of `select_one_from_file` CSV files added to the choices sheet (under the
/// file's name), so the definition needs no other file to be read again.
pub fn portable_definition(wb: &Workbook, form: &Form) -> String {
    let mut wb = wb.clone();
    let files: Vec<String> = form
        .walk()
        .into_iter()
        .filter_map(|(i, _)| match &i.choices {
            Some(ChoiceSource::File(f)) => Some(f.clone()),
            _ => None,
        })
        .collect();
    let sheet = wb.choices.get_or_insert_with(|| Sheet { name: "choices".into(), ..Sheet::default() });
    for file in files {
        if sheet.rows.iter().any(|r| r.text("list_name") == file) {
            continue;
        }
        for c in form.choices.get(&file).into_iter().flatten() {
            let mut cells = vec![
                Cell { column: "list_name".into(), value: file.clone(), pos: Pos::default() },
                Cell { column: "name".into(), value: c.name.clone(), pos: Pos::default() },
            ];
            for (lang, text) in &c.label {
                let column = if lang.is_empty() { "label".to_string() } else { format!("label::{lang}") };
                cells.push(Cell { column, value: text.clone(), pos: Pos::default() });
            }
            for (k, v) in &c.extra {
                cells.push(Cell { column: k.clone(), value: v.clone(), pos: Pos::default() });
            }
            sheet.rows.push(Row { pos: Pos::default(), number: 0, cells });
        }
    }
    for (file, rows) in &form.files {
        let name = format!("{FILE_SHEET}{file}");
        if wb.others.iter().any(|s| s.name == name) {
            continue;
        }
        let rows = rows
            .iter()
            .map(|r| Row {
                pos: Pos::default(),
                number: 0,
                cells: r
                    .iter()
                    .map(|(k, v)| Cell { column: k.clone(), value: v.clone(), pos: Pos::default() })
                    .collect(),
            })
            .collect();
        wb.others.push(Sheet { name, rows, ..Sheet::default() });
    }
    write_toml(&wb)
}

/// Reads a stored definition back into a compiled form.
pub fn from_definition(definition: &str) -> Result<Compiled, String> {
    let mut wb = read_toml(definition).map_err(|(pos, m)| format!("{pos}: {m}"))?;
    // Kept as older versions stored it, as headquarters keeps any text (`form check` now
    // refuses a NUL character).
    wb.without_nul();
    let loaded = from_workbook(&wb, "form", None);
    if !loaded.is_valid() {
        let first =
            loaded.diags.iter().find(|d| d.severity == Severity::Error).map(|d| d.to_string()).unwrap_or_default();
        return Err(format!("the stored form has errors: {first}"));
    }
    Ok(Compiled::new(loaded.form))
}

/// Where `new` labels a question, or a choice of a question, of the same name otherwise than
/// `old` does, in every language both have (each question's choices read through each version's
/// own list, whatever the list is called), and the languages `new` adds, whose labels no older
/// version can vouch for: what an analyst should check before labelling records of `old` with
/// `new`.
pub fn label_changes(old: &Form, new: &Form, tr: &crate::i18n::Tr) -> Vec<String> {
    let mut out = Vec::new();
    let added: Vec<&String> = new.languages.iter().filter(|l| !l.is_empty() && !old.languages.contains(l)).collect();
    if !added.is_empty() {
        let list = added.iter().map(|l| l.as_str()).collect::<Vec<_>>().join(", ");
        out.push(tr.ta("label-change-language", &[("list", list.into())]));
    }
    let mut langs: Vec<String> = new.languages.iter().filter(|l| old.languages.contains(l)).cloned().collect();
    if langs.is_empty() {
        langs.push(new.default_language.clone());
    }
    let label = |f: &Form, t: &Text, lang: &str| text_in(t, lang, &f.default_language).unwrap_or_default().to_string();
    let old_items = old.walk();
    let list_of = |f: &Form, i: &Item| -> Option<Vec<Choice>> {
        match &i.choices {
            Some(ChoiceSource::List(l)) | Some(ChoiceSource::File(l)) => f.choices.get(l).cloned(),
            None => None,
        }
    };
    for (item, _) in new.walk() {
        let Some((b, _)) = old_items.iter().find(|(b, _)| b.name == item.name && b.kind == item.kind) else { continue };
        for lang in &langs {
            let (was, is) = (label(old, &b.label, lang), label(new, &item.label, lang));
            if was != is {
                let args = [("question", item.name.clone().into()), ("was", was.into()), ("is", is.into())];
                out.push(tr.ta("label-change-question", &args));
            }
            let (Some(before), Some(now)) = (list_of(old, b), list_of(new, item)) else { continue };
            for c in &now {
                if let Some(p) = before.iter().find(|p| p.name == c.name) {
                    let (was, is) = (label(old, &p.label, lang), label(new, &c.label, lang));
                    if was != is {
                        let args = [
                            ("choice", c.name.clone().into()),
                            ("question", item.name.clone().into()),
                            ("was", was.into()),
                            ("is", is.into()),
                        ];
                        out.push(tr.ta("label-change-choice", &args));
                    }
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

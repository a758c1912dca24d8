//! Questionnaires: the model, the readers (TOML, XLSForm spreadsheets, markdown tables), the
//! checks and compilation.
//!
//! [`load`] reads any supported file into a [`Workbook`], builds the [`Form`] and runs every
//! check, returning the form with its [`Diagnostic`]s. [`Compiled::new`] turns a form without
//! errors into the flat, dependency-ordered table the interview engine runs.

mod build;
mod bundled;
mod check;
mod compile;
mod diag;
mod model;
mod params;
mod read_md;
mod read_xlsx;
mod toml_io;
mod types;
mod workbook;
mod write;

use std::path::{Path, PathBuf};

pub use build::{similar, valid_name};
pub use bundled::BUNDLED;
pub use check::{TextPiece, text_pieces, text_references};
pub use compile::{Compiled, ItemId, Node};
pub use diag::{Diagnostic, Severity, has_errors};
pub use model::{Choice, ChoiceSource, DefaultValue, Form, Item, Kind, Privacy, Text, text_in};
pub use read_md::read_md;
pub use read_xlsx::read_xlsx;
pub use toml_io::{read_toml, write_toml};
pub use types::{TypeCell, parse_type};
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
    /// Whether the form can be used.
    pub fn is_valid(&self) -> bool {
        !has_errors(&self.diags)
    }
}

/// Builds and checks a workbook; `dir` is where choice files (`select_one_from_file`) are looked for.
pub fn from_workbook(wb: &Workbook, default_id: &str, dir: Option<&Path>) -> Loaded {
    let built = build::build(wb, default_id);
    if let Some(fatal) = built.fatal {
        return Loaded { form: built.form, diags: vec![fatal] };
    }
    let mut form = built.form;
    let mut diags = built.diags;
    diags.extend(load_choice_files(&mut form, dir));
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

/// Reads the CSV files of `select_one_from_file` questions into the form's choice lists (keyed
/// by file name).
fn load_choice_files(form: &mut Form, dir: Option<&Path>) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let files: Vec<(String, Pos, u32)> = form
        .walk()
        .into_iter()
        .filter_map(|(i, _)| match &i.choices {
            Some(ChoiceSource::File(f)) => Some((f.clone(), i.pos, i.row)),
            _ => None,
        })
        .collect();
    for (file, pos, _) in files {
        if form.choices.contains_key(&file) {
            continue;
        }
        // Without a folder (a form built in memory) the file cannot be looked for.
        let Some(dir) = dir else { continue };
        match read_choice_csv(&dir.join(&file)) {
            Ok(choices) => {
                form.choices.insert(file, choices);
            }
            Err(msg) => diags.push(Diagnostic::error(pos, msg)),
        }
    }
    diags
}

/// Reads a choice CSV: a `name` column, a `label` (or `label::<language>`) column, and any
/// other columns for choice filters.
pub fn read_choice_csv(path: &Path) -> Result<Vec<Choice>, String> {
    let shown = path.display();
    if !path.exists() {
        return Err(format!("cannot read the choice file {shown}: it is not there; put it beside the form"));
    }
    let bytes = crate::limits::read_regular_file(path, crate::limits::FORM_FILE_BYTES)
        .map_err(|e| format!("the choice file: {e}"))?;
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let headers: Vec<String> =
        reader.headers().map_err(|e| format!("{shown}: {e}"))?.iter().map(normalise_column).collect();
    if !headers.iter().any(|h| h == "name") {
        return Err(format!("the choice file {shown} has no `name` column"));
    }
    let mut out = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| format!("{shown}: {e}"))?;
        let mut choice = Choice {
            name: String::new(),
            label: Text::new(),
            extra: Default::default(),
            media: Default::default(),
            pos: Pos { line: i as u32 + 2, col: 1 },
        };
        for (h, v) in headers.iter().zip(rec.iter()) {
            if h == "name" {
                choice.name = v.trim().to_string();
            } else if h == "label" {
                choice.label.insert(String::new(), v.trim().to_string());
            } else if let Some(lang) = h.strip_prefix("label::") {
                choice.label.insert(lang.to_string(), v.trim().to_string());
            } else {
                choice.extra.insert(h.clone(), v.trim().to_string());
            }
        }
        if !choice.name.is_empty() {
            out.push(choice);
        }
    }
    Ok(out)
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
    write_toml(&wb)
}

/// Reads a stored definition back into a compiled form.
pub fn from_definition(definition: &str) -> Result<Compiled, String> {
    let wb = read_toml(definition).map_err(|(pos, m)| format!("{pos}: {m}"))?;
    let loaded = from_workbook(&wb, "form", None);
    if !loaded.is_valid() {
        let first =
            loaded.diags.iter().find(|d| d.severity == Severity::Error).map(|d| d.to_string()).unwrap_or_default();
        return Err(format!("the stored form has errors: {first}"));
    }
    Ok(Compiled::new(loaded.form))
}

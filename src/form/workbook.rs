//! The raw XLSForm: sheets of rows of named cells, each cell with where it came from.
//!
//! Every reader (TOML, `.xlsx`/`.xls`, markdown tables) produces a [`Workbook`] and every writer
//! takes one, so converting between formats loses nothing. Column names are normalised here
//! (aliases such as `list name`, `calculate`, `bind::relevant`), once for all readers.

#![deny(clippy::indexing_slicing)]

use std::fmt;

/// A position in a source file: line (or spreadsheet row) and column, both 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    /// Line in a text file, or row in a spreadsheet.
    pub line: u32,
    /// Column (character in a text file, column number in a spreadsheet).
    pub col: u32,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// One cell: the normalised column name, the text, and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// Normalised column name (`label::French (fr)`, `constraint_message`).
    pub column: String,
    /// The cell's text, trimmed.
    pub value: String,
    /// Where it stands.
    pub pos: Pos,
}

/// One row of a sheet.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Row {
    /// Where the row starts (its first column).
    pub pos: Pos,
    /// Spreadsheet row number as XLSForm authors count it (header row is 1).
    pub number: u32,
    /// Its non-empty cells, in column order.
    pub cells: Vec<Cell>,
}

impl Row {
    /// The cell in `column`, if it is not empty.
    pub fn get(&self, column: &str) -> Option<&Cell> {
        self.cells.iter().find(|c| c.column == column && !c.value.is_empty())
    }

    /// The text in `column`, or "".
    pub fn text(&self, column: &str) -> &str {
        self.get(column).map_or("", |c| c.value.as_str())
    }

    /// Where `column` is in this row, or the row's start.
    pub fn pos_of(&self, column: &str) -> Pos {
        self.get(column).map_or(self.pos, |c| c.pos)
    }

    /// Whether every cell is empty.
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.value.is_empty())
    }
}

/// One sheet: its name as written, its header, its rows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sheet {
    /// The sheet name as written in the source.
    pub name: String,
    /// Where the header row stands.
    pub header_pos: Pos,
    /// Normalised column names in order (as the header has them).
    pub columns: Vec<String>,
    /// The rows below the header (blank rows dropped).
    pub rows: Vec<Row>,
}

/// An XLSForm: the survey, choices and settings sheets, and any others as they are.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Workbook {
    /// `survey`.
    pub survey: Option<Sheet>,
    /// `choices`.
    pub choices: Option<Sheet>,
    /// `settings` (one row).
    pub settings: Option<Sheet>,
    /// Any other sheet (`entities`, `external_choices`, misspellings), kept for the checks.
    pub others: Vec<Sheet>,
}

impl Workbook {
    /// Places a sheet read from a source under its role, by case-insensitive name.
    pub fn add_sheet(&mut self, sheet: Sheet) {
        match sheet.name.to_lowercase().as_str() {
            "survey" if self.survey.is_none() => self.survey = Some(sheet),
            "choices" if self.choices.is_none() => self.choices = Some(sheet),
            "settings" if self.settings.is_none() => self.settings = Some(sheet),
            _ => self.others.push(sheet),
        }
    }

    /// Its sheets: survey, choices, settings, then the others.
    fn sheets_mut(&mut self) -> impl Iterator<Item = &mut Sheet> {
        self.survey
            .iter_mut()
            .chain(self.choices.iter_mut())
            .chain(self.settings.iter_mut())
            .chain(self.others.iter_mut())
    }

    /// Where a NUL character is, outside attached files (a sheet's name, a column's, a cell),
    /// with what holds it: `form check` refuses them.
    pub fn nul_places(&self) -> Vec<(Pos, String)> {
        let sheets = self.survey.iter().chain(&self.choices).chain(&self.settings).chain(&self.others);
        let mut out = Vec::new();
        for sheet in sheets.filter(|s| !s.name.starts_with(FILE_SHEET)) {
            if sheet.name.contains('\0') {
                out.push((sheet.header_pos, "the name of a sheet".to_string()));
            }
            for c in sheet.columns.iter().filter(|c| c.contains('\0')) {
                out.push((sheet.header_pos, format!("the column name `{c}`")));
            }
            let cells = sheet.rows.iter().flat_map(|r| r.cells.iter());
            out.extend(cells.filter(|c| c.value.contains('\0')).map(|c| (c.pos, format!("the `{}` cell", c.column))));
        }
        out
    }

    /// Every sheet name, column name and cell with its NUL characters made U+FFFD
    /// ([`crate::limits::without_nul`]).
    pub fn without_nul(&mut self) {
        use crate::limits::without_nul;
        for sheet in self.sheets_mut() {
            without_nul(&mut sheet.name);
            sheet.columns.iter_mut().for_each(without_nul);
            for c in sheet.rows.iter_mut().flat_map(|r| r.cells.iter_mut()) {
                without_nul(&mut c.column);
                without_nul(&mut c.value);
            }
        }
    }

    /// The workbook as pyxform reads it (pyxform's `clean_text_values` and its spreadsheet
    /// readers): in every cell of every sheet, typographic quotes `‘ ’ “ ”` become `'` and `"`
    /// and non-breaking spaces plain spaces; on the survey sheet, unless the setting
    /// `clean_text_values` is no, each cell is trimmed and runs of spaces become one.
    pub fn cleaned(&self) -> Workbook {
        let off = ["no", "No", "NO", "false", "False", "FALSE", "false()"];
        let collapse = !self.setting("clean_text_values").is_some_and(|c| off.contains(&c.value.trim()));
        let mut wb = self.clone();
        let clean = |sheet: &mut Sheet, collapse: bool| {
            for row in &mut sheet.rows {
                for cell in &mut row.cells {
                    cell.value = clean_text(&cell.value, collapse);
                }
                row.cells.retain(|c| !c.value.is_empty());
            }
        };
        if let Some(s) = wb.survey.as_mut() {
            clean(s, collapse);
        }
        // Attached files are kept as they were written (pyxform does not read them).
        let others = wb.others.iter_mut().filter(|s| !s.name.starts_with(FILE_SHEET));
        for s in wb.choices.iter_mut().chain(wb.settings.iter_mut()).chain(others) {
            clean(s, false);
        }
        wb
    }

    /// The settings sheet's value for `key` (first row), if set.
    pub fn setting(&self, key: &str) -> Option<&Cell> {
        self.settings.as_ref()?.rows.first()?.get(key)
    }
}

/// The prefix of the sheets that carry an attached file's rows in a stored definition.
pub const FILE_SHEET: &str = "attachment:";

/// One cell's text as pyxform cleans it (see [`Workbook::cleaned`]).
pub fn clean_text(value: &str, collapse: bool) -> String {
    let mut out: String = value
        .chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' => '\'',
            '\u{201c}' | '\u{201d}' => '"',
            '\u{a0}' => ' ',
            c => c,
        })
        .collect();
    if collapse {
        let trimmed = out.trim();
        let mut collapsed = String::with_capacity(trimmed.len());
        for c in trimmed.chars() {
            if !(c == ' ' && collapsed.ends_with(' ')) {
                collapsed.push(c);
            }
        }
        out = collapsed;
    }
    out
}

/// Turns a header as written into the column name the model uses.
///
/// Known columns are matched case-insensitively and through XLSForm's aliases; a translated
/// column keeps its language as written (`Label::French (fr)` -> `label::French (fr)`).
pub fn normalise_column(header: &str) -> String {
    let h = header.trim();
    // Older XLSForms separate with one colon: `label:English (en)`, `bind:jr:constraintMsg`.
    if !h.contains("::")
        && let Some((base, rest)) = h.split_once(':')
    {
        let lower = base.trim().to_lowercase();
        if matches!(lower.as_str(), "bind" | "body" | "control" | "media")
            || is_translatable(canonical(&lower).unwrap_or(""))
        {
            return normalise_column(&format!("{base}::{rest}"));
        }
    }
    let (base, rest) = match h.split_once("::") {
        Some((b, r)) => (b.trim(), Some(r.trim())),
        None => (h, None),
    };
    let lower = base.to_lowercase();
    // bind:: / body:: / control:: prefixes name ordinary columns.
    if let Some(r) = rest {
        if matches!(lower.as_str(), "bind" | "body" | "control") {
            let canon = canonical(&r.to_lowercase()).unwrap_or("");
            if !canon.is_empty() {
                return canon.to_string();
            }
            return format!("{lower}::{r}");
        }
        if lower == "media" {
            return match r.split_once("::") {
                Some((m, lang)) => format!("{}::{}", m.trim().to_lowercase(), lang.trim()),
                None => r.to_lowercase(),
            };
        }
    }
    let base_name = canonical(&lower).map_or_else(|| base.to_string(), str::to_string);
    match rest {
        Some(lang) if is_translatable(&base_name) => format!("{base_name}::{lang}"),
        Some(r) => format!("{base_name}::{r}"),
        None => base_name,
    }
}

/// Columns that take one value per language.
pub fn is_translatable(column: &str) -> bool {
    matches!(
        column,
        "label"
            | "hint"
            | "guidance_hint"
            | "constraint_message"
            | "required_message"
            | "image"
            | "audio"
            | "video"
            | "big-image"
            | "title"
    )
}

fn canonical(lower: &str) -> Option<&'static str> {
    Some(match lower {
        "type" => "type",
        "name" | "value" => "name",
        "label" | "caption" => "label",
        "hint" => "hint",
        "guidance_hint" | "guidance hint" => "guidance_hint",
        "required" => "required",
        "required_message" | "required message" | "jr:requiredmsg" => "required_message",
        "relevant" | "relevance" => "relevant",
        "constraint" => "constraint",
        "constraint_message" | "constraint message" | "jr:constraintmsg" => "constraint_message",
        "calculation" | "calculate" => "calculation",
        "default" => "default",
        "read_only" | "readonly" | "read only" => "read_only",
        "appearance" => "appearance",
        "choice_filter" | "choice filter" => "choice_filter",
        "repeat_count" | "repeat count" | "jr:count" => "repeat_count",
        "parameters" | "params" => "parameters",
        "trigger" => "trigger",
        "list_name" | "list name" => "list_name",
        "image" => "image",
        "audio" => "audio",
        "video" => "video",
        "big-image" => "big-image",
        "privacy" => "privacy",
        "generalise" | "generalize" | "generalisation" | "generalization" => "generalise",
        "form_title" | "title" => "form_title",
        "form_id" | "id_string" => "form_id",
        "version" => "version",
        "default_language" => "default_language",
        "style" => "style",
        "instance_name" => "instance_name",
        "allow_choice_duplicates" => "allow_choice_duplicates",
        "consent_question" => "consent_question",
        "recontact_question" => "recontact_question",
        "eligibility" => "eligibility",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_and_case_collapse_to_one_column_name() {
        assert_eq!(normalise_column("List Name"), "list_name");
        assert_eq!(normalise_column("calculate"), "calculation");
        assert_eq!(normalise_column("bind::relevant"), "relevant");
        assert_eq!(normalise_column("Label::French (fr)"), "label::French (fr)");
        assert_eq!(normalise_column("media::image::eng"), "image::eng");
        assert_eq!(normalise_column("jr:constraintMsg"), "constraint_message");
    }
}

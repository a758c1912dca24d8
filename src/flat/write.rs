//! Writing tables: one CSV file per table (UTF-8, a header row), or one XLSX workbook with a
//! sheet per table.

use std::path::{Path, PathBuf};

use super::Table;
use super::codebook::Entry;

fn io(path: &Path, e: impl std::fmt::Display) -> String {
    format!("cannot write {}: {e}", path.display())
}

/// How CSV files are written: comma-separated UTF-8 by default; for Excel, a byte-order mark
/// (without it Excel reads UTF-8 as the Windows code page and breaks accents) and the list
/// separator of the user's Excel (`;` where the decimal mark is a comma, as in French).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvStyle {
    /// Start each file with the UTF-8 byte-order mark.
    pub bom: bool,
    /// The field separator.
    pub separator: u8,
}

impl Default for CsvStyle {
    fn default() -> CsvStyle {
        CsvStyle { bom: false, separator: b',' }
    }
}

/// A CSV writer on a new owner-only file.
pub(crate) fn csv_writer(path: &Path, style: CsvStyle) -> Result<csv::Writer<std::fs::File>, String> {
    use std::io::Write;
    let mut file = crate::store::create_private(path).map_err(|e| io(path, e))?;
    if style.bom {
        file.write_all("\u{FEFF}".as_bytes()).map_err(|e| io(path, e))?;
    }
    Ok(csv::WriterBuilder::new().flexible(true).delimiter(style.separator).from_writer(file))
}

/// Writes a workbook into a new owner-only file.
pub(crate) fn save_xlsx(wb: &mut rust_xlsxwriter::Workbook, path: &Path) -> Result<(), String> {
    use std::io::Write;
    let bytes = wb.save_to_buffer().map_err(|e| io(path, e))?;
    crate::store::create_private(path).and_then(|mut f| f.write_all(&bytes)).map_err(|e| io(path, e))
}

/// Writes one CSV row, each cell [`spreadsheet_safe`].
pub fn write_safe_row<'a, W: std::io::Write>(
    w: &mut csv::Writer<W>,
    row: impl IntoIterator<Item = &'a str>,
) -> csv::Result<()> {
    for cell in row {
        w.write_field(spreadsheet_safe(cell).as_bytes())?;
    }
    w.write_record(None::<&[u8]>)
}

/// A cell as a spreadsheet will read it safely: text that a spreadsheet would take as a formula
/// (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`, as
/// spreadsheet-safe exports do; numbers (`-5`, `+3.2`) are left as they are.
pub fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    // What a spreadsheet skips before it decides (spaces, line breaks, invisible characters),
    // then a formula sign, in ASCII or full width.
    let first =
        cell.chars().find(|c| !(c.is_whitespace() || matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')));
    let starts_control = cell.starts_with(['\t', '\r', '\n']);
    let sign =
        first.is_some_and(|c| matches!(c, '=' | '+' | '-' | '@' | '\u{FF1D}' | '\u{FF0B}' | '\u{FF0D}' | '\u{FF20}'));
    let risky = starts_control || sign;
    if risky && cell.trim().parse::<f64>().is_err() {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// Writes `<table name>.csv` for each table into `dir`; returns the files.
pub fn csv_files(tables: &[Table], dir: &Path, style: CsvStyle) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for t in tables {
        let path = dir.join(format!("{}.csv", t.name));
        let mut w = csv_writer(&path, style)?;
        w.write_record(t.columns.iter().map(|c| c.name.as_str())).map_err(|e| io(&path, e))?;
        for row in &t.rows {
            write_safe_row(&mut w, row.iter().map(String::as_str)).map_err(|e| io(&path, e))?;
        }
        w.flush().map_err(|e| io(&path, e))?;
        out.push(path);
    }
    Ok(out)
}

/// Writes the codebook as CSV.
pub fn codebook_csv(entries: &[Entry], path: &Path, style: CsvStyle) -> Result<(), String> {
    let mut w = csv_writer(path, style)?;
    w.write_record(Entry::HEADERS).map_err(|e| io(path, e))?;
    for e in entries {
        write_safe_row(&mut w, e.cells().iter().map(String::as_str)).map_err(|e| io(path, e))?;
    }
    w.flush().map_err(|e| io(path, e))
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`, unique.
fn sheet_name(name: &str, taken: &mut Vec<String>) -> String {
    let clean: String = name.chars().map(|c| if "[]:*?/\\".contains(c) { '_' } else { c }).take(31).collect();
    let mut candidate = clean.clone();
    let mut n = 2;
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&candidate)) {
        let suffix = format!("~{n}");
        candidate = format!("{}{suffix}", clean.chars().take(31 - suffix.len()).collect::<String>());
        n += 1;
    }
    taken.push(candidate.clone());
    candidate
}

/// The most rows of data a sheet holds (Excel's 1,048,576 less the header), and characters a cell.
const XLSX_ROWS: usize = 1_048_575;
const XLSX_CELL_CHARS: usize = 32_767;

/// Refuses a table Excel would cut, naming what does not fit (in the environment's language:
/// these errors are text) and what to write instead.
fn fits_excel(t: &Table) -> Result<(), String> {
    use crate::i18n::Said;
    if t.rows.len() > XLSX_ROWS {
        let n = t.rows.len().to_string();
        return Err(Said::new("err-xlsx-rows", &[("table", t.name.clone()), ("rows", n)]).to_string());
    }
    for (r, row) in t.rows.iter().enumerate() {
        if let Some((c, v)) =
            row.iter().enumerate().find(|(_, v)| v.len() > XLSX_CELL_CHARS && v.chars().count() > XLSX_CELL_CHARS)
        {
            let column = t.columns.get(c).map(|c| c.name.clone()).unwrap_or_default();
            // The record's id finds it whatever order the rows come in (a repeat's rows name
            // the record they belong to); else the row's number.
            let id = ["_submission_uuid", "_uuid"]
                .iter()
                .find_map(|key| t.columns.iter().position(|c| c.name == *key))
                .and_then(|i| row.get(i))
                .filter(|id| !id.is_empty());
            let record = id.cloned().unwrap_or_else(|| (r + 1).to_string());
            let args = [
                ("table", t.name.clone()),
                ("column", column),
                ("record", record),
                ("chars", v.chars().count().to_string()),
            ];
            return Err(Said::new("err-xlsx-cell", &args).to_string());
        }
    }
    Ok(())
}

/// Writes one workbook: a sheet per table, then the codebook.
pub fn xlsx(tables: &[Table], entries: &[Entry], path: &Path) -> Result<(), String> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let mut taken = Vec::new();
    let e = |e: rust_xlsxwriter::XlsxError| io(path, e);
    for t in tables {
        fits_excel(t)?;
        let numeric: Vec<bool> = entries.iter().filter(|e| e.table == t.name).map(|e| e.numeric).collect();
        let sheet = wb.add_worksheet();
        sheet.set_name(sheet_name(&t.name, &mut taken)).map_err(e)?;
        for (c, col) in t.columns.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, &col.name, &bold).map_err(e)?;
        }
        for (r, row) in t.rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if v.is_empty() {
                    continue;
                }
                match v.parse::<f64>() {
                    Ok(n) if numeric.get(c) == Some(&true) => {
                        sheet.write_number(r as u32 + 1, c as u16, n).map_err(e)?
                    }
                    _ => sheet.write_string(r as u32 + 1, c as u16, v).map_err(e)?,
                };
            }
        }
    }
    let sheet = wb.add_worksheet();
    sheet.set_name(sheet_name("codebook", &mut taken)).map_err(e)?;
    for (c, h) in Entry::HEADERS.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold).map_err(e)?;
    }
    for (r, entry) in entries.iter().enumerate() {
        for (c, v) in entry.cells().iter().enumerate() {
            sheet.write_string(r as u32 + 1, c as u16, v).map_err(e)?;
        }
    }
    save_xlsx(&mut wb, path)
}

#[cfg(test)]
mod tests {
    use super::spreadsheet_safe;
    use crate::flat::{Column, Source, Table};

    #[test]
    fn an_answer_longer_than_an_excel_cell_is_refused_naming_its_column_and_nothing_is_written() {
        let column = |name: &str| Column { name: name.into(), source: Source::Meta("_uuid") };
        let table = Table {
            name: "survey".into(),
            repeat: None,
            columns: vec![column("_uuid"), column("story")],
            rows: vec![vec!["a".into(), "short".into()], vec!["b".into(), "é".repeat(32_768)]],
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.xlsx");
        let e = super::xlsx(std::slice::from_ref(&table), &[], &path).unwrap_err();
        assert!(e.contains("story") && e.contains("survey") && e.contains("32768") && e.contains("CSV"), "{e}");
        assert!(e.contains("record b"), "the record is named by its id: {e}");
        assert!(!path.exists());
        let mut fits = table;
        fits.rows[1][1] = "é".repeat(32_767);
        super::xlsx(&[fits], &[], &path).unwrap();
    }

    #[test]
    fn formulas_in_any_disguise_are_neutralised_and_numbers_are_not() {
        for risky in ["=1+1", " =1+1", "\n=1", "\u{200B}=1", "\u{FF1D}SUM(A1)", "@x", "+x", "-x", "\tx", "\rx"] {
            assert!(spreadsheet_safe(risky).starts_with('\''), "{risky:?}");
        }
        for safe in ["-5", "+3.2", "12", "text", "a=b", ""] {
            assert_eq!(spreadsheet_safe(safe), safe);
        }
    }
}

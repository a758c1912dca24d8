//! Writing tables: one CSV file per table (UTF-8, a header row), or one XLSX workbook with a
//! sheet per table.

use std::path::{Path, PathBuf};

use super::Table;
use super::codebook::Entry;

fn io(path: &Path, e: impl std::fmt::Display) -> String {
    format!("cannot write {}: {e}", path.display())
}

/// Writes `<table name>.csv` for each table into `dir`; returns the files.
pub fn csv_files(tables: &[Table], dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for t in tables {
        let path = dir.join(format!("{}.csv", t.name));
        let mut w = csv::Writer::from_path(&path).map_err(|e| io(&path, e))?;
        w.write_record(t.columns.iter().map(|c| c.name.as_str())).map_err(|e| io(&path, e))?;
        for row in &t.rows {
            w.write_record(row).map_err(|e| io(&path, e))?;
        }
        w.flush().map_err(|e| io(&path, e))?;
        out.push(path);
    }
    Ok(out)
}

/// Writes the codebook as CSV.
pub fn codebook_csv(entries: &[Entry], path: &Path) -> Result<(), String> {
    let mut w = csv::Writer::from_path(path).map_err(|e| io(path, e))?;
    w.write_record(Entry::HEADERS).map_err(|e| io(path, e))?;
    for e in entries {
        w.write_record(e.cells()).map_err(|e| io(path, e))?;
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

/// Writes one workbook: a sheet per table, then the codebook.
pub fn xlsx(tables: &[Table], entries: &[Entry], path: &Path) -> Result<(), String> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let mut taken = Vec::new();
    let e = |e: rust_xlsxwriter::XlsxError| io(path, e);
    for t in tables {
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
    wb.save(path).map_err(e)
}

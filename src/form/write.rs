//! Writes a workbook as a markdown-table form or an `.xlsx` spreadsheet.

use std::path::Path;

use rust_xlsxwriter::Workbook as Xlsx;

use super::workbook::{Sheet, Workbook};

fn sheets(wb: &Workbook) -> impl Iterator<Item = &Sheet> {
    [&wb.survey, &wb.choices, &wb.settings].into_iter().flatten().chain(wb.others.iter())
}

/// The columns of a sheet: its header's, then any a row has that the header lacks.
fn columns(sheet: &Sheet) -> Vec<String> {
    let mut cols: Vec<String> = sheet.columns.iter().filter(|c| !c.is_empty()).cloned().collect();
    for row in &sheet.rows {
        for c in &row.cells {
            if !cols.contains(&c.column) {
                cols.push(c.column.clone());
            }
        }
    }
    cols
}

/// Writes the markdown-table form.
pub fn write_md(wb: &Workbook) -> String {
    // Markdown table cells hold one line: a line break is written `<br>` (read back as one).
    let esc = |s: &str| s.replace('|', "\\|").replace('\n', "<br>");
    let mut out = String::new();
    for sheet in sheets(wb) {
        let cols = columns(sheet);
        out.push_str(&format!("| {} |\n", sheet.name.to_lowercase()));
        out.push_str(&format!("| | {} |\n", cols.iter().map(|c| esc(c)).collect::<Vec<_>>().join(" | ")));
        for row in &sheet.rows {
            let cells: Vec<String> = cols.iter().map(|c| esc(row.text(c))).collect();
            out.push_str(&format!("| | {} |\n", cells.join(" | ")));
        }
        out.push('\n');
    }
    out
}

/// Writes an `.xlsx` spreadsheet, one sheet per sheet of the form.
pub fn write_xlsx(wb: &Workbook, path: &Path) -> Result<(), String> {
    let mut book = Xlsx::new();
    for sheet in sheets(wb) {
        let ws = book.add_worksheet();
        ws.set_name(sheet.name.to_lowercase()).map_err(|e| e.to_string())?;
        let cols = columns(sheet);
        for (c, name) in cols.iter().enumerate() {
            ws.write_string(0, c as u16, name).map_err(|e| e.to_string())?;
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            for (c, name) in cols.iter().enumerate() {
                let text = row.text(name);
                if !text.is_empty() {
                    ws.write_string(r as u32 + 1, c as u16, text).map_err(|e| e.to_string())?;
                }
            }
        }
    }
    let bytes = book.save_to_buffer().map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    crate::store::write_atomically(path, &bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

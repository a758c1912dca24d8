//! Reads XLSForm spreadsheets (`.xlsx`, `.xlsm`, `.xls`, `.ods`) through calamine.

use std::path::Path;

use calamine::{Data, Reader, open_workbook_auto};

use super::workbook::{Cell, Pos, Row, Sheet, Workbook, normalise_column};

/// Reads every sheet of a spreadsheet. The first non-empty row of a sheet is its header.
pub fn read_xlsx(path: &Path) -> Result<Workbook, String> {
    let mut book = open_workbook_auto(path).map_err(|e| format!("cannot read this spreadsheet: {e}"))?;
    let mut wb = Workbook::default();
    for name in book.sheet_names().to_vec() {
        let range = match book.worksheet_range(&name) {
            Ok(r) => r,
            Err(e) => return Err(format!("cannot read sheet '{name}': {e}")),
        };
        let (row0, col0) = range.start().unwrap_or((0, 0));
        let mut sheet = Sheet { name: name.clone(), ..Sheet::default() };
        let mut header: Option<Vec<String>> = None;
        for (r, cells) in range.rows().enumerate() {
            let row_no = row0 + r as u32 + 1;
            let texts: Vec<String> = cells.iter().map(cell_text).collect();
            match &header {
                None => {
                    if texts.iter().all(|t| t.is_empty()) {
                        continue;
                    }
                    sheet.header_pos = Pos { line: row_no, col: col0 + 1 };
                    let cols: Vec<String> = texts.iter().map(|t| normalise_column(t)).collect();
                    sheet.columns = cols.clone();
                    header = Some(cols);
                }
                Some(h) => {
                    let row_cells: Vec<Cell> = texts
                        .into_iter()
                        .enumerate()
                        .filter(|(i, _)| h.get(*i).is_some_and(|n| !n.is_empty()))
                        .map(|(i, value)| Cell {
                            column: h[i].clone(),
                            value,
                            pos: Pos { line: row_no, col: col0 + i as u32 + 1 },
                        })
                        .collect();
                    let row = Row { pos: Pos { line: row_no, col: col0 + 1 }, number: row_no, cells: row_cells };
                    if !row.is_blank() {
                        sheet.rows.push(row);
                    }
                }
            }
        }
        wb.add_sheet(sheet);
    }
    Ok(wb)
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(ndt) if ndt.time() == chrono::NaiveTime::MIN => ndt.date().format("%Y-%m-%d").to_string(),
            Some(ndt) => ndt.format("%Y-%m-%dT%H:%M:%S").to_string(),
            None => dt.as_f64().to_string(),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
    }
}

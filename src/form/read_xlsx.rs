//! Reads XLSForm spreadsheets (`.xlsx`, `.xlsm`, `.xls`, `.ods`) through calamine, within the
//! limits of [`crate::limits`]: a zip archive is unpacked once into nothing first, counting, so
//! that a zip bomb is refused before calamine sees it; `.xlsx` sheets are read cell by cell
//! (a cell far away allocates nothing), and every sheet is refused past its row and column
//! limits.

#![deny(clippy::indexing_slicing)]

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use calamine::{Data, Reader, Sheets, open_workbook_auto_from_rs};

use super::workbook::{Cell, Pos, Row, Sheet, Workbook, normalise_column};
use crate::limits::{SHEET_COLUMNS, SHEET_ROWS, SPREADSHEET_UNPACKED_BYTES};

/// Reads every sheet of a spreadsheet. The first non-empty row of a sheet is its header.
pub fn read_xlsx(bytes: &[u8]) -> Result<Workbook, String> {
    if bytes.starts_with(b"PK") {
        check_unpacked_size(bytes)?;
    }
    let mut book =
        open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| format!("cannot read this spreadsheet: {e}"))?;
    let mut wb = Workbook::default();
    for name in book.sheet_names().to_vec() {
        let cells = match &mut book {
            Sheets::Xlsx(x) => sparse_cells(x, &name)?,
            other => {
                let range = other.worksheet_range(&name).map_err(|e| format!("cannot read sheet '{name}': {e}"))?;
                let (rows, cols) = range.get_size();
                if rows > SHEET_ROWS as usize || cols > SHEET_COLUMNS as usize {
                    return Err(too_big(&name));
                }
                let (row0, col0) = range.start().unwrap_or((0, 0));
                let mut grid: BTreeMap<u32, Vec<(u32, String)>> = BTreeMap::new();
                for (r, row) in range.rows().enumerate() {
                    let texts: Vec<(u32, String)> = row
                        .iter()
                        .enumerate()
                        .map(|(c, d)| (col0 + c as u32, cell_text(d)))
                        .filter(|(_, t)| !t.is_empty())
                        .collect();
                    if !texts.is_empty() {
                        grid.insert(row0 + r as u32, texts);
                    }
                }
                grid
            }
        };
        wb.add_sheet(sheet_of(name, cells));
    }
    Ok(wb)
}

fn too_big(sheet: &str) -> String {
    format!(
        "the sheet '{sheet}' is larger than fourmi reads in a questionnaire ({SHEET_ROWS} rows, {SHEET_COLUMNS} columns); remove what lies beyond the form"
    )
}

/// Unpacks every entry of the zip archive into nothing, counting: refused past the limit,
/// whatever the archive declares.
fn check_unpacked_size(bytes: &[u8]) -> Result<(), String> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        // Not a zip after all: calamine says what it is not.
        return Ok(());
    };
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let Ok(mut entry) = zip.by_index(i) else { continue };
        let left = SPREADSHEET_UNPACKED_BYTES.saturating_sub(total);
        let n = std::io::copy(&mut (&mut entry).take(left + 1), &mut std::io::sink()).unwrap_or(0);
        total = total.saturating_add(n);
        if total > SPREADSHEET_UNPACKED_BYTES {
            return Err(format!(
                "this spreadsheet unpacks to more than {} MB, far more than any questionnaire: it is not read",
                SPREADSHEET_UNPACKED_BYTES >> 20
            ));
        }
    }
    Ok(())
}

/// The cells of an `.xlsx` sheet, read one by one: row -> (column, text) for non-empty cells.
fn sparse_cells<R: Read + std::io::Seek>(
    book: &mut calamine::Xlsx<R>,
    name: &str,
) -> Result<BTreeMap<u32, Vec<(u32, String)>>, String> {
    let mut reader = book.worksheet_cells_reader(name).map_err(|e| format!("cannot read sheet '{name}': {e}"))?;
    let mut grid: BTreeMap<u32, Vec<(u32, String)>> = BTreeMap::new();
    let mut count: u64 = 0;
    while let Some(cell) = reader.next_cell().map_err(|e| format!("cannot read sheet '{name}': {e}"))? {
        let (r, c) = cell.get_position();
        let text = cell_text(&Data::from(cell.get_value().clone()));
        if text.is_empty() {
            continue;
        }
        count += 1;
        if r >= SHEET_ROWS || c >= SHEET_COLUMNS || count > u64::from(SHEET_ROWS) * 20 {
            return Err(too_big(name));
        }
        grid.entry(r).or_default().push((c, text));
    }
    Ok(grid)
}

/// A sheet from its non-empty cells (0-based row -> (0-based column, text)).
fn sheet_of(name: String, cells: BTreeMap<u32, Vec<(u32, String)>>) -> Sheet {
    let mut sheet = Sheet { name, ..Sheet::default() };
    let mut header: Option<BTreeMap<u32, String>> = None;
    for (r, mut texts) in cells {
        texts.sort_by_key(|(c, _)| *c);
        let row_no = r + 1;
        match &header {
            None => {
                let first = texts.first().map_or(0, |(c, _)| *c);
                let last = texts.last().map_or(0, |(c, _)| *c);
                sheet.header_pos = Pos { line: row_no, col: first + 1 };
                let cols: BTreeMap<u32, String> = texts.iter().map(|(c, t)| (*c, normalise_column(t))).collect();
                // Columns in order, blanks between them kept as empty names.
                sheet.columns = (first..=last).map(|c| cols.get(&c).cloned().unwrap_or_default()).collect();
                header = Some(cols);
            }
            Some(h) => {
                let row_cells: Vec<Cell> = texts
                    .into_iter()
                    .filter_map(|(c, value)| {
                        let column = h.get(&c).filter(|n| !n.is_empty())?.clone();
                        Some(Cell { column, value, pos: Pos { line: row_no, col: c + 1 } })
                    })
                    .collect();
                let row =
                    Row { pos: Pos { line: row_no, col: sheet.header_pos.col }, number: row_no, cells: row_cells };
                if !row.is_blank() {
                    sheet.rows.push(row);
                }
            }
        }
    }
    sheet
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

//! Reads the markdown-table XLSForm that pyxform's tests use:
//! `| survey |` starts a sheet, the next row is its header, `\|` is a literal pipe.

#![deny(clippy::indexing_slicing)]

use super::workbook::{Cell, Pos, Row, Sheet, Workbook, normalise_column};

/// Reads a markdown-table form. Never fails: text outside tables is ignored.
pub fn read_md(text: &str) -> Workbook {
    let mut wb = Workbook::default();
    let mut sheet: Option<Sheet> = None;
    let mut header_read = false;
    let mut number = 1;
    for (i, line) in text.lines().enumerate() {
        let line_no = i as u32 + 1;
        let trimmed = line.trim_start();
        if !trimmed.starts_with('|') {
            continue;
        }
        let indent = (line.len() - trimmed.len()) as u32;
        let cells = split_cells(trimmed);
        let Some((first, _)) = cells.first() else {
            continue;
        };
        if !first.is_empty() {
            if let Some(s) = sheet.take() {
                wb.add_sheet(s);
            }
            sheet = Some(Sheet { name: first.clone(), header_pos: Pos { line: line_no, col: 1 }, ..Sheet::default() });
            header_read = false;
            number = 1;
            continue;
        }
        let Some(current) = sheet.as_mut() else {
            continue;
        };
        let rest: Vec<(String, u32)> = cells.iter().skip(1).map(|(v, c)| (v.clone(), c + indent)).collect();
        match header_read {
            false => {
                current.header_pos = Pos { line: line_no, col: indent + 1 };
                current.columns = rest.iter().map(|(h, _)| normalise_column(h)).collect();
                header_read = true;
            }
            true => {
                number += 1;
                let row_cells: Vec<Cell> = rest
                    .iter()
                    .zip(current.columns.iter())
                    .filter(|(_, name)| !name.is_empty())
                    .map(|((v, col), name)| Cell {
                        column: name.clone(),
                        value: v.clone(),
                        pos: Pos { line: line_no, col: *col },
                    })
                    .collect();
                let row = Row { pos: Pos { line: line_no, col: indent + 1 }, number, cells: row_cells };
                if !row.is_blank() {
                    current.rows.push(row);
                }
            }
        }
    }
    if let Some(s) = sheet {
        wb.add_sheet(s);
    }
    wb
}

/// Splits `| a | b \| c |` into trimmed cells with their 1-based character columns.
fn split_cells(line: &str) -> Vec<(String, u32)> {
    let mut cells = Vec::new();
    let mut current = String::new();
    let mut start = 0u32;
    let mut chars = line.chars().enumerate().peekable();
    // Skip the leading pipe.
    chars.next();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' if chars.peek().map(|p| p.1) == Some('|') => {
                chars.next();
                current.push('|');
            }
            '|' => {
                cells.push((current.trim().replace("<br>", "\n"), start + 2));
                current.clear();
                start = i as u32;
            }
            _ => {
                if current.is_empty() && c != ' ' {
                    start = i as u32 - 1;
                }
                current.push(c);
            }
        }
    }
    if !current.trim().is_empty() {
        cells.push((current.trim().to_string(), start + 2));
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheets_headers_and_rows_are_read_with_positions() {
        let wb = read_md(
            "\n| survey |\n| | type | name | label |\n| | text | q1 | A \\| B |\n| choices |\n| | list_name | name | label |\n| | yn | yes | Yes |\n",
        );
        let survey = wb.survey.unwrap();
        assert_eq!(survey.columns, ["type", "name", "label"]);
        assert_eq!(survey.rows[0].text("label"), "A | B");
        assert_eq!(survey.rows[0].number, 2);
        assert_eq!(survey.rows[0].pos.line, 4);
        assert_eq!(wb.choices.unwrap().rows[0].text("list_name"), "yn");
    }
}

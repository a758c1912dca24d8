//! fourmi's native form format: TOML that mirrors XLSForm's sheets and columns.
//!
//! ```toml
//! [settings]
//! form_id = "example"
//!
//! [[survey]]
//! type = "select_one yes_no"
//! name = "consent"
//! label."English (en)" = "Do you agree to take part?"
//! label."French (fr)" = "Acceptez-vous de participer ?"
//!
//! [[choices]]
//! list_name = "yes_no"
//! name = "yes"
//! label."English (en)" = "Yes"
//! ```
//!
//! A table value (`label.<language>`) stands for the translated columns `label::<language>`.
//! Any other array of tables (`[[entities]]`) is kept as a sheet of that name.

#![deny(clippy::indexing_slicing)]

use toml::de::{DeTable, DeValue};

use super::workbook::{Cell, Pos, Row, Sheet, Workbook, normalise_column};

/// Reads the TOML form format; the error has the position and TOML's own message.
pub fn read_toml(text: &str) -> Result<Workbook, (Pos, String)> {
    let lines = LineIndex::new(text);
    let doc = DeTable::parse(text).map_err(|e| {
        let pos = e.span().map_or(Pos { line: 1, col: 1 }, |s| lines.pos(s.start));
        (pos, format!("this is not valid TOML: {}", e.message()))
    })?;
    let mut wb = Workbook::default();
    for (key, value) in doc.get_ref() {
        let name = key.get_ref().to_string();
        let at = lines.pos(key.span().start);
        let sheet = match value.get_ref() {
            DeValue::Table(t) => {
                let row = table_row(t, &lines, at, 2);
                Sheet {
                    name,
                    header_pos: at,
                    columns: row.cells.iter().map(|c| c.column.clone()).collect(),
                    rows: vec![row],
                }
            }
            DeValue::Array(items) => {
                let mut sheet = Sheet { name, header_pos: at, ..Sheet::default() };
                for (i, item) in items.iter().enumerate() {
                    let item_at = lines.pos(item.span().start);
                    let DeValue::Table(t) = item.get_ref() else {
                        return Err((item_at, format!("each entry of `{}` must be a table of columns", sheet.name)));
                    };
                    let row = table_row(t, &lines, item_at, i as u32 + 2);
                    for c in &row.cells {
                        if !sheet.columns.contains(&c.column) {
                            sheet.columns.push(c.column.clone());
                        }
                    }
                    sheet.rows.push(row);
                }
                sheet
            }
            _ => {
                return Err((at, format!("`{name}` must be a table ([settings]) or an array of tables ([[survey]])")));
            }
        };
        wb.add_sheet(sheet);
    }
    Ok(wb)
}

fn table_row(t: &DeTable, lines: &LineIndex, at: Pos, number: u32) -> Row {
    let mut cells = Vec::new();
    for (k, v) in t {
        let column = normalise_column(k.get_ref());
        let pos = lines.pos(v.span().start);
        match v.get_ref() {
            DeValue::Table(sub) => {
                for (lang, text) in sub {
                    cells.push(Cell {
                        column: format!("{column}::{}", lang.get_ref()),
                        value: scalar_text(text.get_ref()),
                        pos: lines.pos(text.span().start),
                    });
                }
            }
            other => cells.push(Cell { column, value: scalar_text(other), pos }),
        }
    }
    Row { pos: at, number, cells }
}

fn scalar_text(v: &DeValue) -> String {
    match v {
        DeValue::String(s) => s.trim().to_string(),
        DeValue::Integer(i) => i.to_string(),
        DeValue::Float(f) => f.to_string(),
        DeValue::Boolean(b) => if *b { "yes" } else { "no" }.to_string(),
        DeValue::Datetime(d) => d.to_string(),
        DeValue::Array(a) => a.iter().map(|x| scalar_text(x.get_ref())).collect::<Vec<_>>().join(" "),
        DeValue::Table(_) => String::new(),
    }
}

/// Byte offset to line and column.
pub struct LineIndex {
    starts: Vec<usize>,
    text: String,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts, text: text.to_string() }
    }
    /// The 1-based line and character column of byte `offset`.
    pub fn pos(&self, offset: usize) -> Pos {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let col = self.text.get(start..offset.min(self.text.len())).map_or(0, |s| s.chars().count());
        Pos { line: line as u32, col: col as u32 + 1 }
    }
}

/// Writes a workbook as the TOML form format.
pub fn write_toml(wb: &Workbook) -> String {
    let mut out = String::new();
    if let Some(settings) = &wb.settings {
        out.push_str("[settings]\n");
        if let Some(row) = settings.rows.first() {
            write_cells(&mut out, row);
        }
    }
    let sheets = [&wb.survey, &wb.choices].into_iter().flatten().chain(wb.others.iter());
    for sheet in sheets {
        let key = quote_key(&sheet.name.to_lowercase());
        for row in &sheet.rows {
            out.push_str(&format!("\n[[{key}]]\n"));
            write_cells(&mut out, row);
        }
    }
    out
}

fn write_cells(out: &mut String, row: &Row) {
    for c in row.cells.iter().filter(|c| !c.value.is_empty()) {
        let key = match c.column.split_once("::") {
            Some((base, lang)) => format!("{}.{}", quote_key(base), quote_key(lang)),
            None => quote_key(&c.column),
        };
        out.push_str(&format!("{key} = {}\n", toml::Value::String(c.value.clone())));
    }
}

fn quote_key(k: &str) -> String {
    if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        k.to_string()
    } else {
        toml::Value::String(k.to_string()).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FORM: &str = r#"
[settings]
form_id = "f"

[[survey]]
type = "text"
name = "q1"
label."English (en)" = "Name of the town"
label."French (fr)" = "Nom de la ville"
required = true
"#;

    #[test]
    fn translated_columns_come_from_dotted_keys_with_positions() {
        let wb = read_toml(FORM).unwrap();
        let row = &wb.survey.unwrap().rows[0];
        assert_eq!(row.text("label::French (fr)"), "Nom de la ville");
        assert_eq!(row.text("required"), "yes");
        assert_eq!(row.pos_of("name").line, 7);
    }

    #[test]
    fn writing_then_reading_gives_the_same_cells() {
        let wb = read_toml(FORM).unwrap();
        let again = read_toml(&write_toml(&wb)).unwrap();
        let cells = |w: &Workbook| {
            w.survey.as_ref().unwrap().rows[0]
                .cells
                .iter()
                .map(|c| (c.column.clone(), c.value.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(cells(&wb), cells(&again));
    }

    #[test]
    fn broken_toml_reports_where() {
        let (pos, msg) = read_toml("[[survey]]\ntype = \n").unwrap_err();
        assert_eq!(pos.line, 2);
        assert!(msg.contains("not valid TOML"));
    }
}

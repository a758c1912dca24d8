//! KoboToolbox's matrix question (`begin_kobomatrix` … `end_kobomatrix`, its rows the choices
//! of the list in `kobo--matrix_list`, its columns the questions inside), expanded as Kobo
//! expands it before pyxform: for each row choice `item`, a group `NAME_item` holding each
//! column question as `NAME_item_col`, its references to other columns (`${col}`) turned into
//! that row's (`${NAME_item_col}`). The data has Kobo's names; on the laptop each row is one
//! page titled with the row's label (Kobo's header notes and widths only draw the table).

use std::collections::BTreeSet;

use super::diag::Diagnostic;
use super::workbook::{Cell, Row, Sheet, Workbook};

const LIST_COLUMN: &str = "kobo--matrix_list";

fn kind(row: &Row) -> String {
    row.text("type").trim().to_lowercase()
}

/// The workbook with its matrices expanded, and what was wrong with them.
pub fn expand(wb: &Workbook) -> (Workbook, Vec<Diagnostic>) {
    let Some(survey) = &wb.survey else { return (wb.clone(), Vec::new()) };
    if !survey.rows.iter().any(|r| kind(r) == "begin_kobomatrix") {
        return (wb.clone(), Vec::new());
    }
    let mut diags = Vec::new();
    let mut rows: Vec<Row> = Vec::new();
    let mut iter = survey.rows.iter();
    while let Some(row) = iter.next() {
        if kind(row) != "begin_kobomatrix" {
            if matches!(kind(row).as_str(), "end_kobomatrix" | "end_matrix") {
                diags.push(Diagnostic::error(
                    row.pos_of("type"),
                    "`end_kobomatrix` without a `begin_kobomatrix` above it",
                ));
            } else {
                rows.push(row.clone());
            }
            continue;
        }
        let mut columns: Vec<&Row> = Vec::new();
        let mut closed = false;
        for inner in iter.by_ref() {
            match kind(inner).as_str() {
                "end_kobomatrix" | "end_matrix" => {
                    closed = true;
                    break;
                }
                k if k.starts_with("begin") || k.starts_with("end") => diags.push(Diagnostic::error(
                    inner.pos_of("type"),
                    "a matrix (`begin_kobomatrix`) holds questions only, not groups, repeats or other matrices",
                )),
                _ => columns.push(inner),
            }
        }
        if !closed {
            diags.push(Diagnostic::error(
                row.pos_of("type"),
                format!("the matrix `{}` is never closed; add an `end_kobomatrix` row", row.text("name")),
            ));
        }
        match matrix(wb, row, &columns) {
            Ok(expanded) => rows.extend(expanded),
            Err(d) => diags.push(d),
        }
    }
    let mut out = wb.clone();
    out.survey = Some(Sheet { rows, ..survey.clone() });
    (out, diags)
}

fn cell(column: &str, value: String, like: &Cell) -> Cell {
    Cell { column: column.to_string(), value, pos: like.pos }
}

/// The rows a matrix becomes.
fn matrix(wb: &Workbook, begin: &Row, columns: &[&Row]) -> Result<Vec<Row>, Diagnostic> {
    let name = begin.text("name");
    let list = begin.text(LIST_COLUMN);
    if list.is_empty() {
        return Err(Diagnostic::error(
            begin.pos_of("type"),
            format!("the matrix `{name}` needs the list of its rows in the `{LIST_COLUMN}` column"),
        ));
    }
    let items: Vec<&Row> =
        wb.choices.iter().flat_map(|s| s.rows.iter()).filter(|r| r.text("list_name") == list).collect();
    if items.is_empty() {
        return Err(Diagnostic::error(
            begin.pos_of(LIST_COLUMN),
            format!("the matrix `{name}` takes its rows from the list `{list}`, which is not on the choices sheet"),
        ));
    }
    let names: BTreeSet<&str> = columns.iter().map(|c| c.text("name")).filter(|n| !n.is_empty()).collect();
    let type_cell =
        begin.get("type").cloned().unwrap_or(Cell { column: "type".into(), value: String::new(), pos: begin.pos });
    let mut out = Vec::new();
    for item in items {
        let base = format!("{name}_{}", item.text("name"));
        let mut cells = vec![
            cell("type", "begin_group".into(), &type_cell),
            cell("name", base.clone(), &type_cell),
            cell("appearance", "field-list".into(), &type_cell),
        ];
        // The row's label, in every language the list has it.
        cells.extend(item.cells.iter().filter(|c| c.column == "label" || c.column.starts_with("label::")).cloned());
        cells.extend(begin.cells.iter().filter(|c| c.column == "relevant").cloned());
        out.push(Row { pos: begin.pos, number: begin.number, cells });
        for col in columns {
            let cells = col
                .cells
                .iter()
                .map(|c| match c.column.as_str() {
                    "name" => cell("name", format!("{base}_{}", c.value), c),
                    "type" | "appearance" => c.clone(),
                    _ => {
                        let mut value = c.value.clone();
                        for n in &names {
                            value = value.replace(&format!("${{{n}}}"), &format!("${{{base}_{n}}}"));
                        }
                        cell(&c.column, value, c)
                    }
                })
                .collect();
            out.push(Row { pos: col.pos, number: col.number, cells });
        }
        out.push(Row {
            pos: begin.pos,
            number: begin.number,
            cells: vec![cell("type", "end_group".into(), &type_cell)],
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn survey_names(md: &str) -> (Vec<String>, Vec<Diagnostic>) {
        let (wb, diags) = expand(&crate::form::read_md(md));
        let names = wb.survey.unwrap().rows.iter().map(|r| format!("{} {}", kind(r), r.text("name"))).collect();
        (names, diags)
    }

    #[test]
    fn a_matrix_becomes_one_group_per_row_choice_with_kobo_names_and_its_references_follow() {
        let md = "| survey |\n| | type | name | label | kobo--matrix_list | relevant |\n| | begin_kobomatrix | m1 | Items | things | |\n| | select_one yn | has | Has it? | | |\n| | integer | count | How many? | | ${has} = 'yes' |\n| | end_kobomatrix | | | | |\n| choices |\n| | list_name | name | label |\n| | yn | yes | Yes |\n| | yn | no | No |\n| | things | car | Car |\n| | things | tv | TV |\n";
        let (names, diags) = survey_names(md);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(
            names,
            [
                "begin_group m1_car",
                "select_one yn m1_car_has",
                "integer m1_car_count",
                "end_group ",
                "begin_group m1_tv",
                "select_one yn m1_tv_has",
                "integer m1_tv_count",
                "end_group "
            ]
        );
        let (wb, _) = expand(&crate::form::read_md(md));
        let rows = &wb.survey.unwrap().rows;
        assert_eq!(rows[6].text("relevant"), "${m1_tv_has} = 'yes'");
        assert_eq!(rows[4].text("label"), "TV");
    }

    #[test]
    fn a_matrix_without_its_list_or_its_end_is_an_error_at_its_row() {
        let md = "| survey |\n| | type | name | label |\n| | begin_kobomatrix | m1 | Items |\n| | text | t | T |\n";
        let (_, diags) = survey_names(md);
        let all: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
        assert!(all.iter().any(|m| m.contains("never closed")), "{all:?}");
        assert!(all.iter().any(|m| m.contains("kobo--matrix_list")), "{all:?}");
    }
}

//! The entities sheet and `save_to` (ODK's entity lists): fourmi does not create entities (each
//! record keeps its answers, nothing else is updated), but a form pyxform refuses for its
//! entity declarations is refused here too, with pyxform's rules.

use super::diag::Diagnostic;
use super::workbook::Sheet;

/// The columns an entities sheet may have (`list_name` is pyxform's alias of `dataset`).
const COLUMNS: [&str; 7] = ["dataset", "list_name", "entity_id", "create_if", "update_if", "repeat", "label"];

/// Whether `name` is an XML element name (with at most one namespace prefix).
fn xml_name(name: &str) -> bool {
    name.split_once(':').map_or(super::valid_name(name), |(p, l)| super::valid_name(p) && super::valid_name(l))
}

/// The problems of the entities sheet's declarations.
pub fn check_declarations(sheet: &Sheet) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let extra: Vec<&str> = sheet
        .columns
        .iter()
        .map(String::as_str)
        .filter(|c| !c.is_empty() && !COLUMNS.contains(c) && !c.starts_with("label::"))
        .collect();
    if !extra.is_empty() {
        out.push(Diagnostic::error(
            sheet.header_pos,
            format!("the entities sheet has columns that are not entity columns: {}", extra.join(", ")),
        ));
    }
    let mut seen: Vec<String> = Vec::new();
    for row in &sheet.rows {
        let list = if row.text("dataset").is_empty() { row.text("list_name") } else { row.text("dataset") };
        let pos = row.pos;
        let (id, create, update, label) =
            (row.text("entity_id"), row.text("create_if"), row.text("update_if"), row.text("label"));
        let problem = if list.is_empty() {
            Some("an entity declaration needs the name of its entity list in `list_name`".to_string())
        } else if list.starts_with("__") {
            Some(format!("the entity list `{list}` may not start with `__` (reserved)"))
        } else if list.contains('.') {
            Some(format!("the entity list `{list}` may not contain a period"))
        } else if !xml_name(list) {
            Some(format!(
                "`{list}` is not a valid entity list name: names start with a letter or `_` and hold only letters, digits, `_` and `-`"
            ))
        } else if seen.iter().any(|s| s == list) {
            Some(format!("the entity list `{list}` is declared twice"))
        } else if id.is_empty() && !update.is_empty() {
            Some(format!(
                "the entity list `{list}` has an `update_if` but no `entity_id`: updating an entity needs its id"
            ))
        } else if !id.is_empty() && !create.is_empty() && update.is_empty() {
            Some(format!(
                "the entity list `{list}` has an `entity_id` and a `create_if` but no `update_if`: an id is only for updating"
            ))
        } else if id.is_empty() && label.is_empty() {
            Some(format!("the entity list `{list}` creates entities and needs a `label` for them"))
        } else {
            None
        };
        if let Some(p) = problem {
            out.push(Diagnostic::error(pos, p));
        }
        seen.push(list.to_string());
    }
    out
}

/// What is wrong with a `save_to` value, as pyxform judges it: on a group or repeat, a
/// reserved or invalid property name, or a property another question already saves to.
pub fn save_to_problem(save_to: &str, container: bool, saved: &[String]) -> Option<String> {
    if container {
        Some("`save_to` belongs on a question, not on a group or repeat".into())
    } else if matches!(save_to.to_lowercase().as_str(), "name" | "label") {
        Some(format!("`save_to` cannot be `{save_to}`: the entity's name and label are its own"))
    } else if save_to.starts_with("__") {
        Some(format!("`save_to` cannot start with `__` (reserved): `{save_to}`"))
    } else if !xml_name(save_to) {
        Some(format!("`{save_to}` is not a valid entity property name"))
    } else if saved.iter().any(|s| s == save_to) {
        Some(format!("another question already saves to the entity property `{save_to}`"))
    } else {
        None
    }
}

//! The files a form takes beside it (its attachments, as Kobo and ODK Central call them): the
//! choice files of `select_one_from_file` (`.csv`, `.xml`, `.geojson`) and the CSV files of
//! `pulldata()` and the `search()` appearance. A file that is missing is named by `form check`
//! with the rows that need it (a warning: pyxform does not look), and the form is refused for
//! interviews until it is there.

#![deny(clippy::indexing_slicing)]

use std::collections::BTreeMap;
use std::path::Path;

use super::model::{Choice, ChoiceSource, Form, Text};
use super::workbook::{Pos, normalise_column};

/// Reads a choice file by its extension; `value` and `label` name the columns (parameters
/// `value=` and `label=`; `name` and `label` by default).
pub fn read_choice_file(path: &Path, value: &str, label: &str) -> Result<Vec<Choice>, String> {
    let bytes = crate::limits::read_regular_file(path, crate::limits::FORM_FILE_BYTES)
        .map_err(|e| format!("the choice file: {e}"))?;
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_lowercase();
    parse_choice_file(&bytes, &ext, value, label).map_err(|e| format!("the choice file {}: {e}", path.display()))
}

/// A choice file's bytes read as its extension `ext` says (`xml`, `geojson`, else CSV).
pub fn parse_choice_file(bytes: &[u8], ext: &str, value: &str, label: &str) -> Result<Vec<Choice>, String> {
    let rows = match ext {
        "xml" => xml_rows(bytes).map_err(|e| format!("it is not readable XML: {e}"))?,
        "geojson" => geojson_rows(bytes).map_err(|e| format!("it is not readable GeoJSON: {e}"))?,
        _ => csv_rows(bytes)?,
    };
    if !rows.iter().all(|r| r.contains_key(value)) && !rows.is_empty() {
        return Err(format!("it has no `{value}` column"));
    }
    Ok(rows
        .into_iter()
        .enumerate()
        .filter_map(|(i, mut row)| {
            let name = row.remove(value)?.trim().to_string();
            let mut text = Text::new();
            for (k, v) in &row {
                if k == label {
                    text.insert(String::new(), v.trim().to_string());
                } else if let Some(lang) = k.strip_prefix(&format!("{label}::")) {
                    text.insert(lang.to_string(), v.trim().to_string());
                }
            }
            row.retain(|k, _| k != label && !k.starts_with(&format!("{label}::")));
            let extra = row.into_iter().map(|(k, v)| (k, v.trim().to_string())).collect();
            (!name.is_empty()).then(|| Choice {
                name,
                label: text,
                extra,
                media: Default::default(),
                pos: Pos { line: i as u32 + 2, col: 1 },
            })
        })
        .collect())
}

type Rows = Vec<BTreeMap<String, String>>;

fn csv_rows(bytes: &[u8]) -> Result<Rows, String> {
    let mut reader = csv::Reader::from_reader(bytes);
    let headers: Vec<String> = reader.headers().map_err(|e| e.to_string())?.iter().map(normalise_column).collect();
    let mut out = Vec::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| e.to_string())?;
        out.push(headers.iter().cloned().zip(rec.iter().map(str::to_string)).collect());
    }
    Ok(out)
}

/// ODK's XML choice files: `<root><item><name>…</name><label>…</label>…</item>…</root>`.
fn xml_rows(bytes: &[u8]) -> Result<Rows, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "it is not UTF-8".to_string())?;
    let doc = roxmltree::Document::parse(text).map_err(|e| e.to_string())?;
    Ok(doc
        .root_element()
        .children()
        .filter(roxmltree::Node::is_element)
        .map(|item| {
            item.children()
                .filter(roxmltree::Node::is_element)
                .map(|c| (c.tag_name().name().to_string(), c.text().unwrap_or_default().to_string()))
                .collect()
        })
        .collect())
}

/// GeoJSON choice files as ODK reads them: each feature a choice, its `id` (or the property
/// `id`) the name, its properties the columns (`title` the label), its geometry in `geometry`.
fn geojson_rows(bytes: &[u8]) -> Result<Rows, String> {
    let doc: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    let features = doc.get("features").and_then(|f| f.as_array()).ok_or("it has no `features` list")?;
    let scalar = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    Ok(features
        .iter()
        .map(|f| {
            let mut row: BTreeMap<String, String> = BTreeMap::new();
            if let Some(props) = f.get("properties").and_then(|p| p.as_object()) {
                for (k, v) in props {
                    row.insert(k.clone(), scalar(v));
                }
            }
            if let Some(id) = f.get("id") {
                row.entry("id".into()).or_insert_with(|| scalar(id));
            }
            if let Some(g) = f.get("geometry").and_then(|g| g.get("coordinates")) {
                row.insert("geometry".into(), g.to_string());
            }
            let id = row.get("id").cloned();
            if let Some(id) = id {
                row.entry("name".into()).or_insert(id);
            }
            if let Some(t) = row.get("title").cloned() {
                row.entry("label".into()).or_insert(t);
            }
            row
        })
        .collect())
}

/// The files `form` needs beside it, each with the rows that need it, in row order.
pub fn needed(form: &Form) -> Vec<(String, Vec<u32>)> {
    let mut out: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for e in &form.externals {
        out.entry(e.file.clone()).or_default().push(e.row);
    }
    for (item, _) in form.walk() {
        if let Some(ChoiceSource::File(f)) = &item.choices {
            out.entry(f.clone()).or_default().push(item.row);
        }
        for (_, e) in item.expressions() {
            for name in e.pulldata_files() {
                out.entry(format!("{name}.csv")).or_default().push(item.row);
            }
        }
        if let Some(name) = search_file(&item.appearance) {
            out.entry(format!("{name}.csv")).or_default().push(item.row);
        }
    }
    let mut v: Vec<(String, Vec<u32>)> = out.into_iter().collect();
    for (_, rows) in &mut v {
        rows.sort_unstable();
        rows.dedup();
    }
    v
}

/// The file of a `search('name', …)` appearance.
pub fn search_file(appearance: &str) -> Option<String> {
    let start = appearance.find("search(")? + "search(".len();
    let rest = appearance.get(start..)?;
    let quote = rest.trim_start().chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let inner = rest.trim_start().get(1..)?;
    let end = inner.find(quote)?;
    inner.get(..end).map(str::to_string)
}

/// The message for files that are missing: which, and for which rows.
pub fn missing_message(missing: &[(String, Vec<u32>)]) -> String {
    let each: Vec<String> = missing.iter().map(|(f, rows)| format!("`{f}` ({})", rows_text(rows))).collect();
    format!(
        "the form needs files that are not beside it: {}; put them in the form's folder (as exported from Kobo or ODK Central with the form's media) and load the form again",
        each.join(", ")
    )
}

/// Rows as a sentence says them: `row 3`, `rows 3, 7`.
pub fn rows_text(rows: &[u32]) -> String {
    let list: Vec<String> = rows.iter().map(u32::to_string).collect();
    match list.as_slice() {
        [one] => format!("row {one}"),
        _ => format!("rows {}", list.join(", ")),
    }
}

/// The rows of an attached CSV file (for `pulldata()` and `search()`).
pub fn read_rows(path: &Path) -> Result<Vec<BTreeMap<String, String>>, String> {
    let bytes = crate::limits::read_regular_file(path, crate::limits::FORM_FILE_BYTES)
        .map_err(|e| format!("the attached file: {e}"))?;
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xml")) {
        // An external XML instance: kept as its text, read as a document when the form is built.
        let text = String::from_utf8(bytes).map_err(|_| format!("{}: it is not UTF-8 text", path.display()))?;
        return Ok(vec![BTreeMap::from([(super::external::XML_TEXT.to_string(), text)])]);
    }
    csv_rows(&bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// The documents of the form's external instances whose files it has (see [`super::external`]).
pub fn external_trees(form: &mut Form) -> Vec<super::diag::Diagnostic> {
    let mut diags = Vec::new();
    for e in &form.externals {
        let Some(rows) = form.files.get(&e.file.to_lowercase()) else { continue };
        let tree = if e.file.ends_with(".xml") {
            let text = rows.first().and_then(|r| r.get(super::external::XML_TEXT)).map_or("", String::as_str);
            match super::external::Tree::from_xml(text) {
                Ok(t) => t,
                Err(msg) => {
                    diags.push(super::diag::Diagnostic::error(e.pos, format!("the file {}: {msg}", e.file)));
                    continue;
                }
            }
        } else {
            super::external::Tree::from_rows(rows)
        };
        form.trees.insert(e.name.clone(), tree);
    }
    diags
}

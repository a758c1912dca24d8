//! Form conformance against pyxform's own test forms (`../shared/corpus/pyxform-md-forms`):
//! fourmi must accept what the reference accepts and reject what it rejects. The reference
//! verdict is pyxform's, and ODK Validate's where pyxform accepted. Forms that use features
//! fourmi does not support are counted apart, never as passes.

mod common;

use std::collections::BTreeMap;

use common::{corpus, jsonl};
use fourmi::form::{self, Cell, Pos, Row, Sheet, Workbook, normalise_column};
use serde_json::Value as J;

/// Builds a workbook from pyxform's `ss_structure` (sheet name -> list of row objects).
fn from_ss_structure(v: &J) -> Workbook {
    let mut wb = Workbook::default();
    let Some(sheets) = v.as_object() else {
        return wb;
    };
    for (name, rows) in sheets {
        let mut sheet = Sheet { name: name.clone(), ..Sheet::default() };
        for (i, r) in rows.as_array().into_iter().flatten().enumerate() {
            let Some(obj) = r.as_object() else { continue };
            let cells = obj
                .iter()
                .map(|(k, v)| Cell {
                    column: normalise_column(k),
                    value: v.as_str().map_or_else(|| v.to_string(), str::to_string).trim().to_string(),
                    pos: Pos { line: i as u32 + 2, col: 1 },
                })
                .collect::<Vec<_>>();
            for c in &cells {
                if !sheet.columns.contains(&c.column) {
                    sheet.columns.push(c.column.clone());
                }
            }
            sheet.rows.push(Row { pos: Pos { line: i as u32 + 2, col: 1 }, number: i as u32 + 2, cells });
        }
        wb.add_sheet(sheet);
    }
    wb
}

fn reference_accepts(case: &J) -> bool {
    let pyxform = case["pyxform_4_5_0"]["accepted"].as_bool().unwrap_or(false);
    let validate = case["odk_validate_javarosa"]["valid"].as_bool().unwrap_or(true);
    pyxform && validate
}

#[test]
fn pyxform_forms_are_accepted_and_rejected_as_the_reference_does() {
    let Some(dir) = corpus("pyxform-md-forms") else {
        return;
    };
    let mut agree = 0;
    let mut supported = 0;
    let mut unsupported = 0;
    let mut disagreements: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for case in jsonl(&dir.join("cases.jsonl")) {
        let wb = match case["input_format"].as_str() {
            Some("md") => form::read_md(case["form"].as_str().unwrap_or_default()),
            _ => from_ss_structure(&case["form"]),
        };
        let loaded = form::from_workbook(&wb, "test_name", None);
        let uses_unsupported = loaded.diags.iter().any(|d| d.message.contains("not supported"))
            || wb.others.iter().any(|s| s.name.eq_ignore_ascii_case("entities"));
        if uses_unsupported {
            unsupported += 1;
            if std::env::var_os("FOURMI_SHOW_UNSUPPORTED").is_some() {
                let why = loaded
                    .diags
                    .iter()
                    .find(|d| d.message.contains("not supported"))
                    .map_or("entities sheet".to_string(), |d| d.message.clone());
                println!("UNSUPPORTED {} :: {why}", case["id"].as_str().unwrap_or("?"));
            }
            continue;
        }
        supported += 1;
        let ours = loaded.is_valid();
        let reference = reference_accepts(&case);
        if ours == reference {
            agree += 1;
        } else {
            let id = case["id"].as_str().unwrap_or("?");
            let category = id.split("::").next().unwrap_or(id).trim_start_matches("tests/").to_string();
            let detail = if ours {
                format!(
                    "{id}: we accept; reference: {}",
                    case["pyxform_4_5_0"]["error"]
                        .as_str()
                        .unwrap_or("ODK Validate failed")
                        .lines()
                        .next()
                        .unwrap_or("")
                )
            } else {
                let first = loaded
                    .diags
                    .iter()
                    .find(|d| d.severity == form::Severity::Error)
                    .map(|d| d.message.clone())
                    .unwrap_or_default();
                format!("{id}: we reject: {first}")
            };
            disagreements.entry(category).or_default().push(detail);
        }
    }
    let pct = 100.0 * agree as f64 / supported.max(1) as f64;
    println!(
        "pyxform forms: {agree}/{supported} supported forms agree ({pct:.1}%); {unsupported} use unsupported features"
    );
    for (cat, list) in &disagreements {
        println!("  {cat}: {} disagreement(s)", list.len());
        for d in list {
            println!("    {d}");
        }
    }
    assert!(pct >= 98.0, "agreement with pyxform {pct:.1}% is below the 98% target");
}

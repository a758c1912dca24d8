//! Reading pyxform's real example spreadsheets (`../shared/corpus/pyxform-example-files`):
//! odd headers, case differences, blank rows, date cells. fourmi must read every file without
//! panicking, and accept or reject it as pyxform does (forms using unsupported features apart).

mod common;

use std::path::Path;

use common::corpus;
use fourmi::form;

#[test]
fn example_spreadsheets_are_read_and_judged_as_pyxform_does() {
    let Some(dir) = corpus("pyxform-example-files") else {
        return;
    };
    let verdicts = std::fs::read_to_string(dir.join("pyxform_4_5_0_verdicts.tsv")).unwrap();
    let (mut agree, mut supported, mut unsupported) = (0, 0, 0);
    let mut disagreements = Vec::new();
    for line in verdicts.lines() {
        let Some((file, verdict)) = line.split_once('\t') else {
            continue;
        };
        let path = dir.join(file);
        if form::Format::of(Path::new(file)).is_none() || !path.exists() {
            continue;
        }
        let accepted_by_pyxform = verdict.starts_with("OK");
        let ours = match form::load(&path) {
            Ok(loaded) => {
                if loaded.diags.iter().any(|d| d.message.contains("not supported")) {
                    unsupported += 1;
                    continue;
                }
                Ok(loaded)
            }
            Err(e) => Err(e.to_string()),
        };
        supported += 1;
        let ours_accepts = ours.as_ref().is_ok_and(|l| l.is_valid());
        if ours_accepts == accepted_by_pyxform {
            agree += 1;
        } else {
            let why = match &ours {
                Ok(l) => l
                    .diags
                    .iter()
                    .find(|d| d.severity == form::Severity::Error)
                    .map(|d| d.render(file))
                    .unwrap_or_default(),
                Err(e) => e.clone(),
            };
            disagreements.push(format!(
                "{file}: pyxform {verdict}; fourmi: {}",
                if ours_accepts { "accepts".into() } else { why }
            ));
        }
    }
    println!("pyxform example files: {agree}/{supported} agree; {unsupported} use unsupported features");
    for d in &disagreements {
        println!("  {d}");
    }
    assert!(agree * 100 >= supported * 90, "agreement on example files fell below 90%");
}

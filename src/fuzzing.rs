//! What each fuzz target (`fuzz/`) does with its bytes, here so that the regression test runs the
//! same code over the seeds and every input a fuzzer once found (`tests/fuzz_seeds.rs`). Each
//! function must return, whatever the bytes: no panic, no hang, bounded memory.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use crate::expr::{Expression, MapContext, Value};
use crate::form::Compiled;
use crate::interview::{Interview, StartInfo};

fn clock() -> Option<chrono::DateTime<chrono::FixedOffset>> {
    crate::expr::parse_datetime("2026-01-02T03:04:05.000+01:00")
}

/// The expression parser and evaluator, with two answers and a fixed clock.
pub fn expr(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(e) = Expression::parse(text) else { return };
    let mut ctx = MapContext { now: clock(), ..MapContext::default() };
    ctx.answers.insert("a".into(), Value::Num(3.0));
    ctx.answers.insert("b".into(), Value::Str("x y".into()));
    let _ = e.eval(&ctx);
}

fn whole_form(wb: &crate::form::Workbook) {
    let loaded = crate::form::from_workbook(wb, "fuzz", None);
    let _ = Compiled::new(loaded.form);
}

/// The markdown-table form reader, then build, checks and compile.
pub fn form_md(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        whole_form(&crate::form::read_md(text));
    }
}

/// fourmi's TOML form reader, then build, checks and compile.
pub fn form_toml(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(wb) = crate::form::read_toml(text)
    {
        whole_form(&wb);
    }
}

/// The spreadsheet reader (`.xlsx`, `.xls`, `.ods`), then build, checks and compile.
pub fn form_spreadsheet(data: &[u8]) {
    if let Ok(wb) = crate::form::read_xlsx(data) {
        whole_form(&wb);
    }
}

fn core_form() -> Option<Arc<Compiled>> {
    static FORM: OnceLock<Option<Arc<Compiled>>> = OnceLock::new();
    FORM.get_or_init(|| {
        let (_, text) = crate::form::BUNDLED.iter().find(|(n, _)| n.contains("core"))?;
        crate::form::from_definition(text).ok().map(Arc::new)
    })
    .clone()
}

/// A JSON object of answers filled into the 4Mi core survey, then reviewed, finalised, closed.
pub fn answers(data: &[u8]) {
    let Ok(serde_json::Value::Object(answers)) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let (Some(form), Some(opened_at)) = (core_form(), clock()) else { return };
    let info =
        StartInfo { language: "English (en)".into(), device_id: "fuzz".into(), username: "fuzz".into(), opened_at };
    let mut iv = Interview::start(form, info);
    let _ = iv.fill(&answers, Duration::from_secs(1));
    let _ = iv.hierarchy();
    let _ = iv.purged_answers_json();
    let _ = iv.finalize(Duration::from_secs(2));
}

/// A batch file's envelope (header lines, signature) and a payload's JSON lines.
pub fn batch(data: &[u8]) {
    let _ = crate::batch::envelope::open(data);
    let _ = crate::batch::payload::read(data);
}

/// A keyring file, every entry checked as opening it would, up to the key derivation (19 MiB and
/// tens of milliseconds by design; settings outside fourmi's bounds are refused before it).
pub fn keyring(data: &[u8]) {
    let Ok(ring) = crate::store::keyring::Keyring::parse(data) else { return };
    for entry in &ring.accounts {
        let _ = ring.check_entry(&entry.account);
    }
}

/// What a fuzz target does with its input.
pub type Target = fn(&[u8]);

/// The readers of files attached to a form (choice files in CSV, XML and GeoJSON): the first
/// byte chooses which.
pub fn attachment(data: &[u8]) {
    let Some((first, rest)) = data.split_first() else { return };
    let ext = match first % 3 {
        0 => "csv",
        1 => "xml",
        _ => "geojson",
    };
    let _ = crate::form::parse_choice_file(rest, ext, "name", "label");
}

/// Every target by name, for the regression test.
pub const TARGETS: [(&str, Target); 8] = [
    ("expr", expr),
    ("form_md", form_md),
    ("form_toml", form_toml),
    ("form_spreadsheet", form_spreadsheet),
    ("answers", answers),
    ("batch", batch),
    ("keyring", keyring),
    ("attachment", attachment),
];

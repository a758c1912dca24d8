//! A JSON object of answers (what `records add --answers` reads) filled into the bundled 4Mi
//! core survey through the interview engine, then finalised and closed.
#![no_main]

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use fourmi::form::Compiled;
use fourmi::interview::{Interview, StartInfo};

fn form() -> Arc<Compiled> {
    static FORM: OnceLock<Arc<Compiled>> = OnceLock::new();
    FORM.get_or_init(|| {
        let (_, text) = fourmi::form::BUNDLED.iter().find(|(n, _)| n.contains("core")).copied().unwrap();
        Arc::new(fourmi::form::from_definition(text).unwrap())
    })
    .clone()
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(serde_json::Value::Object(answers)) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let info = StartInfo {
        language: "English (en)".into(),
        device_id: "fuzz".into(),
        username: "fuzz".into(),
        opened_at: fourmi::expr::parse_datetime("2026-01-02T03:04:05.000+01:00").unwrap(),
    };
    let mut iv = Interview::start(form(), info);
    let _ = iv.fill(&answers, Duration::from_secs(1));
    let _ = iv.answers_json();
    let _ = iv.hierarchy();
    let _ = iv.finalize(Duration::from_secs(2));
});

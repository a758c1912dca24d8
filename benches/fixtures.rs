//! Shared benchmark fixtures: the COVID-19 form, interviews filled through the engine, and a
//! data folder of 100k records built once under target/.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use fourmi::form::{self, Compiled};
use fourmi::interview::{Interview, StartInfo};
use fourmi::store::{Setup, Store};

pub const PASS: &str = "benchmark passphrase";

pub fn covid() -> Arc<Compiled> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("forms/4mi-covid19.toml");
    Arc::new(Compiled::new(form::load(&path).unwrap().form))
}

pub fn info() -> StartInfo {
    StartInfo {
        language: "English (en)".into(),
        device_id: "bench".into(),
        username: "chief".into(),
        opened_at: chrono::Utc::now().fixed_offset(),
    }
}

pub fn interview(f: &Arc<Compiled>, i: usize) -> Interview {
    let mut iv = Interview::start(f.clone(), info());
    let city = ["bamako", "gao", "kayes", "mopti", "timbuktu"][i % 5];
    let answers = serde_json::json!({"monitor": format!("mon{:02}", i % 20), "mode": "phone", "country": "mali", "city": city,
        "neighbourhood": format!("{city}_centre"), "consent": "yes", "age": 18 + i % 50, "arrived_within_year": "yes",
        "sex": if i.is_multiple_of(2) { "male" } else { "female" }, "nationality": "guinea", "c1": "yes", "c17": "yes"});
    let _ = iv.fill(answers.as_object().unwrap(), Duration::ZERO);
    iv
}

/// A data folder with 100k records (built once, kept under target/ between runs).
pub fn fixture_100k() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-fixtures/store-100k");
    if fourmi::store::is_set_up(&dir) {
        return dir;
    }
    let _ = std::fs::remove_dir_all(&dir);
    let mut s = Store::setup(
        &dir,
        &Setup {
            coordinator: "chief".into(),
            passphrase: PASS.into(),
            device_name: "bench".into(),
            recipients: vec![],
        },
    )
    .unwrap();
    let f = covid();
    let hash = s.save_form("benchmark definition", "4mi_covid19", "1").unwrap();
    for chunk in 0..100 {
        let batch: Vec<(Interview, Vec<_>)> =
            (0..1000).map(|i| (interview(&f, chunk * 1000 + i), Vec::new())).collect();
        s.create_records(&hash, &batch).unwrap();
    }
    dir
}

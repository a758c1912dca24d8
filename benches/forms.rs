//! Form benchmarks: load + check + compile of the bundled forms and of a generated 1000-question
//! form, and the re-evaluation after one answer change in that form (target: 100 µs or less).

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use fourmi::form::{self, Compiled};
use fourmi::interview::{Interview, Loc, StartInfo};

#[path = "generated.rs"]
mod generated;

fn load_check_compile(c: &mut Criterion) {
    for name in ["4mi-core.toml", "4mi-covid19.toml"] {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("forms").join(name);
        c.bench_function(&format!("load+check+compile {name}"), |b| {
            b.iter(|| {
                let loaded = form::load(black_box(&path)).unwrap();
                black_box(Compiled::new(loaded.form))
            })
        });
    }
    let md = generated::thousand_questions();
    c.bench_function("load+check+compile 1000-question form", |b| {
        b.iter(|| {
            let loaded = form::from_workbook(&form::read_md(black_box(&md)), "gen", None);
            assert!(loaded.is_valid());
            black_box(Compiled::new(loaded.form))
        })
    });
}

fn one_answer_change(c: &mut Criterion) {
    let loaded = form::from_workbook(&form::read_md(&generated::thousand_questions()), "gen", None);
    let compiled = Arc::new(Compiled::new(loaded.form));
    let info = StartInfo {
        language: String::new(),
        device_id: "bench".into(),
        username: "bench".into(),
        opened_at: chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").unwrap(),
    };
    let mut iv = Interview::start(compiled.clone(), info);
    // Answer every question first, so relevance and calculations have work to do.
    for i in 0..1000 {
        let loc = Loc::top(compiled.id(&format!("q{i}")).unwrap());
        let v = match i % 5 {
            1 => "7",
            2 => "yes",
            _ => "x",
        };
        let _ = iv.set_answer(&loc, v, Duration::ZERO);
    }
    let target = Loc::top(compiled.id("q501").unwrap());
    let mut flip = false;
    c.bench_function("re-evaluate after one answer change (1000-question form)", |b| {
        b.iter(|| {
            flip = !flip;
            iv.set_answer(&target, if flip { "3" } else { "4" }, Duration::ZERO).unwrap();
        })
    });
}

criterion_group!(benches, load_check_compile, one_answer_change);
criterion_main!(benches);

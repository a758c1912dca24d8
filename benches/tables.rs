//! A cross-tabulation over 100k records (COVID-19 interviews filled through the engine): time
//! per table, and the memory the records take in a table's dataset (resident size before and
//! after loading them, printed once).

use std::time::Duration;

use criterion::{Criterion, criterion_group};
use fourmi::tables::{Dataset, Request};

#[path = "fixtures.rs"]
mod fixtures;
use fixtures::{covid, interview};

fn resident_kb() -> usize {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1).and_then(|p| p.parse::<usize>().ok()))
        .map_or(0, |pages| pages * 4)
}

fn crosstab(c: &mut Criterion) {
    let f = covid();
    let before = resident_kb();
    let records: Vec<_> = (0..100_000).map(|i| interview(&f, i).answers_json()).collect();
    let data = Dataset { form: (*f).clone(), records };
    eprintln!("100k records' answers in memory: {} MB resident", (resident_kb().saturating_sub(before)) / 1024);
    let mut g = c.benchmark_group("tables, 100k records");
    g.sample_size(20).measurement_time(Duration::from_secs(10));
    g.bench_function("c17 by city", |b| {
        b.iter(|| {
            data.tabulate(&Request { question: "c17".into(), by: Some("city".into()), ..Request::default() }).unwrap()
        })
    });
    g.bench_function("c17 by city where sex = female", |b| {
        b.iter(|| {
            data.tabulate(&Request {
                question: "c17".into(),
                by: Some("city".into()),
                filter: Some("${sex} = 'female'".into()),
                ..Request::default()
            })
            .unwrap()
        })
    });
    g.finish();
}

criterion_group!(tables, crosstab);

fn main() {
    tables();
    Criterion::default().configure_from_args().final_summary();
}

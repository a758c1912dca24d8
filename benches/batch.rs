//! Batch benchmarks, 100k COVID-19 records filled through the engine:
//! - export (anonymise, serialise, encrypt, sign) against the stock `age` tool encrypting the
//!   same JSON lines (target: within 2 times);
//! - headquarters import (verify, decrypt, validate, merge into SQLite) against `sqlite3`'s
//!   `.import` of the same rows as CSV into the same table (target: within 2 times).
//!
//! - disclosure control alone (coarsen and hide until k = 5) on the 100k records' answers
//!   (target: within 1 second).
//!
//! The `age` and `sqlite3` comparisons are skipped, saying so, when the tools are missing.

/// The binary's allocator (src/main.rs), to measure what it does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::Command;
use std::sync::atomic::AtomicUsize;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group};
use fourmi::batch::anonymise::Options;
use fourmi::batch::export::{Prepared, encode, prepare};
use fourmi::batch::import::{Identity, import_file};

#[path = "fixtures.rs"]
mod fixtures;
#[path = "common/laptop.rs"]
mod laptop;
use laptop::{Bench, N};

fn setup() -> Bench {
    Bench::new(N)
}

fn tool(name: &str) -> bool {
    let ok = Command::new(name).arg("--version").output().is_ok();
    if !ok {
        eprintln!("SKIPPED: `{name}` is not installed, its comparison is not run");
    }
    ok
}

fn export_vs_age(c: &mut Criterion, b: &Bench, prepared: &Prepared) {
    let mut g = c.benchmark_group("batch export, 100k records");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    let opts = Options::default();
    // Into a file, as the age tool writes one (neither is flushed to disk).
    let file = b.dir.path().join("export.batch");
    g.bench_function("fourmi: anonymise + serialise + encrypt + sign", |bch| {
        bch.iter_batched(
            || b.set.clone(),
            |set| {
                let p = prepare(set, &opts).unwrap();
                let mut out = std::fs::File::create(&file).unwrap();
                encode(&p, &b.signer(), "none", &AtomicUsize::new(0), &mut out).unwrap();
                // Returned, so that freeing them is not timed (the age tool's exit frees at once).
                p
            },
            BatchSize::PerIteration,
        )
    });
    if tool("age") {
        let plain = b.dir.path().join("payload.jsonl");
        let line = b.line();
        let bytes = fourmi::batch::payload::write(
            &line,
            prepared.accounts.as_ref(),
            &prepared.forms,
            &prepared.records,
            &[],
            |_| {},
        );
        eprintln!("payload: {} MB of JSON lines", bytes.len() / 1_000_000);
        std::fs::write(&plain, bytes).unwrap();
        let out = b.dir.path().join("payload.age");
        g.bench_function("age CLI: encrypt the same JSON lines", |bch| {
            bch.iter(|| {
                let s = Command::new("age").args(["-r", &b.recipient, "-o"]).arg(&out).arg(&plain).status().unwrap();
                assert!(s.success());
            })
        });
    }
    g.finish();
}

fn import_vs_sqlite(c: &mut Criterion, b: &Bench, prepared: &Prepared) {
    let file = b.dir.path().join("batch.batch");
    encode(prepared, &b.signer(), "none", &AtomicUsize::new(0), &mut std::fs::File::create(&file).unwrap()).unwrap();
    let identity = Identity::read(&b.identity_file).unwrap();
    let mut g = c.benchmark_group("headquarters import, 100k records");
    g.sample_size(10).measurement_time(Duration::from_secs(30));
    g.bench_function("fourmi hq import: verify + decrypt + validate + merge", |bch| {
        bch.iter_batched(
            || {
                let at = tempfile::tempdir().unwrap();
                let hq = b.hq(at.path());
                (at, hq)
            },
            |(_at, mut hq)| {
                let done = import_file(&mut hq, &identity, &file).unwrap();
                assert_eq!(done.counts.imported, N);
            },
            BatchSize::PerIteration,
        )
    });
    if tool("sqlite3") {
        // The same rows as the records table, as CSV, imported by sqlite3 into the same table.
        let csv_file = b.dir.path().join("records.csv");
        laptop::rows_csv(&prepared.records, &csv_file);
        g.bench_function("sqlite3 .import of the same rows as CSV", |bch| {
            bch.iter_batched(
                || {
                    let at = tempfile::tempdir().unwrap();
                    drop(b.hq(at.path()));
                    at
                },
                |at| {
                    let db = at.path().join("hq.db");
                    let s = Command::new("sqlite3")
                        .arg(&db)
                        .arg(format!(".import --csv {} records", csv_file.display()))
                        .status()
                        .unwrap();
                    assert!(s.success());
                },
                BatchSize::PerIteration,
            )
        });
    }
    g.finish();
}

/// One pass with each stage timed, printed (where the export's time goes).
fn stages(b: &Bench) {
    use std::time::Instant;
    let set = b.set.clone();
    let t = Instant::now();
    let p = prepare(set, &Options::default()).unwrap();
    let t_prepare = t.elapsed();
    let line = b.line();
    let t = Instant::now();
    let plain = fourmi::batch::payload::write(&line, p.accounts.as_ref(), &p.forms, &p.records, &[], |_| {});
    let t_write = t.elapsed();
    let t = Instant::now();
    let (body, digest) = fourmi::batch::envelope::encrypt(&plain, std::slice::from_ref(&b.recipient)).unwrap();
    let t_encrypt = t.elapsed();
    let header = fourmi::batch::envelope::Header {
        format: fourmi::batch::envelope::FORMAT,
        device_id: b.device.clone(),
        seq: 1,
        reexport_of: None,
        created_at: "x".into(),
        recipients: vec![b.recipient.clone()],
        payload_sha256: String::new(),
        payload_bytes: 0,
    };
    let t = Instant::now();
    let _head = fourmi::batch::envelope::seal(header, &b.key, &digest, body.len() as u64);
    let t_seal = t.elapsed();
    eprintln!(
        "export stages, one thread each: prepare (anonymise) {t_prepare:?}, serialise (two threads) {t_write:?}, encrypt + digest {t_encrypt:?}, sign {t_seal:?}"
    );
    // The export as it runs (serialising while encrypting), with the processor time it takes.
    for _ in 0..3 {
        let set = b.set.clone();
        let (t, cpu) = (Instant::now(), cpu_time());
        let p = prepare(set, &Options::default()).unwrap();
        let (t_prepare, cpu_prepare) = (t.elapsed(), cpu_time() - cpu);
        let (t, cpu) = (Instant::now(), cpu_time());
        let mut out = std::fs::File::create(b.dir.path().join("stages.batch")).unwrap();
        encode(&p, &b.signer(), "none", &AtomicUsize::new(0), &mut out).unwrap();
        let (t_encode, cpu_encode) = (t.elapsed(), cpu_time() - cpu);
        eprintln!(
            "export: prepare {t_prepare:?} ({cpu_prepare:?} of processor time), encode into a file {t_encode:?} ({cpu_encode:?})"
        );
        drop(p);
    }
}

/// The processor time this process has used so far (Linux; zero elsewhere).
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or_default().split_whitespace().collect();
    let ticks: u64 = fields.get(11..13).map_or(0, |f| f.iter().filter_map(|t| t.parse::<u64>().ok()).sum());
    Duration::from_millis(ticks * 10)
}

/// Disclosure control alone: the 100k records' answers coarsened and hidden until k = 5.
fn disclosure_alone(c: &mut Criterion, b: &Bench) {
    let form = fourmi::form::from_definition(&b.set.forms[0].1).unwrap();
    let answers: Vec<serde_json::Map<String, serde_json::Value>> =
        b.set.records.iter().map(|r| r.row.answers.as_object().cloned().unwrap_or_default()).collect();
    let mut g = c.benchmark_group("disclosure control, 100k records");
    g.sample_size(10);
    g.bench_function("coarsen and hide until k = 5", |bch| {
        bch.iter_batched(
            || answers.clone(),
            |mut all| {
                let mut refs: Vec<&mut serde_json::Map<String, serde_json::Value>> = all.iter_mut().collect();
                let out = fourmi::batch::disclosure::protect(
                    &form,
                    &mut refs,
                    fourmi::batch::disclosure::Goal { k: 5, l: 1 },
                );
                assert!(!out.short);
                (all, out)
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

fn benches(c: &mut Criterion) {
    let b = setup();
    stages(&b);
    disclosure_alone(c, &b);
    let prepared = prepare(b.set.clone(), &Options::default()).unwrap();
    export_vs_age(c, &b, &prepared);
    import_vs_sqlite(c, &b, &prepared);
}

criterion_group!(batch, benches);

fn main() {
    batch();
    Criterion::default().configure_from_args().final_summary();
}

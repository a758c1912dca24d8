//! Headquarters at scale: one laptop's 1 million COVID-19 records in 10 batches of 100k (each
//! anonymised, encrypted and signed as a laptop writes it), imported
//! - into PostgreSQL (verify, decrypt, validate, merge), against `COPY` of the same rows into the
//!   same table (target: within 1.5 times);
//! - into SQLite, against `sqlite3 .import` of the same rows as CSV (target: within 1.5 times);
//!
//! then a table of one question by city over the 1M records through the analysts' views, on
//! both. Printed before: the peak resident memory of `fourmi hq import` on the 10 files
//! (target: under 200 MB), on each database.
//!
//! `FOURMI_BENCH_BATCHES` sets the number of batches (default 10); `FOURMI_BENCH_KEEP=DIR` leaves
//! them in DIR with a headquarters folder, to profile, and measures nothing. PostgreSQL is the tests'
//! (`FOURMI_TEST_POSTGRES`, else a throwaway cluster); without one its half is skipped, saying so.

/// The binary's allocator (src/main.rs), to measure what it does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::AtomicUsize;
use std::time::Duration;

use criterion::{BatchSize, Criterion, SamplingMode, criterion_group};
use fourmi::batch::anonymise::Options;
use fourmi::batch::export::{encode, prepare};
use fourmi::batch::import::{Identity, import_files, refresh_views};
use fourmi::store::hq::Database;

#[path = "fixtures.rs"]
mod fixtures;
#[path = "common/laptop.rs"]
mod laptop;
#[path = "../tests/common/pg.rs"]
mod pg;
use laptop::{Bench, N};

struct Data {
    bench: Bench,
    batches: Vec<PathBuf>,
    csvs: Vec<PathBuf>,
}

/// The batches and the same rows as CSV, written once.
fn data() -> Data {
    let n: usize = std::env::var("FOURMI_BENCH_BATCHES").ok().and_then(|v| v.parse().ok()).unwrap_or(10);
    let bench = Bench::new(0);
    let mut batches = Vec::new();
    let mut csvs = Vec::new();
    for s in 1..=n {
        let mut set = bench.set.clone();
        set.records = bench.records((s - 1) * N..s * N);
        let prepared = prepare(set, &Options::default()).unwrap();
        let file = bench.dir.path().join(format!("batch-{s:02}.batch"));
        let mut out = std::fs::File::create(&file).unwrap();
        encode(&prepared, &bench.signer_for(s as i64), "day", &AtomicUsize::new(0), &mut out).unwrap();
        let csv = bench.dir.path().join(format!("rows-{s:02}.csv"));
        laptop::rows_csv(&prepared.records, &csv);
        batches.push(file);
        csvs.push(csv);
    }
    eprintln!("{} batches of {N} records written", batches.len());
    Data { bench, batches, csvs }
}

/// The peak resident memory (MB) and the time (s) of `fourmi hq import` on every batch into
/// `place`, once.
fn peak_memory(d: &Data, place: &Database, args: &[String]) -> Option<(f64, f64)> {
    drop(d.bench.hq_at(place));
    let out = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M %e")
        .arg(env!("CARGO_BIN_EXE_fourmi"))
        .args(["hq", "import"])
        .args(&d.batches)
        .args(args)
        .output()
        .ok()?;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stderr);
    let mut last = text.lines().last()?.split_whitespace();
    let kb: f64 = last.next()?.parse().ok()?;
    let secs: f64 = last.next()?.parse().ok()?;
    Some((kb / 1024.0, secs))
}

fn import_all(d: &Data, place: &Database) {
    let mut hq = fourmi::store::hq::Hq::open_at(place).unwrap();
    let identity = Identity::read(&d.bench.identity_file).unwrap();
    for (f, r) in import_files(&mut hq, &identity, &d.batches, |_, _, _| {}, |_, _| {}) {
        assert_eq!(r.unwrap_or_else(|e| panic!("{}: {e}", f.display())).counts.imported, N);
    }
    refresh_views(&mut hq).unwrap();
}

const TABLE: &str = r#"SELECT city, c1, count(*) FROM {view} GROUP BY city, c1 ORDER BY city, c1"#;

fn sqlite(c: &mut Criterion, d: &Data) {
    let total = d.batches.len() * N;
    let at = tempfile::tempdir().unwrap();
    let place = Database::Embedded(at.path().join("peak"));
    if let Some((mb, s)) = peak_memory(d, &place, &["--data-dir".into(), at.path().join("peak").display().to_string()])
    {
        eprintln!("`fourmi hq import` of {total} records into SQLite, once: peak resident memory {mb:.0} MB, {s:.1} s");
    }
    let mut g = c.benchmark_group(format!("headquarters import into SQLite, {total} records"));
    g.sample_size(10).sampling_mode(SamplingMode::Flat).measurement_time(Duration::from_secs(60));
    g.bench_function("fourmi: verify + decrypt + validate + merge + views", |b| {
        b.iter_batched(
            || {
                let at = tempfile::tempdir().unwrap();
                let place = Database::Embedded(at.path().to_path_buf());
                drop(d.bench.hq_at(&place));
                (at, place)
            },
            |(_at, place)| import_all(d, &place),
            BatchSize::PerIteration,
        )
    });
    if Command::new("sqlite3").arg("--version").output().is_ok() {
        g.bench_function("sqlite3 .import of the same rows as CSV", |b| {
            b.iter_batched(
                || {
                    let at = tempfile::tempdir().unwrap();
                    drop(d.bench.hq(at.path()));
                    at
                },
                |at| {
                    let mut cmd = Command::new("sqlite3");
                    cmd.arg(at.path().join("hq.db"));
                    for f in &d.csvs {
                        cmd.arg(format!(".import --csv {} records", f.display()));
                    }
                    assert!(cmd.status().unwrap().success());
                },
                BatchSize::PerIteration,
            )
        });
    } else {
        eprintln!("SKIPPED: sqlite3 is not installed, its comparison is not run");
    }
    g.finish();
    let at = tempfile::tempdir().unwrap();
    let place = Database::Embedded(at.path().to_path_buf());
    drop(d.bench.hq_at(&place));
    import_all(d, &place);
    let conn = rusqlite::Connection::open(at.path().join("hq.db")).unwrap();
    let sql = TABLE.replace("{view}", "\"4mi_covid19\"");
    let mut g = c.benchmark_group(format!("a table by city through the views, SQLite, {total} records"));
    g.sample_size(10);
    g.bench_function("SELECT city, c1, count(*) ... GROUP BY city, c1", |b| {
        b.iter(|| {
            let mut stmt = conn.prepare_cached(&sql).unwrap();
            let n: i64 = stmt.query_map([], |r| r.get::<_, i64>(2)).unwrap().map(Result::unwrap).sum();
            assert_eq!(n as usize, total);
        })
    });
    g.finish();
}

fn copy_rows(url: &str, csvs: &[PathBuf]) {
    use std::io::Write;
    let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
    let mut w = client.copy_in("COPY records FROM STDIN (FORMAT csv)").unwrap();
    for f in csvs {
        w.write_all(&std::fs::read(f).unwrap()).unwrap();
    }
    w.finish().unwrap();
}

fn postgres(c: &mut Criterion, d: &Data) {
    let Some(url) = pg::fresh_database() else { return };
    let total = d.batches.len() * N;
    let place = Database::Postgres(url.clone());
    if let Some((mb, s)) = peak_memory(d, &place, &["--database".into(), url]) {
        eprintln!(
            "`fourmi hq import` of {total} records into PostgreSQL, once: peak resident memory {mb:.0} MB, {s:.1} s"
        );
    }
    let mut g = c.benchmark_group(format!("headquarters import into PostgreSQL, {total} records"));
    g.sample_size(10).sampling_mode(SamplingMode::Flat).measurement_time(Duration::from_secs(60));
    g.bench_function("fourmi: verify + decrypt + validate + merge + views", |b| {
        b.iter_batched(
            || {
                let place = Database::Postgres(pg::fresh_database().unwrap());
                drop(d.bench.hq_at(&place));
                place
            },
            |place| import_all(d, &place),
            BatchSize::PerIteration,
        )
    });
    g.bench_function("COPY of the same rows as CSV", |b| {
        b.iter_batched(
            || {
                let url = pg::fresh_database().unwrap();
                let place = Database::Postgres(url.clone());
                drop(d.bench.hq_at(&place));
                // The form the rows name (COPY does not check batches).
                let mut hq = fourmi::store::hq::Hq::open_at(&place).unwrap();
                let identity = Identity::read(&d.bench.identity_file).unwrap();
                let first: Vec<PathBuf> = d.batches.iter().take(1).cloned().collect();
                let _ = import_files(&mut hq, &identity, &first, |_, _, _| {}, |_, _| {});
                let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
                c.batch_execute("DELETE FROM records").unwrap();
                url
            },
            |url| copy_rows(&url, &d.csvs),
            BatchSize::PerIteration,
        )
    });
    g.finish();
    let url = pg::fresh_database().unwrap();
    let place = Database::Postgres(url.clone());
    drop(d.bench.hq_at(&place));
    import_all(d, &place);
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let sql = TABLE.replace("{view}", "analysis.\"4mi_covid19\"");
    let mut g = c.benchmark_group(format!("a table by city through the views, PostgreSQL, {total} records"));
    g.sample_size(10);
    g.bench_function("SELECT city, c1, count(*) ... GROUP BY city, c1", |b| {
        b.iter(|| {
            let n: i64 = client.query(&sql, &[]).unwrap().iter().map(|r| r.get::<_, i64>(2)).sum();
            assert_eq!(n as usize, total);
        })
    });
    g.finish();
}

/// With `FOURMI_BENCH_KEEP=DIR`: the batches, headquarters' identity and a headquarters
/// folder with the laptop registered are left in DIR (to profile `fourmi hq import` on them),
/// and nothing is measured.
fn keep(d: &Data, dir: &std::path::Path) {
    std::fs::create_dir_all(dir).unwrap();
    for f in d.batches.iter().chain(&d.csvs).chain([&d.bench.identity_file]) {
        std::fs::copy(f, dir.join(f.file_name().unwrap())).unwrap();
    }
    drop(d.bench.hq(&dir.join("hq")));
    eprintln!("kept in {}: fourmi hq import --data-dir {0}/hq --identity {0}/hq.txt {0}/batch-*.batch", dir.display());
}

fn benches(c: &mut Criterion) {
    let d = data();
    if let Some(dir) = std::env::var_os("FOURMI_BENCH_KEEP") {
        return keep(&d, std::path::Path::new(&dir));
    }
    postgres(c, &d);
    sqlite(c, &d);
}

criterion_group!(hq, benches);

fn main() {
    hq();
    Criterion::default().configure_from_args().final_summary();
}

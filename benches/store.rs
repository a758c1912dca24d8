//! Store benchmarks: autosave of one answer against a plain SQLite upsert of the same bytes with
//! the same durability (WAL, synchronous = FULL; target: within 1.5 times), and opening a store of
//! 100k records then listing one filtered page (time here; peak memory printed by a fresh child
//! process of this benchmark).

use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, criterion_group};
use fourmi::interview::Loc;
use fourmi::store::{RecordFilter, Role, Setup, Status, Store};

#[path = "fixtures.rs"]
mod fixtures;
use fixtures::{PASS, covid, fixture_100k, interview};

fn autosave_vs_plain_upsert(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::setup(
        dir.path(),
        &Setup { coordinator: "chief".into(), passphrase: PASS.into(), device_name: "b".into(), recipients: vec![] },
    )
    .unwrap();
    s.add_account("ana", Role::Monitor, PASS).unwrap();
    drop(s);
    let mut s = Store::open(dir.path(), "ana", PASS).unwrap();
    let f = covid();
    let hash = s.save_form("def", "4mi_covid19", "1").unwrap();
    let mut iv = interview(&f, 1);
    let uuid = s.create_record(&hash, &iv, &[]).unwrap();
    let target = Loc::top(f.id("c34").unwrap());
    let mut n = 0u64;
    c.bench_function("autosave one answer (SQLCipher, WAL, synchronous=FULL)", |b| {
        b.iter(|| {
            n += 1;
            iv.set_answer(&target, &format!("answer {n}"), Duration::ZERO).unwrap();
            let events = iv.drain_events();
            s.autosave(&uuid, &iv, &events).unwrap();
        })
    });
    let bytes = serde_json::Value::Object(iv.answers_json()).to_string();

    let plain_dir = tempfile::tempdir().unwrap();
    let conn = rusqlite::Connection::open(plain_dir.path().join("plain.db")).unwrap();
    conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; CREATE TABLE r (uuid TEXT PRIMARY KEY, answers TEXT NOT NULL, updated_at TEXT NOT NULL);").unwrap();
    c.bench_function("plain SQLite upsert of the same bytes (WAL, synchronous=FULL)", |b| {
        b.iter(|| {
            n += 1;
            let body = format!("{bytes}{n}");
            conn.execute(
                "INSERT INTO r (uuid, answers, updated_at) VALUES ('x', ?1, ?2) ON CONFLICT(uuid) DO UPDATE SET answers = excluded.answers, updated_at = excluded.updated_at",
                rusqlite::params![body, n.to_string()],
            )
            .unwrap();
        })
    });
}

fn open_and_list(dir: &Path) -> usize {
    let s = Store::open(dir, "chief", PASS).unwrap();
    let page = s
        .records(&RecordFilter {
            status: vec![Status::Draft],
            form_id: Some("4mi_covid19".into()),
            limit: 50,
            ..RecordFilter::default()
        })
        .unwrap();
    page.len()
}

fn open_100k(c: &mut Criterion) {
    let dir = fixture_100k();
    let mut group = c.benchmark_group("100k records");
    group.sample_size(10);
    group.bench_function("open store + list one filtered page of 50", |b| b.iter(|| open_and_list(&dir)));
    group.bench_function("list one filtered page of 50 (store open)", |b| {
        let s = Store::open(&dir, "chief", PASS).unwrap();
        b.iter(|| {
            s.records(&RecordFilter {
                status: vec![Status::Draft],
                text: Some("timbuktu".into()),
                limit: 50,
                ..RecordFilter::default()
            })
            .unwrap()
            .len()
        })
    });
    group.finish();
    // Peak memory of a fresh process doing only "open + list a page".
    let out =
        std::process::Command::new(std::env::current_exe().unwrap()).env("FOURMI_BENCH_CHILD", &dir).output().unwrap();
    println!("{}", String::from_utf8_lossy(&out.stdout).trim());
}

criterion_group!(benches, autosave_vs_plain_upsert, open_100k);

fn main() {
    if let Some(dir) = std::env::var_os("FOURMI_BENCH_CHILD") {
        let n = open_and_list(Path::new(&dir));
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let peak = status
            .lines()
            .find(|l| l.starts_with("VmHWM"))
            .unwrap_or("VmHWM: ?")
            .split_whitespace()
            .nth(1)
            .unwrap_or("?")
            .to_string();
        println!("open store + list a page of {n} (100k records): peak memory {peak} kB");
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}

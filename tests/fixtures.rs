//! Format stability: data folders of every laptop schema and a batch file of format 1, checked in
//! under `tests/fixtures/`, must keep opening (upgraded in place) and importing; a database
//! newer than this fourmi is refused.
//!
//! The fixtures were made by fourmi itself: `FOURMI_WRITE_FIXTURES=1 cargo test --test fixtures`
//! makes a data folder through the command line (three completed interviews, one approved then
//! exported in batch 1, one returned with a comment, one withdrawn, one draft), and takes copies
//! of it back to schemas 3, 2 and 1 by undoing each later migration (they are append-only: what
//! is left is what those versions wrote). Never regenerate them for a released schema: they are
//! what laptops in the field hold.

use std::path::{Path, PathBuf};

use fourmi::store::{RecordFilter, Status, Store, StoreError};

mod common;
use common::cli::{Env, stdout};

/// Schemas with a fixture, and how to take a schema-N database back to N-1.
const DOWNGRADES: &[(i64, &str)] = &[
    (4, "ALTER TABLE records DROP COLUMN closed_answers;"),
    (3, "DROP TABLE batch_items; DROP TABLE batches;"),
    (
        2,
        "DROP INDEX records_started; DROP INDEX records_monitor; CREATE INDEX records_monitor ON records(monitor, status);",
    ),
];

const LATEST_FIXTURE: i64 = 4;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn laptop(version: i64) -> PathBuf {
    fixtures().join(format!("laptop-schema-{version}"))
}

const BAMAKO: &str = r#"{"monitor": "mon01", "mode": "phone", "country": "mali", "city": "bamako", "neighbourhood": "niamakoro", "consent": "yes", "age": 24, "arrived_within_year": "yes", "sex": "male", "nationality": "guinea", "c1": "yes", "c2": "yes", "c3": "agree", "c4": "agree", "c5": "agree", "c6": ["ngo_un"], "c7": ["media"], "c10": ["ngo_un"], "c11": ["fever"], "c12": ["older"], "c13": ["mask"], "c15": "no", "c17": "dont_know", "c18": ["money"], "c19": ["none"], "c20": ["movement"], "c21": "same", "c23": "no", "c26": "no", "c29": "same", "situation": "better", "smuggler_need": "dont_know", "covid_factor_leaving": "no", "destination": "mali"}"#;

fn key_hex(dir: &Path) -> String {
    let ring = fourmi::store::keyring::Keyring::load(&dir.join("keyring.json")).unwrap();
    let (key, _) = ring.open("chief", "coordinator passphrase").unwrap();
    key.iter().map(|b| format!("{b:02x}")).collect()
}

fn raw_sql(dir: &Path, sql: &str) {
    let conn = rusqlite::Connection::open(dir.join("fourmi.db")).unwrap();
    conn.execute_batch(&format!("PRAGMA key = \"x'{}'\"; {sql}", key_hex(dir))).unwrap();
}

fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for name in ["fourmi.db", "keyring.json"] {
        std::fs::copy(from.join(name), to.join(name)).unwrap();
    }
}

fn write_fixtures() {
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public().to_string();
    let env = Env::with_recipient(&recipient);
    let form = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("forms/4mi-covid19.toml").display().to_string();
    let answers = env.path("one.json");
    std::fs::write(&answers, BAMAKO).unwrap();
    let mut uuids = Vec::new();
    for _ in 0..3 {
        let out = env.run(&["records", "add", "--form", &form, "--answers", &answers, "--finalize"], "ana");
        uuids.push(stdout(&out).split('\t').next().unwrap().to_string());
    }
    std::fs::write(&answers, r#"{"monitor": "mon01", "mode": "phone", "country": "mali"}"#).unwrap();
    assert!(env.run(&["records", "add", "--form", &form, "--answers", &answers], "ana").status.success());
    assert!(env.run(&["records", "approve", &uuids[0]], "sam").status.success());
    assert!(env.run(&["records", "return", &uuids[1], "--comment", "check the age"], "sam").status.success());
    assert!(env.run(&["records", "withdraw", &uuids[2]], "sam").status.success());
    let out_dir = env.dir.path().join("stick");
    std::fs::create_dir_all(&out_dir).unwrap();
    let out = env.run(&["export", "--yes", "--k", "1", "--to", out_dir.to_str().unwrap()], "chief");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let device = stdout(&env.run(&["device", "pubkey"], "chief"));

    let _ = std::fs::remove_dir_all(fixtures());
    std::fs::create_dir_all(fixtures()).unwrap();
    let batch = std::fs::read_dir(&out_dir).unwrap().next().unwrap().unwrap().path();
    std::fs::copy(&batch, fixtures().join("batch-format-1.batch")).unwrap();
    std::fs::write(fixtures().join("hq-identity.txt"), format!("{}\n", identity.to_string().expose_secret())).unwrap();
    std::fs::write(fixtures().join("device.txt"), device).unwrap();
    copy_folder(&env.data(), &laptop(LATEST_FIXTURE));
    let mut from = laptop(LATEST_FIXTURE);
    for (version, undo) in DOWNGRADES {
        let to = laptop(version - 1);
        copy_folder(&from, &to);
        raw_sql(&to, &format!("{undo} PRAGMA user_version = {};", version - 1));
        from = to;
    }
}

use age::secrecy::ExposeSecret;

#[test]
fn data_folders_of_every_schema_open_upgraded_with_everything_in_them() {
    if std::env::var_os("FOURMI_WRITE_FIXTURES").is_some() {
        write_fixtures();
    }
    for version in 1..=LATEST_FIXTURE {
        let tmp = tempfile::tempdir().unwrap();
        copy_folder(&laptop(version), tmp.path());
        let store =
            Store::open(tmp.path(), "sam", "supervisor passphrase").unwrap_or_else(|e| panic!("schema {version}: {e}"));
        let all = store.records(&RecordFilter { limit: 100, ..RecordFilter::default() }).unwrap();
        let count = |s: Status| all.iter().filter(|r| r.status == s).count();
        assert_eq!(all.len(), 4, "schema {version}: every record");
        assert_eq!(count(Status::Draft), 1, "schema {version}");
        assert_eq!(count(Status::Returned), 1, "schema {version}");
        assert_eq!(count(Status::Withdrawn), 1, "schema {version}");
        assert_eq!(count(Status::Exported), 1, "schema {version}");
        let returned = all.iter().find(|r| r.status == Status::Returned).unwrap();
        assert_eq!(returned.answers["age"], 24);
        assert_eq!(store.comments(&returned.uuid).unwrap()[0].2, "check the age");
        assert_eq!(store.verify_audit().unwrap(), None, "schema {version}: audit trail intact after the upgrade");
        drop(store);
        let ana = Store::open(tmp.path(), "ana", "monitor passphrase 1").unwrap();
        let drafts = ana.records(&RecordFilter { status: vec![Status::Draft], ..RecordFilter::default() }).unwrap();
        assert_eq!(drafts.len(), 1, "schema {version}: the monitor's draft");
        drop(ana);
        // The first coordinator unlock signs the account list and takes the laptop's key out of
        // the database into the coordinator's seal; every role then comes from the list.
        let chief = Store::open(tmp.path(), "chief", "coordinator passphrase").unwrap();
        let line = chief.device_pubkey().unwrap();
        assert!(line.ends_with(&fourmi::store::roster::public_b64(&chief.device_signing_key().unwrap())));
        drop(chief);
        let conn = rusqlite::Connection::open(tmp.path().join("fourmi.db")).unwrap();
        conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", key_hex(tmp.path()))).unwrap();
        let left: i64 = conn.query_row("SELECT length(secret) FROM device_key", [], |r| r.get(0)).unwrap();
        assert_eq!(left, 0, "schema {version}: the laptop's key left the database");
        drop(conn);
        for (name, pass, role) in [
            ("ana", "monitor passphrase 1", fourmi::store::Role::Monitor),
            ("sam", "supervisor passphrase", fourmi::store::Role::Supervisor),
            ("chief", "coordinator passphrase", fourmi::store::Role::Coordinator),
        ] {
            let s = Store::open(tmp.path(), name, pass).unwrap_or_else(|e| panic!("schema {version}, {name}: {e}"));
            assert_eq!(s.session().role, role, "schema {version}: {name}");
            assert_eq!(s.verify_audit().unwrap(), None);
        }
    }
}

#[test]
fn a_database_newer_than_this_fourmi_is_refused_and_left_as_it_is() {
    let tmp = tempfile::tempdir().unwrap();
    copy_folder(&laptop(LATEST_FIXTURE), tmp.path());
    raw_sql(tmp.path(), "PRAGMA user_version = 99;");
    let before = std::fs::read(tmp.path().join("fourmi.db")).unwrap();
    let e = Store::open(tmp.path(), "chief", "coordinator passphrase").unwrap_err();
    assert!(matches!(e, StoreError::NewerDatabase(99)), "{e}");
    assert_eq!(std::fs::read(tmp.path().join("fourmi.db")).unwrap(), before);
}

#[test]
fn a_batch_of_format_1_still_imports_at_headquarters() {
    let hq = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| std::process::Command::new(env!("CARGO_BIN_EXE_fourmi")).args(args).output().unwrap();
    let hq_dir = hq.path().join("hq");
    let hq_dir = hq_dir.to_str().unwrap();
    let identity = fixtures().join("hq-identity.txt");
    let out = run(&["hq", "init", "--data-dir", hq_dir, "--identity", identity.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let line = std::fs::read_to_string(fixtures().join("device.txt")).unwrap();
    let out = run(&["hq", "devices", "add", "--data-dir", hq_dir, line.trim(), "--name", "fixture"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let batch = fixtures().join("batch-format-1.batch");
    let out = run(&["hq", "import", "--data-dir", hq_dir, batch.to_str().unwrap()]);
    assert!(out.status.success(), "{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    let again = run(&["hq", "import", "--data-dir", hq_dir, batch.to_str().unwrap()]);
    assert!(again.status.success(), "importing the same batch twice changes nothing");
}

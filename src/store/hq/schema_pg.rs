//! Headquarters' schema on PostgreSQL: numbered steps, never edited once shipped, as on SQLite
//! (`store::schema`). The first step creates what SQLite's steps 1 to 5 made, in PostgreSQL's
//! types: integers are `bigint`, consents `boolean`, answers and history `jsonb` (the analysts'
//! views read into them). The table `fourmi_schema` says how many steps have run; they run in
//! one transaction, one migrating process at a time.

use super::db::Db;
use crate::store::{Result, StoreError};

const STEPS: &[&str] = &[
    // 1: laptops, imports, form versions, records, withdrawals; the schema the views live in.
    "
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE devices (
        device_id TEXT PRIMARY KEY, public_key TEXT NOT NULL, name TEXT NOT NULL, added_at TEXT NOT NULL,
        format BIGINT NOT NULL DEFAULT 1, roster_version BIGINT NOT NULL DEFAULT 0
    );
    CREATE TABLE imports (
        device_id TEXT NOT NULL REFERENCES devices(device_id), seq BIGINT NOT NULL, digest TEXT NOT NULL,
        file TEXT NOT NULL, imported_at TEXT NOT NULL, counts TEXT NOT NULL, roster_version BIGINT,
        PRIMARY KEY (device_id, seq)
    );
    CREATE TABLE forms (hash TEXT PRIMARY KEY, form_id TEXT NOT NULL, version TEXT NOT NULL, definition TEXT NOT NULL);
    CREATE TABLE records (
        uuid TEXT NOT NULL, form_hash TEXT NOT NULL REFERENCES forms(hash), form_id TEXT NOT NULL,
        form_version TEXT NOT NULL, monitor TEXT NOT NULL, device_id TEXT NOT NULL, started_at TEXT NOT NULL,
        completed_at TEXT, language TEXT NOT NULL, consent_interview BOOLEAN NOT NULL, consent_at TEXT,
        consent_recontact BOOLEAN, status TEXT NOT NULL, revision BIGINT NOT NULL, answers JSONB NOT NULL,
        history JSONB NOT NULL, PRIMARY KEY (device_id, uuid)
    );
    CREATE INDEX records_form ON records(form_id, started_at, uuid);
    CREATE INDEX records_uuid ON records(uuid);
    CREATE TABLE tombstones (
        device_id TEXT NOT NULL DEFAULT '', uuid TEXT NOT NULL, form_id TEXT NOT NULL, withdrawn_at TEXT NOT NULL,
        PRIMARY KEY (device_id, uuid)
    );
    CREATE INDEX tombstones_uuid ON tombstones(uuid);
    CREATE SCHEMA analysis;
    CREATE TABLE analysis.labels (
        view TEXT NOT NULL, col TEXT NOT NULL, value TEXT, language TEXT NOT NULL, label TEXT NOT NULL
    );
    CREATE INDEX labels_view ON analysis.labels(view, col);
    ",
    // 2: the register of flat releases, as on SQLite (see `store::releases`).
    "CREATE TABLE releases (
        id BIGSERIAL PRIMARY KEY, form_id TEXT NOT NULL, at TEXT NOT NULL, options TEXT NOT NULL, records BIGINT NOT NULL
    )",
];

/// Brings the database up to date, one migrating process at a time.
pub(crate) fn migrate(db: &mut Db) -> Result<()> {
    db.write(|db| {
        // A table lock, which an analyst's role (no rights on the table) cannot take to hold
        // headquarters up; the advisory lock only while there is no table yet.
        let exists: bool =
            db.one("SELECT to_regclass('fourmi_schema') IS NOT NULL", &[], |r| r.get(0))?.unwrap_or(false);
        if !exists {
            db.batch("SELECT pg_advisory_xact_lock(4603); CREATE TABLE IF NOT EXISTS fourmi_schema (version BIGINT NOT NULL)")?;
        }
        db.batch("LOCK TABLE fourmi_schema IN SHARE ROW EXCLUSIVE MODE")?;
        let current: i64 =
            db.one("SELECT max(version) FROM fourmi_schema", &[], |r| r.get::<Option<i64>>(0))?.flatten().unwrap_or(0);
        let latest = STEPS.len() as i64;
        if current > latest {
            return Err(StoreError::NewerDatabase(current));
        }
        for step in STEPS.iter().skip(current as usize) {
            db.batch(step)?;
        }
        if current < latest {
            db.exec("DELETE FROM fourmi_schema", &[])?;
            db.exec("INSERT INTO fourmi_schema (version) VALUES (?1)", &[&latest])?;
        }
        Ok(())
    })
}

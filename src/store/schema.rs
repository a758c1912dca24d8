//! Schema migrations: numbered steps that are never edited once shipped. `PRAGMA user_version`
//! says how many have run; all pending steps run in one transaction, so a failed upgrade leaves
//! the database as it was; a database newer than this build is refused.

use rusqlite::Connection;

use super::{Result, StoreError};

/// The migrations, in order. Append only.
const MIGRATIONS: &[&str] = &[
    // 1: the first schema.
    "
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE device_key (id INTEGER PRIMARY KEY CHECK (id = 1), secret BLOB NOT NULL, public TEXT NOT NULL);
    CREATE TABLE accounts (
        name TEXT PRIMARY KEY, role TEXT NOT NULL, created_at TEXT NOT NULL, created_by TEXT,
        disabled INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE recipients (recipient TEXT PRIMARY KEY, added_at TEXT NOT NULL, added_by TEXT NOT NULL);
    CREATE TABLE forms (
        hash TEXT PRIMARY KEY, form_id TEXT NOT NULL, version TEXT NOT NULL, definition TEXT NOT NULL,
        first_seen TEXT NOT NULL
    );
    CREATE TABLE records (
        uuid TEXT PRIMARY KEY,
        form_hash TEXT NOT NULL REFERENCES forms(hash),
        form_id TEXT NOT NULL, form_version TEXT NOT NULL,
        monitor TEXT NOT NULL, device_id TEXT NOT NULL,
        started_at TEXT NOT NULL, updated_at TEXT NOT NULL, completed_at TEXT,
        language TEXT NOT NULL,
        consent_interview INTEGER, consent_at TEXT, consent_recontact INTEGER,
        status TEXT NOT NULL, revision INTEGER NOT NULL DEFAULT 1,
        answers TEXT NOT NULL, position TEXT,
        submitted_answers TEXT
    );
    CREATE INDEX records_status ON records(status, form_id, started_at);
    CREATE INDEX records_monitor ON records(monitor, status);
    CREATE TABLE comments (
        id INTEGER PRIMARY KEY, uuid TEXT NOT NULL REFERENCES records(uuid), author TEXT NOT NULL,
        at TEXT NOT NULL, comment TEXT NOT NULL
    );
    CREATE TABLE corrections (
        id INTEGER PRIMARY KEY, uuid TEXT NOT NULL REFERENCES records(uuid), revision INTEGER NOT NULL,
        field TEXT NOT NULL, old_value TEXT, new_value TEXT, author TEXT NOT NULL, at TEXT NOT NULL
    );
    CREATE INDEX corrections_uuid ON corrections(uuid);
    CREATE TABLE audit (
        seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
        uuid TEXT, detail TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL
    );
    CREATE INDEX audit_uuid ON audit(uuid);
    ",
    // 2: pages of the records table in start order without sorting whole rows.
    "
    CREATE INDEX records_started ON records(started_at, uuid);
    DROP INDEX records_monitor;
    CREATE INDEX records_monitor ON records(monitor, status, started_at, uuid);
    ",
    // 3: the batch ledger: every batch written (or begun and failed), and what it carried.
    "
    CREATE TABLE batches (
        seq INTEGER PRIMARY KEY, state TEXT NOT NULL, created_at TEXT NOT NULL, created_by TEXT NOT NULL,
        file TEXT, digest TEXT, records INTEGER NOT NULL DEFAULT 0, tombstones INTEGER NOT NULL DEFAULT 0,
        reexport_of INTEGER REFERENCES batches(seq), note TEXT
    );
    CREATE TABLE batch_items (
        seq INTEGER NOT NULL REFERENCES batches(seq), uuid TEXT NOT NULL, kind TEXT NOT NULL,
        PRIMARY KEY (seq, uuid)
    );
    CREATE INDEX batch_items_uuid ON batch_items(uuid, kind);
    ",
    // 4: a closed (refused, screened-out) interview keeps its answers here until it can no longer
    // be reopened; `answers` holds only what a closed record keeps.
    "
    ALTER TABLE records ADD COLUMN closed_answers TEXT;
    ",
    // 5: the account list signed with the laptop's key, and the public keys of accounts that made
    // theirs before a coordinator signed them into the list.
    "
    CREATE TABLE roster (id INTEGER PRIMARY KEY CHECK (id = 1), body TEXT NOT NULL, signature TEXT NOT NULL);
    CREATE TABLE pending_keys (name TEXT PRIMARY KEY, key TEXT NOT NULL);
    ",
    // 6: each record's approval, signed by the approving account's own key.
    "
    CREATE TABLE approvals (
        uuid TEXT PRIMARY KEY REFERENCES records(uuid), revision INTEGER NOT NULL, actor TEXT NOT NULL,
        at TEXT NOT NULL, answers_sha256 TEXT NOT NULL, signature TEXT NOT NULL
    );
    ",
    // 7: an account's X25519 recipient waits for a coordinator too (accounts made before the
    // data key was encrypted to each account), with the account's signature over it.
    "ALTER TABLE pending_keys ADD COLUMN recipient TEXT; ALTER TABLE pending_keys ADD COLUMN proof TEXT;",
    // 8: each withdrawal, signed by the withdrawing account's own key.
    "CREATE TABLE withdrawals (uuid TEXT PRIMARY KEY, actor TEXT NOT NULL, at TEXT NOT NULL, signature TEXT NOT NULL);",
    // 9: the search index over what records say (see `search`), filled for older records at
    // the first unlock.
    "CREATE VIRTUAL TABLE records_text USING fts5(uuid UNINDEXED, body, tokenize = 'unicode61 remove_diacritics 2');",
    // 10: the closed interviews whose answers are still kept, found without reading every record
    // of their monitor (each new interview purges them).
    "CREATE INDEX records_closed ON records(monitor, updated_at) WHERE closed_answers IS NOT NULL;",
    // 11: each approval's digest is salted with a secret kept here (an approval without one is
    // made again: its plain digest would let whoever holds a batch guess hidden answers).
    "ALTER TABLE approvals ADD COLUMN salt TEXT;",
    // 12: how each batch was anonymised (k, l, timestamps), so that writing it again gives the
    // very same answers (two versions of one record anonymised differently could be joined).
    "ALTER TABLE batches ADD COLUMN options TEXT;",
    // 13: the register of flat releases (see `releases`): when each form's flat files were
    // written, with which settings, over how many records.
    "CREATE TABLE releases (id INTEGER PRIMARY KEY, form_id TEXT NOT NULL, at TEXT NOT NULL, options TEXT NOT NULL, records INTEGER NOT NULL);",
];

/// The schema version this build writes.
pub fn latest() -> i64 {
    MIGRATIONS.len() as i64
}

/// Headquarters' database: its own numbered steps, by the same rules. The first one creates
/// only what is missing, so databases made before numbering began take it as they are.
const HQ_MIGRATIONS: &[&str] = &[
    // 1: laptops, imports, form versions, records, tombstones.
    "
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS devices (
        device_id TEXT PRIMARY KEY, public_key TEXT NOT NULL, name TEXT NOT NULL, added_at TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS imports (
        device_id TEXT NOT NULL REFERENCES devices(device_id), seq INTEGER NOT NULL, digest TEXT NOT NULL,
        file TEXT NOT NULL, imported_at TEXT NOT NULL, counts TEXT NOT NULL, PRIMARY KEY (device_id, seq)
    );
    CREATE TABLE IF NOT EXISTS forms (
        hash TEXT PRIMARY KEY, form_id TEXT NOT NULL, version TEXT NOT NULL, definition TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS records (
        uuid TEXT PRIMARY KEY, form_hash TEXT NOT NULL REFERENCES forms(hash), form_id TEXT NOT NULL,
        form_version TEXT NOT NULL, monitor TEXT NOT NULL, device_id TEXT NOT NULL, started_at TEXT NOT NULL,
        completed_at TEXT, language TEXT NOT NULL, consent_interview INTEGER NOT NULL, consent_at TEXT,
        consent_recontact INTEGER, status TEXT NOT NULL, revision INTEGER NOT NULL, answers TEXT NOT NULL,
        history TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS records_form ON records(form_id, started_at, uuid);
    CREATE TABLE IF NOT EXISTS tombstones (
        uuid TEXT PRIMARY KEY, form_id TEXT NOT NULL, withdrawn_at TEXT NOT NULL
    );
    ",
    // 2: a withdrawal belongs to the laptop that sent it and applies to that laptop's records only
    // (older ones, whose laptop was not kept, have '' and apply to any).
    "
    CREATE TABLE tombstones_by_laptop (
        device_id TEXT NOT NULL DEFAULT '', uuid TEXT NOT NULL, form_id TEXT NOT NULL, withdrawn_at TEXT NOT NULL,
        PRIMARY KEY (device_id, uuid)
    );
    INSERT INTO tombstones_by_laptop (device_id, uuid, form_id, withdrawn_at)
        SELECT '', uuid, form_id, withdrawn_at FROM tombstones;
    DROP TABLE tombstones;
    ALTER TABLE tombstones_by_laptop RENAME TO tombstones;
    CREATE INDEX records_device ON records(device_id, uuid);
    ",
    // 3: the newest batch format each laptop has sent: once it sends signed approvals (2), a
    // batch without them (1) is refused from it.
    "ALTER TABLE devices ADD COLUMN format INTEGER NOT NULL DEFAULT 1;",
    // 4: a record is keyed by its laptop and its id (another laptop using the same id neither
    // replaces it nor blocks it), and each laptop's newest signed account list is remembered
    // (an older one is a rollback).
    "
    CREATE TABLE records_by_laptop (
        uuid TEXT NOT NULL, form_hash TEXT NOT NULL REFERENCES forms(hash), form_id TEXT NOT NULL,
        form_version TEXT NOT NULL, monitor TEXT NOT NULL, device_id TEXT NOT NULL, started_at TEXT NOT NULL,
        completed_at TEXT, language TEXT NOT NULL, consent_interview INTEGER NOT NULL, consent_at TEXT,
        consent_recontact INTEGER, status TEXT NOT NULL, revision INTEGER NOT NULL, answers TEXT NOT NULL,
        history TEXT NOT NULL, PRIMARY KEY (device_id, uuid)
    );
    INSERT INTO records_by_laptop SELECT uuid, form_hash, form_id, form_version, monitor, device_id, started_at,
        completed_at, language, consent_interview, consent_at, consent_recontact, status, revision, answers, history
        FROM records;
    DROP TABLE records;
    ALTER TABLE records_by_laptop RENAME TO records;
    CREATE INDEX records_form ON records(form_id, started_at, uuid);
    ALTER TABLE devices ADD COLUMN roster_version INTEGER NOT NULL DEFAULT 0;
    ",
    // 5: the version of the account list each imported batch carried (batches of a laptop carry
    // lists that never get older as their numbers grow).
    "ALTER TABLE imports ADD COLUMN roster_version INTEGER;",
    // 6: the labels of the analysts' views (see `hq::views`).
    "CREATE TABLE labels (view TEXT NOT NULL, col TEXT NOT NULL, value TEXT, language TEXT NOT NULL, label TEXT NOT NULL);
     CREATE INDEX labels_view ON labels(view, col);",
    // 7: a record's id across laptops (each import asks whether another laptop has it: without
    // this, every record of a batch read the whole table).
    "CREATE INDEX records_uuid ON records(uuid);",
    // 8: the register of flat releases, as on a laptop (see `store::releases`).
    "CREATE TABLE releases (id INTEGER PRIMARY KEY, form_id TEXT NOT NULL, at TEXT NOT NULL, options TEXT NOT NULL, records INTEGER NOT NULL);",
];

/// Brings headquarters' database up to date.
pub fn migrate_hq(conn: &mut Connection) -> Result<()> {
    run(conn, HQ_MIGRATIONS)
}

/// How many migrations have run on `conn`.
pub fn version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Brings the database up to date.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    run(conn, MIGRATIONS)
}

fn run(conn: &mut Connection, steps: &[&str]) -> Result<()> {
    let current = version(conn)?;
    let latest = steps.len() as i64;
    if current > latest {
        return Err(StoreError::NewerDatabase(current));
    }
    if current == latest {
        return Ok(());
    }
    let tx = conn.transaction()?;
    for (i, step) in steps.iter().enumerate().skip(current as usize) {
        tx.execute_batch(step)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
    }
    tx.commit()?;
    Ok(())
}

//! Merging one checked batch, inside the transaction [`super::Hq::merge`] opened, with the
//! other writers waiting. The records go in one at a time on SQLite (in-process lookups cost
//! little), and on PostgreSQL by `COPY` into a temporary table and then one statement for all of
//! them (one round trip per row would take far longer than the data); the rules are the same:
//!
//! - a record belongs to the laptop that made it: it is kept under that laptop and its id, so
//!   only that laptop's batches revise it or withdraw it; a record of another laptop with the
//!   same id is that laptop's own (and counted, as a sign that one of the two laptops is rogue or
//!   was restored from another's copy);
//! - a record is kept at its highest revision;
//! - only the sending laptop's own withdrawals (or old ones, whose laptop was not kept, `''`)
//!   apply: another laptop cannot claim a record by withdrawing it first; a withdrawal stays.

use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::{Json, Type};

use super::db::Db;
use super::{Counts, Incoming};
use crate::store::{Result, StoreError, now};

/// The import being merged.
pub(super) struct Import<'a> {
    pub device_id: &'a str,
    pub seq: i64,
    pub format: i64,
    pub roster_version: Option<i64>,
    pub digest: &'a str,
    pub file: &'a str,
}

pub(super) fn merge(db: &mut Db, import: &Import, batch: &Incoming) -> Result<Counts> {
    db.lock_writers()?;
    // Checked before the batch was decrypted, and again now that no one else writes.
    let had: Option<String> = db.one(
        "SELECT digest FROM imports WHERE device_id = ?1 AND seq = ?2",
        &[&import.device_id, &import.seq],
        |r| r.get(0),
    )?;
    if had.as_deref().is_some_and(|d| d != import.digest) {
        return Err(StoreError::Invalid(format!(
            "another batch number {} of this laptop was imported meanwhile; nothing of this one was imported",
            import.seq
        )));
    }
    for (hash, definition) in &batch.forms {
        let (id, version) = batch
            .records
            .iter()
            .find(|r| &r.form_hash == hash)
            .map(|r| (r.form_id.as_str(), r.form_version.as_str()))
            .unwrap_or(("", ""));
        db.exec(
            "INSERT INTO forms (hash, form_id, version, definition) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
            &[hash, &id, &version, definition],
        )?;
    }
    let mut counts = match db {
        Db::Lite(_) => records_one_by_one(db, import.device_id, batch)?,
        Db::Pg(_) => records_at_once(db, import.device_id, batch)?,
    };
    for t in &batch.tombstones {
        db.exec(
            "INSERT INTO tombstones (uuid, form_id, withdrawn_at, device_id) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
            &[&t.uuid, &t.form_id, &t.withdrawn_at, &import.device_id],
        )?;
        counts.deleted +=
            db.exec("DELETE FROM records WHERE uuid = ?1 AND device_id = ?2", &[&t.uuid, &import.device_id])? as usize;
    }
    let counts_json = serde_json::to_string(&counts).unwrap_or_default();
    db.exec(
        "INSERT INTO imports (device_id, seq, digest, file, imported_at, counts, roster_version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
        &[&import.device_id, &import.seq, &import.digest, &import.file, &now(), &counts_json, &import.roster_version],
    )?;
    db.exec(
        "UPDATE devices SET format = ?2 WHERE device_id = ?1 AND format < ?2",
        &[&import.device_id, &import.format],
    )?;
    if let Some(v) = import.roster_version {
        db.exec(
            "UPDATE devices SET roster_version = ?2 WHERE device_id = ?1 AND roster_version < ?2",
            &[&import.device_id, &v],
        )?;
    }
    Ok(counts)
}

fn records_one_by_one(db: &mut Db, device_id: &str, batch: &Incoming) -> Result<Counts> {
    let mut counts = Counts::default();
    for r in &batch.records {
        if db.exists("SELECT 1 FROM tombstones WHERE uuid = ?1 AND device_id IN (?2, '')", &[&r.uuid, &device_id])? {
            counts.unchanged += 1;
            continue;
        }
        if db.exists("SELECT 1 FROM records WHERE uuid = ?1 AND device_id <> ?2", &[&r.uuid, &device_id])? {
            counts.shared_ids += 1;
        }
        let have: Option<i64> =
            db.one("SELECT revision FROM records WHERE device_id = ?1 AND uuid = ?2", &[&device_id, &r.uuid], |x| {
                x.get(0)
            })?;
        match have {
            Some(rev) if rev >= r.revision => {
                counts.unchanged += 1;
                continue;
            }
            Some(_) => counts.updated += 1,
            None => counts.imported += 1,
        }
        let history = serde_json::to_string(&r.history).unwrap_or_else(|_| "[]".into());
        let answers = serde_json::to_string(&r.answers).unwrap_or_else(|_| "{}".into());
        db.exec(
            "INSERT OR REPLACE INTO records (uuid, form_hash, form_id, form_version, monitor, device_id, started_at,
             completed_at, language, consent_interview, consent_at, consent_recontact, status, revision, answers, history)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
            &[
                &r.uuid,
                &r.form_hash,
                &r.form_id,
                &r.form_version,
                &r.monitor,
                &r.device_id,
                &r.started_at,
                &r.completed_at,
                &r.language,
                &r.consent_interview,
                &r.consent_at,
                &r.consent_recontact,
                &r.status,
                &r.revision,
                &answers,
                &history,
            ],
        )?;
    }
    Ok(counts)
}

const COLUMNS: &str = "uuid, form_hash, form_id, form_version, monitor, device_id, started_at, completed_at, language,
    consent_interview, consent_at, consent_recontact, status, revision, answers, history";

fn records_at_once(db: &mut Db, device_id: &str, batch: &Incoming) -> Result<Counts> {
    let Db::Pg(pg) = db else { return Err(StoreError::Db("a PostgreSQL merge on another database".into())) };
    pg.client.batch_execute(
        "CREATE TEMPORARY TABLE incoming (LIKE records INCLUDING DEFAULTS) ON COMMIT DROP;
         ALTER TABLE incoming ADD PRIMARY KEY (device_id, uuid)",
    )?;
    {
        let sink = pg.client.copy_in(&format!("COPY incoming ({COLUMNS}) FROM STDIN (FORMAT binary)"))?;
        let (t, b, i, j) = (Type::TEXT, Type::BOOL, Type::INT8, Type::JSONB);
        let types = [
            t.clone(),
            t.clone(),
            t.clone(),
            t.clone(),
            t.clone(),
            t.clone(),
            t.clone(),
            t.clone(),
            t.clone(),
            b.clone(),
            t.clone(),
            b,
            t,
            i,
            j.clone(),
            j,
        ];
        let mut w = BinaryCopyInWriter::new(sink, &types);
        for r in &batch.records {
            w.write(&[
                &r.uuid,
                &r.form_hash,
                &r.form_id,
                &r.form_version,
                &r.monitor,
                &r.device_id,
                &r.started_at,
                &r.completed_at,
                &r.language,
                &r.consent_interview,
                &r.consent_at,
                &r.consent_recontact,
                &r.status,
                &r.revision,
                &Json(&r.answers),
                &Json(&r.history),
            ])?;
        }
        w.finish()?;
    }
    let gone = "EXISTS (SELECT 1 FROM tombstones t WHERE t.uuid = i.uuid AND t.device_id IN ($1, ''))";
    let row = pg.client.query_one(
        &format!(
            "SELECT count(*) FILTER (WHERE {gone}),
                    count(*) FILTER (WHERE NOT {gone} AND r.revision IS NULL),
                    count(*) FILTER (WHERE NOT {gone} AND r.revision < i.revision),
                    count(*) FILTER (WHERE NOT {gone} AND r.revision >= i.revision),
                    count(*) FILTER (WHERE NOT {gone} AND EXISTS
                        (SELECT 1 FROM records o WHERE o.uuid = i.uuid AND o.device_id <> $1))
             FROM incoming i LEFT JOIN records r ON r.device_id = $1 AND r.uuid = i.uuid"
        ),
        &[&device_id],
    )?;
    let n = |k: usize| -> Result<usize> { Ok(row.try_get::<_, i64>(k)?.max(0) as usize) };
    let counts = Counts { imported: n(1)?, updated: n(2)?, unchanged: n(0)? + n(3)?, deleted: 0, shared_ids: n(4)? };
    let set: Vec<String> = COLUMNS
        .split(',')
        .map(str::trim)
        .filter(|c| !matches!(*c, "uuid" | "device_id"))
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    pg.client.execute(
        &format!(
            "INSERT INTO records ({COLUMNS}) SELECT {COLUMNS} FROM incoming i WHERE NOT {gone}
             ON CONFLICT (device_id, uuid) DO UPDATE SET {} WHERE records.revision < excluded.revision",
            set.join(", ")
        ),
        &[&device_id],
    )?;
    pg.client.batch_execute("DROP TABLE incoming")?;
    Ok(counts)
}

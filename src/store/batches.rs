//! The batch ledger (coordinators): what the next batch carries, the sequence number each batch
//! gets, and, once its file is written, the records it carried (which become `exported`).
//!
//! A batch is begun (its sequence number is taken, state `writing`), then either finished
//! (state `written`, its items listed, its records exported, in one transaction) or failed
//! (state `failed`, with the reason): a number is never given twice, so headquarters can tell a
//! batch that never existed from one that went missing.

use std::path::PathBuf;

use rusqlite::{Connection, params};

use super::audit::{Chain, append};
use super::now;
use super::queries::filter_sql;
use super::records::{COLUMNS, row_to_record};
use super::{RecordFilter, RecordRow, Result, Role, Session, Status, Store, StoreError};

/// One status change of a record, as the audit trail has it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StatusChange {
    /// The new status.
    pub status: String,
    /// When.
    pub at: String,
    /// The account.
    pub by: String,
}

/// A record to export, with its status history.
#[derive(Debug, Clone)]
pub struct ExportRecord {
    /// The record.
    pub row: RecordRow,
    /// Its status changes, oldest first.
    pub history: Vec<StatusChange>,
    /// Its signed approval (batches carry it; the laptop's own flat files do not need it).
    pub approval: Option<super::approvals::Approval>,
}

/// A record withdrawn after an earlier batch carried it: headquarters must delete its copy.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Tombstone {
    /// The record.
    pub uuid: String,
    /// Its form.
    pub form_id: String,
    /// When it was withdrawn.
    pub withdrawn_at: String,
    /// The withdrawal, signed by the withdrawing account (format 2 on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawal: Option<super::approvals::Withdrawal>,
}

/// What a batch carries, read from the store.
#[derive(Debug, Clone, Default)]
pub struct ExportSet {
    /// The records.
    pub records: Vec<ExportRecord>,
    /// The withdrawals.
    pub tombstones: Vec<Tombstone>,
    /// The form versions the records were filled with: (hash, definition).
    pub forms: Vec<(String, String)>,
    /// Approved records left out because their interview consent is not recorded.
    pub without_consent: i64,
    /// Approved records left out because their approval does not verify (approved before
    /// approvals were signed, or changed since): a supervisor approves them again.
    pub unapproved: Vec<String>,
    /// The laptop's signed account list (its JSON and the laptop's signature), which names who
    /// signed each approval: headquarters checks the approvals against it.
    pub accounts: Option<(String, String)>,
    /// Withdrawals left out because they are not signed by a supervisor or coordinator of the
    /// signed list (withdrawn before withdrawals were signed): withdrawn again, they go.
    pub unsigned_withdrawals: Vec<String>,
}

/// Which records a batch carries.
#[derive(Debug, Clone)]
pub enum Selection {
    /// What no earlier batch carried: approved records with interview consent matching the
    /// filter (its statuses are ignored), and withdrawals of records an earlier batch carried.
    Next(RecordFilter),
    /// What the batch with this sequence number carried, again (records withdrawn since then
    /// go as withdrawals).
    Again(i64),
    /// Every approved or exported record with interview consent matching the filter (its
    /// statuses are ignored), for the laptop's own flat files; no withdrawals.
    Reviewed(RecordFilter),
}

/// A batch in the ledger.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BatchRow {
    /// Its sequence number on this laptop (1, 2, ...).
    pub seq: i64,
    /// `writing`, `written` or `failed`.
    pub state: String,
    /// When it was begun.
    pub created_at: String,
    /// The coordinator.
    pub created_by: String,
    /// The file written.
    pub file: Option<String>,
    /// SHA-256 of the file.
    pub digest: Option<String>,
    /// Records carried.
    pub records: i64,
    /// Withdrawals carried.
    pub tombstones: i64,
    /// The batch it repeats, for a re-export.
    pub reexport_of: Option<i64>,
    /// Why it failed.
    pub note: Option<String>,
    /// How it was anonymised (`k=5 l=1 coarsen=none`), when recorded.
    pub options: Option<String>,
}

fn require_coordinator(session: &Session) -> Result<()> {
    if session.role == Role::Coordinator { Ok(()) } else { Err(StoreError::forbidden("forbid-export")) }
}

/// Reads what `selection` carries.
pub(super) fn export_set(conn: &Connection, session: &Session, selection: &Selection) -> Result<ExportSet> {
    require_coordinator(session)?;
    let mut set = ExportSet::default();
    match selection {
        Selection::Next(filter) | Selection::Reviewed(filter) => {
            let statuses = match selection {
                Selection::Next(_) => vec![Status::Approved],
                _ => vec![Status::Approved, Status::Exported],
            };
            let filter = RecordFilter { status: statuses, limit: 0, offset: 0, ..filter.clone() };
            if let Some((clause, args)) = filter_sql(session, &filter)? {
                let sql = format!(
                    "SELECT {COLUMNS} FROM records{clause} AND consent_interview = 1 ORDER BY started_at, uuid"
                );
                let mut stmt = conn.prepare(&sql)?;
                let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), row_to_record)?;
                for row in rows {
                    set.records.push(ExportRecord { row: row?, history: Vec::new(), approval: None });
                }
                let sql = format!("SELECT count(*) FROM records{clause} AND consent_interview IS NOT 1");
                set.without_consent = conn.query_row(&sql, rusqlite::params_from_iter(args.iter()), |r| r.get(0))?;
            }
            if matches!(selection, Selection::Reviewed(_)) {
                return finish(conn, set);
            }
            set.tombstones = tombstones(
                conn,
                "uuid IN (SELECT i.uuid FROM batch_items i JOIN batches b USING (seq) WHERE i.kind = 'record' AND b.state = 'written')
                 AND uuid NOT IN (SELECT uuid FROM batch_items WHERE kind = 'tombstone')",
                params![],
            )?;
        }
        Selection::Again(seq) => {
            let state: Option<String> = conn
                .query_row("SELECT state FROM batches WHERE seq = ?1", [seq], |r| r.get(0))
                .map(Some)
                .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(None) } else { Err(e) })?;
            if state.as_deref() != Some("written") {
                return Err(StoreError::not_found("err-no-written-batch", seq.to_string()));
            }
            // Written again, a batch's records are anonymised again, as a set: the same records
            // give the same answers, but if some were withdrawn, reopened or sent again changed
            // since, the others could come out hidden differently, and the two files together
            // would undo the protection. Such a batch is not written again.
            let changed: i64 = conn.query_row(
                "SELECT count(*) FROM batch_items i WHERE i.seq = ?1 AND i.kind = 'record' AND (
                     NOT EXISTS (SELECT 1 FROM records r WHERE r.uuid = i.uuid AND r.status = 'exported')
                     OR EXISTS (SELECT 1 FROM batch_items j JOIN batches b ON b.seq = j.seq
                                WHERE j.uuid = i.uuid AND j.kind = 'record' AND j.seq > i.seq
                                  AND b.state = 'written' AND b.reexport_of IS NULL))",
                [seq],
                |r| r.get(0),
            )?;
            if changed > 0 {
                return Err(StoreError::said(
                    "err-reexport-changed",
                    &[("seq", seq.to_string()), ("n", changed.to_string())],
                ));
            }
            let sql = format!(
                "SELECT {COLUMNS} FROM records WHERE status = 'exported' AND uuid IN
                 (SELECT uuid FROM batch_items WHERE seq = ?1 AND kind = 'record') ORDER BY started_at, uuid"
            );
            let mut stmt = conn.prepare(&sql)?;
            for row in stmt.query_map([seq], row_to_record)? {
                set.records.push(ExportRecord { row: row?, history: Vec::new(), approval: None });
            }
            set.tombstones = tombstones(conn, "uuid IN (SELECT uuid FROM batch_items WHERE seq = ?1)", params![seq])?;
        }
    }
    // Only what a supervisor or coordinator of the signed list approved, as it was approved.
    if !matches!(selection, Selection::Reviewed(_)) {
        let rows: Vec<RecordRow> = set.records.iter().map(|r| r.row.clone()).collect();
        let bad = super::approvals::unverified(conn, &rows)?;
        set.records.retain(|r| !bad.contains(&r.row.uuid));
        set.unapproved = bad;
        // Only withdrawals a supervisor or coordinator of the signed list signed.
        let list = super::approvals::signed_list(conn)?;
        let device = super::approvals::device_id(conn)?;
        for t in &mut set.tombstones {
            t.withdrawal = super::approvals::load_withdrawal(conn, &t.uuid)?;
        }
        let (signed, unsigned): (Vec<Tombstone>, Vec<Tombstone>) = set
            .tombstones
            .drain(..)
            .partition(|t| matches!((&t.withdrawal, &list), (Some(w), Some(l)) if w.verifies(l, &device, &t.uuid)));
        set.tombstones = signed;
        set.unsigned_withdrawals = unsigned.into_iter().map(|t| t.uuid).collect();
        for rec in &mut set.records {
            rec.approval = super::approvals::load(conn, &rec.row.uuid)?;
        }
        set.accounts = super::roster::load(conn)?;
    }
    finish(conn, set)
}

/// Adds the records' status histories and form versions.
fn finish(conn: &Connection, mut set: ExportSet) -> Result<ExportSet> {
    let mut history = conn.prepare_cached(
        "SELECT action, at, actor FROM audit WHERE uuid = ?1 AND action LIKE 'status %' ORDER BY seq",
    )?;
    for rec in &mut set.records {
        let rows = history.query_map([&rec.row.uuid], |r| {
            let action: String = r.get(0)?;
            Ok(StatusChange { status: action.trim_start_matches("status ").to_string(), at: r.get(1)?, by: r.get(2)? })
        })?;
        rec.history = rows.collect::<std::result::Result<_, _>>()?;
    }
    let mut hashes: Vec<&str> = set.records.iter().map(|r| r.row.form_hash.as_str()).collect();
    hashes.sort_unstable();
    hashes.dedup();
    let mut def = conn.prepare_cached("SELECT definition FROM forms WHERE hash = ?1")?;
    for h in hashes {
        let d: String = def.query_row([h], |r| r.get(0))?;
        set.forms.push((h.to_string(), d));
    }
    Ok(set)
}

fn tombstones(conn: &Connection, clause: &str, args: impl rusqlite::Params) -> Result<Vec<Tombstone>> {
    let sql =
        format!("SELECT uuid, form_id, updated_at FROM records WHERE status = 'withdrawn' AND {clause} ORDER BY uuid");
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(args, |r| {
        Ok(Tombstone { uuid: r.get(0)?, form_id: r.get(1)?, withdrawn_at: r.get(2)?, withdrawal: None })
    })?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

/// Why a batch still `writing` at the next opening failed.
const INTERRUPTED: &str = "interrupted: fourmi or the laptop stopped while this batch was being written; its records were not marked exported and go in the next batch";

impl Store {
    /// What `selection` carries (coordinators).
    pub fn export_set(&self, selection: &Selection) -> Result<ExportSet> {
        export_set(&self.conn, &self.session, selection)
    }

    /// Takes the next batch number (coordinators): the batch is `writing` until finished or
    /// failed, into the file `file(seq)`.
    pub fn begin_batch(
        &mut self,
        reexport_of: Option<i64>,
        options: &str,
        file: &dyn Fn(i64) -> PathBuf,
    ) -> Result<i64> {
        require_coordinator(&self.session)?;
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO batches (state, created_at, created_by, reexport_of, options) VALUES ('writing', ?1, ?2, ?3, ?4)",
            params![now(), self.session.account, reexport_of, options],
        )?;
        let seq = tx.last_insert_rowid();
        tx.execute("UPDATE batches SET file = ?2 WHERE seq = ?1", params![seq, file(seq).to_string_lossy()])?;
        tx.commit()?;
        Ok(seq)
    }

    /// Batches still `writing` when the store opens were cut short (the data folder's lock
    /// says no other fourmi is writing one): each is marked failed with the reason, and its
    /// temporary file removed. Its records were not marked exported.
    pub(super) fn recover_batches(&mut self) -> Result<()> {
        let stale: Vec<(i64, Option<String>)> = self
            .conn
            .prepare("SELECT seq, file FROM batches WHERE state = 'writing'")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (seq, file) in stale {
            let mut note = INTERRUPTED.to_string();
            if let Some(f) = &file {
                let path = PathBuf::from(f);
                let tmp = path.with_extension("tmp");
                if tmp.exists() {
                    let _ = std::fs::remove_file(&tmp);
                }
                // Cut after the file got its name but before the ledger knew: its records were
                // not marked exported and go in the next batch, so this file must not be sent.
                if path.exists() {
                    let failed = PathBuf::from(format!("{f}.failed"));
                    if std::fs::rename(&path, &failed).is_ok() {
                        note = format!("{INTERRUPTED}; its file was renamed {}: do not send it", failed.display());
                    }
                }
            }
            let tx = self.conn.transaction()?;
            tx.execute(
                "UPDATE batches SET state = 'failed', note = ?2 WHERE seq = ?1 AND state = 'writing'",
                params![seq, note],
            )?;
            append(
                &tx,
                &now(),
                &self.session.account,
                "batch failed",
                None,
                &serde_json::json!({"batch": seq, "interrupted": true}),
            )?;
            tx.commit()?;
        }
        Ok(())
    }

    /// Records a written batch, in one transaction: its file and digest, what it carried, and
    /// its approved records become `exported`.
    pub fn finish_batch(
        &mut self,
        seq: i64,
        file: &str,
        digest: &str,
        records: &[String],
        tombstones: &[String],
    ) -> Result<()> {
        require_coordinator(&self.session)?;
        let at = now();
        let account = self.session.account.clone();
        let tx = self.conn.transaction()?;
        let n = tx.execute(
            "UPDATE batches SET state = 'written', file = ?2, digest = ?3, records = ?4, tombstones = ?5 WHERE seq = ?1 AND state = 'writing'",
            params![seq, file, digest, records.len() as i64, tombstones.len() as i64],
        )?;
        if n != 1 {
            return Err(StoreError::not_found("err-no-batch-being-written", seq.to_string()));
        }
        {
            let mut item =
                tx.prepare_cached("INSERT OR IGNORE INTO batch_items (seq, uuid, kind) VALUES (?1, ?2, ?3)")?;
            let mut export = tx.prepare_cached(
                "UPDATE records SET status = 'exported', updated_at = ?2 WHERE uuid = ?1 AND status = 'approved'",
            )?;
            let mut chain = Chain::open(&tx)?;
            let detail = serde_json::json!({"from": "approved", "batch": seq});
            for uuid in records {
                item.execute(params![seq, uuid, "record"])?;
                if export.execute(params![uuid, at])? == 1 {
                    chain.push(&tx, &at, &account, "status exported", Some(uuid), &detail)?;
                }
            }
            chain.close(&tx)?;
            for uuid in tombstones {
                item.execute(params![seq, uuid, "tombstone"])?;
            }
        }
        let detail = serde_json::json!({"batch": seq, "records": records.len(), "tombstones": tombstones.len()});
        append(&tx, &at, &account, "batch written", None, &detail)?;
        tx.commit()?;
        Ok(())
    }

    /// Records that a begun batch was not written, and why (its number is not used again).
    pub fn fail_batch(&mut self, seq: i64, why: &str) -> Result<()> {
        require_coordinator(&self.session)?;
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE batches SET state = 'failed', note = ?2 WHERE seq = ?1 AND state = 'writing'",
            params![seq, why],
        )?;
        append(&tx, &now(), &self.session.account, "batch failed", None, &serde_json::json!({"batch": seq}))?;
        tx.commit()?;
        Ok(())
    }

    /// How batch `seq` was anonymised, as [`Store::begin_batch`] recorded it (`None` for a batch
    /// written before this was recorded).
    pub fn batch_options(&self, seq: i64) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT options FROM batches WHERE seq = ?1", [seq], |r| r.get::<_, Option<String>>(0))
            .map(Some)
            .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(None) } else { Err(e) })?
            .flatten())
    }

    /// The ledger, newest first.
    pub fn batches(&self) -> Result<Vec<BatchRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, state, created_at, created_by, file, digest, records, tombstones, reexport_of, note, options FROM batches ORDER BY seq DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(BatchRow {
                seq: r.get(0)?,
                state: r.get(1)?,
                created_at: r.get(2)?,
                created_by: r.get(3)?,
                file: r.get(4)?,
                digest: r.get(5)?,
                records: r.get(6)?,
                tombstones: r.get(7)?,
                reexport_of: r.get(8)?,
                note: r.get(9)?,
                options: r.get(10)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }
}

impl super::Reader {
    /// What `selection` carries, read on this connection's thread.
    pub fn export_set(&self, selection: &Selection) -> Result<ExportSet> {
        export_set(&self.conn, &self.session, selection)
    }
}

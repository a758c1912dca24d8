//! Records: one interview each, with its form version, metadata, consent flags, status, revision
//! and answers; autosave; the status lifecycle; review comments and correction history.
//!
//! ```text
//! draft -> completed -> approved -> exported
//! completed -> returned (comment) -> draft
//! draft -> refused | screened_out      (closed when the monitor confirms; reopenable until purged)
//! refused | screened_out -> draft      (reopened by its monitor before the answers are purged)
//! any -> withdrawn                     (answers purged, tombstone kept)
//! ```

use rusqlite::{OptionalExtension, Row, params};
use serde_json::{Map, Value as J};
use sha2::{Digest, Sha256};

use crate::interview::{AuditEvent, Interview, Outcome, Screen};

use super::audit::append;
use super::now;
use super::{Result, Role, Store, StoreError};

/// A record's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Being filled.
    Draft,
    /// Finalised by the monitor, awaiting review.
    Completed,
    /// Sent back by a supervisor with a comment.
    Returned,
    /// Approved: ready to export.
    Approved,
    /// Carried by a batch.
    Exported,
    /// The respondent withdrew consent: answers purged, tombstone kept.
    Withdrawn,
    /// Consent refused: closed, no answers.
    Refused,
    /// Not eligible: closed, no answers.
    ScreenedOut,
}

impl Status {
    /// All statuses.
    pub const ALL: [Status; 8] = [
        Status::Draft,
        Status::Completed,
        Status::Returned,
        Status::Approved,
        Status::Exported,
        Status::Withdrawn,
        Status::Refused,
        Status::ScreenedOut,
    ];

    /// Its name as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Completed => "completed",
            Status::Returned => "returned",
            Status::Approved => "approved",
            Status::Exported => "exported",
            Status::Withdrawn => "withdrawn",
            Status::Refused => "refused",
            Status::ScreenedOut => "screened_out",
        }
    }

    /// The status named `s`.
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Whether the lifecycle allows going from `self` to `to`.
    pub fn can_become(self, to: Status) -> bool {
        use Status::*;
        matches!(
            (self, to),
            (Draft, Completed | Refused | ScreenedOut)
                | (Completed, Approved | Returned)
                | (Returned, Draft)
                | (Approved, Exported)
        ) || (to == Withdrawn && self != Withdrawn)
    }
}

/// A record as stored.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RecordRow {
    /// UUID v7.
    pub uuid: String,
    /// Form id.
    pub form_id: String,
    /// Form version.
    pub form_version: String,
    /// Hash of the form definition it was filled with.
    pub form_hash: String,
    /// The monitor's account.
    pub monitor: String,
    /// The device.
    pub device_id: String,
    /// When the interview started.
    pub started_at: String,
    /// Last change.
    pub updated_at: String,
    /// Last completion.
    pub completed_at: Option<String>,
    /// Interview language.
    pub language: String,
    /// Interview consent: yes (true), no (false), not asked yet (None).
    pub consent_interview: Option<bool>,
    /// When consent was recorded.
    pub consent_at: Option<String>,
    /// Consent to be contacted again, if the form asks it.
    pub consent_recontact: Option<bool>,
    /// Status.
    pub status: Status,
    /// Revision: 1, then one more for each correction after a return.
    pub revision: i64,
    /// The answers (see [`Interview::answers_json`]).
    pub answers: J,
    /// Where the monitor was (for resuming).
    #[serde(skip)]
    pub position: Option<Screen>,
    /// A closed interview whose monitor can still reopen it (its answers are not purged yet).
    #[serde(skip)]
    pub reopenable: bool,
}

pub(super) const COLUMNS: &str = "uuid, form_id, form_version, form_hash, monitor, device_id, started_at, updated_at, completed_at, language, consent_interview, consent_at, consent_recontact, status, revision, answers, position, closed_answers IS NOT NULL";

pub(super) fn row_to_record(r: &Row) -> rusqlite::Result<RecordRow> {
    let status: String = r.get(13)?;
    let answers: String = r.get(15)?;
    let position: Option<String> = r.get(16)?;
    Ok(RecordRow {
        uuid: r.get(0)?,
        form_id: r.get(1)?,
        form_version: r.get(2)?,
        form_hash: r.get(3)?,
        monitor: r.get(4)?,
        device_id: r.get(5)?,
        started_at: r.get(6)?,
        updated_at: r.get(7)?,
        completed_at: r.get(8)?,
        language: r.get(9)?,
        consent_interview: r.get(10)?,
        consent_at: r.get(11)?,
        consent_recontact: r.get(12)?,
        status: Status::parse(&status).unwrap_or(Status::Draft),
        revision: r.get(14)?,
        answers: serde_json::from_str(&answers).unwrap_or(J::Object(Map::new())),
        position: position.and_then(|p| serde_json::from_str(&p).ok()),
        reopenable: r.get(17)?,
    })
}

/// Writes an interview's audit events (ODK's names, no answers) into the record's trail.
fn write_events(tx: &rusqlite::Connection, actor: &str, uuid: &str, events: &[AuditEvent]) -> Result<()> {
    for e in events {
        let at = crate::expr::format_datetime(&e.at);
        append(tx, &at, actor, &e.event, Some(uuid), &serde_json::json!({"node": e.node, "elapsed_ms": e.elapsed_ms}))?;
    }
    Ok(())
}

/// What a save writes of an interview: its answers as JSON text, its position, and the consent
/// flags the answers give.
struct Snapshot {
    /// What the record holds (for a closed interview, only what a closed record keeps).
    answers: String,
    /// A closed interview's answers, kept until it can no longer be reopened.
    closed: Option<String>,
    position: Option<String>,
    consent: Option<bool>,
    recontact: Option<bool>,
    /// What the record says, for the search index (nothing for a closed interview).
    words: String,
}

impl Snapshot {
    fn of(iv: &Interview) -> Snapshot {
        let answers = iv.answers_json();
        let (kept, closed) = if iv.is_closed() {
            // Kept whole, even when purging would remove nothing: reopening is what matters.
            let kept = iv.purged_answers_json();
            let closed = (!iv.is_purged()).then(|| J::Object(answers).to_string());
            (kept, closed)
        } else {
            (answers, None)
        };
        let words = if iv.is_closed() { String::new() } else { iv.form().answer_text(&kept) };
        Snapshot {
            words,
            consent: consent_from(iv, &kept),
            recontact: recontact_from(iv, &kept),
            answers: J::Object(kept).to_string(),
            closed,
            position: serde_json::to_string(&iv.current()).ok(),
        }
    }
}

/// The consent flag in already computed answers.
fn consent_from(iv: &Interview, answers: &Map<String, J>) -> Option<bool> {
    yes_no(answers, iv.form().form.consent_question.as_deref()?)
}

/// The re-contact consent flag in already computed answers.
fn recontact_from(iv: &Interview, answers: &Map<String, J>) -> Option<bool> {
    yes_no(answers, iv.form().form.recontact_question.as_deref()?)
}

fn yes_no(answers: &Map<String, J>, question: &str) -> Option<bool> {
    match answers.get(question).and_then(J::as_str) {
        Some("yes") => Some(true),
        Some("no") => Some(false),
        _ => None,
    }
}

impl Store {
    /// Stores a form definition (its TOML text) once; returns its hash. Every version seen is
    /// kept, so old records stay readable after a form update.
    pub fn save_form(&mut self, definition: &str, form_id: &str, version: &str) -> Result<String> {
        let hash: String = Sha256::digest(definition.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
        self.conn.execute(
            "INSERT OR IGNORE INTO forms (hash, form_id, version, definition, first_seen) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![hash, form_id, version, definition, now()],
        )?;
        Ok(hash)
    }

    /// A stored form definition.
    pub fn form_definition(&self, hash: &str) -> Result<String> {
        self.conn
            .query_row("SELECT definition FROM forms WHERE hash = ?1", [hash], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::not_found("err-no-form-version", hash))
    }

    /// Creates the record of an interview, owned by the session's account, with the status its
    /// outcome gives (a finalised interview is stored completed), and its audit events: all in
    /// one transaction.
    pub fn create_record(&mut self, form_hash: &str, iv: &Interview, events: &[AuditEvent]) -> Result<String> {
        let tx = self.conn.transaction()?;
        let uuid = insert_record(&tx, &self.session.account, &self.device_id, form_hash, iv, events)?;
        tx.commit()?;
        Ok(uuid)
    }

    /// Creates many records in one transaction (back-office entry of a large file, demo data).
    pub fn create_records(
        &mut self,
        form_hash: &str,
        interviews: &[(Interview, Vec<AuditEvent>)],
    ) -> Result<Vec<String>> {
        let tx = self.conn.transaction()?;
        let mut out = Vec::with_capacity(interviews.len());
        for (iv, events) in interviews {
            out.push(insert_record(&tx, &self.session.account, &self.device_id, form_hash, iv, events)?);
        }
        tx.commit()?;
        Ok(out)
    }
}

/// Inserts one record and its audit rows on `tx`.
fn insert_record(
    tx: &rusqlite::Connection,
    account: &str,
    device_id: &str,
    form_hash: &str,
    iv: &Interview,
    events: &[AuditEvent],
) -> Result<String> {
    let uuid = uuid::Uuid::now_v7().to_string();
    let form = &iv.form().form;
    let at = now();
    // Starting the next interview ends the chance to reopen the ones this monitor closed.
    super::closed::purge(tx, account, None, &at)?;
    let Snapshot { answers, closed, position, consent, recontact, words } = Snapshot::of(iv);
    let status = match iv.outcome() {
        Outcome::Refused => Status::Refused,
        Outcome::ScreenedOut => Status::ScreenedOut,
        Outcome::Completed => Status::Completed,
        Outcome::InProgress => Status::Draft,
    };
    let completed = (status == Status::Completed).then(|| at.clone());
    let submitted = completed.as_ref().map(|_| answers.clone());
    tx.execute(
        "INSERT INTO records (uuid, form_hash, form_id, form_version, monitor, device_id, started_at, updated_at,
                language, consent_interview, consent_at, status, answers, position, completed_at, submitted_answers,
                consent_recontact, closed_answers)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
        params![
            uuid,
            form_hash,
            form.id,
            form.version,
            account,
            device_id,
            at,
            iv.language(),
            consent,
            consent.map(|_| at.clone()),
            status.as_str(),
            answers,
            position,
            completed,
            submitted,
            recontact,
            closed
        ],
    )?;
    super::search::index(tx, &uuid, &words)?;
    let detail = serde_json::json!({"form": form.id, "version": form.version});
    append(tx, &at, account, "record create", Some(&uuid), &detail)?;
    write_events(tx, account, &uuid, events)?;
    if status != Status::Draft {
        let action = format!("status {}", status.as_str());
        append(tx, &at, account, &action, Some(&uuid), &serde_json::json!({"from": "draft"}))?;
    }
    Ok(uuid)
}

impl Store {
    /// One record (the owner, or any supervisor or coordinator).
    pub fn record(&self, uuid: &str) -> Result<RecordRow> {
        let row = self
            .conn
            .query_row(&format!("SELECT {COLUMNS} FROM records WHERE uuid = ?1"), [uuid], row_to_record)
            .optional()?
            .ok_or_else(|| StoreError::not_found("err-no-record", uuid))?;
        if self.session.role == Role::Monitor && row.monitor != self.session.account {
            return Err(StoreError::not_found("err-no-record", uuid));
        }
        Ok(row)
    }

    /// Fails unless the session may see the record.
    pub(super) fn visible(&self, uuid: &str) -> Result<RecordRow> {
        self.record(uuid)
    }

    /// Autosave: the interview's answers, position and language, in one durable transaction.
    /// A returned record that its monitor edits becomes a draft again; a refusal or a failed
    /// screening closes it.
    pub fn autosave(&mut self, uuid: &str, iv: &Interview, events: &[AuditEvent]) -> Result<()> {
        if iv.outcome() == Outcome::InProgress || iv.outcome() == Outcome::Completed {
            // The common case, one statement: the monitor's own draft stays a draft. The status
            // is left out of the SET so that no index is touched; the checks are in the WHERE.
            let at = now();
            let Snapshot { answers, position, consent, recontact, words, .. } = Snapshot::of(iv);
            let tx = self.conn.transaction()?;
            let changed = tx
                .prepare_cached(
                    "UPDATE records SET answers = ?2, position = ?3, language = ?4, updated_at = ?5, consent_interview = ?6, \
                     consent_recontact = ?8, consent_at = CASE WHEN ?6 IS NOT NULL AND consent_interview IS NULL THEN ?5 ELSE consent_at END \
                     WHERE uuid = ?1 AND monitor = ?7 AND status = 'draft'",
                )?
                .execute(params![uuid, answers, position, iv.language(), at, consent, self.session.account, recontact])?;
            if changed == 1 {
                super::search::index(&tx, uuid, &words)?;
                write_events(&tx, &self.session.account, uuid, events)?;
                tx.commit()?;
                return Ok(());
            }
            // Not a draft of this monitor: the checks below say why, or handle a returned record.
        }
        let (monitor, status, consent_before, consent_at_before): (String, String, Option<bool>, Option<String>) = self
            .conn
            .prepare_cached("SELECT monitor, status, consent_interview, consent_at FROM records WHERE uuid = ?1")?
            .query_row([uuid], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .optional()?
            .ok_or_else(|| StoreError::not_found("err-no-record", uuid))?;
        if monitor != self.session.account {
            return Err(StoreError::forbidden("forbid-edit-other"));
        }
        let current = Status::parse(&status).unwrap_or(Status::Draft);
        let target = match iv.outcome() {
            Outcome::Refused => Status::Refused,
            Outcome::ScreenedOut => Status::ScreenedOut,
            _ => Status::Draft,
        };
        if !(current == Status::Draft || current == Status::Returned && target == Status::Draft) {
            return Err(StoreError::IllegalTransition { from: current.as_str().into(), to: "edited".into() });
        }
        let at = now();
        let Snapshot { answers, closed, position, consent, recontact, words } = Snapshot::of(iv);
        let consent_at =
            if consent.is_some() && consent_before.is_none() { Some(at.clone()) } else { consent_at_before };
        let rec_status = current;
        let tx = self.conn.transaction()?;
        tx.prepare_cached(
            "UPDATE records SET answers = ?2, position = ?3, language = ?4, updated_at = ?5, consent_interview = ?6, consent_at = ?7, status = ?8, consent_recontact = ?9, closed_answers = ?10 WHERE uuid = ?1",
        )?
        .execute(params![
            uuid,
            answers,
            position,
            iv.language(),
            at,
            consent,
            consent_at,
            target.as_str(),
            recontact,
            closed
        ])?;
        super::search::index(&tx, uuid, &words)?;
        if rec_status != target {
            append(
                &tx,
                &at,
                &self.session.account,
                &format!("status {}", target.as_str()),
                Some(uuid),
                &serde_json::json!({"from": rec_status.as_str()}),
            )?;
        }
        write_events(&tx, &self.session.account, uuid, events)?;
        tx.commit()?;
        Ok(())
    }

    /// Completes a draft whose interview is finalised. Completing again after a return adds a
    /// revision and records every changed answer as a correction (old -> new, who, when).
    pub fn complete(&mut self, uuid: &str, iv: &Interview, events: &[AuditEvent]) -> Result<()> {
        if iv.outcome() != Outcome::Completed {
            return Err(StoreError::said("err-not-finalised", &[]));
        }
        self.autosave_unchecked_status(uuid, iv, events)?;
        let rec = self.record(uuid)?;
        self.transition(&rec, Status::Completed)?;
        let at = now();
        let previous: Option<String> =
            self.conn.query_row("SELECT submitted_answers FROM records WHERE uuid = ?1", [uuid], |r| r.get(0))?;
        let tx = self.conn.transaction()?;
        let revision = if let Some(prev) = previous {
            let old: Map<String, J> = serde_json::from_str(&prev).unwrap_or_default();
            let new = iv.answers_json();
            let revision = rec.revision + 1;
            let mut keys: Vec<&String> = old.keys().chain(new.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let (o, n) = (old.get(k), new.get(k));
                if o != n && !matches!(k.as_str(), "end" | "start") {
                    tx.execute(
                        "INSERT INTO corrections (uuid, revision, field, old_value, new_value, author, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                        params![uuid, revision, k, o.map(J::to_string), n.map(J::to_string), self.session.account, at],
                    )?;
                }
            }
            revision
        } else {
            rec.revision
        };
        tx.execute(
            "UPDATE records SET status = 'completed', completed_at = ?2, updated_at = ?2, revision = ?3, submitted_answers = answers WHERE uuid = ?1",
            params![uuid, at, revision],
        )?;
        append(
            &tx,
            &at,
            &self.session.account,
            "status completed",
            Some(uuid),
            &serde_json::json!({"from": rec.status.as_str(), "revision": revision}),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Saves the final answers before completion (the status check is `complete`'s).
    fn autosave_unchecked_status(&mut self, uuid: &str, iv: &Interview, events: &[AuditEvent]) -> Result<()> {
        let rec = self.record(uuid)?;
        if rec.monitor != self.session.account {
            return Err(StoreError::forbidden("forbid-edit-other"));
        }
        if rec.status != Status::Draft {
            return Err(StoreError::IllegalTransition {
                from: rec.status.as_str().into(),
                to: Status::Completed.as_str().into(),
            });
        }
        self.autosave(uuid, iv, events)
    }

    fn transition(&self, rec: &RecordRow, to: Status) -> Result<()> {
        if rec.status.can_become(to) {
            Ok(())
        } else {
            Err(StoreError::IllegalTransition { from: rec.status.as_str().into(), to: to.as_str().into() })
        }
    }

    fn set_status(&mut self, uuid: &str, to: Status, detail: serde_json::Value) -> Result<RecordRow> {
        self.set_status_with(uuid, to, detail, |_, _, _| Ok(()))
    }

    /// A status change, its audit row and whatever `also` writes (a comment): one transaction.
    fn set_status_with(
        &mut self,
        uuid: &str,
        to: Status,
        detail: serde_json::Value,
        also: impl FnOnce(&rusqlite::Connection, &str, &str) -> Result<()>,
    ) -> Result<RecordRow> {
        let rec = self.record(uuid)?;
        self.transition(&rec, to)?;
        let at = now();
        let tx = self.conn.transaction()?;
        tx.execute("UPDATE records SET status = ?2, updated_at = ?3 WHERE uuid = ?1", params![uuid, to.as_str(), at])?;
        let mut d = detail;
        d["from"] = J::String(rec.status.as_str().into());
        append(&tx, &at, &self.session.account, &format!("status {}", to.as_str()), Some(uuid), &d)?;
        also(&tx, &self.session.account, &at)?;
        tx.commit()?;
        Ok(rec)
    }

    /// Approves a completed record (supervisors and coordinators).
    pub fn approve(&mut self, uuid: &str) -> Result<()> {
        self.require(Role::Supervisor, "forbid-approve")?;
        let key = self.own_key()?;
        let device = self.device_id.clone();
        let rec = self.record(uuid)?;
        if rec.status == Status::Approved {
            // Approved before approvals were signed (or changed since): signed again, as is.
            if super::approvals::unverified(&self.conn, std::slice::from_ref(&rec))?.is_empty() {
                return Err(StoreError::IllegalTransition { from: "approved".into(), to: "approved".into() });
            }
            let at = now();
            let tx = self.conn.transaction()?;
            super::approvals::sign(&tx, &key, &device, uuid, &self.session.account, &at)?;
            append(&tx, &at, &self.session.account, "approval signed", Some(uuid), &serde_json::json!({}))?;
            tx.commit()?;
            return Ok(());
        }
        self.set_status_with(uuid, Status::Approved, serde_json::json!({}), |tx, account, at| {
            super::approvals::sign(tx, &key, &device, uuid, account, at)
        })
        .map(|_| ())
    }

    /// Returns a completed record to its monitor with a comment (supervisors and coordinators).
    pub fn return_record(&mut self, uuid: &str, comment: &str) -> Result<()> {
        self.require(Role::Supervisor, "forbid-return")?;
        if comment.trim().is_empty() {
            return Err(StoreError::said("err-return-needs-comment", &[]));
        }
        self.set_status_with(uuid, Status::Returned, serde_json::json!({}), |tx, account, at| {
            tx.execute(
                "INSERT INTO comments (uuid, author, at, comment) VALUES (?1, ?2, ?3, ?4)",
                params![uuid, account, at, comment.trim()],
            )?;
            Ok(())
        })
        .map(|_| ())
    }

    /// Reopens a returned record as a draft, for its monitor to correct.
    pub fn reopen(&mut self, uuid: &str) -> Result<()> {
        let rec = self.record(uuid)?;
        if rec.monitor != self.session.account {
            return Err(StoreError::forbidden("forbid-reopen-other"));
        }
        self.set_status(uuid, Status::Draft, serde_json::json!({})).map(|_| ())
    }

    /// Marks approved records as exported (coordinators; called by the export).
    pub fn mark_exported(&mut self, uuid: &str, batch: &str) -> Result<()> {
        self.require(Role::Coordinator, "forbid-export")?;
        self.set_status(uuid, Status::Exported, serde_json::json!({"batch": batch})).map(|_| ())
    }

    /// The respondent withdrew consent: purges the answers, comments and corrections, keeps a
    /// tombstone (supervisors and coordinators).
    pub fn withdraw(&mut self, uuid: &str) -> Result<()> {
        self.require(Role::Supervisor, "forbid-withdraw")?;
        let key = self.own_key()?;
        let device = self.device_id.clone();
        let rec = self.record(uuid)?;
        if rec.status == Status::Withdrawn && !self.withdrawal_verified(uuid)? {
            // Withdrawn before withdrawals were signed: signed now, so that the next batch
            // carries it.
            let at = now();
            let tx = self.conn.transaction()?;
            super::approvals::sign_withdrawal(&tx, &key, &device, uuid, &self.session.account, &at)?;
            append(&tx, &at, &self.session.account, "withdrawal signed", Some(uuid), &serde_json::json!({}))?;
            tx.commit()?;
            return Ok(());
        }
        self.transition(&rec, Status::Withdrawn)?;
        let at = now();
        let tx = self.conn.transaction()?;
        super::approvals::sign_withdrawal(&tx, &key, &device, uuid, &self.session.account, &at)?;
        tx.execute(
            "UPDATE records SET status = 'withdrawn', answers = '{}', submitted_answers = NULL, position = NULL, updated_at = ?2, consent_interview = 0 WHERE uuid = ?1",
            params![uuid, at],
        )?;
        super::search::index(&tx, uuid, "")?;
        tx.execute("DELETE FROM comments WHERE uuid = ?1", [uuid])?;
        tx.execute("DELETE FROM corrections WHERE uuid = ?1", [uuid])?;
        append(
            &tx,
            &at,
            &self.session.account,
            "status withdrawn",
            Some(uuid),
            &serde_json::json!({"from": rec.status.as_str()}),
        )?;
        tx.commit()?;
        Ok(())
    }
}

impl Store {
    /// How many records have each status (what the session may see).
    pub fn count_by_status(&self) -> Result<Vec<(Status, i64)>> {
        let mut stmt =
            self.conn.prepare("SELECT status, count(*) FROM records WHERE (?1 = 0 OR monitor = ?2) GROUP BY status")?;
        let monitor_only = i64::from(self.session.role == Role::Monitor);
        let rows = stmt.query_map(params![monitor_only, self.session.account], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (s, n) = row?;
            if let Some(s) = Status::parse(&s) {
                out.push((s, n));
            }
        }
        Ok(out)
    }

    /// Review comments of a record, oldest first: (author, when, comment).
    pub fn comments(&self, uuid: &str) -> Result<Vec<(String, String, String)>> {
        self.visible(uuid)?;
        let mut stmt = self.conn.prepare("SELECT author, at, comment FROM comments WHERE uuid = ?1 ORDER BY id")?;
        let rows = stmt.query_map([uuid], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Corrections of a record: (revision, field, old, new, author, when).
    #[allow(clippy::type_complexity)]
    pub fn corrections(
        &self,
        uuid: &str,
    ) -> Result<Vec<(i64, String, Option<String>, Option<String>, String, String)>> {
        self.visible(uuid)?;
        let mut stmt = self.conn.prepare(
            "SELECT revision, field, old_value, new_value, author, at FROM corrections WHERE uuid = ?1 ORDER BY id",
        )?;
        let rows =
            stmt.query_map([uuid], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }
}

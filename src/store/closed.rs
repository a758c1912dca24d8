//! Interviews closed by their monitor (refused, screened out): kept whole, apart from what
//! readers see, until they can no longer be reopened; reopened by their monitor; purged when
//! that monitor starts the next interview, or after the time a coordinator set.

use rusqlite::{OptionalExtension, params};

use super::audit::append;
use super::{Result, Role, Status, Store, StoreError, now};

/// Removes the kept answers of `account`'s closed interviews (all of them, or those closed
/// before `before`), with an audit row each: they can no longer be reopened.
pub(super) fn purge(tx: &rusqlite::Connection, account: &str, before: Option<&str>, at: &str) -> Result<()> {
    let uuids: Vec<String> = tx
        .prepare_cached(
            "SELECT uuid FROM records WHERE monitor = ?1 AND closed_answers IS NOT NULL AND (?2 IS NULL OR updated_at < ?2)",
        )?
        .query_map(params![account, before], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for uuid in uuids {
        tx.execute("UPDATE records SET closed_answers = NULL WHERE uuid = ?1", [&uuid])?;
        append(tx, at, account, "answers purged", Some(&uuid), &serde_json::json!({"reason": "closed"}))?;
    }
    Ok(())
}

/// The largest k a coordinator can ask (the deployment's setting, an export's, flat files').
pub const MAX_K: usize = 100;
/// The largest l (distinct sensitive answers per group) a coordinator can ask.
pub const MAX_L: usize = 20;

impl Store {
    /// Reopens an interview its monitor closed (refused or screened out) while its answers are
    /// still kept: the record is a draft again with every answer back.
    pub fn reopen_closed(&mut self, uuid: &str) -> Result<()> {
        let rec = self.record(uuid)?;
        if rec.monitor != self.session.account {
            return Err(StoreError::forbidden("forbid-reopen-other"));
        }
        if !matches!(rec.status, Status::Refused | Status::ScreenedOut) {
            return Err(StoreError::IllegalTransition { from: rec.status.as_str().into(), to: "reopened".into() });
        }
        if !rec.reopenable {
            return Err(StoreError::said("err-not-reopenable", &[]));
        }
        let at = now();
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE records SET status = 'draft', answers = closed_answers, closed_answers = NULL, updated_at = ?2 WHERE uuid = ?1",
            params![uuid, at],
        )?;
        let detail = serde_json::json!({"from": rec.status.as_str(), "reopened": true});
        append(&tx, &at, &self.session.account, "status draft", Some(uuid), &detail)?;
        tx.commit()?;
        Ok(())
    }

    /// How long a monitor can reopen an interview it closed: `None` until the next interview is
    /// started (the default), or a number of minutes.
    pub fn reopen_minutes(&self) -> Result<Option<u32>> {
        Ok(self.setting("reopen_minutes")?.and_then(|v| v.parse::<u32>().ok()).filter(|&m| m > 0))
    }

    /// Sets [`Store::reopen_minutes`] (coordinators; `None` or 0: until the next interview).
    pub fn set_reopen_minutes(&mut self, minutes: Option<u32>) -> Result<()> {
        let m = minutes.unwrap_or(0).min(7 * 24 * 60);
        self.set_setting("reopen_minutes", &m.to_string(), serde_json::json!({"minutes": m}))
    }

    /// The k every export reaches on this laptop unless told otherwise (5 by default).
    pub fn disclosure_k(&self) -> Result<usize> {
        Ok(self.setting("disclosure_k")?.and_then(|v| v.parse::<usize>().ok()).filter(|&k| k > 0).unwrap_or(5))
    }

    /// Sets [`Store::disclosure_k`] (coordinators; 1 to 100).
    pub fn set_disclosure_k(&mut self, k: usize) -> Result<()> {
        let k = k.clamp(1, MAX_K);
        self.set_setting("disclosure_k", &k.to_string(), serde_json::json!({"k": k}))
    }

    fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self.conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }

    /// Writes a deployment setting (coordinators), with its audit event.
    fn set_setting(&mut self, key: &str, value: &str, audit: serde_json::Value) -> Result<()> {
        self.require(Role::Coordinator, "forbid-settings")?;
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        append(&tx, &now(), &self.session.account, &format!("setting {key}"), None, &audit)?;
        tx.commit()?;
        Ok(())
    }

    /// Purges the kept answers of closed interviews older than the reopening window (at unlock).
    pub(super) fn purge_expired_closed(&mut self) -> Result<()> {
        let Some(minutes) = self.reopen_minutes()? else {
            return Ok(());
        };
        let cutoff = crate::expr::format_datetime(
            &(chrono::Utc::now() - chrono::Duration::minutes(i64::from(minutes))).fixed_offset(),
        );
        let at = now();
        let tx = self.conn.transaction()?;
        purge(&tx, &self.session.account, Some(&cutoff), &at)?;
        tx.commit()?;
        Ok(())
    }
}

//! The audit trail: append-only rows, each holding the hash of the one before, and the head of
//! the chain kept in `meta`, so that an edited, removed or truncated row is found by
//! [`Store::verify_audit`]. No answer is ever written here.

use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use super::{Result, Store};

/// One audit row.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditRow {
    /// Position in the chain.
    pub seq: i64,
    /// When (the app's clock, or the interview's for interview events).
    pub at: String,
    /// The account.
    pub actor: String,
    /// What happened (`record create`, `status completed`, `question`, ...).
    pub action: String,
    /// The record concerned, if any.
    pub uuid: Option<String>,
    /// Details, as JSON (never answers).
    pub detail: String,
}

/// Where the chain breaks, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    /// The first row that does not fit (or the expected next row, when rows were removed at the end).
    pub seq: i64,
    /// What is wrong.
    pub reason: String,
}

fn hash_row(prev: &str, seq: i64, at: &str, actor: &str, action: &str, uuid: Option<&str>, detail: &str) -> String {
    let mut h = Sha256::new();
    for part in [prev, &seq.to_string(), at, actor, action, uuid.unwrap_or(""), detail] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    super::hex(&h.finalize())
}

/// The end of the chain while rows are appended: read once, written back once (appending many
/// rows in one transaction costs one insert each).
pub(super) struct Chain {
    seq: i64,
    hash: String,
}

impl Chain {
    /// The chain's head on `conn`. A head that lags the last row (a head written by an older
    /// fourmi in a commit of its own, and a crash between the two) is caught up when the rows
    /// after it follow on from it; rows that do not are damage, reported, never written over.
    pub(super) fn open(conn: &Connection) -> Result<Chain> {
        let head: Option<String> =
            conn.query_row("SELECT value FROM meta WHERE key = 'audit_head'", [], |r| r.get(0)).optional()?;
        let mut chain = match head.as_deref().and_then(|h| h.split_once(' ')) {
            Some((s, h)) => Chain { seq: s.parse::<i64>().unwrap_or(0), hash: h.to_string() },
            None => Chain { seq: 0, hash: "0".repeat(64) },
        };
        let last: Option<i64> = conn.query_row("SELECT max(seq) FROM audit", [], |r| r.get(0))?;
        if last.is_some_and(|l| l > chain.seq) {
            chain.catch_up(conn)?;
        }
        Ok(chain)
    }

    /// Follows the rows after the head, checking each one's link and hash.
    fn catch_up(&mut self, conn: &Connection) -> Result<()> {
        let mut stmt = conn.prepare(
            "SELECT seq, at, actor, action, uuid, detail, prev_hash, hash FROM audit WHERE seq > ?1 ORDER BY seq",
        )?;
        let mut rows = stmt.query([self.seq])?;
        while let Some(r) = rows.next()? {
            let seq: i64 = r.get(0)?;
            let (at, actor, action): (String, String, String) = (r.get(1)?, r.get(2)?, r.get(3)?);
            let (uuid, detail): (Option<String>, String) = (r.get(4)?, r.get(5)?);
            let (prev_hash, hash): (String, String) = (r.get(6)?, r.get(7)?);
            let fits = seq == self.seq + 1
                && prev_hash == self.hash
                && hash_row(&self.hash, seq, &at, &actor, &action, uuid.as_deref(), &detail) == hash;
            if !fits {
                return Err(super::StoreError::Corrupt(format!(
                    "the audit trail does not follow on at row {seq}; run `fourmi check` and keep a copy of this folder"
                )));
            }
            self.seq = seq;
            self.hash = hash;
        }
        Ok(())
    }

    /// Inserts one row after the head.
    pub(super) fn push(
        &mut self,
        conn: &Connection,
        at: &str,
        actor: &str,
        action: &str,
        uuid: Option<&str>,
        detail: &serde_json::Value,
    ) -> Result<()> {
        let seq = self.seq + 1;
        let detail = detail.to_string();
        let hash = hash_row(&self.hash, seq, at, actor, action, uuid, &detail);
        conn.prepare_cached(
            "INSERT INTO audit (seq, at, actor, action, uuid, detail, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![seq, at, actor, action, uuid, detail, self.hash, hash])?;
        self.seq = seq;
        self.hash = hash;
        Ok(())
    }

    /// Writes the new head.
    pub(super) fn close(self, conn: &Connection) -> Result<()> {
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('audit_head', ?1) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [format!("{} {}", self.seq, self.hash)],
        )?;
        Ok(())
    }
}

/// Appends one row on `conn` (inside the caller's transaction when there is one).
pub(super) fn append(
    conn: &Connection,
    at: &str,
    actor: &str,
    action: &str,
    uuid: Option<&str>,
    detail: &serde_json::Value,
) -> Result<()> {
    let mut chain = Chain::open(conn)?;
    chain.push(conn, at, actor, action, uuid, detail)?;
    chain.close(conn)
}

impl Store {
    /// Appends an audit row now, as the session's account: the row and the chain's head in one
    /// transaction.
    pub(super) fn audit_log(&self, action: &str, uuid: Option<&str>, detail: serde_json::Value) -> Result<()> {
        let at = super::now();
        let tx = self.conn.unchecked_transaction()?;
        append(&tx, &at, &self.session.account, action, uuid, &detail)?;
        tx.commit()?;
        Ok(())
    }

    /// Checks the whole chain: `Ok(None)` when intact, or where it breaks.
    pub fn verify_audit(&self) -> Result<Option<ChainBreak>> {
        let mut stmt = self
            .conn
            .prepare("SELECT seq, at, actor, action, uuid, detail, prev_hash, hash FROM audit ORDER BY seq")?;
        let mut rows = stmt.query([])?;
        let mut expected_seq = 1;
        let mut prev = "0".repeat(64);
        while let Some(r) = rows.next()? {
            let seq: i64 = r.get(0)?;
            let (at, actor, action): (String, String, String) = (r.get(1)?, r.get(2)?, r.get(3)?);
            let (uuid, detail): (Option<String>, String) = (r.get(4)?, r.get(5)?);
            let (prev_hash, hash): (String, String) = (r.get(6)?, r.get(7)?);
            if seq != expected_seq {
                return Ok(Some(ChainBreak { seq: expected_seq, reason: format!("row {expected_seq} is missing") }));
            }
            if prev_hash != prev {
                return Ok(Some(ChainBreak {
                    seq,
                    reason: "it does not follow the row before (a row was removed or replaced)".into(),
                }));
            }
            if hash_row(&prev, seq, &at, &actor, &action, uuid.as_deref(), &detail) != hash {
                return Ok(Some(ChainBreak { seq, reason: "its content was changed".into() }));
            }
            prev = hash;
            expected_seq += 1;
        }
        let head: Option<String> =
            self.conn.query_row("SELECT value FROM meta WHERE key = 'audit_head'", [], |r| r.get(0)).optional()?;
        if let Some((s, h)) = head.as_deref().and_then(|h| h.split_once(' '))
            && (s.parse::<i64>().ok() != Some(expected_seq - 1) || h != prev)
        {
            return Ok(Some(ChainBreak { seq: expected_seq, reason: "rows were removed from the end".into() }));
        }
        Ok(None)
    }

    /// The audit rows of one record, oldest first (supervisors and coordinators, or the owner).
    pub fn audit_for(&self, uuid: &str) -> Result<Vec<AuditRow>> {
        self.visible(uuid)?;
        let mut stmt =
            self.conn.prepare("SELECT seq, at, actor, action, uuid, detail FROM audit WHERE uuid = ?1 ORDER BY seq")?;
        let rows = stmt.query_map([uuid], |r| {
            Ok(AuditRow {
                seq: r.get(0)?,
                at: r.get(1)?,
                actor: r.get(2)?,
                action: r.get(3)?,
                uuid: r.get(4)?,
                detail: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }
}

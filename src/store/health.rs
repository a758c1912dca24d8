//! `fourmi check`: what is wrong with a data folder, in plain words. The folder's files first
//! (no passphrase needed), then, once unlocked, the database itself: SQLite's integrity check,
//! the audit chain and the batch ledger.

use std::path::Path;

use super::keyring::Keyring;
use super::{DB_FILE, FolderState, KEYRING_FILE, Result, Store, folder_state, schema};

/// One thing checked: fine or not, and what was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Whether it is as it should be.
    pub ok: bool,
    /// What was checked and found, or what is wrong and what to do.
    pub text: String,
}

fn ok(text: impl Into<String>) -> Finding {
    Finding { ok: true, text: text.into() }
}

fn problem(text: impl Into<String>) -> Finding {
    Finding { ok: false, text: text.into() }
}

/// The folder's files: both present, the keyring readable.
pub fn check_files(dir: &Path) -> Vec<Finding> {
    let mut out = Vec::new();
    match folder_state(dir) {
        FolderState::Fresh => {
            out.push(problem(format!("there is no fourmi data in {} (run the first-time setup)", dir.display())));
            return out;
        }
        FolderState::Incomplete(e) => out.push(problem(e.to_string())),
        FolderState::SetUp => out.push(ok(format!("{DB_FILE} and {KEYRING_FILE} are in {}", dir.display()))),
    }
    if dir.join(KEYRING_FILE).exists() {
        match Keyring::load(&dir.join(KEYRING_FILE)) {
            Ok(ring) => {
                out.push(ok(format!("{KEYRING_FILE} is readable and holds {} account entries", ring.accounts.len())))
            }
            Err(e) => out.push(problem(format!("{e}; restore {KEYRING_FILE} from a backup"))),
        }
    }
    out
}

impl Store {
    /// The database's own checks (any account).
    pub fn health(&self) -> Result<Vec<Finding>> {
        let mut out = Vec::new();
        let lines: Vec<String> = self
            .conn
            .prepare("PRAGMA integrity_check")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if lines == ["ok"] {
            out.push(ok("the database passes SQLite's integrity check"));
        } else {
            out.push(problem(format!(
                "the database fails SQLite's integrity check ({}); keep a copy of this folder and restore the last backup",
                lines.join("; ")
            )));
        }
        out.push(ok(format!(
            "the database has schema {} (this fourmi writes {})",
            schema::version(&self.conn)?,
            schema::latest()
        )));
        match self.verify_audit()? {
            None => out.push(ok("the audit trail is intact")),
            Some(b) => out.push(problem(format!(
                "the audit trail is broken at row {}: {}; someone changed the database outside fourmi: keep a copy of this folder and tell headquarters",
                b.seq, b.reason
            ))),
        }
        let batches = self.conn.query_row(
            "SELECT count(*), sum(state = 'written'), sum(state = 'failed'), sum(state = 'writing') FROM batches",
            [],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, Option<i64>>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                    r.get::<_, Option<i64>>(3)?,
                ))
            },
        )?;
        let (all, written, failed, writing) =
            (batches.0, batches.1.unwrap_or(0), batches.2.unwrap_or(0), batches.3.unwrap_or(0));
        if writing > 0 {
            out.push(problem(format!(
                "{writing} batch(es) are still marked as being written; open fourmi again to mark them failed"
            )));
        } else {
            out.push(ok(format!(
                "the batch ledger holds {all} batch(es): {written} written, {failed} failed (a failed batch's number is not used again; its records go in the next batch)"
            )));
        }
        Ok(out)
    }
}

//! Giving the database a new data key, so that a keyring entry copied before a passphrase reset
//! or an account's disabling no longer opens the data written after it.
//!
//! Each account's seal holds its own X25519 identity, and the data key is encrypted to it beside
//! the seal (see [`super::keyring`]); a coordinator encrypts a new key to every account the
//! signed list names (their recipients are in it, signed), without their passphrases. In three
//! steps, each safe to cut: the keyring gets the next key beside the current one; the database
//! is re-encrypted with it (`PRAGMA rekey`, one transaction); the keyring makes it current. An
//! unlock after a cut in the second step finds the database opens only with the next key, and
//! finishes the third; a cut before it leaves the replacement owed, and the next coordinator
//! unlock does it again.

use rusqlite::Connection;
use zeroize::Zeroizing;

use super::audit::append;
use super::keyring::{DataKey, Keyring, new_data_key};
use super::{KEYRING_FILE, Result, Store, StoreError, now};

/// Notes, inside the caller's transaction, that the data key must be replaced.
pub(super) fn owe(conn: &Connection) -> Result<()> {
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('data_key_owed', '1')", [])?;
    Ok(())
}

/// Re-encrypts the database on `conn` with `key` (in rollback-journal mode, where SQLCipher's
/// rekey is one transaction; then back to the write-ahead log).
fn rekey(conn: &Connection, key: &DataKey) -> Result<()> {
    let mode: String = conn.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("delete") {
        return Err(StoreError::Db(
            "the data is in use by another fourmi window or command; close it and try again".into(),
        ));
    }
    let hex: Zeroizing<String> = Zeroizing::new(key.iter().map(|b| format!("{b:02x}")).collect());
    let pragma = Zeroizing::new(format!("PRAGMA rekey = \"x'{}'\";", hex.as_str()));
    let done = conn.execute_batch(&pragma);
    conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))?;
    done?;
    Ok(())
}

impl Store {
    /// Whether a data key replacement is owed (cut short, or not done yet).
    fn data_key_owed(&self) -> Result<bool> {
        Ok(self.conn.query_row("SELECT count(*) FROM meta WHERE key = 'data_key_owed'", [], |r| r.get::<_, i64>(0))?
            > 0)
    }

    /// Gives the database a new data key, encrypted to every account the signed list names
    /// and does not disable (coordinators holding the laptop's key). Accounts the list has no
    /// recipient for (made before this design, and not unlocked since) keep the old key, which
    /// opens nothing any more: a coordinator resets their passphrase.
    pub(super) fn replace_data_key(&mut self) -> Result<()> {
        let list = self.signed_list()?;
        let recipients: Vec<(String, String)> = list
            .accounts
            .iter()
            .filter(|e| !e.disabled)
            .filter_map(|e| Some((e.name.clone(), e.recipient.clone()?)))
            .collect();
        if !recipients.iter().any(|(name, _)| *name == self.session.account) {
            return Err(StoreError::forbidden("forbid-rekey-before-unlock"));
        }
        let next = new_data_key();
        let path = self.dir.join(KEYRING_FILE);
        let mut ring = Keyring::load(&path)?;
        ring.stage_next(&next, &recipients)?;
        ring.save(&path)?;
        rekey(&self.conn, &next)?;
        self.secrets.data_key = next;
        let left_out: Vec<&str> =
            ring.accounts.iter().filter(|a| a.next.is_none()).map(|a| a.account.as_str()).collect();
        let detail = serde_json::json!({"generation": ring.generation + 1, "left_out": left_out});
        ring.promote();
        ring.save(&path)?;
        let tx = self.conn.unchecked_transaction()?;
        tx.execute("DELETE FROM meta WHERE key = 'data_key_owed'", [])?;
        append(&tx, &now(), &self.session.account, "data key replaced", None, &detail)?;
        tx.commit()?;
        Ok(())
    }

    /// At a coordinator's unlock: the replacement a cut left owed.
    pub(super) fn replace_owed_data_key(&mut self) -> Result<()> {
        if self.session.role == super::Role::Coordinator && self.secrets.device.is_some() && self.data_key_owed()? {
            self.replace_data_key()?;
        }
        Ok(())
    }
}

/// At unlock, when the database opened only with the next key (a replacement cut after the
/// database had it): the keyring makes it current.
pub(super) fn finish_cut_replacement(dir: &std::path::Path) -> Result<()> {
    let path = dir.join(KEYRING_FILE);
    let mut ring = Keyring::load(&path)?;
    if ring.has_next() {
        ring.promote();
        ring.save(&path)?;
    }
    Ok(())
}

//! Approvals and withdrawals signed by the account that makes them: each approval is a signature, by the
//! supervisor's or coordinator's own key, over the record's id, revision and answers. An export
//! carries only records whose approval verifies against the laptop's signed account list, so a
//! record changed after it was approved, or "approved" by someone the list does not name as a
//! supervisor or coordinator, never leaves the laptop.

use base64::Engine;
use ed25519_dalek::{Signer, SigningKey};
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use super::roster::{Roster, verifying_key};
use super::signatures::Verifier;
use super::{RecordRow, Result, Store, StoreError};

/// What a withdrawal signs.
pub(super) fn withdrawal_statement(device: &str, uuid: &str, actor: &str, at: &str) -> String {
    format!("fourmi withdrawal v1\0{device}\0{uuid}\0{actor}\0{at}")
}

/// A withdrawal as the laptop keeps it and a batch's tombstone carries it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Withdrawal {
    /// The withdrawing account.
    pub actor: String,
    /// When.
    pub at: String,
    /// The account's Ed25519 signature (base64).
    pub signature: String,
}

impl Withdrawal {
    /// `actor`'s withdrawal of record `uuid` of laptop `device`, signed with its `key`.
    pub fn sign(key: &SigningKey, device: &str, uuid: &str, actor: &str, at: &str) -> Withdrawal {
        let sig = key.sign(withdrawal_statement(device, uuid, actor, at).as_bytes());
        Withdrawal {
            actor: actor.to_string(),
            at: at.to_string(),
            signature: base64::engine::general_purpose::STANDARD.encode(sig.to_bytes()),
        }
    }

    /// Whether it is signed by a supervisor or coordinator of `list` for record `uuid`.
    pub fn verifies(&self, list: &Roster, device_id: &str, uuid: &str) -> bool {
        Verifier::new(list, device_id).one(|v| v.withdrawal(uuid, self))
    }
}

/// Signs the withdrawal of `uuid` (inside the withdrawing transaction).
pub(super) fn sign_withdrawal(
    conn: &Connection,
    key: &SigningKey,
    device: &str,
    uuid: &str,
    actor: &str,
    at: &str,
) -> Result<()> {
    let w = Withdrawal::sign(key, device, uuid, actor, at);
    conn.execute(
        "INSERT OR REPLACE INTO withdrawals (uuid, actor, at, signature) VALUES (?1, ?2, ?3, ?4)",
        params![uuid, w.actor, w.at, w.signature],
    )?;
    Ok(())
}

/// The withdrawal of `uuid`, if it was signed.
pub(super) fn load_withdrawal(conn: &Connection, uuid: &str) -> Result<Option<Withdrawal>> {
    Ok(conn
        .prepare_cached("SELECT actor, at, signature FROM withdrawals WHERE uuid = ?1")?
        .query_row([uuid], |r| Ok(Withdrawal { actor: r.get(0)?, at: r.get(1)?, signature: r.get(2)? }))
        .optional()?)
}

/// What an approval signs.
pub(super) fn approval_statement(
    device: &str,
    uuid: &str,
    revision: i64,
    answers_sha256: &str,
    actor: &str,
    at: &str,
) -> String {
    format!("fourmi approval v1\0{device}\0{uuid}\0{revision}\0{answers_sha256}\0{actor}\0{at}")
}

/// SHA-256 of the record `uuid` as a batch carries it: its answers and every field beside them
/// (form version, monitor, laptop, times, language, consent flags), so that an approval covers
/// all of it; after `salt`, a random secret the laptop keeps with the approval and never sends.
/// Without the salt the digest would give the answers away: whoever holds a batch has the
/// anonymised record and could try each possible hidden age, place or nationality until the
/// digest matched.
fn record_sha256(conn: &Connection, uuid: &str, salt: &str) -> Result<String> {
    let text: String = conn.prepare_cached(
        // SQL literals (quote()) joined by commas: one text for one record, unambiguous.
        "SELECT 'fourmi record v1,' || quote(form_hash) || ',' || quote(form_id) || ',' || quote(form_version) || ','
            || quote(monitor) || ',' || quote(device_id) || ','
            || quote(started_at) || ',' || quote(completed_at) || ',' || quote(language) || ','
            || quote(consent_interview) || ',' || quote(consent_at) || ',' || quote(consent_recontact) || ','
            || quote(answers)
         FROM records WHERE uuid = ?1",
    )?
    .query_row([uuid], |r| r.get(0))?;
    let mut h = Sha256::new();
    h.update(b"fourmi salted record v2\0");
    h.update(salt.as_bytes());
    h.update(b"\0");
    h.update(text.as_bytes());
    Ok(super::hex(&h.finalize()))
}

/// A new salt: 32 random bytes, hex.
fn new_salt() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    super::hex(&bytes)
}

/// The salt of `uuid`'s approval (`None` for an approval made before approvals were salted,
/// which must be made again).
fn salt_of(conn: &Connection, uuid: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT salt FROM approvals WHERE uuid = ?1", [uuid], |r| r.get::<_, Option<String>>(0))
        .optional()?
        .flatten())
}

/// Signs the approval of `uuid` as it stands on `conn` (inside the approving transaction).
pub(super) fn sign(conn: &Connection, key: &SigningKey, device: &str, uuid: &str, actor: &str, at: &str) -> Result<()> {
    let revision: i64 = conn.query_row("SELECT revision FROM records WHERE uuid = ?1", [uuid], |r| r.get(0))?;
    let salt = new_salt();
    let a = Approval::sign(key, device, uuid, revision, &record_sha256(conn, uuid, &salt)?, actor, at);
    conn.execute(
        "INSERT OR REPLACE INTO approvals (uuid, revision, actor, at, answers_sha256, signature, salt) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![uuid, a.revision, a.actor, a.at, a.answers_sha256, a.signature, salt],
    )?;
    Ok(())
}

impl Store {
    /// Whether approved record `uuid` carries an approval that verifies (`Ok(true)` for records
    /// that are not approved).
    pub fn approval_verified(&self, uuid: &str) -> Result<bool> {
        let rec = self.record(uuid)?;
        if rec.status != super::Status::Approved {
            return Ok(true);
        }
        Ok(unverified(&self.conn, std::slice::from_ref(&rec))?.is_empty())
    }

    /// Whether withdrawn record `uuid` carries a withdrawal that verifies.
    pub fn withdrawal_verified(&self, uuid: &str) -> Result<bool> {
        let (Some(list), Some(w)) = (signed_list(&self.conn)?, load_withdrawal(&self.conn, uuid)?) else {
            return Ok(false);
        };
        Ok(w.verifies(&list, &self.device_id, uuid))
    }

    /// The account's own key, to sign what it does.
    pub(super) fn own_key(&self) -> Result<SigningKey> {
        self.secrets
            .signing
            .as_ref()
            .map(|k| SigningKey::from_bytes(k))
            .ok_or_else(|| StoreError::forbidden("forbid-no-own-key"))
    }
}

/// An approval as the laptop keeps it and a batch carries it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Approval {
    /// The revision approved.
    pub revision: i64,
    /// The approving account.
    pub actor: String,
    /// When.
    pub at: String,
    /// SHA-256 of the record as approved, as stored on the laptop (before anonymisation), after a
    /// secret salt the laptop keeps: headquarters checks the signature over it, and cannot work
    /// the hidden answers back from it.
    pub answers_sha256: String,
    /// The account's Ed25519 signature (base64).
    pub signature: String,
}

impl Approval {
    /// `actor`'s approval, signed with its `key`, of revision `revision` of record `uuid` of
    /// laptop `device`, whose answers have the SHA-256 `answers_sha256`, at `at`.
    pub fn sign(
        key: &SigningKey,
        device: &str,
        uuid: &str,
        revision: i64,
        answers_sha256: &str,
        actor: &str,
        at: &str,
    ) -> Approval {
        let sig = key.sign(approval_statement(device, uuid, revision, answers_sha256, actor, at).as_bytes());
        Approval {
            revision,
            actor: actor.to_string(),
            at: at.to_string(),
            answers_sha256: answers_sha256.to_string(),
            signature: base64::engine::general_purpose::STANDARD.encode(sig.to_bytes()),
        }
    }

    /// Whether this approval of revision `revision` of record `uuid` of laptop `device_id` is
    /// signed by an account that `list` names as a supervisor or coordinator, not disabled.
    /// (The answers' digest is checked by the caller, where it has the answers as approved.)
    pub fn verifies(&self, list: &Roster, device_id: &str, uuid: &str, revision: i64) -> bool {
        Verifier::new(list, device_id).one(|v| v.approval(uuid, revision, self))
    }
}

/// The approval of `uuid`, if it has one.
pub(super) fn load(conn: &Connection, uuid: &str) -> Result<Option<Approval>> {
    Ok(conn
        .prepare_cached("SELECT revision, actor, at, answers_sha256, signature FROM approvals WHERE uuid = ?1")?
        .query_row([uuid], |r| {
            Ok(Approval {
                revision: r.get(0)?,
                actor: r.get(1)?,
                at: r.get(2)?,
                answers_sha256: r.get(3)?,
                signature: r.get(4)?,
            })
        })
        .optional()?)
}

/// The laptop's device id.
pub(super) fn device_id(conn: &Connection) -> Result<String> {
    Ok(conn.query_row("SELECT value FROM meta WHERE key = 'device_id'", [], |r| r.get(0))?)
}

/// The laptop's signed account list, verified with the laptop's public key, if it has one.
pub(super) fn signed_list(conn: &Connection) -> Result<Option<Roster>> {
    let Some((body, sig)) = super::roster::load(conn)? else { return Ok(None) };
    let device_id = device_id(conn)?;
    let line: String = conn.query_row("SELECT public FROM device_key WHERE id = 1", [], |r| r.get(0))?;
    let device = line
        .split_whitespace()
        .last()
        .and_then(verifying_key)
        .ok_or_else(|| StoreError::Corrupt("the laptop's public key in fourmi.db is damaged".into()))?;
    Roster::verify(&body, &sig, &device, &device_id).map(Some)
}

/// The records of `rows` whose approval does not verify: never signed (approved before signed
/// approvals), signed by an account the laptop's list does not name as a supervisor or
/// coordinator, or changed since.
pub(super) fn unverified(conn: &Connection, rows: &[RecordRow]) -> Result<Vec<String>> {
    let Some(list) = signed_list(conn)? else {
        return Ok(rows.iter().map(|r| r.uuid.clone()).collect());
    };
    let mut bad = std::collections::HashSet::new();
    let mut verifier = Verifier::new(&list, &list.device_id);
    for row in rows {
        // An approval made before approvals were salted does not verify: it is made again.
        let digest = match salt_of(conn, &row.uuid)? {
            Some(salt) => Some(record_sha256(conn, &row.uuid, &salt)?),
            None => None,
        };
        let queued = load(conn, &row.uuid)?.is_some_and(|a| {
            digest.as_deref() == Some(a.answers_sha256.as_str()) && verifier.approval(&row.uuid, row.revision, &a)
        });
        if !queued {
            bad.insert(row.uuid.clone());
        }
        if verifier.is_full() {
            bad.extend(verifier.verify().into_iter().map(|f| f.uuid));
        }
    }
    bad.extend(verifier.verify().into_iter().map(|f| f.uuid));
    Ok(rows.iter().filter(|r| bad.contains(&r.uuid)).map(|r| r.uuid.clone()).collect())
}

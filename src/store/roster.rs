//! The laptop's account list, signed with the laptop's key: who may unlock, with which role and
//! which signing key. Only a coordinator's unlock holds the laptop's key, so only a coordinator
//! can change the list; every unlock checks its signature, and the role of a session comes from
//! it, never from the account's own seal (which its holder can rewrite).

use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::{Result, Role, StoreError};

/// One account in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterEntry {
    /// The account's name.
    pub name: String,
    /// Its role.
    pub role: Role,
    /// Its Ed25519 public key (base64), once it has one.
    pub key: Option<String>,
    /// Its age X25519 recipient (`age1…`), to which the data key is encrypted for it, once it
    /// has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<String>,
    /// Disabled: it can no longer unlock.
    pub disabled: bool,
}

/// The signed account list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Roster {
    /// The laptop it belongs to.
    pub device_id: String,
    /// One more at each change.
    pub version: u64,
    /// Every account, disabled ones included.
    pub accounts: Vec<RosterEntry>,
}

/// A key's public half, base64 (as the list and headquarters hold it).
pub fn public_b64(key: &SigningKey) -> String {
    base64::engine::general_purpose::STANDARD.encode(key.verifying_key().to_bytes())
}

/// A base64 Ed25519 public key; none for a key of small order (anyone could sign for it).
pub fn verifying_key(b64: &str) -> Option<VerifyingKey> {
    let bytes = base64::engine::general_purpose::STANDARD.decode(b64.trim()).ok()?;
    VerifyingKey::from_bytes(&bytes.try_into().ok()?).ok().filter(|k| !k.is_weak())
}

const TAMPERED: &str = "the laptop's signed account list does not verify: someone changed fourmi's files outside fourmi. Nothing was opened; keep a copy of this folder and tell your coordinator and headquarters";

impl Roster {
    /// The entry of `name`.
    pub fn entry(&self, name: &str) -> Option<&RosterEntry> {
        self.accounts.iter().find(|a| a.name == name)
    }

    /// The entry of `name`, to change.
    pub fn entry_mut(&mut self, name: &str) -> Option<&mut RosterEntry> {
        self.accounts.iter_mut().find(|a| a.name == name)
    }

    /// The list as signed: its JSON text and the laptop's signature over it.
    pub fn sign(&self, device: &SigningKey) -> (String, String) {
        let body = serde_json::to_string(self).unwrap_or_default();
        let sig = device.sign(body.as_bytes());
        (body, base64::engine::general_purpose::STANDARD.encode(sig.to_bytes()))
    }

    /// The list in `body` if `signature` is the laptop's over it, for this laptop.
    pub fn verify(body: &str, signature: &str, device: &VerifyingKey, device_id: &str) -> Result<Roster> {
        let tampered = || StoreError::Corrupt(TAMPERED.into());
        let sig = base64::engine::general_purpose::STANDARD.decode(signature).map_err(|_| tampered())?;
        let sig = Signature::from_slice(&sig).map_err(|_| tampered())?;
        device.verify(body.as_bytes(), &sig).map_err(|_| tampered())?;
        let roster: Roster = serde_json::from_str(body).map_err(|_| tampered())?;
        if roster.device_id != device_id {
            return Err(tampered());
        }
        Ok(roster)
    }
}

/// The stored list and its signature, if the laptop has one yet.
pub(super) fn load(conn: &Connection) -> Result<Option<(String, String)>> {
    Ok(conn
        .query_row("SELECT body, signature FROM roster WHERE id = 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// Stores `roster` signed with the laptop's key (inside the caller's transaction).
pub(super) fn save(conn: &Connection, roster: &Roster, device: &SigningKey) -> Result<()> {
    let (body, sig) = roster.sign(device);
    conn.execute(
        "INSERT INTO roster (id, body, signature) VALUES (1, ?1, ?2)
         ON CONFLICT(id) DO UPDATE SET body = excluded.body, signature = excluded.signature",
        params![body, sig],
    )?;
    Ok(())
}

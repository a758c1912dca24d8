//! The keyring: the database's random data key, sealed once per account under a key derived
//! from that account's passphrase (Argon2id), with the account's name and role inside the sealed
//! (authenticated) blob. It lives beside the database in `keyring.json`, since it must be read
//! before the database can be opened. Editing the file cannot promote an account: the role is
//! only ever read from a blob that the passphrase opened.

#![deny(clippy::indexing_slicing)]

use std::path::Path;

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

use super::{Role, StoreError};

/// The database key: 32 random bytes, wiped from memory when dropped.
pub type DataKey = Zeroizing<[u8; 32]>;

/// Argon2id cost: OWASP's recommended minimum (19 MiB, 2 passes, 1 lane).
const KDF_MEMORY_KIB: u32 = 19 * 1024;
const KDF_PASSES: u32 = 2;
const KDF_LANES: u32 = 1;

/// At least this many characters in a passphrase.
pub const MIN_PASSPHRASE_CHARS: usize = 10;

/// One account's sealed copy of the data key.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Sealed {
    /// The account name (also bound into the seal).
    pub account: String,
    /// Argon2id salt, hex.
    pub salt: String,
    /// Argon2id memory cost in KiB.
    pub memory_kib: u32,
    /// Argon2id passes.
    pub passes: u32,
    /// Argon2id lanes.
    pub lanes: u32,
    /// XChaCha20-Poly1305 nonce, hex.
    pub nonce: String,
    /// The sealed data key, role and name, hex.
    pub sealed: String,
}

/// The keyring file's content.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Keyring {
    /// Format version.
    pub version: u32,
    /// The device this keyring belongs to (bound into every seal).
    pub device_id: String,
    /// One entry per account.
    pub accounts: Vec<Sealed>,
}

/// What a seal holds.
#[derive(Serialize, Deserialize)]
struct Inner {
    account: String,
    role: Role,
    key: String,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.key.zeroize();
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

fn derive(
    passphrase: &str,
    salt: &[u8],
    memory_kib: u32,
    passes: u32,
    lanes: u32,
) -> Result<Zeroizing<[u8; 32]>, StoreError> {
    let params = Params::new(memory_kib, passes, lanes, Some(32))
        .map_err(|e| StoreError::Corrupt(format!("key derivation settings: {e}")))?;
    let mut out = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(passphrase.as_bytes(), salt, out.as_mut())
        .map_err(|e| StoreError::Corrupt(format!("key derivation: {e}")))?;
    Ok(out)
}

fn aad(device_id: &str, account: &str) -> Vec<u8> {
    format!("fourmi keyring v1\0{device_id}\0{account}").into_bytes()
}

/// A fresh random data key.
pub fn new_data_key() -> DataKey {
    let mut k = Zeroizing::new([0u8; 32]);
    rand::rngs::OsRng.fill_bytes(k.as_mut());
    k
}

/// Checks a new passphrase.
pub fn check_passphrase(passphrase: &str) -> Result<(), StoreError> {
    if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(StoreError::WeakPassphrase(MIN_PASSPHRASE_CHARS));
    }
    Ok(())
}

impl Keyring {
    /// Seals `key` for `account` with `role` under `passphrase` (replacing an earlier seal).
    pub fn seal(&mut self, account: &str, role: Role, passphrase: &str, key: &DataKey) -> Result<(), StoreError> {
        check_passphrase(passphrase)?;
        let mut salt = [0u8; 16];
        let mut nonce = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut salt);
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let wrapping = derive(passphrase, &salt, KDF_MEMORY_KIB, KDF_PASSES, KDF_LANES)?;
        let inner = Inner { account: account.to_string(), role, key: hex(key.as_ref()) };
        let plain = Zeroizing::new(serde_json::to_vec(&inner).map_err(|e| StoreError::Corrupt(e.to_string()))?);
        let cipher = XChaCha20Poly1305::new(wrapping.as_ref().into());
        let sealed = cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: &plain, aad: &aad(&self.device_id, account) })
            .map_err(|_| StoreError::Corrupt("sealing the key failed".into()))?;
        self.accounts.retain(|a| a.account != account);
        self.accounts.push(Sealed {
            account: account.to_string(),
            salt: hex(&salt),
            memory_kib: KDF_MEMORY_KIB,
            passes: KDF_PASSES,
            lanes: KDF_LANES,
            nonce: hex(&nonce),
            sealed: hex(&sealed),
        });
        Ok(())
    }

    /// Checks `account`'s entry as opening it would, up to the key derivation.
    pub fn check_entry(&self, account: &str) -> Result<(), StoreError> {
        self.entry(account).map(|_| ())
    }

    /// `account`'s entry, its salt, nonce and sealed bytes, once checked: well-formed, and
    /// key-derivation settings within fourmi's bounds (the file is editable: a derivation that
    /// would take hours or all the memory, or make guesses cheap, is refused before it runs).
    #[allow(clippy::type_complexity)]
    fn entry(&self, account: &str) -> Result<(&Sealed, Vec<u8>, Vec<u8>, Vec<u8>), StoreError> {
        let s = self.accounts.iter().find(|a| a.account == account).ok_or(StoreError::WrongPassphrase)?;
        let bad = || StoreError::Corrupt(format!("the keyring entry of `{account}` is damaged"));
        let salt = unhex(&s.salt).filter(|s| s.len() >= 8).ok_or_else(bad)?;
        let nonce = unhex(&s.nonce).filter(|n| n.len() == 24).ok_or_else(bad)?;
        let sealed = unhex(&s.sealed).ok_or_else(bad)?;
        let within = |v: u32, (lo, hi): (u32, u32)| (lo..=hi).contains(&v);
        if !(within(s.memory_kib, crate::limits::ARGON2_MEMORY_KIB)
            && within(s.passes, crate::limits::ARGON2_PASSES)
            && within(s.lanes, crate::limits::ARGON2_LANES))
        {
            return Err(StoreError::Corrupt(format!(
                "the keyring entry of `{account}` asks for key-derivation settings outside fourmi's bounds; restore keyring.json from a backup"
            )));
        }
        Ok((s, salt, nonce, sealed))
    }

    /// Opens `account`'s seal with `passphrase`: the data key and the role sealed with it.
    /// A wrong passphrase and an unknown account give the same error, on purpose.
    pub fn open(&self, account: &str, passphrase: &str) -> Result<(DataKey, Role), StoreError> {
        let (s, salt, nonce, sealed) = self.entry(account)?;
        let bad = || StoreError::Corrupt(format!("the keyring entry of `{account}` is damaged"));
        let wrapping = derive(passphrase, &salt, s.memory_kib, s.passes, s.lanes)?;
        let cipher = XChaCha20Poly1305::new(wrapping.as_ref().into());
        let plain = Zeroizing::new(
            cipher
                .decrypt(XNonce::from_slice(&nonce), Payload { msg: &sealed, aad: &aad(&self.device_id, account) })
                .map_err(|_| StoreError::WrongPassphrase)?,
        );
        let inner: Inner = serde_json::from_slice(&plain).map_err(|_| bad())?;
        if inner.account != account {
            return Err(bad());
        }
        let bytes = Zeroizing::new(unhex(&inner.key).filter(|k| k.len() == 32).ok_or_else(bad)?);
        let mut key = Zeroizing::new([0u8; 32]);
        key.copy_from_slice(&bytes);
        Ok((key, inner.role))
    }

    /// Reads the keyring file.
    pub fn load(path: &Path) -> Result<Keyring, StoreError> {
        let bytes =
            crate::limits::read_regular_file(path, crate::limits::SMALL_FILE_BYTES).map_err(StoreError::Corrupt)?;
        Keyring::parse(&bytes).map_err(|e| StoreError::Corrupt(format!("{} is damaged: {e}", path.display())))
    }

    /// Parses a keyring file's bytes.
    pub fn parse(bytes: &[u8]) -> Result<Keyring, String> {
        serde_json::from_slice(bytes).map_err(|e| e.to_string())
    }

    /// Writes the keyring file atomically (a temporary file, flushed, then renamed).
    pub fn save(&self, path: &Path) -> Result<(), StoreError> {
        let text = serde_json::to_string_pretty(self).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        super::files::write_atomically(path, text.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_right_passphrase_opens_the_key_and_its_role() {
        let mut ring = Keyring { version: 1, device_id: "d".into(), accounts: vec![] };
        let key = new_data_key();
        ring.seal("ana", Role::Monitor, "correct horse battery", &key).unwrap();
        let (k, role) = ring.open("ana", "correct horse battery").unwrap();
        assert_eq!(*k, *key);
        assert_eq!(role, Role::Monitor);
        assert!(matches!(ring.open("ana", "wrong passphrase!"), Err(StoreError::WrongPassphrase)));
        assert!(matches!(ring.open("bob", "correct horse battery"), Err(StoreError::WrongPassphrase)));
    }

    #[test]
    fn a_seal_moved_to_another_account_does_not_open() {
        let mut ring = Keyring { version: 1, device_id: "d".into(), accounts: vec![] };
        let key = new_data_key();
        ring.seal("ana", Role::Monitor, "monitor passphrase", &key).unwrap();
        ring.seal("chief", Role::Coordinator, "coordinator pass", &key).unwrap();
        // Copy the coordinator's seal onto the monitor's entry: the name bound into it differs.
        let chief = ring.accounts.iter().find(|a| a.account == "chief").unwrap().clone();
        let ana = ring.accounts.iter_mut().find(|a| a.account == "ana").unwrap();
        ana.sealed = chief.sealed;
        ana.nonce = chief.nonce;
        ana.salt = chief.salt;
        assert!(ring.open("ana", "coordinator pass").is_err());
    }

    #[test]
    fn short_passphrases_are_refused() {
        let mut ring = Keyring::default();
        assert!(matches!(ring.seal("a", Role::Monitor, "short", &new_data_key()), Err(StoreError::WeakPassphrase(_))));
    }
}

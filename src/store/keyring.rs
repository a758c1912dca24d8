//! The keyring: the database's random data key, sealed once per account under a key derived
//! from that account's passphrase (Argon2id), with the account's own signing key, and for
//! coordinators the laptop's signing key, inside the sealed (authenticated) blob. It lives
//! beside the database in `keyring.json`, since it must be read before the database can be
//! opened.
//!
//! A role is never taken from here: it comes from the account list the laptop's key signed
//! ([`super::roster`]). The laptop's public key is bound into every seal (as associated data),
//! so a keyring whose laptop key was swapped opens for nobody who did not seal it again.

#![deny(clippy::indexing_slicing)]

use std::path::Path;
use std::str::FromStr;

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

fn format_one() -> u32 {
    1
}

/// One account's sealed copy of the data key.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Sealed {
    /// 1: sealed before laptop keys were bound in (the laptop's key is not in the associated
    /// data); 2: the laptop's public key is.
    #[serde(default = "format_one")]
    pub format: u32,
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
    /// The sealed secrets (the account's own keys; the data key itself in seals of format 1
    /// and 2), hex.
    pub sealed: String,
    /// Format 3: the data key, age-encrypted to the account's own X25519 key (which the seal
    /// holds), base64. A coordinator can give every account a new data key this way, without
    /// their passphrases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wrapped: Option<String>,
    /// The next data key, encrypted the same way, while the database is being given it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    /// The data key's generation this entry holds (see [`Keyring::generation`]).
    #[serde(default)]
    pub generation: u32,
}

/// The keyring file's content.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(from = "RawKeyring")]
pub struct Keyring {
    /// Format version.
    pub version: u32,
    /// The device this keyring belongs to (bound into every seal).
    pub device_id: String,
    /// The laptop's Ed25519 public key, base64 (bound into every seal of format 2); absent in a
    /// keyring from before signed account lists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_public: Option<String>,
    /// The data key's generation: one more each time a coordinator gives the database a new
    /// key (when a passphrase is reset or an account disabled). An entry of an older
    /// generation holds a key that no longer opens the database.
    #[serde(default)]
    pub generation: u32,
    /// One entry per account.
    pub accounts: Vec<Sealed>,
    /// New seals written by a passphrase reset that the database has not confirmed yet: the
    /// reset's account list commits after the keyring is written, so a cut in between leaves
    /// the new seal here, taken at unlock only if the signed list names its key.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pending: Vec<Sealed>,
    /// Entries that cannot be read (a damaged or hand-edited file): kept as they were, so that
    /// one damaged entry locks out only its own account.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unreadable: Vec<serde_json::Value>,
}

/// The file as read, before each entry is.
#[derive(Deserialize)]
struct RawKeyring {
    #[serde(default)]
    version: u32,
    device_id: String,
    #[serde(default)]
    device_public: Option<String>,
    #[serde(default)]
    generation: u32,
    #[serde(default)]
    accounts: Vec<serde_json::Value>,
    #[serde(default)]
    pending: Vec<serde_json::Value>,
    #[serde(default)]
    unreadable: Vec<serde_json::Value>,
}

impl From<RawKeyring> for Keyring {
    fn from(raw: RawKeyring) -> Keyring {
        let mut accounts = Vec::new();
        let mut unreadable = raw.unreadable;
        for entry in raw.accounts {
            match serde_json::from_value::<Sealed>(entry.clone()) {
                Ok(s) => accounts.push(s),
                Err(_) => unreadable.push(entry),
            }
        }
        // A damaged pending seal is dropped: the current one is still there.
        let pending = raw.pending.into_iter().filter_map(|e| serde_json::from_value::<Sealed>(e).ok()).collect();
        Keyring {
            version: raw.version,
            device_id: raw.device_id,
            device_public: raw.device_public,
            generation: raw.generation,
            accounts,
            pending,
            unreadable,
        }
    }
}

/// What a seal holds.
#[derive(Serialize, Deserialize)]
struct Inner {
    account: String,
    /// The role sealed by fourmi before signed account lists; read only to upgrade such a
    /// laptop, never trusted once the laptop has a signed list.
    role: Role,
    key: String,
    /// The account's Ed25519 signing key, hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    signing: Option<String>,
    /// The laptop's Ed25519 signing key, hex (coordinators only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    device: Option<String>,
    /// The account's own age X25519 identity (`AGE-SECRET-KEY-1…`), which opens `wrapped`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    x25519: Option<String>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.key.zeroize();
        if let Some(s) = &mut self.signing {
            s.zeroize();
        }
        if let Some(s) = &mut self.device {
            s.zeroize();
        }
        if let Some(s) = &mut self.x25519 {
            s.zeroize();
        }
    }
}

/// A secret key: 32 bytes wiped from memory when dropped.
pub type SecretKey = Zeroizing<[u8; 32]>;

/// What an account's seal opens to.
pub struct Secrets {
    /// The database key.
    pub data_key: DataKey,
    /// The account's own signing key (absent in seals from before account keys).
    pub signing: Option<SecretKey>,
    /// The laptop's signing key (coordinators).
    pub device: Option<SecretKey>,
    /// The account's own age X25519 identity (absent in seals from before format 3).
    pub x25519: Option<Zeroizing<String>>,
    /// The next data key, while the database is being given it (see [`Sealed::next`]).
    pub next_key: Option<DataKey>,
    /// The role fourmi sealed before signed account lists (not to be trusted: see above).
    pub legacy_role: Role,
}

fn secret_of(hex_text: Option<&str>) -> Option<SecretKey> {
    let bytes = Zeroizing::new(unhex(hex_text?)?);
    let arr: [u8; 32] = bytes.as_slice().try_into().ok()?;
    Some(Zeroizing::new(arr))
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

/// What a seal binds besides its content: the laptop, its key, the account and, from format 3,
/// the key-derivation settings (an edited setting opens nothing).
fn aad(format: u32, device_id: &str, device_public: &str, account: &str, kdf: (u32, u32, u32)) -> Vec<u8> {
    let (memory, passes, lanes) = kdf;
    match format {
        3.. => format!("fourmi keyring v3\0{device_id}\0{device_public}\0{account}\0{memory}\0{passes}\0{lanes}")
            .into_bytes(),
        2 => format!("fourmi keyring v2\0{device_id}\0{device_public}\0{account}").into_bytes(),
        _ => format!("fourmi keyring v1\0{device_id}\0{account}").into_bytes(),
    }
}

/// A fresh age X25519 identity for an account (`AGE-SECRET-KEY-1…`).
pub fn new_x25519() -> Zeroizing<String> {
    use age::secrecy::ExposeSecret;
    Zeroizing::new(age::x25519::Identity::generate().to_string().expose_secret().to_string())
}

/// The public recipient (`age1…`) of an identity `new_x25519` made.
pub fn x25519_recipient(identity: &str) -> Option<String> {
    age::x25519::Identity::from_str(identity).ok().map(|i| i.to_public().to_string())
}

fn x25519_identity(text: &str, account: &str) -> Result<age::x25519::Identity, StoreError> {
    age::x25519::Identity::from_str(text)
        .map_err(|_| StoreError::Corrupt(format!("the keyring entry of `{account}` is damaged")))
}

/// `key` encrypted to `recipient`, base64.
fn wrap(key: &DataKey, recipient: &age::x25519::Recipient) -> Result<String, StoreError> {
    use base64::Engine;
    let bytes =
        age::encrypt(recipient, key.as_ref()).map_err(|_| StoreError::Corrupt("sealing the key failed".into()))?;
    Ok(base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// The key `wrap` encrypted, if `identity` opens it.
fn unwrap(wrapped: &str, identity: &age::x25519::Identity) -> Option<DataKey> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD.decode(wrapped).ok()?;
    if bytes.len() > 4096 {
        return None;
    }
    let plain = Zeroizing::new(age::decrypt(identity, &bytes).ok()?);
    let key: [u8; 32] = plain.as_slice().try_into().ok()?;
    Some(Zeroizing::new(key))
}

/// A fresh random data key.
pub fn new_data_key() -> DataKey {
    let mut k = Zeroizing::new([0u8; 32]);
    rand::rngs::OsRng.fill_bytes(k.as_mut());
    k
}

/// Checks a new passphrase: long enough, and not guessable (zxcvbn, Dropbox's estimator of how
/// many guesses a passphrase takes, scores it at least 3 of 4: "safely unguessable").
pub fn check_passphrase(passphrase: &str) -> Result<(), StoreError> {
    if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(StoreError::WeakPassphrase(MIN_PASSPHRASE_CHARS));
    }
    let estimate = zxcvbn::zxcvbn(passphrase, &["fourmi", "4mi", "mmc", "mixed migration centre"]);
    if u8::from(estimate.score()) >= 3 {
        return Ok(());
    }
    use zxcvbn::feedback::Warning as W;
    let why = match estimate.feedback().and_then(|f| f.warning()) {
        Some(W::StraightRowsOfKeysAreEasyToGuess | W::ShortKeyboardPatternsAreEasyToGuess) => "keyboard",
        Some(W::RepeatsLikeAaaAreEasyToGuess | W::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess) => "repeats",
        Some(
            W::ThisIsATop10Password
            | W::ThisIsATop100Password
            | W::ThisIsACommonPassword
            | W::ThisIsSimilarToACommonlyUsedPassword,
        ) => "common",
        Some(W::SequencesLikeAbcAreEasyToGuess) => "sequence",
        Some(W::RecentYearsAreEasyToGuess | W::DatesAreOftenEasyToGuess) => "dates",
        Some(W::AWordByItselfIsEasyToGuess) => "word",
        Some(W::NamesAndSurnamesByThemselvesAreEasyToGuess | W::CommonNamesAndSurnamesAreEasyToGuess) => "names",
        _ => "short",
    };
    Err(StoreError::GuessablePassphrase(why))
}

impl Keyring {
    /// Seals `secrets` for `account` under `passphrase` (replacing an earlier seal), bound to
    /// this keyring's laptop key when it has one. With an X25519 identity in `secrets` (every
    /// seal fourmi makes now: format 3), the seal holds the identity and the data key is
    /// encrypted to it beside the seal.
    pub fn seal(&mut self, account: &str, passphrase: &str, secrets: &Secrets) -> Result<(), StoreError> {
        let sealed = self.make_seal(account, passphrase, secrets)?;
        self.accounts.retain(|a| a.account != account);
        self.pending.retain(|a| a.account != account);
        self.unreadable.retain(|e| e.get("account").and_then(|a| a.as_str()) != Some(account));
        self.accounts.push(sealed);
        Ok(())
    }

    /// Seals `secrets` for `account` as a pending seal, beside its current one and any pending
    /// one (see [`Keyring::pending`]). None is replaced: an earlier reset's pending seal may be
    /// the one the signed list names (a cut before the keyring took it), and only the list can
    /// tell.
    pub fn seal_pending(&mut self, account: &str, passphrase: &str, secrets: &Secrets) -> Result<(), StoreError> {
        let sealed = self.make_seal(account, passphrase, secrets)?;
        self.pending.push(sealed);
        Ok(())
    }

    /// `account`'s newest pending seal (the reset's whose list just committed) becomes its
    /// current one; its other pending seals go.
    pub fn promote_pending(&mut self, account: &str) {
        if let Some(i) = self.pending.iter().rposition(|a| a.account == account) {
            self.promote_pending_at(i);
        }
    }

    /// The pending seal at `index` becomes its account's current one; the account's other
    /// pending seals go.
    pub fn promote_pending_at(&mut self, index: usize) {
        if index >= self.pending.len() {
            return;
        }
        let sealed = self.pending.remove(index);
        let account = sealed.account.clone();
        self.pending.retain(|a| a.account != account);
        self.accounts.retain(|a| a.account != account);
        self.unreadable.retain(|e| e.get("account").and_then(|a| a.as_str()) != Some(account.as_str()));
        self.accounts.push(sealed);
    }

    /// Drops `account`'s pending seals (resets that did not happen: its current seal is the one
    /// the signed list names).
    pub fn drop_pending(&mut self, account: &str) {
        self.pending.retain(|a| a.account != account);
    }

    /// Whether `account` has a pending seal.
    pub fn has_pending(&self, account: &str) -> bool {
        self.pending.iter().any(|a| a.account == account)
    }

    fn make_seal(&self, account: &str, passphrase: &str, secrets: &Secrets) -> Result<Sealed, StoreError> {
        check_passphrase(passphrase)?;
        let mut salt = [0u8; 16];
        let mut nonce = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut salt);
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let wrapping = derive(passphrase, &salt, KDF_MEMORY_KIB, KDF_PASSES, KDF_LANES)?;
        let identity = secrets.x25519.as_deref().map(|x| x25519_identity(x, account)).transpose()?;
        let wrapped = identity.as_ref().map(|id| wrap(&secrets.data_key, &id.to_public())).transpose()?;
        let inner = Inner {
            account: account.to_string(),
            role: secrets.legacy_role,
            key: if identity.is_some() { String::new() } else { hex(secrets.data_key.as_ref()) },
            signing: secrets.signing.as_ref().map(|k| hex(k.as_ref())),
            device: secrets.device.as_ref().map(|k| hex(k.as_ref())),
            x25519: secrets.x25519.as_deref().map(|x| x.to_string()),
        };
        let plain = Zeroizing::new(serde_json::to_vec(&inner).map_err(|e| StoreError::Corrupt(e.to_string()))?);
        let format = match (&self.device_public, &identity) {
            (Some(_), Some(_)) => 3,
            (Some(_), None) => 2,
            (None, _) => 1,
        };
        let public = self.device_public.clone().unwrap_or_default();
        let cipher = XChaCha20Poly1305::new(wrapping.as_ref().into());
        let sealed = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &plain,
                    aad: &aad(format, &self.device_id, &public, account, (KDF_MEMORY_KIB, KDF_PASSES, KDF_LANES)),
                },
            )
            .map_err(|_| StoreError::Corrupt("sealing the key failed".into()))?;
        Ok(Sealed {
            format,
            account: account.to_string(),
            salt: hex(&salt),
            memory_kib: KDF_MEMORY_KIB,
            passes: KDF_PASSES,
            lanes: KDF_LANES,
            nonce: hex(&nonce),
            sealed: hex(&sealed),
            wrapped,
            next: None,
            generation: self.generation,
        })
    }

    /// Gives each account of `recipients` (account, its X25519 recipient) the next data key,
    /// beside the current one; the database is given it next, then [`Keyring::promote`] makes
    /// it the current one. Accounts without a recipient keep the current key only, which stops
    /// opening the data once the database has the next one.
    pub fn stage_next(&mut self, next: &DataKey, recipients: &[(String, String)]) -> Result<(), StoreError> {
        for entry in self.accounts.iter_mut().chain(self.pending.iter_mut()) {
            entry.next = None;
            if let Some((_, r)) = recipients.iter().find(|(a, _)| *a == entry.account) {
                let r = age::x25519::Recipient::from_str(r).map_err(|_| {
                    StoreError::Corrupt(format!("the key of `{}` in the account list is damaged", entry.account))
                })?;
                entry.next = Some(wrap(next, &r)?);
            }
        }
        Ok(())
    }

    /// The next data key becomes the current one (the database has it now).
    pub fn promote(&mut self) {
        self.generation += 1;
        for entry in self.accounts.iter_mut().chain(self.pending.iter_mut()) {
            if let Some(next) = entry.next.take() {
                entry.wrapped = Some(next);
                entry.generation = self.generation;
            }
        }
    }

    /// Whether a next data key is staged.
    pub fn has_next(&self) -> bool {
        self.accounts.iter().chain(&self.pending).any(|a| a.next.is_some())
    }

    /// Checks `account`'s entry as opening it would, up to the key derivation.
    pub fn check_entry(&self, account: &str) -> Result<(), StoreError> {
        self.entry(&self.accounts, account).map(|_| ())
    }

    /// `account`'s entry, its salt, nonce and sealed bytes, once checked: well-formed, and
    /// key-derivation settings within fourmi's bounds (the file is editable: a derivation that
    /// would take hours or all the memory, or make guesses cheap, is refused before it runs).
    #[allow(clippy::type_complexity)]
    fn entry<'a>(
        &self,
        slot: &'a [Sealed],
        account: &str,
    ) -> Result<(&'a Sealed, Vec<u8>, Vec<u8>, Vec<u8>), StoreError> {
        let bad = || {
            StoreError::Corrupt(format!(
                "the keyring entry of `{account}` is damaged; ask your coordinator to reset its passphrase"
            ))
        };
        let Some(s) = slot.iter().find(|a| a.account == account) else {
            let damaged = self.unreadable.iter().any(|e| e.get("account").and_then(|a| a.as_str()) == Some(account));
            return Err(if damaged { bad() } else { StoreError::WrongPassphrase });
        };
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

    /// Opens `account`'s seal with `passphrase`: the data key and the role sealed with it (the
    /// role is not to be trusted; see [`Keyring::open_secrets`]).
    pub fn open(&self, account: &str, passphrase: &str) -> Result<(DataKey, Role), StoreError> {
        let s = self.open_secrets(account, passphrase)?;
        Ok((s.data_key, s.legacy_role))
    }

    /// Opens `account`'s seal with `passphrase`: everything it holds. A wrong passphrase and an
    /// unknown account give the same error, on purpose; so does a seal whose laptop key was
    /// swapped.
    pub fn open_secrets(&self, account: &str, passphrase: &str) -> Result<Secrets, StoreError> {
        self.open_in(&self.accounts, account, passphrase)
    }

    /// Opens, newest first, each of `account`'s pending seals that `passphrase` opens, with its
    /// place among them.
    pub fn open_pending(&self, account: &str, passphrase: &str) -> Vec<(usize, Secrets)> {
        self.pending
            .iter()
            .enumerate()
            .rev()
            .filter(|(_, s)| s.account == account)
            .filter_map(|(i, s)| self.open_in(std::slice::from_ref(s), account, passphrase).ok().map(|p| (i, p)))
            .collect()
    }

    fn open_in(&self, slot: &[Sealed], account: &str, passphrase: &str) -> Result<Secrets, StoreError> {
        let (s, salt, nonce, sealed) = self.entry(slot, account)?;
        if s.format > 3 {
            return Err(StoreError::Corrupt(format!(
                "the keyring entry of `{account}` was written by a newer version of fourmi (format {}); install that version",
                s.format
            )));
        }
        let bad = || StoreError::Corrupt(format!("the keyring entry of `{account}` is damaged"));
        let wrapping = derive(passphrase, &salt, s.memory_kib, s.passes, s.lanes)?;
        let cipher = XChaCha20Poly1305::new(wrapping.as_ref().into());
        let public = self.device_public.clone().unwrap_or_default();
        let aad = aad(s.format, &self.device_id, &public, account, (s.memory_kib, s.passes, s.lanes));
        let plain = Zeroizing::new(
            cipher
                .decrypt(XNonce::from_slice(&nonce), Payload { msg: &sealed, aad: &aad })
                .map_err(|_| StoreError::WrongPassphrase)?,
        );
        let inner: Inner = serde_json::from_slice(&plain).map_err(|_| bad())?;
        if inner.account != account {
            return Err(bad());
        }
        let signing = secret_of(inner.signing.as_deref());
        let device = secret_of(inner.device.as_deref());
        let Some(x25519) = inner.x25519.as_deref() else {
            if s.generation < self.generation {
                return Err(StoreError::KeyReplaced);
            }
            let data_key = secret_of(Some(&inner.key)).ok_or_else(bad)?;
            return Ok(Secrets { data_key, signing, device, x25519: None, next_key: None, legacy_role: inner.role });
        };
        let identity = x25519_identity(x25519, account)?;
        let next_key = s.next.as_deref().and_then(|n| unwrap(n, &identity));
        if s.generation < self.generation && next_key.is_none() {
            return Err(StoreError::KeyReplaced);
        }
        let data_key = s.wrapped.as_deref().and_then(|w| unwrap(w, &identity)).ok_or_else(bad)?;
        Ok(Secrets {
            data_key,
            signing,
            device,
            x25519: Some(Zeroizing::new(x25519.to_string())),
            next_key,
            legacy_role: inner.role,
        })
    }

    /// The format of `account`'s seal (0: no such account).
    pub fn format_of(&self, account: &str) -> u32 {
        self.accounts.iter().find(|a| a.account == account).map_or(0, |a| a.format)
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

    fn secrets(role: Role) -> Secrets {
        Secrets {
            data_key: new_data_key(),
            signing: None,
            device: None,
            x25519: None,
            next_key: None,
            legacy_role: role,
        }
    }

    #[test]
    fn the_right_passphrase_opens_the_key() {
        let mut ring = Keyring { version: 1, device_id: "d".into(), ..Keyring::default() };
        let s = secrets(Role::Monitor);
        ring.seal("ana", "correct horse battery", &s).unwrap();
        let (k, _) = ring.open("ana", "correct horse battery").unwrap();
        assert_eq!(*k, *s.data_key);
        assert!(matches!(ring.open("ana", "wrong passphrase!"), Err(StoreError::WrongPassphrase)));
        assert!(matches!(ring.open("bob", "correct horse battery"), Err(StoreError::WrongPassphrase)));
    }

    #[test]
    fn a_seal_moved_to_another_account_does_not_open() {
        let mut ring = Keyring { version: 1, device_id: "d".into(), ..Keyring::default() };
        ring.seal("ana", "monitor passphrase", &secrets(Role::Monitor)).unwrap();
        ring.seal("chief", "coordinator pass", &secrets(Role::Coordinator)).unwrap();
        // Copy the coordinator's seal onto the monitor's entry: the name bound into it differs.
        let chief = ring.accounts.iter().find(|a| a.account == "chief").unwrap().clone();
        let ana = ring.accounts.iter_mut().find(|a| a.account == "ana").unwrap();
        ana.sealed = chief.sealed;
        ana.nonce = chief.nonce;
        ana.salt = chief.salt;
        assert!(ring.open("ana", "coordinator pass").is_err());
    }

    #[test]
    fn a_swapped_laptop_key_opens_no_seal() {
        let mut ring =
            Keyring { version: 1, device_id: "d".into(), device_public: Some("AAAA".into()), ..Keyring::default() };
        ring.seal("chief", "coordinator pass", &secrets(Role::Coordinator)).unwrap();
        assert!(ring.open("chief", "coordinator pass").is_ok());
        ring.device_public = Some("BBBB".into());
        assert!(matches!(ring.open("chief", "coordinator pass"), Err(StoreError::WrongPassphrase)));
    }

    /// A keyring with `ana` sealed as fourmi seals today (format 3), passphrase "correct horse battery".
    fn sealed_format_3() -> Keyring {
        let mut ring =
            Keyring { version: 1, device_id: "d".into(), device_public: Some("AAAA".into()), ..Keyring::default() };
        let mut s = secrets(Role::Monitor);
        s.x25519 = Some(new_x25519());
        ring.seal("ana", "correct horse battery", &s).unwrap();
        ring
    }

    #[test]
    fn edited_key_derivation_settings_open_nothing() {
        let mut ring = sealed_format_3();
        assert_eq!(ring.format_of("ana"), 3);
        ring.accounts[0].passes = 3;
        assert!(matches!(ring.open("ana", "correct horse battery"), Err(StoreError::WrongPassphrase)));
        ring.accounts[0].passes = KDF_PASSES;
        assert!(ring.open("ana", "correct horse battery").is_ok());
    }

    #[test]
    fn an_entry_of_a_newer_format_is_refused_with_what_to_do() {
        let mut ring = sealed_format_3();
        ring.accounts[0].format = 99;
        let e = ring.open("ana", "correct horse battery").err().unwrap();
        assert!(e.to_string().contains("newer version"), "{e}");
    }

    #[test]
    fn short_passphrases_are_refused() {
        let mut ring = Keyring::default();
        assert!(matches!(ring.seal("a", "short", &secrets(Role::Monitor)), Err(StoreError::WeakPassphrase(_))));
    }
}

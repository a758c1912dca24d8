//! Accounts, the deployment's recipients, and the device's identity and signing key.

use std::str::FromStr;

use ed25519_dalek::SigningKey;
use rusqlite::{OptionalExtension, params};
use zeroize::Zeroizing;

use super::audit::append;
use super::keyring::{Keyring, Secrets, check_passphrase};
use super::now;
use super::roster::{self, Roster, RosterEntry, public_b64};
use super::{KEYRING_FILE, Result, Role, Store, StoreError};

/// An account as listed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Account {
    /// Name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// When it was created.
    pub created_at: String,
    /// Whether it can no longer unlock.
    pub disabled: bool,
}

/// Account names: 2 to 40 lower-case letters a-z, digits, `.`, `_`, `-` (they appear in records
/// and audit trails; names that only look alike, `Ana`, `ana` or a Cyrillic `а`, cannot be told
/// apart on a screen, so only one spelling of each is possible).
pub fn check_account_name(name: &str) -> Result<()> {
    let ok = (2..=40).contains(&name.len())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if ok { Ok(()) } else { Err(StoreError::said("err-account-name", &[("name", name.to_string())])) }
}

/// An age X25519 recipient (`age1...`) as `age-keygen` prints it, also with the `# public key:`
/// before it; an age secret key is refused without being repeated (it must never be pasted).
pub fn recipient_of(text: &str) -> Result<String> {
    use crate::i18n::Said;
    if text.to_ascii_uppercase().contains("AGE-SECRET-KEY-") {
        return Err(StoreError::Said(Said::new("err-secret-key-pasted", &[])));
    }
    let r = text.trim();
    let r = r.strip_prefix('#').map_or(r, str::trim_start);
    let r = ["public key:", "Public key:"].iter().find_map(|p| r.strip_prefix(p)).map_or(r, str::trim);
    age::x25519::Recipient::from_str(r)
        .map(|_| r.to_string())
        .map_err(|_| StoreError::Said(Said::new("err-not-a-recipient", &[("recipient", r.chars().take(80).collect())])))
}

impl Store {
    pub(super) fn init_device(
        &mut self,
        device_id: &str,
        device_name: &str,
        recipients: &[String],
        device: &SigningKey,
        own: &SigningKey,
    ) -> Result<()> {
        // The laptop's secret key lives only in coordinators' seals; the database keeps its
        // public half, which headquarters registers.
        let public = public_line(device, device_id);
        let at = now();
        let account = self.session.account.clone();
        let list = Roster {
            device_id: device_id.to_string(),
            version: 1,
            accounts: vec![RosterEntry {
                name: account.clone(),
                role: Role::Coordinator,
                key: Some(public_b64(own)),
                recipient: self.secrets.x25519.as_deref().and_then(|x| super::keyring::x25519_recipient(x)),
                disabled: false,
            }],
        };
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('device_id', ?1), ('device_name', ?2), ('created_at', ?3)",
            params![device_id, device_name, at],
        )?;
        tx.execute("INSERT INTO device_key (id, secret, public) VALUES (1, X'', ?1)", params![public])?;
        tx.execute(
            "INSERT INTO accounts (name, role, created_at, created_by) VALUES (?1, 'coordinator', ?2, NULL)",
            params![account, at],
        )?;
        for r in recipients {
            tx.execute(
                "INSERT OR IGNORE INTO recipients (recipient, added_at, added_by) VALUES (?1, ?2, ?3)",
                params![r.trim(), at, account],
            )?;
        }
        roster::save(&tx, &list, device)?;
        let detail = serde_json::json!({"device_name": device_name, "recipients": recipients.len()});
        append(&tx, &at, &account, "setup", None, &detail)?;
        tx.commit()?;
        Ok(())
    }

    /// The line to register this laptop at headquarters: `fourmi-device <device id> <public key, base64>`.
    pub fn device_pubkey(&self) -> Result<String> {
        Ok(self.conn.query_row("SELECT public FROM device_key WHERE id = 1", [], |r| r.get(0))?)
    }

    /// The laptop's signing key (for signing batches): only a coordinator's unlock holds it.
    pub fn device_signing_key(&self) -> Result<SigningKey> {
        self.require(Role::Coordinator, "forbid-device-key")?;
        self.secrets
            .device
            .as_ref()
            .map(|k| SigningKey::from_bytes(k))
            .ok_or_else(|| StoreError::forbidden("forbid-no-device-key"))
    }

    /// The laptop's key, to change the signed account list (coordinators who hold it).
    fn list_signer(&self) -> Result<SigningKey> {
        self.require(Role::Coordinator, "forbid-accounts")?;
        self.device_signing_key()
    }

    /// The signed account list, as verified at unlock.
    pub(super) fn signed_list(&self) -> Result<Roster> {
        let (body, sig) =
            roster::load(&self.conn)?.ok_or_else(|| StoreError::forbidden("forbid-accounts-before-unlock"))?;
        let signer = self.list_signer()?;
        Roster::verify(&body, &sig, &signer.verifying_key(), &self.device_id)
    }

    /// The device's name, given at setup.
    pub fn device_name(&self) -> Result<String> {
        Ok(self.conn.query_row("SELECT value FROM meta WHERE key = 'device_name'", [], |r| r.get(0))?)
    }

    /// Adds an account (coordinators only).
    pub fn add_account(&mut self, name: &str, role: Role, passphrase: &str) -> Result<()> {
        self.require(Role::Coordinator, "forbid-accounts")?;
        check_account_name(name)?;
        check_passphrase(passphrase)?;
        let exists: Option<String> =
            self.conn.query_row("SELECT name FROM accounts WHERE name = ?1", [name], |r| r.get(0)).optional()?;
        if exists.is_some() {
            return Err(StoreError::Said(crate::i18n::Said::new("err-account-exists", &[("name", name.to_string())])));
        }
        // The row, the signed list and the audit entry commit only once the keyring holds the
        // account.
        let signer = self.list_signer()?;
        let mut list = self.signed_list()?;
        let own = AccountKeys::new();
        list.accounts.retain(|a| a.name != name);
        list.accounts.push(RosterEntry {
            name: name.to_string(),
            role,
            key: Some(own.public()),
            recipient: own.recipient(),
            disabled: false,
        });
        list.version += 1;
        let tx = self.conn.unchecked_transaction()?;
        let at = now();
        tx.execute(
            "INSERT INTO accounts (name, role, created_at, created_by) VALUES (?1, ?2, ?3, ?4)",
            params![name, role.as_str(), at, self.session.account],
        )?;
        roster::save(&tx, &list, &signer)?;
        let detail = serde_json::json!({"account": name, "role": role.as_str()});
        append(&tx, &at, &self.session.account, "account add", None, &detail)?;
        self.seal_for(name, role, passphrase, &own, Keyring::seal)?;
        tx.commit()?;
        Ok(())
    }

    /// Sets a new passphrase: one's own (any account; its keys stay), or anyone's for a
    /// coordinator (a reset: the account gets a new key, signed into the list, so a copy of the
    /// old keyring entry no longer matches it).
    pub fn set_passphrase(&mut self, name: &str, passphrase: &str) -> Result<()> {
        check_passphrase(passphrase)?;
        if name == self.session.account {
            let path = self.dir.join(KEYRING_FILE);
            let mut ring = Keyring::load(&path)?;
            ring.seal(name, passphrase, &self.secrets)?;
            let tx = self.conn.unchecked_transaction()?;
            append(&tx, &now(), name, "passphrase change", None, &serde_json::json!({"account": name}))?;
            ring.save(&path)?;
            tx.commit()?;
            return Ok(());
        }
        self.require(Role::Coordinator, "forbid-reset")?;
        let signer = self.list_signer()?;
        let mut list = self.signed_list()?;
        let entry = list
            .entry_mut(name)
            .filter(|e| !e.disabled)
            .ok_or_else(|| StoreError::not_found("err-no-account", name))?;
        let own = AccountKeys::new();
        entry.key = Some(own.public());
        entry.recipient = own.recipient();
        let role = entry.role;
        list.version += 1;
        let tx = self.conn.unchecked_transaction()?;
        tx.execute("DELETE FROM pending_keys WHERE name = ?1", [name])?;
        roster::save(&tx, &list, &signer)?;
        append(&tx, &now(), &self.session.account, "passphrase reset", None, &serde_json::json!({"account": name}))?;
        super::rekey::owe(&tx)?;
        // The new seal waits beside the old one until the list naming its key is committed.
        self.seal_for(name, role, passphrase, &own, Keyring::seal_pending)?;
        tx.commit()?;
        let path = self.dir.join(KEYRING_FILE);
        let mut ring = Keyring::load(&path)?;
        ring.promote_pending(name);
        ring.save(&path)?;
        // An old copy of the account's keyring entry still opens the old data key: the
        // database gets a new one.
        self.replace_data_key()
    }

    /// Disables an account (it can no longer unlock); coordinators only, not themselves.
    pub fn disable_account(&mut self, name: &str) -> Result<()> {
        self.require(Role::Coordinator, "forbid-accounts")?;
        if name == self.session.account {
            return Err(StoreError::said("err-disable-self", &[]));
        }
        let signer = self.list_signer()?;
        let mut list = self.signed_list()?;
        let tx = self.conn.unchecked_transaction()?;
        let n = tx.execute("UPDATE accounts SET disabled = 1 WHERE name = ?1", [name])?;
        let entry =
            list.entry_mut(name).filter(|_| n > 0).ok_or_else(|| StoreError::not_found("err-no-account", name))?;
        entry.disabled = true;
        list.version += 1;
        roster::save(&tx, &list, &signer)?;
        append(&tx, &now(), &self.session.account, "account disable", None, &serde_json::json!({"account": name}))?;
        super::rekey::owe(&tx)?;
        let path = self.dir.join(KEYRING_FILE);
        let mut ring = Keyring::load(&path)?;
        ring.accounts.retain(|a| a.account != name);
        ring.save(&path)?;
        tx.commit()?;
        // Its old keyring entry, copied before, still opens the old data key: the database
        // gets a new one.
        self.replace_data_key()
    }

    /// Seals for `name` its own keys and, for a coordinator, the laptop's; the data key is
    /// encrypted to its own X25519 key.
    fn seal_for(
        &self,
        name: &str,
        role: Role,
        passphrase: &str,
        own: &AccountKeys,
        seal: fn(&mut Keyring, &str, &str, &Secrets) -> Result<()>,
    ) -> Result<()> {
        let secrets = Secrets {
            data_key: self.secrets.data_key.clone(),
            signing: Some(Zeroizing::new(own.signing.to_bytes())),
            device: if role == Role::Coordinator { self.secrets.device.clone() } else { None },
            x25519: Some(own.x25519.clone()),
            next_key: None,
            legacy_role: role,
        };
        let path = self.dir.join(KEYRING_FILE);
        let mut ring = Keyring::load(&path)?;
        seal(&mut ring, name, passphrase, &secrets)?;
        ring.save(&path)
    }

    /// Every account (coordinators and supervisors; a monitor sees only their own).
    pub fn accounts(&self) -> Result<Vec<Account>> {
        let mut stmt = self.conn.prepare("SELECT name, role, created_at, disabled FROM accounts ORDER BY name")?;
        let rows = stmt.query_map([], |r| {
            Ok(Account {
                name: r.get(0)?,
                role: Role::parse(&r.get::<_, String>(1)?).unwrap_or(Role::Monitor),
                created_at: r.get(2)?,
                disabled: r.get(3)?,
            })
        })?;
        let mut all: Vec<Account> = rows.collect::<std::result::Result<_, _>>()?;
        // Roles and disabling as the signed list has them (what decides who unlocks as what);
        // an account the list does not name cannot unlock.
        if let Some(list) = super::approvals::signed_list(&self.conn)? {
            for a in &mut all {
                match list.entry(&a.name) {
                    Some(e) => (a.role, a.disabled) = (e.role, e.disabled),
                    None => a.disabled = true,
                }
            }
        }
        Ok(if self.session.role == Role::Monitor {
            all.into_iter().filter(|a| a.name == self.session.account).collect()
        } else {
            all
        })
    }

    pub(super) fn account_disabled(&self, name: &str) -> Result<bool> {
        let d: Option<bool> =
            self.conn.query_row("SELECT disabled FROM accounts WHERE name = ?1", [name], |r| r.get(0)).optional()?;
        Ok(d.unwrap_or(true))
    }

    /// The deployment's recipients.
    pub fn recipients(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare("SELECT recipient FROM recipients ORDER BY added_at, recipient")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Adds a recipient (coordinators only).
    pub fn add_recipient(&mut self, recipient: &str) -> Result<()> {
        self.require(Role::Coordinator, "forbid-recipients")?;
        let recipient = recipient_of(recipient)?;
        self.conn.execute(
            "INSERT OR IGNORE INTO recipients (recipient, added_at, added_by) VALUES (?1, ?2, ?3)",
            params![recipient, now(), self.session.account],
        )?;
        self.audit_log("recipient add", None, serde_json::json!({"recipient": recipient}))
    }

    /// Removes a recipient (coordinators only).
    pub fn remove_recipient(&mut self, recipient: &str) -> Result<()> {
        self.require(Role::Coordinator, "forbid-recipients")?;
        let n = self.conn.execute("DELETE FROM recipients WHERE recipient = ?1", [recipient.trim()])?;
        if n == 0 {
            return Err(StoreError::not_found("err-no-recipient", recipient));
        }
        self.audit_log("recipient remove", None, serde_json::json!({"recipient": recipient.trim()}))
    }
}

/// A new account's own keys: an Ed25519 key to sign what it does, an X25519 identity to which
/// the data key is encrypted.
struct AccountKeys {
    signing: SigningKey,
    x25519: Zeroizing<String>,
}

impl AccountKeys {
    fn new() -> AccountKeys {
        AccountKeys { signing: SigningKey::generate(&mut rand::rngs::OsRng), x25519: super::keyring::new_x25519() }
    }
    fn public(&self) -> String {
        public_b64(&self.signing)
    }
    fn recipient(&self) -> Option<String> {
        super::keyring::x25519_recipient(&self.x25519)
    }
}

fn public_line(key: &SigningKey, device_id: &str) -> String {
    use base64::Engine;
    let public = base64::engine::general_purpose::STANDARD.encode(key.verifying_key().to_bytes());
    format!("fourmi-device {device_id} {public}")
}

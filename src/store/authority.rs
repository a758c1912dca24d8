//! Who the session is allowed to be: at every unlock the signed account list is checked with the
//! laptop's public key, and the session's role is the list's, not the seal's. Laptops set up
//! before signed lists are upgraded here, at their first coordinator unlock; every account's seal
//! is upgraded at its own next unlock.

use ed25519_dalek::SigningKey;
use rusqlite::{OptionalExtension, params};
use zeroize::Zeroizing;

use super::audit::append;
use super::keyring::Keyring;
use super::roster::{self, Roster, RosterEntry, public_b64, verifying_key};
use super::{KEYRING_FILE, Result, Role, Store, StoreError, now};

fn key_of(secret: &Zeroizing<[u8; 32]>) -> SigningKey {
    SigningKey::from_bytes(secret)
}

/// An account's signature over its own X25519 recipient.
fn sign_recipient(own: &SigningKey, device_id: &str, name: &str, recipient: &str) -> String {
    use base64::Engine;
    use ed25519_dalek::Signer;
    let text = format!("fourmi recipient v1\0{device_id}\0{name}\0{recipient}");
    base64::engine::general_purpose::STANDARD.encode(own.sign(text.as_bytes()).to_bytes())
}

/// Whether `proof` is the signature of the account whose public key is `key` over `recipient`.
fn recipient_signed(key: &str, device_id: &str, name: &str, recipient: &str, proof: &str) -> bool {
    use base64::Engine;
    use ed25519_dalek::Verifier;
    let text = format!("fourmi recipient v1\0{device_id}\0{name}\0{recipient}");
    let sig = base64::engine::general_purpose::STANDARD
        .decode(proof)
        .ok()
        .and_then(|s| ed25519_dalek::Signature::from_slice(&s).ok());
    match (verifying_key(key), sig) {
        (Some(k), Some(sig)) => k.verify(text.as_bytes(), &sig).is_ok(),
        _ => false,
    }
}

impl Store {
    /// The session's role, from the signed list; upgrades what is older than it.
    pub(super) fn establish_role(&mut self, mut ring: Keyring, passphrase: &str) -> Result<Role> {
        let Some((body, sig)) = roster::load(&self.conn)? else {
            // A laptop that has had a signed list never goes back to trusting seals: its keyring
            // names the laptop's key, or its seals are bound to it, or the database no longer
            // holds the secret key. A list missing there was removed.
            let stored: Option<Vec<u8>> =
                self.conn.query_row("SELECT secret FROM device_key WHERE id = 1", [], |r| r.get(0)).optional()?;
            let upgraded = ring.device_public.is_some()
                || ring.accounts.iter().any(|a| a.format >= 2)
                || stored.is_none_or(|s| s.is_empty());
            if upgraded {
                return Err(StoreError::Corrupt(
                    "the laptop's signed account list is missing: someone removed it outside fourmi. Nothing was opened; keep a copy of this folder and tell your coordinator and headquarters".into(),
                ));
            }
            return self.without_list(ring, passphrase);
        };
        let device = ring.device_public.as_deref().and_then(verifying_key).ok_or_else(|| {
            StoreError::Corrupt("keyring.json has lost the laptop's key; restore it from a backup".into())
        })?;
        // The key headquarters knows must be the one that signed the list.
        let registered: String = self.conn.query_row("SELECT public FROM device_key WHERE id = 1", [], |r| r.get(0))?;
        if registered.split_whitespace().last() != ring.device_public.as_deref() {
            return Err(StoreError::Corrupt("the laptop's key in fourmi.db and in keyring.json differ: someone changed fourmi's files outside fourmi; keep a copy of this folder and tell your coordinator".into()));
        }
        let mut list = Roster::verify(&body, &sig, &device, &ring.device_id)?;
        let account = self.session.account.clone();
        let entry = list.entry(&account).cloned().ok_or(StoreError::WrongPassphrase)?;
        if entry.disabled {
            return Err(StoreError::WrongPassphrase);
        }
        // A reset cut after its list committed and before the keyring took its new seal: the
        // pending seal the list names becomes the current one now (so that no later reset can
        // lose it). Pending seals the list does not name are resets that did not happen.
        let listed_key = |s: &super::keyring::Secrets| s.signing.as_ref().map(|k| public_b64(&key_of(k)));
        if entry.key.is_some() && ring.has_pending(&account) {
            let path = self.dir.join(KEYRING_FILE);
            let listed = ring
                .open_pending(&account, passphrase)
                .into_iter()
                .find(|(_, p)| listed_key(p) == entry.key && p.data_key == self.secrets.data_key);
            match listed {
                Some((i, p)) => {
                    self.secrets = p;
                    ring.promote_pending_at(i);
                    ring.save(&path)?;
                }
                None if listed_key(&self.secrets) == entry.key => {
                    ring.drop_pending(&account);
                    ring.save(&path)?;
                }
                // The passphrase opened only pending seals the list does not name.
                None if ring.open_secrets(&account, passphrase).is_err() => return Err(StoreError::WrongPassphrase),
                None => {}
            }
        }
        // The account's own key: the list's, or made now and waiting for a coordinator.
        match (&entry.key, &self.secrets.signing) {
            (Some(listed), Some(own)) if *listed != public_b64(&key_of(own)) => {
                return Err(StoreError::Corrupt(format!(
                    "the key of `{account}` does not match the laptop's signed account list; ask your coordinator to reset its passphrase"
                )));
            }
            (Some(_), None) => {
                return Err(StoreError::Corrupt(format!(
                    "the keyring entry of `{account}` has lost its key; ask your coordinator to reset its passphrase"
                )));
            }
            _ => {}
        }
        let own_recipient = self.own_recipient();
        if let (Some(listed), Some(own)) = (&entry.recipient, &own_recipient)
            && listed != own
        {
            return Err(StoreError::Corrupt(format!(
                "the key of `{account}` does not match the laptop's signed account list; ask your coordinator to reset its passphrase"
            )));
        }
        if self.secrets.signing.is_none() || ring.format_of(&account) < 3 {
            self.upgrade_own_seal(&mut ring, passphrase, entry.role)?;
        }
        if (entry.key.is_none() || entry.recipient.is_none())
            && let (Some(own), Some(recipient)) = (&self.secrets.signing, self.own_recipient())
        {
            let own = key_of(own);
            let proof = sign_recipient(&own, &self.device_id, &account, &recipient);
            self.conn.execute(
                "INSERT OR REPLACE INTO pending_keys (name, key, recipient, proof) VALUES (?1, ?2, ?3, ?4)",
                params![account, public_b64(&own), recipient, proof],
            )?;
        }
        // A coordinator holding the laptop's key signs waiting account keys into the list.
        if entry.role == Role::Coordinator
            && let Some(device_secret) = &self.secrets.device
        {
            let device_key = key_of(device_secret);
            if public_b64(&device_key) != ring.device_public.clone().unwrap_or_default() {
                return Err(StoreError::Corrupt(
                    "this coordinator's copy of the laptop's key is not the laptop's key".into(),
                ));
            }
            self.sign_pending(&mut list, &device_key)?;
        }
        Ok(entry.role)
    }

    /// This account's X25519 recipient (`age1…`), once its seal holds an identity.
    fn own_recipient(&self) -> Option<String> {
        self.secrets.x25519.as_deref().and_then(|x| super::keyring::x25519_recipient(x))
    }

    /// Signs the keys of accounts that made theirs since the last list into a new list.
    fn sign_pending(&mut self, list: &mut Roster, device: &SigningKey) -> Result<()> {
        type Pending = (String, String, Option<String>, Option<String>);
        let pending: Vec<Pending> = self
            .conn
            .prepare("SELECT name, key, recipient, proof FROM pending_keys ORDER BY name")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        if pending.is_empty() {
            return Ok(());
        }
        let tx = self.conn.unchecked_transaction()?;
        let device_id = self.device_id.clone();
        for (name, key, recipient, proof) in pending {
            // A key already listed is never replaced from here (only a reset replaces it); a
            // recipient is taken only signed by the account's listed key, so that whoever
            // writes into the database cannot have the data key encrypted to them for another.
            if let Some(e) = list.entry_mut(&name) {
                if e.key.is_none() {
                    e.key = Some(key.clone());
                }
                if let (None, Some(r), Some(p)) = (&e.recipient, &recipient, &proof)
                    && e.key.as_deref() == Some(key.as_str())
                    && recipient_signed(&key, &device_id, &name, r, p)
                {
                    e.recipient = Some(r.clone());
                }
            }
            tx.execute("DELETE FROM pending_keys WHERE name = ?1", [&name])?;
        }
        list.version += 1;
        roster::save(&tx, list, device)?;
        let detail = serde_json::json!({"version": list.version});
        append(&tx, &now(), &self.session.account, "account list signed", None, &detail)?;
        tx.commit()?;
        Ok(())
    }

    /// Seals this account's secrets again, with a signing key of its own and bound to the
    /// laptop's key (seals from before either).
    fn upgrade_own_seal(&mut self, ring: &mut Keyring, passphrase: &str, role: Role) -> Result<()> {
        if self.secrets.signing.is_none() {
            let key = SigningKey::generate(&mut rand::rngs::OsRng);
            self.secrets.signing = Some(Zeroizing::new(key.to_bytes()));
        }
        if self.secrets.x25519.is_none() {
            self.secrets.x25519 = Some(super::keyring::new_x25519());
        }
        if role != Role::Coordinator {
            self.secrets.device = None;
        }
        self.secrets.legacy_role = role;
        ring.seal(&self.session.account, passphrase, &self.secrets)?;
        ring.save(&self.dir.join(KEYRING_FILE))
    }

    /// A laptop without a signed list (set up by an older fourmi). Its first coordinator unlock
    /// moves the laptop's key out of the database into the coordinator's seal and signs the
    /// account list as it stands; until then, roles are the sealed ones, as before.
    fn without_list(&mut self, mut ring: Keyring, passphrase: &str) -> Result<Role> {
        let role = self.secrets.legacy_role;
        if role != Role::Coordinator {
            return Ok(role);
        }
        self.session.role = role;
        let stored: Option<Vec<u8>> =
            self.conn.query_row("SELECT secret FROM device_key WHERE id = 1", [], |r| r.get(0)).optional()?;
        let stored = Zeroizing::new(stored.unwrap_or_default());
        let device_secret = match &self.secrets.device {
            Some(d) => d.clone(),
            None => Zeroizing::new(
                <[u8; 32]>::try_from(stored.as_slice())
                    .map_err(|_| StoreError::Corrupt("the laptop's key is missing from fourmi.db".into()))?,
            ),
        };
        let device = key_of(&device_secret);
        self.secrets.device = Some(device_secret);
        ring.device_public = Some(public_b64(&device));
        let mut entries = Vec::new();
        for a in self.accounts()? {
            entries.push(RosterEntry { name: a.name, role: a.role, key: None, recipient: None, disabled: a.disabled });
        }
        let mut list = Roster { device_id: ring.device_id.clone(), version: 1, accounts: entries };
        // The keyring first (the laptop's key sealed for this coordinator), then the database:
        // killed in between, the next unlock does it again.
        self.upgrade_own_seal(&mut ring, passphrase, Role::Coordinator)?;
        if let (Some(me), Some(own)) = (list.entry_mut(&self.session.account), &self.secrets.signing) {
            me.key = Some(public_b64(&key_of(own)));
            me.role = Role::Coordinator;
            me.recipient = self.own_recipient();
        }
        let tx = self.conn.unchecked_transaction()?;
        roster::save(&tx, &list, &device)?;
        tx.execute("UPDATE device_key SET secret = X'' WHERE id = 1", [])?;
        let detail = serde_json::json!({"version": list.version, "accounts": list.accounts.len()});
        append(&tx, &now(), &self.session.account, "account list signed", None, &detail)?;
        tx.commit()?;
        Ok(Role::Coordinator)
    }
}

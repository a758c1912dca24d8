//! Reviewers' signatures checked many at a time: a laptop's export and headquarters' import
//! check tens of thousands of approvals, and one Ed25519 verification at a time was most of an
//! import's time. [`Verifier`] looks each reviewer's key up once (not once per record) and
//! verifies queued signatures together; a group that does not verify as a whole is verified one
//! signature at a time, to name the ones that fail.
//!
//! The verification is ed25519-consensus's (the Zcash Foundation's, used where nodes must agree
//! on every signature): its batch and its single verification follow the same rules (ZIP 215),
//! so a group verifies exactly when each of its signatures does, and its batches add up the terms
//! of signatures by the same key (an import's approvals come from a handful of reviewers), which
//! makes them a quarter cheaper than ed25519-dalek's. A key of small order, which would let
//! anyone sign, is no reviewer's. Whoever lacks a supervisor's or coordinator's key can make no
//! signature pass.

use std::collections::HashMap;

use base64::Engine;
use ed25519_consensus::{Signature, VerificationKey, VerificationKeyBytes};

use super::Role;
use super::approvals::{Approval, Withdrawal, approval_statement, withdrawal_statement};
use super::roster::{Roster, verifying_key};

/// How many signatures are verified together (the multiscalar multiplication gets cheaper per
/// signature up to a few hundred).
const GROUP: usize = 1024;

/// A signature that does not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failed {
    /// The record's id.
    pub uuid: String,
    /// A withdrawal's signature (else an approval's).
    pub withdrawal: bool,
}

/// Checks the approvals and withdrawals of one laptop against its signed account list.
pub struct Verifier {
    device_id: String,
    /// The list's supervisors and coordinators who are not disabled, with their keys.
    reviewers: HashMap<String, Key>,
    queue: Vec<Queued>,
}

/// A reviewer's key, as batches take it and as single verification does.
#[derive(Clone, Copy)]
struct Key {
    bytes: VerificationKeyBytes,
    key: VerificationKey,
}

impl Key {
    /// `key`, unless it is of small order (anyone could sign for it).
    fn of(key: &ed25519_dalek::VerifyingKey) -> Option<Key> {
        if key.is_weak() {
            return None;
        }
        let bytes = VerificationKeyBytes::from(key.to_bytes());
        Some(Key { bytes, key: VerificationKey::try_from(bytes).ok()? })
    }
}

struct Queued {
    failed: Failed,
    statement: String,
    signature: Signature,
    key: Key,
}

impl Verifier {
    /// For laptop `device_id`, whose signed account list is `list`.
    pub fn new(list: &Roster, device_id: &str) -> Verifier {
        let reviewers = list
            .accounts
            .iter()
            .filter(|e| e.role >= Role::Supervisor && !e.disabled)
            .filter_map(|e| Some((e.name.clone(), Key::of(&e.key.as_deref().and_then(verifying_key)?)?)))
            .collect();
        Verifier { device_id: device_id.to_string(), reviewers, queue: Vec::new() }
    }

    /// Queues the approval of revision `revision` of record `uuid`. `false` when it cannot
    /// verify whatever its signature: another revision, an account that is not a reviewer of
    /// the list, a signature that is not one.
    pub fn approval(&mut self, uuid: &str, revision: i64, a: &Approval) -> bool {
        let statement = approval_statement(&self.device_id, uuid, a.revision, &a.answers_sha256, &a.actor, &a.at);
        a.revision == revision && self.queue(uuid, false, &a.actor, statement, &a.signature)
    }

    /// Queues the withdrawal of record `uuid`; `false` as for [`Verifier::approval`].
    pub fn withdrawal(&mut self, uuid: &str, w: &Withdrawal) -> bool {
        let statement = withdrawal_statement(&self.device_id, uuid, &w.actor, &w.at);
        self.queue(uuid, true, &w.actor, statement, &w.signature)
    }

    fn queue(&mut self, uuid: &str, withdrawal: bool, actor: &str, statement: String, signature: &str) -> bool {
        let Some(key) = self.reviewers.get(actor) else { return false };
        let Some(signature) = base64::engine::general_purpose::STANDARD
            .decode(signature)
            .ok()
            .and_then(|s| <[u8; 64]>::try_from(s).ok())
            .map(Signature::from)
        else {
            return false;
        };
        let failed = Failed { uuid: uuid.to_string(), withdrawal };
        self.queue.push(Queued { failed, statement, signature, key: *key });
        true
    }

    /// Whether enough are queued to verify them together.
    pub fn is_full(&self) -> bool {
        self.queue.len() >= GROUP
    }

    /// Verifies every queued signature; those that do not verify, in the order queued. The
    /// queue is empty after.
    pub fn verify(&mut self) -> Vec<Failed> {
        let mut bad = Vec::new();
        for group in self.queue.chunks(GROUP) {
            let mut batch = ed25519_consensus::batch::Verifier::new();
            for q in group {
                batch.queue((q.key.bytes, q.signature, q.statement.as_bytes()));
            }
            if batch.verify(rand::thread_rng()).is_ok() {
                continue;
            }
            bad.extend(
                group
                    .iter()
                    .filter(|q| q.key.key.verify(&q.signature, q.statement.as_bytes()).is_err())
                    .map(|q| q.failed.clone()),
            );
        }
        self.queue.clear();
        bad
    }

    /// Queues with `queue` and verifies at once: whether it verifies.
    pub fn one(&mut self, queue: impl FnOnce(&mut Verifier) -> bool) -> bool {
        self.queue.clear();
        queue(self) && self.verify().is_empty()
    }
}

#[cfg(test)]
mod tests {
    use ed25519_dalek::SigningKey;
    use proptest::prelude::*;

    use super::*;
    use crate::store::roster::{RosterEntry, public_b64};

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    fn list() -> Roster {
        let entry = |name: &str, role, seed, disabled| RosterEntry {
            name: name.into(),
            role,
            key: Some(public_b64(&key(seed))),
            recipient: None,
            disabled,
        };
        Roster {
            device_id: "laptop".into(),
            version: 1,
            accounts: vec![
                entry("sam", Role::Supervisor, 1, false),
                entry("cora", Role::Coordinator, 2, false),
                entry("mo", Role::Monitor, 3, false),
                entry("old", Role::Supervisor, 4, true),
            ],
        }
    }

    fn approval(seed: u8, actor: &str, uuid: &str) -> Approval {
        Approval::sign(&key(seed), "laptop", uuid, 1, "digest", actor, "2026-12-02T10:00:00Z")
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        /// Whatever group a bad signature falls in, and however many good ones surround it,
        /// exactly the bad ones are named, in order.
        #[test]
        fn exactly_the_signatures_that_do_not_verify_are_named(n in 1usize..700, bad in proptest::collection::btree_set(0usize..700, 0..4)) {
            let mut v = Verifier::new(&list(), "laptop");
            let mut expected = Vec::new();
            for i in 0..n {
                let uuid = format!("r{i}");
                let mut a = approval(if i % 2 == 0 { 1 } else { 2 }, if i % 2 == 0 { "sam" } else { "cora" }, &uuid);
                if bad.contains(&i) {
                    // Signed by sam's key, claimed by cora: a signature, not hers.
                    a = Approval { actor: "cora".into(), ..approval(1, "sam", &uuid) };
                    expected.push(Failed { uuid: uuid.clone(), withdrawal: false });
                }
                prop_assert!(v.approval(&uuid, 1, &a));
            }
            prop_assert_eq!(v.verify(), expected);
        }
    }

    #[test]
    fn monitors_disabled_accounts_strangers_and_other_revisions_are_refused_before_any_check() {
        let mut v = Verifier::new(&list(), "laptop");
        assert!(!v.approval("r", 1, &approval(3, "mo", "r")), "a monitor");
        assert!(!v.approval("r", 1, &approval(4, "old", "r")), "a disabled supervisor");
        assert!(!v.approval("r", 1, &approval(9, "eve", "r")), "an account the list does not name");
        assert!(!v.approval("r", 2, &approval(1, "sam", "r")), "another revision than the one approved");
        let garbled = Approval { signature: "not base64!".into(), ..approval(1, "sam", "r") };
        assert!(!v.approval("r", 1, &garbled));
        assert!(v.verify().is_empty(), "nothing was queued");
    }

    #[test]
    fn an_approval_for_another_laptop_or_record_does_not_verify() {
        let a = approval(1, "sam", "r1");
        assert!(a.verifies(&list(), "laptop", "r1", 1));
        assert!(!a.verifies(&list(), "laptop", "r2", 1), "moved to another record");
        assert!(!a.verifies(&list(), "other-laptop", "r1", 1), "moved to another laptop");
        let w = Withdrawal::sign(&key(2), "laptop", "r1", "cora", "2026-12-02T11:00:00Z");
        assert!(w.verifies(&list(), "laptop", "r1"));
        let mut v = Verifier::new(&list(), "laptop");
        assert!(v.withdrawal("r2", &w));
        assert_eq!(v.verify(), vec![Failed { uuid: "r2".into(), withdrawal: true }]);
    }

    #[test]
    fn a_reviewer_key_of_small_order_signs_nothing_even_with_the_signature_anyone_could_make() {
        use base64::Engine;
        let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
        // The identity point as a key: R = identity and s = 0 satisfy the cofactored equation
        // for any statement.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let mut roster = list();
        roster.accounts.push(RosterEntry {
            name: "weak".into(),
            role: Role::Coordinator,
            key: Some(b64(&identity)),
            recipient: None,
            disabled: false,
        });
        let mut forged = [0u8; 64];
        forged[0] = 1;
        let a = Approval { actor: "weak".into(), signature: b64(&forged), ..approval(1, "sam", "r") };
        let mut v = Verifier::new(&roster, "laptop");
        assert!(!v.approval("r", 1, &a), "the key is no reviewer's");
        assert!(!a.verifies(&roster, "laptop", "r", 1));
    }
}

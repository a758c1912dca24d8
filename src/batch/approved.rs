//! Headquarters checks who approved each record of a batch and who withdrew each withdrawn one:
//! from format 2 on, a batch carries the laptop's account list signed with the laptop's key,
//! every record an approval signed by the approving account's own key, and every withdrawal a
//! signature by the withdrawing account's; each must verify, by a supervisor or coordinator of
//! that list. A laptop that has sent format 2 never goes back to format 1 (a
//! batch without approvals from it is a forgery with a key taken from an older laptop).

#![deny(clippy::indexing_slicing)]

use ed25519_dalek::VerifyingKey;

use crate::store::hq::Incoming;
use crate::store::roster::Roster;

use super::envelope::Header;
use super::{BatchError, Result};

/// What headquarters knows of a laptop from the batches it imported from it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Seen {
    /// The newest batch format.
    pub format: u32,
    /// The newest version of its signed account list.
    pub accounts_version: u64,
}

/// Checks the approvals and withdrawals of `incoming` (format 2) against the laptop's account
/// list, which must be no older than one imported before (an older list is the laptop's files
/// rolled back, bringing back a disabled account or an old key); or that format 1 is still
/// allowed from this laptop. Returns the list's version.
pub fn check(header: &Header, incoming: &Incoming, device: &VerifyingKey, seen: Seen) -> Result<Option<u64>> {
    if header.format < 2 {
        let newest = seen.format;
        if newest >= 2 {
            return Err(BatchError::Unapproved(format!(
                "it is of format {}, without signed approvals, and this laptop has sent batches of format {newest} with them",
                header.format
            )));
        }
        return Ok(None);
    }
    let (list, signature) =
        incoming.accounts.as_ref().ok_or_else(|| BatchError::Unapproved("it carries no signed account list".into()))?;
    let list = Roster::verify(list, signature, device, &header.device_id)
        .map_err(|_| BatchError::Unapproved("its account list is not signed by the laptop".into()))?;
    if list.version < seen.accounts_version {
        return Err(BatchError::Unapproved(format!(
            "its account list is version {}, older than version {} that an earlier batch of this laptop carried: the laptop's files were put back to an older state, which can bring back a disabled account; nothing was imported. Ask the laptop's coordinator to check it",
            list.version, seen.accounts_version
        )));
    }
    for rec in &incoming.records {
        let ok = rec.approval.as_ref().is_some_and(|a| a.verifies(&list, &header.device_id, &rec.uuid, rec.revision));
        if !ok {
            return Err(BatchError::Unapproved(format!(
                "the record {} carries no approval signed by a supervisor or coordinator of the laptop's account list",
                rec.uuid
            )));
        }
    }
    for t in &incoming.tombstones {
        let ok = t.withdrawal.as_ref().is_some_and(|w| w.verifies(&list, &header.device_id, &t.uuid));
        if !ok {
            return Err(BatchError::Unapproved(format!(
                "the withdrawal of {} is not signed by a supervisor or coordinator of the laptop's account list",
                t.uuid
            )));
        }
    }
    Ok(Some(list.version))
}

//! Headquarters checks who approved each record of a batch and who withdrew each withdrawn one:
//! from format 2 on, a batch carries the laptop's account list signed with the laptop's key,
//! every record an approval signed by the approving account's own key, and every withdrawal a
//! signature by the withdrawing account's; each must verify, by a supervisor or coordinator of
//! that list. A laptop that has sent format 2 never goes back to format 1 (a
//! batch without approvals from it is a forgery with a key taken from an older laptop).

#![deny(clippy::indexing_slicing)]

use ed25519_dalek::VerifyingKey;

use crate::store::Tombstone;
use crate::store::hq::Record;
use crate::store::roster::Roster;
use crate::store::signatures::{Failed, Verifier};

use super::envelope::Header;
use super::{BatchError, Result};

/// What headquarters knows of a laptop from the batches it imported from it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Seen {
    /// The newest batch format.
    pub format: u32,
    /// The newest version of its signed account list that a batch with a lower number carried.
    pub accounts_version: u64,
    /// The oldest version a batch with a higher number carried, with that batch's number.
    pub later: Option<(i64, u64)>,
}

/// What the check of a batch's account list found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Accounts {
    /// The list's version (format 2 on).
    pub version: Option<u64>,
    /// A batch with a higher number, imported before, whose list is older than this one's: that
    /// batch was written after the laptop's files were put back (what it brought needs checking).
    pub rolled_back: Option<(i64, u64)>,
}

/// Checks the batch's account list (format 2), or that format 1 is still allowed from this
/// laptop; the list (`None` for format 1) to check each record and withdrawal with.
pub fn list(
    header: &Header,
    accounts: Option<&(String, String)>,
    device: &VerifyingKey,
    seen: Seen,
) -> Result<(Option<Roster>, Accounts)> {
    if header.format < 2 {
        let newest = seen.format;
        if newest >= 2 {
            return Err(BatchError::Unapproved(format!(
                "it is of format {}, without signed approvals, and this laptop has sent batches of format {newest} with them",
                header.format
            )));
        }
        return Ok((None, Accounts::default()));
    }
    let (list, signature) =
        accounts.ok_or_else(|| BatchError::Unapproved("it carries no signed account list".into()))?;
    let list = Roster::verify(list, signature, device, &header.device_id)
        .map_err(|_| BatchError::Unapproved("its account list is not signed by the laptop".into()))?;
    if list.version < seen.accounts_version {
        return Err(BatchError::Unapproved(format!(
            "its account list is version {}, older than version {} that a batch of this laptop with a lower number carried: the laptop's files were put back to an older state before this batch was written, which can bring back a disabled account; nothing was imported. Ask the laptop's coordinator to check it",
            list.version, seen.accounts_version
        )));
    }
    let rolled_back = seen.later.filter(|(_, v)| *v < list.version);
    let version = Some(list.version);
    Ok((Some(list), Accounts { version, rolled_back }))
}

/// The check of the signatures of one batch's approvals and withdrawals (format 2; `None` for
/// format 1, which has none), against the account list [`list`] returned.
pub fn verifier(header: &Header, list: Option<&Roster>) -> Option<Verifier> {
    list.map(|l| Verifier::new(l, &header.device_id))
}

/// Queues a record's approval to be verified with the next ones (by [`verified`]).
pub fn record(verifier: Option<&mut Verifier>, rec: &Record) -> Result<()> {
    let Some(v) = verifier else { return Ok(()) };
    if !rec.approval.as_ref().is_some_and(|a| v.approval(&rec.uuid, rec.revision, a)) {
        return Err(unapproved(&Failed { uuid: rec.uuid.clone(), withdrawal: false }));
    }
    Ok(())
}

/// Queues a withdrawal's signature to be verified with the next ones (by [`verified`]).
pub fn withdrawal(verifier: Option<&mut Verifier>, t: &Tombstone) -> Result<()> {
    let Some(v) = verifier else { return Ok(()) };
    if !t.withdrawal.as_ref().is_some_and(|w| v.withdrawal(&t.uuid, w)) {
        return Err(unapproved(&Failed { uuid: t.uuid.clone(), withdrawal: true }));
    }
    Ok(())
}

/// Verifies the signatures queued: the first that does not verify refuses the batch.
pub fn verified(verifier: Option<&mut Verifier>) -> Result<()> {
    match verifier.map(Verifier::verify).unwrap_or_default().first() {
        Some(failed) => Err(unapproved(failed)),
        None => Ok(()),
    }
}

fn unapproved(f: &Failed) -> BatchError {
    BatchError::Unapproved(if f.withdrawal {
        format!(
            "the withdrawal of {} is not signed by a supervisor or coordinator of the laptop's account list",
            f.uuid
        )
    } else {
        format!(
            "the record {} carries no approval signed by a supervisor or coordinator of the laptop's account list",
            f.uuid
        )
    })
}

//! Headquarters checks who approved each record of a batch and who withdrew each withdrawn one:
//! from format 2 on, a batch carries the laptop's account list signed with the laptop's key,
//! every record an approval signed by the approving account's own key, and every withdrawal a
//! signature by the withdrawing account's; each must verify, by a supervisor or coordinator of
//! that list. A laptop that has sent format 2 never goes back to format 1 (a
//! batch without approvals from it is a forgery with a key taken from an older laptop).

#![deny(clippy::indexing_slicing)]

use ed25519_dalek::VerifyingKey;

use crate::store::Tombstone;
use crate::store::hq::{Incoming, Record};
use crate::store::roster::Roster;

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

/// Checks the approvals and withdrawals of `incoming` (format 2) against the laptop's account
/// list, which must be no older than the list of a batch with a lower number (an older list is
/// the laptop's files rolled back, bringing back a disabled account or an old key); or that
/// format 1 is still allowed from this laptop. Returns the list's version, and a batch with a
/// higher number imported before whose list is older (that one was the rollback).
pub fn check(header: &Header, incoming: &Incoming, device: &VerifyingKey, seen: Seen) -> Result<Accounts> {
    let (list, accounts) = list(header, incoming.accounts.as_ref(), device, seen)?;
    for rec in &incoming.records {
        record(list.as_ref(), header, rec)?;
    }
    for t in &incoming.tombstones {
        withdrawal(list.as_ref(), header, t)?;
    }
    Ok(accounts)
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

/// Checks a record's approval against the list (format 2).
pub fn record(list: Option<&Roster>, header: &Header, rec: &Record) -> Result<()> {
    let Some(list) = list else { return Ok(()) };
    let ok = rec.approval.as_ref().is_some_and(|a| a.verifies(list, &header.device_id, &rec.uuid, rec.revision));
    if !ok {
        return Err(BatchError::Unapproved(format!(
            "the record {} carries no approval signed by a supervisor or coordinator of the laptop's account list",
            rec.uuid
        )));
    }
    Ok(())
}

/// Checks a withdrawal's signature against the list (format 2).
pub fn withdrawal(list: Option<&Roster>, header: &Header, t: &Tombstone) -> Result<()> {
    let Some(list) = list else { return Ok(()) };
    let ok = t.withdrawal.as_ref().is_some_and(|w| w.verifies(list, &header.device_id, &t.uuid));
    if !ok {
        return Err(BatchError::Unapproved(format!(
            "the withdrawal of {} is not signed by a supervisor or coordinator of the laptop's account list",
            t.uuid
        )));
    }
    Ok(())
}

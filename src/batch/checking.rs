//! An import in three stages, each on its own thread, handing groups of records on: one decrypts
//! and reads the payload's records and withdrawals, one checks each against its form and
//! verifies their signatures a group at a time (handing a group on only once all of it is
//! checked), and the importing thread merges. While one group is merged the next ones are
//! checked and read, so an import takes about its longest stage, not their sum. The first
//! failure is handed on instead of a group, and the merge is undone.

use std::collections::{HashMap, HashSet};
use std::io::BufRead;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use crate::form::Compiled;
use crate::store::Tombstone;
use crate::store::hq::Row;
use crate::store::signatures::Verifier;

use super::envelope::Header;
use super::payload::{Item, Lines};
use super::{BatchError, Result, approved, validate};

/// Records and withdrawals per group handed on when no signatures are checked (format 1).
const GROUP: usize = 256;
/// Groups read handed on ahead of the checking, at most: memory stays that of a few groups.
pub const AHEAD: usize = 2;

/// What the checking half needs besides the payload.
pub struct Checks<'a> {
    pub header: &'a Header,
    pub forms: &'a HashMap<String, Compiled>,
    pub verifier: Option<Verifier>,
}

/// What a stage hands the next, a group at a time, or the failure that ends the import.
pub type Groups<T> = Receiver<Result<Vec<T>>>;

/// Checked groups handed on ahead of the merge, at most: more than the rows of a chunk sent to
/// PostgreSQL ([`crate::store::hq::CHUNK`]), so that checking goes on while one is sent (a
/// checked row holds its answers once, as JSON text: about 12 MB).
pub const MERGE_AHEAD: usize = 8;

/// A channel for groups, `ahead` groups ahead at most.
pub fn channel<T>(ahead: usize) -> (SyncSender<Result<Vec<T>>>, Groups<T>) {
    sync_channel(ahead)
}

/// A record or withdrawal checked, ready to be merged.
pub enum Checked {
    Record(Row),
    Withdrawal(Tombstone),
}

/// The first stage, on a thread: reads (decrypts and parses) every item from `first` on and
/// sends them on `out` a group at a time. Stops at the first failure (sent), or when the next
/// stage is gone.
pub fn read_all<R: BufRead>(lines: &mut Lines<R>, first: Option<Item>, out: &SyncSender<Result<Vec<Item>>>) {
    let mut group = Vec::with_capacity(GROUP);
    let mut next = Ok(first);
    loop {
        match next {
            Ok(Some(item)) => group.push(item),
            Ok(None) => {
                let _ = out.send(Ok(group));
                return;
            }
            Err(e) => {
                let _ = out.send(Err(e));
                return;
            }
        }
        if group.len() >= GROUP && out.send(Ok(std::mem::replace(&mut group, Vec::with_capacity(GROUP)))).is_err() {
            return;
        }
        next = lines.next_item();
    }
}

/// The second stage, on a thread: checks every item read and sends them on `out` once their
/// signatures verified, a group at a time. Stops at the first failure (sent), or when the merge
/// is gone (it failed).
pub fn check_all(read: Groups<Item>, mut checks: Checks, out: &SyncSender<Result<Vec<Checked>>>) {
    let mut ids = HashSet::new();
    let mut group = Vec::new();
    for items in read {
        let items = match items {
            Ok(items) => items,
            Err(e) => {
                let _ = out.send(Err(e));
                return;
            }
        };
        for item in items {
            match check_one(item, &mut checks, &mut ids) {
                Ok(checked) => group.push(checked),
                Err(e) => {
                    let _ = out.send(Err(e));
                    return;
                }
            }
            let full = checks.verifier.as_ref().map_or(group.len() >= GROUP, Verifier::is_full);
            if full {
                let checked = approved::verified(checks.verifier.as_mut()).map(|()| std::mem::take(&mut group));
                let failed = checked.is_err();
                if out.send(checked).is_err() || failed {
                    return;
                }
            }
        }
    }
    let _ = out.send(approved::verified(checks.verifier.as_mut()).map(|()| group));
}

/// Checks one record or withdrawal, and queues its signature.
fn check_one(item: Item, checks: &mut Checks, ids: &mut HashSet<String>) -> Result<Checked> {
    match item {
        Item::Record(rec) => {
            validate::record(&rec, checks.header, checks.forms)?;
            if !ids.insert(rec.uuid.clone()) {
                return Err(validate::twice(&rec.uuid));
            }
            approved::record(checks.verifier.as_mut(), &rec)?;
            Ok(Checked::Record(Row::new(rec)))
        }
        Item::Tombstone(t) => {
            validate::tombstone(&t)?;
            approved::withdrawal(checks.verifier.as_mut(), &t)?;
            Ok(Checked::Withdrawal(t))
        }
        Item::Batch(_) | Item::Accounts(..) | Item::Form(..) => {
            Err(BatchError::Invalid("an account list or a form after the records".into()))
        }
    }
}

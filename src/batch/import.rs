//! Importing batches at headquarters: for each file, verify the signature against the registered
//! laptop, check the digest, decrypt with headquarters' identity, validate every record against
//! its form, then merge in one transaction. Any failure imports nothing from that batch and
//! says why. Several files are imported in batch-number order, whatever order they are given in.

#![deny(clippy::indexing_slicing)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use ed25519_dalek::VerifyingKey;
use zeroize::Zeroizing;

use crate::store::hq::{Counts, Hq, Incoming};

use super::envelope::{self, Header};
use super::{BatchError, Result, payload, validate};
pub use validate::validate;

/// Headquarters' age identity, read from a file as `age-keygen` writes it.
pub struct Identity {
    inner: age::x25519::Identity,
    /// Its public recipient (`age1…`).
    pub recipient: String,
}

impl Identity {
    /// Reads the first `AGE-SECRET-KEY-1…` line of `path` (comments and blank lines skipped).
    pub fn read(path: &Path) -> Result<Identity> {
        let text = Zeroizing::new(
            crate::limits::read_regular_text(path, crate::limits::SMALL_FILE_BYTES).map_err(BatchError::Identity)?,
        );
        let line = text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('#')).ok_or_else(|| {
            BatchError::Identity(format!("{}: it holds no key (make one with `age-keygen -o FILE`)", path.display()))
        })?;
        let inner = age::x25519::Identity::from_str(line).map_err(|_| {
            BatchError::Identity(format!(
                "{}: its key is not an age X25519 identity (AGE-SECRET-KEY-1…, as age-keygen writes it)",
                path.display()
            ))
        })?;
        let recipient = inner.to_public().to_string();
        Ok(Identity { inner, recipient })
    }
}

/// A batch checked and decrypted, ready to merge.
#[derive(Debug)]
pub struct Checked {
    /// Its signed header.
    pub header: Header,
    /// What it brings.
    pub incoming: Incoming,
    /// What the check of its account list found.
    pub accounts: super::approved::Accounts,
}

/// Checks and decrypts one batch file's bytes (nothing is written).
pub fn check(bytes: &[u8], hq: &mut Hq, identity: &Identity) -> Result<Checked> {
    let opened = envelope::open(bytes)?;
    let header = &opened.header;
    let key = hq.device_key(&header.device_id)?.ok_or_else(|| BatchError::UnknownDevice(header.device_id.clone()))?;
    let key = VerifyingKey::from_bytes(&key).map_err(|_| BatchError::UnknownDevice(header.device_id.clone()))?;
    opened.verify(&key)?;
    if !header.recipients.contains(&identity.recipient) {
        return Err(BatchError::NotForUs(identity.recipient.clone()));
    }
    if let Some(digest) = hq.imported_digest(&header.device_id, header.seq)?
        && digest != header.payload_sha256
    {
        return Err(BatchError::OutOfSequence { device: header.device_id.clone(), seq: header.seq });
    }
    let plain = Zeroizing::new(opened.decrypt(&identity.inner)?);
    let (line, incoming) = payload::read(&plain)?;
    validate::validate(header, &line, &incoming)?;
    let (accounts_version, later) = hq.roster_versions_around(&header.device_id, header.seq)?;
    let seen = super::approved::Seen { format: hq.device_format(&header.device_id)?, accounts_version, later };
    let accounts = super::approved::check(header, &incoming, &key, seen)?;
    Ok(Checked { header: opened.header.clone(), incoming, accounts })
}

/// One file imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// The laptop.
    pub device_id: String,
    /// The batch number.
    pub seq: i64,
    /// What changed.
    pub counts: Counts,
    /// A batch with a higher number, imported before, that carried an older account list.
    pub rolled_back: Option<(i64, u64)>,
}

/// Checks and merges one file.
pub fn import_file(hq: &mut Hq, identity: &Identity, path: &Path) -> Result<Imported> {
    let bytes = crate::limits::read_regular_file(path, crate::limits::BATCH_FILE_BYTES).map_err(BatchError::Io)?;
    let checked = check(&bytes, hq, identity)?;
    let h = &checked.header;
    let counts = hq.merge(
        &h.device_id,
        (h.seq, h.format, checked.accounts.version),
        &h.payload_sha256,
        &path.to_string_lossy(),
        &checked.incoming,
    )?;
    Ok(Imported { device_id: h.device_id.clone(), seq: h.seq, counts, rolled_back: checked.accounts.rolled_back })
}

/// The (device, batch number) a file says it is, from its first lines, to sort files by.
fn peek(path: &Path) -> Option<(String, i64)> {
    let mut head = Vec::new();
    std::fs::File::open(path).ok()?.take(1 << 20).read_to_end(&mut head).ok()?;
    envelope::open(&head).ok().map(|o| (o.header.device_id, o.header.seq))
}

/// Imports `files` in (laptop, batch number) order; each one is all or nothing. `before_each`
/// is told the number of each file (from 0), how many there are, and its path, before it is
/// imported. Then call [`refresh_views`].
pub fn import_files(
    hq: &mut Hq,
    identity: &Identity,
    files: &[PathBuf],
    mut before_each: impl FnMut(usize, usize, &Path),
) -> Vec<(PathBuf, Result<Imported>)> {
    let mut order: Vec<(Option<(String, i64)>, &PathBuf)> = files.iter().map(|f| (peek(f), f)).collect();
    order.sort();
    let n = order.len();
    order
        .into_iter()
        .enumerate()
        .map(|(i, (_, f))| {
            before_each(i, n, f);
            (f.clone(), import_file(hq, identity, f))
        })
        .collect()
}

/// Makes the analysts' views of every form anew where its newest version changed them.
pub fn refresh_views(hq: &mut Hq) -> Result<()> {
    for form_id in hq.form_ids()? {
        let Some((hash, _, definition)) = hq.form_versions(&form_id)?.pop() else { continue };
        let form = crate::form::from_definition(&definition)
            .map_err(|e| BatchError::Invalid(format!("the form version {hash}: {e}")))?;
        let (views, labels) = crate::flat::views::views(&form);
        hq.replace_views(&form_id, &views, &labels)?;
    }
    Ok(())
}

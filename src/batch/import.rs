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

use crate::store::hq::views::{Label, View};
use crate::store::hq::{Counts, Hq};

use super::checking::Checked;
use super::envelope;
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
    /// The k the laptop applied (batches of older laptops do not say).
    pub k: Option<usize>,
}

impl Imported {
    /// The k the batch was written with, when below the default: its records may be told apart
    /// in groups that small, and the analysts' views show them as they came.
    pub fn small_k(&self) -> Option<usize> {
        self.k.filter(|&k| k < crate::batch::anonymise::Options::default().k)
    }
}

/// The age part as it is read: counted and hashed, to be checked against the signed header
/// once read whole.
struct Counted<R> {
    inner: R,
    hash: sha2::Sha256,
    len: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use sha2::Digest;
        let n = self.inner.read(buf)?;
        self.hash.update(buf.get(..n).unwrap_or_default());
        self.len += n as u64;
        Ok(n)
    }
}

/// Checks and merges one file, streaming: the header is checked first (the laptop's signature,
/// the recipients, the batch number), then the age part is decrypted, each line checked and
/// merged in one transaction as it comes, and the encrypted part's length and digest compared
/// with the signed header at its end. Any failure, wherever it is found, undoes the
/// transaction: nothing of the file is imported. Memory stays that of a few records.
pub fn import_file(hq: &mut Hq, identity: &Identity, path: &Path) -> Result<Imported> {
    let file = crate::limits::open_regular_file(path, crate::limits::BATCH_FILE_BYTES).map_err(BatchError::Io)?;
    let mut input = std::io::BufReader::with_capacity(1 << 20, file);
    let head = envelope::read_head(&mut input)?;
    let opened = envelope::open(&head)?;
    let header = opened.header.clone();
    let key = hq.device_key(&header.device_id)?.ok_or_else(|| BatchError::UnknownDevice(header.device_id.clone()))?;
    let key = VerifyingKey::from_bytes(&key).map_err(|_| BatchError::UnknownDevice(header.device_id.clone()))?;
    opened.verify_signature(&key)?;
    if !header.recipients.contains(&identity.recipient) {
        return Err(BatchError::NotForUs(identity.recipient.clone()));
    }
    if let Some(digest) = hq.imported_digest(&header.device_id, header.seq)?
        && digest != header.payload_sha256
    {
        return Err(BatchError::OutOfSequence { device: header.device_id.clone(), seq: header.seq });
    }
    let (accounts_version, later) = hq.roster_versions_around(&header.device_id, header.seq)?;
    let seen = super::approved::Seen { format: hq.device_format(&header.device_id)?, accounts_version, later };

    // A changed byte in the age part's own header reads as "not for this identity": tried first
    // on what is buffered, and when the bytes differ from what the laptop signed, that is said.
    let not_for_us = {
        use std::io::BufRead;
        let start = input.fill_buf().map_err(|e| BatchError::Io(format!("cannot read the batch file: {e}")))?;
        envelope::decrypting(start, &identity.inner).err().filter(|e| matches!(e, BatchError::NotForUs(_)))
    };
    let mut body = Counted { inner: input, hash: <sha2::Sha256 as sha2::Digest>::new(), len: 0 };
    if let Some(e) = not_for_us {
        std::io::copy(&mut body, &mut std::io::sink()).map_err(|e| BatchError::Io(e.to_string()))?;
        envelope::check_body(&header, body.len, &super::hex(&sha2::Digest::finalize(body.hash)))?;
        return Err(e);
    }
    let plain = envelope::decrypting(&mut body, &identity.inner)?;
    let mut lines = payload::Lines::new(std::io::BufReader::with_capacity(1 << 20, plain));
    let k = match lines.next_item()? {
        Some(payload::Item::Batch(line)) => {
            validate::batch_line(&header, &line)?;
            line.k
        }
        _ => return Err(BatchError::Invalid("the payload's first line is not its batch line".into())),
    };
    let mut accounts = None;
    let mut forms = std::collections::HashMap::new();
    let mut form_rows = Vec::new();
    let mut next = lines.next_item()?;
    loop {
        match next {
            Some(payload::Item::Accounts(list, signature)) => accounts = Some((list, signature)),
            Some(payload::Item::Form(hash, definition)) => {
                let compiled = validate::form(&hash, &definition)?;
                form_rows.push((hash.clone(), compiled.form.id.clone(), compiled.form.version.clone(), definition));
                forms.insert(hash, compiled);
            }
            _ => break,
        }
        next = lines.next_item()?;
    }
    let (list, checked) = super::approved::list(&header, accounts.as_ref(), &key, seen)?;
    let digest = header.payload_sha256.clone();
    let mut merge = hq.begin_merge(
        &header.device_id,
        (header.seq, header.format, checked.version),
        &digest,
        &path.to_string_lossy(),
        &form_rows,
    )?;
    // Read on one thread, checked on another, merged on this one, a group at a time.
    let checks = super::checking::Checks {
        header: &header,
        forms: &forms,
        verifier: super::approved::verifier(&header, list.as_ref()),
    };
    let (read_tx, read) = super::checking::channel(super::checking::AHEAD);
    let (tx, rx) = super::checking::channel(super::checking::MERGE_AHEAD);
    std::thread::scope(|s| {
        s.spawn(move || super::checking::read_all(&mut lines, next, &read_tx));
        s.spawn(move || super::checking::check_all(read, checks, &tx));
        for group in rx {
            let mut rows = Vec::new();
            for checked in group? {
                match checked {
                    Checked::Record(row) => rows.push(row),
                    Checked::Withdrawal(t) => {
                        merge.records(&std::mem::take(&mut rows))?;
                        merge.withdrawal(&t)?;
                    }
                }
            }
            merge.records(&rows)?;
        }
        Ok::<(), BatchError>(())
    })?;
    // The rest of the age part (nothing, in a batch as written), then its length and digest.
    std::io::copy(&mut body, &mut std::io::sink()).map_err(|e| BatchError::Io(e.to_string()))?;
    envelope::check_body(&header, body.len, &super::hex(&sha2::Digest::finalize(body.hash)))?;
    // The views come with the records: an import stopped at any point leaves both or neither.
    // Views that cannot be made do not keep the records out: `refresh_views`, after the
    // imports, says why.
    for (form_id, hash, definition) in merge.newest_forms()? {
        if let Ok((views, labels)) = views_of(&hash, &definition) {
            let _ = merge.replace_views(&form_id, &views, &labels);
        }
    }
    let counts = merge.finish()?;
    Ok(Imported { device_id: header.device_id.clone(), seq: header.seq, counts, rolled_back: checked.rolled_back, k })
}

/// The (device, batch number) a file says it is, from its first lines, to sort files by.
fn peek(path: &Path) -> Option<(String, i64)> {
    let mut head = Vec::new();
    // Only a regular file is opened (opening a named pipe would wait for a writer forever).
    crate::limits::open_regular_file(path, crate::limits::BATCH_FILE_BYTES)
        .ok()?
        .take(1 << 20)
        .read_to_end(&mut head)
        .ok()?;
    envelope::open(&head).ok().map(|o| (o.header.device_id, o.header.seq))
}

/// Imports `files` in (laptop, batch number) order; each one is all or nothing. `before_each`
/// is told the number of each file (from 0), how many there are, and its path, before it is
/// imported, and `after_each` its result once it is. Then call [`refresh_views`].
pub fn import_files(
    hq: &mut Hq,
    identity: &Identity,
    files: &[PathBuf],
    mut before_each: impl FnMut(usize, usize, &Path),
    mut after_each: impl FnMut(&Path, &Result<Imported>),
) -> Vec<(PathBuf, Result<Imported>)> {
    let mut order: Vec<(Option<(String, i64)>, &PathBuf)> = files.iter().map(|f| (peek(f), f)).collect();
    order.sort();
    let n = order.len();
    order
        .into_iter()
        .enumerate()
        .map(|(i, (_, f))| {
            before_each(i, n, f);
            let result = import_file(hq, identity, f);
            after_each(f, &result);
            (f.clone(), result)
        })
        .collect()
}

/// Why the analysts' views of a form could not be made (worded by [`crate::errors::views_failed`]).
#[derive(Debug)]
pub struct ViewFailure {
    /// The form, or none when the forms could not even be listed.
    pub form_id: Option<String>,
    /// What stopped them.
    pub why: ViewWhy,
}

/// What stopped a form's views.
#[derive(Debug)]
pub enum ViewWhy {
    /// Its stored newest version cannot be read.
    Form {
        /// The version's hash.
        hash: String,
        /// The form reader's words.
        detail: String,
    },
    /// The database refused them.
    Store(crate::store::StoreError),
}

/// Makes the analysts' views of every form anew where its newest version changed them (each
/// import makes its forms' own; this makes those a new release of fourmi lays out otherwise).
/// Every form is tried; the failures name each form whose views could not be made.
pub fn refresh_views(hq: &mut Hq) -> std::result::Result<(), Vec<ViewFailure>> {
    let mut failed = Vec::new();
    for form_id in hq.form_ids().map_err(|e| vec![ViewFailure { form_id: None, why: ViewWhy::Store(e) }])? {
        let made = hq.form_versions(&form_id).map_err(ViewWhy::Store).and_then(|versions| {
            let Some((hash, _, definition)) = versions.last() else { return Ok(()) };
            let (views, labels) = views_of(hash, definition)?;
            hq.replace_views(&form_id, &views, &labels).map_err(ViewWhy::Store)
        });
        if let Err(why) = made {
            failed.push(ViewFailure { form_id: Some(form_id), why });
        }
    }
    if failed.is_empty() { Ok(()) } else { Err(failed) }
}

/// The views (and labels) of form version `hash`.
fn views_of(hash: &str, definition: &str) -> std::result::Result<(Vec<View>, Vec<Label>), ViewWhy> {
    let form =
        crate::form::from_definition(definition).map_err(|detail| ViewWhy::Form { hash: hash.to_string(), detail })?;
    Ok(crate::flat::views::views(&form))
}

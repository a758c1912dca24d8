//! Writing a batch: read what it carries, anonymise it (the report comes first), serialise,
//! encrypt to the deployment's recipients, sign, and write through a temporary file renamed at
//! the end, so a pulled USB stick never leaves a half batch that looks whole.

use std::collections::HashMap;
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use ed25519_dalek::SigningKey;

use crate::form::Compiled;
use crate::store::hq::Record;
use crate::store::{ExportSet, Selection, Store, Tombstone};

use super::anonymise::{Options, Report, anonymise};
use super::envelope::{self, Header};
use super::payload::{self, BatchLine};
use super::{BatchError, Result};

/// A batch ready to be written: anonymised records, withdrawals, form versions, and the report.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The records, anonymised.
    pub records: Vec<Record>,
    /// The withdrawals.
    pub tombstones: Vec<Tombstone>,
    /// The form versions: (hash, definition).
    pub forms: Vec<(String, String)>,
    /// What anonymisation did.
    pub report: Report,
    /// Approved records left out for want of recorded consent.
    pub without_consent: i64,
    /// Approved records left out because their approval does not verify.
    pub unapproved: Vec<String>,
    /// The laptop's signed account list (JSON, signature), which names the approvers.
    pub accounts: Option<(String, String)>,
    /// Withdrawals left out because they are not signed (withdrawn before withdrawals were).
    pub unsigned_withdrawals: Vec<String>,
}

/// Who writes the batch, and for whom.
pub struct Signer {
    /// This laptop.
    pub device_id: String,
    /// The batch number.
    pub seq: i64,
    /// The batch it repeats.
    pub reexport_of: Option<i64>,
    /// The device's signing key (wiped when dropped).
    pub key: SigningKey,
    /// The deployment's recipients.
    pub recipients: Vec<String>,
    /// When.
    pub created_at: String,
}

/// A written batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The file.
    pub path: PathBuf,
    /// SHA-256 of its age part (the header's `payload_sha256`, which headquarters records too).
    pub digest: String,
    /// The records it carries.
    pub records: Vec<String>,
    /// The withdrawals it carries.
    pub tombstones: Vec<String>,
}

/// Anonymises what `set` carries and builds the report.
pub fn prepare(set: ExportSet, opts: &Options) -> Result<Prepared> {
    let mut compiled: HashMap<String, Compiled> = HashMap::new();
    for (hash, definition) in &set.forms {
        let form = crate::form::from_definition(definition)
            .map_err(|e| BatchError::Invalid(format!("the stored form version {hash}: {e}")))?;
        compiled.insert(hash.clone(), form);
    }
    let mut records: Vec<Record> = set
        .records
        .into_iter()
        .map(|r| {
            let row = r.row;
            Record {
                uuid: row.uuid,
                form_hash: row.form_hash,
                form_id: row.form_id,
                form_version: row.form_version,
                monitor: row.monitor,
                device_id: row.device_id,
                started_at: row.started_at,
                completed_at: row.completed_at,
                language: row.language,
                consent_interview: row.consent_interview == Some(true),
                consent_at: row.consent_at,
                consent_recontact: row.consent_recontact,
                status: row.status.as_str().to_string(),
                revision: row.revision,
                answers: match row.answers {
                    serde_json::Value::Object(m) => m,
                    _ => serde_json::Map::new(),
                },
                history: r.history,
                approval: r.approval,
            }
        })
        .collect();
    let report = anonymise(&mut records, &compiled, opts);
    Ok(Prepared {
        records,
        tombstones: set.tombstones,
        forms: set.forms,
        report,
        without_consent: set.without_consent,
        unapproved: set.unapproved,
        accounts: set.accounts,
        unsigned_withdrawals: set.unsigned_withdrawals,
    })
}

/// The batch file's name: `fourmi-<first 8 of the device id>-<number>.batch`.
pub fn file_name(device_id: &str, seq: i64) -> String {
    let short: String = device_id.chars().filter(char::is_ascii_alphanumeric).take(8).collect();
    format!("fourmi-{short}-{seq:05}.batch")
}

/// Writes the batch file into `out` in one pass (the age part is never held in memory whole):
/// room for the signed first lines, the age part as it is encrypted, then the first lines, whose
/// length does not depend on the age part's. `progress` counts the records serialised and
/// encrypted. Returns the age part's SHA-256, as the signed header gives it.
pub fn encode<W: Write + Seek + Send>(
    prepared: &Prepared,
    signer: &Signer,
    coarsen: &str,
    progress: &AtomicUsize,
    out: &mut W,
) -> Result<String> {
    let io = |e: std::io::Error| BatchError::Io(format!("cannot write the batch: {e}"));
    let header = Header {
        format: envelope::FORMAT,
        device_id: signer.device_id.clone(),
        seq: signer.seq,
        reexport_of: signer.reexport_of,
        created_at: signer.created_at.clone(),
        recipients: signer.recipients.clone(),
        payload_sha256: String::new(),
        payload_bytes: 0,
    };
    let room = envelope::head_len(header.clone(), &signer.key);
    out.write_all(&vec![b' '; room]).map_err(io)?;
    let line = BatchLine {
        format: envelope::FORMAT,
        device_id: signer.device_id.clone(),
        seq: signer.seq,
        created_at: signer.created_at.clone(),
        coarsen: coarsen.to_string(),
        k: Some(prepared.report.k),
    };
    let (len, digest) = envelope::encrypt_into(&signer.recipients, &mut *out, |enc| {
        payload::write_to(
            enc,
            &line,
            prepared.accounts.as_ref(),
            &prepared.forms,
            &prepared.records,
            &prepared.tombstones,
            |n| progress.store(n, Ordering::Relaxed),
        )
    })?;
    let head = envelope::seal(header, &signer.key, &digest, len);
    if head.len() != room {
        return Err(BatchError::Io("the batch's first lines did not keep their length".into()));
    }
    out.seek(SeekFrom::Start(0)).and_then(|_| out.write_all(&head)).and_then(|_| out.flush()).map_err(io)?;
    Ok(digest)
}

/// Fails unless `dir` is a folder (checked before a batch number is taken, so a mistyped folder
/// or a missing USB stick does not use one up).
pub fn check_folder(dir: &Path) -> Result<()> {
    let id = match dir.metadata() {
        Ok(m) if m.is_dir() => return Ok(()),
        Ok(_) => "err-not-a-folder",
        Err(_) => "err-folder-missing",
    };
    Err(BatchError::Said(crate::i18n::Said::new(id, &[("dir", dir.display().to_string())])))
}

/// Writes the batch into `dir` (a temporary file, flushed, then renamed).
pub fn write(prepared: &Prepared, signer: &Signer, dir: &Path, progress: &AtomicUsize) -> Result<Written> {
    let path = dir.join(file_name(&signer.device_id, signer.seq));
    if path.exists() {
        return Err(BatchError::Said(crate::i18n::Said::new(
            "err-batch-file-exists",
            &[("file", path.display().to_string())],
        )));
    }
    check_folder(dir)?;
    let coarsen = prepared.report.coarsen.as_str();
    let digest = crate::store::write_atomically_with(&path, |f| encode(prepared, signer, coarsen, progress, f))?;
    Ok(Written {
        path,
        digest,
        records: prepared.records.iter().map(|r| r.uuid.clone()).collect(),
        tombstones: prepared.tombstones.iter().map(|t| t.uuid.clone()).collect(),
    })
}

impl Prepared {
    /// Records already at headquarters, anonymised for a flat export, with their report.
    pub fn of_records(records: Vec<Record>, report: Report) -> Prepared {
        Prepared {
            records,
            tombstones: Vec::new(),
            forms: Vec::new(),
            report,
            without_consent: 0,
            unapproved: Vec::new(),
            accounts: None,
            unsigned_withdrawals: Vec::new(),
        }
    }
}

/// The options a batch is written with: for a batch written again, those it was first written
/// with (the same records anonymised otherwise could be joined with the first), else `opts`.
pub fn same_as_before(store: &Store, selection: &Selection, opts: &Options) -> Result<Options> {
    match selection {
        Selection::Again(seq) => Ok(store.batch_options(*seq)?.and_then(|o| Options::from_ledger(&o)).unwrap_or(*opts)),
        _ => Ok(*opts),
    }
}

/// Refuses a selection whose records cannot reach the k (or l) asked: too few of them, even
/// with every quasi-identifier hidden.
pub fn check_reached(prepared: &Prepared) -> Result<()> {
    let r = &prepared.report;
    match r.forms.iter().find(|f| f.disclosure.short) {
        None => Ok(()),
        // k holds: l is what falls short.
        Some(f) if f.disclosure.k_reached >= r.k => Err(BatchError::Said(crate::i18n::Said::new(
            "err-l-unreachable",
            &[
                ("form", f.form_id.clone()),
                ("l", r.l.to_string()),
                ("reached", f.disclosure.l_reached.unwrap_or_default().to_string()),
                ("list", f.disclosure.sensitive.join(", ")),
                ("k", r.k.to_string()),
            ],
        ))),
        Some(f) => Err(BatchError::Said(crate::i18n::Said::new(
            "err-k-unreachable",
            &[
                ("form", f.form_id.clone()),
                ("k", r.k.to_string()),
                ("reached", f.disclosure.k_reached.to_string()),
                ("n", f.disclosure.records.to_string()),
            ],
        ))),
    }
}

/// Everything at once, as the command line does it: the next batch number, the selection read,
/// anonymised, written into `dir`, and the ledger updated (or the batch marked failed).
pub fn export(store: &mut Store, selection: &Selection, opts: &Options, dir: &Path) -> Result<(Written, Prepared)> {
    if matches!(selection, Selection::Reviewed(_)) {
        return Err(BatchError::Io("a batch carries what no batch carried yet, or a past batch again".into()));
    }
    let opts = &same_as_before(store, selection, opts)?;
    let set = store.export_set(selection)?;
    let prepared = prepare(set, opts)?;
    if prepared.records.is_empty() && prepared.tombstones.is_empty() {
        return Err(BatchError::Said(crate::i18n::Said::new("cli-nothing-to-export", &[])));
    }
    check_reached(&prepared)?;
    let reexport_of = match selection {
        Selection::Again(seq) => Some(*seq),
        Selection::Next(_) | Selection::Reviewed(_) => None,
    };
    check_folder(dir)?;
    let signer = signer(store, reexport_of, opts, dir)?;
    let seq = signer.seq;
    match write(&prepared, &signer, dir, &AtomicUsize::new(0)) {
        Ok(w) => {
            store.finish_batch(seq, &w.path.to_string_lossy(), &w.digest, &w.records, &w.tombstones)?;
            Ok((w, prepared))
        }
        Err(e) => {
            let _ = store.fail_batch(seq, &e.to_string());
            Err(e)
        }
    }
}

/// Takes the next batch number for a batch to be written into `dir`, and what signing needs
/// (coordinators). The ledger knows the file from now on, so that a write cut short is marked
/// failed, and its temporary file removed, the next time the store is opened.
pub fn signer(store: &mut Store, reexport_of: Option<i64>, opts: &Options, dir: &Path) -> Result<Signer> {
    let recipients = store.recipients()?;
    if recipients.is_empty() {
        return Err(BatchError::NoRecipients);
    }
    let key = store.device_signing_key()?;
    let device_id = store.device_id().to_string();
    let seq = store.begin_batch(reexport_of, &opts.to_ledger(), &|seq| dir.join(file_name(&device_id, seq)))?;
    Ok(Signer {
        device_id: store.device_id().to_string(),
        seq,
        reexport_of,
        key,
        recipients,
        created_at: crate::expr::format_datetime(&chrono::Utc::now().fixed_offset()),
    })
}

//! The payload inside the encryption: JSON lines, each an object with a `kind`.
//!
//! ```text
//! {"kind":"batch","format":1,"device_id":"…","seq":3,"created_at":"…","coarsen":"none"}
//! {"kind":"form","hash":"…","definition":"<the form's TOML>"}          one per form version
//! {"kind":"record","uuid":"…","form_hash":"…",…,"answers":{…},"history":[…]}
//! {"kind":"tombstone","uuid":"…","form_id":"…","withdrawn_at":"…"}
//! {"kind":"end","records":120,"tombstones":2}
//! ```

use crate::store::Tombstone;
use crate::store::hq::{Incoming, Record};

use super::{BatchError, Result};

/// The first line: which batch this is (it repeats the signed header, so the payload cannot be
/// moved under another header).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BatchLine {
    /// Format version (1).
    pub format: u32,
    /// The laptop.
    pub device_id: String,
    /// Batch number.
    pub seq: i64,
    /// When it was written.
    pub created_at: String,
    /// How timestamps were coarsened (`none`, `day`, `month`).
    pub coarsen: String,
}

#[derive(serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Out<'a> {
    Batch(&'a BatchLine),
    Form { hash: &'a str, definition: &'a str },
    Record(&'a Record),
    Tombstone(&'a Tombstone),
    End { records: usize, tombstones: usize },
}

#[derive(serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum In {
    Batch(BatchLine),
    Form { hash: String, definition: String },
    Record(Box<Record>),
    Tombstone(Tombstone),
    End { records: usize, tombstones: usize },
}

/// Writes the payload; `progress` is called after each record.
pub fn write(
    batch: &BatchLine,
    forms: &[(String, String)],
    records: &[Record],
    tombstones: &[Tombstone],
    mut progress: impl FnMut(usize),
) -> Vec<u8> {
    let mut out = Vec::with_capacity(records.len() * 1024 + 4096);
    let mut line = |item: &Out| {
        // Serialising these plain structs cannot fail.
        let _ = serde_json::to_writer(&mut out, item);
        out.push(b'\n');
    };
    line(&Out::Batch(batch));
    for (hash, definition) in forms {
        line(&Out::Form { hash, definition });
    }
    for (i, r) in records.iter().enumerate() {
        line(&Out::Record(r));
        progress(i + 1);
    }
    for t in tombstones {
        line(&Out::Tombstone(t));
    }
    line(&Out::End { records: records.len(), tombstones: tombstones.len() });
    out
}

/// Reads a payload back, checking its shape: a batch line first, an end line last whose
/// counts match.
pub fn read(bytes: &[u8]) -> Result<(BatchLine, Incoming)> {
    let bad = |n: usize, why: &str| BatchError::Invalid(format!("line {n} of the payload: {why}"));
    let mut batch = None;
    let mut incoming = Incoming::default();
    let mut ended = false;
    for (i, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let n = i + 1;
        if raw.is_empty() {
            continue;
        }
        if ended {
            return Err(bad(n, "data after the end line"));
        }
        let item: In = serde_json::from_slice(raw).map_err(|e| bad(n, &e.to_string()))?;
        match (item, &batch) {
            (In::Batch(b), None) if n == 1 => batch = Some(b),
            (In::Batch(_), _) => return Err(bad(n, "a second batch line")),
            (_, None) => return Err(bad(n, "the batch line is missing")),
            (In::Form { hash, definition }, _) => incoming.forms.push((hash, definition)),
            (In::Record(r), _) => incoming.records.push(*r),
            (In::Tombstone(t), _) => incoming.tombstones.push(t),
            (In::End { records, tombstones }, _) => {
                if records != incoming.records.len() || tombstones != incoming.tombstones.len() {
                    return Err(bad(n, "the counts do not match the lines above"));
                }
                ended = true;
            }
        }
    }
    match batch {
        Some(b) if ended => Ok((b, incoming)),
        _ => Err(BatchError::Damaged("the payload has no end line".into())),
    }
}

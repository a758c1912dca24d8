//! The payload inside the encryption: JSON lines, each an object with a `kind`.
//!
//! ```text
//! {"kind":"batch","format":2,"device_id":"…","seq":3,"created_at":"…","coarsen":"none"}
//! {"kind":"accounts","list":"<the signed account list>","signature":"…"}  format 2 on
//! {"kind":"form","hash":"…","definition":"<the form's TOML>"}          one per form version
//! {"kind":"record","uuid":"…","form_hash":"…",…,"answers":{…},"history":[…]}
//! {"kind":"tombstone","uuid":"…","form_id":"…","withdrawn_at":"…"}
//! {"kind":"end","records":120,"tombstones":2}
//! ```

#![deny(clippy::indexing_slicing)]

use crate::store::Tombstone;
use crate::store::hq::{Incoming, Record};

use super::{BatchError, Result};

/// The first line: which batch this is (it repeats the signed header, so the payload cannot be
/// moved under another header).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BatchLine {
    /// Format version (as the header's).
    pub format: u32,
    /// The laptop.
    pub device_id: String,
    /// Batch number.
    pub seq: i64,
    /// When it was written.
    pub created_at: String,
    /// How timestamps were coarsened (`none`, `day`, `month`).
    pub coarsen: String,
    /// The k its records were made k-anonymous for (absent from older laptops' batches).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub k: Option<usize>,
}

#[derive(serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Out<'a> {
    Batch(&'a BatchLine),
    Accounts { list: &'a str, signature: &'a str },
    Form { hash: &'a str, definition: &'a str },
    Record(&'a Record),
    Tombstone(&'a Tombstone),
    End { records: usize, tombstones: usize },
}

#[derive(serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum In {
    Batch(BatchLine),
    Accounts { list: String, signature: String },
    Form { hash: String, definition: String },
    Record(Box<Record>),
    Tombstone(Tombstone),
    End { records: usize, tombstones: usize },
}

/// A line's kind alone (the rest of the line is skipped, not kept).
#[derive(serde::Deserialize)]
struct Kind<'a> {
    #[serde(borrow)]
    kind: std::borrow::Cow<'a, str>,
}

/// Records serialised per chunk: big enough to amortise the threads, small enough for a smooth
/// progress bar and little memory in flight.
const CHUNK: usize = 1000;

fn line(out: &mut Vec<u8>, item: &Out) {
    // Serialising these plain structs into memory cannot fail.
    let _ = serde_json::to_writer(&mut *out, item);
    out.push(b'\n');
}

/// Writes the payload into `sink`; `progress` is called with the records written so far. The
/// records are serialised on two threads, chunk by chunk, while `sink` (the encryption) takes
/// the chunks in order on this one.
pub fn write_to(
    sink: &mut dyn std::io::Write,
    batch: &BatchLine,
    accounts: Option<&(String, String)>,
    forms: &[(String, String)],
    records: &[Record],
    tombstones: &[Tombstone],
    mut progress: impl FnMut(usize),
) -> std::io::Result<()> {
    let mut head = Vec::new();
    line(&mut head, &Out::Batch(batch));
    if let Some((list, signature)) = accounts {
        line(&mut head, &Out::Accounts { list, signature });
    }
    for (hash, definition) in forms {
        line(&mut head, &Out::Form { hash, definition });
    }
    sink.write_all(&head)?;
    let chunks: Vec<&[Record]> = records.chunks(CHUNK).collect();
    type Buffer = zeroize::Zeroizing<Vec<u8>>;
    std::thread::scope(|scope| -> std::io::Result<()> {
        let mut lanes = Vec::new();
        for lane in 0..2 {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Buffer>(2);
            // Written buffers come back to be filled again (fresh ones of a megabyte each would
            // be fresh pages from the system every time, a quarter of the export's time).
            let (back, returned) = std::sync::mpsc::channel::<Buffer>();
            let mine: Vec<&[Record]> = chunks.iter().skip(lane).step_by(2).copied().collect();
            scope.spawn(move || {
                for chunk in mine {
                    let mut buf = returned.try_recv().unwrap_or_default();
                    buf.clear();
                    for r in chunk {
                        line(&mut buf, &Out::Record(r));
                    }
                    if tx.send(buf).is_err() {
                        return;
                    }
                }
            });
            lanes.push((rx, back));
        }
        let mut done = 0;
        for (chunk, (lane, back)) in chunks.iter().zip(lanes.iter().cycle()) {
            let buf = lane.recv().map_err(|_| std::io::Error::other("a serialising thread stopped"))?;
            sink.write_all(&buf)?;
            // The lane may have finished: the buffer is then zeroed as it is dropped.
            let _ = back.send(buf);
            done += chunk.len();
            progress(done);
        }
        Ok(())
    })?;
    let mut tail = Vec::new();
    for t in tombstones {
        line(&mut tail, &Out::Tombstone(t));
    }
    line(&mut tail, &Out::End { records: records.len(), tombstones: tombstones.len() });
    sink.write_all(&tail)
}

/// About how many bytes the payload of `records` and `forms` takes, from a sample of the records,
/// generously (to reserve memory once: what is reserved and not written costs nothing).
pub fn size_estimate(forms: &[(String, String)], records: &[Record]) -> usize {
    let step = (records.len() / 200).max(1);
    let sample: Vec<&Record> = records.iter().step_by(step).collect();
    let sampled: usize = sample.iter().map(|r| serde_json::to_vec(&Out::Record(r)).map_or(0, |v| v.len() + 1)).sum();
    let per_record = sampled / sample.len().max(1);
    let forms: usize = forms.iter().map(|(h, d)| h.len() + d.len() * 2 + 64).sum();
    per_record.saturating_mul(records.len()).saturating_mul(5) / 4 + forms + (64 << 10)
}

/// The payload in memory.
pub fn write(
    batch: &BatchLine,
    accounts: Option<&(String, String)>,
    forms: &[(String, String)],
    records: &[Record],
    tombstones: &[Tombstone],
    progress: impl FnMut(usize),
) -> Vec<u8> {
    let mut out = Vec::with_capacity(size_estimate(forms, records));
    // Writing into memory cannot fail.
    let _ = write_to(&mut out, batch, accounts, forms, records, tombstones, progress);
    out
}

/// One line of a payload, as [`Lines`] gives them.
#[derive(Debug)]
pub enum Item {
    /// The batch line (always first).
    Batch(BatchLine),
    /// The signed account list: its JSON and the laptop's signature.
    Accounts(String, String),
    /// A form version: hash, definition.
    Form(String, String),
    /// A record.
    Record(Box<Record>),
    /// A withdrawal.
    Tombstone(Tombstone),
}

/// The longest payload line read (a form definition, or a record with long texts).
pub const MAX_LINE: u64 = 64 << 20;

/// Reads a payload line by line, checking its shape as it goes: a batch line first, at most one
/// account list, an end line last whose counts match; nothing after it.
pub struct Lines<R> {
    input: R,
    n: usize,
    batch: bool,
    accounts: bool,
    records: usize,
    tombstones: usize,
    ended: bool,
    line: Vec<u8>,
}

impl<R: std::io::BufRead> Lines<R> {
    /// Lines of `input`.
    pub fn new(input: R) -> Lines<R> {
        Lines { input, n: 0, batch: false, accounts: false, records: 0, tombstones: 0, ended: false, line: Vec::new() }
    }

    /// The next item; `None` after the end line (and nothing but empty lines after it).
    pub fn next_item(&mut self) -> Result<Option<Item>> {
        use std::io::{BufRead, Read};
        loop {
            let bad = |n: usize, why: &str| BatchError::Invalid(format!("line {n} of the payload: {why}"));
            use zeroize::Zeroize;
            self.line.zeroize();
            self.line.clear();
            let read = (&mut self.input)
                .take(MAX_LINE + 1)
                .read_until(b'\n', &mut self.line)
                .map_err(|e| BatchError::Damaged(format!("cannot decrypt: {e}")))?;
            if read == 0 {
                return if self.ended {
                    Ok(None)
                } else {
                    Err(BatchError::Damaged("the payload has no end line".into()))
                };
            }
            self.n += 1;
            let n = self.n;
            if self.line.len() as u64 > MAX_LINE {
                return Err(bad(n, "longer than any line fourmi writes"));
            }
            let raw = self.line.strip_suffix(b"\n").unwrap_or(&self.line);
            if raw.is_empty() {
                continue;
            }
            if self.ended {
                return Err(bad(n, "data after the end line"));
            }
            // Most lines are records: read as one at once (a record ignores `kind`), without the
            // tagged enum's first pass that copies the whole line into a tree of values.
            let item: In = match serde_json::from_slice::<Kind>(raw) {
                Ok(k) if k.kind == "record" => serde_json::from_slice(raw).map(In::Record),
                _ => serde_json::from_slice(raw),
            }
            .map_err(|e| bad(n, &e.to_string()))?;
            return match item {
                In::Batch(b) if n == 1 => {
                    self.batch = true;
                    Ok(Some(Item::Batch(b)))
                }
                In::Batch(_) => Err(bad(n, "a second batch line")),
                _ if !self.batch => Err(bad(n, "the batch line is missing")),
                In::Accounts { .. } if self.accounts => Err(bad(n, "a second account list")),
                In::Accounts { list, signature } => {
                    self.accounts = true;
                    Ok(Some(Item::Accounts(list, signature)))
                }
                In::Form { hash, definition } => Ok(Some(Item::Form(hash, definition))),
                In::Record(r) => {
                    self.records += 1;
                    Ok(Some(Item::Record(r)))
                }
                In::Tombstone(t) => {
                    self.tombstones += 1;
                    Ok(Some(Item::Tombstone(t)))
                }
                In::End { records, tombstones } => {
                    if records != self.records || tombstones != self.tombstones {
                        return Err(bad(n, "the counts do not match the lines above"));
                    }
                    self.ended = true;
                    continue;
                }
            };
        }
    }

    /// What is left of the input after the payload.
    pub fn into_inner(self) -> R {
        self.input
    }
}

/// Reads a payload back whole, checking its shape as [`Lines`] does.
pub fn read(bytes: &[u8]) -> Result<(BatchLine, Incoming)> {
    let mut lines = Lines::new(bytes);
    let mut batch = None;
    let mut incoming = Incoming::default();
    while let Some(item) = lines.next_item()? {
        match item {
            Item::Batch(b) => batch = Some(b),
            Item::Accounts(list, signature) => incoming.accounts = Some((list, signature)),
            Item::Form(hash, definition) => incoming.forms.push((hash, definition)),
            Item::Record(r) => incoming.records.push(*r),
            Item::Tombstone(t) => incoming.tombstones.push(t),
        }
    }
    batch.map(|b| (b, incoming)).ok_or_else(|| BatchError::Damaged("the payload has no batch line".into()))
}

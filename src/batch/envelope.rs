//! The batch file: four text lines, then the age-encrypted payload.
//!
//! ```text
//! fourmi-batch 1
//! {"format":1,"device_id":"…","seq":3,…,"payload_sha256":"…","payload_bytes":1234}
//! signature <Ed25519 signature of the two lines above, base64>
//! age
//! <the age file: binary, to the end>
//! ```
//!
//! The signature covers the header, and the header holds the digest and length of the age
//! part, so headquarters checks who wrote the batch and that no byte changed before it
//! decrypts anything. `tail -n +5 FILE | age -d -i IDENTITY` gives the payload with the stock
//! age tool.

#![deny(clippy::indexing_slicing)]

use std::io::Write;
use std::str::FromStr;

use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};

use super::{BatchError, Result, sha256_hex};

/// The first line of every batch.
pub const MAGIC: &str = "fourmi-batch 1";

/// The format this fourmi writes: 2 carries the laptop's signed account list and each record's
/// signed approval; 1 (older laptops) carries neither.
pub const FORMAT: u32 = 2;
/// The longest header line read (a batch with thousands of recipients still fits).
const MAX_HEADER: usize = 1 << 20;

/// What the signature covers.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Header {
    /// The file format's version (1, or 2 since batches carry signed approvals).
    pub format: u32,
    /// The laptop that wrote it.
    pub device_id: String,
    /// Its number on that laptop (1, 2, ...).
    pub seq: i64,
    /// The number of the batch it repeats, for a re-export.
    pub reexport_of: Option<i64>,
    /// When it was written.
    pub created_at: String,
    /// The age recipients it is encrypted to, sorted.
    pub recipients: Vec<String>,
    /// SHA-256 of the age part, in hex.
    pub payload_sha256: String,
    /// Length of the age part.
    pub payload_bytes: u64,
}

/// A batch file read back: the header, as verified, and the age part.
#[derive(Debug)]
pub struct Opened<'a> {
    /// The header.
    pub header: Header,
    header_line: &'a [u8],
    signature: Signature,
    /// The age part.
    pub body: &'a [u8],
}

fn signed_bytes(header_line: &[u8]) -> Vec<u8> {
    let mut msg = Vec::with_capacity(MAGIC.len() + 1 + header_line.len());
    msg.extend_from_slice(MAGIC.as_bytes());
    msg.push(b'\n');
    msg.extend_from_slice(header_line);
    msg
}

/// Bytes of the age part handed from the encrypting thread to the writing one at a time.
const BLOCK: usize = 1 << 20;

/// Encrypts with age to `recipients` (each `age1…`) what `fill` writes, on this thread, while
/// another hashes the age part and writes it into `out` (hashing and writing beside encrypting on
/// one thread took half its time). Returns the age part's length and SHA-256 in hex.
pub fn encrypt_into<W: Write + Send>(
    recipients: &[String],
    out: &mut W,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(u64, String)> {
    use sha2::Digest;
    let parsed: Vec<age::x25519::Recipient> = recipients
        .iter()
        .map(|r| {
            age::x25519::Recipient::from_str(r.trim()).map_err(|_| {
                BatchError::Said(crate::i18n::Said::new(
                    "err-not-a-recipient",
                    &[("recipient", r.chars().take(80).collect())],
                ))
            })
        })
        .collect::<Result<_>>()?;
    if parsed.is_empty() {
        return Err(BatchError::NoRecipients);
    }
    let fail = |e: &dyn std::fmt::Display| BatchError::Io(format!("cannot encrypt: {e}"));
    let encryptor =
        age::Encryptor::with_recipients(parsed.iter().map(|r| r as &dyn age::Recipient)).map_err(|e| fail(&e))?;
    std::thread::scope(|scope| {
        let (to_write, blocks) = std::sync::mpsc::sync_channel::<Vec<u8>>(4);
        // Written blocks come back to be filled again (fresh pages from the system for every
        // block cost more than the copy).
        let (back, returned) = std::sync::mpsc::channel::<Vec<u8>>();
        let writer = scope.spawn(move || -> std::io::Result<(u64, [u8; 32])> {
            let (mut hash, mut len) = (sha2::Sha256::new(), 0u64);
            for block in blocks {
                hash.update(&block);
                out.write_all(&block)?;
                len += block.len() as u64;
                let _ = back.send(block);
            }
            out.flush()?;
            Ok((len, hash.finalize().into()))
        });
        let sink = Blocks { block: Vec::with_capacity(BLOCK), to_write, returned };
        let encrypted = encryptor.wrap_output(sink).and_then(|mut enc| {
            fill(&mut enc)?;
            enc.finish()?.hand_over()
        });
        // The writer's own error (a full disk) says more than the encryption's "it stopped".
        let written = writer.join().map_err(|_| fail(&"the writing thread stopped"))?.map_err(|e| fail(&e))?;
        encrypted.map_err(|e| fail(&e))?;
        Ok((written.0, super::hex(&written.1)))
    })
}

/// The encrypted bytes on their way to the writing thread.
struct Blocks {
    block: Vec<u8>,
    to_write: std::sync::mpsc::SyncSender<Vec<u8>>,
    returned: std::sync::mpsc::Receiver<Vec<u8>>,
}

impl Blocks {
    fn hand_over(&mut self) -> std::io::Result<()> {
        let mut next = self.returned.try_recv().unwrap_or_else(|_| Vec::with_capacity(BLOCK));
        next.clear();
        let full = std::mem::replace(&mut self.block, next);
        self.to_write.send(full).map_err(|_| std::io::Error::other("the writing thread stopped"))
    }
}

impl Write for Blocks {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.block.extend_from_slice(buf);
        if self.block.len() >= BLOCK {
            self.hand_over()?;
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Encrypts `plaintext` with age to `recipients`; returns the age file and its SHA-256.
pub fn encrypt(plaintext: &[u8], recipients: &[String]) -> Result<(Vec<u8>, String)> {
    let mut out = Vec::with_capacity(plaintext.len() + plaintext.len() / 4096 + 1024);
    let (_, digest) = encrypt_into(recipients, &mut out, |w| w.write_all(plaintext))?;
    Ok((out, digest))
}

/// The header line as signed: its JSON, padded with spaces to the width it would have with the
/// longest `payload_bytes`, so that the first lines have a length known before the age part is
/// written (a batch is written in one pass, its first lines filled in last). A JSON reader skips
/// the spaces; the signature covers them.
fn header_line(header: &Header) -> String {
    let mut widest = header.clone();
    widest.payload_bytes = u64::MAX;
    widest.payload_sha256 = "0".repeat(64);
    let width = serde_json::to_string(&widest).map_or(0, |l| l.len());
    let line = serde_json::to_string(header).unwrap_or_default();
    format!("{line:width$}")
}

/// The length of the first lines [`seal`] writes for `header` (whatever the age part's length).
pub fn head_len(header: Header, key: &SigningKey) -> usize {
    seal(header, key, &"0".repeat(64), 0).len()
}

/// The file's first four lines, signed with `key`, for an age part of `body_len` bytes whose
/// SHA-256 is `body_sha256` (in hex); the age part follows them.
pub fn seal(mut header: Header, key: &SigningKey, body_sha256: &str, body_len: u64) -> Vec<u8> {
    header.recipients.sort();
    header.payload_sha256 = body_sha256.to_string();
    header.payload_bytes = body_len;
    let line = header_line(&header);
    let signature = key.sign(&signed_bytes(line.as_bytes()));
    let sig = base64::engine::general_purpose::STANDARD.encode(signature.to_bytes());
    format!("{MAGIC}\n{line}\nsignature {sig}\nage\n").into_bytes()
}

/// The first lines end too soon: a batch cut short when its first line is a batch's, else
/// something else.
fn lines_missing(read: &[u8]) -> BatchError {
    if read.starts_with(MAGIC.as_bytes()) {
        BatchError::Damaged("it ends before its encrypted part: the file was cut short".into())
    } else {
        BatchError::NotABatch("its first lines are missing".into())
    }
}

/// Splits a file into its parts, without trusting any of them yet.
pub fn open(bytes: &[u8]) -> Result<Opened<'_>> {
    let not = |why: &str| BatchError::NotABatch(why.to_string());
    // The four text lines, each within MAX_HEADER bytes, then the age part.
    let mut rest = bytes;
    let mut line = || -> Result<&[u8]> {
        let window = rest.get(..rest.len().min(MAX_HEADER)).unwrap_or(rest);
        let end = window.iter().position(|&b| b == b'\n').ok_or_else(|| lines_missing(bytes))?;
        let (head, tail) = rest.split_at(end);
        rest = tail.get(1..).unwrap_or(&[]);
        Ok(head)
    };
    let (magic, header_line, signature, age) = (line()?, line()?, line()?, line()?);
    if magic != MAGIC.as_bytes() {
        return Err(not("it does not start with `fourmi-batch 1`"));
    }
    let header: Header = serde_json::from_slice(header_line).map_err(|_| BatchError::Damaged("its header".into()))?;
    if header.format == 0 || header.format > FORMAT {
        return Err(BatchError::NotABatch(format!("format {} is newer than this fourmi", header.format)));
    }
    let sig = signature
        .strip_prefix(b"signature ")
        .and_then(|s| base64::engine::general_purpose::STANDARD.decode(s).ok())
        .and_then(|s| <[u8; 64]>::try_from(s.as_slice()).ok())
        .ok_or_else(|| BatchError::Damaged("its signature line".into()))?;
    if age != b"age" {
        return Err(BatchError::Damaged("the line before the encrypted part".into()));
    }
    Ok(Opened { header, header_line, signature: Signature::from_bytes(&sig), body: rest })
}

/// Reads a batch file's four text lines from `input` (each within the header's limit), leaving
/// `input` at the age part; give them to [`open`].
pub fn read_head(input: &mut impl std::io::BufRead) -> Result<Vec<u8>> {
    use std::io::{BufRead, Read};
    let mut head = Vec::new();
    for _ in 0..4 {
        let before = head.len();
        (&mut *input)
            .take(MAX_HEADER as u64 + 1)
            .read_until(b'\n', &mut head)
            .map_err(|e| BatchError::Io(format!("cannot read the batch file: {e}")))?;
        if head.len() - before > MAX_HEADER {
            return Err(BatchError::NotABatch("its first lines are missing".into()));
        }
        if head.last() != Some(&b'\n') {
            return Err(lines_missing(&head));
        }
    }
    Ok(head)
}

/// A reader of the plaintext of the age part `input` (each chunk is authenticated as it is read;
/// a reading error is damage).
pub fn decrypting<R: std::io::Read>(input: R, identity: &age::x25519::Identity) -> Result<impl std::io::Read + use<R>> {
    let damaged = |e: &dyn std::fmt::Display| BatchError::Damaged(format!("cannot decrypt: {e}"));
    let decryptor = age::Decryptor::new(input).map_err(|e| damaged(&e))?;
    decryptor.decrypt(std::iter::once(identity as &dyn age::Identity)).map_err(|e| match e {
        age::DecryptError::NoMatchingKeys => BatchError::NotForUs(identity.to_public().to_string()),
        other => damaged(&other),
    })
}

/// Checks that the age part has the length and SHA-256 the signed header gives.
pub fn check_body(header: &Header, len: u64, sha256: &str) -> Result<()> {
    if len != header.payload_bytes {
        return Err(BatchError::Damaged(format!(
            "{len} bytes of encrypted data where {} were written; the file was cut short or added to",
            header.payload_bytes
        )));
    }
    if sha256 != header.payload_sha256 {
        return Err(BatchError::Damaged("the encrypted data changed after it was written".into()));
    }
    Ok(())
}

impl Opened<'_> {
    /// Checks the signature of the header with the laptop's key.
    pub fn verify_signature(&self, key: &VerifyingKey) -> Result<()> {
        key.verify(&signed_bytes(self.header_line), &self.signature)
            .map_err(|_| BatchError::BadSignature(self.header.device_id.clone()))
    }

    /// Checks the signature with the laptop's key, then the digest and length of the age part.
    pub fn verify(&self, key: &VerifyingKey) -> Result<()> {
        self.verify_signature(key)?;
        check_body(&self.header, self.body.len() as u64, &sha256_hex(self.body))
    }

    /// Decrypts the (verified) age part with `identity`.
    pub fn decrypt(&self, identity: &age::x25519::Identity) -> Result<Vec<u8>> {
        let mut reader = decrypting(self.body, identity)?;
        let mut out = Vec::with_capacity(self.body.len());
        std::io::Read::read_to_end(&mut reader, &mut out)
            .map_err(|e| BatchError::Damaged(format!("cannot decrypt: {e}")))?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn header(device_id: String, recipients: Vec<String>) -> Header {
        Header {
            format: FORMAT,
            device_id,
            seq: 7,
            reexport_of: None,
            created_at: "2026-03-31T10:00:00Z".into(),
            recipients,
            payload_sha256: String::new(),
            payload_bytes: 0,
        }
    }

    proptest! {
        /// The first lines are written before the age part's length is known, in room made for
        /// them: whatever that length, they fill the room exactly, and read back and verify.
        #[test]
        fn the_first_lines_keep_their_length_whatever_the_age_part(
            device in "[a-z0-9-]{1,40}",
            recipients in proptest::collection::vec("age1[a-z0-9]{10,58}", 1..4),
            len in any::<u64>(),
        ) {
            let key = SigningKey::from_bytes(&[9u8; 32]);
            let h = header(device, recipients);
            let room = head_len(h.clone(), &key);
            let digest = "ab".repeat(32);
            let head = seal(h, &key, &digest, len);
            prop_assert_eq!(head.len(), room);
            let opened = open(&head).unwrap();
            prop_assert_eq!(opened.header.payload_bytes, len);
            prop_assert!(opened.verify_signature(&key.verifying_key()).is_ok());
        }
    }
}

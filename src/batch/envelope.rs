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

/// The age part being written: encrypted as it comes, hashed as it is encrypted.
pub struct Encryptor {
    inner: age::stream::StreamWriter<Hashing>,
}

struct Hashing {
    out: Vec<u8>,
    hash: sha2::Sha256,
}

impl Write for Hashing {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        use sha2::Digest;
        self.hash.update(buf);
        self.out.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Encryptor {
    /// Starts an age file to `recipients` (each `age1…`); `size_hint` is the expected plaintext size.
    pub fn new(recipients: &[String], size_hint: usize) -> Result<Encryptor> {
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
        let sink = Hashing { out: Vec::with_capacity(size_hint + size_hint / 4096 + 1024), hash: Default::default() };
        Ok(Encryptor { inner: encryptor.wrap_output(sink).map_err(|e| fail(&e))? })
    }

    /// Ends the file: the age part and its SHA-256 in hex.
    pub fn finish(self) -> Result<(Vec<u8>, String)> {
        use sha2::Digest;
        let sink = self.inner.finish().map_err(|e| BatchError::Io(format!("cannot encrypt: {e}")))?;
        let digest = super::hex(&sink.hash.finalize());
        Ok((sink.out, digest))
    }
}

impl Write for Encryptor {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.inner.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Encrypts `plaintext` with age to `recipients`; returns the age file and its SHA-256.
pub fn encrypt(plaintext: &[u8], recipients: &[String]) -> Result<(Vec<u8>, String)> {
    let mut e = Encryptor::new(recipients, plaintext.len())?;
    e.write_all(plaintext).map_err(|err| BatchError::Io(format!("cannot encrypt: {err}")))?;
    e.finish()
}

/// The file's first four lines, signed with `key`, for an age part of `body_len` bytes whose
/// SHA-256 is `body_sha256`; the age part follows them.
pub fn seal(mut header: Header, key: &SigningKey, body_sha256: &str, body_len: usize) -> Vec<u8> {
    header.recipients.sort();
    header.payload_sha256 = body_sha256.to_string();
    header.payload_bytes = body_len as u64;
    let line = serde_json::to_string(&header).unwrap_or_default();
    let signature = key.sign(&signed_bytes(line.as_bytes()));
    let sig = base64::engine::general_purpose::STANDARD.encode(signature.to_bytes());
    format!("{MAGIC}\n{line}\nsignature {sig}\nage\n").into_bytes()
}

/// Splits a file into its parts, without trusting any of them yet.
pub fn open(bytes: &[u8]) -> Result<Opened<'_>> {
    let not = |why: &str| BatchError::NotABatch(why.to_string());
    // The four text lines, each within MAX_HEADER bytes, then the age part.
    let mut rest = bytes;
    let mut line = || -> Result<&[u8]> {
        let window = rest.get(..rest.len().min(MAX_HEADER)).unwrap_or(rest);
        let end = window.iter().position(|&b| b == b'\n').ok_or_else(|| not("its first lines are missing"))?;
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
        if head.last() != Some(&b'\n') || head.len() - before > MAX_HEADER + 1 {
            return Err(BatchError::NotABatch("its first lines are missing".into()));
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

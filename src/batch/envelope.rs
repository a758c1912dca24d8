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

use std::io::Write;
use std::str::FromStr;

use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};

use super::{BatchError, Result, sha256_hex};

/// The first line of every batch.
pub const MAGIC: &str = "fourmi-batch 1";
/// The longest header line read (a batch with thousands of recipients still fits).
const MAX_HEADER: usize = 1 << 20;

/// What the signature covers.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Header {
    /// The file format's version (1).
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

/// Encrypts `plaintext` with age to `recipients` (each `age1…`).
pub fn encrypt(plaintext: &[u8], recipients: &[String]) -> Result<Vec<u8>> {
    let parsed: Vec<age::x25519::Recipient> = recipients
        .iter()
        .map(|r| {
            age::x25519::Recipient::from_str(r.trim())
                .map_err(|_| BatchError::Io(format!("`{r}` is not an age recipient; fix it in the settings")))
        })
        .collect::<Result<_>>()?;
    if parsed.is_empty() {
        return Err(BatchError::NoRecipients);
    }
    let encryptor = age::Encryptor::with_recipients(parsed.iter().map(|r| r as &dyn age::Recipient))
        .map_err(|e| BatchError::Io(format!("cannot encrypt: {e}")))?;
    let mut out = Vec::with_capacity(plaintext.len() + 1024);
    let mut w = encryptor.wrap_output(&mut out).map_err(|e| BatchError::Io(format!("cannot encrypt: {e}")))?;
    w.write_all(plaintext)
        .and_then(|_| w.finish().map(|_| ()))
        .map_err(|e| BatchError::Io(format!("cannot encrypt: {e}")))?;
    Ok(out)
}

/// The whole file: header lines signed with `key`, then `body` (the age part). The header's
/// digest and length are set from `body`.
pub fn seal(mut header: Header, key: &SigningKey, body: &[u8]) -> Vec<u8> {
    header.recipients.sort();
    header.payload_sha256 = sha256_hex(body);
    header.payload_bytes = body.len() as u64;
    let line = serde_json::to_string(&header).unwrap_or_default();
    let signature = key.sign(&signed_bytes(line.as_bytes()));
    let sig = base64::engine::general_purpose::STANDARD.encode(signature.to_bytes());
    let mut out = Vec::with_capacity(body.len() + line.len() + 200);
    out.extend_from_slice(format!("{MAGIC}\n{line}\nsignature {sig}\nage\n").as_bytes());
    out.extend_from_slice(body);
    out
}

/// Splits a file into its parts, without trusting any of them yet.
pub fn open(bytes: &[u8]) -> Result<Opened<'_>> {
    let not = |why: &str| BatchError::NotABatch(why.to_string());
    let mut lines = Vec::with_capacity(4);
    let mut start = 0;
    for _ in 0..4 {
        let window = &bytes[start..bytes.len().min(start + MAX_HEADER)];
        let end = window.iter().position(|&b| b == b'\n').ok_or_else(|| not("its first lines are missing"))?;
        lines.push(&bytes[start..start + end]);
        start += end + 1;
    }
    if lines[0] != MAGIC.as_bytes() {
        return Err(not("it does not start with `fourmi-batch 1`"));
    }
    let header: Header = serde_json::from_slice(lines[1]).map_err(|_| BatchError::Damaged("its header".into()))?;
    if header.format != 1 {
        return Err(BatchError::NotABatch(format!("format {} is newer than this fourmi", header.format)));
    }
    let sig = lines[2]
        .strip_prefix(b"signature ")
        .and_then(|s| base64::engine::general_purpose::STANDARD.decode(s).ok())
        .and_then(|s| <[u8; 64]>::try_from(s.as_slice()).ok())
        .ok_or_else(|| BatchError::Damaged("its signature line".into()))?;
    if lines[3] != b"age" {
        return Err(BatchError::Damaged("the line before the encrypted part".into()));
    }
    Ok(Opened { header, header_line: lines[1], signature: Signature::from_bytes(&sig), body: &bytes[start..] })
}

impl Opened<'_> {
    /// Checks the signature with the laptop's key, then the digest and length of the age part.
    pub fn verify(&self, key: &VerifyingKey) -> Result<()> {
        key.verify(&signed_bytes(self.header_line), &self.signature)
            .map_err(|_| BatchError::BadSignature(self.header.device_id.clone()))?;
        if self.body.len() as u64 != self.header.payload_bytes {
            return Err(BatchError::Damaged(format!(
                "{} bytes of encrypted data where {} were written; the file was cut short or added to",
                self.body.len(),
                self.header.payload_bytes
            )));
        }
        if sha256_hex(self.body) != self.header.payload_sha256 {
            return Err(BatchError::Damaged("the encrypted data changed after it was written".into()));
        }
        Ok(())
    }

    /// Decrypts the (verified) age part with `identity`.
    pub fn decrypt(&self, identity: &age::x25519::Identity) -> Result<Vec<u8>> {
        let damaged = |e: &dyn std::fmt::Display| BatchError::Damaged(format!("cannot decrypt: {e}"));
        let decryptor = age::Decryptor::new(self.body).map_err(|e| damaged(&e))?;
        let mut reader = decryptor.decrypt(std::iter::once(identity as &dyn age::Identity)).map_err(|e| match e {
            age::DecryptError::NoMatchingKeys => BatchError::NotForUs(identity.to_public().to_string()),
            other => damaged(&other),
        })?;
        let mut out = Vec::with_capacity(self.body.len());
        std::io::Read::read_to_end(&mut reader, &mut out).map_err(|e| damaged(&e))?;
        Ok(out)
    }
}

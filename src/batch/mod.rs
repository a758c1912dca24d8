//! Batches: the encrypted, signed files that carry approved records from a laptop to
//! headquarters (see `docs/batch-format.md`).
//!
//! Export: [`anonymise`] (personal fields dropped, free text scrubbed, timestamps coarsened, a
//! k-anonymity report), [`payload`] (the JSON lines), [`envelope`] (age encryption to the
//! deployment's recipients, the Ed25519 signature, the file layout), [`export`] (all of it,
//! written atomically). Import: [`import`] (verify, decrypt, validate) and the merge in
//! [`crate::store::hq`].

pub mod anonymise;
pub mod approved;
mod checking;
pub mod disclosure;
pub mod envelope;
pub mod export;
pub mod import;
pub mod payload;
pub mod report;
mod validate;

use crate::store::StoreError;

/// Why a batch could not be written or imported, in words for the user, with what to do (the
/// words are in `assets/i18n/*.ftl`: [`BatchError::said`] in the user's language, `Display` in
/// English).
#[derive(Debug)]
#[non_exhaustive]
pub enum BatchError {
    /// Not a batch file at all.
    NotABatch(String),
    /// Bytes changed or missing.
    Damaged(String),
    /// The laptop is not registered.
    UnknownDevice(String),
    /// The signature does not verify.
    BadSignature(String),
    /// Not encrypted for this headquarters.
    NotForUs(String),
    /// A batch number already imported with other contents.
    OutOfSequence {
        /// The laptop.
        device: String,
        /// The batch number.
        seq: i64,
    },
    /// A record without an approval headquarters can verify.
    Unapproved(String),
    /// Contents that do not fit their form.
    Invalid(String),
    /// No recipient to encrypt to.
    NoRecipients,
    /// The identity file cannot be used.
    Identity(String),
    /// A file could not be read or written.
    Io(String),
    /// A refusal worded for the user in their language (see [`crate::i18n::Said`]).
    Said(crate::i18n::Said),
    /// The store refused.
    Store(StoreError),
}

impl BatchError {
    /// The message, to be worded in the user's language; `None` for a store error (worded as
    /// the store's).
    pub fn said(&self) -> Option<crate::i18n::Said> {
        use crate::i18n::Said;
        let one = |id, detail: &String| Some(Said::new(id, &[("detail", detail.clone())]));
        match self {
            BatchError::NotABatch(d) => one("err-batch-not-a-batch", d),
            BatchError::Damaged(d) => one("err-batch-damaged", d),
            BatchError::UnknownDevice(d) => one("err-batch-unknown-device", d),
            BatchError::BadSignature(d) => one("err-batch-bad-signature", d),
            BatchError::NotForUs(d) => one("err-batch-not-for-us", d),
            BatchError::OutOfSequence { device, seq } => {
                Some(Said::new("err-batch-out-of-sequence", &[("device", device.clone()), ("seq", seq.to_string())]))
            }
            BatchError::Unapproved(d) => one("err-batch-unapproved", d),
            BatchError::Invalid(d) => one("err-batch-invalid", d),
            BatchError::NoRecipients => Some(Said::new("err-no-recipients", &[])),
            BatchError::Identity(d) => one("err-batch-identity", d),
            BatchError::Io(d) => one("err-batch-io", d),
            BatchError::Said(m) => Some(m.clone()),
            BatchError::Store(_) => None,
        }
    }
}

impl std::fmt::Display for BatchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self, self.said()) {
            (BatchError::Store(e), _) => e.fmt(f),
            (_, Some(m)) => m.fmt(f),
            (_, None) => Ok(()),
        }
    }
}

impl std::error::Error for BatchError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BatchError::Store(e) => Some(e),
            _ => None,
        }
    }
}

impl From<StoreError> for BatchError {
    fn from(e: StoreError) -> BatchError {
        BatchError::Store(e)
    }
}

/// Result of a batch operation.
pub type Result<T> = std::result::Result<T, BatchError>;

/// SHA-256 of `bytes`, in hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex(&Sha256::digest(bytes))
}

/// Bytes in lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

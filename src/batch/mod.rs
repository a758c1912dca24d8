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
pub mod envelope;
pub mod export;
pub mod import;
pub mod payload;
mod validate;

use crate::store::StoreError;

/// Why a batch could not be written or imported, in words for the user, with what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BatchError {
    /// Not a batch file at all.
    #[error("this file is not a fourmi batch ({0})")]
    NotABatch(String),
    /// Bytes changed or missing.
    #[error("the batch is damaged ({0}); nothing was imported from it: ask for it again (the laptop can re-export it)")]
    Damaged(String),
    /// The laptop is not registered.
    #[error(
        "the batch comes from a laptop that is not registered here (device {0}); nothing was imported: register it with `fourmi hq devices add` and the line `fourmi device pubkey` prints on that laptop"
    )]
    UnknownDevice(String),
    /// The signature does not verify.
    #[error(
        "the batch's signature does not match laptop {0}: it was changed after it was written, or forged; nothing was imported"
    )]
    BadSignature(String),
    /// Not encrypted for this headquarters.
    #[error(
        "the batch was not encrypted for this headquarters' identity ({0}); nothing was imported: add this recipient on the laptop and export again"
    )]
    NotForUs(String),
    /// A batch number already imported with other contents.
    #[error(
        "batch {seq} of laptop {device} was already imported from a different file; nothing was imported: a laptop never writes two batches with one number, so this one was restored from a backup or forged"
    )]
    OutOfSequence {
        /// The laptop.
        device: String,
        /// The batch number.
        seq: i64,
    },
    /// A record without an approval headquarters can verify.
    #[error(
        "the batch's approvals do not verify ({0}); nothing was imported: the laptop's coordinator exports again with this version of fourmi, and tells headquarters if it keeps happening"
    )]
    Unapproved(String),
    /// Contents that do not fit their form.
    #[error("the batch holds data that does not fit its questionnaire ({0}); nothing was imported")]
    Invalid(String),
    /// No recipient to encrypt to.
    #[error("there is no recipient (headquarters' public key) to encrypt to: add one in the settings, then export")]
    NoRecipients,
    /// The identity file cannot be used.
    #[error("cannot use the identity file {0}")]
    Identity(String),
    /// A file could not be read or written.
    #[error("{0}")]
    Io(String),
    /// A refusal worded for the user in their language (see [`crate::i18n::Said`]).
    #[error("{0}")]
    Said(crate::i18n::Said),
    /// The store refused.
    #[error(transparent)]
    Store(#[from] StoreError),
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

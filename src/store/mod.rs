//! The store: the only SQL in fourmi. An SQLCipher database (encrypted with a random data key that
//! each account's passphrase unseals, see [`keyring`]), migrations, accounts and roles, the
//! device's signing key, recipients, form versions, records and their status, autosave, review,
//! corrections, and a hash-chained audit trail.
//!
//! Every change is one transaction; the database runs in WAL mode with `synchronous = FULL`, so a
//! change reported as saved survives a power cut. Only one process opens a data folder at a time.

mod accounts;
mod approvals;
mod audit;
mod authority;
mod batches;
mod closed;
pub use closed::{MAX_K, MAX_L};
mod files;
mod health;
pub use files::{create_private, create_private_dir, write_atomically, write_atomically_with};
pub use health::{Finding, check_files};
pub use hq::versions::FormVersion;
pub mod hq;
pub mod keyring;
mod queries;
mod records;
mod rekey;
pub mod releases;
pub mod roster;
mod schema;
mod search;
pub mod signatures;
mod tries;

use std::path::{Path, PathBuf};

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

pub use accounts::Account;
pub use approvals::{Approval, Withdrawal};
pub use audit::{AuditRow, ChainBreak};
pub use batches::{BatchRow, ExportRecord, ExportSet, Selection, StatusChange, Tombstone};
pub use queries::{Cancel, Finalised, Reader, RecordFilter, TallyBy};
pub use records::{RecordRow, Status};
pub use releases::{ReleaseEntry, ReleaseRegister};

/// An account's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Interviews; sees and edits only their own drafts and returned records.
    Monitor,
    /// Reviews every record: approves, returns with a comment, withdraws.
    Supervisor,
    /// Everything: accounts, recipients, keys, exports.
    Coordinator,
}

impl Role {
    /// The role named `s` (`monitor`, `supervisor`, `coordinator`).
    pub fn parse(s: &str) -> Option<Role> {
        match s.trim().to_lowercase().as_str() {
            "monitor" => Some(Role::Monitor),
            "supervisor" => Some(Role::Supervisor),
            "coordinator" => Some(Role::Coordinator),
            _ => None,
        }
    }
    /// Its name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Monitor => "monitor",
            Role::Supervisor => "supervisor",
            Role::Coordinator => "coordinator",
        }
    }
}

/// What went wrong, in words for the user, with what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// Another fourmi window or command has this data open.
    #[error("the data in {0} is already open in another fourmi window or command; close it and try again")]
    AlreadyOpen(PathBuf),
    /// No fourmi data here yet.
    #[error("there is no fourmi data in {0} yet; run the first-time setup (`fourmi setup`)")]
    NotSetUp(PathBuf),
    /// Setup already done.
    #[error("fourmi is already set up in {0}; unlock it with an account instead")]
    AlreadySetUp(PathBuf),
    /// The folder holds fourmi's database but not the keyring that opens it.
    #[error(
        "{0} holds fourmi data (fourmi.db) but its keyring.json is missing, and the data cannot be opened without it. Nothing was changed: copy keyring.json back into this folder from a backup of it (the file is only useful with this fourmi.db); setup will not overwrite the data"
    )]
    KeyringMissing(PathBuf),
    /// The folder holds fourmi's keyring but not its database.
    #[error(
        "{0} holds fourmi's keyring.json but its database fourmi.db is missing or empty. Nothing was changed: copy fourmi.db (with fourmi.db-wal if there is one) back into this folder from a backup; setup will not overwrite the keyring"
    )]
    DatabaseMissing(PathBuf),
    /// A refusal worded for the user in their language (see [`crate::i18n::Said`]).
    #[error("{0}")]
    Said(crate::i18n::Said),
    /// Wrong account name or passphrase (deliberately not saying which).
    #[error("the account name or the passphrase is wrong")]
    WrongPassphrase,
    /// The account's keyring entry holds a data key the database no longer has.
    #[error(
        "this account's key no longer opens the data: the laptop's data key was replaced (when a passphrase was reset or an account disabled) before this account had unlocked with this version of fourmi; ask a coordinator to reset its passphrase"
    )]
    KeyReplaced,
    /// Passphrase too short.
    #[error("a passphrase needs at least {0} characters; a few words make a good one")]
    WeakPassphrase(usize),
    /// Passphrase easy to guess; why, as a word (`keyboard`, `repeats`, `common`, `sequence`,
    /// `dates`, `word`, `names`, `short`).
    #[error("this passphrase is too easy to guess ({}); use four or more words that do not belong together", guess_reason(.0))]
    GuessablePassphrase(&'static str),
    /// Too many wrong passphrases in a row: the next try must wait.
    #[error("too many wrong passphrases in a row for this account: wait {0} s before the next try")]
    TooManyTries(u64),
    /// The account's role does not allow this.
    #[error("{0}")]
    Forbidden(crate::i18n::Said),
    /// No such record, account, or recipient.
    #[error("{0}")]
    NotFound(crate::i18n::Said),
    /// A status change the record's lifecycle does not allow.
    #[error("a record that is {from} cannot become {to}")]
    IllegalTransition {
        /// Current status.
        from: String,
        /// Requested status.
        to: String,
    },
    /// Input that cannot be stored (a bad recipient, a duplicate account, ...).
    #[error("{0}")]
    Invalid(String),
    /// The disk is full: nothing was written, and the last saved state is intact.
    #[error(
        "the disk is full: this change was not saved (everything saved before is intact); free some space and try again"
    )]
    DiskFull,
    /// The data cannot be written: nothing was written.
    #[error(
        "the data folder cannot be written (read-only?): this change was not saved; everything saved before is intact"
    )]
    ReadOnly,
    /// Writing to the disk failed for another reason (a failing disk, a removed USB drive).
    #[error(
        "writing to the disk failed (code {0}): this change was not saved; everything saved before is intact; check the disk and free space"
    )]
    DiskIo(i32),
    /// The database was made by a newer fourmi.
    #[error("this data was written by a newer version of fourmi (schema {0}); install that version to open it")]
    NewerDatabase(i64),
    /// Damaged data.
    #[error("the data is damaged: {0}")]
    Corrupt(String),
    /// A file could not be read or written.
    #[error("cannot use {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Any other database error.
    #[error("database error: {0}")]
    Db(String),
}

/// Why a passphrase is easy to guess, in English (the app has its own words for each).
fn guess_reason(why: &str) -> &'static str {
    match why {
        "keyboard" => "keyboard patterns are easy to guess",
        "repeats" => "repeated letters or words are easy to guess",
        "common" => "it is one of the most common passphrases",
        "sequence" => "sequences like abc or 123 are easy to guess",
        "dates" => "years and dates are easy to guess",
        "word" => "a word by itself is easy to guess",
        "names" => "names are easy to guess",
        _ => "it is too short or too simple",
    }
}

impl StoreError {
    /// A refusal for the account's role: the message `id`.
    pub fn forbidden(id: &'static str) -> StoreError {
        StoreError::Forbidden(crate::i18n::Said::new(id, &[]))
    }

    /// `what` (the message `id`, with `arg` as `$what`) was not found.
    pub fn not_found(id: &'static str, arg: impl Into<String>) -> StoreError {
        StoreError::NotFound(crate::i18n::Said::new(id, &[("what", arg.into())]))
    }

    /// Input refused: the message `id` with its arguments.
    pub fn said(id: &'static str, args: &[(&'static str, String)]) -> StoreError {
        StoreError::Said(crate::i18n::Said::new(id, args))
    }

    fn io(path: &Path, source: std::io::Error) -> Self {
        if source.raw_os_error() == Some(28) {
            return StoreError::DiskFull;
        }
        if source.kind() == std::io::ErrorKind::PermissionDenied || source.raw_os_error() == Some(30) {
            return StoreError::ReadOnly;
        }
        StoreError::Io { path: path.to_path_buf(), source }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode as C;
        match e.sqlite_error_code() {
            Some(C::DiskFull) => StoreError::DiskFull,
            Some(C::ReadOnly) | Some(C::CannotOpen) if e.to_string().contains("readonly") => StoreError::ReadOnly,
            Some(C::ReadOnly) => StoreError::ReadOnly,
            Some(C::NotADatabase) => StoreError::Corrupt("the database cannot be read with this key".into()),
            Some(C::DatabaseBusy) | Some(C::DatabaseLocked) => StoreError::Db("the database is busy; try again".into()),
            Some(C::SystemIoFailure) => {
                // SQLite reports a failed write as an I/O error; errno still says why.
                let ext = if let rusqlite::Error::SqliteFailure(f, _) = &e { f.extended_code } else { 0 };
                match std::io::Error::last_os_error().raw_os_error() {
                    Some(28) => StoreError::DiskFull,
                    Some(30) | Some(13) => StoreError::ReadOnly,
                    _ => StoreError::DiskIo(ext),
                }
            }
            _ => StoreError::Db(e.to_string()),
        }
    }
}

/// Result of a store operation.
pub type Result<T> = std::result::Result<T, StoreError>;

/// Bytes as lower-case hexadecimal.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The store's clock: now, as the records and the audit trail write it.
fn now() -> String {
    crate::expr::format_datetime(&chrono::Utc::now().fixed_offset())
}

/// Who is using the store: the account that unlocked it and the role sealed with its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Account name.
    pub account: String,
    /// Role.
    pub role: Role,
}

/// What first-run setup needs (the passphrase is wiped when it goes, and never printed).
#[derive(Clone)]
pub struct Setup {
    /// The first coordinator's account name.
    pub coordinator: String,
    /// Their passphrase.
    pub passphrase: String,
    /// A name for this laptop.
    pub device_name: String,
    /// The deployment's age recipients (headquarters' public keys).
    pub recipients: Vec<String>,
}

impl Drop for Setup {
    fn drop(&mut self) {
        self.passphrase.zeroize();
    }
}

impl std::fmt::Debug for Setup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Setup")
            .field("coordinator", &self.coordinator)
            .field("device_name", &self.device_name)
            .field("recipients", &self.recipients)
            .finish_non_exhaustive()
    }
}

/// An open, unlocked store.
pub struct Store {
    conn: Connection,
    /// What the account's seal opened to (the data key, the account's signing key, and for a
    /// coordinator the laptop's), kept while the store is unlocked; wiped on drop.
    secrets: keyring::Secrets,
    session: Session,
    dir: PathBuf,
    device_id: String,
    _lock: std::sync::Arc<files::DirLock>,
    /// Added to every commit (zero; benchmarks simulate a slow disk with it).
    commit_delay: std::time::Duration,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("dir", &self.dir).field("session", &self.session).finish_non_exhaustive()
    }
}

const DB_FILE: &str = "fourmi.db";
const KEYRING_FILE: &str = "keyring.json";

/// The platform's data folder for fourmi: `~/.local/share/fourmi` on Linux,
/// `%LOCALAPPDATA%\fourmi\fourmi\data` on Windows (the local application data, never the roaming
/// one, which a domain copies to its servers: the data stays on the laptop).
pub fn default_dir() -> PathBuf {
    directories::ProjectDirs::from("org", "fourmi", "fourmi")
        .map(|d| d.data_local_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from("fourmi-data"))
}

/// Setup builds the database under this name and gives it its real name last, so that a setup
/// cut short never leaves a `fourmi.db` (and never needs to remove one).
const PARTIAL_DB: &str = "fourmi.db.partial";

/// A setup cut short between writing the keyring and naming its database: finishes it (the
/// database built with that keyring is beside it). Nothing is ever removed here.
fn finish_cut_setup(dir: &Path) {
    let (db, partial) = (dir.join(DB_FILE), dir.join(PARTIAL_DB));
    if dir.join(KEYRING_FILE).exists() && !db.exists() && partial.exists() {
        let _ = std::fs::rename(&partial, &db);
    }
}

/// What a data folder holds.
#[derive(Debug)]
pub enum FolderState {
    /// Nothing of fourmi's (or only a setup that did not finish): first-run setup.
    Fresh,
    /// Set up: unlock it.
    SetUp,
    /// Part of fourmi's data is missing: neither setup nor unlocking may go on.
    Incomplete(StoreError),
}

/// What `dir` holds.
pub fn folder_state(dir: &Path) -> FolderState {
    finish_cut_setup(dir);
    let db = dir.join(DB_FILE);
    let has_db = std::fs::metadata(&db).is_ok_and(|m| m.len() > 0);
    let has_keyring = dir.join(KEYRING_FILE).exists();
    match (has_keyring, has_db) {
        (true, true) => FolderState::SetUp,
        (true, false) => FolderState::Incomplete(StoreError::DatabaseMissing(dir.to_path_buf())),
        (false, true) => FolderState::Incomplete(StoreError::KeyringMissing(dir.to_path_buf())),
        (false, false) => FolderState::Fresh,
    }
}

/// Whether fourmi is set up in `dir`.
pub fn is_set_up(dir: &Path) -> bool {
    matches!(folder_state(dir), FolderState::SetUp)
}

/// Opens the SQLCipher database with the raw key and sets the pragmas.
/// The version of the SQLCipher fourmi is built with (`unknown` if it cannot say).
pub fn sqlcipher_version() -> String {
    Connection::open_in_memory()
        .and_then(|c| c.query_row("PRAGMA cipher_version", [], |r| r.get::<_, String>(0)))
        .unwrap_or_else(|_| "unknown".into())
}

fn open_db(path: &Path, key: &keyring::DataKey) -> Result<Connection> {
    files::create_private_if_missing(path).map_err(|e| StoreError::io(path, e))?;
    let conn = Connection::open(path)?;
    // SQLCipher would otherwise print its own errors (a wrong key) on standard error.
    let _ = conn.execute_batch("PRAGMA cipher_log_level = NONE;");
    let hex: Zeroizing<String> = Zeroizing::new(key.iter().map(|b| format!("{b:02x}")).collect());
    let pragma = Zeroizing::new(format!("PRAGMA key = \"x'{}'\";", hex.as_str()));
    conn.execute_batch(&pragma)?;
    // Reading the schema proves the key is right.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0))?;
    conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY; PRAGMA secure_delete = ON;")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}

impl Store {
    /// First-run setup: creates the folder, the database, the keyring, the first coordinator,
    /// the device id and the device's Ed25519 signing key, and records the recipients.
    pub fn setup(dir: &Path, setup: &Setup) -> Result<Store> {
        match folder_state(dir) {
            FolderState::Fresh => {}
            FolderState::SetUp => return Err(StoreError::AlreadySetUp(dir.to_path_buf())),
            FolderState::Incomplete(e) => return Err(e),
        }
        accounts::check_account_name(&setup.coordinator)?;
        keyring::check_passphrase(&setup.passphrase)?;
        let recipients = setup.recipients.iter().map(|r| accounts::recipient_of(r)).collect::<Result<Vec<_>>>()?;
        files::create_private_dir(dir)?;
        let lock = files::lock_dir(dir)?;
        // Checked again under the lock: another process may have set the folder up meanwhile.
        if !matches!(folder_state(dir), FolderState::Fresh) {
            return Err(StoreError::AlreadySetUp(dir.to_path_buf()));
        }
        let device_id = uuid::Uuid::new_v4().to_string();
        let device = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
        let signing = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
        let secrets = keyring::Secrets {
            data_key: keyring::new_data_key(),
            signing: Some(Zeroizing::new(signing.to_bytes())),
            device: Some(Zeroizing::new(device.to_bytes())),
            x25519: Some(keyring::new_x25519()),
            next_key: None,
            legacy_role: Role::Coordinator,
        };
        let mut ring = keyring::Keyring {
            version: 1,
            device_id: device_id.clone(),
            device_public: Some(roster::public_b64(&device)),
            generation: 0,
            accounts: Vec::new(),
            pending: Vec::new(),
            unreadable: Vec::new(),
        };
        ring.seal(&setup.coordinator, &setup.passphrase, &secrets)?;
        // The database is built as `fourmi.db.partial` (what an earlier setup cut short left
        // under that name is only ever setup's own), then the keyring is written, then the
        // database takes its name: a `fourmi.db` is never replaced or removed.
        let partial = dir.join(PARTIAL_DB);
        for stale in [partial.clone(), dir.join("fourmi.db.partial-wal"), dir.join("fourmi.db.partial-shm")] {
            if stale.exists() {
                std::fs::remove_file(&stale).map_err(|e| StoreError::io(&stale, e))?;
            }
        }
        let mut conn = open_db(&partial, &secrets.data_key)?;
        schema::migrate(&mut conn)?;
        let session = Session { account: setup.coordinator.clone(), role: Role::Coordinator };
        let mut store = Store {
            conn,
            secrets,
            session,
            dir: dir.to_path_buf(),
            device_id: device_id.clone(),
            _lock: std::sync::Arc::new(lock),
            commit_delay: std::time::Duration::ZERO,
        };
        store.init_device(&device_id, &setup.device_name, &recipients, &device, &signing)?;
        let Store { conn, secrets, session, dir: folder, device_id, _lock, commit_delay } = store;
        // Closing the last connection folds the write-ahead log into the database file.
        conn.close().map_err(|(_, e)| StoreError::from(e))?;
        ring.save(&folder.join(KEYRING_FILE))?;
        let db = folder.join(DB_FILE);
        std::fs::rename(&partial, &db).map_err(|e| StoreError::io(&db, e))?;
        let conn = open_db(&db, &secrets.data_key)?;
        Ok(Store { conn, secrets, session, dir: folder, device_id, _lock, commit_delay })
    }

    /// Unlocks the store in `dir` as `account`.
    pub fn open(dir: &Path, account: &str, passphrase: &str) -> Result<Store> {
        match folder_state(dir) {
            FolderState::SetUp => {}
            FolderState::Fresh => return Err(StoreError::NotSetUp(dir.to_path_buf())),
            FolderState::Incomplete(e) => return Err(e),
        }
        let lock = files::lock_dir(dir)?;
        let ring = keyring::Keyring::load(&dir.join(KEYRING_FILE))?;
        let wait = tries::wait_left(dir, account);
        if wait > 0 {
            return Err(StoreError::TooManyTries(wait));
        }
        // The current seal, or a reset's pending one (taken below only if the signed list
        // names its key).
        // (A current seal whose data key it no longer opens is one a cut reset left behind:
        // the data key was since encrypted to the pending seal's key.)
        let secrets = match ring.open_secrets(account, passphrase) {
            Ok(s) => s,
            Err(e @ (StoreError::WrongPassphrase | StoreError::KeyReplaced | StoreError::Corrupt(_))) => {
                match ring.open_pending(account, passphrase).into_iter().next().map(|(_, s)| s) {
                    Some(s) => s,
                    // The old seal of a reset that took effect: its passphrase is not the
                    // account's any more.
                    None if matches!(e, StoreError::WrongPassphrase) || ring.has_pending(account) => {
                        tries::failed(dir, account);
                        return Err(StoreError::WrongPassphrase);
                    }
                    None => return Err(e),
                }
            }
            Err(e) => return Err(e),
        };
        // The passphrase opened the keyring's key: a database it does not open was made with
        // another keyring.
        let mut secrets = secrets;
        let opened = match (open_db(&dir.join(DB_FILE), &secrets.data_key), secrets.next_key.take()) {
            // A data key replacement was cut after the database got the next key.
            (Err(StoreError::Corrupt(_)), Some(next)) => open_db(&dir.join(DB_FILE), &next).and_then(|conn| {
                rekey::finish_cut_replacement(dir)?;
                secrets.data_key = next;
                Ok(conn)
            }),
            (opened, _) => opened,
        };
        let mut conn = opened.map_err(|e| match e {
            StoreError::Corrupt(_) => StoreError::Corrupt(
                "fourmi.db cannot be opened with this keyring.json: the keyring comes from another laptop or another setup, or is an older copy of this one from before a passphrase reset or an account was disabled (which gave the data a new key); copy back the latest keyring.json that belongs with this fourmi.db".into(),
            ),
            other => other,
        })?;
        // A database without fourmi's schema is not this keyring's (nor fresh: setup made it).
        if schema::version(&conn)? == 0 {
            return Err(StoreError::Corrupt(
                "fourmi.db holds no fourmi data (it may have been replaced by another file); restore it from a backup"
                    .into(),
            ));
        }
        schema::migrate(&mut conn)?;
        search::backfill(&mut conn)?;
        // No role yet: the signed account list gives it.
        let session = Session { account: account.to_string(), role: Role::Monitor };
        let mut store = Store {
            conn,
            secrets,
            session,
            dir: dir.to_path_buf(),
            device_id: ring.device_id.clone(),
            _lock: std::sync::Arc::new(lock),
            commit_delay: std::time::Duration::ZERO,
        };
        store.session.role = store.establish_role(ring, passphrase)?;
        if store.account_disabled(account)? {
            return Err(StoreError::WrongPassphrase);
        }
        tries::succeeded(dir, account);
        store.audit_log("unlock", None, serde_json::json!({}))?;
        // A replacement of the data key that a cut left owed; tried again at the next
        // coordinator unlock if it cannot be done now.
        let _ = store.replace_owed_data_key();
        store.purge_expired_closed()?;
        store.recover_batches()?;
        Ok(store)
    }

    /// A second connection to the same unlocked data, for one interview's autosaves on another
    /// thread: the same account and rights, and only the data key (it signs nothing).
    pub fn autosaver(&self) -> Result<Store> {
        let conn = open_db(&self.dir.join(DB_FILE), &self.secrets.data_key)?;
        let secrets = keyring::Secrets {
            data_key: self.secrets.data_key.clone(),
            signing: None,
            device: None,
            x25519: None,
            next_key: None,
            legacy_role: self.secrets.legacy_role,
        };
        Ok(Store {
            conn,
            secrets,
            session: self.session.clone(),
            dir: self.dir.clone(),
            device_id: self.device_id.clone(),
            _lock: self._lock.clone(),
            commit_delay: std::time::Duration::ZERO,
        })
        .and_then(|mut twin| {
            twin.simulate_slow_disk(self.commit_delay)?;
            Ok(twin)
        })
    }

    /// Makes every commit of this store, and of the connections it opens for other threads,
    /// take `delay` longer, as on a laptop whose disk takes that long to make a write durable.
    /// For benchmarks: the interface must not wait for the disk.
    pub fn simulate_slow_disk(&mut self, delay: std::time::Duration) -> Result<()> {
        self.commit_delay = delay;
        if delay.is_zero() {
            self.conn.commit_hook(None::<fn() -> bool>)?;
        } else {
            self.conn.commit_hook(Some(move || {
                std::thread::sleep(delay);
                false
            }))?;
        }
        Ok(())
    }

    /// Who unlocked the store.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The data folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// This device's id.
    pub fn device_id(&self) -> &str {
        &self.device_id
    }

    /// Fails unless the session's role is at least `role`, with the message `id` (what this
    /// account cannot do).
    fn require(&self, role: Role, id: &'static str) -> Result<()> {
        if self.session.role >= role { Ok(()) } else { Err(StoreError::forbidden(id)) }
    }

    /// `PRAGMA integrity_check` says "ok".
    pub fn integrity_ok(&self) -> Result<bool> {
        let r: String = self.conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        Ok(r == "ok")
    }
}

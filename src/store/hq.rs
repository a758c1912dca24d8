//! The headquarters database: registered laptops, the batches imported from each, the form
//! versions they carried, and the merged records and withdrawals. A plain SQLite file (it lives
//! on headquarters' own machine; the records in it are already anonymised).
//!
//! Merging is idempotent and order-independent: a record is kept at its highest revision, a
//! withdrawal deletes the record and stays, so that an older batch imported later cannot bring
//! it back.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Map, Value as J};

use super::batches::{StatusChange, Tombstone};
use super::now;
use super::{Result, StoreError, files};

/// A record as a batch carries it and headquarters keeps it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Record {
    /// UUID v7.
    pub uuid: String,
    /// Hash of the form definition it was filled with.
    pub form_hash: String,
    /// Form id.
    pub form_id: String,
    /// Form version.
    pub form_version: String,
    /// The monitor's account.
    pub monitor: String,
    /// The laptop.
    pub device_id: String,
    /// When the interview started.
    pub started_at: String,
    /// When it was completed.
    pub completed_at: Option<String>,
    /// Interview language.
    pub language: String,
    /// Interview consent (always true in a batch).
    pub consent_interview: bool,
    /// When consent was given.
    pub consent_at: Option<String>,
    /// Consent to be contacted again, if asked.
    pub consent_recontact: Option<bool>,
    /// Status when exported (`approved`).
    pub status: String,
    /// Revision.
    pub revision: i64,
    /// The answers, by question name (repeats as lists of objects).
    pub answers: Map<String, J>,
    /// Status changes.
    pub history: Vec<StatusChange>,
    /// The approval, signed by the approving account (format 2 on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<super::Approval>,
}

/// What one batch brings to headquarters.
#[derive(Debug, Clone, Default)]
pub struct Incoming {
    /// Form versions: (hash, definition).
    pub forms: Vec<(String, String)>,
    /// Records.
    pub records: Vec<Record>,
    /// Withdrawals.
    pub tombstones: Vec<Tombstone>,
    /// The laptop's signed account list: its JSON and the laptop's signature (format 2 on).
    pub accounts: Option<(String, String)>,
}

/// What a merge changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// New records.
    pub imported: usize,
    /// Records replaced by a later revision.
    pub updated: usize,
    /// Records already there at this revision (or later), or already withdrawn.
    pub unchanged: usize,
    /// Records deleted by a withdrawal.
    pub deleted: usize,
    /// Records whose id another laptop's record has too (kept apart, each under its laptop).
    pub shared_ids: usize,
}

/// A registered laptop.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Device {
    /// Its device id.
    pub device_id: String,
    /// Its Ed25519 public key, base64.
    pub public_key: String,
    /// A name given at registration.
    pub name: String,
    /// The batch numbers imported from it.
    pub imported: Vec<i64>,
}

impl Device {
    /// Batch numbers below the highest imported that have not been imported.
    pub fn missing(&self) -> Vec<i64> {
        let max = self.imported.iter().copied().max().unwrap_or(0);
        (1..max).filter(|s| !self.imported.contains(s)).collect()
    }
}

/// Parses the line `fourmi device pubkey` prints: `fourmi-device <device id> <public key>`.
pub fn parse_device_line(line: &str) -> Result<(String, [u8; 32])> {
    use base64::Engine;
    let bad = || {
        StoreError::Invalid(format!(
            "`{}` is not a device line: copy the whole line `fourmi device pubkey` prints on the laptop (fourmi-device <id> <key>)",
            line.trim()
        ))
    };
    let parts: Vec<&str> = line.split_whitespace().collect();
    let [tag, id, key] = parts.as_slice() else { return Err(bad()) };
    if *tag != "fourmi-device" || uuid::Uuid::parse_str(id).is_err() {
        return Err(bad());
    }
    let bytes = base64::engine::general_purpose::STANDARD.decode(key).map_err(|_| bad())?;
    let key: [u8; 32] = bytes.try_into().map_err(|_| bad())?;
    ed25519_dalek::VerifyingKey::from_bytes(&key).map_err(|_| bad())?;
    Ok((id.to_string(), key))
}

const HQ_FILE: &str = "hq.db";

/// An open headquarters database.
pub struct Hq {
    conn: Connection,
    dir: PathBuf,
    _lock: files::DirLock,
}

impl Hq {
    /// Creates the headquarters database in `dir`, remembering the identity file and its recipient.
    pub fn init(dir: &Path, identity_file: &Path, recipient: &str) -> Result<Hq> {
        if dir.join(HQ_FILE).exists() {
            return Err(StoreError::Invalid(format!(
                "a headquarters database already exists in {}; import into it, or choose another folder",
                dir.display()
            )));
        }
        files::create_private_dir(dir)?;
        let hq = Hq::connect(dir)?;
        hq.conn.execute(
            "INSERT INTO meta (key, value) VALUES ('identity_file', ?1), ('recipient', ?2), ('created_at', ?3)",
            params![identity_file.to_string_lossy(), recipient, now()],
        )?;
        Ok(hq)
    }

    /// Opens the headquarters database in `dir`.
    pub fn open(dir: &Path) -> Result<Hq> {
        if !dir.join(HQ_FILE).exists() {
            return Err(StoreError::Invalid(format!(
                "there is no headquarters database in {}; create it with `fourmi hq init --data-dir {} --identity FILE`",
                dir.display(),
                dir.display()
            )));
        }
        Hq::connect(dir)
    }

    fn connect(dir: &Path) -> Result<Hq> {
        let lock = files::lock_dir(dir)?;
        let path = dir.join(HQ_FILE);
        files::create_private_if_missing(&path).map_err(|e| StoreError::io(&path, e))?;
        let mut conn = Connection::open(&path)?;
        conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")?;
        super::schema::migrate_hq(&mut conn)?;
        Ok(Hq { conn, dir: dir.to_path_buf(), _lock: lock })
    }

    pub(super) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn meta(&self, key: &str) -> Result<String> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::Corrupt(format!("the headquarters database has no {key}")))
    }

    /// The identity file given at `hq init`.
    pub fn identity_file(&self) -> Result<PathBuf> {
        self.meta("identity_file").map(PathBuf::from)
    }

    /// The age recipient of that identity.
    pub fn recipient(&self) -> Result<String> {
        self.meta("recipient")
    }

    /// Registers a laptop from its device line; registering the same key again changes nothing,
    /// a different key for a known device is refused.
    pub fn add_device(&mut self, line: &str, name: &str) -> Result<String> {
        use base64::Engine;
        let (id, key) = parse_device_line(line)?;
        let b64 = base64::engine::general_purpose::STANDARD.encode(key);
        let known: Option<String> = self
            .conn
            .query_row("SELECT public_key FROM devices WHERE device_id = ?1", [&id], |r| r.get(0))
            .optional()?;
        match known {
            Some(k) if k == b64 => Ok(id),
            Some(_) => Err(StoreError::Invalid(format!(
                "the laptop {id} is already registered with another key; a laptop's key never changes, so check where this line comes from"
            ))),
            None => {
                self.conn.execute(
                    "INSERT INTO devices (device_id, public_key, name, added_at) VALUES (?1, ?2, ?3, ?4)",
                    params![id, b64, name, now()],
                )?;
                Ok(id)
            }
        }
    }

    /// A registered laptop's public key.
    pub fn device_key(&self, device_id: &str) -> Result<Option<[u8; 32]>> {
        use base64::Engine;
        let key: Option<String> = self
            .conn
            .query_row("SELECT public_key FROM devices WHERE device_id = ?1", [device_id], |r| r.get(0))
            .optional()?;
        Ok(key.and_then(|k| base64::engine::general_purpose::STANDARD.decode(k).ok()?.try_into().ok()))
    }

    /// The registered laptops and the batches imported from each.
    pub fn devices(&self) -> Result<Vec<Device>> {
        let mut stmt = self.conn.prepare("SELECT device_id, public_key, name FROM devices ORDER BY name, device_id")?;
        let mut seqs = self.conn.prepare("SELECT seq FROM imports WHERE device_id = ?1 ORDER BY seq")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (device_id, public_key, name) = row?;
            let imported = seqs.query_map([&device_id], |r| r.get(0))?.collect::<std::result::Result<_, _>>()?;
            out.push(Device { device_id, public_key, name, imported });
        }
        Ok(out)
    }

    /// The digest of batch `seq` of `device_id`, if it was imported.
    pub fn imported_digest(&self, device_id: &str, seq: i64) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT digest FROM imports WHERE device_id = ?1 AND seq = ?2", params![device_id, seq], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// The newest batch format imported from `device_id` (1 before any).
    pub fn device_format(&self, device_id: &str) -> Result<u32> {
        Ok(self
            .conn
            .query_row("SELECT format FROM devices WHERE device_id = ?1", [device_id], |r| r.get(0))
            .optional()?
            .unwrap_or(1))
    }

    /// The versions of `device_id`'s account list that the batches imported around number `seq`
    /// carried: the newest among lower numbers (0 if none), and the oldest among higher numbers
    /// with that batch's number.
    pub fn roster_versions_around(&self, device_id: &str, seq: i64) -> Result<(u64, Option<(i64, u64)>)> {
        let before: Option<i64> = self.conn.query_row(
            "SELECT max(roster_version) FROM imports WHERE device_id = ?1 AND seq < ?2",
            params![device_id, seq],
            |r| r.get(0),
        )?;
        let after: Option<(i64, i64)> = self
            .conn
            .query_row(
                "SELECT seq, roster_version FROM imports WHERE device_id = ?1 AND seq > ?2 AND roster_version IS NOT NULL
                 ORDER BY roster_version, seq LIMIT 1",
                params![device_id, seq],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok((before.unwrap_or(0).max(0) as u64, after.map(|(s, v)| (s, v.max(0) as u64))))
    }

    /// Merges one batch of format `format`, carrying the account list of version
    /// `roster_version`, in one transaction and records its import.
    pub fn merge(
        &mut self,
        device_id: &str,
        (seq, format, roster_version): (i64, u32, Option<u64>),
        digest: &str,
        file: &str,
        batch: &Incoming,
    ) -> Result<Counts> {
        let mut counts = Counts::default();
        let tx = self.conn.transaction()?;
        {
            let mut form = tx.prepare_cached(
                "INSERT OR IGNORE INTO forms (hash, form_id, version, definition) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (hash, definition) in &batch.forms {
                let (id, version) = batch
                    .records
                    .iter()
                    .find(|r| &r.form_hash == hash)
                    .map(|r| (r.form_id.as_str(), r.form_version.as_str()))
                    .unwrap_or(("", ""));
                form.execute(params![hash, id, version, definition])?;
            }
            // A record belongs to the laptop that made it: it is kept under that laptop and its
            // id, so only that laptop's batches revise it or withdraw it; a record of another
            // laptop with the same id is that laptop's own (and counted, as a sign that one of
            // the two laptops is rogue or was restored from another's copy).
            // Only the sending laptop's own withdrawals (or old ones, whose laptop was not kept)
            // apply: another laptop cannot claim a record by withdrawing it first.
            let mut gone = tx.prepare_cached("SELECT 1 FROM tombstones WHERE uuid = ?1 AND device_id IN (?2, '')")?;
            let mut revision = tx.prepare_cached("SELECT revision FROM records WHERE device_id = ?1 AND uuid = ?2")?;
            let mut elsewhere = tx.prepare_cached("SELECT 1 FROM records WHERE uuid = ?1 AND device_id <> ?2")?;
            let mut put = tx.prepare_cached(
                "INSERT OR REPLACE INTO records (uuid, form_hash, form_id, form_version, monitor, device_id, started_at,
                 completed_at, language, consent_interview, consent_at, consent_recontact, status, revision, answers, history)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
            )?;
            for r in &batch.records {
                if gone.exists(params![r.uuid, device_id])? {
                    counts.unchanged += 1;
                    continue;
                }
                if elsewhere.exists(params![r.uuid, device_id])? {
                    counts.shared_ids += 1;
                }
                let have: Option<i64> = revision.query_row(params![device_id, r.uuid], |x| x.get(0)).optional()?;
                match have {
                    Some(rev) if rev >= r.revision => {
                        counts.unchanged += 1;
                        continue;
                    }
                    Some(_) => counts.updated += 1,
                    None => counts.imported += 1,
                }
                let history = serde_json::to_string(&r.history).unwrap_or_else(|_| "[]".into());
                put.execute(params![
                    r.uuid,
                    r.form_hash,
                    r.form_id,
                    r.form_version,
                    r.monitor,
                    r.device_id,
                    r.started_at,
                    r.completed_at,
                    r.language,
                    r.consent_interview,
                    r.consent_at,
                    r.consent_recontact,
                    r.status,
                    r.revision,
                    serde_json::to_string(&r.answers).unwrap_or_else(|_| "{}".into()),
                    history
                ])?;
            }
            let mut tomb = tx.prepare_cached(
                "INSERT OR IGNORE INTO tombstones (uuid, form_id, withdrawn_at, device_id) VALUES (?1, ?2, ?3, ?4)",
            )?;
            let mut delete = tx.prepare_cached("DELETE FROM records WHERE uuid = ?1 AND device_id = ?2")?;
            for t in &batch.tombstones {
                tomb.execute(params![t.uuid, t.form_id, t.withdrawn_at, device_id])?;
                counts.deleted += delete.execute(params![t.uuid, device_id])?;
            }
        }
        let counts_json = serde_json::to_string(&counts).unwrap_or_default();
        tx.execute(
            "INSERT OR IGNORE INTO imports (device_id, seq, digest, file, imported_at, counts, roster_version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![device_id, seq, digest, file, now(), counts_json, roster_version.map(|v| v as i64)],
        )?;
        tx.execute("UPDATE devices SET format = max(format, ?2) WHERE device_id = ?1", params![device_id, format])?;
        if let Some(v) = roster_version {
            tx.execute(
                "UPDATE devices SET roster_version = max(roster_version, ?2) WHERE device_id = ?1",
                params![device_id, v as i64],
            )?;
        }
        tx.commit()?;
        Ok(counts)
    }

    /// The form versions of `form_id` (hash, version, definition), oldest first.
    pub fn form_versions(&self, form_id: &str) -> Result<Vec<(String, String, String)>> {
        let mut stmt = self.conn.prepare(
            "SELECT f.hash, f.version, f.definition FROM forms f WHERE f.form_id = ?1
             ORDER BY (SELECT min(started_at) FROM records r WHERE r.form_hash = f.hash), f.version",
        )?;
        let rows = stmt.query_map([form_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// The form ids with records.
    pub fn form_ids(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare("SELECT DISTINCT form_id FROM forms ORDER BY form_id")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Every record of `form_id`, in start order, given one at a time to `each`.
    pub fn each_record(&self, form_id: &str, mut each: impl FnMut(Record)) -> Result<usize> {
        let mut stmt = self.conn.prepare(
            "SELECT uuid, form_hash, form_id, form_version, monitor, device_id, started_at, completed_at, language,
             consent_interview, consent_at, consent_recontact, status, revision, answers, history
             FROM records WHERE form_id = ?1 ORDER BY started_at, uuid",
        )?;
        let mut rows = stmt.query([form_id])?;
        let mut n = 0;
        while let Some(r) = rows.next()? {
            let answers: String = r.get(14)?;
            let history: String = r.get(15)?;
            each(Record {
                uuid: r.get(0)?,
                form_hash: r.get(1)?,
                form_id: r.get(2)?,
                form_version: r.get(3)?,
                monitor: r.get(4)?,
                device_id: r.get(5)?,
                started_at: r.get(6)?,
                completed_at: r.get(7)?,
                language: r.get(8)?,
                consent_interview: r.get(9)?,
                consent_at: r.get(10)?,
                consent_recontact: r.get(11)?,
                status: r.get(12)?,
                revision: r.get(13)?,
                answers: serde_json::from_str(&answers).unwrap_or_default(),
                history: serde_json::from_str(&history).unwrap_or_default(),
                approval: None,
            });
            n += 1;
        }
        Ok(n)
    }

    /// Every record and withdrawal as text lines, sorted: two databases with the same lines
    /// hold the same data (import counts and times aside).
    pub fn dump(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for sql in [
            "SELECT 'record ' || uuid || ' ' || revision || ' ' || form_hash || ' ' || answers || ' ' || history FROM records",
            "SELECT 'tombstone ' || device_id || ' ' || uuid || ' ' || withdrawn_at FROM tombstones",
            "SELECT 'form ' || hash FROM forms",
        ] {
            let mut stmt = self.conn.prepare(sql)?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            for row in rows {
                out.push(row?);
            }
        }
        out.sort();
        Ok(out)
    }
}

//! The headquarters database: registered laptops, the batches imported from each, the form
//! versions they carried, and the merged records and withdrawals. An SQLite file in
//! headquarters' folder by default, or a PostgreSQL database that several importers and
//! analysts share (`database = "postgres://..."` in the folder's `hq.toml`, or `--database`).
//! Both behave the same (the tests run on both); the records in them are already anonymised.
//!
//! Merging is idempotent and order-independent: a record is kept at its highest revision, a
//! withdrawal deletes the record and stays, so that an older batch imported later cannot bring
//! it back. Importers take turns for the merge itself (SQLite's write lock, PostgreSQL's
//! lock on the import log), so two of them at once give the database one of them would.

mod db;
mod merge;
mod releases;
mod schema_pg;
mod tls;
pub mod versions;
pub mod views;

use std::path::{Path, PathBuf};

use serde_json::{Map, Value as J};

use super::batches::{StatusChange, Tombstone};
use super::now;
use super::{Result, StoreError, files};
use db::Db;
pub use merge::{CHUNK, Merge, Row};

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
    let shown: String = line.trim().chars().take(200).collect();
    let bad = || StoreError::said("err-device-line", &[("line", shown.clone())]);
    let parts: Vec<&str> = line.split_whitespace().collect();
    let [tag, id, key] = parts.as_slice() else { return Err(bad()) };
    if *tag != "fourmi-device" || uuid::Uuid::parse_str(id).is_err() {
        return Err(bad());
    }
    let bytes = base64::engine::general_purpose::STANDARD.decode(key).map_err(|_| bad())?;
    let key: [u8; 32] = bytes.try_into().map_err(|_| bad())?;
    // A key of small order would let anyone sign this laptop's batches.
    let key_of = ed25519_dalek::VerifyingKey::from_bytes(&key).map_err(|_| bad())?;
    if key_of.is_weak() {
        return Err(StoreError::said("err-device-weak-key", &[("device", id.to_string())]));
    }
    Ok((id.to_string(), key))
}

const HQ_FILE: &str = "hq.db";
const CONFIG_FILE: &str = "hq.toml";

/// Where headquarters' database is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    /// `hq.db` in headquarters' folder.
    Embedded(PathBuf),
    /// A PostgreSQL database, by its address.
    Postgres(String),
}

impl Database {
    /// The database for folder `dir` and an address given on the command line: the address,
    /// else the one in the folder's `hq.toml`, else the folder's own SQLite file.
    pub fn find(dir: Option<&Path>, url: Option<&str>) -> Result<Database> {
        if let Some(url) = url {
            return Ok(Database::Postgres(url.to_string()));
        }
        let Some(dir) = dir else {
            return Err(StoreError::Invalid(
                "say where headquarters' database is: --data-dir FOLDER, or --database postgres://...".into(),
            ));
        };
        let config = dir.join(CONFIG_FILE);
        if config.exists() {
            let text = crate::limits::read_regular_text(&config, crate::limits::SMALL_FILE_BYTES)
                .map_err(|e| StoreError::Invalid(format!("{}: {e}", config.display())))?;
            let table: toml::Table =
                text.parse().map_err(|e| StoreError::Invalid(format!("{} cannot be read: {e}", config.display())))?;
            return match table.get("database").and_then(toml::Value::as_str) {
                Some(url) => Ok(Database::Postgres(url.to_string())),
                None => Err(StoreError::Invalid(format!(
                    "{} says no database: write database = \"postgres://USER:PASSWORD@HOST:PORT/DATABASE\" in it",
                    config.display()
                ))),
            };
        }
        Ok(Database::Embedded(dir.to_path_buf()))
    }

    /// Whether `dir` is headquarters' folder (its database, or the file that says where it is).
    pub fn is_in(dir: &Path) -> bool {
        dir.join(HQ_FILE).exists() || dir.join(CONFIG_FILE).exists()
    }

    /// How to name it to the user (a PostgreSQL address without its password).
    pub fn shown(&self) -> String {
        match self {
            Database::Embedded(dir) => dir.join(HQ_FILE).display().to_string(),
            Database::Postgres(url) => format!("postgres://{}", db::shown(url)),
        }
    }
}

/// An open headquarters database.
pub struct Hq {
    db: Db,
    place: Database,
    /// Called when an import waits for another writer to finish.
    waiting: Option<Box<dyn FnMut() + Send>>,
}

impl Hq {
    /// Creates the headquarters database in `dir` (SQLite), remembering the identity file and
    /// its recipient.
    pub fn init(dir: &Path, identity_file: &Path, recipient: &str) -> Result<Hq> {
        Hq::init_at(&Database::Embedded(dir.to_path_buf()), identity_file, recipient)
    }

    /// Creates headquarters' database where `place` says, and its analysts' role on PostgreSQL.
    pub fn init_at(place: &Database, identity_file: &Path, recipient: &str) -> Result<Hq> {
        if let Database::Embedded(dir) = place {
            if dir.join(HQ_FILE).exists() {
                return Err(already(&place.shown()));
            }
            files::create_private_dir(dir)?;
        }
        let mut hq = Hq::connect(place)?;
        let id = identity_file.to_string_lossy().to_string();
        let at = now();
        hq.db.write(|db| {
            db.lock_writers()?;
            if db.exists("SELECT 1 FROM meta WHERE key = 'recipient'", &[])? {
                return Err(already(&place.shown()));
            }
            db.exec(
                "INSERT INTO meta (key, value) VALUES ('identity_file', ?1), ('recipient', ?2), ('created_at', ?3)",
                &[&id, &recipient, &at],
            )?;
            views::create_reader_role(db)
        })?;
        Ok(hq)
    }

    /// Writes `hq.toml` in `dir`, saying that headquarters' database is `url` (readable by its
    /// owner only: the address may hold a password).
    pub fn remember_database(dir: &Path, url: &str) -> Result<()> {
        use std::io::Write;
        files::create_private_dir(dir)?;
        let path = dir.join(CONFIG_FILE);
        let mut table = toml::Table::new();
        table.insert("database".into(), toml::Value::String(url.into()));
        let text = format!(
            "# Where fourmi's headquarters database is (written by `fourmi hq init`).\n{}",
            toml::to_string(&table).unwrap_or_default()
        );
        let mut f = files::create_private(&path).map_err(|e| StoreError::io(&path, e))?;
        f.write_all(text.as_bytes()).and_then(|()| f.sync_all()).map_err(|e| StoreError::io(&path, e))
    }

    /// Opens the headquarters database of folder `dir` (see [`Database::find`]).
    pub fn open(dir: &Path) -> Result<Hq> {
        Hq::open_at(&Database::find(Some(dir), None)?)
    }

    /// Opens headquarters' database where `place` says.
    pub fn open_at(place: &Database) -> Result<Hq> {
        if let Database::Embedded(dir) = place
            && !dir.join(HQ_FILE).exists()
        {
            return Err(StoreError::said("err-hq-missing", &[("dir", dir.display().to_string())]));
        }
        let mut hq = Hq::connect(place)?;
        if !hq.db.exists("SELECT 1 FROM meta WHERE key = 'recipient'", &[])? {
            return Err(StoreError::Invalid(format!(
                "{} is not a headquarters database yet; create it with `fourmi hq init --database ... --identity FILE`",
                place.shown()
            )));
        }
        Ok(hq)
    }

    fn connect(place: &Database) -> Result<Hq> {
        let mut db = match place {
            Database::Embedded(dir) => {
                let path = dir.join(HQ_FILE);
                files::create_private_if_missing(&path).map_err(|e| StoreError::io(&path, e))?;
                let mut conn = rusqlite::Connection::open(&path)?;
                // Another importer waits for the write lock rather than failing at once.
                conn.busy_timeout(db::WAIT_FOR_WRITERS)?;
                conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")?;
                // The records' indexes take random ids: with SQLite's 2 MB page cache an import
                // reads and spills their pages all along (a quarter of its processor time was
                // the kernel's).
                conn.execute_batch("PRAGMA cache_size = -32768")?;
                super::schema::migrate_hq(&mut conn)?;
                Db::Lite(conn)
            }
            Database::Postgres(url) => Db::Pg(Box::new(db::connect_pg(url)?)),
        };
        if db.is_pg() {
            schema_pg::migrate(&mut db)?;
        }
        Ok(Hq { db, place: place.clone(), waiting: None })
    }

    /// Where it is.
    pub fn place(&self) -> &Database {
        &self.place
    }

    fn meta(&mut self, key: &str) -> Result<String> {
        self.db
            .one("SELECT value FROM meta WHERE key = ?1", &[&key], |r| r.get(0))?
            .ok_or_else(|| StoreError::Corrupt(format!("the headquarters database has no {key}")))
    }

    /// The identity file given at `hq init`.
    pub fn identity_file(&mut self) -> Result<PathBuf> {
        self.meta("identity_file").map(PathBuf::from)
    }

    /// The age recipient of that identity.
    pub fn recipient(&mut self) -> Result<String> {
        self.meta("recipient")
    }

    /// Registers a laptop from its device line; registering the same key again changes nothing,
    /// a different key for a known device is refused.
    pub fn add_device(&mut self, line: &str, name: &str) -> Result<String> {
        use base64::Engine;
        let (id, key) = parse_device_line(line)?;
        let b64 = base64::engine::general_purpose::STANDARD.encode(key);
        let at = now();
        self.db.write(|db| {
            db.lock_writers()?;
            let known: Option<String> =
                db.one("SELECT public_key FROM devices WHERE device_id = ?1", &[&id], |r| r.get(0))?;
            match known {
                Some(k) if k == b64 => {
                    // The same laptop registered again with a name: it is renamed.
                    if !name.is_empty() {
                        db.exec("UPDATE devices SET name = ?2 WHERE device_id = ?1", &[&id, &name])?;
                    }
                    Ok(id)
                }
                Some(_) => Err(StoreError::Invalid(format!(
                    "the laptop {id} is already registered with another key; a laptop's key never changes, so check where this line comes from"
                ))),
                None => {
                    db.exec(
                        "INSERT INTO devices (device_id, public_key, name, added_at) VALUES (?1, ?2, ?3, ?4)",
                        &[&id, &b64, &name, &at],
                    )?;
                    Ok(id)
                }
            }
        })
    }

    /// A registered laptop's public key.
    pub fn device_key(&mut self, device_id: &str) -> Result<Option<[u8; 32]>> {
        use base64::Engine;
        let key: Option<String> =
            self.db.one("SELECT public_key FROM devices WHERE device_id = ?1", &[&device_id], |r| r.get(0))?;
        Ok(key.and_then(|k| base64::engine::general_purpose::STANDARD.decode(k).ok()?.try_into().ok()))
    }

    /// The registered laptops and the batches imported from each.
    pub fn devices(&mut self) -> Result<Vec<Device>> {
        let laptops =
            self.db.rows("SELECT device_id, public_key, name FROM devices ORDER BY name, device_id", &[], |r| {
                Ok((r.get::<String>(0)?, r.get::<String>(1)?, r.get::<String>(2)?))
            })?;
        let mut out = Vec::new();
        for (device_id, public_key, name) in laptops {
            let imported =
                self.db
                    .rows("SELECT seq FROM imports WHERE device_id = ?1 ORDER BY seq", &[&device_id], |r| r.get(0))?;
            out.push(Device { device_id, public_key, name, imported });
        }
        Ok(out)
    }

    /// The digest of batch `seq` of `device_id`, if it was imported.
    pub fn imported_digest(&mut self, device_id: &str, seq: i64) -> Result<Option<String>> {
        self.db.one("SELECT digest FROM imports WHERE device_id = ?1 AND seq = ?2", &[&device_id, &seq], |r| r.get(0))
    }

    /// The newest batch format imported from `device_id` (1 before any).
    pub fn device_format(&mut self, device_id: &str) -> Result<u32> {
        let f: Option<i64> =
            self.db.one("SELECT format FROM devices WHERE device_id = ?1", &[&device_id], |r| r.get(0))?;
        Ok(f.map_or(1, |f| f.clamp(0, u32::MAX as i64) as u32))
    }

    /// The versions of `device_id`'s account list that the batches imported around number `seq`
    /// carried: the newest among lower numbers (0 if none), and the oldest among higher numbers
    /// with that batch's number.
    pub fn roster_versions_around(&mut self, device_id: &str, seq: i64) -> Result<(u64, Option<(i64, u64)>)> {
        let before: Option<i64> = self
            .db
            .one(
                "SELECT max(roster_version) FROM imports WHERE device_id = ?1 AND seq < ?2",
                &[&device_id, &seq],
                |r| r.get(0),
            )?
            .flatten();
        let after: Option<(i64, i64)> = self.db.one(
            "SELECT seq, roster_version FROM imports WHERE device_id = ?1 AND seq > ?2 AND roster_version IS NOT NULL
             ORDER BY roster_version, seq LIMIT 1",
            &[&device_id, &seq],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok((before.unwrap_or(0).max(0) as u64, after.map(|(s, v)| (s, v.max(0) as u64))))
    }

    /// Merges one batch of format `format`, carrying the account list of version
    /// `roster_version`, in one transaction and records its import. Refused, with nothing
    /// changed, when another batch with this laptop and number was imported meanwhile.
    pub fn merge(
        &mut self,
        device_id: &str,
        (seq, format, roster_version): (i64, u32, Option<u64>),
        digest: &str,
        file: &str,
        batch: &Incoming,
    ) -> Result<Counts> {
        let forms = merge::form_rows(batch);
        let mut m = self.begin_merge(device_id, (seq, format, roster_version), digest, file, &forms)?;
        merge::feed(&mut m, batch)?;
        m.finish()
    }

    /// Begins merging one batch of format `format`, carrying the account list of version
    /// `roster_version`, with its form versions (hash, form id, version, definition): give it
    /// the records, then the withdrawals, then finish it (dropped unfinished, nothing is kept).
    /// Refused, with nothing changed, when another batch with this laptop and number was
    /// imported meanwhile.
    pub fn begin_merge(
        &mut self,
        device_id: &str,
        (seq, format, roster_version): (i64, u32, Option<u64>),
        digest: &str,
        file: &str,
        forms: &[(String, String, String, String)],
    ) -> Result<Merge<'_>> {
        let import = merge::Import {
            device_id: device_id.to_string(),
            seq,
            format: format as i64,
            roster_version: roster_version.map(|v| v as i64),
            digest: digest.to_string(),
            file: file.to_string(),
        };
        let waiting = self.waiting.as_mut().map(|w| &mut **w as &mut (dyn FnMut() + Send));
        Merge::begin(&mut self.db, import, forms, waiting)
    }

    /// Has `f` called whenever an import has to wait for another import (or another change of
    /// headquarters' data) to finish, before it waits.
    pub fn when_waiting(&mut self, f: impl FnMut() + Send + 'static) {
        self.waiting = Some(Box::new(f));
    }

    /// The form versions of `form_id` (hash, version, definition), oldest first.
    pub fn form_versions(&mut self, form_id: &str) -> Result<Vec<(String, String, String)>> {
        form_versions_in(&mut self.db, form_id)
    }

    /// The form ids with records.
    pub fn form_ids(&mut self) -> Result<Vec<String>> {
        self.db.rows("SELECT DISTINCT form_id FROM forms ORDER BY form_id", &[], |r| r.get(0))
    }

    /// Every record of `form_id`, in start order, given one at a time to `each` (memory stays
    /// the same however many there are).
    pub fn each_record(&mut self, form_id: &str, mut each: impl FnMut(Record)) -> Result<usize> {
        self.db.each(
            "SELECT uuid, form_hash, form_id, form_version, monitor, device_id, started_at, completed_at, language,
             consent_interview, consent_at, consent_recontact, status, revision, CAST(answers AS TEXT), CAST(history AS TEXT)
             FROM records WHERE form_id = ?1 ORDER BY started_at, uuid",
            &[&form_id],
            |r| {
                let answers: String = r.get(14)?;
                let history: String = r.get(15)?;
                let uuid: String = r.get(0)?;
                // Never read as no answers: a record that cannot be read back is an error.
                let unreadable = |e: serde_json::Error| StoreError::Db(format!("record {uuid} cannot be read back: {e}"));
                let answers = serde_json::from_str(&answers).map_err(unreadable)?;
                let history = serde_json::from_str(&history).map_err(unreadable)?;
                each(Record {
                    uuid,
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
                    answers,
                    history,
                    approval: None,
                });
                Ok(())
            },
        )
    }

    /// Every record and withdrawal as text lines, sorted, answers with their keys in order: two
    /// databases with the same lines hold the same data (import counts and times aside), on
    /// either backend.
    pub fn dump(&mut self) -> Result<Vec<String>> {
        let mut out = self.db.rows(
            "SELECT device_id, uuid, revision, form_hash, CAST(answers AS TEXT), CAST(history AS TEXT) FROM records",
            &[],
            |r| {
                let canonical = |i| -> Result<String> {
                    let v: serde_json::Value = serde_json::from_str(&r.get::<String>(i)?).unwrap_or_default();
                    Ok(sorted(v).to_string())
                };
                Ok(format!(
                    "record {} {} {} {} {} {}",
                    r.get::<String>(0)?,
                    r.get::<String>(1)?,
                    r.get::<i64>(2)?,
                    r.get::<String>(3)?,
                    canonical(4)?,
                    canonical(5)?
                ))
            },
        )?;
        out.extend(self.db.rows("SELECT device_id, uuid, withdrawn_at FROM tombstones", &[], |r| {
            Ok(format!("tombstone {} {} {}", r.get::<String>(0)?, r.get::<String>(1)?, r.get::<String>(2)?))
        })?);
        out.extend(self.db.rows("SELECT hash FROM forms", &[], |r| Ok(format!("form {}", r.get::<String>(0)?)))?);
        out.sort();
        Ok(out)
    }
}

/// `v` with the keys of every object in order (PostgreSQL keeps JSON's keys in its own order).
fn sorted(v: J) -> J {
    match v {
        J::Object(m) => {
            let mut pairs: Vec<(String, J)> = m.into_iter().map(|(k, v)| (k, sorted(v))).collect();
            pairs.sort_by(|a, b| a.0.cmp(&b.0));
            J::Object(pairs.into_iter().collect())
        }
        J::Array(a) => J::Array(a.into_iter().map(sorted).collect()),
        other => other,
    }
}

fn already(place: &str) -> StoreError {
    StoreError::said("err-hq-exists", &[("place", place.to_string())])
}

/// [`Hq::form_versions`], in the transaction under way.
fn form_versions_in(db: &mut Db, form_id: &str) -> Result<Vec<(String, String, String)>> {
    db.rows(
        "SELECT f.hash, f.version, f.definition FROM forms f WHERE f.form_id = ?1
         ORDER BY (SELECT min(started_at) FROM records r WHERE r.form_hash = f.hash), f.version",
        &[&form_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
}

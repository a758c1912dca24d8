//! Merging one batch as it is read and checked ([`Merge`]: one transaction, the other writers
//! waiting). The records go in one at a time on SQLite (in-process lookups cost little). On
//! PostgreSQL they are sent by `COPY` in chunks (one round trip per row would take far longer
//! than the data): a chunk whose ids headquarters has never seen goes straight into the
//! records, any other into a temporary table merged by one statement at the end. The rules are
//! the same:
//!
//! - a record belongs to the laptop that made it: it is kept under that laptop and its id, so
//!   only that laptop's batches revise it or withdraw it; a record of another laptop with the
//!   same id is that laptop's own (and counted, as a sign that one of the two laptops is rogue or
//!   was restored from another's copy);
//! - a record is kept at its highest revision, and at the same revision as the batch further
//!   on carries it (a batch written again carries it with its export in its history), so the
//!   order batches come in does not matter;
//! - only the sending laptop's own withdrawals (or old ones, whose laptop was not kept, `''`)
//!   apply: another laptop cannot claim a record by withdrawing it first; a withdrawal stays.

use super::db::Db;
use super::{Counts, Incoming, Record};
use crate::limits::without_nul as storable;
use crate::store::batches::Tombstone;
use crate::store::{Result, StoreError, now};

/// A merge under way: records and withdrawals are given one at a time, so a batch of any size
/// is merged in the memory of one record (PostgreSQL's rows are sent in chunks of a few
/// megabytes). Nothing is kept unless [`Merge::finish`] is called: dropped, it is undone.
pub struct Merge<'a> {
    db: &'a mut Db,
    import: Import,
    counts: Counts,
    /// PostgreSQL: rows not sent yet, in `COPY`'s text format, and their ids.
    pending: Vec<u8>,
    pending_ids: Vec<String>,
    /// The ids of the forms of which the batch brings a version new here.
    form_ids: Vec<String>,
    /// PostgreSQL: some rows went into the temporary table, to be merged at the end.
    staged: bool,
    /// PostgreSQL: the rows sent were merged into the records (withdrawals then apply).
    merged: bool,
    done: bool,
}

/// The import being merged.
pub(super) struct Import {
    pub device_id: String,
    pub seq: i64,
    pub format: i64,
    pub roster_version: Option<i64>,
    pub digest: String,
    pub file: String,
}

/// A record ready to be written: its answers and status history as the JSON text stored. Made
/// by the import's checking thread, so that the merging thread only writes.
pub struct Row {
    /// The record.
    pub record: Box<Record>,
    answers: String,
    history: String,
    /// How many status changes the history holds.
    history_len: i64,
}

impl Row {
    /// `record`, with its answers and history written as JSON (and taken out of `record`: a
    /// row waiting to be merged holds them once, as text).
    pub fn new(mut record: Box<Record>) -> Row {
        let r = &mut *record;
        for text in
            [&mut r.monitor, &mut r.language, &mut r.status, &mut r.started_at, &mut r.form_id, &mut r.form_version]
        {
            storable(text);
        }
        r.completed_at.iter_mut().chain(r.consent_at.iter_mut()).for_each(storable);
        for change in &mut r.history {
            [&mut change.status, &mut change.at, &mut change.by].into_iter().for_each(storable);
        }
        r.answers.values_mut().for_each(storable_json);
        let answers = serde_json::to_string(&record.answers).unwrap_or_else(|_| "{}".into());
        let history = serde_json::to_string(&record.history).unwrap_or_else(|_| "[]".into());
        let history_len = record.history.len() as i64;
        record.answers = Default::default();
        record.history = Default::default();
        Row { record, answers, history, history_len }
    }
}

/// [`storable`] for every text in a JSON value.
fn storable_json(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::String(s) => storable(s),
        serde_json::Value::Array(items) => items.iter_mut().for_each(storable_json),
        serde_json::Value::Object(map) => map.values_mut().for_each(storable_json),
        _ => {}
    }
}

/// How many bytes of rows PostgreSQL is sent at a time. While a chunk is sent the next rows
/// are checked ([`crate::batch::checking::MERGE_AHEAD`] groups of them, a chunk's worth).
pub const CHUNK: usize = 4 << 20;

impl<'a> Merge<'a> {
    /// Begins: takes the writers' turn, checks the batch number again, stores the forms.
    pub(super) fn begin(
        db: &'a mut Db,
        import: Import,
        forms: &[(String, String, String, String)],
        waiting: Option<&mut (dyn FnMut() + Send)>,
    ) -> Result<Merge<'a>> {
        if let Err(e) = db.begin_writing(waiting) {
            db.rollback();
            return Err(e);
        }
        let mut m = Merge {
            db,
            import,
            counts: Counts::default(),
            pending: Vec::new(),
            pending_ids: Vec::new(),
            form_ids: Vec::new(),
            staged: false,
            merged: false,
            done: false,
        };
        m.start(forms)?;
        Ok(m)
    }

    fn start(&mut self, forms: &[(String, String, String, String)]) -> Result<()> {
        let db = &mut *self.db;
        // Checked before the batch was decrypted, and again now that no one else writes.
        let had: Option<String> = db.one(
            "SELECT digest FROM imports WHERE device_id = ?1 AND seq = ?2",
            &[&self.import.device_id, &self.import.seq],
            |r| r.get(0),
        )?;
        if had.as_deref().is_some_and(|d| d != self.import.digest) {
            return Err(StoreError::Invalid(format!(
                "another batch number {} of this laptop was imported meanwhile; nothing of this one was imported",
                self.import.seq
            )));
        }
        for (hash, id, version, definition) in forms {
            let new = db.exec(
                "INSERT INTO forms (hash, form_id, version, definition) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
                &[hash, id, version, definition],
            )? > 0;
            if new && !self.form_ids.contains(id) {
                self.form_ids.push(id.clone());
            }
        }
        Ok(())
    }

    /// Merges one record.
    pub fn record(&mut self, r: &Row) -> Result<()> {
        self.records(std::slice::from_ref(r))
    }

    /// Merges a group of records. On SQLite, a group whose ids headquarters has never seen (no
    /// record of any laptop, no withdrawal: nearly always) is inserted without a lookup per
    /// record.
    pub fn records(&mut self, rows: &[Row]) -> Result<()> {
        if self.db.is_pg() {
            return rows.iter().try_for_each(|r| self.pg_record(r));
        }
        if rows.len() > 1 && !lite_seen(self.db, rows)? {
            for r in rows {
                insert(self.db, "INSERT", r)?;
            }
            self.counts.imported += rows.len();
            return Ok(());
        }
        rows.iter().try_for_each(|r| one_record(self.db, &self.import.device_id, r, &mut self.counts))
    }

    fn pg_record(&mut self, r: &Row) -> Result<()> {
        {
            if self.merged {
                return Err(StoreError::Invalid("a record after the withdrawals".into()));
            }
            copy_row(&mut self.pending, r);
            self.pending_ids.push(r.record.uuid.clone());
            if self.pending.len() >= CHUNK {
                self.send()?;
            }
            Ok(())
        }
    }

    /// Sends PostgreSQL the rows not sent yet. Rows whose ids headquarters has never seen (no
    /// record of any laptop, no withdrawal: nearly always) go straight into the records, as
    /// `COPY` would load them; the others into a temporary table, merged by the rules at the end.
    fn send(&mut self) -> Result<()> {
        use std::io::Write;
        let Db::Pg(pg) = &mut *self.db else { return Ok(()) };
        if self.pending.is_empty() {
            return Ok(());
        }
        let seen: bool = pg
            .client
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM records WHERE uuid = ANY($1))
                     OR EXISTS (SELECT 1 FROM tombstones WHERE uuid = ANY($1))",
                &[&self.pending_ids],
            )?
            .try_get(0)?;
        if seen && !self.staged {
            pg.client.batch_execute(
                "CREATE TEMPORARY TABLE incoming (LIKE records INCLUDING DEFAULTS) ON COMMIT DROP;
                 ALTER TABLE incoming ADD PRIMARY KEY (device_id, uuid)",
            )?;
            self.staged = true;
        }
        let table = if seen { "incoming" } else { "records" };
        let mut w = pg.client.copy_in(&format!("COPY {table} ({COLUMNS}) FROM STDIN"))?;
        w.write_all(&self.pending).map_err(|e| StoreError::Db(format!("sending records to PostgreSQL failed: {e}")))?;
        w.finish()?;
        if !seen {
            self.counts.imported += self.pending_ids.len();
        }
        self.pending.clear();
        self.pending_ids.clear();
        Ok(())
    }

    /// Applies one withdrawal (every record comes before them).
    pub fn withdrawal(&mut self, t: &Tombstone) -> Result<()> {
        self.merge_sent()?;
        let device = &self.import.device_id;
        self.db.exec(
            "INSERT INTO tombstones (uuid, form_id, withdrawn_at, device_id) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
            &[&t.uuid, &t.form_id, &t.withdrawn_at, device],
        )?;
        self.counts.deleted +=
            self.db.exec("DELETE FROM records WHERE uuid = ?1 AND device_id = ?2", &[&t.uuid, device])? as usize;
        Ok(())
    }

    /// PostgreSQL: sends the last rows and merges them all, once.
    fn merge_sent(&mut self) -> Result<()> {
        if self.db.is_pg() && !self.merged {
            self.send()?;
            let Db::Pg(pg) = &mut *self.db else { return Ok(()) };
            if self.staged {
                let staged = records_at_once(&mut pg.client, &self.import.device_id)?;
                self.counts.imported += staged.imported;
                self.counts.updated += staged.updated;
                self.counts.unchanged += staged.unchanged;
                self.counts.shared_ids += staged.shared_ids;
            }
            self.merged = true;
        }
        Ok(())
    }

    /// Once every record and withdrawal is given: the forms of which the batch brings a version
    /// new here, each with its newest version (id, hash, definition), whose views
    /// [`Merge::replace_views`] makes before the import is committed. (A batch of versions
    /// already here changes their order at most by a record older than all of a version's:
    /// [`super::Hq::replace_views`] after the imports sees to it, sparing every import a look
    /// at all the records.)
    pub fn newest_forms(&mut self) -> Result<Vec<(String, String, String)>> {
        self.merge_sent()?;
        let mut out = Vec::new();
        for id in self.form_ids.clone() {
            if let Some((hash, _, definition)) = super::form_versions_in(self.db, &id)?.pop() {
                out.push((id, hash, definition));
            }
        }
        Ok(out)
    }

    /// [`super::Hq::replace_views`], in this import's transaction. Views that cannot be made
    /// are left as they were and the records are still imported ([`super::Hq::replace_views`]
    /// after the import says why).
    pub fn replace_views(
        &mut self,
        form_id: &str,
        views: &[super::views::View],
        labels: &[super::views::Label],
    ) -> Result<()> {
        self.db.batch("SAVEPOINT views")?;
        match super::views::replace_views_in(self.db, form_id, views, labels) {
            Ok(()) => self.db.batch("RELEASE SAVEPOINT views"),
            Err(e) => {
                self.db.batch("ROLLBACK TO SAVEPOINT views")?;
                Err(e)
            }
        }
    }

    /// Records the import and commits; the counts of what changed.
    pub fn finish(mut self) -> Result<Counts> {
        self.merge_sent()?;
        let counts = self.counts;
        let import = &self.import;
        let db = &mut *self.db;
        let counts_json = serde_json::to_string(&counts).unwrap_or_default();
        db.exec(
            "INSERT INTO imports (device_id, seq, digest, file, imported_at, counts, roster_version)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
            &[
                &import.device_id,
                &import.seq,
                &import.digest,
                &import.file,
                &now(),
                &counts_json,
                &import.roster_version,
            ],
        )?;
        db.exec(
            "UPDATE devices SET format = ?2 WHERE device_id = ?1 AND format < ?2",
            &[&import.device_id, &import.format],
        )?;
        if let Some(v) = import.roster_version {
            db.exec(
                "UPDATE devices SET roster_version = ?2 WHERE device_id = ?1 AND roster_version < ?2",
                &[&import.device_id, &v],
            )?;
        }
        db.commit()?;
        self.done = true;
        Ok(counts)
    }
}

impl Drop for Merge<'_> {
    fn drop(&mut self) {
        if !self.done {
            self.db.rollback();
        }
    }
}

/// `s` in `COPY`'s text format (`\N` is null).
fn copy_text(out: &mut Vec<u8>, s: Option<&str>) {
    let Some(s) = s else {
        out.extend_from_slice(b"\\N");
        return;
    };
    // The runs between the bytes to escape are copied whole.
    let bytes = s.as_bytes();
    let mut from = 0;
    for (i, b) in bytes.iter().enumerate() {
        let escaped: &[u8] = match b {
            b'\\' => b"\\\\",
            b'\t' => b"\\t",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            _ => continue,
        };
        out.extend_from_slice(bytes.get(from..i).unwrap_or_default());
        out.extend_from_slice(escaped);
        from = i + 1;
    }
    out.extend_from_slice(bytes.get(from..).unwrap_or_default());
}

fn copy_row(out: &mut Vec<u8>, row: &Row) {
    let bool_text = |b: bool| if b { "t" } else { "f" };
    let r = &row.record;
    let revision = r.revision.to_string();
    let cells: [Option<&str>; 16] = [
        Some(&r.uuid),
        Some(&r.form_hash),
        Some(&r.form_id),
        Some(&r.form_version),
        Some(&r.monitor),
        Some(&r.device_id),
        Some(&r.started_at),
        r.completed_at.as_deref(),
        Some(&r.language),
        Some(bool_text(r.consent_interview)),
        r.consent_at.as_deref(),
        r.consent_recontact.map(bool_text),
        Some(&r.status),
        Some(&revision),
        Some(&row.answers),
        Some(&row.history),
    ];
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(b'\t');
        }
        copy_text(out, *c);
    }
    out.push(b'\n');
}

/// A batch's form versions as [`Merge::begin`] takes them (hash, form id, version, definition).
pub(super) fn form_rows(batch: &Incoming) -> Vec<(String, String, String, String)> {
    batch
        .forms
        .iter()
        .map(|(hash, definition)| {
            let (id, version) = batch
                .records
                .iter()
                .find(|r| &r.form_hash == hash)
                .map(|r| (r.form_id.clone(), r.form_version.clone()))
                .unwrap_or_default();
            (hash.clone(), id, version, definition.clone())
        })
        .collect()
}

/// Gives a whole batch in memory to `m`: its records, then its withdrawals.
pub(super) fn feed(m: &mut Merge, batch: &Incoming) -> Result<()> {
    for r in &batch.records {
        m.record(&Row::new(Box::new(r.clone())))?;
    }
    for t in &batch.tombstones {
        m.withdrawal(t)?;
    }
    Ok(())
}

fn one_record(db: &mut Db, device_id: &str, row: &Row, counts: &mut Counts) -> Result<()> {
    let r = &row.record;
    // Withdrawn here, held by another laptop, the revision held: one lookup for the three.
    type Held = (bool, bool, Option<i64>, Option<i64>, Option<String>);
    let (withdrawn, shared, have, have_len, have_history): Held = db
        .one(
            "SELECT EXISTS (SELECT 1 FROM tombstones WHERE uuid = ?1 AND device_id IN (?2, '')),
                    EXISTS (SELECT 1 FROM records WHERE uuid = ?1 AND device_id <> ?2),
                    r.revision, json_array_length(r.history), r.history
             FROM (SELECT 1) LEFT JOIN records r ON r.device_id = ?2 AND r.uuid = ?1",
            &[&r.uuid, &device_id],
            |x| Ok((x.get(0)?, x.get(1)?, x.get(2)?, x.get(3)?, x.get(4)?)),
        )?
        .unwrap_or_default();
    if withdrawn {
        counts.unchanged += 1;
        return Ok(());
    }
    if shared {
        counts.shared_ids += 1;
    }
    // A new record is inserted; a newer revision replaces the one held.
    let held = have.map(|rev| (rev, have_len.unwrap_or(0), have_history.unwrap_or_default()));
    let verb = match held {
        Some(held) if !newer(&held, (r.revision, row.history_len, &row.history)) => {
            counts.unchanged += 1;
            return Ok(());
        }
        Some(_) => {
            counts.updated += 1;
            "INSERT OR REPLACE"
        }
        None => {
            counts.imported += 1;
            "INSERT"
        }
    };
    insert(db, verb, row)
}

/// Whether a record of revision, history length and history `incoming` replaces the one held:
/// a higher revision, or the same revision further on (a batch written again carries the
/// record with its export in its history). Whatever order batches come in, the same one stays.
fn newer(held: &(i64, i64, String), incoming: (i64, i64, &str)) -> bool {
    (incoming.0, incoming.1, incoming.2) > (held.0, held.1, held.2.as_str())
}

/// PostgreSQL's [`newer`], of the rows `incoming` and `held`.
fn newer_sql(held: &str, incoming: &str) -> String {
    format!(
        "({incoming}.revision, jsonb_array_length({incoming}.history), {incoming}.history::text)
          > ({held}.revision, jsonb_array_length({held}.history), {held}.history::text)"
    )
}

/// SQLite: whether headquarters has any record (of any laptop) or withdrawal with an id of `rows`.
fn lite_seen(db: &mut Db, rows: &[Row]) -> Result<bool> {
    let ids = serde_json::to_string(&rows.iter().map(|r| r.record.uuid.as_str()).collect::<Vec<_>>())
        .unwrap_or_else(|_| "[]".into());
    Ok(db
        .one(
            "SELECT EXISTS (SELECT 1 FROM records WHERE uuid IN (SELECT value FROM json_each(?1)))
                 OR EXISTS (SELECT 1 FROM tombstones WHERE uuid IN (SELECT value FROM json_each(?1)))",
            &[&ids],
            |x| x.get(0),
        )?
        .unwrap_or(true))
}

/// Writes `row` into the records (`verb`: `INSERT`, or `INSERT OR REPLACE` for a newer revision).
fn insert(db: &mut Db, verb: &str, row: &Row) -> Result<()> {
    let r = &row.record;
    db.exec(
        &format!(
            "{verb} INTO records ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
        ),
        &[
            &r.uuid,
            &r.form_hash,
            &r.form_id,
            &r.form_version,
            &r.monitor,
            &r.device_id,
            &r.started_at,
            &r.completed_at,
            &r.language,
            &r.consent_interview,
            &r.consent_at,
            &r.consent_recontact,
            &r.status,
            &r.revision,
            &row.answers,
            &row.history,
        ],
    )?;
    Ok(())
}

const COLUMNS: &str = "uuid, form_hash, form_id, form_version, monitor, device_id, started_at, completed_at, language,
    consent_interview, consent_at, consent_recontact, status, revision, answers, history";

/// PostgreSQL: merges the rows staged in `incoming` into the records, at once.
fn records_at_once(client: &mut postgres::Client, device_id: &str) -> Result<Counts> {
    let gone = "EXISTS (SELECT 1 FROM tombstones t WHERE t.uuid = i.uuid AND t.device_id IN ($1, ''))";
    let newer = newer_sql("r", "i");
    let row = client.query_one(
        &format!(
            "SELECT count(*) FILTER (WHERE {gone}),
                    count(*) FILTER (WHERE NOT {gone} AND r.revision IS NULL),
                    count(*) FILTER (WHERE NOT {gone} AND {newer}),
                    count(*) FILTER (WHERE NOT {gone} AND NOT {newer}),
                    count(*) FILTER (WHERE NOT {gone} AND EXISTS
                        (SELECT 1 FROM records o WHERE o.uuid = i.uuid AND o.device_id <> $1))
             FROM incoming i LEFT JOIN records r ON r.device_id = $1 AND r.uuid = i.uuid"
        ),
        &[&device_id],
    )?;
    let n = |k: usize| -> Result<usize> { Ok(row.try_get::<_, i64>(k)?.max(0) as usize) };
    let counts = Counts { imported: n(1)?, updated: n(2)?, unchanged: n(0)? + n(3)?, deleted: 0, shared_ids: n(4)? };
    let set: Vec<String> = COLUMNS
        .split(',')
        .map(str::trim)
        .filter(|c| !matches!(*c, "uuid" | "device_id"))
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    client.execute(
        &format!(
            "INSERT INTO records ({COLUMNS}) SELECT {COLUMNS} FROM incoming i WHERE NOT {gone}
             ON CONFLICT (device_id, uuid) DO UPDATE SET {} WHERE {}",
            set.join(", "),
            newer_sql("records", "excluded")
        ),
        &[&device_id],
    )?;
    client.batch_execute("DROP TABLE incoming")?;
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::copy_text;

    /// `COPY`'s text format read back, as PostgreSQL reads the escapes `copy_text` writes.
    fn read_back(cell: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut bytes = cell.iter();
        while let Some(&b) = bytes.next() {
            if b != b'\\' {
                out.push(b);
                continue;
            }
            match bytes.next() {
                Some(b't') => out.push(b'\t'),
                Some(b'n') => out.push(b'\n'),
                Some(b'r') => out.push(b'\r'),
                Some(&other) => out.push(other),
                None => {}
            }
        }
        out
    }

    proptest! {
        /// Whatever an answer holds, its cell has no tab or line break of its own and reads back
        /// as the answer.
        #[test]
        fn a_cell_reads_back_as_the_text_it_was_made_from(s in "(\\PC|[\\t\\n\\r\\\\])*") {
            let mut cell = Vec::new();
            copy_text(&mut cell, Some(&s));
            prop_assert!(!cell.iter().any(|b| matches!(b, b'\t' | b'\n' | b'\r')));
            prop_assert_eq!(read_back(&cell), s.as_bytes());
        }
    }

    #[test]
    fn a_missing_value_is_written_as_null() {
        let mut cell = Vec::new();
        copy_text(&mut cell, None);
        assert_eq!(cell, b"\\N");
    }
}

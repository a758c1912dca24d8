//! Reading records: filters, pages chosen from the indexes, counts, tallies, and a second
//! read-only connection for long queries on another thread.

use super::records::{COLUMNS, row_to_record};
use super::{RecordRow, Result, Role, Session, Status, Store};

/// What [`Store::tally`] groups records by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TallyBy {
    /// Their status.
    Status,
    /// Their form.
    Form,
    /// Their monitor.
    Monitor,
    /// The day the interview started.
    Day,
}

/// Which records to list.
#[derive(Debug, Clone, Default)]
pub struct RecordFilter {
    /// Only these statuses.
    pub status: Vec<Status>,
    /// Only this form id.
    pub form_id: Option<String>,
    /// Only this monitor.
    pub monitor: Option<String>,
    /// Only records started on or after this date (`YYYY-MM-DD`).
    pub since: Option<String>,
    /// Only records started on or before this date.
    pub until: Option<String>,
    /// Free text searched in what records say (answer values and their choices' labels in every
    /// language, never the questions' names; see [`super::search`]), the record's UUID and its
    /// monitor; refused and screened-out records, which kept no answers, match by UUID and
    /// monitor only.
    pub text: Option<String>,
    /// Page size (0: no limit).
    pub limit: usize,
    /// Rows to skip.
    pub offset: usize,
}

/// A finalised interview as its monitor sees it: the form id, when it was finalised, its status.
pub type Finalised = (String, String, Status);

impl Store {
    /// Records matching `filter`, the most recently started first. A monitor sees only their own drafts and
    /// returned records.
    pub fn records(&self, filter: &RecordFilter) -> Result<Vec<RecordRow>> {
        select_page(&self.conn, &self.session, filter)
    }

    /// The answers of this account's most recently started interview of `form_id` (what
    /// `${last-saved#name}` reads in the next interview, and the setting it starts with), or none.
    pub fn last_saved_answers(&self, form_id: &str) -> Result<serde_json::Map<String, serde_json::Value>> {
        // This account's own last interview of the form, whatever became of it (a monitor's
        // finalised interviews included, which its record list does not show).
        use rusqlite::OptionalExtension;
        let text: Option<String> = self
            .conn
            .query_row(
                "SELECT answers FROM records WHERE form_id = ?1 AND monitor = ?2 ORDER BY started_at DESC, uuid DESC LIMIT 1",
                rusqlite::params![form_id, self.session.account],
                |r| r.get(0),
            )
            .optional()?;
        Ok(match text.and_then(|t| serde_json::from_str(&t).ok()) {
            Some(serde_json::Value::Object(m)) => m,
            _ => serde_json::Map::new(),
        })
    }

    /// How many records match `filter` (ignoring its page).
    pub fn count_records(&self, filter: &RecordFilter) -> Result<i64> {
        count(&self.conn, &self.session, filter)
    }

    /// A second, read-only connection for long queries on another thread (a search over every
    /// record), with the same rights as this session.
    pub fn reader(&self) -> Result<Reader> {
        let conn = super::open_db(&self.dir.join(super::DB_FILE), &self.secrets.data_key)?;
        conn.execute_batch("PRAGMA query_only = ON;")?;
        Ok(Reader { conn, session: self.session.clone() })
    }

    /// Counts of the records matching `filter`, grouped by `by`, largest first.
    pub fn tally(&self, filter: &RecordFilter, by: TallyBy) -> Result<Vec<(String, i64)>> {
        let Some((clause, args)) = filter_sql(&self.session, filter)? else {
            return Ok(Vec::new());
        };
        let (key, order) = match by {
            TallyBy::Status => ("status", "2 DESC, 1"),
            TallyBy::Form => ("form_id", "2 DESC, 1"),
            TallyBy::Monitor => ("monitor", "2 DESC, 1"),
            TallyBy::Day => ("substr(started_at, 1, 10)", "1"),
        };
        let sql = format!("SELECT {key}, count(*) FROM records{clause} GROUP BY 1 ORDER BY {order}");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// The session's own finalised interviews (completed, approved, exported), newest first, as
    /// what, when and status only: a monitor sees that its work arrived, never the answers it
    /// no longer holds.
    pub fn own_finalised(&self, limit: usize) -> Result<(i64, Vec<Finalised>)> {
        let account = &self.session.account;
        let finalised = "status IN ('completed', 'approved', 'exported')";
        let n: i64 = self.conn.query_row(
            &format!("SELECT count(*) FROM records WHERE monitor = ?1 AND {finalised}"),
            [account],
            |r| r.get(0),
        )?;
        let mut stmt = self.conn.prepare(&format!(
            "SELECT form_id, coalesce(completed_at, started_at), status FROM records WHERE monitor = ?1 AND {finalised} \
             ORDER BY started_at DESC LIMIT ?2"
        ))?;
        let rows = stmt.query_map(rusqlite::params![account, limit as i64], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (form, at, status) = row?;
            out.push((form, at, Status::parse(&status).unwrap_or(Status::Completed)));
        }
        Ok((n, out))
    }

    /// The monitors who have records the session may see.
    pub fn monitors(&self) -> Result<Vec<String>> {
        Ok(self.tally(&RecordFilter::default(), TallyBy::Monitor)?.into_iter().map(|(m, _)| m).collect())
    }
}

/// A read-only connection to the store for long queries on another thread.
pub struct Reader {
    pub(super) conn: rusqlite::Connection,
    pub(super) session: Session,
}

/// Stops a query a [`Reader`] is running, from any thread.
pub struct Cancel(rusqlite::InterruptHandle);

impl Cancel {
    /// Stops the query now; it returns an error.
    pub fn cancel(&self) {
        self.0.interrupt();
    }
}

impl Reader {
    /// A handle that cancels the running query.
    pub fn cancel_handle(&self) -> Cancel {
        Cancel(self.conn.get_interrupt_handle())
    }

    /// A stored form definition.
    pub fn form_definition(&self, hash: &str) -> Result<String> {
        use rusqlite::OptionalExtension;
        self.conn
            .query_row("SELECT definition FROM forms WHERE hash = ?1", [hash], |r| r.get(0))
            .optional()?
            .ok_or_else(|| super::StoreError::not_found("err-no-form-version", hash))
    }

    /// How many records match `filter`, and its page.
    pub fn page(&self, filter: &RecordFilter) -> Result<(i64, Vec<RecordRow>)> {
        Ok((count(&self.conn, &self.session, filter)?, select_page(&self.conn, &self.session, filter)?))
    }
}

/// The `WHERE` clause and its arguments for `filter`, with the monitor's own limits; `None`
/// when the session may see nothing the filter asks for.
/// The filter's clause and arguments; `None` when no record can match; an error when a date is
/// not a date.
pub(super) fn filter_sql(
    session: &Session,
    filter: &RecordFilter,
) -> Result<Option<(String, Vec<rusqlite::types::Value>)>> {
    for d in [&filter.since, &filter.until].into_iter().flatten() {
        if !is_day(d) {
            return Err(super::StoreError::said("err-not-a-day", &[("value", d.chars().take(40).collect())]));
        }
    }
    if let (Some(since), Some(until)) = (&filter.since, &filter.until)
        && since > until
    {
        return Err(super::StoreError::said(
            "err-days-reversed",
            &[("since", since.clone()), ("until", until.clone())],
        ));
    }
    let mut clauses: Vec<String> = Vec::new();
    let mut args: Vec<rusqlite::types::Value> = Vec::new();
    let mut arg = |v: String| {
        args.push(rusqlite::types::Value::Text(v));
        format!("?{}", args.len())
    };
    let mut statuses = filter.status.clone();
    if session.role == Role::Monitor {
        clauses.push(format!("monitor = {}", arg(session.account.clone())));
        if statuses.is_empty() {
            statuses = vec![Status::Draft, Status::Returned];
        }
        // A monitor also sees the interviews it closed (to reopen one closed by mistake).
        statuses.retain(|s| matches!(s, Status::Draft | Status::Returned | Status::Refused | Status::ScreenedOut));
        if statuses.is_empty() {
            return Ok(None);
        }
    }
    if !statuses.is_empty() {
        let list: Vec<String> = statuses.iter().map(|s| arg(s.as_str().to_string())).collect();
        clauses.push(format!("status IN ({})", list.join(", ")));
    }
    if let Some(f) = &filter.form_id {
        clauses.push(format!("form_id = {}", arg(f.clone())));
    }
    if let Some(m) = &filter.monitor {
        clauses.push(format!("monitor = {}", arg(m.clone())));
    }
    if let Some(d) = &filter.since {
        clauses.push(format!("substr(started_at, 1, 10) >= {}", arg(d.clone())));
    }
    if let Some(d) = &filter.until {
        clauses.push(format!("substr(started_at, 1, 10) <= {}", arg(d.clone())));
    }
    if let Some(t) = filter.text.as_ref().filter(|t| !t.trim().is_empty()) {
        let escape = |s: &str| s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        let p = arg(format!("%{}%", escape(t.trim())));
        // What records say, from the search index; closed interviews kept no answers to match.
        let says = match super::search::query(t) {
            Some(q) => format!(
                " OR (status NOT IN ('refused', 'screened_out') AND uuid IN (SELECT uuid FROM records_text WHERE records_text MATCH {}))",
                arg(q)
            ),
            None => String::new(),
        };
        clauses.push(format!("(uuid LIKE {p} ESCAPE '\\' OR monitor LIKE {p} ESCAPE '\\'{says})"));
    }
    let sql = if clauses.is_empty() { String::new() } else { format!(" WHERE {}", clauses.join(" AND ")) };
    Ok(Some((sql, args)))
}

/// Whether `text` is a calendar day written `YYYY-MM-DD`.
pub fn is_day(text: &str) -> bool {
    text.len() == 10 && chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok()
}

/// The page of records `filter` asks for, newest first; the page is chosen from the indexes
/// first, and only its rows are read whole.
fn select_page(conn: &rusqlite::Connection, session: &Session, filter: &RecordFilter) -> Result<Vec<RecordRow>> {
    let Some((clause, args)) = filter_sql(session, filter)? else {
        return Ok(Vec::new());
    };
    let order = "ORDER BY started_at DESC, uuid DESC";
    let page =
        if filter.limit > 0 { format!(" LIMIT {} OFFSET {}", filter.limit, filter.offset) } else { String::new() };
    let sql = format!(
        "SELECT {COLUMNS} FROM records WHERE rowid IN (SELECT rowid FROM records{clause} {order}{page}) {order}"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args), row_to_record)?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

/// How many records match `filter`, ignoring its page.
fn count(conn: &rusqlite::Connection, session: &Session, filter: &RecordFilter) -> Result<i64> {
    let Some((clause, args)) = filter_sql(session, filter)? else {
        return Ok(0);
    };
    Ok(conn
        .query_row(&format!("SELECT count(*) FROM records{clause}"), rusqlite::params_from_iter(args), |r| r.get(0))?)
}

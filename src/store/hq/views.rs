//! Views for analysts: one per form and one per repeat, laid out as the flat export is (Kobo's
//! column names, `group/question`, a select_multiple also as 0/1 columns), typed where the
//! answers are sure to be of the type (quasi-identifiers may leave a batch as bands or `*`, so
//! they stay text), and a table of labels in every language. On PostgreSQL they live in the
//! schema `analysis`, which the role `fourmi_reader` may read and nothing else: analysts connect
//! R, Stata, Python or Power BI with an account that is a member of it. On SQLite they are in
//! `hq.db` itself (open it read-only). They are made again when a newer form version arrives.

use super::Hq;
use super::db::Db;
use crate::store::{Result, StoreError};

/// What a view's column holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ViewValue {
    /// The answer under this name in the row's instance.
    Answer(String, ColumnType),
    /// 1 if the select_multiple answer under this name has the option, 0 if not.
    Option(String, String),
    /// A column of the record (`uuid`, `form_version`, `monitor`, ...).
    Record(&'static str),
    /// The row's key: the record's id, then `/repeat[n]` for each repeat.
    Key,
    /// The key of the row's parent.
    ParentKey,
    /// The number of the instance in its repeat (1 on).
    Index,
    /// The parent view's name.
    ParentTable,
    /// Whether the respondent agreed to be contacted again (1, 0, empty).
    Recontact,
}

/// The type of an answer column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// Text (choices, free text, anything coarsened).
    Text,
    /// A whole number.
    Integer,
    /// A number with decimals.
    Decimal,
    /// A calendar date.
    Date,
}

/// One column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewColumn {
    /// Its name (`group/question`).
    pub name: String,
    /// What it holds.
    pub value: ViewValue,
}

/// One view: a form's records, or the instances of one of its repeats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    /// Its name: the form id, or `<form id>-<repeat>`.
    pub name: String,
    /// The repeats from the record down to this one's (empty: the records).
    pub repeats: Vec<String>,
    /// The parent view's name.
    pub parent: Option<String>,
    /// Its columns.
    pub columns: Vec<ViewColumn>,
}

/// A label: of a column (`value` empty) or of one of its values, in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// The view.
    pub view: String,
    /// The column.
    pub column: String,
    /// The value labelled (`None`: the column itself).
    pub value: Option<String>,
    /// The language.
    pub language: String,
    /// The label.
    pub label: String,
}

/// `'text'` as an SQL literal.
fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// `"name"` as an SQL identifier.
fn ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// The names headquarters' own tables have (a view is never given one).
const TABLES: [&str; 8] = ["meta", "devices", "imports", "forms", "records", "tombstones", "labels", "fourmi_schema"];

/// The view's name as SQL, in its schema.
fn qualified(db: &Db, name: &str) -> String {
    match db {
        Db::Pg(_) => format!("analysis.{}", ident(name)),
        Db::Lite(_) if TABLES.contains(&name) => ident(&format!("form_{name}")),
        Db::Lite(_) => ident(name),
    }
}

/// The SQL that makes `view` of form `form_id`.
fn sql(db: &Db, form_id: &str, view: &View) -> String {
    let pg = db.is_pg();
    // The instance each depth reads from: the record's answers, then each repeat's.
    let depth = view.repeats.len();
    let at = |d: usize| match (d, pg) {
        (0, _) => "r.answers".to_string(),
        (d, true) => format!("i{d}.v"),
        (d, false) => format!("i{d}.value"),
    };
    let json_text = |from: &str, key: &str| {
        if pg {
            format!("({from} ->> {})", literal(key))
        } else {
            format!("json_extract({from}, {})", literal(&format!("$.\"{key}\"")))
        }
    };
    let json_kind = |from: &str, key: &str| {
        if pg {
            format!("jsonb_typeof({from} -> {})", literal(key))
        } else {
            format!("json_type({from}, {})", literal(&format!("$.\"{key}\"")))
        }
    };
    let key_at = |d: usize| -> String {
        let mut k = "r.uuid".to_string();
        for (i, rep) in view.repeats.iter().take(d).enumerate() {
            let n = if pg { format!("i{}.n", i + 1) } else { format!("(i{}.key + 1)", i + 1) };
            k = format!("{k} || {} || {n} || ']'", literal(&format!("/{rep}[")));
        }
        k
    };
    let here = at(depth);
    let mut cols = Vec::new();
    for c in &view.columns {
        let e = match &c.value {
            ViewValue::Answer(key, ty) => {
                let text = json_text(&here, key);
                let kind = json_kind(&here, key);
                match (ty, pg) {
                    (ColumnType::Text, true) => format!(
                        "CASE {kind} WHEN 'array' THEN (SELECT string_agg(value, ' ') FROM jsonb_array_elements_text({here} -> {})) ELSE {text} END",
                        literal(key)
                    ),
                    (ColumnType::Text, false) => format!(
                        "CASE {kind} WHEN 'array' THEN (SELECT group_concat(value, ' ') FROM json_each({here}, {})) ELSE {text} END",
                        literal(&format!("$.\"{key}\""))
                    ),
                    // Each cast only of what it can take (a value it cannot, an older
                    // version's, would make the whole view fail): read as empty instead.
                    (ColumnType::Integer, true) => format!(
                        "CASE {kind} WHEN 'number' THEN CASE WHEN abs(({text})::numeric) < 9e18 THEN round(({text})::numeric)::bigint END END"
                    ),
                    (ColumnType::Integer, false) => {
                        format!(
                            "CASE {kind} WHEN 'integer' THEN {text} WHEN 'real' THEN CAST(round({text}) AS INTEGER) END"
                        )
                    }
                    (ColumnType::Decimal, true) => format!(
                        "CASE {kind} WHEN 'number' THEN CASE WHEN abs(({text})::numeric) <= 1.7976931348623157e308 THEN ({text})::double precision END END"
                    ),
                    (ColumnType::Decimal, false) => format!("CASE WHEN {kind} IN ('integer', 'real') THEN {text} END"),
                    (ColumnType::Date, true) => pg_date(&text),
                    (ColumnType::Date, false) => text,
                }
            }
            ViewValue::Option(key, option) => {
                let has = if pg {
                    format!("({here} -> {}) ? {}", literal(key), literal(option))
                } else {
                    format!(
                        "EXISTS (SELECT 1 FROM json_each({here}, {}) WHERE value = {})",
                        literal(&format!("$.\"{key}\"")),
                        literal(option)
                    )
                };
                format!("CASE {} WHEN 'array' THEN CASE WHEN {has} THEN 1 ELSE 0 END END", json_kind(&here, key))
            }
            ViewValue::Record(col) => format!("r.{col}"),
            ViewValue::Key => key_at(depth),
            ViewValue::ParentKey => key_at(depth.saturating_sub(1)),
            ViewValue::Index => {
                if pg {
                    format!("i{depth}.n")
                } else {
                    format!("(i{depth}.key + 1)")
                }
            }
            ViewValue::ParentTable => literal(view.parent.as_deref().unwrap_or("")),
            ViewValue::Recontact => "CASE r.consent_recontact WHEN true THEN 1 WHEN false THEN 0 END".to_string(),
        };
        cols.push(format!("{e} AS {}", ident(&c.name)));
    }
    let mut from = "records r".to_string();
    for (i, rep) in view.repeats.iter().enumerate() {
        let parent = at(i);
        let d = i + 1;
        if pg {
            from.push_str(&format!(
                " CROSS JOIN LATERAL jsonb_array_elements(CASE jsonb_typeof({parent} -> {k}) WHEN 'array' THEN {parent} -> {k} ELSE '[]'::jsonb END) WITH ORDINALITY AS i{d}(v, n)",
                k = literal(rep)
            ));
        } else {
            from.push_str(&format!(" JOIN json_each({parent}, {}) AS i{d}", literal(&format!("$.\"{rep}\""))));
        }
    }
    format!(
        "CREATE VIEW {} AS SELECT {} FROM {from} WHERE r.form_id = {}",
        qualified(db, &view.name),
        cols.join(", "),
        literal(form_id)
    )
}

/// PostgreSQL: `text` as a date where it is one (`YYYY-MM-DD`, a day the month has), else
/// empty. `CASE` decides the order, so the cast only sees real dates.
fn pg_date(text: &str) -> String {
    let (y, m, d) =
        (format!("substr({text}, 1, 4)::int"), format!("substr({text}, 6, 2)"), format!("substr({text}, 9, 2)::int"));
    let leap = format!("(({y}) % 4 = 0 AND ({y}) % 100 <> 0) OR ({y}) % 400 = 0");
    let days = format!(
        "CASE WHEN {m} IN ('04', '06', '09', '11') THEN 30 WHEN {m} = '02' THEN CASE WHEN {leap} THEN 29 ELSE 28 END ELSE 31 END"
    );
    format!(
        "CASE WHEN {text} ~ '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}$' THEN CASE WHEN {y} >= 1 AND {m}::int BETWEEN 1 AND 12 AND {d} BETWEEN 1 AND ({days}) THEN ({text})::date END END"
    )
}

/// Gives the role `fourmi_reader` (made if missing) the right to read the views, and nothing
/// else (PostgreSQL; SQLite has no roles).
pub(super) fn create_reader_role(db: &mut Db) -> Result<()> {
    if !db.is_pg() {
        return Ok(());
    }
    db.batch(
        "DO $$ BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'fourmi_reader') THEN
                CREATE ROLE fourmi_reader NOLOGIN;
            END IF;
         EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL; -- another database's `hq init` made it at the same moment
         END $$;
         REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
         GRANT USAGE ON SCHEMA analysis TO fourmi_reader;
         GRANT SELECT ON ALL TABLES IN SCHEMA analysis TO fourmi_reader;
         ALTER DEFAULT PRIVILEGES IN SCHEMA analysis GRANT SELECT ON TABLES TO fourmi_reader;",
    )
    .map_err(|e| match e {
        StoreError::Db(why) => StoreError::Db(format!(
            "{why}. `fourmi hq init` makes the analysts' role fourmi_reader: connect as an account that may create roles (CREATEROLE)"
        )),
        other => other,
    })?;
    let name: String = db.one("SELECT current_database()", &[], |r| r.get(0))?.unwrap_or_default();
    db.batch(&format!("GRANT CONNECT ON DATABASE {} TO fourmi_reader", ident(&name)))
}

impl Hq {
    /// Makes form `form_id`'s views (and their labels) anew, unless they are already these.
    pub fn replace_views(&mut self, form_id: &str, views: &[View], labels: &[Label]) -> Result<()> {
        self.db.write(|db| replace_views_in(db, form_id, views, labels))
    }
}

/// The longest name PostgreSQL keeps (it cuts longer ones, silently).
const PG_NAME_BYTES: usize = 63;

/// `names` as the database can hold them, each distinct from those before it: on PostgreSQL a
/// name longer than it keeps is cut and given a mark of the whole name (`~` and 8 hex digits);
/// a name the database would take for an earlier one (on SQLite, names that differ only in
/// case; on PostgreSQL, names cut alike) is given the mark too. Others are kept as they are.
fn database_names<'a>(pg: bool, names: impl Iterator<Item = &'a str>) -> Vec<String> {
    use sha2::{Digest, Sha256};
    let same = |n: &str| if pg { n.to_string() } else { n.to_ascii_lowercase() };
    let marked = |n: &str| {
        let mark = crate::store::hex(&Sha256::digest(n.as_bytes()).as_slice()[..4]);
        let mut kept = String::new();
        for ch in n.chars() {
            if kept.len() + ch.len_utf8() > PG_NAME_BYTES - 9 {
                break;
            }
            kept.push(ch);
        }
        format!("{kept}~{mark}")
    };
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for name in names {
        let mut n = if pg && name.len() > PG_NAME_BYTES { marked(name) } else { name.to_string() };
        if seen.contains(&same(&n)) {
            n = marked(name);
        }
        seen.insert(same(&n));
        out.push(n);
    }
    out
}

/// A form's views and labels under the names the database holds them by ([`database_names`]:
/// the views' names across the form, each view's columns).
fn named_for(pg: bool, views: &[View], labels: &[Label]) -> (Vec<View>, Vec<Label>) {
    use std::collections::HashMap;
    let view_names = database_names(pg, views.iter().map(|v| v.name.as_str()));
    let view_of: HashMap<&str, &str> =
        views.iter().zip(&view_names).map(|(v, n)| (v.name.as_str(), n.as_str())).collect();
    let mut column_of: HashMap<(&str, &str), String> = HashMap::new();
    let mut named = Vec::new();
    for (v, name) in views.iter().zip(&view_names) {
        let cols = database_names(pg, v.columns.iter().map(|c| c.name.as_str()));
        for (c, n) in v.columns.iter().zip(&cols) {
            column_of.insert((v.name.as_str(), c.name.as_str()), n.clone());
        }
        let columns = v.columns.iter().zip(cols).map(|(c, name)| ViewColumn { name, value: c.value.clone() }).collect();
        let parent = v.parent.as_deref().map(|p| view_of.get(p).map_or(p, |n| n).to_string());
        named.push(View { name: name.clone(), repeats: v.repeats.clone(), parent, columns });
    }
    let labels = labels
        .iter()
        .map(|l| Label {
            view: view_of.get(l.view.as_str()).map_or(l.view.clone(), |n| n.to_string()),
            column: column_of.get(&(l.view.as_str(), l.column.as_str())).cloned().unwrap_or_else(|| l.column.clone()),
            ..l.clone()
        })
        .collect();
    (named, labels)
}

/// [`Hq::replace_views`] inside the transaction under way (an import's, so that the records
/// and their views arrive together). Refused when a view would take the name of another
/// form's (the other form's records would be shown under it).
pub(super) fn replace_views_in(db: &mut Db, form_id: &str, views: &[View], labels: &[Label]) -> Result<()> {
    let (views, labels) = named_for(db.is_pg(), views, labels);
    let (views, labels) = (views.as_slice(), labels.as_slice());
    let statements: Vec<String> = views.iter().map(|v| sql(db, form_id, v)).collect();
    let stamp = {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for s in &statements {
            h.update(s.as_bytes());
        }
        for l in labels {
            h.update(format!("{l:?}").as_bytes());
        }
        crate::store::hex(&h.finalize())
    };
    let key = format!("views:{form_id}");
    let names: Vec<String> = views.iter().map(|v| v.name.clone()).collect();
    db.lock_writers()?;
    let had: Option<String> = db.one("SELECT value FROM meta WHERE key = ?1", &[&key], |r| r.get(0))?;
    if had.as_deref() == Some(stamp.as_str()) {
        return Ok(());
    }
    let others: Vec<(String, String)> = db.rows(
        "SELECT key, value FROM meta WHERE key LIKE 'viewnames:%' AND key <> ?1",
        &[&format!("viewnames:{form_id}")],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let same = |a: &str, b: &str| if db.is_pg() { a == b } else { a.eq_ignore_ascii_case(b) };
    for (key, names) in &others {
        let other = key.trim_start_matches("viewnames:");
        if let Some(v) = views.iter().find(|v| names.split('\n').any(|n| same(n, &v.name))) {
            return Err(StoreError::said(
                "err-view-name-taken",
                &[("view", v.name.clone()), ("other", other.to_string())],
            ));
        }
    }
    if db.is_pg() {
        // Replacing a view waits for the analysts' queries on it to end: not for ever.
        db.batch("SET LOCAL lock_timeout = '30s'")?;
    }
    let before: Option<String> =
        db.one("SELECT value FROM meta WHERE key = ?1", &[&format!("viewnames:{form_id}")], |r| r.get(0))?;
    for old in before.iter().flat_map(|b| b.split('\n')).filter(|n| !n.is_empty()) {
        db.batch(&format!("DROP VIEW IF EXISTS {}", qualified(db, old)))?;
    }
    for (v, s) in views.iter().zip(&statements) {
        db.batch(&format!("DROP VIEW IF EXISTS {}", qualified(db, &v.name)))?;
        db.batch(s)?;
        if db.is_pg() {
            db.batch(&format!("GRANT SELECT ON {} TO fourmi_reader", qualified(db, &v.name)))?;
        }
    }
    let table = if db.is_pg() { "analysis.labels" } else { "labels" };
    for v in views {
        db.exec(&format!("DELETE FROM {table} WHERE view = ?1"), &[&v.name])?;
    }
    for l in labels {
        db.exec(
            &format!("INSERT INTO {table} (view, col, value, language, label) VALUES (?1, ?2, ?3, ?4, ?5)"),
            &[&l.view, &l.column, &l.value, &l.language, &l.label],
        )?;
    }
    for (k, v) in [(key.clone(), stamp.clone()), (format!("viewnames:{form_id}"), names.join("\n"))] {
        db.exec(
            "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[&k, &v],
        )?;
    }
    if db.is_pg() {
        db.batch("SET LOCAL lock_timeout = 0")?;
    }
    Ok(())
}

//! Flat files for analysis, laid out as KoboToolbox writes them: one wide table per form with one
//! row per record, columns named by their group path (`group/question`), a select_multiple both
//! as one space-separated column and as 0/1 columns per option (`question/option`), and one table
//! per repeat linked by keys (`_uuid`, `_parent_uuid`). Personal questions have no column: their
//! answers never leave the laptop.
//!
//! [`write`] puts the tables in CSV files or one XLSX workbook; [`codebook`] describes every
//! column and writes a Stata do-file that applies the variable and value labels.

pub mod codebook;
pub mod parquet;
pub mod release;
pub mod views;
pub mod write;

use serde_json::{Map, Value as J};

use crate::form::{Compiled, ItemId, Kind, Privacy};
use crate::store::hq::Record;

/// What a column holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The answer to an item.
    Answer(ItemId),
    /// 1 if the select_multiple item's answer includes the option, 0 if not, empty if unanswered.
    Option(ItemId, String),
    /// Record metadata, or a key (`_uuid`, `_index`, `_parent_uuid`, ...).
    Meta(&'static str),
}

/// One column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Its header (`group/question`).
    pub name: String,
    /// What it holds.
    pub source: Source,
}

/// One table: the records, or the instances of one repeat.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Its name: the form id, or `<form id>-<repeat name>`.
    pub name: String,
    /// The repeat whose instances are its rows (`None`: the records).
    pub repeat: Option<ItemId>,
    /// Its columns.
    pub columns: Vec<Column>,
    /// Its rows, as text.
    pub rows: Vec<Vec<String>>,
}

/// Values as stored (choice names) or as labels in a language.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Values {
    /// Choice names, numbers, dates as stored.
    #[default]
    Names,
    /// Choice labels in this language (the form's default where it has none).
    Labels(String),
}

const RECORD_META: [&str; 11] = [
    "_uuid",
    "_index",
    "_form_version",
    "_monitor",
    "_device_id",
    "_started_at",
    "_completed_at",
    "_language",
    "_consent_recontact",
    "_revision",
    "_status",
];
const REPEAT_META: [&str; 5] = ["_uuid", "_index", "_parent_uuid", "_parent_table_name", "_submission_uuid"];

/// The path of an item: the names of its enclosing groups and repeats, then its own.
pub fn path(form: &Compiled, id: ItemId) -> String {
    let mut parts = vec![form.items[id].item.name.as_str()];
    let mut at = form.items[id].parent;
    while let Some(p) = at {
        parts.push(&form.items[p].item.name);
        at = form.items[p].parent;
    }
    parts.reverse();
    parts.join("/")
}

/// The choice names of a select item's list.
pub fn choice_names(form: &Compiled, id: ItemId) -> Vec<String> {
    form.choice_list(id).map(|cs| cs.iter().map(|c| c.name.clone()).collect()).unwrap_or_default()
}

/// Whether an item gets a column: answers and calculations, not personal ones; a question not
/// collected on this laptop keeps its (empty) column, as the codebook says.
fn has_column(form: &Compiled, id: ItemId) -> bool {
    let item = &form.items[id].item;
    item.privacy != Privacy::Personal
        && (item.kind.is_question()
            || item.kind.is_metadata()
            || matches!(item.kind, Kind::Calculate | Kind::NotCollected))
}

/// The empty tables of a form: the records', then one per repeat, in form order.
pub fn tables(form: &Compiled) -> Vec<Table> {
    let mut scopes: Vec<Option<ItemId>> = vec![None];
    scopes.extend(form.items.iter().enumerate().filter(|(_, n)| n.item.kind == Kind::Repeat).map(|(id, _)| Some(id)));
    scopes
        .into_iter()
        .map(|scope| {
            let mut columns = Vec::new();
            for (id, node) in form.items.iter().enumerate() {
                if node.repeat != scope || !has_column(form, id) {
                    continue;
                }
                columns.push(Column { name: path(form, id), source: Source::Answer(id) });
                if node.item.kind == Kind::SelectMultiple {
                    for c in choice_names(form, id) {
                        columns.push(Column { name: format!("{}/{c}", path(form, id)), source: Source::Option(id, c) });
                    }
                }
            }
            let meta: &[&'static str] = if scope.is_none() { &RECORD_META } else { &REPEAT_META };
            columns.extend(meta.iter().map(|m| Column { name: (*m).to_string(), source: Source::Meta(m) }));
            let name = match scope {
                None => form.form.id.clone(),
                Some(r) => format!("{}-{}", form.form.id, form.items[r].item.name),
            };
            Table { name, repeat: scope, columns, rows: Vec::new() }
        })
        .collect()
}

/// Fills tables built by [`tables`] from records.
pub struct Filler<'a> {
    form: &'a Compiled,
    values: Values,
    /// The tables being filled.
    pub tables: Vec<Table>,
    /// Answers to questions the form has no column for (an older version's questions).
    pub unplaced: usize,
    /// This release's secret for record keys: `_uuid` is the same for a record throughout one
    /// set of files (so that repeat tables join) and another in every other set, so that two
    /// releases anonymised differently cannot be joined record by record, and the key tells
    /// nothing of the interview's time (record ids are UUIDv7, which carry it).
    release: [u8; 32],
}

impl<'a> Filler<'a> {
    /// Empty tables for `form`, in the release whose secret is `release` (see [`Filler`]).
    pub fn new(form: &'a Compiled, values: Values, release: [u8; 32]) -> Filler<'a> {
        Filler { form, values, tables: tables(form), unplaced: 0, release }
    }

    /// The key that stands for record `uuid` in this release.
    fn key(&self, uuid: &str) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(self.release);
        h.update(uuid.as_bytes());
        let d = h.finalize();
        let hex = |from: usize, to: usize| -> String {
            d.iter().skip(from).take(to - from).map(|b| format!("{b:02x}")).collect()
        };
        format!("{}-{}-{}-{}-{}", hex(0, 4), hex(4, 6), hex(6, 8), hex(8, 10), hex(10, 16))
    }

    /// Adds one record's rows.
    pub fn add(&mut self, rec: &Record) {
        let index = self.tables[0].rows.len() + 1;
        let key = self.key(&rec.uuid);
        let meta = |m: &str| -> String {
            match m {
                "_uuid" => key.clone(),
                "_index" => index.to_string(),
                "_form_version" => rec.form_version.clone(),
                "_monitor" => rec.monitor.clone(),
                "_device_id" => rec.device_id.clone(),
                "_started_at" => rec.started_at.clone(),
                "_completed_at" => rec.completed_at.clone().unwrap_or_default(),
                "_language" => rec.language.clone(),
                "_consent_recontact" => {
                    rec.consent_recontact.map(|b| if b { "1" } else { "0" }.to_string()).unwrap_or_default()
                }
                "_revision" => rec.revision.to_string(),
                "_status" => rec.status.clone(),
                _ => String::new(),
            }
        };
        self.scope(0, &rec.answers, &meta, &key, &key);
    }

    fn scope(&mut self, table: usize, answers: &Map<String, J>, meta: &dyn Fn(&str) -> String, id: &str, record: &str) {
        let row: Vec<String> = self.tables[table]
            .columns
            .iter()
            .map(|c| match &c.source {
                Source::Answer(item) => {
                    answers.get(&self.form.items[*item].item.name).map(|v| self.text(*item, v)).unwrap_or_default()
                }
                Source::Option(item, option) => match answers.get(&self.form.items[*item].item.name) {
                    Some(J::Array(chosen)) => {
                        if chosen.iter().any(|x| x.as_str() == Some(option)) { "1" } else { "0" }.to_string()
                    }
                    _ => String::new(),
                },
                Source::Meta(m) => meta(m),
            })
            .collect();
        self.tables[table].rows.push(row);
        for (name, value) in answers {
            let Some(item) = self.form.id(name) else {
                self.unplaced += 1;
                continue;
            };
            let J::Array(instances) = value else { continue };
            if self.form.items[item].item.kind != Kind::Repeat {
                continue;
            }
            let Some(t) = self.tables.iter().position(|t| t.repeat == Some(item)) else { continue };
            let parent_table = self.tables[table].name.clone();
            for (i, inst) in instances.iter().enumerate() {
                let J::Object(inner) = inst else { continue };
                let child = format!("{id}/{name}[{}]", i + 1);
                let index = i + 1;
                let m = |k: &str| -> String {
                    match k {
                        "_uuid" => child.clone(),
                        "_index" => index.to_string(),
                        "_parent_uuid" => id.to_string(),
                        "_parent_table_name" => parent_table.clone(),
                        "_submission_uuid" => record.to_string(),
                        _ => String::new(),
                    }
                };
                self.scope(t, inner, &m, &child, record);
            }
        }
    }

    fn text(&self, item: ItemId, value: &J) -> String {
        let raw = crate::interview::from_json(value);
        let Values::Labels(lang) = &self.values else { return raw };
        let node = &self.form.items[item].item;
        if !node.kind.is_select() {
            return raw;
        }
        let label = |name: &str| -> String { self.form.answer_label(item, name, lang).unwrap_or(name).to_string() };
        match value {
            J::Array(names) => names.iter().filter_map(J::as_str).map(label).collect::<Vec<_>>().join("; "),
            _ => label(&raw),
        }
    }
}

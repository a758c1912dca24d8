//! Tables as 4Mi publishes them: for a select question, counts and shares with the denominator
//! next to each percentage (`57% (799/1394)`), broken down by another question, filtered with
//! the form's expression language; multi-selects as shares of respondents and of mentions;
//! questions inside a repeat per instance (one incident, its perpetrators); small cells shown as
//! `<5` in anything exported. [`output`] prints them and writes CSV / XLSX.

pub mod output;

use crate::store::StoreError;
use std::collections::BTreeMap;

use serde_json::{Map, Value as J};

use crate::expr::{Expression, MapContext, Value};
use crate::form::generalise::HIDDEN;
use crate::form::{Compiled, ItemId, Kind, text_in};

/// Records to tabulate: the answers of each, with the form (its newest version) they follow.
pub struct Dataset {
    /// The form.
    pub form: Compiled,
    /// Each record's answers.
    pub records: Vec<Map<String, J>>,
}

/// What to tabulate.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// The select question.
    pub question: String,
    /// Break down by this question's answers (a select at the top level, or in the same repeat).
    pub by: Option<String>,
    /// Only the records (or repeat instances) where this holds.
    pub filter: Option<String>,
    /// Choices kept visible but left out of the base (`refused`, `dont_know`).
    pub exclude: Vec<String>,
    /// The language of the labels (the form's default when empty).
    pub language: String,
}

/// What the rows count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unit {
    /// Respondents (records).
    Respondents,
    /// Instances of this repeat (one incident each).
    Instances(String),
}

/// One row: a choice and its count in each column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The choice's name.
    pub name: String,
    /// Its label.
    pub label: String,
    /// Units choosing it, per column.
    pub counts: Vec<usize>,
    /// Whether it is left out of the base.
    pub excluded: bool,
}

/// A table.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The question.
    pub question: String,
    /// Its label.
    pub label: String,
    /// A select_multiple.
    pub multi: bool,
    /// What is counted.
    pub unit: Unit,
    /// The columns: (name, label); the first is everyone (`""`, "All").
    pub columns: Vec<(String, String)>,
    /// The rows, in the list's order.
    pub rows: Vec<Row>,
    /// Per column: units that answered, minus those whose answer is only excluded choices.
    pub base: Vec<usize>,
    /// Per column: choices made (multi-selects), excluded choices left out.
    pub mentions: Vec<usize>,
}

/// Why a table cannot be made (worded in `assets/i18n/*.ftl`: [`TableError::said`] in the user's
/// language, `Display` in English).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TableError {
    /// No such question.
    Unknown(String),
    /// Not a select.
    NotSelect(String),
    /// A breakdown from another repeat.
    Scope {
        /// The question.
        question: String,
        /// The breakdown.
        by: String,
    },
    /// A bad filter.
    Filter(String, String),
}

impl TableError {
    /// The message, to be worded in the user's language.
    pub fn said(&self) -> crate::i18n::Said {
        use crate::i18n::Said;
        match self {
            TableError::Unknown(q) => Said::new("err-table-unknown", &[("question", q.clone())]),
            TableError::NotSelect(q) => Said::new("err-table-not-select", &[("question", q.clone())]),
            TableError::Scope { question, by } => {
                Said::new("err-table-scope", &[("question", question.clone()), ("by", by.clone())])
            }
            TableError::Filter(f, why) => {
                Said::new("err-table-filter", &[("filter", f.clone()), ("detail", why.clone())])
            }
        }
    }
}

impl std::fmt::Display for TableError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.said().fmt(f)
    }
}

impl std::error::Error for TableError {}

/// There is nothing to tabulate for `form_id`.
fn no_records(form_id: &str) -> StoreError {
    StoreError::said("err-table-no-records", &[("form", form_id.to_string())])
}

/// Which laptop records tables count: finished interviews (completed, approved, exported) of
/// `form_id`.
fn finished(form_id: &str) -> crate::store::RecordFilter {
    use crate::store::{RecordFilter, Status};
    RecordFilter {
        status: vec![Status::Completed, Status::Approved, Status::Exported],
        form_id: Some(form_id.to_string()),
        ..RecordFilter::default()
    }
}

/// Whole percent, half up.
pub fn percent(n: usize, d: usize) -> usize {
    if d == 0 { 0 } else { (200 * n + d) / (2 * d) }
}

/// `57% (799/1394)`; with `suppress`, counts from 1 to below it are shown as `<k`.
pub fn cell(n: usize, d: usize, suppress: Option<usize>) -> String {
    match suppress {
        Some(k) if (n > 0 && n < k) || (d > 0 && d < k) => format!("<{k}"),
        _ => format!("{}% ({n}/{d})", percent(n, d)),
    }
}

fn choices(form: &Compiled, id: ItemId, lang: &str) -> Vec<(String, String)> {
    let list = form.choice_list(id);
    let default = &form.form.default_language;
    let mut out: Vec<(String, String)> = list
        .map(|cs| {
            cs.iter()
                .map(|c| (c.name.clone(), text_in(&c.label, lang, default).unwrap_or(&c.name).to_string()))
                .collect()
        })
        .unwrap_or_default();
    if form.items[id].item.or_other && !out.iter().any(|(n, _)| n == "other") {
        out.push(("other".into(), "Other".into()));
    }
    out
}

fn select(form: &Compiled, name: &str) -> Result<ItemId, TableError> {
    let id = form.id(name).ok_or_else(|| TableError::Unknown(name.to_string()))?;
    if !form.items[id].item.kind.is_select() {
        return Err(TableError::NotSelect(name.to_string()));
    }
    Ok(id)
}

/// The answer's choice names.
fn chosen(v: Option<&J>) -> Vec<&str> {
    match v {
        Some(J::String(s)) if !s.is_empty() => vec![s.as_str()],
        Some(J::Array(items)) => items.iter().filter_map(J::as_str).collect(),
        _ => Vec::new(),
    }
}

impl Dataset {
    /// The records of `form_id` on this laptop that interviews finished (completed, approved,
    /// exported), with the form of the most recent one.
    pub fn from_store(store: &crate::store::Store, form_id: &str) -> crate::store::Result<Dataset> {
        let rows = store.records(&finished(form_id))?;
        Dataset::from_rows(rows, form_id, |h| store.form_definition(h))
    }

    /// The same, read through a [`crate::store::Reader`] (on another thread).
    pub fn from_reader(reader: &crate::store::Reader, form_id: &str) -> crate::store::Result<Dataset> {
        let (_, rows) = reader.page(&finished(form_id))?;
        Dataset::from_rows(rows, form_id, |h| reader.form_definition(h))
    }

    fn from_rows(
        rows: Vec<crate::store::RecordRow>,
        form_id: &str,
        definition: impl Fn(&str) -> crate::store::Result<String>,
    ) -> crate::store::Result<Dataset> {
        let newest = rows.first().ok_or_else(|| no_records(form_id))?;
        let form = crate::form::from_definition(&definition(&newest.form_hash)?).map_err(StoreError::Corrupt)?;
        let records = rows
            .into_iter()
            .filter_map(|r| match r.answers {
                J::Object(m) => Some(m),
                _ => None,
            })
            .collect();
        Ok(Dataset { form, records })
    }

    /// The records of `form_id` at headquarters, with the newest version of the form.
    pub fn from_hq(hq: &mut crate::store::hq::Hq, form_id: &str) -> crate::store::Result<Dataset> {
        let versions = hq.form_versions(form_id)?;
        let (_, _, definition) = versions.last().ok_or_else(|| no_records(form_id))?;
        let form = crate::form::from_definition(definition).map_err(StoreError::Corrupt)?;
        let mut records = Vec::new();
        hq.each_record(form_id, |r| records.push(r.answers))?;
        Ok(Dataset { form, records })
    }

    /// Makes one table.
    pub fn tabulate(&self, req: &Request) -> Result<Table, TableError> {
        let form = &self.form;
        let lang = if req.language.is_empty() { form.form.default_language.clone() } else { req.language.clone() };
        let q = select(form, &req.question)?;
        let mut scope = form.items[q].repeat;
        let by = match &req.by {
            Some(b) => {
                let id = select(form, b)?;
                let by_scope = form.items[id].repeat;
                match (scope, by_scope) {
                    // A top-level question broken down by a repeat's question: counted per instance
                    // (the nationality of those reporting each incident type).
                    (None, Some(_)) => scope = by_scope,
                    (Some(_), Some(_)) if by_scope != scope => {
                        return Err(TableError::Scope { question: req.question.clone(), by: b.clone() });
                    }
                    _ => {}
                }
                Some(id)
            }
            None => None,
        };
        let filter = match &req.filter {
            Some(f) => Some(Expression::parse(f).map_err(|e| TableError::Filter(f.clone(), e.to_string()))?),
            None => None,
        };
        let mut columns = vec![(String::new(), "All".to_string())];
        if let Some(b) = by {
            columns.extend(choices(form, b, &lang));
        }
        let mut rows_def = choices(form, q, &lang);
        let defined = (rows_def.len(), columns.len());
        let mut counts = vec![vec![0usize; columns.len()]; rows_def.len()];
        let mut base = vec![0usize; columns.len()];
        let mut mentions = vec![0usize; columns.len()];
        let q_name = &form.items[q].item.name;
        let by_name = by.map(|b| form.items[b].item.name.clone());
        let mut count_unit = |top: &Map<String, J>, unit: &Map<String, J>| {
            if let Some(f) = &filter
                && !holds(form, f, top, unit)
            {
                return;
            }
            let picked = chosen(unit.get(q_name).or_else(|| top.get(q_name)));
            if picked.is_empty() {
                return;
            }
            let mut cols = vec![0];
            if let Some(b) = &by_name {
                let source = if unit.contains_key(b) { unit } else { top };
                for c in chosen(source.get(b)) {
                    // A value outside the choices (hidden `*`, coarsened to a region) gets a
                    // column of its own, so that the columns add up to "All".
                    let i = match columns.iter().skip(1).position(|(n, _)| n == c) {
                        Some(i) => i + 1,
                        None => {
                            columns.push((c.to_string(), c.to_string()));
                            base.push(0);
                            mentions.push(0);
                            counts.iter_mut().for_each(|row| row.push(0));
                            columns.len() - 1
                        }
                    };
                    cols.push(i);
                }
            }
            let kept = picked.iter().filter(|c| !req.exclude.iter().any(|e| e == *c)).count();
            for &col in &cols {
                if kept > 0 {
                    base[col] += 1;
                    mentions[col] += kept;
                }
                for c in &picked {
                    // Likewise a row of its own, so that the rows add up to the base.
                    let r = match rows_def.iter().position(|(n, _)| n == c) {
                        Some(r) => r,
                        None => {
                            rows_def.push((c.to_string(), c.to_string()));
                            counts.push(vec![0; base.len()]);
                            rows_def.len() - 1
                        }
                    };
                    counts[r][col] += 1;
                }
            }
        };
        for rec in &self.records {
            match scope {
                None => count_unit(rec, rec),
                Some(r) => {
                    for inst in instances(form, rec, r) {
                        count_unit(rec, inst);
                    }
                }
            }
        }
        // The values outside the choices after them, in the order of their names, `*` last
        // (the same table whatever the order of the records).
        let order = |names: Vec<&String>| -> Vec<usize> {
            let mut idx: Vec<usize> = (0..names.len()).collect();
            idx.sort_by_key(|&i| (names[i] == HIDDEN, names[i].clone()));
            idx
        };
        let extra_rows = order(rows_def.iter().skip(defined.0).map(|(n, _)| n).collect());
        let row_order: Vec<usize> = (0..defined.0).chain(extra_rows.into_iter().map(|i| i + defined.0)).collect();
        let rows_def: Vec<(String, String)> = row_order.iter().map(|&i| rows_def[i].clone()).collect();
        let counts: Vec<Vec<usize>> = row_order.iter().map(|&i| counts[i].clone()).collect();
        let extra_cols = order(columns.iter().skip(defined.1).map(|(n, _)| n).collect());
        let col_order: Vec<usize> = (0..defined.1).chain(extra_cols.into_iter().map(|i| i + defined.1)).collect();
        let reorder = |v: &[usize]| -> Vec<usize> { col_order.iter().map(|&c| v[c]).collect() };
        let columns: Vec<(String, String)> = col_order.iter().map(|&c| columns[c].clone()).collect();
        let counts: Vec<Vec<usize>> = counts.iter().map(|row| reorder(row)).collect();
        let (base, mentions) = (reorder(&base), reorder(&mentions));
        // Breakdown columns nobody falls in are left out ("All" stays).
        let keep: Vec<bool> = base.iter().enumerate().map(|(c, b)| c == 0 || *b > 0 || mentions[c] > 0).collect();
        let pick =
            |v: Vec<usize>| -> Vec<usize> { v.into_iter().zip(&keep).filter(|(_, k)| **k).map(|(x, _)| x).collect() };
        let columns = columns.into_iter().zip(&keep).filter(|(_, k)| **k).map(|(c, _)| c).collect();
        let counts: Vec<Vec<usize>> = counts.into_iter().map(pick).collect();
        let (base, mentions) = (pick(base), pick(mentions));
        let rows = rows_def
            .into_iter()
            .zip(counts)
            .map(|((name, label), counts)| Row { excluded: req.exclude.contains(&name), name, label, counts })
            .collect();
        Ok(Table {
            question: q_name.clone(),
            label: text_in(&form.items[q].item.label, &lang, &form.form.default_language).unwrap_or(q_name).to_string(),
            multi: form.items[q].item.kind != Kind::SelectOne,
            unit: match scope {
                None => Unit::Respondents,
                Some(r) => Unit::Instances(form.items[r].item.name.clone()),
            },
            columns,
            rows,
            base,
            mentions,
        })
    }
}

/// The instances of repeat `r` in a record (through the repeats that enclose it).
fn instances<'a>(form: &Compiled, rec: &'a Map<String, J>, r: ItemId) -> Vec<&'a Map<String, J>> {
    let mut chain = vec![r];
    while let Some(outer) = form.items[*chain.last().unwrap_or(&r)].repeat {
        chain.push(outer);
    }
    chain.reverse();
    let mut level: Vec<&Map<String, J>> = vec![rec];
    for rep in chain {
        let name = &form.items[rep].item.name;
        level = level
            .into_iter()
            .filter_map(|m| m.get(name).and_then(J::as_array))
            .flatten()
            .filter_map(J::as_object)
            .collect();
    }
    level
}

/// Whether `filter` holds for a unit: references are looked up in the unit, then the record;
/// a question inside a repeat seen from the record gives all its instances' answers, space
/// separated (so `selected(${incident_city}, 'bamako')` finds records with an incident there);
/// unanswered questions are empty.
fn holds(form: &Compiled, filter: &Expression, top: &Map<String, J>, unit: &Map<String, J>) -> bool {
    let mut answers: BTreeMap<String, Value> = BTreeMap::new();
    for name in filter.references() {
        let value = match unit.get(name).or_else(|| top.get(name)) {
            Some(J::Number(n)) => Value::Num(n.as_f64().unwrap_or(f64::NAN)),
            Some(v) => Value::Str(crate::interview::from_json(v)),
            None => match form.id(name).and_then(|id| form.items[id].repeat) {
                Some(r) => Value::Str(
                    instances(form, top, r)
                        .iter()
                        .filter_map(|i| i.get(name))
                        .map(crate::interview::from_json)
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
                None => Value::Str(String::new()),
            },
        };
        answers.insert(name.clone(), value);
    }
    let ctx = MapContext { answers, now: None };
    filter.eval(&ctx).map(|v| v.to_bool()).unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_half_up_and_small_cells_are_hidden_on_request() {
        assert_eq!(cell(14, 29, None), "48% (14/29)");
        assert_eq!(cell(157, 160, None), "98% (157/160)");
        assert_eq!(cell(8, 11, None), "73% (8/11)");
        assert_eq!(cell(1, 2, None), "50% (1/2)");
        assert_eq!(cell(0, 29, None), "0% (0/29)");
        assert_eq!(cell(3, 29, Some(5)), "<5");
        assert_eq!(cell(0, 29, Some(5)), "0% (0/29)");
        assert_eq!(cell(0, 0, None), "0% (0/0)");
    }
}

//! The analysts' views at headquarters (see `store::hq::views`), laid out as the flat files are:
//! the same tables, columns and names, each column typed by [`column_type`], and labels of every
//! column and choice in every language of the form.

use crate::form::{Compiled, Kind, Privacy};
use crate::store::hq::views::{ColumnType, Label, View, ViewColumn, ViewValue};

use super::{Source, tables};

/// The type a column's values are sure to have in every batch: numbers and dates as such, except
/// quasi-identifiers, which an export may coarsen into bands or hide (`*`), and so stay text.
pub fn column_type(form: &Compiled, source: &Source) -> ColumnType {
    match source {
        Source::Answer(id) => {
            let item = &form.items[*id].item;
            if item.privacy == Privacy::QuasiIdentifier {
                return ColumnType::Text;
            }
            match item.kind {
                Kind::Integer => ColumnType::Integer,
                Kind::Decimal | Kind::Range => ColumnType::Decimal,
                Kind::Date | Kind::Today => ColumnType::Date,
                _ => ColumnType::Text,
            }
        }
        Source::Option(..) => ColumnType::Integer,
        Source::Meta(m) if matches!(*m, "_index" | "_revision" | "_consent_recontact") => ColumnType::Integer,
        Source::Meta(_) => ColumnType::Text,
    }
}

fn meta(m: &str, repeat: bool) -> Option<ViewValue> {
    Some(match m {
        "_uuid" => ViewValue::Key,
        // The records' row number depends on the whole table: a view leaves it out, so that a
        // query over part of the records does not number all of them first.
        "_index" if !repeat => return None,
        "_index" => ViewValue::Index,
        "_form_version" => ViewValue::Record("form_version"),
        "_monitor" => ViewValue::Record("monitor"),
        "_device_id" => ViewValue::Record("device_id"),
        "_started_at" => ViewValue::Record("started_at"),
        "_completed_at" => ViewValue::Record("completed_at"),
        "_language" => ViewValue::Record("language"),
        "_consent_recontact" => ViewValue::Recontact,
        "_revision" => ViewValue::Record("revision"),
        "_status" => ViewValue::Record("status"),
        "_parent_uuid" => ViewValue::ParentKey,
        "_parent_table_name" => ViewValue::ParentTable,
        "_submission_uuid" => ViewValue::Record("uuid"),
        _ => return None,
    })
}

/// The views of `form` and their labels.
pub fn views(form: &Compiled) -> (Vec<View>, Vec<Label>) {
    let all = tables(form);
    let mut views = Vec::new();
    let mut labels = Vec::new();
    for t in &all {
        let mut repeats = Vec::new();
        let mut at = t.repeat;
        while let Some(r) = at {
            repeats.push(form.items[r].item.name.clone());
            at = form.items[r].repeat.filter(|p| *p != r);
        }
        repeats.reverse();
        let parent = t.repeat.map(|r| {
            let up = form.items[r].repeat.filter(|p| *p != r);
            all.iter().find(|p| p.repeat == up).map(|p| p.name.clone()).unwrap_or_default()
        });
        let mut columns = Vec::new();
        for c in &t.columns {
            let value = match &c.source {
                Source::Answer(id) => {
                    ViewValue::Answer(form.items[*id].item.name.clone(), column_type(form, &c.source))
                }
                Source::Option(id, o) => ViewValue::Option(form.items[*id].item.name.clone(), o.clone()),
                Source::Meta(m) => match meta(m, t.repeat.is_some()) {
                    Some(v) => v,
                    None => continue,
                },
            };
            columns.push(ViewColumn { name: c.name.clone(), value });
            let mut label = |value: Option<String>, text: &crate::form::Text| {
                for (language, l) in text {
                    labels.push(Label {
                        view: t.name.clone(),
                        column: c.name.clone(),
                        value: value.clone(),
                        language: language.clone(),
                        label: l.clone(),
                    });
                }
            };
            match &c.source {
                Source::Answer(id) => {
                    label(None, &form.items[*id].item.label);
                    if form.items[*id].item.kind.is_select() {
                        for choice in form.choice_list(*id).into_iter().flatten() {
                            label(Some(choice.name.clone()), &choice.label);
                        }
                    }
                }
                Source::Option(id, o) => {
                    let choice = form.choice_list(*id).and_then(|cs| cs.iter().find(|ch| &ch.name == o));
                    label(None, choice.map(|ch| &ch.label).unwrap_or(&form.items[*id].item.label));
                }
                Source::Meta(_) => {}
            }
        }
        views.push(View { name: t.name.clone(), repeats, parent, columns });
    }
    (views, labels)
}

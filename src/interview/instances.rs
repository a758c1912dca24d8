//! Secondary instances as expressions see them during an interview: `instance('name')` is the
//! choice list `name`, or the attached choice file whose name without extension is `name`, as
//! the document `root/item/<column>` (each choice an `item`, its name, label and other columns
//! its children), as ODK builds it.
//!
//! Their nodes get handles of their own, above every handle a form's own document could use:
//! `BASE + list << 32`, the list's document; `+ 1`, its `root`; `+ (i + 1) << 8`, its item `i`;
//! `+ c + 1` beyond that, the item's column `c`.

use crate::form::{Choice, Form};

pub(crate) const BASE: usize = 1 << 48;
const COLUMNS: usize = 255;

/// Where a handle points.
enum At<'a> {
    Document,
    Root(&'a [Choice]),
    Item(&'a Choice),
    Column(&'a Choice, usize),
}

fn lists(form: &Form) -> impl Iterator<Item = (&String, &Vec<Choice>)> {
    form.choices.iter()
}

/// The handle of the instance `name`'s document.
pub(crate) fn instance(form: &Form, name: &str) -> Option<usize> {
    let index = lists(form).position(|(key, _)| {
        key == name || key.rsplit_once('.').is_some_and(|(stem, ext)| stem == name && !ext.contains(':'))
    })?;
    Some(BASE + (index << 32))
}

fn resolve(form: &Form, node: usize) -> Option<(usize, At<'_>)> {
    let rel = node.checked_sub(BASE)?;
    let list = rel >> 32;
    let inner = rel & 0xFFFF_FFFF;
    let (_, choices) = lists(form).nth(list)?;
    let base = BASE + (list << 32);
    Some(match inner {
        0 => (base, At::Document),
        1 => (base, At::Root(choices)),
        _ => {
            let item = (inner >> 8).checked_sub(1)?;
            let choice = choices.get(item)?;
            match inner & 0xFF {
                0 => (base, At::Item(choice)),
                c => (base, At::Column(choice, c - 1)),
            }
        }
    })
}

/// A choice's columns as an item's children: `name`, `label` (in `language`), the others.
fn columns(choice: &Choice, label: &str) -> Vec<(String, String)> {
    let mut out = vec![("name".to_string(), choice.name.clone()), ("label".to_string(), label.to_string())];
    out.extend(choice.extra.iter().map(|(k, v)| (k.clone(), v.clone())));
    out.truncate(COLUMNS);
    out
}

/// Children of an instance node.
pub(crate) fn children(form: &Form, node: usize) -> Option<Vec<usize>> {
    let (base, at) = resolve(form, node)?;
    Some(match at {
        At::Document => vec![base + 1],
        At::Root(choices) => (0..choices.len().min((1 << 24) - 2)).map(|i| base + ((i + 1) << 8)).collect(),
        At::Item(c) => (0..columns(c, "").len()).map(|k| node + k + 1).collect(),
        At::Column(..) => Vec::new(),
    })
}

/// Parent of an instance node.
pub(crate) fn parent(form: &Form, node: usize) -> Option<Option<usize>> {
    let (base, at) = resolve(form, node)?;
    Some(match at {
        At::Document => None,
        At::Root(_) => Some(base),
        At::Item(_) => Some(base + 1),
        At::Column(..) => Some(node & !0xFF),
    })
}

/// Element name of an instance node.
pub(crate) fn name(form: &Form, node: usize) -> Option<String> {
    let (_, at) = resolve(form, node)?;
    Some(match at {
        At::Document => String::new(),
        At::Root(_) => "root".into(),
        At::Item(_) => "item".into(),
        At::Column(c, k) => columns(c, "").get(k).map(|(n, _)| n.clone()).unwrap_or_default(),
    })
}

/// String value of an instance node; `label` gives a choice's label in the interview language.
pub(crate) fn text(form: &Form, node: usize, label: impl Fn(&Choice) -> String) -> Option<String> {
    let (_, at) = resolve(form, node)?;
    Some(match at {
        At::Document | At::Root(_) => String::new(),
        At::Item(c) => columns(c, &label(c)).into_iter().map(|(_, v)| v).collect(),
        At::Column(c, k) => columns(c, &label(c)).get(k).map(|(_, v)| v.clone()).unwrap_or_default(),
    })
}

//! Secondary instances as expressions see them during an interview: `instance('name')` is the
//! choice list `name`, or the attached choice file whose name without extension is `name`, as
//! the document `root/item/<column>` (each choice an `item`, its name, label and other columns
//! its children), as ODK builds it.
//!
//! An external instance (`xml-external`, `csv-external`) is its file's document
//! ([`crate::form::external::Tree`]), and comes before a choice list of the same name.
//!
//! Their nodes get handles of their own, above every handle a form's own document could use:
//! `BASE + list << 32`, the list's document; `+ 1`, its `root`; `+ (i + 1) << 8`, its item `i`;
//! `+ c + 1` beyond that, the item's column `c`; and `TREES + tree << 32 + e`, the element `e` of
//! an external instance's document.

use crate::form::external::Tree;
use crate::form::{Choice, Form};

pub(crate) const BASE: usize = 1 << 48;
const TREES: usize = 1 << 52;
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
    if let Some(tree) = form.trees.keys().position(|k| k == name) {
        return Some(TREES + (tree << 32));
    }
    let index = lists(form).position(|(key, _)| {
        key == name || key.rsplit_once('.').is_some_and(|(stem, ext)| stem == name && !ext.contains(':'))
    })?;
    Some(BASE + (index << 32))
}

/// The external document and element a handle points to.
fn element(form: &Form, node: usize) -> Option<(usize, &Tree, u32)> {
    let rel = node.checked_sub(TREES)?;
    let tree = form.trees.values().nth(rel >> 32)?;
    let e = u32::try_from(rel & 0xFFFF_FFFF).ok()?;
    tree.elements.get(e as usize)?;
    Some((node - e as usize, tree, e))
}

fn resolve(form: &Form, node: usize) -> Option<(usize, At<'_>)> {
    if node >= TREES {
        return None;
    }
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
    if let Some((base, tree, e)) = element(form, node) {
        return Some(tree.elements.get(e as usize)?.children.iter().map(|&c| base + c as usize).collect());
    }
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
    if let Some((base, tree, e)) = element(form, node) {
        return Some(tree.elements.get(e as usize)?.parent.map(|p| base + p as usize));
    }
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
    if let Some((_, tree, e)) = element(form, node) {
        return Some(tree.elements.get(e as usize)?.name.clone());
    }
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
    if let Some((_, tree, e)) = element(form, node) {
        return Some(tree.string_value(e));
    }
    let (_, at) = resolve(form, node)?;
    Some(match at {
        At::Document | At::Root(_) => String::new(),
        At::Item(c) => columns(c, &label(c)).into_iter().map(|(_, v)| v).collect(),
        At::Column(c, k) => columns(c, &label(c)).get(k).map(|(_, v)| v.clone()).unwrap_or_default(),
    })
}

/// An attribute of an external document's element.
pub(crate) fn attribute(form: &Form, node: usize, attr: &str) -> Option<String> {
    let (_, tree, e) = element(form, node)?;
    tree.elements.get(e as usize)?.attributes.iter().find(|(k, _)| k == attr).map(|(_, v)| v.clone())
}

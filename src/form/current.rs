//! `current()` paths: in ODK, `current()` is the question whose expression is evaluated, so
//! `current()/../name` is its sibling `name` (used inside predicates, where `.` is the node
//! being filtered: `instance('x')/root/item[code = current()/../district]`). fourmi answers
//! questions by name, so each such path that leads to a question is rewritten as `${name}`
//! when the form is built; any other use of `current()` stays, and is refused by the checks.

use crate::expr::{Axis, Expr, Expression, NodeTest, PathStart, Step};

use super::diag::Diagnostic;
use super::model::Item;

/// A form's items by name and children, as the paths are resolved against them.
struct Shape {
    name: String,
    container: bool,
    children: Vec<Shape>,
}

fn shape(items: &[Item]) -> Vec<Shape> {
    items
        .iter()
        .map(|i| Shape { name: i.name.clone(), container: i.kind.is_container(), children: shape(&i.children) })
        .collect()
}

fn count_named(shapes: &[Shape], name: &str) -> usize {
    shapes.iter().map(|s| usize::from(s.name == name) + count_named(&s.children, name)).sum()
}

/// Rewrites every `current()/…` path of the form's expressions that leads to a question named
/// once in the form; every other `current()` is an error at its cell.
pub fn resolve(items: &mut [Item]) -> Vec<Diagnostic> {
    let top = shape(items);
    go(items, &top, &mut Vec::new());
    let mut out = Vec::new();
    remaining(items, &mut out);
    out
}

fn remaining(items: &[Item], out: &mut Vec<Diagnostic>) {
    for item in items {
        for (col, e) in item.expressions() {
            for p in e.check() {
                if e.source.get(p.span.clone()).is_some_and(|t| t.starts_with("current")) {
                    out.push(Diagnostic::error(item.pos_of(col), format!("in `{col}`: {}", p.message)));
                }
            }
        }
        remaining(&item.children, out);
    }
}

fn go(items: &mut [Item], top: &[Shape], at: &mut Vec<usize>) {
    for (i, item) in items.iter_mut().enumerate() {
        at.push(i);
        for e in item.expressions_mut() {
            if e.source.contains("current") {
                rewrite(e, top, at);
            }
        }
        go(&mut item.children, top, at);
        at.pop();
    }
}

fn rewrite(e: &mut Expression, top: &[Shape], at: &[usize]) {
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    e.ast.walk(&mut |x| {
        if let Expr::Path(p) = x
            && let PathStart::Filter(start) = &p.start
            && is_current(start)
            && let Some(name) = target(top, at, &p.steps)
        {
            edits.push((p.span.clone(), format!("${{{name}}}")));
        }
    });
    if edits.is_empty() {
        return;
    }
    edits.sort_by_key(|(span, _)| std::cmp::Reverse(span.start));
    let mut source = e.source.clone();
    for (span, text) in edits {
        if source.get(span.clone()).is_none() {
            return;
        }
        source.replace_range(span, &text);
    }
    if let Ok(new) = Expression::parse(&source) {
        *e = new;
    }
}

fn is_current(e: &Expr) -> bool {
    match e {
        Expr::Call { name, args, .. } => name == "current" && args.is_empty(),
        Expr::Filter(inner, preds) => preds.is_empty() && is_current(inner),
        _ => false,
    }
}

/// The name of the question `steps` lead to from the item at `at` (indexes from the top), if
/// they lead to one question named once in the form.
fn target(top: &[Shape], at: &[usize], steps: &[Step]) -> Option<String> {
    let mut pos: Vec<usize> = at.to_vec();
    for step in steps {
        if !step.predicates.is_empty() {
            return None;
        }
        match (step.axis, &step.test) {
            (Axis::SelfAxis, NodeTest::Node) => {}
            (Axis::Parent, NodeTest::Node) => {
                pos.pop()?;
            }
            (Axis::Child, NodeTest::Name(n)) => {
                let children = children_at(top, &pos)?;
                pos.push(children.iter().position(|c| c.name == *n)?);
            }
            _ => return None,
        }
    }
    let node = node_at(top, &pos)?;
    (!node.container && count_named(top, &node.name) == 1).then(|| node.name.clone())
}

fn node_at<'a>(top: &'a [Shape], pos: &[usize]) -> Option<&'a Shape> {
    let (last, parents) = pos.split_last()?;
    children_at(top, parents)?.get(*last)
}

fn children_at<'a>(top: &'a [Shape], pos: &[usize]) -> Option<&'a [Shape]> {
    match pos.split_last() {
        None => Some(top),
        Some(_) => Some(&node_at(top, pos)?.children),
    }
}

//! A checked form compiled for running: items in a flat table, references resolved to indexes,
//! and the dependency graph that lets one answer change recompute only what it can affect.

use std::collections::BTreeMap;

use super::model::{Form, Item, Kind};

/// Index of an item in [`Compiled::items`].
pub type ItemId = usize;

/// One item in the flat table.
#[derive(Debug, Clone)]
pub struct Node {
    /// The item (children are reached through [`Node::children`], not `item.children`).
    pub item: Item,
    /// The enclosing group or repeat.
    pub parent: Option<ItemId>,
    /// Direct children, in order.
    pub children: Vec<ItemId>,
    /// The innermost enclosing repeat.
    pub repeat: Option<ItemId>,
    /// Items whose answers this item's expressions read.
    pub reads: Vec<ItemId>,
}

/// A form ready to run.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// The form as checked.
    pub form: Form,
    /// Every item, depth first (parents before children).
    pub items: Vec<Node>,
    /// Top-level items.
    pub top: Vec<ItemId>,
    /// Name to item.
    pub by_name: BTreeMap<String, ItemId>,
    /// For each item, the items whose expressions read it, directly.
    pub dependents: Vec<Vec<ItemId>>,
    /// Every item in an order where each comes after everything it reads.
    pub order: Vec<ItemId>,
    /// Position of each item in `order`.
    rank: Vec<usize>,
}

impl Compiled {
    /// Compiles a form that passed its checks (unknown references are ignored here).
    pub fn new(form: Form) -> Compiled {
        let mut items: Vec<Node> = Vec::new();
        let mut top = Vec::new();
        fn add(items: &mut Vec<Node>, it: &Item, parent: Option<ItemId>, repeat: Option<ItemId>) -> ItemId {
            let id = items.len();
            let mut own = it.clone();
            let kids = std::mem::take(&mut own.children);
            items.push(Node { item: own, parent, children: Vec::new(), repeat, reads: Vec::new() });
            let inner_repeat = if it.kind == Kind::Repeat { Some(id) } else { repeat };
            for c in &kids {
                let cid = add(items, c, Some(id), inner_repeat);
                items[id].children.push(cid);
            }
            id
        }
        for it in &form.items {
            top.push(add(&mut items, it, None, None));
        }
        let by_name: BTreeMap<String, ItemId> =
            items.iter().enumerate().map(|(i, n)| (n.item.name.clone(), i)).collect();
        let mut dependents = vec![Vec::new(); items.len()];
        for (i, node) in items.iter_mut().enumerate() {
            let mut reads: Vec<ItemId> = node
                .item
                .expressions()
                .iter()
                .flat_map(|(_, e)| e.references().iter())
                .chain(node.item.trigger.iter())
                .chain(label_refs(&node.item).iter())
                .filter_map(|r| by_name.get(r).copied())
                .collect();
            reads.sort_unstable();
            reads.dedup();
            for &r in &reads {
                if r != i {
                    dependents[r].push(i);
                }
            }
            node.reads = reads;
        }
        let order = topological(&items);
        let mut rank = vec![0; items.len()];
        for (pos, &id) in order.iter().enumerate() {
            rank[id] = pos;
        }
        Compiled { form, items, top, by_name, dependents, order, rank }
    }

    /// Every item that must be recomputed when `changed` changes, in dependency order.
    pub fn affected(&self, changed: ItemId) -> Vec<ItemId> {
        let mut seen = vec![false; self.items.len()];
        let mut stack = vec![changed];
        let mut out = Vec::new();
        while let Some(i) = stack.pop() {
            for &d in &self.dependents[i] {
                if !seen[d] {
                    seen[d] = true;
                    out.push(d);
                    stack.push(d);
                }
            }
        }
        out.sort_unstable_by_key(|&i| self.rank[i]);
        out
    }

    /// Position of item `id` in the dependency order.
    pub fn rank(&self, id: ItemId) -> usize {
        self.rank[id]
    }

    /// The item named `name`.
    pub fn id(&self, name: &str) -> Option<ItemId> {
        self.by_name.get(name).copied()
    }

    /// The choice list of item `id`, if it is a select (a list on the choices sheet, or a choice
    /// file folded into the form).
    pub fn choice_list(&self, id: ItemId) -> Option<&Vec<super::model::Choice>> {
        match &self.items[id].item.choices {
            Some(super::model::ChoiceSource::List(l)) | Some(super::model::ChoiceSource::File(l)) => {
                self.form.choices.get(l)
            }
            None => None,
        }
    }
}

impl Compiled {
    /// The choices an answer to `id` can leave as: its list's, then those of the lists its
    /// `map=` steps name, as ODK's cascades name them (a neighbourhood coarsened to its city is a
    /// choice of the list `city`); each name once.
    pub fn leaving_choices(&self, id: ItemId) -> Vec<&super::model::Choice> {
        let mut out: Vec<&super::model::Choice> =
            self.choice_list(id).map(|cs| cs.iter().collect()).unwrap_or_default();
        for step in super::generalise::steps(&self.items[id].item) {
            let super::model::Generalise::Map(col) = step else { continue };
            for c in self.form.choices.get(&col).into_iter().flatten() {
                if !out.iter().any(|o| o.name == c.name) {
                    out.push(c);
                }
            }
        }
        out
    }

    /// The label in `lang` (else the form's default language) of `name` as an answer to `id`
    /// leaves: a choice of its list, or what a `map=` step made of one.
    pub fn answer_label(&self, id: ItemId, name: &str, lang: &str) -> Option<&str> {
        let choice = self.leaving_choices(id).into_iter().find(|c| c.name == name)?;
        super::model::text_in(&choice.label, lang, &self.form.default_language)
    }
}

fn label_refs(item: &Item) -> Vec<String> {
    item.label.values().chain(item.hint.values()).flat_map(|t| super::check::text_references(t)).collect()
}

/// Kahn's algorithm; items in a cycle (refused by the checks) are appended in table order.
fn topological(items: &[Node]) -> Vec<ItemId> {
    let n = items.len();
    let mut indegree = vec![0usize; n];
    let mut out_edges = vec![Vec::new(); n];
    for (i, node) in items.iter().enumerate() {
        for &r in &node.reads {
            if r != i {
                indegree[i] += 1;
                out_edges[r].push(i);
            }
        }
    }
    let mut ready: std::collections::VecDeque<ItemId> = (0..n).filter(|&i| indegree[i] == 0).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(i) = ready.pop_front() {
        order.push(i);
        for &d in &out_edges[i] {
            indegree[d] -= 1;
            if indegree[d] == 0 {
                ready.push_back(d);
            }
        }
    }
    if order.len() < n {
        let mut placed = vec![false; n];
        order.iter().for_each(|&i| placed[i] = true);
        order.extend((0..n).filter(|&i| !placed[i]));
    }
    order
}

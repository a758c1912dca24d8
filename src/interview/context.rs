//! What expressions see during an interview: answers relative to the item being evaluated, the
//! interview's clock, choice labels; and the choices a question offers after its filter.

use chrono::{DateTime, FixedOffset};

use crate::expr::{Context, ErrorKind, EvalError, EvalResult, Node, Value};
use crate::form::{Choice, Kind};

use super::{Interview, Loc};

/// Evaluation context for item instance `at`.
pub(crate) struct ItemCtx<'a> {
    pub iv: &'a Interview,
    pub at: &'a Loc,
    /// The instant `now()` reports (the interview's opening time plus elapsed time).
    pub now: DateTime<FixedOffset>,
    /// The value `.` stands for (the answer being checked), if not the stored one.
    pub dot: Option<Value>,
}

impl<'a> ItemCtx<'a> {
    pub fn new(iv: &'a Interview, at: &'a Loc) -> Self {
        ItemCtx { iv, at, now: iv.clock, dot: None }
    }
}

impl Context for ItemCtx<'_> {
    fn reference(&self, name: &str) -> EvalResult {
        let form = &self.iv.form;
        if let Some(q) = name.strip_prefix("last-saved#") {
            let kind = form.id(q).map_or(Kind::Text, |id| form.items[id].item.kind);
            let text = self.iv.last_saved.get(q).map(String::as_str).unwrap_or_default();
            return Ok(super::answer::typed(kind, text));
        }
        let Some(id) = form.id(name) else {
            return Err(EvalError::new(ErrorKind::UnknownReference, format!("no question is named `{name}`")));
        };
        let target_chain = &self.iv.chains[id];
        let here_chain = &self.iv.chains[self.at.item];
        let common = target_chain.iter().zip(here_chain).take_while(|(a, b)| a == b).count().min(self.at.at.len());
        let prefix = &self.at.at[..common];
        if form.items[id].item.kind == Kind::Repeat && target_chain.len() == common {
            let instances = self.iv.repeat_count(id, prefix);
            return Ok(Value::Nodes((0..instances).map(|_| Node { id: None, value: String::new() }).collect()));
        }
        if target_chain.len() == common {
            return Ok(self.iv.value(&Loc { item: id, at: prefix.to_vec() }));
        }
        // The target is inside a repeat this item is not in: all its instances.
        let values =
            self.iv.locs(id, prefix).iter().map(|l| Node { id: None, value: self.iv.value(l).to_str() }).collect();
        Ok(Value::Nodes(values))
    }

    fn current_value(&self) -> Option<Value> {
        Some(self.dot.clone().unwrap_or_else(|| self.iv.value(self.at)))
    }

    fn now(&self) -> DateTime<FixedOffset> {
        self.now
    }

    fn uuid(&self) -> String {
        // Deterministic per item instance: the engine has no randomness of its own.
        let seed = format!("{}{:?}{}", self.iv.opened_at, self.at, self.iv.device_id);
        uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, seed.as_bytes()).to_string()
    }

    fn choice_label(&self, question: &str, value: &str) -> Option<String> {
        let id = self.iv.form.id(question)?;
        let list = choice_list(self.iv, id)?;
        let choice = list.iter().find(|c| c.name == value)?;
        self.iv.text(&choice.label).map(str::to_string)
    }

    fn position(&self) -> Option<usize> {
        self.at.at.last().map(|i| i + 1)
    }

    fn instance(&self, name: &str) -> Option<usize> {
        super::instances::instance(&self.iv.form.form, name)
    }

    fn children(&self, node: usize) -> Vec<usize> {
        super::instances::children(&self.iv.form.form, node).unwrap_or_default()
    }

    fn parent(&self, node: usize) -> Option<usize> {
        super::instances::parent(&self.iv.form.form, node).flatten()
    }

    fn name(&self, node: usize) -> String {
        super::instances::name(&self.iv.form.form, node).unwrap_or_default()
    }

    fn text(&self, node: usize) -> String {
        let label = |c: &Choice| self.iv.text(&c.label).unwrap_or_default().to_string();
        super::instances::text(&self.iv.form.form, node, label).unwrap_or_default()
    }

    fn attribute(&self, node: usize, name: &str) -> Option<String> {
        super::instances::attribute(&self.iv.form.form, node, name)
    }

    fn pulldata(&self, file: &str, column: &str, key_column: &str, key: &str) -> Option<String> {
        let rows = self.iv.form.form.files.get(&format!("{file}.csv").to_lowercase())?;
        let row = rows.iter().find(|r| r.get(key_column).is_some_and(|v| v.trim() == key.trim()))?;
        row.get(column).cloned()
    }
}

/// The choice list of item `id`, if it is a select.
pub(crate) fn choice_list(iv: &Interview, id: usize) -> Option<&Vec<Choice>> {
    iv.form.choice_list(id)
}

/// The choices item instance `loc` offers now: its list, filtered by its choice_filter.
pub(crate) fn offered<'a>(iv: &'a Interview, loc: &Loc) -> Vec<&'a Choice> {
    let Some(list) = choice_list(iv, loc.item) else {
        return Vec::new();
    };
    let Some(filter) = &iv.form.items[loc.item].item.choice_filter else {
        return list.iter().collect();
    };
    let outer = ItemCtx::new(iv, loc);
    list.iter()
        .filter(|c| {
            let ctx = ChoiceCtx { outer: &outer, choice: c };
            filter.eval(&ctx).map(|v| v.to_bool()).unwrap_or(false)
        })
        .collect()
}

/// A choice seen as a document node whose children are its columns (`name`, `label`, `country`):
/// the context of a choice filter such as `country = ${country}`.
struct ChoiceCtx<'a> {
    outer: &'a ItemCtx<'a>,
    choice: &'a Choice,
}

impl ChoiceCtx<'_> {
    fn columns(&self) -> Vec<(&str, String)> {
        let mut cols = vec![("name", self.choice.name.clone())];
        if let Some(l) = self.outer.iv.text(&self.choice.label) {
            cols.push(("label", l.to_string()));
        }
        cols.extend(self.choice.extra.iter().map(|(k, v)| (k.as_str(), v.clone())));
        cols
    }
}

impl Context for ChoiceCtx<'_> {
    fn reference(&self, name: &str) -> EvalResult {
        self.outer.reference(name)
    }
    fn root(&self) -> Option<usize> {
        Some(0)
    }
    fn context_node(&self) -> Option<usize> {
        Some(0)
    }
    fn children(&self, node: usize) -> Vec<usize> {
        match node {
            0 => (1..=self.columns().len()).collect(),
            n if n >= super::instances::BASE => self.outer.children(n),
            _ => Vec::new(),
        }
    }
    fn parent(&self, node: usize) -> Option<usize> {
        if node >= super::instances::BASE {
            return self.outer.parent(node);
        }
        (node > 0).then_some(0)
    }
    fn name(&self, node: usize) -> String {
        if node >= super::instances::BASE {
            return self.outer.name(node);
        }
        self.columns().get(node.wrapping_sub(1)).map(|c| c.0.to_string()).unwrap_or_default()
    }
    fn text(&self, node: usize) -> String {
        match node {
            0 => self.choice.name.clone(),
            n if n >= super::instances::BASE => self.outer.text(n),
            n => self.columns().get(n - 1).map(|c| c.1.clone()).unwrap_or_default(),
        }
    }
    fn instance(&self, name: &str) -> Option<usize> {
        self.outer.instance(name)
    }
    fn attribute(&self, node: usize, name: &str) -> Option<String> {
        self.outer.attribute(node, name)
    }
    fn pulldata(&self, file: &str, column: &str, key_column: &str, key: &str) -> Option<String> {
        self.outer.pulldata(file, column, key_column, key)
    }
    fn current_value(&self) -> Option<Value> {
        self.outer.current_value()
    }
    fn now(&self) -> DateTime<FixedOffset> {
        self.outer.now
    }
    fn position(&self) -> Option<usize> {
        self.outer.position()
    }
}

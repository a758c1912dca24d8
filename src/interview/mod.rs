//! A form being filled: answers, relevance, calculations, validation, navigation, the consent
//! gate and the eligibility screen, and audit events.
//!
//! Pure: no I/O and no clock. Every call that changes the interview takes an [`Elapsed`] (the
//! monotonic time since the interview was opened), and events are stamped with the wall-clock time
//! of opening plus that elapsed time, so a laptop clock changed mid-interview cannot reorder them.
//! One answer change recomputes only the items the compiled form's dependency graph says it can
//! affect.

mod answer;
mod audit;
mod context;
mod instances;
mod nav;
mod record;
mod refresh;
mod scope;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, FixedOffset};

use crate::expr::Value;
use crate::form::{Compiled, ItemId, Kind, text_in};

pub use answer::{AnswerError, from_json, normalise, to_json, typed};
pub use audit::AuditEvent;
pub use nav::{HierarchyEntry, Screen};
pub use record::FillError;
pub use scope::{Loc, Scope};

/// Monotonic time since the interview was opened (or resumed).
pub type Elapsed = Duration;

/// Where an interview stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Being filled.
    InProgress,
    /// Finalised: every required answer given, every constraint met.
    Completed,
    /// The respondent did not consent: closed, with no answers after the consent question.
    Refused,
    /// The respondent is not eligible: closed, with no answers from the screening on.
    ScreenedOut,
}

/// Who and what an interview starts with.
#[derive(Debug, Clone)]
pub struct StartInfo {
    /// Interview language (one of the form's languages).
    pub language: String,
    /// The device id (`deviceid` metadata).
    pub device_id: String,
    /// The monitor's account (`username` metadata).
    pub username: String,
    /// Wall-clock time when the interview was opened.
    pub opened_at: DateTime<FixedOffset>,
}

/// Why an item instance blocks moving on or finalising.
#[derive(Debug, Clone, PartialEq)]
pub enum ProblemKind {
    /// Required and not answered.
    Required,
    /// The constraint is not met.
    Constraint,
    /// An expression of the form failed to evaluate (a form bug; the message says which).
    FormError(String),
}

/// A problem with one item instance: what, and the form's message in the interview language
/// (`None`: the app shows its own default message).
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Which item instance.
    pub loc: Loc,
    /// The question's name.
    pub name: String,
    /// What is wrong.
    pub kind: ProblemKind,
    /// The form's required or constraint message, in the interview language.
    pub message: Option<String>,
}

/// A form being filled.
#[derive(Debug, Clone)]
pub struct Interview {
    form: Arc<Compiled>,
    /// For each item, the repeats around it (outermost first).
    chains: Vec<Vec<ItemId>>,
    root: Scope,
    language: String,
    outcome: Outcome,
    position: Screen,
    opened_at: DateTime<FixedOffset>,
    /// Opening time plus the elapsed time of the last call: what `now()` reports.
    clock: DateTime<FixedOffset>,
    device_id: String,
    events: Vec<AuditEvent>,
    /// A closed interview whose answers were purged: it can no longer be reopened.
    purged: bool,
    /// The top-level answers of the last record of this form saved on the laptop, for
    /// `${last-saved#name}`.
    last_saved: std::collections::BTreeMap<String, String>,
}

impl Interview {
    /// Opens a new interview: metadata filled, defaults set, everything computed.
    pub fn start(form: Arc<Compiled>, info: StartInfo) -> Interview {
        Interview::start_after(form, info, &serde_json::Map::new())
    }

    /// Opens a new interview after `last_saved`, the answers of the last record of this form
    /// saved on the laptop (what `${last-saved#name}` reads).
    pub fn start_after(
        form: Arc<Compiled>,
        info: StartInfo,
        last_saved: &serde_json::Map<String, serde_json::Value>,
    ) -> Interview {
        let mut iv = Interview::empty(form, &info);
        iv.last_saved = last_saved
            .iter()
            .filter(|(_, v)| !v.is_array() && !v.is_object())
            .map(|(k, v)| (k.clone(), from_json(v)))
            .collect();
        iv.fill_metadata(&info);
        iv.init_scope(&[], &[]);
        iv.recompute_all();
        iv.position = iv.screens().first().cloned().unwrap_or(Screen::End);
        iv.emit("form start", None, Duration::ZERO);
        iv
    }

    fn empty(form: Arc<Compiled>, info: &StartInfo) -> Interview {
        let chains = (0..form.items.len()).map(|i| repeat_chain(&form, i)).collect();
        let language = if form.form.languages.contains(&info.language) {
            info.language.clone()
        } else {
            form.form.languages.first().cloned().unwrap_or_default()
        };
        Interview {
            form,
            chains,
            root: Scope::default(),
            language,
            outcome: Outcome::InProgress,
            position: Screen::End,
            opened_at: info.opened_at,
            clock: info.opened_at,
            device_id: info.device_id.clone(),
            events: Vec::new(),
            purged: false,
            last_saved: Default::default(),
        }
    }

    /// The compiled form.
    pub fn form(&self) -> &Arc<Compiled> {
        &self.form
    }

    /// The interview language.
    pub fn language(&self) -> &str {
        &self.language
    }

    /// Where the interview stands.
    pub fn outcome(&self) -> Outcome {
        self.outcome
    }

    /// Switches the interview language (labels, hints and messages follow at once).
    pub fn set_language(&mut self, language: &str, at: Elapsed) -> bool {
        if !self.form.form.languages.iter().any(|l| l == language) {
            return false;
        }
        self.language = language.to_string();
        self.emit("language change", None, at);
        true
    }

    /// Text in the interview language (falling back to the form's default language).
    pub fn text<'a>(&self, text: &'a crate::form::Text) -> Option<&'a str> {
        text_in(text, &self.language, &self.form.form.default_language)
    }

    /// Takes the audit events emitted since the last call.
    pub fn drain_events(&mut self) -> Vec<AuditEvent> {
        std::mem::take(&mut self.events)
    }

    /// The repeats around item `id`, outermost first.
    pub fn chain(&self, id: ItemId) -> &[ItemId] {
        &self.chains[id]
    }

    /// The stored text of an item instance ("" when unanswered).
    pub fn raw(&self, loc: &Loc) -> &str {
        self.root.get(&self.chains[loc.item], &loc.at).and_then(|s| s.values.get(&loc.item)).map_or("", String::as_str)
    }

    /// The value of an item instance as expressions see it ("" when not relevant).
    pub fn value(&self, loc: &Loc) -> Value {
        if !self.is_relevant(loc) {
            return Value::Str(String::new());
        }
        typed(self.form.items[loc.item].item.kind, self.raw(loc))
    }

    /// Whether an item instance is asked: its own relevance and that of every container around it.
    pub fn is_relevant(&self, loc: &Loc) -> bool {
        let mut id = loc.item;
        loop {
            let chain = &self.chains[id];
            let depth = chain.len().min(loc.at.len());
            let Some(scope) = self.root.get(chain, &loc.at[..depth]) else {
                return false;
            };
            if scope.hidden.contains_key(&id) {
                return false;
            }
            match self.form.items[id].parent {
                Some(p) => id = p,
                None => return true,
            }
        }
    }

    /// Every instance of item `id` whose repeat indexes start with `prefix`.
    pub fn locs(&self, id: ItemId, prefix: &[usize]) -> Vec<Loc> {
        let chain = &self.chains[id];
        let mut out = Vec::new();
        let mut at: Vec<usize> = prefix.to_vec();
        self.collect_locs(id, chain, &mut at, &mut out);
        out
    }

    fn collect_locs(&self, id: ItemId, chain: &[ItemId], at: &mut Vec<usize>, out: &mut Vec<Loc>) {
        if at.len() >= chain.len() {
            out.push(Loc { item: id, at: at[..chain.len()].to_vec() });
            return;
        }
        let depth = at.len();
        let Some(scope) = self.root.get(&chain[..depth], at) else {
            return;
        };
        let count = scope.repeats.get(&chain[depth]).map_or(0, Vec::len);
        for i in 0..count {
            at.push(i);
            self.collect_locs(id, chain, at, out);
            at.pop();
        }
    }

    /// How many instances a repeat has in the scope `at` (the indexes of the repeats around it).
    pub fn repeat_count(&self, repeat: ItemId, at: &[usize]) -> usize {
        self.root.get(&self.chains[repeat], at).and_then(|s| s.repeats.get(&repeat)).map_or(0, Vec::len)
    }

    /// The choice names item instance `loc` offers now (after its choice filter).
    pub fn offered(&self, loc: &Loc) -> Vec<String> {
        context::offered(self, loc).into_iter().map(|c| c.name.clone()).collect()
    }

    /// The choices item instance `loc` offers now, with their labels in the interview language.
    pub fn choices(&self, loc: &Loc) -> Vec<(String, String)> {
        context::offered(self, loc)
            .into_iter()
            .map(|c| (c.name.clone(), self.text(&c.label).unwrap_or(&c.name).to_string()))
            .collect()
    }

    fn fill_metadata(&mut self, info: &StartInfo) {
        for (id, node) in self.form.items.iter().enumerate() {
            if !self.chains[id].is_empty() {
                continue;
            }
            let v = match node.item.kind {
                Kind::Start | Kind::End => crate::expr::format_datetime(&info.opened_at),
                Kind::Today => info.opened_at.format("%Y-%m-%d").to_string(),
                Kind::DeviceId => info.device_id.clone(),
                Kind::Username => info.username.clone(),
                _ => continue,
            };
            self.root.values.insert(id, v);
        }
    }

    /// Advances the interview's clock to `at` after opening.
    fn tick(&mut self, at: Elapsed) {
        self.clock = self.opened_at + chrono::Duration::from_std(at).unwrap_or_default();
    }

    fn emit(&mut self, event: &'static str, node: Option<&Loc>, at: Elapsed) {
        let node = node.map(|l| self.path_of(l));
        self.events.push(AuditEvent::new(event, node, self.opened_at, at));
    }

    /// The XPath-like path of an item instance, for audit events: `/4mi_core/incident[2]/perpetrators`.
    pub fn path_of(&self, loc: &Loc) -> String {
        let mut parts = Vec::new();
        let mut id = Some(loc.item);
        while let Some(i) = id {
            let node = &self.form.items[i];
            let mut part = node.item.name.clone();
            if node.item.kind == Kind::Repeat
                && let Some(pos) = loc.at.get(self.chains[i].len())
            {
                part = format!("{part}[{}]", pos + 1);
            }
            parts.push(part);
            id = node.parent;
        }
        parts.push(self.form.form.id.clone());
        parts.reverse();
        format!("/{}", parts.join("/"))
    }
}

/// The repeats around item `id`, outermost first.
fn repeat_chain(form: &Compiled, id: ItemId) -> Vec<ItemId> {
    let mut chain = Vec::new();
    let mut p = form.items[id].parent;
    while let Some(i) = p {
        if form.items[i].item.kind == Kind::Repeat {
            chain.push(i);
        }
        p = form.items[i].parent;
    }
    chain.reverse();
    chain
}

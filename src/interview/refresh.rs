//! Computing the interview: defaults, relevance, calculations and repeat counts, all at once or
//! incrementally after one answer changes; and the checks (required, constraint) on answers.

use std::collections::BTreeSet;

use crate::expr::Value;
use crate::form::{DefaultValue, ItemId, Kind};

use super::context::ItemCtx;
use super::{AnswerError, Elapsed, Interview, Loc, Outcome, Problem, ProblemKind, Scope, Screen, normalise};

/// Result of evaluating an expression, errors read as false / empty (a form bug must not stop an
/// interview; `fourmi form check` reports such expressions before the form is used).
fn eval_or(iv: &Interview, loc: &Loc, e: &crate::expr::Expression) -> Value {
    e.eval(&ItemCtx::new(iv, loc)).unwrap_or(Value::Str(String::new()))
}

impl Interview {
    /// Sets defaults in a new scope (the top level, or a repeat instance at `at`) and computes
    /// everything inside it.
    pub(crate) fn init_scope(&mut self, chain: &[ItemId], at: &[usize]) {
        let inside: Vec<ItemId> = self.form.order.iter().copied().filter(|&id| self.chains[id] == chain).collect();
        for id in inside {
            let loc = Loc { item: id, at: at.to_vec() };
            let value = match &self.form.items[id].item.default {
                Some(DefaultValue::Literal(v)) => Some(v.clone()),
                Some(DefaultValue::Dynamic(e)) => Some(eval_or(self, &loc, e).to_str()),
                None => None,
            };
            if let Some(v) = value.filter(|v| !v.is_empty()) {
                self.store(&loc, v);
            }
        }
    }

    /// Recomputes every item instance, in dependency order.
    pub(crate) fn recompute_all(&mut self) {
        let order = self.form.order.clone();
        for id in order {
            for loc in self.locs(id, &[]) {
                self.refresh(&loc);
            }
        }
    }

    /// Recomputes one item instance; returns whether its relevance, value or instance count changed.
    pub(crate) fn refresh(&mut self, loc: &Loc) -> bool {
        let node = &self.form.items[loc.item];
        let item = node.item.clone();
        let mut changed = false;
        let chain = self.chains[loc.item].clone();
        if let Some(rel) = &item.relevant {
            let shown = eval_or(self, loc, rel).to_bool();
            if let Some(scope) = self.root.get_mut(&chain, &loc.at) {
                let was_hidden = scope.hidden.contains_key(&loc.item);
                if shown == was_hidden {
                    changed = true;
                    if shown {
                        scope.hidden.remove(&loc.item);
                    } else {
                        scope.hidden.insert(loc.item, ());
                    }
                }
            }
        }
        // A question that stops being relevant keeps its answer until the interview is finalised
        // (as in ODK Collect): expressions see it as empty, and it comes back if the question is
        // asked again. Finalising drops it.
        if !self.is_relevant(loc) {
            return changed;
        }
        if let Some(calc) = item.calculation.as_ref().filter(|_| item.trigger.is_empty()) {
            let v = eval_or(self, loc, calc);
            let text = match v.unpack() {
                Value::Num(n) if n.is_nan() => String::new(),
                other => other.to_str(),
            };
            if text != self.raw(loc) {
                self.store(loc, text);
                changed = true;
            }
        }
        if item.kind == Kind::Repeat
            && let Some(count) = &item.repeat_count
        {
            let n = eval_or(self, loc, count).to_num();
            let want = if n.is_finite() && n > 0.0 { (n as usize).min(MAX_REPEATS) } else { 0 };
            changed |= self.resize_repeat(loc, want);
        }
        changed
    }

    /// Every item below a container.
    pub(crate) fn descendants(&self, id: ItemId) -> Vec<ItemId> {
        let mut out = Vec::new();
        let mut stack = self.form.items[id].children.clone();
        while let Some(c) = stack.pop() {
            out.push(c);
            stack.extend(self.form.items[c].children.iter().copied());
        }
        out
    }

    /// Makes a repeat have `want` instances in the scope of `loc` (adding at the end, removing
    /// from the end).
    fn resize_repeat(&mut self, loc: &Loc, want: usize) -> bool {
        let have = self.repeat_count(loc.item, &loc.at);
        if have == want {
            return false;
        }
        if want > have {
            for _ in have..want {
                self.push_instance(loc);
            }
        } else if let Some(scope) = self.root.get_mut(&self.chains[loc.item].clone(), &loc.at)
            && let Some(v) = scope.repeats.get_mut(&loc.item)
        {
            v.truncate(want);
        }
        true
    }

    /// Appends one instance to a repeat and initialises it; returns its index.
    pub(crate) fn push_instance(&mut self, repeat: &Loc) -> usize {
        let chain = self.chains[repeat.item].clone();
        let index = match self.root.get_mut(&chain, &repeat.at) {
            Some(scope) => {
                let v = scope.repeats.entry(repeat.item).or_default();
                v.push(Scope::default());
                v.len() - 1
            }
            None => return 0,
        };
        let mut at = repeat.at.clone();
        at.push(index);
        let mut inner_chain = chain;
        inner_chain.push(repeat.item);
        self.init_scope(&inner_chain, &at);
        // Compute everything inside the new instance, in dependency order.
        let inside: BTreeSet<ItemId> = self.descendants(repeat.item).into_iter().collect();
        let order: Vec<ItemId> = self.form.order.iter().copied().filter(|i| inside.contains(i)).collect();
        for id in order {
            for l in self.locs(id, &at) {
                self.refresh(&l);
            }
        }
        index
    }

    /// Stores the text of an item instance.
    pub(crate) fn store(&mut self, loc: &Loc, text: String) {
        let chain = self.chains[loc.item].clone();
        if let Some(scope) = self.root.get_mut(&chain, &loc.at) {
            if text.is_empty() {
                scope.values.remove(&loc.item);
            } else {
                scope.values.insert(loc.item, text);
            }
        }
    }

    /// Recomputes what a change at `changed` can affect, following the dependency graph, in
    /// dependency order; a container whose relevance flips takes its contents along.
    pub(crate) fn propagate(&mut self, changed: &Loc) {
        let mut queue: BTreeSet<(usize, ItemId, Vec<usize>)> = BTreeSet::new();
        self.enqueue_dependents(changed, &mut queue);
        while let Some((_, id, at)) = queue.pop_first() {
            let loc = Loc { item: id, at };
            if self.refresh(&loc) {
                self.enqueue_dependents(&loc, &mut queue);
                if self.form.items[id].item.kind.is_container() {
                    for d in self.descendants(id) {
                        for l in self.locs(d, &loc.at) {
                            queue.insert((self.form.rank(d), d, l.at.clone()));
                            self.enqueue_dependents(&l, &mut queue);
                        }
                    }
                }
            }
        }
    }

    fn enqueue_dependents(&self, from: &Loc, queue: &mut BTreeSet<(usize, ItemId, Vec<usize>)>) {
        for &d in &self.form.dependents[from.item] {
            let common = self.chains[d]
                .iter()
                .zip(&self.chains[from.item])
                .take_while(|(a, b)| a == b)
                .count()
                .min(from.at.len());
            for l in self.locs(d, &from.at[..common]) {
                queue.insert((self.form.rank(d), d, l.at));
            }
        }
    }

    /// Sets an answer (text as the monitor typed or chose it; "" clears it) and recomputes what it
    /// affects. Nothing closes here: a refusal of consent or a failed screening only makes
    /// [`Interview::closing`] say so, and the interview closes when the monitor confirms
    /// ([`Interview::close`]).
    pub fn set_answer(&mut self, loc: &Loc, text: &str, at: Elapsed) -> Result<Outcome, AnswerError> {
        let node =
            self.form.items.get(loc.item).ok_or_else(|| AnswerError::NoSuchQuestion(format!("#{}", loc.item)))?;
        let item = node.item.clone();
        if self.outcome != Outcome::InProgress
            || !self.is_relevant(loc)
            || self.root.get(&self.chains[loc.item], &loc.at).is_none()
        {
            return Err(AnswerError::NotAsked(item.name));
        }
        if !item.kind.is_question() {
            return Err(AnswerError::NotAnswerable(item.name));
        }
        if let Some(ro) = &item.read_only
            && eval_or(self, loc, ro).to_bool()
        {
            return Err(AnswerError::ReadOnly(item.name));
        }
        let offered = self.offered(loc);
        let text = normalise(&item, text, &offered)?;
        self.tick(at);
        if text == self.raw(loc) {
            return Ok(self.outcome);
        }
        self.store(loc, text);
        // A trigger calculation runs when one of its trigger questions changes.
        let triggered: Vec<ItemId> = self.form.dependents[loc.item]
            .iter()
            .copied()
            .filter(|&d| self.form.items[d].item.trigger.contains(&item.name))
            .collect();
        for d in triggered {
            let common =
                self.chains[d].iter().zip(&self.chains[loc.item]).take_while(|(a, b)| a == b).count().min(loc.at.len());
            for l in self.locs(d, &loc.at[..common]) {
                // Without a calculation, the trigger clears the field (as ODK does).
                let v = match self.form.items[d].item.calculation.clone() {
                    Some(calc) => eval_or(self, &l, &calc).to_str(),
                    None => String::new(),
                };
                self.store(&l, v);
                self.propagate(&l);
            }
        }
        self.propagate(loc);
        Ok(self.outcome)
    }

    /// The problems of one item instance: required and not answered, or its constraint not met.
    pub fn problems_of(&self, loc: &Loc) -> Vec<Problem> {
        let item = &self.form.items[loc.item].item;
        // A refused or screened-out record is closed: nothing in it can block anything.
        let closed = matches!(self.outcome, Outcome::Refused | Outcome::ScreenedOut);
        if closed || !item.kind.is_question() || !self.is_relevant(loc) {
            return Vec::new();
        }
        let problem = |kind: ProblemKind, msg: &crate::form::Text| Problem {
            loc: loc.clone(),
            name: item.name.clone(),
            kind,
            message: self.text(msg).map(str::to_string),
        };
        let raw = self.raw(loc);
        let ctx = ItemCtx::new(self, loc);
        if raw.is_empty() {
            let required = item.required.as_ref().map(|e| e.eval(&ctx).map(|v| v.to_bool()));
            return match required {
                Some(Ok(true)) => vec![problem(ProblemKind::Required, &item.required_message)],
                Some(Err(e)) => vec![problem(ProblemKind::FormError(e.message), &item.required_message)],
                _ => Vec::new(),
            };
        }
        match item.constraint.as_ref().map(|e| e.eval(&ctx)) {
            Some(Ok(v)) if !v.to_bool() => {
                vec![problem(ProblemKind::Constraint, &item.constraint_message)]
            }
            Some(Err(e)) => vec![problem(ProblemKind::FormError(e.message), &item.constraint_message)],
            _ => Vec::new(),
        }
    }

    /// Everything that blocks finalising: every relevant question instance with a problem.
    pub fn blocking(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        for (id, node) in self.form.items.iter().enumerate() {
            if node.item.kind.is_question() {
                for loc in self.locs(id, &[]) {
                    out.extend(self.problems_of(&loc));
                }
            }
        }
        // Item ids are in document order.
        out.sort_by(|a, b| (a.loc.item, &a.loc.at).cmp(&(b.loc.item, &b.loc.at)));
        out
    }

    /// Finalises the interview when nothing blocks it.
    pub fn finalize(&mut self, at: Elapsed) -> Result<(), Vec<Problem>> {
        if self.outcome != Outcome::InProgress {
            return Ok(());
        }
        let problems = self.blocking();
        if !problems.is_empty() {
            return Err(problems);
        }
        self.tick(at);
        self.drop_unasked();
        let end: Vec<ItemId> = (0..self.form.items.len())
            .filter(|&i| self.form.items[i].item.kind == Kind::End && self.chains[i].is_empty())
            .collect();
        let stamp = crate::expr::format_datetime(&self.clock);
        for id in end {
            self.root.values.insert(id, stamp.clone());
        }
        self.outcome = Outcome::Completed;
        self.emit("form finalize", None, at);
        Ok(())
    }
}

impl Interview {
    /// Whether the interview is closed (refused or screened out).
    pub fn is_closed(&self) -> bool {
        matches!(self.outcome, Outcome::Refused | Outcome::ScreenedOut)
    }

    /// What closing the interview now would record: `Refused` when the consent question is
    /// answered no, `ScreenedOut` when every screening question is answered and the eligibility
    /// rule fails; `None` while the interview may go on (or is already closed).
    pub fn closing(&self) -> Option<Outcome> {
        if self.outcome != Outcome::InProgress {
            return None;
        }
        let form = &self.form;
        if let Some(consent) = form.form.consent_question.as_deref().and_then(|c| form.id(c))
            && self.raw(&Loc::top(consent)) == "no"
        {
            return Some(Outcome::Refused);
        }
        let rule = form.form.eligibility.as_ref()?;
        let ids: Vec<ItemId> = rule.references().iter().filter_map(|r| form.id(r)).collect();
        let first = *ids.first()?;
        let answered = ids.iter().all(|&id| !self.raw(&Loc::top(id)).is_empty());
        let eligible = rule.eval(&ItemCtx::new(self, &Loc::top(first))).map(|v| v.to_bool()).unwrap_or(false);
        (answered && !eligible).then_some(Outcome::ScreenedOut)
    }

    /// Closes the interview as [`Interview::closing`] says, when the monitor confirmed it. The
    /// answers stay in the interview (so that [`Interview::reopen`] can bring it back);
    /// [`Interview::purged_answers_json`] is what a closed record keeps.
    pub fn close(&mut self, at: Elapsed) -> Option<Outcome> {
        let outcome = self.closing()?;
        self.tick(at);
        self.outcome = outcome;
        self.emit(if outcome == Outcome::Refused { "consent refused" } else { "screened out" }, None, at);
        self.position = Screen::End;
        Some(outcome)
    }

    /// Reopens an interview closed by mistake, on the question that closed it.
    pub fn reopen(&mut self, at: Elapsed) -> bool {
        if !self.is_closed() || self.purged {
            return false;
        }
        self.tick(at);
        self.outcome = Outcome::InProgress;
        self.emit("form reopen", None, at);
        self.show_closing_question();
        true
    }

    /// Moves to the question that makes [`Interview::closing`] say the interview should close
    /// (after a reopening from the store).
    pub fn show_closing_question(&mut self) {
        if let Some(gate) = self.closing().and_then(|o| self.gate_item(o)) {
            self.position = self.screens().into_iter().find(|s| s.key().0 >= gate).unwrap_or(Screen::End);
        }
    }

    /// Removes what a closed interview does not keep: everything after the consent question
    /// (refused), everything from the first screening question on (screened out).
    pub fn purge(&mut self) {
        if let Some(first) = self.purge_from() {
            self.clear_from(first);
            self.purged = true;
        }
    }

    /// Whether the interview is closed and its answers purged (it cannot be reopened).
    pub fn is_purged(&self) -> bool {
        self.purged
    }

    /// The answers a closed record keeps (for an open interview: all of them).
    pub fn purged_answers_json(&self) -> serde_json::Map<String, serde_json::Value> {
        if self.purge_from().is_none() {
            return self.answers_json();
        }
        let mut copy = self.clone();
        copy.purge();
        copy.answers_json()
    }

    /// The question that closes the interview with `outcome`.
    fn gate_item(&self, outcome: Outcome) -> Option<ItemId> {
        let form = &self.form;
        match outcome {
            Outcome::Refused => form.form.consent_question.as_deref().and_then(|c| form.id(c)),
            Outcome::ScreenedOut => {
                let rule = form.form.eligibility.as_ref()?;
                rule.references().iter().filter_map(|r| form.id(r)).min()
            }
            _ => None,
        }
    }

    fn purge_from(&self) -> Option<ItemId> {
        let gate = self.gate_item(self.outcome)?;
        Some(if self.outcome == Outcome::Refused { gate + 1 } else { gate })
    }

    /// Drops the answers of questions that are not asked any more (at finalising).
    fn drop_unasked(&mut self) {
        for id in 0..self.form.items.len() {
            if !self.form.items[id].item.kind.is_question() || self.form.items[id].item.kind.is_metadata() {
                continue;
            }
            for l in self.locs(id, &[]) {
                if !self.raw(&l).is_empty() && !self.is_relevant(&l) {
                    self.store(&l, String::new());
                }
            }
        }
    }

    /// Removes every answer (and repeat instance) from item `first` on, in document order;
    /// metadata stays.
    fn clear_from(&mut self, first: ItemId) {
        for id in first..self.form.items.len() {
            let kind = self.form.items[id].item.kind;
            if kind.is_metadata() {
                continue;
            }
            if kind == Kind::Repeat {
                for l in self.locs(id, &[]) {
                    if let Some(scope) = self.root.get_mut(&self.chains[id].clone(), &l.at) {
                        scope.repeats.remove(&id);
                    }
                }
                continue;
            }
            for l in self.locs(id, &[]) {
                self.store(&l, String::new());
            }
        }
    }
}

/// At most this many instances in one repeat, whatever a repeat_count says.
const MAX_REPEATS: usize = 500;

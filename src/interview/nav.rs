//! Moving through an interview: the screens in order (relevant items only, up to the consent and
//! eligibility gates), next / back / jump, adding and removing repeat instances, and the
//! hierarchy of the whole record for review.

use serde::{Deserialize, Serialize};

use crate::form::{ItemId, Kind};

use super::{Elapsed, Interview, Loc, Outcome, Problem, ProblemKind};

/// What the monitor sees at one step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Screen {
    /// One question or note.
    Question(Loc),
    /// A `field-list` group: all its relevant questions on one page.
    Page(Loc),
    /// "Close the interview?": the consent question was answered no, or the screening says the
    /// respondent is not eligible. Nothing is closed until the monitor confirms here.
    Close,
    /// "Add another ...?" after the instances of a repeat the monitor controls.
    AddRepeat {
        /// The repeat.
        repeat: ItemId,
        /// Instance indexes of the repeats around it.
        at: Vec<usize>,
    },
    /// The end: review and finalise.
    End,
}

/// One line of the hierarchy (the jump list).
#[derive(Debug, Clone, PartialEq)]
pub struct HierarchyEntry {
    /// The item instance.
    pub loc: Loc,
    /// How deep in groups and repeats.
    pub depth: usize,
    /// Its label in the interview language (or its name).
    pub label: String,
    /// The answer as the monitor would read it (choice labels, not names).
    pub answer: String,
    /// The kind of item.
    pub kind: Kind,
    /// Whether it has a problem (required and missing, or constraint not met).
    pub problem: bool,
    /// The screen to jump to for it.
    pub screen: Screen,
}

impl Screen {
    /// A key that orders screens as the form does (for finding where a vanished screen was).
    pub(crate) fn key(&self) -> (usize, Vec<usize>, u8) {
        match self {
            Screen::Question(l) | Screen::Page(l) => (l.item, l.at.clone(), 0),
            Screen::AddRepeat { repeat, at } => (*repeat, at.clone(), 2),
            Screen::Close => (usize::MAX - 1, Vec::new(), 3),
            Screen::End => (usize::MAX, Vec::new(), 3),
        }
    }
}

impl Interview {
    /// Every screen of the interview as it stands, in order, ending with [`Screen::End`] once the
    /// consent and eligibility gates let the monitor through, with [`Screen::Close`] where a gate
    /// says the interview should close (the monitor confirms there), and with [`Screen::End`]
    /// once it is closed.
    pub fn screens(&self) -> Vec<Screen> {
        let mut out = Vec::new();
        let top = self.form.top.clone();
        let stopped = self.walk(&top, &[], &mut out);
        if self.is_closed() || !stopped {
            out.push(Screen::End);
        } else if self.closing().is_some() {
            out.push(Screen::Close);
        }
        out
    }

    /// Adds the screens of `ids` (at repeat indexes `at`); returns true when a gate stops the walk.
    fn walk(&self, ids: &[ItemId], at: &[usize], out: &mut Vec<Screen>) -> bool {
        for &id in ids {
            let loc = Loc { item: id, at: at.to_vec() };
            let item = &self.form.items[id].item;
            if !self.is_relevant(&loc) {
                continue;
            }
            match item.kind {
                Kind::Group if item.is_field_list() => out.push(Screen::Page(loc)),
                Kind::Group if self.walk(&self.form.items[id].children, at, out) => return true,
                Kind::Group => {}
                Kind::Repeat => {
                    for i in 0..self.repeat_count(id, at) {
                        let mut inner = at.to_vec();
                        inner.push(i);
                        if self.walk(&self.form.items[id].children, &inner, out) {
                            return true;
                        }
                    }
                    if item.repeat_count.is_none() && self.outcome == Outcome::InProgress {
                        out.push(Screen::AddRepeat { repeat: id, at: at.to_vec() });
                    }
                }
                k if k.is_shown() => out.push(Screen::Question(loc)),
                _ => {}
            }
            if self.gate_closes_after(id) {
                return true;
            }
        }
        false
    }

    /// Whether the consent or eligibility gate stops the interview after item `id` (or its
    /// contents): consent not given yet, or eligibility not yet known to be met.
    fn gate_closes_after(&self, id: ItemId) -> bool {
        let last = self.last_descendant(id);
        let within = |x: ItemId| x >= id && x <= last;
        let form = &self.form.form;
        if let Some(c) = form.consent_question.as_deref().and_then(|c| self.form.id(c))
            && within(c)
            && self.raw(&Loc::top(c)) != "yes"
        {
            return true;
        }
        if let Some(rule) = &form.eligibility {
            let ids: Vec<ItemId> = rule.references().iter().filter_map(|r| self.form.id(r)).collect();
            if let Some(&gate) = ids.iter().max()
                && within(gate)
            {
                let all = ids.iter().all(|&i| !self.raw(&Loc::top(i)).is_empty());
                let ok =
                    all && rule.eval(&super::context::ItemCtx::new(self, &Loc::top(gate))).is_ok_and(|v| v.to_bool());
                return !ok;
            }
        }
        false
    }

    /// The last item (in document order) inside `id`, or `id` itself.
    fn last_descendant(&self, id: ItemId) -> ItemId {
        let mut last = id;
        while let Some(&c) = self.form.items[last].children.last() {
            last = c;
        }
        last
    }

    /// The screen the monitor is on (moved to the next one in order if it stopped being shown).
    pub fn current(&self) -> Screen {
        let screens = self.screens();
        if screens.contains(&self.position) {
            return self.position.clone();
        }
        let key = self.position.key();
        screens.iter().find(|s| s.key() >= key).or(screens.last()).cloned().unwrap_or(Screen::End)
    }

    /// The question instances shown on a screen.
    pub fn questions_on(&self, screen: &Screen) -> Vec<Loc> {
        match screen {
            Screen::Question(l) => vec![l.clone()],
            Screen::Page(l) => {
                let mut out = Vec::new();
                self.page_items(l.item, &l.at, &mut out);
                out
            }
            _ => Vec::new(),
        }
    }

    fn page_items(&self, id: ItemId, at: &[usize], out: &mut Vec<Loc>) {
        for &c in &self.form.items[id].children {
            let loc = Loc { item: c, at: at.to_vec() };
            if !self.is_relevant(&loc) {
                continue;
            }
            let kind = self.form.items[c].item.kind;
            if kind == Kind::Group {
                self.page_items(c, at, out);
            } else if kind.is_shown() {
                out.push(loc);
            }
        }
    }

    /// Problems on the current screen.
    pub fn screen_problems(&self, screen: &Screen) -> Vec<Problem> {
        self.questions_on(screen).iter().flat_map(|l| self.problems_of(l)).collect()
    }

    fn land(&mut self, screen: Screen, at: Elapsed) {
        let event = match &screen {
            Screen::Question(_) => "question",
            Screen::Page(_) => "group questions",
            Screen::AddRepeat { .. } => "add repeat prompt",
            Screen::Close => "close prompt",
            Screen::End => "end screen",
        };
        let loc = match &screen {
            Screen::Question(l) | Screen::Page(l) => Some(l.clone()),
            _ => None,
        };
        self.position = screen;
        self.emit(event, loc.as_ref(), at);
    }

    /// Moves to the next screen, unless the current one has a problem (returned, with a
    /// "constraint error" event for a failed constraint).
    pub fn next(&mut self, at: Elapsed) -> Result<Screen, Vec<Problem>> {
        self.tick(at);
        let current = self.current();
        let problems = self.screen_problems(&current);
        if !problems.is_empty() {
            for p in problems.iter().filter(|p| p.kind == ProblemKind::Constraint) {
                let loc = p.loc.clone();
                self.emit("constraint error", Some(&loc), at);
            }
            return Err(problems);
        }
        let screens = self.screens();
        let i = screens.iter().position(|s| *s == current).unwrap_or(0);
        // The last screen (the end, or the question to close the interview) has no next.
        let Some(next) = screens.get(i + 1).cloned() else {
            return Ok(current);
        };
        self.land(next.clone(), at);
        Ok(next)
    }

    /// Moves to the previous screen (no check).
    pub fn back(&mut self, at: Elapsed) -> Screen {
        self.tick(at);
        let current = self.current();
        let screens = self.screens();
        let i = screens.iter().position(|s| *s == current).unwrap_or(0);
        let prev = screens.get(i.saturating_sub(1)).cloned().unwrap_or(Screen::End);
        self.land(prev.clone(), at);
        prev
    }

    /// Jumps to any screen currently shown (from the hierarchy); false if it is not one.
    pub fn jump(&mut self, screen: &Screen, at: Elapsed) -> bool {
        if !self.screens().contains(screen) {
            return false;
        }
        self.tick(at);
        self.position = screen.clone();
        let loc = match screen {
            Screen::Question(l) | Screen::Page(l) => Some(l.clone()),
            _ => None,
        };
        self.emit("jump", loc.as_ref(), at);
        true
    }

    /// Adds an instance to a repeat the monitor controls and moves to its first screen.
    pub fn add_repeat(&mut self, repeat: ItemId, at_scope: &[usize], at: Elapsed) -> Option<usize> {
        let node = self.form.items.get(repeat)?;
        let loc = Loc { item: repeat, at: at_scope.to_vec() };
        if node.item.kind != Kind::Repeat
            || node.item.repeat_count.is_some()
            || self.outcome != Outcome::InProgress
            || !self.is_relevant(&loc)
        {
            return None;
        }
        self.tick(at);
        let index = self.push_instance(&loc);
        // Whatever counts or sums over the repeat changes.
        for d in self.descendants(repeat).into_iter().chain([repeat]) {
            for l in self.locs(d, at_scope) {
                self.propagate(&l);
            }
        }
        let mut inner = at_scope.to_vec();
        inner.push(index);
        self.emit("add repeat", Some(&Loc { item: repeat, at: inner.clone() }), at);
        let first = self.screens().into_iter().find(|s| match s {
            Screen::Question(l) | Screen::Page(l) => l.at.starts_with(&inner),
            _ => false,
        });
        let target = first.unwrap_or(Screen::AddRepeat { repeat, at: at_scope.to_vec() });
        self.position = target;
        Some(index)
    }

    /// Removes instance `index` of a repeat the monitor controls.
    pub fn remove_repeat(&mut self, repeat: ItemId, at_scope: &[usize], index: usize, at: Elapsed) -> bool {
        let Some(node) = self.form.items.get(repeat) else {
            return false;
        };
        if node.item.kind != Kind::Repeat || node.item.repeat_count.is_some() || self.outcome != Outcome::InProgress {
            return false;
        }
        let chain = self.chains[repeat].clone();
        let removed = match self.root.get_mut(&chain, at_scope).and_then(|s| s.repeats.get_mut(&repeat)) {
            Some(v) if index < v.len() => {
                v.remove(index);
                true
            }
            _ => false,
        };
        if removed {
            self.tick(at);
            let mut inner = at_scope.to_vec();
            inner.push(index);
            self.emit("delete repeat", Some(&Loc { item: repeat, at: inner }), at);
            self.recompute_all();
        }
        removed
    }

    /// The whole record as the monitor would review it: every relevant item, with its answer.
    pub fn hierarchy(&self) -> Vec<HierarchyEntry> {
        let mut out = Vec::new();
        let top = self.form.top.clone();
        let screens = self.screens();
        self.hierarchy_of(&top, &[], 0, &screens, &mut out);
        out
    }

    fn hierarchy_of(
        &self,
        ids: &[ItemId],
        at: &[usize],
        depth: usize,
        screens: &[Screen],
        out: &mut Vec<HierarchyEntry>,
    ) {
        for &id in ids {
            let loc = Loc { item: id, at: at.to_vec() };
            if !self.is_relevant(&loc) {
                continue;
            }
            let item = &self.form.items[id].item;
            let label = self.text(&item.label).unwrap_or(&item.name).to_string();
            let screen = screens
                .iter()
                .find(|s| match s {
                    Screen::Question(l) | Screen::Page(l) => {
                        *l == loc || (l.at == loc.at && self.is_inside(loc.item, l.item))
                    }
                    _ => false,
                })
                .cloned();
            match item.kind {
                Kind::Group | Kind::Repeat => {
                    out.push(HierarchyEntry {
                        loc: loc.clone(),
                        depth,
                        label: label.clone(),
                        answer: String::new(),
                        kind: item.kind,
                        problem: false,
                        screen: screen.clone().unwrap_or(Screen::End),
                    });
                    if item.kind == Kind::Group {
                        self.hierarchy_of(&self.form.items[id].children, at, depth + 1, screens, out);
                    } else {
                        for i in 0..self.repeat_count(id, at) {
                            let mut inner = at.to_vec();
                            inner.push(i);
                            self.hierarchy_of(&self.form.items[id].children, &inner, depth + 1, screens, out);
                        }
                    }
                }
                k if k.is_question() => {
                    let Some(screen) = screen else { continue };
                    out.push(HierarchyEntry {
                        answer: self.display(&loc),
                        problem: !self.problems_of(&loc).is_empty(),
                        loc,
                        depth,
                        label,
                        kind: k,
                        screen,
                    });
                }
                _ => {}
            }
        }
    }

    /// Whether `id` lies inside container `container`.
    fn is_inside(&self, id: ItemId, container: ItemId) -> bool {
        let mut p = self.form.items[id].parent;
        while let Some(x) = p {
            if x == container {
                return true;
            }
            p = self.form.items[x].parent;
        }
        false
    }

    /// An answer as the monitor reads it: choice labels in the interview language, not names.
    pub fn display(&self, loc: &Loc) -> String {
        let raw = self.raw(loc);
        match super::context::choice_list(self, loc.item) {
            Some(list) => raw
                .split_whitespace()
                .map(|n| list.iter().find(|c| c.name == n).and_then(|c| self.text(&c.label)).unwrap_or(n).to_string())
                .collect::<Vec<_>>()
                .join(", "),
            None => raw.to_string(),
        }
    }

    /// `text` in the interview language with each `${name}` replaced by that answer as the
    /// monitor reads it (from the same repeat instance as `at` where it is inside one).
    pub fn render(&self, text: &crate::form::Text, at: &Loc) -> String {
        let raw = self.text(text).unwrap_or("");
        let mut out = String::new();
        for piece in crate::form::text_pieces(raw) {
            match piece {
                crate::form::TextPiece::Text(t) => out.push_str(t),
                crate::form::TextPiece::Ref(name) => match self.form.id(name.trim()) {
                    Some(id) => {
                        let depth = self.chain(id).len().min(at.at.len());
                        out.push_str(&self.display(&Loc { item: id, at: at.at.get(..depth).unwrap_or(&[]).to_vec() }));
                    }
                    None => {
                        out.push_str("${");
                        out.push_str(name);
                        out.push('}');
                    }
                },
            }
        }
        out
    }
}

//! The record's answers as JSON (flat by question name, a repeat as a list of objects, only what
//! is relevant), resuming a draft from them, and filling an interview from JSON.

use serde_json::{Map, Value as J};

use crate::form::{ItemId, Kind};

use super::{AnswerError, Elapsed, Interview, Loc, Outcome, Scope, Screen, StartInfo, from_json, to_json};

/// An answer `fill` could not take: the question's name (with the repeat instance) and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{name}: {message}")]
pub struct FillError {
    /// `q`, or `incident[2].perpetrators` inside a repeat.
    pub name: String,
    /// What is wrong.
    pub message: String,
}

impl Interview {
    /// The record's answers: `{"age": 34, "langs": ["fr", "bm"], "incident": [{...}, {...}]}`.
    /// Groups are flattened; notes and unanswered questions are left out. While the interview
    /// is in progress, answers to questions that are not asked any more are kept (they come back
    /// if the question is asked again); once finalised or closed, only what is asked.
    pub fn answers_json(&self) -> Map<String, J> {
        self.scope_json(&[], &[])
    }

    fn scope_json(&self, chain: &[ItemId], at: &[usize]) -> Map<String, J> {
        let keep_unasked = self.outcome == Outcome::InProgress;
        let mut out = Map::new();
        for (id, node) in self.form.items.iter().enumerate() {
            if self.chains[id] != chain {
                continue;
            }
            let loc = Loc { item: id, at: at.to_vec() };
            let kind = node.item.kind;
            match kind {
                Kind::Group | Kind::Note | Kind::NotCollected => {}
                Kind::Repeat => {
                    if !self.is_relevant(&loc) && !keep_unasked {
                        continue;
                    }
                    let mut inner_chain = chain.to_vec();
                    inner_chain.push(id);
                    let instances: Vec<J> = (0..self.repeat_count(id, at))
                        .map(|i| {
                            let mut inner = at.to_vec();
                            inner.push(i);
                            J::Object(self.scope_json(&inner_chain, &inner))
                        })
                        .collect();
                    if !instances.is_empty() {
                        out.insert(node.item.name.clone(), J::Array(instances));
                    }
                }
                _ => {
                    let raw = self.raw(&loc);
                    if !raw.is_empty() && (keep_unasked || self.is_relevant(&loc)) {
                        out.insert(node.item.name.clone(), to_json(kind, raw));
                    }
                }
            }
        }
        out
    }

    /// Reopens a draft from its saved answers, language and screen: nothing is re-defaulted,
    /// everything is recomputed, and a "form resume" event is emitted.
    pub fn resume(
        form: std::sync::Arc<crate::form::Compiled>,
        info: StartInfo,
        answers: &Map<String, J>,
        position: Option<Screen>,
        outcome: Outcome,
    ) -> Interview {
        let mut iv = Interview::empty(form, &info);
        let mut root = Scope::default();
        iv.load_scope(&mut root, &[], answers);
        iv.root = root;
        iv.outcome = outcome;
        iv.recompute_all();
        iv.position = position.unwrap_or_else(|| iv.screens().first().cloned().unwrap_or(Screen::End));
        iv.emit("form resume", None, std::time::Duration::ZERO);
        iv
    }

    fn load_scope(&self, scope: &mut Scope, chain: &[ItemId], answers: &Map<String, J>) {
        for (name, value) in answers {
            let Some(id) = self.form.id(name) else {
                continue;
            };
            if self.chains[id] != chain {
                continue;
            }
            match (self.form.items[id].item.kind, value) {
                (Kind::Repeat, J::Array(instances)) => {
                    let mut inner_chain = chain.to_vec();
                    inner_chain.push(id);
                    let list = scope.repeats.entry(id).or_default();
                    for inst in instances {
                        let mut s = Scope::default();
                        if let J::Object(obj) = inst {
                            self.load_scope(&mut s, &inner_chain, obj);
                        }
                        list.push(s);
                    }
                }
                (Kind::Repeat | Kind::Group | Kind::Note | Kind::NotCollected, _) => {}
                (_, v) => {
                    let text = from_json(v);
                    if !text.is_empty() {
                        scope.values.insert(id, text);
                    }
                }
            }
        }
    }

    /// Fills the interview from a JSON object of answers (question name to value; a
    /// select_multiple as a list of choice names; a repeat as a list of objects), in the form's
    /// order, through the same checks as the app. Calculations and metadata given are ignored.
    pub fn fill(&mut self, answers: &Map<String, J>, at: Elapsed) -> Result<(), Vec<FillError>> {
        let mut errors = Vec::new();
        self.fill_scope(&[], &[], answers, "", at, &mut errors);
        // An answer file that refuses consent or screens the respondent out is the decision:
        // the interview closes, keeping only what a closed record keeps.
        if self.close(at).is_some() {
            self.purge();
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }

    fn fill_scope(
        &mut self,
        chain: &[ItemId],
        at: &[usize],
        answers: &Map<String, J>,
        prefix: &str,
        elapsed: Elapsed,
        errors: &mut Vec<FillError>,
    ) {
        let err = |name: &str, message: String| FillError { name: format!("{prefix}{name}"), message };
        for key in answers.keys() {
            let known = self.form.id(key).is_some_and(|id| self.chains[id] == chain);
            if !known {
                errors.push(err(key, "there is no question with this name here".into()));
            }
        }
        for id in 0..self.form.items.len() {
            if self.chains[id] != chain || self.outcome != Outcome::InProgress || self.closing().is_some() {
                continue;
            }
            let item = self.form.items[id].item.clone();
            let Some(value) = answers.get(&item.name) else {
                continue;
            };
            let loc = Loc { item: id, at: at.to_vec() };
            match item.kind {
                Kind::Repeat => {
                    let J::Array(instances) = value else {
                        errors.push(err(&item.name, "a repeat takes a list of objects, one per instance".into()));
                        continue;
                    };
                    for (i, inst) in instances.iter().enumerate() {
                        let index = if item.repeat_count.is_none() {
                            match self.add_repeat(id, at, elapsed) {
                                Some(ix) => ix,
                                None => {
                                    errors.push(err(&item.name, "this repeat is not asked now".into()));
                                    break;
                                }
                            }
                        } else if i < self.repeat_count(id, at) {
                            i
                        } else {
                            errors.push(err(
                                &item.name,
                                format!("has {} instances here, not {}", self.repeat_count(id, at), instances.len()),
                            ));
                            break;
                        };
                        let J::Object(obj) = inst else {
                            errors.push(err(&item.name, "each instance is a JSON object".into()));
                            continue;
                        };
                        let mut inner_chain = chain.to_vec();
                        inner_chain.push(id);
                        let mut inner = at.to_vec();
                        inner.push(index);
                        let p = format!("{prefix}{}[{}].", item.name, i + 1);
                        self.fill_scope(&inner_chain, &inner, obj, &p, elapsed, errors);
                    }
                }
                k if k.is_question() => match self.set_answer(&loc, &from_json(value), elapsed) {
                    Ok(_) => {
                        for p in self.problems_of(&loc) {
                            let message = p.message.unwrap_or_else(|| match p.kind {
                                super::ProblemKind::Constraint => {
                                    "this answer does not meet the question's constraint".into()
                                }
                                super::ProblemKind::Required => "an answer is required".into(),
                                super::ProblemKind::FormError(e) => e,
                            });
                            errors.push(err(&item.name, message));
                        }
                    }
                    Err(AnswerError::NotAsked(_)) => {
                        errors.push(err(&item.name, "this question is not asked given the other answers".into()))
                    }
                    Err(e) => errors.push(err(&item.name, e.to_string())),
                },
                Kind::Note => errors.push(err(&item.name, "a note takes no answer".into())),
                Kind::NotCollected => errors.push(err(
                    &item.name,
                    "this question is not collected on this laptop, so it takes no answer".into(),
                )),
                _ => {}
            }
        }
    }
}

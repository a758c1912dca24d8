//! A new interview: the questionnaire, the interview language, and the interview's setting (the
//! form's `monitor`, `mode`, `country` and `city` questions when it has them) asked up front.

use std::collections::HashMap;
use std::time::Instant;

use super::catalog::Catalog;
use super::interview::{self, Draft, InterviewPage, answer_error, lang_of};
use super::workspace::Go;
use super::{errors, style};
use crate::i18n::Tr;
use crate::interview::{Interview, Loc};
use crate::store::Store;

/// The questions of the interview's setting, asked on this screen when the form has them.
use super::interview::SETTING;

/// The new-interview screen.
pub struct StartForm {
    form: Option<usize>,
    language: String,
    iv: Option<(Interview, Instant)>,
    drafts: HashMap<Loc, Draft>,
    errors: HashMap<Loc, String>,
    error: Option<String>,
    /// Interviews this monitor closed that can still be reopened: starting purges them.
    reopenable: usize,
}

impl StartForm {
    /// Nothing chosen yet (the only form is chosen when there is one).
    pub fn new(catalog: &Catalog, reopenable: usize) -> StartForm {
        let form = (catalog.forms.len() == 1).then_some(0);
        StartForm {
            reopenable,
            form,
            language: String::new(),
            iv: None,
            drafts: HashMap::new(),
            errors: HashMap::new(),
            error: None,
        }
    }

    /// Draws the screen; returns the interview once started.
    pub fn ui(&mut self, ui: &mut egui::Ui, store: &mut Store, catalog: &mut Catalog, tr: &Tr) -> Option<Go> {
        let mut go = None;
        super::controls::page(ui, |ui| {
            ui.heading(tr.t("start-title"));
            ui.label(egui::RichText::new(tr.t("start-form")).strong());
            let mut chosen = self.form;
            for (i, f) in catalog.forms.iter().enumerate() {
                let form = &f.compiled.form;
                let title = crate::form::text_in(&form.title, tr.lang().code(), &form.default_language)
                    .unwrap_or(&form.id)
                    .to_string();
                let which = format!("{} {}", form.id, form.version);
                ui.radio_value(&mut chosen, Some(i), format!("{title} ({})", which.trim_end()));
            }
            for p in &catalog.problems {
                ui.colored_label(style::ERROR, tr.ta("start-form-problem", &[("detail", tr.said(p).into())]));
            }
            if chosen != self.form {
                self.form = chosen;
                self.language.clear();
                self.iv = None;
            }
            let Some(index) = self.form else { return };
            let compiled = catalog.forms[index].compiled.clone();
            let languages = compiled.form.languages.clone();
            if self.language.is_empty() {
                let want = tr.lang();
                self.language =
                    languages.iter().find(|l| lang_of(l) == want).or(languages.first()).cloned().unwrap_or_default();
            }
            if languages.len() > 1 {
                ui.add_space(6.0);
                ui.label(egui::RichText::new(tr.t("start-language")).strong());
                ui.horizontal(|ui| {
                    for l in &languages {
                        if ui.radio(self.language == *l, l).clicked() && self.language != *l {
                            self.language = l.clone();
                            if let Some((iv, clock)) = &mut self.iv {
                                iv.set_language(l, clock.elapsed());
                            }
                        }
                    }
                });
            }
            let (iv, clock) = self.iv.get_or_insert_with(|| {
                let mut iv = interview::begin(store, compiled.clone(), &self.language);
                // The monitor's code: as in its last interview, else its account's name.
                if let Some(id) = compiled.id("monitor")
                    && iv.raw(&Loc::top(id)).is_empty()
                {
                    let _ = iv.set_answer(&Loc::top(id), &store.session().account, std::time::Duration::ZERO);
                }
                (iv, Instant::now())
            });
            let tr_iv = Tr::new(lang_of(iv.language()));
            ui.add_space(6.0);
            for name in SETTING {
                let Some(id) = compiled.id(name) else { continue };
                let loc = Loc::top(id);
                if !compiled.items[id].item.kind.is_question() || !iv.is_relevant(&loc) {
                    continue;
                }
                let draft = self.drafts.entry(loc.clone()).or_default();
                if let Some(text) = interview::question(ui, iv, &loc, draft, Default::default(), &tr_iv) {
                    match iv.set_answer(&loc, &text, clock.elapsed()) {
                        Ok(_) => {
                            self.errors.remove(&loc);
                        }
                        Err(e) => {
                            self.errors.insert(loc.clone(), answer_error(&tr_iv, &e));
                        }
                    }
                }
                if let Some(e) = self.errors.get(&loc) {
                    ui.colored_label(style::ERROR, e);
                }
                ui.add_space(8.0);
            }
            if let Some(e) = &self.error {
                ui.colored_label(style::ERROR, e);
            }
            if self.reopenable > 0 {
                ui.colored_label(style::HINT, tr.ta("start-purges", &[("n", (self.reopenable as i64).into())]));
            }
            if ui.button(tr.t("start-button")).clicked() {
                let started = catalog.register(store, index).and_then(|(hash, _)| match self.iv.take() {
                    Some((iv, clock)) => InterviewPage::create(store, &hash, iv, clock),
                    None => Err(crate::store::StoreError::not_found("err-no-record", "")),
                });
                match started {
                    Ok(p) => go = Some(Go::Interview(Box::new(p))),
                    Err(e) => self.error = Some(errors::message(tr, &e)),
                }
            }
        });
        go
    }
}

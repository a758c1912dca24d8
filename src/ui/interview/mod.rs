//! The interview screen: one question or one field-list page at a time, the jump list, repeats,
//! the review page and finalising. Every accepted change is saved by the store at once.

mod autosave;
mod calendar;
mod dates;
mod progress;
mod review;
mod typeahead;
mod widgets;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use fluent_bundle::FluentValue;

use super::workspace::Go;
use super::{errors, style};
use crate::form::Compiled;
use crate::i18n::{Lang, Tr};
use crate::interview::{
    AnswerError, AuditEvent, HierarchyEntry, Interview, Loc, Outcome, Problem, ProblemKind, Screen, StartInfo,
};
use crate::store::{Status, Store};

pub use widgets::{Draft, question};

/// The interface language closest to a form language (`French (fr)`, `fr`, `Français`).
pub fn lang_of(form_language: &str) -> Lang {
    let l = form_language.to_lowercase();
    if l == "fr" || l.contains("(fr") || l.starts_with("fr") { Lang::Fr } else { Lang::En }
}

/// What the page shows, computed once per change (not per frame): the current screen, its
/// questions, every screen (for progress), the hierarchy when asked for, and the measured height
/// of each question (to draw only those in view on long pages).
struct View {
    current: Screen,
    locs: Vec<Loc>,
    screens: Vec<Screen>,
    hierarchy: Option<Vec<HierarchyEntry>>,
    heights: Vec<f32>,
}

impl View {
    fn of(iv: &Interview) -> View {
        let screens = iv.screens();
        let current = iv.current();
        let locs = match current {
            Screen::Question(_) | Screen::Page(_) => iv.questions_on(&current),
            _ => Vec::new(),
        };
        View { heights: vec![QUESTION_HEIGHT; locs.len()], current, locs, screens, hierarchy: None }
    }

    fn hierarchy(&mut self, iv: &Interview) -> &[HierarchyEntry] {
        self.hierarchy.get_or_insert_with(|| iv.hierarchy())
    }
}

/// The height a question is assumed to take before it was drawn once.
const QUESTION_HEIGHT: f32 = 90.0;
/// Pages with more questions than this draw only those in view.
const LONG_PAGE: usize = 30;

/// An interview being filled.
pub struct InterviewPage {
    uuid: String,
    iv: Interview,
    clock: Instant,
    view: View,
    drafts: HashMap<Loc, Draft>,
    errors: HashMap<Loc, String>,
    blocked: Vec<Problem>,
    pending: Vec<AuditEvent>,
    jump_open: bool,
    /// The jump list's line the arrow keys are on.
    jump_cursor: usize,
    /// The screen's first question takes the keyboard at the next frame (after a jump from the
    /// jump list, whose frame had the list's keys).
    refocus_next: bool,
    /// A number or the start of a label being typed to pick a choice.
    typeahead: typeahead::TypeAhead,
    /// The thread that writes each answer (none: saves are written here, as a fallback).
    saver: Option<autosave::Autosaver>,
    comments: Vec<(String, String, String)>,
    save_error: Option<String>,
    /// Fourmi's own messages in the interview language.
    tr_iv: Tr,
    title: String,
}

/// The questions of the interview's setting, asked on the New interview screen: the monitor,
/// the mode, the country and the city.
pub const SETTING: [&str; 4] = ["monitor", "mode", "country", "city"];

/// Starts an interview on `form` (not stored yet): metadata, defaults, the monitor's account,
/// and the setting of this account's last interview of the form (a monitor works in one place
/// for days; each answer can be changed).
pub fn begin(store: &Store, form: Arc<Compiled>, language: &str) -> Interview {
    let info = StartInfo {
        language: language.to_string(),
        device_id: store.device_id().to_string(),
        username: store.session().account.clone(),
        opened_at: chrono::Local::now().fixed_offset(),
    };
    let last = store.last_saved_answers(&form.form.id).unwrap_or_default();
    let mut iv = Interview::start_after(form.clone(), info, &last);
    for name in &SETTING {
        if let (Some(id), Some(serde_json::Value::String(v))) = (form.id(name), last.get(*name))
            && iv.raw(&Loc::top(id)).is_empty()
        {
            let _ = iv.set_answer(&Loc::top(id), v, std::time::Duration::ZERO);
        }
    }
    iv
}

impl InterviewPage {
    /// Stores a new interview started on the form `hash` and opens it.
    pub fn create(store: &mut Store, hash: &str, mut iv: Interview, clock: Instant) -> crate::store::Result<Self> {
        // The setting was answered on the New interview screen: the interview begins after it.
        while let Screen::Question(loc) = iv.current() {
            let name = &iv.form().items[loc.item].item.name;
            if !SETTING.contains(&name.as_str()) || iv.raw(&loc).is_empty() || iv.next(clock.elapsed()).is_err() {
                break;
            }
        }
        let events = iv.drain_events();
        let uuid = store.create_record(hash, &iv, &events)?;
        Ok(Self::open(uuid, iv, clock, Vec::new(), saver_for(store)))
    }

    /// Reopens a draft or returned record where it was left.
    pub fn resume(store: &Store, form: Arc<Compiled>, uuid: &str) -> crate::store::Result<Self> {
        let rec = store.record(uuid)?;
        let info = StartInfo {
            language: rec.language.clone(),
            device_id: store.device_id().to_string(),
            username: store.session().account.clone(),
            opened_at: chrono::Local::now().fixed_offset(),
        };
        let answers = rec.answers.as_object().cloned().unwrap_or_default();
        let iv = Interview::resume(form, info, &answers, rec.position.clone(), Outcome::InProgress);
        let comments = if rec.status == Status::Returned || rec.revision > 1 || !answers.is_empty() {
            store.comments(uuid).unwrap_or_default()
        } else {
            Vec::new()
        };
        Ok(Self::open(uuid.to_string(), iv, Instant::now(), comments, saver_for(store)))
    }

    fn open(
        uuid: String,
        iv: Interview,
        clock: Instant,
        comments: Vec<(String, String, String)>,
        saver: Option<autosave::Autosaver>,
    ) -> Self {
        let f = &iv.form().form;
        let title = crate::form::text_in(&f.title, iv.language(), &f.default_language).unwrap_or(&f.id).to_string();
        let tr_iv = Tr::new(lang_of(iv.language()));
        let view = View::of(&iv);
        InterviewPage {
            uuid,
            iv,
            clock,
            view,
            drafts: HashMap::new(),
            errors: HashMap::new(),
            blocked: Vec::new(),
            pending: Vec::new(),
            jump_open: false,
            jump_cursor: 0,
            refocus_next: false,
            typeahead: Default::default(),
            saver,
            comments,
            save_error: None,
            tr_iv,
            title,
        }
    }

    /// Shows the question that would close the interview (after reopening it from Home).
    pub fn show_closing_question(&mut self) {
        self.iv.show_closing_question();
        self.view = View::of(&self.iv);
    }

    /// The record's UUID.
    pub fn uuid(&self) -> &str {
        &self.uuid
    }

    /// The question names on the screen shown now.
    pub fn current_questions(&self) -> Vec<String> {
        let items = &self.iv.form().items;
        match &self.view.current {
            Screen::Question(_) | Screen::Page(_) => {
                self.view.locs.iter().map(|l| items[l.item].item.name.clone()).collect()
            }
            Screen::AddRepeat { repeat, .. } => vec![format!("+{}", items[*repeat].item.name)],
            Screen::Close => vec!["#close".into()],
            Screen::End => vec!["#end".into()],
        }
    }

    /// Saves the interview (answers, position, language, events) in one transaction.
    fn save(&mut self, store: &mut Store, tr: &Tr) {
        let heights = std::mem::take(&mut self.view.heights);
        let was = self.view.current.clone();
        self.view = View::of(&self.iv);
        if self.view.current == was && heights.len() == self.view.locs.len() {
            self.view.heights = heights;
        }
        self.pending.extend(self.iv.drain_events());
        if let Some(saver) = &mut self.saver {
            saver.send(&self.uuid, &self.iv, std::mem::take(&mut self.pending));
            return;
        }
        match store.autosave(&self.uuid, &self.iv, &self.pending) {
            Ok(()) => {
                self.pending.clear();
                self.save_error = None;
            }
            Err(e) => self.save_error = Some(errors::message(tr, &e)),
        }
    }

    /// Takes what the autosave thread finished (`wait`: until every save is written, before the
    /// record is used otherwise); a failed save's events wait for the next one.
    fn saved(&mut self, tr: &Tr, wait: bool) {
        let Some(saver) = &mut self.saver else { return };
        let failed = if wait { saver.flush() } else { saver.poll() };
        let ok = failed.is_empty();
        for (e, events) in failed {
            self.save_error = Some(errors::message(tr, &e));
            let later = std::mem::take(&mut self.pending);
            self.pending = events;
            self.pending.extend(later);
        }
        if ok && saver.is_saved() {
            self.save_error = None;
        }
    }

    /// Opens (on the line of the screen shown) or closes the jump list.
    fn open_jump_list(&mut self, open: bool) {
        self.jump_open = open;
        if open {
            let current = self.view.current.clone();
            self.jump_cursor = self.view.hierarchy(&self.iv).iter().position(|e| e.screen == current).unwrap_or(0);
        }
    }

    /// Waits until every answer given is written (before another screen reads the records).
    pub fn flush(&mut self, tr: &Tr) {
        self.saved(tr, true);
    }

    /// Whether every answer given is written.
    pub fn is_saved(&self) -> bool {
        self.saver.as_ref().is_none_or(autosave::Autosaver::is_saved) && self.save_error.is_none()
    }

    fn answer(&mut self, store: &mut Store, tr: &Tr, loc: &Loc, text: &str) {
        let at = self.clock.elapsed();
        match self.iv.set_answer(loc, text, at) {
            Ok(_) => {
                self.errors.remove(loc);
                self.blocked.retain(|p| p.loc != *loc);
                self.save(store, tr);
            }
            Err(e) => {
                self.errors.insert(loc.clone(), answer_error(&self.tr_iv, &e));
            }
        }
    }

    fn moved(&mut self, store: &mut Store, tr: &Tr) {
        self.drafts.clear();
        self.errors.clear();
        self.save(store, tr);
    }

    /// Whether a question on this screen holds text that is not a valid answer. Such text is
    /// never stored and never left behind: the monitor corrects or clears it first, and the
    /// field takes the keyboard again.
    fn holds_invalid_text(&mut self) -> bool {
        let Some(loc) = self.view.locs.iter().find(|l| self.errors.contains_key(*l)).cloned() else {
            return false;
        };
        self.drafts.entry(loc).or_default().refocus = true;
        true
    }

    fn next(&mut self, store: &mut Store, tr: &Tr) {
        if self.holds_invalid_text() {
            return;
        }
        match self.iv.next(self.clock.elapsed()) {
            Ok(_) => {
                self.blocked.clear();
                self.moved(store, tr);
            }
            Err(problems) => {
                if let Some(first) = problems.first() {
                    self.drafts.entry(first.loc.clone()).or_default().refocus = true;
                }
                self.blocked = problems;
                self.save(store, tr);
            }
        }
    }

    fn back(&mut self, store: &mut Store, tr: &Tr) {
        if self.holds_invalid_text() {
            return;
        }
        self.iv.back(self.clock.elapsed());
        self.blocked.clear();
        self.moved(store, tr);
    }

    fn jump(&mut self, store: &mut Store, tr: &Tr, screen: &Screen) {
        if self.holds_invalid_text() {
            return;
        }
        if self.iv.jump(screen, self.clock.elapsed()) {
            self.moved(store, tr);
        }
    }

    /// The monitor confirmed closing: the record is stored closed, its answers kept until the
    /// interview can no longer be reopened.
    fn close_interview(&mut self, store: &mut Store, tr: &Tr) {
        if self.iv.close(self.clock.elapsed()).is_some() {
            self.moved(store, tr);
        }
    }

    /// Reopens the interview closed by mistake.
    fn reopen(&mut self, store: &mut Store, tr: &Tr) {
        self.saved(tr, true);
        match store.reopen_closed(&self.uuid) {
            Ok(()) => {
                self.iv.reopen(self.clock.elapsed());
                self.moved(store, tr);
            }
            Err(e) => self.save_error = Some(errors::message(tr, &e)),
        }
    }

    fn finalize(&mut self, store: &mut Store, tr: &Tr) -> Option<Go> {
        match self.iv.finalize(self.clock.elapsed()) {
            Ok(()) => {
                self.saved(tr, true);
                self.pending.extend(self.iv.drain_events());
                match store.complete(&self.uuid, &self.iv, &self.pending) {
                    Ok(()) => Some(Go::HomeWith(tr.t("iv-finalised"))),
                    Err(e) => {
                        self.save_error = Some(errors::message(tr, &e));
                        None
                    }
                }
            }
            Err(problems) => {
                self.blocked = problems;
                None
            }
        }
    }

    /// The message to show for `p`: the form's own, or fourmi's in the interview language.
    fn problem_text(&self, p: &Problem) -> String {
        if let Some(m) = &p.message {
            return m.clone();
        }
        match &p.kind {
            ProblemKind::Required => self.tr_iv.t("iv-required"),
            ProblemKind::Constraint => self.tr_iv.t("iv-constraint"),
            ProblemKind::FormError(d) => self.tr_iv.ta("iv-form-error", &[("detail", d.clone().into())]),
        }
    }

    /// Draws the page; returns where to go when the interview is left.
    pub fn ui(&mut self, ui: &mut egui::Ui, store: &mut Store, tr: &Tr) -> Option<Go> {
        self.saved(tr, false);
        if !self.saver.as_ref().is_none_or(autosave::Autosaver::is_saved) {
            // Notice the save's end without waiting for input.
            ui.ctx().request_repaint_after(std::time::Duration::from_millis(50));
        }
        let screen = self.view.current.clone();
        let mut go = None;
        go = go.or(self.header(ui, store, tr, &screen));
        if let Some(e) = &self.save_error {
            ui.colored_label(style::ERROR, e);
        }
        for (who, when, comment) in &self.comments {
            let text = tr.ta(
                "iv-returned-comment",
                &[("who", who.clone().into()), ("when", tr.when(when).into()), ("comment", comment.clone().into())],
            );
            ui.colored_label(style::ERROR, text);
        }
        ui.separator();
        if self.iv.is_closed() {
            return go.or(self.closed(ui, store, tr));
        }
        egui::Panel::bottom("panel-interview-nav").show(ui, |ui| {
            go = go.take().or(self.nav_bar(ui, store, tr));
        });
        if self.jump_open {
            let mut target = None;
            let current = self.view.current.clone();
            // The arrows move in the list, Enter jumps to the line, Escape closes it.
            let (down, up, enter, escape) = ui.input_mut(|i| {
                (
                    i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowDown),
                    i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowUp),
                    i.consume_key(egui::Modifiers::NONE, egui::Key::Enter),
                    i.consume_key(egui::Modifiers::NONE, egui::Key::Escape),
                )
            });
            let entries = self.view.hierarchy(&self.iv);
            let last = entries.len().saturating_sub(1);
            let moved = down || up;
            if down {
                self.jump_cursor = (self.jump_cursor + 1).min(last);
            }
            if up {
                self.jump_cursor = self.jump_cursor.saturating_sub(1);
            }
            let cursor = self.jump_cursor.min(last);
            if enter {
                target = entries.get(cursor).map(|e| e.screen.clone());
            }
            egui::Panel::left("jump-list").default_size(340.0).size_range(220.0..=480.0).resizable(true).show(
                ui,
                |ui| {
                    let clicked = review::jump_list(ui, entries, &current, Some(cursor), moved, tr);
                    target = target.take().or(clicked);
                },
            );
            if escape {
                self.jump_open = false;
            }
            if let Some(s) = target {
                if enter {
                    // Chosen from the keyboard: the list closes and the question takes it.
                    self.jump_open = false;
                    self.refocus_next = true;
                }
                self.jump(store, tr, &s);
            }
        }
        egui::CentralPanel::default().show(ui, |ui| {
            egui::ScrollArea::vertical().auto_shrink([false, false]).show_viewport(ui, |ui, viewport| {
                let r = self.body(ui, store, tr, &screen, viewport);
                go = go.take().or(r);
                super::controls::follow_focus(ui);
                // A long text (the consent script) scrolls with the arrow keys when no box has
                // the keyboard.
                if !ui.ctx().egui_wants_keyboard_input() {
                    let (down, up) =
                        ui.input(|i| (i.key_pressed(egui::Key::ArrowDown), i.key_pressed(egui::Key::ArrowUp)));
                    if down || up {
                        let step = ui.text_style_height(&egui::TextStyle::Body) * 3.0;
                        ui.scroll_with_delta(egui::vec2(0.0, if down { -step } else { step }));
                    }
                }
            });
        });
        go = go.or(self.keys(ui, store, tr, &screen));
        go
    }

    fn header(&mut self, ui: &mut egui::Ui, store: &mut Store, tr: &Tr, _screen: &Screen) -> Option<Go> {
        let mut go = None;
        // Wrapped: with large text on a small screen, the buttons go to a second line.
        ui.horizontal_wrapped(|ui| {
            ui.heading(&self.title);
            let (pos, total) = progress::progress(&self.iv, &self.view.current);
            let frac = pos as f32 / total as f32;
            ui.add(
                egui::ProgressBar::new(frac)
                    .desired_width(160.0)
                    .text(tr.ta("iv-progress", &[("n", (pos as i64).into()), ("total", (total as i64).into())])),
            );
            // Whether the last answer is on the disk yet.
            let saved = if self.is_saved() { "iv-saved" } else { "iv-saving" };
            ui.colored_label(style::HINT, tr.t(saved));
            let mut lang = self.iv.language().to_string();
            let langs = self.iv.form().form.languages.clone();
            if langs.len() > 1 {
                let l = ui.label(tr.t("iv-language"));
                egui::ComboBox::from_id_salt("combo-interview-language")
                    .selected_text(&lang)
                    .show_ui(ui, |ui| {
                        for l in &langs {
                            ui.selectable_value(&mut lang, l.clone(), l);
                        }
                    })
                    .response
                    .labelled_by(l.id);
                if lang != self.iv.language() && self.iv.set_language(&lang, self.clock.elapsed()) {
                    self.tr_iv = Tr::new(lang_of(&lang));
                    let f = &self.iv.form().form;
                    self.title =
                        crate::form::text_in(&f.title, &lang, &f.default_language).unwrap_or(&f.id).to_string();
                    self.drafts.clear();
                    self.save(store, tr);
                }
            }
            if ui.add(egui::Button::new(tr.t("iv-jump")).selected(self.jump_open)).clicked() {
                self.open_jump_list(!self.jump_open);
            }
            if ui.button(tr.t("iv-close")).clicked() {
                go = Some(if self.iv.is_closed() { Go::Home } else { Go::HomeWith(tr.t("iv-closed-saved")) });
            }
        });
        go
    }

    fn closed(&mut self, ui: &mut egui::Ui, store: &mut Store, tr: &Tr) -> Option<Go> {
        let key = if self.iv.outcome() == Outcome::Refused { "iv-refused" } else { "iv-screened-out" };
        ui.heading(self.tr_iv.t(key));
        ui.label(tr.t("iv-closed-can-reopen"));
        ui.add_space(8.0);
        let mut reopen = false;
        let go = ui
            .horizontal(|ui| {
                let home = ui.button(tr.t("iv-back-home")).clicked();
                reopen = ui.button(tr.t("iv-reopen")).clicked();
                home
            })
            .inner
            || ui.input(|i| i.key_pressed(egui::Key::Enter));
        if reopen {
            self.reopen(store, tr);
            return None;
        }
        go.then_some(Go::Home)
    }

    fn body(
        &mut self,
        ui: &mut egui::Ui,
        store: &mut Store,
        tr: &Tr,
        screen: &Screen,
        viewport: egui::Rect,
    ) -> Option<Go> {
        if std::mem::take(&mut self.refocus_next)
            && let Some(first) = self.view.locs.first()
        {
            ui.ctx().request_repaint();
            self.drafts.entry(first.clone()).or_default().refocus = true;
        }
        // `Some(0)`: digits are live but none was pressed.
        let keys_free = !ui.ctx().egui_wants_keyboard_input();
        let digit = if keys_free { Some(digit_pressed(ui).unwrap_or(0)) } else { None };
        let typed = if keys_free { self.type_ahead(ui) } else { None };
        match screen {
            Screen::Question(_) | Screen::Page(_) => {
                if let Screen::Page(group) = screen {
                    let item = &self.iv.form().items[group.item].item;
                    let label = self.iv.render(&item.label, group);
                    if !label.is_empty() {
                        ui.heading(label);
                    }
                }
                let locs = self.view.locs.clone();
                let single = locs.len() == 1;
                let long = locs.len() > LONG_PAGE;
                let top = ui.min_rect().top();
                let margin = 200.0;
                for (i, loc) in locs.iter().enumerate() {
                    let y = ui.cursor().top() - top;
                    let h = self.view.heights.get(i).copied().unwrap_or(QUESTION_HEIGHT);
                    if long && (y + h < viewport.min.y - margin || y > viewport.max.y + margin) {
                        // Out of view: keep its place without drawing it.
                        ui.add_space(h);
                        continue;
                    }
                    let before = ui.cursor().top();
                    let draft = self.drafts.entry(loc.clone()).or_default();
                    let (digit, typed) = if single { (digit, typed.as_ref()) } else { (None, None) };
                    let keys = widgets::Keys { digit, typed, numbered: single };
                    let changed = question(ui, &self.iv, loc, draft, keys, &self.tr_iv);
                    if let Some(t) = typed
                        && self.iv.form().items[loc.item].item.kind == crate::form::Kind::SelectMultiple
                        && t.settled(self.iv.choices(loc).len())
                    {
                        // A multiple choice took the entry: the next digits start a new one.
                        self.typeahead.clear();
                    }
                    self.problem_lines(ui, loc);
                    ui.add_space(10.0);
                    if let Some(slot) = self.view.heights.get_mut(i) {
                        *slot = ui.cursor().top() - before;
                    }
                    if let Some(text) = changed {
                        self.answer(store, tr, loc, &text);
                    }
                }
                None
            }
            Screen::AddRepeat { repeat, at } => {
                let item = &self.iv.form().items[*repeat].item;
                let label = self.iv.render(&item.label, &Loc { item: *repeat, at: at.clone() });
                let label = if label.is_empty() { item.name.clone() } else { label };
                let n = self.iv.repeat_count(*repeat, at);
                ui.heading(self.tr_iv.ta("iv-add-repeat", &[("what", label.into()), ("n", (n as i64).into())]));
                ui.horizontal(|ui| {
                    let add = ui.button(tr.t("iv-add-repeat-yes")).clicked() || digit == Some(1);
                    if add && self.iv.add_repeat(*repeat, at, self.clock.elapsed()).is_some() {
                        // Go straight to the new instance's first question.
                        let _ = self.iv.next(self.clock.elapsed());
                        self.moved(store, tr);
                    }
                    if ui.button(tr.t("iv-add-repeat-no")).clicked() || digit == Some(2) {
                        self.next(store, tr);
                    }
                });
                None
            }
            Screen::Close => {
                let refused = self.iv.closing() == Some(Outcome::Refused);
                ui.heading(tr.t("iv-close-title"));
                ui.label(tr.t(if refused { "iv-close-refused-explain" } else { "iv-close-screened-explain" }));
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    if ui.button(tr.t("iv-close-change")).clicked() {
                        self.back(store, tr);
                    }
                    if ui.button(egui::RichText::new(tr.t("iv-close-confirm")).color(style::ERROR)).clicked() {
                        self.close_interview(store, tr);
                    }
                });
                None
            }
            Screen::End => {
                let hierarchy = self.view.hierarchy(&self.iv).to_vec();
                let action = review::end_page(ui, &self.iv, &hierarchy, tr, &self.tr_iv, |p| self.problem_text(p));
                match action {
                    Some(review::Action::Jump(s)) => {
                        self.jump(store, tr, &s);
                        None
                    }
                    Some(review::Action::Finalize) => self.finalize(store, tr),
                    None => None,
                }
            }
        }
    }

    fn problem_lines(&self, ui: &mut egui::Ui, loc: &Loc) {
        if let Some(e) = self.errors.get(loc) {
            ui.colored_label(style::ERROR, e);
            ui.colored_label(style::ERROR, self.tr_iv.t("iv-fix-first"));
            return;
        }
        let answered = !self.iv.raw(loc).is_empty();
        for p in self.iv.problems_of(loc) {
            let shown = match p.kind {
                ProblemKind::Constraint | ProblemKind::FormError(_) => answered,
                ProblemKind::Required => self.blocked.iter().any(|b| b.loc == *loc),
            };
            if shown {
                ui.colored_label(style::ERROR, self.problem_text(&p));
            }
        }
    }

    fn nav_bar(&mut self, ui: &mut egui::Ui, store: &mut Store, tr: &Tr) -> Option<Go> {
        let screen = self.view.current.clone();
        ui.add_space(4.0);
        ui.horizontal_wrapped(|ui| {
            let first = self.view.screens.first() == Some(&screen);
            if ui.add_enabled(!first, egui::Button::new(tr.t("iv-back"))).clicked() {
                self.back(store, tr);
            }
            let last = matches!(screen, Screen::End | Screen::Close);
            if !last && ui.button(tr.t("iv-next")).clicked() {
                self.next(store, tr);
            }
            if !last && ui.button(tr.t("iv-jump-end")).clicked() {
                self.jump(store, tr, &Screen::End);
            }
            if let Screen::Question(loc) | Screen::Page(loc) = &screen
                && let Some((repeat, scope, index)) = self.enclosing_repeat(loc)
            {
                let item = &self.iv.form().items[repeat].item;
                let label = self.iv.render(&item.label, loc);
                let label = if label.is_empty() { item.name.clone() } else { label };
                if ui
                    .button(tr.ta("iv-remove-repeat", &[("what", label.into()), ("n", (index as i64 + 1).into())]))
                    .clicked()
                    && self.iv.remove_repeat(repeat, &scope, index, self.clock.elapsed())
                {
                    self.moved(store, tr);
                }
            }
        });
        // The keys on their own line, wrapped, never under the buttons.
        ui.add(egui::Label::new(egui::RichText::new(tr.t("iv-keys")).color(style::HINT)).wrap());
        None
    }

    /// The innermost monitor-controlled repeat around `loc`: (repeat, its scope, instance index).
    fn enclosing_repeat(&self, loc: &Loc) -> Option<(usize, Vec<usize>, usize)> {
        let chain = self.iv.chain(loc.item);
        let repeat = *chain.last()?;
        if self.iv.form().items[repeat].item.repeat_count.is_some() {
            return None;
        }
        let depth = chain.len();
        let index = *loc.at.get(depth - 1)?;
        Some((repeat, loc.at[..depth - 1].to_vec(), index))
    }

    fn keys(&mut self, ui: &mut egui::Ui, store: &mut Store, tr: &Tr, screen: &Screen) -> Option<Go> {
        let (enter, ctrl_enter, back, jump) = ui.input_mut(|i| {
            (
                i.key_pressed(egui::Key::Enter) && !i.modifiers.command,
                i.consume_key(egui::Modifiers::COMMAND, egui::Key::Enter),
                i.consume_key(egui::Modifiers::ALT, egui::Key::ArrowLeft)
                    || i.consume_key(egui::Modifiers::NONE, egui::Key::PageUp),
                i.consume_key(egui::Modifiers::COMMAND, egui::Key::J),
            )
        });
        if jump {
            self.open_jump_list(!self.jump_open);
        }
        if back {
            self.back(store, tr);
        } else if ctrl_enter && *screen == Screen::End {
            return self.finalize(store, tr);
        } else if enter && *screen != Screen::End && self.view.current == *screen && !multiline_focused(ui) {
            self.next(store, tr);
        }
        None
    }
}

impl InterviewPage {
    /// This frame's typed characters added to the entry being typed (see [`typeahead`]).
    fn type_ahead(&mut self, ui: &egui::Ui) -> Option<typeahead::Typed> {
        let (text, now) = ui.input(|i| {
            let text: String = i
                .events
                .iter()
                .filter_map(|e| match e {
                    egui::Event::Text(t) => Some(t.as_str()),
                    _ => None,
                })
                .collect();
            (text, i.time)
        });
        // Digit keys that came without their text (some platforms, and test harnesses).
        let text = if text.is_empty() { digit_pressed(ui).map(|d| d.to_string()).unwrap_or_default() } else { text };
        let end = ui.input(|i| i.key_pressed(egui::Key::Enter));
        let typed = self.typeahead.update(&text, now, end);
        if self.typeahead.typing() {
            ui.ctx().request_repaint_after(std::time::Duration::from_secs_f64(typeahead::PAUSE));
        }
        typed
    }
}

/// The autosave thread for an interview on `store` (none if it cannot start: saves are then
/// written on the interface's thread, as before).
fn saver_for(store: &Store) -> Option<autosave::Autosaver> {
    autosave::Autosaver::start(store).ok()
}

/// The digit key (1-9) pressed this frame, if any.
fn digit_pressed(ui: &egui::Ui) -> Option<usize> {
    use egui::Key::*;
    let keys = [Num1, Num2, Num3, Num4, Num5, Num6, Num7, Num8, Num9];
    ui.input(|i| keys.iter().position(|k| i.key_pressed(*k) && i.modifiers.is_none()).map(|p| p + 1))
}

fn multiline_focused(ui: &egui::Ui) -> bool {
    // A single-line box gives up the keyboard on Enter; a multi-line one keeps it.
    ui.ctx().egui_wants_keyboard_input()
}

/// An answer refused before any constraint, in the interview language.
pub fn answer_error(tr: &Tr, e: &AnswerError) -> String {
    match e {
        AnswerError::NotInteger => tr.t("ans-not-integer"),
        AnswerError::NotNumber => tr.t("ans-not-number"),
        AnswerError::OutOfRange { start, end, step } => tr.ta(
            "ans-out-of-range",
            &[("start", start.clone().into()), ("end", end.clone().into()), ("step", step.clone().into())],
        ),
        AnswerError::NotDate => tr.t("ans-not-date"),
        AnswerError::NoSuchDate => tr.t("ans-no-such-date"),
        AnswerError::NotDateTime => tr.t("ans-not-datetime"),
        AnswerError::NotTime => tr.t("ans-not-time"),
        AnswerError::NotAChoice(c) => tr.ta("ans-not-a-choice", &[("choice", FluentValue::from(c.clone()))]),
        AnswerError::BadRanking => tr.t("ans-bad-ranking"),
        AnswerError::NotGeopoint => tr.t("ans-not-geopoint"),
        AnswerError::NotAnswerable(_) | AnswerError::NoSuchQuestion(_) => tr.t("ans-not-answerable"),
        AnswerError::ReadOnly(_) => tr.t("ans-read-only"),
        AnswerError::NotAsked(_) => tr.t("ans-not-asked"),
    }
}

//! One widget per question type. Each draws the question (label, hint, the answer widget) and
//! returns the new stored text when the monitor changed the answer; the page gives it to the
//! interview engine, which checks it and saves it.

use super::typeahead::Typed;
use crate::form::Kind;
use crate::i18n::Tr;
use crate::interview::{Interview, Loc};

use super::super::style;

/// Text size of choices: large enough to read at arm's length in daylight.
const CHOICE_SIZE: f32 = 16.0;

/// What the monitor typed or picked for one question, before the engine accepted it.
#[derive(Debug, Default, Clone)]
pub struct Draft {
    /// The text in an entry box.
    pub text: String,
    /// Whether `text` was initialised from the stored answer.
    pub loaded: bool,
    /// The entry box takes the keyboard at the next frame (after a refused move).
    pub refocus: bool,
    /// A date question's calendar, open on this day.
    pub calendar: Option<chrono::NaiveDate>,
}

/// What the keyboard does for a question: nothing (a screen of several questions, or a text
/// box has the keyboard), or, for a question alone on its screen, `digit` (`Some(n)`, n in
/// 1-9, a number key pressed; `Some(0)` none) ticks an acknowledgement and `typed` (the number
/// or the start of a label being typed, see [`super::typeahead`]) picks a choice; choices are
/// numbered only where typing a number picks one.
#[derive(Debug, Clone, Copy, Default)]
pub struct Keys<'a> {
    /// A digit key pressed this frame.
    pub digit: Option<usize>,
    /// The entry being typed.
    pub typed: Option<&'a Typed>,
    /// Whether choices show their numbers.
    pub numbered: bool,
}

/// Draws the question at `loc`, with what the keyboard does for it. Returns the new answer
/// text if it changed.
pub fn question(
    ui: &mut egui::Ui,
    iv: &Interview,
    loc: &Loc,
    draft: &mut Draft,
    keys: Keys<'_>,
    tr: &Tr,
) -> Option<String> {
    let Keys { digit, typed, numbered } = keys;
    let item = &iv.form().items[loc.item].item;
    // A question shown for the first time on a one-question screen takes the keyboard, and so
    // does one whose answer stopped a move.
    let focus = (!draft.loaded && digit.is_some()) || std::mem::take(&mut draft.refocus);
    if !draft.loaded {
        draft.text = iv.raw(loc).to_string();
        if item.kind == Kind::Date {
            draft.text = super::dates::shown(&draft.text);
        }
        draft.loaded = true;
    }
    let label = iv.render(&item.label, loc);
    let label = if label.is_empty() { item.name.clone() } else { label };
    let read_only = item.read_only.is_some();
    let mut cleared = false;
    let heading = ui
        .horizontal_wrapped(|ui| {
            let heading = ui.label(egui::RichText::new(&label).size(19.0).strong());
            let clearable =
                !iv.raw(loc).is_empty() && !read_only && !matches!(item.kind, Kind::Note | Kind::NotCollected);
            cleared = clearable && ui.small_button(tr.t("iv-clear")).clicked();
            heading
        })
        .inner;
    let hint = iv.render(&item.hint, loc);
    if !hint.is_empty() {
        ui.colored_label(style::HINT, hint);
    }
    if cleared {
        draft.text.clear();
        return Some(String::new());
    }
    ui.add_space(4.0);

    ui.add_enabled_ui(!read_only, |ui| match item.kind {
        k if k.is_select() && iv.choices(loc).is_empty() => {
            ui.colored_label(style::HINT, tr.t("iv-no-choices"));
            None
        }
        Kind::SelectOne => select_one(ui, iv, loc, typed, numbered),
        Kind::SelectMultiple => select_multiple(ui, iv, loc, typed, numbered),
        Kind::Rank => rank(ui, iv, loc, tr),
        Kind::Acknowledge => {
            let mut on = !iv.raw(loc).is_empty();
            let r = ui.checkbox(&mut on, tr.t("iv-acknowledge"));
            (r.changed() || digit == Some(1)).then(|| if on || digit == Some(1) { "OK".into() } else { String::new() })
        }
        Kind::Range => range(ui, iv, loc, heading.id),
        Kind::Note => None,
        Kind::NotCollected => {
            let why = crate::form::not_collected_why(&item.type_text);
            ui.colored_label(style::HINT, tr.t(&format!("iv-not-collected-{why}")));
            None
        }
        _ => entry(ui, item.kind, &item.appearance, draft, heading.id, tr, focus),
    })
    .inner
}

/// The choice `typed` names among `choices`, once no more typing can change it when `settled`
/// is asked for.
fn typed_choice(typed: Option<&Typed>, choices: &[(String, String)], settled: bool) -> Option<usize> {
    let typed = typed.filter(|t| !settled || t.settled(choices.len()))?;
    let labels: Vec<String> = choices.iter().map(|(_, l)| l.clone()).collect();
    typed.choice(&labels)
}

/// A choice's number, where typing it picks the choice.
fn number(ui: &mut egui::Ui, i: usize, numbered: bool) {
    if numbered {
        ui.label(egui::RichText::new(format!("{:>2}", i + 1)).monospace().color(style::HINT));
    }
}

fn select_one(ui: &mut egui::Ui, iv: &Interview, loc: &Loc, typed: Option<&Typed>, numbered: bool) -> Option<String> {
    let current = iv.raw(loc);
    let mut picked = None;
    let choices = iv.choices(loc);
    let by_keyboard = typed_choice(typed, &choices, false);
    for (i, (name, label)) in choices.into_iter().enumerate() {
        ui.horizontal(|ui| {
            number(ui, i, numbered);
            let r = ui.radio(current == name, egui::RichText::new(&label).size(CHOICE_SIZE));
            if by_keyboard == Some(i) {
                // Picked by typing: brought into view, so the monitor sees what was picked.
                r.scroll_to_me(None);
            }
            if r.clicked() || by_keyboard == Some(i) {
                picked = Some(name.clone());
            }
        });
    }
    picked.filter(|p| p != current)
}

fn select_multiple(
    ui: &mut egui::Ui,
    iv: &Interview,
    loc: &Loc,
    typed: Option<&Typed>,
    numbered: bool,
) -> Option<String> {
    let mut chosen: Vec<String> = iv.raw(loc).split_whitespace().map(str::to_string).collect();
    let mut changed = false;
    let choices = iv.choices(loc);
    let by_keyboard = typed_choice(typed, &choices, true);
    for (i, (name, label)) in choices.into_iter().enumerate() {
        ui.horizontal(|ui| {
            number(ui, i, numbered);
            let mut on = chosen.contains(&name);
            if ui.checkbox(&mut on, egui::RichText::new(&label).size(CHOICE_SIZE)).changed() || by_keyboard == Some(i) {
                if chosen.contains(&name) {
                    chosen.retain(|c| *c != name);
                } else {
                    chosen.push(name.clone());
                }
                changed = true;
            }
        });
    }
    changed.then(|| chosen.join(" "))
}

fn rank(ui: &mut egui::Ui, iv: &Interview, loc: &Loc, tr: &Tr) -> Option<String> {
    let choices = iv.choices(loc);
    let raw = iv.raw(loc);
    let mut order: Vec<String> = if raw.is_empty() {
        choices.iter().map(|(n, _)| n.clone()).collect()
    } else {
        raw.split_whitespace().map(str::to_string).collect()
    };
    let mut changed = false;
    let n = order.len();
    let mut swap = None;
    for (i, name) in order.iter().enumerate() {
        let label = choices.iter().find(|(c, _)| c == name).map_or(name.as_str(), |(_, l)| l.as_str());
        ui.horizontal(|ui| {
            ui.label(format!("{}. {label}", i + 1));
            if ui.add_enabled(i > 0, egui::Button::new(tr.t("iv-rank-up")).small()).clicked() {
                swap = Some((i - 1, i));
            }
            if ui.add_enabled(i + 1 < n, egui::Button::new(tr.t("iv-rank-down")).small()).clicked() {
                swap = Some((i, i + 1));
            }
        });
    }
    if let Some((a, b)) = swap {
        order.swap(a, b);
        changed = true;
    }
    if raw.is_empty() && ui.button(tr.t("iv-rank-keep")).clicked() {
        changed = true;
    }
    changed.then(|| order.join(" "))
}

fn range(ui: &mut egui::Ui, iv: &Interview, loc: &Loc, label: egui::Id) -> Option<String> {
    let p = &iv.form().items[loc.item].item.parameters;
    let num = |k: &str, d: f64| p.get(k).and_then(|v| v.parse::<f64>().ok()).unwrap_or(d);
    let (start, end, step) = (num("start", 1.0), num("end", 10.0), num("step", 1.0));
    let raw = iv.raw(loc);
    let mut v: f64 = raw.parse().unwrap_or(start);
    let (lo, hi) = if start <= end { (start, end) } else { (end, start) };
    let r = ui.add(egui::Slider::new(&mut v, lo..=hi).step_by(step.abs())).labelled_by(label);
    let text = if v.fract() == 0.0 { format!("{}", v as i64) } else { format!("{v}") };
    (r.changed() || r.clicked()).then_some(text).filter(|t| t != raw)
}

fn entry(
    ui: &mut egui::Ui,
    kind: Kind,
    appearance: &str,
    draft: &mut Draft,
    label: egui::Id,
    tr: &Tr,
    focus: bool,
) -> Option<String> {
    let hint = match kind {
        Kind::Integer => tr.t("iv-hint-integer"),
        Kind::Decimal => tr.t("iv-hint-decimal"),
        Kind::Date => tr.t("iv-hint-date"),
        Kind::DateTime => tr.t("iv-hint-datetime"),
        Kind::Time => tr.t("iv-hint-time"),
        Kind::Geopoint => tr.t("iv-hint-geopoint"),
        _ => String::new(),
    };
    let multiline = kind == Kind::Text && appearance.contains("multiline");
    let edit = if multiline {
        egui::TextEdit::multiline(&mut draft.text).desired_rows(4)
    } else {
        egui::TextEdit::singleline(&mut draft.text)
    };
    let r = ui.add(edit.hint_text(hint).desired_width(420.0)).labelled_by(label);
    if focus {
        r.request_focus();
    }
    let mut changed = r.changed();
    if kind == Kind::Date {
        let today = chrono::Local::now().date_naive();
        let mut opened = false;
        if ui.button(tr.t("cal-open")).clicked()
            || r.has_focus() && ui.input_mut(|i| i.consume_key(egui::Modifiers::ALT, egui::Key::ArrowDown))
        {
            draft.calendar = match draft.calendar {
                Some(_) => None,
                None => Some(super::calendar::opening(&super::dates::typed(&draft.text), today)),
            };
            opened = draft.calendar.is_some();
        }
        if let Some(cursor) = &mut draft.calendar {
            match super::calendar::show(ui, cursor, today, opened, tr) {
                super::calendar::Picked::Nothing => {}
                super::calendar::Picked::Date(d) => {
                    draft.text = d.format("%d/%m/%Y").to_string();
                    draft.calendar = None;
                    draft.refocus = true;
                    changed = true;
                }
                super::calendar::Picked::Closed => {
                    draft.calendar = None;
                    draft.refocus = true;
                }
            }
        }
    } else if matches!(kind, Kind::DateTime | Kind::Time) && ui.button(tr.t("iv-now")).clicked() {
        let now = chrono::Local::now();
        draft.text = match kind {
            Kind::Time => now.format("%H:%M").to_string(),
            _ => now.format("%Y-%m-%dT%H:%M").to_string(),
        };
        changed = true;
    }
    changed.then(|| if kind == Kind::Date { super::dates::typed(&draft.text) } else { draft.text.trim().to_string() })
}

//! The hierarchy of the whole record (the jump list) and the review page before finalising.

use crate::form::Kind;
use crate::i18n::Tr;
use crate::interview::{HierarchyEntry, Interview, Problem, Screen};

use super::super::style;

/// What the monitor asked for on the review page.
pub enum Action {
    /// Go to a screen.
    Jump(Screen),
    /// Finalise the interview.
    Finalize,
}

/// The jump list: every relevant item with its answer; a click returns the screen to go to.
pub fn jump_list(
    ui: &mut egui::Ui,
    entries: &[HierarchyEntry],
    current: &Screen,
    cursor: Option<usize>,
    follow: bool,
    tr: &Tr,
) -> Option<Screen> {
    ui.heading(tr.t("iv-jump-title"));
    ui.colored_label(style::HINT, tr.t("iv-jump-keys"));
    let mut target = None;
    // A line is a button: as tall as its text and padding, and at least as tall as any control.
    let row = (ui.text_style_height(&egui::TextStyle::Button) + 2.0 * ui.spacing().button_padding.y)
        .max(ui.spacing().interact_size.y);
    let spaced = row + ui.spacing().item_spacing.y;
    let mut area = egui::ScrollArea::vertical().id_salt("jump-scroll").auto_shrink([false, false]);
    if let (true, Some(c)) = (follow, cursor) {
        // The line the arrows moved to stays in view.
        area = area.vertical_scroll_offset((c as f32 * spaced - 3.0 * spaced).max(0.0));
    }
    // One line per entry, so only the lines in view are drawn.
    area.show_rows(ui, row, entries.len(), |ui, range| {
        let start = range.start;
        for (i, e) in entries[range].iter().enumerate() {
            let label = distinct_label(entries, start + i);
            ui.horizontal(|ui| {
                ui.add_space(e.depth as f32 * 14.0);
                let text = match e.kind {
                    Kind::Group | Kind::Repeat => egui::RichText::new(&label).strong(),
                    _ if e.answer.is_empty() => egui::RichText::new(format!("{label}: —")),
                    _ => egui::RichText::new(format!("{label}: {}", e.answer)),
                };
                let text = if e.problem { text.color(style::ERROR) } else { text };
                let on_cursor = cursor == Some(start + i);
                let text = if on_cursor { text.underline() } else { text };
                let item = egui::Button::selectable(*current == e.screen || on_cursor, text)
                    .wrap_mode(egui::TextWrapMode::Truncate);
                if ui.add(item).on_hover_text(format!("{}: {}", e.label, e.answer)).clicked() {
                    target = Some(e.screen.clone());
                }
            });
        }
    });
    target
}

/// Entry `at`'s label as the jump list shows it: when it begins like a neighbour's (a run of
/// statements under one long question, "How far do you agree ...: I am worried about ..."),
/// the shared beginning gives way to "…", so that the line says what is its own.
fn distinct_label(entries: &[HierarchyEntry], at: usize) -> String {
    let Some(e) = entries.get(at) else { return String::new() };
    let shared = |other: Option<&HierarchyEntry>| {
        other.map_or(0, |o| e.label.chars().zip(o.label.chars()).take_while(|(a, b)| a == b).count())
    };
    let before = at.checked_sub(1).and_then(|i| entries.get(i));
    let common = shared(before).max(shared(entries.get(at + 1)));
    if common < 24 || common >= e.label.chars().count() {
        return e.label.clone();
    }
    // Cut after the shared part's last colon (a statement follows it), or else at the start
    // of the word the shared part ends in.
    let prefix: String = e.label.chars().take(common).collect();
    let cut = prefix.rfind(':').or_else(|| prefix.rfind(' ')).map_or(prefix.len(), |i| i + 1);
    format!("…{}", e.label.get(cut..).unwrap_or_default().trim_start())
}

/// The last page: what still blocks finalising (each with a way to go there), then the
/// finalise button.
pub fn end_page(
    ui: &mut egui::Ui,
    iv: &Interview,
    hierarchy: &[HierarchyEntry],
    tr: &Tr,
    tr_iv: &Tr,
    message: impl Fn(&Problem) -> String,
) -> Option<Action> {
    let mut action = None;
    ui.heading(tr_iv.t("iv-review-title"));
    let blocking = iv.blocking();
    if blocking.is_empty() {
        ui.colored_label(style::OK, tr_iv.t("iv-review-ready"));
    } else {
        ui.colored_label(style::ERROR, tr_iv.ta("iv-review-blocking", &[("n", (blocking.len() as i64).into())]));
        for p in &blocking {
            let entry = hierarchy.iter().find(|e| e.loc == p.loc);
            let label = entry.map_or(p.name.clone(), |e| e.label.clone());
            ui.horizontal(|ui| {
                ui.label(egui::RichText::new(&label).strong());
                ui.colored_label(style::ERROR, message(p));
                if let Some(e) = entry
                    && ui.small_button(tr.t("iv-go-there")).clicked()
                {
                    action = Some(Action::Jump(e.screen.clone()));
                }
            });
        }
    }
    ui.add_space(8.0);
    let finalize = ui.add_enabled(blocking.is_empty(), egui::Button::new(tr.t("iv-finalize")));
    if finalize.clicked() {
        action = Some(Action::Finalize);
    }
    ui.add_space(12.0);
    ui.separator();
    ui.label(egui::RichText::new(tr_iv.t("iv-review-answers")).strong());
    for e in hierarchy {
        if matches!(e.kind, Kind::Group | Kind::Repeat | Kind::Note | Kind::NotCollected) {
            continue;
        }
        ui.horizontal_wrapped(|ui| {
            ui.add_space(e.depth as f32 * 14.0);
            // Each answer is a link to its question, to change it.
            if ui.link(format!("{}:", e.label)).on_hover_text(tr.t("iv-go-there")).clicked() {
                action = Some(Action::Jump(e.screen.clone()));
            }
            ui.label(
                egui::RichText::new(if e.answer.is_empty() { "—".to_string() } else { e.answer.clone() }).strong(),
            );
        });
    }
    action
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interview::Loc;

    fn entry(label: &str) -> HierarchyEntry {
        HierarchyEntry {
            loc: Loc::top(0),
            depth: 0,
            label: label.into(),
            answer: String::new(),
            kind: Kind::SelectOne,
            problem: false,
            screen: Screen::End,
        }
    }

    #[test]
    fn statements_under_one_long_question_show_what_is_their_own() {
        let q = "How far do you agree with the following statement: ";
        let entries = [entry("Sex"), entry(&format!("{q}I am worried")), entry(&format!("{q}I wear a mask"))];
        assert_eq!(distinct_label(&entries, 0), "Sex");
        assert_eq!(distinct_label(&entries, 1), "…I am worried");
        assert_eq!(distinct_label(&entries, 2), "…I wear a mask");
    }
}

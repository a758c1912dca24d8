//! Small controls shared by several screens.

/// A labelled drop-down that narrows a list: "All", or one of `options` (value, shown text).
pub fn filter_combo<T: PartialEq + Clone>(
    ui: &mut egui::Ui,
    id: &str,
    label: &str,
    all: &str,
    selected: &mut Option<T>,
    options: &[(T, String)],
) {
    let l = ui.label(label);
    let shown = selected
        .as_ref()
        .and_then(|s| options.iter().find(|(v, _)| v == s))
        .map_or(all.to_string(), |(_, text)| text.clone());
    egui::ComboBox::from_id_salt(id)
        .selected_text(shown)
        .show_ui(ui, |ui| {
            ui.selectable_value(selected, None, all);
            for (v, text) in options {
                ui.selectable_value(selected, Some(v.clone()), text);
            }
        })
        .response
        .labelled_by(l.id);
}

/// A screen's page: scrolls vertically, and follows the keyboard (the widget Tab moved to is
/// brought into view).
pub fn page<R>(ui: &mut egui::Ui, content: impl FnOnce(&mut egui::Ui) -> R) -> R {
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            let r = content(ui);
            follow_focus(ui);
            r
        })
        .inner
}

/// Scrolls the scroll area `ui` is the content of to the widget that has the keyboard, when it
/// just got it and lies in this content outside the part shown.
pub fn follow_focus(ui: &egui::Ui) {
    let ctx = ui.ctx();
    let Some(id) = ctx.memory(|m| m.focused()) else { return };
    let memo = egui::Id::unique("fourmi-followed-focus");
    if ctx.data(|d| d.get_temp::<egui::Id>(memo)) == Some(id) {
        return;
    }
    let Some(r) = ctx.read_response(id) else { return };
    if !ui.min_rect().expand(1.0).contains_rect(r.rect) {
        return;
    }
    ctx.data_mut(|d| d.insert_temp(memo, id));
    if !ui.clip_rect().contains_rect(r.rect) {
        ui.scroll_to_rect(r.rect, None);
    }
}

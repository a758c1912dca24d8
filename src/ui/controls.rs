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

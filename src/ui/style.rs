//! The look: a light theme with strong contrast (readable in the sun) and the chosen text size.

/// Applies the theme and the text size `scale`.
pub fn apply(ctx: &egui::Context, scale: f32) {
    ctx.set_theme(egui::Theme::Light);
    ctx.set_zoom_factor(scale);
    ctx.all_styles_mut(|style| {
        style.spacing.item_spacing = egui::vec2(8.0, 6.0);
        style.spacing.button_padding = egui::vec2(8.0, 4.0);
        style.spacing.interact_size.y = 24.0;
        style.visuals.override_text_color = None;
    });
    ctx.style_mut_of(egui::Theme::Light, |style| {
        style.visuals.override_text_color = Some(egui::Color32::from_gray(10));
        // Boxes and buttons need visible edges on a screen in the sun.
        let edge = egui::Stroke::new(1.0, egui::Color32::from_gray(110));
        style.visuals.widgets.inactive.bg_stroke = edge;
        style.visuals.widgets.noninteractive.bg_stroke = egui::Stroke::new(1.0, egui::Color32::from_gray(170));
        style.visuals.selection.stroke = egui::Stroke::new(2.0, egui::Color32::from_rgb(20, 70, 150));
    });
}

/// The colour of an error message.
pub const ERROR: egui::Color32 = egui::Color32::from_rgb(170, 20, 20);
/// The colour of a success message.
pub const OK: egui::Color32 = egui::Color32::from_rgb(20, 110, 40);
/// The colour of a hint.
pub const HINT: egui::Color32 = egui::Color32::from_gray(70);

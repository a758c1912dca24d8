//! Tallies for supervisors: how many records by status, form, monitor and day, with bars.

use super::{errors, style};
use crate::i18n::Tr;
use crate::store::{RecordFilter, Store, TallyBy};

/// The tallies, read when the screen opens.
pub struct Tallies {
    groups: Vec<(TallyBy, Vec<(String, i64)>)>,
    error: Option<String>,
}

impl Tallies {
    /// Reads every tally.
    pub fn new(store: &Store, tr: &Tr) -> Tallies {
        let all = RecordFilter::default();
        let mut groups = Vec::new();
        let mut error = None;
        for by in [TallyBy::Status, TallyBy::Form, TallyBy::Monitor, TallyBy::Day] {
            match store.tally(&all, by) {
                Ok(rows) => groups.push((by, rows)),
                Err(e) => error = Some(e),
            }
        }
        Tallies { groups, error: error.map(|e| errors::message(tr, &e)) }
    }

    /// Draws the screen.
    pub fn ui(&mut self, ui: &mut egui::Ui, _store: &mut Store, tr: &Tr) -> Option<super::workspace::Go> {
        ui.heading(tr.t("tallies-title"));
        if let Some(e) = &self.error {
            ui.colored_label(style::ERROR, e);
        }
        super::controls::page(ui, |ui| {
            for (by, rows) in &self.groups {
                let key = match by {
                    TallyBy::Status => "tallies-by-status",
                    TallyBy::Form => "tallies-by-form",
                    TallyBy::Monitor => "tallies-by-monitor",
                    TallyBy::Day => "tallies-by-day",
                };
                ui.add_space(6.0);
                ui.label(egui::RichText::new(tr.t(key)).strong());
                if rows.is_empty() {
                    ui.colored_label(style::HINT, tr.t("home-no-records"));
                }
                let max = rows.iter().map(|(_, n)| *n).max().unwrap_or(1).max(1);
                // The last 31 days of the day tally; everything else in full.
                let shown = if *by == TallyBy::Day { &rows[rows.len().saturating_sub(31)..] } else { &rows[..] };
                egui::Grid::new(key).num_columns(3).show(ui, |ui| {
                    for (name, n) in shown {
                        let label = if *by == TallyBy::Status { tr.t(&format!("status-{name}")) } else { name.clone() };
                        ui.label(label);
                        bar(ui, *n as f32 / max as f32);
                        ui.label(n.to_string());
                        ui.end_row();
                    }
                });
            }
        });
        None
    }
}

/// A horizontal bar filling `frac` of 300 points.
fn bar(ui: &mut egui::Ui, frac: f32) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(300.0, 16.0), egui::Sense::hover());
    let filled = egui::Rect::from_min_size(rect.min, egui::vec2(300.0 * frac.clamp(0.0, 1.0), 16.0));
    ui.painter().rect_filled(rect, 2.0, egui::Color32::from_gray(225));
    ui.painter().rect_filled(filled, 2.0, egui::Color32::from_rgb(40, 90, 160));
}

//! Tables (supervisors and coordinators): the same tables as `fourmi tables`, on this laptop's
//! finished records: a select question, optionally broken down by another and filtered with an
//! expression, with `57% (799/1394)` cells and a bar chart of the shares.

use std::sync::mpsc::{Receiver, TryRecvError, channel};

use super::catalog::Catalog;
use super::controls::filter_combo;
use super::{errors, style};
use crate::i18n::Tr;
use crate::store::{RecordFilter, Status, Store, TallyBy};
use crate::tables::output::{Share, grid, shares};
use crate::tables::{Dataset, Request, Table, Unit};

/// The tables screen.
pub struct TablesPage {
    forms: Vec<String>,
    form: Option<String>,
    loading: Option<Receiver<crate::store::Result<Dataset>>>,
    data: Option<(String, Dataset)>,
    question: Option<String>,
    by: Option<String>,
    /// What is typed to find the question and the breakdown.
    find: [String; 2],
    filter: String,
    table: Option<Table>,
    error: Option<String>,
    /// Headquarters' database, when the tables are over all the data there.
    hq: Option<crate::store::hq::Database>,
}

impl TablesPage {
    /// The forms with finished records.
    pub fn new(store: &Store) -> TablesPage {
        let finished = RecordFilter {
            status: vec![Status::Completed, Status::Approved, Status::Exported],
            ..RecordFilter::default()
        };
        let forms: Vec<String> =
            store.tally(&finished, TallyBy::Form).map(|v| v.into_iter().map(|(f, _)| f).collect()).unwrap_or_default();
        TablesPage::of(forms, None)
    }

    /// The tables over headquarters' data, of `forms`.
    pub fn for_hq(place: crate::store::hq::Database, forms: Vec<String>) -> TablesPage {
        TablesPage::of(forms, Some(place))
    }

    fn of(forms: Vec<String>, hq: Option<crate::store::hq::Database>) -> TablesPage {
        TablesPage {
            form: forms.first().cloned(),
            forms,
            loading: None,
            data: None,
            question: None,
            by: None,
            find: [String::new(), String::new()],
            filter: String::new(),
            table: None,
            error: None,
            hq,
        }
    }

    /// Reads the chosen form's records at headquarters on another thread when it changed.
    fn load_hq(&mut self) {
        let (Some(form), Some(place)) = (self.form.clone(), self.hq.clone()) else { return };
        if self.loading.is_some() || self.data.as_ref().is_some_and(|(f, _)| *f == form) {
            return;
        }
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let _ = tx.send(crate::store::hq::Hq::open_at(&place).and_then(|mut hq| Dataset::from_hq(&mut hq, &form)));
        });
        self.loading = Some(rx);
    }

    /// Draws the tables over headquarters' data.
    pub fn ui_hq(&mut self, ui: &mut egui::Ui, tr: &Tr) {
        self.load_hq();
        self.body(ui, &|f: &str| f.to_string(), tr, "tables-intro-hq");
    }

    /// Reads the chosen form's records on another thread when it changed.
    fn load(&mut self, store: &Store, tr: &Tr) {
        let Some(form) = self.form.clone() else { return };
        if self.loading.is_some() || self.data.as_ref().is_some_and(|(f, _)| *f == form) {
            return;
        }
        match store.reader() {
            Ok(reader) => {
                let (tx, rx) = channel();
                std::thread::spawn(move || {
                    let _ = tx.send(Dataset::from_reader(&reader, &form));
                });
                self.loading = Some(rx);
            }
            Err(e) => self.error = Some(errors::message(tr, &e)),
        }
    }

    fn poll(&mut self, tr: &Tr) {
        let Some(rx) = &self.loading else { return };
        match rx.try_recv() {
            Ok(Ok(d)) => {
                self.data = Some((d.form.form.id.clone(), d));
                self.loading = None;
                self.question = None;
                self.by = None;
                self.table = None;
            }
            Ok(Err(e)) => {
                self.error = Some(errors::message(tr, &e));
                self.loading = None;
            }
            Err(TryRecvError::Empty) => {}
            Err(TryRecvError::Disconnected) => self.loading = None,
        }
    }

    /// Draws the screen.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        store: &mut Store,
        catalog: &Catalog,
        tr: &Tr,
    ) -> Option<super::workspace::Go> {
        self.load(store, tr);
        self.body(ui, &|f: &str| catalog.title(f, tr.lang().code()), tr, "tables-intro");
        None
    }

    fn body(&mut self, ui: &mut egui::Ui, title: &dyn Fn(&str) -> String, tr: &Tr, intro: &str) {
        self.poll(tr);
        ui.heading(tr.t("tables-title"));
        ui.label(tr.t(intro));
        let none = tr.t("tables-none");
        ui.horizontal_wrapped(|ui| {
            let forms: Vec<(String, String)> = self.forms.iter().map(|f| (f.clone(), title(f))).collect();
            let before = self.form.clone();
            filter_combo(ui, "x-tables-form", &tr.t("records-form"), &none, &mut self.form, &forms);
            if before != self.form {
                self.data = None;
                self.table = None;
            }
        });
        if self.loading.is_some() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(tr.t("records-reading"));
            });
            ui.ctx().request_repaint_after(std::time::Duration::from_millis(50));
        }
        if let Some(e) = &self.error {
            ui.colored_label(style::ERROR, e);
        }
        let Some((_, data)) = &self.data else {
            if self.forms.is_empty() {
                ui.colored_label(style::HINT, tr.t("tables-no-records"));
            }
            return;
        };
        let lang = data
            .form
            .form
            .languages
            .iter()
            .find(|l| l.contains(&format!("({})", tr.lang().code())))
            .cloned()
            .unwrap_or_default();
        let selects: Vec<(String, String)> = data
            .form
            .items
            .iter()
            .filter(|n| n.item.kind.is_select())
            .map(|n| {
                let label = crate::form::text_in(&n.item.label, &lang, &data.form.form.default_language).unwrap_or("");
                (n.item.name.clone(), format!("{} - {}", n.item.name, label.chars().take(60).collect::<String>()))
            })
            .collect();
        ui.columns(2, |cols| {
            picker(&mut cols[0], &tr.t("tables-question"), &mut self.find[0], &mut self.question, &selects, tr);
            picker(&mut cols[1], &tr.t("tables-by"), &mut self.find[1], &mut self.by, &selects, tr);
        });
        ui.horizontal(|ui| {
            let l = ui.label(tr.t("tables-where"));
            ui.add(egui::TextEdit::singleline(&mut self.filter).hint_text("${city} = 'bamako'").desired_width(320.0))
                .labelled_by(l.id);
        });
        if ui.add_enabled(self.question.is_some(), egui::Button::new(tr.t("tables-show"))).clicked()
            && let Some(q) = &self.question
        {
            let req = Request {
                question: q.clone(),
                by: self.by.clone(),
                filter: (!self.filter.trim().is_empty()).then(|| self.filter.trim().to_string()),
                exclude: Vec::new(),
                language: lang.clone(),
            };
            match data.tabulate(&req) {
                Ok(t) => {
                    self.table = Some(t);
                    self.error = None;
                }
                Err(e) => self.error = Some(tr.said(&e.said())),
            }
        }
        if let Some(t) = &self.table {
            show(ui, t, tr);
        }
    }
}

/// A question picker: a box to type part of a name or label, the matching questions below.
fn picker(
    ui: &mut egui::Ui,
    label: &str,
    find: &mut String,
    chosen: &mut Option<String>,
    options: &[(String, String)],
    tr: &Tr,
) {
    let l = ui.label(label);
    ui.add(egui::TextEdit::singleline(find).hint_text(tr.t("tables-find")).desired_width(260.0)).labelled_by(l.id);
    let needle = find.trim().to_lowercase();
    let shown: Vec<&(String, String)> =
        options.iter().filter(|(_, text)| needle.is_empty() || text.to_lowercase().contains(&needle)).take(8).collect();
    for (name, text) in shown {
        if ui.selectable_label(chosen.as_deref() == Some(name.as_str()), text).clicked() {
            *chosen = if chosen.as_deref() == Some(name.as_str()) { None } else { Some(name.clone()) };
        }
    }
}

fn show(ui: &mut egui::Ui, t: &Table, tr: &Tr) {
    ui.label(egui::RichText::new(format!("{}: {}", t.question, t.label)).strong());
    for share in shares(t) {
        let mut g = grid(t, share, None);
        // The words of the grid in the interface language: "All", the base, the caption.
        g[0][1] = tr.t("tables-all");
        if let Some(last) = g.last_mut() {
            last[0] = tr.t(if share == Share::Mentions { "tables-base-mentions" } else { "tables-base" });
        }
        let units = match &t.unit {
            Unit::Respondents => tr.t("tables-respondents"),
            Unit::Instances(r) => tr.ta("tables-instances", &[("repeat", r.clone().into())]),
        };
        let key = match (t.multi, share) {
            (false, _) => "tables-caption-single",
            (true, Share::Units) => "tables-caption-units",
            (true, Share::Mentions) => "tables-caption-mentions",
        };
        ui.label(tr.ta(key, &[("units", units.into())]));
        // A table wider than the screen scrolls sideways instead of being cut.
        egui::ScrollArea::horizontal().id_salt(("x-tables-scroll", share == Share::Mentions)).show(ui, |ui| {
            egui::Grid::new(("x-tables-grid", share == Share::Mentions)).striped(true).show(ui, |ui| {
                for (i, row) in g.iter().enumerate() {
                    for (j, c) in row.iter().enumerate() {
                        // The first header cell repeats the caption above.
                        let text = if i == 0 && j == 0 { String::new() } else { c.clone() };
                        if i == 0 || i + 1 == g.len() {
                            ui.label(egui::RichText::new(text).strong());
                        } else {
                            ui.label(text);
                        }
                    }
                    ui.end_row();
                }
            });
        });
        ui.add_space(6.0);
    }
    // The shares of everyone ("All"), as bars, each with its category and its percent.
    let base = t.base[0].max(1) as f64;
    ui.label(egui::RichText::new(tr.t("tables-chart")).strong());
    egui::Grid::new("x-tables-bars").num_columns(2).show(ui, |ui| {
        for r in &t.rows {
            let share = r.counts[0] as f64 / base;
            ui.label(&r.label);
            ui.add(
                egui::ProgressBar::new(share as f32)
                    .desired_width(260.0)
                    .fill(egui::Color32::from_rgb(40, 90, 160))
                    .text(format!("{:.0}%", 100.0 * share)),
            );
            ui.end_row();
        }
    });
}

//! Export (coordinators): choosing what goes into the next batch: approved records whose
//! interview consent is recorded, by form and date. Writing the encrypted, signed batch is the
//! batch feature's; until it lands this screen shows what would be carried and says so.

use super::catalog::Catalog;
use super::controls::filter_combo;
use super::workspace::Go;
use super::{errors, style};
use crate::i18n::Tr;
use crate::store::{RecordFilter, Status, Store, TallyBy};

/// The export screen.
pub struct ExportPage {
    form: Option<String>,
    since: String,
    until: String,
    forms: Vec<String>,
    count: Option<i64>,
    error: Option<String>,
}

impl ExportPage {
    /// Nothing chosen: every approved record.
    pub fn new(store: &Store) -> ExportPage {
        let forms = store
            .tally(&RecordFilter { status: vec![Status::Approved], ..RecordFilter::default() }, TallyBy::Form)
            .map(|v| v.into_iter().map(|(f, _)| f).collect())
            .unwrap_or_default();
        ExportPage { form: None, since: String::new(), until: String::new(), forms, count: None, error: None }
    }

    fn filter(&self) -> RecordFilter {
        let opt = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
        RecordFilter {
            status: vec![Status::Approved],
            form_id: self.form.clone(),
            since: opt(&self.since),
            until: opt(&self.until),
            ..RecordFilter::default()
        }
    }

    /// Draws the screen.
    pub fn ui(&mut self, ui: &mut egui::Ui, store: &mut Store, catalog: &mut Catalog, tr: &Tr) -> Option<Go> {
        ui.heading(tr.t("export-title"));
        ui.label(tr.t("export-intro"));
        let before = (self.form.clone(), self.since.clone(), self.until.clone());
        let all = tr.t("records-all");
        ui.horizontal_wrapped(|ui| {
            let forms: Vec<(String, String)> =
                self.forms.iter().map(|f| (f.clone(), catalog.title(f, tr.lang().code()))).collect();
            filter_combo(ui, "x-form", &tr.t("records-form"), &all, &mut self.form, &forms);
            for (key, value) in [("records-since", &mut self.since), ("records-until", &mut self.until)] {
                let l = ui.label(tr.t(key));
                ui.add(egui::TextEdit::singleline(value).hint_text("YYYY-MM-DD").desired_width(110.0))
                    .labelled_by(l.id);
            }
        });
        if self.count.is_none() || before != (self.form.clone(), self.since.clone(), self.until.clone()) {
            match store.count_records(&self.filter()) {
                Ok(n) => {
                    self.count = Some(n);
                    self.error = None;
                }
                Err(e) => self.error = Some(errors::message(tr, &e)),
            }
        }
        if let Some(e) = &self.error {
            ui.colored_label(style::ERROR, e);
        }
        ui.add_space(6.0);
        ui.label(egui::RichText::new(tr.ta("export-count", &[("n", self.count.unwrap_or(0).into())])).strong());
        match store.recipients() {
            Ok(r) if r.is_empty() => {
                ui.colored_label(style::ERROR, tr.t("export-no-recipients"));
            }
            Ok(r) => {
                ui.label(tr.ta("export-recipients", &[("n", (r.len() as i64).into())]));
            }
            Err(e) => {
                ui.colored_label(style::ERROR, errors::message(tr, &e));
            }
        }
        ui.colored_label(style::HINT, tr.t("export-not-yet"));
        None
    }
}

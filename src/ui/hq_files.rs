//! Headquarters' flat files: one form's records anonymised over all of them (the timestamps,
//! k and l chosen here), the report of what that did, then CSV, Excel or Parquet files with a
//! codebook written into a chosen folder, as `fourmi hq export` writes them. Reading,
//! anonymising and writing run on another thread with its own connection; this only draws.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use super::folder::FolderField;
use super::{errors, export, style};
use crate::batch::anonymise::{Coarsen, Options};
use crate::flat::release::{Format, Layout, Release, Written, version_warnings};
use crate::flat::write::CsvStyle;
use crate::i18n::Tr;
use crate::store::hq::{Database, Hq};

/// What the thread says.
enum Msg {
    /// The form's records, anonymised, with the warnings about its versions.
    Prepared(Box<Release>, Vec<String>),
    /// The files were written (or not).
    Written(Result<Written, String>),
    /// Reading or anonymising failed.
    Failed(String),
}

/// The flat files tab.
pub struct FilesTab {
    place: Database,
    form: Option<String>,
    coarsen: Coarsen,
    k: usize,
    l: usize,
    format: Format,
    /// Choice labels in this language, else choice names.
    labels: Option<String>,
    excel_fr: bool,
    folder: FolderField,
    job: Option<Receiver<Msg>>,
    /// The release prepared (shown while it is written, and kept to write again elsewhere).
    release: Option<(Arc<Release>, Vec<String>)>,
    written: Option<Result<Written, String>>,
    error: Option<String>,
    /// The writer says the form's last flat files, made otherwise, were never given out.
    new_release: bool,
}

impl FilesTab {
    /// The tab on headquarters' database `place`.
    pub fn new(place: Database) -> FilesTab {
        FilesTab {
            place,
            form: None,
            coarsen: Coarsen::Day,
            k: 5,
            l: 1,
            format: Format::Csv,
            labels: None,
            excel_fr: false,
            folder: FolderField::default(),
            job: None,
            release: None,
            written: None,
            error: None,
            new_release: false,
        }
    }

    /// Whether the thread is busy.
    pub fn is_busy(&self) -> bool {
        self.job.is_some()
    }

    fn prepare(&mut self, form_id: String, tr: &Tr) {
        let (tx, rx) = channel();
        let place = self.place.clone();
        let options = Options { coarsen: self.coarsen, k: self.k.max(1), l: self.l.max(1) };
        let lang = tr.lang();
        std::thread::spawn(move || {
            let tr = Tr::new(lang);
            let msg = match Hq::open_at(&place) {
                Err(e) => Msg::Failed(errors::message(&tr, &e)),
                Ok(mut hq) => {
                    let warnings = version_warnings(&mut hq, &form_id, &tr);
                    match Release::at_headquarters(&mut hq, &form_id, &options) {
                        Ok(r) => Msg::Prepared(Box::new(r), warnings),
                        Err(e) => Msg::Failed(errors::batch_message(&tr, &e)),
                    }
                }
            };
            let _ = tx.send(msg);
        });
        self.release = None;
        self.written = None;
        self.error = None;
        self.new_release = false;
        self.job = Some(rx);
    }

    fn write(&mut self, tr: &Tr) {
        let Some((release, _)) = &self.release else { return };
        let release = Arc::clone(release);
        let to = PathBuf::from(self.folder.text.trim());
        let csv = if self.excel_fr { CsvStyle { bom: true, separator: b';' } } else { CsvStyle::default() };
        let layout = Layout { format: self.format, labels: self.labels.clone(), csv };
        let (tx, rx) = channel();
        let lang = tr.lang();
        let place = self.place.clone();
        let new_release = self.new_release;
        std::thread::spawn(move || {
            let tr = Tr::new(lang);
            // The release is registered in headquarters' database as it is written.
            let written = match Hq::open_at(&place) {
                Err(e) => Err(errors::message(&tr, &e)),
                Ok(mut hq) => {
                    release.write(&to, &layout, &mut hq, new_release).map_err(|e| errors::batch_message(&tr, &e))
                }
            };
            let _ = tx.send(Msg::Written(written));
        });
        self.error = None;
        self.written = None;
        self.job = Some(rx);
    }

    fn poll(&mut self) {
        self.folder.poll();
        let Some(rx) = &self.job else { return };
        match rx.try_recv() {
            Ok(Msg::Prepared(r, w)) => {
                self.release = Some((Arc::from(r), w));
                self.job = None;
            }
            Ok(Msg::Written(w)) => {
                self.written = Some(w);
                self.job = None;
            }
            Ok(Msg::Failed(e)) => {
                self.error = Some(e);
                self.job = None;
            }
            Err(TryRecvError::Empty) => {}
            Err(TryRecvError::Disconnected) => self.job = None,
        }
    }

    /// Draws the tab; `forms` are the form ids at headquarters.
    pub fn ui(&mut self, ui: &mut egui::Ui, forms: &[String], tr: &Tr) {
        self.poll();
        if self.job.is_some() || self.folder.is_picking() {
            ui.ctx().request_repaint_after(std::time::Duration::from_millis(50));
        }
        ui.label(tr.t("hq-files-intro"));
        ui.add_space(4.0);
        if forms.is_empty() {
            ui.colored_label(style::HINT, tr.t("hq-files-no-forms"));
            return;
        }
        if self.form.as_ref().is_none_or(|f| !forms.contains(f)) {
            self.form = forms.first().cloned();
        }
        let before = (self.form.clone(), self.coarsen, self.k, self.l);
        ui.horizontal(|ui| {
            let l = ui.label(tr.t("hq-files-form"));
            egui::ComboBox::from_id_salt("hq-files-form")
                .selected_text(self.form.clone().unwrap_or_default())
                .show_ui(ui, |ui| {
                    for f in forms {
                        ui.selectable_value(&mut self.form, Some(f.clone()), f);
                    }
                })
                .response
                .labelled_by(l.id);
        });
        export::anonymise_options(ui, tr, &mut self.coarsen, &mut self.k, &mut self.l);
        if before != (self.form.clone(), self.coarsen, self.k, self.l) {
            self.release = None;
            self.written = None;
        }
        ui.add_space(6.0);
        let busy = self.job.is_some();
        if busy {
            // A job with a release prepared is its writing.
            let doing = if self.release.is_some() { "hq-files-writing" } else { "export-checking" };
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(tr.t(doing));
            });
        } else if self.release.is_none()
            && ui.button(tr.t("hq-files-check")).clicked()
            && let Some(f) = self.form.clone()
        {
            self.prepare(f, tr);
        }
        if let Some(e) = &self.error {
            ui.colored_label(style::ERROR, tr.ta("hq-files-failed", &[("detail", e.clone().into())]));
        }
        let mut write_now = false;
        let mut earlier_settings = None;
        if let Some((release, warnings)) = &self.release {
            let release = Arc::clone(release);
            for w in warnings {
                ui.colored_label(style::ERROR, w);
            }
            let lang = self.labels.clone();
            let labels = lang.as_deref().map(|lang| crate::batch::report::Labels { form: &release.form, lang });
            export::report_ui(ui, &release.prepared, "hq-files-report", tr, labels);
            ui.add_space(6.0);
            earlier_settings = self.earlier_ui(ui, &release, tr);
            let languages = release.form.form.languages.clone();
            self.layout_ui(ui, &languages, tr);
            self.folder.ui(ui, tr);
            let allowed = release.differs().is_none() || self.new_release;
            let ready = !self.folder.text.trim().is_empty() && !busy && allowed;
            if ui.add_enabled(ready, egui::Button::new(tr.t("hq-files-write"))).clicked() {
                write_now = true;
            }
        }
        if let (Some(o), Some(f)) = (earlier_settings, self.form.clone()) {
            (self.coarsen, self.k, self.l) = (o.coarsen, o.k, o.l);
            self.prepare(f, tr);
        }
        match &self.written {
            Some(Ok(w)) => {
                ui.colored_label(style::OK, tr.ta("hq-files-written", &[("n", (w.records as i64).into())]));
                if w.unplaced > 0 {
                    ui.colored_label(style::HINT, tr.ta("hq-files-unplaced", &[("n", (w.unplaced as i64).into())]));
                }
                for f in &w.files {
                    ui.label(egui::RichText::new(f.display().to_string()).monospace());
                }
            }
            Some(Err(e)) => {
                ui.colored_label(style::ERROR, tr.ta("hq-files-failed", &[("detail", e.clone().into())]));
            }
            None => {}
        }
        if write_now {
            self.write(tr);
        }
    }

    /// The form's last flat files; when they were made otherwise, why these cannot simply be
    /// written, a button that takes the last files' settings (returned when pressed), and the box
    /// that says those files were never given out.
    fn earlier_ui(&mut self, ui: &mut egui::Ui, release: &Release, tr: &Tr) -> Option<Options> {
        let line = release.earlier_line(tr)?;
        ui.label(line);
        ui.colored_label(style::ERROR, tr.said(&release.refusal()?));
        let mut taken = None;
        if let Some(Some(o)) = release.earlier_options()
            && ui.button(tr.t("hq-files-use-earlier")).clicked()
        {
            taken = Some(o);
        }
        ui.checkbox(&mut self.new_release, tr.t("hq-files-new-release"));
        ui.add_space(6.0);
        taken
    }

    fn layout_ui(&mut self, ui: &mut egui::Ui, languages: &[String], tr: &Tr) {
        ui.horizontal(|ui| {
            let l = ui.label(tr.t("hq-files-format"));
            egui::ComboBox::from_id_salt("hq-files-format")
                .selected_text(tr.t(format_id(self.format)))
                .show_ui(ui, |ui| {
                    for f in [Format::Csv, Format::Xlsx, Format::Parquet] {
                        ui.selectable_value(&mut self.format, f, tr.t(format_id(f)));
                    }
                })
                .response
                .labelled_by(l.id);
        });
        ui.horizontal(|ui| {
            let l = ui.label(tr.t("hq-files-values"));
            let shown = self.labels.clone().map_or_else(
                || tr.t("hq-files-values-names"),
                |lang| tr.ta("hq-files-values-labels", &[("lang", lang.into())]),
            );
            egui::ComboBox::from_id_salt("hq-files-values")
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.labels, None, tr.t("hq-files-values-names"));
                    for lang in languages {
                        let text = tr.ta("hq-files-values-labels", &[("lang", lang.clone().into())]);
                        ui.selectable_value(&mut self.labels, Some(lang.clone()), text);
                    }
                })
                .response
                .labelled_by(l.id);
        });
        if self.format != Format::Xlsx {
            ui.checkbox(&mut self.excel_fr, tr.t("hq-files-excel-fr"));
        }
    }
}

fn format_id(f: Format) -> &'static str {
    match f {
        Format::Csv => "hq-files-format-csv",
        Format::Xlsx => "hq-files-format-xlsx",
        Format::Parquet => "hq-files-format-parquet",
    }
}

//! Export (coordinators): choose the records (approved, with interview consent; by form and
//! dates), check what anonymisation does (the report comes first), then write the encrypted,
//! signed batch into a folder with progress, off the UI thread. The ledger lists past batches,
//! each of which can be written again.

use super::folder::FolderField;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use super::catalog::Catalog;
use super::controls::filter_combo;
use super::workspace::Go;
use super::{errors, style};
use crate::batch::BatchError;
use crate::batch::anonymise::{Coarsen, Options};
use crate::batch::export::{Prepared, Written, check_folder, prepare, signer, write};
use crate::i18n::Tr;
use crate::store::{BatchRow, RecordFilter, Selection, Status, Store, TallyBy};

/// Where the export is.
enum Step {
    /// Choosing.
    Choose,
    /// Reading and anonymising on another thread.
    Checking(Receiver<Result<Prepared, BatchError>>),
    /// The report is shown; the batch can be written.
    Checked(Box<Prepared>),
    /// Writing on another thread.
    Writing { seq: i64, total: usize, done: Arc<AtomicUsize>, result: Receiver<Result<Written, BatchError>> },
    /// Written.
    Done { seq: i64, written: Written },
}

/// The export screen.
pub struct ExportPage {
    form: Option<String>,
    since: String,
    until: String,
    forms: Vec<String>,
    count: Option<i64>,
    coarsen: Coarsen,
    k: usize,
    l: usize,
    folder: FolderField,
    again: Option<i64>,
    step: Step,
    ledger: Vec<BatchRow>,
    error: Option<String>,
    /// How many headquarters keys batches are encrypted to (read when the screen opens).
    recipients: crate::store::Result<usize>,
}

impl ExportPage {
    /// Nothing chosen: every approved record.
    pub fn new(store: &Store) -> ExportPage {
        let forms = store
            .tally(&RecordFilter { status: vec![Status::Approved], ..RecordFilter::default() }, TallyBy::Form)
            .map(|v| v.into_iter().map(|(f, _)| f).collect())
            .unwrap_or_default();
        ExportPage {
            form: None,
            since: String::new(),
            until: String::new(),
            forms,
            count: None,
            coarsen: Coarsen::None,
            k: store.disclosure_k().unwrap_or(5),
            l: 1,
            folder: FolderField::default(),
            again: None,
            step: Step::Choose,
            ledger: store.batches().unwrap_or_default(),
            error: None,
            recipients: store.recipients().map(|r| r.len()),
        }
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

    fn selection(&self) -> Selection {
        match self.again {
            Some(seq) => Selection::Again(seq),
            None => Selection::Next(self.filter()),
        }
    }

    /// Reads and anonymises on another thread.
    fn check(&mut self, store: &Store, tr: &Tr) {
        let opts = Options { coarsen: self.coarsen, k: self.k.max(1), l: self.l.max(1) };
        let selection = self.selection();
        match store.reader() {
            Ok(reader) => {
                let (tx, rx) = channel();
                std::thread::spawn(move || {
                    let _ = tx
                        .send(reader.export_set(&selection).map_err(BatchError::from).and_then(|s| prepare(s, &opts)));
                });
                self.step = Step::Checking(rx);
                self.error = None;
            }
            Err(e) => self.error = Some(errors::message(tr, &e)),
        }
    }

    /// Takes the next batch number here, then writes on another thread.
    fn write(&mut self, store: &mut Store, prepared: Box<Prepared>, tr: &Tr) {
        let dir = PathBuf::from(self.folder.text.trim());
        if let Err(e) = crate::batch::export::check_reached(&prepared).and_then(|()| check_folder(&dir)) {
            self.error = Some(errors::batch_message(tr, &e));
            self.step = Step::Checked(prepared);
            return;
        }
        let opts = Options { coarsen: self.coarsen, k: self.k.max(1), l: self.l.max(1) };
        let signer = match signer(store, self.again, &opts, &dir) {
            Ok(s) => s,
            Err(e) => {
                self.error = Some(errors::batch_message(tr, &e));
                self.step = Step::Checked(prepared);
                return;
            }
        };
        let seq = signer.seq;
        let done = Arc::new(AtomicUsize::new(0));
        let total = prepared.records.len();
        let (tx, rx) = channel();
        let progress = done.clone();
        std::thread::spawn(move || {
            let _ = tx.send(write(&prepared, &signer, &dir, &progress));
        });
        self.step = Step::Writing { seq, total, done, result: rx };
    }

    /// Takes what the threads finished.
    fn poll(&mut self, store: &mut Store, tr: &Tr) {
        let step = std::mem::replace(&mut self.step, Step::Choose);
        self.step = match step {
            Step::Checking(rx) => match rx.try_recv() {
                Ok(Ok(p)) => Step::Checked(Box::new(p)),
                Ok(Err(e)) => {
                    self.error = Some(errors::batch_message(tr, &e));
                    Step::Choose
                }
                Err(TryRecvError::Empty) => Step::Checking(rx),
                Err(TryRecvError::Disconnected) => Step::Choose,
            },
            Step::Writing { seq, total, done, result } => match result.try_recv() {
                Ok(Ok(written)) => {
                    let file = written.path.display().to_string();
                    match store.finish_batch(seq, &file, &written.digest, &written.records, &written.tombstones) {
                        Ok(()) => {
                            // An error of an earlier try is not left beside the success.
                            self.error = None;
                            self.ledger = store.batches().unwrap_or_default();
                            self.count = None;
                            self.again = None;
                            Step::Done { seq, written }
                        }
                        Err(e) => {
                            self.error = Some(errors::message(tr, &e));
                            Step::Choose
                        }
                    }
                }
                Ok(Err(e)) => {
                    let _ = store.fail_batch(seq, &e.to_string());
                    self.ledger = store.batches().unwrap_or_default();
                    self.error = Some(errors::batch_message(tr, &e));
                    Step::Choose
                }
                Err(TryRecvError::Empty) => Step::Writing { seq, total, done, result },
                Err(TryRecvError::Disconnected) => Step::Choose,
            },
            other => other,
        };
    }

    /// Draws the screen.
    pub fn ui(&mut self, ui: &mut egui::Ui, store: &mut Store, catalog: &mut Catalog, tr: &Tr) -> Option<Go> {
        self.poll(store, tr);
        self.count(store, tr);
        self.folder.poll();
        if self.folder.is_picking() {
            ui.ctx().request_repaint_after(std::time::Duration::from_millis(100));
        }
        ui.heading(tr.t("export-title"));
        ui.label(tr.t("export-intro"));
        super::controls::page(ui, |ui| {
            match self.again {
                Some(seq) => {
                    ui.horizontal(|ui| {
                        ui.label(egui::RichText::new(tr.ta("export-again-of", &[("seq", seq.into())])).strong());
                        if ui.button(tr.t("export-next-instead")).clicked() {
                            self.again = None;
                            self.step = Step::Choose;
                        }
                    });
                }
                None => self.choose(ui, catalog, tr),
            }
            self.options(ui, tr);
            self.step_ui(ui, store, tr);
            // Under the buttons, where the eye is after a click (the report above can be long).
            if let Some(e) = &self.error {
                ui.colored_label(style::ERROR, e);
            }
            ui.add_space(12.0);
            self.ledger_ui(ui, tr);
        });
        None
    }

    /// Counts the records chosen, when the choice changed (a date that is not one is said).
    fn count(&mut self, store: &Store, tr: &Tr) {
        if self.count.is_some() || self.again.is_some() {
            return;
        }
        match store.count_records(&self.filter()) {
            Ok(n) => {
                self.count = Some(n);
                self.error = None;
            }
            Err(e) => {
                self.count = Some(0);
                self.error = Some(errors::message(tr, &e));
            }
        }
    }

    fn choose(&mut self, ui: &mut egui::Ui, catalog: &Catalog, tr: &Tr) {
        let before = (self.form.clone(), self.since.clone(), self.until.clone());
        let all = tr.t("records-all");
        ui.horizontal_wrapped(|ui| {
            let forms: Vec<(String, String)> =
                self.forms.iter().map(|f| (f.clone(), catalog.title(f, tr.lang().code()))).collect();
            filter_combo(ui, "x-form", &tr.t("records-form"), &all, &mut self.form, &forms);
            for (key, value) in [("records-since", &mut self.since), ("records-until", &mut self.until)] {
                let l = ui.label(tr.t(key));
                ui.add(egui::TextEdit::singleline(value).hint_text(tr.t("hint-iso-date")).desired_width(110.0))
                    .labelled_by(l.id);
            }
        });
        if before != (self.form.clone(), self.since.clone(), self.until.clone()) {
            // Counted again before the next frame, which is asked for now.
            self.count = None;
            ui.ctx().request_repaint();
            if matches!(self.step, Step::Checked(_)) {
                self.step = Step::Choose;
            }
        }
        ui.label(egui::RichText::new(tr.ta("export-count", &[("n", self.count.unwrap_or(0).into())])).strong());
        match &self.recipients {
            Ok(0) => {
                ui.colored_label(style::ERROR, tr.t("export-no-recipients"));
            }
            Ok(n) => {
                ui.label(tr.ta("export-recipients", &[("n", (*n as i64).into())]));
            }
            Err(e) => {
                ui.colored_label(style::ERROR, errors::message(tr, e));
            }
        }
    }

    fn options(&mut self, ui: &mut egui::Ui, tr: &Tr) {
        let before = (self.coarsen, self.k, self.l);
        anonymise_options(ui, tr, &mut self.coarsen, &mut self.k, &mut self.l);
        if before != (self.coarsen, self.k, self.l) && matches!(self.step, Step::Checked(_)) {
            self.step = Step::Choose;
        }
    }

    fn step_ui(&mut self, ui: &mut egui::Ui, store: &mut Store, tr: &Tr) {
        ui.add_space(6.0);
        // What the buttons ask for is done once the screen is drawn.
        let mut write_now = false;
        match &self.step {
            Step::Choose => {
                if ui.button(tr.t("export-check")).clicked() {
                    self.check(store, tr);
                }
            }
            Step::Checking(_) => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(tr.t("export-checking"));
                });
                ui.ctx().request_repaint_after(std::time::Duration::from_millis(50));
            }
            Step::Checked(prepared) => {
                report_ui(ui, prepared, "export-report", tr, None);
                ui.add_space(6.0);
                self.folder.ui(ui, tr);
                let empty = prepared.records.is_empty() && prepared.tombstones.is_empty();
                if empty {
                    ui.colored_label(style::HINT, tr.t("export-nothing"));
                } else if ui.button(tr.t("export-write")).clicked() {
                    write_now = true;
                }
            }
            Step::Writing { total, done, .. } => {
                let n = done.load(Ordering::Relaxed);
                let fraction = if *total == 0 { 1.0 } else { n as f32 / *total as f32 };
                ui.add(
                    egui::ProgressBar::new(fraction)
                        .text(tr.ta("export-writing", &[("n", (n as i64).into()), ("total", (*total as i64).into())])),
                );
                ui.ctx().request_repaint_after(std::time::Duration::from_millis(50));
            }
            Step::Done { seq, written } => {
                ui.colored_label(
                    style::OK,
                    tr.ta(
                        "export-done",
                        &[
                            ("seq", (*seq).into()),
                            ("n", (written.records.len() as i64).into()),
                            ("file", written.path.display().to_string().into()),
                        ],
                    ),
                );
                if ui.button(tr.t("export-another")).clicked() {
                    self.step = Step::Choose;
                }
            }
        }
        if write_now && let Step::Checked(p) = std::mem::replace(&mut self.step, Step::Choose) {
            self.write(store, p, tr);
        }
    }

    fn ledger_ui(&mut self, ui: &mut egui::Ui, tr: &Tr) {
        ui.label(egui::RichText::new(tr.t("export-ledger")).strong());
        if self.ledger.is_empty() {
            ui.colored_label(style::HINT, tr.t("export-ledger-empty"));
        }
        let busy = matches!(self.step, Step::Checking(_) | Step::Writing { .. });
        let mut again = None;
        for b in &self.ledger {
            ui.horizontal(|ui| {
                let when = tr.when(&b.created_at);
                let line = match b.state.as_str() {
                    "written" => tr.ta(
                        "export-ledger-written",
                        &[
                            ("seq", b.seq.into()),
                            ("when", when.into()),
                            ("who", b.created_by.clone().into()),
                            ("n", b.records.into()),
                            ("w", b.tombstones.into()),
                        ],
                    ),
                    _ => tr.ta("export-ledger-failed", &[("seq", b.seq.into()), ("when", when.into())]),
                };
                ui.label(line);
                if b.state == "written"
                    && ui
                        .add_enabled(!busy, egui::Button::new(tr.ta("export-again", &[("seq", b.seq.into())])))
                        .clicked()
                {
                    again = Some(b.seq);
                }
            });
        }
        if let Some(seq) = again {
            self.again = Some(seq);
            // Written again as it was first anonymised (the k, l and timestamps it had).
            let first = self.ledger.iter().find(|b| b.seq == seq).and_then(|b| b.options.as_deref());
            if let Some(o) = first.and_then(Options::from_ledger) {
                (self.coarsen, self.k, self.l) = (o.coarsen, o.k, o.l);
            }
            self.step = Step::Choose;
        }
    }
}

/// How records are anonymised: timestamps, k, l (the laptop's export, headquarters' files).
pub(super) fn anonymise_options(ui: &mut egui::Ui, tr: &Tr, coarsen: &mut Coarsen, k: &mut usize, l: &mut usize) {
    ui.horizontal(|ui| {
        let label = ui.label(tr.t("export-coarsen"));
        egui::ComboBox::from_id_salt("x-coarsen")
            .selected_text(tr.t(&format!("export-coarsen-{}", coarsen.as_str())))
            .show_ui(ui, |ui| {
                for c in [Coarsen::None, Coarsen::Day, Coarsen::Month] {
                    ui.selectable_value(coarsen, c, tr.t(&format!("export-coarsen-{}", c.as_str())));
                }
            })
            .response
            .labelled_by(label.id);
    });
    ui.horizontal(|ui| {
        let label = ui.label(tr.t("export-k"));
        ui.add(egui::DragValue::new(k).range(1..=crate::batch::anonymise::MAX_K)).labelled_by(label.id);
    });
    ui.horizontal(|ui| {
        let label = ui.label(tr.t("export-l"));
        ui.add(egui::DragValue::new(l).range(1..=crate::batch::anonymise::MAX_L)).labelled_by(label.id);
    });
}

/// The anonymisation report (the same lines as the command line's).
/// `heading` names what the lines are before (a batch leaving the laptop, flat files).
pub(super) fn report_ui(
    ui: &mut egui::Ui,
    p: &Prepared,
    heading: &str,
    tr: &Tr,
    labels: Option<crate::batch::report::Labels>,
) {
    use crate::batch::report::Tone;
    ui.label(egui::RichText::new(tr.t(heading)).strong());
    let lines = crate::batch::report::lines(p, tr, false, labels);
    let mut i = 0;
    while let Some((tone, text)) = lines.get(i).cloned() {
        i += 1;
        match tone {
            Tone::Heading => {
                ui.add_space(4.0);
                ui.label(egui::RichText::new(text).strong());
            }
            Tone::Plain => {
                ui.label(text);
            }
            Tone::Good => {
                ui.colored_label(style::OK, text);
            }
            Tone::Bad => {
                ui.colored_label(style::ERROR, text);
            }
            Tone::Data => {
                // The rows of a preview together, unwrapped, their columns lined up (scrolled
                // sideways when wider than the window).
                let mut rows = vec![text];
                while let Some((Tone::Data, more)) = lines.get(i) {
                    rows.push(more.clone());
                    i += 1;
                }
                egui::ScrollArea::horizontal().id_salt(("report-rows", i)).show(ui, |ui| {
                    for row in rows {
                        ui.add(egui::Label::new(egui::RichText::new(row).monospace()).extend());
                    }
                    // Room for the scroll bar, which is drawn over the bottom of the area.
                    ui.add_space(10.0);
                });
            }
        }
    }
}

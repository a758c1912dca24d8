//! Headquarters' screens, when the data folder is headquarters' (its `hq.db`, or `hq.toml` naming
//! a PostgreSQL database): import batch files (the system's file dialog, or dropped on the
//! window; a bar while they import, then each file's result), the registered laptops with their
//! batch numbers and the numbers missing (and a laptop registered from the line it shows), tables over all the data, and flat files
//! ([`super::hq_files`]). Every database step
//! runs on another thread with its own connection; the screens only draw.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use super::hq_files::FilesTab;
use super::tables::TablesPage;
use super::{errors, style};
use crate::batch::import::{Identity, Imported, import_files, refresh_views};
use crate::i18n::Tr;
use crate::store::hq::{Database, Device, Hq};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Import,
    Laptops,
    Tables,
    Files,
}

/// What the database thread says.
enum Msg {
    /// File `i` of `n` is being imported.
    Progress(usize, usize, PathBuf),
    /// The import waits for another one (or another change of the data) to finish.
    Waiting,
    /// Each file's result.
    Imported(Vec<(PathBuf, Result<Imported, String>)>),
    /// The laptops and forms, read again.
    State(Vec<Device>, Vec<String>),
    /// A laptop was registered: its id.
    Registered(String),
    /// Something failed.
    Failed(String),
}

/// Headquarters' screens.
pub struct HqScreen {
    place: Database,
    tab: Tab,
    laptops: Vec<Device>,
    forms: Vec<String>,
    job: Option<Receiver<Msg>>,
    progress: Option<(usize, usize, PathBuf)>,
    /// The import under way waits for another one to finish.
    waiting: bool,
    results: Vec<(PathBuf, Result<Imported, String>)>,
    picking: Option<Receiver<Option<Vec<PathBuf>>>>,
    error: Option<String>,
    tables: Option<TablesPage>,
    files: FilesTab,
    /// A batch file's path typed (where the system has no file dialog).
    typed: String,
    /// The laptop line typed to register it, and its name.
    new_laptop: (String, String),
    /// The laptop last registered here.
    registered: Option<String>,
}

/// Opens headquarters' database, with `tr`'s words for a failure.
fn open(place: &Database, tr: &Tr) -> Result<Hq, String> {
    Hq::open_at(place).map_err(|e| errors::message(tr, &e))
}

/// Reads the laptops and forms.
fn state(hq: &mut Hq, tr: &Tr) -> Msg {
    match hq.devices().and_then(|d| Ok((d, hq.form_ids()?))) {
        Ok((d, f)) => Msg::State(d, f),
        Err(e) => Msg::Failed(errors::message(tr, &e)),
    }
}

impl HqScreen {
    /// The screens on headquarters' database `place`; the laptops are read at once.
    pub fn new(place: Database, tr: &Tr) -> HqScreen {
        let mut s = HqScreen {
            place: place.clone(),
            tab: Tab::Import,
            laptops: Vec::new(),
            forms: Vec::new(),
            job: None,
            progress: None,
            waiting: false,
            results: Vec::new(),
            picking: None,
            error: None,
            tables: None,
            files: FilesTab::new(place.clone()),
            typed: String::new(),
            new_laptop: (String::new(), String::new()),
            registered: None,
        };
        s.run(tr, |_, _, _| Vec::new());
        s
    }

    /// Whether the database thread or the file dialog is busy.
    pub fn is_busy(&self) -> bool {
        self.job.is_some() || self.files.is_busy()
    }

    /// Runs `work` on another thread with its own connection, then reads the laptops again.
    fn run(
        &mut self,
        tr: &Tr,
        work: impl FnOnce(&mut Hq, &Tr, &std::sync::mpsc::Sender<Msg>) -> Vec<Msg> + Send + 'static,
    ) {
        let (tx, rx) = channel();
        let place = self.place.clone();
        let lang = tr.lang();
        std::thread::spawn(move || {
            let tr = Tr::new(lang);
            let mut hq = match open(&place, &tr) {
                Ok(h) => h,
                Err(e) => {
                    let _ = tx.send(Msg::Failed(e));
                    return;
                }
            };
            for m in work(&mut hq, &tr, &tx) {
                let _ = tx.send(m);
            }
            let _ = tx.send(state(&mut hq, &tr));
        });
        self.job = Some(rx);
    }

    /// Imports `files` on the database thread.
    fn import(&mut self, files: Vec<PathBuf>, tr: &Tr) {
        if files.is_empty() || self.job.is_some() {
            return;
        }
        self.results.clear();
        self.error = None;
        self.run(tr, move |hq, tr, tx| {
            let identity = match hq
                .identity_file()
                .map_err(|e| errors::message(tr, &e))
                .and_then(|p| Identity::read(&p).map_err(|e| errors::batch_message(tr, &e)))
            {
                Ok(i) => i,
                Err(e) => return vec![Msg::Failed(e)],
            };
            let waits = tx.clone();
            hq.when_waiting(move || {
                let _ = waits.send(Msg::Waiting);
            });
            let progress = |i, n, f: &std::path::Path| {
                let _ = tx.send(Msg::Progress(i, n, f.to_path_buf()));
            };
            let results = import_files(hq, &identity, &files, progress, |_, _| {});
            let mut out: Vec<Msg> = Vec::new();
            if results.iter().any(|(_, r)| r.is_ok())
                && let Err(e) = refresh_views(hq)
            {
                out.push(Msg::Failed(tr.ta("hq-views-failed", &[("detail", errors::views_failed(tr, &e).into())])));
            }
            let results = results.into_iter().map(|(f, r)| (f, r.map_err(|e| errors::batch_message(tr, &e)))).collect();
            out.insert(0, Msg::Imported(results));
            out
        });
    }

    fn poll(&mut self, tr: &Tr) {
        while let Some(rx) = &self.job {
            match rx.try_recv() {
                Ok(Msg::Progress(i, n, f)) => {
                    self.progress = Some((i, n, f));
                    self.waiting = false;
                }
                Ok(Msg::Waiting) => self.waiting = true,
                Ok(Msg::Imported(r)) => {
                    self.results = r;
                    self.progress = None;
                    self.waiting = false;
                }
                Ok(Msg::State(d, f)) => {
                    self.laptops = d;
                    if f != self.forms {
                        self.tables = None;
                    }
                    self.forms = f;
                    self.job = None;
                }
                Ok(Msg::Registered(id)) => {
                    self.registered = Some(id);
                    self.new_laptop = (String::new(), String::new());
                }
                Ok(Msg::Failed(e)) => {
                    self.error = Some(e);
                    self.progress = None;
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    self.job = None;
                    self.progress = None;
                }
            }
        }
        if let Some(rx) = &self.picking {
            match rx.try_recv() {
                Ok(files) => {
                    self.picking = None;
                    self.import(files.unwrap_or_default(), tr);
                }
                Err(TryRecvError::Disconnected) => self.picking = None,
                Err(TryRecvError::Empty) => {}
            }
        }
    }
}

impl HqScreen {
    /// Opens the system's file dialog on another thread (it waits for the user).
    fn pick_files(&mut self, tr: &Tr) {
        let (tx, rx) = channel();
        let title = tr.t("hq-pick-title");
        std::thread::spawn(move || {
            let _ = tx.send(rfd::FileDialog::new().set_title(title).add_filter("fourmi", &["batch"]).pick_files());
        });
        self.picking = Some(rx);
    }

    /// Draws the screens.
    pub fn ui(&mut self, ui: &mut egui::Ui, tr: &Tr) {
        self.poll(tr);
        let dropped: Vec<PathBuf> = ui.ctx().input(|i| {
            i.raw.dropped_files.iter().map(|f| f.path().to_path_buf()).filter(|p| !p.as_os_str().is_empty()).collect()
        });
        if !dropped.is_empty() {
            self.tab = Tab::Import;
            self.import(dropped, tr);
        }
        if self.job.is_some() || self.picking.is_some() {
            ui.ctx().request_repaint_after(std::time::Duration::from_millis(50));
        }
        ui.horizontal_wrapped(|ui| {
            ui.heading(tr.t("hq-title"));
            ui.label(egui::RichText::new(self.place.shown()).color(style::HINT));
        });
        ui.horizontal(|ui| {
            for (tab, id) in [
                (Tab::Import, "hq-tab-import"),
                (Tab::Laptops, "hq-tab-laptops"),
                (Tab::Tables, "hq-tab-tables"),
                (Tab::Files, "hq-tab-files"),
            ] {
                ui.selectable_value(&mut self.tab, tab, tr.t(id));
            }
        });
        ui.separator();
        if let Some(e) = &self.error {
            ui.colored_label(style::ERROR, e);
        }
        match self.tab {
            Tab::Import => super::controls::page(ui, |ui| self.import_tab(ui, tr)),
            Tab::Laptops => super::controls::page(ui, |ui| self.laptops_tab(ui, tr)),
            Tab::Tables => {
                if self.tables.is_none() {
                    self.tables = Some(TablesPage::for_hq(self.place.clone(), self.forms.clone()));
                }
                if let Some(t) = &mut self.tables {
                    super::controls::page(ui, |ui| t.ui_hq(ui, tr));
                }
            }
            Tab::Files => {
                let forms = &self.forms;
                let files = &mut self.files;
                super::controls::page(ui, |ui| files.ui(ui, forms, tr));
            }
        }
    }

    fn import_tab(&mut self, ui: &mut egui::Ui, tr: &Tr) {
        ui.label(tr.t("hq-import-intro"));
        ui.add_space(4.0);
        let busy = self.job.is_some() || self.picking.is_some();
        if ui.add_enabled(!busy, egui::Button::new(tr.t("hq-import-button"))).clicked() {
            self.pick_files(tr);
        }
        // Where the system has no file dialog: a path typed (or pasted).
        let mut import_typed = false;
        ui.horizontal(|ui| {
            let l = ui.label(tr.t("hq-import-typed"));
            let field = ui.add(egui::TextEdit::singleline(&mut self.typed).desired_width(420.0)).labelled_by(l.id);
            let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            let go = ui.add_enabled(!busy && !self.typed.trim().is_empty(), egui::Button::new(tr.t("hq-import-go")));
            import_typed = (entered || go.clicked()) && !busy && !self.typed.trim().is_empty();
        });
        if import_typed {
            let file = PathBuf::from(self.typed.trim());
            self.typed.clear();
            self.import(vec![file], tr);
        }
        if ui.ctx().input(|i| !i.raw.hovered_files.is_empty()) {
            ui.colored_label(style::HINT, tr.t("hq-drop-here"));
        }
        if let Some((i, n, f)) = &self.progress {
            let name = f.file_name().map(|x| x.to_string_lossy().to_string()).unwrap_or_default();
            ui.add(egui::ProgressBar::new(*i as f32 / (*n).max(1) as f32).text(tr.ta(
                "hq-importing",
                &[("i", (*i as i64 + 1).into()), ("n", (*n as i64).into()), ("file", name.into())],
            )));
            if self.waiting {
                ui.colored_label(style::HINT, tr.t("hq-waiting"));
            }
        } else if self.job.is_some() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(tr.t("records-reading"));
            });
        }
        for (file, result) in &self.results {
            let name = file.file_name().map(|x| x.to_string_lossy().to_string()).unwrap_or_default();
            match result {
                Ok(i) => {
                    let c = i.counts;
                    ui.label(tr.ta(
                        "hq-imported",
                        &[
                            ("file", name.into()),
                            ("seq", i.seq.into()),
                            ("imported", (c.imported as i64).into()),
                            ("updated", (c.updated as i64).into()),
                            ("unchanged", (c.unchanged as i64).into()),
                            ("deleted", (c.deleted as i64).into()),
                        ],
                    ));
                    if c.shared_ids > 0 {
                        ui.colored_label(style::ERROR, tr.ta("hq-shared-ids", &[("n", (c.shared_ids as i64).into())]));
                    }
                    if let Some((later, _)) = i.rolled_back {
                        ui.colored_label(style::ERROR, tr.ta("hq-rolled-back", &[("seq", later.into())]));
                    }
                    if let Some(k) = i.small_k() {
                        ui.colored_label(style::ERROR, tr.ta("hq-small-k", &[("k", (k as i64).into())]));
                    }
                }
                Err(e) => {
                    ui.colored_label(style::ERROR, format!("{name}: {e}"));
                }
            }
        }
    }

    /// Registers the laptop whose line was typed, on the database thread.
    fn register(&mut self, tr: &Tr) {
        let (line, name) = (self.new_laptop.0.trim().to_string(), self.new_laptop.1.trim().to_string());
        self.error = None;
        self.registered = None;
        self.run(tr, move |hq, tr, _| match hq.add_device(&line, &name) {
            Ok(id) => vec![Msg::Registered(id)],
            Err(e) => vec![Msg::Failed(errors::message(tr, &e))],
        });
    }

    fn register_ui(&mut self, ui: &mut egui::Ui, tr: &Tr) {
        ui.strong(tr.t("hq-register-title"));
        ui.label(tr.t("hq-register-hint"));
        ui.horizontal(|ui| {
            let l = ui.label(tr.t("hq-register-line"));
            ui.add(egui::TextEdit::singleline(&mut self.new_laptop.0).desired_width(420.0)).labelled_by(l.id);
        });
        ui.horizontal(|ui| {
            let l = ui.label(tr.t("hq-register-name"));
            ui.add(egui::TextEdit::singleline(&mut self.new_laptop.1).desired_width(200.0)).labelled_by(l.id);
        });
        let ready = !self.new_laptop.0.trim().is_empty() && self.job.is_none();
        if ui.add_enabled(ready, egui::Button::new(tr.t("hq-register-button"))).clicked() {
            self.register(tr);
        }
        if let Some(id) = &self.registered {
            let short: String = id.chars().take(8).collect();
            ui.colored_label(style::OK, tr.ta("hq-registered", &[("id", short.into())]));
        }
        if let Some(e) = &self.error {
            ui.colored_label(style::ERROR, e);
        }
    }

    fn laptops_tab(&mut self, ui: &mut egui::Ui, tr: &Tr) {
        self.register_ui(ui, tr);
        ui.separator();
        if self.laptops.is_empty() {
            ui.colored_label(style::HINT, tr.t("hq-no-laptops"));
            return;
        }
        egui::Grid::new("hq-laptops").striped(true).num_columns(4).show(ui, |ui| {
            for h in ["hq-laptop-name", "hq-laptop-batches", "hq-laptop-last", "hq-laptop-missing"] {
                ui.strong(tr.t(h));
            }
            ui.end_row();
            for d in &self.laptops {
                let short: String = d.device_id.chars().take(8).collect();
                let name = if d.name.is_empty() { short } else { format!("{} ({short})", d.name) };
                ui.label(name);
                ui.label(d.imported.len().to_string());
                ui.label(d.imported.last().map(i64::to_string).unwrap_or_default());
                let missing = d.missing();
                if missing.is_empty() {
                    ui.label(tr.t("hq-none-missing"));
                } else {
                    let list: Vec<String> = missing.iter().map(i64::to_string).collect();
                    ui.colored_label(style::ERROR, list.join(", "));
                }
                ui.end_row();
            }
        });
    }
}

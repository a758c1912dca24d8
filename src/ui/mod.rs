//! The desktop app (egui + eframe): first-run setup, unlock, and, once unlocked, the screens of
//! each role. One module per screen; [`App`] routes between them and owns the opened store.
//!
//! Every word comes from [`crate::i18n`]; every change a user makes is saved by the store at once,
//! so locking, closing the window or an error message never loses work.

mod accounts;
mod catalog;
mod controls;
use crate::errors;
mod export;
mod folder;
mod home;
mod hq;
mod hq_files;
mod interview;
mod prefs;
mod record_view;
mod records;
mod setup;
mod start;
mod style;
mod tables;
mod tallies;
mod unlock;
mod workspace;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use prefs::Prefs;

use crate::i18n::{Lang, Tr};

/// Where the app is.
enum Phase {
    /// No data yet: first-run setup.
    Setup(setup::SetupForm),
    /// Data present, locked.
    Unlock(unlock::UnlockForm),
    /// Unlocked.
    Open(Box<workspace::Workspace>),
    /// Part of the data is missing: what, and how to restore it (nothing can be done here).
    Incomplete(crate::store::StoreError),
    /// The folder is headquarters': its screens.
    Headquarters(Box<hq::HqScreen>),
}

/// The fourmi desktop app.
pub struct App {
    dir: PathBuf,
    tr: Tr,
    prefs: Prefs,
    phase: Phase,
    last_input: Instant,
    applied: Option<(f32, Lang)>,
    /// Overrides the preference's lock delay (minutes) with any duration.
    lock_after: Option<Duration>,
    /// Every commit of the opened store takes this much longer (benchmarks: a slow disk).
    slow_disk: Duration,
}

impl App {
    /// The app on the data folder `dir`: the setup screen when nothing is there yet, the unlock
    /// screen otherwise.
    pub fn new(dir: PathBuf) -> App {
        let prefs = Prefs::load(&dir);
        let tr = Tr::new(prefs.lang);
        let phase = match crate::store::folder_state(&dir) {
            _ if crate::store::hq::Database::is_in(&dir) => match crate::store::hq::Database::find(Some(&dir), None) {
                Ok(place) => Phase::Headquarters(Box::new(hq::HqScreen::new(place, &tr))),
                Err(e) => Phase::Incomplete(e),
            },
            crate::store::FolderState::SetUp => Phase::Unlock(unlock::UnlockForm::default()),
            crate::store::FolderState::Fresh => Phase::Setup(setup::SetupForm::new()),
            crate::store::FolderState::Incomplete(e) => Phase::Incomplete(e),
        };
        App {
            dir,
            tr,
            prefs,
            phase,
            last_input: Instant::now(),
            applied: None,
            lock_after: None,
            slow_disk: Duration::ZERO,
        }
    }

    /// Locks after `idle` without input instead of the minutes of the preferences.
    pub fn lock_after(mut self, idle: Duration) -> App {
        self.lock_after = Some(idle);
        self
    }

    /// Simulates a disk that takes `delay` to make each write durable, once the data is opened
    /// (the frame-time benchmark: typing must not wait for the disk).
    pub fn slow_disk(mut self, delay: Duration) -> App {
        self.slow_disk = delay;
        self
    }

    /// The data folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The account unlocked, if any.
    pub fn account(&self) -> Option<&str> {
        match &self.phase {
            Phase::Open(w) => Some(w.account()),
            _ => None,
        }
    }

    /// The question names on the interview screen shown now (empty elsewhere); tests use it to
    /// know which answer to give.
    pub fn current_questions(&self) -> Vec<String> {
        match &self.phase {
            Phase::Open(w) => w.current_questions(),
            _ => Vec::new(),
        }
    }

    /// Whether work runs on another thread with a spinner shown (setting up, unlocking, a change
    /// to the data); tests wait for it to end.
    pub fn is_working(&self) -> bool {
        match &self.phase {
            Phase::Setup(f) => f.is_running(),
            Phase::Unlock(f) => f.is_opening(),
            Phase::Open(w) => w.is_busy(),
            Phase::Headquarters(h) => h.is_busy(),
            Phase::Incomplete(_) => false,
        }
    }

    /// The record of the interview shown now, if any.
    pub fn current_record(&self) -> Option<&str> {
        match &self.phase {
            Phase::Open(w) => w.current_record(),
            _ => None,
        }
    }

    /// Locks: closes the store (releasing the data folder) and shows the unlock screen.
    pub fn lock(&mut self) {
        if let Phase::Open(w) = &self.phase {
            let name = w.account().to_string();
            self.phase = Phase::Unlock(unlock::UnlockForm::for_account(&name, &self.tr.t("unlock-locked")));
        }
    }

    /// The workspace on the store just unlocked or set up.
    fn opened(&self, mut store: crate::store::Store) -> Phase {
        if !self.slow_disk.is_zero() {
            let _ = store.simulate_slow_disk(self.slow_disk);
        }
        Phase::Open(Box::new(workspace::Workspace::new(store, &self.dir, &self.tr)))
    }

    fn top_bar(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            ui.heading("fourmi");
            if let Phase::Open(w) = &self.phase {
                let role = self.tr.t(&format!("role-{}", w.role().as_str()));
                ui.label(self.tr.ta("home-signed-in", &[("name", w.account().into()), ("role", role.into())]));
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if matches!(self.phase, Phase::Open(_)) && ui.button(self.tr.t("lock-button")).clicked() {
                    self.lock();
                }
                let mut lang = self.tr.lang();
                // Right to left: the box first, then its label on its left.
                let combo = egui::ComboBox::from_id_salt("combo-ui-language")
                    .selected_text(lang.name())
                    .show_ui(ui, |ui| {
                        for l in Lang::ALL {
                            ui.selectable_value(&mut lang, l, l.name());
                        }
                    })
                    .response;
                let label = ui.label(self.tr.t("ui-language"));
                combo.labelled_by(label.id);
                if lang != self.tr.lang() {
                    self.tr.set_lang(lang);
                    self.prefs.lang = lang;
                    let _ = self.prefs.save(&self.dir);
                }
            });
        });
    }

    fn check_inactivity(&mut self, ctx: &egui::Context) {
        let active = ctx.input(|i| !i.events.is_empty() || i.pointer.is_moving() || i.pointer.any_down());
        if active {
            self.last_input = Instant::now();
        }
        if matches!(self.phase, Phase::Open(_)) {
            let limit = self.lock_after.unwrap_or(Duration::from_secs(u64::from(self.prefs.lock_minutes) * 60));
            if self.last_input.elapsed() >= limit {
                self.lock();
            } else {
                ctx.request_repaint_after(Duration::from_secs(15));
            }
        }
    }
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        if self.applied.is_some_and(|(_, l)| l == self.prefs.lang) && self.tr.lang() != self.prefs.lang {
            // Chosen on the setup screen or the settings: remember it.
            self.prefs.lang = self.tr.lang();
            let _ = self.prefs.save(&self.dir);
        }
        if self.applied != Some((self.prefs.scale, self.prefs.lang)) {
            style::apply(&ctx, self.prefs.scale);
            self.tr.set_lang(self.prefs.lang);
            self.applied = Some((self.prefs.scale, self.prefs.lang));
        }
        self.check_inactivity(&ctx);
        if ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::L)) {
            self.lock();
        }
        egui::Panel::top("top-bar").show(ui, |ui| self.top_bar(ui));
        let next = match &mut self.phase {
            Phase::Setup(form) => egui::CentralPanel::default()
                .show(ui, |ui| form.ui(ui, &mut self.tr, &self.dir))
                .inner
                .map(|store| self.opened(store)),
            Phase::Unlock(form) => egui::CentralPanel::default()
                .show(ui, |ui| form.ui(ui, &self.tr, &self.dir))
                .inner
                .map(|store| self.opened(store)),
            Phase::Open(w) => {
                if w.ui(ui, &mut self.tr, &mut self.prefs, &self.dir) {
                    None
                } else {
                    let name = w.account().to_string();
                    Some(Phase::Unlock(unlock::UnlockForm::for_account(&name, &self.tr.t("unlock-locked"))))
                }
            }
            Phase::Headquarters(h) => {
                egui::CentralPanel::default().show(ui, |ui| h.ui(ui, &self.tr));
                None
            }
            Phase::Incomplete(e) => {
                egui::CentralPanel::default().show(ui, |ui| {
                    ui.heading(self.tr.t("folder-incomplete-title"));
                    ui.add_space(8.0);
                    ui.colored_label(style::ERROR, errors::message(&self.tr, e));
                });
                None
            }
        };
        if let Some(p) = next {
            if matches!(self.phase, Phase::Setup(_)) {
                self.prefs.lang = self.tr.lang();
                let _ = self.prefs.save(&self.dir);
            }
            self.phase = p;
        }
    }
}

/// Opens the app window on the data folder `dir`.
pub fn run(dir: PathBuf) -> Result<(), String> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("fourmi")
            .with_inner_size([1100.0, 760.0])
            .with_min_inner_size([640.0, 480.0])
            .with_icon(icon()),
        ..Default::default()
    };
    let tr = Tr::new(Prefs::load(&dir).lang);
    eframe::run_native("fourmi", options, Box::new(move |_cc| Ok(Box::new(App::new(dir)))))
        .map_err(|e| tr.ta("err-no-window", &[("detail", e.to_string().into())]))
}

/// fourmi's icon (`assets/icon/fourmi.svg`, an ant carrying a questionnaire) for the window's
/// title bar and the task bar.
fn icon() -> std::sync::Arc<egui::IconData> {
    let png = include_bytes!("../../assets/icon/fourmi-256.png");
    std::sync::Arc::new(eframe::icon_data::from_png_bytes(png).unwrap_or_default())
}

#[cfg(test)]
mod icon_tests {
    #[test]
    fn the_icon_is_a_square_picture_that_is_not_empty() {
        let icon = super::icon();
        assert_eq!((icon.width, icon.height), (256, 256));
        assert!(icon.rgba.chunks(4).any(|p| p[3] > 0));
    }
}

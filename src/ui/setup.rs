//! First run: the coordinator account, the device's name, the deployment's recipients and the
//! interface language.

use std::path::Path;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use zeroize::Zeroizing;

use super::{errors, style};
use crate::i18n::{Lang, Tr};
use crate::store::{Setup, Store};

/// The setup screen's fields.
#[derive(Default)]
pub struct SetupForm {
    name: String,
    passphrase: Zeroizing<String>,
    again: Zeroizing<String>,
    device: String,
    recipients: String,
    error: Option<String>,
    /// The setup running on another thread (the key derivation takes a moment by design).
    setting_up: Option<Receiver<crate::store::Result<Store>>>,
}

impl SetupForm {
    /// An empty form.
    pub fn new() -> SetupForm {
        SetupForm {
            name: String::new(),
            passphrase: Zeroizing::new(String::new()),
            again: Zeroizing::new(String::new()),
            device: String::new(),
            recipients: String::new(),
            error: None,
            setting_up: None,
        }
    }

    /// Whether setup is running.
    pub fn is_running(&self) -> bool {
        self.setting_up.is_some()
    }

    /// Draws the screen; returns the new store once setup succeeds.
    pub fn ui(&mut self, ui: &mut egui::Ui, tr: &mut Tr, dir: &Path) -> Option<Store> {
        let mut done = None;
        super::controls::page(ui, |ui| {
            ui.heading(tr.t("setup-title"));
            ui.label(tr.t("setup-intro"));
            ui.add_space(8.0);
            let mut lang = tr.lang();
            ui.horizontal(|ui| {
                ui.label(tr.t("setup-language"));
                for l in Lang::ALL {
                    ui.radio_value(&mut lang, l, l.name());
                }
            });
            tr.set_lang(lang);
            egui::Grid::new("grid-setup").num_columns(2).spacing([12.0, 8.0]).show(ui, |ui| {
                field(ui, &tr.t("setup-name"), &mut self.name, false);
                field(ui, &tr.t("setup-passphrase"), &mut self.passphrase, true);
                field(ui, &tr.t("setup-passphrase-again"), &mut self.again, true);
                field(ui, &tr.t("setup-device"), &mut self.device, false);
                let l = ui.label(tr.t("setup-recipients"));
                ui.add(
                    egui::TextEdit::multiline(&mut self.recipients)
                        .desired_rows(3)
                        .desired_width(520.0)
                        .hint_text("age1..."),
                )
                .labelled_by(l.id);
                ui.end_row();
            });
            ui.colored_label(style::HINT, tr.t("setup-recipients-hint"));
            ui.add_space(8.0);
            if let Some(e) = &self.error {
                ui.colored_label(style::ERROR, e);
            }
            if self.setting_up.is_some() {
                done = self.poll(ui, tr);
                return;
            }
            let submit = ui.button(tr.t("setup-button")).clicked()
                || ui.input(|i| i.key_pressed(egui::Key::Enter)) && !self.name.is_empty();
            if submit {
                self.submit(tr, dir);
            }
        });
        done
    }

    /// The spinner while setup runs; the store once it is done.
    fn poll(&mut self, ui: &mut egui::Ui, tr: &Tr) -> Option<Store> {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(tr.t("setup-running"));
        });
        ui.ctx().request_repaint_after(std::time::Duration::from_millis(50));
        let rx = self.setting_up.as_ref()?;
        let result = match rx.try_recv() {
            Err(TryRecvError::Empty) => return None,
            Err(TryRecvError::Disconnected) => None,
            Ok(r) => Some(r),
        };
        self.setting_up = None;
        match result? {
            Ok(store) => Some(store),
            Err(e) => {
                self.error = Some(errors::message(tr, &e));
                None
            }
        }
    }

    /// Checks the form, then sets up on another thread: the window keeps drawing.
    fn submit(&mut self, tr: &Tr, dir: &Path) {
        if self.name.trim().is_empty() {
            self.error = Some(tr.t("setup-need-name"));
            return;
        }
        if *self.passphrase != *self.again {
            self.error = Some(tr.t("setup-mismatch"));
            return;
        }
        let device = if self.device.trim().is_empty() { "laptop".to_string() } else { self.device.trim().to_string() };
        let setup = Setup {
            coordinator: self.name.trim().to_string(),
            passphrase: self.passphrase.to_string(),
            device_name: device,
            recipients: self.recipients.split_whitespace().map(str::to_string).collect(),
        };
        self.passphrase.clear();
        self.again.clear();
        self.error = None;
        let (tx, rx) = channel();
        let dir = dir.to_path_buf();
        std::thread::spawn(move || {
            let _ = tx.send(Store::setup(&dir, &setup));
        });
        self.setting_up = Some(rx);
    }
}

/// A labelled one-line field in a two-column grid.
pub fn field(ui: &mut egui::Ui, label: &str, value: &mut String, password: bool) -> egui::Response {
    let l = ui.label(label);
    let r = ui.add(egui::TextEdit::singleline(value).password(password).desired_width(320.0)).labelled_by(l.id);
    ui.end_row();
    r
}

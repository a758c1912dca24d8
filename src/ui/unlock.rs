//! Unlocking: an account name and its passphrase open the encrypted store.

use std::path::Path;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use zeroize::Zeroizing;

use super::{errors, setup::field, style};
use crate::i18n::Tr;
use crate::store::Store;

/// The unlock screen's fields.
#[derive(Default)]
pub struct UnlockForm {
    name: String,
    passphrase: Zeroizing<String>,
    error: Option<String>,
    notice: Option<String>,
    focused: bool,
    /// The unlock running on another thread (the key derivation takes a moment by design).
    opening: Option<Receiver<crate::store::Result<Store>>>,
}

impl UnlockForm {
    /// The form with the account filled in and a notice (after a lock).
    pub fn for_account(name: &str, notice: &str) -> UnlockForm {
        UnlockForm { name: name.to_string(), notice: Some(notice.to_string()), ..UnlockForm::default() }
    }

    /// Whether the unlock is running.
    pub fn is_opening(&self) -> bool {
        self.opening.is_some()
    }

    /// Draws the screen; returns the store once unlocked.
    pub fn ui(&mut self, ui: &mut egui::Ui, tr: &Tr, dir: &Path) -> Option<Store> {
        ui.heading(tr.t("unlock-title"));
        if let Some(n) = &self.notice {
            ui.colored_label(style::HINT, n);
        }
        ui.add_space(8.0);
        let (name, pass) = egui::Grid::new("grid-unlock")
            .num_columns(2)
            .spacing([12.0, 8.0])
            .show(ui, |ui| {
                (
                    field(ui, &tr.t("unlock-name"), &mut self.name, false),
                    field(ui, &tr.t("unlock-passphrase"), &mut self.passphrase, true),
                )
            })
            .inner;
        if !self.focused {
            // Ready to type: the name, or the passphrase when the name is known.
            if self.name.is_empty() {
                name.request_focus()
            } else {
                pass.request_focus()
            }
            self.focused = true;
        }
        if let Some(e) = &self.error {
            ui.colored_label(style::ERROR, e);
        }
        if let Some(rx) = &self.opening {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(tr.t("unlock-opening"));
            });
            ui.ctx().request_repaint_after(std::time::Duration::from_millis(50));
            return match rx.try_recv() {
                Err(TryRecvError::Empty) => None,
                Ok(Ok(store)) => {
                    self.opening = None;
                    Some(store)
                }
                Ok(Err(e)) => {
                    self.opening = None;
                    self.error = Some(errors::message(tr, &e));
                    // The passphrase box takes the keyboard again, to type it once more.
                    self.focused = false;
                    None
                }
                Err(TryRecvError::Disconnected) => {
                    self.opening = None;
                    None
                }
            };
        }
        let submit = ui.button(tr.t("unlock-button")).clicked() || ui.input(|i| i.key_pressed(egui::Key::Enter));
        if submit {
            // The key derivation runs on another thread: the window keeps drawing.
            let (tx, rx) = channel();
            let (dir, name) = (dir.to_path_buf(), self.name.trim().to_string());
            let passphrase = std::mem::take(&mut self.passphrase);
            std::thread::spawn(move || {
                let _ = tx.send(Store::open(&dir, &name, &passphrase));
            });
            self.opening = Some(rx);
            self.error = None;
        }
        None
    }
}

//! A folder to write into: typed, or chosen in the system's folder dialog (on another thread,
//! since the dialog waits for the user).

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use crate::i18n::Tr;

/// The folder's field and its Choose button.
pub struct FolderField {
    /// The folder as shown and typed.
    pub text: String,
    picking: Option<Receiver<Option<PathBuf>>>,
}

impl Default for FolderField {
    /// The user's documents folder (else home).
    fn default() -> FolderField {
        let text = directories::UserDirs::new()
            .map(|d| d.document_dir().unwrap_or(d.home_dir()).display().to_string())
            .unwrap_or_default();
        FolderField { text, picking: None }
    }
}

impl FolderField {
    /// Whether the dialog is open.
    pub fn is_picking(&self) -> bool {
        self.picking.is_some()
    }

    /// Opens the system's folder dialog on another thread.
    fn pick(&mut self) {
        let (tx, rx) = channel();
        let start = PathBuf::from(self.text.trim());
        std::thread::spawn(move || {
            let mut dialog = rfd::FileDialog::new();
            if start.is_dir() {
                dialog = dialog.set_directory(&start);
            }
            let _ = tx.send(dialog.pick_folder());
        });
        self.picking = Some(rx);
    }

    /// Takes the folder the dialog chose, if it closed.
    pub fn poll(&mut self) {
        let Some(rx) = &self.picking else { return };
        match rx.try_recv() {
            Ok(chosen) => {
                if let Some(p) = chosen {
                    self.text = p.display().to_string();
                }
                self.picking = None;
            }
            Err(TryRecvError::Disconnected) => self.picking = None,
            Err(TryRecvError::Empty) => {}
        }
    }

    /// Draws the field and its button.
    pub fn ui(&mut self, ui: &mut egui::Ui, tr: &Tr) {
        let mut pick = false;
        ui.horizontal(|ui| {
            let l = ui.label(tr.t("export-folder"));
            ui.add(egui::TextEdit::singleline(&mut self.text).desired_width(420.0)).labelled_by(l.id);
            if ui.add_enabled(self.picking.is_none(), egui::Button::new(tr.t("export-choose-folder"))).clicked() {
                pick = true;
            }
        });
        if pick {
            self.pick();
        }
    }
}

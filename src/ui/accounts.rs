//! Accounts and settings: the interface language, text size and lock delay (everyone); accounts,
//! passphrase resets, recipients and the device's public key (coordinators).

use std::path::Path;

use zeroize::{Zeroize, Zeroizing};

use super::workspace::Go;
use super::{Prefs, errors, style};
use crate::i18n::{Lang, Tr};
use crate::store::{Role, Store};

/// The settings screen.
pub struct SettingsPage {
    name: String,
    role: Role,
    passphrase: Zeroizing<String>,
    again: Zeroizing<String>,
    reset_for: Option<String>,
    recipient: String,
    message: Option<(bool, String)>,
    /// Minutes a monitor can reopen an interview it closed (0: until the next one starts).
    reopen_minutes: u32,
    /// The session's own new passphrase, twice.
    own: Zeroizing<String>,
    own_again: Zeroizing<String>,
    /// The account whose disabling waits for a confirmation.
    confirm_disable: Option<String>,
    /// The accounts and recipients, read when the screen opens and after each change (never
    /// at every frame).
    lists: Option<(Vec<crate::store::Account>, Vec<String>)>,
    /// The text size being dragged: applied once the slider is let go, so that the screen is
    /// not rescaled under the pointer.
    dragged_scale: Option<f32>,
}

impl SettingsPage {
    /// The screen, with empty forms.
    pub fn new(store: &Store) -> SettingsPage {
        SettingsPage {
            name: String::new(),
            role: Role::Monitor,
            passphrase: Zeroizing::new(String::new()),
            again: Zeroizing::new(String::new()),
            reset_for: None,
            recipient: String::new(),
            message: None,
            reopen_minutes: store.reopen_minutes().ok().flatten().unwrap_or(0),
            own: Zeroizing::new(String::new()),
            own_again: Zeroizing::new(String::new()),
            confirm_disable: None,
            lists: None,
            dragged_scale: None,
        }
    }

    /// The accounts and recipients, read once until something changes.
    fn lists(&mut self, store: &Store) -> &(Vec<crate::store::Account>, Vec<String>) {
        self.lists.get_or_insert_with(|| (store.accounts().unwrap_or_default(), store.recipients().unwrap_or_default()))
    }

    fn done(&mut self, tr: &Tr, r: crate::store::Result<()>, ok: String) {
        self.lists = None;
        self.message = Some(match r {
            Ok(()) => (false, ok),
            Err(e) => (true, errors::message(tr, &e)),
        });
    }

    /// Draws the screen.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        store: &mut Store,
        tr: &mut Tr,
        prefs: &mut Prefs,
        dir: &Path,
    ) -> Option<Go> {
        egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
            ui.heading(tr.t("settings-title"));
            if let Some((error, m)) = &self.message {
                ui.colored_label(if *error { style::ERROR } else { style::OK }, m);
            }
            let before = prefs.clone();
            ui.horizontal(|ui| {
                ui.label(tr.t("ui-language"));
                for l in Lang::ALL {
                    ui.radio_value(&mut prefs.lang, l, l.name());
                }
            });
            ui.horizontal(|ui| {
                let l = ui.label(tr.t("settings-text-size"));
                let mut scale = self.dragged_scale.unwrap_or(prefs.scale);
                let r = ui.add(egui::Slider::new(&mut scale, 0.8..=2.0).step_by(0.05)).labelled_by(l.id);
                if r.dragged() {
                    self.dragged_scale = Some(scale);
                } else if r.changed() || r.drag_stopped() || self.dragged_scale.is_some() {
                    prefs.scale = scale;
                    self.dragged_scale = None;
                }
            });
            ui.horizontal(|ui| {
                let l = ui.label(tr.t("settings-lock-minutes"));
                ui.add(egui::Slider::new(&mut prefs.lock_minutes, 1..=120)).labelled_by(l.id);
            });
            if *prefs != before {
                tr.set_lang(prefs.lang);
                if let Err(e) = prefs.save(dir) {
                    self.message = Some((true, tr.ta("settings-not-saved", &[("detail", e.to_string().into())])));
                }
            }
            ui.separator();
            self.own_passphrase(ui, store, tr);
            if store.session().role == Role::Coordinator {
                ui.separator();
                self.accounts(ui, store, tr);
                ui.separator();
                ui.horizontal(|ui| {
                    let l = ui.label(tr.t("settings-reopen-minutes"));
                    ui.add(egui::DragValue::new(&mut self.reopen_minutes).range(0..=10080)).labelled_by(l.id);
                    if ui.button(tr.t("settings-apply")).clicked() {
                        let r = store.set_reopen_minutes(Some(self.reopen_minutes));
                        self.done(tr, r, tr.t("settings-saved"));
                    }
                });
                ui.colored_label(style::HINT, tr.t("settings-reopen-hint"));
                ui.separator();
                self.recipients(ui, store, tr);
                ui.separator();
                ui.label(egui::RichText::new(tr.t("settings-device")).strong());
                if let Ok(name) = store.device_name() {
                    ui.label(name);
                }
                match store.device_pubkey() {
                    Ok(k) => {
                        ui.add(egui::TextEdit::singleline(&mut k.as_str()).desired_width(f32::INFINITY));
                    }
                    Err(e) => {
                        ui.colored_label(style::ERROR, errors::message(tr, &e));
                    }
                }
                ui.colored_label(style::HINT, tr.t("settings-device-hint"));
            }
        });
        None
    }

    /// Any account changes its own passphrase (its keys and role stay).
    fn own_passphrase(&mut self, ui: &mut egui::Ui, store: &mut Store, tr: &Tr) {
        ui.label(egui::RichText::new(tr.t("settings-own-passphrase")).strong());
        egui::Grid::new("own-passphrase").num_columns(2).show(ui, |ui| {
            super::setup::field(ui, &tr.t("settings-new-passphrase"), &mut self.own, true);
            super::setup::field(ui, &tr.t("settings-new-passphrase-again"), &mut self.own_again, true);
        });
        if ui.button(tr.t("settings-change-own")).clicked() {
            if *self.own != *self.own_again {
                self.message = Some((true, tr.t("setup-mismatch")));
                return;
            }
            let name = store.session().account.clone();
            let r = store.set_passphrase(&name, &self.own);
            self.done(tr, r, tr.ta("settings-passphrase-set", &[("name", name.into())]));
            if self.message.as_ref().is_some_and(|(e, _)| !e) {
                self.own.clear();
                self.own_again.clear();
            }
        }
    }

    fn accounts(&mut self, ui: &mut egui::Ui, store: &mut Store, tr: &Tr) {
        ui.label(egui::RichText::new(tr.t("settings-accounts")).strong());
        let accounts = self.lists(store).0.clone();
        let mut disable = None;
        egui::Grid::new("accounts").striped(true).num_columns(4).show(ui, |ui| {
            for a in &accounts {
                ui.label(&a.name);
                ui.label(tr.t(&format!("role-{}", a.role.as_str())));
                ui.label(if a.disabled { tr.t("settings-disabled") } else { String::new() });
                ui.horizontal(|ui| {
                    if !a.disabled && ui.small_button(tr.t("settings-reset")).clicked() {
                        self.reset_for = Some(a.name.clone());
                    }
                    if !a.disabled
                        && a.name != store.session().account
                        && ui.small_button(tr.t("settings-disable")).clicked()
                    {
                        disable = Some(a.name.clone());
                    }
                });
                ui.end_row();
            }
        });
        if disable.is_some() {
            self.confirm_disable = disable;
        }
        if let Some(name) = self.confirm_disable.clone() {
            let mut confirmed = false;
            ui.horizontal_wrapped(|ui| {
                ui.colored_label(style::ERROR, tr.ta("settings-disable-confirm", &[("name", name.clone().into())]));
                confirmed = ui.button(tr.ta("settings-disable-yes", &[("name", name.clone().into())])).clicked();
                if ui.button(tr.t("settings-cancel")).clicked() {
                    self.confirm_disable = None;
                }
            });
            if confirmed {
                self.confirm_disable = None;
                let r = store.disable_account(&name);
                self.done(tr, r, tr.ta("settings-account-disabled", &[("name", name.into())]));
            }
        }
        ui.add_space(6.0);
        let title = match &self.reset_for {
            Some(n) => tr.ta("settings-reset-title", &[("name", n.clone().into())]),
            None => tr.t("settings-add-title"),
        };
        ui.label(egui::RichText::new(title).strong());
        egui::Grid::new("add-account").num_columns(2).show(ui, |ui| {
            if self.reset_for.is_none() {
                super::setup::field(ui, &tr.t("settings-account-name"), &mut self.name, false);
                ui.label(tr.t("settings-role"));
                ui.horizontal(|ui| {
                    for r in [Role::Monitor, Role::Supervisor, Role::Coordinator] {
                        ui.radio_value(&mut self.role, r, tr.t(&format!("role-{}", r.as_str())));
                    }
                });
                ui.end_row();
            }
            super::setup::field(ui, &tr.t("setup-passphrase"), &mut self.passphrase, true);
            super::setup::field(ui, &tr.t("setup-passphrase-again"), &mut self.again, true);
        });
        ui.horizontal(|ui| {
            let key = if self.reset_for.is_some() { "settings-reset-button" } else { "settings-add-button" };
            if ui.button(tr.t(key)).clicked() {
                if *self.passphrase != *self.again {
                    self.message = Some((true, tr.t("setup-mismatch")));
                    return;
                }
                match self.reset_for.clone() {
                    Some(name) => {
                        let r = store.set_passphrase(&name, &self.passphrase);
                        self.done(tr, r, tr.ta("settings-passphrase-set", &[("name", name.into())]));
                    }
                    None => {
                        let name = self.name.trim().to_string();
                        let r = store.add_account(&name, self.role, &self.passphrase);
                        self.done(tr, r, tr.ta("settings-account-added", &[("name", name.into())]));
                    }
                }
                if self.message.as_ref().is_some_and(|(e, _)| !e) {
                    self.name.clear();
                    self.passphrase.clear();
                    self.again.clear();
                    self.reset_for = None;
                }
            }
            if self.reset_for.is_some() && ui.button(tr.t("settings-cancel")).clicked() {
                self.reset_for = None;
            }
        });
    }

    fn recipients(&mut self, ui: &mut egui::Ui, store: &mut Store, tr: &Tr) {
        ui.label(egui::RichText::new(tr.t("settings-recipients")).strong());
        let list = self.lists(store).1.clone();
        let mut remove = None;
        for r in &list {
            ui.horizontal(|ui| {
                ui.monospace(r);
                if ui.small_button(tr.t("settings-remove")).clicked() {
                    remove = Some(r.clone());
                }
            });
        }
        if let Some(r) = remove {
            let res = store.remove_recipient(&r);
            self.done(tr, res, tr.t("settings-recipient-removed"));
        }
        ui.horizontal(|ui| {
            let l = ui.label(tr.t("settings-new-recipient"));
            ui.add(egui::TextEdit::singleline(&mut self.recipient).hint_text("age1...").desired_width(420.0))
                .labelled_by(l.id);
            if self.recipient.to_ascii_uppercase().contains("AGE-SECRET-KEY-") {
                // A secret key pasted by mistake is never kept on screen, nor saved.
                self.recipient.zeroize();
                self.message = Some((true, tr.t("err-secret-key-pasted")));
            }
            if ui.button(tr.t("settings-add-recipient")).clicked() {
                let r = store.add_recipient(self.recipient.trim());
                self.done(tr, r, tr.t("settings-recipient-added"));
                if self.message.as_ref().is_some_and(|(e, _)| !e) {
                    self.recipient.clear();
                }
            }
        });
    }
}

//! Accounts and settings: the interface language, text size and lock delay (everyone); accounts,
//! passphrase resets, recipients and the device's public key (coordinators).

use std::path::Path;

use zeroize::{Zeroize, Zeroizing};

use super::workspace::{Go, Job};
use super::{Prefs, errors, style};
use crate::i18n::{Lang, Tr};
use crate::store::{Role, Store};

/// What the settings screen shows from the data.
struct Lists {
    accounts: Vec<crate::store::Account>,
    recipients: Vec<String>,
    device_name: Option<String>,
    device_key: Result<String, String>,
}

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
    /// The k every export reaches (the laptop's setting).
    k: usize,
    /// The session's own new passphrase, twice.
    own: Zeroizing<String>,
    own_again: Zeroizing<String>,
    /// The account whose disabling waits for a confirmation.
    confirm_disable: Option<String>,
    /// The accounts, recipients and this laptop's key, read when the screen opens (after each
    /// change it opens again), never at every frame.
    lists: Option<Lists>,
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
            k: store.disclosure_k().unwrap_or(5),
            own: Zeroizing::new(String::new()),
            own_again: Zeroizing::new(String::new()),
            confirm_disable: None,
            lists: None,
            dragged_scale: None,
        }
    }

    /// The accounts and recipients, read once until something changes.
    fn lists(&mut self, store: &Store, tr: &Tr) -> &Lists {
        self.lists.get_or_insert_with(|| Lists {
            accounts: store.accounts().unwrap_or_default(),
            recipients: store.recipients().unwrap_or_default(),
            device_name: store.device_name().ok(),
            device_key: store.device_pubkey().map_err(|e| errors::message(tr, &e)),
        })
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
        let mut go = None;
        super::controls::page(ui, |ui| {
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
            go = self.own_passphrase(ui, store, tr);
            if store.session().role == Role::Coordinator {
                ui.separator();
                go = go.take().or(self.accounts(ui, store, tr));
                ui.separator();
                ui.horizontal_wrapped(|ui| {
                    let l = ui.label(tr.t("settings-reopen-minutes"));
                    ui.add(egui::DragValue::new(&mut self.reopen_minutes).range(0..=10080)).labelled_by(l.id);
                    if ui.button(tr.t("settings-apply")).clicked() {
                        let (minutes, done) = (self.reopen_minutes, tr.t("settings-saved"));
                        go = Some(Go::Run(Job::new(tr.t("settings-saving"), Go::Settings, move |store| {
                            store.set_reopen_minutes(Some(minutes)).map(|()| done)
                        })));
                    }
                });
                ui.colored_label(style::HINT, tr.t("settings-reopen-hint"));
                ui.separator();
                ui.horizontal_wrapped(|ui| {
                    let l = ui.label(tr.t("settings-k"));
                    ui.add(egui::DragValue::new(&mut self.k).range(1..=crate::batch::anonymise::MAX_K))
                        .labelled_by(l.id);
                    if ui.button(tr.t("settings-apply")).on_hover_text(tr.t("settings-k-apply")).clicked() {
                        let (k, done) = (self.k, tr.t("settings-saved"));
                        go = Some(Go::Run(Job::new(tr.t("settings-saving"), Go::Settings, move |store| {
                            store.set_disclosure_k(k).map(|()| done)
                        })));
                    }
                });
                ui.colored_label(style::HINT, tr.t("settings-k-hint"));
                ui.separator();
                go = go.take().or(self.recipients(ui, store, tr));
                ui.separator();
                ui.label(egui::RichText::new(tr.t("settings-device")).strong());
                let lists = self.lists(store, tr);
                if let Some(name) = &lists.device_name {
                    ui.label(name);
                }
                match &lists.device_key {
                    Ok(k) => {
                        ui.add(egui::TextEdit::singleline(&mut k.as_str()).desired_width(ui.available_width()));
                    }
                    Err(e) => {
                        ui.colored_label(style::ERROR, e);
                    }
                }
                ui.colored_label(style::HINT, tr.t("settings-device-hint"));
            }
        });
        go
    }

    /// Any account changes its own passphrase (its keys and role stay).
    fn own_passphrase(&mut self, ui: &mut egui::Ui, store: &Store, tr: &Tr) -> Option<Go> {
        ui.label(egui::RichText::new(tr.t("settings-own-passphrase")).strong());
        egui::Grid::new("own-passphrase").num_columns(2).show(ui, |ui| {
            super::setup::field(ui, &tr.t("settings-new-passphrase"), &mut self.own, true);
            super::setup::field(ui, &tr.t("settings-new-passphrase-again"), &mut self.own_again, true);
        });
        if ui.button(tr.t("settings-change-own")).clicked() {
            if *self.own != *self.own_again {
                self.message = Some((true, tr.t("setup-mismatch")));
                return None;
            }
            let name = store.session().account.clone();
            let new = std::mem::take(&mut self.own);
            self.own_again.clear();
            let done = tr.ta("settings-passphrase-set", &[("name", name.clone().into())]);
            return Some(Go::Run(Job::new(tr.t("settings-changing-passphrase"), Go::Settings, move |store| {
                store.set_passphrase(&name, &new).map(|()| done)
            })));
        }
        None
    }

    fn accounts(&mut self, ui: &mut egui::Ui, store: &Store, tr: &Tr) -> Option<Go> {
        ui.label(egui::RichText::new(tr.t("settings-accounts")).strong());
        let accounts = self.lists(store, tr).accounts.clone();
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
                let done = tr.ta("settings-account-disabled", &[("name", name.clone().into())]);
                return Some(Go::Run(Job::new(tr.t("settings-saving"), Go::Settings, move |store| {
                    store.disable_account(&name).map(|()| done)
                })));
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
            let mut go = None;
            if ui.button(tr.t(key)).clicked() {
                if *self.passphrase != *self.again {
                    self.message = Some((true, tr.t("setup-mismatch")));
                    return None;
                }
                let passphrase = std::mem::take(&mut self.passphrase);
                self.again.clear();
                let doing = tr.t("settings-changing-passphrase");
                go = Some(Go::Run(match self.reset_for.clone() {
                    Some(name) => {
                        let done = tr.ta("settings-passphrase-set", &[("name", name.clone().into())]);
                        Job::new(doing, Go::Settings, move |store| {
                            store.set_passphrase(&name, &passphrase).map(|()| done)
                        })
                    }
                    None => {
                        let (name, role) = (self.name.trim().to_string(), self.role);
                        let done = tr.ta("settings-account-added", &[("name", name.clone().into())]);
                        Job::new(doing, Go::Settings, move |store| {
                            store.add_account(&name, role, &passphrase).map(|()| done)
                        })
                    }
                }));
            }
            if self.reset_for.is_some() && ui.button(tr.t("settings-cancel")).clicked() {
                self.reset_for = None;
            }
            go
        })
        .inner
    }

    fn recipients(&mut self, ui: &mut egui::Ui, store: &Store, tr: &Tr) -> Option<Go> {
        ui.label(egui::RichText::new(tr.t("settings-recipients")).strong());
        let list = self.lists(store, tr).recipients.clone();
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
            let done = tr.t("settings-recipient-removed");
            return Some(Go::Run(Job::new(tr.t("settings-saving"), Go::Settings, move |store| {
                store.remove_recipient(&r).map(|()| done)
            })));
        }
        ui.horizontal_wrapped(|ui| {
            let l = ui.label(tr.t("settings-new-recipient"));
            let width = ui.available_width().min(420.0);
            ui.add(egui::TextEdit::singleline(&mut self.recipient).hint_text("age1...").desired_width(width))
                .labelled_by(l.id);
            if self.recipient.to_ascii_uppercase().contains("AGE-SECRET-KEY-") {
                // A secret key pasted by mistake is never kept on screen, nor saved.
                self.recipient.zeroize();
                self.message = Some((true, tr.t("err-secret-key-pasted")));
            }
            if ui.button(tr.t("settings-add-recipient")).clicked() {
                let (recipient, done) = (self.recipient.trim().to_string(), tr.t("settings-recipient-added"));
                return Some(Go::Run(Job::new(tr.t("settings-saving"), Go::Settings, move |store| {
                    store.add_recipient(&recipient).map(|()| done)
                })));
            }
            None
        })
        .inner
    }
}

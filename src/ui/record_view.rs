//! One record for review: every answer as labelled text, the review actions (approve, return
//! with a comment, withdraw), the corrections made after returns, comments and the audit trail.

use super::catalog::Catalog;
use super::workspace::Go;
use super::{errors, home, style};
use crate::i18n::Tr;
use crate::interview::{HierarchyEntry, Interview, Outcome, StartInfo};
use crate::store::{AuditRow, RecordRow, Role, Status, Store};

/// A correction: (revision, field, old, new, author, when).
type Correction = (i64, String, Option<String>, Option<String>, String, String);

/// The record view.
pub struct RecordView {
    rec: RecordRow,
    summary: String,
    answers: Vec<HierarchyEntry>,
    comments: Vec<(String, String, String)>,
    corrections: Vec<Correction>,
    audit: Vec<AuditRow>,
    comment: String,
    confirm_withdraw: bool,
    error: Option<String>,
    /// An approved record whose approval does not verify (approved before approvals were
    /// signed, or changed since): it stays on the laptop until approved again.
    approval_invalid: bool,
    /// A withdrawn record whose withdrawal is not signed (withdrawn before withdrawals were):
    /// no batch carries it until it is signed.
    withdrawal_unsigned: bool,
}

impl RecordView {
    /// Reads record `uuid` and renders its answers with the form version it was filled with.
    pub fn new(store: &Store, catalog: &mut Catalog, uuid: &str, tr: &Tr) -> Result<RecordView, String> {
        let err = |e: crate::store::StoreError| errors::message(tr, &e);
        let rec = store.record(uuid).map_err(err)?;
        let form = catalog.by_hash(store, &rec.form_hash).map_err(err)?;
        let info = StartInfo {
            language: rec.language.clone(),
            device_id: rec.device_id.clone(),
            username: rec.monitor.clone(),
            opened_at: chrono::Local::now().fixed_offset(),
        };
        let answers = rec.answers.as_object().cloned().unwrap_or_default();
        let iv = Interview::resume(form, info, &answers, None, Outcome::InProgress);
        let summary = home::describe(&rec, catalog, tr);
        let withdrawal_unsigned =
            rec.status == Status::Withdrawn && store.withdrawal_verified(uuid).is_ok_and(|ok| !ok);
        Ok(RecordView {
            summary,
            answers: iv.hierarchy(),
            comments: store.comments(uuid).map_err(err)?,
            corrections: store.corrections(uuid).map_err(err)?,
            audit: store.audit_for(uuid).unwrap_or_default(),
            rec,
            comment: String::new(),
            confirm_withdraw: false,
            error: None,
            approval_invalid: rec_approved_unverified(store, uuid),
            withdrawal_unsigned,
        })
    }

    /// Draws the screen; a decision comes back as [`Go::Review`], run by the workspace.
    pub fn ui(&mut self, ui: &mut egui::Ui, store: &Store, tr: &Tr) -> Option<Go> {
        let mut go = None;
        ui.heading(tr.t("record-title"));
        ui.label(&self.summary);
        ui.monospace(&self.rec.uuid);
        ui.label(tr.ta("record-revision", &[("n", self.rec.revision.into())]));
        if let Some(e) = &self.error {
            ui.colored_label(style::ERROR, e);
        }
        if store.session().role >= Role::Supervisor {
            go = self.review_actions(ui, tr);
        }
        ui.separator();
        super::controls::page(ui, |ui| {
            ui.label(egui::RichText::new(tr.t("record-answers")).strong());
            if self.answers.iter().all(|e| e.answer.is_empty()) {
                ui.colored_label(style::HINT, tr.t("record-no-answers"));
            }
            let half = (ui.available_width() / 2.0 - 12.0).max(160.0);
            egui::Grid::new("answers").striped(true).num_columns(2).max_col_width(half).show(ui, |ui| {
                for e in &self.answers {
                    if e.answer.is_empty() {
                        continue;
                    }
                    ui.add(egui::Label::new(format!("{}{}", "  ".repeat(e.depth), e.label)).wrap());
                    ui.add(egui::Label::new(egui::RichText::new(&e.answer).strong()).wrap());
                    ui.end_row();
                }
            });
            if !self.corrections.is_empty() {
                ui.add_space(8.0);
                ui.label(egui::RichText::new(tr.t("record-corrections")).strong());
                for (rev, field, old, new, who, when) in &self.corrections {
                    ui.label(tr.ta(
                        "record-correction",
                        &[
                            ("rev", (*rev).into()),
                            ("field", field.clone().into()),
                            ("old", old.clone().unwrap_or_else(|| "—".into()).into()),
                            ("new", new.clone().unwrap_or_else(|| "—".into()).into()),
                            ("who", who.clone().into()),
                            ("when", tr.when(when).into()),
                        ],
                    ));
                }
            }
            if !self.comments.is_empty() {
                ui.add_space(8.0);
                ui.label(egui::RichText::new(tr.t("record-comments")).strong());
                for (who, when, text) in &self.comments {
                    ui.label(format!("{} · {who}: {text}", tr.when(when)));
                }
            }
            ui.add_space(8.0);
            egui::CollapsingHeader::new(tr.ta("record-audit", &[("n", (self.audit.len() as i64).into())])).show(
                ui,
                |ui| {
                    for a in &self.audit {
                        ui.monospace(format!("{} {} {}{}", tr.when(&a.at), a.actor, a.action, audit_node(&a.detail)));
                    }
                },
            );
        });
        go
    }

    fn review_actions(&mut self, ui: &mut egui::Ui, tr: &Tr) -> Option<Go> {
        let uuid = self.rec.uuid.clone();
        let mut go = None;
        if self.rec.status == Status::Withdrawn {
            if self.withdrawal_unsigned {
                ui.colored_label(style::ERROR, tr.t("record-withdrawal-unsigned"));
                if ui.button(tr.t("record-sign-withdrawal")).clicked() {
                    go = Some(Go::Review(uuid.clone(), Review::Withdraw));
                }
            }
            return go;
        }
        if self.rec.status == Status::Approved && self.approval_invalid {
            ui.colored_label(style::ERROR, tr.t("record-approval-invalid"));
            if ui.button(tr.t("record-approve-again")).clicked() {
                go = Some(Go::Review(uuid.clone(), Review::Approve));
            }
        }
        if self.rec.status != Status::Completed {
            self.withdraw_row(ui, tr, &uuid, &mut go);
            return go;
        }
        ui.horizontal(|ui| {
            if ui.button(tr.t("record-approve")).clicked() {
                go = Some(Go::Review(uuid.clone(), Review::Approve));
            }
        });
        ui.horizontal_wrapped(|ui| {
            let l = ui.label(tr.t("record-comment"));
            let width = ui.available_width().min(360.0);
            ui.add(egui::TextEdit::singleline(&mut self.comment).desired_width(width)).labelled_by(l.id);
            if ui.button(tr.t("record-return")).clicked() {
                if self.comment.trim().is_empty() {
                    self.error = Some(tr.t("record-comment-needed"));
                } else {
                    go = Some(Go::Review(uuid.clone(), Review::Return(self.comment.trim().to_string())));
                }
            }
        });
        self.withdraw_row(ui, tr, &uuid, &mut go);
        go
    }

    fn withdraw_row(&mut self, ui: &mut egui::Ui, tr: &Tr, uuid: &str, go: &mut Option<Go>) {
        ui.horizontal(|ui| {
            ui.checkbox(&mut self.confirm_withdraw, tr.t("record-withdraw-confirm"));
            if ui.add_enabled(self.confirm_withdraw, egui::Button::new(tr.t("record-withdraw"))).clicked() {
                *go = Some(Go::Review(uuid.to_string(), Review::Withdraw));
            }
        });
    }
}

/// The question an audit event is about (its path below the form's root), after a colon; or
/// nothing.
fn audit_node(detail: &str) -> String {
    let node = serde_json::from_str::<serde_json::Value>(detail)
        .ok()
        .and_then(|d| d.get("node").and_then(|n| n.as_str()).map(str::to_string));
    match node {
        Some(path) => {
            let below_root = path.trim_start_matches('/').split_once('/').map_or(path.as_str(), |(_, rest)| rest);
            format!(": {below_root}")
        }
        None => String::new(),
    }
}

/// A supervisor's decision on a record.
#[derive(Debug, Clone, PartialEq)]
pub enum Review {
    /// Approve it (again, when its approval no longer verifies).
    Approve,
    /// Return it to its monitor with this comment.
    Return(String),
    /// Withdraw it (or sign its withdrawal).
    Withdraw,
}

/// Whether `uuid` is approved without an approval that verifies (read once, when the screen opens).
fn rec_approved_unverified(store: &Store, uuid: &str) -> bool {
    store.approval_verified(uuid).is_ok_and(|ok| !ok)
}

//! Home: counts at a glance and what the account has to do next: drafts and returned records to
//! finish (everyone who interviews), records awaiting review (supervisors), records ready to
//! export (coordinators).

use super::catalog::Catalog;
use super::workspace::Go;
use super::{errors, style};
use crate::i18n::Tr;
use crate::store::{RecordFilter, RecordRow, Role, Status, Store};

/// The home screen's data, read when it opens.
pub struct Home {
    counts: Vec<(Status, i64)>,
    mine: Vec<RecordRow>,
    /// This account's finalised interviews: how many, and the latest (form, when, status).
    finalised: (i64, Vec<crate::store::Finalised>),
    to_review: Vec<RecordRow>,
    ready: i64,
    /// The last batch written (coordinators): number, when, records.
    last_batch: Option<(i64, String, i64)>,
    error: Option<String>,
}

/// A one-line description of a record: form, when, monitor, status, and the end of its UUID
/// (which tells apart records of the same hour).
pub fn describe(rec: &RecordRow, catalog: &Catalog, tr: &Tr) -> String {
    let when = tr.when(&rec.started_at);
    let title = catalog.title(&rec.form_id, tr.lang().code());
    let short: String = rec.uuid.chars().rev().take(8).collect::<Vec<_>>().into_iter().rev().collect();
    let status = tr.t(&format!("status-{}", rec.status.as_str()));
    format!("{title} · {when} · {} · {status} · {short}", rec.monitor)
}

impl Home {
    /// Reads what the home screen shows.
    pub fn new(store: &Store, _catalog: &Catalog, tr: &Tr) -> Home {
        let session = store.session().clone();
        let read = || -> crate::store::Result<Home> {
            let counts = store.count_by_status()?;
            let mut mine = store.records(&RecordFilter {
                status: vec![Status::Draft, Status::Returned],
                monitor: Some(session.account.clone()),
                limit: 50,
                ..RecordFilter::default()
            })?;
            // Interviews closed by mistake can be reopened until the next one starts.
            let closed = store.records(&RecordFilter {
                status: vec![Status::Refused, Status::ScreenedOut],
                monitor: Some(session.account.clone()),
                limit: 20,
                ..RecordFilter::default()
            })?;
            mine.extend(closed.into_iter().filter(|r| r.reopenable));
            let finalised = store.own_finalised(5)?;
            let to_review = if session.role >= Role::Supervisor {
                store.records(&RecordFilter {
                    status: vec![Status::Completed],
                    limit: 20,
                    ..RecordFilter::default()
                })?
            } else {
                Vec::new()
            };
            let ready = counts.iter().find(|(s, _)| *s == Status::Approved).map_or(0, |(_, n)| *n);
            let last_batch = if session.role == Role::Coordinator {
                store
                    .batches()?
                    .into_iter()
                    .find(|b| b.state == "written")
                    .map(|b| (b.seq, tr.when(&b.created_at), b.records))
            } else {
                None
            };
            Ok(Home { counts, mine, finalised, to_review, ready, last_batch, error: None })
        };
        read().unwrap_or_else(|e| Home {
            counts: Vec::new(),
            mine: Vec::new(),
            finalised: (0, Vec::new()),
            to_review: Vec::new(),
            ready: 0,
            last_batch: None,
            error: Some(errors::message(tr, &e)),
        })
    }

    /// Draws the screen.
    pub fn ui(&mut self, ui: &mut egui::Ui, store: &mut Store, catalog: &mut Catalog, tr: &Tr) -> Option<Go> {
        let role = store.session().role;
        let mut go = None;
        ui.heading(tr.t("home-title"));
        if let Some(e) = &self.error {
            ui.colored_label(style::ERROR, e);
        }
        ui.horizontal_wrapped(|ui| {
            for (status, n) in &self.counts {
                egui::Frame::group(ui.style()).show(ui, |ui| {
                    ui.vertical(|ui| {
                        ui.label(egui::RichText::new(n.to_string()).size(22.0).strong());
                        ui.label(tr.t(&format!("status-{}", status.as_str())));
                    });
                });
            }
            if self.counts.is_empty() {
                ui.label(tr.t("home-no-records"));
            }
        });
        ui.add_space(10.0);
        super::controls::page(ui, |ui| {
            ui.label(egui::RichText::new(tr.t("home-to-finish")).strong());
            if self.mine.is_empty() {
                ui.colored_label(style::HINT, tr.t("home-nothing-to-finish"));
            }
            for rec in &self.mine {
                ui.horizontal(|ui| {
                    if rec.reopenable {
                        if ui.button(tr.t("iv-reopen")).clicked() {
                            go = Some(Go::Reopen(rec.uuid.clone()));
                        }
                    } else {
                        let key = if rec.status == Status::Returned { "home-correct" } else { "home-continue" };
                        if ui.button(tr.t(key)).clicked() {
                            go = Some(Go::Resume(rec.uuid.clone()));
                        }
                    }
                    ui.label(describe(rec, catalog, tr));
                });
            }
            if ui.button(tr.t("home-start")).clicked() {
                go = Some(Go::Start);
            }
            let (n, latest) = &self.finalised;
            if *n > 0 {
                ui.add_space(10.0);
                ui.label(egui::RichText::new(tr.ta("home-finalised", &[("n", (*n).into())])).strong());
                for (form, at, status) in latest {
                    let title = catalog.title(form, tr.lang().code());
                    let status = tr.t(&format!("status-{}", status.as_str()));
                    ui.colored_label(style::HINT, format!("{title} · {} · {status}", tr.when(at)));
                }
            }
            if role >= Role::Supervisor {
                ui.add_space(10.0);
                ui.label(egui::RichText::new(tr.t("home-to-review")).strong());
                if self.to_review.is_empty() {
                    ui.colored_label(style::HINT, tr.t("home-nothing-to-review"));
                }
                for rec in &self.to_review {
                    ui.horizontal(|ui| {
                        if ui.button(tr.t("home-review")).clicked() {
                            go = Some(Go::Record(rec.uuid.clone()));
                        }
                        ui.label(describe(rec, catalog, tr));
                    });
                }
            }
            if role == Role::Coordinator {
                ui.add_space(10.0);
                ui.label(egui::RichText::new(tr.t("home-export")).strong());
                ui.label(tr.ta("home-ready", &[("n", self.ready.into())]));
                match &self.last_batch {
                    Some((seq, when, n)) => ui.label(tr.ta(
                        "home-last-batch",
                        &[("seq", (*seq).into()), ("when", when.clone().into()), ("n", (*n).into())],
                    )),
                    None => ui.label(tr.t("home-no-batch")),
                };
                if ui.button(tr.t("nav-export")).clicked() {
                    go = Some(Go::Export);
                }
            }
        });
        go
    }
}

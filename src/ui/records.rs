//! The records table (supervisors and coordinators): every record on the laptop, filtered by
//! status, form, monitor, dates and free text, one page at a time so it stays quick with 100k.

use egui_extras::{Column, TableBuilder};

use super::catalog::Catalog;
use super::controls::filter_combo;
use super::workspace::Go;
use super::{errors, style};
use crate::i18n::Tr;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use crate::store::{Cancel, RecordFilter, RecordRow, Status, Store, TallyBy};

/// A page being read on another thread, and how to stop it.
struct Reading {
    result: Receiver<crate::store::Result<(i64, Vec<RecordRow>)>>,
    cancel: Cancel,
}

/// One row of the table, worded once when the page is read.
struct Line {
    uuid: String,
    /// The last 8 characters of the UUID: its random part (a UUID v7 begins with the time, alike
    /// for records of the same hour). The record view shows it whole.
    short: String,
    when: String,
    form: String,
    monitor: String,
    status: String,
    revision: String,
}

impl Line {
    fn of(rec: &RecordRow, catalog: &Catalog, tr: &Tr) -> Line {
        Line {
            uuid: rec.uuid.clone(),
            short: rec.uuid.chars().rev().take(8).collect::<Vec<_>>().into_iter().rev().collect(),
            when: tr.when(&rec.started_at),
            form: catalog.title(&rec.form_id, tr.lang().code()),
            monitor: rec.monitor.clone(),
            status: tr.t(&format!("status-{}", rec.status.as_str())),
            revision: rec.revision.to_string(),
        }
    }
}

/// Rows per page.
pub const PAGE: usize = 50;

/// The table's filters and the page shown.
pub struct RecordsPage {
    status: Option<Status>,
    form: Option<String>,
    monitor: Option<String>,
    since: String,
    until: String,
    text: String,
    page: usize,
    forms: Vec<String>,
    monitors: Vec<String>,
    rows: Vec<Line>,
    /// The interface language the lines were written in.
    lang: Option<crate::i18n::Lang>,
    total: i64,
    dirty: bool,
    reading: Option<Reading>,
    error: Option<String>,
}

impl RecordsPage {
    /// The first page of all records.
    pub fn new(store: &Store) -> RecordsPage {
        let all = RecordFilter::default();
        let forms = store.tally(&all, TallyBy::Form).map(|v| v.into_iter().map(|(f, _)| f).collect());
        RecordsPage {
            status: None,
            form: None,
            monitor: None,
            since: String::new(),
            until: String::new(),
            text: String::new(),
            page: 0,
            forms: forms.unwrap_or_default(),
            monitors: store.monitors().unwrap_or_default(),
            rows: Vec::new(),
            lang: None,
            total: 0,
            dirty: true,
            reading: None,
            error: None,
        }
    }

    /// Reads the same page again, with the same filters (back from a record).
    pub fn reload(&mut self) {
        self.dirty = true;
    }

    fn filter(&self) -> RecordFilter {
        let date = |s: &str| {
            let s = s.trim();
            (!s.is_empty()).then(|| s.to_string())
        };
        RecordFilter {
            status: self.status.into_iter().collect(),
            form_id: self.form.clone(),
            monitor: self.monitor.clone(),
            since: date(&self.since),
            until: date(&self.until),
            text: date(&self.text),
            limit: PAGE,
            offset: self.page * PAGE,
        }
    }

    /// Starts reading the page on another thread when a filter changed (a text search reads
    /// every record), and takes the result when it is there.
    pub fn refresh(&mut self, store: &Store, catalog: &Catalog, tr: &Tr) {
        if self.dirty {
            self.dirty = false;
            if let Some(old) = self.reading.take() {
                old.cancel.cancel();
            }
            let filter = self.filter();
            match store.reader() {
                Ok(reader) => {
                    let (tx, rx) = channel();
                    let cancel = reader.cancel_handle();
                    std::thread::spawn(move || {
                        let _ = tx.send(reader.page(&filter));
                    });
                    self.reading = Some(Reading { result: rx, cancel });
                }
                Err(e) => self.error = Some(errors::message(tr, &e)),
            }
        }
        if let Some(reading) = &self.reading {
            match reading.result.try_recv() {
                Ok(Ok((n, rows))) => {
                    self.total = n;
                    self.rows = rows.iter().map(|r| Line::of(r, catalog, tr)).collect();
                    self.lang = Some(tr.lang());
                    self.error = None;
                    self.reading = None;
                }
                Ok(Err(e)) => {
                    self.error = Some(errors::message(tr, &e));
                    self.reading = None;
                }
                Err(TryRecvError::Empty) => {}
                Err(TryRecvError::Disconnected) => self.reading = None,
            }
        }
        if self.reading.is_none() && self.lang != Some(tr.lang()) && !self.rows.is_empty() {
            // Switched language: the lines are worded again on the next read.
            self.dirty = true;
        }
    }

    /// Draws the screen.
    pub fn ui(&mut self, ui: &mut egui::Ui, store: &mut Store, catalog: &mut Catalog, tr: &Tr) -> Option<Go> {
        self.refresh(store, catalog, tr);
        let mut go = None;
        ui.heading(tr.t("records-title"));
        self.filters(ui, tr, catalog);
        if let Some(e) = &self.error {
            ui.colored_label(style::ERROR, e);
        }
        if self.reading.is_some() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(tr.t("records-reading"));
                if ui.button(tr.t("records-stop")).clicked()
                    && let Some(r) = self.reading.take()
                {
                    r.cancel.cancel();
                }
            });
            ui.ctx().request_repaint_after(std::time::Duration::from_millis(50));
        }
        let pages = ((self.total as usize).div_ceil(PAGE)).max(1);
        ui.horizontal(|ui| {
            ui.label(tr.ta("records-count", &[("n", self.total.into())]));
            if ui.add_enabled(self.page > 0, egui::Button::new(tr.t("records-prev"))).clicked() {
                self.page -= 1;
                self.dirty = true;
            }
            ui.label(tr.ta("records-page", &[("n", (self.page as i64 + 1).into()), ("total", (pages as i64).into())]));
            if ui.add_enabled(self.page + 1 < pages, egui::Button::new(tr.t("records-next"))).clicked() {
                self.page += 1;
                self.dirty = true;
            }
        });
        // On a narrow window (1024 pixels at a large text size) the revision and UUID columns
        // go and the questionnaire's name is clipped: the date, monitor and status stay whole.
        let wide = ui.available_width() >= 700.0;
        let keys: &[&str] = if wide {
            &["records-started", "records-form", "records-monitor", "records-status", "records-rev", "records-uuid"]
        } else {
            &["records-started", "records-monitor", "records-status", "records-form"]
        };
        let mut table = TableBuilder::new(ui).striped(true).column(Column::exact(140.0));
        table = if wide {
            table
                .column(Column::exact(160.0).clip(true))
                .column(Column::exact(110.0).clip(true))
                .column(Column::exact(130.0))
                .column(Column::exact(50.0))
                .column(Column::remainder())
        } else {
            table
                .column(Column::exact(90.0).clip(true))
                .column(Column::exact(110.0))
                .column(Column::remainder().clip(true))
        };
        table
            .header(24.0, |mut h| {
                for key in keys {
                    h.col(|ui| {
                        ui.strong(tr.t(key));
                    });
                }
            })
            .body(|mut body| {
                for line in &self.rows {
                    body.row(24.0, |mut row| {
                        row.col(|ui| {
                            if ui.link(&line.when).clicked() {
                                go = Some(Go::Record(line.uuid.clone()));
                            }
                        });
                        let cells: Vec<&String> = if wide {
                            vec![&line.form, &line.monitor, &line.status, &line.revision]
                        } else {
                            vec![&line.monitor, &line.status, &line.form]
                        };
                        for text in cells {
                            row.col(|ui| {
                                ui.label(text);
                            });
                        }
                        if wide {
                            row.col(|ui| {
                                ui.monospace(&line.short);
                            });
                        }
                    });
                }
            });
        go
    }

    fn filters(&mut self, ui: &mut egui::Ui, tr: &Tr, catalog: &Catalog) {
        let before = (self.status, self.form.clone(), self.monitor.clone());
        let all = tr.t("records-all");
        ui.horizontal_wrapped(|ui| {
            let statuses: Vec<(Status, String)> =
                Status::ALL.iter().map(|s| (*s, tr.t(&format!("status-{}", s.as_str())))).collect();
            filter_combo(ui, "f-status", &tr.t("records-status"), &all, &mut self.status, &statuses);
            let forms: Vec<(String, String)> =
                self.forms.iter().map(|f| (f.clone(), catalog.title(f, tr.lang().code()))).collect();
            filter_combo(ui, "f-form", &tr.t("records-form"), &all, &mut self.form, &forms);
            let monitors: Vec<(String, String)> = self.monitors.iter().map(|m| (m.clone(), m.clone())).collect();
            filter_combo(ui, "f-monitor", &tr.t("records-monitor"), &all, &mut self.monitor, &monitors);
        });
        let mut apply = false;
        ui.horizontal_wrapped(|ui| {
            for (key, value, hint) in [
                ("records-since", &mut self.since, tr.t("hint-iso-date")),
                ("records-until", &mut self.until, tr.t("hint-iso-date")),
                ("records-search", &mut self.text, String::new()),
            ] {
                let l = ui.label(tr.t(key));
                let r =
                    ui.add(egui::TextEdit::singleline(value).hint_text(hint).desired_width(120.0)).labelled_by(l.id);
                apply |= r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            }
            apply |= ui.button(tr.t("records-apply")).clicked();
        });
        if apply || before != (self.status, self.form.clone(), self.monitor.clone()) {
            self.page = 0;
            self.dirty = true;
        }
    }
}

//! The unlocked app: the opened store, the forms, the navigation between the screens a role may
//! use, and a notice line for what just happened.
//!
//! Screens draw and return where to go ([`Go`]); a change to the data that takes time (a key
//! derivation, a signature, a durable write) is a [`Job`]: the store goes to another thread for
//! it while the window shows what is being done, and comes back with the outcome.

use std::path::Path;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use super::catalog::Catalog;
use super::interview::InterviewPage;
use super::{Prefs, accounts, export, home, record_view, records, start, style, tables, tallies};
use crate::i18n::Tr;
use crate::store::{Role, Store};

/// Where a screen asks to go.
pub enum Go {
    /// Home.
    Home,
    /// Home, with a notice.
    HomeWith(String),
    /// Choose a questionnaire for a new interview.
    Start,
    /// An interview, started or resumed.
    Interview(Box<InterviewPage>),
    /// Resume the draft or returned record with this UUID.
    Resume(String),
    /// Reopen the interview with this UUID, closed by mistake, and resume it.
    Reopen(String),
    /// The records table.
    Records,
    /// One record for review.
    Record(String),
    /// A supervisor's decision on a record, run once the screen is drawn.
    Review(String, record_view::Review),
    /// Tallies.
    Tallies,
    /// Tables.
    Tables,
    /// Export.
    Export,
    /// Accounts and settings.
    Settings,
    /// Run a change to the data on another thread, then go on.
    Run(Job),
}

/// What a job does with the store; its success message, or why it failed.
type Work = Box<dyn FnOnce(&mut Store) -> crate::store::Result<String> + Send>;

/// A change to the data, run off the interface's thread.
pub struct Job {
    /// What the window says meanwhile ("Changing the passphrase...").
    doing: String,
    work: Work,
    /// Where to go once it succeeded (on failure the screen stays, with the error).
    then: Box<Go>,
}

impl Job {
    /// `work` runs on another thread while the window shows `doing`; once it succeeded the app
    /// goes to `then` and shows the message `work` returned.
    pub fn new(
        doing: String,
        then: Go,
        work: impl FnOnce(&mut Store) -> crate::store::Result<String> + Send + 'static,
    ) -> Job {
        Job { doing, work: Box::new(work), then: Box::new(then) }
    }
}

/// A job under way: the store is on its thread.
struct Busy {
    doing: String,
    then: Box<Go>,
    back: Receiver<(Store, crate::store::Result<String>)>,
}

enum Page {
    Home(home::Home),
    Start(start::StartForm),
    Interview(Box<InterviewPage>),
    Records(records::RecordsPage),
    Record(Box<record_view::RecordView>),
    Tallies(tallies::Tallies),
    Tables(Box<tables::TablesPage>),
    Export(export::ExportPage),
    Settings(accounts::SettingsPage),
}

/// The unlocked app.
pub struct Workspace {
    /// The store; away on a job's thread while `busy`.
    store: Option<Store>,
    session: crate::store::Session,
    busy: Option<Busy>,
    catalog: Catalog,
    page: Page,
    notice: Option<(bool, String)>,
    /// The records table left to open a record: back on it, its filters and page are kept.
    records: Option<records::RecordsPage>,
}

impl Workspace {
    /// Opens the home screen of the store's account.
    pub fn new(store: Store, dir: &Path, tr: &Tr) -> Workspace {
        let catalog = Catalog::load(dir);
        let page = Page::Home(home::Home::new(&store, &catalog, tr));
        let session = store.session().clone();
        Workspace { store: Some(store), session, busy: None, catalog, page, notice: None, records: None }
    }

    /// The account unlocked.
    pub fn account(&self) -> &str {
        &self.session.account
    }

    /// Its role.
    pub fn role(&self) -> Role {
        self.session.role
    }

    /// Whether a job has the store.
    pub fn is_busy(&self) -> bool {
        self.busy.is_some()
    }

    /// The question names on the interview screen shown now.
    pub fn current_questions(&self) -> Vec<String> {
        match &self.page {
            Page::Interview(p) => p.current_questions(),
            _ => Vec::new(),
        }
    }

    /// The record of the interview shown now.
    pub fn current_record(&self) -> Option<&str> {
        match &self.page {
            Page::Interview(p) => Some(p.uuid()),
            _ => None,
        }
    }

    /// Takes the store back from a finished job; false while it runs.
    fn job_done(&mut self, tr: &Tr) -> bool {
        let Some(busy) = &self.busy else { return true };
        match busy.back.try_recv() {
            Err(TryRecvError::Empty) => false,
            Ok((store, outcome)) => {
                self.store = Some(store);
                let Some(busy) = self.busy.take() else { return true };
                match outcome {
                    Ok(message) => {
                        self.go(*busy.then, tr);
                        self.notice = Some((false, message));
                    }
                    Err(e) => self.notice = Some((true, super::errors::message(tr, &e))),
                }
                true
            }
            Err(TryRecvError::Disconnected) => true,
        }
    }

    /// Sends the store to a thread for `job`.
    fn start(&mut self, job: Job) {
        let Some(mut store) = self.store.take() else { return };
        let (send, back) = channel();
        let Job { doing, work, then } = job;
        std::thread::spawn(move || {
            let outcome = work(&mut store);
            let _ = send.send((store, outcome));
        });
        self.busy = Some(Busy { doing, then, back });
    }

    /// Draws the unlocked app; false once the data is no longer open (a job's thread died with
    /// the store: the app locks).
    pub fn ui(&mut self, ui: &mut egui::Ui, tr: &mut Tr, prefs: &mut Prefs, dir: &Path) -> bool {
        if !self.job_done(tr) {
            let doing = self.busy.as_ref().map(|b| b.doing.clone()).unwrap_or_default();
            egui::CentralPanel::default().show(ui, |ui| {
                ui.add_space(24.0);
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(doing);
                });
            });
            ui.ctx().request_repaint_after(std::time::Duration::from_millis(50));
            return true;
        }
        if self.store.is_none() {
            return false;
        }
        let in_interview = matches!(self.page, Page::Interview(_));
        let mut go = None;
        if !in_interview {
            egui::Panel::left("nav").exact_size(190.0).resizable(false).show(ui, |ui| {
                go = self.nav(ui, tr);
            });
        }
        egui::CentralPanel::default().show(ui, |ui| {
            if let Some((error, text)) = self.notice.clone() {
                let color = if error { style::ERROR } else { style::OK };
                ui.horizontal(|ui| {
                    ui.colored_label(color, text);
                    if ui.small_button("×").on_hover_text(tr.t("notice-dismiss")).clicked() {
                        self.notice = None;
                    }
                });
                ui.separator();
            }
            let Some(store) = self.store.as_mut() else { return };
            let catalog = &mut self.catalog;
            let r = match &mut self.page {
                Page::Home(p) => p.ui(ui, store, catalog, tr),
                Page::Start(p) => p.ui(ui, store, catalog, tr),
                Page::Interview(p) => p.ui(ui, store, tr),
                Page::Records(p) => p.ui(ui, store, catalog, tr),
                Page::Record(p) => p.ui(ui, store, tr),
                Page::Tallies(p) => p.ui(ui, store, tr),
                Page::Tables(p) => super::controls::page(ui, |ui| p.ui(ui, store, catalog, tr)),
                Page::Export(p) => p.ui(ui, store, catalog, tr),
                Page::Settings(p) => p.ui(ui, store, tr, prefs, dir),
            };
            go = go.take().or(r);
        });
        if let Some(g) = go {
            self.go(g, tr);
        }
        true
    }

    fn nav(&mut self, ui: &mut egui::Ui, tr: &Tr) -> Option<Go> {
        let role = self.role();
        let mut go = None;
        ui.add_space(6.0);
        let mut item = |ui: &mut egui::Ui, on: bool, key: &str, to: fn() -> Go| {
            let r = ui.add_sized([170.0, 30.0], egui::Button::selectable(on, tr.t(key)));
            if r.clicked() {
                go = Some(to());
            }
        };
        item(ui, matches!(self.page, Page::Home(_)), "nav-home", || Go::Home);
        item(ui, matches!(self.page, Page::Start(_)), "nav-new-interview", || Go::Start);
        if role >= Role::Supervisor {
            item(ui, matches!(self.page, Page::Records(_) | Page::Record(_)), "nav-records", || Go::Records);
            item(ui, matches!(self.page, Page::Tallies(_)), "nav-tallies", || Go::Tallies);
            item(ui, matches!(self.page, Page::Tables(_)), "nav-tables", || Go::Tables);
        }
        if role == Role::Coordinator {
            item(ui, matches!(self.page, Page::Export(_)), "nav-export", || Go::Export);
        }
        item(ui, matches!(self.page, Page::Settings(_)), "nav-settings", || Go::Settings);
        go
    }

    fn go(&mut self, go: Go, tr: &Tr) {
        // The interview left behind is written before the next screen reads the records.
        if let Page::Interview(p) = &mut self.page {
            p.flush(tr);
        }
        if let Go::Run(job) = go {
            return self.start(job);
        }
        let Some(store) = self.store.as_mut() else { return };
        let page = match go {
            Go::Run(_) => return,
            Go::Home => {
                self.notice = None;
                Page::Home(home::Home::new(store, &self.catalog, tr))
            }
            Go::HomeWith(text) => {
                self.notice = Some((false, text));
                Page::Home(home::Home::new(store, &self.catalog, tr))
            }
            Go::Start => {
                // Read once, here: starting purges the interviews this monitor closed.
                let closed = crate::store::RecordFilter {
                    status: vec![crate::store::Status::Refused, crate::store::Status::ScreenedOut],
                    monitor: Some(store.session().account.clone()),
                    limit: 50,
                    ..Default::default()
                };
                let reopenable = store.records(&closed).map_or(0, |r| r.iter().filter(|r| r.reopenable).count());
                Page::Start(start::StartForm::new(&self.catalog, reopenable))
            }
            Go::Interview(p) => {
                self.notice = None;
                Page::Interview(p)
            }
            Go::Reopen(uuid) => {
                if let Err(e) = store.reopen_closed(&uuid) {
                    self.notice = Some((true, super::errors::message(tr, &e)));
                    return;
                }
                self.go(Go::Resume(uuid), tr);
                if let Page::Interview(p) = &mut self.page {
                    p.show_closing_question();
                }
                return;
            }
            Go::Resume(uuid) => {
                let opened = store
                    .record(&uuid)
                    .and_then(|rec| self.catalog.by_hash(store, &rec.form_hash))
                    .and_then(|form| InterviewPage::resume(store, form, &uuid));
                match opened {
                    Ok(p) => Page::Interview(Box::new(p)),
                    Err(e) => {
                        self.notice = Some((true, super::errors::message(tr, &e)));
                        return;
                    }
                }
            }
            Go::Review(uuid, action) => {
                let (doing, done) = match &action {
                    record_view::Review::Approve => ("record-approving", tr.t("record-approved")),
                    record_view::Review::Return(_) => ("record-returning", tr.t("record-returned")),
                    record_view::Review::Withdraw => ("record-withdrawing", tr.t("record-withdrawn")),
                };
                return self.start(Job::new(tr.t(doing), Go::Home, move |store| {
                    match &action {
                        record_view::Review::Approve => store.approve(&uuid),
                        record_view::Review::Return(comment) => store.return_record(&uuid, comment),
                        record_view::Review::Withdraw => store.withdraw(&uuid),
                    }
                    .map(|()| done)
                }));
            }
            Go::Records => Page::Records(match self.records.take() {
                Some(mut kept) => {
                    kept.reload();
                    kept
                }
                None => records::RecordsPage::new(store),
            }),
            Go::Record(uuid) => match record_view::RecordView::new(store, &mut self.catalog, &uuid, tr) {
                Ok(v) => Page::Record(Box::new(v)),
                Err(e) => {
                    self.notice = Some((true, e));
                    return;
                }
            },
            Go::Tallies => Page::Tallies(tallies::Tallies::new(store, tr)),
            Go::Tables => Page::Tables(Box::new(tables::TablesPage::new(store))),
            Go::Export => Page::Export(export::ExportPage::new(store)),
            Go::Settings => Page::Settings(accounts::SettingsPage::new(store)),
        };
        let left = std::mem::replace(&mut self.page, page);
        if let (Page::Records(table), Page::Record(_)) = (left, &self.page) {
            self.records = Some(table);
        }
    }
}

impl Drop for Workspace {
    /// Locking or closing during a job waits for it: the data is never left half changed, and
    /// the folder is free to open again.
    fn drop(&mut self) {
        if let Some(busy) = self.busy.take() {
            let _ = busy.back.recv();
        }
    }
}

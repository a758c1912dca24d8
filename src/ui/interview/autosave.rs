//! Autosave off the interface's thread: each answer's save goes to a thread with its own
//! connection to the data ([`Store::autosaver`]), which writes it in its own durable
//! transaction while the monitor goes on typing. Saves waiting behind a slow disk are taken
//! together (the latest answers, every audit event of each). The page shows "Saved" once the
//! last one committed; a save that fails gives its events back, to go with the next one.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;

use crate::interview::{AuditEvent, Interview};
use crate::store::{Store, StoreError};

struct Job {
    seq: u64,
    uuid: String,
    iv: Box<Interview>,
    events: Vec<AuditEvent>,
}

enum Done {
    Saved(u64),
    Failed(u64, StoreError, Vec<AuditEvent>),
}

/// The saving thread, and how far it got.
pub struct Autosaver {
    jobs: Option<Sender<Job>>,
    done: Receiver<Done>,
    thread: Option<JoinHandle<()>>,
    sent: u64,
    saved: u64,
}

impl Autosaver {
    /// Starts the thread on a second connection to `store`'s data.
    pub fn start(store: &Store) -> crate::store::Result<Autosaver> {
        let mut twin = store.autosaver()?;
        let (jobs, inbox) = channel::<Job>();
        let (report, done) = channel();
        let thread = std::thread::Builder::new()
            .name("fourmi-autosave".into())
            .spawn(move || {
                while let Ok(mut job) = inbox.recv() {
                    // Everything queued meanwhile: the latest answers, every event in order.
                    while let Ok(next) = inbox.try_recv() {
                        let mut events = std::mem::take(&mut job.events);
                        events.extend(next.events.iter().cloned());
                        job = Job { events, ..next };
                    }
                    let result = match twin.autosave(&job.uuid, &job.iv, &job.events) {
                        Ok(()) => Done::Saved(job.seq),
                        Err(e) => Done::Failed(job.seq, e, job.events),
                    };
                    if report.send(result).is_err() {
                        break;
                    }
                }
            })
            .map_err(|e| StoreError::said("err-autosave-thread", &[("detail", e.to_string())]))?;
        Ok(Autosaver { jobs: Some(jobs), done, thread: Some(thread), sent: 0, saved: 0 })
    }

    /// Queues a save of `iv` with `events` (the events since the last save).
    pub fn send(&mut self, uuid: &str, iv: &Interview, events: Vec<AuditEvent>) {
        self.sent += 1;
        let job = Job { seq: self.sent, uuid: uuid.to_string(), iv: Box::new(iv.clone()), events };
        if let Some(jobs) = &self.jobs {
            let _ = jobs.send(job);
        }
    }

    /// Takes what the thread finished; a failure comes back with its events.
    pub fn poll(&mut self) -> Vec<(StoreError, Vec<AuditEvent>)> {
        let mut failed = Vec::new();
        while let Ok(done) = self.done.try_recv() {
            self.take(done, &mut failed);
        }
        failed
    }

    /// Waits until every save sent has been written (before the record is used otherwise).
    pub fn flush(&mut self) -> Vec<(StoreError, Vec<AuditEvent>)> {
        let mut failed = Vec::new();
        while self.saved < self.sent {
            match self.done.recv() {
                Ok(done) => self.take(done, &mut failed),
                Err(_) => break,
            }
        }
        failed
    }

    fn take(&mut self, done: Done, failed: &mut Vec<(StoreError, Vec<AuditEvent>)>) {
        match done {
            Done::Saved(seq) => self.saved = self.saved.max(seq),
            Done::Failed(seq, e, events) => {
                self.saved = self.saved.max(seq);
                failed.push((e, events));
            }
        }
    }

    /// Whether every answer given so far is written.
    pub fn is_saved(&self) -> bool {
        self.saved >= self.sent
    }
}

impl Drop for Autosaver {
    /// The last saves are written before the page goes (leaving, locking, quitting).
    fn drop(&mut self) {
        self.jobs = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

//! Audit events, named as ODK Collect's audit log names them ("form start", "question", "jump",
//! "add repeat", "delete repeat", "constraint error", "form finalize", ...), plus fourmi's
//! "consent refused" and "screened out". No answer is ever put in an event.

use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// One audit event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    /// ODK's event name.
    pub event: String,
    /// The item instance's path, for events about one (`/4mi_core/incident[2]/perpetrators`).
    pub node: Option<String>,
    /// Wall-clock time: the opening time plus the monotonic time elapsed since.
    pub at: DateTime<FixedOffset>,
    /// Milliseconds since the interview was opened (monotonic).
    pub elapsed_ms: u64,
}

impl AuditEvent {
    /// An event `elapsed` after `opened_at`.
    pub fn new(event: &str, node: Option<String>, opened_at: DateTime<FixedOffset>, elapsed: Duration) -> Self {
        let at = opened_at + chrono::Duration::from_std(elapsed).unwrap_or_default();
        AuditEvent {
            event: event.to_string(),
            node,
            at,
            elapsed_ms: u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
        }
    }
}

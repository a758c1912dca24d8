//! A laptop's approved COVID-19 records as an export set, filled through the engine, with the
//! laptop's keys, a supervisor's approvals and headquarters' identity (the batch benchmarks).

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;
use fourmi::batch::export::Signer;
use fourmi::store::hq::{Database, Hq};
use fourmi::store::roster::{Roster, RosterEntry, public_b64};
use fourmi::store::{Approval, ExportRecord, ExportSet, RecordRow, Role, Status, StatusChange};

use super::fixtures::{covid, interview};

/// Records per batch.
pub const N: usize = 100_000;

pub struct Bench {
    pub set: ExportSet,
    pub device: String,
    pub key: SigningKey,
    /// The supervisor who approves every record.
    pub sam: SigningKey,
    pub identity_file: PathBuf,
    pub recipient: String,
    pub dir: tempfile::TempDir,
}

impl Bench {
    /// A laptop's `n` approved records, its keys, and headquarters' identity.
    pub fn new(n: usize) -> Bench {
        let definition =
            std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("forms/4mi-covid19.toml")).unwrap();
        let hash = fourmi::batch::sha256_hex(definition.as_bytes());
        let device = uuid::Uuid::new_v4().to_string();
        let key = SigningKey::generate(&mut rand::rngs::OsRng);
        // A supervisor `sam` in the laptop's signed account list approves every record.
        let sam = SigningKey::generate(&mut rand::rngs::OsRng);
        let roster = Roster {
            device_id: device.clone(),
            version: 1,
            accounts: vec![RosterEntry {
                name: "sam".into(),
                role: Role::Supervisor,
                key: Some(public_b64(&sam)),
                recipient: None,
                disabled: false,
            }],
        };
        let dir = tempfile::tempdir().unwrap();
        let identity = age::x25519::Identity::generate();
        let recipient = identity.to_public().to_string();
        use age::secrecy::ExposeSecret;
        let identity_file = dir.path().join("hq.txt");
        std::fs::write(&identity_file, format!("{}\n", identity.to_string().expose_secret())).unwrap();
        let mut b = Bench {
            set: ExportSet {
                records: Vec::new(),
                tombstones: vec![],
                forms: vec![(hash, definition)],
                without_consent: 0,
                unapproved: vec![],
                accounts: Some(roster.sign(&key)),
                unsigned_withdrawals: vec![],
            },
            device,
            key,
            sam,
            identity_file,
            recipient,
            dir,
        };
        b.set.records = b.records(0..n);
        b
    }

    /// The laptop's records number `range` (each a new interview, approved by `sam`).
    pub fn records(&self, range: std::ops::Range<usize>) -> Vec<ExportRecord> {
        let f = covid();
        let hash = &self.set.forms[0].0;
        range
            .map(|i| {
                let iv = interview(&f, i);
                let at = format!("2026-11-{:02}T10:{:02}:00.000+00:00", 1 + i % 28, i % 60);
                let uuid = uuid::Uuid::now_v7().to_string();
                let approval =
                    Approval::sign(&self.sam, &self.device, &uuid, 1, "not checked at headquarters", "sam", &at);
                ExportRecord {
                    approval: Some(approval),
                    row: RecordRow {
                        uuid,
                        form_id: f.form.id.clone(),
                        form_version: f.form.version.clone(),
                        form_hash: hash.clone(),
                        monitor: format!("mon{:02}", i % 20),
                        device_id: self.device.clone(),
                        started_at: at.clone(),
                        updated_at: at.clone(),
                        completed_at: Some(at.clone()),
                        language: "English (en)".into(),
                        consent_interview: Some(true),
                        consent_at: Some(at.clone()),
                        consent_recontact: None,
                        status: Status::Approved,
                        revision: 1,
                        answers: serde_json::Value::Object(iv.answers_json()),
                        position: None,
                        reopenable: false,
                    },
                    history: vec![
                        StatusChange { status: "completed".into(), at: at.clone(), by: "ana".into() },
                        StatusChange { status: "approved".into(), at, by: "sam".into() },
                    ],
                }
            })
            .collect()
    }
}

impl Bench {
    pub fn signer(&self) -> Signer {
        self.signer_for(1)
    }
    /// The laptop's signer for batch number `seq`.
    pub fn signer_for(&self, seq: i64) -> Signer {
        Signer {
            device_id: self.device.clone(),
            seq,
            reexport_of: None,
            key: self.key.clone(),
            recipients: vec![self.recipient.clone()],
            created_at: "2026-11-28T12:00:00.000+00:00".into(),
        }
    }
    /// The payload's first line for batch 1 of this laptop.
    pub fn line(&self) -> fourmi::batch::payload::BatchLine {
        fourmi::batch::payload::BatchLine {
            format: fourmi::batch::envelope::FORMAT,
            device_id: self.device.clone(),
            seq: 1,
            created_at: "x".into(),
            coarsen: "none".into(),
            k: None,
        }
    }
    pub fn device_line(&self) -> String {
        use base64::Engine;
        let public = base64::engine::general_purpose::STANDARD.encode(self.key.verifying_key().to_bytes());
        format!("fourmi-device {} {public}", self.device)
    }
    /// A fresh headquarters database with the laptop registered.
    pub fn hq(&self, at: &Path) -> Hq {
        self.hq_at(&Database::Embedded(at.to_path_buf()))
    }
    /// A fresh headquarters database at `place` with the laptop registered.
    pub fn hq_at(&self, place: &Database) -> Hq {
        let mut hq = Hq::init_at(place, &self.identity_file, &self.recipient).unwrap();
        hq.add_device(&self.device_line(), "bench").unwrap();
        hq
    }
}

/// Writes `records` as the rows of headquarters' records table, as CSV (what `sqlite3 .import`
/// and PostgreSQL's `COPY` load in the comparisons).
pub fn rows_csv(records: &[fourmi::store::hq::Record], path: &Path) {
    let mut w = csv::Writer::from_path(path).unwrap();
    for r in records {
        let answers = serde_json::Value::Object(r.answers.clone()).to_string();
        let history = serde_json::to_string(&r.history).unwrap();
        w.write_record([
            r.uuid.as_str(),
            &r.form_hash,
            &r.form_id,
            &r.form_version,
            &r.monitor,
            &r.device_id,
            &r.started_at,
            r.completed_at.as_deref().unwrap_or(""),
            &r.language,
            "1",
            r.consent_at.as_deref().unwrap_or(""),
            "",
            &r.status,
            "1",
            &answers,
            &history,
        ])
        .unwrap();
    }
    w.flush().unwrap();
}

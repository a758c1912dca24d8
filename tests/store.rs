//! The encrypted store: setup and unlock, roles, the record lifecycle, corrections, withdrawal,
//! the audit chain, and what a copied database file reveals (nothing).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use fourmi::form::{self, Compiled};
use fourmi::interview::{Interview, Loc, StartInfo};
use fourmi::store::{RecordFilter, Role, Setup, Status, Store, StoreError};
use serde_json::json;

const COORD_PASS: &str = "coordinator passphrase";
const MON_PASS: &str = "monitor passphrase";
const SUP_PASS: &str = "supervisor passphrase";

fn setup(dir: &Path) {
    let mut s = Store::setup(
        dir,
        &Setup {
            coordinator: "chief".into(),
            passphrase: COORD_PASS.into(),
            device_name: "laptop 1".into(),
            recipients: vec!["age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p".into()],
        },
    )
    .unwrap();
    s.add_account("ana", Role::Monitor, MON_PASS).unwrap();
    s.add_account("sam", Role::Supervisor, SUP_PASS).unwrap();
}

fn form() -> Arc<Compiled> {
    let md = "| survey |\n| | type | name | label | required |\n| | text | town | Town | yes |\n| | integer | age | Age | yes |\n";
    let loaded = form::from_workbook(&form::read_md(md), "mini", None);
    Arc::new(Compiled::new(loaded.form))
}

fn info() -> StartInfo {
    StartInfo {
        language: String::new(),
        device_id: "d".into(),
        username: "ana".into(),
        opened_at: chrono::Utc::now().fixed_offset(),
    }
}

/// A completed record by `ana`, with `town` answered `town`.
fn completed_record(dir: &Path, town: &str) -> String {
    let f = form();
    let mut s = Store::open(dir, "ana", MON_PASS).unwrap();
    let hash = s.save_form("definition text", "mini", "1").unwrap();
    let mut iv = Interview::start(f.clone(), info());
    let uuid = s.create_record(&hash, &iv, &iv.clone().drain_events()).unwrap();
    iv.set_answer(&Loc::top(f.id("town").unwrap()), town, Duration::from_secs(1)).unwrap();
    s.autosave(&uuid, &iv, &[]).unwrap();
    iv.set_answer(&Loc::top(f.id("age").unwrap()), "31", Duration::from_secs(2)).unwrap();
    iv.finalize(Duration::from_secs(3)).unwrap();
    s.complete(&uuid, &iv, &[]).unwrap();
    uuid
}

#[test]
fn setup_then_unlock_with_the_right_passphrase_only() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    assert!(matches!(Store::open(dir.path(), "chief", "not the passphrase"), Err(StoreError::WrongPassphrase)));
    assert!(matches!(Store::open(dir.path(), "nobody", COORD_PASS), Err(StoreError::WrongPassphrase)));
    let s = Store::open(dir.path(), "ana", MON_PASS).unwrap();
    assert_eq!(s.session().role, Role::Monitor);
    assert!(s.device_pubkey().unwrap().starts_with("fourmi-device "));
}

#[test]
fn a_second_opener_is_told_the_data_is_already_open() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    let _first = Store::open(dir.path(), "chief", COORD_PASS).unwrap();
    let second = Store::open(dir.path(), "ana", MON_PASS).unwrap_err();
    assert!(matches!(second, StoreError::AlreadyOpen(_)));
    assert!(second.to_string().contains("already open"));
}

#[test]
fn setting_up_twice_is_refused_and_opening_nothing_says_to_set_up() {
    let dir = tempfile::tempdir().unwrap();
    assert!(matches!(Store::open(dir.path(), "chief", COORD_PASS), Err(StoreError::NotSetUp(_))));
    setup(dir.path());
    let again = Store::setup(
        dir.path(),
        &Setup { coordinator: "x1".into(), passphrase: COORD_PASS.into(), device_name: "d".into(), recipients: vec![] },
    );
    assert!(matches!(again, Err(StoreError::AlreadySetUp(_))));
}

#[test]
fn roles_limit_what_each_account_can_do() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    let uuid = completed_record(dir.path(), "Kayes");
    {
        let mut ana = Store::open(dir.path(), "ana", MON_PASS).unwrap();
        assert!(matches!(ana.add_account("eve", Role::Coordinator, "some passphrase"), Err(StoreError::Forbidden(_))));
        assert!(matches!(ana.approve(&uuid), Err(StoreError::Forbidden(_))));
        assert!(
            ana.records(&RecordFilter::default()).unwrap().is_empty(),
            "a monitor lists only drafts and returned records"
        );
        assert!(ana.device_signing_key().is_err());
    }
    let mut sam = Store::open(dir.path(), "sam", SUP_PASS).unwrap();
    assert_eq!(sam.records(&RecordFilter::default()).unwrap().len(), 1);
    assert!(matches!(
        sam.add_recipient("age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"),
        Err(StoreError::Forbidden(_))
    ));
    sam.approve(&uuid).unwrap();
}

#[test]
fn a_returned_record_is_corrected_by_its_monitor_with_history() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    let uuid = completed_record(dir.path(), "Kayes");
    {
        let mut sam = Store::open(dir.path(), "sam", SUP_PASS).unwrap();
        assert!(sam.return_record(&uuid, "  ").is_err(), "a return needs a comment");
        sam.return_record(&uuid, "The town is Bamako, check with the respondent").unwrap();
    }
    {
        let f = form();
        let mut ana = Store::open(dir.path(), "ana", MON_PASS).unwrap();
        let listed = ana.records(&RecordFilter::default()).unwrap();
        assert_eq!((listed.len(), listed[0].status), (1, Status::Returned));
        assert_eq!(ana.comments(&uuid).unwrap()[0].2, "The town is Bamako, check with the respondent");
        let rec = ana.record(&uuid).unwrap();
        let mut iv = Interview::resume(
            f.clone(),
            info(),
            rec.answers.as_object().unwrap(),
            rec.position,
            fourmi::interview::Outcome::InProgress,
        );
        iv.set_answer(&Loc::top(f.id("town").unwrap()), "Bamako", Duration::from_secs(1)).unwrap();
        ana.autosave(&uuid, &iv, &[]).unwrap();
        assert_eq!(ana.record(&uuid).unwrap().status, Status::Draft);
        iv.finalize(Duration::from_secs(2)).unwrap();
        ana.complete(&uuid, &iv, &[]).unwrap();
        let corrections = ana.corrections(&uuid).unwrap();
        assert_eq!(corrections.len(), 1);
        let (revision, field, old, new, author, _) = &corrections[0];
        assert_eq!(
            (*revision, field.as_str(), old.as_deref(), new.as_deref(), author.as_str()),
            (2, "town", Some("\"Kayes\""), Some("\"Bamako\""), "ana")
        );
    }
}

#[test]
fn every_illegal_status_move_is_refused_and_every_legal_one_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    let uuid = completed_record(dir.path(), "Gao");
    let mut chief = Store::open(dir.path(), "chief", COORD_PASS).unwrap();
    assert!(
        matches!(chief.mark_exported(&uuid, "b1"), Err(StoreError::IllegalTransition { .. })),
        "completed cannot skip approval"
    );
    chief.approve(&uuid).unwrap();
    assert!(matches!(chief.approve(&uuid), Err(StoreError::IllegalTransition { .. })));
    assert!(matches!(chief.return_record(&uuid, "x"), Err(StoreError::IllegalTransition { .. })));
    chief.mark_exported(&uuid, "b1").unwrap();
    chief.withdraw(&uuid).unwrap();
    assert!(matches!(chief.withdraw(&uuid), Err(StoreError::IllegalTransition { .. })));
    let actions: Vec<String> = chief.audit_for(&uuid).unwrap().into_iter().map(|a| a.action).collect();
    for a in ["record create", "status completed", "status approved", "status exported", "status withdrawn"] {
        assert!(actions.contains(&a.to_string()), "{a} missing from {actions:?}");
    }
    // The lifecycle table itself.
    for from in Status::ALL {
        for to in Status::ALL {
            let legal = from.can_become(to);
            let expected = matches!(
                (from.as_str(), to.as_str()),
                ("draft", "completed" | "refused" | "screened_out")
                    | ("completed", "approved" | "returned")
                    | ("returned", "draft")
                    | ("approved", "exported")
            ) || (to == Status::Withdrawn && from != Status::Withdrawn);
            assert_eq!(legal, expected, "{from:?} -> {to:?}");
        }
    }
}

#[test]
fn withdrawal_purges_the_answers_and_keeps_a_tombstone() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    let uuid = completed_record(dir.path(), "Mopti");
    let mut sam = Store::open(dir.path(), "sam", SUP_PASS).unwrap();
    sam.withdraw(&uuid).unwrap();
    let rec = sam.record(&uuid).unwrap();
    assert_eq!((rec.status, rec.answers.clone()), (Status::Withdrawn, json!({})));
}

#[test]
fn the_audit_chain_shows_where_a_row_was_changed_or_removed() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    completed_record(dir.path(), "Gao");
    {
        let s = Store::open(dir.path(), "chief", COORD_PASS).unwrap();
        assert_eq!(s.verify_audit().unwrap(), None);
    }
    // Tamper from outside, as someone with the key and sqlite would.
    let ring = fourmi::store::keyring::Keyring::load(&dir.path().join("keyring.json")).unwrap();
    let (key, _) = ring.open("chief", COORD_PASS).unwrap();
    let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    let conn = rusqlite::Connection::open(dir.path().join("fourmi.db")).unwrap();
    conn.execute_batch(&format!("PRAGMA key = \"x'{hex}'\"; UPDATE audit SET actor = 'someone else' WHERE seq = 3;"))
        .unwrap();
    drop(conn);
    let s = Store::open(dir.path(), "chief", COORD_PASS).unwrap();
    let broken = s.verify_audit().unwrap().expect("the change is found");
    assert_eq!(broken.seq, 3);
    drop(s);
    let conn = rusqlite::Connection::open(dir.path().join("fourmi.db")).unwrap();
    conn.execute_batch(&format!("PRAGMA key = \"x'{hex}'\"; DELETE FROM audit WHERE seq = 5;")).unwrap();
    drop(conn);
    let s = Store::open(dir.path(), "chief", COORD_PASS).unwrap();
    assert_eq!(s.verify_audit().unwrap().unwrap().seq, 3, "the first break is reported first");
}

#[test]
fn a_distinctive_answer_never_appears_in_any_file_and_a_wrong_key_opens_nothing() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    let canary = "Zzq-canary-7731-Timbuktu";
    let uuid = completed_record(dir.path(), canary);
    {
        // Keep the store open so the WAL is still there while files are read.
        let s = Store::open(dir.path(), "chief", COORD_PASS).unwrap();
        assert_eq!(s.record(&uuid).unwrap().answers["town"], json!(canary));
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            assert!(
                !bytes.windows(canary.len()).any(|w| w == canary.as_bytes()),
                "{} holds the answer in clear",
                path.display()
            );
            assert!(!bytes.windows(6).any(|w| w == b"SQLite"), "{} looks like a plain SQLite file", path.display());
        }
    }
    let conn = rusqlite::Connection::open(dir.path().join("fourmi.db")).unwrap();
    conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", "00".repeat(32))).unwrap();
    assert!(conn.query_row("SELECT count(*) FROM records", [], |r| r.get::<_, i64>(0)).is_err());
}

#[test]
fn a_resumed_draft_comes_back_at_the_exact_position() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    let f = form();
    let uuid;
    let position;
    {
        let mut s = Store::open(dir.path(), "ana", MON_PASS).unwrap();
        let hash = s.save_form("def", "mini", "1").unwrap();
        let mut iv = Interview::start(f.clone(), info());
        uuid = s.create_record(&hash, &iv, &[]).unwrap();
        iv.set_answer(&Loc::top(f.id("town").unwrap()), "Gao", Duration::from_secs(1)).unwrap();
        iv.next(Duration::from_secs(2)).unwrap();
        position = iv.current();
        let events = iv.drain_events();
        s.autosave(&uuid, &iv, &events).unwrap();
    }
    let s = Store::open(dir.path(), "ana", MON_PASS).unwrap();
    let rec = s.record(&uuid).unwrap();
    assert_eq!(rec.position, Some(position.clone()));
    let iv = Interview::resume(
        f,
        info(),
        rec.answers.as_object().unwrap(),
        rec.position,
        fourmi::interview::Outcome::InProgress,
    );
    assert_eq!(iv.current(), position);
    let actions: Vec<String> = s.audit_for(&uuid).unwrap().into_iter().map(|a| a.action).collect();
    assert!(actions.contains(&"form start".to_string()) && actions.contains(&"question".to_string()), "{actions:?}");
}

#[test]
fn a_reset_passphrase_opens_and_the_old_one_does_not() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    {
        let mut chief = Store::open(dir.path(), "chief", COORD_PASS).unwrap();
        chief.set_passphrase("ana", "a brand new passphrase").unwrap();
        chief.disable_account("sam").unwrap();
    }
    assert!(Store::open(dir.path(), "ana", MON_PASS).is_err());
    assert!(Store::open(dir.path(), "ana", "a brand new passphrase").is_ok());
    assert!(Store::open(dir.path(), "sam", SUP_PASS).is_err(), "a disabled account cannot unlock");
}

#[test]
fn records_come_in_pages_newest_first_and_are_counted_with_the_same_filter() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    let uuids: Vec<String> = (0..7).map(|i| completed_record(dir.path(), &format!("town{i}"))).collect();
    let s = Store::open(dir.path(), "sam", SUP_PASS).unwrap();
    let page = |offset| RecordFilter { limit: 3, offset, ..RecordFilter::default() };
    let seen: Vec<String> = (0..3).flat_map(|p| s.records(&page(p * 3)).unwrap()).map(|r| r.uuid).collect();
    let mut newest_first = uuids.clone();
    newest_first.reverse();
    assert_eq!(seen, newest_first, "pages follow each other without gap or repeat");
    assert_eq!(s.count_records(&page(0)).unwrap(), 7, "the count ignores the page");
    let town3 = RecordFilter { text: Some("town3".into()), ..RecordFilter::default() };
    assert_eq!(s.count_records(&town3).unwrap(), 1);
}

#[test]
fn a_search_matches_what_records_say_in_every_language_never_question_names() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    let gao = completed_record(dir.path(), "gao");
    let kayes = completed_record(dir.path(), "kayes");
    let md = "| survey |\n| | type | name | label | label::Français (fr) |\n| | select_one sex | sex | Sex | Sexe |\n| choices |\n| | list_name | name | label | label::Français (fr) |\n| | sex | female | Woman | Femme |\n| | sex | male | Man | Homme |\n";
    let f = Arc::new(Compiled::new(form::from_workbook(&form::read_md(md), "sexes", None).form));
    let woman = {
        let mut s = Store::open(dir.path(), "ana", MON_PASS).unwrap();
        let hash = s.save_form(md, "sexes", "1").unwrap();
        let mut iv = Interview::start(f.clone(), info());
        let uuid = s.create_record(&hash, &iv, &[]).unwrap();
        iv.set_answer(&Loc::top(f.id("sex").unwrap()), "female", Duration::from_secs(1)).unwrap();
        iv.finalize(Duration::from_secs(2)).unwrap();
        s.complete(&uuid, &iv, &[]).unwrap();
        uuid
    };
    let s = Store::open(dir.path(), "sam", SUP_PASS).unwrap();
    let search = |text: &str| {
        let f = RecordFilter { text: Some(text.into()), ..RecordFilter::default() };
        s.records(&f).unwrap().into_iter().map(|r| r.uuid).collect::<Vec<_>>()
    };
    assert!(search("town").is_empty(), "a question's name is not an answer");
    assert!(search("sex").is_empty());
    assert_eq!(search("ga"), std::slice::from_ref(&gao), "the start of a word of an answer");
    // (A record's id can hold these digits too: the search also finds records by their id.)
    let thirty_one = search("31");
    assert!(thirty_one.contains(&gao) && thirty_one.contains(&kayes), "numbers too");
    assert_eq!(search("Femme"), std::slice::from_ref(&woman), "a choice's label in French");
    assert_eq!(search("woman"), std::slice::from_ref(&woman), "and in English, whatever the case");
    assert_eq!(search("female"), std::slice::from_ref(&woman), "and its name");
    assert_eq!(search(&gao[gao.len() - 8..]), [gao], "the end of a UUID");
    assert_eq!(search("ana").len(), 3, "the monitor");
}

#[test]
fn tallies_group_what_the_session_may_see() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    let first = completed_record(dir.path(), "gao");
    completed_record(dir.path(), "kayes");
    let mut s = Store::open(dir.path(), "sam", SUP_PASS).unwrap();
    s.approve(&first).unwrap();
    let all = RecordFilter::default();
    let by_status = s.tally(&all, fourmi::store::TallyBy::Status).unwrap();
    assert_eq!(by_status, vec![("approved".to_string(), 1), ("completed".to_string(), 1)]);
    assert_eq!(s.tally(&all, fourmi::store::TallyBy::Monitor).unwrap(), vec![("ana".to_string(), 2)]);
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    assert_eq!(s.tally(&all, fourmi::store::TallyBy::Day).unwrap(), vec![(today, 2)]);
    assert_eq!(s.monitors().unwrap(), vec!["ana".to_string()]);
    drop(s);
    let ana = Store::open(dir.path(), "ana", MON_PASS).unwrap();
    assert!(
        ana.tally(&all, fourmi::store::TallyBy::Status).unwrap().is_empty(),
        "a monitor sees only drafts and returns"
    );
}

#[test]
fn a_reader_on_another_thread_sees_the_same_page_with_the_same_rights() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    for town in ["gao", "kayes", "mopti"] {
        completed_record(dir.path(), town);
    }
    let s = Store::open(dir.path(), "sam", SUP_PASS).unwrap();
    let filter = RecordFilter { text: Some("kayes".into()), limit: 10, ..RecordFilter::default() };
    let reader = s.reader().unwrap();
    let (n, rows) = std::thread::spawn(move || reader.page(&filter).unwrap()).join().unwrap();
    assert_eq!(n, 1);
    assert_eq!(rows[0].answers["town"], "kayes");
    drop(s);
    let ana = Store::open(dir.path(), "ana", MON_PASS).unwrap();
    let (n, _) = ana.reader().unwrap().page(&RecordFilter::default()).unwrap();
    assert_eq!(n, 0, "a monitor's reader sees only the monitor's drafts and returns");
}

#[test]
fn the_recontact_question_named_in_the_settings_sets_the_recontact_flag() {
    let md = "| settings |\n| | form_id | recontact_question |\n| | mini | may_call |\n| survey |\n| | type | name | label |\n| | text | town | Town |\n| | select_one yn | may_call | May we call you again? |\n| choices |\n| | list_name | name | label |\n| | yn | yes | Yes |\n| | yn | no | No |\n";
    let loaded = form::from_workbook(&form::read_md(md), "mini", None);
    assert!(loaded.is_valid(), "{:?}", loaded.diags);
    let f = Arc::new(Compiled::new(loaded.form));
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    let mut s = Store::open(dir.path(), "ana", MON_PASS).unwrap();
    let hash = s.save_form("definition", "mini", "1").unwrap();
    let mut iv = Interview::start(f.clone(), info());
    let uuid = s.create_record(&hash, &iv, &[]).unwrap();
    assert_eq!(s.record(&uuid).unwrap().consent_recontact, None, "not asked yet");
    iv.set_answer(&Loc::top(f.id("may_call").unwrap()), "no", Duration::from_secs(1)).unwrap();
    s.autosave(&uuid, &iv, &[]).unwrap();
    assert_eq!(s.record(&uuid).unwrap().consent_recontact, Some(false));
    iv.set_answer(&Loc::top(f.id("may_call").unwrap()), "yes", Duration::from_secs(2)).unwrap();
    s.autosave(&uuid, &iv, &[]).unwrap();
    assert_eq!(s.record(&uuid).unwrap().consent_recontact, Some(true));
}

/// Opens the database as someone with the data key and sqlite would, and runs `sql`.
fn raw_sql(dir: &Path, sql: &str) {
    let ring = fourmi::store::keyring::Keyring::load(&dir.join("keyring.json")).unwrap();
    let (key, _) = ring.open("chief", COORD_PASS).unwrap();
    let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    let conn = rusqlite::Connection::open(dir.join("fourmi.db")).unwrap();
    conn.execute_batch(&format!("PRAGMA key = \"x'{hex}'\"; {sql}")).unwrap();
}

#[test]
fn an_audit_head_left_behind_by_a_crash_is_caught_up_and_nobody_is_locked_out() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    completed_record(dir.path(), "Gao");
    // The head one row behind the last row: what a kill between the two commits of an older
    // fourmi left, and what made every later unlock fail.
    raw_sql(
        dir.path(),
        "UPDATE meta SET value = (SELECT seq || ' ' || hash FROM audit ORDER BY seq DESC LIMIT 1 OFFSET 1) WHERE key = 'audit_head';",
    );
    for (name, pass) in [("chief", COORD_PASS), ("ana", MON_PASS), ("sam", SUP_PASS)] {
        let s = Store::open(dir.path(), name, pass).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(s.verify_audit().unwrap(), None);
    }
    // A row after the head that does not follow on is damage: reported, never written over.
    raw_sql(
        dir.path(),
        "UPDATE meta SET value = '1 ' || (SELECT hash FROM audit WHERE seq = 1) WHERE key = 'audit_head'; UPDATE audit SET actor = 'x' WHERE seq = 3;",
    );
    let e = Store::open(dir.path(), "chief", COORD_PASS).unwrap_err();
    assert!(matches!(e, StoreError::Corrupt(_)), "{e}");
    assert!(e.to_string().contains("fourmi check"), "{e}");
}

#[test]
fn setup_refuses_a_folder_whose_keyring_is_missing_and_leaves_the_data_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    completed_record(dir.path(), "Gao");
    let db = dir.path().join("fourmi.db");
    let before = std::fs::read(&db).unwrap();
    std::fs::rename(dir.path().join("keyring.json"), dir.path().join("elsewhere.json")).unwrap();
    let again = Setup {
        coordinator: "chief".into(),
        passphrase: COORD_PASS.into(),
        device_name: "laptop 1".into(),
        recipients: Vec::new(),
    };
    let e = Store::setup(dir.path(), &again).unwrap_err();
    assert!(matches!(e, StoreError::KeyringMissing(_)), "{e}");
    assert!(e.to_string().contains("keyring.json is missing") && e.to_string().contains("backup"), "{e}");
    assert_eq!(std::fs::read(&db).unwrap(), before, "the database is untouched");
    assert!(matches!(Store::open(dir.path(), "chief", COORD_PASS).unwrap_err(), StoreError::KeyringMissing(_)));
    // Restored from the backup: everything opens again.
    std::fs::rename(dir.path().join("elsewhere.json"), dir.path().join("keyring.json")).unwrap();
    let s = Store::open(dir.path(), "sam", SUP_PASS).unwrap();
    assert_eq!(s.records(&RecordFilter::default()).unwrap().len(), 1);
}

#[test]
fn an_empty_or_missing_database_beside_a_keyring_is_named_not_taken_for_a_wrong_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    std::fs::write(dir.path().join("fourmi.db"), b"").unwrap();
    let e = Store::open(dir.path(), "chief", COORD_PASS).unwrap_err();
    assert!(matches!(e, StoreError::DatabaseMissing(_)), "{e}");
    assert!(matches!(fourmi::store::folder_state(dir.path()), fourmi::store::FolderState::Incomplete(_)));
}

#[test]
fn a_setup_cut_short_leaves_no_database_and_is_started_again() {
    let dir = tempfile::tempdir().unwrap();
    // What a setup killed before the end leaves: its database under its building name.
    std::fs::write(dir.path().join("fourmi.db.partial"), b"half").unwrap();
    assert!(matches!(fourmi::store::folder_state(dir.path()), fourmi::store::FolderState::Fresh));
    setup(dir.path());
    assert!(!dir.path().join("fourmi.db.partial").exists());
    Store::open(dir.path(), "ana", MON_PASS).unwrap();
}

#[test]
fn no_file_in_the_folder_makes_setup_replace_a_database() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    completed_record(dir.path(), "Gao");
    let db = dir.path().join("fourmi.db");
    let before = std::fs::read(&db).unwrap();
    std::fs::remove_file(dir.path().join("keyring.json")).unwrap();
    for planted in ["setup-in-progress", "fourmi.db.partial", "keyring.json.tmp"] {
        std::fs::write(dir.path().join(planted), b"").unwrap();
    }
    let again = Setup {
        coordinator: "chief".into(),
        passphrase: COORD_PASS.into(),
        device_name: "laptop 1".into(),
        recipients: Vec::new(),
    };
    assert!(matches!(Store::setup(dir.path(), &again), Err(StoreError::KeyringMissing(_))));
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn a_batch_cut_short_is_marked_failed_at_the_next_opening_and_its_temporary_file_removed() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    let stick = tempfile::tempdir().unwrap();
    let file = stick.path().join("batch-1.batch");
    {
        let mut s = Store::open(dir.path(), "chief", COORD_PASS).unwrap();
        let seq = s.begin_batch(None, "k=5 l=1 coarsen=none", &|_| file.clone()).unwrap();
        assert_eq!(seq, 1);
        std::fs::write(file.with_extension("tmp"), b"half a batch").unwrap();
        // Killed here: neither finished nor failed.
    }
    let second = stick.path().join("batch-2.batch");
    {
        let mut s = Store::open(dir.path(), "chief", COORD_PASS).unwrap();
        // (This unlock marked batch 1 failed.) Batch 2: its file named, then killed before the
        // ledger knew.
        s.begin_batch(None, "k=5 l=1 coarsen=none", &|_| second.clone()).unwrap();
        std::fs::write(&second, b"a whole batch").unwrap();
    }
    let s = Store::open(dir.path(), "sam", SUP_PASS).unwrap();
    drop(s);
    let s = Store::open(dir.path(), "chief", COORD_PASS).unwrap();
    let batches = s.batches().unwrap();
    let b = &batches[1];
    assert_eq!(b.state, "failed");
    assert!(b.note.as_deref().unwrap_or("").starts_with("interrupted"), "{:?}", b.note);
    assert!(!file.with_extension("tmp").exists());
    assert_eq!(batches[0].state, "failed");
    assert!(batches[0].note.as_deref().unwrap_or("").contains("do not send it"), "{:?}", batches[0].note);
    assert!(!second.exists() && stick.path().join("batch-2.batch.failed").exists(), "not importable by mistake");
    assert_eq!(s.verify_audit().unwrap(), None);
}

/// A mini form with a consent question: `consent`, then `town`.
fn consent_form() -> Arc<Compiled> {
    let md = "| survey |\n| | type | name | label |\n| | select_one yn | consent | OK? |\n| | text | town | Town |\n| choices |\n| | list_name | name | label |\n| | yn | yes | Yes |\n| | yn | no | No |\n| settings |\n| | form_id | consent_question |\n| | mini | consent |\n";
    let loaded = form::from_workbook(&form::read_md(md), "mini", None);
    Arc::new(Compiled::new(loaded.form))
}

/// `ana` stores an interview closed as refused after answering `town`: its uuid.
fn closed_by_ana(dir: &Path) -> String {
    let f = consent_form();
    let mut s = Store::open(dir, "ana", MON_PASS).unwrap();
    let hash = s.save_form("consent definition", "mini", "1").unwrap();
    let mut iv = Interview::start(f.clone(), info());
    iv.set_answer(&Loc::top(f.id("consent").unwrap()), "yes", Duration::from_secs(1)).unwrap();
    iv.set_answer(&Loc::top(f.id("town").unwrap()), "Mopti", Duration::from_secs(2)).unwrap();
    iv.set_answer(&Loc::top(f.id("consent").unwrap()), "no", Duration::from_secs(3)).unwrap();
    iv.close(Duration::from_secs(4)).unwrap();
    let events = iv.drain_events();
    s.create_record(&hash, &iv, &events).unwrap()
}

#[test]
fn a_closed_record_keeps_its_answers_apart_until_reopened_or_purged() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    let uuid = closed_by_ana(dir.path());
    {
        let mut ana = Store::open(dir.path(), "ana", MON_PASS).unwrap();
        let rec = ana.record(&uuid).unwrap();
        assert_eq!((rec.status, rec.reopenable), (Status::Refused, true));
        assert!(rec.answers.get("town").is_none(), "readers see only what a closed record keeps");
        ana.reopen_closed(&uuid).unwrap();
        let rec = ana.record(&uuid).unwrap();
        assert_eq!(rec.status, Status::Draft);
        assert_eq!(rec.answers["town"], json!("Mopti"));
        assert!(ana.reopen_closed(&uuid).is_err(), "a draft is not closed");
    }
    // Closed again, and the coordinator's window has passed: purged at the next unlock.
    let second = closed_by_ana(dir.path());
    {
        let mut chief = Store::open(dir.path(), "chief", COORD_PASS).unwrap();
        chief.set_reopen_minutes(Some(30)).unwrap();
    }
    raw_sql(
        dir.path(),
        &format!("UPDATE records SET updated_at = '2000-01-01T00:00:00.000+00:00' WHERE uuid = '{second}';"),
    );
    let mut ana = Store::open(dir.path(), "ana", MON_PASS).unwrap();
    let rec = ana.record(&second).unwrap();
    assert!(!rec.reopenable);
    assert!(ana.reopen_closed(&second).unwrap_err().to_string().contains("can no longer be reopened"));
    assert!(ana.audit_for(&second).unwrap().iter().any(|r| r.action == "answers purged"));
    assert_eq!(ana.verify_audit().unwrap(), None);
}

#[test]
fn a_recipient_is_taken_with_the_line_age_keygen_prints_and_a_secret_key_is_refused_unrepeated() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    let mut chief = Store::open(dir.path(), "chief", COORD_PASS).unwrap();
    let public = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";
    chief.add_recipient(&format!("# public key: {public}\n")).unwrap();
    assert!(chief.recipients().unwrap().contains(&public.to_string()));
    let secret = "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX";
    let refused = chief.add_recipient(secret).unwrap_err().to_string();
    assert!(refused.contains("secret key") && !refused.contains(secret), "{refused}");
    let refused = chief.add_recipient("age1xyz").unwrap_err().to_string();
    assert!(refused.contains("is not a headquarters key"), "{refused}");
}

/// Puts `account`'s current seal back among the pending ones and an older copy of its seal as
/// the current one: the keyring as a reset leaves it when cut after its account list committed
/// and before the keyring took the new seal.
fn cut_before_the_keyring_took_the_new_seal(dir: &Path, account: &str, older: &serde_json::Value) {
    let path = dir.join("keyring.json");
    let mut ring: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let accounts = ring["accounts"].as_array_mut().unwrap();
    let i = accounts.iter().position(|a| a["account"] == account).unwrap();
    let new = accounts.remove(i);
    accounts.push(older.clone());
    ring["pending"] = serde_json::json!([new]);
    std::fs::write(&path, serde_json::to_vec(&ring).unwrap()).unwrap();
}

#[test]
fn a_reset_cut_before_the_keyring_took_its_seal_is_never_lost_to_a_later_reset() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    let ring = |dir: &Path| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(dir.join("keyring.json")).unwrap()).unwrap()
    };
    let sam_seal = |r: &serde_json::Value| {
        r["accounts"].as_array().unwrap().iter().find(|a| a["account"] == "sam").cloned().unwrap()
    };
    let older = sam_seal(&ring(dir.path()));
    Store::open(dir.path(), "chief", COORD_PASS).unwrap().set_passphrase("sam", "the reset passphrase one").unwrap();
    cut_before_the_keyring_took_the_new_seal(dir.path(), "sam", &older);
    assert!(Store::open(dir.path(), "sam", SUP_PASS).is_err(), "the list no longer names the old seal");
    Store::open(dir.path(), "sam", "the reset passphrase one").expect("the seal the list names opens");
    let after = ring(dir.path());
    assert!(after.get("pending").is_none_or(|p| p.as_array().unwrap().is_empty()), "it became the current seal");
    assert_ne!(sam_seal(&after), older);
    // A second reset cut the same way: still one way in.
    let second = sam_seal(&after);
    Store::open(dir.path(), "chief", COORD_PASS).unwrap().set_passphrase("sam", "the reset passphrase two").unwrap();
    cut_before_the_keyring_took_the_new_seal(dir.path(), "sam", &second);
    Store::open(dir.path(), "sam", "the reset passphrase two").expect("the second reset's seal opens");
    Store::open(dir.path(), "sam", "the reset passphrase two").expect("and again, now current");
}

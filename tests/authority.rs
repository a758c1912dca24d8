//! Nobody acts above their role: each attack of docs/security.md that concerns the laptop's
//! accounts, run as an insider would (with the data key and sqlite), must fail to escalate, or
//! be detected where one shared laptop cannot prevent it.

use std::path::Path;

use fourmi::store::keyring::Keyring;
use fourmi::store::{Role, Setup, Store, StoreError};

const CHIEF: &str = "coordinator passphrase";
const ANA: &str = "monitor passphrase";
const SAM: &str = "supervisor passphrase";

fn laptop() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let setup = Setup {
        coordinator: "chief".into(),
        passphrase: CHIEF.into(),
        device_name: "laptop".into(),
        recipients: vec!["age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p".into()],
    };
    let mut s = Store::setup(dir.path(), &setup).unwrap();
    s.add_account("ana", Role::Monitor, ANA).unwrap();
    s.add_account("sam", Role::Supervisor, SAM).unwrap();
    dir
}

/// Runs `sql` on the database with the data key, as an account holder with sqlite would.
fn raw_sql(dir: &Path, account: &str, pass: &str, sql: &str) -> Vec<String> {
    let ring = Keyring::load(&dir.join("keyring.json")).unwrap();
    let (key, _) = ring.open(account, pass).unwrap();
    let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    let conn = rusqlite::Connection::open(dir.join("fourmi.db")).unwrap();
    conn.execute_batch(&format!("PRAGMA key = \"x'{hex}'\";")).unwrap();
    let mut stmt = conn.prepare(sql).unwrap();
    let n = stmt.column_count();
    let rows = stmt
        .query_map([], |r| {
            Ok((0..n)
                .map(|i| r.get::<_, rusqlite::types::Value>(i).map(|v| format!("{v:?}")).unwrap_or_default())
                .collect::<Vec<_>>()
                .join("|"))
        })
        .unwrap();
    rows.map(Result::unwrap).collect()
}

#[test]
fn a_monitor_that_reseals_its_own_entry_as_coordinator_is_still_a_monitor() {
    let dir = laptop();
    let path = dir.path().join("keyring.json");
    let mut ring = Keyring::load(&path).unwrap();
    let mut secrets = ring.open_secrets("ana", ANA).unwrap();
    secrets.legacy_role = Role::Coordinator;
    ring.seal("ana", ANA, &secrets).unwrap();
    ring.save(&path).unwrap();
    let mut s = Store::open(dir.path(), "ana", ANA).unwrap();
    assert_eq!(s.session().role, Role::Monitor);
    assert!(matches!(s.add_account("eve", Role::Coordinator, "a long passphrase here"), Err(StoreError::Forbidden(_))));
    assert!(matches!(s.device_signing_key(), Err(StoreError::Forbidden(_))));
    assert!(s.records(&Default::default()).unwrap().is_empty(), "no other monitor's drafts");
}

#[test]
fn the_database_holds_no_key_that_signs_batches_and_only_coordinators_unlock_one() {
    let dir = laptop();
    let secret = raw_sql(dir.path(), "ana", ANA, "SELECT length(secret) FROM device_key");
    assert_eq!(secret, ["Integer(0)"], "the laptop's secret key is not in the database");
    for (name, pass) in [("ana", ANA), ("sam", SAM)] {
        let s = Store::open(dir.path(), name, pass).unwrap();
        assert!(matches!(s.device_signing_key(), Err(StoreError::Forbidden(_))), "{name}");
        drop(s);
        let secrets = Keyring::load(&dir.path().join("keyring.json")).unwrap().open_secrets(name, pass).unwrap();
        assert!(secrets.device.is_none(), "{name}'s seal holds no laptop key");
    }
    let chief = Store::open(dir.path(), "chief", CHIEF).unwrap();
    let key = chief.device_signing_key().unwrap();
    let line = chief.device_pubkey().unwrap();
    assert!(line.ends_with(&fourmi::store::roster::public_b64(&key)), "the registered key is the one that signs");
}

#[test]
fn a_changed_account_list_opens_for_nobody() {
    let dir = laptop();
    raw_sql(
        dir.path(),
        "ana",
        ANA,
        "UPDATE roster SET body = replace(body, '\"name\":\"ana\",\"role\":\"monitor\"', '\"name\":\"ana\",\"role\":\"coordinator\"')",
    );
    let body = raw_sql(dir.path(), "ana", ANA, "SELECT body FROM roster");
    assert!(body[0].contains("\\\"name\\\":\\\"ana\\\",\\\"role\\\":\\\"coordinator\\\""), "{body:?}");
    for (name, pass) in [("ana", ANA), ("chief", CHIEF)] {
        let e = Store::open(dir.path(), name, pass).unwrap_err();
        assert!(e.to_string().contains("does not verify"), "{name}: {e}");
    }
}

#[test]
fn a_monitor_that_makes_a_laptop_key_of_its_own_locks_everyone_else_out_and_signs_nothing_headquarters_knows() {
    let dir = laptop();
    let registered = Store::open(dir.path(), "chief", CHIEF).unwrap().device_pubkey().unwrap();
    // The whole forgery: a new laptop key, the monitor's seal bound to it with that key inside,
    // an account list signed with it naming the monitor coordinator, the database's public key
    // replaced.
    let path = dir.path().join("keyring.json");
    let mut ring = Keyring::load(&path).unwrap();
    let mut secrets = ring.open_secrets("ana", ANA).unwrap();
    let forged = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
    secrets.device = Some(zeroize::Zeroizing::new(forged.to_bytes()));
    ring.device_public = Some(fourmi::store::roster::public_b64(&forged));
    ring.seal("ana", ANA, &secrets).unwrap();
    ring.save(&path).unwrap();
    let own = ed25519_dalek::SigningKey::from_bytes(secrets.signing.as_ref().unwrap());
    let list = fourmi::store::roster::Roster {
        device_id: ring.device_id.clone(),
        version: 99,
        accounts: vec![fourmi::store::roster::RosterEntry {
            name: "ana".into(),
            role: Role::Coordinator,
            key: Some(fourmi::store::roster::public_b64(&own)),
            recipient: None,
            disabled: false,
        }],
    };
    let (body, sig) = list.sign(&forged);
    let line = format!("fourmi-device {} {}", ring.device_id, fourmi::store::roster::public_b64(&forged));
    raw_sql(
        dir.path(),
        "ana",
        ANA,
        &format!("UPDATE roster SET body = '{}', signature = '{sig}' RETURNING 1", body.replace('\'', "''")),
    );
    raw_sql(dir.path(), "ana", ANA, &format!("UPDATE device_key SET public = '{line}' RETURNING 1"));
    // On the laptop the monitor now passes for a coordinator: one shared laptop cannot stop an
    // account holder from rebuilding it. It is seen at once: nobody else can unlock.
    let s = Store::open(dir.path(), "ana", ANA).unwrap();
    assert_eq!(s.session().role, Role::Coordinator);
    drop(s);
    for (name, pass) in [("chief", CHIEF), ("sam", SAM)] {
        assert!(Store::open(dir.path(), name, pass).is_err(), "{name} is locked out, which shows the forgery");
    }
    // And the key it signs with is not the one headquarters registered.
    assert_ne!(line, registered);
}

#[test]
fn every_account_changes_its_own_passphrase_and_keeps_its_role() {
    let dir = laptop();
    let mut s = Store::open(dir.path(), "ana", ANA).unwrap();
    s.set_passphrase("ana", "a brand new monitor passphrase").unwrap();
    drop(s);
    assert!(Store::open(dir.path(), "ana", ANA).is_err());
    let s = Store::open(dir.path(), "ana", "a brand new monitor passphrase").unwrap();
    assert_eq!(s.session().role, Role::Monitor);
    drop(s);
    let mut s = Store::open(dir.path(), "ana", "a brand new monitor passphrase").unwrap();
    assert!(matches!(s.set_passphrase("sam", "the supervisor is mine now"), Err(StoreError::Forbidden(_))));
}

#[test]
fn after_a_reset_an_old_copy_of_the_keyring_no_longer_unlocks() {
    let dir = laptop();
    let old = std::fs::read(dir.path().join("keyring.json")).unwrap();
    let mut chief = Store::open(dir.path(), "chief", CHIEF).unwrap();
    chief.set_passphrase("ana", "a reset monitor passphrase").unwrap();
    drop(chief);
    let new = std::fs::read(dir.path().join("keyring.json")).unwrap();
    std::fs::write(dir.path().join("keyring.json"), &old).unwrap();
    let e = Store::open(dir.path(), "ana", ANA).unwrap_err();
    assert!(matches!(e, StoreError::Corrupt(_)), "{e}");
    std::fs::write(dir.path().join("keyring.json"), &new).unwrap();
    assert_eq!(Store::open(dir.path(), "ana", "a reset monitor passphrase").unwrap().session().role, Role::Monitor);
}

#[test]
fn a_disabled_account_cannot_unlock_even_with_its_old_keyring_entry() {
    let dir = laptop();
    let old = std::fs::read(dir.path().join("keyring.json")).unwrap();
    Store::open(dir.path(), "chief", CHIEF).unwrap().disable_account("ana").unwrap();
    std::fs::write(dir.path().join("keyring.json"), &old).unwrap();
    assert!(Store::open(dir.path(), "ana", ANA).is_err());
}

#[test]
fn guessable_passphrases_are_refused_with_the_reason_in_both_languages() {
    let dir = laptop();
    let mut chief = Store::open(dir.path(), "chief", CHIEF).unwrap();
    for (pass, why) in [
        ("aaaaaaaaaaaa", "repeats"),
        ("zxcvbnm,./zxc", "keyboard"),
        ("password1234", "common"),
        ("abcdefghijkl", "sequence"),
    ] {
        match chief.add_account("eve", Role::Monitor, pass) {
            Err(StoreError::GuessablePassphrase(w)) => assert_eq!(w, why, "{pass}"),
            other => panic!("{pass}: {other:?}"),
        }
    }
    chief.add_account("eve", Role::Monitor, "umbrella lagoon ferment taxi").unwrap();
    for lang in fourmi::i18n::Lang::ALL {
        let tr = fourmi::i18n::Tr::new(lang);
        for why in ["keyboard", "repeats", "common", "sequence", "dates", "word", "names", "short"] {
            let text = tr.t(&format!("pass-why-{why}"));
            assert!(!text.is_empty() && !text.starts_with("pass-why"), "{lang:?} {why}");
        }
    }
}

#[test]
fn wrong_passphrases_in_a_row_make_the_next_try_wait_and_a_right_one_clears_it() {
    let dir = laptop();
    for _ in 0..3 {
        assert!(matches!(Store::open(dir.path(), "ana", "not the passphrase"), Err(StoreError::WrongPassphrase)));
    }
    match Store::open(dir.path(), "ana", ANA) {
        Err(StoreError::TooManyTries(s)) => assert!((1..=300).contains(&s)),
        other => panic!("{other:?}"),
    }
    // Another account does not wait for ana's mistakes.
    Store::open(dir.path(), "sam", SAM).unwrap();
    // A time in the future in the file (a clock set back) never makes a longer wait.
    std::fs::write(dir.path().join("unlock-failures"), "ana\t3\t9999999999\n").unwrap();
    match Store::open(dir.path(), "ana", ANA) {
        Err(StoreError::TooManyTries(s)) => assert!(s <= 1, "{s}"),
        other => panic!("{other:?}"),
    }
    std::thread::sleep(std::time::Duration::from_millis(1100));
    std::fs::write(dir.path().join("unlock-failures"), "ana\t3\t1\n").unwrap();
    Store::open(dir.path(), "ana", ANA).unwrap();
    assert!(matches!(Store::open(dir.path(), "ana", "not the passphrase"), Err(StoreError::WrongPassphrase)));
    Store::open(dir.path(), "ana", ANA).unwrap();
}

#[test]
fn a_removed_account_list_opens_for_nobody_and_is_never_signed_again_from_the_accounts_table() {
    let dir = laptop();
    raw_sql(dir.path(), "ana", ANA, "DELETE FROM roster RETURNING 1");
    raw_sql(dir.path(), "ana", ANA, "UPDATE accounts SET role = 'coordinator' WHERE name = 'ana' RETURNING 1");
    for (name, pass) in [("ana", ANA), ("sam", SAM), ("chief", CHIEF)] {
        let e = Store::open(dir.path(), name, pass).unwrap_err();
        assert!(e.to_string().contains("signed account list is missing"), "{name}: {e}");
    }
}

/// `ana` enters `n` finalised records of a mini form and `sam` approves them: their ids.
fn approved_records(dir: &Path, n: usize) -> Vec<String> {
    use std::sync::Arc;
    let md = "| survey |\n| | type | name | label |\n| | select_one yn | consent | OK? |\n| | text | town | Town |\n| choices |\n| | list_name | name | label |\n| | yn | yes | Yes |\n| | yn | no | No |\n| settings |\n| | form_id | consent_question |\n| | mini | consent |\n";
    let form = Arc::new(fourmi::form::Compiled::new(
        fourmi::form::from_workbook(&fourmi::form::read_md(md), "mini", None).form,
    ));
    let mut ana = Store::open(dir, "ana", ANA).unwrap();
    let hash = ana.save_form("mini definition", "mini", "1").unwrap();
    let mut ids = Vec::new();
    for i in 0..n {
        let info = fourmi::interview::StartInfo {
            language: String::new(),
            device_id: "d".into(),
            username: "ana".into(),
            opened_at: chrono::Utc::now().fixed_offset(),
        };
        let mut iv = fourmi::interview::Interview::start(form.clone(), info);
        let at = std::time::Duration::from_secs(1);
        iv.set_answer(&fourmi::interview::Loc::top(form.id("consent").unwrap()), "yes", at).unwrap();
        iv.set_answer(&fourmi::interview::Loc::top(form.id("town").unwrap()), &format!("Gao {i}"), at).unwrap();
        iv.finalize(at).unwrap();
        let uuid = ana.create_record(&hash, &iv, &[]).unwrap();
        ids.push(uuid);
    }
    drop(ana);
    let mut sam = Store::open(dir, "sam", SAM).unwrap();
    for id in &ids {
        sam.approve(id).unwrap();
    }
    ids
}

fn exportable(dir: &Path) -> (Vec<String>, Vec<String>) {
    let chief = Store::open(dir, "chief", CHIEF).unwrap();
    let set = chief.export_set(&fourmi::store::Selection::Next(Default::default())).unwrap();
    (set.records.iter().map(|r| r.row.uuid.clone()).collect(), set.unapproved)
}

#[test]
fn only_records_approved_by_a_supervisor_of_the_signed_list_and_unchanged_since_leave_the_laptop() {
    let dir = laptop();
    let ids = approved_records(dir.path(), 3);
    let (out, left) = exportable(dir.path());
    assert_eq!((out.len(), left.len()), (3, 0));
    // A monitor with the data key changes an approved record's answers...
    raw_sql(
        dir.path(),
        "ana",
        ANA,
        &format!("UPDATE records SET answers = '{{\"town\":\"forged\"}}' WHERE uuid = '{}' RETURNING 1", ids[0]),
    );
    // ...signs an approval of its own for another...
    let secrets = Keyring::load(&dir.path().join("keyring.json")).unwrap().open_secrets("ana", ANA).unwrap();
    let own = ed25519_dalek::SigningKey::from_bytes(secrets.signing.as_ref().unwrap());
    use ed25519_dalek::Signer;
    let forged = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, own.sign(b"anything").to_bytes());
    raw_sql(
        dir.path(),
        "ana",
        ANA,
        &format!("UPDATE approvals SET actor = 'ana', signature = '{forged}' WHERE uuid = '{}' RETURNING 1", ids[1]),
    );
    let (out, left) = exportable(dir.path());
    assert_eq!(out, vec![ids[2].clone()], "only the untouched record leaves");
    assert_eq!(left.len(), 2);
    // Approving again (after checking) makes a record exportable as it now stands.
    Store::open(dir.path(), "sam", SAM).unwrap().approve(&ids[1]).unwrap();
    let (out, _) = exportable(dir.path());
    assert!(out.contains(&ids[1]));
    // The approval covers every field a batch carries, not only the answers.
    for (i, change) in [
        "consent_recontact = 1",
        "monitor = 'bob'",
        "started_at = '2020-01-01T00:00:00.000+00:00'",
        "language = 'x'",
        "consent_at = NULL",
        "form_version = '9'",
        "form_id = 'other'",
    ]
    .iter()
    .enumerate()
    {
        let id = if i % 2 == 0 { &ids[1] } else { &ids[2] };
        Store::open(dir.path(), "sam", SAM).unwrap().approve(id).ok();
        raw_sql(dir.path(), "ana", ANA, &format!("UPDATE records SET {change} WHERE uuid = '{id}' RETURNING 1"));
        let (out, left) = exportable(dir.path());
        assert!(!out.contains(id) && left.contains(id), "{change}: the record is left out");
    }
}

/// The data key an old copy of the keyring gives `account`.
fn data_key_from(keyring: &[u8], account: &str, pass: &str) -> zeroize::Zeroizing<[u8; 32]> {
    Keyring::parse(keyring).unwrap().open_secrets(account, pass).unwrap().data_key
}

/// Whether `key` opens the laptop's database, read with SQLCipher directly.
fn opens_database(dir: &Path, key: &[u8; 32]) -> bool {
    let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    let conn = rusqlite::Connection::open(dir.join("fourmi.db")).unwrap();
    conn.execute_batch(&format!("PRAGMA cipher_log_level = NONE; PRAGMA key = \"x'{hex}'\";")).unwrap();
    conn.query_row("SELECT count(*) FROM records", [], |r| r.get::<_, i64>(0)).is_ok()
}

#[test]
fn after_a_reset_or_a_disabling_an_old_copy_of_the_keyring_no_longer_opens_the_database() {
    let dir = laptop();
    approved_records(dir.path(), 1);
    let old = std::fs::read(dir.path().join("keyring.json")).unwrap();
    let old_key = data_key_from(&old, "ana", ANA);
    assert!(opens_database(dir.path(), &old_key));
    Store::open(dir.path(), "chief", CHIEF).unwrap().disable_account("ana").unwrap();
    assert!(!opens_database(dir.path(), &old_key), "the monitor's old entry opens nothing written after");
    let after_disable = std::fs::read(dir.path().join("keyring.json")).unwrap();
    let sam_key = data_key_from(&after_disable, "sam", SAM);
    Store::open(dir.path(), "chief", CHIEF).unwrap().set_passphrase("sam", "a reset supervisor passphrase").unwrap();
    assert!(!opens_database(dir.path(), &sam_key), "the supervisor's entry from before the reset opens nothing");
    // Nothing was lost, and everyone left unlocks with their passphrase.
    let chief = Store::open(dir.path(), "chief", CHIEF).unwrap();
    assert_eq!(chief.records(&Default::default()).unwrap().len(), 1);
    assert_eq!(chief.verify_audit().unwrap(), None);
    drop(chief);
    assert_eq!(
        Store::open(dir.path(), "sam", "a reset supervisor passphrase").unwrap().session().role,
        Role::Supervisor
    );
    // With the old list put back (the rollback an old data key allowed), the old entry still
    // opens nothing.
    std::fs::write(dir.path().join("keyring.json"), &old).unwrap();
    assert!(Store::open(dir.path(), "ana", ANA).is_err());
}

#[test]
fn a_data_key_replacement_cut_before_or_after_the_database_got_the_new_key_loses_nothing() {
    for cut_after_rekey in [false, true] {
        let dir = laptop();
        approved_records(dir.path(), 2);
        // A reset was committed (the replacement is owed), then the first step done: the
        // keyring holds the next key beside the current one.
        raw_sql(dir.path(), "chief", CHIEF, "INSERT INTO meta (key, value) VALUES ('data_key_owed', '1') RETURNING 1");
        let path = dir.path().join("keyring.json");
        let mut ring = Keyring::load(&path).unwrap();
        let current = ring.open_secrets("chief", CHIEF).unwrap().data_key;
        let next = fourmi::store::keyring::new_data_key();
        let list = raw_sql(dir.path(), "chief", CHIEF, "SELECT body FROM roster");
        let list: fourmi::store::roster::Roster = serde_json::from_str(
            list[0].trim_start_matches("Text(\"").trim_end_matches("\")").replace("\\\"", "\"").as_str(),
        )
        .unwrap();
        let recipients: Vec<(String, String)> =
            list.accounts.iter().map(|e| (e.name.clone(), e.recipient.clone().unwrap())).collect();
        ring.stage_next(&next, &recipients).unwrap();
        ring.save(&path).unwrap();
        if cut_after_rekey {
            // The second too: the database has the next key.
            let hex = |k: &[u8; 32]| k.iter().map(|b| format!("{b:02x}")).collect::<String>();
            let conn = rusqlite::Connection::open(dir.path().join("fourmi.db")).unwrap();
            conn.execute_batch(&format!("PRAGMA key = \"x'{}'\"; PRAGMA journal_mode = DELETE;", hex(&current)))
                .unwrap();
            conn.execute_batch(&format!("PRAGMA rekey = \"x'{}'\";", hex(&next))).unwrap();
        }
        for (name, pass) in [("ana", ANA), ("sam", SAM), ("chief", CHIEF)] {
            let s = Store::open(dir.path(), name, pass).unwrap_or_else(|e| panic!("{cut_after_rekey}: {name}: {e}"));
            assert!(s.integrity_ok().unwrap());
        }
        let chief = Store::open(dir.path(), "chief", CHIEF).unwrap();
        assert_eq!(chief.records(&Default::default()).unwrap().len(), 2, "{cut_after_rekey}");
        let ring = Keyring::load(&path).unwrap();
        assert!(!ring.has_next(), "{cut_after_rekey}: the replacement was done again by the coordinator's unlock");
        let now = ring.open_secrets("ana", ANA).unwrap().data_key;
        assert!(opens_database(dir.path(), &now));
        assert!(*now != *current && *now != *next, "{cut_after_rekey}: a fresh key");
    }
}

#[test]
fn the_account_list_shows_the_roles_of_the_signed_list_not_of_the_accounts_table() {
    let dir = laptop();
    raw_sql(dir.path(), "ana", ANA, "UPDATE accounts SET role = 'coordinator' WHERE name = 'ana' RETURNING 1");
    raw_sql(
        dir.path(),
        "ana",
        ANA,
        "INSERT INTO accounts (name, role, created_at) VALUES ('ghost', 'coordinator', 'x') RETURNING 1",
    );
    let chief = Store::open(dir.path(), "chief", CHIEF).unwrap();
    let listed = chief.accounts().unwrap();
    let ana = listed.iter().find(|a| a.name == "ana").unwrap();
    assert_eq!((ana.role, ana.disabled), (Role::Monitor, false));
    let ghost = listed.iter().find(|a| a.name == "ghost").unwrap();
    assert!(ghost.disabled, "an account the signed list does not name is shown as unable to unlock");
}

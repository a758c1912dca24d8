//! The store commands as real processes: setup, accounts, records entered from JSON, review,
//! the audit check, and kill -9 in the middle of autosaving.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use fourmi::store::Store;

mod common;
use common::cli::{Env, stdout};

fn covid() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("forms/4mi-covid19.toml").display().to_string()
}

const BAMAKO: &str = r#"{"monitor": "mon01", "mode": "phone", "country": "mali", "city": "bamako", "neighbourhood": "niamakoro", "consent": "yes", "age": 24, "arrived_within_year": "yes", "sex": "male", "nationality": "guinea", "c1": "yes", "c2": "yes", "c3": "agree", "c4": "agree", "c5": "agree", "c6": ["ngo_un"], "c7": ["media"], "c10": ["ngo_un"], "c11": ["fever"], "c12": ["older"], "c13": ["mask"], "c15": "no", "c17": "dont_know", "c18": ["money"], "c19": ["none"], "c20": ["movement"], "c21": "same", "c23": "no", "c26": "no", "c29": "same", "situation": "better", "smuggler_need": "dont_know", "covid_factor_leaving": "no", "destination": "mali"}"#;

#[test]
fn device_pubkey_prints_one_line_for_headquarters() {
    let env = Env::new();
    let out = env.run(&["device", "pubkey"], "ana");
    let line = stdout(&out);
    assert_eq!(line.lines().count(), 1);
    assert!(line.starts_with("fourmi-device "));
}

#[test]
fn records_are_entered_reviewed_and_listed_from_the_command_line() {
    let env = Env::new();
    let answers = env.path("one.json");
    std::fs::write(&answers, BAMAKO).unwrap();
    let out = env.run(&["records", "add", "--form", &covid(), "--answers", &answers, "--finalize"], "ana");
    assert!(out.status.success(), "{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    let line = stdout(&out);
    let (uuid, status) = line.trim().split_once('\t').unwrap();
    assert_eq!(status, "completed");
    assert_eq!(uuid::Uuid::parse_str(uuid).unwrap().get_version_num(), 7);

    let listed = stdout(&env.run(&["records", "list", "--status", "completed"], "sam"));
    assert!(listed.contains(uuid));
    let search = |text: &str| stdout(&env.run(&["records", "list", "--search", text], "sam"));
    assert!(search("Guinée").contains(uuid), "a choice's French label");
    assert!(search("guinee homme").contains(uuid), "every word, accents and case aside");
    assert!(!search("nationality").contains(uuid), "a question's name is not what the record says");
    let ret = env.run(&["records", "return", uuid, "--comment", "age looks wrong"], "sam");
    assert!(ret.status.success());
    let shown: serde_json::Value = serde_json::from_str(&stdout(&env.run(&["records", "show", uuid], "ana"))).unwrap();
    assert_eq!(
        (shown["status"].as_str(), shown["comments"][0]["comment"].as_str()),
        (Some("returned"), Some("age looks wrong"))
    );
    assert_eq!(shown["answers"]["c21"], "same");
    let denied = env.run(&["records", "approve", uuid], "ana");
    assert_eq!(denied.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&denied.stderr).contains("cannot approve records"));
    assert!(env.run(&["records", "withdraw", uuid], "sam").status.success());
    let verify = env.run(&["audit", "verify"], "chief");
    assert!(verify.status.success() && stdout(&verify).contains("intact"));
}

#[test]
fn a_jsonl_file_enters_many_records_and_names_the_lines_it_refuses() {
    let env = Env::new();
    let refused = r#"{"monitor": "mon01", "mode": "phone", "country": "mali", "city": "gao", "neighbourhood": "gao_centre", "consent": "no"}"#;
    let bad = r#"{"monitor": "mon01", "mode": "bicycle", "country": "mali"}"#;
    let incomplete = r#"{"monitor": "mon01", "mode": "phone", "country": "mali", "city": "gao", "neighbourhood": "gao_centre", "consent": "yes"}"#;
    let file = env.path("many.jsonl");
    std::fs::write(&file, format!("{BAMAKO}\n{refused}\n{bad}\nnot json\n{incomplete}\n")).unwrap();
    let out = env.run(&["records", "add", "--form", &covid(), "--answers", &file, "--finalize"], "ana");
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].ends_with("\tcompleted"), "{text}");
    assert!(lines[1].ends_with("\trefused"), "{text}");
    assert!(lines.iter().any(|l| l.starts_with("line 3: mode:")), "{text}");
    assert!(lines.iter().any(|l| l.starts_with("line 4: not valid JSON")), "{text}");
    assert!(lines.iter().any(|l| l.starts_with("line 5: age:")), "{text}");
}

#[test]
fn a_second_process_is_told_the_data_is_already_open() {
    let env = Env::new();
    let form = env.path("loop.md");
    std::fs::write(&form, "| survey |\n| | type | name | label |\n| | text | n | N |\n").unwrap();
    let mut child =
        env.command(&["records", "autosave-loop", "--form", &form], "ana").stdout(Stdio::piped()).spawn().unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    reader.read_line(&mut first).unwrap();
    let out = env.run(&["records", "list"], "sam");
    child.kill().unwrap();
    let _ = child.wait();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already open"));
}

/// A child process autosaves an answer in a loop and is killed (SIGKILL) at pseudo-random moments;
/// after each kill the database opens, passes its integrity check, and holds at least the last
/// value the child reported as saved.
#[test]
fn kill_9_during_autosave_loses_nothing_reported_saved() {
    let env = Env::new();
    let form = env.path("loop.md");
    std::fs::write(&form, "| survey |\n| | type | name | label |\n| | text | n | N |\n").unwrap();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut rounds_with_saves = 0;
    for round in 0..12 {
        let mut child =
            env.command(&["records", "autosave-loop", "--form", &form], "ana").stdout(Stdio::piped()).spawn().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel::<String>();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let wait = Duration::from_millis(150 + seed % 400);
        std::thread::sleep(wait);
        child.kill().unwrap(); // SIGKILL on Unix
        let _ = child.wait();
        let _ = reader.join();
        let lines: Vec<String> = rx.try_iter().collect();
        let uuid = lines.iter().find_map(|l| l.strip_prefix("record ")).map(str::to_string);
        let last_saved =
            lines.iter().filter_map(|l| l.strip_prefix("saved ")).filter_map(|n| n.parse::<u64>().ok()).max();
        let store =
            Store::open(&env.data(), "ana", "monitor passphrase 1").unwrap_or_else(|e| panic!("round {round}: {e}"));
        assert!(store.integrity_ok().unwrap(), "round {round}: integrity check failed");
        if let (Some(uuid), Some(n)) = (uuid, last_saved) {
            rounds_with_saves += 1;
            let rec = store.record(&uuid).unwrap();
            let stored: u64 = rec.answers["n"].as_str().and_then(|v| v.parse().ok()).unwrap_or(0);
            assert!(stored >= n, "round {round}: reported {n} saved, found {stored}");
        }
        drop(store);
        assert!(Path::new(&env.data()).join("fourmi.db").exists());
    }
    assert!(rounds_with_saves >= 8, "only {rounds_with_saves} rounds saved anything before the kill");
}

#[test]
fn check_says_what_is_wrong_with_a_folder_in_plain_words() {
    let env = Env::new();
    let out = env.run(&["check"], "chief");
    assert!(out.status.success(), "{}", stdout(&out));
    let text = stdout(&out);
    for expected in ["integrity check", "audit trail is intact", "batch ledger"] {
        assert!(text.contains(expected), "{text}");
    }
    // The keyring gone: setup is refused, the database untouched, and check says how to restore.
    let data = env.data();
    let before = std::fs::read(data.join("fourmi.db")).unwrap();
    std::fs::rename(data.join("keyring.json"), env.path("keyring.backup")).unwrap();
    let setup = env.run(&["setup", "--name", "chief"], "chief");
    assert_eq!(setup.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&setup.stderr).contains("keyring.json is missing"));
    assert_eq!(std::fs::read(data.join("fourmi.db")).unwrap(), before);
    let out = env.run(&["check"], "chief");
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("problem:") && stdout(&out).contains("from a backup"), "{}", stdout(&out));
}

#[test]
fn an_export_for_a_day_that_is_not_one_is_refused_in_the_users_language() {
    let env = Env::new();
    for day in ["2030-13-01", "2026-02-30", "31/03/2026", "2026-3-1"] {
        let out = env.run(&["export", "--check", "--since", day], "chief");
        assert_eq!(out.status.code(), Some(1), "{day}");
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(said.contains(&format!("{day} is not a date")), "{day}: {said}");
        let fr = env.command(&["export", "--check", "--until", day], "chief").env("LANG", "fr_FR.UTF-8").output();
        let said = String::from_utf8_lossy(&fr.unwrap().stderr).into_owned();
        assert!(said.contains(&format!("{day} n'est pas une date")), "{day}: {said}");
    }
    let fine = env.run(&["export", "--check", "--since", "2026-02-28", "--until", "2026-03-31"], "chief");
    assert!(fine.status.success(), "{}", String::from_utf8_lossy(&fine.stderr));
    // A first day after the last is said, not taken for "nothing to export".
    let reversed = env.run(&["export", "--check", "--since", "2027-01-01", "--until", "2026-01-01"], "chief");
    assert_eq!(reversed.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&reversed.stderr).contains("the first day comes after the last"));
}

#[test]
fn a_wrong_passphrase_is_told_in_french_to_a_french_coordinator() {
    let env = Env::new();
    std::fs::write(env.path("chief.pass"), "not the passphrase\n").unwrap();
    let out = env.command(&["batches"], "chief").env("LANG", "fr_FR.UTF-8").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("phrase secrète"), "{said}");
}

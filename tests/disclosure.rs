//! Disclosure control that acts: exports coarsen and hide quasi-identifiers until every
//! combination is shared by k records (and l-diversity when asked), deterministically, checked
//! here on generated records, by an independent tool (pycanon, from PyPI) on the flat files the
//! command line writes, and on the Bamako case study through headquarters.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use fourmi::batch::disclosure::{Goal, HIDDEN, protect};
use fourmi::form::Compiled;
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use serde_json::{Map, Value as J, json};

const FORM: &str = r#"
[settings]
form_id = "sdc"
version = "1"
default_language = "English (en)"
consent_question = "consent"

[[survey]]
type = "select_one yes_no"
name = "consent"
label."English (en)" = "Do you agree to take part?"

[[survey]]
type = "select_one city"
name = "city"
label."English (en)" = "City"
privacy = "quasi_identifier"

[[survey]]
type = "select_one hood"
name = "hood"
label."English (en)" = "Neighbourhood"
privacy = "quasi_identifier"
generalise = "map=city"

[[survey]]
type = "integer"
name = "age"
label."English (en)" = "Age"
privacy = "quasi_identifier"

[[survey]]
type = "select_one sex"
name = "sex"
label."English (en)" = "Sex"
privacy = "quasi_identifier"

[[survey]]
type = "select_one country"
name = "nationality"
label."English (en)" = "Nationality"
privacy = "quasi_identifier"
generalise = "map=region"

[[survey]]
type = "text"
name = "nationality_other"
label."English (en)" = "Other nationality"
privacy = "quasi_identifier"

[[survey]]
type = "select_one itype"
name = "incident"
label."English (en)" = "Incident"
privacy = "sensitive"

[[choices]]
list_name = "yes_no"
name = "yes"
label."English (en)" = "Yes"
[[choices]]
list_name = "yes_no"
name = "no"
label."English (en)" = "No"
[[choices]]
list_name = "city"
name = "bamako"
label."English (en)" = "Bamako"
[[choices]]
list_name = "city"
name = "gao"
label."English (en)" = "Gao"
[[choices]]
list_name = "hood"
name = "niamakoro"
label."English (en)" = "Niamakoro"
city = "bamako"
[[choices]]
list_name = "hood"
name = "sotuba"
label."English (en)" = "Sotuba"
city = "bamako"
[[choices]]
list_name = "hood"
name = "kalaban"
label."English (en)" = "Kalaban"
city = "bamako"
[[choices]]
list_name = "hood"
name = "chateau"
label."English (en)" = "Château"
city = "gao"
[[choices]]
list_name = "sex"
name = "female"
label."English (en)" = "Female"
[[choices]]
list_name = "sex"
name = "male"
label."English (en)" = "Male"
[[choices]]
list_name = "country"
name = "guinea"
label."English (en)" = "Guinea"
region = "west_africa"
[[choices]]
list_name = "country"
name = "niger"
label."English (en)" = "Niger"
region = "west_africa"
[[choices]]
list_name = "country"
name = "cameroon"
label."English (en)" = "Cameroon"
region = "central_africa"
[[choices]]
list_name = "country"
name = "chad"
label."English (en)" = "Chad"
region = "central_africa"
[[choices]]
list_name = "itype"
name = "extortion"
label."English (en)" = "Extortion"
[[choices]]
list_name = "itype"
name = "detention"
label."English (en)" = "Detention"
[[choices]]
list_name = "itype"
name = "robbery"
label."English (en)" = "Robbery"
"#;

const QI: [&str; 6] = ["city", "hood", "age", "sex", "nationality", "nationality_other"];

/// The form's definition with the survey rows `extra` after its own (before the choices).
fn with_questions(extra: &str) -> String {
    let at = FORM.find("[[choices]]").unwrap();
    format!("{}{extra}\n{}", &FORM[..at], &FORM[at..])
}

fn form() -> Compiled {
    fourmi::form::from_definition(FORM).unwrap()
}

/// `n` respondents as a field team meets them: most in two big neighbourhoods, a few rare
/// nationalities, ages 18 to 60, now and then an "other" nationality written out.
fn respondents(n: usize, seed: u64) -> Vec<Map<String, J>> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let hood = ["niamakoro", "niamakoro", "sotuba", "sotuba", "kalaban", "chateau"][rng.gen_range(0..6)];
            let city = if hood == "chateau" { "gao" } else { "bamako" };
            let nationality = ["guinea", "guinea", "guinea", "niger", "niger", "cameroon", "chad"][rng.gen_range(0..7)];
            let age: i64 = rng.gen_range(18..61);
            let sex = ["female", "male"][rng.gen_range(0..2)];
            let incident = ["extortion", "detention", "robbery"][rng.gen_range(0..3)];
            let mut a = json!({
                "consent": "yes", "city": city, "hood": hood, "age": age, "sex": sex,
                "nationality": nationality, "incident": incident,
            });
            if rng.gen_range(0..20) == 0 {
                a["nationality_other"] = json!(format!("written {}", rng.gen_range(0..1000)));
            }
            a.as_object().unwrap().clone()
        })
        .collect()
}

fn run(records: &mut [Map<String, J>], goal: Goal) -> fourmi::batch::disclosure::Outcome {
    let form = form();
    let mut refs: Vec<&mut Map<String, J>> = records.iter_mut().collect();
    protect(&form, &mut refs, goal)
}

fn text(v: Option<&J>) -> String {
    match v {
        None => String::new(),
        Some(J::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    }
}

/// Each record's combination of quasi-identifier answers as they leave, and how many share it,
/// counted here (equal as written: `*` equals only `*`).
fn smallest_group(records: &[Map<String, J>]) -> usize {
    let mut groups: HashMap<Vec<String>, usize> = HashMap::new();
    for r in records {
        *groups.entry(QI.iter().map(|q| text(r.get(*q))).collect()).or_default() += 1;
    }
    groups.values().copied().min().unwrap_or(0)
}

fn fewest_distinct_incidents(records: &[Map<String, J>]) -> usize {
    let mut groups: HashMap<Vec<String>, Vec<String>> = HashMap::new();
    for r in records {
        let g = groups.entry(QI.iter().map(|q| text(r.get(*q))).collect()).or_default();
        let i = text(r.get("incident"));
        // Unanswered is not an answer: a group whose answers are all the same tells it.
        if !i.is_empty() && !g.contains(&i) {
            g.push(i);
        }
    }
    groups.values().map(Vec::len).min().unwrap_or(0)
}

#[test]
fn every_combination_leaves_shared_by_k_records_after_coarsening_then_hiding() {
    let mut records = respondents(800, 1);
    let before = records.clone();
    let out = run(&mut records, Goal { k: 5, l: 1 });
    assert!(!out.short);
    assert!(out.k_reached >= 5, "{out:?}");
    assert_eq!(smallest_group(&records), out.k_reached, "the k counted here is the k reported");
    assert!(records.iter().all(|r| r.get("nationality_other").is_none()), "free text is dropped");
    let age = out.qis.iter().find(|q| q.name == "age").unwrap();
    assert!(age.step.as_deref().is_some_and(|s| s.starts_with("bands=")), "ages go into bands: {age:?}");
    assert!(records.iter().all(|r| r["age"].as_str().is_some_and(|a| a.contains('-') || a == HIDDEN)));
    assert!(out.loss > 0.0 && out.loss < 1.0, "{}", out.loss);
    // What was not needed is kept: the sensitive answers, and every city (few and large).
    assert!(records.iter().zip(&before).all(|(a, b)| a["incident"] == b["incident"]));
    let hidden_cities = records.iter().filter(|r| r["city"] == HIDDEN).count();
    assert!(hidden_cities * 10 < records.len(), "{hidden_cities} cities hidden");
}

#[test]
fn records_already_k_anonymous_leave_unchanged() {
    let mut records: Vec<Map<String, J>> = (0..30)
        .map(|i| {
            json!({"consent": "yes", "city": "bamako", "hood": "niamakoro", "age": 20 + i % 2, "sex": "female", "nationality": "guinea"})
                .as_object()
                .unwrap()
                .clone()
        })
        .collect();
    let before = records.clone();
    let out = run(&mut records, Goal { k: 5, l: 1 });
    assert_eq!(records, before);
    assert_eq!((out.loss, out.k_reached), (0.0, 15));
    assert!(out.qis.iter().all(|q| (q.step.is_none() || q.step.as_deref() == Some("drop")) && q.hidden == 0));
}

#[test]
fn the_same_records_give_the_same_output() {
    let mut a = respondents(500, 7);
    let mut b = a.clone();
    let (oa, ob) = (run(&mut a, Goal { k: 5, l: 2 }), run(&mut b, Goal { k: 5, l: 2 }));
    assert_eq!(a, b);
    assert_eq!(oa, ob);
}

#[test]
fn l_diversity_holds_on_sensitive_questions_when_asked() {
    let mut records = respondents(600, 3);
    let out = run(&mut records, Goal { k: 5, l: 2 });
    assert!(!out.short);
    assert!(out.l_reached.is_some_and(|l| l >= 2), "{out:?}");
    assert!(fewest_distinct_incidents(&records) >= 2);
    assert!(smallest_group(&records) >= 5);
}

#[test]
fn an_unanswered_sensitive_question_is_not_a_distinct_answer_for_l() {
    // Everyone who answered reported extortion; a third did not answer.
    let mut records = respondents(300, 5);
    for (i, r) in records.iter_mut().enumerate() {
        if i % 3 == 0 {
            r.remove("incident");
        } else {
            r.insert("incident".into(), json!("extortion"));
        }
    }
    let out = run(&mut records, Goal { k: 5, l: 2 });
    assert!(out.short, "l = 2 cannot hold: only one answer was given: {out:?}");
    assert_eq!(out.l_reached, Some(1), "{out:?}");
    assert!(fewest_distinct_incidents(&records) < 2);
}

#[test]
fn too_few_records_for_k_are_said_to_fall_short_with_everything_hidden() {
    let mut records = respondents(3, 2);
    let out = run(&mut records, Goal { k: 5, l: 1 });
    assert!(out.short);
    assert_eq!(out.k_reached, 3);
    assert!(records.iter().all(|r| ["city", "hood", "age", "sex", "nationality"].iter().all(|q| r[*q] == HIDDEN)));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn whatever_the_records_k_is_reached_or_said_to_be_out_of_reach(
        n in 0usize..80, seed in any::<u64>(), k in 1usize..7, l in 1usize..3,
    ) {
        let mut records = respondents(n, seed);
        let out = run(&mut records, Goal { k, l });
        if n == 0 {
            prop_assert_eq!(out.records, 0);
        } else if out.short {
            // Short of k only when there are too few records, or too few distinct incidents.
            prop_assert!(n < k || l > 1, "short with {} records for k = {}", n, k);
        } else {
            prop_assert!(smallest_group(&records) >= k);
            if l > 1 {
                prop_assert!(fewest_distinct_incidents(&records) >= l);
            }
        }
    }
}

/// Whether python3 with pycanon (from PyPI) is here; says so when not.
fn pycanon() -> bool {
    let ok = Command::new("python3").args(["-c", "import pycanon, pandas"]).output().is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("skipped: python3 with pycanon is not installed (pip install pycanon)");
    }
    ok
}

/// `records export csv --yes --form sdc --to <to>` with `extra`, on the laptop `fourmi` runs.
fn flat_csv(fourmi: &impl Fn(&[&str]) -> std::process::Output, to: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["records", "export", "csv", "--yes", "--form", "sdc", "--to", to.to_str().unwrap()];
    args.extend_from_slice(extra);
    fourmi(&args)
}

/// A laptop with `n` approved respondents of the test form, as the command line makes it.
fn laptop(n: usize) -> (tempfile::TempDir, impl Fn(&[&str]) -> std::process::Output) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    std::fs::write(dir.join("pass"), "a coordinator passphrase\n").unwrap();
    std::fs::write(dir.join("form.toml"), FORM).unwrap();
    let lines: Vec<String> = respondents(n, 11).into_iter().map(|r| J::Object(r).to_string()).collect();
    std::fs::write(dir.join("answers.jsonl"), lines.join("\n")).unwrap();
    let run = move |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_fourmi"))
            .args(args)
            .arg("--data-dir")
            .arg(dir.join("data"))
            .args(["--user", "chief", "--passphrase-file"])
            .arg(dir.join("pass"))
            .output()
            .unwrap()
    };
    let ok = |o: std::process::Output| assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let hq = age::x25519::Identity::generate().to_public().to_string();
    ok(run(&["setup", "--name", "chief", "--recipient", &hq]));
    let form = tmp.path().join("form.toml");
    let answers = tmp.path().join("answers.jsonl");
    let added = run(&[
        "records",
        "add",
        "--form",
        form.to_str().unwrap(),
        "--answers",
        answers.to_str().unwrap(),
        "--finalize",
    ]);
    ok(added.clone());
    for line in String::from_utf8_lossy(&added.stdout).lines() {
        ok(run(&["records", "approve", line.split('\t').next().unwrap()]));
    }
    (tmp, run)
}

#[test]
fn pycanon_finds_at_least_the_k_and_l_asked_in_the_flat_files() {
    if !pycanon() {
        return;
    }
    let (tmp, fourmi) = laptop(300);
    let to = tmp.path().join("flat");
    let out = fourmi(&[
        "records",
        "export",
        "csv",
        "--yes",
        "--form",
        "sdc",
        "--k",
        "5",
        "--l",
        "2",
        "--to",
        to.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let script = r#"
import sys, pandas as pd
from pycanon import anonymity
d = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
qi = [q for q in ["city", "hood", "age", "sex", "nationality", "nationality_other"] if q in d.columns]
print(anonymity.k_anonymity(d, qi), anonymity.l_diversity(d, qi, ["incident"]))
"#;
    let py = Command::new("python3").args(["-c", script]).arg(to.join("sdc.csv")).output().unwrap();
    assert!(py.status.success(), "{}", String::from_utf8_lossy(&py.stderr));
    let said = String::from_utf8_lossy(&py.stdout);
    let nums: Vec<usize> = said.split_whitespace().map(|n| n.parse().unwrap()).collect();
    assert!(nums[0] >= 5, "pycanon's k: {said}");
    assert!(nums[1] >= 2, "pycanon's l: {said}");
}

#[test]
fn the_command_line_prints_the_report_and_writes_only_once_confirmed() {
    let (tmp, fourmi) = laptop(120);
    let to = tmp.path().join("stick");
    std::fs::create_dir_all(&to).unwrap();
    let asked = fourmi(&["export", "--to", to.to_str().unwrap()]);
    let report = String::from_utf8_lossy(&asked.stdout).into_owned();
    assert!(!asked.status.success(), "without a terminal and without --yes nothing is written");
    assert_eq!(std::fs::read_dir(&to).unwrap().count(), 0);
    assert!(report.contains("k-anonymity: every combination of city, hood, age, sex, nationality"), "{report}");
    assert!(
        report.contains("Coarsened:") && report.contains("Hidden") && report.contains("Information lost:"),
        "{report}"
    );
    assert!(report.lines().count() < 20, "under 20 lines:\n{report}");
    let details = fourmi(&["export", "--check", "--details"]);
    assert!(String::from_utf8_lossy(&details.stdout).contains("groups of city | hood"));
    let french = Command::new(env!("CARGO_BIN_EXE_fourmi"))
        .env("LANG", "fr_FR.UTF-8")
        .args(["export", "--check", "--data-dir"])
        .arg(tmp.path().join("data"))
        .args(["--user", "chief", "--passphrase-file"])
        .arg(tmp.path().join("pass"))
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&french.stdout).contains("Information perdue"), "the report in French");
    // l out of reach (three incident types at most): l is what is said to fail, not k.
    let l_short = fourmi(&["export", "--yes", "--l", "4", "--to", to.to_str().unwrap()]);
    assert!(!l_short.status.success());
    let said = String::from_utf8_lossy(&l_short.stderr);
    assert!(said.contains("cannot reach l = 4") && said.contains("k = 5 is reached"), "{said}");
    assert_eq!(std::fs::read_dir(&to).unwrap().count(), 0);
    let checked = fourmi(&["export", "--check", "--l", "4"]);
    assert!(!checked.status.success());
    let report = String::from_utf8_lossy(&checked.stdout);
    assert!(
        report.contains("Nothing leaves while that is out of reach"),
        "no preview of what will not leave: {report}"
    );
    assert!(!report.contains("as they will leave"), "{report}");
    let written = fourmi(&["export", "--yes", "--to", to.to_str().unwrap()]);
    assert!(written.status.success(), "{}", String::from_utf8_lossy(&written.stderr));
    assert_eq!(std::fs::read_dir(&to).unwrap().count(), 1);
}

#[test]
fn flat_files_are_written_only_once_confirmed_like_a_batch() {
    let (tmp, fourmi) = laptop(120);
    let to = tmp.path().join("flat");
    let asked = fourmi(&["records", "export", "csv", "--form", "sdc", "--to", to.to_str().unwrap()]);
    assert!(!asked.status.success(), "without a terminal and without --yes nothing is written");
    assert!(String::from_utf8_lossy(&asked.stdout).contains("Information lost:"), "the report comes first");
    assert!(String::from_utf8_lossy(&asked.stderr).contains("pass --yes"), "{asked:?}");
    assert!(!to.join("sdc.csv").exists());
    let written = fourmi(&["records", "export", "csv", "--yes", "--form", "sdc", "--to", to.to_str().unwrap()]);
    assert!(written.status.success(), "{}", String::from_utf8_lossy(&written.stderr));
    assert!(to.join("sdc.csv").exists());
}

/// An approval's digest travels in the batch, signed: plain, it would let whoever holds the batch
/// try each possible hidden age, place or nationality until the digest matched. It is salted
/// with a secret the laptop keeps; an approval without a salt (made before) is made again.
#[test]
fn an_approval_digest_cannot_be_worked_back_to_hidden_answers_and_an_unsalted_one_is_made_again() {
    use sha2::{Digest, Sha256};
    let (tmp, fourmi) = laptop(12);
    let data = tmp.path().join("data");
    let ring = fourmi::store::keyring::Keyring::load(&data.join("keyring.json")).unwrap();
    let (key, _) = ring.open("chief", "a coordinator passphrase").unwrap();
    let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    let conn = rusqlite::Connection::open(data.join("fourmi.db")).unwrap();
    conn.execute_batch(&format!("PRAGMA key = \"x'{hex}'\";")).unwrap();
    let (uuid, text, digest, salt): (String, String, String, String) = conn
        .query_row(
            "SELECT r.uuid, 'fourmi record v1,' || quote(form_hash) || ',' || quote(form_id) || ',' || quote(form_version) || ','
                || quote(monitor) || ',' || quote(device_id) || ','
                || quote(started_at) || ',' || quote(completed_at) || ',' || quote(language) || ','
                || quote(consent_interview) || ',' || quote(consent_at) || ',' || quote(consent_recontact) || ','
                || quote(answers), a.answers_sha256, a.salt
             FROM records r JOIN approvals a ON a.uuid = r.uuid LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    let plain: String = Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    assert_ne!(digest, plain, "the digest is not the record's plain SHA-256");
    assert_eq!(salt.len(), 64, "a 32-byte secret salt per approval");
    // An approval without a salt does not leave: the report says to approve it again.
    conn.execute("UPDATE approvals SET salt = NULL WHERE uuid = ?1", [&uuid]).unwrap();
    drop(conn);
    let report = fourmi(&["export", "--check", "--k", "1"]);
    let text = String::from_utf8_lossy(&report.stdout);
    assert!(text.contains("11 records") && text.contains("approves it again"), "{text}");
}

/// Two sets of flat files anonymised differently (another k) cannot be joined record by record:
/// each keys its records by its own pseudonyms, none the record's id (a UUIDv7, which carries
/// the interview's time).
#[test]
fn two_flat_releases_cannot_be_joined_on_their_record_keys() {
    let (tmp, fourmi) = laptop(60);
    let keys = |k: &str, to: &str| -> Vec<String> {
        let dir = tmp.path().join(to);
        let out =
            fourmi(&["records", "export", "csv", "--yes", "--form", "sdc", "--k", k, "--to", dir.to_str().unwrap()]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let mut r = csv::Reader::from_path(dir.join("sdc.csv")).unwrap();
        let col = r.headers().unwrap().iter().position(|h| h == "_uuid").unwrap();
        r.records().map(|row| row.unwrap()[col].to_string()).collect()
    };
    let (a, b) = (keys("5", "a"), keys("5", "b"));
    assert_eq!(a.len(), 60);
    // Nor row by row: each set has its records in an order of its own, and times to the day.
    let column = |to: &str, name: &str| -> Vec<String> {
        let mut r = csv::Reader::from_path(tmp.path().join(to).join("sdc.csv")).unwrap();
        let col = r.headers().unwrap().iter().position(|h| h == name).unwrap();
        r.records().map(|row| row.unwrap()[col].to_string()).collect()
    };
    let (ia, ib) = (column("a", "incident"), column("b", "incident"));
    assert!(ia.iter().zip(&ib).any(|(x, y)| x != y), "the same row number is not the same record");
    assert!(column("a", "_started_at").iter().all(|t| t.len() == 10), "interview times to the day");
    assert!(a.iter().all(|k| !b.contains(k)), "no key is shared between the two releases");
    let ids = String::from_utf8_lossy(&fourmi(&["records", "list"]).stdout).into_owned();
    assert!(a.iter().all(|k| !ids.contains(k.as_str())), "no key is a record's id");
}

/// Two sets of flat files of the same records anonymised otherwise can be laid side by side:
/// what one coarsened or hid, the other may show. A release made otherwise than the form's last
/// one is refused, and writes nothing, unless its writer says the last files were never given
/// out; unsaid settings are the last release's.
#[test]
fn flat_files_made_otherwise_than_the_last_release_are_refused_unless_said_to_be_a_new_release() {
    let (tmp, fourmi) = laptop(60);
    let export = |to: &str, extra: &[&str]| {
        let dir = tmp.path().join(to);
        (flat_csv(&fourmi, &dir, extra), dir)
    };
    let said = |o: &std::process::Output| String::from_utf8_lossy(&o.stdout).into_owned();
    let (first, _) = export("a", &["--k", "5", "--coarsen", "month"]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    assert!(!said(&first).contains("Last flat files"), "the first release has none before it");
    for other in [&["--k", "10"][..], &["--coarsen", "day"], &["--l", "2"]] {
        let (refused, dir) = export("b", other);
        assert!(!refused.status.success(), "{other:?}: {}", said(&refused));
        let err = String::from_utf8_lossy(&refused.stderr);
        assert!(err.contains("were written on") && err.contains("--new-release"), "{other:?}: {err}");
        assert!(!dir.exists(), "nothing is written: {other:?}");
    }
    // Unsaid settings are the last release's.
    let (same, dir) = export("c", &[]);
    assert!(same.status.success(), "{}", String::from_utf8_lossy(&same.stderr));
    assert!(said(&same).contains("k 5, l 1, timestamps to the month") && said(&same).contains("the same settings"));
    let mut r = csv::Reader::from_path(dir.join("sdc.csv")).unwrap();
    let col = r.headers().unwrap().iter().position(|h| h == "_started_at").unwrap();
    assert!(r.records().all(|row| row.unwrap()[col].len() == 7), "times to the month, as the last release");
    let (new, _) = export("d", &["--k", "10", "--new-release"]);
    assert!(new.status.success(), "{}", String::from_utf8_lossy(&new.stderr));
    assert!(said(&new).contains("other settings"), "{}", said(&new));
    // The new release is the last one now.
    let (after, _) = export("e", &["--check"]);
    assert!(said(&after).contains("k 10, l 1, timestamps to the month") && said(&after).contains("3 releases in all"));
}

/// Flat files with choice labels: the preview shows the labels the files will have, an answer
/// coarsened to a choice of another list (a neighbourhood to its city) has that choice's label,
/// and a language the form does not have is refused, not silently replaced.
#[test]
fn labelled_flat_files_label_coarsened_answers_and_refuse_a_language_the_form_lacks() {
    let (tmp, fourmi) = laptop(60);
    let dir = tmp.path().join("labelled");
    let out = flat_csv(&fourmi, &dir, &["--k", "10", "--labels", "en"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    let preview: Vec<&str> = said.lines().skip_while(|l| !l.contains("as they will leave")).skip(2).take(3).collect();
    assert_eq!(preview.len(), 3, "{said}");
    let codes = ["niamakoro", "sotuba", "kalaban", "chateau", "bamako", "gao", "female", "male", "guinea"];
    for row in &preview {
        assert!(!row.split('|').any(|c| codes.contains(&c.trim())), "a code in the preview: {row}");
    }
    let mut r = csv::Reader::from_path(dir.join("sdc.csv")).unwrap();
    let col = r.headers().unwrap().iter().position(|h| h == "hood").unwrap();
    let hoods: std::collections::BTreeSet<String> = r.records().map(|row| row.unwrap()[col].to_string()).collect();
    let labels = ["Niamakoro", "Sotuba", "Kalaban", "Château", "Bamako", "Gao", "*", ""];
    assert!(hoods.iter().all(|h| labels.contains(&h.as_str())), "{hoods:?}");
    let nowhere = tmp.path().join("nowhere");
    let refused = flat_csv(&fourmi, &nowhere, &["--labels", "Klingon"]);
    assert!(!nowhere.exists(), "nothing is written");
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("no language Klingon") && err.contains("English (en)"), "{err}");
}

#[test]
fn exporting_a_form_the_laptop_has_no_record_of_names_the_forms_it_has() {
    let (_tmp, fourmi) = laptop(5);
    let out = fourmi(&["export", "--check", "--form", "sdcc"]);
    assert!(!out.status.success(), "a mistyped form id is not an empty batch");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no record of a questionnaire sdcc") && err.contains("sdc"), "{err}");
}

#[test]
fn flat_files_that_cannot_all_be_written_leave_none_behind_and_no_release() {
    let (tmp, fourmi) = laptop(30);
    let dir = tmp.path().join("out");
    std::fs::create_dir_all(dir.join("sdc.do")).unwrap();
    let out = flat_csv(&fourmi, &dir, &["--k", "2"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("sdc.do"), "{}", String::from_utf8_lossy(&out.stderr));
    let left: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(left, ["sdc.do"], "no file of the failed release is left");
    let check = flat_csv(&fourmi, &dir, &["--check"]);
    assert!(!String::from_utf8_lossy(&check.stdout).contains("Last flat files"), "a failed release is not registered");
}

/// The report's preview is the files' own first rows: the records are put in the release's
/// order before the report is made, not after.
#[test]
fn the_preview_shows_the_rows_the_flat_files_start_with() {
    let (tmp, fourmi) = laptop(60);
    let dir = tmp.path().join("files");
    let out =
        fourmi(&["records", "export", "csv", "--yes", "--form", "sdc", "--k", "5", "--to", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    let lines: Vec<&str> = said.lines().collect();
    let at = lines.iter().position(|l| l.contains("The first records as they will leave")).expect(&said);
    fn cells(l: &str) -> Vec<&str> {
        l.split('|').map(str::trim).collect()
    }
    let names = cells(lines[at + 1]);
    let shown: Vec<Vec<&str>> = lines[at + 2..at + 5].iter().map(|l| cells(l)).collect();
    let mut r = csv::Reader::from_path(dir.join("sdc.csv")).unwrap();
    let headers = r.headers().unwrap().clone();
    let cols: Vec<usize> = names.iter().map(|n| headers.iter().position(|h| h == *n).expect(n)).collect();
    let first: Vec<Vec<String>> = r
        .records()
        .take(3)
        .map(|row| {
            let row = row.unwrap();
            cols.iter().map(|&c| if row[c].is_empty() { "-".to_string() } else { row[c].to_string() }).collect()
        })
        .collect();
    assert_eq!(shown, first, "{said}");
}

/// A laptop of 60 records that wrote its first batch at k = 5; the output of that export, and
/// an empty folder for another batch.
fn first_batch()
-> (tempfile::TempDir, impl Fn(&[&str]) -> std::process::Output, std::process::Output, std::path::PathBuf) {
    let (tmp, fourmi) = laptop(60);
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    let first = fourmi(&["export", "--yes", "--k", "5", "--to", a.to_str().unwrap()]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    (tmp, fourmi, first, b)
}

/// A batch written again carries its records anonymised exactly as the first time, whatever k
/// is asked now: two versions of one record anonymised differently could be joined.
#[test]
fn a_batch_written_again_is_anonymised_as_it_first_was() {
    let (_tmp, fourmi, first, b) = first_batch();
    let again = fourmi(&["export", "--yes", "--reexport", "1", "--k", "12", "--to", b.to_str().unwrap()]);
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
    let said = String::from_utf8_lossy(&again.stdout);
    assert!(said.contains("(asked: 5)"), "the first batch's k, not the one asked now: {said}");
    let report = |out: &std::process::Output| {
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.starts_with("  "))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(report(&first), report(&again), "the same records leave the same way");
}

/// A batch some of whose records were withdrawn since is not written again: its other records,
/// anonymised again without them, could leave hidden differently, and the two files together
/// would undo the protection. Nothing is written, and the message says why and what to do.
#[test]
fn a_batch_whose_records_were_withdrawn_since_is_not_written_again_differently() {
    let (_tmp, fourmi, _, b) = first_batch();
    let list = String::from_utf8_lossy(&fourmi(&["records", "list"]).stdout).into_owned();
    let uuid = list.split_whitespace().next().unwrap().to_string();
    let withdrawn = fourmi(&["records", "withdraw", &uuid]);
    assert!(withdrawn.status.success(), "{}", String::from_utf8_lossy(&withdrawn.stderr));
    let again = fourmi(&["export", "--yes", "--reexport", "1", "--to", b.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&again.stderr);
    assert!(!again.status.success(), "refused");
    assert!(said.contains("Batch 1 cannot be written again") && said.contains("withdrawn"), "{said}");
    assert_eq!(std::fs::read_dir(&b).unwrap().count(), 0, "nothing written");
    // The withdrawal itself leaves in the next batch.
    let next = fourmi(&["export", "--yes", "--to", b.to_str().unwrap()]);
    assert!(next.status.success(), "{}", String::from_utf8_lossy(&next.stderr));
    assert!(
        String::from_utf8_lossy(&next.stdout).contains("one withdrawal"),
        "{}",
        String::from_utf8_lossy(&next.stdout)
    );
}

#[test]
fn a_quasi_identifier_in_a_repeat_a_calculation_copying_one_or_a_choice_from_its_list_is_pointed_out() {
    use fourmi::form::generalise::{Unprotected, unprotected};
    let extra = r#"
[[survey]]
type = "calculate"
name = "age_copy"
calculation = "${age}"

[[survey]]
type = "select_one country"
name = "departure"
label."English (en)" = "Country the journey started from"

[[survey]]
type = "select_one country"
name = "transit"
label."English (en)" = "Country of the worst incident"
privacy = "sensitive"

[[survey]]
type = "select_one country"
name = "destination"
label."English (en)" = "Country the journey is to end in"
privacy = "none"

[[survey]]
type = "begin_repeat"
name = "household"
label."English (en)" = "Household"

[[survey]]
type = "integer"
name = "member_age"
label."English (en)" = "Age"
privacy = "quasi_identifier"

[[survey]]
type = "end_repeat"
"#;
    let definition = with_questions(extra);
    let form = fourmi::form::from_definition(&definition).unwrap();
    let gaps = unprotected(&form.form);
    assert!(gaps.contains(&("age_copy".to_string(), Unprotected::Copies("age".into()))), "{gaps:?}");
    assert!(gaps.contains(&("member_age".to_string(), Unprotected::InRepeat("household".into()))), "{gaps:?}");
    assert!(gaps.contains(&("departure".to_string(), Unprotected::SameList("nationality".into()))), "{gaps:?}");
    assert!(
        gaps.contains(&("transit".to_string(), Unprotected::SameList("nationality".into()))),
        "sensitive is no answer"
    );
    assert!(!gaps.iter().any(|(n, _)| n == "destination"), "`none` says it was thought of: {gaps:?}");
    assert!(unprotected(&fourmi::form::from_definition(FORM).unwrap().form).is_empty());
    let file = tempfile::NamedTempFile::with_suffix(".toml").unwrap();
    std::fs::write(file.path(), &definition).unwrap();
    let checked = Command::new(env!("CARGO_BIN_EXE_fourmi")).args(["form", "check"]).arg(file.path()).output().unwrap();
    let said = format!("{}{}", String::from_utf8_lossy(&checked.stdout), String::from_utf8_lossy(&checked.stderr));
    assert!(said.contains("`member_age` is marked quasi_identifier inside the repeat `household`"), "{said}");
    assert!(said.contains("`age_copy` is calculated from the quasi-identifier `age`"), "{said}");
    assert!(said.contains("`departure` chooses from the same list as the quasi-identifier `nationality`"), "{said}");
    // The bundled questionnaires leave no such gap.
    for bundled in ["forms/4mi-core.toml", "forms/4mi-covid19.toml"] {
        let form = fourmi::form::from_definition(&std::fs::read_to_string(bundled).unwrap()).unwrap();
        assert_eq!(unprotected(&form.form), [], "{bundled}");
    }
}

#[test]
fn an_exact_date_beside_an_exact_age_still_leaves_k_anonymous_with_the_date_counted() {
    // An exact arrival date beside an exact age: each alone keeps nearly every record unique.
    let extra = r#"
[[survey]]
type = "date"
name = "arrived"
label."English (en)" = "Arrived"
privacy = "quasi_identifier"
"#;
    let definition = with_questions(extra);
    let form = fourmi::form::from_definition(&definition).unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    let mut records = respondents(400, 11);
    for r in &mut records {
        let day = rng.gen_range(0..1000);
        r.insert(
            "arrived".into(),
            json!(format!("{}-{:02}-{:02}", 2019 + day / 336, 1 + day % 336 / 28, 1 + day % 28)),
        );
    }
    let mut refs: Vec<&mut Map<String, J>> = records.iter_mut().collect();
    let out = protect(&form, &mut refs, Goal { k: 5, l: 1 });
    assert!(!out.short && out.k_reached >= 5, "{out:?}");
    let mut groups: HashMap<Vec<String>, usize> = HashMap::new();
    for r in &records {
        let key = QI.iter().chain(["arrived"].iter()).map(|q| text(r.get(*q))).collect();
        *groups.entry(key).or_default() += 1;
    }
    assert!(groups.values().all(|&n| n >= 5), "every combination, the date with them, is shared by 5");
}

/// The records' groups of quasi-identifiers, each with the sets of values its records gave to
/// the sensitive question `values` reads (records that gave none left out).
fn sensitive_sets(
    records: &[Map<String, J>],
    values: impl Fn(&Map<String, J>) -> Vec<String>,
) -> HashMap<Vec<String>, Vec<Vec<String>>> {
    let mut groups: HashMap<Vec<String>, Vec<Vec<String>>> = HashMap::new();
    for r in records {
        let set = values(r);
        let g = groups.entry(QI.iter().map(|q| text(r.get(*q))).collect()).or_default();
        if !set.is_empty() {
            g.push(set);
        }
    }
    groups
}

/// No value is given by every record of a group that answered, and at least `l` are given.
fn no_value_told_of_a_whole_group(groups: &HashMap<Vec<String>, Vec<Vec<String>>>, l: usize) -> Result<(), String> {
    for (key, sets) in groups.iter().filter(|(_, s)| !s.is_empty()) {
        let mut all: Vec<&String> = sets.iter().flatten().collect();
        all.sort();
        all.dedup();
        if all.len() < l {
            return Err(format!("{key:?}: only {all:?}"));
        }
        if let Some(v) = all.iter().find(|v| sets.iter().all(|s| s.contains(v))) {
            return Err(format!("{key:?}: every one of its {} records gave {v}", sets.len()));
        }
    }
    Ok(())
}

/// The choices of the list `abuse`, to add at the end of a definition.
fn abuse_choices() -> String {
    ["police", "robbery", "detention", "extortion", "beating"]
        .iter()
        .map(|c| format!("\n[[choices]]\nlist_name = \"abuse\"\nname = \"{c}\"\nlabel.\"English (en)\" = \"{c}\"\n"))
        .collect()
}

/// Most people met report the police, with something else: sets of values all different, each
/// holding `police`.
fn police_and_more(i: usize) -> Vec<&'static str> {
    let other = ["robbery", "detention", "extortion", "beating"][i % 4];
    if i % 4 == 1 { vec![other] } else { vec!["police", other] }
}

#[test]
fn a_value_every_record_of_a_group_gave_in_a_repeat_is_not_diversity() {
    let extra = r#"
[[survey]]
type = "begin_repeat"
name = "events"
label."English (en)" = "Events"

[[survey]]
type = "select_one abuse"
name = "abuser"
label."English (en)" = "Who?"
privacy = "sensitive"

[[survey]]
type = "end_repeat"
"#;
    let form = fourmi::form::from_definition(&(with_questions(extra) + &abuse_choices())).unwrap();
    let mut records = respondents(600, 11);
    for (i, r) in records.iter_mut().enumerate() {
        r.remove("incident");
        let events: Vec<J> = police_and_more(i * 7 % 13).iter().map(|v| json!({"abuser": v})).collect();
        r.insert("events".into(), J::Array(events));
    }
    let mut refs: Vec<&mut Map<String, J>> = records.iter_mut().collect();
    let out = protect(&form, &mut refs, Goal { k: 5, l: 2 });
    assert!(!out.short, "{out:?}");
    let values = |r: &Map<String, J>| -> Vec<String> {
        r.get("events")
            .and_then(J::as_array)
            .map(|es| es.iter().filter_map(|e| e["abuser"].as_str().map(String::from)).collect())
            .unwrap_or_default()
    };
    no_value_told_of_a_whole_group(&sensitive_sets(&records, values), 2).unwrap();
    assert!(smallest_group(&records) >= 5);
}

/// The form with `abuses`, a sensitive select_multiple.
fn with_abuses() -> Compiled {
    let extra = r#"
[[survey]]
type = "select_multiple abuse"
name = "abuses"
label."English (en)" = "What happened?"
privacy = "sensitive"
"#;
    fourmi::form::from_definition(&(with_questions(extra) + &abuse_choices())).unwrap()
}

fn abuses(r: &Map<String, J>) -> Vec<String> {
    r.get("abuses")
        .and_then(J::as_array)
        .map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect())
        .unwrap_or_default()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]
    #[test]
    fn whatever_the_ticked_choices_l_holds_for_each_value_or_is_said_to_be_out_of_reach(
        n in 0usize..120, seed in any::<u64>(), k in 1usize..6, l in 2usize..4,
        ticks in proptest::collection::vec(0u8..32, 1..16),
    ) {
        let form = with_abuses();
        let mut records = respondents(n, seed);
        let names = ["police", "robbery", "detention", "extortion", "beating"];
        for (i, r) in records.iter_mut().enumerate() {
            let t = ticks[i % ticks.len()];
            let set: Vec<&str> = names.iter().enumerate().filter(|(b, _)| t >> b & 1 == 1).map(|(_, v)| *v).collect();
            r.remove("incident");
            r.insert("abuses".into(), json!(set));
        }
        let mut refs: Vec<&mut Map<String, J>> = records.iter_mut().collect();
        let out = protect(&form, &mut refs, Goal { k, l });
        if !out.short && n > 0 {
            prop_assert!(smallest_group(&records) >= k);
            let checked = no_value_told_of_a_whole_group(&sensitive_sets(&records, abuses), l);
            prop_assert!(checked.is_ok(), "{:?}", checked);
        }
    }
}

#[test]
fn a_choice_every_record_of_a_group_ticked_is_not_diversity() {
    let form = with_abuses();
    let mut records = respondents(600, 11);
    for (i, r) in records.iter_mut().enumerate() {
        r.remove("incident");
        r.insert("abuses".into(), json!(police_and_more(i * 7 % 13)));
    }
    let mut refs: Vec<&mut Map<String, J>> = records.iter_mut().collect();
    let out = protect(&form, &mut refs, Goal { k: 5, l: 2 });
    assert!(!out.short, "{out:?}");
    no_value_told_of_a_whole_group(&sensitive_sets(&records, abuses), 2).unwrap();
}

#[test]
fn answers_that_arrive_hidden_count_as_lost_and_group_with_those_hidden_again() {
    // Headquarters exports again what laptops hid: a `*` that came is an answer lost, and the
    // same `*` as one hidden here.
    let mut records = respondents(400, 21);
    for r in records.iter_mut().step_by(3) {
        r.insert("age".into(), json!(HIDDEN));
    }
    // A few came with every quasi-identifier hidden.
    for r in records.iter_mut().step_by(50) {
        for q in QI {
            r.insert(q.to_string(), json!(HIDDEN));
        }
    }
    let came_hidden = records.iter().filter(|r| r["age"] == HIDDEN).count();
    let out = run(&mut records, Goal { k: 5, l: 1 });
    // (`nationality_other` is free text, dropped whole.)
    let kept = &QI[..5];
    let all_hidden = records.iter().filter(|r| kept.iter().all(|q| r.get(*q) == Some(&json!(HIDDEN)))).count();
    assert!(all_hidden >= 8);
    assert_eq!(out.fully_hidden, all_hidden, "records that leave with every answer hidden, wherever it was hidden");
    assert!(!out.short);
    let age = out.qis.iter().find(|q| q.name == "age").unwrap();
    assert!(age.hidden >= came_hidden, "{} hidden, {came_hidden} came hidden", age.hidden);
    assert_eq!(age.hidden, records.iter().filter(|r| r["age"] == HIDDEN).count(), "the count is of the `*` that leave");
    let floor = came_hidden as f64 / (records.len() * QI.len()) as f64;
    assert!(out.loss >= floor, "loss {} counts the {came_hidden} ages that came hidden", out.loss);
    assert_eq!(smallest_group(&records), out.k_reached, "the groups reported are the groups that leave");
}

#[test]
fn answers_that_arrive_coarsened_leave_no_finer_with_the_rest_coarsened_alike_counted_and_reported() {
    // Headquarters receives ages some laptops already banded (their batches), others exact.
    let mut records = respondents(400, 31);
    for r in records.iter_mut().step_by(2) {
        let low = r["age"].as_i64().unwrap() / 5 * 5;
        r.insert("age".into(), json!(format!("{low}-{}", low + 4)));
    }
    let banded = records.iter().filter(|r| r["age"].is_string()).count();
    let out = run(&mut records, Goal { k: 5, l: 1 });
    let age = out.qis.iter().find(|q| q.name == "age").unwrap();
    assert_eq!((age.arrived, age.arrived_step.as_deref()), (banded, Some("bands=5")), "{age:?}");
    assert!(age.step.is_some(), "the exact ages are coarsened as the bands that came: {age:?}");
    // One column, one precision: no exact age beside the bands that came.
    let ages: std::collections::BTreeSet<String> = records.iter().map(|r| text(r.get("age"))).collect();
    assert!(ages.iter().all(|a| a == HIDDEN || a.contains('-')), "{ages:?}");
    // A band that came counts as lost as the same band made here.
    let mut exact = respondents(400, 31);
    let made_here = run(&mut exact, Goal { k: 5, l: 1 });
    assert!((out.loss - made_here.loss).abs() < 0.02, "came {} made here {}", out.loss, made_here.loss);
    assert_eq!(smallest_group(&records), out.k_reached);
}

/// The coarsening is searched over every combination of steps; the hiding that completes each
/// is a heuristic (the fewest values to hide is a hard problem), so one k lower may lose a
/// little more, never much: the coordinator who lowers k, or drops l, keeps more.
#[test]
fn asking_for_less_protection_never_loses_more_than_a_little_information() {
    for (n, seed) in [(60, 3), (150, 4), (150, 7), (300, 0), (300, 5), (800, 1)] {
        let records = respondents(n, seed);
        let loss = |goal: Goal| run(&mut records.clone(), goal).loss;
        let by_k: Vec<f64> = (2..=8).map(|k| loss(Goal { k, l: 1 })).collect();
        for (k, pair) in (2..).zip(by_k.windows(2)) {
            assert!(pair[0] <= pair[1] + 0.04, "{n} records: k = {k} loses {} and k = {} {}", pair[0], k + 1, pair[1]);
        }
        for (k, far) in (2..).zip(by_k.windows(4)) {
            assert!(far[0] < far[3], "{n} records: k = {k} loses {} and k = {} {}", far[0], k + 3, far[3]);
        }
        let by_l: Vec<f64> = (1..=3).map(|l| loss(Goal { k: 5, l })).collect();
        assert!(by_l[0] <= by_l[1] + 0.04 && by_l[1] <= by_l[2] + 0.04, "{n} records, k = 5, l = 1 to 3: {by_l:?}");
        assert!(by_l[0] < by_l[2], "{n} records, k = 5, l = 1 to 3: {by_l:?}");
    }
}

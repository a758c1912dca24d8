//! Hostile files as real processes: none may crash fourmi, hang it or exhaust the memory. Each
//! command runs with a deadline; past it the test fails (and the process is killed).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Runs fourmi with `args`, failing the test if it takes longer than `deadline` or crashes.
fn run_within(args: &[&str], deadline: Duration) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fourmi"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > deadline {
            let _ = child.kill();
            panic!("fourmi {args:?} did not finish within {deadline:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let code = out.status.code();
    assert!(
        matches!(code, Some(0..=2)),
        "fourmi {args:?} crashed ({code:?}): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn write(dir: &Path, name: &str, content: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

const SECONDS: Duration = Duration::from_secs(20);

/// A data folder set up by `chief` in `dir`: the arguments every store command then takes.
fn set_up(dir: &Path) -> Vec<String> {
    let data = dir.join("data");
    let pass = write(dir, "pass", "correct horse battery staple\n");
    let base: Vec<String> =
        ["--data-dir", data.to_str().unwrap(), "--user", "chief", "--passphrase-file", pass.to_str().unwrap()]
            .iter()
            .map(|s| s.to_string())
            .collect();
    let mut setup = vec!["setup", "--name", "chief"];
    setup.extend(base.iter().map(String::as_str));
    assert!(run_within(&setup, SECONDS).status.success());
    base
}

/// `fourmi form check FILE` refuses the file (exit 1), saying `why`.
fn check_refuses(path: &Path, why: &str) -> String {
    let out = run_within(&["form", "check", path.to_str().unwrap()], SECONDS);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains(why), "{}", text(&out));
    text(&out)
}

#[test]
fn a_type_with_a_kelvin_sign_is_reported_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let form = write(
        dir.path(),
        "kelvin.md",
        "| survey |\n| | type | name | label |\n| | select one from \u{212A} | q | Q |\n| | select one from \u{212A}\u{212A}list or specify other | r | R |\n",
    );
    let out = run_within(&["form", "check", form.to_str().unwrap()], SECONDS);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
}

#[test]
fn a_huge_uuid_length_is_an_error_not_a_hang() {
    let out = run_within(&["expr", "eval", "uuid(1000000000000000)"], SECONDS);
    assert!(text(&out).contains("at most"), "{}", text(&out));
}

#[test]
fn calculations_that_double_a_text_stop_at_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let mut md = String::from("| survey |\n| | type | name | label | calculation |\n| | text | a | A | |\n");
    let mut prev = "a".to_string();
    for i in 0..64 {
        md.push_str(&format!("| | calculate | c{i} | | concat(${{{prev}}}, ${{{prev}}}) |\n"));
        prev = format!("c{i}");
    }
    let form = write(dir.path(), "double.md", &md);
    let answers = write(dir.path(), "a.json", r#"{"a": "0123456789abcdef"}"#);
    let base = set_up(dir.path());
    let mut add = vec!["records", "add", "--form", form.to_str().unwrap(), "--answers", answers.to_str().unwrap()];
    add.extend(base.iter().map(String::as_str));
    run_within(&add, Duration::from_secs(60));
}

#[test]
fn a_zip_bomb_spreadsheet_is_refused_before_it_is_unpacked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.xlsx");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("[Content_Types].xml", opts).unwrap();
    zip.write_all(b"<?xml version=\"1.0\"?><Types/>").unwrap();
    zip.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
    let zeros = vec![b' '; 1 << 20];
    for _ in 0..200 {
        zip.write_all(&zeros).unwrap();
    }
    zip.finish().unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() < 2 << 20);
    check_refuses(&path, "unpacks to more than");
}

#[test]
fn a_cell_far_away_in_a_spreadsheet_allocates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("far.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("survey").unwrap();
    sheet.write(0, 0, "type").unwrap();
    sheet.write(0, 1, "name").unwrap();
    sheet.write(0, 2, "label").unwrap();
    sheet.write(1, 0, "text").unwrap();
    sheet.write(1, 1, "q").unwrap();
    sheet.write(1, 2, "Q").unwrap();
    sheet.write(1_048_000, 16_000, "far").unwrap();
    book.save(&path).unwrap();
    check_refuses(&path, "larger than fourmi reads");
}

#[test]
fn twenty_thousand_nested_groups_are_refused_at_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let mut md = String::from("| survey |\n| | type | name | label |\n");
    for i in 0..20_000 {
        md.push_str(&format!("| | begin_group | g{i} | G |\n"));
    }
    md.push_str("| | text | q | Q |\n");
    for _ in 0..20_000 {
        md.push_str("| | end_group | | |\n");
    }
    let form = write(dir.path(), "deep.md", &md);
    let out = check_refuses(&form, "nested more than 100 deep");
    assert!(!out.contains("never closed"), "only the cause is reported: {out}");
}

#[cfg(unix)]
#[test]
fn a_fifo_as_a_choice_file_or_a_form_is_refused_without_waiting() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("towns.csv");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let form = write(
        dir.path(),
        "fifo.md",
        "| survey |\n| | type | name | label |\n| | select_one_from_file towns.csv | town | Town |\n",
    );
    check_refuses(&form, "not a regular file");
    let fifo_form = dir.path().join("form.md");
    assert!(Command::new("mkfifo").arg(&fifo_form).status().unwrap().success());
    check_refuses(&fifo_form, "not a regular file");
}

#[test]
fn key_derivation_settings_edited_in_the_keyring_are_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let base = set_up(dir.path());
    let ring_path = dir.path().join("data").join("keyring.json");
    let ring = std::fs::read_to_string(&ring_path).unwrap();
    for (field, value) in [("passes", "100000"), ("memory_kib", "4294967295"), ("memory_kib", "8"), ("lanes", "0")] {
        let mut v: serde_json::Value = serde_json::from_str(&ring).unwrap();
        v["accounts"][0][field] = serde_json::Value::from(value.parse::<u64>().unwrap());
        std::fs::write(&ring_path, v.to_string()).unwrap();
        let mut list = vec!["records", "list"];
        list.extend(base.iter().map(String::as_str));
        let out = run_within(&list, SECONDS);
        assert_eq!(out.status.code(), Some(1));
        assert!(text(&out).contains("outside fourmi's bounds"), "{field}={value}: {}", text(&out));
    }
}

#[test]
fn an_endless_line_on_standard_input_is_refused_without_holding_it() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fourmi"))
        .args(["expr", "eval", "--stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        let chunk = vec![b'1'; 1 << 16];
        for _ in 0..(64 << 4) {
            if input.write_all(&chunk).is_err() {
                break;
            }
        }
    });
    let out = child.wait_with_output().unwrap();
    let _ = feeder.join();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("longer than"));
}

#[test]
fn one_damaged_keyring_entry_locks_out_only_its_own_account() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let pass = write(dir.path(), "pass", "correct horse battery staple\n");
    let ana = write(dir.path(), "ana", "umbrella lagoon ferment taxi\n");
    let run = |args: &[&str], user: &str, p: &Path| {
        let mut a = args.to_vec();
        a.extend(["--data-dir", data.to_str().unwrap(), "--user", user, "--passphrase-file", p.to_str().unwrap()]);
        run_within(&a, SECONDS)
    };
    assert!(run(&["setup", "--name", "chief"], "chief", &pass).status.success());
    assert!(
        run(
            &["account", "add", "ana", "--role", "monitor", "--new-passphrase-file", ana.to_str().unwrap()],
            "chief",
            &pass
        )
        .status
        .success()
    );
    let ring_path = data.join("keyring.json");
    let mut v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&ring_path).unwrap()).unwrap();
    let i = v["accounts"].as_array().unwrap().iter().position(|e| e["account"] == "ana").unwrap();
    v["accounts"][i]["passes"] = serde_json::json!("2");
    std::fs::write(&ring_path, v.to_string()).unwrap();
    let out = run(&["records", "list"], "ana", &ana);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("keyring entry of `ana` is damaged"), "{}", text(&out));
    let out = run(&["records", "list"], "chief", &pass);
    assert!(out.status.success(), "the coordinator still unlocks: {}", text(&out));
}

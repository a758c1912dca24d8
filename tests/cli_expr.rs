//! `fourmi expr eval`, run as a real process.

use std::io::Write;
use std::process::{Command, Stdio};

fn eval(args: &[&str], stdin: Option<&str>) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fourmi"))
        .args(["expr", "eval"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("fourmi runs");
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    } else {
        drop(child.stdin.take());
    }
    let out = child.wait_with_output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn one_expression_prints_one_json_line_with_its_type() {
    assert_eq!(eval(&["1 + 2"], None), (0, "{\"type\":\"number\",\"value\":3}\n".to_string()));
    assert_eq!(eval(&["concat('a', 'b')"], None).1, "{\"type\":\"string\",\"value\":\"ab\"}\n");
    assert_eq!(eval(&["1 = 1"], None).1, "{\"type\":\"boolean\",\"value\":true}\n");
    assert_eq!(eval(&["date('2020-07-01') + 1"], None).1, "{\"type\":\"number\",\"value\":18445}\n");
    assert_eq!(eval(&["date('2020-07-01')"], None).1, "{\"type\":\"date\",\"value\":\"2020-07-01\"}\n");
}

#[test]
fn errors_are_json_lines_too_and_set_the_exit_code() {
    let (code, out) = eval(&["if(1, 2)"], None);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["type"], "error");
    assert!(v["message"].as_str().unwrap().contains("takes 3 arguments"));
}

#[test]
fn stdin_gives_one_result_per_line_in_order() {
    let (code, out) = eval(&["--stdin"], Some("1\n'x'\n((\ntrue()\n"));
    assert_eq!(code, 1, "one line failed");
    let types: Vec<String> = out
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["type"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(types, ["number", "string", "error", "boolean"]);
}

#[test]
fn answers_supply_references() {
    let dir = tempfile::tempdir().unwrap();
    let answers = dir.path().join("a.json");
    std::fs::write(&answers, r#"{"age": 34, "langs": ["fr", "bm"], "city": "bamako"}"#).unwrap();
    let a = answers.display().to_string();
    let (code, out) =
        eval(&["--answers", &a, "${age} >= 18 and selected(${langs}, 'bm') and ${city} = 'bamako'"], None);
    assert_eq!((code, out.as_str()), (0, "{\"type\":\"boolean\",\"value\":true}\n"));
    let (_, out) = eval(&["--answers", &a, "${missing}"], None);
    assert!(out.contains("no answer is given for ${missing}"));
}

#[test]
fn output_into_a_closed_pipe_ends_quietly_without_a_crash_report() {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_fourmi"))
        .args(["expr", "eval", "--stdin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut stdin = child.stdin.take().unwrap();
    let _ = stdin.write_all("1 + 1\n".repeat(20_000).as_bytes());
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(141));
}

//! `fourmi form check` and `fourmi form convert`, run as real processes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fourmi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fourmi")).args(args).output().expect("fourmi runs")
}

fn text(o: &Output) -> (String, String) {
    (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

fn bundled(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("forms").join(name).display().to_string()
}

fn write(dir: &Path, name: &str, body: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, body).unwrap();
    p.display().to_string()
}

#[test]
fn bundled_forms_pass_with_no_problem_at_all() {
    let out = fourmi(&["form", "check", &bundled("4mi-core.toml"), &bundled("4mi-covid19.toml")]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert_eq!(stdout, "", "no error and no warning expected");
    assert!(stderr.contains("0 error(s), 0 warning(s)"));
}

const BROKEN: &str = r#"[settings]
form_id = "broken"

[[survey]]
type = "integer"
name = "age"
label = "Age"

[[survey]]
type = "integer"
name = "age"
label = "Age again"

[[survey]]
type = "select_one colours"
name = "colour"
label = "Colour"

[[survey]]
type = "text"
name = "q3"
label = "Q3"
relevant = "${nowhere} > 1"

[[survey]]
type = "calculate"
name = "x"
calculation = "${y} + 1"

[[survey]]
type = "calculate"
name = "y"
calculation = "${x} + 1"

[[survey]]
type = "text"
name = "q4"
label = "Q4"
constraint = "string-length(. > 3"

[[survey]]
type = "begin_group"
name = "g"
label = "G"
"#;

#[test]
fn every_problem_is_printed_with_file_line_and_column_and_the_exit_code_is_1() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "broken.toml", BROKEN);
    let out = fourmi(&["form", "check", &path]);
    let (stdout, _) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<&str> = stdout.lines().collect();
    let has = |line: u32, what: &str| {
        lines.iter().any(|l| l.starts_with(&format!("{path}:{line}:")) && l.contains(": error: ") && l.contains(what))
    };
    assert!(has(11, "used twice"), "{stdout}");
    assert!(has(15, "choice list `colours`"), "{stdout}");
    assert!(has(23, "${nowhere}"), "{stdout}");
    assert!(has(33, "circle"), "{stdout}");
    assert!(has(39, "string-length"), "{stdout}");
    assert!(has(41, "never closed"), "{stdout}");
}

#[test]
fn warnings_alone_leave_the_exit_code_at_0() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "privacy.md",
        "| survey |\n| | type | name | label |\n| | text | phone_number | What is your phone number? |\n",
    );
    let out = fourmi(&["form", "check", &path]);
    let (stdout, _) = text(&out);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains(": warning: ") && stdout.contains("`privacy` column"), "{stdout}");
}

#[test]
fn a_nul_character_in_any_cell_or_name_is_refused_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let form = "[settings]\nform_id = \"n\"\n\n[[survey]]\ntype = \"select_one yn\"\nname = \"q\"\nlabel = \"Q\"\n\n\
                [[choices]]\nlist_name = \"yn\"\nname = \"yes\"\nlabel = \"Y\\u0000es\"\n";
    let path = write(dir.path(), "nul.toml", form);
    let out = fourmi(&["form", "check", &path]);
    let (stdout, _) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("nul.toml:12:") && stdout.contains("`label` cell holds a NUL character"), "{stdout}");

    // In a column's name (here a language), in TOML and in markdown.
    let toml = "[settings]\nform_id = \"n\"\n\n[[survey]]\ntype = \"text\"\nname = \"q\"\nlabel.\"Eng\\u0000lish (en)\" = \"Q\"\n";
    let md = "| survey |\n| | type | name | label::Eng\u{0}lish (en) |\n| | text | q | Q |\n";
    for path in [write(dir.path(), "header.toml", toml), write(dir.path(), "header.md", md)] {
        let out = fourmi(&["form", "check", &path]);
        let (stdout, _) = text(&out);
        assert_eq!(out.status.code(), Some(1), "{stdout}");
        assert!(stdout.contains("column name `label::Eng") && stdout.contains("holds a NUL character"), "{stdout}");
    }
}

#[test]
fn garbage_files_are_refused_with_a_message_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let bytes: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    for name in ["junk.xlsx", "junk.xls", "junk.toml", "junk.md"] {
        let p = dir.path().join(name);
        std::fs::write(&p, &bytes).unwrap();
        let out = fourmi(&["form", "check", &p.display().to_string()]);
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(1), "{name}: {stdout}{stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        assert!(!(stdout + &stderr).trim().is_empty(), "{name}: says nothing");
    }
    let missing = dir.path().join("missing.toml");
    let out = fourmi(&["form", "check", &missing.display().to_string()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).1.contains("cannot read"));
}

fn cells(path: &str) -> Vec<(String, Vec<(String, String)>)> {
    let wb = fourmi::form::read_workbook(Path::new(path)).unwrap();
    [&wb.survey, &wb.choices, &wb.settings]
        .into_iter()
        .flatten()
        .flat_map(|s| {
            s.rows.iter().map(|r| {
                let mut c: Vec<(String, String)> = r
                    .cells
                    .iter()
                    .filter(|c| !c.value.is_empty())
                    .map(|c| (c.column.clone(), c.value.clone()))
                    .collect();
                c.sort();
                (s.name.to_lowercase(), c)
            })
        })
        .collect()
}

#[test]
fn converting_toml_to_xlsx_to_markdown_and_back_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = |n: &str| dir.path().join(n).display().to_string();
    for form in ["4mi-core.toml", "4mi-covid19.toml"] {
        let original = bundled(form);
        assert!(fourmi(&["form", "convert", &original, &d("a.xlsx")]).status.success());
        assert!(fourmi(&["form", "convert", &d("a.xlsx"), &d("b.md")]).status.success());
        assert!(fourmi(&["form", "convert", &d("b.md"), &d("c.toml")]).status.success());
        let want = cells(&original);
        for step in ["a.xlsx", "b.md", "c.toml"] {
            let got = cells(&d(step));
            let first_difference = want.iter().zip(got.iter()).position(|(a, b)| a != b);
            assert_eq!(
                first_difference,
                None,
                "{form} -> {step}: row {first_difference:?}: {:?} became {:?}",
                first_difference.map(|i| &want[i]),
                first_difference.map(|i| &got[i])
            );
            assert_eq!(want.len(), got.len(), "{form} -> {step}: row count");
        }
        let out = fourmi(&["form", "check", &d("a.xlsx"), &d("b.md"), &d("c.toml")]);
        assert!(out.status.success(), "{:?}", text(&out));
    }
}

#[test]
fn converting_to_an_unknown_extension_says_which_ones_work() {
    let dir = tempfile::tempdir().unwrap();
    let out = fourmi(&["form", "convert", &bundled("4mi-core.toml"), &dir.path().join("x.pdf").display().to_string()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains(".toml, .xlsx or .md"));
}

#[test]
fn version_names_the_release_the_commit_the_build_date_and_sqlcipher() {
    let out = fourmi(&["--version"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.first().copied(), Some(format!("fourmi {}", env!("CARGO_PKG_VERSION")).as_str()));
    assert!(lines.iter().any(|l| l.starts_with("commit ")), "{text}");
    assert!(lines.iter().any(|l| l.starts_with("built 20")), "{text}");
    assert!(lines.iter().any(|l| l.starts_with("SQLCipher 4.")), "{text}");
}

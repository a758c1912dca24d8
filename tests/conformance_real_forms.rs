//! Real questionnaires field organisations wrote (`../shared/corpus/real-xlsforms/`, with
//! pyxform's verdicts): every form pyxform accepts loads, and an interview with it starts and is
//! filled to the end with generated answers and finalised; every form pyxform rejects is refused
//! with an error at a row. Skipped, saying so, when the corpus is absent.

mod common;

use std::sync::Arc;
use std::time::Duration;

use fourmi::form::{Compiled, Kind};
use fourmi::interview::{Interview, Loc, Screen, StartInfo};

/// Answers to try for a question of `kind`, in order, until one is taken; a select's choices
/// start at its `turn` (so that going back tries another one).
fn candidates(iv: &Interview, loc: &Loc, kind: Kind, turn: usize) -> Vec<String> {
    let mut choices = iv.offered(loc);
    if !choices.is_empty() {
        let n = turn % choices.len();
        choices.rotate_left(n);
    }
    match kind {
        Kind::SelectMultiple => {
            // One choice, then two, then three (constraints often ask for a number of them),
            // then each other one alone.
            let mut out: Vec<String> = (1..=3.min(choices.len())).map(|n| choices[..n].join(" ")).collect();
            out.extend(choices.iter().skip(1).cloned());
            out
        }
        Kind::SelectOne | Kind::Rank => choices,
        Kind::Integer => ["1", "0", "2", "5", "18", "25", "30", "60", "100", "2000"].map(String::from).to_vec(),
        Kind::Decimal => ["1.5", "0", "1", "25", "100"].map(String::from).to_vec(),
        Kind::Range => ["1", "0", "5", "10"].map(String::from).to_vec(),
        Kind::Date => ["2026-01-15", "2000-01-01", "1990-06-01"].map(String::from).to_vec(),
        Kind::DateTime => vec!["2026-01-15T10:00:00".into()],
        Kind::Time => vec!["10:00".into()],
        Kind::Geopoint => vec!["12.6 -8.0".into()],
        Kind::Acknowledge => vec!["OK".into()],
        _ => ["abc", "1", "12345", "a b"].map(String::from).to_vec(),
    }
}

/// Fills `iv` screen by screen to the end, as a monitor would: each question gets the first
/// candidate it takes (or stays empty); when a required select is left with no choice to offer
/// (the earlier choices filter them all out), it goes back and picks another earlier choice;
/// repeats get no more instances than they must; then it is finalised. Returns why it could not.
fn fill_to_the_end(iv: &mut Interview) -> Result<(), String> {
    let at = Duration::from_secs(1);
    let mut turns: std::collections::HashMap<Loc, usize> = Default::default();
    let mut answered_selects: Vec<Loc> = Vec::new();
    for _ in 0..200_000 {
        let screen = iv.current();
        match &screen {
            Screen::End => return iv.finalize(at).map_err(|p| format!("finalise: {p:?}")),
            Screen::Close => return Err("the generated answers close the interview".into()),
            Screen::AddRepeat { .. } => {}
            Screen::Question(_) | Screen::Page(_) => {
                for loc in iv.questions_on(&screen) {
                    let kind = iv.form().items[loc.item].item.kind;
                    if !kind.is_question() || iv.form().items[loc.item].item.read_only.is_some() {
                        continue;
                    }
                    if !iv.raw(&loc).is_empty() {
                        continue;
                    }
                    let turn = turns.get(&loc).copied().unwrap_or(0);
                    for c in candidates(iv, &loc, kind, turn) {
                        if iv.set_answer(&loc, &c, at).is_ok() && iv.problems_of(&loc).is_empty() {
                            break;
                        }
                    }
                    if !iv.problems_of(&loc).is_empty() {
                        let _ = iv.set_answer(&loc, "", at);
                    } else if kind.is_select() && !iv.raw(&loc).is_empty() {
                        answered_selects.retain(|l| *l != loc);
                        answered_selects.push(loc.clone());
                    }
                }
            }
        }
        if iv.next(at).is_err() {
            // A dead end of the choice filters: the next choice of the latest select answered,
            // or, when it has no more, of the one before (depth first, as far back as needed).
            let stuck = format!("cannot move on from {:?}: {:?}", screen, iv.screen_problems(&screen));
            let back = loop {
                let Some(last) = answered_selects.pop() else { return Err(stuck) };
                let _ = iv.set_answer(&last, "", at);
                let turn = turns.entry(last.clone()).or_insert(0);
                *turn += 1;
                if *turn < iv.offered(&last).len() {
                    break last;
                }
                *turn = 0;
            };
            let screen = iv.screens().into_iter().find(|s| iv.questions_on(s).contains(&back));
            if let Some(screen) = screen {
                iv.jump(&screen, at);
            }
        }
    }
    Err("the interview never ends".into())
}

#[test]
fn real_questionnaires_pyxform_accepts_run_to_the_end_and_those_it_rejects_are_refused() {
    let Some(dir) = common::corpus("real-xlsforms") else { return };
    let verdicts = std::fs::read_to_string(dir.join("pyxform_verdicts.tsv")).unwrap();
    let (mut accepted, mut ran, mut rejected, mut refused, mut needs_files) = (0, 0, 0, 0, 0);
    let mut problems = Vec::new();
    for line in verdicts.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (file, verdict) = (cols[0], cols[1]);
        let path = dir.join("forms").join(file);
        let loaded = match fourmi::form::load(&path) {
            Ok(l) => l,
            Err(e) => {
                problems.push(format!("{file}: cannot be read: {e}"));
                continue;
            }
        };
        if verdict == "reject" {
            rejected += 1;
            if loaded.is_valid() {
                problems.push(format!("{file}: pyxform rejects it ({}), fourmi accepts it", cols[2]));
            } else {
                refused += 1;
            }
            continue;
        }
        accepted += 1;
        if !loaded.is_valid() {
            let first = loaded.diags.iter().find(|d| d.severity == fourmi::form::Severity::Error);
            problems.push(format!("{file}: pyxform accepts it, fourmi refuses: {first:?}"));
            continue;
        }
        if !loaded.form.missing_files.is_empty() {
            // Its media files are not in the corpus: it loads, and is refused for interviews
            // with the files named, as it must be.
            assert!(loaded.ready_for_interviews(file).is_err());
            needs_files += 1;
            ran += 1;
            continue;
        }
        let info = StartInfo {
            language: String::new(),
            device_id: "test".into(),
            username: "mon01".into(),
            opened_at: chrono::DateTime::UNIX_EPOCH.fixed_offset(),
        };
        let mut iv = Interview::start(Arc::new(Compiled::new(loaded.form)), info);
        match fill_to_the_end(&mut iv) {
            Ok(()) => ran += 1,
            Err(why) => problems.push(format!("{file}: the interview does not run to the end: {why}")),
        }
    }
    println!(
        "real forms: {ran}/{accepted} that pyxform accepts run ({needs_files} of them need media files the corpus lacks and are refused for interviews, naming them); {refused}/{rejected} that it rejects are refused"
    );
    for p in &problems {
        println!("  {p}");
    }
    assert!(ran * 100 >= accepted * 95, "fewer than 95% of the forms pyxform accepts run");
    assert!(refused * 100 >= rejected * 90, "fewer than 90% of the forms pyxform rejects are refused");
}

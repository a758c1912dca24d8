//! Desktop app benchmarks, headless through egui_kittest (UI logic, no GPU): the time of one
//! frame of the records table over 100k records, of an interview screen and of a one-page form
//! of 1000 questions (with the jump list open), and the time from launch to the first
//! interactive frame (home, after unlocking) with 100k records; and the frames while typing into
//! that form on a disk whose every commit takes 50 ms (each keystroke's answer is saved durably,
//! off the interface's thread: typing must never wait for the disk).

use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use fourmi::ui::App;

#[path = "fixtures.rs"]
mod fixtures;
#[path = "generated.rs"]
mod generated;

use fixtures::{PASS, fixture_100k};

/// The app on a disk that takes `commit` to make each write durable.
fn app_on_disk(dir: &Path, commit: Duration) -> Harness<'static, App> {
    let dir = dir.to_path_buf();
    Harness::builder()
        .with_size(egui::vec2(1280.0, 900.0))
        .with_max_steps(1000)
        .build_eframe(move |_cc| App::new(dir).slow_disk(commit))
}

fn click(h: &mut Harness<'_, App>, label: &str) {
    h.get_by_label(label).click();
    // Work on another thread (the unlock's key derivation, a change to the data) shows a
    // spinner until it ends.
    h.step();
    while h.state().is_working() {
        std::thread::sleep(Duration::from_millis(5));
        h.step();
    }
    h.run();
}

fn unlocked(dir: &Path) -> Harness<'static, App> {
    unlocked_on_disk(dir, Duration::ZERO)
}

fn unlocked_on_disk(dir: &Path, commit: Duration) -> Harness<'static, App> {
    let mut h = app_on_disk(dir, commit);
    h.run();
    h.get_by_label("Account name").type_text("chief");
    h.run();
    h.get_by_label("Passphrase").click();
    h.run();
    h.get_by_label("Passphrase").type_text(PASS);
    h.run();
    click(&mut h, "Unlock");
    assert_eq!(h.state().account(), Some("chief"));
    h
}

/// The generated 1000-question form as one field-list page.
fn thousand_on_one_page() -> String {
    let md = generated::thousand_questions();
    let mut out = String::new();
    for line in md.lines() {
        if line.starts_with("| | type |") {
            out.push_str("| | type | name | label | relevant | calculation | constraint | appearance |\n");
            out.push_str("| | begin_group | all | All questions | | | | field-list |\n");
        } else if line.starts_with("| choices |") {
            out.push_str("| | end_group | | | | | | |\n");
            out.push_str(line);
            out.push('\n');
        } else if line.starts_with("| | ") && !line.starts_with("| | list_name") && !line.starts_with("| | yn") {
            out.push_str(line);
            out.push_str(" |\n");
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out.replace("| survey |\n", "| settings |\n| | form_id | form_title |\n| | thousand | Thousand |\n| survey |\n")
}

fn records_table(c: &mut Criterion) {
    let dir = fixture_100k();
    let mut h = unlocked(&dir);
    click(&mut h, "Records");
    assert!(h.query_by_label_contains("Page 1 of 200").is_some(), "100k records in pages of 50");
    c.bench_function("ui frame: records table, 100k records", |b| b.iter(|| h.step()));
    click(&mut h, "Next >");
    c.bench_function("records table: next page read (off the UI thread) and shown, 100k records", |b| {
        b.iter(|| {
            h.get_by_label("< Previous").click();
            h.run();
            h.get_by_label("Next >").click();
            h.run();
        })
    });
}

fn thousand_question_page(c: &mut Criterion) {
    let dir = fixture_100k();
    std::fs::create_dir_all(dir.join("forms")).unwrap();
    std::fs::write(dir.join("forms/thousand.md"), thousand_on_one_page()).unwrap();
    let mut h = unlocked(&dir);
    click(&mut h, "New interview");
    h.get_by_label_contains("Thousand (thousand").click();
    h.run();
    click(&mut h, "Start the interview");
    assert!(h.state().current_questions().len() > 500, "the page holds the questions");
    c.bench_function("ui frame: one page of a 1000-question form", |b| b.iter(|| h.step()));
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::J);
    h.run();
    c.bench_function("ui frame: 1000-question page with the jump list", |b| b.iter(|| h.step()));
    click(&mut h, "Save and close");
}

/// Typing into the first answer of the 1000-question page, one character per frame, while every
/// commit takes 50 ms: criterion's figure is the mean frame; the worst frame over 300 keystrokes
/// is printed beside it (the goal: under 16 ms).
fn typing_on_a_slow_disk(c: &mut Criterion) {
    let dir = fixture_100k();
    std::fs::create_dir_all(dir.join("forms")).unwrap();
    std::fs::write(dir.join("forms/thousand.md"), thousand_on_one_page()).unwrap();
    let mut h = unlocked_on_disk(&dir, Duration::from_millis(50));
    click(&mut h, "New interview");
    h.get_by_label_contains("Thousand (thousand").click();
    h.run();
    click(&mut h, "Start the interview");
    h.get_by_label("Question 0").click();
    h.run();
    let mut key = 0u32;
    let mut one_key = |h: &mut Harness<'_, App>| {
        key += 1;
        let c = char::from(b'a' + (key % 26) as u8);
        h.event(egui::Event::Text(c.to_string()));
        let t = Instant::now();
        h.step();
        t.elapsed()
    };
    let mut worst = Duration::ZERO;
    for _ in 0..300 {
        worst = worst.max(one_key(&mut h));
    }
    let typed = h.get_by_label("Question 0").value().unwrap_or_default().len();
    assert!(typed >= 300, "every keystroke reached the answer ({typed} characters)");
    println!("worst frame while typing, 300 keystrokes, 50 ms per commit: {:.2} ms", worst.as_secs_f64() * 1e3);
    c.bench_function("ui frame: a keystroke into a 1000-question page, 50 ms commits", |b| {
        b.iter_custom(|n| (0..n).map(|_| one_key(&mut h)).sum())
    });
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    click(&mut h, "Save and close");
}

fn launch(c: &mut Criterion) {
    let dir = fixture_100k();
    let mut g = c.benchmark_group("launch");
    g.sample_size(10);
    g.bench_function("launch, unlock and first home frame, 100k records", |b| b.iter(|| unlocked(&dir)));
    g.finish();
}

criterion_group!(benches, records_table, thousand_question_page, typing_on_a_slow_disk, launch);
criterion_main!(benches);

//! Desktop app benchmarks, headless through egui_kittest (UI logic, no GPU): the time of one
//! frame of the records table over 100k records, of an interview screen and of a one-page form
//! of 1000 questions (with the jump list open), and the time from launch to the first
//! interactive frame (home, after unlocking) with 100k records.

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use fourmi::ui::App;

#[path = "fixtures.rs"]
mod fixtures;
#[path = "generated.rs"]
mod generated;

use fixtures::{PASS, fixture_100k};

fn app(dir: &Path) -> Harness<'static, App> {
    let dir = dir.to_path_buf();
    Harness::builder().with_size(egui::vec2(1280.0, 900.0)).with_max_steps(1000).build_eframe(move |_cc| App::new(dir))
}

fn click(h: &mut Harness<'_, App>, label: &str) {
    h.get_by_label(label).click();
    h.run();
}

fn unlocked(dir: &Path) -> Harness<'static, App> {
    let mut h = app(dir);
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

fn launch(c: &mut Criterion) {
    let dir = fixture_100k();
    let mut g = c.benchmark_group("launch");
    g.sample_size(10);
    g.bench_function("launch, unlock and first home frame, 100k records", |b| b.iter(|| unlocked(&dir)));
    g.finish();
}

criterion_group!(benches, records_table, thousand_question_page, launch);
criterion_main!(benches);

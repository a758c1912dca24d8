//! The desktop app driven through egui_kittest by what a user sees: labels, buttons, keys.
//! Every test runs the real app on a real SQLCipher data folder in a temporary directory.

use std::path::Path;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use fourmi::form::Kind;
use fourmi::store::{Role, Setup, Status, Store};
use fourmi::ui::App;

const PASS: &str = "correct horse battery";

fn app(dir: &Path) -> Harness<'static, App> {
    let dir = dir.to_path_buf();
    Harness::builder().with_size(egui::vec2(1200.0, 900.0)).with_max_steps(200).build_eframe(move |_cc| App::new(dir))
}

/// Replaces the text of the box labelled `label`.
fn type_into(h: &mut Harness<'_, App>, label: &str, text: &str) {
    scroll_to(h, label);
    h.get_by_label(label).click();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_by_label(label).type_text(text);
    h.run();
}

/// Clicks `label` and lets the app settle (a screen whose work runs on another thread, such as
/// checking a batch, keeps drawing until it ends: the test then waits for its result).
fn click(h: &mut Harness<'_, App>, label: &str) {
    h.get_by_label(label).click();
    settle(h);
}

/// Scrolls `label` into view, as a user does before clicking what lies below the window.
fn scroll_to(h: &mut Harness<'_, App>, label: &str) {
    let screen = h.ctx.content_rect();
    let node = h.get_by_label(label);
    if !screen.contains_rect(node.rect()) {
        node.scroll_to_me();
        h.run();
    }
}

/// Lets the app settle, waiting for the work it runs on another thread (setup, an unlock, a
/// change to the data) to end.
fn settle(h: &mut Harness<'_, App>) {
    // The work starts at the end of the frame that asked for it.
    h.step();
    for _ in 0..800 {
        if !h.state().is_working() {
            h.run_ok();
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
        h.step();
    }
    panic!("the work never ended");
}

/// Clicks Unlock and waits for the unlock, which runs on another thread, to end.
fn click_unlock(h: &mut Harness<'_, App>) {
    click(h, "Unlock");
}

fn press(h: &mut Harness<'_, App>, key: egui::Key) {
    h.key_press(key);
    h.run();
}

fn visible(h: &Harness<'_, App>, text: &str) -> bool {
    h.query_by_label_contains(text).is_some()
}

/// A data folder set up with a coordinator `chief`, a monitor `ana` and a supervisor `sam`.
fn prepared() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let setup = Setup {
        coordinator: "chief".into(),
        passphrase: PASS.into(),
        device_name: "test laptop".into(),
        recipients: Vec::new(),
    };
    let mut store = Store::setup(tmp.path(), &setup).unwrap();
    store.add_account("ana", Role::Monitor, PASS).unwrap();
    store.add_account("sam", Role::Supervisor, PASS).unwrap();
    tmp
}

fn unlock(h: &mut Harness<'_, App>, name: &str) {
    type_into(h, "Account name", name);
    type_into(h, "Passphrase", PASS);
    click_unlock(h);
    assert_eq!(h.state().account(), Some(name), "unlocked as {name}");
}

fn start_covid(h: &mut Harness<'_, App>) {
    click(h, "New interview");
    h.get_by_label_contains("4Mi COVID-19").click();
    h.run();
    click(h, "Start the interview");
    assert!(h.state().current_record().is_some(), "an interview is open");
}

fn kind_of(name: &str) -> Kind {
    let form = fourmi::form::load(Path::new("forms/4mi-covid19.toml")).unwrap().form;
    form.walk().into_iter().find(|(i, _)| i.name == name).map(|(i, _)| i.kind).unwrap()
}

/// Answers the screen shown: text boxes by typing, choices with the digit key 1 (the first
/// choice), then Enter for the next screen.
fn answer_screen(h: &mut Harness<'_, App>) {
    let names = h.state().current_questions();
    for name in &names {
        match kind_of(name) {
            Kind::Text => {
                h.get_all_by_role(egui::accesskit::Role::TextInput).next().unwrap().click();
                h.run();
                h.get_all_by_role(egui::accesskit::Role::TextInput).next().unwrap().type_text("note");
                h.run();
            }
            Kind::Integer => {
                h.get_all_by_role(egui::accesskit::Role::TextInput).next().unwrap().click();
                h.run();
                h.get_all_by_role(egui::accesskit::Role::TextInput).next().unwrap().type_text("27");
                h.run();
                // Leave the box so the digit keys pick choices again.
                press(h, egui::Key::Escape);
            }
            Kind::SelectOne | Kind::SelectMultiple => press(h, egui::Key::Num1),
            _ => {}
        }
    }
    press(h, egui::Key::Enter);
}

/// Answers screen after screen (consent: Yes) until `stop` holds for the questions shown.
fn answer_until(h: &mut Harness<'_, App>, stop: impl Fn(&[String]) -> bool) {
    for _ in 0..200 {
        let names = h.state().current_questions();
        if stop(&names) {
            return;
        }
        if names.contains(&"consent".to_string()) {
            click(h, "Yes");
            press(h, egui::Key::Enter);
        } else {
            answer_screen(h);
        }
        assert_ne!(h.state().current_questions(), names, "the screen with {names:?} did not move on");
    }
    panic!("the interview never got there");
}

/// Answers every screen up to the review page.
fn answer_to_end(h: &mut Harness<'_, App>) {
    answer_until(h, |names| names == ["#end"]);
}

/// `ana` unlocks a prepared data folder and starts a COVID-19 interview.
fn ana_starts_covid() -> (tempfile::TempDir, Harness<'static, App>) {
    let tmp = prepared();
    let mut h = app(tmp.path());
    h.run();
    unlock(&mut h, "ana");
    start_covid(&mut h);
    (tmp, h)
}

/// A data folder with one COVID-19 interview finalised by `ana` through the app, locked after.
fn finalised_by_ana() -> (tempfile::TempDir, Harness<'static, App>) {
    let (tmp, mut h) = ana_starts_covid();
    answer_to_end(&mut h);
    click(&mut h, "Finalise (Ctrl+Enter)");
    click(&mut h, "Lock (Ctrl+L)");
    (tmp, h)
}

fn open_store(dir: &Path, name: &str) -> Store {
    Store::open(dir, name, PASS).unwrap()
}

/// Saves and closes the interview shown, locks, and reads its record as `ana` left it.
fn saved_by_ana(h: &mut Harness<'_, App>, dir: &Path) -> fourmi::store::RecordRow {
    let uuid = h.state().current_record().unwrap().to_string();
    click(h, "Save and close");
    click(h, "Lock (Ctrl+L)");
    open_store(dir, "ana").record(&uuid).unwrap()
}

#[test]
fn first_run_setup_creates_the_coordinator_and_opens_home() {
    let tmp = tempfile::tempdir().unwrap();
    let mut h = app(tmp.path());
    h.run();
    assert!(visible(&h, "first-time setup"));
    type_into(&mut h, "Coordinator account name", "chief");
    type_into(&mut h, "Passphrase", PASS);
    type_into(&mut h, "Passphrase again", "something else");
    click(&mut h, "Set up fourmi");
    assert!(visible(&h, "The two passphrases differ"), "a mismatch is explained");
    type_into(&mut h, "Passphrase again", PASS);
    type_into(&mut h, "Name of this laptop", "bamako-1");
    click(&mut h, "Set up fourmi");
    assert_eq!(h.state().account(), Some("chief"));
    assert!(visible(&h, "Your interviews to finish"));
    drop(h);
    let store = open_store(tmp.path(), "chief");
    assert_eq!(store.session().role, Role::Coordinator);
    assert_eq!(store.device_name().unwrap(), "bamako-1");
}

#[test]
fn a_wrong_passphrase_is_refused_with_a_plain_message() {
    let tmp = prepared();
    let mut h = app(tmp.path());
    h.run();
    type_into(&mut h, "Account name", "ana");
    type_into(&mut h, "Passphrase", "not the passphrase");
    click_unlock(&mut h);
    assert_eq!(h.state().account(), None);
    assert!(visible(&h, "The account name or the passphrase is wrong"));
    h.run();
    assert!(h.get_by_label("Passphrase").is_focused(), "the passphrase box has the keyboard again");
}

#[test]
fn a_complete_covid_interview_from_consent_to_finalise() {
    let (tmp, mut h) = ana_starts_covid();
    answer_to_end(&mut h);
    assert!(visible(&h, "Every required answer is given"));
    click(&mut h, "Finalise (Ctrl+Enter)");
    assert!(visible(&h, "Interview finalised and saved"));
    assert!(visible(&h, "One interview you finalised"), "the monitor sees its work arrived");
    drop(h);
    let store = open_store(tmp.path(), "sam");
    let recs = store.records(&Default::default()).unwrap();
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0].status, Status::Completed);
    assert_eq!(recs[0].consent_interview, Some(true));
    assert_eq!(recs[0].answers["age"], 27);
    assert_eq!(recs[0].monitor, "ana");
}

#[test]
fn a_consent_refusal_closes_the_interview_with_no_answers_once_the_monitor_confirms() {
    let (tmp, mut h) = ana_starts_covid();
    answer_until(&mut h, |names| names.contains(&"consent".to_string()));
    click(&mut h, "No");
    // Picking "No" closes nothing: the monitor is still on the question.
    assert_eq!(h.state().current_questions(), ["consent"]);
    press(&mut h, egui::Key::Enter);
    assert_eq!(h.state().current_questions(), ["#close"]);
    assert!(visible(&h, "Closing the interview keeps no answers after the consent question"));
    // Enter does not confirm.
    press(&mut h, egui::Key::Enter);
    assert_eq!(h.state().current_questions(), ["#close"]);
    click(&mut h, "Close the interview");
    assert!(visible(&h, "The respondent did not consent."));
    click(&mut h, "Back to Home (Enter)");
    assert!(visible(&h, "Reopen the interview"), "a refusal can be reopened, even with nothing after consent");
    drop(h);
    let store = open_store(tmp.path(), "sam");
    let recs = store.records(&Default::default()).unwrap();
    assert_eq!(recs[0].status, Status::Refused);
    assert_eq!(recs[0].consent_interview, Some(false));
    assert!(recs[0].answers.get("age").is_none());
}

#[test]
fn a_refusal_picked_by_mistake_is_changed_before_closing_and_nothing_is_lost() {
    let (tmp, mut h) = ana_starts_covid();
    answer_until(&mut h, |names| names.contains(&"consent".to_string()));
    click(&mut h, "No");
    press(&mut h, egui::Key::Enter);
    click(&mut h, "Go back and change the answer");
    assert_eq!(h.state().current_questions(), ["consent"]);
    click(&mut h, "Yes");
    press(&mut h, egui::Key::Enter);
    answer_to_end(&mut h);
    click(&mut h, "Finalise (Ctrl+Enter)");
    drop(h);
    let recs = open_store(tmp.path(), "sam").records(&Default::default()).unwrap();
    assert_eq!(recs[0].status, Status::Completed);
    assert_eq!(recs[0].consent_interview, Some(true));
}

#[test]
fn a_closed_interview_is_reopened_with_every_answer_until_the_next_one_starts() {
    let (tmp, mut h) = ana_starts_covid();
    answer_until(&mut h, |names| names.contains(&"age".to_string()));
    type_into(&mut h, "How old are you?", "16");
    press(&mut h, egui::Key::Enter);
    assert_eq!(h.state().current_questions(), ["arrived_within_year"]);
    press(&mut h, egui::Key::Num1);
    press(&mut h, egui::Key::Enter);
    assert_eq!(h.state().current_questions(), ["#close"]);
    click(&mut h, "Close the interview");
    let uuid = h.state().current_record().unwrap().to_string();
    click(&mut h, "Back to Home (Enter)");
    // Home offers to reopen it; reopening brings every answer back.
    click(&mut h, "Reopen the interview");
    assert_eq!(h.state().current_record(), Some(uuid.as_str()));
    let names = h.state().current_questions();
    assert!(names == ["age"] || names == ["arrived_within_year"], "reopened on the screening, not {names:?}");
    press(&mut h, egui::Key::Escape);
    click(&mut h, "Save and close");
    click(&mut h, "Lock (Ctrl+L)");
    {
        let store = open_store(tmp.path(), "ana");
        let rec = store.record(&uuid).unwrap();
        assert_eq!(rec.status, Status::Draft);
        assert_eq!(rec.answers["age"], 16, "the screening answers are back");
        let audit = store.audit_for(&uuid).unwrap();
        assert!(audit.iter().any(|r| r.action == "status draft" && r.detail.contains("reopened")));
    }
    // Closed again, then a new interview: the first one can no longer be reopened.
    unlock(&mut h, "ana");
    click(&mut h, "Continue");
    answer_until(&mut h, |names| names == ["#close"]);
    click(&mut h, "Close the interview");
    click(&mut h, "Back to Home (Enter)");
    click(&mut h, "New interview");
    h.get_by_label_contains("4Mi COVID-19").click();
    h.run();
    assert!(visible(&h, "Starting removes for good the answers of the interview you closed"));
    click(&mut h, "Start the interview");
    click(&mut h, "Save and close");
    assert!(!visible(&h, "Reopen the interview"));
    click(&mut h, "Lock (Ctrl+L)");
    let store = open_store(tmp.path(), "ana");
    let rec = store.record(&uuid).unwrap();
    assert_eq!(rec.status, Status::ScreenedOut);
    assert!(!rec.reopenable);
    assert!(rec.answers.get("age").is_none(), "the screening answers are purged");
}

#[test]
fn correcting_the_age_digit_by_digit_keeps_the_interview_and_every_answer() {
    let (tmp, mut h) = ana_starts_covid();
    answer_until(&mut h, |names| names.contains(&"age".to_string()));
    answer_screen(&mut h);
    answer_until(&mut h, |names| names.len() == 1 && names[0] != "arrived_within_year" && names[0] != "age");
    let far = h.state().current_questions();
    // Back to the age, typed again as 19: "1" alone would make the respondent ineligible.
    for _ in 0..20 {
        if h.state().current_questions() == ["age"] {
            break;
        }
        press(&mut h, egui::Key::PageUp);
    }
    assert_eq!(h.state().current_questions(), ["age"]);
    type_into(&mut h, "How old are you?", "19");
    assert_eq!(h.state().current_questions(), ["age"], "still on the age");
    // One Backspace, then the digit again.
    h.key_press(egui::Key::Backspace);
    h.run();
    h.get_by_label("How old are you?").type_text("9");
    h.run();
    press(&mut h, egui::Key::Enter);
    assert_eq!(h.state().current_questions(), ["arrived_within_year"]);
    let rec = saved_by_ana(&mut h, tmp.path());
    assert_eq!(rec.status, Status::Draft);
    assert_eq!(rec.answers["age"], 19);
    assert!(rec.answers.as_object().unwrap().len() > 12, "the later answers are kept: {far:?}");
}

#[test]
fn invalid_text_never_moves_on_and_never_stores_another_value() {
    let (tmp, mut h) = ana_starts_covid();
    answer_until(&mut h, |names| names.contains(&"age".to_string()));
    type_into(&mut h, "How old are you?", "25x");
    assert!(visible(&h, "Correct or clear this answer before moving on."));
    press(&mut h, egui::Key::Enter);
    assert_eq!(h.state().current_questions(), ["age"], "Enter does not move on");
    // The box still has the keyboard and what was typed.
    let text = h.get_by_label("How old are you?").value();
    assert_eq!(text.as_deref(), Some("25x"));
    h.key_press(egui::Key::Backspace);
    h.run();
    press(&mut h, egui::Key::Enter);
    assert_eq!(h.state().current_questions(), ["arrived_within_year"]);
    let rec = saved_by_ana(&mut h, tmp.path());
    assert_eq!(rec.answers["age"], 25);
}

#[test]
fn an_interview_resumes_where_it_was_left_after_closing_the_app() {
    let (tmp, mut h) = ana_starts_covid();
    answer_until(&mut h, |names| names.contains(&"age".to_string()));
    answer_screen(&mut h);
    let left_at = h.state().current_questions();
    assert_eq!(left_at, ["arrived_within_year"]);
    // Closing the window: nothing else is done.
    drop(h);
    let mut h = app(tmp.path());
    h.run();
    unlock(&mut h, "ana");
    click(&mut h, "Continue");
    assert_eq!(h.state().current_questions(), left_at);
    press(&mut h, egui::Key::PageUp);
    assert_eq!(h.state().current_questions(), ["age"]);
    assert_eq!(h.get_all_by_role(egui::accesskit::Role::TextInput).next().unwrap().value().as_deref(), Some("27"));
}

#[test]
fn a_supervisor_returns_a_record_and_the_monitor_corrects_it() {
    let (tmp, mut h) = finalised_by_ana();
    assert_eq!(h.state().account(), None);

    unlock(&mut h, "sam");
    click(&mut h, "Review");
    assert!(visible(&h, "How old are you?"), "the record shows labelled answers");
    click(&mut h, "Return to the monitor");
    assert!(visible(&h, "Write what the monitor should correct"), "a return needs a comment");
    type_into(&mut h, "Comment for the monitor", "Age looks wrong: ask again");
    click(&mut h, "Return to the monitor");
    assert!(visible(&h, "Record returned to its monitor."));
    click(&mut h, "Lock (Ctrl+L)");

    unlock(&mut h, "ana");
    click(&mut h, "Correct");
    assert!(visible(&h, "Age looks wrong: ask again"), "the monitor sees the comment");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::J);
    h.run();
    h.get_by_label_contains("How old are you?: 27").click();
    h.run();
    assert_eq!(h.state().current_questions(), ["age"]);
    type_into(&mut h, "How old are you?", "31");
    // Straight to the review page through the jump list, then finalise.
    click(&mut h, "Review and finalise");
    click(&mut h, "Finalise (Ctrl+Enter)");
    drop(h);
    let store = open_store(tmp.path(), "sam");
    let rec = store.records(&Default::default()).unwrap().remove(0);
    assert_eq!(rec.status, Status::Completed);
    assert_eq!(rec.revision, 2);
    assert_eq!(rec.answers["age"], 31);
    let corrections = store.corrections(&rec.uuid).unwrap();
    assert!(
        corrections
            .iter()
            .any(|c| c.1 == "age" && c.2.as_deref() == Some("27") && c.3.as_deref() == Some("31") && c.4 == "ana"),
        "{corrections:?}"
    );
}

#[test]
fn switching_language_applies_at_once_to_the_app_and_the_interview() {
    let tmp = prepared();
    let mut h = app(tmp.path());
    h.run();
    unlock(&mut h, "ana");
    click(&mut h, "Interface language");
    click(&mut h, "Français");
    assert!(visible(&h, "Nouvel entretien"), "the navigation is in French");
    click(&mut h, "Nouvel entretien");
    h.get_by_label_contains("4Mi COVID-19").click();
    h.run();
    click(&mut h, "Commencer l'entretien");
    assert!(visible(&h, "Mode d'entretien"), "the interview starts in French, after the monitor's own code");
    click(&mut h, "Langue de l'entretien");
    click(&mut h, "English (en)");
    assert!(visible(&h, "Interview mode"), "labels follow the interview language");
    assert!(visible(&h, "Suivant (Entrée)"), "the app's own words stay French");
}

#[test]
fn the_records_table_finds_records_by_text_and_opens_them() {
    let (_tmp, mut h) = finalised_by_ana();
    unlock(&mut h, "sam");
    click(&mut h, "Records");
    assert!(visible(&h, "One record"));
    type_into(&mut h, "Search", "no such text anywhere");
    click(&mut h, "Apply");
    assert!(visible(&h, "0 records"), "a search that matches nothing says so");
    type_into(&mut h, "Search", "ana");
    click(&mut h, "Apply");
    assert!(visible(&h, "One record"));
    h.get_all_by_role(egui::accesskit::Role::Link).next().unwrap().click();
    h.run();
    assert!(visible(&h, "How old are you?"), "the record opens with its answers");
    click(&mut h, "Records");
    assert_eq!(h.get_by_label("Search").value().as_deref(), Some("ana"), "back on the table, its search is kept");
    assert!(visible(&h, "One record"));
    type_into(&mut h, "Search", "arrived_within_year");
    click(&mut h, "Apply");
    assert!(visible(&h, "0 records"), "a question's name is not an answer");
}

#[test]
fn a_coordinator_adds_a_monitor_who_can_then_unlock() {
    let (_tmp, mut h) = settings_of("chief");
    type_into(&mut h, "Account name", "fatou");
    type_into(&mut h, "Passphrase", PASS);
    type_into(&mut h, "Passphrase again", PASS);
    click(&mut h, "Add the account");
    assert!(visible(&h, "The account fatou was added."));
    click(&mut h, "Lock (Ctrl+L)");
    unlock(&mut h, "fatou");
    assert!(visible(&h, "fatou (monitor)"));
    assert!(h.query_by_label("Records").is_none(), "a monitor has no records table");
}

#[test]
fn the_app_locks_itself_after_a_while_without_input_and_keeps_the_interview() {
    let tmp = prepared();
    let dir = tmp.path().to_path_buf();
    let mut h = Harness::builder()
        .with_size(egui::vec2(1200.0, 900.0))
        .with_max_steps(200)
        .build_eframe(move |_cc| App::new(dir).lock_after(std::time::Duration::from_millis(1500)));
    h.run();
    unlock(&mut h, "ana");
    start_covid(&mut h);
    answer_screen(&mut h);
    let at = h.state().current_questions();
    std::thread::sleep(std::time::Duration::from_millis(1700));
    h.step();
    h.run();
    assert_eq!(h.state().account(), None, "locked");
    assert!(visible(&h, "fourmi locked itself. Everything was saved"));
    type_into(&mut h, "Passphrase", PASS);
    click_unlock(&mut h);
    click(&mut h, "Continue");
    assert_eq!(h.state().current_questions(), at, "the interview goes on where it was");
}

const EVERY_TYPE: &str = "| settings |
| | form_id | form_title |
| | every_type | Every type |
| survey |
| | type | name | label | parameters |
| | note | intro | Every widget, one per screen | |
| | text | t | A text | |
| | integer | i | A whole number | |
| | decimal | d | A decimal | |
| | range | r | A range | start=1 end=5 step=1 |
| | date | day | A date | |
| | time | hour | A time | |
| | dateTime | when | A date and time | |
| | select_one yn | one | One choice | |
| | select_multiple fruit | many | Several choices | |
| | rank fruit | order | An order | |
| | acknowledge | ok | Acknowledge this | |
| | geopoint | place | A place | |
| choices |
| | list_name | name | label |
| | yn | yes | Yes |
| | yn | no | No |
| | fruit | mango | Mango |
| | fruit | papaya | Papaya |
| | fruit | guava | Guava |
";

#[test]
fn every_question_type_has_a_widget_that_stores_a_typed_answer() {
    let tmp = prepared();
    std::fs::create_dir_all(tmp.path().join("forms")).unwrap();
    std::fs::write(tmp.path().join("forms/every_type.md"), EVERY_TYPE).unwrap();
    let mut h = app(tmp.path());
    h.run();
    unlock(&mut h, "ana");
    click(&mut h, "New interview");
    h.get_by_label_contains("Every type").click();
    h.run();
    click(&mut h, "Start the interview");
    assert!(visible(&h, "Every widget, one per screen"));
    press(&mut h, egui::Key::Enter);
    for (label, text) in [("A text", "market day"), ("A whole number", "12"), ("A decimal", "2.5")] {
        type_into(&mut h, label, text);
        press(&mut h, egui::Key::Enter);
    }
    h.get_by_role(egui::accesskit::Role::Slider).set_value_accesskit(4.0);
    h.run();
    press(&mut h, egui::Key::Enter);
    type_into(&mut h, "A date", "not a date");
    assert!(visible(&h, "Enter a date as DD/MM/YYYY (day, month, year)."), "a malformed date is explained");
    type_into(&mut h, "A date", "28/11/2026");
    press(&mut h, egui::Key::Enter);
    type_into(&mut h, "A time", "14:30");
    press(&mut h, egui::Key::Enter);
    type_into(&mut h, "A date and time", "2026-11-28T14:30");
    press(&mut h, egui::Key::Enter);
    press(&mut h, egui::Key::Num2);
    press(&mut h, egui::Key::Enter);
    press(&mut h, egui::Key::Num1);
    press(&mut h, egui::Key::Num3);
    press(&mut h, egui::Key::Enter);
    h.get_all_by_label("Move up").nth(1).unwrap().click();
    h.run();
    press(&mut h, egui::Key::Enter);
    click(&mut h, "OK");
    press(&mut h, egui::Key::Enter);
    type_into(&mut h, "A place", "12.65 -8.0");
    press(&mut h, egui::Key::Enter);
    assert_eq!(h.state().current_questions(), ["#end"]);
    click(&mut h, "Finalise (Ctrl+Enter)");
    drop(h);
    let store = open_store(tmp.path(), "sam");
    let a = store.records(&Default::default()).unwrap().remove(0).answers;
    assert_eq!(a["t"], "market day");
    assert_eq!(a["i"], 12);
    assert_eq!(a["d"], 2.5);
    assert_eq!(a["r"], 4);
    assert_eq!(a["day"], "2026-11-28");
    assert_eq!(a["hour"].as_str().map(|s| &s[..5]), Some("14:30"));
    assert!(a["when"].as_str().unwrap().starts_with("2026-11-28T14:30"));
    assert_eq!(a["one"], "no");
    assert_eq!(a["many"], serde_json::json!(["mango", "guava"]));
    assert_eq!(a["order"], serde_json::json!(["papaya", "mango", "guava"]));
    assert_eq!(a["ok"], "OK");
    assert_eq!(a["place"].as_str().map(|s| s.starts_with("12.65 -8")), Some(true));
}

/// Runs frames until `text` shows (work on another thread), for at most a few seconds.
fn wait_for(h: &mut Harness<'_, App>, text: &str) {
    for _ in 0..200 {
        h.step();
        if visible(h, text) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    panic!("`{text}` never showed");
}

#[test]
fn a_coordinator_checks_the_report_then_writes_a_batch_and_sees_it_in_the_ledger() {
    let tmp = prepared();
    let hq = age::x25519::Identity::generate();
    open_store(tmp.path(), "chief").add_recipient(&hq.to_public().to_string()).unwrap();
    let mut h = app(tmp.path());
    h.run();
    unlock(&mut h, "ana");
    start_covid(&mut h);
    answer_to_end(&mut h);
    click(&mut h, "Finalise (Ctrl+Enter)");
    click(&mut h, "Lock (Ctrl+L)");
    unlock(&mut h, "chief");
    click(&mut h, "Records");
    h.get_all_by_role(egui::accesskit::Role::Link).next().unwrap().click();
    h.run();
    click(&mut h, "Approve");
    h.get_all_by_label("Export").next().unwrap().click();
    h.run();
    assert!(visible(&h, "One record would be exported"));
    click(&mut h, "Check the batch");
    wait_for(&mut h, "Before writing: what leaves the laptop");
    assert!(visible(&h, "One record and 0 withdrawals"), "the report counts what the batch carries");
    assert!(visible(&h, "k-anonymity NOT reached"), "one record cannot be one of five");
    let out = tempfile::tempdir().unwrap();
    type_into(&mut h, "Write into the folder", &out.path().display().to_string());
    click(&mut h, "Write the batch");
    assert!(visible(&h, "cannot reach k = 5"), "nothing leaves short of k");
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
    // The coordinator lowers k on purpose, checks again, and writes.
    h.get_by_label("Smallest group (k)").set_value_accesskit(1.0);
    h.run();
    click(&mut h, "Check the batch");
    wait_for(&mut h, "Before writing: what leaves the laptop");
    assert!(visible(&h, "shared by at least one record (asked: 1)"));
    assert!(visible(&h, "k = 1: quasi-identifiers leave as answered"), "k = 1 is said for what it is");
    click(&mut h, "Write the batch");
    wait_for(&mut h, "Batch 1 written");
    let files: Vec<_> = std::fs::read_dir(out.path()).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), 1, "one batch file and no temporary file left: {files:?}");
    assert!(files[0].extension().is_some_and(|e| e == "batch"));
    assert!(visible(&h, "Write batch 1 again"), "the ledger lists the batch");
    assert_eq!(h.state().account(), Some("chief"));
}

#[test]
fn a_supervisor_tabulates_a_question_by_sex_for_bamako() {
    let tmp = tempfile::tempdir().unwrap();
    fourmi::demo::create(tmp.path(), PASS, &[]).unwrap();
    let mut h = app(tmp.path());
    h.run();
    unlock(&mut h, "supervisor");
    h.get_by_label("Tables").click();
    wait_for(&mut h, "Broken down by");
    h.get_by_label("Questionnaire").click();
    h.run();
    h.get_by_label_contains("COVID-19").click();
    h.step();
    // The boxes to find a question, then its breakdown.
    for (nth, text, pick) in
        [(0, "lost income", "c21 - Have you lost income"), (1, "sex", "sex - Sex of the respondent")]
    {
        wait_for(&mut h, "Broken down by");
        h.get_all_by_role(egui::accesskit::Role::TextInput).nth(nth).unwrap().click();
        h.step();
        h.get_all_by_role(egui::accesskit::Role::TextInput).nth(nth).unwrap().type_text(text);
        wait_for(&mut h, pick);
        h.get_by_label_contains(pick).click();
        h.run();
    }
    type_into(&mut h, "Only where", "${city} = 'bamako'");
    click(&mut h, "Show the table");
    assert!(visible(&h, "28% (8/29)"), "lost income in Bamako");
    assert!(visible(&h, "73% (8/11)"), "of the women");
}

#[test]
fn a_folder_whose_keyring_is_missing_shows_what_to_restore_instead_of_the_setup() {
    let tmp = prepared();
    std::fs::remove_file(tmp.path().join("keyring.json")).unwrap();
    let mut h = app(tmp.path());
    h.run();
    assert!(visible(&h, "Part of this laptop's fourmi data is missing"));
    assert!(visible(&h, "keyring.json is missing"));
    assert!(!visible(&h, "first-time setup"));
}

/// One thing a monitor does on the age question.
#[derive(Debug, Clone)]
enum Key {
    Char(char),
    Backspace,
    Enter,
    Back,
}

fn key_strategy() -> impl proptest::strategy::Strategy<Value = Key> {
    use proptest::prelude::*;
    prop_oneof![
        6 => proptest::sample::select(vec!['1', '2', '5', '9', '0', 'x', '-', '.']).prop_map(Key::Char),
        2 => Just(Key::Backspace),
        1 => Just(Key::Enter),
        1 => Just(Key::Back),
    ]
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 24, ..Default::default() })]

    /// Whatever is typed, erased, and whatever moves are tried, the record holds what the screen
    /// last showed as a valid answer.
    #[test]
    fn the_record_holds_what_the_screen_last_showed_as_valid(keys in proptest::collection::vec(key_strategy(), 1..24)) {
        let (tmp, mut h) = ana_starts_covid();
        answer_until(&mut h, |names| names.contains(&"age".to_string()));
        h.get_by_label("How old are you?").click();
        h.run();
        let mut last_valid = String::new();
        for key in &keys {
            // Moved away (Enter on a valid answer, or Back): come back, as a monitor would.
            for _ in 0..4 {
                let names = h.state().current_questions();
                if names == ["age"] {
                    break;
                }
                let after = names == ["arrived_within_year"] || names == ["#close"];
                press(&mut h, if after { egui::Key::PageUp } else { egui::Key::Enter });
            }
            if !h.state().current_questions().is_empty() {
                h.get_by_label("How old are you?").click();
                h.run();
            }
            match key {
                Key::Char(c) => {
                    h.get_by_label("How old are you?").type_text(&c.to_string());
                    h.run();
                }
                Key::Backspace => press(&mut h, egui::Key::Backspace),
                Key::Enter => press(&mut h, egui::Key::Enter),
                Key::Back => press(&mut h, egui::Key::PageUp),
            }
            if h.state().current_questions() == ["age"] && !visible(&h, "Correct or clear this answer") {
                last_valid = h.get_by_label("How old are you?").value().unwrap_or_default();
            }
        }
        let uuid = h.state().current_record().unwrap().to_string();
        press(&mut h, egui::Key::Escape);
        click(&mut h, "Save and close");
        click(&mut h, "Lock (Ctrl+L)");
        let rec = open_store(tmp.path(), "ana").record(&uuid).unwrap();
        let stored = rec.answers.get("age").map(|v| v.to_string()).unwrap_or_default();
        let shown = last_valid.trim().parse::<i64>().map(|n| n.to_string()).unwrap_or_default();
        proptest::prop_assert_eq!(stored, shown, "keys {:?}", keys);
    }
}

/// `name` unlocks a prepared data folder and opens the settings.
fn settings_of(name: &str) -> (tempfile::TempDir, Harness<'static, App>) {
    let tmp = prepared();
    let mut h = app(tmp.path());
    h.run();
    unlock(&mut h, name);
    click(&mut h, "Accounts and settings");
    (tmp, h)
}

#[test]
fn a_monitor_changes_its_own_passphrase_in_the_settings() {
    let (tmp, mut h) = settings_of("ana");
    type_into(&mut h, "New passphrase", "umbrella lagoon ferment taxi");
    type_into(&mut h, "New passphrase again", "umbrella lagoon ferment taxi");
    click(&mut h, "Change my passphrase");
    assert!(visible(&h, "The passphrase of ana was changed."));
    click(&mut h, "Lock (Ctrl+L)");
    drop(h);
    assert!(Store::open(tmp.path(), "ana", PASS).is_err());
    assert_eq!(Store::open(tmp.path(), "ana", "umbrella lagoon ferment taxi").unwrap().session().role, Role::Monitor);
}

#[test]
fn disabling_an_account_asks_first_and_then_it_cannot_unlock() {
    let (tmp, mut h) = settings_of("chief");
    h.get_all_by_label("Disable").next().unwrap().click();
    h.run();
    assert!(visible(&h, "The account can no longer unlock this laptop"));
    click(&mut h, "Cancel");
    assert!(!visible(&h, "The account can no longer unlock this laptop"));
    h.get_all_by_label("Disable").next().unwrap().click();
    h.run();
    let name = if h.query_by_label("Disable ana").is_some() { "ana" } else { "sam" };
    click(&mut h, &format!("Disable {name}"));
    assert!(visible(&h, &format!("The account {name} is disabled.")));
    click(&mut h, "Lock (Ctrl+L)");
    drop(h);
    assert!(Store::open(tmp.path(), name, PASS).is_err());
}

/// The names of the choices of `list` in the COVID-19 form, in order.
fn choice_names(list: &str) -> Vec<String> {
    let form = fourmi::form::load(Path::new("forms/4mi-covid19.toml")).unwrap().form;
    form.choices[list].iter().map(|c| c.name.clone()).collect()
}

#[test]
fn a_choice_past_nine_is_picked_by_typing_its_number_and_one_by_the_start_of_its_label() {
    let (tmp, mut h) = ana_starts_covid();
    answer_until(&mut h, |names| names == ["nationality"]);
    let countries = choice_names("country");
    assert!(countries.len() >= 12, "nationality offers {} countries", countries.len());
    press(&mut h, egui::Key::Num1);
    press(&mut h, egui::Key::Num2);
    press(&mut h, egui::Key::Enter);
    assert_ne!(h.state().current_questions(), ["nationality"], "choice 12 was picked and the interview moved on");
    let rec = saved_by_ana(&mut h, tmp.path());
    assert_eq!(rec.answers["nationality"], countries[11].as_str());
}

#[test]
fn the_next_interview_remembers_the_setting_and_begins_after_it() {
    let (tmp, mut h) = ana_starts_covid();
    answer_until(&mut h, |names| names == ["neighbourhood"] || names == ["consent"]);
    let first = saved_by_ana(&mut h, tmp.path());
    unlock(&mut h, "ana");
    start_covid(&mut h);
    let names = h.state().current_questions();
    assert!(!names.iter().any(|n| ["monitor", "mode", "country", "city"].contains(&n.as_str())), "{names:?}");
    let second = saved_by_ana(&mut h, tmp.path());
    for q in ["mode", "country", "city"] {
        assert_eq!(second.answers[q], first.answers[q], "{q} is remembered");
    }
}

#[test]
fn a_finalised_interview_s_setting_and_monitor_code_start_the_next_one_in_the_same_session() {
    let (tmp, mut h) = ana_starts_covid();
    answer_to_end(&mut h);
    click(&mut h, "Finalise (Ctrl+Enter)");
    assert!(visible(&h, "Interview finalised and saved"));
    click(&mut h, "Lock (Ctrl+L)");
    let first = open_store(tmp.path(), "sam").records(&Default::default()).unwrap().remove(0);
    unlock(&mut h, "ana");
    start_covid(&mut h);
    let names = h.state().current_questions();
    assert!(!names.iter().any(|n| ["monitor", "mode", "country", "city"].contains(&n.as_str())), "{names:?}");
    let second = saved_by_ana(&mut h, tmp.path());
    for q in ["monitor", "mode", "country", "city"] {
        assert_eq!(second.answers[q], first.answers[q], "{q} is taken from the finalised interview");
    }
}

#[test]
fn the_jump_list_is_used_with_arrows_enter_and_escape_and_the_question_then_has_the_keyboard() {
    let (_tmp, mut h) = ana_starts_covid();
    answer_until(&mut h, |names| names == ["nationality"]);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::J);
    h.run();
    assert!(visible(&h, "Jump to"), "Ctrl+J opens the list");
    press(&mut h, egui::Key::Escape);
    assert!(!visible(&h, "Jump to"), "Escape closes it");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::J);
    h.run();
    for _ in 0..3 {
        press(&mut h, egui::Key::ArrowUp);
    }
    press(&mut h, egui::Key::Enter);
    assert!(!visible(&h, "Jump to"), "Enter closes the list");
    let there = h.state().current_questions();
    assert_ne!(there, ["nationality"], "Enter went to the line the arrows chose");
    if kind_of(&there[0]) == Kind::Integer {
        assert!(
            h.get_all_by_role(egui::accesskit::Role::TextInput).next().unwrap().is_focused(),
            "the question's box has the keyboard"
        );
    }
}

#[test]
fn a_secret_key_pasted_as_headquarters_key_is_wiped_from_the_screen_and_refused() {
    let (tmp, mut h) = settings_of("chief");
    let secret = "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX";
    type_into(&mut h, "New key", secret);
    assert_eq!(h.get_by_label("New key").value().as_deref(), Some(""), "the secret is not left on screen");
    assert!(visible(&h, "This is an age secret key"), "and the coordinator is told why");
    click(&mut h, "Add the key");
    drop(h);
    assert!(open_store(tmp.path(), "chief").recipients().unwrap().iter().all(|r| !r.contains("SECRET")));
}

#[test]
fn an_answer_on_the_review_page_is_a_link_to_its_question() {
    let (_tmp, mut h) = ana_starts_covid();
    answer_to_end(&mut h);
    h.get_by_label("How old are you?:").click();
    h.run();
    assert_eq!(h.state().current_questions(), ["age"], "the link goes to the question, to change it");
}

/// The label of the widget that has the keyboard, if any.
fn focused(h: &Harness<'_, App>) -> Option<String> {
    let label = std::cell::RefCell::new(None);
    h.query(egui_kittest::kittest::by().predicate(|n| {
        let on = n.is_focused();
        if on {
            *label.borrow_mut() = n.label();
        }
        on
    }));
    label.into_inner()
}

/// Moves the keyboard with Tab (Shift+Tab with `back`) to the widget whose label contains `label`.
fn tab_to(h: &mut Harness<'_, App>, label: &str, back: bool) {
    for _ in 0..120 {
        if focused(h).is_some_and(|l| l.contains(label)) {
            return;
        }
        if back {
            h.key_press_modifiers(egui::Modifiers::SHIFT, egui::Key::Tab);
        } else {
            h.key_press(egui::Key::Tab);
        }
        h.run();
    }
    panic!("Tab never reached {label:?} (last: {:?})", focused(h));
}

/// Types into whatever has the keyboard.
fn typed(h: &mut Harness<'_, App>, text: &str) {
    h.event(egui::Event::Text(text.into()));
    h.run();
}

/// Enter on the widget with the keyboard, then the app settles (work on another thread ends).
fn enter(h: &mut Harness<'_, App>) {
    h.key_press(egui::Key::Enter);
    settle(h);
}

#[test]
fn a_whole_interview_and_its_review_are_done_from_the_keyboard_alone() {
    let tmp = prepared();
    let mut h = app(tmp.path());
    h.run();
    // Unlock: the name box has the keyboard at once.
    assert_eq!(focused(&h).as_deref(), Some("Account name"));
    typed(&mut h, "ana");
    h.key_press(egui::Key::Tab);
    h.run();
    typed(&mut h, PASS);
    enter(&mut h);
    assert_eq!(h.state().account(), Some("ana"));
    tab_to(&mut h, "New interview", false);
    enter(&mut h);
    tab_to(&mut h, "4Mi COVID-19", false);
    h.key_press(egui::Key::Space);
    h.run();
    tab_to(&mut h, "Start the interview", false);
    enter(&mut h);
    assert!(h.state().current_record().is_some(), "the interview started");
    for _ in 0..200 {
        let names = h.state().current_questions();
        if names == ["#end"] {
            break;
        }
        for name in &names {
            match kind_of(name) {
                // The screen's first box has the keyboard on arrival; the next is a Tab away.
                Kind::Text => typed(&mut h, "note"),
                Kind::Integer => typed(&mut h, "27"),
                Kind::SelectOne | Kind::SelectMultiple => press(&mut h, egui::Key::Num1),
                _ => {}
            }
        }
        press(&mut h, egui::Key::Enter);
        assert_ne!(h.state().current_questions(), names, "the screen with {names:?} did not move on by Enter");
    }
    assert!(visible(&h, "Every required answer is given"));
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Enter);
    settle(&mut h);
    assert!(visible(&h, "Interview finalised and saved"));
    // Lock with Ctrl+L; the supervisor takes the laptop: Shift+Tab back to the name.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::L);
    h.run();
    assert_eq!(focused(&h).as_deref(), Some("Passphrase"), "the passphrase box waits for ana's passphrase");
    tab_to(&mut h, "Account name", true);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    typed(&mut h, "sam");
    h.key_press(egui::Key::Tab);
    h.run();
    typed(&mut h, PASS);
    enter(&mut h);
    assert_eq!(h.state().account(), Some("sam"));
    tab_to(&mut h, "Review", false);
    enter(&mut h);
    tab_to(&mut h, "Approve", false);
    enter(&mut h);
    assert!(visible(&h, "Record approved."));
    drop(h);
    let store = open_store(tmp.path(), "sam");
    let recs = store.records(&Default::default()).unwrap();
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0].status, Status::Approved);
    assert_eq!(recs[0].answers["age"], 27);
}

const A_DATE: &str = "| settings |
| | form_id | form_title | default_language |
| | a_date | A date | French (fr) |
| survey |
| | type | name | label::French (fr) | label::English (en) |
| | date | day | Quel jour ? | Which day? |
";

#[test]
fn a_date_is_picked_on_the_calendar_from_the_keyboard_in_french() {
    let tmp = prepared();
    std::fs::create_dir_all(tmp.path().join("forms")).unwrap();
    std::fs::write(tmp.path().join("forms/a_date.md"), A_DATE).unwrap();
    std::fs::write(tmp.path().join("ui.json"), r#"{"lang":"Fr"}"#).unwrap();
    let mut h = app(tmp.path());
    h.run();
    type_into(&mut h, "Nom du compte", "ana");
    type_into(&mut h, "Phrase secrète", PASS);
    h.key_press(egui::Key::Enter);
    settle(&mut h);
    click(&mut h, "Nouvel entretien");
    h.get_by_label_contains("A date (a_date").click();
    h.run();
    click(&mut h, "Commencer l'entretien");
    assert_eq!(h.state().current_questions(), ["day"]);
    type_into(&mut h, "Quel jour ?", "28/11/2026");
    // Alt+Down opens the calendar on the date typed; the arrows move; Enter takes the day.
    h.key_press_modifiers(egui::Modifiers::ALT, egui::Key::ArrowDown);
    h.run();
    assert!(visible(&h, "novembre 2026"), "the month in French");
    assert!(visible(&h, "lu") && visible(&h, "di"), "the days in French, from Monday");
    press(&mut h, egui::Key::ArrowRight);
    press(&mut h, egui::Key::ArrowDown);
    press(&mut h, egui::Key::PageDown);
    assert!(visible(&h, "janvier 2027"));
    press(&mut h, egui::Key::Enter);
    assert_eq!(h.state().current_questions(), ["day"], "Enter on the calendar picks a day, it does not move on");
    assert_eq!(h.get_by_label("Quel jour ?").value().unwrap(), "06/01/2027", "28 Nov + 1 day + 1 week + 1 month");
    let uuid = h.state().current_record().unwrap().to_string();
    press(&mut h, egui::Key::Enter);
    assert_ne!(h.state().current_questions(), ["day"], "then Enter moves on");
    click(&mut h, "Enregistrer et fermer");
    drop(h);
    let rec = open_store(tmp.path(), "ana").record(&uuid).unwrap();
    assert_eq!(rec.answers["day"], "2027-01-06");
}

/// Widgets cut by the window's right edge, and widgets drawn over one another, on the screen
/// shown (1024x600): (role, label, rect) of each offender.
fn layout_faults(h: &Harness<'_, App>, width: f64) -> Vec<String> {
    use egui::accesskit::Role;
    let nodes = std::cell::RefCell::new(Vec::new());
    h.query_all(egui_kittest::kittest::by().predicate(|n| {
        let leaf = matches!(
            n.role(),
            Role::Button
                | Role::Label
                | Role::TextInput
                | Role::CheckBox
                | Role::RadioButton
                | Role::ComboBox
                | Role::Slider
                | Role::Link
        );
        if leaf && let Some(b) = n.bounding_box() {
            let text = n.label().filter(|l| !l.is_empty()).or_else(|| n.value()).unwrap_or_default();
            nodes.borrow_mut().push((n.role(), text.chars().take(60).collect::<String>(), b));
        }
        false
    }))
    .count();
    let nodes = nodes.into_inner();
    let mut faults = Vec::new();
    for (role, label, b) in &nodes {
        if b.x1 > width + 1.0 && b.x0 < width {
            faults.push(format!("cut at the right edge: {role:?} {label:?} {b:?}"));
        }
    }
    // Overlaps among widgets fully on screen, side by side on one line.
    let on_screen: Vec<_> =
        nodes.iter().filter(|(_, _, b)| b.x0 >= 0.0 && b.x1 <= width + 1.0 && b.y0 >= 0.0 && b.y1 <= 600.0).collect();
    for (i, (r1, l1, a)) in on_screen.iter().enumerate() {
        for (r2, l2, b) in &on_screen[i + 1..] {
            let w = a.x1.min(b.x1) - a.x0.max(b.x0);
            let hgt = a.y1.min(b.y1) - a.y0.max(b.y0);
            if w > 2.0 && hgt > 2.0 {
                faults.push(format!("overlap: {r1:?} {l1:?} {a:?} and {r2:?} {l2:?} {b:?}"));
            }
        }
    }
    faults
}

#[test]
fn every_screen_fits_1024_by_600_at_text_size_1_6_with_nothing_cut_or_overlapping() {
    let tmp = prepared();
    for lang in ["En", "Fr"] {
        std::fs::write(tmp.path().join("ui.json"), format!(r#"{{"lang":"{lang}","scale":1.6}}"#)).unwrap();
        let dir = tmp.path().to_path_buf();
        // kittest's screen is in points whatever the zoom: a 1024x600 window at text size 1.6
        // shows 640x375 points (the nodes' rectangles are in pixels, 1024 wide).
        let mut h = Harness::builder()
            .with_size(egui::vec2(1024.0 / 1.6, 600.0 / 1.6))
            .with_max_steps(200)
            .build_eframe(move |_cc| App::new(dir.clone()));
        h.run();
        let mut faults = Vec::new();
        let mut look = |h: &Harness<'_, App>, screen: &str| {
            for f in layout_faults(h, 1024.0) {
                faults.push(format!("{lang} {screen}: {f}"));
            }
        };
        look(&h, "unlock");
        let (name_label, pass_label) =
            if lang == "En" { ("Account name", "Passphrase") } else { ("Nom du compte", "Phrase secrète") };
        type_into(&mut h, name_label, "chief");
        type_into(&mut h, pass_label, PASS);
        h.key_press(egui::Key::Enter);
        settle(&mut h);
        look(&h, "home");
        let tr = fourmi::i18n::Tr::new(if lang == "En" { fourmi::i18n::Lang::En } else { fourmi::i18n::Lang::Fr });
        for (nav, screen) in [
            ("nav-records", "records"),
            ("nav-tallies", "tallies"),
            ("nav-tables", "tables"),
            ("nav-export", "export"),
            ("nav-settings", "settings"),
            ("nav-new-interview", "new interview"),
        ] {
            click(&mut h, &tr.t(nav));
            look(&h, screen);
        }
        h.get_by_label_contains("4Mi COVID-19").click();
        h.run();
        look(&h, "new interview, COVID-19 chosen");
        click(&mut h, &tr.t("start-button"));
        look(&h, "interview");
        h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::J);
        h.run();
        look(&h, "interview with the jump list");
        drop(h);
        assert!(faults.is_empty(), "{faults:#?}");
    }
}

/// A file dropped on the window.
#[derive(Debug)]
struct Dropped(std::path::PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn headquarters_registers_a_laptop_from_the_line_it_shows_and_refuses_a_garbled_one() {
    let tmp = tempfile::tempdir().unwrap();
    let laptop = tmp.path().join("laptop");
    let identity = age::x25519::Identity::generate();
    fourmi::demo::create(&laptop, "demo passphrase", &[identity.to_public().to_string()]).unwrap();
    let line = Store::open(&laptop, "coordinator", "demo passphrase").unwrap().device_pubkey().unwrap();
    let hq_dir = tmp.path().join("hq");
    let id_file = tmp.path().join("hq.txt");
    use age::secrecy::ExposeSecret;
    std::fs::write(&id_file, format!("{}\n", identity.to_string().expose_secret())).unwrap();
    drop(fourmi::store::hq::Hq::init(&hq_dir, &id_file, &identity.to_public().to_string()).unwrap());

    let mut h = app(&hq_dir);
    settle(&mut h);
    click(&mut h, "Laptops");
    assert!(visible(&h, "No laptop is registered yet"));
    type_into(&mut h, "The laptop's line", "fourmi-device not a key");
    click(&mut h, "Register the laptop");
    assert!(!visible(&h, "registered: its batches"), "a garbled line registers nothing");
    assert!(visible(&h, "No laptop is registered yet"));
    type_into(&mut h, "The laptop's line", &line);
    type_into(&mut h, "Its name", "gao-2");
    click(&mut h, "Register the laptop");
    assert!(visible(&h, "registered: its batches can be imported"), "{:?}", h.root());
    assert!(visible(&h, "gao-2"), "the laptop is listed");
    let mut hq = fourmi::store::hq::Hq::open(&hq_dir).unwrap();
    assert_eq!(hq.devices().unwrap().len(), 1);
}

/// A headquarters folder with the demo laptop registered (as `bamako-1`), and that laptop's
/// first batch written beside it (not imported): the folder, the headquarters folder, the batch.
fn headquarters_with_a_batch() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let laptop = tmp.path().join("laptop");
    let identity = age::x25519::Identity::generate();
    fourmi::demo::create(&laptop, "demo passphrase", &[identity.to_public().to_string()]).unwrap();
    let mut store = Store::open(&laptop, "coordinator", "demo passphrase").unwrap();
    let out = tmp.path().join("stick");
    std::fs::create_dir_all(&out).unwrap();
    let opts = fourmi::batch::anonymise::Options { k: 5, ..Default::default() };
    let (written, _) =
        fourmi::batch::export::export(&mut store, &fourmi::store::Selection::Next(Default::default()), &opts, &out)
            .unwrap();
    let line = store.device_pubkey().unwrap();
    drop(store);
    let hq_dir = tmp.path().join("hq");
    let id_file = tmp.path().join("hq.txt");
    use age::secrecy::ExposeSecret;
    std::fs::write(&id_file, format!("{}\n", identity.to_string().expose_secret())).unwrap();
    let mut hq = fourmi::store::hq::Hq::init(&hq_dir, &id_file, &identity.to_public().to_string()).unwrap();
    hq.add_device(&line, "bamako-1").unwrap();
    drop(hq);
    (tmp, hq_dir, written.path)
}

/// An import dropped while another writes at headquarters says it waits, then imports.
#[test]
fn a_batch_dropped_while_another_import_runs_says_it_waits_then_is_imported() {
    let (_tmp, hq_dir, batch) = headquarters_with_a_batch();

    let mut h = app(&hq_dir);
    settle(&mut h);
    // Another writer holds headquarters' database, as an import under way does.
    let other = rusqlite::Connection::open(hq_dir.join("hq.db")).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    h.input_mut().dropped_files.push(std::sync::Arc::new(Dropped(batch.clone())));
    let waits = (0..800).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(10));
        h.step();
        visible(&h, "Another import")
    });
    assert!(waits, "the screen says the import waits: {:?}", h.root());
    assert!(!visible(&h, "batch 1:"), "nothing imported yet");
    other.execute_batch("ROLLBACK").unwrap();
    settle(&mut h);
    assert!(visible(&h, "batch 1:") && visible(&h, "new, 0 updated"), "imported once the other was done");
    assert!(!visible(&h, "Another import"), "no longer waiting");
}

#[test]
fn a_headquarters_folder_opens_on_its_screens_and_a_dropped_batch_is_imported_with_its_result() {
    let (tmp, hq_dir, batch) = headquarters_with_a_batch();
    let out = batch.parent().unwrap().to_path_buf();
    let junk = out.join("notes.batch");
    std::fs::write(&junk, "not a batch").unwrap();

    let mut h = app(&hq_dir);
    settle(&mut h);
    assert!(visible(&h, "Headquarters") && visible(&h, "Choose batch files"), "the headquarters screens, no unlock");
    h.input_mut().dropped_files.push(std::sync::Arc::new(Dropped(batch.clone())));
    h.input_mut().dropped_files.push(std::sync::Arc::new(Dropped(junk.clone())));
    settle(&mut h);
    assert!(visible(&h, "batch 1:") && visible(&h, "new, 0 updated"), "each file's result");
    assert!(visible(&h, "notes.batch: This file is not a fourmi batch"), "a file that is not a batch says so");
    // A path typed, where the system has no file dialog: imported again, nothing changes.
    type_into(&mut h, "or its path", &batch.display().to_string());
    click(&mut h, "Import");
    assert!(visible(&h, "batch 1: 0 new, 0 updated"), "the typed file imported again changes nothing");
    click(&mut h, "Laptops");
    assert!(visible(&h, "bamako-1") && visible(&h, "Numbers missing") && visible(&h, "none"));
    click(&mut h, "Tables");
    settle(&mut h);
    assert!(visible(&h, "every record imported at headquarters"));
    let mut hq = fourmi::store::hq::Hq::open(&hq_dir).unwrap();
    assert!(hq.dump().unwrap().iter().any(|l| l.starts_with("record ")), "the records are at headquarters");
    drop(hq);

    // Flat files: prepared (the report first), then written into the folder typed.
    click(&mut h, "Flat files");
    click(&mut h, "Prepare the files");
    assert!(
        visible(&h, "Before writing: what the files will hold") && visible(&h, "k-anonymity"),
        "the anonymisation report before writing"
    );
    let files = tmp.path().join("for analysts");
    type_into(&mut h, "Write into the folder", &files.display().to_string());
    click(&mut h, "Write the files");
    assert!(visible(&h, "records written"), "what was written is said");
    let csv = std::fs::read_dir(&files).unwrap().filter_map(Result::ok).map(|e| e.file_name()).collect::<Vec<_>>();
    assert!(csv.iter().any(|f| f.to_string_lossy().ends_with("-codebook.csv")), "{csv:?}");
    assert!(csv.iter().any(|f| f.to_string_lossy().ends_with(".do")), "{csv:?}");

    // Files made otherwise than the last ones are refused until the writer takes the last
    // settings or says the last files were never given out.
    click(&mut h, "Timestamps");
    click(&mut h, "month only");
    click(&mut h, "Prepare the files");
    assert!(visible(&h, "Last flat files of") && visible(&h, "other settings"), "the last release is named");
    assert!(visible(&h, "were written on"), "why these files are refused");
    let write_disabled = |h: &Harness<'_, App>| {
        use egui_kittest::kittest::NodeT;
        h.get_by_label("Write the files").accesskit_node().is_disabled()
    };
    assert!(write_disabled(&h), "files made otherwise are not written");
    click(&mut h, "Use the last files' settings");
    assert!(visible(&h, "the same settings."), "the last settings are taken: {:?}", h.root());
    assert!(!write_disabled(&h), "files made as the last ones are written");
    click(&mut h, "Timestamps");
    click(&mut h, "month only");
    click(&mut h, "Prepare the files");
    click(&mut h, "The last files were never given to anyone: write these as a new release");
    assert!(!write_disabled(&h), "a new release is written once said");
    let month = tmp.path().join("by month");
    type_into(&mut h, "Write into the folder", &month.display().to_string());
    scroll_to(&mut h, "Write the files");
    click(&mut h, "Write the files");
    assert!(visible(&h, "records written"), "the new release is written: {:?}", h.root());
    let mut hq = fourmi::store::hq::Hq::open(&hq_dir).unwrap();
    use fourmi::store::ReleaseRegister;
    let form = hq.form_ids().unwrap()[0].clone();
    let releases = hq.releases(&form).unwrap();
    assert_eq!(releases.len(), 2, "each release is registered: {releases:?}");
    assert!(releases[0].options.contains("coarsen=month") && releases[1].options.contains("coarsen=day"));
}

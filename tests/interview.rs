//! The interview engine on the bundled questionnaires and on small forms: consent, eligibility,
//! relevance, calculations, repeats, navigation, language, audit events, resuming.

use std::sync::Arc;
use std::time::Duration;

use chrono::DateTime;
use fourmi::form::{self, Compiled};
use fourmi::interview::{Interview, Loc, Outcome, ProblemKind, Screen, StartInfo};
use serde_json::{Map, Value as J, json};

fn bundled(name: &str) -> Arc<Compiled> {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("forms").join(name);
    let loaded = form::load(&path).unwrap();
    assert!(loaded.is_valid());
    Arc::new(Compiled::new(loaded.form))
}

fn md(text: &str) -> Arc<Compiled> {
    let loaded = form::from_workbook(&form::read_md(text), "t", None);
    assert!(loaded.is_valid(), "{:?}", loaded.diags);
    Arc::new(Compiled::new(loaded.form))
}

fn info(language: &str) -> StartInfo {
    StartInfo {
        language: language.into(),
        device_id: "dev-1".into(),
        username: "mon01".into(),
        opened_at: DateTime::parse_from_rfc3339("2020-07-15T09:00:00+00:00").unwrap(),
    }
}

fn obj(v: J) -> Map<String, J> {
    v.as_object().unwrap().clone()
}

fn s(n: u64) -> Duration {
    Duration::from_secs(n)
}

fn covid_bamako() -> J {
    json!({
        "monitor": "mon01", "mode": "face_to_face", "country": "mali", "city": "bamako", "neighbourhood": "niamakoro",
        "consent": "yes", "age": 27, "arrived_within_year": "yes", "sex": "female", "nationality": "guinea",
        "c1": "yes", "c2": "yes", "c3": "agree", "c4": "agree", "c5": "strongly_agree",
        "c6": ["ngo_un", "health_professionals"], "c7": ["media"],
        "c10": ["health_professionals"], "c11": ["fever", "dry_cough"], "c12": ["older"], "c13": ["mask", "washing"],
        "c15": "no", "c17": "yes", "c19": ["borders"], "c20": ["stressed"], "c21": "lost", "c22": ["basic_goods"],
        "c23": "no", "c26": "yes", "c27": ["cash"], "c29": "stop_longer", "situation": "better",
        "smuggler_need": "dont_know", "covid_factor_leaving": "left_before", "destination": "spain"
    })
}

#[test]
fn a_complete_covid_interview_runs_from_consent_to_finalize() {
    let mut iv = Interview::start(bundled("4mi-covid19.toml"), info("English (en)"));
    iv.fill(&obj(covid_bamako()), s(60)).unwrap();
    assert_eq!(iv.blocking(), vec![]);
    iv.finalize(s(600)).unwrap();
    assert_eq!(iv.outcome(), Outcome::Completed);
    let answers = iv.answers_json();
    assert_eq!(answers["c6"], json!(["ngo_un", "health_professionals"]));
    assert_eq!(answers["age"], json!(27));
    assert_eq!(answers["today"], json!("2020-07-15"));
    assert_eq!(answers["deviceid"], json!("dev-1"));
    assert_eq!(answers["username"], json!("mon01"));
    assert!(!answers.contains_key("c14"), "c14 is asked only when nothing protects the respondent");
    assert_eq!(answers["end"], json!("2020-07-15T09:10:00.000+00:00"));
}

#[test]
fn refusing_consent_closes_the_record_with_no_answers_after_it() {
    let mut iv = Interview::start(bundled("4mi-covid19.toml"), info("French (fr)"));
    let answers = obj(
        json!({"monitor": "mon01", "mode": "phone", "country": "mali", "city": "gao", "neighbourhood": "gao_centre", "consent": "no"}),
    );
    iv.fill(&answers, s(5)).unwrap();
    assert_eq!(iv.outcome(), Outcome::Refused);
    let kept = iv.answers_json();
    assert_eq!(kept["consent"], json!("no"), "the refusal itself is kept");
    assert!(!kept.contains_key("age"));
    assert_eq!(kept["city"], json!("gao"));
    let form = iv.form().clone();
    let age = Loc::top(form.id("age").unwrap());
    assert!(iv.set_answer(&age, "30", s(6)).is_err(), "nothing can be answered after a refusal");
    assert_eq!(iv.screens().last(), Some(&Screen::End));
}

#[test]
fn nothing_after_consent_is_shown_before_consent_is_given() {
    let mut iv = Interview::start(bundled("4mi-core.toml"), info("English (en)"));
    let form = iv.form().clone();
    let consent = form.id("consent").unwrap();
    let last = iv.screens().last().cloned().unwrap();
    assert_eq!(last, Screen::Question(Loc::top(consent)), "the screens stop at the consent question");
    iv.set_answer(&Loc::top(consent), "yes", s(1)).unwrap();
    let age = Screen::Question(Loc::top(form.id("age").unwrap()));
    assert!(iv.screens().contains(&age), "the eligibility screen follows consent");
}

#[test]
fn an_ineligible_respondent_is_screened_out_and_their_screening_answers_dropped() {
    let mut iv = Interview::start(bundled("4mi-core.toml"), info("English (en)"));
    let answers = obj(
        json!({"monitor": "m2", "mode": "face_to_face", "country": "mali", "city": "bamako", "neighbourhood": "sogoniko", "consent": "yes", "age": 16, "arrived_within_year": "yes"}),
    );
    iv.fill(&answers, s(5)).unwrap();
    assert_eq!(iv.outcome(), Outcome::ScreenedOut);
    let kept = iv.answers_json();
    assert!(!kept.contains_key("age"));
    assert_eq!(kept["monitor"], json!("m2"));
}

#[test]
fn relevance_hides_questions_and_keeps_their_answers_until_finalising() {
    let f = md(
        "| survey |\n| | type | name | label | relevant | calculation |\n| | integer | a | A | | |\n| | text | b | B | ${a} > 1 | |\n| | calculate | c | | | concat('b=', ${b}) |\n",
    );
    let mut iv = Interview::start(f.clone(), info("en"));
    let (a, b) = (Loc::top(f.id("a").unwrap()), Loc::top(f.id("b").unwrap()));
    assert!(iv.set_answer(&b, "x", s(1)).is_err(), "b is not asked yet");
    iv.set_answer(&a, "5", s(2)).unwrap();
    iv.set_answer(&b, "kept", s(3)).unwrap();
    assert_eq!(iv.answers_json()["b"], json!("kept"));
    // Hidden: expressions see it as empty, but the answer is not thrown away.
    iv.set_answer(&a, "0", s(4)).unwrap();
    assert_eq!(iv.value(&b).to_str(), "");
    assert_eq!(iv.answers_json()["c"], json!("b="));
    // Asked again (a correction of `a`): the answer comes back.
    iv.set_answer(&a, "7", s(5)).unwrap();
    assert_eq!(iv.raw(&b), "kept");
    assert_eq!(iv.answers_json()["c"], json!("b=kept"));
    // Finalised while hidden: the record keeps only what was asked.
    iv.set_answer(&a, "0", s(6)).unwrap();
    iv.finalize(s(7)).unwrap();
    assert!(!iv.answers_json().contains_key("b"), "an answer not asked is kept out of the finalised record");
}

#[test]
fn a_refusal_or_a_failed_screening_closes_nothing_until_confirmed_and_can_be_reopened() {
    let mut iv = Interview::start(bundled("4mi-core.toml"), info("English (en)"));
    let answers = obj(
        json!({"monitor": "m2", "mode": "face_to_face", "country": "mali", "city": "bamako", "neighbourhood": "sogoniko", "consent": "yes", "age": 34, "arrived_within_year": "yes"}),
    );
    iv.fill(&answers, s(1)).unwrap();
    let age = Loc::top(iv.form().id("age").unwrap());
    iv.set_answer(&age, "34", s(2)).unwrap();
    // One Backspace leaves "3": not eligible, but nothing closes.
    iv.set_answer(&age, "3", s(3)).unwrap();
    assert_eq!(iv.outcome(), Outcome::InProgress);
    assert_eq!(iv.closing(), Some(Outcome::ScreenedOut));
    assert_eq!(iv.screens().last(), Some(&fourmi::interview::Screen::Close));
    iv.set_answer(&age, "34", s(4)).unwrap();
    assert_eq!(iv.closing(), None);
    // Confirmed: closed, with every answer still there until purged.
    iv.set_answer(&age, "3", s(5)).unwrap();
    assert_eq!(iv.close(s(6)), Some(Outcome::ScreenedOut));
    assert_eq!(iv.answers_json()["age"], json!(3));
    assert!(!iv.purged_answers_json().contains_key("age"));
    assert!(iv.reopen(s(7)));
    assert_eq!(iv.outcome(), Outcome::InProgress);
    assert_eq!(iv.raw(&age), "3");
    let events: Vec<String> = iv.drain_events().into_iter().map(|e| e.event).collect();
    assert!(events.contains(&"screened out".to_string()) && events.contains(&"form reopen".to_string()));
}

#[test]
fn calculations_follow_their_inputs_through_chains() {
    let f = md(
        "| survey |\n| | type | name | label | calculation |\n| | integer | a | A | |\n| | calculate | b | | ${a} * 2 |\n| | calculate | c | | ${b} + 1 |\n| | note | n | c is ${c} | |\n",
    );
    let mut iv = Interview::start(f.clone(), info("en"));
    iv.set_answer(&Loc::top(f.id("a").unwrap()), "20", s(1)).unwrap();
    assert_eq!(iv.answers_json()["c"], json!("41"));
    // As in ODK Collect, an empty answer is NaN in arithmetic, and a NaN result is stored empty.
    iv.set_answer(&Loc::top(f.id("a").unwrap()), "", s(2)).unwrap();
    assert_eq!(iv.answers_json().get("c"), None);
}

#[test]
fn required_and_constraint_block_next_with_the_forms_messages_in_the_interview_language() {
    let f = md(
        "| survey |\n| | type | name | label::en | label::fr | required | constraint | constraint_message::en | constraint_message::fr |\n| | integer | age | Age | Âge | yes | . >= 18 | At least 18 | Au moins 18 |\n| | text | t | T | T | | | | |\n",
    );
    let mut iv = Interview::start(f.clone(), info("en"));
    let age = Loc::top(f.id("age").unwrap());
    let problems = iv.next(s(1)).unwrap_err();
    assert_eq!(problems[0].kind, ProblemKind::Required);
    iv.set_answer(&age, "12", s(2)).unwrap();
    let problems = iv.next(s(3)).unwrap_err();
    assert_eq!(
        (problems[0].kind.clone(), problems[0].message.as_deref()),
        (ProblemKind::Constraint, Some("At least 18"))
    );
    assert!(iv.set_language("fr", s(4)));
    assert_eq!(iv.next(s(5)).unwrap_err()[0].message.as_deref(), Some("Au moins 18"));
    iv.set_answer(&age, "30", s(6)).unwrap();
    assert_eq!(iv.next(s(7)).unwrap(), Screen::Question(Loc::top(f.id("t").unwrap())));
    let events: Vec<String> = iv.drain_events().into_iter().map(|e| e.event).collect();
    assert!(
        events.contains(&"constraint error".to_string()) && events.contains(&"language change".to_string()),
        "{events:?}"
    );
}

#[test]
fn repeats_added_by_the_monitor_hold_their_own_answers_and_feed_counts() {
    let f = md(
        "| survey |\n| | type | name | label | calculation |\n| | begin_repeat | person | Person | |\n| | integer | age | Age | |\n| | end_repeat | | | |\n| | calculate | n | | count(${person}) |\n| | calculate | total | | sum(${age}) |\n",
    );
    let mut iv = Interview::start(f.clone(), info("en"));
    let person = f.id("person").unwrap();
    let age = f.id("age").unwrap();
    for (i, a) in [30, 12, 5].iter().enumerate() {
        let idx = iv.add_repeat(person, &[], s(i as u64)).unwrap();
        iv.set_answer(&Loc { item: age, at: vec![idx] }, &a.to_string(), s(10)).unwrap();
    }
    assert_eq!(iv.answers_json()["n"], json!("3"));
    assert_eq!(iv.answers_json()["total"], json!("47"));
    assert!(iv.remove_repeat(person, &[], 1, s(20)));
    assert_eq!(iv.answers_json()["total"], json!("35"));
    assert_eq!(iv.answers_json()["person"], json!([{"age": 30}, {"age": 5}]));
}

#[test]
fn repeat_count_sizes_the_stops_of_the_core_survey() {
    let f = bundled("4mi-core.toml");
    let mut iv = Interview::start(f.clone(), info("English (en)"));
    let answers = obj(
        json!({"monitor": "m1", "mode": "phone", "country": "mali", "city": "bamako", "neighbourhood": "niamakoro",
        "consent": "yes", "age": 30, "arrived_within_year": "yes", "stops_count": 2}),
    );
    iv.fill(&answers, s(1)).unwrap();
    let stop = f.id("stop").unwrap();
    assert_eq!(iv.repeat_count(stop, &[]), 2);
    iv.set_answer(&Loc::top(f.id("stops_count").unwrap()), "1", s(2)).unwrap();
    assert_eq!(iv.repeat_count(stop, &[]), 1);
}

#[test]
fn choice_filters_cascade_country_city_neighbourhood() {
    let f = bundled("4mi-covid19.toml");
    let mut iv = Interview::start(f.clone(), info("English (en)"));
    let (country, city, hood) =
        (Loc::top(f.id("country").unwrap()), Loc::top(f.id("city").unwrap()), Loc::top(f.id("neighbourhood").unwrap()));
    iv.set_answer(&country, "niger", s(1)).unwrap();
    assert_eq!(iv.offered(&city), ["niamey", "agadez"]);
    assert!(iv.set_answer(&city, "bamako", s(2)).is_err(), "Bamako is not offered in Niger");
    iv.set_answer(&country, "mali", s(3)).unwrap();
    iv.set_answer(&city, "bamako", s(4)).unwrap();
    assert!(iv.offered(&hood).contains(&"sotuba_aci".to_string()));
    assert!(iv.offered(&hood).contains(&"other".to_string()));
}

#[test]
fn exclusive_answers_cannot_be_combined() {
    let f = bundled("4mi-covid19.toml");
    let mut iv = Interview::start(f.clone(), info("English (en)"));
    iv.fill(&obj(json!({"monitor": "m1", "mode": "phone", "country": "mali", "city": "bamako", "neighbourhood": "niamakoro", "consent": "yes", "age": 30, "arrived_within_year": "yes"})), s(1)).unwrap();
    let c19 = Loc::top(f.id("c19").unwrap());
    iv.set_answer(&c19, "none borders", s(2)).unwrap();
    assert_eq!(iv.problems_of(&c19)[0].kind, ProblemKind::Constraint);
}

#[test]
fn navigation_moves_over_relevant_screens_and_jumps_from_the_hierarchy() {
    let f = md(
        "| survey |\n| | type | name | label | relevant | appearance |\n| | text | a | A | | |\n| | text | b | B | ${a} = 'x' | |\n| | begin_group | g | G | | field-list |\n| | text | c | C | | |\n| | text | d | D | | |\n| | end_group | | | | |\n",
    );
    let mut iv = Interview::start(f.clone(), info("en"));
    let a = Loc::top(f.id("a").unwrap());
    iv.set_answer(&a, "y", s(1)).unwrap();
    let page = iv.next(s(2)).unwrap();
    assert_eq!(page, Screen::Page(Loc::top(f.id("g").unwrap())), "b is skipped");
    assert_eq!(iv.questions_on(&page).len(), 2);
    assert_eq!(iv.next(s(3)).unwrap(), Screen::End);
    assert_eq!(iv.back(s(4)), page);
    let entry = iv.hierarchy().into_iter().find(|e| e.loc == a).unwrap();
    assert_eq!(entry.answer, "y");
    assert!(iv.jump(&entry.screen, s(5)));
    assert_eq!(iv.current(), Screen::Question(a));
    let names: Vec<String> = iv.drain_events().into_iter().map(|e| e.event).collect();
    assert_eq!(names, ["form start", "group questions", "end screen", "group questions", "jump"]);
}

#[test]
fn audit_time_is_opening_time_plus_monotonic_elapsed_time() {
    let f = md("| survey |\n| | type | name | label |\n| | text | a | A |\n| | text | b | B |\n");
    let mut iv = Interview::start(f, info("en"));
    let _ = iv.next(Duration::from_millis(90_500));
    let events = iv.drain_events();
    assert_eq!(events.last().unwrap().elapsed_ms, 90_500);
    assert_eq!(events.last().unwrap().at.to_rfc3339(), "2020-07-15T09:01:30.500+00:00");
    assert_eq!(events.last().unwrap().node.as_deref(), Some("/t/b"), "the event is about the question landed on");
}

#[test]
fn a_resumed_draft_has_the_same_answers_position_and_computed_values() {
    let f = bundled("4mi-core.toml");
    let mut iv = Interview::start(f.clone(), info("French (fr)"));
    iv.fill(&obj(json!({"monitor": "m1", "mode": "phone", "country": "mali", "city": "kayes", "neighbourhood": "kayes_centre", "consent": "yes", "age": 40, "arrived_within_year": "yes",
        "sex": "male", "incidents_any": "yes", "incident": [{"incident_type": "detention", "incident_country": "mali", "incident_city": "bamako", "perpetrators": ["police", "security_forces"]}]})), s(30)).unwrap();
    let target = iv.screens()[12].clone();
    assert!(iv.jump(&target, s(31)));
    let saved = iv.answers_json();
    let again = Interview::resume(f, info("French (fr)"), &saved, Some(iv.current()), iv.outcome());
    assert_eq!(again.answers_json(), saved);
    assert_eq!(again.current(), target);
    assert_eq!(again.screens(), iv.screens());
}

#[test]
fn fill_reports_every_refused_answer_by_name() {
    let f = bundled("4mi-covid19.toml");
    let mut iv = Interview::start(f, info("English (en)"));
    let err = iv
        .fill(&obj(json!({"monitor": "m1", "mode": "bus", "country": "mali", "city": "bamako", "neighbourhood": "niamakoro", "consent": "yes", "age": "old", "nonsense": 1})), s(1))
        .unwrap_err();
    let names: Vec<&str> = err.iter().map(|e| e.name.as_str()).collect();
    assert!(names.contains(&"mode") && names.contains(&"age") && names.contains(&"nonsense"), "{err:?}");
}

#[test]
fn a_question_not_collected_is_shown_then_passed_over_and_its_required_never_blocks() {
    let f = md(
        "| survey |\n| | type | name | label | required |\n| | image | photo | Take a photo | yes |\n| | text | town | Town | |\n",
    );
    let mut iv = Interview::start(f.clone(), info(""));
    let photo = Loc::top(f.id("photo").unwrap());
    assert_eq!(iv.current(), Screen::Question(photo.clone()), "it is shown, with its reason");
    assert!(iv.set_answer(&photo, "x.jpg", s(1)).is_err(), "it takes no answer");
    iv.next(s(2)).unwrap();
    iv.set_answer(&Loc::top(f.id("town").unwrap()), "Gao", s(3)).unwrap();
    iv.finalize(s(4)).unwrap();
    assert!(!iv.answers_json().contains_key("photo"));
}

#[test]
fn instance_lookups_read_a_choice_list_and_last_saved_reads_the_previous_record() {
    let f = md(
        "| survey |\n| | type | name | label | calculation | default |\n| | select_one towns | town | Town | | ${last-saved#town} |\n| | calculate | region | | instance('towns')/root/item[name=${town}]/region | |\n| choices |\n| | list_name | name | label | region |\n| | towns | gao | Gao | north |\n| | towns | kayes | Kayes | west |\n",
    );
    let mut last = Map::new();
    last.insert("town".into(), json!("kayes"));
    let mut iv = Interview::start_after(f.clone(), info(""), &last);
    let town = Loc::top(f.id("town").unwrap());
    let region = Loc::top(f.id("region").unwrap());
    assert_eq!(iv.raw(&town), "kayes", "the default is the last saved answer");
    assert_eq!(iv.raw(&region), "west");
    iv.set_answer(&town, "gao", s(1)).unwrap();
    assert_eq!(iv.raw(&region), "north");
}

#[test]
fn an_xml_external_instance_is_read_from_its_file_through_current_paths_and_survives_storing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("round1.xml"),
        "<root><data><P_SN>7</P_SN><P_Name>Awa</P_Name><P_Family>4</P_Family></data><data><P_SN>9</P_SN><P_Name>Issa</P_Name><P_Family>6</P_Family></data></root>",
    )
    .unwrap();
    std::fs::write(dir.path().join("codes.csv"), "code,town\n7,Gao\n9,Kayes\n").unwrap();
    let path = dir.path().join("f.md");
    std::fs::write(
        &path,
        "| survey |\n| | type | name | label | calculation |\n| | xml-external | round1 | | |\n| | csv-external | codes | | |\n| | calculate | total | | sum(instance('round1')/root/data/P_Family) |\n| | begin_group | g | G | |\n| | integer | sn | Number | |\n| | text | who | Name | instance('round1')/root/data[P_SN = current()/../sn]/P_Name |\n| | calculate | town | | instance('codes')/root/item[code = current()/../sn]/town |\n| | end_group | | | |\n",
    )
    .unwrap();
    let loaded = form::load(&path).unwrap();
    assert!(loaded.is_valid() && loaded.ready_for_interviews("f.md").is_ok(), "{:?}", loaded.diags);
    let wb = form::read_workbook(&path).unwrap();
    let stored = form::portable_definition(&wb, &loaded.form);
    for f in [Arc::new(Compiled::new(loaded.form)), Arc::new(form::from_definition(&stored).unwrap())] {
        let mut iv = Interview::start(f.clone(), info(""));
        let at = |n: &str| Loc::top(f.id(n).unwrap());
        assert_eq!(iv.raw(&at("total")), "10");
        iv.set_answer(&at("sn"), "9", s(1)).unwrap();
        assert_eq!(iv.raw(&at("who")), "Issa", "current()/../sn is the sibling answer");
        assert_eq!(iv.raw(&at("town")), "Kayes");
        iv.set_answer(&at("sn"), "7", s(2)).unwrap();
        assert_eq!((iv.raw(&at("who")), iv.raw(&at("town"))), ("Awa", "Gao"));
    }
    std::fs::remove_file(dir.path().join("round1.xml")).unwrap();
    let refused = form::load(&path).unwrap().ready_for_interviews("f.md").unwrap_err();
    assert!(refused.contains("`round1.xml` (row 2)"), "{refused}");
}

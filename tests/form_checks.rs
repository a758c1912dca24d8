//! What `form check` finds, one behaviour per test, on small markdown-table forms.

use fourmi::form::{self, Diagnostic, Severity};

fn check(md: &str) -> Vec<Diagnostic> {
    form::from_workbook(&form::read_md(md), "t", None).diags
}

fn errors(md: &str) -> Vec<String> {
    check(md).into_iter().filter(|d| d.severity == Severity::Error).map(|d| d.message).collect()
}

fn warnings(md: &str) -> Vec<String> {
    check(md).into_iter().filter(|d| d.severity == Severity::Warning).map(|d| d.message).collect()
}

const YN: &str = "| choices |\n| | list_name | name | label |\n| | yn | yes | Yes |\n| | yn | no | No |\n";

fn survey(rows: &str) -> String {
    format!(
        "| survey |\n| | type | name | label | relevant | calculation | constraint | choice_filter | repeat_count |\n{rows}{YN}"
    )
}

#[test]
fn a_clean_form_has_no_problem() {
    let md = survey("| | select_one yn | q1 | Q1 | | | | | |\n| | text | q2 | Q2 | ${q1} = 'yes' | | | | |\n");
    assert!(check(&md).is_empty(), "{:?}", check(&md));
}

#[test]
fn duplicate_names_in_one_group_are_errors() {
    let e = errors(&survey("| | text | q | Q | | | | | |\n| | text | q | Q | | | | | |\n"));
    assert!(e.iter().any(|m| m.contains("used twice")), "{e:?}");
}

#[test]
fn invalid_names_are_errors_that_state_the_rule() {
    let e = errors(&survey("| | text | 1st | Q | | | | | |\n"));
    assert!(e.iter().any(|m| m.contains("not a valid name") && m.contains("start with a letter")), "{e:?}");
}

#[test]
fn unknown_references_are_errors_naming_the_reference() {
    let e = errors(&survey("| | text | q | Q | ${nope} = 1 | | | | |\n"));
    assert!(e.iter().any(|m| m.contains("${nope}")), "{e:?}");
}

#[test]
fn references_inside_labels_are_checked_too() {
    let e = errors(&survey("| | text | q | Hello ${who} | | | | | |\n"));
    assert!(e.iter().any(|m| m.contains("${who}")), "{e:?}");
}

#[test]
fn a_missing_choice_list_is_an_error() {
    let e = errors(&survey("| | select_one colours | q | Q | | | | | |\n"));
    assert!(e.iter().any(|m| m.contains("colours")), "{e:?}");
}

#[test]
fn unmatched_begin_and_end_are_errors() {
    let e = errors(&survey("| | begin_group | g | G | | | | | |\n| | text | q | Q | | | | | |\n"));
    assert!(e.iter().any(|m| m.contains("never closed")), "{e:?}");
    let e = errors(&survey("| | text | q | Q | | | | | |\n| | end_repeat | | | | | | | |\n"));
    assert!(e.iter().any(|m| m.contains("does not match")), "{e:?}");
}

#[test]
fn expression_syntax_and_arity_errors_are_reported() {
    let e = errors(&survey("| | text | q | Q | (1 + | | | | |\n"));
    assert!(e.iter().any(|m| m.contains("in `relevant`")), "{e:?}");
    let e = errors(&survey("| | text | q | Q | | if(1, 2) | | | |\n"));
    assert!(e.iter().any(|m| m.contains("if() takes 3 arguments")), "{e:?}");
    let e = errors(&survey("| | text | q | Q | | frobnicate(1) | | | |\n"));
    assert!(e.iter().any(|m| m.contains("no function named frobnicate")), "{e:?}");
}

#[test]
fn cycles_between_calculations_and_relevance_are_errors() {
    let e = errors(&survey("| | calculate | a | | | ${b} + 1 | | | |\n| | text | b | B | ${a} > 1 | | | | |\n"));
    assert!(e.iter().any(|m| m.contains("circle") && m.contains("${a}") && m.contains("${b}")), "{e:?}");
}

#[test]
fn a_question_whose_relevance_reads_its_own_answer_is_a_cycle() {
    let e = errors(&survey("| | text | q | Q | . != '' | | | | |\n"));
    assert!(e.iter().any(|m| m.contains("cycle")), "{e:?}");
}

#[test]
fn a_constraint_may_read_its_own_answer() {
    assert!(errors(&survey("| | integer | q | Q | | | . > 0 | | |\n")).is_empty());
}

#[test]
fn a_choice_filter_on_an_unknown_column_is_a_warning() {
    let w = warnings(&survey("| | select_one yn | q | Q | | | | region = 'x' | |\n"));
    assert!(w.iter().any(|m| m.contains("column `region`")), "{w:?}");
}

#[test]
fn a_repeat_count_from_inside_the_repeat_is_an_error() {
    let md = survey(
        "| | begin_repeat | r | R | | | | | ${n} |\n| | integer | n | N | | | | | |\n| | end_repeat | | | | | | | |\n",
    );
    assert!(errors(&md).iter().any(|m| m.contains("inside the repeat")), "{:?}", errors(&md));
}

#[test]
fn missing_translations_are_warnings() {
    let md = "| survey |\n| | type | name | label::English (en) | label::French (fr) |\n| | text | q1 | Town | Ville |\n| | text | q2 | Street | |\n";
    let w = warnings(md);
    assert!(w.iter().any(|m| m.contains("`q2`") && m.contains("French (fr)")), "{w:?}");
}

#[test]
fn media_gps_traces_and_device_identifiers_load_as_not_collected_with_a_warning_saying_why() {
    for (t, why) in [
        ("geoshape", "where people are"),
        ("image", "identify people"),
        ("barcode", "identify people"),
        ("phonenumber", "identify people and phones"),
    ] {
        let md = survey(&format!("| | {t} | q | Q | | | | | |\n"));
        assert!(errors(&md).is_empty(), "{t}: {:?}", errors(&md));
        assert!(warnings(&md).iter().any(|m| m.contains("not collected on this laptop") && m.contains(why)), "{t}");
    }
    let e = errors(&survey("| | begin_loop | q | Q | | | | | |\n"));
    assert!(e.iter().any(|m| m.contains("not supported")), "{e:?}");
}

#[test]
fn unknown_types_are_errors() {
    let e = errors(&survey("| | selfie | q | Q | | | | | |\n"));
    assert!(e.iter().any(|m| m.contains("unknown question type `selfie`")), "{e:?}");
}

#[test]
fn pulldata_names_the_csv_file_it_needs_when_it_is_not_beside_the_form() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.md");
    std::fs::write(
        &path,
        survey(
            "| | text | k | Key | | | | | |\n| | calculate | c | | | pulldata('people', 'name', 'id', ${k}) | | | |\n",
        ),
    )
    .unwrap();
    let loaded = fourmi::form::load(&path).unwrap();
    assert!(loaded.is_valid(), "{:?}", loaded.diags);
    let w: Vec<String> = loaded.diags.iter().map(|d| d.message.clone()).collect();
    assert!(w.iter().any(|m| m.contains("`people.csv`") && m.contains("row 3 needs")), "{w:?}");
    let refused = loaded.ready_for_interviews("f.md").unwrap_err();
    assert!(refused.contains("`people.csv` (row 3)"), "{refused}");
    std::fs::write(dir.path().join("people.csv"), "id,name\n7,Awa\n").unwrap();
    let loaded = fourmi::form::load(&path).unwrap();
    assert!(loaded.ready_for_interviews("f.md").is_ok());
    assert_eq!(loaded.form.files["people.csv"][0]["name"], "Awa");
}

#[test]
fn personal_looking_questions_get_a_warning_that_says_how_to_mark_them() {
    let md = "| survey |\n| | type | name | label |\n| | text | full_name | What is your full name? |\n| | geopoint | where | Where are we? |\n";
    let w = warnings(md);
    assert_eq!(w.iter().filter(|m| m.contains("write `personal` in its `privacy` column")).count(), 2, "{w:?}");
    let marked = "| survey |\n| | type | name | label | privacy |\n| | text | full_name | What is your full name? | personal |\n";
    assert!(warnings(marked).is_empty());
}

#[test]
fn the_consent_question_must_exist_and_offer_yes() {
    let md = format!("{}| settings |\n| | consent_question |\n| | agree |\n", survey("| | text | q | Q | | | | | |\n"));
    assert!(errors(&md).iter().any(|m| m.contains("consent_question")));
    let md =
        format!("{}| settings |\n| | consent_question |\n| | q |\n", survey("| | select_one yn | q | Q | | | | | |\n"));
    assert!(errors(&md).is_empty(), "{:?}", errors(&md));
}

#[test]
fn choice_files_are_read_from_beside_the_form() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("towns.csv"), "name,label,country\nbamako,Bamako,mali\ngao,Gao,mali\n").unwrap();
    let form_path = dir.path().join("f.md");
    std::fs::write(
        &form_path,
        "| survey |\n| | type | name | label |\n| | select_one_from_file towns.csv | town | Town |\n",
    )
    .unwrap();
    let loaded = form::load(&form_path).unwrap();
    assert!(loaded.is_valid(), "{:?}", loaded.diags);
    assert_eq!(loaded.form.choices["towns.csv"].len(), 2);
    std::fs::remove_file(dir.path().join("towns.csv")).unwrap();
    let loaded = form::load(&form_path).unwrap();
    assert!(loaded.diags.iter().any(|d| d.message.contains("towns.csv")));
}

#[test]
fn compiled_forms_recompute_only_what_an_answer_can_affect_in_dependency_order() {
    let md = survey(
        "| | integer | a | A | | | | | |\n| | calculate | b | | | ${a} * 2 | | | |\n| | calculate | c | | | ${b} + 1 | | | |\n| | text | d | D | ${c} > 3 | | | | |\n| | text | e | E | | | | | |\n",
    );
    let loaded = form::from_workbook(&form::read_md(&md), "t", None);
    assert!(loaded.is_valid());
    let compiled = form::Compiled::new(loaded.form);
    let names = |ids: Vec<usize>| ids.into_iter().map(|i| compiled.items[i].item.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(compiled.affected(compiled.id("a").unwrap())), ["b", "c", "d"]);
    assert!(compiled.affected(compiled.id("e").unwrap()).is_empty());
}

#[test]
fn a_recontact_question_must_be_a_yes_no_select_one() {
    let md = "| settings |\n| | recontact_question |\n| | phone_ok |\n| survey |\n| | type | name | label |\n| | text | phone_ok | OK to call? |\n";
    let loaded = fourmi::form::from_workbook(&fourmi::form::read_md(md), "f", None);
    assert!(
        loaded.diags.iter().any(|d| d.message.contains("recontact_question must be a select_one")),
        "{:?}",
        loaded.diags
    );
    let md = md.replace("phone_ok |\n| survey", "nowhere |\n| survey");
    let loaded = fourmi::form::from_workbook(&fourmi::form::read_md(&md), "f", None);
    assert!(loaded.diags.iter().any(|d| d.message.contains("recontact_question names `nowhere`")));
}

#[test]
fn a_newer_version_that_swaps_labels_through_another_list_or_a_new_language_is_reported() {
    let en = fourmi::i18n::Tr::new(fourmi::i18n::Lang::En);
    let form = |md: &str| fourmi::form::from_workbook(&fourmi::form::read_md(md), "f", None).form;
    let old = form(
        "| survey |\n| | type | name | label |\n| | select_one yn | ok | OK? |\n| choices |\n| | list_name | name | label |\n| | yn | yes | Yes |\n| | yn | no | No |\n",
    );
    let other_list = form(
        "| survey |\n| | type | name | label |\n| | select_one yn2 | ok | OK? |\n| choices |\n| | list_name | name | label |\n| | yn | yes | Yes |\n| | yn | no | No |\n| | yn2 | yes | No |\n| | yn2 | no | Yes |\n",
    );
    let changes = fourmi::form::label_changes(&old, &other_list, &en);
    assert!(changes.iter().any(|c| c.contains("`yes` of `ok`") && c.contains("is now \"No\"")), "{changes:?}");
    let new_language = form(
        "| survey |\n| | type | name | label | label::French (fr) |\n| | select_one yn | ok | OK? | OK ? |\n| choices |\n| | list_name | name | label | label::French (fr) |\n| | yn | yes | Yes | Non |\n| | yn | no | No | Oui |\n",
    );
    let changes = fourmi::form::label_changes(&old, &new_language, &en);
    assert!(changes.iter().any(|c| c.contains("adds the language(s) French (fr)")), "{changes:?}");
    assert!(fourmi::form::label_changes(&old, &old, &en).is_empty());
}

#[test]
fn entity_declarations_follow_pyxform_rules_although_fourmi_creates_no_entities() {
    let form = |entities: &str, save_to: &str| {
        format!(
            "| survey |\n| | type | name | label | save_to |\n| | text | tree | Tree | {save_to} |\n| | text | size | Size | |\n| entities |\n{entities}"
        )
    };
    let ok = form("| | list_name | label |\n| | trees | ${tree} |\n", "species");
    assert!(errors(&ok).is_empty(), "{:?}", errors(&ok));
    assert!(warnings(&ok).iter().any(|w| w.contains("does not create entities")));
    for (entities, save_to, why) in [
        ("| | list_name | label |\n| | __trees | ${tree} |\n", "species", "reserved"),
        ("| | list_name | label |\n| | my.trees | ${tree} |\n", "species", "period"),
        ("| | list_name |\n| | trees |\n", "species", "needs a `label`"),
        ("| | list_name | label | update_if |\n| | trees | ${tree} | true() |\n", "species", "no `entity_id`"),
        ("| | list_name | label |\n| | trees | ${tree} |\n", "name", "cannot be `name`"),
        ("| | list_name | label | colour |\n| | trees | ${tree} | green |\n", "species", "not entity columns"),
    ] {
        let e = errors(&form(entities, save_to));
        assert!(e.iter().any(|m| m.contains(why)), "{why}: {e:?}");
    }
}

#[test]
fn a_calculation_of_itself_is_a_cycle_unless_a_trigger_runs_it() {
    let e = errors(&survey("| | calculate | c | | | . | | | |\n"));
    assert!(e.iter().any(|m| m.contains("uses `.`") && m.contains("cycle")), "{e:?}");
    let md = "| survey |\n| | type | name | label | calculation | trigger |\n| | integer | n | N | | |\n| | calculate | t | | . + 1 | ${n} |\n";
    assert!(errors(md).is_empty(), "{:?}", errors(md));
}

#[test]
fn only_the_label_appearance_lets_a_question_go_without_a_label_as_in_pyxform() {
    let form = |appearance: &str| {
        format!(
            "| survey |\n| | type | name | label | appearance |\n| | select_one yn | q | | {appearance} |\n| choices |\n| | list_name | name | label |\n| | yn | yes | Yes |\n"
        )
    };
    assert!(errors(&form("label")).is_empty(), "{:?}", errors(&form("label")));
    assert!(errors(&form("list-nolabel")).iter().any(|m| m.contains("has no label")));
}

#[test]
fn a_choice_name_with_a_space_is_flagged_where_a_select_multiple_uses_it() {
    let md = |t: &str| {
        format!(
            "| survey |\n| | type | name | label |\n| | {t} drinks | d | D |\n| choices |\n| | list_name | name | label |\n| | drinks | red wine | Red wine |\n| | drinks | tea | Tea |\n"
        )
    };
    let many = warnings(&md("select_multiple"));
    assert!(many.iter().any(|w| w.contains("`red wine`") && w.contains("`red_wine`")), "{many:?}");
    assert!(errors(&md("select_multiple")).is_empty(), "pyxform accepts the form");
    assert!(!warnings(&md("select_one")).iter().any(|w| w.contains("`red wine`")), "a select_one records it whole");
}

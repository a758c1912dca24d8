//! Tabulation rules on a small form: repeats counted per instance with a breakdown inside the
//! repeat, multi-selects as shares of respondents and of mentions, choices left out of the base,
//! filters with the form's expressions, and small cells hidden in exported files.

use fourmi::tables::output::{Share, grid};
use fourmi::tables::{Dataset, Request, cell};
use serde_json::json;

const FORM: &str = r#"
[settings]
form_id = "mini"
version = "1"

[[survey]]
type = "select_one sex"
name = "sex"
label = "Sex"

[[survey]]
type = "select_multiple need"
name = "needs"
label = "Needs"

[[survey]]
type = "begin_repeat"
name = "incident"
label = "Incident"

[[survey]]
type = "select_one itype"
name = "itype"
label = "Type"

[[survey]]
type = "select_multiple who"
name = "perp"
label = "Perpetrators"

[[survey]]
type = "end_repeat"

[[choices]]
list_name = "sex"
name = "female"
label = "Female"

[[choices]]
list_name = "sex"
name = "male"
label = "Male"

[[choices]]
list_name = "need"
name = "food"
label = "Food"

[[choices]]
list_name = "need"
name = "cash"
label = "Cash"

[[choices]]
list_name = "need"
name = "refused"
label = "Refused"

[[choices]]
list_name = "itype"
name = "detention"
label = "Detention"

[[choices]]
list_name = "itype"
name = "robbery"
label = "Robbery"

[[choices]]
list_name = "who"
name = "police"
label = "Police"

[[choices]]
list_name = "who"
name = "gangs"
label = "Gangs"
"#;

fn data() -> Dataset {
    let records = [
        json!({"sex": "female", "needs": ["food", "cash"], "incident": [
            {"itype": "detention", "perp": ["police"]}, {"itype": "robbery", "perp": ["gangs"]}]}),
        json!({"sex": "male", "needs": ["food"], "incident": [{"itype": "detention", "perp": ["police", "gangs"]}]}),
        json!({"sex": "male", "needs": ["refused"]}),
        json!({"sex": "male"}),
    ];
    Dataset {
        form: fourmi::form::from_definition(FORM).unwrap(),
        records: records.iter().map(|r| r.as_object().unwrap().clone()).collect(),
    }
}

fn req(q: &str) -> Request {
    Request { question: q.into(), ..Request::default() }
}

#[test]
fn questions_in_a_repeat_count_instances_broken_down_within_the_repeat() {
    let t = data().tabulate(&Request { by: Some("itype".into()), ..req("perp") }).unwrap();
    assert_eq!(t.unit, fourmi::tables::Unit::Instances("incident".into()));
    assert_eq!(t.base, vec![3, 2, 1], "three incidents: two detentions, one robbery");
    let police = &t.rows[0];
    assert_eq!(cell(police.counts[1], t.base[1], None), "100% (2/2)", "police in detention incidents");
    let by_sex = data().tabulate(&Request { by: Some("sex".into()), ..req("itype") }).unwrap();
    assert_eq!(by_sex.base, vec![3, 2, 1], "a top-level breakdown applies to each instance");
}

#[test]
fn multi_selects_give_shares_of_respondents_and_of_mentions_with_refusals_out_of_the_base() {
    let t = data().tabulate(&Request { exclude: vec!["refused".into()], ..req("needs") }).unwrap();
    assert_eq!((t.base[0], t.mentions[0]), (2, 3), "the refusal is out of both bases");
    let food = &t.rows[0];
    assert_eq!(cell(food.counts[0], t.base[0], None), "100% (2/2)");
    assert_eq!(cell(food.counts[0], t.mentions[0], None), "67% (2/3)");
    let by_units = grid(&t, Share::Units, None);
    assert!(by_units[0][0].contains("share of respondents who answered choosing each option"));
    assert_eq!(by_units[3][1], "1 (not in base)", "refused stays visible");
    assert!(grid(&t, Share::Mentions, None)[0][0].contains("share of all mentions"));
}

#[test]
fn filters_use_the_form_expressions_and_small_cells_are_hidden() {
    let t = data().tabulate(&Request { filter: Some("${sex} = 'male'".into()), ..req("needs") }).unwrap();
    assert_eq!(t.base[0], 2);
    let hidden = grid(&t, Share::Units, Some(5));
    assert_eq!(hidden[1][1], "<5");
    assert_eq!(hidden.last().unwrap()[1], "<5", "a base below the threshold too");
    assert!(data().tabulate(&Request { filter: Some("${sex} = ".into()), ..req("needs") }).is_err());
    assert!(data().tabulate(&req("nowhere")).is_err());
    let per_incident = data().tabulate(&Request { by: Some("itype".into()), ..req("sex") }).unwrap();
    assert_eq!(per_incident.base, vec![3, 2, 1], "a top-level question by a repeat's question: per instance");
    assert_eq!(per_incident.rows[0].counts, vec![2, 1, 1], "women report one detention and one robbery");
    let with_incident = Request { filter: Some("selected(${itype}, 'robbery')".into()), ..req("sex") };
    assert_eq!(data().tabulate(&with_incident).unwrap().base[0], 1, "a record filter sees its repeats' answers");
}

#[test]
fn answers_hidden_or_coarsened_by_disclosure_control_get_rows_and_columns_that_add_up() {
    let mut d = data();
    // As records reach headquarters after disclosure control: some answers hidden (`*`), one
    // outside the choices.
    d.records[1].insert("sex".into(), json!("*"));
    d.records[3].insert("sex".into(), json!("other_region"));
    let t = d.tabulate(&req("sex")).unwrap();
    let names: Vec<&str> = t.rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["female", "male", "other_region", "*"], "the form's choices, then the others, `*` last");
    assert_eq!(t.rows.iter().map(|r| r.counts[0]).sum::<usize>(), t.base[0], "the rows add up to the base");
    let by = d.tabulate(&Request { by: Some("sex".into()), ..req("needs") }).unwrap();
    let columns: Vec<&str> = by.columns.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(columns, ["", "female", "male", "*"], "a hidden breakdown answer has its column");
    assert_eq!(by.base[1..].iter().sum::<usize>(), by.base[0], "the columns add up to All");
}

//! A generated 1000-question form (shared by the benchmarks): text, integer and select questions,
//! a relevance on every third item and a calculation on every fifth, each reading earlier items.

/// The form as a markdown table.
pub fn thousand_questions() -> String {
    let mut md = String::from("| survey |\n| | type | name | label | relevant | calculation | constraint |\n");
    for i in 0..1000 {
        let (ty, calc, cons) = match i % 5 {
            4 => ("calculate", format!("${{q{}}} + 1", i - 2), String::new()),
            1 => ("integer", String::new(), ". >= 0".to_string()),
            2 => ("select_one yn", String::new(), String::new()),
            _ => ("text", String::new(), String::new()),
        };
        let rel = if i % 3 == 2 && i > 2 { format!("${{q{}}} != ''", i - 1) } else { String::new() };
        md.push_str(&format!("| | {ty} | q{i} | Question {i} | {rel} | {calc} | {cons} |\n"));
    }
    md.push_str("| choices |\n| | list_name | name | label |\n| | yn | yes | Yes |\n| | yn | no | No |\n");
    md
}

//! The 4Mi core survey's protection incidents in Bamako (February 2019 - January 2020) as the MMC
//! Bamako case study reports them: 942 respondents reporting 1394 incidents there, with the
//! published shares by incident type, by nationality, by perpetrator and by sex, and 1220
//! respondents who stopped in Bamako with their reasons.

use serde_json::{Map, Value as J, json};

/// Incident types and how many incidents of each were reported in Bamako, and by Guineans.
pub const INCIDENTS: [(&str, usize, usize); 7] = [
    ("sexual_assault", 65, 34),
    ("extortion", 799, 265),
    ("physical_abuse", 216, 71),
    ("detention", 160, 46),
    ("robbery", 107, 42),
    ("witness_death", 32, 13),
    ("kidnapping", 15, 8),
];
/// Respondents reporting incidents in Bamako, of them Guineans, and women.
pub const REPORTING: (usize, usize, usize) = (942, 319, 300);
/// Respondents who stopped in Bamako, and of them those stopping to work.
pub const STOPPED: (usize, usize) = (1220, 599);

/// The perpetrators of the `k`-th incident of type `t`, as the study's shares give them.
fn perpetrators(t: &str, k: usize) -> Vec<&'static str> {
    let mut p = Vec::new();
    let mut add = |cond: bool, who: &'static str| {
        if cond {
            p.push(who);
        }
    };
    match t {
        "detention" => {
            add(k < 158, "security_forces");
            add(k < 157, "police");
            add(k < 55, "immigration");
        }
        "physical_abuse" => {
            add(k < 174, "security_forces");
            add(k < 50, "immigration");
        }
        "sexual_assault" => {
            add(k < 28, "security_forces");
            add(k < 12, "gangs");
            add((28..50).contains(&k), "other_migrants");
            add((50..64).contains(&k), "unknown");
        }
        "witness_death" => add(k < 15, "unknown"),
        "robbery" => {
            add(k < 46, "unknown");
            add((46..78).contains(&k), "gangs");
        }
        "kidnapping" => {
            add(k < 7, "unknown");
            add((7..11).contains(&k), "gangs");
            add(k >= 11, "smugglers");
        }
        _ => {
            add(true, "security_forces");
            add(k < 400, "police");
        }
    }
    if p.is_empty() {
        p.push("dont_know");
    }
    p
}

/// A complete, eligible core interview in Bamako, with one stop there and no incident.
fn template(i: usize) -> Map<String, J> {
    let place = ["niamakoro", "sebenikoro", "sogoniko", "medina_coura"][i % 4];
    let nationality =
        ["liberia", "benin", "cameroon", "nigeria", "sierra_leone", "togo", "senegal", "cote_divoire"][i % 8];
    let v = json!({"monitor": format!("mon{:02}", 1 + i % 6), "mode": "face_to_face", "country": "mali",
        "city": "bamako", "neighbourhood": place,
        "consent": "yes", "age": 18 + (i * 7) % 30, "arrived_within_year": "yes", "sex": "male",
        "nationality": nationality,
        "Q30": "no", "Q33": "irregular", "drivers": ["economic"], "Q41": "guinea", "Q45_1": "2019-06-01",
        "Q22": "yes", "stops_count": 1, "stop": [{"stop_country": "mali", "stop_city": "bamako", "stop_reasons": ["rest"]}],
        "Q72": ["cheapest"], "incidents_any": "no", "Q123": "no", "Q128": ["food"], "Q133": "no",
        "Q138": ["savings"], "Q140": ["work"]});
    match v {
        J::Object(m) => m,
        _ => Map::new(),
    }
}

/// Every respondent: the 942 reporting incidents in Bamako (the 319 Guineans first), then those
/// who only stopped there; 599 of the first 1220 stopped to work.
pub fn respondents() -> Vec<Map<String, J>> {
    let (reporting, guineans, women) = REPORTING;
    let groups = [(0..guineans, true), (guineans..reporting, false)];
    let mut incidents: Vec<Vec<J>> = vec![Vec::new(); reporting];
    for (range, guinean) in groups {
        // The group's incidents, sexual assaults first, so that each goes to its own respondent.
        let mut list = Vec::new();
        for (t, total, by_guineans) in INCIDENTS {
            let (from, to) = if guinean { (0, by_guineans) } else { (by_guineans, total) };
            list.extend((from..to).map(|k| (t, k)));
        }
        let people: Vec<usize> = range.collect();
        for (n, (t, k)) in list.into_iter().enumerate() {
            let who = people[n % people.len()];
            incidents[who].push(json!({"incident_type": t, "incident_country": "mali", "incident_city": "bamako",
                "perpetrators": perpetrators(t, k)}));
        }
    }
    // Women: 24 of the Guineans and 24 of the others with a sexual assault (48 in all: 16% of
    // 300), then enough others; 17 men report one (3% of 642).
    let sexual_g = INCIDENTS[0].2;
    let sexual_n = INCIDENTS[0].1 - sexual_g;
    let mut female = vec![false; reporting];
    (0..24).chain(sexual_g..guineans).take(120).for_each(|i| female[i] = true);
    (guineans..guineans + 24).chain(guineans + sexual_n..reporting).take(women - 120).for_each(|i| female[i] = true);
    let mut out = Vec::new();
    for (i, incs) in incidents.into_iter().enumerate() {
        let mut m = template(i);
        if i < guineans {
            m.insert("nationality".into(), json!("guinea"));
        }
        m.insert("sex".into(), json!(if female[i] { "female" } else { "male" }));
        m.insert("incidents_any".into(), json!("yes"));
        m.insert("incident".into(), J::Array(incs));
        out.push(m);
    }
    let (stopped, to_work) = STOPPED;
    for i in reporting..stopped {
        out.push(template(i));
    }
    for m in out.iter_mut().take(to_work) {
        m.insert("stop".into(), json!([{"stop_country": "mali", "stop_city": "bamako", "stop_reasons": ["work"]}]));
    }
    out
}

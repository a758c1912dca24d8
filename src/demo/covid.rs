//! The 4Mi COVID-19 survey in Mali, July 2020, as the MMC Bamako case study reports it: 29
//! respondents in Bamako and 178 in Gao, Kayes, Mopti and Timbuktu, with every published figure
//! the bundled form can express (see `docs/tables.md`).

use serde_json::{Map, Value as J, json};

/// The answers every record starts from (a complete, eligible interview in Bamako).
fn template() -> Map<String, J> {
    let v = json!({"monitor": "mon01", "mode": "face_to_face", "country": "mali", "city": "bamako",
        "neighbourhood": "niamakoro", "consent": "yes", "age": 24, "arrived_within_year": "yes", "sex": "male",
        "nationality": "guinea", "c1": "yes", "c2": "yes", "c3": "agree", "c4": "agree", "c5": "agree",
        "c6": ["ngo_un"], "c7": ["media"], "c10": ["ngo_un"], "c11": ["fever"], "c12": ["older"], "c13": ["mask"],
        "c15": "no", "c17": "yes", "c19": ["borders"], "c20": ["stressed"], "c21": "same", "c23": "no", "c26": "no",
        "c29": "same", "situation": "better", "smuggler_need": "dont_know", "covid_factor_leaving": "no",
        "destination": "algeria"});
    match v {
        J::Object(m) => m,
        _ => Map::new(),
    }
}

const NATIONALITIES: [&str; 12] = [
    "guinea",
    "liberia",
    "benin",
    "cameroon",
    "nigeria",
    "sierra_leone",
    "togo",
    "senegal",
    "mauritania",
    "burkina_faso",
    "niger",
    "cote_divoire",
];
const BAMAKO_PLACES: [&str; 8] = [
    "sotuba_aci",
    "niamakoro",
    "sebenikoro",
    "magnambougou",
    "sougouni_koura",
    "sogoniko",
    "medina_coura",
    "halls_de_bamako",
];
const DESTINATIONS: [&str; 6] = ["algeria", "libya", "morocco", "spain", "italy", "france"];

fn set(m: &mut Map<String, J>, k: &str, v: J) {
    m.insert(k.to_string(), v);
}

/// The 29 Bamako respondents.
fn bamako(i: usize) -> Map<String, J> {
    let mut m = template();
    set(&mut m, "neighbourhood", json!(BAMAKO_PLACES[i % BAMAKO_PLACES.len()]));
    set(&mut m, "monitor", json!(format!("mon{:02}", 1 + i % 3)));
    set(&mut m, "age", json!(19 + (i * 7) % 23));
    set(&mut m, "nationality", json!(NATIONALITIES[i % NATIONALITIES.len()]));
    // 11 women (0..11), 18 men.
    set(&mut m, "sex", json!(if i < 11 { "female" } else { "male" }));
    // Lost income: 8, all women (8 of 11); the same income: 14; no income before: 7.
    let income = match i {
        0..8 => "lost",
        8..22 => "same",
        _ => "no_income_before",
    };
    set(&mut m, "c21", json!(income));
    if income == "lost" {
        set(&mut m, "c22", json!(["basic_goods"]));
    }
    // Daily life: more worried and stressed 14; lack of freedom of movement 10, all men; no racism.
    let mut daily = Vec::new();
    if i < 14 {
        daily.push("stressed");
    }
    if (11..21).contains(&i) {
        daily.push("movement");
    }
    if daily.is_empty() {
        daily.push("work");
    }
    set(&mut m, "c20", json!(daily));
    // The journey: more difficult border crossings 19, no impact 7, moving inside the country 3.
    let journey = match i {
        0..19 => "borders",
        19..26 => "none",
        _ => "inside",
    };
    set(&mut m, "c19", json!([journey]));
    // Health services: 23 could access them, the other 6 do not know.
    if i >= 23 {
        set(&mut m, "c17", json!("dont_know"));
        set(&mut m, "c18", json!(["dont_know"]));
    }
    set(&mut m, "situation", json!(if i < 28 { "better" } else { "same" }));
    set(&mut m, "smuggler_need", json!(if i < 28 { "dont_know" } else { "no_change" }));
    if i < 16 {
        set(&mut m, "c26", json!("yes"));
        set(&mut m, "c27", json!(["basic_needs"]));
    }
    set(&mut m, "c29", json!(if i < 15 { "same" } else { "stop_longer" }));
    set(&mut m, "destination", json!(if i == 0 { "mali" } else { DESTINATIONS[i % DESTINATIONS.len()] }));
    m
}

/// The other Mali locations: (city, respondents, "getting worse", greater need for smugglers).
pub const OTHER_CITIES: [(&str, usize, usize, usize); 4] =
    [("gao", 45, 20, 14), ("kayes", 15, 0, 7), ("mopti", 45, 12, 31), ("timbuktu", 73, 14, 47)];

/// The 178 respondents outside Bamako; 3 of them (the last in Timbuktu) need no extra help.
fn elsewhere() -> Vec<Map<String, J>> {
    let mut out = Vec::new();
    for (city, n, worse, greater) in OTHER_CITIES {
        for i in 0..n {
            let mut m = template();
            set(&mut m, "city", json!(city));
            set(&mut m, "neighbourhood", json!(format!("{city}_centre")));
            set(&mut m, "monitor", json!(format!("mon{:02}", 4 + out.len() % 6)));
            set(&mut m, "age", json!(18 + (i * 5) % 30));
            set(&mut m, "sex", json!(if i % 3 == 0 { "female" } else { "male" }));
            set(&mut m, "nationality", json!(NATIONALITIES[(i + 3) % NATIONALITIES.len()]));
            set(&mut m, "situation", json!(if i < worse { "worse" } else { "same" }));
            set(&mut m, "smuggler_need", json!(if i < greater { "greater" } else { "no_change" }));
            let helped = !(city == "timbuktu" && i >= n - 3);
            set(&mut m, "c26", json!(if helped { "yes" } else { "no" }));
            if helped {
                set(&mut m, "c27", json!(["cash"]));
            }
            set(&mut m, "destination", json!(DESTINATIONS[(i + 1) % DESTINATIONS.len()]));
            out.push(m);
        }
    }
    out
}

/// Every COVID-19 respondent of the case study: Bamako's 29, then the other locations' 178.
pub fn respondents() -> Vec<Map<String, J>> {
    let mut out: Vec<Map<String, J>> = (0..29).map(bamako).collect();
    out.extend(elsewhere());
    out
}

//! The codebook (one line per column: table, variable, Stata name, label, type, choices) and a
//! Stata do-file that reads the CSV files and applies the variable and value labels.

use std::collections::HashSet;
use std::fmt::Write as _;

use crate::form::{Compiled, Kind, text_in};

use super::{Source, Table};

/// One column described.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The table (file) it is in.
    pub table: String,
    /// Its header.
    pub variable: String,
    /// Its name in Stata.
    pub stata: String,
    /// The question's label (or what a key holds).
    pub label: String,
    /// Its type (`select_one yes_no`, `integer`, `0/1`, `key`, ...).
    pub kind: String,
    /// For a select_one: `name=label` pairs, `; `-separated.
    pub choices: String,
    /// For a select_one: (name, label) pairs, for value labels.
    pairs: Vec<(String, String)>,
    /// Whether it holds numbers.
    pub numeric: bool,
}

/// What the codebook says of a number column some of whose answers left coarsened or hidden.
pub const BANDED_NOTE: &str =
    "some answers are bands such as 25-29, or * where hidden, by disclosure control: see the export report";

/// What the codebook says of a question fourmi does not collect.
pub const NOT_COLLECTED_NOTE: &str = "not collected on the laptop, on purpose: media, GPS traces and shapes, and phone, SIM and e-mail identifiers identify people, and 4Mi interviews are anonymous; the column is always empty";

/// What the codebook says of text columns in CSV files.
pub const FORMULA_NOTE: &str = "in CSV files, text that began with = + - or @ starts with an added ' so that spreadsheets do not run it as a formula";

impl Entry {
    /// The codebook's column headers.
    pub const HEADERS: [&'static str; 6] = ["table", "variable", "stata_name", "label", "type", "choices"];

    /// Its cells, in [`Entry::HEADERS`] order.
    pub fn cells(&self) -> [String; 6] {
        [
            self.table.clone(),
            self.variable.clone(),
            self.stata.clone(),
            self.label.clone(),
            self.kind.clone(),
            self.choices.clone(),
        ]
    }
}

const STATA_RESERVED: [&str; 21] = [
    "_all", "_b", "byte", "_coef", "_cons", "double", "float", "if", "in", "int", "long", "_n", "_N", "_pi", "_pred",
    "_rc", "_skip", "strL", "using", "with", "str",
];

/// A valid, unused Stata variable name for `header` (as Stata's `strtoname()` would make it,
/// at most 32 characters).
pub fn stata_name(header: &str, taken: &mut HashSet<String>) -> String {
    let mut s: String = header.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) || STATA_RESERVED.contains(&s.as_str()) {
        s.insert(0, '_');
    }
    let base: String = s.chars().take(32).collect();
    let mut name = base.clone();
    let mut n = 2;
    while taken.contains(&name) {
        let suffix = format!("_{n}");
        name = format!("{}{suffix}", base.chars().take(32 - suffix.len()).collect::<String>());
        n += 1;
    }
    taken.insert(name.clone());
    name
}

/// The codebook of `tables`, labels in `lang` (the form's default where it has none).
pub fn entries(form: &Compiled, tables: &[Table], lang: &str) -> Vec<Entry> {
    let default = &form.form.default_language;
    let label_of = |id: usize| -> String {
        text_in(&form.items[id].item.label, lang, default).unwrap_or(&form.items[id].item.name).to_string()
    };
    let choice_label =
        |id: usize, name: &str| -> String { form.answer_label(id, name, lang).unwrap_or(name).to_string() };
    let mut out = Vec::new();
    for t in tables {
        let mut taken = HashSet::new();
        for (col, c) in t.columns.iter().enumerate() {
            let stata = stata_name(&c.name, &mut taken);
            let (label, kind, pairs, numeric) = match &c.source {
                Source::Answer(id) => {
                    let item = &form.items[*id].item;
                    let pairs: Vec<(String, String)> = if item.kind == Kind::SelectOne {
                        form.leaving_choices(*id)
                            .into_iter()
                            .map(|c| (c.name.clone(), choice_label(*id, &c.name)))
                            .collect()
                    } else {
                        Vec::new()
                    };
                    let numeric = matches!(item.kind, Kind::Integer | Kind::Decimal | Kind::Range);
                    let coarse = numeric
                        && t.rows
                            .iter()
                            .filter_map(|r| r.get(col))
                            .any(|v| !v.is_empty() && v.trim().parse::<f64>().is_err());
                    let kind = match item.kind {
                        Kind::Text => format!("{} ({FORMULA_NOTE})", item.type_text),
                        Kind::NotCollected => format!("{} ({NOT_COLLECTED_NOTE})", item.type_text),
                        _ if coarse => format!("{} ({BANDED_NOTE})", item.type_text),
                        _ => item.type_text.clone(),
                    };
                    (label_of(*id), kind, pairs, numeric)
                }
                Source::Option(id, opt) => {
                    (format!("{}: {}", label_of(*id), choice_label(*id, opt)), "0/1".to_string(), Vec::new(), true)
                }
                Source::Meta(m) => {
                    (meta_label(m).to_string(), "key".to_string(), Vec::new(), matches!(*m, "_index" | "_revision"))
                }
            };
            let choices = pairs.iter().map(|(n, l)| format!("{n}={l}")).collect::<Vec<_>>().join("; ");
            out.push(Entry {
                table: t.name.clone(),
                variable: c.name.clone(),
                stata,
                label,
                kind,
                choices,
                pairs,
                numeric,
            });
        }
    }
    out
}

fn meta_label(m: &str) -> &'static str {
    match m {
        "_uuid" => "Row id (the record's UUID; for a repeat, the record's UUID and the instance path)",
        "_index" => "Row number (for a repeat: the instance number within its parent)",
        "_parent_uuid" => "The _uuid of the parent row",
        "_parent_table_name" => "The table of the parent row",
        "_submission_uuid" => "The record's UUID",
        "_form_version" => "Form version",
        "_monitor" => "Monitor",
        "_device_id" => "Laptop",
        "_started_at" => "Interview start",
        "_completed_at" => "Interview completion",
        "_language" => "Interview language",
        "_consent_recontact" => "Consent to be contacted again (1 yes, 0 no)",
        "_revision" => "Revision",
        "_status" => "Status when exported",
        _ => "",
    }
}

/// Stata's compound quotes, which hold any text but a newline.
fn quoted(s: &str) -> String {
    let one_line: String = s.chars().map(|c| if c == '\n' || c == '\r' { ' ' } else { c }).collect();
    format!("`\"{}\"'", one_line.chars().take(80).collect::<String>())
}

/// A do-file that imports each table's CSV file (in the do-file's folder), applies the labels,
/// and saves a `.dta` beside it.
pub fn do_file(tables: &[Table], entries: &[Entry], csv: DoCsv) -> String {
    let mut s = String::from(
        "* Written by fourmi: reads the CSV files in this folder and labels them.\n* Run it from this folder: do \"<this file>\"\n* Text cells that began with = + - or @ start with an added ' (spreadsheet formula injection).\nversion 14\nclear all\nset more off\n",
    );
    let delimiters = match csv.separator {
        b';' => " delimiters(\";\")",
        b'\t' => " delimiters(tab)",
        _ => " delimiters(\",\")",
    };
    let mut label_n = 0;
    for t in tables {
        let cols: Vec<&Entry> = entries.iter().filter(|e| e.table == t.name).collect();
        let _ = writeln!(s, "\n* table {}", t.name);
        let _ = writeln!(
            s,
            "import delimited using \"{}.csv\",{delimiters} varnames(nonames) rowrange(2) stringcols(_all) encoding(\"utf-8\") bindquote(strict) clear",
            t.name
        );
        for (i, e) in cols.iter().enumerate() {
            let _ = writeln!(s, "rename v{} {}", i + 1, e.stata);
        }
        for (col, e) in cols.iter().enumerate() {
            let _ = writeln!(s, "label variable {} {}", e.stata, quoted(&e.label));
            let cells = || t.rows.iter().filter_map(|row| row.get(col)).filter(|v| !v.is_empty());
            // A number column whose answers left coarsened (an age band `25-29`, a hidden `*`)
            // is coded as an ordered category, each value labelled as itself; else a number.
            let banded = e.numeric && cells().any(|v| v.trim().parse::<f64>().is_err());
            if e.numeric && !banded {
                let _ = writeln!(s, "destring {}, replace", e.stata);
            }
            if banded {
                let mut values: Vec<String> = cells().cloned().collect::<HashSet<_>>().into_iter().collect();
                values.sort_by(|a, b| band_order(a).total_cmp(&band_order(b)).then_with(|| a.cmp(b)));
                label_n += 1;
                encode(&mut s, e, &values.into_iter().map(|v| (v.clone(), v)).collect::<Vec<_>>(), label_n);
            } else if !e.pairs.is_empty() {
                // What the cells hold: the choices' names, or their labels; then any other value
                // the column holds (a coarsened or hidden answer), labelled as itself, so that
                // nothing becomes missing.
                let mut values: Vec<(String, String)> =
                    e.pairs.iter().map(|(n, l)| (if csv.labels { l.clone() } else { n.clone() }, l.clone())).collect();
                let mut known: HashSet<String> = values.iter().map(|(v, _)| v.clone()).collect();
                for v in cells() {
                    if known.insert(v.clone()) {
                        values.push((v.clone(), v.clone()));
                    }
                }
                label_n += 1;
                encode(&mut s, e, &values, label_n);
            }
        }
        let _ = writeln!(s, "save \"{}.dta\", replace", t.name);
    }
    s
}

/// Where a coarsened number sorts: by the band's lower end (`<18` before `18-24`, `60+` last),
/// `*` and other text after every band.
fn band_order(v: &str) -> f64 {
    let v = v.trim();
    let digits: String = v.trim_start_matches('<').chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
    match digits.parse::<f64>() {
        Ok(n) if v.starts_with('<') => n - 0.5,
        Ok(n) => n,
        Err(_) => f64::INFINITY,
    }
}

/// Replaces the string column of `e` by numbered codes 1, 2, ... of `values` (as the cells hold
/// them, with their labels), labelled with the value label `L<n>`.
fn encode(s: &mut String, e: &Entry, values: &[(String, String)], n: usize) {
    let lbl = format!("L{n}");
    let define: Vec<String> = values.iter().enumerate().map(|(i, (_, l))| format!("{} {}", i + 1, quoted(l))).collect();
    let _ = writeln!(s, "label define {lbl} {}, replace", define.join(" "));
    let _ = writeln!(s, "generate long _fourmi_v = .");
    for (i, (v, _)) in values.iter().enumerate() {
        let _ = writeln!(s, "replace _fourmi_v = {} if {} == {}", i + 1, e.stata, quoted(v));
    }
    let _ = writeln!(s, "order _fourmi_v, before({})", e.stata);
    let _ = writeln!(s, "drop {}", e.stata);
    let _ = writeln!(s, "rename _fourmi_v {}", e.stata);
    let _ = writeln!(s, "label values {} {lbl}", e.stata);
    let _ = writeln!(s, "label variable {} {}", e.stata, quoted(&e.label));
}

/// How the CSV files the do-file reads were written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DoCsv {
    /// Their field separator.
    pub separator: u8,
    /// Whether choices are written as their labels (else their names).
    pub labels: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stata_names_are_valid_short_and_unique() {
        let mut taken = HashSet::new();
        assert_eq!(stata_name("group/question", &mut taken), "group_question");
        assert_eq!(stata_name("group_question", &mut taken), "group_question_2");
        assert_eq!(stata_name("1st", &mut taken), "_1st");
        assert_eq!(stata_name("in", &mut taken), "_in");
        let long = stata_name(&"x".repeat(40), &mut taken);
        assert_eq!(long.len(), 32);
        assert_eq!(stata_name(&"x".repeat(40), &mut taken).len(), 32);
    }

    #[test]
    fn ages_that_left_in_bands_are_an_ordered_category_and_exact_ones_numbers() {
        let entry = |v: &str| Entry {
            table: "t".into(),
            variable: v.into(),
            stata: v.into(),
            label: v.into(),
            kind: "integer".into(),
            choices: String::new(),
            pairs: Vec::new(),
            numeric: true,
        };
        let rows = [["25-29", "31"], ["<18", "40"], ["60+", ""], ["*", "22"], ["18-24", "25"]];
        let table = Table {
            name: "t".into(),
            repeat: None,
            columns: Vec::new(),
            rows: rows.iter().map(|r| r.iter().map(|c| c.to_string()).collect()).collect(),
        };
        let csv = DoCsv { separator: b',', labels: false };
        let s = do_file(&[table], &[entry("age"), entry("years")], csv);
        assert!(!s.contains("destring age"), "{s}");
        assert!(s.contains("destring years, replace"), "{s}");
        let define = s.lines().find(|l| l.starts_with("label define")).unwrap();
        assert_eq!(
            define, "label define L1 1 `\"<18\"' 2 `\"18-24\"' 3 `\"25-29\"' 4 `\"60+\"' 5 `\"*\"', replace",
            "bands in order, then the hidden"
        );
    }
}

//! What is done to records before they leave the laptop, and the report the coordinator reads
//! first: answers to questions marked `privacy = personal` are dropped, phone numbers and e-mail
//! addresses are scrubbed from free text, timestamps can be coarsened, and a k-anonymity check
//! over the questions marked `quasi_identifier` lists the combinations fewer than k records share.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Map, Value as J};

use crate::form::{Compiled, Kind, Privacy};
use crate::store::hq::Record;

/// How precise exported timestamps are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Coarsen {
    /// As recorded.
    #[default]
    None,
    /// The day only (`2026-11-28`).
    Day,
    /// The month only (`2026-11`).
    Month,
}

impl Coarsen {
    /// Its name.
    pub fn as_str(self) -> &'static str {
        match self {
            Coarsen::None => "none",
            Coarsen::Day => "day",
            Coarsen::Month => "month",
        }
    }

    /// The setting named `s`.
    pub fn parse(s: &str) -> Option<Coarsen> {
        [Coarsen::None, Coarsen::Day, Coarsen::Month].into_iter().find(|c| c.as_str() == s)
    }

    /// `t` (a date or date-time) made as precise as this allows.
    pub fn apply(self, t: &str) -> String {
        let keep = match self {
            Coarsen::None => return t.to_string(),
            Coarsen::Day => 10,
            Coarsen::Month => 7,
        };
        t.get(..keep).unwrap_or(t).to_string()
    }
}

/// The anonymisation settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Timestamp precision.
    pub coarsen: Coarsen,
    /// The k of the k-anonymity check.
    pub k: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options { coarsen: Coarsen::None, k: 5 }
    }
}

/// What anonymisation did to one form's records.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct FormReport {
    /// Form id.
    pub form_id: String,
    /// Records of this form in the batch.
    pub records: usize,
    /// Questions marked personal (never exported).
    pub personal: Vec<String>,
    /// Answers dropped because their question is personal.
    pub dropped: usize,
    /// The quasi-identifiers checked.
    pub quasi: Vec<String>,
    /// Combinations of quasi-identifier answers shared by fewer than k records, with how many.
    pub small_groups: Vec<(Vec<String>, usize)>,
}

/// The report the coordinator sees before the batch is written.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    /// Per form.
    pub forms: Vec<FormReport>,
    /// Phone numbers replaced by `[phone]`.
    pub phones: usize,
    /// E-mail addresses replaced by `[email]`.
    pub emails: usize,
    /// Timestamp precision.
    pub coarsen: Coarsen,
    /// The k used.
    pub k: usize,
}

impl Report {
    /// Records in groups smaller than k, over every form.
    pub fn records_at_risk(&self) -> usize {
        self.forms.iter().flat_map(|f| &f.small_groups).map(|(_, n)| n).sum()
    }
}

static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}").unwrap());
static PHONE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(\+|\b00)?\d[\d .()/-]{5,}\d").unwrap());
static DATE_LIKE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4}|\d{4}\s*[-/]\s*\d{4})$").unwrap()
});

/// Replaces e-mail addresses and phone numbers (8 to 15 digits, with the usual separators; not
/// dates or year ranges) in `text`; returns the counts replaced.
pub fn scrub(text: &str) -> (String, usize, usize) {
    let mut emails = 0;
    let step = EMAIL.replace_all(text, |_: &regex::Captures| {
        emails += 1;
        "[email]"
    });
    let mut phones = 0;
    let out = PHONE.replace_all(&step, |c: &regex::Captures| {
        let m = c.get(0).map_or("", |m| m.as_str());
        let digits = m.chars().filter(char::is_ascii_digit).count();
        if (8..=15).contains(&digits) && !DATE_LIKE.is_match(m.trim()) {
            phones += 1;
            "[phone]".to_string()
        } else {
            m.to_string()
        }
    });
    (out.into_owned(), phones, emails)
}

/// What anonymisation needs to know of a form.
pub struct Plan<'a> {
    form: &'a Compiled,
    quasi: Vec<String>,
}

impl<'a> Plan<'a> {
    /// The plan for `form`: its personal questions, and its top-level quasi-identifiers.
    pub fn new(form: &'a Compiled) -> Plan<'a> {
        let quasi = form
            .items
            .iter()
            .filter(|n| n.item.privacy == Privacy::QuasiIdentifier && n.repeat.is_none() && n.item.kind.is_question())
            .map(|n| n.item.name.clone())
            .collect();
        Plan { form, quasi }
    }

    fn personal(&self) -> Vec<String> {
        self.form.items.iter().filter(|n| n.item.privacy == Privacy::Personal).map(|n| n.item.name.clone()).collect()
    }

    /// Anonymises one record in place, counting what it does in `report` and `form_report`.
    pub fn apply(&self, rec: &mut Record, opts: &Options, report: &mut Report, form_report: &mut FormReport) {
        let c = opts.coarsen;
        rec.started_at = c.apply(&rec.started_at);
        for t in [&mut rec.completed_at, &mut rec.consent_at].into_iter().flatten() {
            *t = c.apply(t);
        }
        for h in &mut rec.history {
            h.at = c.apply(&h.at);
        }
        self.scope(&mut rec.answers, opts, report, form_report);
    }

    fn scope(&self, answers: &mut Map<String, J>, opts: &Options, report: &mut Report, form_report: &mut FormReport) {
        answers.retain(|name, _| {
            let personal = self.form.id(name).is_some_and(|id| self.form.items[id].item.privacy == Privacy::Personal);
            form_report.dropped += usize::from(personal);
            !personal
        });
        for (name, value) in answers.iter_mut() {
            let Some(id) = self.form.id(name) else { continue };
            match (self.form.items[id].item.kind, value) {
                (Kind::Repeat, J::Array(instances)) => {
                    for inst in instances {
                        if let J::Object(inner) = inst {
                            self.scope(inner, opts, report, form_report);
                        }
                    }
                }
                (Kind::Text, J::String(s)) => {
                    let (clean, phones, emails) = scrub(s);
                    if phones + emails > 0 {
                        *s = clean;
                        report.phones += phones;
                        report.emails += emails;
                    }
                }
                (Kind::Start | Kind::End | Kind::DateTime, J::String(s)) => *s = opts.coarsen.apply(s),
                (Kind::Date | Kind::Today, J::String(s)) if opts.coarsen == Coarsen::Month => {
                    *s = opts.coarsen.apply(s)
                }
                _ => {}
            }
        }
    }

    /// The k-anonymity check over `records` (already anonymised): combinations of
    /// quasi-identifier answers that fewer than `k` records share, smallest first.
    pub fn small_groups(&self, records: &[&Record], k: usize) -> Vec<(Vec<String>, usize)> {
        if self.quasi.is_empty() {
            return Vec::new();
        }
        let mut groups: HashMap<Vec<String>, usize> = HashMap::new();
        for r in records {
            let key = self
                .quasi
                .iter()
                .map(|q| r.answers.get(q).map(crate::interview::from_json).unwrap_or_else(|| "-".into()))
                .collect();
            *groups.entry(key).or_default() += 1;
        }
        let mut small: Vec<(Vec<String>, usize)> = groups.into_iter().filter(|(_, n)| *n < k).collect();
        small.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
        small
    }
}

/// Anonymises `records` (each with its compiled form, by hash) and builds the report.
pub fn anonymise(records: &mut [Record], forms: &HashMap<String, Compiled>, opts: &Options) -> Report {
    let mut report = Report { coarsen: opts.coarsen, k: opts.k, ..Report::default() };
    let mut per_form: BTreeMap<String, FormReport> = BTreeMap::new();
    let plans: HashMap<&String, Plan> = forms.iter().map(|(h, f)| (h, Plan::new(f))).collect();
    for rec in records.iter_mut() {
        let Some(plan) = plans.get(&rec.form_hash) else { continue };
        let fr = per_form.entry(rec.form_id.clone()).or_insert_with(|| FormReport {
            form_id: rec.form_id.clone(),
            personal: plan.personal(),
            quasi: plan.quasi.clone(),
            ..FormReport::default()
        });
        fr.records += 1;
        plan.apply(rec, opts, &mut report, fr);
    }
    for fr in per_form.values_mut() {
        // The check runs over every version of the form together, with the newest plan's
        // quasi-identifiers.
        let of_form: Vec<&Record> = records.iter().filter(|r| r.form_id == fr.form_id).collect();
        if let Some(plan) = of_form.last().and_then(|r| plans.get(&r.form_hash)) {
            fr.small_groups = plan.small_groups(&of_form, opts.k);
        }
    }
    report.forms = per_form.into_values().collect();
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_and_emails_are_scrubbed_but_not_dates() {
        let (out, p, e) = scrub("call +223 76 12 34 56 or ami@example.org, left 2019-2020 on 2020-01-02");
        assert_eq!(out, "call [phone] or [email], left 2019-2020 on 2020-01-02");
        assert_eq!((p, e), (1, 1));
        assert_eq!(scrub("paid 50000 CFA twice").0, "paid 50000 CFA twice");
        assert_eq!(scrub("his number 76123456").0, "his number [phone]");
        assert_eq!(scrub("0022376123456").1, 1);
    }

    #[test]
    fn coarsening_keeps_the_day_or_the_month() {
        assert_eq!(Coarsen::Day.apply("2026-11-28T10:46:43.000+00:00"), "2026-11-28");
        assert_eq!(Coarsen::Month.apply("2026-11-28"), "2026-11");
        assert_eq!(Coarsen::None.apply("2026-11-28T10:46"), "2026-11-28T10:46");
    }
}

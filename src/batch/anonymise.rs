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

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}").expect("a constant regex")
});
static PHONE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\+|\b00)?\d[\d .()/-]{5,}\d").expect("a constant regex"));
static DATE_LIKE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4}|\d{4}\s*[-/]\s*\d{4})$")
        .expect("a constant regex")
});

/// Replaces e-mail addresses and phone numbers (8 to 15 digits, with the usual separators; not
/// dates or year ranges) in `text`; returns the text and the counts replaced, or `None` when
/// there was nothing to replace.
pub fn scrub(text: &str) -> Option<(String, usize, usize)> {
    if !text.contains('@') && text.bytes().filter(u8::is_ascii_digit).count() < 8 {
        return None;
    }
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
    (phones + emails > 0).then(|| (out.into_owned(), phones, emails))
}

/// What to do to one answer.
enum Act {
    /// Personal: drop it.
    Drop,
    /// Free text: scrub it.
    Scrub,
    /// A date-time: coarsen it.
    Time,
    /// A date: coarsen it to the month.
    Date,
    /// A repeat with something to do inside.
    Repeat(Vec<(String, Act)>),
}

/// What anonymisation needs to know of a form: what to do to which answers (found once per
/// form, so each record costs one lookup per question that needs something, not per answer).
pub struct Plan<'a> {
    form: &'a Compiled,
    quasi: Vec<String>,
    acts: Vec<(String, Act)>,
}

fn acts(form: &Compiled, scope: Option<usize>) -> Vec<(String, Act)> {
    let mut out = Vec::new();
    for (id, node) in form.items.iter().enumerate() {
        if node.repeat != scope {
            continue;
        }
        let act = match (node.item.privacy, node.item.kind) {
            (Privacy::Personal, _) => Act::Drop,
            (_, Kind::Text) => Act::Scrub,
            (_, Kind::Start | Kind::End | Kind::DateTime) => Act::Time,
            (_, Kind::Date | Kind::Today) => Act::Date,
            (_, Kind::Repeat) => {
                let inner = acts(form, Some(id));
                if inner.is_empty() {
                    continue;
                }
                Act::Repeat(inner)
            }
            _ => continue,
        };
        out.push((node.item.name.clone(), act));
    }
    out
}

impl<'a> Plan<'a> {
    /// The plan for `form`: its personal questions, free text, dates, and its top-level
    /// quasi-identifiers.
    pub fn new(form: &'a Compiled) -> Plan<'a> {
        let quasi = form
            .items
            .iter()
            .filter(|n| n.item.privacy == Privacy::QuasiIdentifier && n.repeat.is_none() && n.item.kind.is_question())
            .map(|n| n.item.name.clone())
            .collect();
        Plan { form, quasi, acts: acts(form, None) }
    }

    fn personal(&self) -> Vec<String> {
        self.form.items.iter().filter(|n| n.item.privacy == Privacy::Personal).map(|n| n.item.name.clone()).collect()
    }

    /// Anonymises one record in place, counting what it does in `tally`.
    fn apply(&self, rec: &mut Record, opts: &Options, tally: &mut Tally) {
        let c = opts.coarsen;
        if c != Coarsen::None {
            rec.started_at = c.apply(&rec.started_at);
            for t in [&mut rec.completed_at, &mut rec.consent_at].into_iter().flatten() {
                *t = c.apply(t);
            }
            for h in &mut rec.history {
                h.at = c.apply(&h.at);
            }
        }
        tally.records += 1;
        scope(&self.acts, &mut rec.answers, opts, tally);
    }
}

/// Appends the grouping key of `answers` over the quasi-identifiers `quasi` to `key`: the
/// answers' text, each followed by a separator no answer holds.
fn group_key(quasi: &[String], answers: &Map<String, J>, key: &mut String) {
    key.clear();
    for q in quasi {
        match answers.get(q) {
            Some(J::String(s)) => key.push_str(s),
            Some(v) => key.push_str(&crate::interview::from_json(v)),
            None => key.push('-'),
        }
        key.push('\u{1f}');
    }
}

/// The groups smaller than `k`, smallest first, each as its answers and its size.
fn small_groups(groups: HashMap<String, usize>, k: usize) -> Vec<(Vec<String>, usize)> {
    let mut small: Vec<(Vec<String>, usize)> = groups
        .into_iter()
        .filter(|(_, n)| *n < k)
        .map(|(key, n)| (key.trim_end_matches('\u{1f}').split('\u{1f}').map(str::to_string).collect(), n))
        .collect();
    small.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    small
}

/// What anonymising some records did.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    records: usize,
    dropped: usize,
    phones: usize,
    emails: usize,
}

/// What one thread's pass found: per plan, what it did; per form, the records in each group of
/// quasi-identifier answers.
struct Pass {
    tallies: Vec<Tally>,
    groups: Vec<HashMap<String, usize>>,
}

/// Anonymises `records` with the plan of each one's form version (by index in `plans`), and
/// counts the groups of quasi-identifier answers with the quasi-identifiers of each form's
/// newest version (`form_of[plan]`, `quasi[form]`).
fn pass(
    records: &mut [Record],
    plans: &[(&String, Plan)],
    form_of: &[usize],
    quasi: &[&[String]],
    opts: &Options,
) -> Pass {
    let mut out = Pass { tallies: vec![Tally::default(); plans.len()], groups: vec![HashMap::new(); quasi.len()] };
    let mut last = 0;
    let mut key = String::new();
    for rec in records {
        if plans.get(last).is_none_or(|(h, _)| **h != rec.form_hash) {
            match plans.iter().position(|(h, _)| **h == rec.form_hash) {
                Some(i) => last = i,
                None => continue,
            }
        }
        plans[last].1.apply(rec, opts, &mut out.tallies[last]);
        let form = form_of[last];
        if !quasi[form].is_empty() {
            group_key(quasi[form], &rec.answers, &mut key);
            match out.groups[form].get_mut(&key) {
                Some(n) => *n += 1,
                None => {
                    out.groups[form].insert(key.clone(), 1);
                }
            }
        }
    }
    out
}

fn scope(acts: &[(String, Act)], answers: &mut Map<String, J>, opts: &Options, tally: &mut Tally) {
    for (name, act) in acts {
        match act {
            Act::Drop => {
                if answers.shift_remove(name).is_some() {
                    tally.dropped += 1;
                }
            }
            Act::Scrub => {
                if let Some(J::String(s)) = answers.get_mut(name)
                    && let Some((clean, phones, emails)) = scrub(s)
                {
                    *s = clean;
                    tally.phones += phones;
                    tally.emails += emails;
                }
            }
            Act::Time if opts.coarsen != Coarsen::None => {
                if let Some(J::String(s)) = answers.get_mut(name) {
                    *s = opts.coarsen.apply(s);
                }
            }
            Act::Date if opts.coarsen == Coarsen::Month => {
                if let Some(J::String(s)) = answers.get_mut(name) {
                    *s = opts.coarsen.apply(s);
                }
            }
            Act::Repeat(inner) => {
                if let Some(J::Array(instances)) = answers.get_mut(name) {
                    for inst in instances {
                        if let J::Object(obj) = inst {
                            scope(inner, obj, opts, tally);
                        }
                    }
                }
            }
            Act::Time | Act::Date => {}
        }
    }
}

/// Anonymises `records` (each with its compiled form, by hash) and builds the report. The
/// records are anonymised and grouped in two halves on two threads.
pub fn anonymise(records: &mut [Record], forms: &HashMap<String, Compiled>, opts: &Options) -> Report {
    let mut report = Report { coarsen: opts.coarsen, k: opts.k, ..Report::default() };
    let plans: Vec<(&String, Plan)> = forms.iter().map(|(h, f)| (h, Plan::new(f))).collect();
    // The forms (by id), and for each the plan of its newest version (that of its last record).
    let mut form_ids: Vec<&str> = plans.iter().map(|(_, p)| p.form.form.id.as_str()).collect();
    form_ids.sort_unstable();
    form_ids.dedup();
    let form_of: Vec<usize> =
        plans.iter().map(|(_, p)| form_ids.iter().position(|f| *f == p.form.form.id).unwrap_or(0)).collect();
    let mut newest: Vec<Option<usize>> = vec![None; form_ids.len()];
    for rec in records.iter().rev() {
        if let Some(i) = plans.iter().position(|(h, _)| **h == rec.form_hash)
            && newest[form_of[i]].is_none()
        {
            newest[form_of[i]] = Some(i);
            if newest.iter().all(Option::is_some) {
                break;
            }
        }
    }
    let quasi: Vec<&[String]> = newest.iter().map(|n| n.map_or(&[][..], |i| plans[i].1.quasi.as_slice())).collect();
    let half = records.len() / 2;
    let (a, b) = records.split_at_mut(half);
    let (pa, pb) = std::thread::scope(|s| {
        let first = s.spawn(|| pass(a, &plans, &form_of, &quasi, opts));
        let second = pass(b, &plans, &form_of, &quasi, opts);
        (first.join(), second)
    });
    let Ok(pa) = pa else { return report };
    let mut per_form: BTreeMap<usize, FormReport> = BTreeMap::new();
    for (i, (_, plan)) in plans.iter().enumerate() {
        let (ta, tb) = (pa.tallies[i], pb.tallies[i]);
        report.phones += ta.phones + tb.phones;
        report.emails += ta.emails + tb.emails;
        if ta.records + tb.records == 0 {
            continue;
        }
        let fr = per_form.entry(form_of[i]).or_insert_with(|| FormReport {
            form_id: plan.form.form.id.clone(),
            personal: plan.personal(),
            quasi: quasi[form_of[i]].to_vec(),
            ..FormReport::default()
        });
        fr.records += ta.records + tb.records;
        fr.dropped += ta.dropped + tb.dropped;
    }
    let mut groups = pa.groups;
    for (mine, theirs) in groups.iter_mut().zip(pb.groups) {
        for (key, n) in theirs {
            *mine.entry(key).or_default() += n;
        }
    }
    for (form, fr) in per_form.iter_mut() {
        fr.small_groups = small_groups(std::mem::take(&mut groups[*form]), opts.k);
    }
    report.forms = per_form.into_values().collect();
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_and_emails_are_scrubbed_but_not_dates() {
        let (out, p, e) = scrub("call +223 76 12 34 56 or ami@example.org, left 2019-2020 on 2020-01-02").unwrap();
        assert_eq!(out, "call [phone] or [email], left 2019-2020 on 2020-01-02");
        assert_eq!((p, e), (1, 1));
        assert_eq!(scrub("paid 50000 CFA twice"), None);
        assert_eq!(scrub("from 2019-2020 to 2021-2022"), None);
        assert_eq!(scrub("his number 76123456").unwrap().0, "his number [phone]");
        assert_eq!(scrub("0022376123456").unwrap().1, 1);
    }

    #[test]
    fn coarsening_keeps_the_day_or_the_month() {
        assert_eq!(Coarsen::Day.apply("2026-11-28T10:46:43.000+00:00"), "2026-11-28");
        assert_eq!(Coarsen::Month.apply("2026-11-28"), "2026-11");
        assert_eq!(Coarsen::None.apply("2026-11-28T10:46"), "2026-11-28T10:46");
    }
}

//! What is done to records before they leave the laptop, and the report the coordinator reads
//! first: answers to questions marked `privacy = personal` are dropped, phone numbers and e-mail
//! addresses are scrubbed from free text, timestamps can be coarsened, and the questions marked
//! `quasi_identifier` are coarsened and hidden until k-anonymity (and l-diversity, when asked)
//! holds ([`super::disclosure`]).

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
    /// Every combination of quasi-identifiers leaves shared by at least k records.
    pub k: usize,
    /// Every such group holds at least l distinct answers of each sensitive question (1: not
    /// asked).
    pub l: usize,
}

impl Options {
    /// As the ledger keeps it: `k=5 l=1 coarsen=none`.
    pub fn to_ledger(&self) -> String {
        format!("k={} l={} coarsen={}", self.k, self.l, self.coarsen.as_str())
    }

    /// Read back from the ledger.
    pub fn from_ledger(text: &str) -> Option<Options> {
        let mut o = Options::default();
        for part in text.split_whitespace() {
            match part.split_once('=')? {
                ("k", v) => o.k = v.parse().ok()?,
                ("l", v) => o.l = v.parse().ok()?,
                ("coarsen", v) => o.coarsen = Coarsen::parse(v)?,
                _ => return None,
            }
        }
        Some(o)
    }
}

pub use crate::store::{MAX_K, MAX_L};

impl Default for Options {
    fn default() -> Self {
        Options { coarsen: Coarsen::None, k: 5, l: 1 }
    }
}

/// What anonymisation did to one form's records.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct FormReport {
    /// Form id.
    pub form_id: String,
    /// Records of this form in the batch.
    pub records: usize,
    /// Questions marked personal (never exported).
    pub personal: Vec<String>,
    /// Answers dropped because their question is personal.
    pub dropped: usize,
    /// The quasi-identifiers.
    pub quasi: Vec<String>,
    /// What disclosure control did: the k reached, each quasi-identifier's coarsening and hidden
    /// values, the information lost, the groups.
    pub disclosure: super::disclosure::Outcome,
    /// Questions whose answers tell a quasi-identifier past disclosure control (in a repeat,
    /// calculated from one).
    pub unprotected: Vec<(String, crate::form::generalise::Unprotected)>,
}

/// The report the coordinator sees before the batch is written.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Report {
    /// Per form.
    pub forms: Vec<FormReport>,
    /// Phone numbers replaced by `[phone]`.
    pub phones: usize,
    /// E-mail addresses replaced by `[email]`.
    pub emails: usize,
    /// Timestamp precision.
    pub coarsen: Coarsen,
    /// The k asked.
    pub k: usize,
    /// The l asked (1: none).
    pub l: usize,
}

impl Report {
    /// Whether some form's records could not reach k (or l): too few of them.
    pub fn short(&self) -> bool {
        self.forms.iter().any(|f| f.disclosure.short)
    }
}

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    // Also as people write addresses to get past filters: `ami(at)example.org`, `ami [at] x.org`.
    // Also `ami at example.org`, `ami%40example.org`, full-width `＠` and `．`, and addresses in
    // any script (`مصطفى@gmail.com`, `моусса@почта.рф`).
    Regex::new(r"(?i)[\p{L}\p{N}._%+-]+\s*(@|＠|%40|\(at\)|\[at\]|\s+at\s+)\s*[\p{L}\p{N}-]+(\s*(\.|．|\(dot\)|\[dot\]|\s+dot\s+)\s*[\p{L}\p{N}-]+)*\s*(\.|．|\(dot\)|\[dot\]|\s+dot\s+)\s*\p{L}{2,}").expect("a constant regex")
});
/// Digits of any script (`\d` is Unicode: Arabic-Indic, full-width…) with the separators people
/// type or paste between them: spaces of every kind (no-break, thin, tab), zero-width
/// characters, dots, commas, slashes, parentheses, hyphens and dashes.
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\+|＋|\b00)?\d[\d\s\u{200B}-\u{200D}\u{2060}\u{FEFF}.,()/\-\u{2010}-\u{2015}\u{2212}]{5,}\d")
        .expect("a constant regex")
});
/// What is not a phone number although it has eight digits: a date, or a range of years.
static DATE_LIKE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4}|(1[89]|20)\d\d\s*[-/]\s*(1[89]|20)\d\d)$",
    )
    .expect("a constant regex")
});

/// Replaces e-mail addresses and phone numbers (8 to 15 digits, of any script, with the usual
/// separators; not dates or year ranges) in `text`; returns the text and the counts replaced,
/// or `None` when there was nothing to replace.
pub fn scrub(text: &str) -> Option<(String, usize, usize)> {
    // Most answers have neither: looked for cheaply first (ASCII markers, ASCII digits, and
    // other digits only in text that is not all ASCII).
    let lower = text.to_ascii_lowercase();
    let maybe_email =
        text.contains('@') || text.contains('＠') || ["at)", "at]", " at ", "%40"].iter().any(|m| lower.contains(m));
    let digits = |s: &str| {
        if s.is_ascii() {
            s.bytes().filter(u8::is_ascii_digit).count()
        } else {
            s.chars().filter(|c| c.is_numeric()).count()
        }
    };
    if !maybe_email && digits(text) < 8 {
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
        if (8..=15).contains(&digits(m)) && !DATE_LIKE.is_match(m.trim()) {
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
    /// The plan for `form`: its personal questions, free text and dates.
    pub fn new(form: &'a Compiled) -> Plan<'a> {
        Plan { form, acts: acts(form, None) }
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

/// What anonymising some records did.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    records: usize,
    dropped: usize,
    phones: usize,
    emails: usize,
}

/// Anonymises `records` with the plan of each one's form version (by index in `plans`); says
/// what it did per plan.
fn pass(records: &mut [Record], plans: &[(&String, Plan)], opts: &Options) -> Vec<Tally> {
    let mut out = vec![Tally::default(); plans.len()];
    let mut last = 0;
    for rec in records {
        if plans.get(last).is_none_or(|(h, _)| **h != rec.form_hash) {
            match plans.iter().position(|(h, _)| **h == rec.form_hash) {
                Some(i) => last = i,
                None => continue,
            }
        }
        plans[last].1.apply(rec, opts, &mut out[last]);
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
    let mut report = Report { coarsen: opts.coarsen, k: opts.k, l: opts.l.max(1), ..Report::default() };
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
    let half = records.len() / 2;
    let (a, b) = records.split_at_mut(half);
    let (pa, pb) = std::thread::scope(|s| {
        let first = s.spawn(|| pass(a, &plans, opts));
        let second = pass(b, &plans, opts);
        (first.join(), second)
    });
    let Ok(pa) = pa else { return report };
    let mut per_form: BTreeMap<usize, FormReport> = BTreeMap::new();
    for (i, (_, plan)) in plans.iter().enumerate() {
        let (ta, tb) = (pa[i], pb[i]);
        report.phones += ta.phones + tb.phones;
        report.emails += ta.emails + tb.emails;
        if ta.records + tb.records == 0 {
            continue;
        }
        let fr = per_form.entry(form_of[i]).or_insert_with(|| FormReport {
            form_id: plan.form.form.id.clone(),
            personal: plan.personal(),
            unprotected: crate::form::generalise::unprotected(&plan.form.form),
            ..FormReport::default()
        });
        fr.records += ta.records + tb.records;
        fr.dropped += ta.dropped + tb.dropped;
    }
    // Disclosure control per form, over all its records, with its newest version's questions.
    let goal = super::disclosure::Goal { k: opts.k.max(1), l: opts.l.max(1) };
    for (form, fr) in per_form.iter_mut() {
        let Some(plan) = newest[*form].map(|i| &plans[i].1) else { continue };
        let hashes: Vec<&String> =
            plans.iter().filter(|(_, p)| form_of_id(&form_ids, p) == *form).map(|(h, _)| *h).collect();
        let mut answers: Vec<&mut Map<String, J>> =
            records.iter_mut().filter(|r| hashes.contains(&&r.form_hash)).map(|r| &mut r.answers).collect();
        fr.disclosure = super::disclosure::protect(plan.form, &mut answers, goal);
        fr.quasi = fr.disclosure.qis.iter().map(|q| q.name.clone()).collect();
    }
    report.forms = per_form.into_values().collect();
    report
}

fn form_of_id(form_ids: &[&str], plan: &Plan) -> usize {
    form_ids.iter().position(|f| *f == plan.form.form.id).unwrap_or(0)
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
        assert_eq!(scrub("write to amadou(at)gmail.com").unwrap().0, "write to [email]");
        assert_eq!(scrub("or ami [at] example [dot] org please").unwrap().0, "or [email] please");
        assert_eq!(scrub("fatou dot keita at gmail dot com").unwrap().0, "fatou dot [email]");
        assert_eq!(scrub("moussa at gmail.com, amadou%40gmail.com").unwrap().0, "[email], [email]");
        assert_eq!(scrub("Moussa＠gmail．com").unwrap().0, "[email]");
        assert_eq!(scrub("we met at noon at the station"), None);
    }

    #[test]
    fn phone_numbers_typed_with_any_spaces_dashes_or_digits_are_scrubbed() {
        for number in [
            "76\u{a0}12\u{a0}34\u{a0}56",
            "76\u{202f}12\u{202f}34\u{202f}56",
            "76\u{2009}12\u{2009}34\u{2009}56",
            "76\u{200b}12\u{200b}34\u{200b}56",
            "76–12–34–56",
            "76,12,34,56",
            "76\t12\t34\t56",
            "7612-3456",
            "٧٦١٢٣٤٥٦",
            "７６１２３４５６",
            "+223 76-12-34-56",
        ] {
            let (out, phones, _) = scrub(&format!("call {number} tonight")).unwrap_or_else(|| panic!("{number:?}"));
            assert_eq!((out.as_str(), phones), ("call [phone] tonight", 1), "{number:?}");
        }
        assert_eq!(scrub("write to مصطفى@gmail.com").unwrap().0, "write to [email]");
        assert_eq!(scrub("моусса@почта.рф").unwrap().0, "[email]");
        assert_eq!(scrub("in Libya 2017-2019, then 1998 - 2005"), None, "years stay");
        assert_eq!(scrub("born 12/03/1990"), None, "dates stay");
    }

    #[test]
    fn coarsening_keeps_the_day_or_the_month() {
        assert_eq!(Coarsen::Day.apply("2026-11-28T10:46:43.000+00:00"), "2026-11-28");
        assert_eq!(Coarsen::Month.apply("2026-11-28"), "2026-11");
        assert_eq!(Coarsen::None.apply("2026-11-28T10:46"), "2026-11-28T10:46");
    }
}

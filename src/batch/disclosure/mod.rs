//! Disclosure control that acts: before records leave, their quasi-identifiers are coarsened by
//! the steps each question declares (`generalise`) as far as needed, then single values are
//! hidden (`*`, local suppression) until every combination of quasi-identifier answers is shared
//! by at least k records, and, when asked, every such group holds at least l distinct answers of
//! each sensitive question. Deterministic: the same records give the same output.
//!
//! Groups are compared as written (a hidden value is the value `*`, equal only to `*`), so that
//! any tool computing k on the exported files finds at least the k reached here.
//!
//! How the coarsening and hiding are chosen, with the least information lost: [`search`].

/// A map with a fast hash (the group counts are looked up millions of times per export); its
/// order is never used.
type HashMap<K, V> = std::collections::HashMap<K, V, ahash::RandomState>;

use serde_json::{Map, Value as J};

mod search;
mod step;

use crate::form::generalise::{name as step_name, steps};
use crate::form::{Compiled, Generalise, Privacy};
use step::{coarsen, representative};

pub use crate::form::generalise::HIDDEN;

/// What is asked of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Goal {
    /// Every combination of quasi-identifiers is shared by at least k records.
    pub k: usize,
    /// Every group holds at least l distinct answers of each sensitive question (1: not asked).
    pub l: usize,
}

/// One quasi-identifier in the report.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct QiReport {
    /// The question.
    pub name: String,
    /// The steps taken (`bands=10`: coarsened up to that step), empty when left as answered.
    pub step: Option<String>,
    /// How many steps it could take.
    pub steps: usize,
    /// Answers hidden (`*`).
    pub hidden: usize,
    /// Answers that came coarsened (at headquarters: by the laptops' batches).
    pub arrived: usize,
    /// The coarsest step answers came coarsened by.
    pub arrived_step: Option<String>,
}

/// What disclosure control did to one form's records.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Outcome {
    /// Records considered.
    pub records: usize,
    /// The smallest group's size after (the k reached); `records` when there are no
    /// quasi-identifiers.
    pub k_reached: usize,
    /// The fewest distinct answers of a sensitive question in a group (the l reached; `None`
    /// with no sensitive question).
    pub l_reached: Option<usize>,
    /// Per quasi-identifier.
    pub qis: Vec<QiReport>,
    /// The sensitive questions.
    pub sensitive: Vec<String>,
    /// Information lost, 0 to 1: over every quasi-identifier answer, 1 for one hidden or dropped,
    /// the share of the other answers given it cannot be told from for one coarsened (the
    /// generalised information loss).
    pub loss: f64,
    /// Records whose quasi-identifiers were all hidden.
    pub fully_hidden: usize,
    /// The groups after, as (answers, records), smallest first.
    pub groups: Vec<(Vec<String>, usize)>,
    /// Why the goal could not be reached, if it was not (too few records).
    pub short: bool,
}

/// A quasi-identifier's answers, coded: the distinct answers, each record's, and per level the
/// coarsened value of each distinct answer.
struct Column {
    name: String,
    /// Per record, the index of its answer in `values`.
    codes: Vec<u32>,
    /// Per level (0: as answered), for each distinct answer, the coarsened value's index in
    /// `shown[level]`.
    levels: Vec<Vec<u32>>,
    /// Per level, the values as written (`None`: the answer is removed).
    shown: Vec<Vec<Option<String>>>,
    steps: Vec<Generalise>,
    /// Per distinct answer, how many records gave it.
    counts: Vec<usize>,
    /// Per level, for each coarsened value, what it loses (the generalised information loss, as
    /// ARX's "Loss" and Iyengar's measure count it): with n distinct answers given (neither
    /// empty nor `*`), a value that covers c of them loses (c - 1) / (n - 1). A 20-year band over
    /// ages 18 to 60 loses about half, a 5-year band a tenth, a hidden answer all of it.
    spread: Vec<Vec<f64>>,
    /// The code of `*` among the answers, when some came hidden (at headquarters, from a
    /// laptop's batch): grouped with the answers hidden here.
    star: Option<u32>,
    /// Per distinct answer, the level it came coarsened to (0: as answered; at headquarters, a
    /// laptop's batch may have banded an age or mapped a nationality to its region): it is not
    /// shown finer than that level, and loses at least what that level loses.
    arrived: Vec<usize>,
}

fn answer_text(v: Option<&J>) -> String {
    match v {
        None | Some(J::Null) => String::new(),
        Some(J::String(s)) => s.clone(),
        Some(v) => crate::interview::from_json(v),
    }
}

/// One question's answers coded: its distinct texts in the order they first appear, and each
/// record's code.
#[derive(Default)]
struct Coder {
    index: HashMap<String, u32>,
    /// Whole numbers (ages) by value, so that most answers are coded without writing them out.
    numbers: HashMap<i64, u32>,
    values: Vec<String>,
    codes: Vec<u32>,
}

impl Coder {
    fn code_of(&mut self, text: &str) -> u32 {
        match self.index.get(text) {
            Some(&c) => c,
            None => {
                self.values.push(text.to_string());
                let c = (self.values.len() - 1) as u32;
                self.index.insert(text.to_string(), c);
                c
            }
        }
    }

    fn add(&mut self, answer: Option<&J>) {
        let code = match answer {
            Some(J::String(s)) => self.code_of(s),
            Some(J::Number(n)) if n.is_i64() => {
                let v = n.as_i64().unwrap_or_default();
                match self.numbers.get(&v) {
                    Some(&c) => c,
                    None => {
                        let c = self.code_of(&v.to_string());
                        self.numbers.insert(v, c);
                        c
                    }
                }
            }
            other => self.code_of(&answer_text(other)),
        };
        self.codes.push(code);
    }

    /// The questions `names` of `records` coded, a record at a time (each record's answers are
    /// read while they are in the cache).
    fn all(names: &[&str], records: &[&Map<String, J>]) -> Vec<Coder> {
        let mut coders: Vec<Coder> =
            names.iter().map(|_| Coder { codes: Vec::with_capacity(records.len()), ..Coder::default() }).collect();
        for answers in records {
            for (coder, name) in coders.iter_mut().zip(names) {
                coder.add(answers.get(*name));
            }
        }
        coders
    }

    /// `later` (the records after this one's) coded on: the same codes as if one coder had read
    /// them all in order.
    fn append(&mut self, later: Coder) {
        let renumber: Vec<u32> = later.values.iter().map(|v| self.code_of(v)).collect();
        self.codes.extend(later.codes.iter().map(|&c| renumber[c as usize]));
    }
}

impl Column {
    fn new(form: &Compiled, id: usize, coder: Coder) -> Column {
        let item = &form.items[id].item;
        let steps = steps(item);
        let Coder { values, codes, .. } = coder;
        let list = form.choice_list(id);
        let choice_column = |value: &str, col: &str| {
            list.and_then(|cs| cs.iter().find(|c| c.name == value)).and_then(|c| c.extra.get(col).cloned())
        };
        // Each answer that came coarsened, with the level it came at and an answer it could
        // have been (which the coarser levels coarsen).
        let came: Vec<Option<(usize, String)>> = values
            .iter()
            .map(|v| {
                steps.iter().enumerate().find_map(|(j, step)| {
                    let r = representative(step, v, list)?;
                    (coarsen(step, &r, &choice_column).as_deref() == Some(v.as_str())).then_some((j + 1, r))
                })
            })
            .collect();
        let mut levels = vec![(0..values.len() as u32).collect::<Vec<u32>>()];
        let mut shown = vec![values.iter().cloned().map(Some).collect::<Vec<_>>()];
        for (j, step) in steps.iter().enumerate() {
            let mut seen: HashMap<Option<String>, u32> = HashMap::default();
            let mut out = Vec::new();
            let map = values
                .iter()
                .zip(&came)
                .map(|(v, came)| {
                    let c = match came {
                        Some((at, r)) if j + 1 > *at => coarsen(step, r, &choice_column),
                        Some(_) => Some(v.clone()),
                        None => coarsen(step, v, &choice_column),
                    };
                    *seen.entry(c).or_insert_with_key(|c| {
                        out.push(c.clone());
                        (out.len() - 1) as u32
                    })
                })
                .collect();
            levels.push(map);
            shown.push(out);
        }
        let star = shown.first().and_then(|s| s.iter().position(|v| v.as_deref() == Some(HIDDEN))).map(|p| p as u32);
        let mut counts = vec![0; values.len()];
        for &c in &codes {
            counts[c as usize] += 1;
        }
        let given: Vec<usize> =
            (0..values.len()).filter(|&v| !values[v].is_empty() && Some(v as u32) != star).collect();
        let spread = levels
            .iter()
            .zip(&shown)
            .map(|(map, out)| {
                let mut cover = vec![0usize; out.len()];
                for &v in &given {
                    cover[map[v] as usize] += 1;
                }
                let others = given.len().saturating_sub(1).max(1) as f64;
                cover.iter().map(|&c| c.saturating_sub(1) as f64 / others).collect()
            })
            .collect();
        let arrived = came.iter().map(|c| c.as_ref().map_or(0, |(at, _)| *at)).collect();
        Column { name: item.name.clone(), codes, levels, shown, steps, counts, spread, star, arrived }
    }

    /// Record `r`'s code at `level` (`hidden`: the code after every other).
    fn code(&self, r: usize, level: usize, hidden: bool) -> u32 {
        if hidden || self.star == Some(self.codes[r]) {
            self.shown[level].len() as u32
        } else {
            self.levels[level][self.codes[r] as usize]
        }
    }

    /// Whether distinct answer `original` is `*`: hidden before it came (by the laptop that
    /// wrote a batch headquarters exports again).
    fn arrived_hidden(&self, original: usize) -> bool {
        self.star == Some(original as u32)
    }

    /// The coarsest level an answer came at (0: every answer as answered).
    fn coarsest_arrival(&self) -> usize {
        self.arrived.iter().zip(&self.counts).filter(|(_, n)| **n > 0).map(|(a, _)| *a).max().unwrap_or(0)
    }

    /// Whether the answers are removed at `level` (a `drop` step).
    fn drops(&self, level: usize) -> bool {
        level > 0 && self.steps.get(level - 1) == Some(&Generalise::Drop)
    }

    /// What distinct answer `original` loses at `level` when not hidden: 1 when it came hidden
    /// (a batch's `*` at headquarters); coarsened, here or before it came, the share of the other
    /// answers given that it now cannot be told from ([`Column::spread`]).
    fn lost_of(&self, level: usize, original: usize) -> f64 {
        if self.arrived_hidden(original) {
            return 1.0;
        }
        let level = level.max(self.arrived[original]);
        self.spread[level][self.levels[level][original] as usize]
    }

    /// What the column's answers lose at `level` with none hidden here (`dropped`: each answer
    /// given counts 1).
    fn lost_at(&self, level: usize, dropped: bool) -> f64 {
        let value = |original: usize| {
            if dropped {
                f64::from(u8::from(!self.shown[0][original].as_deref().unwrap_or_default().is_empty()))
            } else {
                self.lost_of(level, original)
            }
        };
        self.counts.iter().enumerate().map(|(original, &count)| count as f64 * value(original)).sum()
    }

    fn width(&self, level: usize) -> u128 {
        self.shown[level].len() as u128 + 1
    }
}

/// The working state: each quasi-identifier's level, and which answers are hidden.
#[derive(Clone)]
struct State<'a> {
    cols: &'a [Column],
    levels: Vec<usize>,
    /// Per record, a bit per quasi-identifier hidden.
    hidden: Vec<u64>,
    /// The records' sensitive answers, coded.
    sensitive: &'a Sensitive,
    goal: Goal,
}

type Key = u128;

impl State<'_> {
    fn key(&self, r: usize, hidden: u64) -> Key {
        let mut key: Key = 0;
        for (q, c) in self.cols.iter().enumerate() {
            let level = self.levels[q];
            let code = if self.dropped(q) { 0 } else { c.code(r, level, hidden >> q & 1 == 1) };
            key = key.wrapping_mul(c.width(level)).wrapping_add(u128::from(code));
        }
        key
    }

    /// Information lost (the generalised information loss, before dividing by the cells): 1 per
    /// hidden or dropped answer, [`Column::spread`] per coarsened one.
    fn lost(&self) -> f64 {
        let mut lost: f64 = (0..self.cols.len()).map(|q| self.cols[q].lost_at(self.levels[q], self.dropped(q))).sum();
        // Each answer hidden here costs the rest of its 1.
        for (q, c) in self.cols.iter().enumerate() {
            if self.dropped(q) {
                continue;
            }
            for (r, hidden) in self.hidden.iter().enumerate() {
                let original = c.codes[r] as usize;
                if hidden >> q & 1 == 1 && !c.arrived_hidden(original) {
                    lost += 1.0 - c.lost_of(self.levels[q], original);
                }
            }
        }
        lost
    }

    /// Every quasi-identifier that can be hidden (not dropped).
    fn all(&self) -> u64 {
        (0..self.cols.len()).filter(|&q| !self.dropped(q)).fold(0, |m, q| m | 1 << q)
    }

    /// The groups: per key, its records' count, and per sensitive question its distinct answers
    /// (up to l of them) and the answers all its records share.
    fn groups(&self, keys: &[Key]) -> HashMap<Key, Group> {
        self.groups_up_to(keys, self.goal.l)
    }

    /// The groups, counting up to `cap` distinct answers.
    fn groups_up_to(&self, keys: &[Key], cap: usize) -> HashMap<Key, Group> {
        let mut groups: HashMap<Key, Group> =
            HashMap::with_capacity_and_hasher(keys.len() / 4 + 1, ahash::RandomState::new());
        for (r, key) in keys.iter().enumerate() {
            self.add(groups.entry(*key).or_insert_with(|| self.group()), r, cap);
        }
        groups
    }

    /// An empty group.
    fn group(&self) -> Group {
        Group::new(self.sensitive.sets.len())
    }

    /// Adds record `r` to `group`, counting up to `cap` distinct sensitive answers.
    fn add(&self, group: &mut Group, r: usize, cap: usize) {
        let of = self.sensitive.of.get(r).map_or(&[][..], Vec::as_slice);
        group.add(of.iter().zip(&self.sensitive.sets).map(|(&set, sets)| sets.get(set as usize)), cap);
    }

    /// Whether quasi-identifier `q` is at a `drop` step (its answers removed: nothing to hide).
    fn dropped(&self, q: usize) -> bool {
        self.cols[q].drops(self.levels[q])
    }

    fn keys(&self) -> Vec<Key> {
        (0..self.hidden.len()).map(|r| self.key(r, self.hidden[r])).collect()
    }

    fn safe(&self, g: &Group) -> bool {
        g.count >= self.goal.k && g.diversity().all(|l| l >= self.goal.l)
    }

    /// How many records are in unsafe groups, and how far those groups are from safe (the
    /// records each lacks to reach k, at least 1): it falls as groups merge, even while every
    /// record is still at risk.
    fn risk_and_deficit(&self) -> (usize, usize) {
        let keys = self.keys();
        let groups = self.groups(&keys);
        groups
            .values()
            .filter(|g| !self.safe(g))
            .fold((0, 0), |(risk, deficit), g| (risk + g.count, deficit + self.goal.k.saturating_sub(g.count).max(1)))
    }
}

/// The sensitive answers of the records: per record and question, the code of the set of
/// values it gave (a repeat's or a select_multiple's several, a single answer's one); per
/// question, each set's values, coded. Unanswered is the empty set, code 0.
#[derive(Default)]
struct Sensitive {
    of: Vec<Vec<u32>>,
    sets: Vec<Vec<Vec<u32>>>,
}

impl Sensitive {
    /// The sensitive answers `ids` of `records`.
    fn code(form: &Compiled, ids: &[usize], records: &[&Map<String, J>]) -> Sensitive {
        let mut values: Vec<HashMap<String, u32>> = vec![HashMap::default(); ids.len()];
        let mut set_codes: Vec<HashMap<Vec<u32>, u32>> = vec![HashMap::default(); ids.len()];
        let mut sets: Vec<Vec<Vec<u32>>> = vec![vec![Vec::new()]; ids.len()];
        for codes in &mut set_codes {
            codes.insert(Vec::new(), 0);
        }
        let of = records
            .iter()
            .map(|a| {
                (0..ids.len())
                    .map(|q| {
                        let mut set: Vec<u32> = sensitive_values(form, ids[q], a)
                            .into_iter()
                            .map(|t| {
                                let next = values[q].len() as u32;
                                *values[q].entry(t).or_insert(next)
                            })
                            .collect();
                        set.sort_unstable();
                        set.dedup();
                        let next = sets[q].len() as u32;
                        *set_codes[q].entry(set).or_insert_with_key(|set| {
                            sets[q].push(set.clone());
                            next
                        })
                    })
                    .collect()
            })
            .collect();
        Sensitive { of, sets }
    }
}

/// Records sharing their quasi-identifiers: how many, and per sensitive question the distinct
/// values its records gave (counted up to a cap) and the values every one that answered gave
/// (`None` while nobody answered).
#[derive(Clone)]
struct Group {
    count: usize,
    distinct: Vec<Vec<u32>>,
    common: Vec<Option<Vec<u32>>>,
}

impl Group {
    fn new(sensitive: usize) -> Group {
        Group { count: 0, distinct: vec![Vec::new(); sensitive], common: vec![None; sensitive] }
    }

    /// Adds a record whose sensitive answers are `sets` (one set of values per question).
    fn add<'s>(&mut self, sets: impl Iterator<Item = Option<&'s Vec<u32>>>, cap: usize) {
        self.count += 1;
        for ((d, common), set) in self.distinct.iter_mut().zip(&mut self.common).zip(sets) {
            if let Some(set) = set.filter(|s| !s.is_empty()) {
                Group::take(d, common, set, set, cap);
            }
        }
    }

    /// Adds the records of `other`.
    fn merge(&mut self, other: &Group) {
        self.count += other.count;
        let theirs = other.distinct.iter().zip(&other.common);
        for ((d, common), (o, shared)) in self.distinct.iter_mut().zip(&mut self.common).zip(theirs) {
            // A group where nobody answered brings no value.
            if let Some(shared) = shared {
                Group::take(d, common, o, shared, usize::MAX);
            }
        }
    }

    /// One question's values `given` (up to `cap` distinct) and those all gave, `shared`, added
    /// to a group's `distinct` and `common`.
    fn take(distinct: &mut Vec<u32>, common: &mut Option<Vec<u32>>, given: &[u32], shared: &[u32], cap: usize) {
        for v in given {
            if distinct.len() < cap && !distinct.contains(v) {
                distinct.push(*v);
            }
        }
        match common {
            None => *common = Some(shared.to_vec()),
            Some(c) => c.retain(|v| shared.contains(v)),
        }
    }

    /// Per sensitive question that someone in the group answered, how diverse its answers are:
    /// the distinct values given, but 1 when a value was given by every one who answered (the
    /// group then tells that value of each of them, whatever else they gave).
    fn diversity(&self) -> impl Iterator<Item = usize> + '_ {
        self.distinct.iter().zip(&self.common).filter_map(|(d, c)| match c {
            None => None,
            Some(c) if !c.is_empty() => Some(1),
            Some(_) => Some(d.len()),
        })
    }
}

static BAND: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"^(-?\d+(\.\d+)?-(-?\d+(\.\d+)?)|<-?\d+|-?\d+\+)$").expect("a constant regex")
});
static MONTH_OR_YEAR: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(r"^\d{4}(-\d{2})?$").expect("a constant regex"));

/// Whether `value` is what disclosure control can leave of an answer to question `id`: hidden,
/// or coarsened by one of its steps (headquarters accepts these for quasi-identifiers).
pub fn leaves_as(form: &Compiled, id: usize, value: &str) -> bool {
    let item = &form.items[id].item;
    if item.privacy != Privacy::QuasiIdentifier || form.items[id].repeat.is_some() {
        return false;
    }
    if value == HIDDEN {
        return true;
    }
    steps(item).iter().any(|step| match step {
        Generalise::Bands(_) | Generalise::Breaks(_) => BAND.is_match(value),
        Generalise::Month | Generalise::Year => MONTH_OR_YEAR.is_match(value),
        Generalise::Map(col) => {
            form.choice_list(id).is_some_and(|cs| cs.iter().any(|c| c.extra.get(col).is_some_and(|v| v == value)))
        }
        Generalise::Drop => false,
    })
}

/// The quasi-identifiers (top level) and sensitive questions (anywhere: a question in a repeat
/// counts as the set of its answers in the record) of `form`.
fn questions(form: &Compiled) -> (Vec<usize>, Vec<usize>) {
    let mut qi = Vec::new();
    let mut sensitive = Vec::new();
    for (id, node) in form.items.iter().enumerate() {
        if !node.item.kind.is_question() {
            continue;
        }
        match node.item.privacy {
            Privacy::QuasiIdentifier if node.repeat.is_none() => qi.push(id),
            Privacy::Sensitive => sensitive.push(id),
            _ => {}
        }
    }
    qi.truncate(64);
    (qi, sensitive)
}

/// A record's answers to the sensitive question `id`: its values (a select_multiple's each, a
/// repeat's over every instance).
fn sensitive_values(form: &Compiled, id: usize, answers: &Map<String, J>) -> Vec<String> {
    let name = &form.items[id].item.name;
    let values = |v: Option<&J>| -> Vec<String> {
        match v {
            Some(J::Array(items)) => items.iter().map(|i| answer_text(Some(i))).filter(|t| !t.is_empty()).collect(),
            other => Some(answer_text(other)).filter(|t| !t.is_empty()).into_iter().collect(),
        }
    };
    match form.items[id].repeat {
        None => values(answers.get(name)),
        Some(rep) => match answers.get(&form.items[rep].item.name) {
            Some(J::Array(instances)) => {
                instances.iter().filter_map(|i| i.as_object()).flat_map(|o| values(o.get(name))).collect()
            }
            _ => Vec::new(),
        },
    }
}

/// Coarsens and hides the quasi-identifiers of `records` (all of `form`) until `goal` holds,
/// in place; says what it did.
pub fn protect(form: &Compiled, records: &mut [&mut Map<String, J>], goal: Goal) -> Outcome {
    let goal = Goal { k: goal.k.max(1), l: goal.l.max(1) };
    let (qi_ids, sens_ids) = questions(form);
    let n = records.len();
    let mut outcome = Outcome {
        records: n,
        k_reached: n,
        sensitive: sens_ids.iter().map(|&i| form.items[i].item.name.clone()).collect(),
        ..Outcome::default()
    };
    if n == 0 || qi_ids.is_empty() {
        return outcome;
    }
    let view: Vec<&Map<String, J>> = records.iter().map(|r| &**r).collect();
    let cols = columns(form, &qi_ids, &view);
    let sensitive =
        if goal.l > 1 && !sens_ids.is_empty() { Sensitive::code(form, &sens_ids, &view) } else { Sensitive::default() };
    // A question whose first step is `drop` (free text such as `nationality_other`) never leaves.
    // One that came coarsened (a laptop banded its ages) leaves at least as coarse throughout,
    // so that a column never mixes ages and bands.
    let levels: Vec<usize> = cols
        .iter()
        .map(|c| usize::from(c.steps.first() == Some(&Generalise::Drop)).max(c.coarsest_arrival()))
        .collect();
    let start = State { cols: &cols, levels, hidden: vec![0; n], sensitive: &sensitive, goal };
    fill(&mut outcome, &search::least_loss(start), records);
    outcome
}

/// Each quasi-identifier's column: the records are read in two halves on two threads (waiting
/// on memory more than computing), the second half's codes continuing the first's.
fn columns(form: &Compiled, qi_ids: &[usize], view: &[&Map<String, J>]) -> Vec<Column> {
    let names: Vec<&str> = qi_ids.iter().map(|&id| form.items[id].item.name.as_str()).collect();
    let (first, second) = view.split_at(view.len() / 2);
    let (mut coders, later) = std::thread::scope(|s| {
        let other = s.spawn(|| Coder::all(&names, second));
        let mine = Coder::all(&names, first);
        (mine, other.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
    });
    for (coder, rest) in coders.iter_mut().zip(later) {
        coder.append(rest);
    }
    qi_ids.iter().zip(coders).map(|(&id, coder)| Column::new(form, id, coder)).collect()
}

/// Writes the levels and hidden values into the records and the outcome.
fn fill(outcome: &mut Outcome, st: &State, records: &mut [&mut Map<String, J>]) {
    let n = records.len();
    let q_count = st.cols.len();
    // Groups counted by their codes (one small key per record, no text), named at the end.
    let mut by_codes: HashMap<Vec<u32>, usize> = HashMap::default();
    let mut codes: Vec<u32> = Vec::with_capacity(q_count);
    outcome.qis = st
        .cols
        .iter()
        .enumerate()
        .map(|(q, c)| QiReport {
            name: c.name.clone(),
            step: (st.levels[q] > 0).then(|| step_name(&c.steps[st.levels[q] - 1])),
            steps: c.steps.len(),
            hidden: 0,
            arrived: 0,
            arrived_step: Some(c.coarsest_arrival()).filter(|a| *a > 0).map(|a| step_name(&c.steps[a - 1])),
        })
        .collect();
    let all = st.all();
    for (r, answers) in records.iter_mut().enumerate() {
        codes.clear();
        // Every answer hidden, here or before it came (a batch headquarters exports again).
        let arrived = st.cols.iter().enumerate().filter(|(_, c)| c.arrived_hidden(c.codes[r] as usize));
        if arrived.fold(st.hidden[r], |m, (q, _)| m | 1 << q) & all == all {
            outcome.fully_hidden += 1;
        }
        for (q, c) in st.cols.iter().enumerate() {
            let level = st.levels[q];
            let original = c.codes[r] as usize;
            if st.dropped(q) {
                answers.shift_remove(&c.name);
                codes.push(0);
                continue;
            }
            let hidden = st.hidden[r] >> q & 1 == 1;
            codes.push(c.code(r, level, hidden));
            if c.arrived[original] > 0 {
                outcome.qis[q].arrived += 1;
            }
            if hidden || c.arrived_hidden(original) {
                outcome.qis[q].hidden += 1;
                answers.insert(c.name.clone(), J::String(HIDDEN.into()));
                continue;
            }
            let value = &c.shown[level][c.levels[level][original] as usize];
            if level > 0 && value.as_deref() != c.shown[0][original].as_deref() {
                match value {
                    Some(v) if !v.is_empty() => {
                        answers.insert(c.name.clone(), J::String(v.clone()));
                    }
                    _ => {
                        answers.shift_remove(&c.name);
                    }
                }
            }
        }
        match by_codes.get_mut(codes.as_slice()) {
            Some(count) => *count += 1,
            None => {
                by_codes.insert(codes.clone(), 1);
            }
        }
    }
    // Each group as it leaves: its answers as text (the same text from two codes is one group).
    let mut group_of: HashMap<Vec<String>, usize> = HashMap::default();
    for (codes, count) in by_codes {
        let shown = st
            .cols
            .iter()
            .enumerate()
            .zip(codes)
            .map(|((q, c), code)| {
                let level = st.levels[q];
                if st.dropped(q) {
                    String::new()
                } else if code as usize == c.shown[level].len() {
                    HIDDEN.to_string()
                } else {
                    c.shown[level][code as usize].clone().unwrap_or_default()
                }
            })
            .collect();
        *group_of.entry(shown).or_default() += count;
    }
    // The measure the search minimised, over every quasi-identifier answer.
    outcome.loss = st.lost() / (n * q_count) as f64;
    let mut groups: Vec<(Vec<String>, usize)> = group_of.into_iter().collect();
    groups.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    outcome.k_reached = groups.first().map_or(n, |g| g.1);
    outcome.short = outcome.k_reached < st.goal.k;
    if !st.sensitive.sets.is_empty() {
        let groups = st.groups_up_to(&st.keys(), usize::MAX);
        let l = groups.values().flat_map(Group::diversity).min().unwrap_or(st.goal.l);
        outcome.l_reached = Some(l);
        outcome.short |= l < st.goal.l && !groups.is_empty();
    }
    outcome.groups = groups;
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The columns are read in two halves on two threads: the codes are those of one pass.
        #[test]
        fn answers_coded_in_two_halves_get_the_codes_of_one_pass(
            rows in proptest::collection::vec(proptest::collection::vec(0u8..6, 2), 0..40),
            cut in 0usize..40,
        ) {
            let answer = |v: u8| match v {
                0 => None,
                1 => Some(J::Null),
                2 | 3 => Some(J::String(format!("v{v}"))),
                _ => Some(J::from(i64::from(v) * 10)),
            };
            let maps: Vec<Map<String, J>> = rows
                .iter()
                .map(|r| {
                    let mut m = Map::new();
                    for (name, &v) in ["a", "b"].iter().zip(r) {
                        if let Some(a) = answer(v) {
                            m.insert((*name).to_string(), a);
                        }
                    }
                    m
                })
                .collect();
            let view: Vec<&Map<String, J>> = maps.iter().collect();
            let cut = cut.min(view.len());
            let whole = Coder::all(&["a", "b"], &view);
            let mut halves = Coder::all(&["a", "b"], &view[..cut]);
            for (h, rest) in halves.iter_mut().zip(Coder::all(&["a", "b"], &view[cut..])) {
                h.append(rest);
            }
            for (w, h) in whole.iter().zip(&halves) {
                proptest::prop_assert_eq!(&w.values, &h.values);
                proptest::prop_assert_eq!(&w.codes, &h.codes);
            }
        }
    }

    #[test]
    fn numbers_dates_and_choices_are_coarsened_step_by_step() {
        let none = |_: &str, _: &str| None;
        assert_eq!(coarsen(&Generalise::Bands(5), "27", &none).unwrap(), "25-29");
        assert_eq!(coarsen(&Generalise::Bands(10), "27", &none).unwrap(), "20-29");
        let breaks = Generalise::Breaks(vec![18, 25, 35, 65]);
        assert_eq!(coarsen(&breaks, "17", &none).unwrap(), "<18");
        assert_eq!(coarsen(&breaks, "30", &none).unwrap(), "25-34");
        assert_eq!(coarsen(&breaks, "70", &none).unwrap(), "65+");
        assert_eq!(coarsen(&Generalise::Month, "2026-11-28", &none).unwrap(), "2026-11");
        assert_eq!(coarsen(&Generalise::Year, "2026-11-28T10:00", &none).unwrap(), "2026");
        let region = |v: &str, c: &str| (c == "region" && v == "guinea").then(|| "west_africa".to_string());
        assert_eq!(coarsen(&Generalise::Map("region".into()), "guinea", &region).unwrap(), "west_africa");
        assert_eq!(coarsen(&Generalise::Map("region".into()), "niger", &region).unwrap(), "niger");
        assert_eq!(coarsen(&Generalise::Drop, "Kalaban", &none), None);
        assert_eq!(coarsen(&Generalise::Bands(5), "", &none).unwrap(), "", "no answer stays no answer");
    }
}

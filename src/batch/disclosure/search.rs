//! The search for the coarsening and hiding that reach the goal with the least information lost.
//!
//! Each quasi-identifier is at a level (0 = as answered, then one per declared step); a choice of
//! levels for all of them is a node of the lattice. Every node is completed by local
//! suppression ([`suppress`]): the records still at risk have quasi-identifiers hidden, question
//! by question or record by record, whichever loses less; a group of records with everything
//! hidden that is still too small takes records from the largest groups. What a node loses is its
//! coarsening plus its hiding (the generalised information loss, [`State::lost`]).
//!
//! When the lattice is small enough (the bundled questionnaires' have 48 nodes or fewer), every
//! node that could lose less than the best found so far is completed and the least loss is kept:
//! nodes are taken cheapest coarsening first, and one whose coarsening, plus the least its
//! records at risk must lose to hiding, already costs more is skipped. The greedy searches below
//! give the first best; on a larger lattice they alone decide. Ties keep the first found, so the
//! same records give the same output.

use super::{Group, Key, State};
use std::collections::HashMap;

/// While more than this share of records is at risk, the greedy search coarsens on (then values
/// are hidden).
const AT_RISK_BUDGET: f64 = 0.02;

/// The most nodes of the lattice looked at one by one; larger lattices are left to the greedy
/// searches.
const LATTICE_NODES: usize = 4096;

/// Differences of information lost smaller than this are ties.
const TIE: f64 = 1e-9;

/// The levels and hiding that reach the goal from `start` (its levels: where each question
/// starts, its `drop` steps taken) with the least information lost.
pub(super) fn least_loss(start: State<'_>) -> State<'_> {
    let mut best = Best { short: true, lost: f64::INFINITY, state: None };
    // Two greedy searches, one step at a time and several at once. When one stops with many
    // records at risk (no single step helped), both are tried again taking steps that merge
    // groups too.
    let mut stuck = false;
    for (jumps, merging) in [(false, false), (true, false), (false, true), (true, true)] {
        if merging && !stuck {
            break;
        }
        let mut st = start.clone();
        stuck |= generalise(&mut st, jumps, merging);
        suppress(&mut st);
        best.offer(st);
    }
    for (coarsened, levels) in nodes(&start) {
        if coarsened >= best.lost - TIE {
            break;
        }
        let mut st = State { levels, ..start.clone() };
        let (risk, _) = st.risk_and_deficit();
        if coarsened + risk as f64 * least_hiding(&st) >= best.lost - TIE {
            continue;
        }
        suppress(&mut st);
        best.offer(st);
    }
    best.state.unwrap_or(start)
}

/// The best candidate so far: one that reaches the goal before one that falls short (only when
/// it is out of reach), then the one that loses least, then the first.
struct Best<'a> {
    short: bool,
    lost: f64,
    state: Option<State<'a>>,
}

impl<'a> Best<'a> {
    fn offer(&mut self, st: State<'a>) {
        let short = st.risk_and_deficit().0 > 0;
        let lost = st.lost();
        if self.state.is_none() || self.short && !short || short == self.short && lost < self.lost - TIE {
            *self = Best { short, lost, state: Some(st) };
        }
    }
}

/// Every node of the lattice from `start`'s levels up, with what its coarsening alone loses,
/// cheapest first (ties in the order of the questions' levels); none when there are more than
/// [`LATTICE_NODES`].
fn nodes(start: &State) -> Vec<(f64, Vec<usize>)> {
    let ranges: Vec<(usize, usize)> =
        start.cols.iter().zip(&start.levels).map(|(c, &from)| (from, c.levels.len() - from)).collect();
    let size = ranges.iter().try_fold(1usize, |n, &(_, count)| n.checked_mul(count).filter(|&n| n <= LATTICE_NODES));
    let Some(size) = size else { return Vec::new() };
    let cost: Vec<Vec<f64>> = start
        .cols
        .iter()
        .map(|c| (0..c.levels.len()).map(|level| c.lost_at(level, c.drops(level))).collect())
        .collect();
    let mut nodes: Vec<(f64, Vec<usize>)> = (0..size)
        .map(|mut i| {
            let levels: Vec<usize> = ranges
                .iter()
                .map(|&(from, count)| {
                    let level = from + i % count;
                    i /= count;
                    level
                })
                .collect();
            (levels.iter().zip(&cost).map(|(&level, c)| c[level]).sum(), levels)
        })
        .collect();
    nodes.sort_by(|a, b| a.0.total_cmp(&b.0));
    nodes
}

/// The least a record at risk at `st`'s levels loses to hiding: one answer hidden, the rest of
/// its 1 after coarsening (none when an answer came hidden: hiding it again costs nothing, or
/// when nothing can be hidden).
fn least_hiding(st: &State) -> f64 {
    st.cols
        .iter()
        .enumerate()
        .filter(|&(q, _)| !st.dropped(q))
        .map(
            |(q, c)| {
                if c.star.is_some() { 0.0 } else { 1.0 - c.spread[st.levels[q]].iter().copied().fold(0.0, f64::max) }
            },
        )
        .reduce(f64::min)
        .unwrap_or(0.0)
}

/// Takes generalisation steps while too many records are at risk; says whether it stopped with
/// them still at risk because no step lowered the count. With `merging`, a step that lowers no
/// count but merges groups (two questions that each keep every record unique: neither alone
/// helps) is taken then, the one that merges most for what it costs.
fn generalise(st: &mut State, jumps: bool, merging: bool) -> bool {
    let n = st.hidden.len();
    let budget = (n as f64 * AT_RISK_BUDGET).floor() as usize;
    let (mut risk, mut deficit) = st.risk_and_deficit();
    while risk > budget {
        // Each question may go up one step or several at once (a step alone can leave every
        // record at risk where two together put most out of it).
        let mut best: Option<(f64, usize, usize, usize, usize)> = None;
        let mut best_merge: Option<(f64, usize, usize, usize, usize)> = None;
        for q in 0..st.cols.len() {
            let from = st.levels[q];
            let top = if jumps { st.cols[q].levels.len() } else { (from + 2).min(st.cols[q].levels.len()) };
            for to in from + 1..top {
                st.levels[q] = to;
                let (after, after_deficit) = st.risk_and_deficit();
                st.levels[q] = from;
                // Information lost by these steps (at least a little: a step that loses nothing
                // is not free to take for nothing).
                let c = &st.cols[q];
                let cost = (c.lost_at(to, c.drops(to)) - c.lost_at(from, c.drops(from))).max(1e-6);
                let gain = risk.saturating_sub(after) as f64 / cost;
                if after < risk && best.is_none_or(|(g, ..)| gain > g) {
                    best = Some((gain, q, to, after, after_deficit));
                }
                let merged = deficit.saturating_sub(after_deficit) as f64 / cost;
                if merging && after_deficit < deficit && best_merge.is_none_or(|(g, ..)| merged > g) {
                    best_merge = Some((merged, q, to, after, after_deficit));
                }
            }
        }
        let Some((_, q, to, after, after_deficit)) = best.or(best_merge) else { return true };
        st.levels[q] = to;
        (risk, deficit) = (after, after_deficit);
    }
    false
}

/// Local suppression: the records at risk have answers hidden ([`hide`]) question by question
/// and record by record; the one that loses less is kept.
fn suppress(st: &mut State) {
    let mut each = st.clone();
    hide(st, false);
    hide(&mut each, true);
    if each.lost() < st.lost() - TIE {
        *st = each;
    }
}

/// One round of hiding record by record: each record at risk, in order, has the answer hidden
/// that puts it in the largest group as it stands (on a tie, the question with the most distinct
/// answers). Says whether any record was at risk.
fn hide_each(st: &mut State) -> bool {
    let keys = st.keys();
    let groups = st.groups(&keys);
    let risky: Vec<usize> = (0..keys.len()).filter(|&r| !st.safe(&groups[&keys[r]])).collect();
    if risky.is_empty() {
        return false;
    }
    let mut sizes: HashMap<Key, usize> = groups.iter().map(|(k, g)| (*k, g.count)).collect();
    for r in risky {
        let mut best: Option<(usize, usize, Key)> = None;
        for q in 0..st.cols.len() {
            if st.dropped(q) || st.hidden[r] >> q & 1 == 1 {
                continue;
            }
            let key = st.key(r, st.hidden[r] | 1 << q);
            let size = sizes.get(&key).copied().unwrap_or(0);
            let better = best.is_none_or(|(s, b, _)| {
                size > s || size == s && st.cols[q].shown[st.levels[q]].len() > st.cols[b].shown[st.levels[b]].len()
            });
            if better {
                best = Some((size, q, key));
            }
        }
        let Some((_, q, key)) = best else { continue };
        st.hidden[r] |= 1 << q;
        if let Some(s) = sizes.get_mut(&keys[r]) {
            *s -= 1;
        }
        *sizes.entry(key).or_default() += 1;
    }
    true
}

/// Hides one quasi-identifier at a time in the records at risk, then completes a group of fully
/// hidden records that is still too small. `each`: each record at risk has the answer hidden
/// that puts it in the largest group; otherwise all of them have the same question hidden, the
/// one that leaves the fewest at risk.
fn hide(st: &mut State, each: bool) {
    let q_count = st.cols.len();
    let all = st.all();
    for _ in 0..q_count {
        if each {
            if !hide_each(st) {
                break;
            }
            continue;
        }
        let keys = st.keys();
        let groups = st.groups(&keys);
        let risky: Vec<usize> = (0..keys.len()).filter(|&r| !st.safe(&groups[&keys[r]])).collect();
        if risky.is_empty() {
            return;
        }
        // Safe groups keep their records: only the records at risk move, so a trial regroups
        // them alone against the safe groups.
        let mut best: Option<(usize, usize)> = None;
        for q in 0..q_count {
            if st.dropped(q) || risky.iter().all(|&r| st.hidden[r] >> q & 1 == 1) {
                continue;
            }
            let mut moved: HashMap<Key, Group> = HashMap::default();
            for &r in &risky {
                st.add(moved.entry(st.key(r, st.hidden[r] | 1 << q)).or_insert_with(|| st.group()), r, st.goal.l);
            }
            let left: usize = moved
                .iter()
                .filter(|(key, g)| {
                    let mut merged: Group = Group::clone(g);
                    if let Some(safe) = groups.get(key).filter(|s| st.safe(s)) {
                        merged.merge(safe);
                    }
                    !st.safe(&merged)
                })
                .map(|(_, g)| g.count)
                .sum();
            // Fewest left at risk; on a tie, the question with the most distinct answers.
            let better = match best {
                None => true,
                Some((l, b)) => {
                    left < l || left == l && st.cols[q].shown[st.levels[q]].len() > st.cols[b].shown[st.levels[b]].len()
                }
            };
            if better {
                best = Some((left, q));
            }
        }
        let Some((_, q)) = best else { break };
        for &r in &risky {
            st.hidden[r] |= 1 << q;
        }
    }
    // What is left at risk has everything hidden: one group. Too small, it takes records (the
    // last of the largest groups, while they stay safe) until it is safe.
    let keys = st.keys();
    let mut groups = st.groups(&keys);
    let blank = st.key(0, all);
    if groups.get(&blank).is_none_or(|g| st.safe(g)) {
        return;
    }
    let mut donors: Vec<(usize, Key)> =
        groups.iter().filter(|(k, _)| **k != blank).map(|(k, g)| (g.count, *k)).collect();
    donors.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, key) in donors {
        for r in (0..keys.len()).rev() {
            if keys[r] != key || st.hidden[r] == all {
                continue;
            }
            let donor = &groups[&key];
            let mut smaller = Group::clone(donor);
            smaller.count -= 1;
            if smaller.count < st.goal.k {
                break;
            }
            // With l asked, a donor gives only what keeps it l-diverse: recount it without r.
            if st.goal.l > 1 {
                let mut recount = st.group();
                for (r2, k2) in keys.iter().enumerate() {
                    if *k2 == key && r2 != r && st.hidden[r2] != all {
                        st.add(&mut recount, r2, st.goal.l);
                    }
                }
                if !st.safe(&recount) {
                    continue;
                }
                smaller = recount;
            }
            st.hidden[r] = all;
            groups.insert(key, smaller);
            st.add(groups.entry(blank).or_insert_with(|| st.group()), r, st.goal.l);
            if groups.get(&blank).is_some_and(|g| st.safe(g)) {
                return;
            }
        }
    }
    // No group could spare a record: whole groups join it, the smallest first.
    let mut whole: Vec<(usize, Key)> =
        groups.iter().filter(|(k, _)| **k != blank).map(|(k, g)| (g.count, *k)).collect();
    whole.sort();
    for (_, key) in whole {
        for (r, k) in keys.iter().enumerate() {
            if *k == key && st.hidden[r] != all {
                st.hidden[r] = all;
                st.add(groups.entry(blank).or_insert_with(|| st.group()), r, st.goal.l);
            }
        }
        if groups.get(&blank).is_some_and(|g| st.safe(g)) {
            return;
        }
    }
}

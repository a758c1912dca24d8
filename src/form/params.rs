//! The `parameters` column, checked per question type as pyxform does.

#![deny(clippy::indexing_slicing)]

use std::collections::BTreeMap;

use super::diag::Diagnostic;
use super::model::{ChoiceSource, Form, Item, Kind};

fn number(params: &BTreeMap<String, String>, key: &str) -> Option<Result<f64, ()>> {
    params.get(key).map(|v| v.parse::<f64>().map_err(|_| ()))
}

fn multiple_of(x: f64, base: f64) -> bool {
    if base == 0.0 {
        return true;
    }
    let q = x / base;
    (q - q.round()).abs() < 1e-9
}

/// The parameters of the types fourmi does not collect, checked as pyxform does, so that a form
/// is judged the same (pyxform's xls2json and validators).
fn not_collected_parameters(item: &Item, form: &Form, err: &mut impl FnMut(String)) {
    let p = &item.parameters;
    let head = item.type_text.split_whitespace().next().unwrap_or_default().to_lowercase();
    let accepted: &[&str] = match head.as_str() {
        "image" | "photo" => &["app", "max-pixels"],
        "audio" | "background-audio" => &["quality"],
        "geotrace" | "geoshape" => &["allow-mock-accuracy", "incremental", "reference-geometry"],
        _ => return,
    };
    let bad: Vec<&str> = p.keys().map(String::as_str).filter(|k| !accepted.contains(k)).collect();
    if !bad.is_empty() {
        err(format!("this question type takes {}; not {}", accepted.join(", "), bad.join(", ")));
    }
    if let Some(m) = p.get("max-pixels")
        && m.parse::<i64>().is_err()
    {
        err("`max-pixels` must be a whole number".into());
    }
    if let Some(app) = p.get("app")
        && matches!(item.appearance.trim(), "" | "annotate")
        && !android_package(app)
    {
        err(format!(
            "`app` must be an Android package name (letters, digits and `_`, in parts separated by `.`); `{app}` is not"
        ));
    }
    if let Some(q) = p.get("quality") {
        let allowed: &[&str] = if head == "audio" {
            &["voice-only", "low", "normal", "external"]
        } else {
            &["voice-only", "low", "normal"]
        };
        if !allowed.contains(&q.as_str()) {
            err(format!("`quality` must be one of {}", allowed.join(", ")));
        }
    }
    if let Some(v) = p.get("allow-mock-accuracy")
        && !matches!(v.to_lowercase().as_str(), "true" | "false")
    {
        err("`allow-mock-accuracy` must be true or false".into());
    }
    if let Some(v) = p.get("incremental")
        && !matches!(v.as_str(), "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "true()")
    {
        err("`incremental` can only be true".into());
    }
    // As pyxform: a secondary instance (a choice list, a choice file, an external instance),
    // or a reference to a repeat.
    let repeat = |g: &str| {
        let name = g.strip_prefix("${").and_then(|r| r.strip_suffix('}'));
        name.is_some_and(|n| form.walk().iter().any(|(i, _)| i.kind == super::model::Kind::Repeat && i.name == n))
    };
    if let Some(g) = p.get("reference-geometry")
        && !form.choices.contains_key(g)
        && !attached_instance(form, g)
        && !form.externals.iter().any(|x| x.name == *g)
        && !repeat(g)
    {
        err(format!(
            "`reference-geometry` must name a choice list, an attached file or an external instance, or be a ${{reference}} to a repeat; `{g}` is none of these"
        ));
    }
}

/// Whether `name` is the base name of a file a `select_one_from_file` question attaches (a
/// secondary instance of that name).
fn attached_instance(form: &Form, name: &str) -> bool {
    form.walk().iter().any(|(i, _)| {
        matches!(&i.choices, Some(ChoiceSource::File(f)) if f.rsplit_once('.').is_some_and(|(stem, _)| stem == name))
    })
}

/// An Android package name as Android requires it: two or more parts separated by `.`, each
/// starting with a letter, of ASCII letters, digits and `_`.
fn android_package(name: &str) -> bool {
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() >= 2
        && parts.iter().all(|p| {
            p.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

/// Checks an item's parameters against its form (its lists, for `tick_labelset`).
pub fn check_parameters(item: &Item, form: &Form) -> Vec<Diagnostic> {
    let choices = &form.choices;
    let mut out = Vec::new();
    let p = &item.parameters;
    let mut err = |m: String| out.push(Diagnostic::error(item.pos_of("parameters"), format!("parameters: {m}")));
    let boolean = |k: &str| p.get(k).is_some_and(|v| !matches!(v.to_lowercase().as_str(), "true" | "false"));
    match item.kind {
        Kind::Range => {
            let mut nums = BTreeMap::new();
            for key in ["start", "end", "step", "tick_interval", "placeholder"] {
                match number(p, key) {
                    Some(Ok(v)) => {
                        nums.insert(key, v);
                    }
                    Some(Err(())) => err(format!("the range parameter `{key}` must be a number")),
                    None => {}
                }
            }
            let known = ["start", "end", "step", "tick_interval", "placeholder", "tick_labelset"];
            if let Some(k) = p.keys().find(|k| !known.contains(&k.as_str())) {
                err(format!("`{k}` is not a range parameter; use {}", known.join(", ")));
            }
            let start = nums.get("start").copied().unwrap_or(1.0);
            let end = nums.get("end").copied().unwrap_or(10.0);
            let step = nums.get("step").copied().unwrap_or(1.0);
            let (lo, hi) = (start.min(end), start.max(end));
            if step == 0.0 {
                err("the range parameter `step` cannot be 0".into());
            } else if step.abs() > hi - lo {
                err("`step` must not be larger than the range (the difference between `start` and `end`)".into());
            }
            let ticky = ["tick_interval", "placeholder", "tick_labelset"].iter().any(|k| p.contains_key(*k));
            let appearance = item.appearance.split_whitespace().collect::<Vec<_>>();
            if ticky && !appearance.iter().all(|a| matches!(*a, "vertical" | "no-ticks")) {
                err("tick_interval, placeholder and tick_labelset only work with the appearances vertical, no-ticks, or none".into());
            }
            if let Some(&ph) = nums.get("placeholder") {
                if ph < lo || ph > hi {
                    err("`placeholder` must be between `start` and `end`".into());
                } else if !multiple_of(ph - start, step) {
                    err("`placeholder` must be `start` plus a multiple of `step`".into());
                }
            }
            if let Some(&ti) = nums.get("tick_interval")
                && !multiple_of(ti, step)
            {
                err("`tick_interval` must be a multiple of `step`".into());
            }
            if let Some(list) = p.get("tick_labelset") {
                match choices.get(list) {
                    None => err(format!("`tick_labelset` names the list `{list}`, which is not on the choices sheet")),
                    Some(cs) => {
                        let base = nums.get("tick_interval").copied().unwrap_or(step);
                        let no_ticks = appearance.contains(&"no-ticks");
                        for c in cs {
                            let Ok(v) = c.name.parse::<f64>() else {
                                err(format!("the tick_labelset choice `{}` must be a number", c.name));
                                continue;
                            };
                            if v < lo || v > hi {
                                err(format!("the tick_labelset choice {} must be between `start` and `end`", c.name));
                            } else if no_ticks && v != start && v != end {
                                err(
                                    "with the no-ticks appearance, tick_labelset choices may only be `start` and `end`"
                                        .into(),
                                );
                            } else if !no_ticks && !multiple_of(v - start, base) {
                                err(format!(
                                    "the tick_labelset choice {} must be `start` plus a multiple of the tick interval",
                                    c.name
                                ));
                            }
                        }
                    }
                }
            }
        }
        Kind::SelectOne | Kind::SelectMultiple | Kind::Rank => {
            let mut allowed = vec!["randomize", "seed"];
            if matches!(item.choices, Some(ChoiceSource::File(_))) {
                allowed.extend(["value", "label"]);
            }
            let bad: Vec<&str> = p.keys().map(String::as_str).filter(|k| !allowed.contains(k)).collect();
            if !bad.is_empty() {
                err(format!("this question type takes {}; not {}", allowed.join(", "), bad.join(", ")));
            }
            if boolean("randomize") {
                err("`randomize` must be true or false".into());
            }
            if let Some(seed) = p.get("seed") {
                let is_ref = seed.starts_with("${") && seed.ends_with('}');
                if seed.parse::<f64>().is_err() && !is_ref {
                    err("`seed` must be a number or a ${reference} to another question".into());
                }
                if !p.contains_key("randomize") {
                    err("`seed` needs `randomize=true`".into());
                }
            }
            for k in ["value", "label"] {
                if let Some(v) = p.get(k)
                    && !super::build::valid_name(v)
                {
                    err(format!("`{k}` must be a column name (letters, digits, `_`, `-`, `.`)"));
                }
            }
        }
        Kind::Text => {
            if let Some(rows) = p.get("rows")
                && rows.parse::<u32>().is_err()
            {
                err("`rows` must be a whole number".into());
            }
        }
        Kind::Geopoint if p.contains_key("reference-geometry") => {
            err("not supported: `reference-geometry` (maps)".into());
        }
        Kind::Geopoint => {
            if boolean("allow-mock-accuracy") {
                err("`allow-mock-accuracy` must be true or false".into());
            }
            for k in ["capture-accuracy", "warning-accuracy"] {
                if matches!(number(p, k), Some(Err(()))) {
                    err(format!("`{k}` must be a number"));
                }
            }
        }
        Kind::NotCollected => not_collected_parameters(item, form, &mut err),
        Kind::Audit => {
            for k in ["track-changes", "identify-user"] {
                if boolean(k) {
                    err(format!("`{k}` must be true or false"));
                }
            }
            if let Some(v) = p.get("location-priority")
                && !matches!(v.as_str(), "no-power" | "low-power" | "balanced" | "high-accuracy")
            {
                err("`location-priority` must be no-power, low-power, balanced or high-accuracy".into());
            }
            for k in ["location-min-interval", "location-max-age"] {
                if matches!(number(p, k), Some(Err(()))) {
                    err(format!("`{k}` must be a number"));
                }
            }
        }
        _ => {}
    }
    out
}

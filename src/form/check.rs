//! Whole-form checks: references, choice lists, cycles, translations, consent settings and the
//! privacy lint. Row-level problems are found while building (see `build`).

use std::collections::{BTreeMap, BTreeSet};

use crate::expr::{Axis, Expr, Expression, NodeTest, PathStart};

use super::diag::Diagnostic;
use super::model::{ChoiceSource, Form, Item, Kind, Privacy, Text};
use super::workbook::Pos;

/// A piece of label or hint text: plain text, or a `${name}` reference (the name as written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextPiece<'a> {
    /// Text shown as it is.
    Text(&'a str),
    /// `${name}`: what is between the braces, untrimmed.
    Ref(&'a str),
}

/// Label or hint text cut at its `${name}` references (an unclosed `${` is plain text).
pub fn text_pieces(text: &str) -> Vec<TextPiece<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some((before, after)) = rest.split_once("${") {
        out.push(TextPiece::Text(before));
        match after.split_once('}') {
            Some((name, tail)) => {
                out.push(TextPiece::Ref(name));
                rest = tail;
            }
            None => {
                out.push(TextPiece::Text("${"));
                rest = after;
                break;
            }
        }
    }
    out.push(TextPiece::Text(rest));
    out.retain(|p| *p != TextPiece::Text(""));
    out
}

/// `${name}` references inside label or hint text.
pub fn text_references(text: &str) -> Vec<String> {
    text_pieces(text)
        .into_iter()
        .filter_map(|p| match p {
            TextPiece::Ref(name) => Some(name.trim().to_string()),
            TextPiece::Text(_) => None,
        })
        .collect()
}

/// Names a form may refer to without defining them (ODK's metadata).
const BUILT_IN_REFERENCES: &[&str] = &["instanceID"];

/// Runs every whole-form check.
pub fn check(form: &Form) -> Vec<Diagnostic> {
    let mut out = external_clashes(form);
    let walk = form.walk();
    let mut by_name: BTreeMap<&str, Vec<&Item>> = BTreeMap::new();
    for (item, _) in &walk {
        if !item.name.is_empty() {
            by_name.entry(item.name.as_str()).or_default().push(item);
        }
    }
    let resolve =
        |name: &str, pos: Pos, what: &str, out: &mut Vec<Diagnostic>| resolve(form, &by_name, name, pos, what, out);
    for (item, parents) in &walk {
        for (col, e) in item.expressions() {
            for r in e.references() {
                resolve(r, item.pos_of(col), &format!("`{col}`"), &mut out);
            }
            for name in e.instances() {
                let attached = walk.iter().any(|(i, _)| {
                    matches!(&i.choices, Some(ChoiceSource::File(f)) if f.rsplit_once('.').is_some_and(|(stem, _)| stem == name))
                });
                let external = form.externals.iter().any(|x| x.name == name);
                if !form.choices.contains_key(&name) && !attached && !external {
                    out.push(Diagnostic::error(
                        item.pos_of(col),
                        format!("`{col}` reads instance('{name}'), but there is no choice list, no attached choice file and no xml-external or csv-external row named `{name}`"),
                    ));
                }
            }
        }
        for (col, text) in [
            ("label", &item.label),
            ("hint", &item.hint),
            ("constraint_message", &item.constraint_message),
            ("required_message", &item.required_message),
        ] {
            for t in text.values() {
                for r in text_references(t) {
                    resolve(&r, item.pos_of(col), &format!("the {col}"), &mut out);
                }
            }
        }
        for t in &item.trigger {
            resolve(t, item.pos_of("trigger"), "`trigger`", &mut out);
        }
        check_choices(form, item, &by_name, &mut out);
        out.extend(super::params::check_parameters(item, form));
        if item.kind == Kind::Repeat
            && by_name.get(item.name.as_str()).is_some_and(|v| v.iter().filter(|i| i.kind == Kind::Repeat).count() > 1)
        {
            out.push(Diagnostic::error(
                item.pos_of("name"),
                format!(
                    "the repeat name `{}` is used elsewhere in the form; repeat names must be unique everywhere",
                    item.name
                ),
            ));
        }
        if item.kind == Kind::Repeat && item.name == form.root_name {
            out.push(Diagnostic::error(
                item.pos_of("name"),
                format!(
                    "the repeat `{}` has the name of the form's root element (the setting `name`, `data` by default); rename it",
                    item.name
                ),
            ));
        }
        if item.kind == Kind::Repeat && item.repeat_count.is_some() {
            let generated = format!("{}_count", item.name);
            let siblings = parents
                .last()
                .and_then(|p| walk.iter().find(|(i, _)| i.name == *p))
                .map_or(&form.items, |(p, _)| &p.children);
            if siblings.iter().any(|s| s.name == generated) {
                out.push(Diagnostic::error(item.pos_of("repeat_count"), format!("`{generated}` is the name fourmi and ODK give to the count of the repeat `{}`; rename that question", item.name)));
            }
        }
        for t in &item.trigger {
            let visible = by_name.get(t.as_str()).and_then(|v| v.first()).is_some_and(|target| {
                target.kind.is_question()
                    && !(target.calculation.is_some() && target.label.is_empty() && target.hint.is_empty())
            });
            if by_name.contains_key(t.as_str()) && !visible {
                out.push(Diagnostic::error(
                    item.pos_of("trigger"),
                    format!("the trigger ${{{t}}} is not a question the monitor answers, so it can never fire"),
                ));
            }
        }
        if item.kind == Kind::Repeat
            && let Some(count) = &item.repeat_count
        {
            let inside: BTreeSet<&str> = descendants(item).into_iter().collect();
            if let Some(r) = count.references().iter().find(|r| inside.contains(r.as_str())) {
                out.push(Diagnostic::error(
                    item.pos_of("repeat_count"),
                    format!("the repeat_count of `{}` uses ${{{r}}}, which is inside the repeat itself", item.name),
                ));
            }
        }
        if item.kind == Kind::Group && !item.children.iter().any(shown) {
            out.push(Diagnostic::error(
                item.pos,
                format!("the group `{}` is empty; add questions or remove it (ODK Validate refuses a group with nothing to show)", item.name),
            ));
        }
        // A calculation run by a trigger is set when the trigger changes, not recomputed: `.`
        // in it is the value before (ODK's setvalue), not a cycle.
        let calculation = if item.trigger.is_empty() { &item.calculation } else { &None };
        for (col, e) in [
            ("relevant", &item.relevant),
            ("required", &item.required),
            ("read_only", &item.read_only),
            ("calculation", calculation),
        ] {
            if e.as_ref().is_some_and(uses_self) && item.kind != Kind::Repeat {
                let why = if col == "calculation" {
                    "its own value, which it computes: a cycle (ODK Validate refuses it); to update a value from itself, give the row a `trigger`"
                } else {
                    "the question's own answer, which depends on whether it is asked: a cycle"
                };
                out.push(Diagnostic::error(item.pos_of(col), format!("`{col}` of `{}` uses `.`, {why}", item.name)));
            }
        }
    }
    out.extend(cycles(form));
    out.extend(translations(form));
    out.extend(settings_checks(form, &by_name));
    out.extend(privacy_lint(form));
    out.extend(generalise_rules(form));
    out.extend(disclosure_gaps(form));
    out
}

/// Quasi-identifiers disclosure control does not cover (inside a repeat) and calculations that
/// copy one past it (warnings that say what to do).
fn disclosure_gaps(form: &Form) -> Vec<Diagnostic> {
    use super::generalise::{Unprotected, unprotected};
    let gaps = unprotected(form);
    let mut out = Vec::new();
    for (item, _) in form.walk() {
        let Some((_, how)) = gaps.iter().find(|(n, _)| *n == item.name) else { continue };
        let pos = item.cells.get("privacy").copied().unwrap_or(item.pos);
        out.push(Diagnostic::warning(pos, match how {
            Unprotected::InRepeat(r) => format!(
                "`{}` is marked quasi_identifier inside the repeat `{r}`: disclosure control covers the questions outside repeats, so its answers leave as given. Ask it outside the repeat, or mark it `personal` so it never leaves", item.name
            ),
            Unprotected::Copies(q) => format!(
                "`{}` is calculated from the quasi-identifier `{q}` and leaves as computed, past disclosure control: mark it `quasi_identifier` (with `generalise` steps) or `personal`", item.name
            ),
            Unprotected::SameList(q) => format!(
                "`{}` chooses from the same list as the quasi-identifier `{q}` and leaves as given, past disclosure control (it may tell the same, as a country of departure tells a nationality): mark it `quasi_identifier` (with the same `generalise` steps; outside a repeat), `personal`, or `none` where it tells nothing of who answered (a destination)", item.name
            ),
        }));
    }
    out
}

/// Whether an item is shown to the monitor (has a control), so that a group holding it is not empty.
fn shown(item: &Item) -> bool {
    match item.kind {
        Kind::Group | Kind::Repeat => item.kind == Kind::Repeat || item.children.iter().any(shown),
        Kind::Note | Kind::NotCollected => true,
        k if k.is_question() => !(item.label.is_empty() && item.hint.is_empty() && item.calculation.is_some()),
        _ => false,
    }
}

fn descendants(item: &Item) -> Vec<&str> {
    let mut out = Vec::new();
    for c in &item.children {
        out.push(c.name.as_str());
        out.extend(descendants(c));
    }
    out
}

/// Whether the expression reads `.` (the item's own value).
fn uses_self(e: &Expression) -> bool {
    let mut found = false;
    e.ast.walk(&mut |x| {
        if let Expr::Path(p) = x
            && matches!(p.start, PathStart::Context)
            && p.steps.len() == 1
            && p.steps[0].axis == Axis::SelfAxis
        {
            found = true;
        }
    });
    found
}

fn check_choices(form: &Form, item: &Item, by_name: &BTreeMap<&str, Vec<&Item>>, out: &mut Vec<Diagnostic>) {
    if let Some(ChoiceSource::File(file)) = &item.choices {
        let stem = file.rsplit_once('.').map_or(file.as_str(), |p| p.0);
        if form.choices.contains_key(stem) {
            out.push(Diagnostic::error(
                item.pos_of("type"),
                format!("the choice file {file} and the choice list `{stem}` would have the same name; rename one"),
            ));
        }
    }
    let Some(ChoiceSource::List(list)) = &item.choices else {
        return;
    };
    if list.starts_with("${") {
        // Choices from earlier answers: refused once, where the type is read.
        return;
    }
    let Some(choices) = form.choices.get(list) else {
        out.push(Diagnostic::error(
            item.pos_of("type"),
            format!("`{}` uses the choice list `{list}`, which is not on the choices sheet", item.name),
        ));
        return;
    };
    if item.choice_filter.is_none()
        && let Some(c) = choices.iter().find(|c| c.label.is_empty() && c.media.is_empty())
    {
        out.push(Diagnostic::error(c.pos, format!("the choice `{}` of list `{list}` has no label", c.name)));
    }
    for c in choices {
        for t in c.label.values().chain(c.media.values()) {
            for r in text_references(t) {
                if !by_name.contains_key(r.as_str()) {
                    out.push(Diagnostic::error(
                        c.pos,
                        format!("the label of choice `{}` refers to ${{{r}}}, but no question is named `{r}`", c.name),
                    ));
                }
            }
        }
    }
    if matches!(item.kind, Kind::SelectMultiple | Kind::Rank)
        && let Some(c) = choices.iter().find(|c| c.name.contains(char::is_whitespace))
    {
        out.push(Diagnostic::warning(
            c.pos,
            format!(
                "the choice `{}` of list `{list}` has a space, so `{}` cannot record it (its answer is choice names separated by spaces): write `{}`",
                c.name,
                item.name,
                c.name.split_whitespace().collect::<Vec<_>>().join("_")
            ),
        ));
    }
    if item.or_other && item.choice_filter.is_some() {
        out.push(Diagnostic::error(
            item.pos_of("choice_filter"),
            "`or_other` cannot be combined with a choice_filter; add an `other` choice to the list instead",
        ));
    }
    if let Some(filter) = &item.choice_filter {
        let mut columns: BTreeSet<&str> = ["name", "label"].into_iter().collect();
        for c in choices {
            columns.extend(c.extra.keys().map(String::as_str));
        }
        filter.ast.walk(&mut |e| {
            if let Expr::Path(p) = e
                && let (PathStart::Context, Some(step)) = (&p.start, p.steps.first())
                    && let (Axis::Child, NodeTest::Name(n)) = (step.axis, &step.test)
                        && !columns.contains(n.as_str()) {
                            out.push(Diagnostic::warning(item.pos_of("choice_filter"), format!("the choice_filter of `{}` uses the column `{n}`, which the list `{list}` does not have, so no choice will match; did you mean ${{{n}}}?", item.name)));
                        }
        });
    }
}

/// Dependency cycles among calculations, relevance, required, read-only and dynamic defaults.
fn cycles(form: &Form) -> Vec<Diagnostic> {
    let walk = form.walk();
    let mut edges: BTreeMap<&str, (Pos, u32, Vec<&str>)> = BTreeMap::new();
    for (item, _) in &walk {
        let mut deps: Vec<&str> = Vec::new();
        for (col, e) in item.expressions() {
            // Defaults are set once, when the item first appears: they cannot loop.
            if matches!(col, "calculation" | "relevant" | "required" | "read_only") {
                deps.extend(e.references().iter().map(String::as_str));
            }
        }
        let at = ["calculation", "relevant", "required", "read_only"]
            .iter()
            .map(|c| item.pos_of(c))
            .find(|p| *p != item.pos)
            .unwrap_or(item.pos);
        edges.insert(item.name.as_str(), (at, item.row, deps));
    }
    let mut state: BTreeMap<&str, u8> = BTreeMap::new();
    let mut out = Vec::new();
    fn visit<'a>(
        n: &'a str,
        edges: &BTreeMap<&'a str, (Pos, u32, Vec<&'a str>)>,
        state: &mut BTreeMap<&'a str, u8>,
        stack: &mut Vec<&'a str>,
        out: &mut Vec<Diagnostic>,
    ) {
        state.insert(n, 1);
        stack.push(n);
        if let Some((pos, _, deps)) = edges.get(n) {
            for d in deps {
                match state.get(d).copied().unwrap_or(0) {
                    0 if edges.contains_key(d) => visit(d, edges, state, stack, out),
                    1 => {
                        let start = stack.iter().position(|s| s == d).unwrap_or(0);
                        let mut chain: Vec<&str> = stack[start..].to_vec();
                        chain.push(d);
                        let chain: Vec<String> = chain.iter().map(|c| format!("${{{c}}}")).collect();
                        out.push(Diagnostic::error(
                            *pos,
                            format!("these depend on each other in a circle: {}; break the cycle", chain.join(" -> ")),
                        ));
                    }
                    _ => {}
                }
            }
        }
        stack.pop();
        state.insert(n, 2);
    }
    let names: Vec<&str> = edges.keys().copied().collect();
    for n in names {
        if state.get(n).copied().unwrap_or(0) == 0 {
            visit(n, &edges, &mut state, &mut Vec::new(), &mut out);
        }
    }
    out
}

/// Texts present in some languages and missing in others (warnings).
fn translations(form: &Form) -> Vec<Diagnostic> {
    let langs: Vec<&String> = form.languages.iter().filter(|l| !l.is_empty()).collect();
    let mut out = Vec::new();
    if langs.len() < 2 {
        return out;
    }
    let mut missing = |what: String, text: &Text, pos: Pos| {
        if text.is_empty() {
            return;
        }
        for l in &langs {
            if !text.contains_key(*l) {
                out.push(Diagnostic::warning(pos, format!("{what} has no {l} text")));
            }
        }
    };
    for (item, _) in form.walk() {
        missing(format!("the label of `{}`", item.name), &item.label, item.pos);
        missing(format!("the hint of `{}`", item.name), &item.hint, item.pos);
        missing(format!("the constraint message of `{}`", item.name), &item.constraint_message, item.pos);
        missing(format!("the required message of `{}`", item.name), &item.required_message, item.pos);
    }
    for (list, choices) in &form.choices {
        for c in choices {
            missing(format!("the choice `{}` of list `{list}`", c.name), &c.label, c.pos);
        }
    }
    out
}

fn settings_checks(form: &Form, by_name: &BTreeMap<&str, Vec<&Item>>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let pos = Pos { line: 1, col: 1 };
    for (setting, question) in
        [("consent_question", &form.consent_question), ("recontact_question", &form.recontact_question)]
    {
        if let Some(c) = question {
            yes_question_checks(form, by_name, setting, c, &mut out);
        }
    }
    for (what, e) in [("eligibility", &form.eligibility), ("instance_name", &form.instance_name)] {
        if let Some(e) = e {
            for r in e.references() {
                resolve(form, by_name, r, pos, &format!("settings: {what}"), &mut out);
            }
        }
    }
    out
}

/// Checks that `${name}`, used in `what` at `pos`, names exactly one element.
fn resolve(
    form: &Form,
    by_name: &BTreeMap<&str, Vec<&Item>>,
    name: &str,
    pos: Pos,
    what: &str,
    out: &mut Vec<Diagnostic>,
) {
    match by_name.get(name).map(Vec::len) {
        _ if BUILT_IN_REFERENCES.contains(&name) => {}
        _ if name.starts_with("last-saved#") => {
            let q = name.trim_start_matches("last-saved#");
            if by_name.get(q).is_none_or(Vec::is_empty) {
                out.push(Diagnostic::error(pos, format!("{what} refers to ${{{name}}}, but no question is named `{q}`")));
            }
        }
        None | Some(0) => {
            out.push(Diagnostic::error(pos, format!("{what} refers to ${{{name}}}, but no question is named `{name}`")))
        }
        Some(1) if name == form.root_name => out.push(Diagnostic::error(
            pos,
            format!(
                "{what} refers to ${{{name}}}, but `{name}` is also the name of the form's root element (the setting `name`, `data` by default); rename the question"
            ),
        )),
        Some(1) => {}
        Some(_) => out.push(Diagnostic::error(
            pos,
            format!("{what} refers to ${{{name}}}, but several questions are named `{name}`; rename one"),
        )),
    }
}

/// Words in a question's name that suggest personal data.
const PERSONAL_NAME_WORDS: &[&str] = &[
    "name",
    "surname",
    "firstname",
    "nom",
    "prenom",
    "phone",
    "telephone",
    "mobile",
    "whatsapp",
    "email",
    "courriel",
    "address",
    "adresse",
    "gps",
    "coordinates",
    "latitude",
    "longitude",
    "passport",
    "passeport",
];

/// Phrases in a label (any language) that suggest personal data.
const PERSONAL_LABEL_PHRASES: &[&str] = &[
    "your name",
    "full name",
    "first name",
    "last name",
    "phone number",
    "telephone number",
    "e-mail",
    "email",
    "home address",
    "your address",
    "gps",
    "votre nom",
    "nom complet",
    "prénom",
    "numéro de téléphone",
    "adresse",
    "courriel",
    "passport",
    "passeport",
];

/// Each `generalise` step fits its question (bands for numbers, month and year for dates, a
/// choices column that exists), and is written on a quasi-identifier, where it has an effect.
fn generalise_rules(form: &Form) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (item, _) in form.walk() {
        if item.generalise.is_empty() {
            continue;
        }
        let pos = item.cells.get("generalise").copied().unwrap_or(item.pos);
        let columns: Option<Vec<String>> = match &item.choices {
            Some(super::model::ChoiceSource::List(list)) => Some(
                form.choices
                    .get(list)
                    .map(|cs| cs.iter().flat_map(|c| c.extra.keys().cloned()).collect())
                    .unwrap_or_default(),
            ),
            _ if item.kind.is_select() => Some(Vec::new()),
            _ => None,
        };
        if let Some(p) = super::generalise::problem(&item.generalise, item.kind, columns.as_deref()) {
            out.push(Diagnostic::error(pos, p));
        } else if item.privacy != Privacy::QuasiIdentifier {
            out.push(Diagnostic::warning(pos, format!(
                "`{}` has a `generalise` column but is not a quasi-identifier: write `quasi_identifier` in its `privacy` column, or the steps have no effect", item.name
            )));
        }
    }
    out
}

/// Fields that look like they ask for a name, phone number, e-mail or location and are not
/// marked personal (warnings that say how to mark them).
fn privacy_lint(form: &Form) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (item, _) in form.walk() {
        if !item.kind.is_question() || item.privacy == Privacy::Personal {
            continue;
        }
        let lower_name = item.name.to_lowercase();
        let by_name = lower_name.split(['_', '-', '.']).find(|w| PERSONAL_NAME_WORDS.contains(w)).map(str::to_string);
        let by_label = item
            .label
            .values()
            .flat_map(|l| {
                let l = l.to_lowercase();
                PERSONAL_LABEL_PHRASES.iter().filter(move |p| l.contains(*p)).map(|p| p.to_string()).collect::<Vec<_>>()
            })
            .next();
        let reason = if item.kind == Kind::Geopoint { Some("a location".to_string()) } else { by_name.or(by_label) };
        if let Some(why) = reason {
            out.push(Diagnostic::warning(item.pos, format!(
                "`{}` looks like it asks for personal data ({why}); if it does, write `personal` in its `privacy` column so it never leaves the laptop", item.name
            )));
        }
    }
    out
}

/// A setting naming a yes/no question: it must exist, be a select_one and offer `yes`.
fn yes_question_checks(
    form: &Form,
    by_name: &BTreeMap<&str, Vec<&Item>>,
    setting: &str,
    c: &str,
    out: &mut Vec<Diagnostic>,
) {
    let pos = Pos { line: 1, col: 1 };
    match by_name.get(c).and_then(|v| v.first()) {
        None => {
            out.push(Diagnostic::error(pos, format!("settings: {setting} names `{c}`, but no question has that name")))
        }
        Some(item) if item.kind != Kind::SelectOne => out.push(Diagnostic::error(
            item.pos,
            format!("settings: the question `{c}` named by {setting} must be a select_one with a `yes` choice"),
        )),
        Some(item) => {
            let has_yes = matches!(&item.choices, Some(ChoiceSource::List(l)) if form.choices.get(l).is_some_and(|cs| cs.iter().any(|ch| ch.name == "yes")));
            if !has_yes {
                out.push(Diagnostic::error(
                    item.pos,
                    format!("settings: the question `{c}` named by {setting} needs a choice named `yes`"),
                ));
            }
        }
    }
}

/// An external instance whose name another instance of the form would also take, from another
/// source: a choice list a select uses, a choice file or a `pulldata()` file of another kind
/// (pyxform refuses one instance id for two sources).
fn external_clashes(form: &Form) -> Vec<Diagnostic> {
    let src = |file: &str| match file.rsplit_once('.') {
        Some((_, "csv")) => format!("jr://file-csv/{file}"),
        _ => format!("jr://file/{file}"),
    };
    let mut out = Vec::new();
    for x in &form.externals {
        let own = src(&x.file);
        let mut others: Vec<(String, String)> = Vec::new();
        for (item, _) in form.walk() {
            match &item.choices {
                Some(ChoiceSource::File(f)) if f.rsplit_once('.').is_some_and(|(stem, _)| stem == x.name) => {
                    others.push((format!("the choice file of `{}`", item.name), src(f)));
                }
                Some(ChoiceSource::List(l)) if *l == x.name => {
                    others.push((format!("the choice list of `{}`", item.name), String::new()));
                }
                _ => {}
            }
            for (_, e) in item.expressions() {
                if e.pulldata_files().contains(&x.name) {
                    others.push((format!("pulldata() in `{}`", item.name), src(&format!("{}.csv", x.name))));
                }
            }
        }
        let last_saved = form.walk().iter().any(|(i, _)| {
            i.expressions().iter().any(|(_, e)| e.references().iter().any(|r| r.starts_with("last-saved#")))
        });
        if x.name == "__last-saved" && last_saved {
            others.push(("the last saved record that ${last-saved#…} reads".into(), "jr://instance/last-saved".into()));
        }
        if let Some((what, _)) = others.into_iter().find(|(_, s)| *s != own) {
            out.push(Diagnostic::error(
                x.pos,
                format!(
                    "the instance `{}` ({}) and {what} would be one instance from two sources; rename one",
                    x.name, x.file
                ),
            ));
        }
    }
    out
}

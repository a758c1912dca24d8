//! Turns a raw [`Workbook`] into a [`Form`], reporting every row-level problem.

#![deny(clippy::indexing_slicing)]

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::expr::Expression;

use super::diag::Diagnostic;
use super::external::External;
use super::model::{Choice, ChoiceSource, DefaultValue, Form, Item, Kind, Privacy, Text};
use super::types::{TypeCell, parse_type};
use super::workbook::{Pos, Row, Sheet, Workbook, is_translatable};

/// The model built so far and every problem met.
pub struct Built {
    /// The form (present even with errors, as far as it could be read).
    pub form: Form,
    /// Problems, in source order.
    pub diags: Vec<Diagnostic>,
    /// A problem that stopped the reading (what follows from it would only mislead).
    pub fatal: Option<Diagnostic>,
}

/// Whether `name` is a valid XLSForm / XML name.
pub fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// Whether a column holds media (`image`, `audio::French (fr)`, ...).
fn is_media(column: &str) -> bool {
    let base = column.split("::").next().unwrap_or(column);
    matches!(base, "image" | "audio" | "video" | "big-image")
}

const NAME_RULE: &str = "names start with a letter or `_` and hold only letters, digits, `_`, `-` and `.`";

/// Builds the model from `wb`; `default_id` is used when the settings give no `form_id`.
pub fn build(wb: &Workbook, default_id: &str) -> Built {
    let has_entities = wb.others.iter().any(|s| s.name.eq_ignore_ascii_case("entities"));
    let mut b = Builder {
        diags: Vec::new(),
        languages: Vec::new(),
        fatal: None,
        has_entities,
        externals: Vec::new(),
        saved_to: Vec::new(),
    };
    if let Some(sheet) = wb.others.iter().find(|s| s.name.eq_ignore_ascii_case("entities")) {
        b.diags.extend(super::entities::check_declarations(sheet));
        b.diags.push(Diagnostic::warning(
            sheet.header_pos,
            "the entities sheet declares entity lists, and fourmi does not create entities: each record keeps its answers, nothing else is updated",
        ));
    }
    let settings_row = wb.settings.as_ref().and_then(|s| s.rows.first());
    let setting = |k: &str| settings_row.map(|r| r.text(k).to_string()).filter(|v| !v.is_empty());
    let mut form = Form {
        id: setting("form_id").unwrap_or_else(|| default_id.to_string()),
        version: setting("version").unwrap_or_default(),
        title: settings_row.map(|r| b.text(r, "form_title")).unwrap_or_default(),
        default_language: setting("default_language").unwrap_or_default(),
        languages: Vec::new(),
        items: Vec::new(),
        choices: BTreeMap::new(),
        consent_question: setting("consent_question"),
        recontact_question: setting("recontact_question"),
        eligibility: None,
        instance_name: None,
        files: BTreeMap::new(),
        externals: Vec::new(),
        trees: BTreeMap::new(),
        missing_files: Vec::new(),
        root_name: setting("name").unwrap_or_else(|| "data".to_string()),
    };
    if let Some(row) = settings_row {
        if let Some(cell) = row.cells.iter().find(|c| c.column.starts_with("form_title::")) {
            b.diags.push(Diagnostic::warning(cell.pos, "settings: a form_title per language is fourmi's own; other XLSForm tools (pyxform, Kobo) expect one `form_title`"));
        }
        let root = row.text("name");
        // An XML name, which may have a namespace prefix (pyxform).
        let xml_name = |n: &str| n.split_once(':').map_or(valid_name(n), |(p, l)| valid_name(p) && valid_name(l));
        if !root.is_empty() && !xml_name(root) {
            b.error(row.pos_of("name"), format!("settings: `{root}` is not a valid form name: {NAME_RULE}"));
        }
        form.eligibility = b.expr(row, "eligibility");
        form.instance_name = b.expr(row, "instance_name");
    }
    let only_sheet = match (&wb.survey, wb.choices.is_none() && wb.settings.is_none(), wb.others.as_slice()) {
        (None, true, [one]) => Some(one),
        _ => None,
    };
    match (&wb.survey, only_sheet) {
        (Some(sheet), _) => form.items = b.survey(sheet),
        (None, Some(sheet)) => {
            b.diags.push(Diagnostic::warning(
                sheet.header_pos,
                format!("the form's only sheet, `{}`, is read as the survey; name it `survey`", sheet.name),
            ));
            form.items = b.survey(sheet);
        }
        (None, None) => {
            let hint = wb
                .others
                .iter()
                .find(|s| similar(&s.name, "survey"))
                .map(|s| format!(" (is the sheet `{}` meant to be `survey`?)", s.name))
                .unwrap_or_default();
            b.diags.push(Diagnostic::error(Pos { line: 1, col: 1 }, format!("the form has no `survey` sheet{hint}")));
        }
    }
    let allow_dups = setting("allow_choice_duplicates").is_some_and(|v| truthy(&v));
    if let Some(sheet) = &wb.choices {
        form.choices = b.choices(sheet, allow_dups);
    }
    b.external_choices(wb, &mut form);
    let mut langs = std::mem::take(&mut b.languages);
    if !form.default_language.is_empty() && !langs.contains(&form.default_language) {
        langs.insert(0, form.default_language.clone());
    } else if let Some(i) = langs.iter().position(|l| *l == form.default_language) {
        let l = langs.remove(i);
        langs.insert(0, l);
    }
    form.languages = langs;
    form.externals = std::mem::take(&mut b.externals);
    Built { form, diags: b.diags, fatal: b.fatal }
}

/// Whether a `default` is an expression, as pyxform's `default_is_dynamic` judges it: it holds a
/// `${reference}`, a function call, a predicate `[...]`, a union `|` or arithmetic (`+`, `*`,
/// `div`, `mod`, or a `-` between operands, except in dates and geopoints, whose literal values
/// have hyphens). Parentheses alone (`(https://example.org)`) do not make it one.
fn default_is_dynamic(text: &str, kind: Kind) -> bool {
    static CALL: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\$\{|[A-Za-z_][\w.:-]*\s*\(|[\[|+*]|\bdiv\b|\bmod\b").expect("a constant regex"));
    static MINUS: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(^|[\s\d)])-(\s|\d|\(|$)").expect("a constant regex"));
    static TEMPORAL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(\d{4}-\d{2}-\d{2})?[T ]?(\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?)?$")
            .expect("a constant regex")
    });
    // A date or time written out is a literal (pyxform's lexer reads it as one token).
    if TEMPORAL.is_match(text.trim()) {
        return false;
    }
    let dated = matches!(kind, Kind::Date | Kind::DateTime | Kind::Geopoint | Kind::NotCollected);
    CALL.is_match(text) || (!dated && MINUS.is_match(text))
}

/// Case-insensitive edit distance of at most 2 (for "did you mean").
pub fn similar(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.to_lowercase().chars().collect(), b.to_lowercase().chars().collect());
    // Levenshtein, one row at a time: prev[j] is the distance between a[..i] and b[..j].
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, (cb, pair)) in b.iter().zip(prev.windows(2)).enumerate() {
            let left = cur.get(j).copied().unwrap_or(usize::MAX - 1);
            if let [diag, up] = *pair {
                cur.push((diag + usize::from(ca != cb)).min(up + 1).min(left + 1));
            }
        }
        prev = cur;
    }
    prev.last().is_some_and(|&d| d <= 2)
}

fn truthy(v: &str) -> bool {
    matches!(v.trim().to_lowercase().as_str(), "yes" | "true" | "true()" | "1")
}

fn falsy(v: &str) -> bool {
    matches!(v.trim().to_lowercase().as_str(), "no" | "false" | "false()" | "0" | "")
}

struct Builder {
    diags: Vec<Diagnostic>,
    languages: Vec<String>,
    fatal: Option<Diagnostic>,
    /// Whether the workbook has an `entities` sheet (which `save_to` needs).
    has_entities: bool,
    /// The `xml-external` / `csv-external` rows read so far.
    externals: Vec<External>,
    /// The entity properties `save_to` cells name so far.
    saved_to: Vec<String>,
}

/// A group or repeat being read (or the survey itself), with the names its children use.
struct Open {
    item: Item,
    names: std::collections::HashSet<String>,
}

impl Open {
    fn new(item: Item) -> Self {
        Open { item, names: Default::default() }
    }

    /// Adds a finished child.
    fn adopt(&mut self, child: Item) {
        self.names.insert(child.name.clone());
        self.item.children.push(child);
    }
}

impl Builder {
    fn error(&mut self, pos: Pos, msg: impl Into<String>) {
        self.diags.push(Diagnostic::error(pos, msg));
    }

    /// The translated text of `column` in `row`.
    fn text(&mut self, row: &Row, column: &str) -> Text {
        let mut t = Text::new();
        for c in &row.cells {
            if c.value.is_empty() {
                continue;
            }
            if c.column == column {
                t.insert(String::new(), c.value.clone());
            } else if let Some(lang) = c.column.strip_prefix(column).and_then(|r| r.strip_prefix("::")) {
                if !self.languages.iter().any(|l| l == lang) {
                    self.languages.push(lang.to_string());
                }
                t.insert(lang.to_string(), c.value.clone());
            }
        }
        if t.contains_key("") && t.len() > 1 && !self.languages.iter().any(|l| l.is_empty()) {
            self.languages.push(String::new());
        }
        t
    }

    fn expr(&mut self, row: &Row, column: &str) -> Option<Expression> {
        let cell = row.get(column)?;
        match Expression::parse(&cell.value) {
            Ok(e) => {
                // `current()` is judged once its paths are resolved (see `super::current`).
                for p in e
                    .check()
                    .into_iter()
                    .filter(|p| !cell.value.get(p.span.clone()).is_some_and(|t| t.starts_with("current")))
                {
                    self.error(cell.pos, format!("in `{column}`: {}", p.message));
                }
                Some(e)
            }
            Err(err) => {
                self.error(cell.pos, format!("in `{column}`, `{}`: {err}", cell.value));
                None
            }
        }
    }

    /// `yes`/`no` or an expression (required, read_only).
    fn flag(&mut self, row: &Row, column: &str) -> Option<Expression> {
        let v = row.text(column);
        if falsy(v) {
            return None;
        }
        if truthy(v) {
            return Expression::parse("true()").ok();
        }
        self.expr(row, column)
    }

    /// Two headers that mean the same column (`name` and `value`).
    fn duplicate_columns(&mut self, sheet: &Sheet) {
        let mut seen: Vec<&str> = Vec::new();
        for c in sheet.columns.iter().filter(|c| !c.is_empty()) {
            if seen.contains(&c.as_str()) {
                self.error(sheet.header_pos, format!("the {} sheet has two columns that both mean `{c}` (an alias such as `name`/`value`); rename or remove one", sheet.name));
            } else {
                seen.push(c);
            }
        }
    }

    fn survey(&mut self, sheet: &Sheet) -> Vec<Item> {
        self.duplicate_columns(sheet);
        if !sheet.columns.iter().any(|c| c == "type") {
            self.error(
                sheet.header_pos,
                "the survey sheet has no `type` column; its first row must name the columns (type, name, label, ...)",
            );
            return Vec::new();
        }
        let mut stack: Vec<Open> = vec![Open::new(Item::new(Kind::Group, "", sheet.header_pos, 1))];
        for row in &sheet.rows {
            let type_text = row.text("type");
            if type_text.is_empty() {
                if !row.text("name").is_empty() {
                    self.error(
                        row.pos,
                        format!(
                            "`{}` has no type; put a type (text, integer, select_one list, ...) in the `type` column",
                            row.text("name")
                        ),
                    );
                }
                continue;
            }
            let tpos = row.pos_of("type");
            match parse_type(type_text) {
                TypeCell::Unknown(t) if row.text("name").is_empty() && row.text("label").is_empty() => {
                    self.diags.push(Diagnostic::warning(
                        tpos,
                        format!("this row has an unknown type `{t}` and no name or label, so it is ignored"),
                    ));
                }
                TypeCell::Unknown(t) => self.error(tpos, format!("unknown question type `{t}`")),
                TypeCell::Invalid(why) => self.error(tpos, why),
                TypeCell::Unsupported(why) => self.error(tpos, format!("not supported: {why}")),
                TypeCell::MissingList(t) => {
                    self.error(tpos, format!("`{t}` needs the name of its choice list after the type"))
                }
                TypeCell::External(ext) => self.external(row, ext),
                TypeCell::End(kind) => {
                    let open_kind = stack.last().map(|o| o.item.kind);
                    if stack.len() == 1 || open_kind != Some(kind) {
                        let what = if kind == Kind::Group { "end_group" } else { "end_repeat" };
                        let open = match (stack.len(), open_kind) {
                            (1, _) => "nothing is open".to_string(),
                            (_, Some(Kind::Group)) => {
                                format!("the open block is the group `{}`", stack.last().map_or("", |o| &o.item.name))
                            }
                            _ => {
                                format!("the open block is the repeat `{}`", stack.last().map_or("", |o| &o.item.name))
                            }
                        };
                        self.error(tpos, format!("`{what}` does not match: {open}"));
                        continue;
                    }
                    if let Some(done) = stack.pop()
                        && let Some(parent) = stack.last_mut()
                    {
                        parent.adopt(done.item);
                    }
                }
                TypeCell::Begin(_) if stack.len() > crate::limits::NESTING => {
                    self.fatal = Some(Diagnostic::error(
                        row.pos,
                        format!(
                            "groups and repeats are nested more than {} deep here; no questionnaire needs that many: the rest of the survey sheet is not read",
                            crate::limits::NESTING
                        ),
                    ));
                    break;
                }
                TypeCell::Begin(kind) => {
                    let item = self.item(row, kind, None, false, &stack);
                    stack.push(Open::new(item));
                }
                TypeCell::Item { kind, choices, or_other } => {
                    if kind == Kind::NotCollected {
                        let why = match super::types::not_collected_why(type_text) {
                            "location" => "traces, shapes and positions taken by the device say where people are",
                            "device" => {
                                "phone numbers, SIM and subscriber numbers, e-mail addresses identify people and phones"
                            }
                            _ => "photos, recordings, files, signatures and barcodes can identify people",
                        };
                        self.diags.push(Diagnostic::warning(
                            tpos,
                            format!(
                                "`{}` is not collected on this laptop ({why}; 4Mi interviews are anonymous): the interview shows it with this reason and goes on, `required` does not apply, and flat files keep its column empty",
                                type_text.trim()
                            ),
                        ));
                    }
                    let item = self.item(row, kind, choices, or_other, &stack);
                    if let Some(parent) = stack.last_mut() {
                        parent.adopt(item);
                    }
                }
            }
        }
        while stack.len() > 1 {
            if let Some(open) = stack.pop() {
                let what = if open.item.kind == Kind::Group { "group" } else { "repeat" };
                if self.fatal.is_some() {
                    if let Some(parent) = stack.last_mut() {
                        parent.adopt(open.item);
                    }
                    continue;
                }
                self.error(
                    open.item.pos,
                    format!("the {what} `{}` is never closed; add an `end_{what}` row", open.item.name),
                );
                if let Some(parent) = stack.last_mut() {
                    parent.adopt(open.item);
                }
            }
        }
        stack.pop().map(|o| o.item.children).unwrap_or_default()
    }

    /// An `xml-external` / `csv-external` row: its name is the instance's id, unique in the
    /// whole form (pyxform), and the file it reads is that name with the extension.
    fn external(&mut self, row: &Row, ext: &str) {
        let name = row.text("name").to_string();
        let npos = row.pos_of("name");
        if name.is_empty() {
            self.error(
                row.pos,
                format!("this `{ext}-external` row has no name; its name is the instance's id: instance('name') reads name.{ext}"),
            );
        } else if !valid_name(&name) {
            self.error(npos, format!("`{name}` is not a valid name: {NAME_RULE}"));
        } else if self.externals.iter().any(|e| e.name == name) {
            self.error(
                npos,
                format!("the instance `{name}` is declared twice; instance names must be unique within a form"),
            );
        } else {
            self.externals.push(External {
                file: format!("{name}.{ext}"),
                name,
                row: row.number,
                pos: row.pos_of("type"),
            });
        }
    }

    fn item(&mut self, row: &Row, kind: Kind, choices: Option<ChoiceSource>, or_other: bool, stack: &[Open]) -> Item {
        let mut name = row.text("name").to_string();
        if kind == Kind::Audit && name.is_empty() {
            name = "audit".to_string();
        }
        // A note needs no name of its own: nothing refers to it and it holds no answer.
        if kind == Kind::Note && name.is_empty() {
            name = format!("note_{}", row.number);
        }
        let mut item = Item::new(kind, &name, row.pos, row.number);
        item.type_text = row.text("type").to_string();
        item.cells = row.cells.iter().filter(|c| !c.value.is_empty()).map(|c| (c.column.clone(), c.pos)).collect();
        let npos = row.pos_of("name");
        if name.is_empty() {
            self.error(row.pos, format!("this {} has no name; put one in the `name` column", row.text("type")));
        } else if !valid_name(&name) {
            self.error(npos, format!("`{name}` is not a valid name: {NAME_RULE}"));
        } else if name == "meta" {
            self.error(npos, "the name `meta` is reserved for the form's metadata; choose another");
        } else if let Some(parent) = stack.last()
            && parent.names.contains(&name)
        {
            self.error(npos, format!("the name `{name}` is used twice in the same group; names must be unique"));
        }
        item.choices = choices;
        item.or_other = or_other;
        item.label = self.text(row, "label");
        item.hint = self.text(row, "hint");
        for col in ["guidance_hint", "image", "audio", "video", "big-image"] {
            let _ = self.text(row, col);
        }
        item.required = self.flag(row, "required");
        item.required_message = self.text(row, "required_message");
        item.relevant = self.expr(row, "relevant");
        item.constraint = self.expr(row, "constraint");
        item.constraint_message = self.text(row, "constraint_message");
        item.calculation = self.expr(row, "calculation");
        item.read_only = self.flag(row, "read_only");
        item.appearance = row.text("appearance").to_string();
        item.choice_filter = self.expr(row, "choice_filter");
        item.repeat_count = self.expr(row, "repeat_count");
        let default = row.text("default");
        if !default.is_empty() {
            item.default = if default_is_dynamic(default, kind) {
                match Expression::parse(default) {
                    Ok(e) => Some(DefaultValue::Dynamic(e)),
                    Err(err) => {
                        self.error(row.pos_of("default"), format!("in `default`, `{default}`: {err}"));
                        None
                    }
                }
            } else {
                Some(DefaultValue::Literal(default.to_string()))
            };
        }
        item.parameters = self.parameters(row);
        let trigger = row.text("trigger");
        if !trigger.is_empty() {
            for part in trigger.split([',', ' ']).filter(|p| !p.is_empty()) {
                match part.strip_prefix("${").and_then(|p| p.strip_suffix('}')) {
                    Some(n) => item.trigger.push(n.trim().to_string()),
                    None => self.error(
                        row.pos_of("trigger"),
                        format!("`trigger` names questions as ${{name}}; `{part}` is not one"),
                    ),
                }
            }
        }
        item.privacy = match row.text("privacy").trim().to_lowercase().replace('-', "_").as_str() {
            // `none` says it was thought of: an ordinary answer (see `generalise::unprotected`).
            "" | "none" => Privacy::None,
            "personal" => Privacy::Personal,
            "quasi_identifier" | "quasi" | "qi" => Privacy::QuasiIdentifier,
            "sensitive" => Privacy::Sensitive,
            other => {
                self.error(
                    row.pos_of("privacy"),
                    format!("`privacy` is `personal`, `quasi_identifier`, `sensitive` or `none`, not `{other}`"),
                );
                Privacy::None
            }
        };
        match super::generalise::parse(row.text("generalise")) {
            Ok(steps) => item.generalise = steps,
            Err(why) => self.error(row.pos_of("generalise"), why),
        }
        self.item_rules(row, &item);
        item
    }

    /// Rules that depend on the kind of item.
    fn item_rules(&mut self, row: &Row, item: &Item) {
        let has_media = row.cells.iter().any(|c| !c.value.is_empty() && is_media(&c.column));
        if item.appearance.contains("search(") && super::attachments::search_file(&item.appearance).is_none() {
            self.error(
                row.pos_of("appearance"),
                "the search() appearance names its CSV file first, in quotes: search('file')",
            );
        }
        if row.cells.iter().any(|c| c.column.starts_with("big-image") && !c.value.is_empty())
            && !row
                .cells
                .iter()
                .any(|c| (c.column == "image" || c.column.starts_with("image::")) && !c.value.is_empty())
        {
            self.error(row.pos, "a big-image needs an image too");
        }
        if let Some(cell) = row.get("save_to") {
            if let Some(p) = super::entities::save_to_problem(&cell.value, item.kind.is_container(), &self.saved_to) {
                self.error(cell.pos, p);
            }
            self.saved_to.push(cell.value.clone());
            if self.has_entities {
                self.diags.push(Diagnostic::warning(
                    row.pos_of("save_to"),
                    "`save_to` writes to an entity list, and fourmi does not create entities: the answer is kept in the record only",
                ));
            } else {
                self.error(row.pos_of("save_to"), "`save_to` saves to an entity, and the form has no `entities` sheet declaring it; add one, or empty this cell");
            }
        }
        if matches!(&item.choices, Some(ChoiceSource::List(l)) if l.starts_with("${")) {
            self.error(row.pos_of("type"), "not supported: choices taken from earlier answers in a repeat");
        }
        // A question whose appearance is exactly `label` (the header row of a table of selects)
        // may have no label of its own, as pyxform lets it (the rows, `list-nolabel`, may not).
        let table_part = item.appearance.trim() == "label";
        if item.kind.is_question()
            && item.label.is_empty()
            && item.hint.is_empty()
            && !has_media
            && item.trigger.is_empty()
            && item.calculation.is_none()
            && !table_part
        {
            self.error(row.pos, format!("the question `{}` has no label; add one in the `label` column", item.name));
        }
        if item.kind == Kind::Note && item.label.is_empty() && item.hint.is_empty() && !has_media {
            self.error(row.pos, format!("the note `{}` has no label", item.name));
        }
        if item.kind == Kind::Calculate
            && row.get("calculation").is_none()
            && !matches!(item.default, Some(DefaultValue::Dynamic(_)))
        {
            self.error(row.pos, format!("the calculate `{}` has no `calculation`", item.name));
        }
        let background_geopoint = item.type_text.trim().eq_ignore_ascii_case("background-geopoint");
        if background_geopoint && item.calculation.is_some() {
            self.error(
                row.pos_of("calculation"),
                "a `background-geopoint` takes no `calculation` (its value comes from its trigger)",
            );
        }
        if !item.trigger.is_empty() && item.calculation.is_none() && item.kind == Kind::Calculate {
            self.error(row.pos_of("trigger"), "a `trigger` needs a `calculation` to run");
        }
        if item.kind == Kind::Audit && !item.name.is_empty() && item.name != "audit" {
            self.error(row.pos_of("name"), "the audit field must be named `audit`");
        }
    }

    fn parameters(&mut self, row: &Row) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        let text = row.text("parameters");
        for part in text.split([' ', ',', ';']).filter(|p| !p.trim().is_empty()) {
            match part.split_once('=') {
                Some((k, v)) if !k.trim().is_empty() && !v.trim().is_empty() && !v.contains('=') => {
                    out.insert(k.trim().to_lowercase(), v.trim().to_string());
                }
                _ => {
                    self.error(row.pos_of("parameters"), format!("parameters are written `key=value`; `{part}` is not"))
                }
            }
        }
        out
    }

    /// The `external_choices` sheet's lists, for `select_one_external` (pyxform requires the
    /// sheet, under that exact name, when the survey has such a question).
    /// Its lists may repeat a name (pyxform writes them to a CSV file and does not check).
    fn external_choices(&mut self, wb: &Workbook, form: &mut Form) {
        let sheet = wb.others.iter().find(|s| s.name.to_lowercase() == "external_choices");
        if let Some(sheet) = sheet {
            for (list, choices) in self.choices(sheet, true) {
                form.choices.insert(format!("{}{list}", super::types::EXTERNAL_LIST), choices);
            }
            return;
        }
        let first = form
            .walk()
            .into_iter()
            .map(|(i, _)| i)
            .find(|i| matches!(&i.choices, Some(ChoiceSource::List(l)) if l.starts_with(super::types::EXTERNAL_LIST)))
            .map(|i| (i.pos_of("type"), i.type_text.clone()));
        if let Some((pos, type_text)) = first {
            let similar = wb
                .others
                .iter()
                .find(|s| similar(&s.name, "external_choices"))
                .map(|s| format!(" (is the sheet `{}` meant to be `external_choices`?)", s.name))
                .unwrap_or_default();
            // One error for the missing sheet, not one per list.
            let lists: Vec<String> = form
                .walk()
                .into_iter()
                .filter_map(|(i, _)| match &i.choices {
                    Some(ChoiceSource::List(l)) if l.starts_with(super::types::EXTERNAL_LIST) => Some(l.clone()),
                    _ => None,
                })
                .collect();
            for l in lists {
                form.choices.entry(l).or_default();
            }
            self.error(
                pos,
                format!(
                    "`{}` takes its choices from a sheet named `external_choices`, and the form has none{similar}",
                    type_text
                ),
            );
        }
    }

    fn choices(&mut self, sheet: &Sheet, allow_dups: bool) -> BTreeMap<String, Vec<Choice>> {
        self.duplicate_columns(sheet);
        let mut lists: BTreeMap<String, Vec<Choice>> = BTreeMap::new();
        let has_list = sheet.columns.iter().any(|c| c == "list_name");
        if !has_list && !sheet.rows.is_empty() {
            self.error(sheet.header_pos, "the choices sheet has no `list_name` column");
            return lists;
        }
        for row in &sheet.rows {
            let list = row.text("list_name");
            let name = row.text("name");
            if list.is_empty() {
                if !name.is_empty() {
                    self.error(row.pos, format!("the choice `{name}` has no `list_name`"));
                }
                continue;
            }
            if name.is_empty() {
                self.error(
                    row.pos,
                    format!("a choice of list `{list}` has no name; put its value in the `name` column"),
                );
                continue;
            }
            let label = self.text(row, "label");
            let extra = row
                .cells
                .iter()
                .filter(|c| {
                    !matches!(c.column.as_str(), "list_name" | "name")
                        && !c.column.contains("::")
                        && !is_translatable(&c.column)
                })
                .map(|c| (c.column.clone(), c.value.clone()))
                .collect();
            let entries = lists.entry(list.to_string()).or_default();
            if !allow_dups && entries.iter().any(|c| c.name == name) {
                self.error(row.pos_of("name"), format!("`{name}` is in the list `{list}` twice; choice names must be unique in a list (or set allow_choice_duplicates in the settings)"));
            }
            let media = row
                .cells
                .iter()
                .filter(|c| !c.value.is_empty() && is_media(&c.column))
                .map(|c| (c.column.clone(), c.value.clone()))
                .collect();
            entries.push(Choice { name: name.to_string(), label, extra, media, pos: row.pos });
        }
        lists
    }
}

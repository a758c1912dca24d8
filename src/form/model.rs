//! The questionnaire model: what a checked form is, whatever file it came from.

use std::collections::BTreeMap;

use crate::expr::Expression;

use super::workbook::Pos;

/// Text in one or more languages: language name (as the form writes it, `French (fr)`) to text.
/// The key "" holds text from a column without a language.
pub type Text = BTreeMap<String, String>;

/// Text in `lang`, else in the default language, else any.
pub fn text_in<'a>(text: &'a Text, lang: &str, default: &str) -> Option<&'a str> {
    text.get(lang)
        .or_else(|| text.get(default))
        .or_else(|| text.get(""))
        .or_else(|| text.values().next())
        .map(String::as_str)
}

/// What kind of row an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Free text.
    Text,
    /// Whole number.
    Integer,
    /// Number with decimals.
    Decimal,
    /// A number on a scale (`parameters`: start, end, step).
    Range,
    /// Calendar date.
    Date,
    /// Date and time.
    DateTime,
    /// Time of day.
    Time,
    /// One choice.
    SelectOne,
    /// Several choices.
    SelectMultiple,
    /// Choices put in order.
    Rank,
    /// Text shown, nothing asked.
    Note,
    /// A computed value.
    Calculate,
    /// A box to tick ("OK").
    Acknowledge,
    /// A value kept without being shown.
    Hidden,
    /// Typed coordinates `lat lon [alt acc]`.
    Geopoint,
    /// When the interview started.
    Start,
    /// When it was last changed.
    End,
    /// The day of the interview.
    Today,
    /// The device's id.
    DeviceId,
    /// The monitor's user name.
    Username,
    /// The audit log.
    Audit,
    /// A question fourmi does not collect on purpose (media, barcodes, GPS traces and shapes,
    /// device and subscriber identifiers): shown with the reason and passed over, never
    /// answered (see [`super::types::not_collected_why`]).
    NotCollected,
    /// A group of items (a page when its appearance is `field-list`).
    Group,
    /// Items asked again for each instance.
    Repeat,
}

impl Kind {
    /// Whether the monitor answers it (not a note, a calculation, metadata or a container).
    pub fn is_question(self) -> bool {
        !matches!(
            self,
            Kind::Note
                | Kind::Calculate
                | Kind::Hidden
                | Kind::Start
                | Kind::End
                | Kind::Today
                | Kind::DeviceId
                | Kind::Username
                | Kind::Audit
                | Kind::NotCollected
                | Kind::Group
                | Kind::Repeat
        )
    }
    /// Whether the interview shows it on a screen (questions, notes, and what is not collected,
    /// with the reason).
    pub fn is_shown(self) -> bool {
        self.is_question() || matches!(self, Kind::Note | Kind::NotCollected)
    }
    /// Whether the app fills it in (start, end, today, deviceid, username, audit).
    pub fn is_metadata(self) -> bool {
        matches!(self, Kind::Start | Kind::End | Kind::Today | Kind::DeviceId | Kind::Username | Kind::Audit)
    }
    /// Whether its answer is chosen from a list.
    pub fn is_select(self) -> bool {
        matches!(self, Kind::SelectOne | Kind::SelectMultiple | Kind::Rank)
    }
    /// Whether it holds other items.
    pub fn is_container(self) -> bool {
        matches!(self, Kind::Group | Kind::Repeat)
    }
}

/// Where a select's choices come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChoiceSource {
    /// A list on the choices sheet.
    List(String),
    /// A CSV file shipped beside the form (`select_one_from_file towns.csv`).
    File(String),
}

/// How a field is treated by the export's anonymisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Privacy {
    /// Ordinary answer.
    #[default]
    None,
    /// Personal data: kept on the laptop, never exported.
    Personal,
    /// Could identify someone in combination (age, sex, nationality, place): exports coarsen or
    /// hide these until every combination is shared by at least k records (see `generalise`).
    QuasiIdentifier,
    /// What must not be learnt of a group of records (incident type, perpetrator): with l-diversity
    /// asked for, every group of quasi-identifiers holds at least l distinct answers of it.
    Sensitive,
}

/// One step of a quasi-identifier's generalisation (the `generalise` column), each coarser than
/// the one before; every level is computed from the answer as given. See docs/disclosure.md.
#[derive(Debug, Clone, PartialEq)]
pub enum Generalise {
    /// Numbers into bands this wide (`bands=5,10,20`: one step per width).
    Bands(u32),
    /// Numbers into the intervals these breaks make (`breaks=0,18,25,35,50,65`): `18-24`, `65+`.
    Breaks(Vec<i64>),
    /// A date or date-time to its month (`2026-11`).
    Month,
    /// ... or year (`2026`).
    Year,
    /// A choice to the value of this column of the choices sheet (`map=region`, `map=city` up a
    /// cascade).
    Map(String),
    /// The answer removed (free text such as `nationality_other`).
    Drop,
}

/// A default value: fixed text, or an expression evaluated when the item first appears.
#[derive(Debug, Clone, PartialEq)]
pub enum DefaultValue {
    /// Fixed text.
    Literal(String),
    /// Computed (`${other}`, `today()`).
    Dynamic(Expression),
}

/// One row of the survey sheet, checked; groups and repeats hold their children.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Its kind.
    pub kind: Kind,
    /// Its name (unique in the form).
    pub name: String,
    /// The type as written.
    pub type_text: String,
    /// Where its row is.
    pub pos: Pos,
    /// Spreadsheet row number.
    pub row: u32,
    /// Label per language.
    pub label: Text,
    /// Hint per language.
    pub hint: Text,
    /// Where a select's choices come from.
    pub choices: Option<ChoiceSource>,
    /// Whether "Other (specify)" is added to the list.
    pub or_other: bool,
    /// `required`: `yes`, or an expression.
    pub required: Option<Expression>,
    /// Message shown when a required answer is missing.
    pub required_message: Text,
    /// When the item is asked.
    pub relevant: Option<Expression>,
    /// What a valid answer satisfies (`.` is the answer).
    pub constraint: Option<Expression>,
    /// Message shown when the constraint fails.
    pub constraint_message: Text,
    /// How a calculate (or a calculated question) gets its value.
    pub calculation: Option<Expression>,
    /// Default value.
    pub default: Option<DefaultValue>,
    /// Whether the answer cannot be changed.
    pub read_only: Option<Expression>,
    /// Appearance (`field-list`, `minimal`, ...).
    pub appearance: String,
    /// Which choices are offered (`name = ${country}` style, evaluated per choice).
    pub choice_filter: Option<Expression>,
    /// How many instances a repeat has.
    pub repeat_count: Option<Expression>,
    /// `parameters`: `start=0 end=10 step=1`, `randomize=true`.
    pub parameters: BTreeMap<String, String>,
    /// A calculate with a trigger is computed only when the named questions change.
    pub trigger: Vec<String>,
    /// Anonymisation class.
    pub privacy: Privacy,
    /// How a quasi-identifier may be coarsened, step by step (empty: the defaults of its type).
    pub generalise: Vec<Generalise>,
    /// Children of a group or repeat.
    pub children: Vec<Item>,
    /// Where each of its cells is, by column (for messages that point at the cell).
    pub cells: BTreeMap<String, Pos>,
}

impl Item {
    /// A new item of `kind` named `name` at `pos`.
    pub fn new(kind: Kind, name: &str, pos: Pos, row: u32) -> Item {
        Item {
            kind,
            name: name.to_string(),
            type_text: String::new(),
            pos,
            row,
            label: Text::new(),
            hint: Text::new(),
            choices: None,
            or_other: false,
            required: None,
            required_message: Text::new(),
            relevant: None,
            constraint: None,
            constraint_message: Text::new(),
            calculation: None,
            default: None,
            read_only: None,
            appearance: String::new(),
            choice_filter: None,
            repeat_count: None,
            parameters: BTreeMap::new(),
            trigger: Vec::new(),
            privacy: Privacy::None,
            generalise: Vec::new(),
            children: Vec::new(),
            cells: BTreeMap::new(),
        }
    }

    /// Where the cell of `column` is, or the row's start.
    pub fn pos_of(&self, column: &str) -> Pos {
        let translated = format!("{column}::");
        self.cells
            .get(column)
            .or_else(|| self.cells.iter().find(|(k, _)| k.starts_with(&translated)).map(|(_, p)| p))
            .copied()
            .unwrap_or(self.pos)
    }

    /// Whether this group is shown as one page.
    pub fn is_field_list(&self) -> bool {
        self.appearance.split_whitespace().any(|a| a == "field-list")
    }

    /// Every expression of the item with the column it is in.
    pub fn expressions(&self) -> Vec<(&'static str, &Expression)> {
        let mut out = Vec::new();
        let cols: [(&'static str, &Option<Expression>); 7] = [
            ("required", &self.required),
            ("relevant", &self.relevant),
            ("constraint", &self.constraint),
            ("calculation", &self.calculation),
            ("read_only", &self.read_only),
            ("choice_filter", &self.choice_filter),
            ("repeat_count", &self.repeat_count),
        ];
        for (col, e) in cols {
            if let Some(e) = e {
                out.push((col, e));
            }
        }
        if let Some(DefaultValue::Dynamic(e)) = &self.default {
            out.push(("default", e));
        }
        out
    }

    /// Every expression of the item, to change.
    pub fn expressions_mut(&mut self) -> Vec<&mut Expression> {
        let mut out: Vec<&mut Expression> = [
            &mut self.required,
            &mut self.relevant,
            &mut self.constraint,
            &mut self.calculation,
            &mut self.read_only,
            &mut self.choice_filter,
            &mut self.repeat_count,
        ]
        .into_iter()
        .flatten()
        .collect();
        if let Some(DefaultValue::Dynamic(e)) = &mut self.default {
            out.push(e);
        }
        out
    }
}

/// One choice of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// The value stored.
    pub name: String,
    /// The label per language.
    pub label: Text,
    /// Other columns (used by choice filters: `country`, `city`).
    pub extra: BTreeMap<String, String>,
    /// Media columns (`image`, `audio::French (fr)`, ...) to file names; an image can stand in for
    /// a label.
    pub media: BTreeMap<String, String>,
    /// Where its row is.
    pub pos: Pos,
}

/// A checked questionnaire.
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    /// `form_id`.
    pub id: String,
    /// `version`.
    pub version: String,
    /// Title per language (`form_title`).
    pub title: Text,
    /// The language used when an interview language has no text (settings' `default_language`).
    pub default_language: String,
    /// Every language the form has text in, default first ("" for columns without a language).
    pub languages: Vec<String>,
    /// The survey's top-level items.
    pub items: Vec<Item>,
    /// Choice lists by name.
    pub choices: BTreeMap<String, Vec<Choice>>,
    /// fourmi: the consent question (answered `yes` to go on).
    pub consent_question: Option<String>,
    /// fourmi: the question asking consent to be contacted again (a `yes` / `no` select_one); its
    /// answer is kept as the record's re-contact consent flag.
    pub recontact_question: Option<String>,
    /// fourmi: who may be interviewed; false ends the interview as screened out.
    pub eligibility: Option<Expression>,
    /// `instance_name`.
    pub instance_name: Option<Expression>,
    /// The name of the form's root element (settings' `name`, `data` by default): an element
    /// of the survey too, so a question of that name cannot be referred to (pyxform).
    pub root_name: String,
    /// The rows of the CSV files `pulldata()` and the `search()` appearance read, by file name.
    pub files: BTreeMap<String, Vec<BTreeMap<String, String>>>,
    /// The external secondary instances the survey declares (`xml-external`, `csv-external`).
    pub externals: Vec<super::external::External>,
    /// Their documents, by instance name, once their files are read.
    pub trees: BTreeMap<String, super::external::Tree>,
    /// Files the form needs that were not beside it, with the rows that need them: the form is
    /// refused for interviews until they are there.
    pub missing_files: Vec<(String, Vec<u32>)>,
}

impl Form {
    /// Every item, depth first, with its chain of enclosing containers' names.
    pub fn walk(&self) -> Vec<(&Item, Vec<&str>)> {
        fn go<'a>(items: &'a [Item], path: &mut Vec<&'a str>, out: &mut Vec<(&'a Item, Vec<&'a str>)>) {
            for it in items {
                out.push((it, path.clone()));
                if it.kind.is_container() {
                    path.push(&it.name);
                    go(&it.children, path, out);
                    path.pop();
                }
            }
        }
        let mut out = Vec::new();
        go(&self.items, &mut Vec::new(), &mut out);
        out
    }

    /// The item named `name`.
    pub fn item(&self, name: &str) -> Option<&Item> {
        self.walk().into_iter().map(|(i, _)| i).find(|i| i.name == name)
    }
}

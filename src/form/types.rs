//! The `type` column: what XLSForm type names mean to fourmi.

#![deny(clippy::indexing_slicing)]

use super::model::{ChoiceSource, Kind};

/// What a `type` cell says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeCell {
    /// A question, note, calculation or metadata field.
    Item {
        /// Its kind.
        kind: Kind,
        /// Its choices, for selects.
        choices: Option<ChoiceSource>,
        /// `or_other` after the list name.
        or_other: bool,
    },
    /// `begin group` / `begin repeat`.
    Begin(Kind),
    /// `end group` / `end repeat`.
    End(Kind),
    /// An XLSForm type fourmi refuses, with the reason.
    Unsupported(String),
    /// Not an XLSForm type at all.
    Unknown(String),
    /// A select without its list name.
    MissingList(String),
    /// A type written wrongly, with what is wrong.
    Invalid(String),
    /// `xml-external` / `csv-external`: a secondary instance read from an attached file with
    /// this extension.
    External(&'static str),
}

/// The prefix of the choice lists of the `external_choices` sheet among the form's lists (a
/// `select_one_external LIST` offers the list `LIST` of that sheet, which may share its name
/// with a list of the choices sheet).
pub const EXTERNAL_LIST: &str = "external_choices:";

/// Reads a `type` cell.
pub fn parse_type(cell: &str) -> TypeCell {
    if let Some(legacy) = legacy_select(cell) {
        return parse_type(&legacy);
    }
    let words: Vec<&str> = cell.split_whitespace().collect();
    let joined = words.join(" ");
    let lower = joined.to_lowercase();
    // Two-word spellings with a space or an underscore.
    let head: String = match words.as_slice() {
        [a, b, ..] if matches!(a.to_lowercase().as_str(), "select" | "begin" | "end") => {
            format!("{}_{}", a.to_lowercase(), b.to_lowercase())
        }
        [a, ..] => a.to_lowercase(),
        [] => String::new(),
    };
    let consumed = if head.contains('_') && words.first().is_some_and(|w| !w.contains('_')) { 2 } else { 1 };
    let args: Vec<&str> = words.iter().skip(consumed).copied().collect();
    let item = |kind| TypeCell::Item { kind, choices: None, or_other: false };
    match head.as_str() {
        "text" | "string" => item(Kind::Text),
        "phone" if args.first().is_some_and(|a| a.eq_ignore_ascii_case("number")) && args.len() == 1 => {
            item(Kind::Text)
        }
        "integer" | "int" => item(Kind::Integer),
        "decimal" => item(Kind::Decimal),
        "range" => item(Kind::Range),
        "date" => item(Kind::Date),
        "datetime" => item(Kind::DateTime),
        "time" => item(Kind::Time),
        "note" => item(Kind::Note),
        "calculate" => item(Kind::Calculate),
        "acknowledge" | "trigger" => item(Kind::Acknowledge),
        "hidden" => item(Kind::Hidden),
        "geopoint" | "gps" => item(Kind::Geopoint),
        "start" => item(Kind::Start),
        "end" if args.is_empty() && consumed == 1 => item(Kind::End),
        "today" => item(Kind::Today),
        "deviceid" | "imei" | "uri:deviceid" => item(Kind::DeviceId),
        "username" | "uri:username" => item(Kind::Username),
        "audit" => item(Kind::Audit),
        "begin_group" => TypeCell::Begin(Kind::Group),
        "begin_repeat" => TypeCell::Begin(Kind::Repeat),
        "end_group" => TypeCell::End(Kind::Group),
        "end_repeat" => TypeCell::End(Kind::Repeat),
        "select_one" | "select1" | "select_multiple" | "rank" => {
            let kind = match head.as_str() {
                "select_multiple" => Kind::SelectMultiple,
                "rank" => Kind::Rank,
                _ => Kind::SelectOne,
            };
            match args.as_slice() {
                [list] => TypeCell::Item { kind, choices: Some(ChoiceSource::List(list.to_string())), or_other: false },
                [list, o] if o.eq_ignore_ascii_case("or_other") && kind != Kind::Rank => {
                    TypeCell::Item { kind, choices: Some(ChoiceSource::List(list.to_string())), or_other: true }
                }
                [] => TypeCell::MissingList(joined),
                _ => TypeCell::Unknown(joined),
            }
        }
        "select_one_from_file" | "select_multiple_from_file" => {
            let kind = if head.starts_with("select_one") { Kind::SelectOne } else { Kind::SelectMultiple };
            match args.as_slice() {
                [file] if [".csv", ".xml", ".geojson"].iter().any(|e| file.to_lowercase().ends_with(e)) => {
                    TypeCell::Item { kind, choices: Some(ChoiceSource::File(file.to_string())), or_other: false }
                }
                [file] => TypeCell::Invalid(format!(
                    "`{head}` reads a choice file ending with .csv, .xml or .geojson; `{file}` does not"
                )),
                [] => TypeCell::MissingList(joined),
                _ => TypeCell::Unknown(joined),
            }
        }
        "select_from" | "select_one_from" | "select_multiple_from" => TypeCell::Unknown(joined),
        "geotrace"
        | "geoshape"
        | "start-geopoint"
        | "background-geopoint"
        | "image"
        | "audio"
        | "video"
        | "file"
        | "background-audio"
        | "barcode"
        | "photo"
        | "phonenumber"
        | "simserial"
        | "subscriberid"
        | "email" => item(Kind::NotCollected),
        "select_one_external" | "select_multiple_external" => {
            let kind = if head.starts_with("select_one") { Kind::SelectOne } else { Kind::SelectMultiple };
            match args.as_slice() {
                [list] => TypeCell::Item {
                    kind,
                    choices: Some(ChoiceSource::List(format!("{EXTERNAL_LIST}{list}"))),
                    or_other: false,
                },
                [] => TypeCell::MissingList(joined),
                _ => TypeCell::Unknown(joined),
            }
        }
        "xml-external" => TypeCell::External("xml"),
        "csv-external" => TypeCell::External("csv"),
        "begin_loop" | "end_loop" | "osm" | "begin_osm" => TypeCell::Unsupported(format!("`{lower}`")),
        _ => TypeCell::Unknown(joined),
    }
}

/// Why a question of type `type_text` (a [`Kind::NotCollected`]) is not collected: `media`
/// (photos, recordings, files, signatures and barcodes show or identify people), `location`
/// (traces, shapes and positions taken by the device say where people are), or `device`
/// (phone numbers, SIM and subscriber numbers, e-mail addresses identify people and phones).
/// 4Mi interviews are anonymous.
pub fn not_collected_why(type_text: &str) -> &'static str {
    let head = type_text.split_whitespace().next().unwrap_or_default().to_lowercase();
    match head.as_str() {
        "geotrace" | "geoshape" | "start-geopoint" | "background-geopoint" => "location",
        "phonenumber" | "simserial" | "subscriberid" | "email" => "device",
        _ => "media",
    }
}

/// Older XLSForm spellings: `select one from LIST`, `select all that apply from LIST`, each with
/// an optional `or specify other`; rewritten to today's `select_one LIST [or_other]`.
fn legacy_select(cell: &str) -> Option<String> {
    let cell = cell.split_whitespace().collect::<Vec<_>>().join(" ");
    let (kind, rest) = [
        ("select one from ", "select_one"),
        ("select all that apply from ", "select_multiple"),
        ("select multiple from ", "select_multiple"),
    ]
    .into_iter()
    .find_map(|(prefix, kind)| strip_prefix_ascii_ci(&cell, prefix).map(|rest| (kind, rest)))?;
    Some(match strip_suffix_ascii_ci(rest, " or specify other") {
        Some(list) => format!("{kind} {list} or_other"),
        None => format!("{kind} {rest}"),
    })
}

/// `s` without the ASCII `prefix`, compared without case (never cutting a character).
fn strip_prefix_ascii_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| s.get(prefix.len()..)).flatten()
}

/// `s` without the ASCII `suffix`, compared without case (never cutting a character).
fn strip_suffix_ascii_ci<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = s.len().checked_sub(suffix.len())?;
    let tail = s.get(cut..)?;
    tail.eq_ignore_ascii_case(suffix).then(|| s.get(..cut)).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_with_spaces_and_underscores_mean_the_same() {
        assert_eq!(parse_type("begin group"), TypeCell::Begin(Kind::Group));
        assert_eq!(parse_type("begin_repeat"), TypeCell::Begin(Kind::Repeat));
        assert_eq!(parse_type("select one yn"), parse_type("select_one yn"));
    }

    #[test]
    fn legacy_select_spellings_are_understood() {
        assert_eq!(parse_type("select one from sexes or specify other"), parse_type("select_one sexes or_other"));
        assert_eq!(parse_type("select all that apply from langs"), parse_type("select_multiple langs"));
    }

    #[test]
    fn or_other_is_read_after_the_list() {
        assert_eq!(
            parse_type("select_multiple reasons or_other"),
            TypeCell::Item {
                kind: Kind::SelectMultiple,
                choices: Some(ChoiceSource::List("reasons".into())),
                or_other: true
            }
        );
    }

    #[test]
    fn unsupported_types_say_so() {
        assert!(matches!(parse_type("begin_loop"), TypeCell::Unsupported(_)));
        assert_eq!(parse_type("geoshape"), TypeCell::Item { kind: Kind::NotCollected, choices: None, or_other: false });
        assert_eq!(not_collected_why("image"), "media");
        assert_eq!(not_collected_why("phonenumber"), "device");
        assert!(matches!(parse_type("selfie"), TypeCell::Unknown(_)));
        assert!(matches!(parse_type("select_one"), TypeCell::MissingList(_)));
    }
}

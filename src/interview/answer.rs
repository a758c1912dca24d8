//! Answers as the monitor gives them: parsed and checked per question type, and turned into the
//! typed values expressions see and the JSON the record keeps.

use serde_json::{Value as J, json};

use crate::expr::{Value, parse_date, parse_datetime, str_to_num};
use crate::form::{Item, Kind};

/// Why an answer was refused before any constraint ran.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    /// Not a whole number.
    #[error("enter a whole number")]
    NotInteger,
    /// Not a number.
    #[error("enter a number")]
    NotNumber,
    /// Outside a range question's scale, or off its step.
    #[error("choose a value from {start} to {end} in steps of {step}")]
    OutOfRange {
        /// Scale start.
        start: String,
        /// Scale end.
        end: String,
        /// Step.
        step: String,
    },
    /// Not a date.
    #[error("enter a date as YYYY-MM-DD")]
    NotDate,
    /// Written as a date, but no such day (`2026-02-30`).
    #[error("this date does not exist: check the day and the month")]
    NoSuchDate,
    /// Not a date and time.
    #[error("enter a date and time as YYYY-MM-DDTHH:MM")]
    NotDateTime,
    /// Not a time of day.
    #[error("enter a time as HH:MM")]
    NotTime,
    /// A choice that the list does not offer here.
    #[error("`{0}` is not one of the choices offered")]
    NotAChoice(String),
    /// A ranking that does not hold every choice once.
    #[error("put every choice in order, each once")]
    BadRanking,
    /// Not `lat lon [alt acc]`.
    #[error("enter coordinates as latitude and longitude in degrees, e.g. 12.65 -8.0")]
    NotGeopoint,
    /// The item takes no answer (a note, a calculation, metadata, a group).
    #[error("`{0}` takes no answer")]
    NotAnswerable(String),
    /// The item is read-only.
    #[error("`{0}` cannot be changed")]
    ReadOnly(String),
    /// The item is not asked (not relevant), or the interview is closed.
    #[error("`{0}` is not asked now")]
    NotAsked(String),
    /// No item has this name, or no such repeat instance exists.
    #[error("there is no question `{0}` here")]
    NoSuchQuestion(String),
}

/// Checks `text` as an answer to `item` and returns it normalised (the stored text).
/// `offered` lists the choice names the question offers now (after its choice filter).
pub fn normalise(item: &Item, text: &str, offered: &[String]) -> Result<String, AnswerError> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(String::new());
    }
    match item.kind {
        Kind::Text | Kind::Hidden => Ok(text.to_string()),
        Kind::Integer => {
            let n: i64 = t.trim_start_matches('+').parse().map_err(|_| AnswerError::NotInteger)?;
            Ok(n.to_string())
        }
        Kind::Decimal => {
            let n = decimal(t).ok_or(AnswerError::NotNumber)?;
            Ok(decimal_text(n))
        }
        Kind::Range => {
            let n = decimal(t).ok_or(AnswerError::NotNumber)?;
            let p = |k: &str, d: f64| item.parameters.get(k).and_then(|v| v.parse::<f64>().ok()).unwrap_or(d);
            let (start, end, step) = (p("start", 1.0), p("end", 10.0), p("step", 1.0));
            let (lo, hi) = (start.min(end), start.max(end));
            let steps = (n - start) / step;
            if n < lo || n > hi || (steps - steps.round()).abs() > 1e-9 {
                let f = crate::expr::num_to_string;
                return Err(AnswerError::OutOfRange { start: f(start), end: f(end), step: f(step) });
            }
            Ok(decimal_text(n))
        }
        Kind::Date | Kind::Today => parse_date(t).map(|d| d.format("%Y-%m-%d").to_string()).ok_or_else(|| {
            let parts: Vec<&str> = t.trim().split('-').collect();
            let shaped =
                parts.len() == 3 && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
            if shaped { AnswerError::NoSuchDate } else { AnswerError::NotDate }
        }),
        Kind::DateTime | Kind::Start | Kind::End => parse_datetime(t)
            .filter(|_| t.contains('T'))
            .map(|d| crate::expr::format_datetime(&d))
            .ok_or(AnswerError::NotDateTime),
        Kind::Time => {
            let ok = chrono::NaiveTime::parse_from_str(t, "%H:%M:%S")
                .or_else(|_| chrono::NaiveTime::parse_from_str(t, "%H:%M"));
            ok.map(|tm| tm.format("%H:%M:%S").to_string()).map_err(|_| AnswerError::NotTime)
        }
        Kind::SelectOne => {
            if offered.iter().any(|o| o == t) || (item.or_other && t == "other") {
                Ok(t.to_string())
            } else {
                Err(AnswerError::NotAChoice(t.to_string()))
            }
        }
        Kind::SelectMultiple => {
            let mut picked: Vec<&str> = Vec::new();
            for c in t.split_whitespace() {
                if !(offered.iter().any(|o| o == c) || (item.or_other && c == "other")) {
                    return Err(AnswerError::NotAChoice(c.to_string()));
                }
                if !picked.contains(&c) {
                    picked.push(c);
                }
            }
            Ok(picked.join(" "))
        }
        Kind::Rank => {
            let order: Vec<&str> = t.split_whitespace().collect();
            let mut sorted = order.clone();
            sorted.sort_unstable();
            sorted.dedup();
            let mut all: Vec<&str> = offered.iter().map(String::as_str).collect();
            all.sort_unstable();
            if sorted.len() != order.len() || sorted != all {
                return Err(AnswerError::BadRanking);
            }
            Ok(order.join(" "))
        }
        Kind::Geopoint => {
            let parts: Vec<f64> = t
                .split_whitespace()
                .map(|p| p.replace(',', ".").parse::<f64>())
                .collect::<Result<_, _>>()
                .map_err(|_| AnswerError::NotGeopoint)?;
            match parts.as_slice() {
                [lat, lon, rest @ ..]
                    if rest.len() <= 2 && (-90.0..=90.0).contains(lat) && (-180.0..=180.0).contains(lon) =>
                {
                    Ok(parts.iter().map(|x| decimal_text(*x)).collect::<Vec<_>>().join(" "))
                }
                _ => Err(AnswerError::NotGeopoint),
            }
        }
        Kind::Acknowledge => Ok("OK".to_string()),
        Kind::Note
        | Kind::Calculate
        | Kind::DeviceId
        | Kind::Username
        | Kind::Audit
        | Kind::NotCollected
        | Kind::Group
        | Kind::Repeat => Err(AnswerError::NotAnswerable(item.name.clone())),
    }
}

/// A decimal number as people type it (a comma is a decimal separator), or in scientific
/// notation (`1e-7`, as JSON may write one, `1.0E-4`, as earlier versions stored very small or
/// large decimals). Nothing else: not `.` alone, not a number too small for a double.
fn decimal(t: &str) -> Option<f64> {
    let t = t.trim().replace(',', ".");
    let mut n = str_to_num(&t);
    let scientific = t.bytes().any(|b| b.is_ascii_digit())
        && t.bytes().any(|b| matches!(b, b'e' | b'E'))
        && t.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'));
    if !n.is_finite() && scientific {
        n = t.parse().unwrap_or(f64::NAN);
    }
    // A number too small for a double (`1e-400`) is refused, not taken for 0.
    let mantissa = t.split(['e', 'E']).next().unwrap_or_default();
    let underflow = n == 0.0 && mantissa.bytes().any(|b| (b'1'..=b'9').contains(&b));
    (n.is_finite() && !underflow).then_some(n)
}

/// A decimal answer as stored: plain digits, never scientific notation (which XPath's
/// `number()` does not read), as short as reads back the same number.
fn decimal_text(n: f64) -> String {
    if n == n.trunc() && n.abs() < 1e15 { format!("{}", n as i64) } else { format!("{n}") }
}

/// The value an expression sees for a stored answer of `kind`.
pub fn typed(kind: Kind, text: &str) -> Value {
    if text.is_empty() {
        return Value::Str(String::new());
    }
    match kind {
        Kind::Integer => Value::Num(str_to_num(text)),
        Kind::Decimal | Kind::Range => Value::Num(decimal(text).unwrap_or(f64::NAN)),
        Kind::Date | Kind::Today => parse_date(text).map_or_else(|| Value::Str(text.to_string()), Value::Date),
        Kind::DateTime | Kind::Start | Kind::End => {
            parse_datetime(text).map_or_else(|| Value::Str(text.to_string()), Value::DateTime)
        }
        _ => Value::Str(text.to_string()),
    }
}

/// The JSON the record keeps for a stored answer: numbers for numeric questions, a list of
/// choice names for a select_multiple or rank, text otherwise.
pub fn to_json(kind: Kind, text: &str) -> J {
    match kind {
        Kind::Integer => text.parse::<i64>().map_or_else(|_| json!(text), |n| json!(n)),
        Kind::Decimal | Kind::Range => {
            let n = decimal(text).unwrap_or(f64::NAN);
            if n.is_finite() && n == n.trunc() && n.abs() < 9e15 {
                json!(n as i64)
            } else if n.is_finite() {
                json!(n)
            } else {
                json!(text)
            }
        }
        Kind::SelectMultiple | Kind::Rank => J::Array(text.split_whitespace().map(|s| json!(s)).collect()),
        _ => json!(text),
    }
}

/// Turns a JSON answer (as `records add` takes it, as a record keeps it) back into the text
/// `normalise` expects, which is also the text shown and written to flat files (a decimal in
/// plain digits, never scientific notation).
pub fn from_json(value: &J) -> String {
    match value {
        J::Null => String::new(),
        J::String(s) => s.clone(),
        J::Array(items) => items.iter().map(from_json).collect::<Vec<_>>().join(" "),
        J::Bool(b) => {
            if *b {
                "OK".into()
            } else {
                String::new()
            }
        }
        J::Number(n) if n.is_f64() => n.as_f64().map(decimal_text).unwrap_or_default(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::{ChoiceSource, Pos};

    fn item(kind: Kind) -> Item {
        let mut i = Item::new(kind, "q", Pos::default(), 2);
        i.choices = Some(ChoiceSource::List("l".into()));
        i
    }

    #[test]
    fn numbers_are_checked_and_normalised() {
        assert_eq!(normalise(&item(Kind::Integer), " 42 ", &[]), Ok("42".into()));
        assert_eq!(normalise(&item(Kind::Integer), "4.2", &[]), Err(AnswerError::NotInteger));
        assert_eq!(normalise(&item(Kind::Decimal), "3,5", &[]), Ok("3.5".into()));
    }

    #[test]
    fn very_small_and_very_large_decimals_are_stored_as_plain_numbers_and_read_back() {
        let d = item(Kind::Decimal);
        for (typed, stored) in [
            ("0.0001", "0.0001"),
            ("12345678.5", "12345678.5"),
            ("1e-7", "0.0000001"),
            ("1.0E-4", "0.0001"),
            ("1.23456785E7", "12345678.5"),
            ("-2,5e3", "-2500"),
        ] {
            assert_eq!(normalise(&d, typed, &[]), Ok(stored.to_string()), "{typed}");
            assert_eq!(typed_value(stored), decimal(typed), "{typed}");
        }
        assert_eq!(to_json(Kind::Decimal, "1.0E-4"), json!(0.0001), "as an earlier version stored it");
        for refused in ["e5", "1e", "NaN", "inf", "1e400", "1.2.3e4", ".", "-.", ",", "1e-400", "-0.5e-999"] {
            assert_eq!(normalise(&d, refused, &[]), Err(AnswerError::NotNumber), "{refused}");
        }
        assert_eq!(normalise(&d, "0e-400", &[]), Ok("0".to_string()), "zero is zero at any exponent");
        for (kept, shown) in [(json!(1e-7), "0.0000001"), (json!(2.5e20), "250000000000000000000"), (json!(12), "12")] {
            assert_eq!(from_json(&kept), shown, "a decimal as kept, shown and written to flat files");
        }
    }

    fn typed_value(stored: &str) -> Option<f64> {
        match typed(Kind::Decimal, stored) {
            Value::Num(n) => Some(n),
            _ => None,
        }
    }

    #[test]
    fn selects_accept_only_offered_choices() {
        let offered = vec!["a".to_string(), "b".to_string()];
        assert_eq!(normalise(&item(Kind::SelectOne), "b", &offered), Ok("b".into()));
        assert_eq!(normalise(&item(Kind::SelectOne), "c", &offered), Err(AnswerError::NotAChoice("c".into())));
        assert_eq!(normalise(&item(Kind::SelectMultiple), "b a b", &offered), Ok("b a".into()));
        let mut other = item(Kind::SelectOne);
        other.or_other = true;
        assert_eq!(normalise(&other, "other", &offered), Ok("other".into()));
    }

    #[test]
    fn impossible_dates_and_coordinates_are_refused() {
        assert_eq!(normalise(&item(Kind::Date), "2020-02-30", &[]), Err(AnswerError::NoSuchDate));
        assert_eq!(normalise(&item(Kind::Date), "30/02/2020", &[]), Err(AnswerError::NotDate));
        assert_eq!(normalise(&item(Kind::Geopoint), "12.6 -8.0", &[]), Ok("12.6 -8".into()));
        assert_eq!(normalise(&item(Kind::Geopoint), "0.00005 -0.0001", &[]), Ok("0.00005 -0.0001".into()));
        assert_eq!(normalise(&item(Kind::Geopoint), "95 0", &[]), Err(AnswerError::NotGeopoint));
    }

    #[test]
    fn json_keeps_numbers_and_lists_typed() {
        assert_eq!(to_json(Kind::Integer, "7"), json!(7));
        assert_eq!(to_json(Kind::SelectMultiple, "a b"), json!(["a", "b"]));
        assert_eq!(from_json(&json!(["a", "b"])), "a b");
    }
}

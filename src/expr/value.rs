//! Values and the coercions between them, as ODK Collect (JavaRosa) does them.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use serde_json::json;

/// A node of a nodeset: its string value, and a handle the context understands (if any).
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The context's handle for navigation (`None` for values that are not in a document).
    pub id: Option<usize>,
    /// The node's string value.
    pub value: String,
}

/// The value of an expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `true()` / `false()` and comparisons.
    Bool(bool),
    /// Every number is an IEEE double, as in XPath.
    Num(f64),
    /// Text.
    Str(String),
    /// A calendar date.
    Date(NaiveDate),
    /// An instant with the offset it was written in.
    DateTime(DateTime<FixedOffset>),
    /// A list of nodes (answers in repeats, document paths).
    Nodes(Vec<Node>),
}

/// Days from 1970-01-01, the XPath number of a date.
pub fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()
}

impl Value {
    /// A nodeset of one node is its value; an empty nodeset is the empty string (JavaRosa's unpacking).
    pub fn unpack(&self) -> Value {
        match self {
            Value::Nodes(n) if n.len() == 1 => Value::Str(n[0].value.clone()),
            Value::Nodes(n) if n.is_empty() => Value::Str(String::new()),
            other => other.clone(),
        }
    }

    /// XPath `boolean()`.
    pub fn to_bool(&self) -> bool {
        match self {
            Value::Bool(b) => *b,
            Value::Num(n) => *n != 0.0 && !n.is_nan(),
            Value::Str(s) => !s.is_empty(),
            Value::Date(_) | Value::DateTime(_) => true,
            Value::Nodes(n) => !n.is_empty(),
        }
    }

    /// XPath `number()` as JavaRosa does it: text is a number only if it is digits, `-` and `.`.
    pub fn to_num(&self) -> f64 {
        match self {
            Value::Bool(b) => f64::from(u8::from(*b)),
            Value::Num(n) => *n,
            Value::Str(s) => str_to_num(s),
            Value::Date(d) => (*d - epoch()).num_days() as f64,
            Value::DateTime(dt) => {
                let ms = dt.timestamp_millis() as f64;
                ms / 86_400_000.0
            }
            Value::Nodes(n) => n.first().map_or(f64::NAN, |n| str_to_num(&n.value)),
        }
    }

    /// XPath `string()`.
    pub fn to_str(&self) -> String {
        match self {
            Value::Bool(b) => b.to_string(),
            Value::Num(n) => num_to_string(*n),
            Value::Str(s) => s.clone(),
            Value::Date(d) => d.format("%Y-%m-%d").to_string(),
            Value::DateTime(dt) => format_datetime(dt),
            Value::Nodes(n) => n.first().map(|n| n.value.clone()).unwrap_or_default(),
        }
    }

    /// The value as the `fourmi expr eval` JSON line.
    pub fn to_json(&self) -> serde_json::Value {
        match self.unpack() {
            Value::Bool(b) => json!({"type": "boolean", "value": b}),
            Value::Num(n) if n.is_finite() && n == n.trunc() && n.abs() < 9.0e15 => {
                json!({"type": "number", "value": n as i64})
            }
            Value::Num(n) if n.is_finite() => json!({"type": "number", "value": n}),
            Value::Num(n) => json!({"type": "number", "value": num_to_string(n)}),
            Value::Str(s) => json!({"type": "string", "value": s}),
            Value::Date(d) => json!({"type": "date", "value": d.format("%Y-%m-%d").to_string()}),
            Value::DateTime(dt) => json!({"type": "datetime", "value": format_datetime(&dt)}),
            Value::Nodes(_) => json!({"type": "string", "value": self.to_str()}),
        }
    }
}

/// JavaRosa's text-to-number: trimmed, only digits, `-` and `.` (no exponent, no `Infinity`);
/// a date or date-time text becomes its day number; anything else is NaN.
pub fn str_to_num(s: &str) -> f64 {
    let t = s.trim();
    if t.is_empty() {
        return f64::NAN;
    }
    if t.chars().all(|c| c.is_ascii_digit() || c == '-' || c == '.') && t.chars().any(|c| c.is_ascii_digit()) {
        let norm = if t.ends_with('.') { format!("{t}0") } else { t.to_string() };
        if let Ok(n) = norm.parse() {
            return n;
        }
    }
    if let Some(d) = parse_date(t) {
        return (d - epoch()).num_days() as f64;
    }
    if t.contains('T')
        && let Some(dt) = parse_datetime(t)
    {
        return dt.timestamp_millis() as f64 / 86_400_000.0;
    }
    f64::NAN
}

/// A number as XPath text: integers without a decimal point, Java's notation for the rest.
pub fn num_to_string(n: f64) -> String {
    if n.is_nan() {
        "NaN".into()
    } else if n.is_infinite() {
        if n > 0.0 { "Infinity".into() } else { "-Infinity".into() }
    } else if n == n.trunc() && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else if n.abs() >= 1e-3 && n.abs() < 1e7 {
        format!("{n}")
    } else {
        let s = format!("{n:E}");
        match s.split_once('E') {
            Some((m, e)) if !m.contains('.') => format!("{m}.0E{e}"),
            _ => s,
        }
    }
}

/// A date-time as ODK writes it: `2020-07-01T10:20:30.000+00:00`.
pub fn format_datetime(dt: &DateTime<FixedOffset>) -> String {
    dt.format("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string()
}

/// Parses `YYYY-MM-DD` (`YYYY-M-D` too); only real calendar dates.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let t = s.trim();
    let mut parts = t.splitn(3, '-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |p: &str, lo: usize, hi: usize| (lo..=hi).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit());
    if !digits(y, 4, 4) || !digits(m, 1, 2) || !digits(d, 1, 2) {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// Parses an ISO date-time (`2000-01-01T10:20:30.000+03:00`, with or without offset or fraction);
/// without an offset the time is taken as UTC. A bare date is midnight UTC.
pub fn parse_datetime(s: &str) -> Option<DateTime<FixedOffset>> {
    let t = s.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Some(dt);
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f%:z", "%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M%:z"] {
        if let Ok(dt) = DateTime::parse_from_str(t, fmt) {
            return Some(dt);
        }
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(ndt) = NaiveDateTime::parse_from_str(t, fmt) {
            return Some(Utc.from_utc_datetime(&ndt).fixed_offset());
        }
    }
    if let Some(stripped) = t.strip_suffix('Z') {
        return parse_datetime(&format!("{stripped}+00:00"));
    }
    parse_date(t).map(|d| Utc.from_utc_datetime(&d.and_time(NaiveTime::MIN)).fixed_offset())
}

/// Parses a time of day (`10:20:30.000+03:00`) into an instant on 1970-01-01.
pub fn parse_time(s: &str) -> Option<DateTime<FixedOffset>> {
    parse_datetime(&format!("1970-01-01T{}", s.trim()))
}

/// The date `days` after 1970-01-01 (fractions dropped toward the past).
pub fn date_from_days(days: f64) -> Option<NaiveDate> {
    if !days.is_finite() || days.abs() > 3.0e6 {
        return None;
    }
    epoch().checked_add_signed(Duration::days(days.floor() as i64))
}

/// The instant `days` after 1970-01-01T00:00Z.
pub fn datetime_from_days(days: f64) -> Option<DateTime<FixedOffset>> {
    if !days.is_finite() || days.abs() > 3.0e6 {
        return None;
    }
    let ms = (days * 86_400_000.0).round() as i64;
    Utc.timestamp_millis_opt(ms).single().map(|d| d.fixed_offset())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_becomes_a_number_only_when_it_is_plain_digits() {
        assert_eq!(str_to_num(" 100.5 "), 100.5);
        assert!(str_to_num("1.1e6").is_nan());
        assert!(str_to_num("Infinity").is_nan());
        assert!(str_to_num("- 17").is_nan());
        assert!(str_to_num("").is_nan());
    }

    #[test]
    fn numbers_print_like_odk_collect() {
        assert_eq!(num_to_string(3.0), "3");
        assert_eq!(num_to_string(-0.0), "0");
        assert_eq!(num_to_string(2.5), "2.5");
        assert_eq!(num_to_string(1.23e-18), "1.23E-18");
        assert_eq!(num_to_string(1.0 / 0.0), "Infinity");
    }

    #[test]
    fn impossible_dates_are_refused() {
        assert!(parse_date("1983-09-31").is_none());
        assert_eq!(parse_date("1996-02-29"), NaiveDate::from_ymd_opt(1996, 2, 29));
    }
}

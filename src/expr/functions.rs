//! The function library: names, arities and behaviour, following ODK Collect (JavaRosa).

use chrono::{Datelike, Timelike};

use super::ast::{Expr, PathStart};
use super::eval::{ErrorKind, EvalError, EvalResult, Evaluator};
use super::geo;
use super::value::{
    Value, date_from_days, datetime_from_days, num_to_string, parse_date, parse_datetime, parse_time, str_to_num,
};

/// Every function fourmi runs, with its fewest and most arguments (`None`: no limit).
pub const SIGNATURES: &[(&str, usize, Option<usize>)] = &[
    ("abs", 1, Some(1)),
    ("area", 1, Some(1)),
    ("enclosed-area", 1, Some(1)),
    ("acos", 1, Some(1)),
    ("asin", 1, Some(1)),
    ("atan", 1, Some(1)),
    ("atan2", 2, Some(2)),
    ("boolean", 1, Some(1)),
    ("boolean-from-string", 1, Some(1)),
    ("ceiling", 1, Some(1)),
    ("checklist", 2, None),
    ("coalesce", 2, Some(2)),
    ("concat", 0, None),
    ("contains", 2, Some(2)),
    ("cos", 1, Some(1)),
    ("count", 1, Some(1)),
    ("count-non-empty", 1, Some(1)),
    ("count-selected", 1, Some(1)),
    ("date", 1, Some(1)),
    ("date-time", 1, Some(1)),
    ("decimal-date-time", 1, Some(1)),
    ("decimal-time", 1, Some(1)),
    ("digest", 2, Some(3)),
    ("distance", 1, None),
    ("ends-with", 2, Some(2)),
    ("exp", 1, Some(1)),
    ("exp10", 1, Some(1)),
    ("false", 0, Some(0)),
    ("floor", 1, Some(1)),
    ("format-date", 2, Some(2)),
    ("format-date-time", 2, Some(2)),
    ("geofence", 2, Some(2)),
    ("if", 3, Some(3)),
    ("indexed-repeat", 3, None),
    ("int", 1, Some(1)),
    ("jr:choice-name", 2, Some(2)),
    ("join", 1, None),
    ("last", 0, Some(0)),
    ("log", 1, Some(1)),
    ("log10", 1, Some(1)),
    ("max", 1, None),
    ("min", 1, None),
    ("normalize-space", 1, Some(1)),
    ("not", 1, Some(1)),
    ("now", 0, Some(0)),
    ("number", 1, Some(1)),
    ("once", 1, Some(1)),
    ("pi", 0, Some(0)),
    ("position", 0, Some(1)),
    ("pow", 2, Some(2)),
    ("random", 0, Some(0)),
    ("regex", 2, Some(2)),
    ("round", 1, Some(2)),
    ("selected", 2, Some(2)),
    ("selected-at", 2, Some(2)),
    ("sin", 1, Some(1)),
    ("sqrt", 1, Some(1)),
    ("starts-with", 2, Some(2)),
    ("string", 1, Some(1)),
    ("string-length", 1, Some(1)),
    ("substr", 2, Some(3)),
    ("substring", 2, Some(3)),
    ("substring-after", 2, Some(2)),
    ("substring-before", 2, Some(2)),
    ("instance", 1, Some(1)),
    ("pulldata", 4, Some(4)),
    ("sum", 1, Some(1)),
    ("tan", 1, Some(1)),
    ("today", 0, Some(0)),
    ("translate", 3, Some(3)),
    ("true", 0, Some(0)),
    ("uuid", 0, Some(1)),
    ("weighted-checklist", 3, None),
];

/// Functions of ODK that fourmi deliberately does not run, with the reason shown to authors.
pub const UNSUPPORTED: &[(&str, &str)] = &[
    ("base64-decode", "base64-decode() is not supported"),
    ("randomize", "randomize() is not supported"),
    ("current", "current() only in a path to a question of the form, such as current()/../name (or write ${name})"),
];

/// The longest regular expression `regex()` takes: far more than any constraint needs, short
/// enough that compiling it cannot stall an interview.
const REGEX_CHARS: usize = 1_000;

/// The regular expression `pattern`, compiled once per thread (a constraint is checked at
/// every keystroke), within bounds of length and compiled size.
fn compiled_regex(pattern: &str) -> Result<regex::Regex, EvalError> {
    thread_local! {
        static CACHE: std::cell::RefCell<std::collections::HashMap<String, regex::Regex>> = Default::default();
    }
    if let Some(re) = CACHE.with(|c| c.borrow().get(pattern).cloned()) {
        return Ok(re);
    }
    if pattern.chars().count() > REGEX_CHARS {
        return Err(EvalError::new(
            ErrorKind::Other,
            format!("the regular expression is longer than {REGEX_CHARS} characters"),
        ));
    }
    let re = regex::RegexBuilder::new(pattern)
        .size_limit(1 << 20)
        .dfa_size_limit(1 << 20)
        .build()
        .map_err(|e| EvalError::new(ErrorKind::Other, format!("the regular expression is not valid: {e}")))?;
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= 64 {
            c.clear();
        }
        c.insert(pattern.to_string(), re.clone());
    });
    Ok(re)
}

/// The arity of a known function, if it is one.
pub fn signature(name: &str) -> Option<(usize, Option<usize>)> {
    SIGNATURES.iter().find(|s| s.0 == name).map(|s| (s.1, s.2))
}

fn mismatch(msg: impl Into<String>) -> EvalError {
    EvalError::new(ErrorKind::TypeMismatch, msg)
}

/// Calls function `name` with unevaluated `args`. No call makes a text longer than
/// [`crate::limits::TEXT_BYTES`] (calculations feeding each other could otherwise double a text
/// until the memory runs out).
pub(crate) fn call(ev: &Evaluator, name: &str, args: &[Expr]) -> EvalResult {
    let v = call_unbounded(ev, name, args)?;
    if let Value::Str(s) = &v
        && s.len() > crate::limits::TEXT_BYTES
    {
        return Err(mismatch(format!("{name}() made a text longer than {} bytes", crate::limits::TEXT_BYTES)));
    }
    Ok(v)
}

fn call_unbounded(ev: &Evaluator, name: &str, args: &[Expr]) -> EvalResult {
    let Some((min, max)) = signature(name) else {
        if let Some((_, why)) = UNSUPPORTED.iter().find(|u| u.0 == name) {
            return Err(EvalError::new(ErrorKind::Unsupported, *why));
        }
        return Err(EvalError::new(ErrorKind::UnknownFunction, format!("there is no function named {name}()")));
    };
    if args.len() < min || max.is_some_and(|m| args.len() > m) {
        return Err(EvalError::new(ErrorKind::Arity, arity_message(name, min, max, args.len())));
    }
    // Lazy ones first.
    match name {
        "if" => {
            let cond = ev.eval(&args[0])?.to_bool();
            return ev.eval(&args[if cond { 1 } else { 2 }]);
        }
        "coalesce" => {
            let a = ev.eval(&args[0])?;
            return if a.to_str().is_empty() { ev.eval(&args[1]) } else { Ok(a) };
        }
        "once" => {
            if let Some(cur) = ev.ctx.current_value().filter(|v| !v.to_str().is_empty()) {
                return Ok(cur);
            }
            return ev.eval(&args[0]);
        }
        "indexed-repeat" => return indexed_repeat(ev, args),
        "position" => {
            if let Some(arg) = args.first()
                && let Value::Nodes(ns) = ev.eval(arg)?
                && let Some(id) = ns.first().and_then(|n| n.id)
            {
                return Ok(Value::Num(ev.ctx.node_position(id).unwrap_or(0) as f64));
            }
            let p = ev.position().or_else(|| ev.ctx.position()).unwrap_or(1);
            return Ok(Value::Num(p as f64));
        }
        _ => {}
    }
    let vals = args.iter().map(|a| ev.eval(a)).collect::<Result<Vec<_>, _>>()?;
    let s = |i: usize| vals.get(i).map(|v| v.to_str()).unwrap_or_default();
    let n = |i: usize| vals.get(i).map_or(f64::NAN, |v| v.to_num());
    Ok(match name {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        "not" => Value::Bool(!vals[0].to_bool()),
        "boolean" => Value::Bool(vals[0].to_bool()),
        "boolean-from-string" => {
            let v = s(0);
            Value::Bool(v == "true" || v == "1")
        }
        "number" => Value::Num(n(0)),
        "string" => Value::Str(s(0)),
        "int" => Value::Num(n(0).trunc()),
        "concat" => {
            let parts: Vec<String> = vals.iter().map(spread_text).collect();
            if parts.iter().map(String::len).sum::<usize>() > crate::limits::TEXT_BYTES {
                return Err(mismatch(format!(
                    "concat() would make a text longer than {} bytes",
                    crate::limits::TEXT_BYTES
                )));
            }
            Value::Str(parts.concat())
        }
        "join" => {
            let sep = s(0);
            let parts: Vec<String> = vals.iter().skip(1).flat_map(items).collect();
            let len = parts.iter().map(String::len).sum::<usize>() + sep.len() * parts.len();
            if len > crate::limits::TEXT_BYTES {
                return Err(mismatch(format!(
                    "join() would make a text longer than {} bytes",
                    crate::limits::TEXT_BYTES
                )));
            }
            Value::Str(parts.join(&sep))
        }
        "string-length" => Value::Num(s(0).chars().count() as f64),
        "normalize-space" => Value::Str(s(0).split_whitespace().collect::<Vec<_>>().join(" ")),
        "contains" => Value::Bool(s(0).contains(&s(1))),
        "starts-with" => Value::Bool(s(0).starts_with(&s(1))),
        "ends-with" => Value::Bool(s(0).ends_with(&s(1))),
        "substr" => substr(&s(0), n(1), vals.get(2).map(Value::to_num)),
        "substring" => substring(&s(0), n(1), vals.get(2).map(Value::to_num)),
        "substring-before" => {
            let (a, b) = (s(0), s(1));
            Value::Str(if b.is_empty() {
                String::new()
            } else {
                a.split_once(&b).map(|p| p.0.to_string()).unwrap_or_default()
            })
        }
        "substring-after" => {
            let (a, b) = (s(0), s(1));
            Value::Str(a.split_once(&b).map(|p| p.1.to_string()).unwrap_or_default())
        }
        "translate" => translate(&s(0), &s(1), &s(2)),
        "regex" => Value::Bool(compiled_regex(&s(1))?.is_match(&s(0))),
        "selected" => {
            let want = s(1);
            Value::Bool(s(0).split_whitespace().any(|c| c == want.trim()))
        }
        "count-selected" => Value::Num(s(0).split_whitespace().count() as f64),
        "selected-at" => {
            let i = n(1);
            let list = s(0);
            let item = if i >= 0.0 { list.split_whitespace().nth(i as usize) } else { None };
            Value::Str(item.unwrap_or_default().to_string())
        }
        "jr:choice-name" => choice_name(ev, &args[1], &s(0), &s(1)),
        "round" => round(&vals[0], vals.get(1).map(Value::to_num)),
        "floor" => Value::Num(n(0).floor()),
        "ceiling" => Value::Num(n(0).ceil()),
        "abs" => Value::Num(n(0).abs()),
        "pow" => Value::Num(n(0).powf(n(1))),
        "exp" => Value::Num(n(0).exp()),
        "exp10" => Value::Num(10f64.powf(n(0))),
        "log" => Value::Num(n(0).ln()),
        "log10" => Value::Num(n(0).log10()),
        "sqrt" => Value::Num(n(0).sqrt()),
        "sin" => Value::Num(n(0).sin()),
        "cos" => Value::Num(n(0).cos()),
        "tan" => Value::Num(n(0).tan()),
        "asin" => Value::Num(n(0).asin()),
        "acos" => Value::Num(n(0).acos()),
        "atan" => Value::Num(n(0).atan()),
        "atan2" => Value::Num(n(0).atan2(n(1))),
        "pi" => Value::Num(std::f64::consts::PI),
        "min" | "max" => min_max(name == "max", &vals),
        "sum" => Value::Num(items(&vals[0]).iter().map(|v| str_to_num(v)).sum()),
        "count" => Value::Num(match &vals[0] {
            Value::Nodes(ns) => ns.len() as f64,
            other => f64::from(u8::from(!other.to_str().is_empty())),
        }),
        "count-non-empty" => Value::Num(items(&vals[0]).iter().filter(|v| !v.is_empty()).count() as f64),
        "last" => Value::Num(1.0),
        "checklist" => checklist(&vals),
        "weighted-checklist" => weighted_checklist(&vals),
        "today" => Value::Date(ev.ctx.now().date_naive()),
        "instance" => Value::Nodes(
            ev.ctx
                .instance(&s(0))
                .map(|id| super::value::Node { id: Some(id), value: String::new() })
                .into_iter()
                .collect(),
        ),
        "pulldata" => Value::Str(ev.ctx.pulldata(&s(0), &s(1), &s(2), &s(3)).unwrap_or_default()),
        "now" => Value::DateTime(ev.ctx.now()),
        "date" => to_date(&vals[0])?,
        "date-time" => to_datetime(&vals[0])?,
        "decimal-date-time" => match to_datetime(&vals[0])? {
            Value::DateTime(dt) => Value::Num(dt.timestamp_millis() as f64 / 86_400_000.0),
            _ => Value::Str(String::new()),
        },
        "decimal-time" => decimal_time(&vals[0])?,
        "format-date" | "format-date-time" => format_date(&vals[0], &s(1))?,
        "uuid" => match vals.first() {
            Some(len) => {
                let want = len.to_num();
                if want > crate::limits::TEXT_BYTES as f64 {
                    return Err(mismatch(format!("uuid(n) makes at most {} characters", crate::limits::TEXT_BYTES)));
                }
                let mut text = String::new();
                while (text.len() as f64) < want {
                    text.push_str(&ev.ctx.uuid().replace('-', ""));
                }
                text.truncate(want.max(0.0) as usize);
                Value::Str(text)
            }
            None => Value::Str(ev.ctx.uuid()),
        },
        "random" => Value::Num(ev.ctx.random()),
        "area" | "enclosed-area" => {
            Value::Num(geo::points(&items(&vals[0]).join(";")).map_or(f64::NAN, |p| geo::area(&p)))
        }
        "distance" => {
            let text = if vals.len() == 1 {
                items(&vals[0]).join(";")
            } else {
                vals.iter().map(Value::to_str).collect::<Vec<_>>().join(";")
            };
            Value::Num(geo::points(&text).map_or(f64::NAN, |p| geo::distance(&p)))
        }
        "geofence" => match (geo::points(&s(0)), geo::points(&s(1))) {
            (Some(pt), Some(shape)) if pt.len() == 1 && shape.len() >= 3 => Value::Bool(geo::inside(pt[0], &shape)),
            _ => {
                return Err(mismatch("geofence() needs a point and a closed shape of at least three points"));
            }
        },
        "digest" => digest(&s(0), &s(1), vals.get(2).map_or("base64".into(), Value::to_str))?,
        _ => {
            return Err(EvalError::new(ErrorKind::UnknownFunction, format!("{name}() is not implemented")));
        }
    })
}

/// The message for a call with the wrong number of arguments.
pub fn arity_message(name: &str, min: usize, max: Option<usize>, got: usize) -> String {
    let wants = match max {
        Some(m) if m == min => format!("{min}"),
        Some(m) => format!("{min} to {m}"),
        None => format!("at least {min}"),
    };
    let plural = if wants == "1" { "argument" } else { "arguments" };
    format!("{name}() takes {wants} {plural}, but {got} were given")
}

/// The texts of a value: each node of a nodeset, or the one value.
fn items(v: &Value) -> Vec<String> {
    match v {
        Value::Nodes(ns) => ns.iter().map(|n| n.value.clone()).collect(),
        other => vec![other.to_str()],
    }
}

fn spread_text(v: &Value) -> String {
    items(v).concat()
}

fn digest(text: &str, algorithm: &str, encoding: String) -> EvalResult {
    use base64::Engine;
    use sha2::Digest;
    let bytes: Vec<u8> = match algorithm {
        "MD5" => md5::Md5::digest(text.as_bytes()).to_vec(),
        "SHA-1" => sha1::Sha1::digest(text.as_bytes()).to_vec(),
        "SHA-256" => sha2::Sha256::digest(text.as_bytes()).to_vec(),
        "SHA-384" => sha2::Sha384::digest(text.as_bytes()).to_vec(),
        "SHA-512" => sha2::Sha512::digest(text.as_bytes()).to_vec(),
        other => {
            return Err(mismatch(format!("digest() knows MD5, SHA-1, SHA-256, SHA-384 and SHA-512, not '{other}'")));
        }
    };
    Ok(Value::Str(match encoding.as_str() {
        "hex" => bytes.iter().map(|b| format!("{b:02x}")).collect(),
        "base64" => base64::engine::general_purpose::STANDARD.encode(bytes),
        other => {
            return Err(mismatch(format!("digest() encodes as hex or base64, not '{other}'")));
        }
    }))
}

/// `indexed-repeat(value, repeat, index [, repeat2, index2 ...])`: the value in the index-th
/// instance of the repeat. Works on `${name}` references (through the context) and on paths.
fn indexed_repeat(ev: &Evaluator, args: &[Expr]) -> EvalResult {
    let index = ev.eval(&args[2])?.to_num();
    if let (Expr::Ref(name, _), Expr::Ref(repeat, _)) = (&args[0], &args[1]) {
        let Value::Nodes(values) = ev.ctx.reference(name)? else {
            return Err(mismatch(format!("${{{name}}} is not inside the repeat ${{{repeat}}}")));
        };
        let pick = if index >= 1.0 { values.get(index as usize - 1) } else { None };
        return Ok(Value::Str(pick.map(|n| n.value.clone()).unwrap_or_default()));
    }
    let (Expr::Path(value), Expr::Path(repeat)) = (&args[0], &args[1]) else {
        return Err(mismatch("indexed-repeat() takes a question and the repeat it is in"));
    };
    let inside = value.steps.len() > repeat.steps.len()
        && matches!((&value.start, &repeat.start), (PathStart::Root, PathStart::Root))
        && value.steps[..repeat.steps.len()] == repeat.steps[..];
    if !inside {
        return Err(mismatch("the first argument of indexed-repeat() must be inside the repeat"));
    }
    let Value::Nodes(instances) = ev.eval(&args[1])? else {
        return Err(mismatch("the second argument of indexed-repeat() must be a repeat"));
    };
    let chosen = if index >= 1.0 { instances.get(index as usize - 1).and_then(|n| n.id) } else { None };
    let Some(node) = chosen else {
        return Ok(Value::Nodes(Vec::new()));
    };
    ev.steps_from(node, &value.steps[repeat.steps.len()..])
}

fn substr(s: &str, start: f64, end: Option<f64>) -> Value {
    let chars: Vec<char> = s.chars().collect();
    let len = chars.len() as f64;
    let clamp = |x: f64| {
        if x.is_nan() {
            0.0
        } else if x < 0.0 {
            (len + x).max(0.0)
        } else {
            x.min(len)
        }
    };
    let a = clamp(start.trunc());
    let b = end.map_or(len, |e| clamp(e.trunc()));
    if b <= a {
        return Value::Str(String::new());
    }
    Value::Str(chars[a as usize..b as usize].iter().collect())
}

/// XPath 1.0 `substring`: 1-based, rounded positions.
fn substring(s: &str, start: f64, len: Option<f64>) -> Value {
    let first = start.round();
    let last = len.map_or(f64::INFINITY, |l| first + l.round());
    Value::Str(
        s.chars()
            .enumerate()
            .filter(|(i, _)| {
                let p = (*i + 1) as f64;
                p >= first && p < last
            })
            .map(|(_, c)| c)
            .collect(),
    )
}

fn translate(s: &str, from: &str, to: &str) -> Value {
    let from: Vec<char> = from.chars().collect();
    let to: Vec<char> = to.chars().collect();
    Value::Str(
        s.chars()
            .filter_map(|c| match from.iter().position(|f| *f == c) {
                Some(i) => to.get(i).copied(),
                None => Some(c),
            })
            .collect(),
    )
}

fn choice_name(ev: &Evaluator, question: &Expr, value: &str, question_text: &str) -> Value {
    // The second argument is written as '${q}' (a string naming the question) or as a path.
    let name = match question {
        Expr::Ref(r, _) => r.clone(),
        _ => question_text
            .trim()
            .trim_start_matches("${")
            .trim_end_matches('}')
            .rsplit('/')
            .next()
            .unwrap_or("")
            .to_string(),
    };
    Value::Str(ev.ctx.choice_label(&name, value).unwrap_or_default())
}

fn round(v: &Value, digits: Option<f64>) -> Value {
    let x = match v.unpack() {
        Value::Str(s) => str_to_num(&s.replace(',', ".")),
        other => other.to_num(),
    };
    let d = digits.map_or(0.0, f64::trunc);
    if !x.is_finite() || d.is_nan() {
        return Value::Num(if x.is_infinite() { x } else { f64::NAN });
    }
    let factor = 10f64.powi(d as i32);
    let scaled = x * factor;
    // Snap away binary noise (12345.15 * 10 = 123451.49999...) before rounding half up.
    let snapped = (scaled * 1e6).round() / 1e6;
    Value::Num((snapped + 0.5).floor() / factor)
}

fn min_max(max: bool, vals: &[Value]) -> Value {
    let nums: Vec<f64> = vals.iter().flat_map(items).map(|t| str_to_num(&t)).collect();
    if nums.is_empty() || nums.iter().any(|n| n.is_nan()) {
        return Value::Num(f64::NAN);
    }
    let pick = if max { f64::max } else { f64::min };
    Value::Num(nums.into_iter().reduce(pick).unwrap_or(f64::NAN))
}

fn checklist(vals: &[Value]) -> Value {
    let (min, max) = (vals[0].to_num(), vals[1].to_num());
    let trues = vals[2..].iter().flat_map(|v| match v {
        Value::Nodes(ns) => ns.iter().map(|n| Value::Str(n.value.clone()).to_bool()).collect(),
        other => vec![other.to_bool()],
    });
    let count = trues.filter(|b| *b).count() as f64;
    Value::Bool((min < 0.0 || count >= min) && (max < 0.0 || count <= max))
}

fn weighted_checklist(vals: &[Value]) -> Value {
    let (min, max) = (vals[0].to_num(), vals[1].to_num());
    let total: f64 = vals[2..].chunks(2).filter(|p| p.len() == 2 && p[0].to_bool()).map(|p| p[1].to_num()).sum();
    Value::Bool((min < 0.0 || total >= min) && (max < 0.0 || total <= max))
}

fn to_date(v: &Value) -> EvalResult {
    match v.unpack() {
        Value::Date(d) => Ok(Value::Date(d)),
        Value::DateTime(dt) => Ok(Value::Date(dt.date_naive())),
        Value::Num(n) => date_from_days(n)
            .map(Value::Date)
            .ok_or_else(|| mismatch(format!("{} is not a day number", num_to_string(n)))),
        Value::Str(s) if s.trim().is_empty() => Ok(Value::Str(String::new())),
        Value::Str(s) => parse_date(&s)
            .or_else(|| parse_datetime(&s).map(|d| d.date_naive()))
            .map(Value::Date)
            .ok_or_else(|| mismatch(format!("'{s}' is not a date (write YYYY-MM-DD)"))),
        Value::Bool(_) => Err(mismatch("a true/false value cannot be a date")),
        Value::Nodes(_) => Err(mismatch("several values cannot be one date")),
    }
}

fn to_datetime(v: &Value) -> EvalResult {
    match v.unpack() {
        Value::DateTime(dt) => Ok(Value::DateTime(dt)),
        Value::Date(d) => Ok(parse_datetime(&d.format("%Y-%m-%d").to_string()).map_or(Value::Date(d), Value::DateTime)),
        Value::Num(n) => datetime_from_days(n).map(Value::DateTime).ok_or_else(|| mismatch("not a day number")),
        Value::Str(s) if s.trim().is_empty() => Ok(Value::Str(String::new())),
        Value::Str(s) => parse_datetime(&s)
            .filter(|_| s.trim().len() >= 10)
            .map(Value::DateTime)
            .ok_or_else(|| mismatch(format!("'{s}' is not a date and time"))),
        Value::Bool(_) => Err(mismatch("a true/false value cannot be a date and time")),
        Value::Nodes(_) => Err(mismatch("several values cannot be one date and time")),
    }
}

fn decimal_time(v: &Value) -> EvalResult {
    let text = v.to_str();
    let dt = parse_time(&text).or_else(|| parse_datetime(&text).filter(|_| text.contains('T')));
    let Some(dt) = dt else {
        return Ok(Value::Num(f64::NAN));
    };
    let utc = dt.naive_utc().time();
    let secs = f64::from(utc.num_seconds_from_midnight()) + f64::from(utc.nanosecond()) / 1e9;
    Ok(Value::Num(secs / 86_400.0))
}

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// ODK's `format-date`: `%Y %y %m %n %b %d %e %H %h %M %S %3 %a`.
fn format_date(v: &Value, fmt: &str) -> EvalResult {
    let dt = match v.unpack() {
        Value::Str(s) if s.trim().is_empty() => return Ok(Value::Str(String::new())),
        Value::Str(s) if !s.contains('T') && parse_date(&s).is_none() && parse_time(&s).is_some() => parse_time(&s),
        other => match to_datetime(&other) {
            Ok(Value::DateTime(dt)) => Some(dt),
            _ => None,
        },
    };
    let Some(dt) = dt else {
        return Ok(Value::Str(String::new()));
    };
    let mut out = String::new();
    let mut chars = fmt.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('Y') => out.push_str(&format!("{:04}", dt.year())),
            Some('y') => out.push_str(&format!("{:02}", dt.year() % 100)),
            Some('m') => out.push_str(&format!("{:02}", dt.month())),
            Some('n') => out.push_str(&dt.month().to_string()),
            Some('b') => out.push_str(MONTHS[dt.month0() as usize]),
            Some('d') => out.push_str(&format!("{:02}", dt.day())),
            Some('e') => out.push_str(&dt.day().to_string()),
            Some('H') => out.push_str(&format!("{:02}", dt.hour())),
            Some('h') => out.push_str(&dt.hour().to_string()),
            Some('M') => out.push_str(&format!("{:02}", dt.minute())),
            Some('S') => out.push_str(&format!("{:02}", dt.second())),
            Some('3') => out.push_str(&format!("{:03}", dt.timestamp_subsec_millis())),
            Some('a') => out.push_str(DAYS[dt.weekday().num_days_from_monday() as usize]),
            Some(other) => out.push(other),
            None => out.push('%'),
        }
    }
    Ok(Value::Str(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_goes_half_up_and_ignores_binary_noise() {
        assert_eq!(round(&Value::Str("12345.15".into()), Some(1.0)), Value::Num(12345.2));
        assert_eq!(round(&Value::Str("-12345.15".into()), Some(1.0)), Value::Num(-12345.1));
        assert_eq!(round(&Value::Str("4,6".into()), None), Value::Num(5.0));
    }

    #[test]
    fn substr_counts_from_zero_and_from_the_end_when_negative() {
        assert_eq!(substr("hello", 1.0, None), Value::Str("ello".into()));
        assert_eq!(substr("hello", 0.0, Some(-1.0)), Value::Str("hell".into()));
    }

    #[test]
    fn arity_messages_say_what_is_expected() {
        assert_eq!(arity_message("if", 3, Some(3), 2), "if() takes 3 arguments, but 2 were given");
    }
}

#[cfg(test)]
mod regex_tests {
    use crate::expr::{Expression, MapContext, Value};

    fn eval(e: &str) -> Result<Value, crate::expr::EvalError> {
        Expression::parse(e).unwrap().eval(&MapContext::default())
    }

    #[test]
    fn a_regex_matches_and_one_too_long_to_compile_quickly_is_refused_saying_so() {
        assert_eq!(eval("regex('abc123', '^[a-z]+[0-9]+$')").unwrap(), Value::Bool(true));
        assert_eq!(eval("regex('abc123', '^[a-z]+[0-9]+$')").unwrap(), Value::Bool(true), "compiled once, then cached");
        let long = format!("regex('x', '{}')", "(a|b)".repeat(250));
        assert!(eval(&long).unwrap_err().message.contains("longer than 1000 characters"));
    }
}

//! The XLSForm expression language (XPath 1.0 as ODK uses it, with `${name}` references).
//!
//! [`Expression::parse`] turns text into a syntax tree that knows which questions it reads
//! ([`Expression::references`]); [`Expression::check`] finds unknown functions and wrong argument
//! counts before a form is used; [`Expression::eval`] computes a [`Value`] in a [`Context`] that
//! supplies answers, time and choice labels. Semantics follow ODK Collect (JavaRosa); each place
//! where Enketo differs is listed in `docs/expressions.md`.

mod ast;
mod eval;
mod functions;
mod geo;
mod lexer;
mod parser;
mod value;

pub use ast::{Axis, Expr, NodeTest, Path, PathStart, Step};
pub use eval::{Context, ErrorKind, EvalError, EvalResult, eval};
pub use functions::{SIGNATURES, UNSUPPORTED, arity_message, signature};
pub use lexer::{Op, Span};
pub use parser::{ParseError, op_text, parse};
pub use value::{Node, Value, format_datetime, num_to_string, parse_date, parse_datetime, str_to_num};

/// A parsed expression with the questions it reads.
#[derive(Debug, Clone, PartialEq)]
pub struct Expression {
    /// The text as written.
    pub source: String,
    /// The syntax tree.
    pub ast: Expr,
    references: Vec<String>,
}

/// A problem found by [`Expression::check`], with where it is in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// What is wrong, for the form's author.
    pub message: String,
    /// Where (byte range).
    pub span: Span,
}

impl Expression {
    /// Parses `source`.
    pub fn parse(source: &str) -> Result<Expression, ParseError> {
        let ast = parse(source)?;
        let mut references = Vec::new();
        ast.walk(&mut |e| {
            if let Expr::Ref(name, _) = e
                && !references.contains(name)
            {
                references.push(name.clone());
            }
        });
        Ok(Expression { source: source.to_string(), ast, references })
    }

    /// The `${names}` it reads, each once, in order of appearance.
    pub fn references(&self) -> &[String] {
        &self.references
    }

    /// The files `pulldata('name', …)` calls read (`name`, as written).
    pub fn pulldata_files(&self) -> Vec<String> {
        self.first_literals("pulldata")
    }

    /// The secondary instances `instance('name')` calls read.
    pub fn instances(&self) -> Vec<String> {
        self.first_literals("instance")
    }

    /// The first argument of every call of `function` written as a string literal.
    fn first_literals(&self, function: &str) -> Vec<String> {
        let mut out = Vec::new();
        self.ast.walk(&mut |e| {
            if let Expr::Call { name, args, .. } = e
                && name == function
                && let Some(Expr::Str(file)) = args.first()
            {
                out.push(file.clone());
            }
        });
        out
    }

    /// Where each `${name}` stands.
    pub fn reference_spans(&self) -> Vec<(String, Span)> {
        let mut out = Vec::new();
        self.ast.walk(&mut |e| {
            if let Expr::Ref(name, span) = e {
                out.push((name.clone(), span.clone()));
            }
        });
        out
    }

    /// Unknown or unsupported functions, wrong argument counts and unsupported path syntax.
    pub fn check(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        self.ast.walk(&mut |e| match e {
            Expr::Call { name, args, span } => match signature(name) {
                Some((min, max)) if args.len() < min || max.is_some_and(|m| args.len() > m) => {
                    out.push(Problem { message: arity_message(name, min, max, args.len()), span: span.clone() });
                }
                Some(_) => {}
                None => {
                    let message = match UNSUPPORTED.iter().find(|u| u.0 == name) {
                        Some((_, why)) => format!("not supported: {why}"),
                        None => format!("there is no function named {name}()"),
                    };
                    out.push(Problem { message, span: span.clone() });
                }
            },
            Expr::Binary(Op::Union, ..) => out
                .push(Problem { message: "not supported: the union operator `|`".into(), span: 0..self.source.len() }),
            Expr::Path(p) => {
                let bad_axis = p.steps.iter().any(|s| {
                    !matches!(s.axis, Axis::Child | Axis::SelfAxis | Axis::Parent | Axis::Attribute)
                        || matches!(s.test, NodeTest::Text | NodeTest::Comment | NodeTest::ProcessingInstruction(_))
                });
                if bad_axis {
                    out.push(Problem {
                        message: "not supported: this path syntax (axes, `//`, text()); refer to questions as ${name}"
                            .into(),
                        span: p.span.clone(),
                    });
                }
            }
            _ => {}
        });
        out
    }

    /// Evaluates in `ctx`.
    pub fn eval(&self, ctx: &dyn Context) -> EvalResult {
        eval(&self.ast, ctx)
    }
}

/// A context with answers from a map and a fixed clock: what `fourmi expr eval` uses.
#[derive(Debug, Clone, Default)]
pub struct MapContext {
    /// Answers by question name.
    pub answers: std::collections::BTreeMap<String, Value>,
    /// The instant `now()` and `today()` report.
    pub now: Option<chrono::DateTime<chrono::FixedOffset>>,
}

impl MapContext {
    /// Builds a context from a JSON object of answers: strings, numbers, booleans, and arrays
    /// (a select_multiple as a list of choice names, or the values of a question in a repeat).
    pub fn from_json(answers: &serde_json::Map<String, serde_json::Value>) -> MapContext {
        let answers = answers.iter().map(|(k, v)| (k.clone(), json_to_value(v))).collect();
        MapContext { answers, now: None }
    }
}

fn json_to_value(v: &serde_json::Value) -> Value {
    use serde_json::Value as J;
    match v {
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => Value::Num(n.as_f64().unwrap_or(f64::NAN)),
        J::String(s) => Value::Str(s.clone()),
        J::Null => Value::Str(String::new()),
        J::Array(items) if items.iter().all(|i| i.is_string()) => {
            Value::Str(items.iter().filter_map(|i| i.as_str()).collect::<Vec<_>>().join(" "))
        }
        J::Array(items) => {
            Value::Nodes(items.iter().map(|i| Node { id: None, value: json_to_value(i).to_str() }).collect())
        }
        J::Object(_) => Value::Str(v.to_string()),
    }
}

impl Context for MapContext {
    fn reference(&self, name: &str) -> EvalResult {
        self.answers
            .get(name)
            .cloned()
            .ok_or_else(|| EvalError::new(ErrorKind::UnknownReference, format!("no answer is given for ${{{name}}}")))
    }
    fn now(&self) -> chrono::DateTime<chrono::FixedOffset> {
        self.now.unwrap_or_else(|| chrono::Utc::now().fixed_offset())
    }
    fn uuid(&self) -> String {
        uuid::Uuid::new_v4().to_string()
    }
    fn random(&self) -> f64 {
        let bytes = uuid::Uuid::new_v4().into_bytes();
        let mut x = [0u8; 8];
        x.copy_from_slice(&bytes[..8]);
        (u64::from_le_bytes(x) >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_listed_once_in_order() {
        let e = Expression::parse("${a} + ${b} * ${a}").unwrap();
        assert_eq!(e.references(), ["a", "b"]);
    }

    #[test]
    fn check_reports_unknown_functions_and_arity() {
        let e = Expression::parse("foo(1) + if(1, 2)").unwrap();
        let msgs: Vec<String> = e.check().into_iter().map(|p| p.message).collect();
        assert!(msgs.iter().any(|m| m.contains("no function named foo")));
        assert!(msgs.iter().any(|m| m.contains("if() takes 3 arguments")));
    }

    #[test]
    fn answers_from_json_feed_references() {
        let answers = serde_json::json!({"age": 20, "langs": ["fr", "en"]});
        let ctx = MapContext::from_json(answers.as_object().unwrap());
        let e = Expression::parse("${age} >= 18 and selected(${langs}, 'en')").unwrap();
        assert_eq!(e.eval(&ctx), Ok(Value::Bool(true)));
    }
}

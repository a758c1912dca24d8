//! Evaluation of a parsed expression against a [`Context`].

use chrono::{DateTime, FixedOffset};

use super::ast::{Axis, Expr, NodeTest, Path, PathStart, Step};
use super::functions;
use super::lexer::Op;
use super::value::{Node, Value};

/// Why an evaluation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// Valid XPath that fourmi does not run (axes, unions, `text()`, external instances).
    Unsupported,
    /// A value of the wrong type (`date(true())`, an impossible date).
    TypeMismatch,
    /// A function fourmi does not know.
    UnknownFunction,
    /// A function given the wrong number of arguments.
    Arity,
    /// A `${name}` the context cannot resolve.
    UnknownReference,
    /// Anything else (a bad regular expression, ...).
    Other,
}

/// An evaluation error, with a message for the form's author.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct EvalError {
    /// What kind of failure.
    pub kind: ErrorKind,
    /// What happened, in plain words.
    pub message: String,
}

impl EvalError {
    /// An error of `kind` saying `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        EvalError { kind, message: message.into() }
    }
}

/// What an expression can ask of the world around it: answers, the document, the clock.
///
/// Only [`Context::reference`] is required; the rest have defaults for a context with no
/// document, no clock (the Unix epoch) and no choice lists.
pub trait Context {
    /// The value of `${name}`: one value, or a nodeset for a question in a repeat.
    fn reference(&self, name: &str) -> Result<Value, EvalError>;
    /// The value of `.` where there is no document: the question being checked.
    fn current_value(&self) -> Option<Value> {
        None
    }
    /// The document root node, if there is a document.
    fn root(&self) -> Option<usize> {
        None
    }
    /// The context node, if there is a document.
    fn context_node(&self) -> Option<usize> {
        None
    }
    /// Child elements of `node`, in document order.
    fn children(&self, _node: usize) -> Vec<usize> {
        Vec::new()
    }
    /// Parent of `node`.
    fn parent(&self, _node: usize) -> Option<usize> {
        None
    }
    /// Element name of `node`.
    fn name(&self, _node: usize) -> String {
        String::new()
    }
    /// String value of `node` (its text).
    fn text(&self, _node: usize) -> String {
        String::new()
    }
    /// An attribute of `node`.
    fn attribute(&self, _node: usize, _name: &str) -> Option<String> {
        None
    }
    /// The document node of the secondary instance `name` (`instance('name')`): a choice list or
    /// an attached choice file, as `root/item/<column>`.
    fn instance(&self, _name: &str) -> Option<usize> {
        None
    }
    /// `pulldata(file, column, key_column, key)`: the `column` of the first row of the attached
    /// CSV file `file` (without `.csv`) whose `key_column` is `key`.
    fn pulldata(&self, _file: &str, _column: &str, _key_column: &str, _key: &str) -> Option<String> {
        None
    }
    /// The current instant (the interview engine passes its clock in).
    fn now(&self) -> DateTime<FixedOffset> {
        DateTime::UNIX_EPOCH.fixed_offset()
    }
    /// A fresh UUID (v4 text) for `uuid()`.
    fn uuid(&self) -> String {
        "00000000-0000-4000-8000-000000000000".into()
    }
    /// A random number in [0, 1) for `random()`.
    fn random(&self) -> f64 {
        0.5
    }
    /// The label of choice `value` of the question `question`, for `jr:choice-name`.
    fn choice_label(&self, _question: &str, _value: &str) -> Option<String> {
        None
    }
    /// 1-based position of the current repeat instance (`position(..)`).
    fn position(&self) -> Option<usize> {
        None
    }
    /// 1-based position of `node` among its same-named siblings.
    fn node_position(&self, node: usize) -> Option<usize> {
        let parent = self.parent(node)?;
        let name = self.name(node);
        let same: Vec<usize> = self.children(parent).into_iter().filter(|c| self.name(*c) == name).collect();
        same.iter().position(|c| *c == node).map(|p| p + 1)
    }
}

/// The result of evaluating an expression.
pub type EvalResult = Result<Value, EvalError>;

/// Evaluates `expr` in `ctx`.
pub fn eval(expr: &Expr, ctx: &dyn Context) -> EvalResult {
    Evaluator { ctx, focus: None }.eval(expr)
}

/// The evaluator: a context plus the node that predicates are evaluated against.
pub(crate) struct Evaluator<'a> {
    pub(crate) ctx: &'a dyn Context,
    /// The context node and its position / size inside a predicate.
    focus: Option<(usize, usize, usize)>,
}

impl Evaluator<'_> {
    pub(crate) fn eval(&self, expr: &Expr) -> EvalResult {
        match expr {
            Expr::Num(n) => Ok(Value::Num(*n)),
            Expr::Str(s) => Ok(Value::Str(s.clone())),
            Expr::Ref(name, _) => self.ctx.reference(name),
            Expr::Var(v) => Err(EvalError::new(ErrorKind::Unsupported, format!("variables (${v}) are not supported"))),
            Expr::Neg(_) => {
                // Chains of unary minus are unwound in a loop, not by recursion.
                let mut negations = 0u32;
                let mut inner = expr;
                while let Expr::Neg(e) = inner {
                    negations += 1;
                    inner = e;
                }
                let n = self.eval(inner)?.to_num();
                Ok(Value::Num(if negations % 2 == 1 { -n } else { n }))
            }
            Expr::Binary(op, a, b) => self.binary(*op, a, b),
            Expr::Call { name, args, .. } => functions::call(self, name, args),
            Expr::Filter(e, preds) => {
                if !preds.is_empty() {
                    return Err(EvalError::new(
                        ErrorKind::Unsupported,
                        "predicates on a function result are not supported",
                    ));
                }
                self.eval(e)
            }
            Expr::Path(p) => self.path(p),
        }
    }

    pub(crate) fn position(&self) -> Option<usize> {
        self.focus.map(|f| f.1)
    }

    /// Binary operations. Long chains (`a + b + c ...`, `a or b or c ...`) are followed down their
    /// spine in a loop, so their length does not grow the stack.
    fn binary(&self, op: Op, a: &Expr, b: &Expr) -> EvalResult {
        match op {
            Op::Or | Op::And => {
                // Right-nested: a op (b op (c ...)); evaluate left to right with short-circuit.
                let mut node: (&Expr, &Expr) = (a, b);
                loop {
                    let left = self.eval(node.0)?.to_bool();
                    if left == (op == Op::Or) {
                        return Ok(Value::Bool(left));
                    }
                    match node.1 {
                        Expr::Binary(o, x, y) if *o == op => node = (x, y),
                        last => return Ok(Value::Bool(self.eval(last)?.to_bool())),
                    }
                }
            }
            Op::Union => Err(EvalError::new(ErrorKind::Unsupported, "the union operator `|` is not supported")),
            _ => {
                // Left-nested: ((a op b) op c) ...; collect the right operands down the left spine.
                let mut rights: Vec<(Op, &Expr)> = vec![(op, b)];
                let mut leftmost = a;
                while let Expr::Binary(o, x, y) = leftmost {
                    if matches!(o, Op::Or | Op::And | Op::Union) {
                        break;
                    }
                    rights.push((*o, y));
                    leftmost = x;
                }
                let mut acc = self.eval(leftmost)?;
                while let Some((o, right)) = rights.pop() {
                    let y = self.eval(right)?;
                    acc = apply(o, &acc, &y);
                }
                Ok(acc)
            }
        }
    }

    /// The nodes reached from `node` by `steps`.
    pub(crate) fn steps_from(&self, node: usize, steps: &[Step]) -> EvalResult {
        let mut nodes = vec![node];
        for step in steps {
            nodes = self.step(&nodes, step)?;
        }
        Ok(Value::Nodes(nodes.iter().map(|&n| Node { id: Some(n), value: self.ctx.text(n) }).collect()))
    }

    fn path(&self, p: &Path) -> EvalResult {
        let mut nodes: Vec<usize> = match &p.start {
            PathStart::Root => match self.ctx.root() {
                Some(r) => vec![r],
                None => return Err(no_document(p)),
            },
            PathStart::Context => {
                let focus = self.focus.map(|f| f.0).or_else(|| self.ctx.context_node());
                match focus {
                    Some(n) => vec![n],
                    None => return self.no_document_path(p),
                }
            }
            PathStart::Filter(e) => match self.eval(e)? {
                Value::Nodes(ns) if ns.iter().all(|n| n.id.is_some()) => ns.iter().filter_map(|n| n.id).collect(),
                _ => {
                    return Err(EvalError::new(
                        ErrorKind::Unsupported,
                        "a path can start from nodes only (such as instance('list')/root/item)",
                    ));
                }
            },
        };
        let mut attribute: Option<String> = None;
        for (i, step) in p.steps.iter().enumerate() {
            if step.axis == Axis::Attribute {
                let NodeTest::Name(name) = &step.test else {
                    return Err(unsupported_step());
                };
                if i + 1 != p.steps.len() || !step.predicates.is_empty() {
                    return Err(unsupported_step());
                }
                attribute = Some(name.clone());
                break;
            }
            nodes = self.step(&nodes, step)?;
        }
        let values = match attribute {
            Some(a) => {
                nodes.iter().filter_map(|&n| self.ctx.attribute(n, &a).map(|v| Node { id: None, value: v })).collect()
            }
            None => nodes.iter().map(|&n| Node { id: Some(n), value: self.ctx.text(n) }).collect(),
        };
        Ok(Value::Nodes(values))
    }

    /// `.` or `..` without a document: the question's own value, or the repeat it is in.
    fn no_document_path(&self, p: &Path) -> EvalResult {
        match p.steps.as_slice() {
            [Step { axis: Axis::SelfAxis, test: NodeTest::Node, predicates }] if predicates.is_empty() => {
                Ok(self.ctx.current_value().unwrap_or(Value::Str(String::new())))
            }
            [Step { axis: Axis::Parent, test: NodeTest::Node, predicates }] if predicates.is_empty() => {
                Ok(Value::Nodes(Vec::new()))
            }
            _ => Err(no_document(p)),
        }
    }

    fn step(&self, from: &[usize], step: &Step) -> Result<Vec<usize>, EvalError> {
        let mut out = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for &n in from {
            let candidates: Vec<usize> = match step.axis {
                Axis::Child => self.ctx.children(n),
                Axis::SelfAxis => vec![n],
                Axis::Parent => self.ctx.parent(n).into_iter().collect(),
                _ => return Err(unsupported_step()),
            };
            let mut matched: Vec<usize> = candidates.into_iter().filter(|&c| self.matches(c, &step.test)).collect();
            for pred in &step.predicates {
                matched = self.filter(matched, pred)?;
            }
            for m in matched {
                if seen.insert(m) {
                    out.push(m);
                }
            }
        }
        Ok(out)
    }

    fn matches(&self, node: usize, test: &NodeTest) -> bool {
        match test {
            NodeTest::Node => true,
            NodeTest::Name(n) if n == "*" => true,
            NodeTest::Name(n) => self.ctx.name(node) == *n,
            _ => false,
        }
    }

    fn filter(&self, nodes: Vec<usize>, pred: &Expr) -> Result<Vec<usize>, EvalError> {
        let size = nodes.len();
        let mut kept = Vec::new();
        for (i, n) in nodes.into_iter().enumerate() {
            let inner = Evaluator { ctx: self.ctx, focus: Some((n, i + 1, size)) };
            let keep = match inner.eval(pred)? {
                Value::Num(k) => (k - (i + 1) as f64).abs() < 1e-12,
                other => other.to_bool(),
            };
            if keep {
                kept.push(n);
            }
        }
        Ok(kept)
    }
}

/// A comparison or arithmetic operator applied to two values.
fn apply(op: Op, x: &Value, y: &Value) -> Value {
    match op {
        Op::Eq | Op::Ne => Value::Bool(compare_nodes(x, y, |x, y| equal(x, y) == (op == Op::Eq))),
        Op::Lt => Value::Bool(compare_nodes(x, y, |x, y| x.to_num() < y.to_num())),
        Op::Le => Value::Bool(compare_nodes(x, y, |x, y| x.to_num() <= y.to_num())),
        Op::Gt => Value::Bool(compare_nodes(x, y, |x, y| x.to_num() > y.to_num())),
        Op::Ge => Value::Bool(compare_nodes(x, y, |x, y| x.to_num() >= y.to_num())),
        Op::Add => Value::Num(x.to_num() + y.to_num()),
        Op::Sub => Value::Num(x.to_num() - y.to_num()),
        Op::Mul => Value::Num(x.to_num() * y.to_num()),
        Op::Div => Value::Num(x.to_num() / y.to_num()),
        _ => Value::Num(x.to_num() % y.to_num()),
    }
}

fn no_document(p: &Path) -> EvalError {
    EvalError::new(
        ErrorKind::Unsupported,
        format!("the path at character {} needs a form document; refer to questions as ${{name}}", p.span.start + 1),
    )
}

fn unsupported_step() -> EvalError {
    EvalError::new(ErrorKind::Unsupported, "only child, parent, self and a final attribute step are supported in paths")
}

/// Comparison as JavaRosa does it, widened to XPath's "any pair" rule for nodesets of several nodes.
/// A boolean operand turns the other into a boolean; an empty nodeset is the empty string.
fn compare_nodes(x: &Value, y: &Value, f: impl Fn(&Value, &Value) -> bool) -> bool {
    if matches!(x, Value::Bool(_)) || matches!(y, Value::Bool(_)) {
        return f(&Value::Bool(x.unpack().to_bool()), &Value::Bool(y.unpack().to_bool()));
    }
    let spread = |v: &Value| -> Vec<Value> {
        match v {
            Value::Nodes(ns) if ns.len() > 1 => ns.iter().map(|n| Value::Str(n.value.clone())).collect(),
            other => vec![other.unpack()],
        }
    };
    let (xs, ys) = (spread(x), spread(y));
    xs.iter().any(|a| ys.iter().any(|b| f(a, b)))
}

/// JavaRosa's equality: booleans win, then numbers (with a 1e-12 tolerance), then text.
pub(crate) fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Bool(_), _) | (_, Value::Bool(_)) => a.to_bool() == b.to_bool(),
        (Value::Num(_), _) | (_, Value::Num(_)) => {
            let (x, y) = (a.to_num(), b.to_num());
            x == y || (x - y).abs() < 1e-12
        }
        (Value::Date(_) | Value::DateTime(_), Value::Date(_) | Value::DateTime(_)) => a.to_num() == b.to_num(),
        _ => a.to_str() == b.to_str(),
    }
}

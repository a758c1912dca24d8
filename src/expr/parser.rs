//! A recursive-descent parser for XPath 1.0 as XLSForm uses it, `${name}` included.
//!
//! The whole XPath 1.0 grammar parses (axes, `//`, node-type tests), as in JavaRosa; what the
//! evaluator does not support is refused when it runs, and by the form checks.

#![deny(clippy::indexing_slicing)]

use super::ast::{Axis, Expr, NodeTest, Path, PathStart, Step};
use super::lexer::{LexError, Op, Span, Tok, lex};

/// A syntax error: what is wrong and where, for the form's author.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message} (at character {})", span.start + 1)]
pub struct ParseError {
    /// What is wrong.
    pub message: String,
    /// Where (byte range of the expression text).
    pub span: Span,
}

impl From<LexError> for ParseError {
    fn from(e: LexError) -> Self {
        ParseError { message: e.message, span: e.span }
    }
}

/// Parses one expression.
pub fn parse(src: &str) -> Result<Expr, ParseError> {
    let toks = lex(src)?;
    if toks.len() > MAX_TOKENS {
        return Err(ParseError {
            message: format!("the expression is too long ({} parts; at most {MAX_TOKENS})", toks.len()),
            span: 0..src.len(),
        });
    }
    if toks.is_empty() {
        return Err(ParseError { message: "the expression is empty".into(), span: 0..src.len() });
    }
    let mut p = Parser { toks, pos: 0, len: src.len(), depth: 0 };
    let e = p.or_expr()?;
    if let Some((t, span)) = p.toks.get(p.pos) {
        return Err(ParseError { message: format!("unexpected {} here", describe(t)), span: span.clone() });
    }
    Ok(e)
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Num(n) => format!("number {n}"),
        Tok::Str(s) => format!("text '{s}'"),
        Tok::Ref(r) => format!("${{{r}}}"),
        Tok::Var(v) => format!("${v}"),
        Tok::Name(n) => format!("`{n}`"),
        Tok::LParen => "`(`".into(),
        Tok::RParen => "`)`".into(),
        Tok::LBracket => "`[`".into(),
        Tok::RBracket => "`]`".into(),
        Tok::Dot => "`.`".into(),
        Tok::DotDot => "`..`".into(),
        Tok::At => "`@`".into(),
        Tok::Comma => "`,`".into(),
        Tok::ColonColon => "`::`".into(),
        Tok::Slash => "`/`".into(),
        Tok::SlashSlash => "`//`".into(),
        Tok::Op(op) => format!("operator `{}`", op_text(*op)),
    }
}

/// The operator as written.
pub fn op_text(op: Op) -> &'static str {
    match op {
        Op::Or => "or",
        Op::And => "and",
        Op::Eq => "=",
        Op::Ne => "!=",
        Op::Lt => "<",
        Op::Le => "<=",
        Op::Gt => ">",
        Op::Ge => ">=",
        Op::Add => "+",
        Op::Sub => "-",
        Op::Mul => "*",
        Op::Div => "div",
        Op::Mod => "mod",
        Op::Union => "|",
    }
}

struct Parser {
    toks: Vec<(Tok, Span)>,
    pos: usize,
    len: usize,
    depth: usize,
}

/// Longer than any real form's expression; the limit bounds the depth of the tree.
const MAX_TOKENS: usize = 4096;

/// Deeper nesting than any real form uses; the limit keeps hostile input from exhausting the stack.
const MAX_DEPTH: usize = 64;

const NODE_TYPES: [&str; 4] = ["node", "text", "comment", "processing-instruction"];

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.0)
    }
    fn peek_at(&self, k: usize) -> Option<&Tok> {
        self.toks.get(self.pos + k).map(|t| &t.0)
    }
    fn span_here(&self) -> Span {
        self.toks.get(self.pos).map_or(self.len..self.len, |t| t.1.clone())
    }
    fn err<T>(&self, message: impl Into<String>) -> Result<T, ParseError> {
        let message = message.into();
        let message = match self.peek() {
            Some(t) => format!("{message}, found {}", describe(t)),
            None => format!("{message}, but the expression ends"),
        };
        Err(ParseError { message, span: self.span_here() })
    }
    fn eat(&mut self, t: &Tok) -> bool {
        if self.peek() == Some(t) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn eat_op(&mut self, ops: &[Op]) -> Option<Op> {
        match self.peek() {
            Some(Tok::Op(op)) if ops.contains(op) => {
                let op = *op;
                self.pos += 1;
                Some(op)
            }
            _ => None,
        }
    }

    /// An expression in a nested position (the whole text, parentheses, arguments, predicates).
    fn or_expr(&mut self) -> Result<Expr, ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ParseError { message: "the expression is nested too deeply".into(), span: self.span_here() });
        }
        let result = self.right_chain(Op::Or, Self::and_expr);
        self.depth -= 1;
        result
    }
    fn and_expr(&mut self) -> Result<Expr, ParseError> {
        self.right_chain(Op::And, Self::eq_expr)
    }
    /// `a op b op c` as `a op (b op c)`, built without recursion (JavaRosa's tree shape).
    fn right_chain(&mut self, op: Op, next: fn(&mut Self) -> Result<Expr, ParseError>) -> Result<Expr, ParseError> {
        let mut operands = vec![next(self)?];
        while self.eat_op(&[op]).is_some() {
            operands.push(next(self)?);
        }
        let mut acc = operands.pop().expect("at least one operand");
        while let Some(left) = operands.pop() {
            acc = Expr::Binary(op, Box::new(left), Box::new(acc));
        }
        Ok(acc)
    }
    fn left_assoc(&mut self, ops: &[Op], next: fn(&mut Self) -> Result<Expr, ParseError>) -> Result<Expr, ParseError> {
        let mut left = next(self)?;
        while let Some(op) = self.eat_op(ops) {
            let right = next(self)?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
        Ok(left)
    }
    fn eq_expr(&mut self) -> Result<Expr, ParseError> {
        self.left_assoc(&[Op::Eq, Op::Ne], Self::rel_expr)
    }
    fn rel_expr(&mut self) -> Result<Expr, ParseError> {
        self.left_assoc(&[Op::Lt, Op::Le, Op::Gt, Op::Ge], Self::add_expr)
    }
    fn add_expr(&mut self) -> Result<Expr, ParseError> {
        self.left_assoc(&[Op::Add, Op::Sub], Self::mul_expr)
    }
    fn mul_expr(&mut self) -> Result<Expr, ParseError> {
        self.left_assoc(&[Op::Mul, Op::Div, Op::Mod], Self::unary_expr)
    }
    fn unary_expr(&mut self) -> Result<Expr, ParseError> {
        let mut negations = 0;
        while self.eat_op(&[Op::Sub]).is_some() {
            negations += 1;
        }
        let mut e = self.left_assoc(&[Op::Union], Self::path_expr)?;
        for _ in 0..negations {
            e = Expr::Neg(Box::new(e));
        }
        Ok(e)
    }

    fn path_expr(&mut self) -> Result<Expr, ParseError> {
        let start_span = self.span_here();
        match self.peek() {
            Some(Tok::Slash) => {
                self.pos += 1;
                let steps = if self.starts_step() { self.relative_steps()? } else { Vec::new() };
                Ok(self.path(PathStart::Root, steps, start_span))
            }
            Some(Tok::SlashSlash) => {
                self.pos += 1;
                let mut steps = vec![descendant_or_self()];
                steps.extend(self.relative_steps()?);
                Ok(self.path(PathStart::Root, steps, start_span))
            }
            _ if self.starts_step() && !self.starts_function_call() => {
                let steps = self.relative_steps()?;
                Ok(self.path(PathStart::Context, steps, start_span))
            }
            _ => {
                let primary = self.primary()?;
                let mut preds = Vec::new();
                while self.peek() == Some(&Tok::LBracket) {
                    preds.push(self.predicate()?);
                }
                let filtered = if preds.is_empty() { primary } else { Expr::Filter(Box::new(primary), preds) };
                let mut steps = Vec::new();
                if self.eat(&Tok::Slash) {
                    steps = self.relative_steps()?;
                } else if self.eat(&Tok::SlashSlash) {
                    steps.push(descendant_or_self());
                    steps.extend(self.relative_steps()?);
                }
                if steps.is_empty() {
                    return Ok(filtered);
                }
                let start = match filtered {
                    Expr::Filter(..) => filtered,
                    other => Expr::Filter(Box::new(other), Vec::new()),
                };
                Ok(self.path(PathStart::Filter(Box::new(start)), steps, start_span))
            }
        }
    }

    fn path(&self, start: PathStart, steps: Vec<Step>, from: Span) -> Expr {
        let end = self.toks.get(self.pos.saturating_sub(1)).map_or(from.end, |t| t.1.end);
        Expr::Path(Path { start, steps, span: from.start..end })
    }

    fn starts_step(&self) -> bool {
        matches!(self.peek(), Some(Tok::Name(_) | Tok::Dot | Tok::DotDot | Tok::At))
    }

    fn starts_function_call(&self) -> bool {
        matches!((self.peek(), self.peek_at(1)), (Some(Tok::Name(n)), Some(Tok::LParen)) if !NODE_TYPES.contains(&n.as_str()))
    }

    fn relative_steps(&mut self) -> Result<Vec<Step>, ParseError> {
        let mut steps = vec![self.step()?];
        loop {
            if self.eat(&Tok::Slash) {
                steps.push(self.step()?);
            } else if self.eat(&Tok::SlashSlash) {
                steps.push(descendant_or_self());
                steps.push(self.step()?);
            } else {
                return Ok(steps);
            }
        }
    }

    fn step(&mut self) -> Result<Step, ParseError> {
        if self.eat(&Tok::Dot) {
            return Ok(Step { axis: Axis::SelfAxis, test: NodeTest::Node, predicates: Vec::new() });
        }
        if self.eat(&Tok::DotDot) {
            return Ok(Step { axis: Axis::Parent, test: NodeTest::Node, predicates: Vec::new() });
        }
        let axis = if self.eat(&Tok::At) {
            Axis::Attribute
        } else if let (Some(Tok::Name(n)), Some(Tok::ColonColon)) = (self.peek(), self.peek_at(1)) {
            let Some(axis) = Axis::from_name(n) else {
                return self.err(format!("`{n}` is not an XPath axis"));
            };
            self.pos += 2;
            axis
        } else {
            Axis::Child
        };
        let test = self.node_test()?;
        let mut predicates = Vec::new();
        while self.peek() == Some(&Tok::LBracket) {
            predicates.push(self.predicate()?);
        }
        Ok(Step { axis, test, predicates })
    }

    fn node_test(&mut self) -> Result<NodeTest, ParseError> {
        let Some(Tok::Name(name)) = self.peek().cloned() else {
            return self.err("expected a name");
        };
        if name.matches(':').count() > 1 {
            return self.err("a name has at most one `:`");
        }
        self.pos += 1;
        if !NODE_TYPES.contains(&name.as_str()) || self.peek() != Some(&Tok::LParen) {
            if self.peek() == Some(&Tok::LParen) {
                return self.err("a function cannot follow an axis");
            }
            return Ok(NodeTest::Name(name));
        }
        self.pos += 1;
        let test = match name.as_str() {
            "node" => NodeTest::Node,
            "text" => NodeTest::Text,
            "comment" => NodeTest::Comment,
            _ => {
                let lit = match self.peek().cloned() {
                    Some(Tok::Str(s)) => {
                        self.pos += 1;
                        Some(s)
                    }
                    _ => None,
                };
                NodeTest::ProcessingInstruction(lit)
            }
        };
        if !self.eat(&Tok::RParen) {
            return self.err(format!("`{name}()` takes no argument"));
        }
        Ok(test)
    }

    fn predicate(&mut self) -> Result<Expr, ParseError> {
        self.pos += 1; // `[`
        let e = self.or_expr()?;
        if !self.eat(&Tok::RBracket) {
            return self.err("expected `]`");
        }
        Ok(e)
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        let span = self.span_here();
        let Some(tok) = self.peek().cloned() else {
            return self.err("expected a value");
        };
        self.pos += 1;
        match tok {
            Tok::Num(n) => Ok(Expr::Num(n)),
            Tok::Str(s) => Ok(Expr::Str(s)),
            Tok::Ref(r) => Ok(Expr::Ref(r, span)),
            Tok::Var(v) => Ok(Expr::Var(v)),
            Tok::LParen => {
                let e = self.or_expr()?;
                if !self.eat(&Tok::RParen) {
                    return self.err("expected `)`");
                }
                Ok(e)
            }
            Tok::Name(name) if self.peek() == Some(&Tok::LParen) => {
                if name.matches(':').count() > 1 || name.ends_with('*') {
                    self.pos -= 1;
                    return self.err("this is not a function name");
                }
                self.pos += 1;
                let mut args = Vec::new();
                if !self.eat(&Tok::RParen) {
                    loop {
                        args.push(self.or_expr()?);
                        if self.eat(&Tok::RParen) {
                            break;
                        }
                        if !self.eat(&Tok::Comma) {
                            return self.err(format!("expected `,` or `)` in the call to {name}()"));
                        }
                    }
                }
                Ok(Expr::Call { name, args, span })
            }
            _ => {
                self.pos -= 1;
                self.err("expected a value")
            }
        }
    }
}

fn descendant_or_self() -> Step {
    Step { axis: Axis::DescendantOrSelf, test: NodeTest::Node, predicates: Vec::new() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence_follows_xpath() {
        let e = parse("1 + 2 * 3 = 7 and true()").unwrap();
        let Expr::Binary(Op::And, left, _) = e else { panic!("and at the top") };
        assert!(matches!(*left, Expr::Binary(Op::Eq, ..)));
    }

    #[test]
    fn unbalanced_and_empty_expressions_are_refused() {
        for bad in ["(((3))", ")", "   ", "5 == 5", "8|-9", "rel/ative/", "a:b:c", "function ( 4, 5"] {
            assert!(parse(bad).is_err(), "{bad} should not parse");
        }
    }

    #[test]
    fn hostile_nesting_and_length_give_errors_not_crashes() {
        let deep = format!("{}1{}", "(".repeat(1000), ")".repeat(1000));
        assert!(parse(&deep).unwrap_err().message.contains("nested too deeply"));
        let minus = format!("{}1", "-".repeat(10_000));
        assert!(parse(&minus).is_err());
        assert!(parse(&vec!["1"; 5000].join(" + ")).unwrap_err().message.contains("too long"));
    }

    #[test]
    fn the_longest_allowed_chains_evaluate_in_a_small_stack() {
        let handle = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(|| {
                let ctx = crate::expr::MapContext::default();
                for op in [" + ", " or ", " and ", " = "] {
                    let e = crate::expr::Expression::parse(&vec!["1"; 2000].join(op)).unwrap();
                    assert!(e.eval(&ctx).is_ok());
                    assert!(e.check().is_empty());
                }
                let negs = crate::expr::Expression::parse(&format!("{}1", "-".repeat(4000))).unwrap();
                assert!(negs.eval(&ctx).is_ok());
            })
            .unwrap();
        assert!(handle.join().is_ok());
    }

    #[test]
    fn full_xpath_syntax_parses() {
        for good in ["a/.//../z", "descendant::*", "@ns:*", "f()[3]['x'!='y']", "(p)/e/p", "*****"] {
            assert!(parse(good).is_ok(), "{good} should parse");
        }
    }
}

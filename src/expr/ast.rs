//! The syntax tree of an expression.

use super::lexer::{Op, Span};

/// An expression node.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A number literal.
    Num(f64),
    /// A string literal.
    Str(String),
    /// `${name}`: the value of another question.
    Ref(String, Span),
    /// `$name`: an XPath variable (not used by XLSForm; evaluates to an error).
    Var(String),
    /// Unary minus.
    Neg(Box<Expr>),
    /// A binary operation (`|` included).
    Binary(Op, Box<Expr>, Box<Expr>),
    /// A function call.
    Call {
        /// The function's name as written (`jr:choice-name`, `concat`).
        name: String,
        /// Its arguments.
        args: Vec<Expr>,
        /// Where the name stands.
        span: Span,
    },
    /// A primary expression with predicates: `f()[1]`, `(a)[2]`.
    Filter(Box<Expr>, Vec<Expr>),
    /// A location path.
    Path(Path),
}

/// Where a location path starts.
#[derive(Debug, Clone, PartialEq)]
pub enum PathStart {
    /// `/...`: the document root.
    Root,
    /// `a/b`, `.`: the context node.
    Context,
    /// `f()/a`, `(x)/a`: the nodes of a filter expression.
    Filter(Box<Expr>),
}

/// A location path: a start and steps.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    /// Where it starts.
    pub start: PathStart,
    /// Its steps, in order.
    pub steps: Vec<Step>,
    /// Where it stands in the text.
    pub span: Span,
}

/// XPath axes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Axis {
    /// `child::` (the default).
    Child,
    /// `self::` and `.`.
    SelfAxis,
    /// `parent::` and `..`.
    Parent,
    /// `attribute::` and `@`.
    Attribute,
    /// `descendant::`.
    Descendant,
    /// `descendant-or-self::` and `//`.
    DescendantOrSelf,
    /// `ancestor::`.
    Ancestor,
    /// `ancestor-or-self::`.
    AncestorOrSelf,
    /// `following-sibling::`.
    FollowingSibling,
    /// `preceding-sibling::`.
    PrecedingSibling,
    /// `following::`.
    Following,
    /// `preceding::`.
    Preceding,
    /// `namespace::`.
    Namespace,
}

impl Axis {
    /// The axis named `name`, if XPath has one.
    pub fn from_name(name: &str) -> Option<Axis> {
        Some(match name {
            "child" => Axis::Child,
            "self" => Axis::SelfAxis,
            "parent" => Axis::Parent,
            "attribute" => Axis::Attribute,
            "descendant" => Axis::Descendant,
            "descendant-or-self" => Axis::DescendantOrSelf,
            "ancestor" => Axis::Ancestor,
            "ancestor-or-self" => Axis::AncestorOrSelf,
            "following-sibling" => Axis::FollowingSibling,
            "preceding-sibling" => Axis::PrecedingSibling,
            "following" => Axis::Following,
            "preceding" => Axis::Preceding,
            "namespace" => Axis::Namespace,
            _ => return None,
        })
    }
}

/// What a step selects on its axis.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeTest {
    /// An element or attribute name; `*` and `prefix:*` are wildcards.
    Name(String),
    /// `node()`.
    Node,
    /// `text()`.
    Text,
    /// `comment()`.
    Comment,
    /// `processing-instruction('...')`.
    ProcessingInstruction(Option<String>),
}

/// One step of a path.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The axis.
    pub axis: Axis,
    /// The node test.
    pub test: NodeTest,
    /// Predicates, in order.
    pub predicates: Vec<Expr>,
}

impl Expr {
    /// Calls `f` on this node and every node below it (pre-order), without recursion.
    pub fn walk(&self, f: &mut dyn FnMut(&Expr)) {
        let mut stack: Vec<&Expr> = vec![self];
        while let Some(e) = stack.pop() {
            f(e);
            match e {
                Expr::Neg(x) => stack.push(x),
                Expr::Binary(_, a, b) => {
                    stack.push(b);
                    stack.push(a);
                }
                Expr::Call { args, .. } => stack.extend(args.iter().rev()),
                Expr::Filter(x, preds) => {
                    stack.extend(preds.iter().rev());
                    stack.push(x);
                }
                Expr::Path(p) => {
                    for s in p.steps.iter().rev() {
                        stack.extend(s.predicates.iter().rev());
                    }
                    if let PathStart::Filter(x) = &p.start {
                        stack.push(x);
                    }
                }
                Expr::Num(_) | Expr::Str(_) | Expr::Ref(..) | Expr::Var(_) => {}
            }
        }
    }
}

impl std::fmt::Display for Expr {
    /// Writes the expression back as text, with every operation in parentheses, so that parsing
    /// the text gives the same tree.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Expr::Num(n) if n.is_finite() && *n >= 0.0 => write!(f, "{n:?}"),
            Expr::Num(n) => write!(f, "(0 - {:?})", -n),
            Expr::Str(s) if s.contains('\'') => write!(f, "\"{s}\""),
            Expr::Str(s) => write!(f, "'{s}'"),
            Expr::Ref(name, _) => write!(f, "${{{name}}}"),
            Expr::Var(v) => write!(f, "${v}"),
            Expr::Neg(e) => write!(f, "-({e})"),
            Expr::Binary(op, a, b) => write!(f, "({a} {} {b})", super::parser::op_text(*op)),
            Expr::Call { name, args, .. } => {
                write!(f, "{name}(")?;
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{a}")?;
                }
                f.write_str(")")
            }
            Expr::Filter(e, preds) => {
                write!(f, "({e})")?;
                preds.iter().try_for_each(|p| write!(f, "[{p}]"))
            }
            Expr::Path(p) => {
                match &p.start {
                    PathStart::Root => f.write_str("/")?,
                    PathStart::Context => {}
                    PathStart::Filter(e) => write!(f, "{e}/")?,
                }
                for (i, s) in p.steps.iter().enumerate() {
                    if i > 0 {
                        f.write_str("/")?;
                    }
                    let axis = match s.axis {
                        Axis::Child => "child",
                        Axis::SelfAxis => "self",
                        Axis::Parent => "parent",
                        Axis::Attribute => "attribute",
                        Axis::Descendant => "descendant",
                        Axis::DescendantOrSelf => "descendant-or-self",
                        Axis::Ancestor => "ancestor",
                        Axis::AncestorOrSelf => "ancestor-or-self",
                        Axis::FollowingSibling => "following-sibling",
                        Axis::PrecedingSibling => "preceding-sibling",
                        Axis::Following => "following",
                        Axis::Preceding => "preceding",
                        Axis::Namespace => "namespace",
                    };
                    write!(f, "{axis}::")?;
                    match &s.test {
                        NodeTest::Name(n) => f.write_str(n)?,
                        NodeTest::Node => f.write_str("node()")?,
                        NodeTest::Text => f.write_str("text()")?,
                        NodeTest::Comment => f.write_str("comment()")?,
                        NodeTest::ProcessingInstruction(None) => f.write_str("processing-instruction()")?,
                        NodeTest::ProcessingInstruction(Some(l)) => write!(f, "processing-instruction('{l}')")?,
                    }
                    s.predicates.iter().try_for_each(|p| write!(f, "[{p}]"))?;
                }
                Ok(())
            }
        }
    }
}

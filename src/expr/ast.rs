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

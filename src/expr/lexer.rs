//! Tokens of the XLSForm / XPath 1.0 expression language, with byte spans.
//!
//! XPath's lexical rules depend on the previous token: `*` is a multiplication and `and`, `or`,
//! `div`, `mod` are operators only where an operator may stand (after an operand); elsewhere `*` is
//! a name test and those words are element names. JavaRosa applies this greedily, so `5 divx`
//! lexes as `5 div x` and `4andfunc()` as `4 and func()`; fourmi does the same.

#![deny(clippy::indexing_slicing)]

use std::ops::Range;

/// A byte range in the expression text.
pub type Span = Range<usize>;

/// One token.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// A number literal.
    Num(f64),
    /// A string literal, quotes removed.
    Str(String),
    /// `${name}`.
    Ref(String),
    /// `$name` (an XPath variable).
    Var(String),
    /// A name (NCName or QName, or `prefix:*`, or `*` as a name test).
    Name(String),
    /// `(`.
    LParen,
    /// `)`.
    RParen,
    /// `[`.
    LBracket,
    /// `]`.
    RBracket,
    /// `.`.
    Dot,
    /// `..`.
    DotDot,
    /// `@`.
    At,
    /// `,`.
    Comma,
    /// `::`.
    ColonColon,
    /// `/`.
    Slash,
    /// `//`.
    SlashSlash,
    /// An operator.
    Op(Op),
}

/// Binary operators, plus `|`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `or`.
    Or,
    /// `and`.
    And,
    /// `=`.
    Eq,
    /// `!=`.
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `div`.
    Div,
    /// `mod`.
    Mod,
    /// `|`.
    Union,
}

/// A lexical error: what is wrong and where.
#[derive(Debug, Clone, PartialEq)]
pub struct LexError {
    /// What is wrong, for the form's author.
    pub message: String,
    /// Where.
    pub span: Span,
}

fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '\u{B7}')
}

/// Splits `src` into tokens.
pub fn lex(src: &str) -> Result<Vec<(Tok, Span)>, LexError> {
    let mut out: Vec<(Tok, Span)> = Vec::new();
    let chars: Vec<(usize, char)> = src.char_indices().collect();
    let end_of = |i: usize| chars.get(i).map_or(src.len(), |&(b, _)| b);
    let mut i = 0;
    while let Some(&(start, c)) = chars.get(i) {
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let operator_position = operator_may_follow(out.last().map(|t| &t.0));
        let next = chars.get(i + 1).map(|&(_, c)| c);
        let (tok, len) = match c {
            '(' => (Tok::LParen, 1),
            ')' => (Tok::RParen, 1),
            '[' => (Tok::LBracket, 1),
            ']' => (Tok::RBracket, 1),
            ',' => (Tok::Comma, 1),
            '@' => (Tok::At, 1),
            '|' => (Tok::Op(Op::Union), 1),
            '+' => (Tok::Op(Op::Add), 1),
            '-' => (Tok::Op(Op::Sub), 1),
            '=' => (Tok::Op(Op::Eq), 1),
            '!' if next == Some('=') => (Tok::Op(Op::Ne), 2),
            '<' if next == Some('=') => (Tok::Op(Op::Le), 2),
            '<' => (Tok::Op(Op::Lt), 1),
            '>' if next == Some('=') => (Tok::Op(Op::Ge), 2),
            '>' => (Tok::Op(Op::Gt), 1),
            '/' if next == Some('/') => (Tok::SlashSlash, 2),
            '/' => (Tok::Slash, 1),
            ':' if next == Some(':') => (Tok::ColonColon, 2),
            '*' if operator_position => (Tok::Op(Op::Mul), 1),
            '*' => (Tok::Name("*".into()), 1),
            '.' if next == Some('.') => (Tok::DotDot, 2),
            '.' if next.is_some_and(|c| c.is_ascii_digit()) => lex_number(&chars, i),
            '.' => (Tok::Dot, 1),
            '0'..='9' => lex_number(&chars, i),
            '\'' | '"' => {
                let close = tail(&chars, i + 1)
                    .iter()
                    .position(|&(_, q)| q == c)
                    .ok_or(LexError { message: "this text has no closing quote".into(), span: start..src.len() })?;
                let text: String = text_of(&chars, i + 1, i + 1 + close);
                (Tok::Str(text), close + 2)
            }
            '$' if next == Some('{') => {
                let close = tail(&chars, i + 2)
                    .iter()
                    .position(|&(_, q)| q == '}')
                    .ok_or(LexError { message: "`${` has no closing `}`".into(), span: start..src.len() })?;
                let name: String = text_of(&chars, i + 2, i + 2 + close);
                (Tok::Ref(name.trim().to_string()), close + 3)
            }
            '$' if next.is_some_and(is_name_start) => {
                let n = name_len(&chars, i + 1);
                let name: String = text_of(&chars, i + 1, i + 1 + n);
                (Tok::Var(name), n + 1)
            }
            c if is_name_start(c) => lex_name(&chars, i, operator_position),
            _ => {
                return Err(LexError { message: format!("`{c}` cannot stand here"), span: start..end_of(i + 1) });
            }
        };
        // A number run straight into a name (`5abc`) is an error; an operator word (`4and`) is not.
        if let (Some((Tok::Num(_), prev)), Tok::Name(_)) = (out.last(), &tok)
            && prev.end == start
        {
            return Err(LexError {
                message: "a number cannot be followed directly by a name".into(),
                span: prev.start..end_of(i + len),
            });
        }
        out.push((tok, start..end_of(i + len)));
        i += len;
    }
    Ok(out)
}

/// Whether the token before makes the next `*` or operator word an operator (XPath 1.0 §3.7).
fn operator_may_follow(prev: Option<&Tok>) -> bool {
    match prev {
        None => false,
        Some(Tok::At | Tok::ColonColon | Tok::LParen | Tok::LBracket | Tok::Comma | Tok::Op(_)) => false,
        Some(Tok::Slash | Tok::SlashSlash) => false,
        Some(_) => true,
    }
}

fn lex_number(chars: &[(usize, char)], i: usize) -> (Tok, usize) {
    let mut n = 0;
    let mut seen_dot = false;
    while let Some(&(_, c)) = chars.get(i + n) {
        if c.is_ascii_digit() || (c == '.' && !seen_dot) {
            seen_dot |= c == '.';
            n += 1;
        } else {
            break;
        }
    }
    let text: String = text_of(chars, i, i + n);
    let text = if text.ends_with('.') { format!("{text}0") } else { text };
    (Tok::Num(text.parse().unwrap_or(f64::NAN)), n)
}

fn name_len(chars: &[(usize, char)], i: usize) -> usize {
    let mut n = 0;
    while chars.get(i + n).is_some_and(|&(_, c)| if n == 0 { is_name_start(c) } else { is_name_char(c) }) {
        n += 1;
    }
    n
}

fn lex_name(chars: &[(usize, char)], i: usize, operator_position: bool) -> (Tok, usize) {
    let n = name_len(chars, i);
    let word: String = text_of(chars, i, i + n);
    if operator_position {
        for (w, op) in [("and", Op::And), ("or", Op::Or), ("div", Op::Div), ("mod", Op::Mod)] {
            if word.starts_with(w) {
                return (Tok::Op(op), w.len());
            }
        }
    }
    // A QName: prefix ':' (local | '*'); a second ':' is left for the parser to reject.
    let colon = chars.get(i + n).map(|&(_, c)| c) == Some(':');
    let after = chars.get(i + n + 1).map(|&(_, c)| c);
    if colon && after == Some('*') {
        return (Tok::Name(format!("{word}:*")), n + 2);
    }
    if colon && after.is_some_and(is_name_start) {
        let m = name_len(chars, i + n + 1);
        let local: String = text_of(chars, i + n + 1, i + n + 1 + m);
        return (Tok::Name(format!("{word}:{local}")), n + 1 + m);
    }
    (Tok::Name(word), n)
}

/// The characters from `from` on (none past the end).
fn tail(chars: &[(usize, char)], from: usize) -> &[(usize, char)] {
    chars.get(from..).unwrap_or(&[])
}

/// The text of the characters `from..to` (what exists of them).
fn text_of(chars: &[(usize, char)], from: usize, to: usize) -> String {
    chars.iter().skip(from).take(to.saturating_sub(from)).map(|&(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        lex(s).unwrap().into_iter().map(|t| t.0).collect()
    }

    #[test]
    fn operator_words_split_greedily_after_an_operand() {
        assert_eq!(toks("4andfunc()")[1], Tok::Op(Op::And));
        assert_eq!(toks("5 divx")[1], Tok::Op(Op::Div));
    }

    #[test]
    fn star_is_a_name_test_at_the_start_and_a_product_after_an_operand() {
        assert_eq!(toks("* * *"), vec![Tok::Name("*".into()), Tok::Op(Op::Mul), Tok::Name("*".into())]);
    }

    #[test]
    fn references_keep_their_name() {
        assert_eq!(toks("${age} >= 18")[0], Tok::Ref("age".into()));
    }

    #[test]
    fn a_number_run_into_a_name_is_refused() {
        assert!(lex("5abc").is_err());
        assert!(lex("'open").is_err());
    }
}

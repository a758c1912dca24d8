//! Problems found in a form, each with where it is and a message for the form's author.

use std::fmt;

use super::workbook::Pos;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The form cannot be used.
    Error,
    /// The form works, but something is probably wrong.
    Warning,
}

/// One problem: where, how bad, what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Where (line or row, column).
    pub pos: Pos,
    /// What is wrong and what to do, for the author.
    pub message: String,
}

impl Diagnostic {
    /// An error at `pos`.
    pub fn error(pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Error, pos, message: message.into() }
    }
    /// A warning at `pos`.
    pub fn warning(pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, pos, message: message.into() }
    }
    /// `file:line:col: error: message`.
    pub fn render(&self, file: &str) -> String {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        format!("{file}:{}:{}: {sev}: {}", self.pos.line, self.pos.col, self.message)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render("form"))
    }
}

/// Whether any of `diags` is an error.
pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(|d| d.severity == Severity::Error)
}

//! `fourmi expr eval`.

use std::io::{BufRead, Read};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use serde_json::json;

use crate::expr::{Expression, MapContext};

/// `fourmi expr ...`.
#[derive(Debug, Subcommand)]
pub enum ExprCmd {
    /// Evaluate an expression; prints one JSON line such as {"type":"number","value":3}.
    Eval {
        /// The expression (omit with --stdin).
        expr: Option<String>,
        /// Read one expression per line from standard input; print one result line each.
        #[arg(long)]
        stdin: bool,
        /// A JSON object of answers for ${name}.
        #[arg(long)]
        answers: Option<PathBuf>,
    },
}

/// The longest line `--stdin` takes (an expression has at most 4096 tokens).
const MAX_LINE: usize = 1 << 20;

/// Runs an expression subcommand.
pub fn run(cmd: ExprCmd) -> ExitCode {
    let ExprCmd::Eval { expr, stdin, answers } = cmd;
    let ctx = match answers.as_deref().map(read_answers).transpose() {
        Ok(ctx) => ctx.unwrap_or_default(),
        Err(msg) => {
            eprintln!("{msg}");
            return ExitCode::from(2);
        }
    };
    let mut any_error = false;
    let mut eval_line = |text: &str| {
        let out = evaluate(text, &ctx);
        any_error |= out["type"] == "error";
        println!("{out}");
    };
    match (expr, stdin) {
        (Some(e), false) => eval_line(&e),
        (None, true) => {
            // One line at a time, each at most MAX_LINE bytes: a line without end (`/dev/zero`)
            // is refused, never held in memory.
            let mut input = std::io::stdin().lock();
            let mut line = Vec::new();
            loop {
                line.clear();
                match (&mut input).take(MAX_LINE as u64 + 1).read_until(b'\n', &mut line) {
                    Ok(0) => break,
                    Ok(_) if line.len() > MAX_LINE && !line.ends_with(b"\n") => {
                        eprintln!(
                            "a line of standard input is longer than {MAX_LINE} bytes: no expression is that long"
                        );
                        return ExitCode::from(2);
                    }
                    Ok(_) => {
                        let text = String::from_utf8_lossy(&line);
                        eval_line(text.trim_end_matches(['\n', '\r']));
                    }
                    Err(e) => {
                        eprintln!("cannot read standard input: {e}");
                        return ExitCode::from(2);
                    }
                }
            }
        }
        _ => {
            eprintln!("give one expression, or --stdin (not both)");
            return ExitCode::from(2);
        }
    }
    if any_error { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

/// Evaluates `text` and returns the JSON line (errors included).
pub fn evaluate(text: &str, ctx: &MapContext) -> serde_json::Value {
    match Expression::parse(text) {
        Err(e) => json!({"type": "error", "message": e.to_string()}),
        Ok(expr) => match expr.eval(ctx) {
            Ok(v) => v.to_json(),
            Err(e) => json!({"type": "error", "message": e.message}),
        },
    }
}

fn read_answers(path: &std::path::Path) -> Result<MapContext, String> {
    let text = crate::limits::read_regular_text(path, crate::limits::SMALL_FILE_BYTES)?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{} is not valid JSON: {e}", path.display()))?;
    let obj = value.as_object().ok_or_else(|| format!("{} must hold a JSON object of answers", path.display()))?;
    Ok(MapContext::from_json(obj))
}

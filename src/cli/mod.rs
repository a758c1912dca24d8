//! The command line: every non-interactive operation, for coordinators, scripts and tests.

mod expr_cmd;
mod form_cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// fourmi: offline survey field work.
#[derive(Debug, Parser)]
#[command(
    name = "fourmi",
    version,
    about = "Offline survey field work: questionnaires, interviews, encrypted batches"
)]
pub struct Cli {
    /// What to do; with none, the desktop app opens.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check, convert and inspect questionnaires.
    #[command(subcommand)]
    Form(form_cmd::FormCmd),
    /// Evaluate XLSForm expressions.
    #[command(subcommand)]
    Expr(expr_cmd::ExprCmd),
}

/// Runs a parsed command line; `None` means "open the app".
pub fn run(cli: Cli) -> Option<ExitCode> {
    let command = cli.command?;
    let code = match command {
        Command::Form(cmd) => form_cmd::run(cmd),
        Command::Expr(cmd) => expr_cmd::run(cmd),
    };
    Some(code)
}

//! The `fourmi` binary: a subcommand runs the CLI; no subcommand opens the desktop app.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = fourmi::cli::Cli::parse();
    match fourmi::cli::run(cli) {
        Some(code) => code,
        None => {
            eprintln!("The desktop app is not built yet; see `fourmi --help` for the commands.");
            ExitCode::from(2)
        }
    }
}

//! The `fourmi` binary: a subcommand runs the CLI; no subcommand opens the desktop app.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = fourmi::cli::Cli::parse();
    let dir = cli.store.dir();
    match fourmi::cli::run(cli) {
        Some(code) => code,
        None => match fourmi::ui::run(dir) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("fourmi: {e}");
                ExitCode::FAILURE
            }
        },
    }
}

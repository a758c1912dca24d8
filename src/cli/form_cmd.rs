//! `fourmi form check|convert`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

use super::session::say;
use crate::form::{self, Format, Severity};

/// `fourmi form ...`.
#[derive(Debug, Subcommand)]
pub enum FormCmd {
    /// Check forms: prints `file:line:column: error|warning: message` for every problem; exits 0
    /// when every form is usable (warnings allowed), 1 otherwise.
    Check {
        /// Form files (.toml, .xlsx, .xls, .md).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Convert a form between .xlsx, .md and .toml (by extension).
    Convert {
        /// The form to read.
        input: PathBuf,
        /// The file to write.
        output: PathBuf,
    },
}

/// Runs a form subcommand.
pub fn run(cmd: FormCmd) -> ExitCode {
    match cmd {
        FormCmd::Check { files } => check(&files),
        FormCmd::Convert { input, output } => convert(&input, &output),
    }
}

fn check(files: &[PathBuf]) -> ExitCode {
    let mut failed = false;
    for path in files {
        let shown = path.display().to_string();
        match form::load(path) {
            Err(e) => {
                eprintln!("{e}");
                failed = true;
            }
            Ok(loaded) => {
                let (mut errors, mut warnings) = (0, 0);
                for d in &loaded.diags {
                    match d.severity {
                        Severity::Error => errors += 1,
                        Severity::Warning => warnings += 1,
                    }
                    println!("{}", d.render(&shown));
                }
                failed |= errors > 0;
                eprintln!("{shown}: {errors} error(s), {warnings} warning(s)");
            }
        }
    }
    if failed { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

fn convert(input: &std::path::Path, output: &std::path::Path) -> ExitCode {
    let Some(out_format) = Format::of(output) else {
        eprintln!("{}: fourmi writes forms as .toml, .xlsx or .md", output.display());
        return ExitCode::from(2);
    };
    let wb = match form::read_workbook(input) {
        Ok(wb) => wb,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    let written = match out_format {
        Format::Toml => crate::store::write_atomically(output, form::write_toml(&wb).as_bytes()).map_err(say),
        Format::Markdown => crate::store::write_atomically(output, form::write_md(&wb).as_bytes()).map_err(say),
        Format::Spreadsheet => {
            if output.extension().is_some_and(|e| !e.eq_ignore_ascii_case("xlsx")) {
                Err("only .xlsx spreadsheets can be written".to_string())
            } else {
                form::write_xlsx(&wb, output)
            }
        }
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cannot write {}: {e}", output.display());
            ExitCode::from(1)
        }
    }
}

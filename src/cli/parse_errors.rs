//! What the command line says when its words cannot be read, in the user's language: clap finds
//! the fault (an unknown option, a value that is not a number, a missing one) and the message is
//! worded here through Fluent. `--help` and `--version` are clap's own.

use clap::error::{ContextKind, ContextValue, ErrorKind};

use super::tr;

/// `e` as the user reads it (`None`: clap's own words, for help and version).
pub fn message(e: &clap::Error) -> Option<String> {
    let tr = tr();
    let ctx = |kind: ContextKind| -> Option<String> {
        match e.get(kind)? {
            ContextValue::String(s) => Some(s.clone()),
            ContextValue::Strings(v) => Some(v.join(", ")),
            ContextValue::StyledStr(s) => Some(s.to_string()),
            ContextValue::StyledStrs(v) => Some(v.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")),
            ContextValue::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    let arg = || ctx(ContextKind::InvalidArg).unwrap_or_default();
    let said = match e.kind() {
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let value = ctx(ContextKind::InvalidValue).unwrap_or_default();
            let valid = ctx(ContextKind::ValidValue).unwrap_or_else(|| "none".into());
            tr.ta("cli-parse-invalid-value", &[("value", value.into()), ("arg", arg().into()), ("valid", valid.into())])
        }
        ErrorKind::UnknownArgument => {
            let hint = ctx(ContextKind::SuggestedArg).unwrap_or_else(|| "none".into());
            tr.ta("cli-parse-unknown-option", &[("arg", arg().into()), ("hint", hint.into())])
        }
        ErrorKind::InvalidSubcommand => {
            let hint = ctx(ContextKind::SuggestedSubcommand).unwrap_or_else(|| "none".into());
            let command = ctx(ContextKind::InvalidSubcommand).unwrap_or_default();
            tr.ta("cli-parse-unknown-command", &[("arg", command.into()), ("hint", hint.into())])
        }
        ErrorKind::MissingRequiredArgument => tr.ta("cli-parse-missing", &[("arg", arg().into())]),
        ErrorKind::NoEquals | ErrorKind::TooManyValues | ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            tr.ta("cli-parse-values", &[("arg", arg().into())])
        }
        ErrorKind::ArgumentConflict => {
            let with = ctx(ContextKind::PriorArg).unwrap_or_default();
            tr.ta("cli-parse-conflict", &[("arg", arg().into()), ("with", with.into())])
        }
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            tr.t("cli-parse-missing-command")
        }
        _ => return None,
    };
    Some(format!("{said}\n{}", tr.t("cli-parse-help")))
}

/// The command line read, or the program ends with what could not be read.
pub fn parse_or_exit() -> super::Cli {
    use clap::Parser;
    match super::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => match message(&e) {
            Some(m) => {
                eprintln!("fourmi: {m}");
                std::process::exit(2)
            }
            None => e.exit(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn said(args: &[&str]) -> String {
        let Err(e) = super::super::Cli::try_parse_from(args) else { panic!("{args:?} is refused") };
        message(&e).unwrap_or_else(|| e.to_string())
    }

    #[test]
    fn a_value_that_is_not_a_number_names_the_option_and_the_value() {
        let m = said(&["fourmi", "export", "--to", "x", "--k", "abc"]);
        assert!(m.contains("abc") && m.contains("--k"), "{m}");
    }

    #[test]
    fn a_negative_k_is_read_as_a_value_for_the_range_check_not_as_an_option() {
        assert!(super::super::Cli::try_parse_from(["fourmi", "export", "--to", "x", "--k", "-1"]).is_ok());
        assert!(super::super::flat_cmd::check_goal(Some(-1), 1).is_err());
    }

    #[test]
    fn an_unknown_command_is_named_with_the_nearest_ones() {
        let m = said(&["fourmi", "exprot"]);
        assert!(m.contains("exprot") && m.contains("export"), "{m}");
    }

    #[test]
    fn an_unknown_option_is_named_with_the_nearest_one() {
        let m = said(&["fourmi", "export", "--to", "x", "--kk", "5"]);
        assert!(m.contains("--kk"), "{m}");
    }
}

//! The `fourmi` binary: a subcommand runs the CLI; no subcommand opens the desktop app.

use std::process::ExitCode;

/// mimalloc: a headquarters import allocates and frees millions of small values on three
/// threads, and the system allocator spent a third of the import's time on its own locks. (The
/// benchmarks use it too, to measure what this binary does.)
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Output piped into a program that stopped reading (`fourmi tables ... | head`): end quietly,
    // as command-line tools do, instead of reporting a crash.
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if info.payload_as_str().is_some_and(|m| m.contains("failed printing to stdout") && m.contains("Broken pipe")) {
            std::process::exit(141);
        }
        default(info)
    }));
    let cli = fourmi::cli::parse_errors::parse_or_exit();
    let dir = cli.store.dir();
    match fourmi::cli::run(cli) {
        Some(code) => code,
        #[cfg(feature = "app")]
        None => match fourmi::ui::run(dir) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("fourmi: {e}");
                ExitCode::FAILURE
            }
        },
        #[cfg(not(feature = "app"))]
        None => {
            eprintln!("fourmi: this build has no desktop app; see fourmi --help for the commands ({})", dir.display());
            ExitCode::FAILURE
        }
    }
}

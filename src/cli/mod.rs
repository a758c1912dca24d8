//! The command line: every non-interactive operation, for coordinators, scripts and tests.

mod admin_cmd;
mod batch_cmd;
mod expr_cmd;
mod flat_cmd;
mod form_cmd;
mod hq_cmd;
pub mod parse_errors;
mod records_cmd;
mod session;
mod tables_cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// fourmi: offline survey field work.
#[derive(Debug, Parser)]
#[command(
    name = "fourmi",
    disable_version_flag = true,
    about = "Offline survey field work: questionnaires, interviews, encrypted batches"
)]
pub struct Cli {
    /// Print the version, the commit and date it was built from, and the SQLCipher version.
    #[arg(short = 'V', long)]
    pub version: bool,
    /// The data folder, account and passphrase (for the commands that use the store).
    #[command(flatten)]
    pub store: session::StoreArgs,
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
    /// First-run setup: the data folder, the first coordinator, the device keys and the
    /// deployment's recipients. The passphrase comes from --passphrase-file.
    Setup {
        /// The first coordinator's account name.
        #[arg(long)]
        name: String,
        /// A name for this laptop.
        #[arg(long, default_value = "laptop")]
        device: String,
        /// An age recipient (headquarters' public key, `age1...`); repeat for several.
        #[arg(long = "recipient")]
        recipients: Vec<String>,
    },
    /// Manage accounts.
    #[command(subcommand)]
    Account(admin_cmd::AccountCmd),
    /// This laptop's identity.
    #[command(subcommand)]
    Device(admin_cmd::DeviceCmd),
    /// Enter, list, review and withdraw records.
    #[command(subcommand)]
    Records(records_cmd::RecordsCmd),
    /// The audit trail.
    #[command(subcommand)]
    Audit(admin_cmd::AuditCmd),
    /// Check a data folder: its files, and with --user also the database's integrity, the
    /// audit trail and the batch ledger; says what is wrong in plain words (exit 1).
    Check,
    /// Write the next batch of approved records (encrypted to headquarters, signed by this
    /// laptop) into a folder, or write a past batch again (coordinators).
    Export(batch_cmd::ExportArgs),
    /// The batches written on this laptop, newest first.
    Batches,
    /// Headquarters: set up, register laptops, import batches, write flat files.
    #[command(subcommand)]
    Hq(hq_cmd::HqCmd),
    /// Tables of select questions as 4Mi publishes them (`48% (14/29)`), with breakdowns and
    /// filters; printed, or written as CSV / XLSX with small cells hidden.
    Tables(tables_cmd::TablesArgs),
    /// Create a data folder with demo accounts and the Bamako case-study records, to explore.
    Demo {
        /// Headquarters' age recipient (`age1...`) to encrypt demo batches to; repeat for several.
        #[arg(long = "recipient")]
        recipients: Vec<String>,
    },
    /// Write the man page and the shell completions into a folder (for packages).
    #[command(hide = true)]
    PackagingFiles {
        /// The folder.
        to: std::path::PathBuf,
    },
}

/// Runs a parsed command line; `None` means "open the app".
pub fn run(cli: Cli) -> Option<ExitCode> {
    if cli.version {
        println!("{}", version_text());
        return Some(ExitCode::SUCCESS);
    }
    let command = cli.command?;
    let code = match command {
        Command::Form(cmd) => form_cmd::run(cmd),
        Command::Expr(cmd) => expr_cmd::run(cmd),
        Command::Setup { name, device, recipients } => admin_cmd::setup(&cli.store, &name, &device, &recipients),
        Command::Account(cmd) => admin_cmd::account(&cli.store, cmd),
        Command::Device(cmd) => admin_cmd::device(&cli.store, cmd),
        Command::Records(cmd) => records_cmd::run(&cli.store, cmd),
        Command::Audit(cmd) => admin_cmd::audit(&cli.store, cmd),
        Command::Check => admin_cmd::check(&cli.store),
        Command::Export(args) => batch_cmd::export(&cli.store, args),
        Command::Batches => batch_cmd::batches(&cli.store),
        Command::Hq(cmd) => hq_cmd::run(&cli.store, cmd),
        Command::Tables(args) => tables_cmd::run(&cli.store, args),
        Command::Demo { recipients } => tables_cmd::demo(&cli.store, &recipients),
        Command::PackagingFiles { to } => packaging_files(&to),
    };
    Some(code)
}

/// Writes `fourmi.1` (and a page per subcommand, `fourmi-records.1`...) and the completions
/// for bash, zsh, fish and PowerShell into `dir`.
fn packaging_files(dir: &std::path::Path) -> ExitCode {
    use clap::CommandFactory;
    let write = || -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let cmd = Cli::command();
        clap_mangen::generate_to(cmd.clone(), dir)?;
        for shell in [
            clap_complete::Shell::Bash,
            clap_complete::Shell::Zsh,
            clap_complete::Shell::Fish,
            clap_complete::Shell::PowerShell,
        ] {
            clap_complete::generate_to(shell, &mut cmd.clone(), "fourmi", dir)?;
        }
        Ok(())
    };
    match write() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write into {}: {e}", dir.display());
            ExitCode::from(1)
        }
    }
}

/// What `fourmi --version` prints: the version, the commit and date of the build, and the
/// SQLCipher the data is encrypted with.
pub fn version_text() -> String {
    format!(
        "fourmi {}\ncommit {}\nbuilt {}\nSQLCipher {}",
        env!("CARGO_PKG_VERSION"),
        env!("FOURMI_COMMIT"),
        env!("FOURMI_BUILD_DATE"),
        crate::store::sqlcipher_version()
    )
}

/// The messages in the user's language (from the environment: `LANG`, `LC_ALL`...).
fn tr() -> crate::i18n::Tr {
    crate::i18n::Tr::new(crate::i18n::Lang::from_env())
}

/// `written: PATH`, in the user's language (the line scripts look for a file written).
fn written_line(path: &std::path::Path) -> String {
    tr().ta("cli-written", &[("path", path.display().to_string().into())])
}

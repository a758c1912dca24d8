//! What the store commands share: the data folder, the account, reading passphrases, unlocking.

use std::io::Read;
use std::path::PathBuf;

use clap::Args;
use zeroize::Zeroizing;

use crate::store::{self, Store};

/// Options every store command takes.
#[derive(Debug, Clone, Args)]
pub struct StoreArgs {
    /// The data folder (default: the platform's data folder for fourmi).
    #[arg(long, global = true, env = "FOURMI_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// The account to unlock with.
    #[arg(long, short = 'u', global = true, env = "FOURMI_USER")]
    pub user: Option<String>,
    /// A file holding the passphrase (its first line), or `-` for standard input.
    #[arg(long, global = true)]
    pub passphrase_file: Option<String>,
    /// Headquarters' PostgreSQL database, `postgres://USER:PASSWORD@HOST:PORT/DATABASE` (default:
    /// what `hq.toml` in the data folder says, else the folder's own SQLite file).
    #[arg(long, global = true, env = "FOURMI_DATABASE")]
    pub database: Option<String>,
}

impl StoreArgs {
    /// Headquarters' database: `--database`, else the data folder's.
    pub fn hq_database(&self) -> Result<crate::store::hq::Database, String> {
        crate::store::hq::Database::find(self.data_dir.as_deref(), self.database.as_deref()).map_err(say)
    }

    /// The data folder.
    pub fn dir(&self) -> PathBuf {
        self.data_dir.clone().unwrap_or_else(store::default_dir)
    }

    /// Unlocks the store with `--user` and `--passphrase-file`.
    pub fn open(&self) -> Result<Store, String> {
        let user = self.user.as_deref().ok_or_else(|| super::tr().t("cli-need-user"))?;
        let pass =
            read_passphrase(self.passphrase_file.as_deref().ok_or_else(|| super::tr().t("cli-need-passphrase"))?)?;
        Store::open(&self.dir(), user, &pass).map_err(say)
    }
}

/// Reads a passphrase: the first line of a file, or of standard input for `-`.
pub fn read_passphrase(source: &str) -> Result<Zeroizing<String>, String> {
    let mut text = Zeroizing::new(String::new());
    if source == "-" {
        std::io::stdin()
            .take(1 << 16)
            .read_to_string(&mut text)
            .map_err(|e| super::tr().ta("cli-passphrase-unreadable-stdin", &[("detail", e.to_string().into())]))?;
    } else {
        let unreadable = |e: std::io::Error| {
            super::tr().ta("cli-passphrase-unreadable", &[("source", source.into()), ("detail", e.to_string().into())])
        };
        let f = std::fs::File::open(source).map_err(unreadable)?;
        // A passphrase is one line: whatever the file (or pipe) holds past 64 KiB is not read.
        f.take(1 << 16).read_to_string(&mut text).map_err(unreadable)?;
    }
    let line = Zeroizing::new(text.lines().next().unwrap_or("").to_string());
    if line.is_empty() {
        return Err(format!("the passphrase in {source} is empty"));
    }
    Ok(line)
}

/// Asks `question` (a message id) on the terminal and whether the answer is yes; without a
/// terminal, says `needs_yes` (pass --yes in scripts) and gives false.
pub fn confirmed(question: &str, needs_yes: &str) -> bool {
    use std::io::{BufRead, IsTerminal, Write};
    let tr = super::tr();
    if !std::io::stdin().is_terminal() {
        eprintln!("{}", tr.t(needs_yes));
        return false;
    }
    print!("{} ", tr.t(question));
    let _ = std::io::stdout().flush();
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    matches!(answer.trim().to_lowercase().as_str(), "y" | "yes" | "o" | "oui")
}

/// `e` in the user's language.
pub fn say(e: impl crate::errors::Worded) -> String {
    e.worded(&super::tr())
}

/// Prints `fourmi: <message>`, in the user's language, on standard error and returns exit code 1.
pub fn fail(msg: impl crate::errors::Worded) -> std::process::ExitCode {
    eprintln!("fourmi: {}", say(msg));
    std::process::ExitCode::from(1)
}

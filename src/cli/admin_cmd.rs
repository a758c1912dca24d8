//! `fourmi setup`, `fourmi account ...`, `fourmi device pubkey`, `fourmi audit verify`,
//! `fourmi check`.

use std::process::ExitCode;

use clap::Subcommand;

use super::session::{StoreArgs, fail, read_passphrase, say};
use crate::store::{Role, Setup, Store};

/// `fourmi account ...`.
#[derive(Debug, Subcommand)]
pub enum AccountCmd {
    /// Add an account (coordinators).
    Add {
        /// Account name.
        name: String,
        /// monitor, supervisor or coordinator.
        #[arg(long)]
        role: String,
        /// The new account's passphrase: a file, or - for standard input.
        #[arg(long)]
        new_passphrase_file: String,
    },
    /// List accounts.
    List,
    /// Set a new passphrase (your own, or anyone's as a coordinator).
    Passwd {
        /// Account name.
        name: String,
        /// The new passphrase: a file, or - for standard input.
        #[arg(long)]
        new_passphrase_file: String,
    },
    /// Disable an account: it can no longer unlock (coordinators; not your own).
    Disable {
        /// Account name.
        name: String,
    },
}

/// `fourmi device ...`.
#[derive(Debug, Subcommand)]
pub enum DeviceCmd {
    /// Print the device's public signing key, one line, to register the laptop at headquarters.
    Pubkey,
}

/// `fourmi audit ...`.
#[derive(Debug, Subcommand)]
pub enum AuditCmd {
    /// Check the audit trail's hash chain; exit 1 and say where when it is broken.
    Verify,
}

/// `fourmi setup`.
pub fn setup(args: &StoreArgs, name: &str, device: &str, recipients: &[String]) -> ExitCode {
    let Some(source) = args.passphrase_file.as_deref() else {
        return fail(super::tr().t("cli-need-new-passphrase"));
    };
    let pass = match read_passphrase(source) {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    let dir = args.dir();
    let setup = Setup {
        coordinator: name.to_string(),
        passphrase: pass.to_string(),
        device_name: device.to_string(),
        recipients: recipients.to_vec(),
    };
    match Store::setup(&dir, &setup) {
        Ok(store) => {
            println!("fourmi is set up in {}", dir.display());
            println!("coordinator: {name}");
            if let Ok(line) = store.device_pubkey() {
                println!("{line}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

/// `fourmi account ...`.
pub fn account(args: &StoreArgs, cmd: AccountCmd) -> ExitCode {
    let mut store = match args.open() {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let result = match cmd {
        AccountCmd::Add { name, role, new_passphrase_file } => {
            let Some(role) = Role::parse(&role) else {
                return fail(super::tr().ta("cli-not-a-role", &[("role", role.clone().into())]));
            };
            read_passphrase(&new_passphrase_file)
                .and_then(|p| store.add_account(&name, role, &p).map_err(say))
                .map(|_| println!("added {name} ({})", role.as_str()))
        }
        AccountCmd::List => store.accounts().map_err(say).map(|list| {
            for a in list {
                println!(
                    "{}\t{}\t{}{}",
                    a.name,
                    a.role.as_str(),
                    a.created_at,
                    if a.disabled { "\tdisabled" } else { "" }
                );
            }
        }),
        AccountCmd::Passwd { name, new_passphrase_file } => read_passphrase(&new_passphrase_file)
            .and_then(|p| store.set_passphrase(&name, &p).map_err(say))
            .map(|_| println!("passphrase of {name} changed")),
        AccountCmd::Disable { name } => {
            store.disable_account(&name).map_err(say).map(|_| println!("{name} is disabled"))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}

/// `fourmi device pubkey`.
pub fn device(args: &StoreArgs, cmd: DeviceCmd) -> ExitCode {
    let DeviceCmd::Pubkey = cmd;
    match args.open().and_then(|s| s.device_pubkey().map_err(say)) {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

/// `fourmi audit verify`.
pub fn audit(args: &StoreArgs, cmd: AuditCmd) -> ExitCode {
    let AuditCmd::Verify = cmd;
    match args.open().and_then(|s| s.verify_audit().map_err(say)) {
        Ok(None) => {
            println!("the audit trail is intact");
            ExitCode::SUCCESS
        }
        Ok(Some(b)) => fail(super::tr().ta("cli-audit-broken", &[("row", b.seq.into()), ("reason", b.reason.into())])),
        Err(e) => fail(e),
    }
}

/// `fourmi check`.
pub fn check(args: &StoreArgs) -> ExitCode {
    let dir = args.dir();
    let mut findings = crate::store::check_files(&dir);
    let files_ok = findings.iter().all(|f| f.ok);
    if files_ok && args.user.is_some() {
        match args.open() {
            Ok(store) => match store.health() {
                Ok(more) => findings.extend(more),
                Err(e) => findings.push(crate::store::Finding { ok: false, text: e.to_string() }),
            },
            Err(e) => findings.push(crate::store::Finding { ok: false, text: format!("cannot unlock: {e}") }),
        }
    } else if files_ok {
        findings.push(crate::store::Finding {
            ok: true,
            text: "give --user and --passphrase-file to check the database too".into(),
        });
    }
    for f in &findings {
        println!("{}: {}", if f.ok { "ok" } else { "problem" }, f.text);
    }
    if findings.iter().all(|f| f.ok) { ExitCode::SUCCESS } else { ExitCode::from(1) }
}

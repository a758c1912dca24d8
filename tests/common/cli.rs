//! A data folder set up through the command line (coordinator `chief`, monitor `ana`,
//! supervisor `sam`), and the commands run on it as real processes.

use std::path::PathBuf;
use std::process::{Command, Output};

pub struct Env {
    pub dir: tempfile::TempDir,
}

impl Env {
    pub fn new() -> Env {
        Env::with_recipient("age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p")
    }

    /// The same, with batches encrypted to `recipient`.
    pub fn with_recipient(recipient: &str) -> Env {
        let env = Env { dir: tempfile::tempdir().unwrap() };
        std::fs::write(env.path("chief.pass"), "coordinator passphrase\n").unwrap();
        std::fs::write(env.path("ana.pass"), "monitor passphrase 1\n").unwrap();
        std::fs::write(env.path("sam.pass"), "supervisor passphrase\n").unwrap();
        let out = env.run(&["setup", "--name", "chief", "--recipient", recipient], "chief");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        for (name, role) in [("ana", "monitor"), ("sam", "supervisor")] {
            let pass = env.path(&format!("{name}.pass"));
            let out = env.run(&["account", "add", name, "--role", role, "--new-passphrase-file", &pass], "chief");
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        }
        env
    }
    pub fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }
    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }
    pub fn command(&self, args: &[&str], user: &str) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_fourmi"));
        c.args(args)
            .arg("--data-dir")
            .arg(self.data())
            .args(["--user", user, "--passphrase-file"])
            .arg(self.path(&format!("{user}.pass")));
        c
    }
    pub fn run(&self, args: &[&str], user: &str) -> Output {
        self.command(args, user).output().unwrap()
    }
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

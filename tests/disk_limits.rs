//! A full disk and a read-only filesystem, for real: a small tmpfs is mounted, filled up, then
//! remounted read-only. Each time the command fails with a plain message and the data already
//! saved is intact. Needs root (to mount); skips, saying so, otherwise.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Mount(PathBuf);

impl Mount {
    fn new(size: &str) -> Option<Mount> {
        let dir = tempfile::tempdir().ok()?.keep();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&dir)
            .status()
            .ok()?
            .success();
        if ok { Some(Mount(dir)) } else { None }
    }
    fn remount(&self, mode: &str) -> bool {
        Command::new("mount").args(["-o", &format!("remount,{mode}")]).arg(&self.0).status().is_ok_and(|s| s.success())
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn fourmi(data: &Path, pass: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fourmi"))
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .args(["--user", "chief", "--passphrase-file"])
        .arg(pass)
        .output()
        .unwrap()
}

#[test]
fn a_full_disk_and_a_read_only_disk_refuse_the_change_and_keep_what_was_saved() {
    let Some(mount) = Mount::new("6m") else {
        eprintln!("SKIPPED: cannot mount a tmpfs here (needs root)");
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let pass = work.path().join("p");
    std::fs::write(&pass, "coordinator passphrase\n").unwrap();
    let form = work.path().join("f.md");
    std::fs::write(&form, "| survey |\n| | type | name | label |\n| | text | note_text | Text |\n").unwrap();
    let data = mount.0.join("data");
    assert!(fourmi(&data, &pass, &["setup", "--name", "chief"]).status.success());
    let first = work.path().join("first.json");
    std::fs::write(&first, r#"{"note_text": "kept safe"}"#).unwrap();
    let out = fourmi(
        &data,
        &pass,
        &["records", "add", "--form", form.to_str().unwrap(), "--answers", first.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let uuid = String::from_utf8_lossy(&out.stdout).split('\t').next().unwrap().to_string();

    // Fill the disk, then try to save a large answer.
    let filler = mount.0.join("filler");
    let _ = std::fs::write(&filler, vec![7u8; 64 << 20]);
    let big = work.path().join("big.json");
    std::fs::write(&big, format!(r#"{{"note_text": "{}"}}"#, "x".repeat(3 << 20))).unwrap();
    let out =
        fourmi(&data, &pass, &["records", "add", "--form", form.to_str().unwrap(), "--answers", big.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("disk is full"), "{said}");
    assert!(!said.contains("panicked"));
    std::fs::remove_file(&filler).unwrap();
    let shown = fourmi(&data, &pass, &["records", "show", &uuid]);
    assert!(String::from_utf8_lossy(&shown.stdout).contains("kept safe"));

    // Read-only.
    assert!(mount.remount("ro"));
    let out = fourmi(
        &data,
        &pass,
        &["records", "add", "--form", form.to_str().unwrap(), "--answers", first.to_str().unwrap()],
    );
    let said = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("cannot be written"), "{said}");
    assert!(mount.remount("rw"));
    let shown = fourmi(&data, &pass, &["records", "show", &uuid]);
    assert!(String::from_utf8_lossy(&shown.stdout).contains("kept safe"));
    let verify = fourmi(&data, &pass, &["audit", "verify"]);
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stderr));
}

//! Build facts for `fourmi --version`: the commit built (when built from a git checkout) and
//! the build date (`SOURCE_DATE_EPOCH` when set, for reproducible builds; else today, UTC).

use std::process::Command;

fn output(cmd: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(cmd).args(args).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !text.is_empty()).then_some(text)
}

fn main() {
    let commit = std::env::var("FOURMI_COMMIT")
        .ok()
        .or_else(|| output("git", &["rev-parse", "--short=12", "HEAD"]))
        .unwrap_or_else(|| "unknown".into());
    let date = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(epoch) => output("date", &["-u", "-d", &format!("@{epoch}"), "+%Y-%m-%d"]),
        Err(_) => output("date", &["-u", "+%Y-%m-%d"]),
    }
    .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=FOURMI_COMMIT={commit}");
    println!("cargo:rustc-env=FOURMI_BUILD_DATE={date}");
    println!("cargo:rerun-if-env-changed=FOURMI_COMMIT");
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    for path in [".git/HEAD", ".git/refs/heads", ".git/packed-refs"] {
        println!("cargo:rerun-if-changed={path}");
    }
    windows_resource();
}

/// On Windows, the exe carries fourmi's icon (Explorer, the taskbar, the shortcuts) and its
/// version, compiled by the cross toolchain's `windres`.
fn windows_resource() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("windows") {
        return;
    }
    println!("cargo:rerun-if-changed=assets/icon/fourmi.ico");
    let mut res = winresource::WindowsResource::new();
    res.set_icon("assets/icon/fourmi.ico")
        .set("ProductName", "fourmi")
        .set("FileDescription", "fourmi: offline survey interviews")
        .set("LegalCopyright", "fourmi contributors");
    if let Err(e) = res.compile() {
        println!("cargo:warning=the Windows icon resource could not be compiled: {e}");
        std::process::exit(1);
    }
}

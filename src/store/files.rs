//! File helpers: atomic writes, owner-only permissions, and the lock that keeps a second process
//! off an open database.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;

use super::StoreError;

/// Creates `dir` (and parents) readable by the owner only, from creation.
pub fn create_private_dir(dir: &Path) -> Result<(), StoreError> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(|e| StoreError::io(dir, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    }
    Ok(())
}

/// Opens `path` for writing, created (or emptied) readable and writable by its owner only: the
/// permissions are set as the file is created, never after.
/// What was at `path` before (an older export, a planted link or a file of another mode) is
/// removed first, and the new file is created afresh (never opened through a link, never
/// keeping an old file's permissions).
pub fn create_private(path: &Path) -> std::io::Result<File> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    private_options().write(true).create_new(true).open(path)
}

/// Creates `path` empty, owner-only, if it does not exist yet (a database before SQLite opens
/// it: SQLite gives its `-wal` and `-shm` files the database file's permissions).
pub fn create_private_if_missing(path: &Path) -> std::io::Result<()> {
    private_options().write(true).create(true).truncate(false).open(path).map(|_| ())
}

fn private_options() -> OpenOptions {
    #[cfg_attr(not(unix), expect(unused_mut, reason = "only Unix sets a mode"))]
    let mut o = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o
}

/// Writes `bytes` to `path` through a temporary file that is flushed to disk and renamed, so the
/// file is always either the old or the new content, never half of one.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    write_atomically_with(path, |f| f.write_all(bytes).map_err(|e| StoreError::io(path, e)))
}

/// [`write_atomically`] for content that `fill` writes into the temporary file (a batch streamed
/// as it is encrypted, without holding it in memory); if `fill` fails the temporary file is
/// removed and nothing is renamed.
pub fn write_atomically_with<T, E: From<StoreError>>(
    path: &Path,
    fill: impl FnOnce(&mut File) -> Result<T, E>,
) -> Result<T, E> {
    let tmp = path.with_extension("tmp");
    let mut f = create_private(&tmp).map_err(|e| StoreError::io(&tmp, e))?;
    let filled = fill(&mut f).and_then(|t| f.sync_all().map(|_| t).map_err(|e| StoreError::io(&tmp, e).into()));
    drop(f);
    let t = match filled {
        Ok(t) => t,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    std::fs::rename(&tmp, path).map_err(|e| StoreError::io(path, e))?;
    if let Some(parent) = path.parent()
        && let Ok(d) = File::open(parent)
    {
        let _ = d.sync_all();
    }
    Ok(t)
}

/// Holds the data folder's lock for as long as it lives.
#[derive(Debug)]
pub struct DirLock {
    _file: File,
}

/// Takes the data folder's lock, or says another fourmi has the data open.
pub fn lock_dir(dir: &Path) -> Result<DirLock, StoreError> {
    let path = dir.join("fourmi.lock");
    let file = private_options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| StoreError::io(&path, e))?;
    // A lock just released can stay held for a moment by a child process between its fork and
    // its exec (it shares the parent's open files until then): try again for a second.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(DirLock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(std::fs::TryLockError::WouldBlock) => return Err(StoreError::AlreadyOpen(dir.to_path_buf())),
            Err(std::fs::TryLockError::Error(e)) => return Err(StoreError::io(&path, e)),
        }
    }
}

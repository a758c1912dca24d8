//! The limits on everything fourmi reads from outside, in one place, so that no file, however
//! made, crashes it, hangs it or exhausts the laptop's memory. Each reader refuses what goes past
//! its limit with a message that says which limit; `docs/security.md` lists them.

/// A questionnaire file (`.xlsx`, `.xls`, `.ods`, `.md`, `.toml`) or a choice file (`.csv`).
pub const FORM_FILE_BYTES: u64 = 16 << 20;

/// Everything a spreadsheet's zip archive unpacks to, counted while unpacking (declared sizes
/// can lie). A large real XLSForm unpacks to a few megabytes.
pub const SPREADSHEET_UNPACKED_BYTES: u64 = 32 << 20;

/// Rows in one sheet of a questionnaire (the largest real forms have a few thousand).
pub const SHEET_ROWS: u32 = 100_000;

/// Columns in one sheet of a questionnaire.
pub const SHEET_COLUMNS: u32 = 1_000;

/// Groups and repeats inside one another.
pub const NESTING: usize = 100;

/// The longest text an expression may make (`uuid(n)`, `concat()`, `join()`): 500 repeat
/// instances of such a calculation still make a record of a few tens of megabytes at most.
pub const TEXT_BYTES: usize = 64 << 10;

/// A file of answers (`records add --answers`), a keyring, a batch's header.
pub const SMALL_FILE_BYTES: u64 = 64 << 20;

/// A batch file at headquarters (100,000 records make about 100 MB).
pub const BATCH_FILE_BYTES: u64 = 4 << 30;

/// Reads a regular file of at most `limit` bytes as UTF-8 text.
pub fn read_regular_text(path: &std::path::Path, limit: u64) -> Result<String, String> {
    let bytes = read_regular_file(path, limit)?;
    String::from_utf8(bytes).map_err(|_| format!("{} is not UTF-8 text", path.display()))
}

/// Argon2id memory per passphrase guess, in KiB: what a keyring may ask for, at least and at most.
pub const ARGON2_MEMORY_KIB: (u32, u32) = (19 * 1024, 256 * 1024);

/// Argon2id passes, at least and at most.
pub const ARGON2_PASSES: (u32, u32) = (2, 8);

/// Argon2id lanes, at least and at most.
pub const ARGON2_LANES: (u32, u32) = (1, 8);

/// Opens a regular file of at most `limit` bytes for reading, to be read at most that far: a
/// FIFO, a device or a folder is refused before it is opened (so nothing waits on it), and so
/// is a larger file.
pub fn open_regular_file(path: &std::path::Path, limit: u64) -> Result<std::io::Take<std::fs::File>, String> {
    use std::io::Read;
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    if !meta.is_file() {
        return Err(format!("{shown} is not a regular file"));
    }
    if meta.len() > limit {
        return Err(format!("{shown} is larger than {} MB, the most fourmi reads in such a file", limit >> 20));
    }
    std::fs::File::open(path).map(|f| f.take(limit + 1)).map_err(|e| format!("cannot read {shown}: {e}"))
}

/// Reads a regular file of at most `limit` bytes (see [`open_regular_file`]).
pub fn read_regular_file(path: &std::path::Path, limit: u64) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let shown = path.display();
    let mut bytes = Vec::new();
    open_regular_file(path, limit)?.read_to_end(&mut bytes).map_err(|e| format!("cannot read {shown}: {e}"))?;
    if bytes.len() as u64 > limit {
        return Err(format!("{shown} is larger than {} MB, the most fourmi reads in such a file", limit >> 20));
    }
    Ok(bytes)
}

/// The one rule for a NUL character (never typed; pasted, or written by a tool) in text from
/// outside that is kept: it is made U+FFFD. Headquarters stores a record's text so, and a stored
/// form definition is read so (PostgreSQL's `text` and `jsonb` cannot hold a NUL, and both of
/// its databases keep the same text); a questionnaire holding one is refused by `form check`.
pub fn without_nul(text: &mut String) {
    if text.contains('\0') {
        *text = text.replace('\0', "\u{FFFD}");
    }
}

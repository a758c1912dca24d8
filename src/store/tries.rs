//! Wrong passphrases in a row, counted on this laptop: from the third, each try waits longer
//! (1, 2, 4, ... seconds, at most 5 minutes) before the next is taken; a right one clears it.
//! Whoever copies the files can guess offline instead: there each guess costs a full Argon2id
//! derivation, and the strength check at every new passphrase is the real defence.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

const FILE: &str = "unlock-failures";

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn read(dir: &Path) -> (u32, u64) {
    let text = crate::limits::read_regular_text(&dir.join(FILE), 1024).unwrap_or_default();
    let mut parts = text.split_whitespace().map(|p| p.parse::<u64>().unwrap_or(0));
    let count = parts.next().unwrap_or(0).min(u64::from(u32::MAX)) as u32;
    (count, parts.next().unwrap_or(0))
}

/// How long a try after `failures` wrong ones waits.
fn delay(failures: u32) -> u64 {
    if failures < 3 { 0 } else { (1u64 << (failures - 3).min(9)).min(300) }
}

/// Seconds left before the next try is taken (0: now).
pub fn wait_left(dir: &Path) -> u64 {
    let (count, last) = read(dir);
    let ready = last.saturating_add(delay(count));
    ready.saturating_sub(now())
}

/// Counts one more wrong passphrase.
pub fn failed(dir: &Path) {
    let (count, _) = read(dir);
    let _ =
        super::files::write_atomically(&dir.join(FILE), format!("{} {}", count.saturating_add(1), now()).as_bytes());
}

/// A right passphrase: the count starts again.
pub fn succeeded(dir: &Path) {
    let _ = std::fs::remove_file(dir.join(FILE));
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_wait_grows_from_the_third_wrong_passphrase_and_stays_bounded() {
        let waits: Vec<u64> = (0..15).map(super::delay).collect();
        assert_eq!(&waits[..8], &[0, 0, 0, 1, 2, 4, 8, 16]);
        assert!(waits.iter().all(|&w| w <= 300));
    }
}

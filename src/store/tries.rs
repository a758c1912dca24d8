//! Wrong passphrases in a row, counted per account on this laptop: from the third, each try of
//! that account waits longer (1, 2, 4, ... seconds, at most 5 minutes) before the next is taken;
//! a right one clears it. One account's wrong tries never make another wait. Whoever copies the
//! files can guess offline instead: there each guess costs a full Argon2id derivation, and the
//! strength check at every new passphrase is the real defence.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

const FILE: &str = "unlock-failures";

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// account -> (wrong tries in a row, when the last one was).
fn read(dir: &Path) -> BTreeMap<String, (u32, u64)> {
    let text = crate::limits::read_regular_text(&dir.join(FILE), 1 << 16).unwrap_or_default();
    text.lines()
        .filter_map(|l| {
            let mut p = l.split('\t');
            let name = p.next()?.to_string();
            let count = p.next()?.parse::<u32>().ok()?;
            let last = p.next()?.parse::<u64>().ok()?;
            Some((name, (count, last)))
        })
        .collect()
}

fn write(dir: &Path, all: &BTreeMap<String, (u32, u64)>) {
    let text: String = all.iter().map(|(n, (c, l))| format!("{n}\t{c}\t{l}\n")).collect();
    let _ = super::files::write_atomically(&dir.join(FILE), text.as_bytes());
}

/// How long a try after `failures` wrong ones waits.
fn delay(failures: u32) -> u64 {
    if failures < 3 { 0 } else { (1u64 << (failures - 3).min(9)).min(300) }
}

/// Seconds left before `account`'s next try is taken (0: now). Never more than the longest wait,
/// whatever the file says (a clock set back, an edited file).
pub fn wait_left(dir: &Path, account: &str) -> u64 {
    let Some(&(count, last)) = read(dir).get(account) else { return 0 };
    let wait = delay(count);
    last.saturating_add(wait).saturating_sub(now()).min(wait)
}

/// Counts one more wrong passphrase for `account`.
pub fn failed(dir: &Path, account: &str) {
    let mut all = read(dir);
    let entry = all.entry(account.to_string()).or_insert((0, 0));
    *entry = (entry.0.saturating_add(1), now());
    write(dir, &all);
}

/// A right passphrase: `account`'s count starts again.
pub fn succeeded(dir: &Path, account: &str) {
    let mut all = read(dir);
    if all.remove(account).is_some() {
        write(dir, &all);
    }
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

//! What the app remembers between runs outside the encrypted store: the interface language, the
//! text size and the inactivity lock. Nothing personal: it is read before anyone unlocks.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

/// Interface preferences of this laptop.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Prefs {
    /// Interface language.
    pub lang: Lang,
    /// Text size, 1.0 = normal.
    pub scale: f32,
    /// Minutes without input before the app locks itself.
    pub lock_minutes: u32,
}

impl Default for Prefs {
    fn default() -> Self {
        Prefs { lang: Lang::En, scale: 1.15, lock_minutes: 10 }
    }
}

fn path(dir: &Path) -> PathBuf {
    dir.join("ui.json")
}

impl Prefs {
    /// The preferences saved in `dir`, or the defaults.
    pub fn load(dir: &Path) -> Prefs {
        let mut p: Prefs = crate::limits::read_regular_file(&path(dir), 1 << 20)
            .ok()
            .and_then(|t| serde_json::from_slice(&t).ok())
            .unwrap_or_default();
        p.scale = p.scale.clamp(0.8, 2.0);
        p.lock_minutes = p.lock_minutes.clamp(1, 240);
        p
    }

    /// Saves them in `dir` (a failure only loses the preference, never data).
    pub fn save(&self, dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let text = serde_json::to_string_pretty(self).unwrap_or_default();
        crate::store::write_atomically(&path(dir), text.as_bytes()).map_err(std::io::Error::other)
    }
}

//! The register of flat releases: each time flat files of a form were written, when, with which
//! anonymisation settings and how many records. Two sets of files of the same records made with
//! other settings (another k, other timestamps) can be laid side by side: what one coarsened the
//! other may have left, and a person hidden in each alone is found in both. The register lets a
//! new release be made with the settings of the earlier ones unless its writer says the earlier
//! files were never given out. The laptop and headquarters keep one each.

use rusqlite::params;

use super::{Result, Role, Store, now};

/// One earlier release of a form's flat files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseEntry {
    /// When it was written, as the store's clock writes it.
    pub at: String,
    /// Its anonymisation settings, as the ledger writes them (`k=5 l=1 coarsen=day`).
    pub options: String,
    /// How many records its files held.
    pub records: i64,
}

/// Where releases are registered: the laptop's store or headquarters' database.
pub trait ReleaseRegister {
    /// The releases of `form_id`, newest first.
    fn releases(&mut self, form_id: &str) -> Result<Vec<ReleaseEntry>>;
    /// Registers a release of `form_id` made with `options` over `records` records.
    fn record_release(&mut self, form_id: &str, options: &str, records: i64) -> Result<()>;
}

impl ReleaseRegister for &Store {
    fn releases(&mut self, form_id: &str) -> Result<Vec<ReleaseEntry>> {
        self.require(Role::Coordinator, "forbid-export")?;
        let mut st =
            self.conn.prepare("SELECT at, options, records FROM releases WHERE form_id = ?1 ORDER BY id DESC")?;
        let rows = st
            .query_map([form_id], |r| Ok(ReleaseEntry { at: r.get(0)?, options: r.get(1)?, records: r.get(2)? }))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn record_release(&mut self, form_id: &str, options: &str, records: i64) -> Result<()> {
        self.require(Role::Coordinator, "forbid-export")?;
        self.conn.execute(
            "INSERT INTO releases (form_id, at, options, records) VALUES (?1, ?2, ?3, ?4)",
            params![form_id, now(), options, records],
        )?;
        Ok(())
    }
}

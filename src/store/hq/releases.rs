//! Headquarters' register of flat releases (see `store::releases`), on SQLite or PostgreSQL.

use super::Hq;
use crate::store::{ReleaseEntry, ReleaseRegister, Result, now};

impl ReleaseRegister for Hq {
    fn releases(&mut self, form_id: &str) -> Result<Vec<ReleaseEntry>> {
        self.db.rows(
            "SELECT at, options, records FROM releases WHERE form_id = ?1 ORDER BY id DESC",
            &[&form_id],
            |r| Ok(ReleaseEntry { at: r.get(0)?, options: r.get(1)?, records: r.get(2)? }),
        )
    }

    fn record_release(&mut self, form_id: &str, options: &str, records: i64) -> Result<()> {
        let at = now();
        self.db.exec(
            "INSERT INTO releases (form_id, at, options, records) VALUES (?1, ?2, ?3, ?4)",
            &[&form_id, &at, &options, &records],
        )?;
        Ok(())
    }
}

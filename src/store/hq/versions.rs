//! Which laptops sent each version of a form to headquarters, and where the newest version
//! labels what an older one labelled otherwise: headquarters labels every laptop's records with
//! the newest version of a form, so a version that swaps labels (a rogue laptop's, or a careless
//! edit) is shown to whoever writes tables and flat files.

use super::Hq;
use crate::store::Result;

/// One version of a form at headquarters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormVersion {
    /// SHA-256 of its definition.
    pub hash: String,
    /// Its `version` setting.
    pub version: String,
    /// Its definition.
    pub definition: String,
    /// The laptops whose records were filled with it.
    pub laptops: Vec<String>,
}

impl Hq {
    /// The versions of `form_id`, oldest first, with the laptops that sent each.
    pub fn form_version_sources(&mut self, form_id: &str) -> Result<Vec<FormVersion>> {
        let mut out = Vec::new();
        for (hash, version, definition) in self.form_versions(form_id)? {
            let laptops = self.db.rows(
                "SELECT DISTINCT coalesce(nullif(d.name, ''), r.device_id) FROM records r
                 LEFT JOIN devices d USING (device_id) WHERE r.form_hash = ?1 ORDER BY 1",
                &[&hash],
                |r| r.get(0),
            )?;
            out.push(FormVersion { hash, version, definition, laptops });
        }
        Ok(out)
    }
}

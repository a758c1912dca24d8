//! Headquarters checks every record of a batch against the form definition it was filled with
//! before anything is merged: known questions at the right level, answers of the question's
//! type, choices from the question's list, interview consent, the laptop that signed.

#![deny(clippy::indexing_slicing)]

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Map, Value as J};

use crate::form::{Compiled, ItemId, Kind};
use crate::store::hq::{Incoming, Record};

use super::envelope::Header;
use super::payload::BatchLine;
use super::{BatchError, Result, sha256_hex};

/// A date or date-time coarsened by the export (`2026`, `2026-11`, `2026-11-28`).
static COARSE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\d{4}-\d{2}(-\d{2})?$").expect("a constant regex"));

/// Checks the payload against the signed header and every record against its form; returns the
/// compiled forms by hash.
pub fn validate(header: &Header, line: &BatchLine, incoming: &Incoming) -> Result<HashMap<String, Compiled>> {
    batch_line(header, line)?;
    let mut forms = HashMap::new();
    for (hash, definition) in &incoming.forms {
        forms.insert(hash.clone(), form(hash, definition)?);
    }
    let mut seen = std::collections::HashSet::new();
    for rec in &incoming.records {
        record(rec, header, &forms)?;
        if !seen.insert(rec.uuid.as_str()) {
            return Err(twice(&rec.uuid));
        }
    }
    for t in &incoming.tombstones {
        tombstone(t)?;
    }
    Ok(forms)
}

/// The payload's batch line must repeat the signed header.
pub fn batch_line(header: &Header, line: &BatchLine) -> Result<()> {
    if line.device_id != header.device_id || line.seq != header.seq || line.format != header.format {
        return Err(BatchError::Invalid("the payload belongs to another batch than its signed header".into()));
    }
    Ok(())
}

/// A form version: its hash must be its definition's, and it must compile.
pub fn form(hash: &str, definition: &str) -> Result<Compiled> {
    if sha256_hex(definition.as_bytes()) != hash {
        return Err(BatchError::Invalid(format!("the form version {hash} does not match its hash")));
    }
    crate::form::from_definition(definition).map_err(|e| BatchError::Invalid(format!("the form version {hash}: {e}")))
}

/// A record against its form.
pub fn record(rec: &Record, header: &Header, forms: &HashMap<String, Compiled>) -> Result<()> {
    check_record(rec, header, forms).map_err(|why| BatchError::Invalid(format!("record {}: {why}", rec.uuid)))
}

/// The refusal of a batch that carries record `uuid` twice.
pub fn twice(uuid: &str) -> BatchError {
    BatchError::Invalid(format!("record {uuid} is in the batch twice (a laptop never sends that)"))
}

/// A withdrawal must name a record id.
pub fn tombstone(t: &crate::store::Tombstone) -> Result<()> {
    if uuid::Uuid::parse_str(&t.uuid).is_err() {
        return Err(BatchError::Invalid(format!("a withdrawal names `{}`, which is not a record id", t.uuid)));
    }
    Ok(())
}

fn check_record(rec: &Record, header: &Header, forms: &HashMap<String, Compiled>) -> std::result::Result<(), String> {
    uuid::Uuid::parse_str(&rec.uuid).map_err(|_| "its id is not a UUID".to_string())?;
    let form = forms.get(&rec.form_hash).ok_or("its form version is not in the batch")?;
    if form.form.id != rec.form_id || form.form.version != rec.form_version {
        return Err("its form id or version differs from its form definition".into());
    }
    if !rec.consent_interview {
        return Err("it has no interview consent".into());
    }
    if rec.device_id != header.device_id {
        return Err("it was not recorded on the laptop that signed the batch".into());
    }
    // Times are the laptop's own (whole, or coarsened by the export); the monitor is an account.
    let time_ok = |t: &str| crate::expr::parse_datetime(t).is_some() || COARSE.is_match(t);
    for (what, t) in [
        ("started_at", Some(&rec.started_at)),
        ("completed_at", rec.completed_at.as_ref()),
        ("consent_at", rec.consent_at.as_ref()),
    ] {
        if let Some(t) = t
            && !time_ok(t)
        {
            return Err(format!("its `{what}` is not a time"));
        }
    }
    // Account names as fourmi has ever allowed them (today lower-case; older laptops any case).
    let name_ok = (1..=64).contains(&rec.monitor.len())
        && rec.monitor.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !name_ok {
        return Err("its monitor is not an account name".into());
    }
    if !matches!(rec.status.as_str(), "approved" | "exported") || rec.revision < 1 {
        return Err(format!("status `{}` revision {} cannot be exported", rec.status, rec.revision));
    }
    if let Some(q) = &form.form.consent_question
        && rec.answers.get(q).and_then(J::as_str) != Some("yes")
    {
        return Err(format!("it says the interview had consent, and its consent question `{q}` is not answered yes"));
    }
    check_scope(form, None, &rec.answers)
}

fn check_scope(form: &Compiled, repeat: Option<ItemId>, answers: &Map<String, J>) -> std::result::Result<(), String> {
    for (name, value) in answers {
        let (id, node) = form
            .id(name)
            .and_then(|id| Some((id, form.items.get(id)?)))
            .ok_or_else(|| format!("`{name}` is not a question of its form"))?;
        if node.repeat != repeat {
            return Err(format!("`{name}` is answered outside its repeat"));
        }
        // A quasi-identifier as disclosure control left it: coarsened by one of its steps, or
        // hidden.
        if let J::String(s) = value
            && super::disclosure::leaves_as(form, id, s)
        {
            continue;
        }
        match (node.item.kind, value) {
            (Kind::Repeat, J::Array(instances)) => {
                for inst in instances {
                    let J::Object(inner) = inst else {
                        return Err(format!("`{name}` holds something else than instances"));
                    };
                    check_scope(form, Some(id), inner)?;
                }
            }
            (Kind::Repeat | Kind::Group | Kind::Note | Kind::NotCollected, _) => {
                return Err(format!("`{name}` cannot hold an answer"));
            }
            (Kind::SelectMultiple | Kind::Rank, v) if !v.is_array() => return Err(format!("`{name}` is not a list")),
            (kind, J::Array(_)) if !matches!(kind, Kind::SelectMultiple | Kind::Rank) => {
                return Err(format!("`{name}` holds a list, and its question takes one value"));
            }
            (_, J::Object(_)) => return Err(format!("`{name}` holds an object")),
            (kind, J::String(s))
                if matches!(kind, Kind::Date | Kind::Today | Kind::DateTime | Kind::Start | Kind::End)
                    && COARSE.is_match(s) => {}
            // Metadata and calculations are the engine's own values, not typed answers.
            (kind, J::String(_) | J::Number(_) | J::Bool(_)) if kind.is_metadata() || kind == Kind::Calculate => {}
            (kind, v) if kind.is_select() => {
                let list = form.choice_list(id);
                let known = |c: &str| {
                    (node.item.or_other && c == "other") || list.is_some_and(|cs| cs.iter().any(|x| x.name == c))
                };
                let fits = match v {
                    J::String(c) => known(c),
                    J::Array(cs) => cs.iter().all(|c| c.as_str().is_some_and(known)),
                    _ => false,
                };
                if !fits {
                    return Err(format!("`{name}` holds a choice its list does not have"));
                }
            }
            (_, v) => {
                let text = crate::interview::from_json(v);
                crate::interview::normalise(&node.item, &text, &[]).map_err(|e| format!("`{name}`: {e}"))?;
            }
        }
    }
    Ok(())
}

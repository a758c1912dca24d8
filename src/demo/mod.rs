//! Demo and case-study data: records made through the real interview engine and stored like
//! any interview, consistent with the figures MMC published for Bamako (see `docs/tables.md`).
//! `fourmi demo --data-dir DIR` loads them into a data folder a new user can explore; the
//! case-study test tabulates them and checks each published figure.

pub mod core;
pub mod covid;

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value as J};

use crate::form::{self, Compiled};
use crate::interview::{Interview, StartInfo};
use crate::store::{Result, Store, StoreError};

/// The bundled form named `file`, compiled, and stored in `store` (as the app stores it).
pub fn bundled_form(store: &mut Store, file: &str) -> Result<(String, Arc<Compiled>)> {
    let text = form::BUNDLED
        .iter()
        .find(|(f, _)| *f == file)
        .map(|(_, t)| *t)
        .ok_or_else(|| StoreError::not_found("err-no-form-version", file))?;
    let wb = form::read_toml(text).map_err(|(_, m)| StoreError::Invalid(m))?;
    let loaded = form::from_workbook(&wb, "form", None);
    let definition = form::portable_definition(&wb, &loaded.form);
    let hash = store.save_form(&definition, &loaded.form.id, &loaded.form.version)?;
    Ok((hash, Arc::new(Compiled::new(loaded.form))))
}

/// Fills and finalises one interview per answer set, and stores them in one transaction as the
/// session's account; returns the record ids.
pub fn enter(store: &mut Store, hash: &str, form: &Arc<Compiled>, answers: &[Map<String, J>]) -> Result<Vec<String>> {
    let mut interviews = Vec::with_capacity(answers.len());
    for (n, a) in answers.iter().enumerate() {
        let info = StartInfo {
            language: form.form.default_language.clone(),
            device_id: store.device_id().to_string(),
            username: store.session().account.clone(),
            opened_at: chrono::Utc::now().fixed_offset(),
        };
        let mut iv = Interview::start(form.clone(), info);
        let refused = |what: String| StoreError::Invalid(format!("demo record {n}: {what}"));
        iv.fill(a, Duration::ZERO)
            .map_err(|e| refused(e.iter().map(|x| x.to_string()).collect::<Vec<_>>().join("; ")))?;
        iv.finalize(Duration::ZERO)
            .map_err(|p| refused(p.iter().map(|x| x.name.clone()).collect::<Vec<_>>().join(", ")))?;
        let events = iv.drain_events();
        interviews.push((iv, events));
    }
    store.create_records(hash, &interviews)
}

/// Creates a data folder in `dir` (encrypting batches to `recipients`) with a coordinator, a supervisor and a monitor (all with
/// `passphrase`) and the case-study records: entered by the monitor, all completed; the COVID-19 ones
/// outside Bamako and every core one approved by the supervisor. Returns a one-line summary.
pub fn create(dir: &std::path::Path, passphrase: &str, recipients: &[String]) -> Result<String> {
    use crate::store::{Role, Setup};
    let setup = Setup {
        coordinator: "coordinator".into(),
        passphrase: passphrase.into(),
        device_name: "demo laptop".into(),
        recipients: recipients.to_vec(),
    };
    let mut store = Store::setup(dir, &setup)?;
    store.add_account("supervisor", Role::Supervisor, passphrase)?;
    store.add_account("monitor", Role::Monitor, passphrase)?;
    drop(store);
    let mut store = Store::open(dir, "monitor", passphrase)?;
    let (hash, form) = bundled_form(&mut store, "4mi-covid19.toml")?;
    let respondents = covid::respondents();
    let ids = enter(&mut store, &hash, &form, &respondents)?;
    let (core_hash, core_form) = bundled_form(&mut store, "4mi-core.toml")?;
    let core_ids = enter(&mut store, &core_hash, &core_form, &core::respondents())?;
    drop(store);
    let mut store = Store::open(dir, "supervisor", passphrase)?;
    for id in ids.iter().skip(29) {
        store.approve(id)?;
    }
    for id in &core_ids {
        store.approve(id)?;
    }
    Ok(format!(
        "{} COVID-19 interviews (29 in Bamako awaiting review, {} elsewhere in Mali approved) and {} core interviews (approved) in {}",
        ids.len(),
        ids.len() - 29,
        core_ids.len(),
        dir.display()
    ))
}

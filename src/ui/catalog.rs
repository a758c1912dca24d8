//! The questionnaires a monitor can start: the bundled ones and any the coordinator put in the
//! data folder's `forms/` folder; and every stored form version, for reopening older records.

use crate::i18n::Said;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use crate::form::{self, Compiled, Workbook};
use crate::store::Store;

/// A questionnaire ready for interviews.
pub struct FormEntry {
    /// Its definition as the store keeps it.
    pub definition: String,
    /// Compiled.
    pub compiled: Arc<Compiled>,
}

/// The forms available, and the compiled forms by definition hash.
#[derive(Default)]
pub struct Catalog {
    /// Forms that can be started, in the order shown.
    pub forms: Vec<FormEntry>,
    /// Forms that could not be loaded, with why (shown on the new-interview screen; the form
    /// checks' own findings are worded in XLSForm's English terms).
    pub problems: Vec<Said>,
    by_hash: HashMap<String, Arc<Compiled>>,
}

/// A form check's finding, as it says it.
fn finding(text: String) -> Said {
    Said::new("form-finding", &[("detail", text)])
}

impl Catalog {
    /// The bundled forms and those in `dir/forms`.
    pub fn load(dir: &Path) -> Catalog {
        let mut cat = Catalog::default();
        for (name, text) in form::BUNDLED {
            match form::read_toml(text) {
                Ok(wb) => cat.add(&wb, name.trim_end_matches(".toml"), None, name),
                Err((pos, m)) => cat.problems.push(finding(format!("{name}:{pos}: {m}"))),
            }
        }
        let extra = dir.join("forms");
        let mut files: Vec<_> = std::fs::read_dir(&extra)
            .map(|rd| rd.flatten().map(|e| e.path()).filter(|p| form::Format::of(p).is_some()).collect())
            .unwrap_or_default();
        files.sort();
        for path in files {
            let shown = path.display().to_string();
            match form::read_workbook(&path) {
                Ok(wb) => {
                    let id = path.file_stem().and_then(|s| s.to_str()).unwrap_or("form").to_string();
                    cat.add(&wb, &id, path.parent(), &shown);
                }
                Err(e) => cat.problems.push(finding(format!("{shown}: {e}"))),
            }
        }
        cat
    }

    fn add(&mut self, wb: &Workbook, id: &str, dir: Option<&Path>, shown: &str) {
        let loaded = form::from_workbook(wb, id, dir);
        if let Err(why) = loaded.ready_for_interviews(shown) {
            self.problems.push(finding(why));
            return;
        }
        if self.forms.iter().any(|f| f.compiled.form.id == loaded.form.id) {
            self.problems
                .push(Said::new("err-form-id-twice", &[("file", shown.to_string()), ("id", loaded.form.id.clone())]));
            return;
        }
        let definition = form::portable_definition(wb, &loaded.form);
        self.forms.push(FormEntry { definition, compiled: Arc::new(Compiled::new(loaded.form)) });
    }

    /// Stores form `index`'s definition (once) and returns its hash and compiled form.
    pub fn register(&mut self, store: &mut Store, index: usize) -> crate::store::Result<(String, Arc<Compiled>)> {
        let entry = self
            .forms
            .get(index)
            .ok_or_else(|| crate::store::StoreError::not_found("err-no-form-version", index.to_string()))?;
        let f = &entry.compiled.form;
        let hash = store.save_form(&entry.definition, &f.id, &f.version)?;
        let compiled = entry.compiled.clone();
        self.by_hash.insert(hash.clone(), compiled.clone());
        Ok((hash, compiled))
    }

    /// The compiled form a record was filled with.
    pub fn by_hash(&mut self, store: &Store, hash: &str) -> crate::store::Result<Arc<Compiled>> {
        if let Some(c) = self.by_hash.get(hash) {
            return Ok(c.clone());
        }
        let def = store.form_definition(hash)?;
        let compiled = Arc::new(form::from_definition(&def).map_err(crate::store::StoreError::Corrupt)?);
        self.by_hash.insert(hash.to_string(), compiled.clone());
        Ok(compiled)
    }

    /// The title of form `id` in `lang` (or its id).
    pub fn title(&self, id: &str, lang: &str) -> String {
        self.forms
            .iter()
            .find(|f| f.compiled.form.id == id)
            .and_then(|f| form::text_in(&f.compiled.form.title, lang, &f.compiled.form.default_language))
            .unwrap_or(id)
            .to_string()
    }
}

//! Store errors in the user's language, saying what happened and what to do.

use fluent_bundle::FluentValue;

use crate::i18n::Tr;
use crate::store::StoreError;

/// The message for a batch error `e` in the interface language.
pub fn batch_message(tr: &Tr, e: &crate::batch::BatchError) -> String {
    match (e, e.said()) {
        (crate::batch::BatchError::Store(e), _) => message(tr, e),
        (_, Some(m)) => tr.said(&m),
        (_, None) => String::new(),
    }
}

/// The analysts' views that could not be made, form by form, in the interface language.
pub fn views_failed(tr: &Tr, failures: &[crate::batch::import::ViewFailure]) -> String {
    use crate::batch::import::ViewWhy;
    let each = failures.iter().map(|f| {
        let detail = match &f.why {
            ViewWhy::Form { hash, detail } => {
                tr.ta("err-view-form-unreadable", &[("hash", hash.clone().into()), ("detail", detail.clone().into())])
            }
            ViewWhy::Store(e) => message(tr, e),
        };
        match &f.form_id {
            Some(form) => tr.ta("hq-view-failure", &[("form", form.clone().into()), ("detail", detail.into())]),
            None => tr.ta("hq-view-forms-unlisted", &[("detail", detail.into())]),
        }
    });
    each.collect::<Vec<_>>().join("; ")
}

/// The message for `e` in the interface language.
pub fn message(tr: &Tr, e: &StoreError) -> String {
    let dir = |p: &std::path::Path| FluentValue::from(p.display().to_string());
    match e {
        StoreError::AlreadyOpen(p) => tr.ta("err-already-open", &[("dir", dir(p))]),
        StoreError::NotSetUp(p) => tr.ta("err-not-set-up", &[("dir", dir(p))]),
        StoreError::AlreadySetUp(p) => tr.ta("err-already-set-up", &[("dir", dir(p))]),
        StoreError::KeyringMissing(p) => tr.ta("err-keyring-missing", &[("dir", dir(p))]),
        StoreError::DatabaseMissing(p) => tr.ta("err-database-missing", &[("dir", dir(p))]),
        StoreError::Said(m) => tr.said(m),
        StoreError::WrongPassphrase => tr.t("err-wrong-passphrase"),
        StoreError::KeyReplaced => tr.t("err-key-replaced"),
        StoreError::WeakPassphrase(n) => tr.ta("err-weak-passphrase", &[("n", (*n as i64).into())]),
        StoreError::GuessablePassphrase(why) => {
            tr.ta("err-guessable-passphrase", &[("why", tr.t(&format!("pass-why-{why}")).into())])
        }
        StoreError::TooManyTries(s) => tr.ta("err-too-many-tries", &[("seconds", (*s as i64).into())]),
        StoreError::Forbidden(m) | StoreError::NotFound(m) => tr.said(m),
        StoreError::IllegalTransition { from, to } => {
            tr.ta("err-transition", &[("from", from.clone().into()), ("to", to.clone().into())])
        }
        StoreError::Invalid(m) => tr.ta("err-invalid", &[("detail", m.clone().into())]),
        StoreError::DiskFull => tr.t("err-disk-full"),
        StoreError::ReadOnly => tr.t("err-read-only"),
        StoreError::DiskIo(code) => tr.ta("err-disk-io", &[("code", (*code as i64).into())]),
        StoreError::NewerDatabase(v) => tr.ta("err-newer", &[("version", (*v).into())]),
        StoreError::Corrupt(m) => tr.ta("err-corrupt", &[("detail", m.clone().into())]),
        StoreError::Io { path, source } => {
            tr.ta("err-io", &[("path", dir(path)), ("detail", source.to_string().into())])
        }
        StoreError::Db(m) => tr.ta("err-db", &[("detail", m.clone().into())]),
    }
}

/// Anything the user is told went wrong, worded in their language.
pub trait Worded {
    /// The message in `tr`'s language.
    fn worded(&self, tr: &Tr) -> String;
}

impl Worded for StoreError {
    fn worded(&self, tr: &Tr) -> String {
        message(tr, self)
    }
}

impl Worded for crate::batch::BatchError {
    fn worded(&self, tr: &Tr) -> String {
        batch_message(tr, self)
    }
}

impl Worded for crate::i18n::Said {
    fn worded(&self, tr: &Tr) -> String {
        tr.said(self)
    }
}

/// Text already worded (a message from the bundle, or a detail with no words of ours).
impl Worded for String {
    fn worded(&self, _: &Tr) -> String {
        self.clone()
    }
}

impl Worded for crate::tables::TableError {
    fn worded(&self, tr: &Tr) -> String {
        tr.said(&self.said())
    }
}

impl Worded for crate::form::LoadError {
    fn worded(&self, tr: &Tr) -> String {
        use crate::form::LoadError;
        let file = |p: &std::path::Path| FluentValue::from(p.display().to_string());
        match self {
            LoadError::Io { path, source } => {
                tr.ta("err-form-unreadable", &[("file", file(path)), ("detail", source.to_string().into())])
            }
            LoadError::UnknownFormat(path) => tr.ta("err-form-format", &[("file", file(path))]),
            // The reader's own words (a spreadsheet or TOML library's) are the detail.
            LoadError::Syntax { path, pos, message } => tr.ta(
                "err-form-syntax",
                &[("place", format!("{}:{pos}", path.display()).into()), ("detail", message.clone().into())],
            ),
        }
    }
}

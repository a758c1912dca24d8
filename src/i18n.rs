//! The user interface's words in English and French, through Fluent (`assets/i18n/*.ftl`).
//!
//! Nothing here knows egui: the desktop app asks for a message by id, with arguments, in the
//! language the user chose. A missing message shows its id (and a test checks that every id the
//! app uses exists in every language).

use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};

/// A language of the user interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, Default)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// French.
    Fr,
}

impl Lang {
    /// Every language, in the order offered.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Fr];

    /// The language's own name.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Fr => "Français",
        }
    }

    /// The language the environment asks for (`LANG`, `LC_ALL`, `LC_MESSAGES` starting with
    /// `fr`), for the command line; English otherwise.
    pub fn from_env() -> Lang {
        let asked =
            ["LC_ALL", "LC_MESSAGES", "LANG"].iter().find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()));
        if asked.is_some_and(|l| l.to_lowercase().starts_with("fr")) { Lang::Fr } else { Lang::En }
    }

    /// The BCP 47 code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    fn source(self) -> &'static str {
        match self {
            Lang::En => include_str!("../assets/i18n/en.ftl"),
            Lang::Fr => include_str!("../assets/i18n/fr.ftl"),
        }
    }
}

/// A message for the user, said by a layer below the interface (an error of the store or of a
/// batch): its Fluent id and arguments, worded in the user's language by [`Tr::said`], and in
/// English where no language is chosen (the command line, logs of tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Said {
    /// The message id in `assets/i18n/*.ftl`.
    pub id: &'static str,
    /// Its arguments.
    pub args: Vec<(&'static str, String)>,
}

impl Said {
    /// The message `id` with `args`.
    pub fn new(id: &'static str, args: &[(&'static str, String)]) -> Said {
        Said { id, args: args.to_vec() }
    }
}

impl std::fmt::Display for Said {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Where no language is chosen (the command line), the environment's (`LANG=fr_...`).
        thread_local! {
            static FROM_ENV: Tr = Tr::new(Lang::from_env());
        }
        f.write_str(&FROM_ENV.with(|tr| tr.said(self)))
    }
}

/// The messages of every language, and the one in use.
pub struct Tr {
    lang: Lang,
    bundles: Vec<FluentBundle<FluentResource>>,
}

impl std::fmt::Debug for Tr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tr").field("lang", &self.lang).finish_non_exhaustive()
    }
}

impl Tr {
    /// Loads every language's messages and uses `lang`.
    pub fn new(lang: Lang) -> Tr {
        let bundles = Lang::ALL.iter().map(|l| bundle(*l)).collect();
        Tr { lang, bundles }
    }

    /// The language in use.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Switches language; every message asked for afterwards follows.
    pub fn set_lang(&mut self, lang: Lang) {
        self.lang = lang;
    }

    /// The message `id`.
    pub fn t(&self, id: &str) -> String {
        self.format(id, None)
    }

    /// The message `id` with arguments (`{ $name }` in the message).
    pub fn ta(&self, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let mut fa = FluentArgs::new();
        for (k, v) in args {
            fa.set(*k, v.clone());
        }
        self.format(id, Some(&fa))
    }

    /// A stored moment (RFC 3339, as the store writes it in UTC) in the laptop's local time, as
    /// the interface language writes dates: `01/12/2026 15:43` in French, `01 Dec 2026 15:43` in
    /// English. Text that is not such a moment is shown as it is.
    pub fn when(&self, iso: &str) -> String {
        match chrono::DateTime::parse_from_rfc3339(iso) {
            Ok(t) => {
                let local = t.with_timezone(&chrono::Local);
                let format = match self.lang {
                    Lang::Fr => "%d/%m/%Y %H:%M",
                    Lang::En => "%d %b %Y %H:%M",
                };
                local.format(format).to_string()
            }
            Err(_) => iso.to_string(),
        }
    }

    /// A message said below the interface, in the language in use.
    pub fn said(&self, m: &Said) -> String {
        let args: Vec<(&str, FluentValue<'_>)> = m.args.iter().map(|(k, v)| (*k, v.as_str().into())).collect();
        self.ta(m.id, &args)
    }

    /// Whether every language has message `id`.
    pub fn has(&self, id: &str) -> bool {
        self.bundles.iter().all(|b| b.has_message(id))
    }

    /// The ids of every message of `lang`.
    pub fn ids(&self, lang: Lang) -> Vec<String> {
        let index = Lang::ALL.iter().position(|l| *l == lang).unwrap_or(0);
        let res = FluentResource::try_new(Lang::ALL[index].source().to_string()).unwrap_or_else(|(r, _)| r);
        res.entries()
            .filter_map(|e| match e {
                fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
                _ => None,
            })
            .collect()
    }

    fn format(&self, id: &str, args: Option<&FluentArgs>) -> String {
        let index = Lang::ALL.iter().position(|l| *l == self.lang).unwrap_or(0);
        // Fall back to English when a translation is missing.
        for b in [&self.bundles[index], &self.bundles[0]] {
            if let Some(pattern) = b.get_message(id).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                return b.format_pattern(pattern, args, &mut errors).into_owned();
            }
        }
        id.to_string()
    }
}

fn bundle(lang: Lang) -> FluentBundle<FluentResource> {
    let id: unic_langid::LanguageIdentifier = lang.code().parse().unwrap_or_default();
    let mut b = FluentBundle::new(vec![id]);
    // egui draws Unicode isolation marks as boxes.
    b.set_use_isolating(false);
    // The files are part of the binary and tested; a syntax error keeps the messages that parsed.
    let res = FluentResource::try_new(lang.source().to_string()).unwrap_or_else(|(r, _)| r);
    let _ = b.add_resource(res);
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_counts_of_zero_say_none_not_one() {
        // French counts 0 as "one" (CLDR): the messages give 0 its own words.
        let tr = Tr::new(Lang::Fr);
        let text = tr.ta("export-report-counts", &[("n", 0.into()), ("w", 0.into())]);
        assert_eq!(text, "Aucune fiche et aucun retrait.");
        assert_eq!(tr.ta("export-report-counts", &[("n", 1.into()), ("w", 2.into())]), "Une fiche et 2 retraits.");
        assert_eq!(tr.ta("records-count", &[("n", 0.into())]), "Aucune fiche");
    }

    #[test]
    fn no_french_count_says_one_where_it_may_be_zero() {
        // A French `[one]` variant is also chosen for 0: a literal 1 in it would say "1" of
        // nothing ("1398 fiches, 1 retrait" for no withdrawal).
        let said_one = Lang::Fr.source().lines().filter(|l| {
            let l = l.trim_start();
            l.starts_with("[one]") && l.split_whitespace().any(|w| w == "1")
        });
        assert_eq!(said_one.collect::<Vec<_>>(), Vec::<&str>::new());
        let tr = Tr::new(Lang::Fr);
        let none = tr.ta("cli-batch-written", &[("n", 1398.into()), ("w", 0.into()), ("file", "f".into())]);
        assert_eq!(none, "1398 fiches, 0 retrait, f");
    }

    #[test]
    fn counts_say_one_in_the_singular_in_both_languages() {
        let en = Tr::new(Lang::En);
        let fr = Tr::new(Lang::Fr);
        let args = |n: i64| [("seq", 3.into()), ("when", "today".into()), ("n", n.into())];
        assert_eq!(en.ta("home-last-batch", &args(1)), "Last batch: number 3, today, one record.");
        assert_eq!(en.ta("home-last-batch", &args(2)), "Last batch: number 3, today, 2 records.");
        assert_eq!(fr.ta("home-last-batch", &args(1)), "Dernier lot : numéro 3, today, une fiche.");
        assert_eq!(fr.ta("record-audit", &[("n", 0.into())]), "Journal d'audit (aucun événement)");
    }

    #[test]
    fn a_stored_moment_is_shown_in_local_time_as_each_language_writes_dates() {
        let t = "2026-12-01T15:43:12.000Z";
        let local = chrono::DateTime::parse_from_rfc3339(t).unwrap().with_timezone(&chrono::Local);
        assert_eq!(Tr::new(Lang::Fr).when(t), local.format("%d/%m/%Y %H:%M").to_string());
        assert_eq!(Tr::new(Lang::En).when(t), local.format("%d %b %Y %H:%M").to_string());
        assert_eq!(Tr::new(Lang::En).when("not a time"), "not a time");
    }

    #[test]
    fn a_message_said_below_the_interface_is_worded_in_the_language_in_use() {
        let m = Said::new("err-account-exists", &[("name", "awa".into())]);
        assert_eq!(m.to_string(), "An account named awa already exists. Choose another name.");
        assert_eq!(Tr::new(Lang::Fr).said(&m), "Un compte nommé awa existe déjà. Choisissez un autre nom.");
    }

    #[test]
    fn every_message_exists_in_every_language_and_parses() {
        for lang in Lang::ALL {
            if let Err((_, errors)) = FluentResource::try_new(lang.source().to_string()) {
                panic!("{} has syntax errors: {errors:?}", lang.code());
            }
        }
        let tr = Tr::new(Lang::En);
        let en = tr.ids(Lang::En);
        let fr = tr.ids(Lang::Fr);
        let missing_fr: Vec<_> = en.iter().filter(|i| !fr.contains(i)).collect();
        let missing_en: Vec<_> = fr.iter().filter(|i| !en.contains(i)).collect();
        assert!(missing_fr.is_empty(), "missing in French: {missing_fr:?}");
        assert!(missing_en.is_empty(), "missing in English: {missing_en:?}");
    }

    /// The Rust files under `src/<sub>`, with their text.
    fn sources(sub: &str) -> Vec<(std::path::PathBuf, String)> {
        let mut out = Vec::new();
        let mut stack = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(sub)];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    let text = std::fs::read_to_string(&p).unwrap();
                    out.push((p, text));
                }
            }
        }
        out
    }

    #[test]
    fn every_message_the_app_asks_for_exists() {
        let tr = Tr::new(Lang::En);
        let mut missing = Vec::new();
        // Message ids appear as `.t("id")`, `.ta("id", ..)`, `Said::new(ID, ..)`, or as literals
        // passed on, anywhere in the code (the store and batches say theirs too).
        let in_ui = regex::Regex::new(
            r#""((?:nav|home|records|record|settings|tallies|tables|iv|start|setup|unlock|export|err|forbid|ans|ui|lock|notice|hint|form)-[a-z0-9-]+)""#,
        )
        .unwrap();
        let said = regex::Regex::new(r#"(?:Said::new|forbidden|said|not_found|one)\(\s*"([a-z0-9-]+)""#).unwrap();
        for (p, text) in sources("") {
            let ui = p.components().any(|c| c.as_os_str() == "ui");
            let ids = said.captures_iter(&text).chain(ui.then(|| in_ui.captures_iter(&text)).into_iter().flatten());
            for c in ids {
                if !tr.has(&c[1]) {
                    missing.push(format!("{}: {}", p.display(), &c[1]));
                }
            }
        }
        for s in crate::store::Status::ALL {
            if !tr.has(&format!("status-{}", s.as_str())) {
                missing.push(format!("status-{}", s.as_str()));
            }
        }
        for why in ["media", "location", "device"] {
            if !tr.has(&format!("iv-not-collected-{why}")) {
                missing.push(format!("iv-not-collected-{why}"));
            }
        }
        for r in [crate::store::Role::Monitor, crate::store::Role::Supervisor, crate::store::Role::Coordinator] {
            if !tr.has(&format!("role-{}", r.as_str())) {
                missing.push(format!("role-{}", r.as_str()));
            }
        }
        assert!(missing.is_empty(), "messages used but not defined: {missing:#?}");
    }

    /// Words for the user written in the interface's code instead of `assets/i18n/*.ftl` would
    /// show in English in the French app: any string literal in `src/ui` with a word in it must be
    /// a message id, a widget's id, a format of values, or one of the few listed here with why.
    #[test]
    fn no_words_for_the_user_are_written_in_the_interface_code() {
        let literal = regex::Regex::new(r#""((?:[^"\\]|\\.)*)""#).unwrap();
        let word = regex::Regex::new(r"[A-Za-z]{2,}").unwrap();
        let id = regex::Regex::new(r"^[a-z0-9_.:#-]+$").unwrap();
        let placeholder = regex::Regex::new(r"\{[^}]*\}").unwrap();
        // Lines whose literals are ids, never shown: egui's widget ids and the system's names.
        let not_shown =
            ["Grid::new(", "id_salt(", "Panel::", "Id::new(", ".name(", "Key::", "env!(", "include_bytes!("];
        // Shown, and the same in every language.
        let same_everywhere = [
            "fourmi",  // the app's name
            "English", // each language's own name
            "Français",
            "age1...",         // the form of an age public key, as a hint
            "AGE-SECRET-KEY-", // what is looked for in a pasted key, never shown
            "%d/%m/%Y",        // date formats (the interface's format is DD/MM/YYYY in both)
            "%H:%M",
            "%Y-%m-%dT%H:%M",
            "${city} = 'bamako'", // an example of a filter (an expression)
            "(fr",                // how a form names French, looked for
            "OK",                 // the value an acknowledge question stores (as ODK)
        ];
        let mut found = Vec::new();
        for (p, text) in sources("ui") {
            let text = text.split("#[cfg(test)]").next().unwrap_or_default();
            for (n, line) in text.lines().enumerate() {
                let code = line.trim_start();
                if code.starts_with("//") || not_shown.iter().any(|k| line.contains(k)) {
                    continue;
                }
                for c in literal.captures_iter(line) {
                    let s = &c[1];
                    // A format of values only: `{}`, `{name}`, `{:.0}%`, `{} {}`.
                    let words = placeholder.replace_all(s, "");
                    if !word.is_match(&words) || id.is_match(&words) || same_everywhere.contains(&s) {
                        continue;
                    }
                    found.push(format!("{}:{}: \"{s}\"", p.display(), n + 1));
                }
            }
        }
        assert!(found.is_empty(), "words for the user outside Fluent: {found:#?}");
    }

    #[test]
    fn switching_language_changes_the_words_and_arguments_fill_in() {
        let mut tr = Tr::new(Lang::En);
        let en = tr.t("unlock-button");
        tr.set_lang(Lang::Fr);
        assert_ne!(en, tr.t("unlock-button"));
        assert!(tr.ta("home-signed-in", &[("name", "ana".into()), ("role", "x".into())]).contains("ana"));
        assert_eq!(tr.t("no-such-message"), "no-such-message");
    }
}

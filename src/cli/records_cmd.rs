//! `fourmi records add|list|show|approve|return|withdraw`, and the hidden autosave loop the
//! crash test drives.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Subcommand;
use serde_json::{Value as J, json};

use super::session::{StoreArgs, fail, say};
use crate::form::{self, Compiled};
use crate::interview::{Interview, Loc, Outcome, ProblemKind, StartInfo};
use crate::store::{RecordFilter, Status, Store};

/// `fourmi records ...`.
#[derive(Debug, Subcommand)]
pub enum RecordsCmd {
    /// Enter records from JSON answers, through the same interview engine as the app.
    Add {
        /// The questionnaire.
        #[arg(long)]
        form: PathBuf,
        /// A file holding a JSON object of answers (question name to value; a select_multiple as a list of
        /// choice names; a repeat as a list of objects), or a .jsonl file of many, one a line.
        #[arg(long)]
        answers: PathBuf,
        /// Finalise each record (refused, with the reasons, when answers are missing or invalid).
        #[arg(long)]
        finalize: bool,
        /// Interview language (default: the form's default language).
        #[arg(long)]
        language: Option<String>,
    },
    /// List records, one a line: uuid, status, form, monitor, last change.
    List {
        /// Only this status (draft, completed, returned, approved, exported, withdrawn, refused, screened_out).
        #[arg(long)]
        status: Option<String>,
        /// Only this form id.
        #[arg(long)]
        form: Option<String>,
        /// Only records that say this (answers and their choices' labels in any language, the
        /// UUID, the monitor), as the app's search.
        #[arg(long)]
        search: Option<String>,
    },
    /// Show one record as JSON, with its comments and corrections.
    Show {
        /// Record UUID.
        uuid: String,
    },
    /// Approve a completed record.
    Approve {
        /// Record UUID.
        uuid: String,
    },
    /// Return a completed record to its monitor with a comment.
    Return {
        /// Record UUID.
        uuid: String,
        /// What to correct.
        #[arg(long)]
        comment: String,
    },
    /// The respondent withdrew consent: purge the answers, keep a tombstone.
    Withdraw {
        /// Record UUID.
        uuid: String,
    },
    /// Write this laptop's approved and exported records of one form as flat files (CSV or
    /// XLSX, codebook, Stata do-file), anonymised as a batch is (coordinators).
    Export(super::flat_cmd::FlatArgs),
    /// Test hook: answer one question again and again, printing each value once it is saved.
    #[command(hide = true)]
    AutosaveLoop {
        /// The questionnaire (its first text question is answered).
        #[arg(long)]
        form: PathBuf,
    },
}

/// Runs a records subcommand.
pub fn run(args: &StoreArgs, cmd: RecordsCmd) -> ExitCode {
    let mut store = match args.open() {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let result = match cmd {
        RecordsCmd::Add { form, answers, finalize, language } => {
            return add(&mut store, &form, &answers, finalize, language);
        }
        RecordsCmd::AutosaveLoop { form } => return autosave_loop(&mut store, &form),
        RecordsCmd::List { status, form, search } => list(&store, status, form, search),
        RecordsCmd::Show { uuid } => show(&store, &uuid),
        RecordsCmd::Approve { uuid } => store.approve(&uuid).map(|_| println!("{uuid}\tapproved")).map_err(say),
        RecordsCmd::Return { uuid, comment } => {
            store.return_record(&uuid, &comment).map(|_| println!("{uuid}\treturned")).map_err(say)
        }
        RecordsCmd::Withdraw { uuid } => store.withdraw(&uuid).map(|_| println!("{uuid}\twithdrawn")).map_err(say),
        RecordsCmd::Export(args) => super::flat_cmd::laptop_export(&store, &args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}

/// Loads a form for entry and stores its definition; returns the compiled form and its hash.
fn load_form(store: &mut Store, path: &Path) -> Result<(Arc<Compiled>, String), String> {
    let wb = form::read_workbook(path).map_err(say)?;
    let id = path.file_stem().and_then(|s| s.to_str()).unwrap_or("form");
    let loaded = form::from_workbook(&wb, id, path.parent());
    if !loaded.is_valid() {
        let shown = path.display().to_string();
        let errors: Vec<String> =
            loaded.diags.iter().filter(|d| d.severity == form::Severity::Error).map(|d| d.render(&shown)).collect();
        return Err(format!("the form has errors; check it with `fourmi form check`:\n{}", errors.join("\n")));
    }
    loaded.ready_for_interviews(&path.display().to_string())?;
    let definition = form::portable_definition(&wb, &loaded.form);
    let hash = store.save_form(&definition, &loaded.form.id, &loaded.form.version).map_err(say)?;
    Ok((Arc::new(Compiled::new(loaded.form)), hash))
}

fn start(store: &Store, form: &Arc<Compiled>, language: Option<&str>) -> Interview {
    let info = StartInfo {
        language: language.map(str::to_string).unwrap_or_else(|| form.form.default_language.clone()),
        device_id: store.device_id().to_string(),
        username: store.session().account.clone(),
        opened_at: chrono::Utc::now().fixed_offset(),
    };
    let last = store.last_saved_answers(&form.form.id).unwrap_or_default();
    Interview::start_after(form.clone(), info, &last)
}

fn add(store: &mut Store, form_path: &Path, answers: &Path, finalize: bool, language: Option<String>) -> ExitCode {
    let (form, hash) = match load_form(store, form_path) {
        Ok(f) => f,
        Err(e) => return fail(e),
    };
    let text = match crate::limits::read_regular_text(answers, crate::limits::SMALL_FILE_BYTES) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let many = answers.extension().is_some_and(|e| e.eq_ignore_ascii_case("jsonl"));
    let entries: Vec<(String, &str)> = if many {
        text.lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| (format!("line {}: ", i + 1), l))
            .collect()
    } else {
        vec![(String::new(), text.as_str())]
    };
    let mut failed = 0;
    for (prefix, line) in entries {
        match add_one(store, &form, &hash, line, finalize, language.as_deref()) {
            Ok((uuid, status)) => println!("{uuid}\t{}", status.as_str()),
            Err(messages) => {
                failed += 1;
                for m in messages {
                    println!("{prefix}{m}");
                }
            }
        }
    }
    if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

/// Enters one record; returns its UUID and status, or every reason it was refused.
fn add_one(
    store: &mut Store,
    form: &Arc<Compiled>,
    hash: &str,
    json_text: &str,
    finalize: bool,
    language: Option<&str>,
) -> Result<(String, Status), Vec<String>> {
    let value: J = serde_json::from_str(json_text).map_err(|e| vec![format!("not valid JSON: {e}")])?;
    let J::Object(answers) = value else { return Err(vec!["the answers must be a JSON object".into()]) };
    let mut iv = start(store, form, language);
    let clock = Instant::now();
    iv.fill(&answers, clock.elapsed()).map_err(|errs| errs.into_iter().map(|e| e.to_string()).collect::<Vec<_>>())?;
    if finalize
        && iv.outcome() == Outcome::InProgress
        && let Err(problems) = iv.finalize(clock.elapsed())
    {
        return Err(problems
            .into_iter()
            .map(|p| {
                let why = p.message.unwrap_or_else(|| match p.kind {
                    ProblemKind::Required => "an answer is required".into(),
                    ProblemKind::Constraint => "the answer does not meet the question's constraint".into(),
                    ProblemKind::FormError(e) => e,
                });
                format!("{}: {why}", p.name)
            })
            .collect());
    }
    let events = iv.drain_events();
    let uuid = store.create_record(hash, &iv, &events).map_err(|e| vec![e.to_string()])?;
    let status = store.record(&uuid).map(|r| r.status).map_err(|e| vec![e.to_string()])?;
    Ok((uuid, status))
}

fn list(store: &Store, status: Option<String>, form: Option<String>, search: Option<String>) -> Result<(), String> {
    let mut filter = RecordFilter { form_id: form, text: search, ..RecordFilter::default() };
    if let Some(s) = status {
        let parsed = Status::parse(&s).ok_or_else(|| {
            let all: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
            format!("`{s}` is not a status: use {}", all.join(", "))
        })?;
        filter.status.push(parsed);
    }
    for r in store.records(&filter).map_err(say)? {
        println!("{}\t{}\t{}\t{}\t{}", r.uuid, r.status.as_str(), r.form_id, r.monitor, r.updated_at);
    }
    Ok(())
}

fn show(store: &Store, uuid: &str) -> Result<(), String> {
    let rec = store.record(uuid).map_err(say)?;
    let comments: Vec<J> = store
        .comments(uuid)
        .map_err(say)?
        .into_iter()
        .map(|(author, at, comment)| json!({"author": author, "at": at, "comment": comment}))
        .collect();
    let corrections: Vec<J> = store
        .corrections(uuid)
        .map_err(say)?
        .into_iter()
        .map(|(rev, field, old, new, author, at)| {
            json!({"revision": rev, "field": field, "old": old, "new": new, "author": author, "at": at})
        })
        .collect();
    let mut out = serde_json::to_value(&rec).map_err(|e| e.to_string())?;
    out["comments"] = J::Array(comments);
    out["corrections"] = J::Array(corrections);
    println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    Ok(())
}

/// Answers the form's first text question with 1, 2, 3, ... forever, printing `saved N` after
/// each autosave has committed. The crash test kills this process at random moments.
fn autosave_loop(store: &mut Store, form_path: &Path) -> ExitCode {
    let (form, hash) = match load_form(store, form_path) {
        Ok(f) => f,
        Err(e) => return fail(e),
    };
    let Some(target) = form.items.iter().position(|n| n.item.kind == form::Kind::Text && n.parent.is_none()) else {
        return fail(String::from("the form has no top-level text question"));
    };
    let mut iv = start(store, &form, None);
    let uuid = match store.create_record(&hash, &iv, &iv.clone().drain_events()) {
        Ok(u) => u,
        Err(e) => return fail(e),
    };
    println!("record {uuid}");
    let clock = Instant::now();
    for n in 1u64.. {
        if iv.set_answer(&Loc::top(target), &n.to_string(), clock.elapsed()).is_err() {
            return fail(String::from("the question cannot be answered"));
        }
        let events = iv.drain_events();
        if let Err(e) = store.autosave(&uuid, &iv, &events) {
            return fail(e);
        }
        println!("saved {n}");
        std::thread::sleep(Duration::from_millis(1));
    }
    ExitCode::SUCCESS
}

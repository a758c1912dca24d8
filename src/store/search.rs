//! The search index: what each record says ([`crate::form::Compiled::answer_text`]: answer
//! values and their choices' labels in every language), in an FTS5 table inside the encrypted
//! database, kept in the transaction that writes the answers. Its rows share the records'
//! rowids (fourmi never vacuums, and SQLCipher's rekey keeps them).

use std::collections::HashMap;
use std::sync::Arc;

use rusqlite::{Connection, params};

use super::Result;

/// Sets what record `uuid` says to `words` (none: it says nothing).
pub(super) fn index(conn: &Connection, uuid: &str, words: &str) -> Result<()> {
    let rowid: i64 =
        conn.prepare_cached("SELECT rowid FROM records WHERE uuid = ?1")?.query_row([uuid], |r| r.get(0))?;
    conn.prepare_cached("DELETE FROM records_text WHERE rowid = ?1")?.execute([rowid])?;
    if !words.is_empty() {
        conn.prepare_cached("INSERT INTO records_text (rowid, uuid, body) VALUES (?1, ?2, ?3)")?
            .execute(params![rowid, uuid, words])?;
    }
    Ok(())
}

/// The FTS5 query for what a user typed: each word, as the start of a word, all of them
/// (case and accents ignored by the index's tokenizer). None when nothing searchable is typed.
pub(super) fn query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(16)
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// Indexes the records written before the index existed, once (each form read from its stored
/// definition).
pub(super) fn backfill(conn: &mut Connection) -> Result<()> {
    let done: i64 = conn.query_row("SELECT count(*) FROM meta WHERE key = 'records_text'", [], |r| r.get(0))?;
    if done > 0 {
        return Ok(());
    }
    let tx = conn.transaction()?;
    {
        let mut forms: HashMap<String, Option<Arc<crate::form::Compiled>>> = HashMap::new();
        let mut stmt = tx.prepare(
            "SELECT r.uuid, r.form_hash, r.answers, f.definition FROM records r JOIN forms f ON f.hash = r.form_hash \
             WHERE r.status NOT IN ('refused', 'screened_out', 'withdrawn')",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
        })?;
        for row in rows {
            let (uuid, hash, answers, definition) = row?;
            let form =
                forms.entry(hash).or_insert_with(|| crate::form::from_definition(&definition).ok().map(Arc::new));
            let (Some(form), Ok(serde_json::Value::Object(answers))) = (form, serde_json::from_str(&answers)) else {
                continue;
            };
            index(&tx, &uuid, &form.answer_text(&answers))?;
        }
    }
    tx.execute("INSERT INTO meta (key, value) VALUES ('records_text', '1')", [])?;
    tx.commit()?;
    Ok(())
}

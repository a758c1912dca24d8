//! The anonymisation report as the coordinator reads it before a batch or flat files are
//! written, in the user's language: the same lines on the export screen and in the command line
//! (in under 20 lines for the two 4Mi questionnaires without `--details`).

use super::export::Prepared;
use crate::i18n::Tr;

/// How a line is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// A heading.
    Heading,
    /// Plain.
    Plain,
    /// What was asked holds.
    Good,
    /// What was asked does not hold, or something is left out.
    Bad,
    /// A preview row or a group (fixed width).
    Data,
}

/// Choice labels in a language for the preview of flat files written with them (`--labels`).
#[derive(Clone, Copy)]
pub struct Labels<'a> {
    /// The form whose lists label the answers.
    pub form: &'a crate::form::Compiled,
    /// The language, as the form names it.
    pub lang: &'a str,
}

/// The report's lines; `details` adds every group of quasi-identifiers; the preview shows
/// choices by their `labels` when the files will.
pub fn lines(p: &Prepared, tr: &Tr, details: bool, labels: Option<Labels>) -> Vec<(Tone, String)> {
    let r = &p.report;
    let n = |v: usize| (v as i64).into();
    // Two sentences a line where they belong together, to keep the report short.
    let counts = tr.ta("export-report-counts", &[("n", n(p.records.len())), ("w", n(p.tombstones.len()))]);
    let scrubbed = tr.ta("export-report-scrubbed", &[("phones", n(r.phones)), ("emails", n(r.emails))]);
    let mut out = vec![(Tone::Plain, format!("{counts} {scrubbed}"))];
    if p.without_consent > 0 {
        out.push((Tone::Bad, tr.ta("export-report-no-consent", &[("n", p.without_consent.into())])));
    }
    if !p.unsigned_withdrawals.is_empty() {
        out.push((Tone::Bad, tr.ta("export-report-unsigned-withdrawals", &[("n", n(p.unsigned_withdrawals.len()))])));
    }
    if !p.unapproved.is_empty() {
        out.push((Tone::Bad, tr.ta("export-report-unapproved", &[("n", n(p.unapproved.len()))])));
    }
    for f in &r.forms {
        let d = &f.disclosure;
        let title = tr.ta("export-report-form", &[("form", f.form_id.clone().into()), ("n", n(f.records))]);
        let personal = if f.personal.is_empty() {
            tr.t("export-report-no-personal")
        } else {
            tr.ta("export-report-personal", &[("list", f.personal.join(", ").into()), ("n", n(f.dropped))])
        };
        out.push((Tone::Heading, format!("{title} {personal}")));
        let gaps = |repeat: bool| -> Vec<String> {
            use crate::form::generalise::Unprotected;
            f.unprotected
                .iter()
                .filter_map(|(name, how)| match how {
                    Unprotected::InRepeat(r) if repeat => Some(format!("{name} ({r})")),
                    Unprotected::Copies(q) | Unprotected::SameList(q) if !repeat => Some(format!("{name} ({q})")),
                    _ => None,
                })
                .collect()
        };
        for (repeat, id) in [(true, "export-report-unprotected-repeat"), (false, "export-report-unprotected-copy")] {
            let list = gaps(repeat);
            if !list.is_empty() {
                out.push((Tone::Bad, tr.ta(id, &[("list", list.join(", ").into())])));
            }
        }
        if d.qis.is_empty() {
            out.push((Tone::Plain, tr.t("export-report-no-quasi")));
            continue;
        }
        let list = f.quasi.join(", ");
        out.push(if d.k_reached < r.k {
            (
                Tone::Bad,
                tr.ta("export-report-k-short", &[("k", n(r.k)), ("reached", n(d.k_reached)), ("n", n(d.records))]),
            )
        } else {
            (
                Tone::Good,
                tr.ta("export-report-k-reached", &[("k", n(r.k)), ("reached", n(d.k_reached)), ("list", list.into())]),
            )
        });
        if r.k <= 1 {
            out.push((Tone::Bad, tr.t("export-report-k-one")));
        }
        if r.l > 1 && d.sensitive.is_empty() {
            out.push((Tone::Bad, tr.t("export-report-no-sensitive")));
        }
        if let Some(l) = d.l_reached.filter(|_| r.l > 1) {
            let tone = if l >= r.l { Tone::Good } else { Tone::Bad };
            out.push((
                tone,
                tr.ta("export-report-l", &[("l", n(r.l)), ("reached", n(l)), ("list", d.sensitive.join(", ").into())]),
            ));
        }
        let coarsened: Vec<String> =
            d.qis.iter().filter_map(|q| q.step.as_ref().map(|s| format!("{} ({s})", q.name))).collect();
        let mut line = if coarsened.is_empty() {
            tr.t("export-report-nothing-coarsened")
        } else {
            tr.ta("export-report-coarsened", &[("list", coarsened.join(", ").into())])
        };
        let arrived: Vec<String> = d
            .qis
            .iter()
            .filter(|q| q.arrived > 0)
            .map(|q| format!("{} {} ({})", q.name, q.arrived, q.arrived_step.clone().unwrap_or_default()))
            .collect();
        if !arrived.is_empty() {
            line = format!("{line} {}", tr.ta("export-report-arrived", &[("list", arrived.join(", ").into())]));
        }
        out.push((Tone::Plain, line));
        let hidden: Vec<String> =
            d.qis.iter().filter(|q| q.hidden > 0).map(|q| format!("{} {}", q.name, q.hidden)).collect();
        let hidden = if hidden.is_empty() {
            tr.t("export-report-nothing-hidden")
        } else {
            tr.ta("export-report-hidden", &[("list", hidden.join(", ").into()), ("all", n(d.fully_hidden))])
        };
        let percent = format!("{:.1}", d.loss * 100.0);
        let percent = if tr.lang() == crate::i18n::Lang::Fr { percent.replace('.', ",") } else { percent };
        let loss = tr.ta("export-report-loss", &[("percent", percent.into())]);
        out.push((Tone::Plain, format!("{hidden} {loss}")));
        out.push((Tone::Plain, tr.t(if d.short { "export-report-preview-short" } else { "export-report-preview" })));
        let mut rows = vec![d.qis.iter().map(|q| q.name.clone()).collect::<Vec<_>>()];
        for rec in p.records.iter().filter(|rec| rec.form_id == f.form_id).take(3) {
            rows.push(
                d.qis
                    .iter()
                    .map(|q| match rec.answers.get(&q.name) {
                        None => "-".to_string(),
                        Some(serde_json::Value::String(s)) => labels
                            .filter(|l| l.form.form.id == f.form_id)
                            .and_then(|l| l.form.answer_label(l.form.id(&q.name)?, s, l.lang))
                            .unwrap_or(s)
                            .to_string(),
                        Some(v) => crate::interview::from_json(v),
                    })
                    .collect(),
            );
        }
        out.extend(aligned(&rows).into_iter().map(|row| (Tone::Data, format!("  {row}"))));
        if details {
            out.push((
                Tone::Plain,
                tr.ta("export-report-groups", &[("n", n(d.groups.len())), ("list", f.quasi.join(" | ").into())]),
            ));
            let rows: Vec<Vec<String>> = d.groups.iter().map(|(values, _)| values.clone()).collect();
            for ((_, count), row) in d.groups.iter().zip(aligned(&rows)) {
                out.push((Tone::Data, format!("  {count:>6}  {row}")));
            }
        }
    }
    out
}

/// `rows` as lines whose cells line up (each column as wide as its widest cell, in characters).
fn aligned(rows: &[Vec<String>]) -> Vec<String> {
    let count = |s: &str| s.chars().count();
    let mut widths: Vec<usize> = Vec::new();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            match widths.get_mut(i) {
                Some(w) => *w = (*w).max(count(cell)),
                None => widths.push(count(cell)),
            }
        }
    }
    rows.iter()
        .map(|row| {
            let cells: Vec<String> =
                row.iter().zip(&widths).map(|(cell, &w)| format!("{cell}{}", " ".repeat(w - count(cell)))).collect();
            cells.join(" | ").trim_end().to_string()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn preview_cells_line_up_under_their_question() {
        let rows = vec![
            vec!["neighbourhood".to_string(), "age".to_string(), "sex".to_string()],
            vec!["Kalaban Coura".to_string(), "25-29".to_string(), "f".to_string()],
            vec!["*".to_string(), "Sénou".to_string(), "m".to_string()],
        ];
        let lines = super::aligned(&rows);
        assert_eq!(lines[0], "neighbourhood | age   | sex");
        assert_eq!(lines[1], "Kalaban Coura | 25-29 | f");
        assert_eq!(lines[2], "*             | Sénou | m");
    }
}

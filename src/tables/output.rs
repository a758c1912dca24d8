//! Tables as text (aligned columns, for the terminal), CSV files and an XLSX workbook. Exported
//! files always hide small cells (`<5`); the printed table shows them unless asked not to.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::{Table, Unit, cell};

/// Which share a grid shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Share {
    /// Of the units that answered (respondents, or repeat instances).
    Units,
    /// Of all the choices made (multi-selects).
    Mentions,
}

/// What the table's percentages are shares of, in words.
pub fn caption(t: &Table, share: Share) -> String {
    let units = match &t.unit {
        Unit::Respondents => "respondents".to_string(),
        Unit::Instances(r) => format!("`{r}` reports"),
    };
    match (t.multi, share) {
        (false, _) => format!("share of {units} who answered"),
        (true, Share::Units) => format!("multi-select: share of {units} who answered choosing each option"),
        (true, Share::Mentions) => "multi-select: share of all mentions (every choice made)".to_string(),
    }
}

/// The table as a grid of text: a header row, one row per choice, the base row.
pub fn grid(t: &Table, share: Share, suppress: Option<usize>) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut head = vec![format!("{} ({})", t.question, caption(t, share))];
    head.extend(t.columns.iter().map(|(_, l)| l.clone()));
    out.push(head);
    let base = if share == Share::Mentions { &t.mentions } else { &t.base };
    for r in &t.rows {
        let mut line = vec![r.label.clone()];
        for (c, n) in r.counts.iter().enumerate() {
            line.push(if r.excluded {
                match suppress {
                    Some(k) if *n > 0 && *n < k => format!("<{k} (not in base)"),
                    _ => format!("{n} (not in base)"),
                }
            } else {
                cell(*n, base[c], suppress)
            });
        }
        out.push(line);
    }
    let mut last = vec![if share == Share::Mentions { "Base (mentions)".to_string() } else { "Base".to_string() }];
    last.extend(base.iter().map(|b| match suppress {
        Some(k) if *b > 0 && *b < k => format!("<{k}"),
        _ => b.to_string(),
    }));
    out.push(last);
    out
}

/// The shares a table has: units, and mentions for a multi-select.
pub fn shares(t: &Table) -> Vec<Share> {
    if t.multi { vec![Share::Units, Share::Mentions] } else { vec![Share::Units] }
}

/// The table as aligned text.
pub fn text(t: &Table, suppress: Option<usize>) -> String {
    let mut s = format!("{}: {}\n", t.question, t.label);
    for share in shares(t) {
        let g = grid(t, share, suppress);
        let widths: Vec<usize> =
            (0..g[0].len()).map(|c| g.iter().map(|r| r[c].chars().count()).max().unwrap_or(0)).collect();
        for row in &g {
            let cells: Vec<String> = row
                .iter()
                .enumerate()
                .map(
                    |(c, v)| if c == 0 { format!("{v:<w$}", w = widths[c]) } else { format!("{v:>w$}", w = widths[c]) },
                )
                .collect();
            let _ = writeln!(s, "{}", cells.join("  ").trim_end());
        }
        s.push('\n');
    }
    s
}

/// Writes `tables-<question>.csv` per table into `dir` (small cells hidden).
pub fn csv_files(
    tables: &[Table],
    dir: &Path,
    suppress: usize,
    style: crate::flat::write::CsvStyle,
) -> Result<Vec<PathBuf>, String> {
    crate::store::create_private_dir(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut files = Vec::new();
    for t in tables {
        let path = dir.join(format!("tables-{}.csv", t.question));
        let err = |e: csv::Error| format!("cannot write {}: {e}", path.display());
        let mut w = crate::flat::write::csv_writer(&path, style)?;
        for share in shares(t) {
            for row in grid(t, share, Some(suppress)) {
                crate::flat::write::write_safe_row(&mut w, row.iter().map(String::as_str)).map_err(err)?;
            }
        }
        w.flush().map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        files.push(path);
    }
    Ok(files)
}

/// Writes one workbook with a sheet per table (small cells hidden).
pub fn xlsx(tables: &[Table], path: &Path, suppress: usize) -> Result<(), String> {
    use rust_xlsxwriter::{Format, Workbook};
    let e = |e: rust_xlsxwriter::XlsxError| format!("cannot write {}: {e}", path.display());
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    for t in tables {
        let sheet = wb.add_worksheet();
        let name: String = t.question.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
        sheet.set_name(name).map_err(e)?;
        let mut r = 0u32;
        for share in shares(t) {
            for (i, row) in grid(t, share, Some(suppress)).iter().enumerate() {
                for (c, v) in row.iter().enumerate() {
                    if i == 0 {
                        sheet.write_string_with_format(r, c as u16, v, &bold).map_err(e)?;
                    } else {
                        sheet.write_string(r, c as u16, v).map_err(e)?;
                    }
                }
                r += 1;
            }
            r += 1;
        }
    }
    crate::flat::write::save_xlsx(&mut wb, path)
}

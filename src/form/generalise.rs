//! The `generalise` column: how a quasi-identifier may be coarsened before records leave the
//! laptop, as steps separated by spaces (`bands=5,10,20`, `breaks=0,18,25,35,50,65`, `month`,
//! `year`, `map=region`, `drop`), and the defaults of each type when the column is empty.
//! The steps are read here; checking them against the question and applying them is the
//! export's (see `crate::batch::disclosure`).

use super::model::{Form, Generalise, Item, Kind, Privacy};

/// The value of a hidden answer (a quasi-identifier disclosure control hid), in batches, flat
/// files and tables.
pub const HIDDEN: &str = "*";

/// The steps written in a `generalise` cell (empty: none).
pub fn parse(cell: &str) -> Result<Vec<Generalise>, String> {
    let mut steps = Vec::new();
    for word in cell.split_whitespace() {
        let (key, value) = word.split_once('=').unwrap_or((word, ""));
        let numbers = || -> Result<Vec<i64>, String> {
            let ns: Result<Vec<i64>, _> = value.split(',').map(|n| n.trim().parse::<i64>()).collect();
            ns.ok().filter(|ns| !ns.is_empty()).ok_or_else(|| {
                format!("`{key}=` takes whole numbers separated by commas (`{key}=5,10`), not `{value}`")
            })
        };
        match key.to_ascii_lowercase().as_str() {
            "bands" => {
                for w in numbers()? {
                    let w = u32::try_from(w).ok().filter(|w| (1..=1_000_000).contains(w));
                    steps.push(Generalise::Bands(w.ok_or("band widths are whole numbers from 1 to 1000000")?));
                }
            }
            "breaks" => {
                let b = numbers()?;
                if b.windows(2).any(|w| w[0] >= w[1]) {
                    return Err("`breaks=` lists its breaks in increasing order".into());
                }
                steps.push(Generalise::Breaks(b));
            }
            "month" if value.is_empty() => steps.push(Generalise::Month),
            "year" if value.is_empty() => steps.push(Generalise::Year),
            "drop" if value.is_empty() => steps.push(Generalise::Drop),
            "map" if !value.is_empty() => steps.push(Generalise::Map(value.to_string())),
            _ => {
                return Err(format!(
                    "`{word}` is not a generalisation step: use bands=5,10, breaks=0,18,25, month, year, map=COLUMN or drop"
                ));
            }
        }
        if steps.len() > 8 {
            return Err("a question takes at most 8 generalisation steps".into());
        }
    }
    Ok(steps)
}

/// The steps a quasi-identifier goes through: its own, or its type's defaults (numbers in
/// 5-year, then 10- and 20-year bands; dates to the month, then the year; free text dropped;
/// choices only hidden when needed).
pub fn steps(item: &Item) -> Vec<Generalise> {
    if !item.generalise.is_empty() {
        return item.generalise.clone();
    }
    match item.kind {
        Kind::Integer | Kind::Decimal | Kind::Range => {
            vec![Generalise::Bands(5), Generalise::Bands(10), Generalise::Bands(20)]
        }
        Kind::Date | Kind::DateTime | Kind::Today | Kind::Start | Kind::End => {
            vec![Generalise::Month, Generalise::Year]
        }
        Kind::Text => vec![Generalise::Drop],
        _ => Vec::new(),
    }
}

/// What is wrong with `steps` on a question of `kind` whose choices have the columns
/// `columns` (`None` when it is not a select).
pub fn problem(steps: &[Generalise], kind: Kind, columns: Option<&[String]>) -> Option<String> {
    let numeric = matches!(kind, Kind::Integer | Kind::Decimal | Kind::Range);
    let date = matches!(kind, Kind::Date | Kind::DateTime | Kind::Today | Kind::Start | Kind::End);
    for step in steps {
        let fits = match step {
            Generalise::Bands(_) | Generalise::Breaks(_) => numeric,
            Generalise::Month | Generalise::Year => date,
            Generalise::Map(col) => match columns {
                Some(cols) if cols.iter().any(|c| c == col) => true,
                Some(_) => return Some(format!("`map={col}`: the question's choices have no column `{col}`")),
                None => false,
            },
            Generalise::Drop => true,
        };
        if !fits {
            return Some(format!(
                "`{}` does not apply to a {} question",
                name(step),
                format!("{kind:?}").to_lowercase()
            ));
        }
    }
    None
}

/// How a step is written.
pub fn name(step: &Generalise) -> String {
    match step {
        Generalise::Bands(w) => format!("bands={w}"),
        Generalise::Breaks(b) => format!("breaks={}", b.iter().map(i64::to_string).collect::<Vec<_>>().join(",")),
        Generalise::Month => "month".into(),
        Generalise::Year => "year".into(),
        Generalise::Map(c) => format!("map={c}"),
        Generalise::Drop => "drop".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_read_as_written_and_mistakes_are_named() {
        assert_eq!(
            parse("bands=5,10 map=region drop").unwrap(),
            [Generalise::Bands(5), Generalise::Bands(10), Generalise::Map("region".into()), Generalise::Drop]
        );
        assert_eq!(parse("breaks=0,18,25").unwrap(), [Generalise::Breaks(vec![0, 18, 25])]);
        assert_eq!(parse("").unwrap(), []);
        assert!(parse("bands=0").is_err());
        assert!(parse("breaks=25,18").unwrap_err().contains("increasing"));
        assert!(parse("bands=five").unwrap_err().contains("whole numbers"));
        assert!(parse("round").unwrap_err().contains("not a generalisation step"));
        assert!(parse("map=").is_err());
    }

    #[test]
    fn a_step_must_fit_its_question() {
        let cols = ["region".to_string()];
        assert_eq!(problem(&[Generalise::Bands(5)], Kind::Integer, None), None);
        assert!(problem(&[Generalise::Month], Kind::Integer, None).is_some());
        assert_eq!(problem(&[Generalise::Map("region".into())], Kind::SelectOne, Some(&cols)), None);
        assert!(problem(&[Generalise::Map("zone".into())], Kind::SelectOne, Some(&cols)).unwrap().contains("`zone`"));
        assert_eq!(problem(&[Generalise::Drop], Kind::Text, None), None);
    }
}

/// How a question's answers can tell a quasi-identifier past disclosure control, which covers
/// the quasi-identifiers outside repeats.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unprotected {
    /// A quasi-identifier inside this repeat: its answers leave as given.
    InRepeat(String),
    /// A calculation from this quasi-identifier, not marked itself: it leaves as computed.
    Copies(String),
    /// A choice from the list of this quasi-identifier, not said to be `none` (the country a
    /// journey started from, beside nationality): it may tell the same, and leaves as given.
    SameList(String),
}

/// The questions of `form` whose answers leave past disclosure control though they tell a
/// quasi-identifier, and how.
pub fn unprotected(form: &Form) -> Vec<(String, Unprotected)> {
    let walk = form.walk();
    let repeat_of = |path: &[&str]| -> Option<String> {
        path.iter()
            .rev()
            .find(|c| walk.iter().any(|(i, _)| i.kind == Kind::Repeat && i.name == **c))
            .map(|c| c.to_string())
    };
    let covered: Vec<&Item> = walk
        .iter()
        .filter(|(i, p)| i.privacy == Privacy::QuasiIdentifier && repeat_of(p).is_none())
        .map(|(i, _)| *i)
        .collect();
    let mut out = Vec::new();
    for (item, path) in &walk {
        match item.privacy {
            Privacy::QuasiIdentifier => {
                if let Some(r) = repeat_of(path) {
                    out.push((item.name.clone(), Unprotected::InRepeat(r)));
                }
            }
            Privacy::None | Privacy::Sensitive => {
                let from = item
                    .calculation
                    .as_ref()
                    .and_then(|c| c.references().iter().find(|r| covered.iter().any(|q| q.name == **r)).cloned());
                // A question whose privacy is said `none` was thought of (`sensitive` says what
                // must not be learnt of a group, not that it cannot single anyone out).
                let said_none = item.privacy == Privacy::None && item.cells.contains_key("privacy");
                let same_list = (!said_none)
                    .then_some(item.choices.as_ref())
                    .flatten()
                    .and_then(|list| covered.iter().find(|q| q.choices.as_ref() == Some(list)))
                    .map(|q| q.name.clone());
                if let Some(q) = from {
                    out.push((item.name.clone(), Unprotected::Copies(q)));
                } else if let Some(q) = same_list {
                    out.push((item.name.clone(), Unprotected::SameList(q)));
                }
            }
            Privacy::Personal => {}
        }
    }
    out
}

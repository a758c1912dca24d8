//! One generalisation step on one answer: what `step` makes of an answer, and, the other way,
//! which answer a value already coarsened by `step` could have been (headquarters receives
//! answers a laptop's batch coarsened).

use super::HIDDEN;
use crate::form::{Choice, Generalise};

/// `value` coarsened by `step` (`None`: removed); `choice_column` gives a choice's column.
pub(super) fn coarsen(
    step: &Generalise,
    value: &str,
    choice_column: &dyn Fn(&str, &str) -> Option<String>,
) -> Option<String> {
    if value.is_empty() {
        return Some(String::new());
    }
    let number = || value.trim().parse::<f64>().ok().filter(|n| n.is_finite());
    Some(match step {
        Generalise::Bands(w) => match number() {
            Some(n) => {
                let w = f64::from(*w);
                let low = (n / w).floor() * w;
                if w == 1.0 { format!("{low}") } else { format!("{low}-{}", low + w - 1.0) }
            }
            None => value.to_string(),
        },
        Generalise::Breaks(b) => match number() {
            Some(n) => match b.iter().rposition(|&x| n >= x as f64) {
                None => format!("<{}", b[0]),
                Some(i) if i + 1 == b.len() => format!("{}+", b[i]),
                Some(i) => format!("{}-{}", b[i], b[i + 1] - 1),
            },
            None => value.to_string(),
        },
        Generalise::Month => value.get(..7).filter(|_| value.len() >= 7).unwrap_or(value).to_string(),
        Generalise::Year => value.get(..4).filter(|_| value.len() >= 4).unwrap_or(value).to_string(),
        Generalise::Map(col) => {
            choice_column(value, col).filter(|v| !v.is_empty()).unwrap_or_else(|| value.to_string())
        }
        Generalise::Drop => return None,
    })
}

/// An answer that `step` coarsens into `value`, when `value` is not an answer but what `step`
/// makes of one (a band `25-29`, a month `2019-06`, a region): headquarters receives answers a
/// laptop's batch already coarsened.
pub(super) fn representative(step: &Generalise, value: &str, list: Option<&Vec<Choice>>) -> Option<String> {
    let v = value.trim();
    if v.is_empty() || v == HIDDEN {
        return None;
    }
    match step {
        Generalise::Bands(_) | Generalise::Breaks(_) => {
            if v.parse::<f64>().is_ok() {
                return None;
            }
            let low = |t: &str| t.trim().parse::<i64>().ok();
            if let Some(t) = v.strip_prefix('<') {
                return low(t).map(|n| (n - 1).to_string());
            }
            if let Some(t) = v.strip_suffix('+') {
                return low(t).map(|n| n.to_string());
            }
            let (head, rest) = (v.get(..1)?, v.get(1..)?);
            let (a, b) = rest.split_once('-').map(|(a, b)| (format!("{head}{a}"), b))?;
            low(b)?;
            low(&a).map(|n| n.to_string())
        }
        Generalise::Month => (v.len() == 7).then(|| format!("{v}-15")),
        Generalise::Year => (v.len() == 4).then(|| format!("{v}-06-15")),
        Generalise::Map(col) => {
            let list = list?;
            if list.iter().any(|c| c.name == v) {
                return None;
            }
            list.iter().find(|c| c.extra.get(col).is_some_and(|x| x == v)).map(|c| c.name.clone())
        }
        Generalise::Drop => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_a_step_already_coarsened_is_told_from_one_as_answered() {
        let chad = Choice {
            name: "chad".into(),
            label: Default::default(),
            extra: [("region".to_string(), "central_africa".to_string())].into(),
            media: Default::default(),
            pos: Default::default(),
        };
        let list = vec![chad];
        let back = |step: &Generalise, v: &str| {
            let none = |_: &str, _: &str| None;
            let col = |name: &str, c: &str| list.iter().find(|x| x.name == name).and_then(|x| x.extra.get(c).cloned());
            let r = representative(step, v, Some(&list))?;
            let made =
                if matches!(step, Generalise::Map(_)) { coarsen(step, &r, &col) } else { coarsen(step, &r, &none) };
            (made.as_deref() == Some(v)).then_some(r)
        };
        assert_eq!(back(&Generalise::Bands(5), "25-29").as_deref(), Some("25"));
        assert_eq!(back(&Generalise::Bands(10), "25-29"), None, "not a 10-year band");
        assert_eq!(back(&Generalise::Bands(5), "27"), None, "an answer");
        assert!(back(&Generalise::Breaks(vec![18, 25, 60]), "<18").is_some());
        assert!(back(&Generalise::Breaks(vec![18, 25, 60]), "60+").is_some());
        assert!(back(&Generalise::Breaks(vec![18, 25, 60]), "25-59").is_some());
        assert_eq!(back(&Generalise::Month, "2019-06").as_deref(), Some("2019-06-15"));
        assert_eq!(back(&Generalise::Month, "2019-06-03"), None);
        assert_eq!(back(&Generalise::Map("region".into()), "central_africa").as_deref(), Some("chad"));
        assert_eq!(back(&Generalise::Map("region".into()), "chad"), None, "a choice");
        assert_eq!(back(&Generalise::Bands(5), "é-1"), None);
        assert_eq!(back(&Generalise::Bands(5), HIDDEN), None);
    }
}

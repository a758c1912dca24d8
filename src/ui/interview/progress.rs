//! How far an interview has got, as its header shows it.

use crate::interview::{Interview, Screen};

/// Where `screen` stands among all the form's questions, counted in the form's order whether
/// they are asked or not: a measure that moves forward and whose total stays the same as
/// answers open or close branches (1-based; the end is total of total).
pub fn progress(iv: &Interview, screen: &Screen) -> (usize, usize) {
    let items = &iv.form().items;
    let asked = |i: &crate::form::Node| i.item.kind.is_question();
    let total = items.iter().filter(|i| asked(i)).count().max(1);
    let at = match screen {
        Screen::Question(loc) | Screen::Page(loc) => loc.item,
        Screen::AddRepeat { repeat, .. } => *repeat,
        Screen::Close | Screen::End => return (total, total),
    };
    let before = items.iter().take(at).filter(|i| asked(i)).count();
    ((before + 1).min(total), total)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::form::Compiled;
    use crate::interview::{Loc, StartInfo};

    #[test]
    fn progress_keeps_its_total_when_an_answer_opens_a_branch_and_only_moves_forward() {
        let md = "| survey |\n| | type | name | label | relevant |\n| | integer | a | A | |\n| | integer | b | B | ${a} > 1 |\n| | integer | c | C | ${a} > 1 |\n| | integer | d | D | |\n";
        let form = Arc::new(Compiled::new(crate::form::from_workbook(&crate::form::read_md(md), "p", None).form));
        let info = StartInfo {
            language: String::new(),
            device_id: "d".into(),
            username: "u".into(),
            opened_at: chrono::DateTime::UNIX_EPOCH.fixed_offset(),
        };
        let mut iv = Interview::start(form.clone(), info);
        let at = std::time::Duration::from_secs(1);
        assert_eq!(progress(&iv, &iv.current()), (1, 4));
        iv.set_answer(&Loc::top(form.id("a").unwrap()), "5", at).unwrap();
        let mut seen = vec![progress(&iv, &iv.current())];
        while iv.current() != Screen::End {
            iv.next(at).unwrap();
            seen.push(progress(&iv, &iv.current()));
        }
        assert!(seen.iter().all(|(_, total)| *total == 4), "{seen:?}");
        assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0), "{seen:?}");
    }
}

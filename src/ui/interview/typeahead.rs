//! Picking a choice from the keyboard whatever the number of choices: the digits or letters
//! typed while no text box has the keyboard gather into one entry, which a pause of
//! [`PAUSE`] seconds ends. A single choice question takes the entry as it grows (`1`, then `12`
//! picks choice 12; `ma` picks the first choice whose label starts with "ma"); a multiple
//! choice question toggles the choice once the entry is complete (a pause, Enter, or digits
//! that no longer number can extend).

/// Seconds without typing that end an entry.
pub const PAUSE: f64 = 1.0;

/// The entry being typed.
#[derive(Debug, Default, Clone)]
pub struct TypeAhead {
    text: String,
    last: f64,
}

/// What has been typed, as a question sees it this frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Typed {
    /// The entry (digits, or the start of a label).
    pub text: String,
    /// Whether typing paused after it (the entry is complete).
    pub complete: bool,
}

impl Typed {
    /// The choice (0-based) among `labels` the entry names, if any: its number, or the first
    /// label that starts with it (case aside).
    pub fn choice(&self, labels: &[String]) -> Option<usize> {
        if let Ok(n) = self.text.parse::<usize>() {
            return (1..=labels.len()).contains(&n).then(|| n - 1);
        }
        let start = self.text.to_lowercase();
        labels.iter().position(|l| l.trim_start().to_lowercase().starts_with(&start))
    }

    /// Whether no more typing can change the choice the entry names among `count` choices.
    pub fn settled(&self, count: usize) -> bool {
        self.complete || self.text.parse::<usize>().is_ok_and(|n| n.saturating_mul(10) > count)
    }
}

impl TypeAhead {
    /// Adds this frame's typed characters (`typed`, at time `now`, in seconds; `end` when Enter
    /// was pressed, which completes the entry). Returns the entry when it changed this frame or
    /// has just become complete; a complete entry is then forgotten.
    pub fn update(&mut self, typed: &str, now: f64, end: bool) -> Option<Typed> {
        let typed: String = typed.chars().filter(|c| c.is_alphanumeric() || *c == ' ').collect();
        if !typed.is_empty() {
            if now - self.last > PAUSE {
                self.text.clear();
            }
            // An entry is digits or words, not both: a digit after letters starts again.
            let digits = typed.chars().all(|c| c.is_ascii_digit());
            if digits != self.text.chars().all(|c| c.is_ascii_digit()) {
                self.text.clear();
            }
            self.text.push_str(&typed);
            self.text = self.text.trim_start().chars().take(40).collect();
            self.last = now;
            return (!self.text.is_empty()).then(|| Typed { text: self.text.clone(), complete: false });
        }
        if !self.text.is_empty() && (end || now - self.last > PAUSE) {
            return Some(Typed { text: std::mem::take(&mut self.text), complete: true });
        }
        None
    }

    /// Forgets the entry (a multiple choice question took it).
    pub fn clear(&mut self) {
        self.text.clear();
    }

    /// Whether an entry is being typed (the screen redraws to notice the pause).
    pub fn typing(&self) -> bool {
        !self.text.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn labels(n: usize) -> Vec<String> {
        (1..=n).map(|i| format!("Country {i}")).collect()
    }

    #[test]
    fn two_digits_typed_together_name_a_choice_past_nine() {
        let mut t = TypeAhead::default();
        let first = t.update("1", 10.0, false).unwrap();
        assert_eq!(first.choice(&labels(16)), Some(0));
        assert!(!first.settled(16), "1 may become 10 to 16");
        let second = t.update("2", 10.3, false).unwrap();
        assert_eq!(second.choice(&labels(16)), Some(11));
        assert!(second.settled(16));
        assert_eq!(t.update("", 11.5, false).map(|e| e.complete), Some(true), "a pause completes it");
        assert_eq!(t.update("3", 12.0, false).unwrap().choice(&labels(16)), Some(2), "then a new entry starts");
    }

    #[test]
    fn letters_name_the_first_choice_whose_label_starts_with_them() {
        let mut t = TypeAhead::default();
        let l: Vec<String> = ["Mali", "Mauritania", "Niger"].map(String::from).to_vec();
        assert_eq!(t.update("m", 1.0, false).unwrap().choice(&l), Some(0));
        assert_eq!(t.update("au", 1.2, false).unwrap().choice(&l), Some(1));
        assert_eq!(t.update("", 3.0, false).unwrap().choice(&l), Some(1));
        assert_eq!(t.update("N", 4.0, false).unwrap().choice(&l), Some(2), "case aside");
        assert_eq!(t.update("x", 4.1, false).unwrap().choice(&l), None);
    }

    proptest! {
        #[test]
        fn any_number_of_choices_is_reachable_by_typing_its_number(count in 1usize..400, pick in 0usize..400) {
            let pick = pick % count;
            let mut t = TypeAhead::default();
            let mut last = None;
            for (i, d) in (pick + 1).to_string().chars().enumerate() {
                last = t.update(&d.to_string(), 100.0 + i as f64 * 0.2, false);
            }
            prop_assert_eq!(last.unwrap().choice(&labels(count)), Some(pick));
        }
    }
}

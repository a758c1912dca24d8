//! A month calendar for date questions, in the interface language, used from the keyboard
//! (arrows move a day or a week, Page Up / Page Down a month, Enter picks, Escape closes) or
//! the mouse. The monitor can always type the date instead.

use chrono::{Datelike, Months, NaiveDate};

use crate::i18n::Tr;

/// What the monitor did with the calendar this frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Picked {
    /// Nothing yet (it stays open).
    Nothing,
    /// This date.
    Date(NaiveDate),
    /// Closed without a date.
    Closed,
}

/// Where the calendar opens: on the date in the box when it holds one, else on `today`.
pub fn opening(stored: &str, today: NaiveDate) -> NaiveDate {
    NaiveDate::parse_from_str(stored, "%Y-%m-%d").unwrap_or(today)
}

/// `cursor` moved by the keys pressed (days, weeks, months), kept within years 1900 to 2100.
fn moved(cursor: NaiveDate, days: i64, months: i32) -> NaiveDate {
    let by_days = cursor.checked_add_signed(chrono::Duration::days(days)).unwrap_or(cursor);
    let by_months = match months {
        0 => Some(by_days),
        m if m > 0 => by_days.checked_add_months(Months::new(m.unsigned_abs())),
        m => by_days.checked_sub_months(Months::new(m.unsigned_abs())),
    }
    .unwrap_or(by_days);
    if (1900..=2100).contains(&by_months.year()) { by_months } else { cursor }
}

/// Draws the month of `cursor` with the day `cursor` marked; `today` is offered as a shortcut.
/// With `follow` (just opened), and whenever a key moves the day, the page scrolls to show it.
pub fn show(ui: &mut egui::Ui, cursor: &mut NaiveDate, today: NaiveDate, follow: bool, tr: &Tr) -> Picked {
    use egui::{Key, Modifiers};
    let (days, months, enter, escape) = ui.input_mut(|i| {
        let mut days = 0;
        let mut months = 0;
        for (key, d, m) in
            [(Key::ArrowLeft, -1, 0), (Key::ArrowRight, 1, 0), (Key::ArrowUp, -7, 0), (Key::ArrowDown, 7, 0)]
                .into_iter()
                .chain([(Key::PageUp, 0, -1), (Key::PageDown, 0, 1)])
        {
            if i.consume_key(Modifiers::NONE, key) {
                days += d;
                months += m;
            }
        }
        (days, months, i.consume_key(Modifiers::NONE, Key::Enter), i.consume_key(Modifiers::NONE, Key::Escape))
    });
    *cursor = moved(*cursor, days, months);
    if enter {
        return Picked::Date(*cursor);
    }
    if escape {
        return Picked::Closed;
    }
    let mut picked = Picked::Nothing;
    let stepped = days != 0 || months != 0;
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.horizontal(|ui| {
            if ui.small_button("<").on_hover_text(tr.t("cal-previous")).clicked() {
                *cursor = moved(*cursor, 0, -1);
            }
            let title = format!("{} {}", tr.t(&format!("cal-month-{}", cursor.month())), cursor.year());
            ui.label(egui::RichText::new(title).strong());
            if ui.small_button(">").on_hover_text(tr.t("cal-next")).clicked() {
                *cursor = moved(*cursor, 0, 1);
            }
        });
        egui::Grid::new("calendar-days").spacing([2.0, 2.0]).show(ui, |ui| {
            for d in 1..=7 {
                ui.label(egui::RichText::new(tr.t(&format!("cal-day-{d}"))).small());
            }
            ui.end_row();
            let first = cursor.with_day(1).unwrap_or(*cursor);
            let blanks = first.weekday().num_days_from_monday();
            for _ in 0..blanks {
                ui.label("");
            }
            let mut column = blanks;
            let mut day = first;
            while day.month() == first.month() {
                let mark = if day == today { format!("{}*", day.day()) } else { day.day().to_string() };
                let r = ui.selectable_label(day == *cursor, mark);
                if r.clicked() {
                    picked = Picked::Date(day);
                }
                if day == *cursor && (follow || stepped) {
                    // The day the keys are on stays in view.
                    r.scroll_to_me(Some(egui::Align::Center));
                }
                column += 1;
                if column == 7 {
                    ui.end_row();
                    column = 0;
                }
                match day.succ_opt() {
                    Some(next) => day = next,
                    None => break,
                }
            }
        });
        ui.horizontal(|ui| {
            if ui.button(tr.t("cal-today")).clicked() {
                picked = Picked::Date(today);
            }
            if ui.button(tr.t("cal-close")).clicked() {
                picked = Picked::Closed;
            }
        });
        ui.label(egui::RichText::new(tr.t("cal-keys")).small());
    });
    picked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_keys_move_by_days_weeks_and_months_within_the_calendar_years() {
        assert_eq!(moved(d(2026, 12, 31), 1, 0), d(2027, 1, 1));
        assert_eq!(moved(d(2026, 3, 1), -7, 0), d(2026, 2, 22));
        assert_eq!(moved(d(2026, 1, 31), 0, 1), d(2026, 2, 28), "the last day of a shorter month");
        assert_eq!(moved(d(2026, 3, 15), 0, -1), d(2026, 2, 15));
        assert_eq!(moved(d(1900, 1, 1), -1, 0), d(1900, 1, 1), "not before 1900");
        assert_eq!(moved(d(2100, 12, 31), 0, 1), d(2100, 12, 31), "not after 2100");
    }

    #[test]
    fn the_calendar_opens_on_the_date_given_or_today() {
        assert_eq!(opening("1990-05-17", d(2026, 12, 1)), d(1990, 5, 17));
        assert_eq!(opening("", d(2026, 12, 1)), d(2026, 12, 1));
        assert_eq!(opening("31/31/2026", d(2026, 12, 1)), d(2026, 12, 1));
    }
}

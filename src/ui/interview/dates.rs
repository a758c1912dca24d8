//! Dates as monitors read and type them: day, month, year (`01/12/2026`), in both interface
//! languages, as West African forms write them; the answer the engine stores stays
//! `YYYY-MM-DD` (typed that way, it is taken as it is).

/// A stored date (`YYYY-MM-DD`) as the monitor reads it (`DD/MM/YYYY`); anything else as it is.
pub fn shown(raw: &str) -> String {
    match chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        Ok(d) => d.format("%d/%m/%Y").to_string(),
        Err(_) => raw.to_string(),
    }
}

/// What the monitor typed, as the engine reads dates: day, month and year separated by `/`,
/// `-` or `.` become `YYYY-MM-DD` (digits moved, not judged: `30/02/2026` becomes
/// `2026-02-30`, which the engine refuses as a date that does not exist). Anything else is
/// passed on as typed, for the engine to say what is wrong.
pub fn typed(text: &str) -> String {
    let text = text.trim();
    let parts: Vec<&str> = text.split(['/', '-', '.']).collect();
    let digits =
        |s: &str, n: std::ops::RangeInclusive<usize>| n.contains(&s.len()) && s.chars().all(|c| c.is_ascii_digit());
    match parts.as_slice() {
        [d, m, y] if digits(d, 1..=2) && digits(m, 1..=2) && digits(y, 4..=4) => format!("{y}-{m:0>2}-{d:0>2}"),
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn day_month_year_is_read_and_written_and_iso_passes_as_it_is() {
        assert_eq!(typed("1/12/2026"), "2026-12-01");
        assert_eq!(typed("01.12.2026"), "2026-12-01");
        assert_eq!(typed("2026-12-01"), "2026-12-01");
        assert_eq!(typed("30/02/2026"), "2026-02-30", "moved, not judged");
        assert_eq!(typed("12/2026"), "12/2026");
        assert_eq!(shown("2026-12-01"), "01/12/2026");
        assert_eq!(shown("not a date"), "not a date");
    }

    proptest! {
        #[test]
        fn a_date_shown_and_typed_back_is_the_stored_date(y in 1900i32..2100, m in 1u32..=12, d in 1u32..=28) {
            let stored = format!("{y:04}-{m:02}-{d:02}");
            prop_assert_eq!(typed(&shown(&stored)), stored);
        }
    }
}

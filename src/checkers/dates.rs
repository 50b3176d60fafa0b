//! End dates stated in copy ("until 31 December 2026", "ends Sunday, Dec 7").
//!
//! Only dates introduced by an end cue count: a date in "founded on 3 May
//! 1998" is not an offer's end. Ambiguous numeric dates (03/04) are skipped.

use std::ops::Range;
use std::sync::LazyLock;

use crate::lean_regex::Regex;

use super::{checker_regex, patterns};

/// A date the copy gives as an offer's end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatedDate {
    /// The date itself, in prose coordinates.
    pub span: Range<usize>,
    pub year: Option<i32>,
    pub month: u8,
    pub day: u8,
}

impl StatedDate {
    pub fn written<'t>(&self, text: &'t str) -> &'t str {
        &text[self.span.clone()]
    }
}

static END_DATE: LazyLock<Regex> = LazyLock::new(|| checker_regex(&patterns::end_date()));

fn month_number(name: &str) -> Option<u8> {
    let lower = name.to_ascii_lowercase();
    let names = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    names
        .iter()
        .position(|n| lower.starts_with(n))
        .map(|i| i as u8 + 1)
}

/// Every end date stated in `text`.
pub fn end_dates(text: &str) -> Vec<StatedDate> {
    let mut out = Vec::new();
    for caps in END_DATE.captures_iter(text) {
        let date = caps.name("date").expect("the date group is not optional");
        let get = |n: &str| caps.name(n).map(|m| m.as_str());
        let num = |n: &str| get(n).and_then(|s| s.parse::<i64>().ok());
        let parsed = if let Some(m) = get("m1") {
            month_number(m)
                .zip(num("d1"))
                .map(|(m, d)| (num("y1"), m, d))
        } else if let Some(m) = get("m2") {
            month_number(m)
                .zip(num("d2"))
                .map(|(m, d)| (num("y2"), m, d))
        } else if let Some(y) = num("y3") {
            num("m3").zip(num("d3")).map(|(m, d)| (Some(y), m as u8, d))
        } else {
            let (a, b) = (num("a4").unwrap_or(0), num("b4").unwrap_or(0));
            let year = num("y4").map(|y| if y < 100 { 2000 + y } else { y });
            match (a > 12, b > 12) {
                (true, false) => Some((year, b as u8, a)),
                (false, true) => Some((year, a as u8, b)),
                _ => None,
            }
        };
        let Some((year, month, day)) = parsed else {
            continue;
        };
        if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
            continue;
        }
        out.push(StatedDate {
            span: date.range(),
            year: year.map(|y| y as i32),
            month,
            day: day as u8,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> (Option<i32>, u8, u8) {
        let d = end_dates(text);
        assert_eq!(d.len(), 1, "{text}: {d:?}");
        (d[0].year, d[0].month, d[0].day)
    }

    #[test]
    fn common_forms() {
        assert_eq!(one("Sale ends 31 December 2026."), (Some(2026), 12, 31));
        assert_eq!(one("Offer valid until Sunday, Dec. 7"), (None, 12, 7));
        assert_eq!(one("Offer valid to 5 January 2027"), (Some(2027), 1, 5));
        assert_eq!(
            one("20% off until 23:59 BST on Sunday 12 April 2026"),
            (Some(2026), 4, 12)
        );
        assert_eq!(one("through 2026-11-30"), (Some(2026), 11, 30));
        assert_eq!(one("ends 12/31/2026"), (Some(2026), 12, 31));
        assert_eq!(one("until the 3rd of January"), (None, 1, 3));
    }

    #[test]
    fn dates_without_an_end_cue_do_not_count() {
        assert!(end_dates("Founded on 3 May 1998 in Leeds.").is_empty());
        assert!(end_dates("Orders placed by 15 December arrive before Christmas.").is_empty());
        assert!(end_dates("Open weekend: Friday 9 April to Sunday 11 April.").is_empty());
        assert!(end_dates("ends 03/04").is_empty());
    }
}

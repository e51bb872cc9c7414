//! The one date parser for published files, which write the same day as
//! `01MAR2019`, `01-Mar-19`, `2019-03-01` or `01/03/2019`, and a month as
//! `MAR2019` or any of those (the day then names its month).

use crate::engine::calendar::Date;

const MONTHS: [&str; 12] = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];

/// What a date column accepts, for messages.
pub const DATE_FORMATS: &str = "a date like 01MAR2019, 01-Mar-19, 2019-03-01 or 01/03/2019";

/// What a month column accepts, for messages.
pub const MONTH_FORMATS: &str = "a month like MAR2019, 01MAR2019, 01-Mar-19 or 2019-03-01";

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    /// Year, e.g. 2025.
    pub year: i32,
    /// Month 1–12.
    pub month: u32,
}

impl Month {
    /// Days in the month.
    pub fn days(self) -> u32 {
        (28..=31)
            .rev()
            .find(|&d| Date::parse(&format!("{:04}-{:02}-{d:02}", self.year, self.month)).is_some())
            .unwrap_or(28)
    }

    /// Monday-to-Friday days in the month (bank holidays not removed).
    pub fn weekdays(self) -> u32 {
        (1..=self.days())
            .filter(|&day| {
                Date {
                    year: self.year,
                    month: self.month,
                    day,
                }
                .weekday()
                    < 5
            })
            .count() as u32
    }

    /// `MAR2019`, as the CCG-era files write it.
    pub fn label(self) -> String {
        format!("{}{}", MONTHS[(self.month - 1) as usize], self.year)
    }
}

fn month_number(name: &str) -> Option<u32> {
    let upper = name.to_ascii_uppercase();
    MONTHS
        .iter()
        .position(|m| upper.starts_with(m) && upper.len() <= 9)
        .map(|i| i as u32 + 1)
}

fn year(text: &str) -> Option<i32> {
    let y: i32 = text.parse().ok()?;
    match text.len() {
        2 => Some(2000 + y),
        4 => Some(y),
        _ => None,
    }
}

fn checked(year: i32, month: u32, day: u32) -> Option<Date> {
    Date::parse(&format!("{year:04}-{month:02}-{day:02}"))
}

/// A day in any of the published forms; `None` if it is none of them or
/// not a real date.
pub fn parse_date(text: &str) -> Option<Date> {
    let t = text.trim();
    // ISO, possibly with a time after it.
    if let Some(date) = t.get(..10).filter(|d| d.as_bytes().get(4) == Some(&b'-')).and_then(Date::parse) {
        return Some(date);
    }
    if let Some((d, rest)) = t.split_once('/') {
        let (m, y) = rest.split_once('/')?;
        return checked(year(y.get(..4).unwrap_or(y).trim())?, m.parse().ok()?, d.parse().ok()?);
    }
    if let Some((d, rest)) = t.split_once('-') {
        let (m, y) = rest.split_once('-')?;
        return checked(year(y)?, month_number(m)?, d.parse().ok()?);
    }
    // 01MAR2019
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    if (1..=2).contains(&digits) && t.len() >= digits + 5 {
        let (d, rest) = t.split_at(digits);
        let (m, y) = rest.split_at(3);
        return checked(year(y)?, month_number(m)?, d.parse().ok()?);
    }
    None
}

/// A month in any of the published forms (`MAR2019`, or a day in it).
pub fn parse_month(text: &str) -> Option<Month> {
    let t = text.trim();
    if t.len() == 7 && t.as_bytes()[0].is_ascii_alphabetic() {
        let (m, y) = t.split_at(3);
        return Some(Month {
            year: year(y).filter(|_| y.len() == 4)?,
            month: month_number(m)?,
        });
    }
    if t.len() == 7 && t.as_bytes().get(4) == Some(&b'-') {
        return parse_date(&format!("{t}-01")).map(|d| Month {
            year: d.year,
            month: d.month,
        });
    }
    parse_date(t).map(|d| Month {
        year: d.year,
        month: d.month,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Option<Date> {
        Some(Date { year: y, month: m, day })
    }

    #[test]
    fn every_published_date_form_reads_as_the_same_day() {
        for text in [
            "01MAR2019",
            "01-Mar-19",
            "2019-03-01",
            "01/03/2019",
            " 1MAR2019 ",
            "2019-03-01T00:00:00",
        ] {
            assert_eq!(parse_date(text), d(2019, 3, 1), "{text}");
        }
        for bad in ["", "MAR2019", "32MAR2019", "01-Foo-19", "2019-02-30", "1/13/2019"] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn months_read_from_every_form_and_count_their_weekdays() {
        let march = Some(Month { year: 2019, month: 3 });
        for text in ["MAR2019", "mar2019", "01MAR2019", "01-Mar-19", "2019-03-01", "2019-03"] {
            assert_eq!(parse_month(text), march, "{text}");
        }
        assert_eq!(parse_month("MAR19"), None);
        let feb = Month { year: 2024, month: 2 };
        assert_eq!((feb.days(), feb.weekdays()), (29, 21));
        assert_eq!(feb.label(), "FEB2024");
    }
}

//! Calendar arithmetic: simulation minutes ↔ days, weekdays, months and
//! civil dates, without a date-time dependency.
//!
//! Simulation time is minutes from 00:00 of day 0; day 0 is the scenario's
//! start date.

/// Minutes in a day.
pub const MINUTES_PER_DAY: f64 = 1440.0;
/// Minutes in a week.
pub const MINUTES_PER_WEEK: f64 = 7.0 * MINUTES_PER_DAY;

/// A civil (proleptic Gregorian) date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// Year, e.g. 2025.
    pub year: i32,
    /// Month 1–12.
    pub month: u32,
    /// Day of month 1–31.
    pub day: u32,
}

impl Date {
    /// Parses `YYYY-MM-DD`; `None` when malformed or not a real date.
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.trim().splitn(3, '-');
        let year: i32 = parts.next()?.parse().ok()?;
        let month: u32 = parts.next()?.parse().ok()?;
        let day: u32 = parts.next()?.parse().ok()?;
        let date = Date { year, month, day };
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        if !(1900..=2200).contains(&year) {
            return None;
        }
        Some(date)
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    pub fn days_since_epoch(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let mp = if m > 2 { m - 3 } else { m + 9 };
        let doy = (153 * mp + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01 (`civil_from_days`).
    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// Weekday, 0 = Monday … 6 = Sunday.
    pub fn weekday(self) -> usize {
        // 1970-01-01 was a Thursday (3).
        (self.days_since_epoch() + 3).rem_euclid(7) as usize
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// Parses `HH:MM` into minutes after midnight.
pub fn parse_clock(text: &str) -> Option<f64> {
    let (h, m) = text.trim().split_once(':')?;
    let h: u32 = h.parse().ok()?;
    let m: u32 = m.parse().ok()?;
    if h > 24 || m > 59 || (h == 24 && m > 0) {
        return None;
    }
    Some(f64::from(h * 60 + m))
}

/// The simulation calendar: which days the practice is open and when.
#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    /// Civil date of day 0.
    pub start: Date,
    /// Opening time \[minutes after midnight\].
    pub open_minute: f64,
    /// Closing time \[minutes after midnight\].
    pub close_minute: f64,
    /// Per simulation day: is the practice open?
    open_days: Vec<bool>,
    /// Per simulation day: weekday (0 = Monday).
    weekdays: Vec<u8>,
    /// Per simulation day: month index 0–11.
    months: Vec<u8>,
}

impl Calendar {
    /// Builds the calendar for `days` days from `start`, open on the
    /// `open_weekdays` (Monday first) except on `closed` dates.
    pub fn new(start: Date, days: usize, open_minute: f64, close_minute: f64, open_weekdays: [bool; 7], closed: &[Date]) -> Calendar {
        let epoch0 = start.days_since_epoch();
        let closed: Vec<i64> = closed.iter().map(|d| d.days_since_epoch()).collect();
        let mut open_days = Vec::with_capacity(days);
        let mut weekdays = Vec::with_capacity(days);
        let mut months = Vec::with_capacity(days);
        for d in 0..days as i64 {
            let date = Date::from_days_since_epoch(epoch0 + d);
            let wd = date.weekday();
            open_days.push(open_weekdays[wd] && !closed.contains(&(epoch0 + d)));
            weekdays.push(wd as u8);
            months.push((date.month - 1) as u8);
        }
        Calendar {
            start,
            open_minute,
            close_minute,
            open_days,
            weekdays,
            months,
        }
    }

    /// This calendar narrowed to opening at `open_minute`, closing at
    /// `close_minute` \[minutes after midnight\] and open only on the
    /// `open_weekdays` (Monday first) on which this one opens: the same
    /// days, dates and closed dates otherwise.
    pub fn narrowed(&self, open_minute: f64, close_minute: f64, open_weekdays: [bool; 7]) -> Calendar {
        let open_days = self
            .open_days
            .iter()
            .zip(&self.weekdays)
            .map(|(&open, &wd)| open && open_weekdays[usize::from(wd)])
            .collect();
        Calendar {
            open_minute,
            close_minute,
            open_days,
            ..self.clone()
        }
    }

    /// Whether the practice is open at `time` \[minutes\].
    pub fn is_open_at(&self, time: f64) -> bool {
        let day = Self::day_of(time);
        self.is_open(day) && time >= self.opening(day) && time < self.closing(day)
    }

    /// Number of simulated days.
    pub fn days(&self) -> usize {
        self.open_days.len()
    }

    /// Whether the practice is open on `day`; false past the horizon.
    pub fn is_open(&self, day: usize) -> bool {
        self.open_days.get(day).copied().unwrap_or(false)
    }

    /// Weekday of `day`, 0 = Monday.
    pub fn weekday(&self, day: usize) -> usize {
        match self.weekdays.get(day) {
            Some(&w) => usize::from(w),
            None => (self.start.weekday() + day) % 7,
        }
    }

    /// Month index (0 = January) of `day`.
    pub fn month(&self, day: usize) -> usize {
        self.months.get(day).map_or(0, |&m| usize::from(m))
    }

    /// Simulation day containing `time` \[minutes\]; saturates at
    /// `u32::MAX` (eight million years, past any horizon, on no open day).
    pub fn day_of(time: f64) -> usize {
        // `as` truncates towards zero and saturates below zero (and NaN) to
        // 0: the same as `floor().max(0.0)` (up to the saturation), without
        // the libm `floor` call baseline x86-64 makes on this hot path.
        // Through `u32` it is a clamp and one signed conversion; straight to
        // `usize` it took 15 instructions, x86-64 having no unsigned 64-bit
        // conversion before AVX-512.
        (time / MINUTES_PER_DAY) as u32 as usize
    }

    /// Opening instant of `day` \[minutes\].
    pub fn opening(&self, day: usize) -> f64 {
        midnight(day) + self.open_minute
    }

    /// Closing instant of `day` \[minutes\].
    pub fn closing(&self, day: usize) -> f64 {
        midnight(day) + self.close_minute
    }

    /// First open day on or after `day`, if any within the horizon.
    pub fn next_open_day(&self, day: usize) -> Option<usize> {
        (day..self.days()).find(|&d| self.is_open(d))
    }

    /// The earliest instant at or after `time` when the practice is open
    /// (`time` itself if open then); `None` past the horizon.
    pub fn next_open_instant(&self, time: f64) -> Option<f64> {
        let day = Self::day_of(time);
        if self.is_open(day) && time < self.closing(day) {
            return Some(time.max(self.opening(day)));
        }
        self.next_open_day(day + 1).map(|d| self.opening(d))
    }

    /// Number of open days in `[from, to)`.
    pub fn open_days_between(&self, from: usize, to: usize) -> usize {
        (from..to.min(self.days())).filter(|&d| self.is_open(d)).count()
    }
}

/// The start of `day` \[minutes\]: `day as f64 * MINUTES_PER_DAY`, the same
/// bits for every day below 2⁶³, converted through `i64` in one instruction
/// where `usize` takes six (no unsigned conversion before AVX-512).
fn midnight(day: usize) -> f64 {
    i64::try_from(day).unwrap_or(i64::MAX) as f64 * MINUTES_PER_DAY
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip_and_weekdays() {
        let d = Date::parse("2025-04-07").unwrap();
        assert_eq!(d.weekday(), 0, "7 April 2025 is a Monday");
        assert_eq!(Date::parse("2024-02-29").unwrap().weekday(), 3);
        for days in -800..800 {
            let date = Date::from_days_since_epoch(days);
            assert_eq!(date.days_since_epoch(), days);
        }
        assert!(Date::parse("2025-02-29").is_none());
        assert!(Date::parse("2025-13-01").is_none());
        assert!(Date::parse("garbage").is_none());
    }

    #[test]
    fn day_of_is_floor_clamped_at_zero_and_u32_max() {
        let xs = [
            -1e20,
            -1440.0,
            -0.5,
            -0.0,
            0.0,
            1439.999,
            1440.0,
            2879.5,
            1e7,
            f64::NAN,
            f64::INFINITY,
        ];
        for t in xs {
            let floor = (t / MINUTES_PER_DAY).floor().max(0.0).min(f64::from(u32::MAX));
            assert_eq!(Calendar::day_of(t), floor as usize, "{t}");
        }
    }

    #[test]
    fn midnight_is_the_plain_product() {
        for day in [0, 1, 7, 3650, 1 << 40, (1 << 53) + 1, usize::MAX >> 1] {
            assert_eq!(midnight(day).to_bits(), (day as f64 * MINUTES_PER_DAY).to_bits(), "{day}");
        }
    }

    #[test]
    fn calendar_skips_weekends_and_holidays() {
        let start = Date::parse("2025-04-07").unwrap();
        let holiday = Date::parse("2025-04-18").unwrap(); // Good Friday
        let cal = Calendar::new(start, 28, 480.0, 1110.0, [true, true, true, true, true, false, false], &[holiday]);
        assert!(cal.is_open(0));
        assert!(!cal.is_open(5) && !cal.is_open(6));
        assert!(!cal.is_open(11));
        assert_eq!(cal.open_days_between(0, 14), 9);
        // Friday 17:00 + 2 hours is after closing: next opening is Monday 08:00.
        let t = 4.0 * MINUTES_PER_DAY + 19.0 * 60.0;
        assert_eq!(cal.next_open_instant(t), Some(7.0 * MINUTES_PER_DAY + 480.0));
        assert_eq!(parse_clock("18:30"), Some(1110.0));
        // Narrowed to Monday to Thursday, 08:30 to 13:00.
        let short = cal.narrowed(510.0, 780.0, [true, true, true, true, false, false, false]);
        assert!(short.is_open(0) && !short.is_open(4) && !short.is_open(11) && !short.is_open(5));
        assert_eq!(short.open_days_between(0, 14), 8);
        assert!(short.is_open_at(600.0) && !short.is_open_at(800.0) && !short.is_open_at(500.0));
        assert_eq!(short.next_open_instant(800.0), Some(MINUTES_PER_DAY + 510.0));
        assert_eq!(parse_clock("25:00"), None);
    }
}

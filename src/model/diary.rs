//! Appointment diaries (GP and other practice roles): daily slots from FTE,
//! split into same-day and bookable-ahead, with a booking horizon.

use crate::engine::calendar::Calendar;
use crate::scenario::fte_on;

/// One diary's slots, day by day.
#[derive(Debug, Clone)]
pub struct Diary {
    /// Free same-day slots per day.
    same_day: Vec<u32>,
    /// Free bookable-ahead slots per day.
    ahead: Vec<u32>,
    /// Slots offered per day.
    pub capacity: Vec<u32>,
    /// Booking horizon \[days\].
    pub horizon: usize,
    /// Appointments booked and not yet held.
    pub booked_ahead: u32,
}

/// What a booking request asks for.
#[derive(Debug, Clone, Copy)]
pub struct Request {
    /// Day of the request.
    pub today: usize,
    /// Whether today's slots can still be used (before closing).
    pub today_usable: bool,
    /// Must be seen today.
    pub urgent: bool,
    /// Days ahead the patient asks for.
    pub desired_lead: usize,
}

/// Parameters shaping a diary's capacity.
#[derive(Debug, Clone, PartialEq)]
pub struct DiaryShape<'a> {
    /// Base FTE.
    pub fte: f64,
    /// Staffing changes (from day, FTE).
    pub changes: &'a [(f64, f64)],
    /// Appointments per FTE per working day.
    pub per_fte_day: f64,
    /// Capacity multiplier by weekday.
    pub rota: [f64; 7],
    /// Share of appointments offered to this pathway.
    pub share: f64,
    /// Share kept for same-day booking.
    pub same_day_share: f64,
    /// Booking horizon \[days\].
    pub horizon: usize,
    /// Initial state: share of ahead slots already booked on day 0.
    pub prebooked: f64,
}

impl Diary {
    /// Lays out the slots for every day of the calendar. Fractional slots
    /// carry to the next day, so totals match FTE × rate exactly.
    pub fn new(cal: &Calendar, shape: &DiaryShape) -> Self {
        let days = cal.days();
        let mut capacity = Vec::with_capacity(days);
        let mut same_day = Vec::with_capacity(days);
        let mut ahead = Vec::with_capacity(days);
        let mut carry = 0.0;
        for d in 0..days {
            let raw = if cal.is_open(d) {
                fte_on(shape.fte, shape.changes, d as f64) * shape.per_fte_day * shape.rota[cal.weekday(d)] * shape.share
            } else {
                0.0
            } + carry;
            let slots = raw.floor();
            carry = raw - slots;
            let slots = slots as u32;
            let same = (f64::from(slots) * shape.same_day_share).round() as u32;
            let mut free_ahead = slots - same;
            if d < shape.horizon {
                let taken = (f64::from(free_ahead) * shape.prebooked * (1.0 - d as f64 / shape.horizon as f64)).round() as u32;
                // Pre-booked appointments belong to no modelled episode:
                // they only take slots.
                free_ahead -= taken;
            }
            capacity.push(slots);
            same_day.push(same);
            ahead.push(free_ahead);
        }
        Diary {
            same_day,
            ahead,
            capacity,
            horizon: shape.horizon,
            booked_ahead: 0,
        }
    }

    /// Books the earliest fitting slot; returns its day and whether it was
    /// booked ahead (not a same-day slot), or `None` if nothing is free
    /// within the horizon.
    pub fn book(&mut self, req: Request) -> Option<(usize, bool)> {
        let last = (req.today + self.horizon).min(self.capacity.len().saturating_sub(1));
        if req.urgent || req.desired_lead == 0 {
            if req.today_usable {
                if take(&mut self.same_day, req.today) || take(&mut self.ahead, req.today) {
                    return Some((req.today, false));
                }
            } else if let Some(d) = (req.today + 1..=last).find(|&d| self.capacity[d] > 0) {
                // After closing: tomorrow's (next open day's) same-day slots.
                if take(&mut self.same_day, d) || take(&mut self.ahead, d) {
                    return Some((d, false));
                }
            }
            if req.urgent {
                return None;
            }
        }
        let from = (req.today + req.desired_lead.max(1)).min(last + 1);
        let day = first_free(&self.ahead, from..last + 1).or_else(|| first_free(&self.ahead, req.today + 1..from))?;
        self.ahead[day] -= 1;
        self.booked_ahead += 1;
        Some((day, true))
    }

    /// An appointment booked ahead has been held (attended or missed).
    pub fn held(&mut self, was_ahead: bool) {
        // Without a branch: which kind of slot was held is a coin toss the
        // predictor missed a third of the time.
        self.booked_ahead = self.booked_ahead.saturating_sub(u32::from(was_ahead));
    }

    /// Free slots on `day` (same-day and ahead).
    pub fn free_on(&self, day: usize) -> u32 {
        self.same_day.get(day).copied().unwrap_or(0) + self.ahead.get(day).copied().unwrap_or(0)
    }

    /// Re-lays the slots of `day` onwards as `fresh` (the same calendar
    /// under another shape, laid out with nothing pre-booked) offers them,
    /// keeping every appointment already booked: `booked` is this diary
    /// laid out fresh under its own shape, so what it offers minus what is
    /// free is what is taken. A pool with fewer new slots than bookings
    /// keeps the bookings and has none free. For a policy switched on at a
    /// given day (more FTE, another same-day share or horizon).
    pub fn relayout_from(&mut self, day: usize, booked: &Diary, fresh: &Diary) {
        for d in day..self.capacity.len() {
            let taken_same = booked.same_day[d].saturating_sub(self.same_day[d]);
            let taken_ahead = booked.ahead[d].saturating_sub(self.ahead[d]);
            self.same_day[d] = fresh.same_day[d].saturating_sub(taken_same);
            self.ahead[d] = fresh.ahead[d].saturating_sub(taken_ahead);
            self.capacity[d] = fresh.capacity[d];
        }
        self.horizon = fresh.horizon;
    }

    /// Whether any slot is free from `today` to the horizon.
    pub fn has_free_slot(&self, today: usize) -> bool {
        let last = (today + self.horizon).min(self.capacity.len().saturating_sub(1));
        (today..=last).any(|d| self.free_on(d) > 0)
    }
}

/// The first day in `days` with a free slot in `slots`; `None` for an
/// empty range. A scan of the subslice, so one bounds check in all rather
/// than one per day (and no `RangeInclusive` bookkeeping).
fn first_free(slots: &[u32], days: std::ops::Range<usize>) -> Option<usize> {
    let start = days.start;
    let free = slots.get(days)?.iter().position(|&n| n > 0)?;
    Some(start + free)
}

fn take(slots: &mut [u32], day: usize) -> bool {
    match slots.get_mut(day) {
        Some(n) if *n > 0 => {
            *n -= 1;
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::calendar::Date;

    fn calendar() -> Calendar {
        let start = Date::parse("2025-04-07").unwrap();
        Calendar::new(start, 40, 480.0, 1110.0, [true, true, true, true, true, false, false], &[])
    }

    fn shape() -> DiaryShape<'static> {
        DiaryShape {
            fte: 1.0,
            changes: &[],
            per_fte_day: 10.0,
            rota: [1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0],
            share: 1.0,
            same_day_share: 0.5,
            horizon: 14,
            prebooked: 0.0,
        }
    }

    #[test]
    fn capacity_follows_rota_and_fte_changes() {
        let changes = [(7.0, 2.0)];
        let d = Diary::new(
            &calendar(),
            &DiaryShape {
                changes: &changes,
                ..shape()
            },
        );
        assert_eq!(d.capacity[0], 10);
        assert_eq!(d.capacity[5], 0, "Saturday closed");
        assert_eq!(d.capacity[7], 20, "FTE doubles from day 7");
    }

    #[test]
    fn books_earliest_slot_and_reports_full() {
        let mut d = Diary::new(&calendar(), &shape());
        let req = Request {
            today: 0,
            today_usable: true,
            urgent: true,
            desired_lead: 0,
        };
        for _ in 0..10 {
            assert_eq!(d.book(req), Some((0, false)));
        }
        assert_eq!(d.book(req), None, "urgent: only today");
        let routine = Request {
            urgent: false,
            desired_lead: 2,
            ..req
        };
        assert_eq!(d.book(routine), Some((2, true)));
        // Fill every ahead slot in the horizon, then nothing fits.
        while d.book(routine).is_some() {}
        assert!(!d.has_free_slot(1) || d.free_on(1) > 0);
        assert_eq!(d.book(routine), None);
    }

    #[test]
    fn relayout_keeps_bookings_and_offers_the_new_slots() {
        let cal = calendar();
        let mut d = Diary::new(&cal, &shape());
        let ahead_on_2 = Request {
            today: 0,
            today_usable: true,
            urgent: false,
            desired_lead: 2,
        };
        for _ in 0..3 {
            assert_eq!(d.book(ahead_on_2), Some((2, true)));
        }
        let before_day0 = d.free_on(0);
        let own = Diary::new(&cal, &shape());
        // Twice the FTE from day 1: day 2 offers 20 slots, 3 of them taken.
        let double = Diary::new(&cal, &DiaryShape { fte: 2.0, ..shape() });
        let mut up = d.clone();
        up.relayout_from(1, &own, &double);
        assert_eq!((up.capacity[2], up.free_on(2)), (20, 17));
        assert_eq!(
            (up.capacity[0], up.free_on(0)),
            (10, before_day0),
            "days before the launch are untouched"
        );
        // A fifth of it: 2 slots (1 same-day, 1 ahead); the 3 bookings stay
        // and only the same-day slot is left.
        let fifth = Diary::new(&cal, &DiaryShape { fte: 0.2, ..shape() });
        let mut down = d.clone();
        down.relayout_from(1, &own, &fifth);
        assert_eq!((down.capacity[2], down.free_on(2)), (2, 1));
        assert_eq!(down.booked_ahead, 3);
    }
}

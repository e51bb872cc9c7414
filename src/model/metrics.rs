//! What one replication counts, and the weekly time series.

use crate::engine::calendar::MINUTES_PER_WEEK;

/// Event counters, attributed to the statistics window (after warm-up).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(usize)]
pub enum Counter {
    /// Contacts reaching reception (new, returning, retrying, repeating).
    Contacts,
    /// New exogenous episodes.
    NewEpisodes,
    /// GP appointment slots used (attended or missed), incl. extras.
    GpAppointments,
    /// GP appointments for needs best met elsewhere.
    GpAvoidable,
    /// GP appointments for episodes that had bounced back.
    GpFromBounce,
    /// GP appointments held on the day they were booked (lead time 0),
    /// incl. urgent extras.
    GpSameDay,
    /// Urgent extras seen beyond the diary.
    GpOverflow,
    /// GP booking requests.
    GpDemand,
    /// GP did-not-attends.
    GpDna,
    /// GP booking requests that found no slot within the booking horizon
    /// (urgent extras beyond the diary are booked, so not counted).
    GpNoSlot,
    /// Contacts the navigator proposed to send away from the GP.
    Signposted,
    /// Signposts declined (patient insisted on the GP).
    SignpostDeclined,
    /// Signposts withheld because the destination was believed full.
    CapacityRedirects,
    /// Failures after signposting or referral that came back.
    BounceBacks,
    /// Failures after signposting or referral (returned or not).
    Failures,
    /// Accepted signposts plus onward referrals (the bounce-back base).
    SignpostsAndReferrals,
    /// Urgent needs sent away from the GP and accepted.
    SafetyEvents,
    /// Referrals to the link worker.
    SplwReferrals,
    /// Referrals rejected or declined at the link worker's door.
    SplwRejections,
    /// VCSE referrals rejected (full or closed).
    VcseRejections,
    /// Community pharmacy consultations.
    PharmacyConsultations,
    /// Other practice roles' appointments used.
    RoleAppointments,
    /// Callers who hung up in the reception queue.
    NavigationAbandoned,
    /// Repeat contacts (revolving door).
    RepeatContacts,
    /// Episodes (created after warm-up) resolved at a GP appointment.
    EndedGp,
    /// … at another practice role.
    EndedRole,
    /// … at community pharmacy.
    EndedPharmacy,
    /// … by the link worker's support.
    EndedSplw,
    /// … at a VCSE service.
    EndedVcse,
    /// … at reception (administrative).
    EndedReception,
    /// … unmet (gave up, not returned).
    EndedUnmet,
    /// Pharmacy First consultations (the patient attended).
    PharmacyFirstConsultations,
    /// … completed in the pharmacy.
    PharmacyFirstCompleted,
    /// … referred on to the practice.
    PharmacyFirstReferredOn,
}

impl Counter {
    /// Number of counters.
    pub const COUNT: usize = Counter::PharmacyFirstReferredOn as usize + 1;
}

/// Weekly series a replication reports, one value per week after warm-up.
#[derive(Debug, Clone)]
pub struct Weekly {
    /// Series names, in output order.
    pub names: Vec<String>,
    /// `values\[series\]\[week\]`.
    pub values: Vec<Vec<f64>>,
    /// Weeks in the statistics window.
    pub weeks: usize,
}

impl Weekly {
    /// No series yet, for `weeks` weeks.
    pub fn new(weeks: usize) -> Self {
        Weekly {
            names: Vec::new(),
            values: Vec::new(),
            weeks,
        }
    }

    /// Adds a series called `name` (zero every week) and returns its id.
    pub fn register(&mut self, name: &str) -> usize {
        debug_assert!(!self.names.iter().any(|n| n == name), "weekly series {name} registered twice");
        self.names.push(name.to_string());
        self.values.push(vec![0.0; self.weeks]);
        self.names.len() - 1
    }

    /// Adds `amount` to series `index` in `week` (ignored outside the window).
    #[inline]
    pub fn add(&mut self, index: usize, week: Option<usize>, amount: f64) {
        if let Some(w) = week {
            if let Some(v) = self.values[index].get_mut(w) {
                *v += amount;
            }
        }
    }

    /// Sets series `index` in `week`.
    pub fn set(&mut self, index: usize, week: usize, value: f64) {
        if let Some(v) = self.values[index].get_mut(week) {
            *v = value;
        }
    }
}

/// A stretch of simulated time over which [`WeekSpan::week_at`] gives one
/// answer, and that answer: lets the model find the current week with two
/// comparisons instead of a division and a saturating float-to-integer
/// conversion at every weekly count (issue #12).
#[derive(Debug, Clone, Copy)]
struct WeekSpan {
    /// First instant of the stretch \[minutes\].
    from: f64,
    /// First instant past it \[minutes\].
    until: f64,
    /// The week every instant of the stretch falls in.
    week: Option<usize>,
}

impl WeekSpan {
    /// Index of the week after the statistics window's `start` \[minutes\]
    /// that `now` \[minutes\] falls in, if inside the window's `weeks`
    /// weeks: the one definition of the weekly series' weeks.
    #[inline]
    fn week_at(now: f64, start: f64, weeks: usize) -> Option<usize> {
        if now < start {
            return None;
        }
        let w = ((now - start) / MINUTES_PER_WEEK) as usize;
        (w < weeks).then_some(w)
    }

    /// The span from `now` to the first later instant whose
    /// [`week_at`](Self::week_at) differs. Exact: `week_at` never
    /// decreases as `now` grows (before the window, its weeks in order,
    /// past it), so an answer equal at `now` and just before `until` is
    /// the answer at every instant between; the end is found from the
    /// week's nominal boundary and then moved by single floating-point
    /// steps (a few at most) onto the instant where the answer changes.
    #[cold]
    fn around(now: f64, start: f64, weeks: usize) -> WeekSpan {
        let week = Self::week_at(now, start, weeks);
        let at = |t: f64| Self::week_at(t, start, weeks);
        let until = match week {
            None if now < start && weeks > 0 => start,
            None => f64::INFINITY,
            Some(w) => {
                let mut until = start + (w + 1) as f64 * MINUTES_PER_WEEK;
                while at(until) == week {
                    until = next_up(until);
                }
                while until > now && at(next_down(until)) != week {
                    until = next_down(until);
                }
                until
            }
        };
        WeekSpan { from: now, until, week }
    }
}

/// The least `f64` above `x`, for positive finite `x` (`f64::next_up`
/// needs Rust 1.86, past the crate's MSRV).
fn next_up(x: f64) -> f64 {
    debug_assert!(x > 0.0 && x.is_finite());
    f64::from_bits(x.to_bits() + 1)
}

/// The greatest `f64` below `x`, for positive finite `x`.
fn next_down(x: f64) -> f64 {
    debug_assert!(x > 0.0 && x.is_finite());
    f64::from_bits(x.to_bits() - 1)
}

/// The `WeekSpan` the last lookup fell in, so that the lookups of one
/// event, and of the many events of one week, compute the week once.
#[derive(Debug, Clone)]
pub struct WeekCache(WeekSpan);

impl Default for WeekCache {
    /// Holding no instant, so the first lookup computes.
    fn default() -> Self {
        WeekCache(WeekSpan {
            from: f64::INFINITY,
            until: f64::NEG_INFINITY,
            week: None,
        })
    }
}

impl WeekCache {
    /// `WeekSpan::week_at(now, start, weeks)`, from the cached span
    /// when `now` lies in it. `start` and `weeks` must not change between
    /// lookups (they are the scenario's, and every arm shares them).
    #[inline]
    pub fn week(&mut self, now: f64, start: f64, weeks: usize) -> Option<usize> {
        let span = self.0;
        if span.from <= now && now < span.until {
            debug_assert_eq!(span.week, WeekSpan::week_at(now, start, weeks));
            return span.week;
        }
        let span = WeekSpan::around(now, start, weeks);
        self.0 = span;
        span.week
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cached_weeks_match_the_formula_at_every_boundary() {
        let (start, weeks): (f64, usize) = (90.0 * 1440.0 + 0.1, 5);
        let mut cache = WeekCache::default();
        let mut instants = vec![0.0, next_down(start), start, f64::INFINITY];
        for w in 0..=weeks + 1 {
            let b = start + w as f64 * MINUTES_PER_WEEK;
            let mut t = next_down(next_down(next_down(b)));
            for _ in 0..7 {
                instants.push(t);
                t = next_up(t);
            }
            instants.push(b + 0.5);
        }
        instants.sort_by(f64::total_cmp);
        // In time order (as the model asks), then backwards (as a probe may).
        for &t in instants.iter().chain(instants.iter().rev()) {
            assert_eq!(cache.week(t, start, weeks), WeekSpan::week_at(t, start, weeks), "at {t}");
        }
    }
}

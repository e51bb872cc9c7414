//! The policy launch: every arm starts from the counterfactual's own warm
//! state.
//!
//! A replication warms up **once**, under the counterfactual (signposting
//! off), to the end of `time.warmup_days`. That state — the link-worker
//! caseload and waiting list, VCSE occupancy and lists, GP and role diaries
//! booked ahead, every pending event and every random stream — is then
//! copied into each arm, the arm's policy is switched on at that instant
//! (the *launch*) and the statistics window begins. So:
//!
//! * the initial state of every arm is consistent with the counterfactual's
//!   own flows (no hand-set numbers that drain in the first weeks), and the
//!   warm-up diagnostic, which judges the counterfactual, judges the very
//!   state every arm starts from;
//! * the window is **the first `horizon_days` after the policy starts**, as
//!   a commissioner would fund it, bedding-in included (a bigger link-worker
//!   team takes weeks to clear the list it inherits);
//! * arms still share the patients, their needs and every random stream up
//!   to the launch, and the same streams after it (common random numbers),
//!   and the warm-up is paid once per replication instead of once per arm.
//!
//! A policy that changes capacity takes effect at the launch: reception
//! lines, VCSE places, link-worker FTE (recomputed each day), and the GP
//! and role diaries, whose slots from the launch day on are re-laid under
//! the arm's FTE, rates, shares and horizon while every appointment already
//! booked is kept. An arm can start from the warm state only if it differs
//! from the counterfactual in what a policy can change at an instant; arms
//! that change the population, needs, calendar and run length, or a waiting
//! list's cap, or a practice's list or rurality, run their own warm-up under their own values instead (see
//! [`fork_blocker`]); `signpost check` and `run.json` say which.
//!
//! The online request route's keys (`online.*`) never block: each is read
//! as events happen — uptake at each arrival (and again when a request
//! chosen before the launch is written), the profile, triage times and
//! accuracy at each request, clinician lines whenever one is free — and the
//! inboxes are handed to the arm's staff at the launch. Whether the route
//! exists at all cannot differ between arms: an arm can only set keys the
//! base has.

use super::diary::Diary;
use super::episode::Location;
use super::{diary_shapes, role_choices, Ev, Model};
use crate::engine::calendar::MINUTES_PER_DAY;
use crate::scenario::Scenario;
use rand::Rng;

/// Why `arm` cannot start from `counterfactual`'s warm state: the first
/// section whose values differ (one a policy cannot change at an instant),
/// or `None` when it can.
pub fn fork_blocker(counterfactual: &Scenario, arm: &Scenario) -> Option<&'static str> {
    let (c, a) = (&counterfactual.raw, &arm.raw);
    let waitlist_caps = |s: &Scenario| -> Vec<u32> { s.raw.vcse.services.iter().map(|v| v.waitlist_cap).collect() };
    // Who is on which practice's list, and who is rural, are drawn with the
    // list before the warm-up.
    let lists = |s: &Scenario| -> Vec<(u64, u64)> { s.practices.list.iter().map(|p| (p.list_size, p.rural_share.to_bits())).collect() };
    [
        ("time", same(&c.time, &a.time)),
        ("population", same(&c.population, &a.population)),
        ("needs", same(&c.needs, &a.needs)),
        ("gp.prebooked_share", c.gp.prebooked_share == a.gp.prebooked_share),
        ("splw.waitlist_cap", c.splw.waitlist_cap == a.splw.waitlist_cap),
        ("vcse.services.*.waitlist_cap", waitlist_caps(counterfactual) == waitlist_caps(arm)),
        (
            "practices.*.list_size, practices.*.rural_share",
            lists(counterfactual) == lists(arm),
        ),
    ]
    .into_iter()
    .find(|(_, same)| !same)
    .map(|(section, _)| section)
}

/// Whether two sections hold the same values (compared as JSON trees, so
/// no section type needs `PartialEq`; a section that cannot be written
/// out counts as different).
fn same<T: serde::Serialize>(x: &T, y: &T) -> bool {
    match (serde_json::to_value(x), serde_json::to_value(y)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Whether held link-worker cases go to weekly MDT reviews in `s`.
pub(super) fn mdt_reviews(s: &Scenario) -> bool {
    s.raw.splw.mdt && s.raw.splw.mdt_held_weekly_resolve > 0.0
}

/// Places a VCSE service has at `funding` (a multiplier of its base places).
pub(super) fn service_places(base_places: u32, funding: f64) -> u32 {
    (f64::from(base_places) * funding).round() as u32
}

impl<'s> Model<'s> {
    /// The model as it stands at the launch, with `arm`'s policy switched
    /// on: a copy of this (counterfactual) warm state; `self` is untouched.
    pub(super) fn launched(&self, arm: &'s Scenario) -> Model<'s> {
        let mut m = self.clone();
        m.s = arm;
        m.now = arm.warmup_minutes;
        m.relayout_diaries(self.s);
        m.switch_policy(mdt_reviews(self.s));
        m
    }

    /// Applies the capacities the arm's scenario sets, at the launch
    /// instant. Everything else a policy changes (navigation tier, link-
    /// worker FTE and MDT, funding, transport) is read from the scenario
    /// as events happen, so the next event already follows the arm.
    /// Re-lays every diary whose shape differs under the arm from the
    /// launch day on, keeping the bookings made under `warm` (the
    /// counterfactual); and the arm's choice of roles.
    fn relayout_diaries(&mut self, warm: &Scenario) {
        let s = self.s;
        let day = (s.warmup_minutes / MINUTES_PER_DAY).floor() as usize;
        let before = diary_shapes(warm, 0.0);
        let after = diary_shapes(s, 0.0);
        for ((diary, old), new) in self.diaries.iter_mut().zip(&before).zip(&after) {
            if old != new {
                diary.relayout_from(day, &Diary::new(old.0, &old.1), &Diary::new(new.0, &new.1));
            }
        }
        self.role_choice = role_choices(s);
    }

    /// `reviews_pending`: the warm state already has MDT reviews booked
    /// for its held cases.
    fn switch_policy(&mut self, reviews_pending: bool) {
        let s = self.s;
        let now = self.now;
        for (practice, prepared) in s.practices.list.iter().enumerate() {
            self.reception[practice].set_capacity(now, prepared.reception_lines);
            while let Some((ep, _)) = self.reception[practice].admit_next(now, |_| true) {
                self.move_to(ep, Location::WithNavigator);
                self.start_handling(ep);
            }
        }
        // The arm's staffing takes the online inboxes too.
        for practice in 0..s.practices.len() {
            self.inbox_pull(practice as u8);
        }
        self.clinician_pull();
        for svc in 0..self.services.len() {
            let places = super::vcse_schedule::places_on(s, svc, (now / MINUTES_PER_DAY).floor());
            self.services[svc].res.set_capacity(now, places);
            self.vcse_admit(svc);
        }
        // Link-worker capacity follows the arm from the launch day's start
        // (the day-start event at this instant recomputes it).
        if mdt_reviews(s) && !reviews_pending {
            // Cases already held go to the first weekly MDT meetings.
            for ep in 0..self.episodes.len() {
                let e = &self.episodes[ep];
                if e.location == Location::SplwHolding && e.holding {
                    let first = now + self.rng.splw.random::<f64>() * 7.0 * MINUTES_PER_DAY;
                    self.q.push(first, Ev::SplwMdtReview(ep as u32, e.token));
                }
            }
        }
    }
}

//! Social prescribing link workers: referral triage that screens
//! out-of-remit referrals on receipt → waiting list (people give up while
//! they wait) → caseload (capped per FTE, reduced by admin and MDT time,
//! and by absence) → sessions (paused while the link worker is absent) →
//! linking to VCSE, holding when no local service exists (the weekly MDT
//! may find a route) → discharge, resolved by the support received (a
//! dose–response in sessions attended), relapse for dependent people cut
//! short by the discharge boundary, re-referral.

use super::episode::Location;
use super::journey::Reason;
use super::{Ev, Model, Outcome, Place};
use crate::engine::calendar::{Calendar, MINUTES_PER_DAY};
use crate::engine::{QueueLimit, Resource, SimRng, Ticket};
use crate::scenario::{fte_on, Scenario};
use crate::stats::Level;
use crate::stats::Summary;
use rand::Rng;
use rand_distr::{Distribution, Exp, Poisson};

/// Link-worker service state.
#[derive(Clone)]
pub(super) struct LinkWorker {
    /// The caseload (servers: its cap in people) and the waiting list.
    pub res: Resource<u32>,
    /// Share of link workers present this week.
    pub present: f64,
    /// Link-worker FTE in force.
    pub fte_level: Level,
    /// Days from referral to joining the caseload.
    pub wait_days: Summary,
    /// By episode: a dependent person discharged by the boundary before
    /// the sessions they wanted (grown on demand).
    cut_short: Vec<bool>,
}

impl LinkWorker {
    pub fn new(s: &Scenario, start: f64) -> Self {
        let limit = match s.raw.splw.waitlist_cap {
            0 => QueueLimit::Unbounded,
            cap => QueueLimit::AtMost(cap),
        };
        LinkWorker {
            res: Resource::new(0, limit, start),
            present: 1.0,
            fte_level: Level::new(start, s.raw.splw.fte),
            wait_days: Summary::new(),
            cut_short: Vec::new(),
        }
    }
}

impl Model<'_> {
    /// Contact-time share of link-worker time.
    fn splw_patient_facing(&self) -> f64 {
        let s = &self.s.raw.splw;
        1.0 - s.admin_share - if s.mdt { s.mdt_time_share } else { 0.0 }
    }

    fn splw_fte_now(&self) -> f64 {
        fte_on(self.s.raw.splw.fte, &self.s.splw_changes, self.now / MINUTES_PER_DAY)
    }

    /// Weekly: each link worker is absent with `absence_probability`.
    pub(super) fn splw_draw_absence(&mut self) {
        let fte = self.splw_fte_now();
        let workers = fte.ceil().max(1.0) as u32;
        let p = self.s.raw.splw.absence_probability;
        let absent = (0..workers).filter(|_| self.rng.staffing.random::<f64>() < p).count() as f64;
        self.splw.present = (f64::from(workers) - absent) / f64::from(workers);
    }

    /// Recomputes the caseload cap from FTE in force, presence and admin.
    pub(super) fn splw_update_capacity(&mut self) {
        let fte = self.splw_fte_now();
        let cap = (fte * self.splw.present * self.s.raw.splw.caseload_per_fte * self.splw_patient_facing()).floor() as u32;
        self.splw.res.set_capacity(self.now, cap);
        self.splw.fte_level.set(self.now, fte);
        self.splw_admit();
    }

    /// Expected wait for a new referral \[weeks\].
    fn splw_expected_wait_weeks(&self) -> f64 {
        let s = &self.s.raw.splw;
        let episode_weeks = s.sessions_mean * s.session_interval_days / 7.0;
        f64::from(self.splw.res.waiting()) * episode_weeks / f64::from(self.splw.res.capacity().max(1))
    }

    /// Whether the navigator would judge the wait acceptable.
    pub(super) fn splw_wait_acceptable(&self) -> bool {
        self.splw.res.queue_has_room() && self.splw_expected_wait_weeks() <= self.s.raw.navigation.acceptable_wait_weeks
    }

    pub(super) fn splw_refer(&mut self, ep: u32) {
        if self.episodes[ep as usize].outcome != Outcome::Open {
            return;
        }
        self.count(super::Counter::SplwReferrals);
        self.group_count(ep, super::Counter::SplwReferrals);
        self.trace(ep, Place::Splw, "referred", Reason::None);
        // Triage on receipt: the link worker reads the referral and calls
        // the patient before putting them on the list, so an inappropriate
        // referral goes back at once rather than after the whole wait.
        let need = self.episodes[ep as usize].need as usize;
        if !self.s.splw_remit[need] && self.rng.splw.random::<f64>() < self.s.raw.splw.screen_out_of_remit {
            self.failure(ep, Place::Splw, Reason::OutOfRemit);
            return;
        }
        if !self.splw.res.queue_has_room() {
            self.count(super::Counter::SplwRejections);
            self.failure(ep, Place::Splw, Reason::RejectedFull);
            return;
        }
        let p_refuse = (self.s.raw.splw.refuse_per_week_wait * self.splw_expected_wait_weeks()).min(1.0);
        if self.rng.splw.random::<f64>() < p_refuse {
            self.count(super::Counter::SplwRejections);
            self.failure(ep, Place::Splw, Reason::Declined);
            return;
        }
        // Everyone joins the list; when the caseload has room they leave it
        // at once (a wait of zero days).
        self.move_to(ep, Location::SplwWaiting);
        let ticket = self.splw.res.enqueue(self.now, ep);
        let patience = Self::wait_patience_days(self.s, &mut self.rng.splw);
        self.splw_admit();
        if let Some(days) = patience {
            self.q.push(self.now + days * MINUTES_PER_DAY, Ev::SplwWaitDropout(ep, ticket));
        }
    }

    /// Days a person will wait on the list before giving up, at the weekly
    /// hazard `wait_dropout_per_week`; `None` if nobody gives up.
    fn wait_patience_days(s: &Scenario, rng: &mut SimRng) -> Option<f64> {
        let rate = s.raw.splw.wait_dropout_per_week;
        (rate > 0.0).then(|| Exp::new(rate / 7.0).map_or(f64::INFINITY, |d| d.sample(rng)))
    }

    /// A person still on the waiting list gives up (disengaged while
    /// waiting) and comes back to the practice, or the need goes unmet.
    pub(super) fn splw_wait_dropout(&mut self, ep: u32, ticket: Ticket) {
        if !self.splw.res.renege(self.now, ticket) {
            return; // already admitted, or left
        }
        if self.episodes[ep as usize].outcome == Outcome::Open {
            self.failure(ep, Place::Splw, Reason::Disengaged);
        }
    }

    /// Admits from the waiting list while the caseload has room.
    fn splw_admit(&mut self) {
        loop {
            let episodes = &self.episodes;
            let still_open = |ep: u32| episodes[ep as usize].outcome == Outcome::Open;
            let Some((ep, joined)) = self.splw.res.admit_next(self.now, still_open) else {
                break;
            };
            if self.in_window() {
                self.splw.wait_days.add((self.now - joined) / MINUTES_PER_DAY);
            }
            let rng = &mut self.rng.splw;
            let (planned, cut_short) = plan_sessions(self.s, rng);
            let link = rng.random::<f64>() < self.s.raw.splw.link_probability;
            self.start_on_caseload(ep, planned, link, cut_short);
            let after = self.now + self.rng.splw.random::<f64>() * 2.0 * MINUTES_PER_DAY;
            let first = self.splw_next_working_time(after);
            if let Some(t) = first {
                let token = self.episodes[ep as usize].token;
                self.q.push(t, Ev::SplwSession(ep, token));
            }
        }
    }

    /// `ep` has taken a caseload place: its enrolment starts.
    fn start_on_caseload(&mut self, ep: u32, planned: u16, link: bool, cut_short: bool) {
        let cut = &mut self.splw.cut_short;
        if cut.len() <= ep as usize {
            cut.resize(ep as usize + 1, false);
        }
        cut[ep as usize] = cut_short;
        let e = &mut self.episodes[ep as usize];
        e.token = e.token.wrapping_add(1);
        e.on_caseload = true;
        e.sessions_done = 0;
        e.sessions_planned = planned;
        e.link_planned = link;
        e.splw_joined = self.now;
        self.move_to(ep, Location::SplwCaseload);
        self.trace(ep, Place::Splw, "on_caseload", Reason::None);
    }

    /// First instant at or after `time` on a link-worker working day.
    fn splw_next_working_time(&mut self, time: f64) -> Option<f64> {
        let cal = &self.s.calendar;
        let day = Calendar::day_of(time);
        let working = |d: usize| cal.is_open(d) && self.s.splw_rota[cal.weekday(d)] > 0.0;
        if working(day) && time < cal.closing(day) {
            return Some(time.max(cal.opening(day)));
        }
        let d = (day + 1..cal.days()).find(|&d| working(d))?;
        Some(cal.opening(d) + self.rng.splw.random::<f64>() * (cal.close_minute - cal.open_minute))
    }

    pub(super) fn splw_discharge(&mut self, ep: u32) {
        let e = &mut self.episodes[ep as usize];
        if !e.on_caseload {
            return;
        }
        e.on_caseload = false;
        e.holding = false;
        e.token = e.token.wrapping_add(1);
        self.splw.res.release(self.now);
        self.splw_admit();
    }

    pub(super) fn splw_session(&mut self, ep: u32, token: u32) {
        let e = self.episodes[ep as usize];
        if !e.on_caseload || e.holding || e.token != token {
            return; // a session of an earlier, ended enrolment
        }
        self.expect_at(
            ep,
            |l| matches!(l, Location::SplwCaseload | Location::SplwLinked { .. }),
            "a session",
        );
        let s = &self.s.raw.splw;
        let (u_absent, u_leave): (f64, f64) = (self.rng.splw.random(), self.rng.splw.random());
        if u_absent >= self.splw.present {
            // The person's link worker is away this week: the session is
            // put off to the next one, not held.
            let next = self.now + s.session_interval_days * MINUTES_PER_DAY;
            if let Some(t) = self.splw_next_working_time(next) {
                self.q.push(t, Ev::SplwSession(ep, token));
            }
            return;
        }
        let need = e.need as usize;
        let in_remit = self.s.splw_remit[need];
        let done = e.sessions_done + 1;
        self.episodes[ep as usize].sessions_done = done;
        if done > 1 && u_leave < s.disengage_per_session {
            self.failure(ep, Place::Splw, Reason::Disengaged);
            return;
        }
        let link_now = u32::from(done) == s.link_at_session && e.link_planned && in_remit && e.outcome == Outcome::Open;
        if link_now && !self.splw_link(ep) {
            return;
        }
        if done >= e.sessions_planned {
            self.splw_end(ep);
        } else {
            let next = self.now + s.session_interval_days * MINUTES_PER_DAY;
            if let Some(t) = self.splw_next_working_time(next) {
                self.q.push(t, Ev::SplwSession(ep, token));
            }
        }
    }

    /// Links the patient to a VCSE service; `false` if support has ended
    /// (rejected) or the patient is now held.
    fn splw_link(&mut self, ep: u32) -> bool {
        let need = self.episodes[ep as usize].need as usize;
        let unserved = self.rng.splw.random::<f64>() < self.s.raw.splw.unserved_share;
        let service = if unserved { None } else { self.choose_service(need) };
        let Some(svc) = service else {
            // No local service for this need: held until the link worker gives up.
            let e = &mut self.episodes[ep as usize];
            e.holding = true;
            e.token = e.token.wrapping_add(1);
            let token = e.token;
            self.move_to(ep, Location::SplwHolding);
            self.trace(ep, Place::Splw, "holding", Reason::None);
            let s = &self.s.raw.splw;
            let t = self.now + s.hold_timeout_days * MINUTES_PER_DAY;
            self.q.push(t, Ev::SplwHoldTimeout(ep, token));
            if super::launch::mdt_reviews(self.s) {
                // The case goes to the next weekly MDT meeting.
                let first = self.now + self.rng.splw.random::<f64>() * 7.0 * MINUTES_PER_DAY;
                self.q.push(first, Ev::SplwMdtReview(ep, token));
            }
            return false;
        };
        match self.vcse_refer(ep, svc) {
            Err(reason) => {
                self.failure(ep, Place::Vcse, reason);
                false
            }
            // A programme that failed at once (did not attend) has ended
            // support: the episode is no longer on the caseload.
            Ok(()) => self.episodes[ep as usize].on_caseload,
        }
    }

    pub(super) fn splw_hold_timeout(&mut self, ep: u32, token: u32) {
        let e = self.episodes[ep as usize];
        if !e.holding || e.token != token {
            return;
        }
        self.expect_at(ep, |l| l == Location::SplwHolding, "a hold timeout");
        self.failure(ep, Place::Splw, Reason::HeldTimeout);
    }

    /// A held case at the weekly MDT meeting: with the other services in
    /// the room (social care, mental health, housing, DWP: seed, Brunton
    /// 2022) a route is found with `mdt_held_weekly_resolve`, else it comes
    /// back next week until the hold times out.
    pub(super) fn splw_mdt_review(&mut self, ep: u32, token: u32) {
        let e = self.episodes[ep as usize];
        // No meeting (an arm launched without MDT): the case waits for its timeout.
        if !e.holding || e.token != token || e.outcome != Outcome::Open || !super::launch::mdt_reviews(self.s) {
            return;
        }
        if self.rng.splw.random::<f64>() < self.s.raw.splw.mdt_held_weekly_resolve {
            self.trace(ep, Place::Splw, "mdt_route", Reason::None);
            self.maybe_re_refer(ep);
            self.resolve(ep, Place::Splw);
        } else {
            self.q.push(self.now + 7.0 * MINUTES_PER_DAY, Ev::SplwMdtReview(ep, token));
        }
    }

    /// Dose–response: the share of its full effect that link-worker
    /// support has after `attended` sessions, rising linearly to 1 at
    /// `full_effect_sessions` (0: no dose–response).
    fn support_dose(&self, attended: u16) -> f64 {
        let full = self.s.raw.splw.full_effect_sessions;
        if full == 0 {
            1.0
        } else {
            (f64::from(attended) / f64::from(full)).min(1.0)
        }
    }

    /// Planned sessions are over: discharge, resolved or not.
    fn splw_end(&mut self, ep: u32) {
        let e = self.episodes[ep as usize];
        if e.outcome != Outcome::Open || e.vcse_pending {
            self.splw_discharge(ep);
            if let Location::SplwLinked { svc, started } = e.location {
                self.move_to(ep, Location::vcse_place(svc, started, false));
            }
            return; // the VCSE service decides
        }
        let need = &self.s.raw.needs[e.need as usize];
        if !self.s.splw_remit[e.need as usize] {
            self.failure(ep, Place::Splw, Reason::NotResolved);
            return;
        }
        let s = &self.s.raw.splw;
        let cut_short = self.splw.cut_short.get(ep as usize).copied().unwrap_or(false);
        let (u_relapse, u_resolve): (f64, f64) = (self.rng.splw.random(), self.rng.splw.random());
        if cut_short && u_relapse < s.cut_short_relapse {
            // Discharged by the boundary before they felt ready: a dependent
            // person relapses and comes back (seed: Griffiths 2023).
            self.trace(ep, Place::Splw, "relapsed", Reason::None);
            self.failure(ep, Place::Splw, Reason::NotResolved);
            return;
        }
        let mut p = s.resolve_without_link;
        if need.complex {
            p = p * s.complex_resolve_factor + if s.mdt { s.mdt_complex_boost } else { 0.0 };
        }
        let p = p.min(1.0) * self.support_dose(e.sessions_done);
        if u_resolve < p {
            self.maybe_re_refer(ep);
            self.resolve(ep, Place::Splw);
        } else {
            self.failure(ep, Place::Splw, Reason::NotResolved);
        }
    }

    /// "The door is always open": some people come back to the link worker.
    pub(super) fn maybe_re_refer(&mut self, ep: u32) {
        let s = &self.s.raw.splw;
        if self.rng.splw.random::<f64>() < s.re_referral_probability {
            let delay = Exp::new(1.0 / s.re_referral_delay_days).map_or(s.re_referral_delay_days, |d| d.sample(&mut self.rng.splw));
            let e = self.episodes[ep as usize];
            self.q.push(self.now + delay * MINUTES_PER_DAY, Ev::ReReferral(e.patient, e.need));
        }
    }

    /// Pre-existing caseload and waiting list at time 0.
    pub(super) fn splw_initial_state(&mut self, rng: &mut SimRng) {
        let remit: Vec<usize> = (0..self.s.raw.needs.len()).filter(|&n| self.s.splw_remit[n]).collect();
        if remit.is_empty() {
            return;
        }
        let s = &self.s.raw.splw;
        let list = self.s.raw.population.list_size as u32;
        self.splw_update_capacity();
        // The caseload cannot start above the team's capacity: the rest of
        // the initial caseload waits on the list.
        let on_caseload = s.initial_caseload.min(self.splw.res.capacity());
        for i in 0..s.initial_caseload + s.initial_waitlist {
            let need = remit[rng.random_range(0..remit.len())] as u16;
            let ep = self.new_episode(rng.random_range(0..list), need, false);
            if i < on_caseload {
                let (planned, cut_short) = plan_sessions(self.s, rng);
                let done = rng.random_range(0..planned);
                let link = rng.random::<f64>() < s.link_probability && u32::from(done) < s.link_at_session;
                self.splw.res.take_server(0.0);
                self.start_on_caseload(ep, planned, link, cut_short);
                self.episodes[ep as usize].sessions_done = done;
                let t = rng.random::<f64>() * s.session_interval_days * MINUTES_PER_DAY;
                if let Some(t) = self.splw_next_working_time(t) {
                    let token = self.episodes[ep as usize].token;
                    self.q.push(t, Ev::SplwSession(ep, token));
                }
            } else {
                self.move_to(ep, Location::SplwWaiting);
                let ticket = self.splw.res.enqueue(0.0, ep);
                if let Some(days) = Self::wait_patience_days(self.s, rng) {
                    self.q.push(days * MINUTES_PER_DAY, Ev::SplwWaitDropout(ep, ticket));
                }
            }
        }
    }
}

/// Sessions a person will have: 1 + Poisson(mean − 1), extended for
/// dependent people, capped by the discharge boundary; and whether the
/// boundary cut short a dependent person's wanted support.
fn plan_sessions(s: &Scenario, rng: &mut SimRng) -> (u16, bool) {
    let sp = &s.raw.splw;
    let extra = if sp.sessions_mean > 1.0 {
        Poisson::new(sp.sessions_mean - 1.0).map_or(0.0, |d| d.sample(rng))
    } else {
        0.0
    };
    let mut n = 1 + extra as u32;
    let dependent = rng.random::<f64>() < sp.dependency_probability;
    if dependent {
        n += sp.dependency_extra_sessions;
    }
    let cut_short = dependent && n > sp.max_sessions;
    (n.min(sp.max_sessions).min(u32::from(u16::MAX)) as u16, cut_short)
}

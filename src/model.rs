//! The primary-care pathway as a discrete-event model.
//!
//! The pathway is pictured in the [crate docs](crate). This file owns the
//! events, the random streams and the loop; each mechanism lives in its own
//! file: [`demand`] (arrivals), `reception`, `navigation`, `appointments`
//! beside [`diary`] and `staffing` (the diaries and role choices laid out
//! from the scenario), `pharmacy`, `link_worker`, `vcse`, `episode` (where an
//! episode is and how it ends) and `results` (weekly series and metrics).
//!
//! One [`Model`] is one replication of one arm. It owns all mutable state;
//! the [`Scenario`] is shared read-only. Entities live in arenas indexed by
//! `u32`, events are small `Copy` values, and statistics stream into
//! counters and time-weighted levels.

mod appointments;
mod arena;
pub mod demand;
pub mod diary;
mod episode;
mod group_results;
pub mod groups;
pub mod journey;
mod launch;
mod link_worker;
pub mod metrics;
mod navigation;
mod online;
mod pharmacy;
mod pharmacy_first;
#[doc(hidden)]
pub mod probe;
mod reception;
mod results;
mod staffing;
mod vcse;
mod vcse_schedule;

pub use crate::scenario::Place;
pub use arena::ArenaPool;
pub use episode::Outcome;
pub use launch::fork_blocker;
pub use results::{Conservation, ReplicationOutput};
pub use staffing::diary_shapes;
use staffing::{role_choices, RoleChoice};

use crate::engine::calendar::{Calendar, MINUTES_PER_DAY, MINUTES_PER_WEEK};
use crate::engine::{prefetch, stream_rng, EventQueue, QueueLimit, Resource, SimRng, Stream, Ticket};
use crate::scenario::Scenario;
use crate::stats::Summary;
use arena::Episodes;
use demand::{Arrival, ArrivalPlan, Population};
use diary::Diary;
use journey::JourneyStep;
use link_worker::LinkWorker;
use metrics::{Counter, WeekCache, Weekly};
use navigation::Directory;
use results::SeriesIds;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use vcse::Service;

/// A scheduled happening. Small and `Copy`.
///
/// The variants naming an episode first come first, each with the episode
/// as its first field, so that [`Ev::episode`] compiles to one comparison
/// of the tag and one load rather than a branch per variant.
#[derive(Debug, Clone, Copy)]
enum Ev {
    Contact(u32),
    ReceptionDone(u32),
    Abandon(u32, Ticket),
    Appointment {
        ep: u32,
        diary: u8,
        ahead: bool,
        lead: u16,
    },
    PharmacyVisit(u32),
    PharmacyFirstVisit(u32),
    SplwSession(u32, u32),
    SplwHoldTimeout(u32, u32),
    SplwWaitDropout(u32, Ticket),
    SplwMdtReview(u32, u32),
    /// A programme ends: episode, service, referral generation (an end of
    /// an earlier referral must not decide a later one).
    VcseEnd(u32, u8, u16),
    /// Someone waiting for a service with no places gives up: episode,
    /// service, their place on the list.
    VcseListTimeout(u32, u8, Ticket),
    /// A triage of a written request ends.
    TriageDone {
        ep: u32,
        clinician: bool,
    },
    DayStart(u32),
    WeekMark(u32),
    Arrival,
    /// A practice's reception closes.
    ReceptionClose(u8),
    ReReferral(u32, u16),
    VcseClosure(u8),
    VcseReopen(u8),
    /// An online request is written (the route's episodes start here):
    /// `route` and `triager` are its route and triager uniforms in
    /// 1/65536ths, rounded down, read against the scenario in force when
    /// it is written.
    OnlineRequest {
        patient: u32,
        need: u16,
        triager: u16,
        route: u16,
    },
    /// A practice opens: its navigators take requests from its inbox (and
    /// the clinicians from theirs).
    InboxOpen(u8),
}

impl Ev {
    /// The episode the event is about, if it names one: what
    /// [`Model::prefetch_ahead`] fetches early. Only a hint: a variant
    /// left out here is merely not prefetched.
    #[inline(always)]
    fn episode(self) -> Option<u32> {
        match self {
            Ev::Contact(ep)
            | Ev::ReceptionDone(ep)
            | Ev::Abandon(ep, _)
            | Ev::Appointment { ep, .. }
            | Ev::PharmacyVisit(ep)
            | Ev::PharmacyFirstVisit(ep)
            | Ev::SplwSession(ep, _)
            | Ev::SplwHoldTimeout(ep, _)
            | Ev::SplwWaitDropout(ep, _)
            | Ev::SplwMdtReview(ep, _)
            | Ev::VcseEnd(ep, _, _)
            | Ev::VcseListTimeout(ep, _, _)
            | Ev::TriageDone { ep, .. } => Some(ep),
            _ => None,
        }
    }
}

/// The random streams of one replication, one per purpose.
#[derive(Clone)]
struct Rngs {
    arrivals: SimRng,
    reception: SimRng,
    navigation: SimRng,
    gp: SimRng,
    roles: SimRng,
    pharmacy: SimRng,
    splw: SimRng,
    vcse: SimRng,
    returns: SimRng,
    staffing: SimRng,
    /// The online route's per-arrival choices (drawn only with the route).
    online: SimRng,
    /// Triage times of written requests.
    triage: SimRng,
}

impl Rngs {
    fn new(seed: u64, rep: u64) -> Self {
        let r = |s| stream_rng(seed, rep, s);
        Rngs {
            arrivals: r(Stream::Arrivals),
            reception: r(Stream::Reception),
            navigation: r(Stream::Navigation),
            gp: r(Stream::Gp),
            roles: r(Stream::Roles),
            pharmacy: r(Stream::Pharmacy),
            splw: r(Stream::LinkWorker),
            vcse: r(Stream::Vcse),
            returns: r(Stream::Returns),
            staffing: r(Stream::Staffing),
            online: r(Stream::OnlineChoice),
            triage: r(Stream::OnlineTriage),
        }
    }
}

/// One replication of one arm.
#[derive(Clone)]
pub struct Model<'s> {
    s: &'s Scenario,
    q: EventQueue<Ev>,
    now: f64,
    rng: Rngs,
    pop: Population,
    episodes: Episodes,
    /// Today's arrivals, drawn at the day's start; the next to arrive.
    arrivals: Vec<Arrival>,
    next_arrival: usize,
    /// Scratch for the arrival times of a day being drawn.
    arrival_times: Vec<f64>,
    /// Days whose arrivals are already drawn, shared with the other arms
    /// forked from the same warm state.
    plan: Option<Arc<ArrivalPlan>>,
    counters: [f64; Counter::COUNT],
    // Reception.
    /// Per practice: navigators answering calls, and callers queueing for them.
    reception: Vec<Resource<u32>>,
    /// Online requests waiting for triage, and the route's counts.
    online: online::Inbox,
    // Diaries: `0..P` = the practices' GPs, `P..` = the shared roles.
    diaries: Vec<Diary>,
    diary_used_week: Vec<f64>,
    /// Per practice: how its navigators choose a role.
    role_choice: Vec<RoleChoice>,
    splw: LinkWorker,
    services: Vec<Service>,
    // Navigator's service directory (capacity-aware signposting).
    directory_time: f64,
    directory: Directory,
    // Statistics.
    resolution_days: Vec<f32>,
    gp_wait: Summary,
    gp_wait_week_count: Vec<f64>,
    weekly: Weekly,
    /// The stretch of time the last [`week`](Self::week) lookup fell in.
    week_span: WeekCache,
    /// Ids of the weekly series, registered by name.
    series: SeriesIds,
    weeks: usize,
    journeys: Vec<JourneyStep>,
    journey_quota: u32,
    traced: u32,
    /// Key of this replication's Pharmacy First decisions.
    pharmacy_first_key: u64,
    /// Per-group counts (empty with no population groups).
    group_tally: groups::GroupTally,
    /// Per-practice counts (empty without a practice list).
    practice_tally: groups::GroupTally,
    /// Whether either tally above counts anything: checked at every
    /// counted event, so kept as one flag rather than two lengths.
    tallied: bool,
}

/// Episodes a replication of `raw` is expected to create over warm-up and
/// horizon \[episodes\]: new episodes at the seasonal mean rate, plus 30%
/// for repeats and returns. Sizes the episode arena and the memory
/// estimate, so that both grow with the run's length, not a fixed year.
pub fn expected_episodes(raw: &crate::scenario::raw::RawScenario) -> f64 {
    let p = &raw.population;
    let days = raw.time.warmup_days + raw.time.horizon_days;
    let season = p.month_multipliers.iter().sum::<f64>() / p.month_multipliers.len().max(1) as f64;
    p.list_size as f64 * p.contacts_per_patient_year * season.max(1.0) * days / 365.25 * 1.3
}

pub use crate::limits::CANCEL_CHECK_EVENTS;

/// Runs one replication of `scenario` with common random numbers keyed by
/// `(seed, replication)`, tracing `journeys` episodes.
pub fn run_replication(scenario: &Scenario, seed: u64, replication: u64, journeys: u32) -> ReplicationOutput {
    let mut model = Model::new(scenario, seed, replication, journeys, None);
    model.run(&AtomicBool::new(false));
    model.finish()
}

/// As [`run_replication`], but gives up and returns `None` within
/// [`CANCEL_CHECK_EVENTS`] events of `cancel` being set, so that one long
/// replication of a big scenario cannot hold up an interrupted run.
pub fn run_replication_cancellable(
    scenario: &Scenario,
    seed: u64,
    replication: u64,
    journeys: u32,
    cancel: &AtomicBool,
) -> Option<ReplicationOutput> {
    let mut model = Model::new(scenario, seed, replication, journeys, None);
    model.run(cancel).then(|| model.finish())
}

/// One replication's counterfactual, warmed up to the launch (the end of
/// `time.warmup_days`), from which every arm's policy starts: see
/// [`launch`](self#) and [`fork_blocker`].
#[derive(Clone)]
pub struct WarmState<'s> {
    model: Model<'s>,
}

impl<'s> WarmState<'s> {
    /// Warms `counterfactual` up to its launch instant under common random
    /// numbers keyed by `(seed, replication)`; `None` if `cancel` stopped it.
    /// The episode arenas of the arms forked from it come from and go back
    /// to `arenas`.
    pub fn new(
        counterfactual: &'s Scenario,
        seed: u64,
        replication: u64,
        journeys: u32,
        arenas: &Arc<ArenaPool>,
        cancel: &AtomicBool,
    ) -> Option<Self> {
        let mut model = Model::new(counterfactual, seed, replication, journeys, Some(Arc::clone(arenas)));
        let launch = counterfactual.warmup_minutes;
        if !model.advance_before(launch, cancel) {
            return None;
        }
        // Every arm would draw the same arrivals from here on: draw them
        // once. The first day planned is the first whose start is not yet
        // handled.
        let days = (counterfactual.end_minutes / MINUTES_PER_DAY).ceil() as usize;
        let first = (0..days).find(|&d| d as f64 * MINUTES_PER_DAY >= launch).unwrap_or(days);
        let plan = ArrivalPlan::draw(counterfactual, &model.pop, &model.rng.arrivals, first, days);
        model.plan = Some(Arc::new(plan));
        Some(WarmState { model })
    }

    /// Events handled during the warm-up (shared by every arm).
    pub fn events(&self) -> u64 {
        self.model.q.events_processed()
    }

    /// Runs `arm` (the counterfactual itself, or an arm that
    /// [`fork_blocker`] clears) from this warm state to the end of the
    /// window; the output's `events` count only those after the launch.
    /// `None` if `cancel` stopped it.
    pub fn run_arm(&self, arm: &'s Scenario, cancel: &AtomicBool) -> Option<ReplicationOutput> {
        debug_assert!(fork_blocker(self.model.s, arm).is_none(), "arm cannot start from this warm state");
        let mut model = if std::ptr::eq(arm, self.model.s) {
            self.model.clone()
        } else {
            self.model.launched(arm)
        };
        let mut out = model.run(cancel).then(|| model.finish())?;
        out.events -= self.events();
        Some(out)
    }
}

impl<'s> Model<'s> {
    fn new(s: &'s Scenario, seed: u64, rep: u64, journey_quota: u32, arenas: Option<Arc<ArenaPool>>) -> Self {
        let mut patients_rng = stream_rng(seed, rep, Stream::Patients);
        let pop = Population::new(s, &mut patients_rng);
        let diaries: Vec<Diary> = diary_shapes(s, s.raw.gp.prebooked_share)
            .iter()
            .map(|(calendar, shape)| Diary::new(calendar, shape))
            .collect();
        let role_choice = role_choices(s);
        let weeks = (s.raw.time.horizon_days / 7.0).ceil() as usize;
        let mut weekly = Weekly::new(weeks);
        let series = SeriesIds::register(s, &mut weekly);
        let n_diaries = diaries.len();
        let start = s.warmup_minutes;
        let group_tally = groups::GroupTally::new(&pop.groups);
        let practice_tally = groups::GroupTally::practices(s);
        let tallied = !group_tally.counts.is_empty() || !practice_tally.counts.is_empty();
        let mut model = Model {
            s,
            q: EventQueue::new(),
            now: 0.0,
            rng: Rngs::new(seed, rep),
            pop,
            episodes: Episodes::with_capacity(expected_episodes(&s.raw) as usize, arenas),
            arrivals: Vec::new(),
            next_arrival: 0,
            arrival_times: Vec::new(),
            plan: None,
            counters: [0.0; Counter::COUNT],
            reception: s
                .practices
                .list
                .iter()
                .map(|p| Resource::new(p.reception_lines, QueueLimit::Unbounded, start))
                .collect(),
            online: online::Inbox::new(s.practices.len()),
            diaries,
            diary_used_week: vec![0.0; n_diaries],
            role_choice,
            splw: LinkWorker::new(s, start),
            services: s
                .raw
                .vcse
                .services
                .iter()
                .map(|v| Service::new(v, s.raw.vcse.funding, start))
                .collect(),
            directory_time: f64::NEG_INFINITY,
            directory: Directory::default(),
            resolution_days: Vec::new(),
            gp_wait: Summary::new(),
            gp_wait_week_count: vec![0.0; weeks],
            weekly,
            week_span: WeekCache::default(),
            series,
            weeks,
            journeys: Vec::new(),
            journey_quota,
            traced: 0,
            pharmacy_first_key: pharmacy_first::key(seed, rep),
            group_tally,
            practice_tally,
            tallied,
        };
        model.initial_state(seed, rep);
        model
    }

    /// Schedules the calendar and seeds the initial state.
    fn initial_state(&mut self, seed: u64, rep: u64) {
        let days = (self.s.end_minutes / MINUTES_PER_DAY).ceil() as u32;
        for d in 0..days {
            self.q.push(f64::from(d) * MINUTES_PER_DAY, Ev::DayStart(d));
        }
        for w in 0..=self.weeks as u32 {
            self.q
                .push(self.s.warmup_minutes + f64::from(w) * MINUTES_PER_WEEK, Ev::WeekMark(w));
        }
        let mut init = stream_rng(seed, rep, Stream::InitialState);
        self.splw_initial_state(&mut init);
        self.vcse_initial_state(&mut init);
    }

    /// Handles every event before `until` \[minutes\], leaving later ones
    /// queued; false if `cancel` stopped it.
    fn advance_before(&mut self, until: f64, cancel: &AtomicBool) -> bool {
        while self.q.peek_time().is_some_and(|t| t < until) {
            let Some((t, ev)) = self.q.pop() else { break };
            if self.q.events_processed() % CANCEL_CHECK_EVENTS == 0 && cancel.load(Ordering::Relaxed) {
                return false;
            }
            self.now = t;
            self.prefetch_ahead(ev);
            self.handle(ev);
        }
        true
    }

    /// Handles events to the end of the run; false if `cancel` stopped it.
    fn run(&mut self, cancel: &AtomicBool) -> bool {
        while let Some((t, ev)) = self.q.pop() {
            if t > self.s.end_minutes {
                break;
            }
            if self.q.events_processed() % CANCEL_CHECK_EVENTS == 0 && cancel.load(Ordering::Relaxed) {
                return false;
            }
            self.now = t;
            self.prefetch_ahead(ev);
            self.handle(ev);
        }
        self.now = self.s.end_minutes;
        debug_assert!(
            self.episodes
                .iter()
                .all(|e| (e.outcome == Outcome::Open) == (e.location != episode::Location::Ended)),
            "an episode ended without leaving its place, or left without ending"
        );
        true
    }

    /// Starts loading the records that events a few places ahead will
    /// read, where they are known now: the episode named by an event
    /// further along the hour's sorted run (an appointment booked weeks
    /// ago, mostly), and, nearer, its patient; and the patient of a later
    /// arrival of the day. Changes no result.
    #[inline(always)]
    fn prefetch_ahead(&self, ev: Ev) {
        if !cfg!(target_arch = "x86_64") {
            return; // no prefetch there: neither the lookups
        }
        /// Events ahead whose episode is fetched; its patient is fetched
        /// at half the distance, when the episode is (likely) in cache.
        const AHEAD: usize = 16;
        if let Some(e) = self
            .q
            .run_ahead(AHEAD)
            .and_then(|ev| ev.episode())
            .and_then(|ep| self.episodes.get(ep as usize))
        {
            prefetch(e);
        }
        let ahead = self.q.run_ahead(AHEAD / 2).and_then(|ev| ev.episode());
        if let Some(p) = ahead
            .and_then(|ep| self.episodes.get(ep as usize))
            .and_then(|e| self.pop.patients.get(e.patient as usize))
        {
            prefetch(p);
        }
        if matches!(ev, Ev::Arrival) {
            if let Some(p) = self
                .arrivals
                .get(self.next_arrival + AHEAD)
                .and_then(|a| self.pop.patients.get(a.patient as usize))
            {
                prefetch(p);
            }
        }
    }

    /// Dispatches one event at `self.now`.
    #[inline]
    fn handle(&mut self, ev: Ev) {
        {
            match ev {
                Ev::DayStart(d) => self.day_start(d as usize),
                Ev::WeekMark(w) => self.week_mark(w as usize),
                Ev::Arrival => self.arrival(),
                Ev::Contact(ep) => self.contact(ep),
                Ev::ReceptionDone(ep) => self.reception_done(ep),
                Ev::Abandon(ep, token) => self.abandon(ep, token),
                Ev::ReceptionClose(practice) => self.reception_close(practice),
                Ev::Appointment { ep, diary, ahead, lead } => self.appointment(ep, diary as usize, ahead, lead),
                Ev::PharmacyVisit(ep) => self.pharmacy_visit(ep),
                Ev::PharmacyFirstVisit(ep) => self.pharmacy_first_visit(ep),
                Ev::SplwSession(ep, token) => self.splw_session(ep, token),
                Ev::SplwHoldTimeout(ep, token) => self.splw_hold_timeout(ep, token),
                Ev::SplwWaitDropout(ep, ticket) => self.splw_wait_dropout(ep, ticket),
                Ev::SplwMdtReview(ep, token) => self.splw_mdt_review(ep, token),
                Ev::ReReferral(patient, need) => self.re_referral(patient, need),
                Ev::VcseEnd(ep, svc, gen) => self.vcse_end(ep, svc as usize, gen),
                Ev::VcseListTimeout(ep, svc, ticket) => self.vcse_list_timeout(ep, svc as usize, ticket),
                Ev::VcseClosure(svc) => self.vcse_closure(svc as usize),
                Ev::VcseReopen(svc) => self.vcse_reopen(svc as usize),
                Ev::OnlineRequest {
                    patient,
                    need,
                    triager,
                    route,
                } => self.online_request(patient, need, triager, route),
                Ev::InboxOpen(practice) => self.inbox_open(practice),
                Ev::TriageDone { ep, clinician } => self.triage_done(ep, clinician),
            }
        }
    }

    #[inline]
    pub(super) fn in_window(&self) -> bool {
        self.now >= self.s.warmup_minutes
    }

    /// Week index after warm-up, if inside the statistics window.
    #[inline]
    pub(super) fn week(&mut self) -> Option<usize> {
        self.week_span.week(self.now, self.s.warmup_minutes, self.weeks)
    }

    #[inline]
    pub(super) fn count(&mut self, c: Counter) {
        if self.in_window() {
            self.counters[c as usize] += 1.0;
        }
    }

    #[inline]
    pub(super) fn count_weekly(&mut self, c: Counter, series: usize) {
        self.count(c);
        let week = self.week();
        self.weekly.add(series, week, 1.0);
    }

    /// The practice of episode `ep`'s patient.
    #[inline]
    pub(super) fn practice_of(&self, ep: u32) -> u8 {
        self.pop.patients[self.episodes[ep as usize].patient as usize].practice
    }

    /// The PCN's calendar (`[time]`): the envelope of every practice's hours.
    pub(super) fn cal(&self) -> &'s Calendar {
        &self.s.calendar
    }

    /// When practice `practice` is open.
    #[inline]
    pub(super) fn practice_cal(&self, practice: u8) -> &'s Calendar {
        &self.s.practices.list[usize::from(practice)].calendar
    }

    /// Schedules a contact at reception at the first instant at or after
    /// `time` when the patient's practice is open; beyond the calendar it
    /// never happens (still open).
    pub(super) fn contact_at(&mut self, ep: u32, time: f64) {
        if let Some(t) = self.practice_cal(self.practice_of(ep)).next_open_instant(time) {
            self.q.push(t, Ev::Contact(ep));
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn events_stay_small() {
        // Events are copied in and out of the queue by the million.
        assert!(std::mem::size_of::<super::Ev>() <= 12, "{}", std::mem::size_of::<super::Ev>());
    }
}

//! The primary-care pathway as a discrete-event model.
//!
//! ```text
//!  new episode ─► reception queue ─► navigation ─┬─► GP diary ──► resolved / follow-up / refer to link worker
//!     ▲            (abandon, retry)   (training,  ├─► practice role diary ─► resolved / internal bounce to GP
//!     │                                accept,    ├─► community pharmacy ──► resolved / bounce (some urgent)
//!     │                                capacity-  ├─► link worker: wait ─► caseload ─► sessions ─► VCSE link
//!     │                                aware)     └─► VCSE service: places, waiting list, closures
//!     └──────────── bounce-back (after a delay, lower trust) ◄── rejected, not attended, out of remit,
//!                   repeat contact (revolving door)              not resolved, held too long
//! ```
//!
//! One [`Model`] is one replication of one arm. It owns all mutable state;
//! the [`Scenario`] is shared read-only. Entities live in arenas indexed by
//! `u32`, events are small `Copy` values, and statistics stream into
//! counters and time-weighted levels.

pub mod demand;
pub mod diary;
pub mod journey;
mod link_worker;
pub mod metrics;
mod vcse;

use crate::engine::calendar::{Calendar, MINUTES_PER_DAY, MINUTES_PER_WEEK};
use crate::engine::{stream_rng, EventQueue, SimRng, Stream};
use crate::scenario::{fte_on, Destination, Scenario};
use crate::stats::Level;
use crate::stats::Summary;
use demand::Population;
use diary::{Diary, DiaryShape, Request};
use journey::{JourneyStep, Reason};
use link_worker::LinkWorker;
use metrics::{Counter, Weekly};
use rand::Rng;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use vcse::Service;

/// Where an episode was resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// At reception (administrative request).
    Reception,
    /// At a GP appointment.
    Gp,
    /// At another practice role.
    Role,
    /// At community pharmacy.
    Pharmacy,
    /// By the link worker's support.
    Splw,
    /// At a VCSE service.
    Vcse,
}

impl Place {
    /// Name used in journeys.
    pub fn name(self) -> &'static str {
        match self {
            Place::Reception => "reception",
            Place::Gp => "gp",
            Place::Role => "role",
            Place::Pharmacy => "pharmacy",
            Place::Splw => "splw",
            Place::Vcse => "vcse",
        }
    }

    fn counter(self) -> Counter {
        match self {
            Place::Reception => Counter::EndedReception,
            Place::Gp => Counter::EndedGp,
            Place::Role => Counter::EndedRole,
            Place::Pharmacy => Counter::EndedPharmacy,
            Place::Splw => Counter::EndedSplw,
            Place::Vcse => Counter::EndedVcse,
        }
    }
}

/// How an episode stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Still in the system.
    Open,
    /// Resolved somewhere.
    Resolved(Place),
    /// Ended with the need unmet.
    Unmet,
}

/// One episode of need.
#[derive(Debug, Clone, Copy)]
struct Episode {
    patient: u32,
    need: u16,
    /// Creation time \[minutes\].
    created: f64,
    /// Invalidates pending abandonment and hold-timeout events.
    token: u32,
    /// Has bounced back at least once.
    bounced: bool,
    /// Created after warm-up: its outcome counts.
    in_window: bool,
    /// Its steps go to journeys.csv.
    traced: bool,
    in_reception_queue: bool,
    /// The next GP booking is a follow-up.
    follow_up: bool,
    /// Bounced urgently from pharmacy: book the GP urgently.
    urgent_return: bool,
    outcome: Outcome,
    // Link-worker state.
    on_caseload: bool,
    holding: bool,
    link_planned: bool,
    vcse_pending: bool,
    sessions_done: u16,
    sessions_planned: u16,
    splw_joined: f64,
}

/// A scheduled happening. Small and `Copy`.
#[derive(Debug, Clone, Copy)]
enum Ev {
    DayStart(u32),
    WeekMark(u32),
    Arrival,
    Contact(u32),
    ReceptionDone(u32),
    Abandon(u32, u32),
    ReceptionClose,
    Appointment { ep: u32, diary: u8, ahead: bool, lead: u16 },
    PharmacyVisit(u32),
    SplwSession(u32, u32),
    SplwHoldTimeout(u32, u32),
    ReReferral(u32, u16),
    VcseEnd(u32, u8),
    VcseClosure(u8),
    VcseReopen(u8),
}

/// The random streams of one replication, one per purpose.
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
        }
    }
}

/// What one replication of one arm produced.
#[derive(Debug, Clone)]
pub struct ReplicationOutput {
    /// Metric name and value; NaN where undefined (e.g. zero denominator).
    pub metrics: Vec<(String, f64)>,
    /// Weekly series after warm-up.
    pub weekly: Weekly,
    /// Traced steps of the sampled episodes.
    pub journeys: Vec<JourneyStep>,
    /// Events processed.
    pub events: u64,
    /// Conservation check: episodes created after warm-up, and how many
    /// ended or are still open.
    pub conservation: Conservation,
}

/// Episode accounting for the conservation invariant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conservation {
    /// Episodes created after warm-up.
    pub created: u64,
    /// … of which resolved.
    pub resolved: u64,
    /// … of which ended unmet.
    pub unmet: u64,
    /// … of which still open at the end.
    pub open: u64,
}

/// Fixed indices of the weekly series.
mod series {
    pub const CONTACTS: usize = 0;
    pub const GP_APPOINTMENTS: usize = 1;
    pub const GP_CAPACITY: usize = 2;
    pub const GP_DEMAND: usize = 3;
    pub const GP_WAIT: usize = 4;
    pub const BOUNCE_BACKS: usize = 5;
    pub const SPLW_WAITLIST: usize = 6;
    pub const SPLW_CASELOAD_PER_FTE: usize = 7;
    pub const FIXED: [&str; 8] = [
        "contacts",
        "gp_appointments",
        "gp_capacity",
        "gp_demand",
        "gp_wait_days_mean",
        "bounce_backs",
        "splw_waitlist",
        "splw_caseload_per_fte",
    ];
}

/// One replication of one arm.
pub struct Model<'s> {
    s: &'s Scenario,
    q: EventQueue<Ev>,
    now: f64,
    rng: Rngs,
    pop: Population,
    episodes: Vec<Episode>,
    day_arrivals: Vec<f64>,
    counters: [f64; Counter::COUNT],
    // Reception.
    reception_busy: u32,
    reception_queue: VecDeque<(u32, u32)>,
    reception_waiting: u32,
    reception_busy_level: Level,
    reception_queue_level: Level,
    // Diaries: 0 = GP, 1.. = roles.
    diaries: Vec<Diary>,
    diary_used_week: Vec<f64>,
    /// Per need: cumulative weights over roles with it in remit.
    role_choice: Vec<Vec<(usize, f64)>>,
    /// Cumulative weights over all roles (for mis-routing).
    role_any: Vec<(usize, f64)>,
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
    weeks: usize,
    journeys: Vec<JourneyStep>,
    journey_quota: u32,
    traced: u32,
}

/// What the navigator believes is available.
#[derive(Debug, Clone, Default)]
struct Directory {
    /// Per role: a slot free within its horizon.
    role_free: Vec<bool>,
    /// Link worker's expected wait is acceptable.
    splw_ok: bool,
    /// Per service: open with a place or room on the waiting list.
    service_ok: Vec<bool>,
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

/// Events between two looks at the cancel flag: a replication of the
/// default scenario handles 4096 events in well under a millisecond, so a
/// cancelled run stops promptly, and one relaxed load per 4096 events costs
/// nothing measurable.
pub const CANCEL_CHECK_EVENTS: u64 = 4096;

/// Runs one replication of `scenario` with common random numbers keyed by
/// `(seed, replication)`, tracing `journeys` episodes.
pub fn run_replication(scenario: &Scenario, seed: u64, replication: u64, journeys: u32) -> ReplicationOutput {
    let mut model = Model::new(scenario, seed, replication, journeys);
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
    let mut model = Model::new(scenario, seed, replication, journeys);
    model.run(cancel).then(|| model.finish())
}

impl<'s> Model<'s> {
    fn new(s: &'s Scenario, seed: u64, rep: u64, journey_quota: u32) -> Self {
        let mut patients_rng = stream_rng(seed, rep, Stream::Patients);
        let pop = Population::new(s, &mut patients_rng);
        let cal = &s.calendar;
        let gp = &s.raw.gp;
        let mut diaries = vec![Diary::new(
            cal,
            &DiaryShape {
                fte: gp.fte,
                changes: &s.gp_changes,
                per_fte_day: gp.appointments_per_fte_day,
                rota: s.gp_rota,
                share: 1.0,
                same_day_share: gp.same_day_share,
                horizon: gp.booking_horizon_days as usize,
                prebooked: gp.prebooked_share,
            },
        )];
        for (raw, prepared) in s.raw.roles.iter().zip(&s.roles) {
            diaries.push(Diary::new(
                cal,
                &DiaryShape {
                    fte: raw.fte,
                    changes: &prepared.changes,
                    per_fte_day: raw.appointments_per_fte_day,
                    rota: prepared.rota,
                    share: raw.navigation_share,
                    same_day_share: raw.same_day_share,
                    horizon: raw.booking_horizon_days as usize,
                    prebooked: gp.prebooked_share,
                },
            ));
        }
        let cumulative = |roles: &mut dyn Iterator<Item = usize>| {
            let mut total = 0.0;
            let mut out: Vec<(usize, f64)> = roles
                .filter(|&r| s.raw.roles[r].weight > 0.0)
                .map(|r| {
                    total += s.raw.roles[r].weight;
                    (r, total)
                })
                .collect();
            for e in &mut out {
                e.1 /= total;
            }
            out
        };
        let role_choice = (0..s.raw.needs.len())
            .map(|n| cumulative(&mut (0..s.roles.len()).filter(|&r| s.roles[r].remit[n])))
            .collect();
        let role_any = cumulative(&mut (0..s.roles.len()));
        let weeks = (s.raw.time.horizon_days / 7.0).ceil() as usize;
        let mut names: Vec<String> = series::FIXED.iter().map(|n| n.to_string()).collect();
        let mut node = |n: String| {
            names.push(format!("utilisation.{n}"));
            names.push(format!("queue.{n}"));
        };
        node("navigation".into());
        node("gp".into());
        for r in &s.raw.roles {
            node(format!("role:{}", r.name));
        }
        node("splw".into());
        for v in &s.raw.vcse.services {
            node(format!("vcse:{}", v.name));
        }
        let n_diaries = diaries.len();
        let start = s.warmup_minutes;
        let mut model = Model {
            s,
            q: EventQueue::new(),
            now: 0.0,
            rng: Rngs::new(seed, rep),
            pop,
            episodes: Vec::with_capacity(expected_episodes(&s.raw) as usize),
            day_arrivals: Vec::new(),
            counters: [0.0; Counter::COUNT],
            reception_busy: 0,
            reception_queue: VecDeque::new(),
            reception_waiting: 0,
            reception_busy_level: Level::new(start, 0.0),
            reception_queue_level: Level::new(start, 0.0),
            diaries,
            diary_used_week: vec![0.0; n_diaries],
            role_choice,
            role_any,
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
            weekly: Weekly::new(names, weeks),
            weeks,
            journeys: Vec::new(),
            journey_quota,
            traced: 0,
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
            match ev {
                Ev::DayStart(d) => self.day_start(d as usize),
                Ev::WeekMark(w) => self.week_mark(w as usize),
                Ev::Arrival => self.arrival(),
                Ev::Contact(ep) => self.contact(ep),
                Ev::ReceptionDone(ep) => self.reception_done(ep),
                Ev::Abandon(ep, token) => self.abandon(ep, token),
                Ev::ReceptionClose => self.reception_close(),
                Ev::Appointment { ep, diary, ahead, lead } => self.appointment(ep, diary as usize, ahead, lead),
                Ev::PharmacyVisit(ep) => self.pharmacy_visit(ep),
                Ev::SplwSession(ep, token) => self.splw_session(ep, token),
                Ev::SplwHoldTimeout(ep, token) => self.splw_hold_timeout(ep, token),
                Ev::ReReferral(patient, need) => self.re_referral(patient, need),
                Ev::VcseEnd(ep, svc) => self.vcse_end(ep, svc as usize),
                Ev::VcseClosure(svc) => self.vcse_closure(svc as usize),
                Ev::VcseReopen(svc) => self.vcse_reopen(svc as usize),
            }
        }
        self.now = self.s.end_minutes;
        true
    }

    // ----- helpers -----------------------------------------------------

    #[inline]
    fn in_window(&self) -> bool {
        self.now >= self.s.warmup_minutes
    }

    /// Week index after warm-up, if inside the statistics window.
    #[inline]
    fn week(&self) -> Option<usize> {
        if self.now < self.s.warmup_minutes {
            return None;
        }
        let w = ((self.now - self.s.warmup_minutes) / MINUTES_PER_WEEK) as usize;
        (w < self.weeks).then_some(w)
    }

    #[inline]
    fn count(&mut self, c: Counter) {
        if self.in_window() {
            self.counters[c as usize] += 1.0;
        }
    }

    #[inline]
    fn count_weekly(&mut self, c: Counter, series: usize) {
        self.count(c);
        let week = self.week();
        self.weekly.add(series, week, 1.0);
    }

    fn cal(&self) -> &'s Calendar {
        &self.s.calendar
    }

    /// Schedules a contact at reception at the first open instant at or
    /// after `time`; beyond the calendar it never happens (still open).
    fn contact_at(&mut self, ep: u32, time: f64) {
        if let Some(t) = self.cal().next_open_instant(time) {
            self.q.push(t, Ev::Contact(ep));
        }
    }

    fn trace(&mut self, ep: u32, place: &'static str, event: &'static str, reason: Reason) {
        let e = &self.episodes[ep as usize];
        if e.traced {
            self.journeys.push(JourneyStep {
                episode: ep,
                patient: e.patient,
                need: e.need,
                time: self.now,
                place,
                event,
                reason,
            });
        }
    }

    fn new_episode(&mut self, patient: u32, need: u16, traced: bool) -> u32 {
        let id = self.episodes.len() as u32;
        self.episodes.push(Episode {
            patient,
            need,
            created: self.now,
            token: 0,
            bounced: false,
            in_window: self.in_window(),
            traced,
            in_reception_queue: false,
            follow_up: false,
            urgent_return: false,
            outcome: Outcome::Open,
            on_caseload: false,
            holding: false,
            link_planned: false,
            vcse_pending: false,
            sessions_done: 0,
            sessions_planned: 0,
            splw_joined: 0.0,
        });
        id
    }

    fn resolve(&mut self, ep: u32, place: Place) {
        let e = self.episodes[ep as usize];
        if e.outcome != Outcome::Open {
            return;
        }
        self.release(ep);
        self.episodes[ep as usize].outcome = Outcome::Resolved(place);
        if e.in_window {
            self.counters[place.counter() as usize] += 1.0;
            self.resolution_days.push(((self.now - e.created) / MINUTES_PER_DAY) as f32);
        }
        if self.s.raw.needs[e.need as usize].social {
            let p = &mut self.pop.patients[e.patient as usize];
            p.contact_factor = (p.contact_factor * (1.0 + self.s.raw.bounce.social_contact_change as f32)).max(0.0);
        }
        self.trace(ep, place.name(), "resolved", Reason::Resolved);
    }

    fn unmet(&mut self, ep: u32, place: &'static str, reason: Reason) {
        let e = self.episodes[ep as usize];
        if e.outcome != Outcome::Open {
            return;
        }
        self.release(ep);
        self.episodes[ep as usize].outcome = Outcome::Unmet;
        if e.in_window {
            self.counters[Counter::EndedUnmet as usize] += 1.0;
        }
        self.trace(ep, place, "unmet", reason);
    }

    /// A failure after signposting or referral: the patient comes back to
    /// the practice (with lower trust) or the need goes unmet.
    fn failure(&mut self, ep: u32, place: &'static str, reason: Reason) {
        if self.episodes[ep as usize].outcome != Outcome::Open {
            return;
        }
        self.count(Counter::Failures);
        self.trace(ep, place, "failed", reason);
        self.release(ep);
        if self.rng.returns.random::<f64>() < self.s.raw.bounce.return_probability {
            self.mark_bounced(ep);
            let delay = self.s.return_delay.sample(&mut self.rng.returns) * MINUTES_PER_DAY;
            self.contact_at(ep, self.now + delay);
        } else {
            self.unmet(ep, place, reason);
        }
    }

    /// The episode leaves the link worker's caseload and stops waiting for
    /// a VCSE outcome: it is somewhere else now. (A VCSE place it holds is
    /// freed when the programme would have ended.)
    fn release(&mut self, ep: u32) {
        self.episodes[ep as usize].vcse_pending = false;
        if self.episodes[ep as usize].on_caseload {
            self.splw_discharge(ep);
        }
    }

    /// Counts a bounce-back and lowers the patient's trust.
    fn mark_bounced(&mut self, ep: u32) {
        self.count_weekly(Counter::BounceBacks, series::BOUNCE_BACKS);
        let e = &mut self.episodes[ep as usize];
        e.bounced = true;
        let p = &mut self.pop.patients[e.patient as usize];
        p.trust *= 1.0 - self.s.raw.navigation.trust_loss as f32;
        self.trace(ep, "practice", "bounced_back", Reason::None);
    }

    /// An unresolved episode: the revolving door brings it back, or it ends.
    fn repeat_or_unmet(&mut self, ep: u32, place: &'static str, reason: Reason) {
        if self.rng.returns.random::<f64>() < self.s.raw.bounce.repeat_probability {
            self.count(Counter::RepeatContacts);
            self.trace(ep, place, "repeat", reason);
            let delay = self.s.repeat_delay.sample(&mut self.rng.returns) * MINUTES_PER_DAY;
            self.contact_at(ep, self.now + delay);
        } else {
            self.unmet(ep, place, reason);
        }
    }

    // ----- demand --------------------------------------------------------

    fn day_start(&mut self, day: usize) {
        let mut buf = std::mem::take(&mut self.day_arrivals);
        self.pop.day_arrivals(self.s, day, &mut self.rng.arrivals, &mut buf);
        for &t in &buf {
            self.q.push(t, Ev::Arrival);
        }
        self.day_arrivals = buf;
        if self.cal().is_open(day) {
            self.q.push(self.cal().closing(day), Ev::ReceptionClose);
        }
        if self.cal().weekday(day) == 0 {
            self.splw_draw_absence();
        }
        self.splw_update_capacity();
        if let Some(w) = self.week() {
            let cap = f64::from(self.diaries[0].capacity[day]);
            self.weekly.add(series::GP_CAPACITY, Some(w), cap);
        }
    }

    /// A new exogenous episode. Always draws the same four numbers from the
    /// arrivals stream so every arm sees the same patients and needs.
    fn arrival(&mut self) {
        let r = &mut self.rng.arrivals;
        let (u_col, u_coin, u_need, u_thin): (f64, f64, f64, f64) = (r.random(), r.random(), r.random(), r.random());
        let patient = self.pop.by_rate.sample(u_col, u_coin);
        let need = self.pop.need_for(u_need) as u16;
        let factor = f64::from(self.pop.patients[patient].contact_factor);
        // A lowered contact rate thins this patient's episodes; a raised one
        // (a sensitivity case) duplicates some.
        let copies = if factor < 1.0 {
            usize::from(u_thin < factor)
        } else {
            1 + usize::from(u_thin < factor - 1.0)
        };
        for _ in 0..copies {
            let traced = self.in_window() && self.traced < self.journey_quota;
            if traced {
                self.traced += 1;
            }
            self.count(Counter::NewEpisodes);
            let ep = self.new_episode(patient as u32, need, traced);
            self.trace(ep, "practice", "new_episode", Reason::None);
            self.contact(ep);
        }
    }

    fn re_referral(&mut self, patient: u32, need: u16) {
        let ep = self.new_episode(patient, need, false);
        self.splw_refer(ep);
    }

    // ----- reception -----------------------------------------------------

    fn contact(&mut self, ep: u32) {
        if self.episodes[ep as usize].outcome != Outcome::Open {
            return;
        }
        self.count_weekly(Counter::Contacts, series::CONTACTS);
        if self.reception_busy < self.s.raw.navigation.servers {
            self.start_handling(ep);
        } else {
            let e = &mut self.episodes[ep as usize];
            e.token = e.token.wrapping_add(1);
            e.in_reception_queue = true;
            let token = e.token;
            self.reception_queue.push_back((ep, token));
            self.reception_waiting += 1;
            self.reception_queue_level.set(self.now, f64::from(self.reception_waiting));
            let patience = self.s.patience.sample(&mut self.rng.reception);
            self.q.push(self.now + patience, Ev::Abandon(ep, token));
        }
    }

    fn start_handling(&mut self, ep: u32) {
        self.reception_busy += 1;
        self.reception_busy_level.set(self.now, f64::from(self.reception_busy));
        let handling = self.s.handling.sample(&mut self.rng.reception);
        self.q.push(self.now + handling, Ev::ReceptionDone(ep));
    }

    /// Next live caller in the queue (abandoned entries are skipped).
    fn pop_waiting(&mut self) -> Option<u32> {
        while let Some((ep, token)) = self.reception_queue.pop_front() {
            let e = &mut self.episodes[ep as usize];
            if e.in_reception_queue && e.token == token {
                e.in_reception_queue = false;
                self.reception_waiting -= 1;
                self.reception_queue_level.set(self.now, f64::from(self.reception_waiting));
                return Some(ep);
            }
        }
        None
    }

    fn reception_done(&mut self, ep: u32) {
        self.reception_busy -= 1;
        self.reception_busy_level.set(self.now, f64::from(self.reception_busy));
        if let Some(next) = self.pop_waiting() {
            self.start_handling(next);
        }
        self.navigate(ep);
    }

    fn abandon(&mut self, ep: u32, token: u32) {
        let e = &mut self.episodes[ep as usize];
        if !e.in_reception_queue || e.token != token {
            return;
        }
        e.in_reception_queue = false;
        self.reception_waiting -= 1;
        self.reception_queue_level.set(self.now, f64::from(self.reception_waiting));
        self.count(Counter::NavigationAbandoned);
        self.trace(ep, "reception", "abandoned", Reason::Abandoned);
        if self.rng.reception.random::<f64>() < self.s.raw.navigation.retry_probability {
            let delay = self.s.retry_delay.sample(&mut self.rng.reception);
            self.contact_at(ep, self.now + delay);
        } else {
            self.unmet(ep, "reception", Reason::Abandoned);
        }
    }

    /// At closing, callers still queueing try again the next open day.
    fn reception_close(&mut self) {
        while let Some(ep) = self.pop_waiting() {
            let e = &mut self.episodes[ep as usize];
            e.token = e.token.wrapping_add(1);
            let spread = self.rng.reception.random::<f64>() * 120.0;
            let next = self.cal().next_open_day(Calendar::day_of(self.now) + 1);
            if let Some(d) = next {
                let t = self.cal().opening(d) + spread;
                self.q.push(t, Ev::Contact(ep));
            }
        }
    }

    // ----- navigation ----------------------------------------------------

    fn signposting_active(&self) -> bool {
        self.s.active && self.now >= self.s.raw.navigation.start_day * MINUTES_PER_DAY
    }

    fn navigate(&mut self, ep: u32) {
        let e = self.episodes[ep as usize];
        let need = e.need as usize;
        if self.s.need_right[need] == Destination::Reception {
            self.resolve(ep, Place::Reception);
            return;
        }
        if e.follow_up || e.urgent_return {
            self.book_gp(ep);
            return;
        }
        let mut dest = Destination::Gp;
        if self.signposting_active() {
            let u: f64 = self.rng.navigation.random();
            dest = self.s.routing[need]
                .iter()
                .find(|(_, c)| u < *c)
                .map_or(Destination::Gp, |&(d, _)| d);
        }
        if dest != Destination::Gp && self.s.raw.navigation.capacity_aware && !self.believed_available(dest, need) {
            self.count(Counter::CapacityRedirects);
            self.trace(ep, "reception", "kept_for_gp", Reason::BelievedFull);
            dest = Destination::Gp;
        }
        if dest != Destination::Gp {
            self.count(Counter::Signposted);
            let nav = &self.s.raw.navigation;
            let base = nav.acceptance * f64::from(self.pop.patients[e.patient as usize].trust);
            let p_accept = base + (1.0 - base) * nav.awareness;
            if self.rng.navigation.random::<f64>() < p_accept {
                self.count(Counter::SignpostsAndReferrals);
                self.trace(ep, "reception", "signposted", Reason::None);
                if self.s.raw.needs[need].urgent {
                    self.count(Counter::SafetyEvents);
                    self.trace(ep, "reception", "safety_event", Reason::UrgentSentAway);
                }
            } else {
                self.count(Counter::SignpostDeclined);
                self.trace(ep, "reception", "declined", Reason::Declined);
                dest = Destination::Gp;
            }
        }
        self.send(ep, dest);
    }

    fn send(&mut self, ep: u32, dest: Destination) {
        let need = self.episodes[ep as usize].need as usize;
        match dest {
            Destination::Gp => self.book_gp(ep),
            Destination::Reception => self.failure(ep, "reception", Reason::NotResolved),
            Destination::Roles => {
                let u: f64 = self.rng.roles.random();
                let choice = self.roles_for(need);
                match choice.iter().find(|(_, c)| u < *c).or(choice.last()) {
                    Some(&(role, _)) => self.book_diary(ep, role + 1),
                    None => self.book_gp(ep),
                }
            }
            Destination::Pharmacy => {
                let delay = self.s.pharmacy_delay.sample(&mut self.rng.pharmacy) * 60.0;
                self.q.push(self.now + delay, Ev::PharmacyVisit(ep));
            }
            Destination::Splw => self.splw_refer(ep),
            Destination::Vcse => self.vcse_direct(ep),
        }
    }

    /// Roles a `role` signpost for `need` can go to, with cumulative
    /// weights: those with the need in their remit, else any (mis-routing).
    fn roles_for(&self, need: usize) -> &[(usize, f64)] {
        if self.role_choice[need].is_empty() {
            &self.role_any
        } else {
            &self.role_choice[need]
        }
    }

    /// The random stream of diary `diary` (0 = GP, 1.. = roles).
    fn diary_rng(&mut self, diary: usize) -> &mut SimRng {
        if diary == 0 {
            &mut self.rng.gp
        } else {
            &mut self.rng.roles
        }
    }

    /// What the navigator believes about `dest` for `need`, from a service
    /// directory refreshed every `directory_refresh_days` (0 = live).
    fn believed_available(&mut self, dest: Destination, need: usize) -> bool {
        let refresh = self.s.raw.navigation.directory_refresh_days * MINUTES_PER_DAY;
        if refresh <= 0.0 || self.now >= self.directory_time + refresh {
            self.refresh_directory();
        }
        let d = &self.directory;
        match dest {
            Destination::Gp | Destination::Reception | Destination::Pharmacy => true,
            Destination::Roles => {
                let choice = self.roles_for(need);
                choice.iter().any(|&(r, _)| d.role_free[r])
            }
            Destination::Splw => d.splw_ok,
            Destination::Vcse => self.s.services.iter().zip(&d.service_ok).any(|(svc, &ok)| ok && svc.serves[need]),
        }
    }

    fn refresh_directory(&mut self) {
        self.directory_time = self.now;
        let today = Calendar::day_of(self.now);
        // Refilled in place: with a live feed this runs on every signpost.
        self.directory.role_free.clear();
        self.directory
            .role_free
            .extend(self.diaries[1..].iter().map(|d| d.has_free_slot(today)));
        self.directory.splw_ok = self.splw_wait_acceptable();
        self.directory.service_ok.clear();
        self.directory.service_ok.extend(self.services.iter().map(Service::has_room));
    }

    // ----- diaries -------------------------------------------------------

    fn book_gp(&mut self, ep: u32) {
        self.count_weekly(Counter::GpDemand, series::GP_DEMAND);
        self.book_diary(ep, 0);
    }

    /// Books diary `diary` (0 = GP, 1.. = roles) for `ep`.
    fn book_diary(&mut self, ep: u32, diary: usize) {
        let e = self.episodes[ep as usize];
        let need = &self.s.raw.needs[e.need as usize];
        let urgent = diary == 0 && (need.urgent || e.urgent_return) && !e.follow_up;
        let today = Calendar::day_of(self.now);
        let gp = &self.s.raw.gp;
        let rng = self.diary_rng(diary);
        let desired_lead = if urgent {
            0
        } else if e.follow_up {
            gp.follow_up_days.round() as usize
        } else {
            let u: f64 = rng.random();
            let mut acc = 0.0;
            let bands = &gp.lead_time_bands;
            let band = bands
                .iter()
                .find(|b| {
                    acc += b.share;
                    u < acc
                })
                .unwrap_or(&bands[bands.len() - 1]);
            rng.random_range(band.from..=band.to) as usize
        };
        let today_usable = self.cal().is_open(today) && self.now < self.cal().closing(today);
        let booked = self.diaries[diary].book(Request {
            today,
            today_usable,
            urgent,
            desired_lead,
        });
        let (day, ahead) = match booked {
            Some(b) => b,
            None if urgent && self.s.raw.gp.urgent_overflow => {
                self.count(Counter::GpOverflow);
                let day = if today_usable {
                    Some(today)
                } else {
                    self.cal().next_open_day(today + 1)
                };
                match day {
                    Some(d) => (d, false),
                    None => return,
                }
            }
            None => {
                let place = if diary == 0 { "gp" } else { "role" };
                self.trace(ep, place, "no_slot", Reason::NoSlot);
                if self.rng.gp.random::<f64>() < self.s.raw.gp.callback_probability {
                    let delay = self.s.raw.gp.callback_delay_days * MINUTES_PER_DAY;
                    self.contact_at(ep, self.now + delay);
                } else if diary == 0 {
                    self.unmet(ep, place, Reason::NoSlot);
                } else {
                    self.failure(ep, place, Reason::RejectedFull);
                }
                return;
            }
        };
        let cal = self.cal();
        let u: f64 = self.diary_rng(diary).random();
        let time = if day == today {
            self.now + u * (cal.closing(day) - self.now).max(0.0)
        } else {
            cal.opening(day) + u * (cal.close_minute - cal.open_minute)
        };
        let lead = (day - today) as u16;
        if diary == 0 && self.in_window() {
            let days = (time - self.now) / MINUTES_PER_DAY;
            self.gp_wait.add(days);
            if let Some(w) = self.week() {
                self.weekly.add(series::GP_WAIT, Some(w), days);
                self.gp_wait_week_count[w] += 1.0;
            }
        }
        let place = if diary == 0 { "gp" } else { "role" };
        self.trace(ep, place, "booked", Reason::None);
        self.q.push(
            time,
            Ev::Appointment {
                ep,
                diary: diary as u8,
                ahead,
                lead,
            },
        );
    }

    fn dna_probability(&self, lead: u16) -> f64 {
        let bands = &self.s.raw.gp.dna_bands;
        bands
            .iter()
            .find(|b| u32::from(lead) <= b.max_lead_days)
            .unwrap_or(&bands[bands.len() - 1])
            .probability
    }

    fn appointment(&mut self, ep: u32, diary: usize, ahead: bool, lead: u16) {
        self.diaries[diary].held(ahead);
        if self.week().is_some() {
            self.diary_used_week[diary] += 1.0;
        }
        if diary == 0 {
            self.gp_appointment(ep, lead);
        } else {
            self.role_appointment(ep, diary - 1, lead);
        }
    }

    fn gp_appointment(&mut self, ep: u32, lead: u16) {
        let e = self.episodes[ep as usize];
        let need = &self.s.raw.needs[e.need as usize];
        self.count_weekly(Counter::GpAppointments, series::GP_APPOINTMENTS);
        if self.s.need_right[e.need as usize] != Destination::Gp {
            self.count(Counter::GpAvoidable);
        }
        if e.bounced {
            self.count(Counter::GpFromBounce);
        }
        if lead == 0 {
            self.count(Counter::GpSameDay);
        }
        self.episodes[ep as usize].urgent_return = false;
        if self.rng.gp.random::<f64>() < self.dna_probability(lead) {
            self.count(Counter::GpDna);
            self.trace(ep, "gp", "not_attended", Reason::NotAttended);
            self.repeat_or_unmet(ep, "gp", Reason::NotAttended);
            return;
        }
        if e.follow_up {
            self.episodes[ep as usize].follow_up = false;
            self.resolve(ep, Place::Gp);
            return;
        }
        let (u_refer, u_resolve, u_follow): (f64, f64, f64) = (self.rng.gp.random(), self.rng.gp.random(), self.rng.gp.random());
        if u_refer < need.gp_refer_splw {
            self.count(Counter::SignpostsAndReferrals);
            self.trace(ep, "gp", "referred", Reason::None);
            self.splw_refer(ep);
        } else if u_resolve < need.gp_resolve {
            if u_follow < need.gp_follow_up {
                self.episodes[ep as usize].follow_up = true;
                self.trace(ep, "gp", "follow_up", Reason::None);
                self.book_gp(ep);
            } else {
                self.resolve(ep, Place::Gp);
            }
        } else {
            self.repeat_or_unmet(ep, "gp", Reason::NotResolved);
        }
    }

    fn role_appointment(&mut self, ep: u32, role: usize, lead: u16) {
        self.count(Counter::RoleAppointments);
        if self.rng.roles.random::<f64>() < self.dna_probability(lead) {
            self.failure(ep, "role", Reason::NotAttended);
            return;
        }
        let need = self.episodes[ep as usize].need as usize;
        if self.s.roles[role].remit[need] {
            self.resolve(ep, Place::Role);
        } else {
            // Internal bounce: the role sends the patient straight to the GP.
            self.count(Counter::Failures);
            self.trace(ep, "role", "failed", Reason::OutOfRemit);
            self.mark_bounced(ep);
            self.book_gp(ep);
        }
    }

    // ----- community pharmacy -------------------------------------------

    fn pharmacy_visit(&mut self, ep: u32) {
        let e = self.episodes[ep as usize];
        if e.outcome != Outcome::Open {
            return;
        }
        let ph = &self.s.raw.pharmacy;
        let (u_attend, u_resolve, u_urgent): (f64, f64, f64) =
            (self.rng.pharmacy.random(), self.rng.pharmacy.random(), self.rng.pharmacy.random());
        if u_attend >= ph.attend {
            self.failure(ep, "pharmacy", Reason::NotAttended);
            return;
        }
        self.count(Counter::PharmacyConsultations);
        let need = e.need as usize;
        let reason = if !self.s.pharmacy_remit[need] {
            Reason::OutOfRemit
        } else if u_resolve < ph.resolve {
            self.resolve(ep, Place::Pharmacy);
            return;
        } else {
            Reason::NotResolved
        };
        if u_urgent < ph.urgent_return_share || self.s.raw.needs[need].urgent {
            // Sent straight back for an urgent GP appointment.
            self.count(Counter::Failures);
            self.trace(ep, "pharmacy", "failed", reason);
            self.mark_bounced(ep);
            self.episodes[ep as usize].urgent_return = true;
            self.book_gp(ep);
        } else {
            self.failure(ep, "pharmacy", reason);
        }
    }

    // ----- weekly series and results ------------------------------------

    fn week_mark(&mut self, w: usize) {
        let now = self.now;
        let servers = f64::from(self.s.raw.navigation.servers);
        let busy = self.reception_busy_level.take_week(now);
        let queue = self.reception_queue_level.take_week(now);
        let splw_wait = self.splw.waitlist_level.take_week(now);
        let splw_case = self.splw.caseload_level.take_week(now);
        let splw_cap = self.splw.capacity_level.take_week(now);
        let splw_fte = self.splw.fte_level.take_week(now);
        let svc_areas: Vec<(f64, f64, f64)> = self
            .services
            .iter_mut()
            .map(|s| {
                (
                    s.occupancy_level.take_week(now),
                    s.places_level.take_week(now),
                    s.waitlist_level.take_week(now),
                )
            })
            .collect();
        let used = std::mem::replace(&mut self.diary_used_week, vec![0.0; self.diaries.len()]);
        if w == 0 {
            return;
        }
        let first_day = Calendar::day_of(now - MINUTES_PER_WEEK);
        let cal = self.cal();
        let open_minutes = cal.open_days_between(first_day, first_day + 7) as f64 * (cal.close_minute - cal.open_minute);
        let week = w - 1;
        let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
        let gp_wait_count = self.gp_wait_week_count[week];
        let wait_sum = self.weekly.values[series::GP_WAIT][week];
        self.weekly.set(series::GP_WAIT, week, ratio(wait_sum, gp_wait_count));
        self.weekly.set(series::SPLW_WAITLIST, week, splw_wait / MINUTES_PER_WEEK);
        self.weekly.set(series::SPLW_CASELOAD_PER_FTE, week, ratio(splw_case, splw_fte));
        let mut i = series::FIXED.len();
        let mut put = |weekly: &mut Weekly, util: f64, queue: f64| {
            weekly.set(i, week, util);
            weekly.set(i + 1, week, queue);
            i += 2;
        };
        put(&mut self.weekly, ratio(busy, servers * open_minutes), queue / MINUTES_PER_WEEK);
        for (d, diary) in self.diaries.iter().enumerate() {
            let capacity: f64 = (first_day..first_day + 7)
                .map(|day| f64::from(diary.capacity.get(day).copied().unwrap_or(0)))
                .sum();
            put(&mut self.weekly, ratio(used[d], capacity), f64::from(diary.booked_ahead));
        }
        put(&mut self.weekly, ratio(splw_case, splw_cap), splw_wait / MINUTES_PER_WEEK);
        for (occ, places, wait) in svc_areas {
            put(&mut self.weekly, ratio(occ, places), wait / MINUTES_PER_WEEK);
        }
    }

    fn finish(mut self) -> ReplicationOutput {
        let end = self.s.end_minutes;
        let c = |k: Counter| self.counters[k as usize];
        let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
        let level_mean = |l: &Level| l.mean_until(end);

        let mut created = 0;
        let mut resolved = 0;
        let mut unmet = 0;
        let mut open = 0;
        for e in self.episodes.iter().filter(|e| e.in_window) {
            created += 1;
            match e.outcome {
                Outcome::Open => open += 1,
                Outcome::Resolved(_) => resolved += 1,
                Outcome::Unmet => unmet += 1,
            }
        }
        let mut days = std::mem::take(&mut self.resolution_days);
        let p90 = if days.is_empty() {
            f64::NAN
        } else {
            let n = days.len();
            let k = (((n as f64) * 0.9).ceil() as usize).clamp(1, n) - 1;
            let (_, v, _) = days.select_nth_unstable_by(k, f32::total_cmp);
            f64::from(*v)
        };
        let resolution_mean = Summary::of(days.iter().map(|&d| f64::from(d))).mean().unwrap_or(f64::NAN);

        let splw_fte_mean = level_mean(&self.splw.fte_level);
        let occupancy: f64 = self.services.iter().map(|s| s.occupancy_level.area(end)).sum();
        let places: f64 = self.services.iter().map(|s| s.places_level.area(end)).sum();
        let years = self.s.raw.time.horizon_days / 365.25;
        let programme_cost = self.programme_cost(years, splw_fte_mean, c(Counter::PharmacyConsultations));

        let mut m: Vec<(String, f64)> = vec![
            ("contacts", c(Counter::Contacts)),
            ("new_episodes", c(Counter::NewEpisodes)),
            ("gp_demand", c(Counter::GpDemand)),
            ("gp_appointments", c(Counter::GpAppointments)),
            ("gp_appointments_avoidable", c(Counter::GpAvoidable)),
            ("gp_appointments_from_bounce_back", c(Counter::GpFromBounce)),
            ("gp_appointments_same_day", c(Counter::GpSameDay)),
            ("gp_overflow", c(Counter::GpOverflow)),
            ("gp_dna", c(Counter::GpDna)),
            ("signposted", c(Counter::Signposted)),
            ("signpost_declined", c(Counter::SignpostDeclined)),
            ("capacity_redirects", c(Counter::CapacityRedirects)),
            ("bounce_backs", c(Counter::BounceBacks)),
            (
                "bounce_back_rate",
                ratio(c(Counter::BounceBacks), c(Counter::SignpostsAndReferrals)),
            ),
            ("failures", c(Counter::Failures)),
            ("safety_events", c(Counter::SafetyEvents)),
            ("unmet_needs", c(Counter::EndedUnmet)),
            ("repeat_contacts", c(Counter::RepeatContacts)),
            ("navigation_abandoned", c(Counter::NavigationAbandoned)),
            ("resolution_days_mean", resolution_mean),
            ("resolution_days_p90", p90),
            ("gp_wait_days_mean", self.gp_wait.mean().unwrap_or(f64::NAN)),
            ("role_appointments", c(Counter::RoleAppointments)),
            ("pharmacy_consultations", c(Counter::PharmacyConsultations)),
            ("splw_referrals", c(Counter::SplwReferrals)),
            ("splw_rejections", c(Counter::SplwRejections)),
            ("splw_wait_days_mean", self.splw.wait_days.mean().unwrap_or(f64::NAN)),
            ("splw_waitlist_mean", level_mean(&self.splw.waitlist_level)),
            (
                "splw_caseload_per_fte_mean",
                ratio(level_mean(&self.splw.caseload_level), splw_fte_mean),
            ),
            ("vcse_rejections", c(Counter::VcseRejections)),
            ("vcse_utilisation", ratio(occupancy, places)),
            ("ended_gp", c(Counter::EndedGp)),
            ("ended_role", c(Counter::EndedRole)),
            ("ended_pharmacy", c(Counter::EndedPharmacy)),
            ("ended_splw", c(Counter::EndedSplw)),
            ("ended_vcse", c(Counter::EndedVcse)),
            ("ended_reception", c(Counter::EndedReception)),
            ("ended_unmet", c(Counter::EndedUnmet)),
            ("ended_in_system", open as f64),
            ("programme_cost", programme_cost),
            ("events", self.q.events_processed() as f64),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        for (raw, svc) in self.s.raw.vcse.services.iter().zip(&self.services) {
            m.push((format!("vcse_occupancy_mean.{}", raw.name), level_mean(&svc.occupancy_level)));
            m.push((format!("vcse_rejections.{}", raw.name), svc.rejections));
        }
        ReplicationOutput {
            metrics: m,
            weekly: self.weekly,
            journeys: self.journeys,
            events: self.q.events_processed(),
            conservation: Conservation {
                created,
                resolved,
                unmet,
                open,
            },
        }
    }

    /// Programme cost over the statistics window [GBP]: training, link
    /// workers, practice roles, VCSE places, transport support and
    /// pharmacy fees.
    fn programme_cost(&self, years: f64, splw_fte_mean: f64, pharmacy_consultations: f64) -> f64 {
        let raw = &self.s.raw;
        let mid_day = (self.s.warmup_minutes + self.s.end_minutes) / 2.0 / MINUTES_PER_DAY;
        let training = if self.s.active { self.s.training_cost } else { 0.0 };
        let roles: f64 = raw
            .roles
            .iter()
            .zip(&self.s.roles)
            .map(|(r, p)| fte_on(r.fte, &p.changes, mid_day) * r.annual_cost_per_fte)
            .sum();
        let vcse: f64 = raw
            .vcse
            .services
            .iter()
            .map(|s| (f64::from(s.places) * raw.vcse.funding).round() * s.annual_cost_per_place)
            .sum();
        let transport = if raw.vcse.transport_support {
            raw.vcse.transport_annual_cost
        } else {
            0.0
        };
        (training + splw_fte_mean * raw.splw.annual_cost_per_fte + roles + vcse + transport) * years
            + pharmacy_consultations * raw.pharmacy.fee
    }
}

//! Voluntary, community and social enterprise services: places, programme
//! length, a capped waiting list, rural attendance, funding and closures.
//!
//! A service with no places (e.g. `vcse.funding = 0`) admits nobody and
//! keeps no list: referrals are turned away at once, and people already
//! waiting at the start give up within the link worker's holding timeout
//! (`splw.hold_timeout_days`) — the same "holding pen" rule as a need with
//! no local service, which such a service in effect is.

use super::episode::{Episode, Location};
use super::journey::Reason;
use super::{Counter, Ev, Model, Outcome, Place};
use crate::engine::calendar::{Calendar, MINUTES_PER_DAY};
use crate::engine::{Admission, QueueLimit, Refusal, Resource, SimRng, Ticket};
use crate::scenario::raw::RawService;
use rand::Rng;
use rand_distr::{Distribution, Exp};

/// Minutes in a year (365.25 days).
const MINUTES_PER_YEAR: f64 = 365.25 * MINUTES_PER_DAY;

/// One service: its places are the resource's servers, its waiting list
/// the queue (a cap of 0: no list), closed while it shuts. Entries are
/// (episode, referral generation): an entry of an earlier referral of an
/// episode that moved on is stale and dropped when it reaches the front.
#[derive(Clone)]
pub(super) struct Service {
    pub res: Resource<(u32, u16)>,
    /// Referrals turned away in the statistics window.
    pub rejections: f64,
}

impl Service {
    pub fn new(raw: &RawService, funding: f64, start: f64) -> Self {
        let places = super::launch::service_places(raw.places, funding);
        Service {
            res: Resource::new(places, QueueLimit::AtMost(raw.waitlist_cap), start),
            rejections: 0.0,
        }
    }

    /// Open, with places, and a free place or room on the waiting list.
    pub fn has_room(&self) -> bool {
        self.res.capacity() > 0 && self.res.has_room()
    }
}

/// Episode `ep` is on service `svc`'s list under referral `gen` and still waiting.
pub(super) fn waiting_on(episodes: &[Episode], ep: u32, svc: usize, gen: u16) -> bool {
    let e = &episodes[ep as usize];
    e.outcome == Outcome::Open && e.vcse_pending && e.vcse_gen == gen && e.location.on_vcse_list(svc)
}

impl Model<'_> {
    /// The service for `need` with a free place, else the open one with
    /// places and the shortest waiting list that still has room, else
    /// (everything full, closed or without places) one with places first,
    /// open first, shortest list; `None` if no service serves it.
    pub(super) fn choose_service(&self, need: usize) -> Option<usize> {
        let serving = || (0..self.services.len()).filter(move |&i| self.s.services[i].serves[need]);
        let res = |i: usize| &self.services[i].res;
        serving()
            .find(|&i| res(i).has_free_server())
            .or_else(|| {
                serving()
                    .filter(|&i| res(i).is_open() && res(i).capacity() > 0 && res(i).queue_has_room())
                    .min_by_key(|&i| res(i).waiting())
            })
            .or_else(|| serving().min_by_key(|&i| (res(i).capacity() == 0, !res(i).is_open(), res(i).waiting())))
    }

    /// `ep` is on service `svc`'s list under referral `gen` and still waiting.
    fn still_waiting(&self, ep: u32, svc: usize, gen: u16) -> bool {
        waiting_on(&self.episodes, ep, svc, gen)
    }

    /// Counts a referral turned away by `svc` and says why.
    fn vcse_reject(&mut self, svc: usize, refusal: Refusal) -> Reason {
        if self.in_window() {
            self.services[svc].rejections += 1.0;
        }
        self.count(Counter::VcseRejections);
        match refusal {
            Refusal::Closed => Reason::ServiceClosed,
            Refusal::Full => Reason::RejectedFull,
        }
    }

    /// A navigator sends the patient straight to a service.
    pub(super) fn vcse_direct(&mut self, ep: u32) {
        let need = self.episodes[ep as usize].need as usize;
        let svc = match self.choose_service(need) {
            Some(s) => s,
            None if !self.services.is_empty() => self.rng.vcse.random_range(0..self.services.len()),
            None => return self.failure(ep, Place::Vcse, Reason::OutOfRemit),
        };
        if let Err(reason) = self.vcse_refer(ep, svc) {
            self.failure(ep, Place::Vcse, reason);
        }
    }

    /// Refers `ep` to service `svc`: it starts, or waits on the list
    /// (`Ok`), or is turned away with the reason (`Err`). A start that
    /// fails at once (did not attend) is `Ok` too, with the failure done:
    /// the caller checks where the episode is now. Referred from the
    /// caseload, the episode stays on it, linked (one place: the link
    /// worker keeps supporting while it waits and attends).
    pub(super) fn vcse_refer(&mut self, ep: u32, svc: usize) -> Result<(), Reason> {
        self.expect_at(
            ep,
            |l| matches!(l, Location::WithNavigator | Location::SplwCaseload),
            "a VCSE referral",
        );
        let need = self.episodes[ep as usize].need as usize;
        if !self.s.services[svc].serves[need] {
            return Err(Reason::OutOfRemit);
        }
        let e = &mut self.episodes[ep as usize];
        e.vcse_gen = e.vcse_gen.wrapping_add(1);
        let gen = e.vcse_gen;
        let linked = e.location.on_caseload();
        if self.services[svc].res.has_free_server() {
            // A free place: taken if the patient turns up.
            self.episodes[ep as usize].vcse_pending = true;
            self.vcse_start(ep, svc);
            return Ok(());
        }
        if self.services[svc].res.is_open() && self.services[svc].res.capacity() == 0 {
            // No places: no admissions and no list.
            return Err(self.vcse_reject(svc, Refusal::Full));
        }
        match self.services[svc].res.seize(self.now, (ep, gen)) {
            Admission::Rejected(refusal) => Err(self.vcse_reject(svc, refusal)),
            Admission::Queued(_) => {
                self.episodes[ep as usize].vcse_pending = true;
                self.move_to(ep, Location::vcse_place(svc as u8, false, linked));
                self.trace(ep, Place::Vcse, "waiting", Reason::None);
                Ok(())
            }
            Admission::Served => unreachable!("no free place was checked just above"),
        }
    }

    /// A place of `svc` is free for `ep`: the programme starts if the
    /// patient attends (and only then is the place taken).
    fn vcse_start(&mut self, ep: u32, svc: usize) {
        let e = self.episodes[ep as usize];
        let raw = &self.s.raw.vcse.services[svc];
        let rural = self.pop.patients[e.patient as usize].rural && !self.s.raw.vcse.transport_support;
        let p_attend = if rural { raw.rural_attendance } else { raw.attendance };
        let p_attend = (p_attend * self.group_effects(e.patient).vcse_uptake).min(1.0);
        if self.rng.vcse.random::<f64>() >= p_attend {
            self.failure(ep, Place::Vcse, Reason::NotAttended);
            return;
        }
        self.services[svc].res.take_server(self.now);
        let linked = self.episodes[ep as usize].location.on_caseload();
        self.move_to(ep, Location::vcse_place(svc as u8, true, linked));
        self.trace(ep, Place::Vcse, "started", Reason::None);
        // The place is held from now; the programme runs from the service's
        // next opening weekday.
        let open = &self.s.services[svc].open_weekdays;
        let today = Calendar::day_of(self.now);
        let first = (today..today + 7).find(|&d| open[self.s.calendar.weekday(d)]).unwrap_or(today);
        let start = self.now.max(first as f64 * MINUTES_PER_DAY);
        let end = start + raw.programme_weeks * 7.0 * MINUTES_PER_DAY;
        let gen = self.episodes[ep as usize].vcse_gen;
        self.q.push(end, Ev::VcseEnd(ep, svc as u8, gen));
    }

    /// The programme `ep` started under referral `gen` ends: its place is
    /// freed, and it decides the episode only if that referral is still
    /// the episode's current one (not one it left and was re-referred after).
    pub(super) fn vcse_end(&mut self, ep: u32, svc: usize, gen: u16) {
        self.services[svc].res.release(self.now);
        let e = self.episodes[ep as usize];
        if e.vcse_gen == gen && e.vcse_pending && e.outcome == Outcome::Open {
            self.expect_at(
                ep,
                |l| matches!(l, Location::VcseProgramme(s) | Location::SplwLinked { svc: s, started: true } if usize::from(s) == svc),
                "a VCSE programme end",
            );
            self.episodes[ep as usize].vcse_pending = false;
            let completion = self.group_effects(e.patient).vcse_completion;
            if self.rng.vcse.random::<f64>() < (self.s.raw.vcse.services[svc].resolve * completion).min(1.0) {
                if self.episodes[ep as usize].on_caseload {
                    self.maybe_re_refer(ep);
                }
                self.resolve(ep, Place::Vcse);
            } else {
                self.failure(ep, Place::Vcse, Reason::NotResolved);
            }
        }
        self.vcse_admit(svc);
    }

    /// Fills free places from the waiting list, dropping those who moved on.
    pub(super) fn vcse_admit(&mut self, svc: usize) {
        loop {
            let episodes = &self.episodes;
            let wanted = |(ep, gen)| waiting_on(episodes, ep, svc, gen);
            let next = self.services[svc].res.call_next(self.now, wanted);
            let Some(((ep, _), _)) = next else {
                break;
            };
            self.vcse_start(ep, svc);
        }
    }

    pub(super) fn vcse_closure(&mut self, svc: usize) {
        let res = &mut self.services[svc].res;
        res.close(self.now);
        for ((ep, gen), _) in res.drain(self.now) {
            if self.still_waiting(ep, svc, gen) {
                self.failure(ep, Place::Vcse, Reason::ServiceClosed);
            }
        }
        let weeks = self.s.raw.vcse.services[svc].closure_weeks;
        self.q.push(self.now + weeks * 7.0 * MINUTES_PER_DAY, Ev::VcseReopen(svc as u8));
    }

    pub(super) fn vcse_reopen(&mut self, svc: usize) {
        self.services[svc].res.open(self.now);
        self.schedule_closure(svc);
        self.vcse_admit(svc);
    }

    /// `ep`, waiting at the start for service `svc` that has no places,
    /// gives up: off the list, and back to the practice (or unmet).
    pub(super) fn vcse_list_timeout(&mut self, ep: u32, svc: usize, ticket: Ticket) {
        if !self.services[svc].res.renege(self.now, ticket) {
            return; // no longer waiting (closure drained the list)
        }
        if self.still_waiting(ep, svc, self.episodes[ep as usize].vcse_gen) {
            self.failure(ep, Place::Vcse, Reason::HeldTimeout);
        }
    }

    fn schedule_closure(&mut self, svc: usize) {
        let hazard = self.s.raw.vcse.services[svc].closure_hazard_per_year;
        if hazard > 0.0 {
            if let Ok(d) = Exp::new(hazard / MINUTES_PER_YEAR) {
                let t = self.now + d.sample(&mut self.rng.staffing);
                self.q.push(t, Ev::VcseClosure(svc as u8));
            }
        }
    }

    /// Pre-existing participants (part-way through) and waiting lists.
    pub(super) fn vcse_initial_state(&mut self, rng: &mut SimRng) {
        let list = self.s.raw.population.list_size as u32;
        for svc in 0..self.services.len() {
            self.schedule_closure(svc);
            let raw = &self.s.raw.vcse.services[svc];
            let Some(need) = self.s.services[svc].serves.iter().position(|&s| s) else {
                continue;
            };
            let occupancy = raw.initial_occupancy.min(self.services[svc].res.capacity());
            for _ in 0..occupancy {
                let ep = self.new_episode(rng.random_range(0..list), need as u16, false);
                self.episodes[ep as usize].vcse_pending = true;
                self.move_to(ep, Location::VcseProgramme(svc as u8));
                self.services[svc].res.take_server(0.0);
                let remaining = rng.random::<f64>() * raw.programme_weeks * 7.0 * MINUTES_PER_DAY;
                self.q.push(remaining, Ev::VcseEnd(ep, svc as u8, 0));
            }
            let no_places = self.services[svc].res.capacity() == 0;
            for _ in 0..raw.initial_waitlist {
                let ep = self.new_episode(rng.random_range(0..list), need as u16, false);
                self.episodes[ep as usize].vcse_pending = true;
                self.move_to(ep, Location::VcseList(svc as u8));
                let ticket = self.services[svc].res.enqueue(0.0, (ep, 0));
                if no_places {
                    // A list over a service that cannot open: each person,
                    // part-way through their wait, gives up within the
                    // holding timeout (uniformly: when they joined is unknown).
                    let t = self.now + rng.random::<f64>() * self.s.raw.splw.hold_timeout_days * MINUTES_PER_DAY;
                    self.q.push(t, Ev::VcseListTimeout(ep, svc as u8, ticket));
                }
            }
        }
    }
}

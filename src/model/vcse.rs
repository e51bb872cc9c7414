//! Voluntary, community and social enterprise services: places, programme
//! length, a capped waiting list, rural attendance, funding and closures.

use super::journey::Reason;
use super::{Counter, Ev, Model, Outcome, Place};
use crate::engine::calendar::{Calendar, MINUTES_PER_DAY};
use crate::engine::SimRng;
use crate::scenario::raw::RawService;
use crate::stats::Level;
use rand::Rng;
use rand_distr::{Distribution, Exp};
use std::collections::VecDeque;

/// Minutes in a year (365.25 days).
const MINUTES_PER_YEAR: f64 = 365.25 * MINUTES_PER_DAY;

/// What a referral to a service met (simmer's SUCCESS / ENQUEUE / REJECT).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Admission {
    /// Started the programme.
    Served,
    /// Joined the waiting list.
    Queued,
    /// Turned away, with the reason.
    Rejected(Reason),
}

/// One service's state.
pub(super) struct Service {
    pub places: u32,
    pub occupancy: u32,
    pub waitlist_cap: u32,
    pub closed: bool,
    pub waitlist: VecDeque<u32>,
    pub occupancy_level: Level,
    pub places_level: Level,
    pub waitlist_level: Level,
    pub rejections: f64,
}

impl Service {
    pub fn new(raw: &RawService, funding: f64, start: f64) -> Self {
        let places = (f64::from(raw.places) * funding).round() as u32;
        Service {
            places,
            occupancy: 0,
            waitlist_cap: raw.waitlist_cap,
            closed: false,
            waitlist: VecDeque::new(),
            occupancy_level: Level::new(start, 0.0),
            places_level: Level::new(start, f64::from(places)),
            waitlist_level: Level::new(start, 0.0),
            rejections: 0.0,
        }
    }

    /// Open with a free place or room on the waiting list.
    pub fn has_room(&self) -> bool {
        !self.closed && (self.occupancy < self.places || (self.waitlist.len() as u32) < self.waitlist_cap)
    }
}

impl Model<'_> {
    /// The service for `need` with a free place, else the open one with the
    /// shortest waiting list that still has room, else (everything full or
    /// closed) the shortest list; `None` if no service serves it.
    pub(super) fn choose_service(&self, need: usize) -> Option<usize> {
        let serving = || (0..self.services.len()).filter(move |&i| self.s.services[i].serves[need]);
        let open = |i: usize| !self.services[i].closed;
        let list_has_room = |i: usize| (self.services[i].waitlist.len() as u32) < self.services[i].waitlist_cap;
        serving()
            .find(|&i| open(i) && self.services[i].occupancy < self.services[i].places)
            .or_else(|| {
                serving()
                    .filter(|&i| open(i) && list_has_room(i))
                    .min_by_key(|&i| self.services[i].waitlist.len())
            })
            .or_else(|| serving().min_by_key(|&i| (self.services[i].closed, self.services[i].waitlist.len())))
    }

    /// A navigator sends the patient straight to a service.
    pub(super) fn vcse_direct(&mut self, ep: u32) {
        let need = self.episodes[ep as usize].need as usize;
        let svc = match self.choose_service(need) {
            Some(s) => s,
            None if !self.services.is_empty() => self.rng.vcse.random_range(0..self.services.len()),
            None => return self.failure(ep, "vcse", Reason::OutOfRemit),
        };
        if let Admission::Rejected(reason) = self.vcse_refer(ep, svc) {
            self.failure(ep, "vcse", reason);
        }
    }

    /// Refers `ep` to service `svc`.
    pub(super) fn vcse_refer(&mut self, ep: u32, svc: usize) -> Admission {
        let need = self.episodes[ep as usize].need as usize;
        if !self.s.services[svc].serves[need] {
            return Admission::Rejected(Reason::OutOfRemit);
        }
        let service = &mut self.services[svc];
        let admission = if service.closed {
            Admission::Rejected(Reason::ServiceClosed)
        } else if service.occupancy < service.places {
            Admission::Served
        } else if (service.waitlist.len() as u32) < service.waitlist_cap {
            service.waitlist.push_back(ep);
            service.waitlist_level.set(self.now, service.waitlist.len() as f64);
            Admission::Queued
        } else {
            Admission::Rejected(Reason::RejectedFull)
        };
        match admission {
            Admission::Rejected(Reason::OutOfRemit) => {}
            Admission::Rejected(_) => {
                if self.in_window() {
                    self.services[svc].rejections += 1.0;
                }
                self.count(Counter::VcseRejections);
            }
            Admission::Queued => {
                self.episodes[ep as usize].vcse_pending = true;
                self.trace(ep, "vcse", "waiting", Reason::None);
            }
            Admission::Served => {
                self.episodes[ep as usize].vcse_pending = true;
                self.vcse_start(ep, svc);
            }
        }
        admission
    }

    /// Starts the programme if the patient attends.
    fn vcse_start(&mut self, ep: u32, svc: usize) {
        let e = self.episodes[ep as usize];
        let raw = &self.s.raw.vcse.services[svc];
        let rural = self.pop.patients[e.patient as usize].rural && !self.s.raw.vcse.transport_support;
        let p_attend = if rural { raw.rural_attendance } else { raw.attendance };
        if self.rng.vcse.random::<f64>() >= p_attend {
            self.failure(ep, "vcse", Reason::NotAttended);
            return;
        }
        let service = &mut self.services[svc];
        service.occupancy += 1;
        service.occupancy_level.set(self.now, f64::from(service.occupancy));
        self.trace(ep, "vcse", "started", Reason::None);
        // The place is held from now; the programme runs from the service's
        // next opening weekday.
        let open = &self.s.services[svc].open_weekdays;
        let today = Calendar::day_of(self.now);
        let first = (today..today + 7).find(|&d| open[self.s.calendar.weekday(d)]).unwrap_or(today);
        let start = self.now.max(first as f64 * MINUTES_PER_DAY);
        let end = start + raw.programme_weeks * 7.0 * MINUTES_PER_DAY;
        self.q.push(end, Ev::VcseEnd(ep, svc as u8));
    }

    pub(super) fn vcse_end(&mut self, ep: u32, svc: usize) {
        let service = &mut self.services[svc];
        service.occupancy -= 1;
        service.occupancy_level.set(self.now, f64::from(service.occupancy));
        let pending = std::mem::replace(&mut self.episodes[ep as usize].vcse_pending, false);
        if pending && self.episodes[ep as usize].outcome == Outcome::Open {
            if self.rng.vcse.random::<f64>() < self.s.raw.vcse.services[svc].resolve {
                if self.episodes[ep as usize].on_caseload {
                    self.maybe_re_refer(ep);
                }
                self.resolve(ep, Place::Vcse);
            } else {
                self.failure(ep, "vcse", Reason::NotResolved);
            }
        }
        self.vcse_admit(svc);
    }

    fn vcse_admit(&mut self, svc: usize) {
        while !self.services[svc].closed && self.services[svc].occupancy < self.services[svc].places {
            let Some(ep) = self.services[svc].waitlist.pop_front() else { break };
            let len = self.services[svc].waitlist.len() as f64;
            self.services[svc].waitlist_level.set(self.now, len);
            let e = self.episodes[ep as usize];
            if e.outcome == Outcome::Open && e.vcse_pending {
                self.vcse_start(ep, svc);
            }
        }
    }

    pub(super) fn vcse_closure(&mut self, svc: usize) {
        let service = &mut self.services[svc];
        service.closed = true;
        service.places_level.set(self.now, 0.0);
        let waiting: Vec<u32> = service.waitlist.drain(..).collect();
        service.waitlist_level.set(self.now, 0.0);
        for ep in waiting {
            if self.episodes[ep as usize].vcse_pending {
                self.failure(ep, "vcse", Reason::ServiceClosed);
            }
        }
        let weeks = self.s.raw.vcse.services[svc].closure_weeks;
        self.q.push(self.now + weeks * 7.0 * MINUTES_PER_DAY, Ev::VcseReopen(svc as u8));
    }

    pub(super) fn vcse_reopen(&mut self, svc: usize) {
        let service = &mut self.services[svc];
        service.closed = false;
        service.places_level.set(self.now, f64::from(service.places));
        self.schedule_closure(svc);
        self.vcse_admit(svc);
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
            let occupancy = raw.initial_occupancy.min(self.services[svc].places);
            for _ in 0..occupancy {
                let ep = self.new_episode(rng.random_range(0..list), need as u16, false);
                self.episodes[ep as usize].vcse_pending = true;
                self.services[svc].occupancy += 1;
                let remaining = rng.random::<f64>() * raw.programme_weeks * 7.0 * MINUTES_PER_DAY;
                self.q.push(remaining, Ev::VcseEnd(ep, svc as u8));
            }
            for _ in 0..raw.initial_waitlist {
                let ep = self.new_episode(rng.random_range(0..list), need as u16, false);
                self.episodes[ep as usize].vcse_pending = true;
                self.services[svc].waitlist.push_back(ep);
            }
            let service = &mut self.services[svc];
            service.occupancy_level.set(0.0, f64::from(service.occupancy));
            service.waitlist_level.set(0.0, service.waitlist.len() as f64);
        }
    }
}

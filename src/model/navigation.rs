//! Navigation: the navigator routes each contact by its need through the
//! training tier's confusion matrix, may check a service directory first
//! (capacity-aware signposting), and the patient accepts or insists on the GP.

use super::episode::Location;
use super::journey::Reason;
use super::metrics::Counter;
use super::vcse::Service;
use super::{Ev, Model, Place};
use crate::engine::calendar::{Calendar, MINUTES_PER_DAY};
use crate::engine::Categorical;
use rand::Rng;

/// What the navigator believes is available.
#[derive(Debug, Clone, Default)]
pub(super) struct Directory {
    /// Per role diary (diaries `P..`): a slot free within its horizon.
    role_free: Vec<bool>,
    /// Link worker's expected wait is acceptable.
    splw_ok: bool,
    /// Per service: open with a place or room on the waiting list.
    service_ok: Vec<bool>,
}

impl Model<'_> {
    pub(super) fn signposting_active(&self) -> bool {
        self.s.active && self.now >= self.s.raw.navigation.start_day * MINUTES_PER_DAY
    }

    /// Navigates a call with the phone routing of the tier in force at the
    /// caller's practice.
    #[inline]
    pub(super) fn navigate(&mut self, ep: u32) {
        let s = self.s;
        let practice = usize::from(self.practice_of(ep));
        self.navigate_by(ep, &s.practices.list[practice].routing);
    }

    /// Navigates `ep` with `routing` (per need: the phone tier's, or a
    /// written request's).
    // Always: on every call's path. Left to the compiler, it was not
    // inlined and the phone-only run took 2% more instructions.
    #[inline(always)]
    pub(super) fn navigate_by(&mut self, ep: u32, routing: &[Categorical<Place>]) {
        let e = self.episodes[ep as usize];
        let need = e.need as usize;
        if self.s.need_right[need] == Place::Reception {
            self.resolve(ep, Place::Reception);
            return;
        }
        if e.follow_up || e.urgent_return {
            self.book_gp(ep);
            return;
        }
        let mut dest = Place::Gp;
        if self.signposting_active() {
            let u: f64 = self.rng.navigation.random();
            // Rows are closed at infinity, so the GP default is only for a
            // row with no destination: the patient stays with the practice's
            // GP (the status quo), not "the last destination listed".
            dest = routing[need].sample_or(u, Place::Gp);
        }
        if dest != Place::Gp && self.s.raw.navigation.capacity_aware && !self.believed_available(dest, need, self.practice_of(ep)) {
            self.count(Counter::CapacityRedirects);
            self.trace(ep, Place::Reception, "kept_for_gp", Reason::BelievedFull);
            dest = Place::Gp;
        }
        // Pharmacy First takes its eligible conditions, whatever the
        // routing chose: a named condition is one a navigator recognises.
        let pharmacy_first = self.signposting_active() && self.pharmacy_first_takes(ep);
        if pharmacy_first {
            dest = Place::Pharmacy;
        }
        if dest != Place::Gp {
            self.count(Counter::Signposted);
            self.group_count(ep, Counter::Signposted);
            let nav = &self.s.raw.navigation;
            let group_acceptance = (nav.acceptance * self.group_effects(e.patient).acceptance).min(1.0);
            let base = group_acceptance * f64::from(self.pop.patients[e.patient as usize].trust);
            let p_accept = base + (1.0 - base) * nav.awareness;
            if self.rng.navigation.random::<f64>() < p_accept {
                self.count(Counter::SignpostsAndReferrals);
                self.group_count(ep, Counter::SignpostsAndReferrals);
                self.trace(ep, Place::Reception, "signposted", Reason::None);
                if self.s.raw.needs[need].urgent {
                    self.count(Counter::SafetyEvents);
                    self.trace(ep, Place::Reception, "safety_event", Reason::UrgentSentAway);
                }
            } else {
                self.count(Counter::SignpostDeclined);
                self.group_count(ep, Counter::SignpostDeclined);
                self.trace(ep, Place::Reception, "declined", Reason::Declined);
                dest = Place::Gp;
            }
        }
        if pharmacy_first && dest == Place::Pharmacy {
            return self.pharmacy_first_send(ep);
        }
        self.send(ep, dest);
    }

    pub(super) fn send(&mut self, ep: u32, dest: Place) {
        let need = self.episodes[ep as usize].need as usize;
        if !matches!(dest, Place::Gp | Place::Practice) {
            // Sent elsewhere: any GP request it was calling back for is over.
            self.episodes[ep as usize].gp_requested = f64::NAN;
        }
        match dest {
            // No routing row names the practice (scenario files cannot): the
            // practice as a destination is its GP diary.
            Place::Gp | Place::Practice => self.book_gp(ep),
            Place::Reception => self.failure(ep, Place::Reception, Reason::NotResolved),
            Place::Role => {
                let u: f64 = self.rng.roles.random();
                let practice = self.practice_of(ep);
                match self.roles_for(need, practice).sample(u) {
                    Some(role) => self.book_diary(ep, self.s.practices.role_diary(role, practice)),
                    None => self.book_gp(ep),
                }
            }
            Place::Pharmacy => {
                self.move_to(ep, Location::Pharmacy);
                let delay = self.s.pharmacy_delay.sample(&mut self.rng.pharmacy) * 60.0;
                self.q.push(self.now + delay, Ev::PharmacyVisit(ep));
            }
            Place::Splw => self.splw_refer(ep),
            Place::Vcse => self.vcse_direct(ep),
        }
    }

    /// Roles a `role` signpost for `need` can go to, chosen by weight:
    /// those with the need in their remit, else any (mis-routing).
    /// `practice`'s patients see the PCN's roles and those it employs.
    pub(super) fn roles_for(&self, need: usize, practice: u8) -> &Categorical<usize> {
        let choice = &self.role_choice[usize::from(practice)];
        if choice.by_need[need].is_empty() {
            &choice.any
        } else {
            &choice.by_need[need]
        }
    }

    /// What the navigator believes about `dest` for `need`, from a service
    /// directory refreshed every `directory_refresh_days` (0 = live).
    /// `practice` is the patient's (a role the practices employ is believed
    /// free if the practice's own diary has a slot).
    pub(super) fn believed_available(&mut self, dest: Place, need: usize, practice: u8) -> bool {
        let refresh = self.s.raw.navigation.directory_refresh_days * MINUTES_PER_DAY;
        if refresh <= 0.0 || self.now >= self.directory_time + refresh {
            self.refresh_directory();
        }
        let d = &self.directory;
        match dest {
            Place::Gp | Place::Practice | Place::Reception | Place::Pharmacy => true,
            Place::Role => {
                let first = self.s.practices.len();
                (self.roles_for(need, practice).items()).any(|r| d.role_free[self.s.practices.role_diary(r, practice) - first])
            }
            Place::Splw => d.splw_ok,
            // The services the patient would be sent to — those serving the
            // need, else any (mis-routing, as for roles): capacity only.
            // Knowing the remit is the training tier's job, not the
            // directory's (issue #11, B3).
            Place::Vcse => {
                let serving = self.s.services.iter().any(|svc| svc.serves[need]);
                let sent_to = |svc: &crate::scenario::PreparedService| !serving || svc.serves[need];
                self.s.services.iter().zip(&d.service_ok).any(|(svc, &ok)| ok && sent_to(svc))
            }
        }
    }

    pub(super) fn refresh_directory(&mut self) {
        self.directory_time = self.now;
        let today = Calendar::day_of(self.now);
        // Refilled in place: with a live feed this runs on every signpost.
        self.directory.role_free.clear();
        self.directory
            .role_free
            .extend(self.diaries[self.s.practices.len()..].iter().map(|d| d.has_free_slot(today)));
        self.directory.splw_ok = self.splw_wait_acceptable();
        self.directory.service_ok.clear();
        self.directory.service_ok.extend(self.services.iter().map(Service::has_room));
    }
}

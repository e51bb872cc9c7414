//! Episodes of need: where each one is (its place and outcome), and how it
//! ends — resolved, unmet, or failed and bounced back to the practice with
//! lower trust. Every change of an episode's outcome goes through here.

use super::journey::{JourneyStep, Reason};
use super::metrics::Counter;
use super::Model;
use crate::engine::calendar::MINUTES_PER_DAY;
use crate::scenario::Place;
use rand::Rng;

/// The counter of episodes resolved at `place`.
fn ended_counter(place: Place) -> Counter {
    match place {
        Place::Reception => Counter::EndedReception,
        Place::Gp => Counter::EndedGp,
        Place::Role => Counter::EndedRole,
        Place::Pharmacy => Counter::EndedPharmacy,
        Place::Splw => Counter::EndedSplw,
        Place::Vcse => Counter::EndedVcse,
        Place::Practice => unreachable!("nothing is resolved by the practice as a whole"),
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

/// Where an episode is now: exactly one place at a time (issue #11, B1).
/// Every transition goes through [`Model::move_to`], which checks in debug
/// builds that the move is one the pathway allows, so an episode acting
/// where it has already left (two journeys at once) fails loudly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Location {
    /// Between places: new, returning after a bounce, calling back, or
    /// coming back through the revolving door (a contact is scheduled).
    Transit,
    /// Queueing for a navigator at reception.
    ReceptionQueue,
    /// Being handled by a navigator (or, for an online request, triaged
    /// by a navigator or clinician).
    WithNavigator,
    /// An online request waiting in an inbox for triage.
    Inbox,
    /// Booked into diary `.0` (the practices' GP diaries, then the shared
    /// roles'), awaiting the appointment.
    Booked(u8),
    /// On the way to community pharmacy.
    Pharmacy,
    /// On the link worker's waiting list.
    SplwWaiting,
    /// On the link worker's caseload.
    SplwCaseload,
    /// On the caseload, held with no local service until the timeout.
    SplwHolding,
    /// On the caseload *and* linked to VCSE service `svc`: the link worker
    /// keeps supporting while the patient waits for (`started == false`)
    /// or attends the programme. One place, not two: one episode, one
    /// journey, whichever of the two ends it first.
    SplwLinked {
        /// Service index.
        svc: u8,
        /// The programme has started (a place is held).
        started: bool,
    },
    /// On VCSE service `.0`'s waiting list.
    VcseList(u8),
    /// In VCSE service `.0`'s programme.
    VcseProgramme(u8),
    /// Resolved or unmet: nowhere any more.
    Ended,
}

impl Location {
    /// Whether the pathway allows a move from `self` to `to`, for an
    /// episode whose practice's GP diary is `gp_diary`.
    pub(super) fn may_move_to(self, to: Location, gp_diary: u8) -> bool {
        use Location::*;
        match (self, to) {
            (Ended, _) => false,
            // Any open episode can end or fail back into transit.
            (_, Ended | Transit) => true,
            (Transit, ReceptionQueue | WithNavigator | Inbox) => true,
            (Inbox, WithNavigator) => true,
            (ReceptionQueue, WithNavigator) => true,
            // Navigation sends the patient on.
            (WithNavigator, Booked(_) | Pharmacy | SplwWaiting | VcseList(_) | VcseProgramme(_)) => true,
            // A GP or role appointment books a follow-up or the GP (internal
            // bounce); a GP refers to the link worker; pharmacy sends an
            // urgent return straight to a GP slot (its practice's diary).
            (Booked(_), Booked(_) | SplwWaiting) => true,
            (Pharmacy, Booked(d)) => d == gp_diary,
            // A re-referral is a new episode going straight to the link worker.
            (Transit, SplwWaiting) => true,
            (SplwWaiting, SplwCaseload) => true,
            (SplwCaseload, SplwHolding | SplwLinked { .. }) => true,
            (SplwLinked { svc, started: false }, SplwLinked { svc: s, started: true }) => svc == s,
            (SplwLinked { svc, started: false }, VcseList(s)) | (SplwLinked { svc, started: true }, VcseProgramme(s)) => svc == s,
            (VcseList(svc), VcseProgramme(s)) => svc == s,
            // Initial state: people already waiting or taking part at time 0.
            (Transit, SplwCaseload | VcseList(_) | VcseProgramme(_)) => true,
            _ => false,
        }
    }

    /// At VCSE service `svc`: on its list, or in its programme once
    /// `started`; `linked` while the link worker still supports the
    /// patient (one place, not two).
    pub(super) fn vcse_place(svc: u8, started: bool, linked: bool) -> Location {
        match (linked, started) {
            (true, _) => Location::SplwLinked { svc, started },
            (false, false) => Location::VcseList(svc),
            (false, true) => Location::VcseProgramme(svc),
        }
    }

    /// On the link worker's caseload (supported, held or linked).
    pub(super) fn on_caseload(self) -> bool {
        matches!(self, Location::SplwCaseload | Location::SplwHolding | Location::SplwLinked { .. })
    }

    /// Waiting for or taking part in a VCSE programme, with or without the
    /// link worker.
    pub(super) fn at_vcse(self) -> bool {
        matches!(
            self,
            Location::VcseList(_) | Location::VcseProgramme(_) | Location::SplwLinked { .. }
        )
    }

    /// On the waiting list of service `svc` (alone or linked).
    pub(super) fn on_vcse_list(self, svc: usize) -> bool {
        match self {
            Location::VcseList(s) | Location::SplwLinked { svc: s, started: false } => usize::from(s) == svc,
            _ => false,
        }
    }
}

/// One episode of need.
#[derive(Debug, Clone, Copy)]
pub(super) struct Episode {
    pub(super) patient: u32,
    pub(super) need: u16,
    /// Creation time \[minutes\].
    pub(super) created: f64,
    /// Invalidates pending abandonment and hold-timeout events.
    pub(super) token: u32,
    /// Has bounced back at least once.
    pub(super) bounced: bool,
    /// Created after warm-up: its outcome counts.
    pub(super) in_window: bool,
    /// Its steps go to journeys.csv.
    pub(super) traced: bool,
    /// The next GP booking is a follow-up.
    pub(super) follow_up: bool,
    /// Bounced urgently from pharmacy: book the GP urgently.
    pub(super) urgent_return: bool,
    pub(super) outcome: Outcome,
    /// Where it is now (one place at a time).
    pub(super) location: Location,
    /// First GP booking request not yet booked \[minutes\]; NaN if none.
    /// The GP wait is timed from it, call-backs included.
    pub(super) gp_requested: f64,
    /// Generation of its VCSE referrals: a list entry or programme-end
    /// event of an earlier referral carries an older one.
    pub(super) vcse_gen: u16,
    // Link-worker state.
    pub(super) on_caseload: bool,
    pub(super) holding: bool,
    pub(super) link_planned: bool,
    pub(super) vcse_pending: bool,
    pub(super) sessions_done: u16,
    pub(super) sessions_planned: u16,
    pub(super) splw_joined: f64,
}

impl Episode {
    /// A new, open episode of `need` for `patient`, created at `created`
    /// \[minutes\], in transit to its first contact.
    pub(super) fn new(patient: u32, need: u16, created: f64, in_window: bool, traced: bool) -> Episode {
        Episode {
            patient,
            need,
            created,
            token: 0,
            bounced: false,
            in_window,
            traced,
            follow_up: false,
            urgent_return: false,
            outcome: Outcome::Open,
            location: Location::Transit,
            gp_requested: f64::NAN,
            vcse_gen: 0,
            on_caseload: false,
            holding: false,
            link_planned: false,
            vcse_pending: false,
            sessions_done: 0,
            sessions_planned: 0,
            splw_joined: 0.0,
        }
    }
}

impl Model<'_> {
    pub(super) fn trace(&mut self, ep: u32, place: Place, event: &'static str, reason: Reason) {
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

    pub(super) fn new_episode(&mut self, patient: u32, need: u16, traced: bool) -> u32 {
        let id = self.episodes.len() as u32;
        let in_window = self.in_window();
        self.episodes.push(Episode::new(patient, need, self.now, in_window, traced));
        id
    }

    pub(super) fn resolve(&mut self, ep: u32, place: Place) {
        let e = self.episodes[ep as usize];
        if e.outcome != Outcome::Open {
            return;
        }
        self.release(ep);
        self.move_to(ep, Location::Ended);
        self.episodes[ep as usize].outcome = Outcome::Resolved(place);
        if e.in_window {
            self.counters[ended_counter(place) as usize] += 1.0;
            self.resolution_days.push(((self.now - e.created) / MINUTES_PER_DAY) as f32);
        }
        if self.s.raw.needs[e.need as usize].social {
            let p = &mut self.pop.patients[e.patient as usize];
            p.contact_factor = (p.contact_factor * (1.0 + self.s.raw.bounce.social_contact_change as f32)).max(0.0);
        }
        self.trace(ep, place, "resolved", Reason::Resolved);
    }

    pub(super) fn unmet(&mut self, ep: u32, place: Place, reason: Reason) {
        let e = self.episodes[ep as usize];
        if e.outcome != Outcome::Open {
            return;
        }
        self.release(ep);
        self.move_to(ep, Location::Ended);
        self.episodes[ep as usize].outcome = Outcome::Unmet;
        if e.in_window {
            self.counters[Counter::EndedUnmet as usize] += 1.0;
        }
        self.trace(ep, place, "unmet", reason);
    }

    /// A failure after signposting or referral: the patient comes back to
    /// the practice (with lower trust) or the need goes unmet.
    pub(super) fn failure(&mut self, ep: u32, place: Place, reason: Reason) {
        if self.episodes[ep as usize].outcome != Outcome::Open {
            return;
        }
        self.count(Counter::Failures);
        self.trace(ep, place, "failed", reason);
        self.release(ep);
        if self.rng.returns.random::<f64>() < self.s.raw.bounce.return_probability {
            self.mark_bounced(ep);
            self.move_to(ep, Location::Transit);
            let delay = self.s.return_delay.sample(&mut self.rng.returns) * MINUTES_PER_DAY;
            self.contact_at(ep, self.now + delay);
        } else {
            self.unmet(ep, place, reason);
        }
    }

    /// Moves `ep` to `to`. In debug builds, asserts that the move is one
    /// the pathway allows from where the episode is (never from `Ended`,
    /// never into a second place) and that the link-worker and VCSE flags
    /// agree with the location.
    pub(super) fn move_to(&mut self, ep: u32, to: Location) {
        debug_assert!(
            self.episodes[ep as usize].location.may_move_to(to, self.practice_of(ep)),
            "episode {ep} moved from {:?} to {to:?} at minute {}",
            self.episodes[ep as usize].location,
            self.now
        );
        let e = &mut self.episodes[ep as usize];
        e.location = to;
        // An ending releases caseload and VCSE state before it moves here.
        debug_assert!(
            matches!(to, Location::Transit | Location::Ended)
                || (e.on_caseload, e.holding, e.vcse_pending) == (to.on_caseload(), to == Location::SplwHolding, to.at_vcse()),
            "episode {ep} at {to:?} with (on_caseload, holding, vcse_pending) = {:?}",
            (e.on_caseload, e.holding, e.vcse_pending)
        );
    }

    /// Asserts (debug builds) that an event meant for an episode at `at`
    /// found it there: the episode was not already somewhere else.
    #[inline]
    pub(super) fn expect_at(&self, ep: u32, at: impl Fn(Location) -> bool, event: &str) {
        let loc = self.episodes[ep as usize].location;
        debug_assert!(at(loc), "{event} for episode {ep}, which is at {loc:?} (minute {})", self.now);
    }

    /// The episode leaves the link worker's caseload and stops waiting for
    /// a VCSE outcome: it is somewhere else now. (A VCSE place it holds is
    /// freed when the programme would have ended.)
    pub(super) fn release(&mut self, ep: u32) {
        self.episodes[ep as usize].vcse_pending = false;
        if self.episodes[ep as usize].on_caseload {
            self.splw_discharge(ep);
        }
    }

    /// Counts a bounce-back and lowers the patient's trust.
    pub(super) fn mark_bounced(&mut self, ep: u32) {
        self.count_weekly(Counter::BounceBacks, self.series.bounce_backs);
        self.group_count(ep, Counter::BounceBacks);
        let patient = self.episodes[ep as usize].patient;
        let trust_loss = (self.s.raw.navigation.trust_loss * self.group_effects(patient).trust_loss).min(1.0);
        self.episodes[ep as usize].bounced = true;
        let p = &mut self.pop.patients[patient as usize];
        p.trust *= 1.0 - trust_loss as f32;
        self.trace(ep, Place::Practice, "bounced_back", Reason::None);
    }

    /// An unresolved episode: the revolving door brings it back, or it ends.
    pub(super) fn repeat_or_unmet(&mut self, ep: u32, place: Place, reason: Reason) {
        if self.rng.returns.random::<f64>() < self.s.raw.bounce.repeat_probability {
            self.count(Counter::RepeatContacts);
            self.group_count(ep, Counter::RepeatContacts);
            self.trace(ep, place, "repeat", reason);
            self.move_to(ep, Location::Transit);
            let delay = self.s.repeat_delay.sample(&mut self.rng.returns) * MINUTES_PER_DAY;
            self.contact_at(ep, self.now + delay);
        } else {
            self.unmet(ep, place, reason);
        }
    }
}

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
    // Link-worker state.
    pub(super) on_caseload: bool,
    pub(super) holding: bool,
    pub(super) link_planned: bool,
    pub(super) vcse_pending: bool,
    pub(super) sessions_done: u16,
    pub(super) sessions_planned: u16,
    pub(super) splw_joined: f64,
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
        self.episodes.push(Episode {
            patient,
            need,
            created: self.now,
            token: 0,
            bounced: false,
            in_window: self.in_window(),
            traced,
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

    pub(super) fn resolve(&mut self, ep: u32, place: Place) {
        let e = self.episodes[ep as usize];
        if e.outcome != Outcome::Open {
            return;
        }
        self.release(ep);
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
            let delay = self.s.return_delay.sample(&mut self.rng.returns) * MINUTES_PER_DAY;
            self.contact_at(ep, self.now + delay);
        } else {
            self.unmet(ep, place, reason);
        }
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
        let e = &mut self.episodes[ep as usize];
        e.bounced = true;
        let p = &mut self.pop.patients[e.patient as usize];
        p.trust *= 1.0 - self.s.raw.navigation.trust_loss as f32;
        self.trace(ep, Place::Practice, "bounced_back", Reason::None);
    }

    /// An unresolved episode: the revolving door brings it back, or it ends.
    pub(super) fn repeat_or_unmet(&mut self, ep: u32, place: Place, reason: Reason) {
        if self.rng.returns.random::<f64>() < self.s.raw.bounce.repeat_probability {
            self.count(Counter::RepeatContacts);
            self.trace(ep, place, "repeat", reason);
            let delay = self.s.repeat_delay.sample(&mut self.rng.returns) * MINUTES_PER_DAY;
            self.contact_at(ep, self.now + delay);
        } else {
            self.unmet(ep, place, reason);
        }
    }
}

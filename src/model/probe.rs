//! Single hot paths of the pathway, callable one at a time, for the
//! criterion benches in `benches/` (issue #12: a regression in one of
//! them should show up on its own, not only in a whole replication).
//! Not part of the model's API: the handlers run outside the event loop,
//! on a model built fresh for the purpose, so the state they leave is
//! only good for more of the same calls.

use super::episode::Location;
use super::{Ev, Model};
use crate::engine::calendar::Calendar;
use crate::engine::calendar::MINUTES_PER_DAY;
use crate::scenario::Scenario;
use rand::Rng;

/// A replication's model at the first opening of its statistics window,
/// with nothing simulated yet but its initial state.
pub struct Probe<'s> {
    model: Model<'s>,
    /// Next patient to bring a contact (cycles through the list).
    next_patient: u32,
}

impl<'s> Probe<'s> {
    /// Builds replication 0 of `scenario` with `seed`.
    pub fn new(scenario: &'s Scenario, seed: u64) -> Self {
        let mut model = Model::new(scenario, seed, 0, 0, None);
        let cal = model.cal();
        let first = Calendar::day_of(scenario.warmup_minutes);
        let day = cal.next_open_day(first).unwrap_or(first);
        model.now = cal.opening(day).max(scenario.warmup_minutes);
        Probe { model, next_patient: 0 }
    }

    /// `n` navigation decisions: each a new episode (need drawn by share)
    /// at the navigator, routed, accepted or declined, and sent on (a GP
    /// or role booking, a pharmacy visit, a referral). Returns the events
    /// those decisions scheduled, so the work cannot be optimised away.
    pub fn navigate(&mut self, n: u32) -> usize {
        let m = &mut self.model;
        let list = m.pop.patients.len() as u32;
        for _ in 0..n {
            let u: f64 = m.rng.arrivals.random();
            let need = m.pop.need_for(m.s, m.s.calendar.month(0), u) as u16;
            let ep = m.new_episode(self.next_patient, need, false);
            self.next_patient = (self.next_patient + 1) % list;
            m.move_to(ep, Location::WithNavigator);
            m.navigate(ep);
        }
        m.q.len()
    }

    /// Refers `n` new episodes of a need in the link worker's remit (so
    /// they join the list or the caseload), then holds the link worker's
    /// sessions in time order until none is left within `days` days:
    /// absence, disengagement, linking to VCSE, holding and discharge.
    /// Other events that come due are dropped unhandled (this times the
    /// session, not the pathway). Returns the sessions held.
    pub fn link_worker_sessions(&mut self, n: u32, days: f64) -> u32 {
        let m = &mut self.model;
        let Some(need) = (0..m.s.raw.needs.len()).find(|&i| m.s.splw_remit[i]) else {
            return 0;
        };
        for _ in 0..n {
            let ep = m.new_episode(self.next_patient, need as u16, false);
            self.next_patient = (self.next_patient + 1) % m.pop.patients.len() as u32;
            m.splw_refer(ep);
        }
        let end = m.now + days * MINUTES_PER_DAY;
        let mut held = 0;
        while let Some((t, ev)) = m.q.pop() {
            if t > end {
                break;
            }
            if let Ev::SplwSession(ep, token) = ev {
                m.now = t;
                m.splw_session(ep, token);
                held += 1;
            }
        }
        held
    }
}

//! Timed VCSE changes: the funding multiplier and each service's places
//! follow their `changes` schedules, applied at the start of each day as
//! link-worker FTE changes are. A service whose places fall keeps its
//! participants to the end of their programmes (no one is pre-empted); one
//! left with no places turns its waiting list away.

use super::journey::Reason;
use super::{Model, Place};
use crate::engine::calendar::MINUTES_PER_DAY;
use crate::scenario::{value_on, Scenario};

/// Places service `svc` of `s` has on `day` \[day index\], under the
/// funding and places schedules: `vcse.funding` times the service's places
/// without them.
pub(super) fn places_on(s: &Scenario, svc: usize, day: f64) -> u32 {
    let base = f64::from(s.raw.vcse.services[svc].places);
    let places = value_on(base, &s.services[svc].places_changes, day) as u32;
    let funding = value_on(s.raw.vcse.funding, &s.vcse_funding_changes, day);
    super::launch::service_places(places, funding)
}

/// Whether service `svc`'s places can change during the run.
fn scheduled(s: &Scenario, svc: usize) -> bool {
    !s.vcse_funding_changes.is_empty() || !s.services[svc].places_changes.is_empty()
}

impl Model<'_> {
    /// At a day's start: each scheduled service takes the places in force
    /// today. Draws nothing; a scenario without schedules is untouched.
    pub(super) fn vcse_follow_schedules(&mut self) {
        let day = (self.now / MINUTES_PER_DAY).floor();
        for svc in 0..self.services.len() {
            if !scheduled(self.s, svc) {
                continue;
            }
            let places = places_on(self.s, svc, day);
            if places == self.services[svc].res.capacity() {
                continue;
            }
            self.services[svc].res.set_capacity(self.now, places);
            if places == 0 {
                // No places: no list either (as for a service without funding).
                for ((ep, gen), _) in self.services[svc].res.drain(self.now) {
                    if super::vcse::waiting_on(&self.episodes, ep, svc, gen) {
                        self.failure(ep, Place::Vcse, Reason::RejectedFull);
                    }
                }
            }
            self.vcse_admit(svc);
        }
    }
}

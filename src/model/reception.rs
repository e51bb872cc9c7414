//! Reception: callers queue for a navigator, hang up when their patience
//! runs out (and retry or give up), and are asked to call back at closing.

use super::episode::Location;
use super::journey::Reason;
use super::metrics::Counter;
use super::{Ev, Model, Outcome, Place};
use crate::engine::calendar::Calendar;
use crate::engine::{Admission, Ticket};
use rand::Rng;

impl Model<'_> {
    pub(super) fn contact(&mut self, ep: u32) {
        self.expect_at(ep, |l| l == Location::Transit, "a contact");
        if self.episodes[ep as usize].outcome != Outcome::Open {
            return;
        }
        let practice = self.practice_of(ep);
        if self.s.practices.own_hours && !self.practice_cal(practice).is_open_at(self.now) {
            // Demand follows the PCN's hours (and a call-back set under the
            // counterfactual its hours): a practice keeping shorter ones
            // takes the call when it next opens.
            return self.contact_at(ep, self.now);
        }
        self.count_weekly(Counter::Contacts, self.series.contacts);
        self.group_count(ep, Counter::Contacts);
        let practice = usize::from(practice);
        match self.reception[practice].seize(self.now, ep) {
            Admission::Served => {
                self.move_to(ep, Location::WithNavigator);
                self.start_handling(ep);
            }
            Admission::Queued(ticket) => {
                self.move_to(ep, Location::ReceptionQueue);
                let patience = self.s.patience.sample(&mut self.rng.reception);
                self.q.push(self.now + patience, Ev::Abandon(ep, ticket));
            }
            Admission::Rejected(_) => unreachable!("reception is open with an unbounded queue"),
        }
    }

    /// A navigator (already held) takes the call.
    pub(super) fn start_handling(&mut self, ep: u32) {
        let handling = self.s.handling.sample(&mut self.rng.reception);
        self.q.push(self.now + handling, Ev::ReceptionDone(ep));
    }

    pub(super) fn reception_done(&mut self, ep: u32) {
        self.navigator_freed(self.practice_of(ep));
        self.expect_at(ep, |l| l == Location::WithNavigator, "the end of a call");
        self.navigate(ep);
    }

    /// A navigator at `practice` is free: the next caller waiting there
    /// first, else the online inbox (see the model's `online` module).
    // Always: on every call's path. Left to the compiler, it was not
    // inlined and the phone-only run took 2% more instructions.
    #[inline(always)]
    pub(super) fn navigator_freed(&mut self, practice: u8) {
        let desk = &mut self.reception[usize::from(practice)];
        desk.release(self.now);
        if let Some((next, _)) = desk.admit_next(self.now, |_| true) {
            self.move_to(next, Location::WithNavigator);
            self.start_handling(next);
        } else {
            self.inbox_pull(practice);
        }
    }

    pub(super) fn abandon(&mut self, ep: u32, ticket: Ticket) {
        let practice = usize::from(self.practice_of(ep));
        if !self.reception[practice].renege(self.now, ticket) {
            return; // answered, or asked to call back at closing
        }
        self.expect_at(ep, |l| l == Location::ReceptionQueue, "a hang-up");
        self.count(Counter::NavigationAbandoned);
        self.group_count(ep, Counter::NavigationAbandoned);
        self.trace(ep, Place::Reception, "abandoned", Reason::Abandoned);
        if self.rng.reception.random::<f64>() < self.s.raw.navigation.retry_probability {
            let delay = self.s.retry_delay.sample(&mut self.rng.reception);
            self.move_to(ep, Location::Transit);
            self.contact_at(ep, self.now + delay);
        } else {
            self.unmet(ep, Place::Reception, Reason::Abandoned);
        }
    }

    /// At a practice's closing, its callers still queueing try again the
    /// practice's next open day.
    pub(super) fn reception_close(&mut self, practice: u8) {
        let cal = self.practice_cal(practice);
        for (ep, _) in self.reception[usize::from(practice)].drain(self.now) {
            self.move_to(ep, Location::Transit);
            let spread = self.rng.reception.random::<f64>() * 120.0;
            if let Some(d) = cal.next_open_day(Calendar::day_of(self.now) + 1) {
                self.q.push(cal.opening(d) + spread, Ev::Contact(ep));
            }
        }
    }
}

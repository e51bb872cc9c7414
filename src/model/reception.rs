//! Reception: callers queue for a navigator, hang up when their patience
//! runs out (and retry or give up), and are asked to call back at closing.

use super::journey::Reason;
use super::metrics::Counter;
use super::results::series;
use super::{Ev, Model, Outcome};
use crate::engine::calendar::Calendar;
use rand::Rng;

impl Model<'_> {
    pub(super) fn contact(&mut self, ep: u32) {
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

    pub(super) fn start_handling(&mut self, ep: u32) {
        self.reception_busy += 1;
        self.reception_busy_level.set(self.now, f64::from(self.reception_busy));
        let handling = self.s.handling.sample(&mut self.rng.reception);
        self.q.push(self.now + handling, Ev::ReceptionDone(ep));
    }

    /// Next live caller in the queue (abandoned entries are skipped).
    pub(super) fn pop_waiting(&mut self) -> Option<u32> {
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

    pub(super) fn reception_done(&mut self, ep: u32) {
        self.reception_busy -= 1;
        self.reception_busy_level.set(self.now, f64::from(self.reception_busy));
        if let Some(next) = self.pop_waiting() {
            self.start_handling(next);
        }
        self.navigate(ep);
    }

    pub(super) fn abandon(&mut self, ep: u32, token: u32) {
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
    pub(super) fn reception_close(&mut self) {
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
}

//! Community pharmacy and self-care: uncapped; resolves most minor illness,
//! the rest fails and comes back (some urgently, straight to a GP slot).

use super::episode::Location;
use super::journey::Reason;
use super::metrics::Counter;
use super::{Model, Outcome, Place};
use rand::Rng;

impl Model<'_> {
    pub(super) fn pharmacy_visit(&mut self, ep: u32) {
        self.expect_at(ep, |l| l == Location::Pharmacy, "a pharmacy visit");
        let e = self.episodes[ep as usize];
        if e.outcome != Outcome::Open {
            return;
        }
        let ph = &self.s.raw.pharmacy;
        let (u_attend, u_resolve, u_urgent): (f64, f64, f64) =
            (self.rng.pharmacy.random(), self.rng.pharmacy.random(), self.rng.pharmacy.random());
        if u_attend >= ph.attend {
            self.failure(ep, Place::Pharmacy, Reason::NotAttended);
            return;
        }
        self.count(Counter::PharmacyConsultations);
        self.group_count(ep, Counter::PharmacyConsultations);
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
            self.trace(ep, Place::Pharmacy, "failed", reason);
            self.mark_bounced(ep);
            self.episodes[ep as usize].urgent_return = true;
            self.book_gp(ep);
        } else {
            self.failure(ep, Place::Pharmacy, reason);
        }
    }
}

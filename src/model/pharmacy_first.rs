//! Pharmacy First: an episode of its need goes to the Pharmacy First
//! service, whatever the navigator's routing chose, when it is one of the
//! service's conditions, the patient is eligible by age and sex, and the
//! navigator sends it there (`navigated_share`) and the patient accepts;
//! otherwise it takes the existing routes as before. At the
//! consultation the pharmacist completes it, refers it on to the practice
//! (a GP appointment), or it fails back as general advice does.
//!
//! Common random numbers: whether an episode is a condition, eligible and
//! sent there is decided by uniforms hashed from the replication's key, the
//! patient and the episode's creation time, so the same episode is decided
//! the same way in every arm (whatever else the arm draws, and whatever
//! order its events come in). The visit draws what a general pharmacy
//! visit draws, from the same stream.

use super::episode::Location;
use super::journey::Reason;
use super::metrics::Counter;
use super::{Ev, Model, Outcome, Place};
use crate::engine::rng::splitmix64;
use crate::engine::{stream_rng, Stream};
use crate::scenario::pharmacy_first::{Demographics, Sex};
use rand::Rng;

/// What a hashed uniform decides.
#[derive(Clone, Copy)]
enum Decision {
    Condition = 1,
    Eligible = 2,
    Navigated = 3,
    Age = 4,
}

/// The key of one replication's Pharmacy First uniforms.
pub(super) fn key(seed: u64, replication: u64) -> u64 {
    stream_rng(seed, replication, Stream::PharmacyFirst).random()
}

/// A uniform in [0, 1) from `key`, a patient, a number naming the
/// occasion (an episode's creation time's bits, a condition) and what it decides.
fn uniform(key: u64, patient: u32, occasion: u64, decision: Decision) -> f64 {
    let mut state = key ^ u64::from(patient);
    let mut state = splitmix64(&mut state) ^ occasion;
    let mut state = splitmix64(&mut state) ^ decision as u64;
    (splitmix64(&mut state) >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

impl Model<'_> {
    /// The patient's age band and sex, where the list's population groups
    /// carry both (an age dimension with edges in years and a sex
    /// dimension); otherwise the list's eligible share decides.
    fn demographics(&self, patient: u32) -> Option<Demographics> {
        let d = self.pop.demographics(patient)?;
        let has_sex = self.pop.groups.dims.iter().any(|dim| dim.name == "sex");
        has_sex.then(|| Demographics {
            age_from: f64::from(d.age_from_years),
            age_to: f64::from(d.age_to_years),
            sex: if d.female { Sex::Female } else { Sex::Male },
        })
    }

    /// Whether the navigator sends episode `ep` to Pharmacy First.
    pub(super) fn pharmacy_first_takes(&self, ep: u32) -> bool {
        let Some(pf) = &self.s.pharmacy_first else {
            return false;
        };
        let e = &self.episodes[ep as usize];
        if usize::from(e.need) != pf.need {
            return false;
        }
        let (key, patient) = (self.pharmacy_first_key, e.patient);
        let Some(condition) = pf.condition(uniform(key, patient, e.created.to_bits(), Decision::Condition)) else {
            return false;
        };
        let who = self.demographics(patient);
        let u = match who {
            // The patient's age within their band: the same on every episode.
            Some(_) => uniform(key, patient, 0, Decision::Age),
            None => uniform(key, patient, condition as u64, Decision::Eligible),
        };
        pf.eligible(condition, who, u) && uniform(key, patient, e.created.to_bits(), Decision::Navigated) < pf.navigated_share
    }

    /// Sends `ep`, which accepted the signpost, to Pharmacy First.
    pub(super) fn pharmacy_first_send(&mut self, ep: u32) {
        self.move_to(ep, Location::Pharmacy);
        self.trace(ep, Place::Pharmacy, "pharmacy_first", Reason::None);
        let delay = self.s.pharmacy_delay.sample(&mut self.rng.pharmacy) * 60.0;
        self.q.push(self.now + delay, Ev::PharmacyFirstVisit(ep));
    }

    /// The Pharmacy First consultation.
    pub(super) fn pharmacy_first_visit(&mut self, ep: u32) {
        self.expect_at(ep, |l| l == Location::Pharmacy, "a Pharmacy First visit");
        if self.episodes[ep as usize].outcome != Outcome::Open {
            return;
        }
        let Some(pf) = &self.s.pharmacy_first else {
            unreachable!("a Pharmacy First visit in an arm without it")
        };
        let (completion, onward) = (pf.completion, pf.onward_referral);
        // The draws of a general pharmacy visit, so the stream stays in step.
        let (u_attend, u_outcome, _): (f64, f64, f64) =
            (self.rng.pharmacy.random(), self.rng.pharmacy.random(), self.rng.pharmacy.random());
        if u_attend >= self.s.raw.pharmacy.attend {
            self.failure(ep, Place::Pharmacy, Reason::NotAttended);
            return;
        }
        self.count(Counter::PharmacyFirstConsultations);
        if u_outcome < completion {
            self.count(Counter::PharmacyFirstCompleted);
            self.resolve(ep, Place::Pharmacy);
        } else if u_outcome < completion + onward {
            // Referred on: back to the practice for a GP appointment.
            self.count(Counter::PharmacyFirstReferredOn);
            self.trace(ep, Place::Pharmacy, "referred_on", Reason::NotResolved);
            self.book_gp(ep);
        } else {
            self.failure(ep, Place::Pharmacy, Reason::NotResolved);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_uniforms_are_uniform_and_differ_by_decision() {
        let n = 100_000;
        let mean = (0..n).map(|i| uniform(42, i, 7, Decision::Condition)).sum::<f64>() / f64::from(n);
        assert!((mean - 0.5).abs() < 4.0 * (1.0 / 12.0 / f64::from(n)).sqrt(), "{mean}");
        assert_ne!(uniform(42, 1, 7, Decision::Condition), uniform(42, 1, 7, Decision::Navigated));
        assert_eq!(uniform(42, 1, 7, Decision::Eligible), uniform(42, 1, 7, Decision::Eligible));
    }
}

//! Exogenous demand: the registered list with heavy-tailed personal contact
//! rates, each day's arrivals shaped by weekday, hour and month, and the
//! new episodes they bring (always the same draws, so every arm sees the
//! same patients with the same needs).

use super::journey::Reason;
use super::metrics::Counter;
use super::{Ev, Model, Place};
use crate::engine::calendar::MINUTES_PER_DAY;
use crate::engine::{Categorical, SimRng};
use crate::scenario::Scenario;
use rand::Rng;
use rand_distr::{Distribution, Gamma, Poisson};

/// One registered patient.
#[derive(Debug, Clone, Copy)]
pub struct Patient {
    /// Multiplier on the patient's future contacts (social prescribing can
    /// lower it); exogenous episodes are thinned by it.
    pub contact_factor: f32,
    /// Trust in the practice's signposting: multiplies acceptance; each
    /// bounce lowers it.
    pub trust: f32,
    /// Rural, with transport barriers.
    pub rural: bool,
}

/// Walker/Vose alias table: O(1) sampling of a patient in proportion to
/// their personal contact rate.
#[derive(Debug, Clone)]
pub struct AliasTable {
    /// Per column: (probability of keeping the column, its alias). Kept
    /// side by side so that a draw over a large list touches one cache
    /// line, not two.
    columns: Vec<(f64, u32)>,
}

impl AliasTable {
    /// Builds the table from non-negative weights (not all zero).
    pub fn new(weights: &[f64]) -> Self {
        let n = weights.len();
        let total: f64 = weights.iter().sum();
        let mut scaled: Vec<f64> = weights.iter().map(|w| w * n as f64 / total).collect();
        let mut columns: Vec<(f64, u32)> = (0..n as u32).map(|i| (1.0, i)).collect();
        let (mut small, mut large): (Vec<usize>, Vec<usize>) = (0..n).partition(|&i| scaled[i] < 1.0);
        while let (Some(s), Some(&l)) = (small.pop(), large.last()) {
            columns[s] = (scaled[s], l as u32);
            scaled[l] -= 1.0 - scaled[s];
            if scaled[l] < 1.0 {
                large.pop();
                small.push(l);
            }
        }
        AliasTable { columns }
    }

    /// Draws an index from two uniforms in [0, 1).
    #[inline]
    pub fn sample(&self, u_column: f64, u_coin: f64) -> usize {
        let i = self.column(u_column);
        let (keep, alias) = self.columns[i];
        if u_coin < keep {
            i
        } else {
            alias as usize
        }
    }

    /// The two indices [`AliasTable::sample`] can return for `u_column`:
    /// the column and its alias.
    #[inline]
    pub fn candidates(&self, u_column: f64) -> (usize, usize) {
        let i = self.column(u_column);
        (i, self.columns[i].1 as usize)
    }

    #[inline]
    fn column(&self, u_column: f64) -> usize {
        ((u_column * self.columns.len() as f64) as usize).min(self.columns.len() - 1)
    }
}

/// The registered list: traits and the sampler of who contacts next.
#[derive(Clone)]
pub struct Population {
    /// Every patient.
    pub patients: Vec<Patient>,
    /// Sampler by personal contact rate.
    pub by_rate: AliasTable,
    /// Need index chosen by share.
    pub need_choice: Categorical<usize>,
    /// Demand carried from closed days to the next open day \[episodes\].
    carry: f64,
}

impl Population {
    /// Draws the list's traits from the patients stream.
    pub fn new(s: &Scenario, rng: &mut SimRng) -> Self {
        let p = &s.raw.population;
        let shape = p.contact_rate_shape;
        let gamma = Gamma::new(shape, 1.0 / shape).expect("validated: shape > 0");
        let n = p.list_size as usize;
        let mut weights = Vec::with_capacity(n);
        let mut patients = Vec::with_capacity(n);
        for _ in 0..n {
            weights.push(gamma.sample(rng).max(1e-12));
            patients.push(Patient {
                contact_factor: 1.0,
                trust: 1.0,
                rural: rng.random::<f64>() < p.rural_share,
            });
        }
        let need_choice = Categorical::cumulative(s.raw.needs.iter().map(|need| need.share).enumerate());
        Population {
            patients,
            by_rate: AliasTable::new(&weights),
            need_choice,
            carry: 0.0,
        }
    }

    /// Touches the patients the day's next `arrivals` will most likely
    /// draw, so that their cache misses overlap here, in one tight loop,
    /// instead of stalling each arrival in turn (about a fifth of a run
    /// before, issue #12). `rng` is a copy of the arrivals stream: the
    /// stream itself is not advanced, so no result can change; a guess
    /// that turns out wrong (a day whose arrivals interleave with
    /// another's) only costs the misses it would have had anyway.
    pub fn warm(&self, mut rng: SimRng, arrivals: usize) {
        let mut touched = 0.0_f32;
        for _ in 0..arrivals {
            let (u_col, _, _, _): (f64, f64, f64, f64) = (rng.random(), rng.random(), rng.random(), rng.random());
            // Both candidates, without the coin's branch: a mispredicted
            // branch would stall the loads this loop exists to overlap.
            let (column, alias) = self.by_rate.candidates(u_col);
            touched += self.patients[column].contact_factor + self.patients[alias].contact_factor;
        }
        std::hint::black_box(touched);
    }

    /// Index of the need for a uniform draw.
    #[inline]
    pub fn need_for(&self, u: f64) -> usize {
        self.need_choice.sample(u).expect("validated: a need with a share")
    }

    /// Arrival times \[minutes\] of the new episodes on `day`, sorted. Demand
    /// expected on a closed day is carried to the next open day.
    pub fn day_arrivals(&mut self, s: &Scenario, day: usize, rng: &mut SimRng, out: &mut Vec<f64>) {
        out.clear();
        let p = &s.raw.population;
        let cal = &s.calendar;
        let weekly = p.list_size as f64 * p.contacts_per_patient_year * 7.0 / 365.25;
        let expected = weekly * s.weekday_weights[cal.weekday(day)] * s.month_multipliers[cal.month(day)];
        if !cal.is_open(day) {
            self.carry += expected;
            return;
        }
        let mean = expected + std::mem::take(&mut self.carry);
        if mean <= 0.0 {
            return;
        }
        let count = Poisson::new(mean).map_or(0.0, |d| d.sample(rng)) as usize;
        let base = day as f64 * MINUTES_PER_DAY;
        for _ in 0..count {
            let u: f64 = rng.random();
            let mut acc = 0.0;
            let block = s
                .hour_blocks
                .iter()
                .find(|b| {
                    acc += b.2;
                    u < acc
                })
                .unwrap_or(&s.hour_blocks[s.hour_blocks.len() - 1]);
            out.push(base + block.0 + (block.1 - block.0) * rng.random::<f64>());
        }
        // Unstable is the same here: values equal under `total_cmp` have
        // the same bits, so no order among them can be told apart.
        out.sort_unstable_by(f64::total_cmp);
    }
}

impl Model<'_> {
    pub(super) fn day_start(&mut self, day: usize) {
        let mut buf = std::mem::take(&mut self.day_arrivals);
        self.pop.day_arrivals(self.s, day, &mut self.rng.arrivals, &mut buf);
        self.pop.warm(self.rng.arrivals.clone(), buf.len());
        for &t in &buf {
            self.q.push(t, Ev::Arrival);
        }
        self.day_arrivals = buf;
        if self.cal().is_open(day) {
            self.q.push(self.cal().closing(day), Ev::ReceptionClose);
        }
        if self.cal().weekday(day) == 0 {
            self.splw_draw_absence();
        }
        self.splw_update_capacity();
        if let Some(w) = self.week() {
            let cap = f64::from(self.diaries[0].capacity[day]);
            self.weekly.add(self.series.gp_capacity, Some(w), cap);
        }
    }

    /// A new exogenous episode. Always draws the same four numbers from the
    /// arrivals stream so every arm sees the same patients and needs.
    pub(super) fn arrival(&mut self) {
        let r = &mut self.rng.arrivals;
        let (u_col, u_coin, u_need, u_thin): (f64, f64, f64, f64) = (r.random(), r.random(), r.random(), r.random());
        let patient = self.pop.by_rate.sample(u_col, u_coin);
        let need = self.pop.need_for(u_need) as u16;
        let factor = f64::from(self.pop.patients[patient].contact_factor);
        // A lowered contact rate thins this patient's episodes; a raised one
        // (a sensitivity case) duplicates some.
        let copies = if factor < 1.0 {
            usize::from(u_thin < factor)
        } else {
            1 + usize::from(u_thin < factor - 1.0)
        };
        for _ in 0..copies {
            let traced = self.in_window() && self.traced < self.journey_quota;
            if traced {
                self.traced += 1;
            }
            self.count(Counter::NewEpisodes);
            let ep = self.new_episode(patient as u32, need, traced);
            self.trace(ep, Place::Practice, "new_episode", Reason::None);
            self.contact(ep);
        }
    }

    pub(super) fn re_referral(&mut self, patient: u32, need: u16) {
        let ep = self.new_episode(patient, need, false);
        self.splw_refer(ep);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{stream_rng, Stream};

    #[test]
    fn alias_table_matches_weights() {
        let weights = [1.0, 3.0, 0.0, 6.0];
        let table = AliasTable::new(&weights);
        let mut rng = stream_rng(1, 0, Stream::Numbered(0));
        let n = 200_000;
        let mut counts = [0usize; 4];
        for _ in 0..n {
            counts[table.sample(rng.random(), rng.random())] += 1;
        }
        for (i, w) in weights.iter().enumerate() {
            let p = w / 10.0;
            let se = (p * (1.0 - p) / n as f64).sqrt();
            let got = counts[i] as f64 / n as f64;
            assert!((got - p).abs() <= 4.0 * se + 1e-12, "index {i}: {got} vs {p}");
        }
    }
}

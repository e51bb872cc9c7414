//! Per-group metrics of one replication: every group-level headline count,
//! rate and wait as extra entries of [`ReplicationOutput::metrics`] named
//! `METRIC@DIMENSION=LEVEL` (e.g. `gp_appointments@imd=1`), so that the
//! reducer, paired comparisons and merges carry them unchanged. Only
//! present when the scenario has population groups; the reserved `@`
//! keeps them out of the contract's CSVs and the terminal
//! ([`crate::metric::group`]).
//!
//! [`ReplicationOutput::metrics`]: super::ReplicationOutput::metrics

use super::groups::GroupTally;
use super::metrics::Counter;
use super::{Model, Outcome};
use crate::metric::group::{group_metric_name, GROUP_COUNTS, GROUP_PATIENTS, PRACTICE_DIMENSION};
use crate::metric::Metric;

/// One level's totals in the window, written as its per-group metrics.
struct LevelTotals {
    /// Its patients on the list.
    patients: f64,
    /// Its counts, by counter.
    counts: [f64; Counter::COUNT],
    /// Its episodes ended unmet.
    unmet: f64,
    /// GP bookings, and their waits added up \[days\].
    gp_waits: (f64, f64),
}

impl LevelTotals {
    fn zero() -> LevelTotals {
        LevelTotals {
            patients: 0.0,
            counts: [0.0; Counter::COUNT],
            unmet: 0.0,
            gp_waits: (0.0, 0.0),
        }
    }

    /// Adds tally `i` of `tally`, with its `patients` and `unmet`.
    fn add(&mut self, tally: &GroupTally, i: usize, patients: f64, unmet: f64) {
        for (total, count) in self.counts.iter_mut().zip(&tally.counts[i]) {
            *total += count;
        }
        self.patients += patients;
        self.unmet += unmet;
        self.gp_waits.0 += tally.gp_waits[i].0;
        self.gp_waits.1 += tally.gp_waits[i].1;
    }

    /// Appends the level's metrics, named for `dimension` = `level`.
    fn push(&self, m: &mut Vec<(String, f64)>, dimension: &str, level: &str) {
        let name = |metric: &str| group_metric_name(metric, dimension, level);
        let count = |k: Counter| self.counts[k as usize];
        m.push((name(GROUP_PATIENTS), self.patients));
        for &(metric, counter) in GROUP_COUNTS {
            m.push((name(metric.name()), count(counter)));
        }
        m.push((name(Metric::UnmetNeeds.name()), self.unmet));
        let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
        let bounce_rate = ratio(count(Counter::BounceBacks), count(Counter::SignpostsAndReferrals));
        m.push((name(Metric::BounceBackRate.name()), bounce_rate));
        m.push((name(Metric::GpBookings.name()), self.gp_waits.0));
        m.push((name(Metric::GpWaitDaysMean.name()), ratio(self.gp_waits.1, self.gp_waits.0)));
    }
}

impl Model<'_> {
    /// Appends the per-group metrics to `m` (nothing without groups), then
    /// the per-practice ones (`METRIC@practice=NAME`, only with a practice
    /// list).
    pub(super) fn push_group_metrics(&self, m: &mut Vec<(String, f64)>) {
        self.push_cell_metrics(m);
        self.push_practice_metrics(m);
    }

    fn push_cell_metrics(&self, m: &mut Vec<(String, f64)>) {
        let table = &self.pop.groups;
        if !table.configured() {
            return;
        }
        let cells = table.cells.len();
        let mut patients = vec![0.0; cells];
        for p in &self.pop.patients {
            patients[usize::from(p.cell)] += 1.0;
        }
        let mut unmet = vec![0.0; cells];
        for e in self.episodes.iter().filter(|e| e.in_window && e.outcome == Outcome::Unmet) {
            unmet[usize::from(self.pop.patients[e.patient as usize].cell)] += 1.0;
        }
        for (d, dim) in table.dims.iter().enumerate() {
            for (l, level) in dim.levels.iter().enumerate() {
                let mut totals = LevelTotals::zero();
                for c in (0..cells).filter(|&c| table.level_of(c, d) == l) {
                    totals.add(&self.group_tally, c, patients[c], unmet[c]);
                }
                totals.push(m, dim.name, &level.name);
            }
        }
    }

    fn push_practice_metrics(&self, m: &mut Vec<(String, f64)>) {
        if self.practice_tally.counts.is_empty() {
            return;
        }
        let practices = &self.s.practices.list;
        let mut unmet = vec![0.0; practices.len()];
        for e in self.episodes.iter().filter(|e| e.in_window && e.outcome == Outcome::Unmet) {
            unmet[usize::from(self.pop.patients[e.patient as usize].practice)] += 1.0;
        }
        for (i, practice) in practices.iter().enumerate() {
            let mut totals = LevelTotals::zero();
            totals.add(&self.practice_tally, i, practice.list_size as f64, unmet[i]);
            totals.push(m, PRACTICE_DIMENSION, &practice.name);
        }
    }
}

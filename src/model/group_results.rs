//! Per-group metrics of one replication: every group-level headline count,
//! rate and wait as extra entries of [`ReplicationOutput::metrics`] named
//! `METRIC@DIMENSION=LEVEL` (e.g. `gp_appointments@imd=1`), so that the
//! reducer, paired comparisons and merges carry them unchanged. Only
//! present when the scenario has population groups; the reserved `@`
//! keeps them out of the contract's CSVs and the terminal
//! ([`crate::metric::group`]).
//!
//! [`ReplicationOutput::metrics`]: super::ReplicationOutput::metrics

use super::metrics::Counter;
use super::{Model, Outcome};
use crate::metric::group::{group_metric_name, GROUP_COUNTS, GROUP_PATIENTS};
use crate::metric::Metric;

impl Model<'_> {
    /// Appends the per-group metrics to `m` (nothing without groups).
    pub(super) fn push_group_metrics(&self, m: &mut Vec<(String, f64)>) {
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
        let tally = &self.group_tally;
        for (d, dim) in table.dims.iter().enumerate() {
            for (l, level) in dim.levels.iter().enumerate() {
                let in_level: Vec<usize> = (0..cells).filter(|&c| table.level_of(c, d) == l).collect();
                let sum = |f: &dyn Fn(usize) -> f64| in_level.iter().map(|&c| f(c)).sum::<f64>();
                let count = |k: Counter| sum(&|c| tally.counts[c][k as usize]);
                let name = |metric: &str| group_metric_name(metric, dim.name, &level.name);
                m.push((name(GROUP_PATIENTS), sum(&|c| patients[c])));
                for &(metric, counter) in GROUP_COUNTS {
                    m.push((name(metric.name()), count(counter)));
                }
                m.push((name(Metric::UnmetNeeds.name()), sum(&|c| unmet[c])));
                let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
                let bounce_rate = ratio(count(Counter::BounceBacks), count(Counter::SignpostsAndReferrals));
                m.push((name(Metric::BounceBackRate.name()), bounce_rate));
                let (bookings, wait_days) = (sum(&|c| tally.gp_waits[c].0), sum(&|c| tally.gp_waits[c].1));
                m.push((name(Metric::GpBookings.name()), bookings));
                m.push((name(Metric::GpWaitDaysMean.name()), ratio(wait_days, bookings)));
            }
        }
    }
}

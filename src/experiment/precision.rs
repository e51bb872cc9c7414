//! Replications to a precision target: the replications algorithm of
//! Hoad, Robinson & Davies (2010), "Automated selection of the number of
//! replications for a discrete-event simulation", *Journal of the
//! Operational Research Society* 61(11), 1632–1644 (as implemented in
//! sim-tools' `ReplicationsAlgorithm`).
//!
//! After every replication from [`MIN_REPLICATIONS`] on, the 95% Student-t
//! confidence interval of the mean of each headline metric is compared
//! with its allowed half-width. When every metric is within, that count is
//! the candidate solution `Nsol`; the run then looks ahead
//! `f(kLimit, Nsol)` more replications (`kLimit` = [`LOOK_AHEAD`]; `f` is
//! `kLimit` up to 100 replications and `kLimit·Nsol/100` beyond), and stops
//! only if the target holds after each of them — so one lucky early
//! interval does not end the run. A miss during the look-ahead drops the
//! candidate and the search goes on.
//!
//! The headline metrics are `gp_appointments_saved_net` of every arm but
//! the counterfactual (paired with it by replication). The allowed
//! half-width is `precision × max(|mean|, FLOOR_SHARE × counterfactual GP
//! appointments)`: relative to the mean, with an absolute floor of
//! [`FLOOR_SHARE`] (1%) of the counterfactual's mean GP appointments, so an
//! arm that frees about nothing is pinned down to within `precision` of 1%
//! of GP activity instead of never converging.
//!
//! Every decision uses replications `0..n` only, in order, so the count at
//! which the run stops, and hence every output byte, is the same on any
//! number of threads and in any batch size.

use super::ExperimentResult;
use crate::metric::Metric;
use crate::stats::Summary;

/// Replications before the first check (Hoad et al. start at 3).
pub const MIN_REPLICATIONS: u64 = 3;

/// `kLimit` of the look-ahead \[replications\] (Hoad et al.'s 5).
pub const LOOK_AHEAD: u64 = 5;

/// The absolute floor of the target half-width, as a share of the
/// counterfactual's mean GP appointments \[1\].
pub const FLOOR_SHARE: f64 = 0.01;

/// The default `--max-reps` \[replications\] (sim-tools' replication budget).
pub const DEFAULT_MAX_REPLICATIONS: u64 = 1000;

/// What to reach.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PrecisionTarget {
    /// Allowed 95% CI half-width as a fraction of the mean, in (0, 1).
    pub precision: f64,
    /// Stop here whatever the precision \[replications\], at least 2.
    pub max_replications: u64,
}

/// Why the run stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// Every headline metric met the target at `needed` replications and
    /// kept it through the look-ahead.
    Reached,
    /// `max_replications` ran out first.
    MaxReplications,
    /// No arm to compare with the counterfactual: nothing to make precise.
    NothingToCompare,
}

impl StopReason {
    /// A short code for `run.json`.
    pub fn code(self) -> &'static str {
        match self {
            StopReason::Reached => "precision_reached",
            StopReason::MaxReplications => "max_replications",
            StopReason::NothingToCompare => "nothing_to_compare",
        }
    }
}

/// One headline metric's interval when the run stopped.
#[derive(Debug, Clone, PartialEq)]
pub struct HeadlineCheck {
    /// Arm name.
    pub arm: String,
    /// Metric name.
    pub metric: String,
    /// Mean over replications.
    pub mean: f64,
    /// 95% CI half-width (NaN with fewer than 2 values).
    pub half_width: f64,
    /// The half-width allowed.
    pub allowed: f64,
}

impl HeadlineCheck {
    /// Whether the interval is within the target.
    pub fn met(&self) -> bool {
        self.half_width <= self.allowed
    }
}

/// What the algorithm decided.
#[derive(Debug, Clone, PartialEq)]
pub struct PrecisionOutcome {
    /// The target.
    pub target: PrecisionTarget,
    /// Why it stopped.
    pub reason: StopReason,
    /// `Nsol`: replications at which the target was met and then held
    /// through the look-ahead; `None` when it was not reached.
    pub needed: Option<u64>,
    /// Replications run and reported (`needed` plus the look-ahead).
    pub replications: u64,
    /// The headline intervals over all reported replications.
    pub checks: Vec<HeadlineCheck>,
}

/// The look-ahead after a candidate `nsol`: `f(kLimit, Nsol)`.
pub fn look_ahead(nsol: u64) -> u64 {
    if nsol <= 100 {
        LOOK_AHEAD
    } else {
        LOOK_AHEAD * nsol / 100
    }
}

/// The headline intervals of `result` at its current replications.
pub fn checks(result: &ExperimentResult, precision: f64) -> Vec<HeadlineCheck> {
    let name = Metric::GpAppointmentsSavedNet.name();
    let cf = &result.arms[0];
    let floor = cf
        .metric_index(Metric::GpAppointments.name())
        .and_then(|m| cf.summary(m).mean())
        .map_or(0.0, |gp| FLOOR_SHARE * gp.abs());
    result.arms[1..]
        .iter()
        .map(|arm| {
            let s = arm.metric_index(name).map_or_else(Summary::new, |m| arm.summary(m));
            let mean = s.mean().unwrap_or(f64::NAN);
            HeadlineCheck {
                arm: arm.name.clone(),
                metric: name.to_string(),
                mean,
                half_width: s.confidence_interval(0.95).map_or(f64::NAN, |c| c.half_width()),
                allowed: precision * mean.abs().max(floor),
            }
        })
        .collect()
}

/// The algorithm's state between replications.
#[derive(Debug, Clone)]
pub struct Tracker {
    target: PrecisionTarget,
    nsol: Option<u64>,
}

impl Tracker {
    /// Nothing seen yet.
    pub fn new(target: PrecisionTarget) -> Tracker {
        Tracker { target, nsol: None }
    }

    /// Looks at `result` after a replication was added; `Some` when the
    /// run should stop here.
    pub fn update(&mut self, result: &ExperimentResult) -> Option<PrecisionOutcome> {
        let n = result.replications();
        let outcome = |reason, needed| {
            Some(PrecisionOutcome {
                target: self.target,
                reason,
                needed,
                replications: n,
                checks: checks(result, self.target.precision),
            })
        };
        if result.arms.len() < 2 && n >= MIN_REPLICATIONS.min(self.target.max_replications) {
            return outcome(StopReason::NothingToCompare, None);
        }
        if n >= MIN_REPLICATIONS {
            if checks(result, self.target.precision).iter().all(HeadlineCheck::met) {
                let nsol = *self.nsol.get_or_insert(n);
                if n >= nsol + look_ahead(nsol) {
                    return outcome(StopReason::Reached, Some(nsol));
                }
            } else {
                self.nsol = None;
            }
        }
        if n >= self.target.max_replications {
            return outcome(StopReason::MaxReplications, None);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_look_ahead_grows_beyond_100_replications() {
        assert_eq!(look_ahead(3), 5);
        assert_eq!(look_ahead(100), 5);
        assert_eq!(look_ahead(200), 10);
        assert_eq!(look_ahead(1000), 50);
    }
}

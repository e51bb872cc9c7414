//! Experiments: every arm × every replication, in parallel, with common
//! random numbers, reduced to per-arm summaries and paired comparisons
//! against the counterfactual.
//!
//! Jobs are collected in a fixed order, so results are identical for any
//! number of threads.

pub mod estimate;
pub mod warmup;

use crate::metric::Metric;
use crate::model::{fork_blocker, run_replication_cancellable, Conservation, ReplicationOutput, WarmState};
use crate::scenario::load::LoadedScenario;
use crate::stats::Summary;
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// How to run.
#[derive(Debug, Clone, Copy)]
pub struct RunOptions {
    /// Replications per arm.
    pub replications: u64,
    /// Master seed.
    pub seed: u64,
    /// Episodes per arm and replication to trace.
    pub journeys: u32,
}

/// One arm's replications.
#[derive(Debug, Clone)]
pub struct ArmResult {
    /// Arm name.
    pub name: String,
    /// What the arm is.
    pub description: String,
    /// Metric names, in output order (model metrics, then paired ones).
    pub metric_names: Vec<String>,
    /// `values\[replication\]\[metric\]`; NaN where undefined.
    pub values: Vec<Vec<f64>>,
    /// The raw replication outputs (weekly series, journeys).
    pub replications: Vec<ReplicationOutput>,
}

impl ArmResult {
    /// Index of a metric.
    pub fn metric_index(&self, name: &str) -> Option<usize> {
        self.metric_names.iter().position(|m| m == name)
    }

    /// Summary over replications of one metric (NaN values skipped).
    pub fn summary(&self, metric: usize) -> Summary {
        Summary::of(self.values.iter().map(|r| r[metric]).filter(|v| v.is_finite()))
    }
}

/// Everything an experiment produced.
#[derive(Debug, Clone)]
pub struct ExperimentResult {
    /// Arms; `arms\[0\]` is the counterfactual.
    pub arms: Vec<ArmResult>,
    /// Events processed over all arms and replications.
    pub events: u64,
    /// Episode conservation totals over everything run.
    pub conservation: Conservation,
}

/// Why an experiment stopped early: its cancel flag was set. Nothing was
/// written; the scenario is untouched and can be run again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cancelled after {done} of {total} arm-replications")]
pub struct Cancelled {
    /// Jobs (arm × replication) finished before stopping.
    pub done: usize,
    /// Jobs in total.
    pub total: usize,
}

/// Runs every arm for every replication on the current rayon pool.
/// `progress(done, total)` is called as arm-replications finish; setting
/// `cancel` stops the experiment within a few thousand events of every
/// running job.
///
/// Each replication warms the counterfactual up once and launches every
/// arm from that warm state ([`crate::model::WarmState`]); an arm that
/// [`fork_blocker`] rules out runs its own warm-up instead. Arms of one
/// replication run in parallel too, so one replication uses every thread.
pub fn run_experiment(
    loaded: &LoadedScenario,
    options: RunOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
    cancel: &AtomicBool,
) -> Result<ExperimentResult, Cancelled> {
    let arms = &loaded.arms;
    let blockers = arm_starts(loaded);
    let total = options.replications as usize * arms.len();
    let done = AtomicUsize::new(0);
    let finished = |out: Option<ReplicationOutput>| {
        if out.is_some() {
            progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
        }
        out
    };
    let outputs: Vec<Option<Vec<ReplicationOutput>>> = (0..options.replications)
        .into_par_iter()
        .map(|r| {
            if cancel.load(Ordering::Relaxed) {
                return None;
            }
            let counterfactual = &arms[0].scenario;
            let warm = WarmState::new(counterfactual, options.seed, r, options.journeys, cancel)?;
            let mut outs = (0..arms.len())
                .into_par_iter()
                .map(|a| {
                    let arm = &arms[a].scenario;
                    finished(match blockers[a] {
                        None => warm.run_arm(arm, cancel),
                        Some(_) => run_replication_cancellable(arm, options.seed, r, options.journeys, cancel),
                    })
                })
                .collect::<Option<Vec<ReplicationOutput>>>()?;
            // The shared warm-up's events are counted once, with the counterfactual.
            outs[0].events += warm.events();
            Some(outs)
        })
        .collect();
    if cancel.load(Ordering::Relaxed) || outputs.iter().any(Option::is_none) {
        return Err(Cancelled {
            done: done.load(Ordering::Relaxed),
            total,
        });
    }
    let mut by_arm: Vec<Vec<ReplicationOutput>> = vec![Vec::new(); arms.len()];
    for outs in outputs.into_iter().flatten() {
        for (a, out) in outs.into_iter().enumerate() {
            by_arm[a].push(out);
        }
    }
    Ok(assemble(loaded, by_arm))
}

/// Per arm, why it runs its own warm-up instead of starting from the
/// counterfactual's warm state (`None`: it starts from it; always `None`
/// for the counterfactual).
pub fn arm_starts(loaded: &LoadedScenario) -> Vec<Option<&'static str>> {
    let counterfactual = &loaded.arms[0].scenario;
    loaded.arms.iter().map(|arm| fork_blocker(counterfactual, &arm.scenario)).collect()
}

/// Adds paired metrics and packs results per arm.
fn assemble(loaded: &LoadedScenario, by_arm: Vec<Vec<ReplicationOutput>>) -> ExperimentResult {
    let mut events = 0;
    let mut conservation = Conservation {
        created: 0,
        resolved: 0,
        unmet: 0,
        open: 0,
    };
    for out in by_arm.iter().flatten() {
        events += out.events;
        conservation.created += out.conservation.created;
        conservation.resolved += out.conservation.resolved;
        conservation.unmet += out.conservation.unmet;
        conservation.open += out.conservation.open;
    }
    let value = |out: &ReplicationOutput, metric: Metric| {
        let name = metric.name();
        out.metrics.iter().find(|(k, _)| k == name).map_or(f64::NAN, |(_, v)| *v)
    };
    let prices = Prices::of(loaded);
    let counterfactual = &by_arm[0];
    let rows: Vec<(Vec<String>, Vec<Vec<f64>>)> = by_arm
        .iter()
        .map(|outs| {
            let mut metric_names: Vec<String> = outs
                .first()
                .map(|o| o.metrics.iter().map(|(k, _)| k.clone()).collect())
                .unwrap_or_default();
            metric_names.extend(Metric::paired().map(|m| m.name().to_string()));
            let values = outs
                .iter()
                .zip(counterfactual)
                .map(|(out, cf)| {
                    let mut row: Vec<f64> = out.metrics.iter().map(|(_, v)| *v).collect();
                    let get = |m: Metric| (value(out, m), value(cf, m));
                    row.extend(Metric::paired().map(|m| paired_value(m, &get, &prices)));
                    row
                })
                .collect();
            (metric_names, values)
        })
        .collect();
    let arms = loaded
        .arms
        .iter()
        .zip(rows)
        .zip(by_arm)
        .map(|((arm, (metric_names, values)), replications)| ArmResult {
            name: arm.name.clone(),
            description: arm.description.clone(),
            metric_names,
            values,
            replications,
        })
        .collect();
    ExperimentResult {
        arms,
        events,
        conservation,
    }
}

/// The scenario's prices and conversions the paired metrics use.
struct Prices {
    /// `costs.gp_appointment` \[GBP\].
    gp_appointment: f64,
    /// `costs.gp_hour` \[GBP per hour\].
    gp_hour: f64,
    /// `costs.gp_minutes_per_appointment` \[minutes\].
    gp_minutes: f64,
    /// GP appointments one FTE gives over the statistics window \[appointments\].
    per_fte_window: f64,
}

impl Prices {
    fn of(loaded: &LoadedScenario) -> Prices {
        let base = &loaded.base;
        Prices {
            gp_appointment: base.costs.gp_appointment,
            gp_hour: base.costs.gp_hour,
            gp_minutes: base.costs.gp_minutes_per_appointment,
            per_fte_window: base.gp.appointments_per_fte_day * base.costs.gp_working_days_per_fte_year * base.time.horizon_days / 365.25,
        }
    }
}

/// One paired metric of one replication, from `get(metric) = (arm value,
/// counterfactual value)` in that replication. Definitions are in
/// [`Metric`]'s docs; "saved" and "avoided" are counterfactual minus arm.
fn paired_value(m: Metric, get: &dyn Fn(Metric) -> (f64, f64), p: &Prices) -> f64 {
    let avoided = |metric: Metric| {
        let (arm, cf) = get(metric);
        cf - arm
    };
    let net = avoided(Metric::GpAppointments);
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
    match m {
        Metric::GpAppointmentsSavedNet => net,
        Metric::GpAppointmentsSavedGross => net - avoided(Metric::GpAppointmentsFromBounceBack),
        Metric::GpAppointmentsLostToBounceBack => -avoided(Metric::GpAppointmentsFromBounceBack),
        Metric::GpShareFreed => ratio(net, get(Metric::GpAppointments).1),
        Metric::CostIncremental => -avoided(Metric::ProgrammeCost),
        // Undefined when none is freed; negative when the arm saves money
        // and frees appointments (dominant), kept as a number in CSVs.
        Metric::CostPerGpAppointmentFreed if net > 0.0 => -avoided(Metric::ProgrammeCost) / net,
        Metric::CostPerGpAppointmentFreed => f64::NAN,
        Metric::GpTimeValueFreed => net * p.gp_appointment,
        Metric::GpDemandReduction => avoided(Metric::GpDemand),
        Metric::GpCapacityTakenUp => avoided(Metric::GpDemand) - net,
        Metric::GpRequestsUnbookedAvoided => avoided(Metric::GpRequestsUnbooked),
        Metric::GpWaitDaysSaved => {
            let (bookings, _) = get(Metric::GpBookings);
            let (arm, cf) = get(Metric::GpWaitDaysMean);
            if bookings > 0.0 {
                bookings * (cf - arm)
            } else {
                0.0
            }
        }
        Metric::UnmetNeedsAvoided => avoided(Metric::UnmetNeeds),
        Metric::NavigationAbandonedAvoided => avoided(Metric::NavigationAbandoned),
        Metric::GpFteReleased => ratio(net, p.per_fte_window),
        Metric::GpHoursFreed => net * p.gp_minutes / 60.0,
        Metric::GpTimeValueFreedHourly => net * p.gp_minutes / 60.0 * p.gp_hour,
        measured => unreachable!("{} is measured in the run, not paired", measured.name()),
    }
}

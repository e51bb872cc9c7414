//! Running the draws: each draw's scenario, every arm × K replications
//! with common random numbers, reduced to one row of metrics per arm.

use super::plan::Plan;
use crate::experiment::{run_experiment, RunOptions};
use crate::metric::Metric;
use crate::uncertainty::DesignError;
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use toml::Value;

/// Name of the per-draw net monetary benefit metric:
/// value per appointment × `gp_appointments_saved_net` − `cost_incremental` \[GBP\].
pub const NET_MONETARY_BENEFIT: &str = "net_monetary_benefit";

/// How to run a PSA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PsaOptions {
    /// Parameter draws.
    pub draws: usize,
    /// Replications per arm within each draw.
    pub reps_per_draw: u64,
    /// Master seed: scrambles the design; draw `d` simulates with seed `seed + d`.
    pub seed: u64,
}

/// Why a PSA did not finish. Nothing is kept in any case.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PsaError {
    /// Draws or replications of zero, or a design that cannot be built
    /// (too many dimensions for Sobol). Bad input.
    #[error("{0}")]
    Options(String),
    /// A draw's scenario was refused (a combination of values the checks
    /// of each key alone could not foresee). Bad input.
    #[error("draw {draw}: {message}")]
    Draw {
        /// The draw (0-based).
        draw: usize,
        /// Why.
        message: String,
    },
    /// The cancel flag was set.
    #[error("cancelled after {done} of {total} arm-replications")]
    Cancelled {
        /// Arm-replications finished.
        done: usize,
        /// Arm-replications in total.
        total: usize,
    },
}

impl From<DesignError> for PsaError {
    fn from(e: DesignError) -> Self {
        PsaError::Options(format!("design: {e}"))
    }
}

/// Every draw's parameter values and per-arm metrics.
#[derive(Debug, Clone, PartialEq)]
pub struct PsaRun {
    /// How it was run.
    pub options: PsaOptions,
    /// Parameter columns (keys), as [`Plan::columns`].
    pub columns: Vec<String>,
    /// `values[draw][column]`: the value each key was set to.
    pub values: Vec<Vec<f64>>,
    /// Master seed of each draw's simulation.
    pub seeds: Vec<u64>,
    /// Arm names; `arms[0]` is the counterfactual.
    pub arms: Vec<String>,
    /// Metric names: the run's metrics, then [`NET_MONETARY_BENEFIT`].
    pub metric_names: Vec<String>,
    /// `metrics[draw][arm][metric]`: mean over the draw's replications
    /// (NaN where undefined in every replication).
    pub metrics: Vec<Vec<Vec<f64>>>,
    /// Events simulated in total.
    pub events: u64,
}

impl PsaRun {
    /// Index of a metric.
    pub fn metric_index(&self, name: &str) -> Option<usize> {
        self.metric_names.iter().position(|m| m == name)
    }

    /// `[draw][arm]` of one metric (NaN where missing).
    pub fn metric(&self, name: &str) -> Vec<Vec<f64>> {
        let m = self.metric_index(name);
        self.metrics
            .iter()
            .map(|d| d.iter().map(|a| m.map_or(f64::NAN, |m| a[m])).collect())
            .collect()
    }
}

/// One draw's result: metric names and per-arm means, what a block of
/// draws run elsewhere carries ([`run_draws`], [`crate::distributed`]).
#[derive(Debug, Clone, PartialEq)]
pub struct DrawResult {
    /// The draw (0-based).
    pub draw: usize,
    /// The run's metric names (without [`NET_MONETARY_BENEFIT`]).
    pub names: Vec<String>,
    /// `per_arm[arm][metric]`: means over the draw's replications, then
    /// the net monetary benefit \[GBP\].
    pub per_arm: Vec<Vec<f64>>,
    /// Events simulated.
    pub events: u64,
}

/// Runs every draw on the current rayon pool. Results are identical for
/// any number of threads. `progress(done, total)` counts arm-replications;
/// setting `cancel` stops within a few thousand events of every running job.
pub fn run_psa(
    plan: &Plan,
    options: PsaOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
    cancel: &AtomicBool,
) -> Result<PsaRun, PsaError> {
    let draws = run_draws(plan, options, 0..options.draws, progress, cancel)?;
    assemble(plan, options, draws)
}

/// Every draw's parameter overrides, from the design of all
/// `options.draws` draws.
fn draw_overrides(plan: &Plan, options: PsaOptions) -> Result<Vec<Vec<(String, Value)>>, PsaError> {
    if options.draws == 0 || options.reps_per_draw == 0 {
        return Err(PsaError::Options("--draws and --reps-per-draw must be at least 1".into()));
    }
    let dims = plan.uncertainty.dims();
    let design = if dims == 0 {
        None
    } else {
        Some(plan.uncertainty.decision.design.points(options.draws, dims, options.seed)?)
    };
    (0..options.draws)
        .map(|d| match &design {
            Some(m) => plan.overrides(m.row(d)).map_err(|message| PsaError::Draw { draw: d, message }),
            None => Ok(Vec::new()),
        })
        .collect()
}

/// Draws `range` of a PSA of `options.draws` draws, exactly as
/// [`run_psa`] runs them within the whole: the parts of a PSA split across
/// machines, which [`assemble`] puts together in draw order.
pub fn run_draws(
    plan: &Plan,
    options: PsaOptions,
    range: std::ops::Range<usize>,
    progress: &(dyn Fn(usize, usize) + Sync),
    cancel: &AtomicBool,
) -> Result<Vec<DrawResult>, PsaError> {
    let all = draw_overrides(plan, options)?;
    let draws = all
        .get(range.clone())
        .ok_or_else(|| PsaError::Options(format!("draws {range:?} outside 0..{}", options.draws)))?;
    let arms = plan.loaded.arms.len();
    let total = draws.len() * arms * options.reps_per_draw as usize;
    let done = AtomicUsize::new(0);
    let cancelled = || PsaError::Cancelled {
        done: done.load(Ordering::Relaxed),
        total,
    };
    let value = plan.value_per_appointment;
    let outs: Vec<Result<DrawResult, PsaError>> = draws
        .par_iter()
        .zip(range)
        .map(|(overrides, d)| {
            if cancel.load(Ordering::Relaxed) {
                return Err(cancelled());
            }
            let loaded = plan.scenario_for(overrides).map_err(|e| PsaError::Draw {
                draw: d,
                message: e.to_string(),
            })?;
            let run = RunOptions {
                replications: options.reps_per_draw,
                seed: options.seed.wrapping_add(d as u64),
                journeys: 0,
            };
            let tick = |_: usize, _: usize| {
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                progress(n, total);
            };
            let result = run_experiment(&loaded, run, &tick, cancel).map_err(|_| cancelled())?;
            let names = result.arms[0].metric_names.clone();
            let per_arm = result
                .arms
                .iter()
                .map(|arm| {
                    let mut row: Vec<f64> = names
                        .iter()
                        .map(|n| {
                            arm.metric_index(n)
                                .map_or(f64::NAN, |m| mean_finite(arm.values.iter().map(|r| r[m])))
                        })
                        .collect();
                    let get = |m: Metric| {
                        arm.metric_index(m.name())
                            .map_or(f64::NAN, |i| mean_finite(arm.values.iter().map(|r| r[i])))
                    };
                    row.push(value * get(Metric::GpAppointmentsSavedNet) - get(Metric::CostIncremental));
                    row
                })
                .collect();
            Ok(DrawResult {
                draw: d,
                names,
                per_arm,
                events: result.events,
            })
        })
        .collect();
    if cancel.load(Ordering::Relaxed) {
        return Err(cancelled());
    }
    outs.into_iter().collect()
}

/// The PSA from every draw's result, in draw order (`outs[d]` is draw
/// `d` of `options.draws`).
pub fn assemble(plan: &Plan, options: PsaOptions, outs: Vec<DrawResult>) -> Result<PsaRun, PsaError> {
    let draws = draw_overrides(plan, options)?;
    if outs.len() != draws.len() || outs.iter().enumerate().any(|(d, o)| o.draw != d) {
        return Err(PsaError::Options(format!(
            "{} draw results for {} draws, or out of order",
            outs.len(),
            draws.len()
        )));
    }
    let mut metric_names = outs[0].names.clone();
    metric_names.push(NET_MONETARY_BENEFIT.into());
    if let Some(d) = outs.iter().position(|o| o.names != outs[0].names) {
        return Err(PsaError::Draw {
            draw: d,
            message: "the draw's metrics differ from draw 0's (a prior changed the scenario's structure)".into(),
        });
    }
    let values = draws
        .iter()
        .map(|ov| {
            ov.iter()
                .map(|(_, v)| v.as_float().or_else(|| v.as_integer().map(|i| i as f64)).unwrap_or(f64::NAN))
                .collect()
        })
        .collect();
    Ok(PsaRun {
        options,
        columns: plan.columns(),
        values,
        seeds: (0..options.draws).map(|d| options.seed.wrapping_add(d as u64)).collect(),
        arms: plan.loaded.arms.iter().map(|a| a.name.clone()).collect(),
        metric_names,
        events: outs.iter().map(|o| o.events).sum(),
        metrics: outs.into_iter().map(|o| o.per_arm).collect(),
    })
}

/// Mean of the finite values; NaN when there are none.
fn mean_finite(values: impl Iterator<Item = f64>) -> f64 {
    // -0.0 is the identity of addition, so one replication's -0 stays -0.
    let (sum, n) = values.filter(|v| v.is_finite()).fold((-0.0, 0usize), |(s, n), v| (s + v, n + 1));
    if n == 0 {
        f64::NAN
    } else {
        sum / n as f64
    }
}

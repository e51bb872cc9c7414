//! Does a scenario's statistics window start after the start-up transient?
//!
//! The diagnostic runs the **counterfactual** (signposting off: the arm every
//! other is compared with) from the start date with no warm-up, for
//! [`diagnostic_weeks`] weeks, a few replications with the run's own seed
//! (so its first weeks are the real run's counterfactual trajectories),
//! averages every weekly `queue.*` series over the replications (Welch's
//! averaging) and applies MSER-5 ([`crate::stats::warmup::check_window`]) to
//! each against the scenario's own warm-up.
//!
//! **Run length.** MSER searches only the first half of a series, so a
//! transient of T weeks can be found only in a run of more than 2T weeks.
//! The run is 2 × (warm-up + window) weeks, at least [`MIN_WEEKS`]: the
//! search then covers the whole warm-up and the whole statistics window, so
//! a transient that reaches anywhere into the window is found and measured,
//! and one longer than the window is reported as never settling.
//!
//! No I/O and no clocks; deterministic for any number of threads.

use crate::error::ScenarioError;
use crate::model::run_replication_cancellable;
use crate::scenario::load::LoadedScenario;
use crate::scenario::validate::validate;
use crate::stats::warmup::{check_window, replication_average, SeriesVerdict, Verdict};
use rayon::prelude::*;
use std::sync::atomic::AtomicBool;

/// Replications of the diagnostic run (averaged week by week).
pub const REPLICATIONS: u64 = 4;

/// Shortest diagnostic run \[weeks\]: two years, so MSER-5 searches a full
/// year (and seasonality is seen whole at least once).
pub const MIN_WEEKS: usize = 104;

/// Longest diagnostic run \[weeks\]: the scenario limit of ten years.
pub const MAX_WEEKS: usize = 521;

/// The warm-up of a scenario in whole weeks (rounded down: a window that
/// starts mid-week starts before the week's end).
pub fn warmup_weeks(warmup_days: f64) -> usize {
    (warmup_days / 7.0).floor().max(0.0) as usize
}

/// Weeks the diagnostic runs for a warm-up and window \[days\]:
/// 2 × (warm-up + window), clamped to [`MIN_WEEKS`]..=[`MAX_WEEKS`].
pub fn diagnostic_weeks(warmup_days: f64, horizon_days: f64) -> usize {
    let weeks = ((warmup_days + horizon_days) / 7.0).ceil().max(0.0) as usize;
    (2 * weeks).clamp(MIN_WEEKS, MAX_WEEKS)
}

/// What the diagnostic found.
#[derive(Debug, Clone, PartialEq)]
pub struct WarmupDiagnostic {
    /// The scenario's warm-up \[whole weeks\], where its window starts.
    pub warmup_weeks: usize,
    /// Length of the diagnostic run \[weeks\].
    pub run_weeks: usize,
    /// Replications averaged.
    pub replications: u64,
    /// One verdict per weekly `queue.*` series of the counterfactual, in
    /// output order.
    pub series: Vec<SeriesVerdict>,
}

impl WarmupDiagnostic {
    /// Series whose window starts in a transient or that never settle.
    pub fn problems(&self) -> impl Iterator<Item = &SeriesVerdict> {
        self.series
            .iter()
            .filter(|s| matches!(s.verdict, Verdict::Transient { .. } | Verdict::NeverSettles))
    }

    /// Whether every series is steady (or too short to judge) when the
    /// window starts.
    pub fn passes(&self) -> bool {
        self.problems().next().is_none()
    }

    /// The shortest warm-up \[days\] that every settling series passes: the
    /// latest MSER-5 cut of a material one, in days (0 if none). Series that never settle
    /// within the run are ignored here; [`Self::passes`] still fails.
    pub fn suggested_warmup_days(&self) -> f64 {
        let weeks = self
            .series
            .iter()
            .filter(|s| !matches!(s.verdict, Verdict::Immaterial { .. }))
            .filter_map(|s| s.cut.filter(|c| c.settled).map(|c| c.truncate_weeks))
            .max()
            .unwrap_or(0);
        weeks as f64 * 7.0
    }
}

/// Why the diagnostic did not produce verdicts.
#[derive(Debug, thiserror::Error)]
pub enum DiagnosticError {
    /// The lengthened counterfactual does not validate (e.g. over a limit).
    #[error("warm-up diagnostic: {0}")]
    Scenario(#[from] ScenarioError),
    /// The cancel flag was set.
    #[error("warm-up diagnostic cancelled")]
    Cancelled,
}

/// Runs the diagnostic on `loaded`'s counterfactual with `replications`
/// replications (0 is treated as 1) of master seed `seed`, on the current
/// rayon pool.
pub fn diagnose(loaded: &LoadedScenario, seed: u64, replications: u64, cancel: &AtomicBool) -> Result<WarmupDiagnostic, DiagnosticError> {
    let counterfactual = &loaded.arms[0].scenario.raw;
    let time = &counterfactual.time;
    let run_weeks = diagnostic_weeks(time.warmup_days, time.horizon_days);
    let mut raw = counterfactual.clone();
    raw.time.warmup_days = 0.0;
    raw.time.horizon_days = run_weeks as f64 * 7.0;
    let scenario = validate(&raw, &loaded.file, "")?;
    let replications = replications.max(1);
    let outputs: Vec<_> = (0..replications)
        .into_par_iter()
        .map(|r| run_replication_cancellable(&scenario, seed, r, 0, cancel))
        .collect();
    let outputs: Vec<_> = outputs.into_iter().collect::<Option<_>>().ok_or(DiagnosticError::Cancelled)?;
    let names = &outputs[0].weekly.names;
    let averaged: Vec<(&str, Vec<f64>)> = names
        .iter()
        .enumerate()
        .filter(|(_, n)| n.starts_with("queue."))
        .map(|(i, n)| {
            let reps: Vec<&[f64]> = outputs.iter().map(|o| o.weekly.values[i].as_slice()).collect();
            (n.as_str(), replication_average(&reps))
        })
        .collect();
    let refs: Vec<(&str, &[f64])> = averaged.iter().map(|(n, v)| (*n, v.as_slice())).collect();
    let warmup = warmup_weeks(time.warmup_days);
    Ok(WarmupDiagnostic {
        warmup_weeks: warmup,
        run_weeks,
        replications,
        series: check_window(&refs, warmup, (time.horizon_days / 7.0).ceil() as usize),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_covers_twice_warmup_and_window() {
        assert_eq!(diagnostic_weeks(28.0, 364.0), 112);
        assert_eq!(diagnostic_weeks(0.0, 84.0), MIN_WEEKS);
        assert_eq!(diagnostic_weeks(3650.0, 3650.0), MAX_WEEKS);
        assert_eq!(warmup_weeks(30.0), 4);
        assert_eq!(warmup_weeks(0.0), 0);
    }
}

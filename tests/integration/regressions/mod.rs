//! Regression tests named after the bug that found them (issue #11: B1 …),
//! one file a bug. Each reproduces the bug's scenario through the real
//! model and fails on the code before the fix.

mod b1;
mod b2;
mod b3;
mod b4;
mod b5;

use crate::support::small_text;
use signpost::model::journey::JourneyStep;
use signpost::scenario::load::{load_with_overrides, LoadedScenario};
use toml::Value;

/// The small fixture with `overrides` applied to its base.
pub fn small_with(overrides: &[(String, Value)]) -> LoadedScenario {
    load_with_overrides(&small_text(), "small.toml", overrides).unwrap_or_else(|e| panic!("{e}"))
}

/// Traced steps of every replication of every arm.
pub fn journeys(loaded: &LoadedScenario, reps: u64, traced: u32) -> Vec<Vec<JourneyStep>> {
    let (_, outputs) = crate::support::run_outputs(loaded, reps, traced);
    outputs.into_iter().flatten().map(|r| r.journeys).collect()
}

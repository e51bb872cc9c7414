//! Running one unit of a plan on this machine: its part, in memory.

use super::part::{Part, Payload};
use super::plan::{Loaded, Plan, Work};
use super::DistError;
use crate::experiment::warmup::{self, DiagnosticError};
use crate::experiment::{run_replications, Discard, RunError, RunOptions};
use crate::psa::{PsaError, PsaOptions};
use std::sync::atomic::AtomicBool;

/// The PSA options of a plan.
pub(super) fn psa_options(plan: &Plan) -> Result<PsaOptions, DistError> {
    let psa = plan
        .settings
        .psa
        .as_ref()
        .ok_or_else(|| DistError::Plan("plan.json: a PSA plan without `psa` settings".into()))?;
    Ok(PsaOptions {
        draws: psa.draws,
        reps_per_draw: psa.reps_per_draw,
        seed: plan.settings.seed,
    })
}

/// Runs unit `index` of `plan` (whose scenarios `loaded` are, from
/// [`Plan::load`]) on the current rayon pool: its part. `progress(done,
/// total)` counts arm-replications; `cancel` stops it, leaving nothing.
pub fn run_unit(
    plan: &Plan,
    loaded: &Loaded,
    index: usize,
    progress: &(dyn Fn(usize, usize) + Sync),
    cancel: &AtomicBool,
) -> Result<Part, DistError> {
    let unit = plan.unit(index)?;
    let scenario = loaded.scenario(unit.scenario);
    let payload = match unit.work {
        Work::Warmup => {
            let d = warmup::diagnose(scenario, unit.seed, warmup::REPLICATIONS, cancel).map_err(|e| match e {
                DiagnosticError::Scenario(e) => DistError::Scenario(e),
                DiagnosticError::Cancelled => DistError::Cancelled,
            })?;
            Payload::Warmup(d)
        }
        Work::Replications => {
            let options = RunOptions {
                replications: plan.settings.replications,
                seed: unit.seed,
                journeys: 0,
            };
            let result =
                run_replications(scenario, options, unit.first..unit.end, progress, cancel, &mut Discard).map_err(|e| match e {
                    RunError::Cancelled(_) => DistError::Cancelled,
                    RunError::Sink(e) => DistError::Failed(e.to_string()),
                })?;
            Payload::Replications(result)
        }
        Work::Draws => {
            let Loaded::Psa(psa) = loaded else {
                return Err(DistError::Plan(format!("unit {index}: draws in a plan that is not a PSA")));
            };
            let range = unit.first as usize..unit.end as usize;
            let draws = crate::psa::runner::run_draws(psa, psa_options(plan)?, range, progress, cancel).map_err(|e| match e {
                PsaError::Cancelled { .. } => DistError::Cancelled,
                other => DistError::Plan(format!("{}: {other}", psa.label)),
            })?;
            Payload::Draws(draws)
        }
    };
    Ok(Part {
        plan_id: plan.id.clone(),
        unit: index,
        payload,
    })
}

//! `signpost.psa`: probabilistic sensitivity analysis over a scenario's
//! `[uncertainty]` priors, as `signpost psa` runs it, with the files built
//! by the library's `psa_files`.

use crate::interrupt::{run_detached, threads as checked_threads};
use crate::scenario::Scenario;
use crate::scenario_error;
use pyo3::exceptions::{PyKeyboardInterrupt, PyOSError, PyValueError};
use pyo3::prelude::*;
use signpost::output::ResultFile;
use signpost::psa::files::{psa_files, PsaFacts};
use signpost::psa::plan::plan_with_overrides;
use signpost::psa::{analyse, run_psa, Analysis, Plan, PsaError, PsaOptions, PsaRun};
use std::time::Instant;

/// Draws when `draws` is not given (as `signpost psa`).
const DEFAULT_DRAWS: usize = 256;

/// A finished PSA: the plan, every draw's results and the analysis.
#[pyclass(module = "signpost", frozen)]
pub struct PsaResult {
    plan: Plan,
    run: PsaRun,
    analysis: Analysis,
    facts: PsaFacts,
    options: PsaOptions,
}

impl crate::ResultFiles for PsaResult {
    fn result_files(&self, charts: bool) -> PyResult<Vec<ResultFile>> {
        psa_files(&self.plan, &self.run, &self.analysis, self.facts, charts)
            .map_err(|e| PyOSError::new_err(format!("writing results: {e}")))
    }
}

#[pymethods]
impl PsaResult {
    /// The scenario's name.
    #[getter]
    fn name(&self) -> &str {
        self.plan.loaded.name()
    }

    /// Parameter draws.
    #[getter]
    fn draws(&self) -> usize {
        self.options.draws
    }

    /// Replications per arm within each draw.
    #[getter]
    fn reps_per_draw(&self) -> u64 {
        self.options.reps_per_draw
    }

    /// Master seed (draw d simulates with seed + d).
    #[getter]
    fn seed(&self) -> u64 {
        self.options.seed
    }

    /// The uncertain parameter keys, in draw order.
    #[getter]
    fn parameters(&self) -> Vec<String> {
        self.plan.columns()
    }

    /// Expected value of perfect information per PCN-year \[GBP\].
    #[getter]
    fn evpi_per_year(&self) -> f64 {
        self.analysis.evpi * self.analysis.per_year
    }

    /// (arm, key): keys with a prior that an arm's own `set` fixes.
    #[getter]
    fn fixed_by_arm(&self) -> Vec<(String, String)> {
        self.plan.fixed_by_arm.clone()
    }
}

/// Runs a PSA of `scenario`; see `signpost.psa` for the arguments.
#[pyfunction]
#[pyo3(signature = (scenario, draws = None, reps_per_draw = None, seed = None, threads = None, wtp = None, progress = None))]
#[allow(clippy::too_many_arguments)] // Python's keyword arguments
pub fn psa(
    py: Python<'_>,
    scenario: &Scenario,
    draws: Option<i128>,
    reps_per_draw: Option<i128>,
    seed: Option<u64>,
    threads: Option<usize>,
    wtp: Option<Vec<f64>>,
    progress: Option<&Bound<'_, PyAny>>,
) -> PyResult<PsaResult> {
    let started = Instant::now();
    let label = &scenario.label;
    let mut plan = plan_with_overrides(&scenario.text, label, &scenario.overrides).map_err(|e| scenario_error(&e))?;
    if plan.uncertainty.parameters.is_empty() {
        return Err(crate::ScenarioError::new_err(format!(
            "{label}: no [uncertainty] section, so there is nothing to draw; give priors to the keys you are unsure of (see the README, \"Probabilistic sensitivity analysis\")"
        )));
    }
    let max = i128::from(signpost::limits::MAX_REPLICATIONS);
    let draws = draws.unwrap_or(DEFAULT_DRAWS as i128);
    if !(1..=max).contains(&draws) {
        return Err(PyValueError::new_err(format!("draws: must be from 1 to {max}, found {draws}")));
    }
    let reps = signpost::limits::replications(reps_per_draw.unwrap_or(1)).map_err(|e| crate::limit_error("reps_per_draw", e))?;
    let threads = checked_threads(threads)?;
    if let Some(mut grid) = wtp {
        if grid.iter().any(|w| !(w.is_finite() && *w >= 0.0)) {
            return Err(PyValueError::new_err(
                "wtp: willingness to pay must be finite numbers >= 0 [GBP per GP appointment freed]",
            ));
        }
        grid.push(plan.value_per_appointment);
        grid.sort_by(f64::total_cmp);
        grid.dedup();
        plan.wtp = grid;
    }
    let options = PsaOptions {
        draws: draws as usize,
        reps_per_draw: reps,
        seed: seed.unwrap_or(plan.loaded.base.seed),
    };
    let plan_ref = &plan;
    let outcome = run_detached(py, threads, progress, |job| {
        let run = run_psa(plan_ref, options, job.progress, job.cancel)?;
        let analysis = analyse(plan_ref, &run, options.seed).map_err(|e| PsaError::Options(format!("analysing the draws: {e}")))?;
        Ok::<_, PsaError>((run, analysis))
    })?;
    let (run, analysis) = outcome.map_err(|e| match e {
        PsaError::Cancelled { done, total } => PyKeyboardInterrupt::new_err(format!("stopped after {done} of {total} runs")),
        PsaError::Options(m) => PyValueError::new_err(m),
        PsaError::Draw { .. } => crate::ScenarioError::new_err(format!("{label}: {e}")),
    })?;
    let facts = PsaFacts {
        threads,
        wall_seconds: started.elapsed().as_secs_f64(),
    };
    Ok(PsaResult {
        plan,
        run,
        analysis,
        facts,
        options,
    })
}

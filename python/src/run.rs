//! `signpost.run`: a pathway scenario's arms × replications, as
//! `signpost run` does them (warm-up diagnostic, then the experiment),
//! and the files of the output contract built by the library's
//! `run_files`.

use crate::interrupt::{run_detached, threads as checked_threads};
use crate::scenario::Scenario;
use crate::{limit_error, scenario_error};
use pyo3::exceptions::{PyKeyboardInterrupt, PyOSError, PyValueError};
use pyo3::prelude::*;
use signpost::experiment::precision::{PrecisionOutcome, PrecisionTarget, DEFAULT_MAX_REPLICATIONS};
use signpost::experiment::warmup::{self, WarmupDiagnostic};
use signpost::experiment::{run_experiment_with, ExperimentResult, ReplicationSink, RunError, RunOptions, SinkError, Until};
use signpost::model::ReplicationOutput;
use signpost::output::ResultFile;
use signpost::report::files::run_files;
use signpost::report::tables::{journey_rows, RunFacts, JOURNEYS_HEADER};
use signpost::scenario::load::LoadedScenario;
use std::sync::Arc;
use std::time::Instant;

/// A finished pathway run: the reduced results and the facts `run.json`
/// records, from which every file is built on demand.
#[pyclass(module = "signpost", frozen)]
pub struct RunResult {
    loaded: Arc<LoadedScenario>,
    source: String,
    options: RunOptions,
    threads: usize,
    wall_seconds: f64,
    diagnostic: WarmupDiagnostic,
    precision: Option<PrecisionOutcome>,
    result: ExperimentResult,
    /// `journeys.csv`, when episodes were traced.
    journeys: Option<String>,
    /// The CLI's warm-up warning, when the window starts in a transient.
    warning: Option<String>,
}

impl crate::ResultFiles for RunResult {
    /// Every file `signpost run` writes, charts and `report.html` too when
    /// `charts`.
    fn result_files(&self, charts: bool) -> PyResult<Vec<ResultFile>> {
        let facts = RunFacts {
            threads: self.threads,
            wall_seconds: self.wall_seconds,
            source: &self.source,
            warmup: Some(&self.diagnostic),
            precision: self.precision.as_ref(),
        };
        let mut files = run_files(&self.result, &self.loaded, self.options, &facts, charts)
            .map_err(|e| PyOSError::new_err(format!("writing results: {e}")))?;
        if let Some(journeys) = &self.journeys {
            files.push(ResultFile::new("journeys.csv", journeys.as_bytes()));
        }
        Ok(files)
    }
}

#[pymethods]
impl RunResult {
    /// The CLI's one-line warning when the statistics window starts in a
    /// start-up transient, else None.
    #[getter]
    fn warning(&self) -> Option<String> {
        self.warning.clone()
    }

    /// The scenario's name.
    #[getter]
    fn name(&self) -> &str {
        self.loaded.name()
    }

    /// Replications per arm that ran.
    #[getter]
    fn replications(&self) -> u64 {
        self.result.replications()
    }

    /// Master seed.
    #[getter]
    fn seed(&self) -> u64 {
        self.options.seed
    }

    /// Worker threads.
    #[getter]
    fn threads(&self) -> usize {
        self.threads
    }

    /// Events simulated over all arms and replications.
    #[getter]
    fn events(&self) -> u64 {
        self.result.events
    }

    /// Wall-clock time of the run \[seconds\].
    #[getter]
    fn wall_seconds(&self) -> f64 {
        self.wall_seconds
    }

    /// The arms, the counterfactual first.
    #[getter]
    fn arms(&self) -> Vec<String> {
        self.result.arms.iter().map(|a| a.name.clone()).collect()
    }

    /// The weeks of the statistics window (the timeseries' length).
    #[getter]
    fn horizon_days(&self) -> f64 {
        self.loaded.base.time.horizon_days
    }
}

/// `journeys.csv` kept in memory, one part per arm, joined in arm order as
/// the CLI's file is.
struct Journeys<'a> {
    loaded: &'a LoadedScenario,
    parts: Vec<String>,
}

impl ReplicationSink for Journeys<'_> {
    fn replication(&mut self, r: u64, outputs: &[ReplicationOutput]) -> Result<(), SinkError> {
        for ((arm, out), part) in self.loaded.arms.iter().zip(outputs).zip(&mut self.parts) {
            journey_rows(part, self.loaded, &arm.name, r, &out.journeys);
        }
        Ok(())
    }
}

/// `precision` and `max_replications`, checked as `--precision` and
/// `--max-reps` are.
fn precision_target(
    precision: Option<f64>,
    max_replications: Option<i128>,
    replications: Option<i128>,
) -> PyResult<Option<PrecisionTarget>> {
    let Some(precision) = precision else {
        return match max_replications {
            Some(_) => Err(PyValueError::new_err("max_replications: only with precision")),
            None => Ok(None),
        };
    };
    if !(precision > 0.0 && precision < 1.0) {
        return Err(PyValueError::new_err(format!(
            "precision: must be a fraction in (0, 1), e.g. 0.05; found {precision}"
        )));
    }
    if replications.is_some() {
        return Err(PyValueError::new_err(
            "precision: chooses the replications itself, so it cannot be given with replications (cap them with max_replications)",
        ));
    }
    let max_replications = match max_replications {
        None => DEFAULT_MAX_REPLICATIONS,
        Some(n) if (2..=i128::from(signpost::limits::MAX_REPLICATIONS)).contains(&n) => n as u64,
        Some(n) => {
            return Err(PyValueError::new_err(format!(
                "max_replications: must be a whole number from 2 to {}; found {n}",
                signpost::limits::MAX_REPLICATIONS
            )))
        }
    };
    Ok(Some(PrecisionTarget {
        precision,
        max_replications,
    }))
}

/// Runs `scenario`; see `signpost.run` for the arguments.
#[pyfunction]
#[pyo3(signature = (scenario, replications = None, seed = None, threads = None, precision = None, max_replications = None, journeys = None, progress = None))]
#[allow(clippy::too_many_arguments)] // Python's keyword arguments
pub fn run(
    py: Python<'_>,
    scenario: &Scenario,
    replications: Option<i128>,
    seed: Option<u64>,
    threads: Option<usize>,
    precision: Option<f64>,
    max_replications: Option<i128>,
    journeys: Option<u32>,
    progress: Option<&Bound<'_, PyAny>>,
) -> PyResult<RunResult> {
    let started = Instant::now();
    let loaded = Arc::clone(&scenario.loaded);
    let target = precision_target(precision, max_replications, replications)?;
    let replications = signpost::limits::replications(replications.unwrap_or(i128::from(loaded.base.replications)))
        .map_err(|e| limit_error("replications", e))?;
    let replications = target.map_or(replications, |t| t.max_replications);
    let threads = checked_threads(threads)?;
    let journeys = signpost::limits::journeys(journeys.unwrap_or(loaded.base.report.journeys)).map_err(|e| limit_error("journeys", e))?;
    let options = RunOptions {
        replications,
        seed: seed.unwrap_or(loaded.base.seed),
        journeys,
    };
    let until = target.map_or(Until::Replications(replications), Until::Precision);
    let outcome = run_detached(py, threads, progress, |job| {
        let diagnostic = warmup::diagnose(&loaded, options.seed, warmup::REPLICATIONS, job.cancel)?;
        let mut sink = Journeys {
            loaded: &loaded,
            parts: vec![String::new(); loaded.arms.len()],
        };
        let finished = run_experiment_with(&loaded, options, until, job.progress, job.cancel, &mut sink);
        Ok::<_, Stop>((diagnostic, finished, sink.parts))
    })?;
    let (diagnostic, finished, parts) = outcome.map_err(|e| match e {
        Stop::Scenario(e) => scenario_error(&e),
        Stop::Cancelled => PyKeyboardInterrupt::new_err("warm-up diagnostic stopped"),
    })?;
    let finished = finished.map_err(|e| match e {
        RunError::Cancelled(c) => PyKeyboardInterrupt::new_err(format!("stopped after {} of {} runs", c.done, c.total)),
        RunError::Sink(e) => PyOSError::new_err(format!("keeping journeys: {e}")),
    })?;
    let journeys = (journeys > 0).then(|| {
        let mut csv = String::from(JOURNEYS_HEADER);
        parts.iter().for_each(|p| csv.push_str(p));
        csv
    });
    Ok(RunResult {
        warning: signpost::report::terminal::warmup_warning(&diagnostic),
        loaded,
        source: scenario.text.clone(),
        options,
        threads,
        wall_seconds: started.elapsed().as_secs_f64(),
        diagnostic,
        precision: finished.precision,
        result: finished.result,
        journeys,
    })
}

/// Why the warm-up diagnostic did not run.
enum Stop {
    Scenario(signpost::error::ScenarioError),
    Cancelled,
}

impl From<warmup::DiagnosticError> for Stop {
    fn from(e: warmup::DiagnosticError) -> Stop {
        match e {
            warmup::DiagnosticError::Scenario(e) => Stop::Scenario(e),
            warmup::DiagnosticError::Cancelled => Stop::Cancelled,
        }
    }
}

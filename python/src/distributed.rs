//! `signpost.plan`, `run_unit`, `run_unit_bytes`, `merge` and
//! `merge_parts`: a run, a portfolio run or a PSA cut into units that run
//! anywhere and merge into the files the single-machine run writes, as
//! `signpost plan | run-unit | merge` do ([`signpost::distributed`]).
//! Plans and parts also travel as bytes, for Spark tasks without a shared
//! file system.

use crate::interrupt::{run_detached, threads as checked_threads};
use crate::output_error;
use crate::scenario::Scenario;
use pyo3::exceptions::{PyKeyboardInterrupt, PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use signpost::distributed::files::{merge_dir, read_plan, write_part, write_plan};
use signpost::distributed::{self as dist, DistError, Input, MergeFacts, Merged, PlanRequest, PsaSettings};
use signpost::output::PendingDir;
use std::path::PathBuf;
use std::time::Instant;

/// A plan: its units, its id, and its bytes.
#[pyclass(module = "signpost", frozen, name = "Plan")]
pub struct Plan {
    plan: dist::Plan,
}

#[pymethods]
impl Plan {
    /// The plan's id: SHA-256 of its files (every part carries it).
    #[getter]
    fn id(&self) -> &str {
        &self.plan.id
    }

    /// The scenario's or portfolio's name.
    #[getter]
    fn name(&self) -> &str {
        &self.plan.settings.name
    }

    /// `"run"`, `"portfolio"` or `"psa"`.
    #[getter]
    fn kind(&self) -> &'static str {
        match self.plan.settings.kind {
            dist::PlanKind::Run => "run",
            dist::PlanKind::Portfolio => "portfolio",
            dist::PlanKind::Psa => "psa",
        }
    }

    /// Number of units (indices 0 to units − 1).
    #[getter]
    fn units(&self) -> usize {
        self.plan.units.len()
    }

    /// `units.tsv`, the unit table, as text.
    #[getter]
    fn unit_table(&self) -> String {
        self.plan
            .files()
            .iter()
            .find(|f| f.name == dist::plan::UNITS_FILE)
            .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
            .unwrap_or_default()
    }

    /// The whole plan as bytes (a bundle of its files), to hand to
    /// workers without a shared file system.
    fn bundle<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.plan.to_bundle())
    }

    fn __repr__(&self) -> String {
        format!(
            "<signpost.Plan {} ({}): {} units, id {}>",
            self.plan.settings.name,
            self.kind(),
            self.plan.units.len(),
            &self.plan.id[..12]
        )
    }
}

/// A library error as the Python exception the CLI's exit code maps to:
/// bad input `ValueError` (a scenario `ScenarioError`), an interruption
/// `KeyboardInterrupt`, anything else `OSError`.
fn dist_error(e: DistError) -> PyErr {
    match e {
        DistError::Scenario(e) => crate::scenario_error(&e),
        DistError::Output(e) => output_error(&e),
        DistError::Cancelled => PyKeyboardInterrupt::new_err("stopped; nothing written"),
        e if e.is_bad_input() => PyValueError::new_err(e.to_string()),
        e => PyOSError::new_err(e.to_string()),
    }
}

/// A plan given as a `Plan`, a plan directory's path, or a bundle's bytes.
#[derive(FromPyObject)]
pub enum AnyPlan<'py> {
    /// A `Plan`.
    Plan(PyRef<'py, Plan>),
    /// A bundle ([`dist::Plan::to_bundle`]).
    Bundle(Bound<'py, PyBytes>),
    /// A plan directory.
    Dir(PathBuf),
}

impl AnyPlan<'_> {
    fn get(&self) -> PyResult<dist::Plan> {
        match self {
            AnyPlan::Plan(p) => Ok(p.plan.clone()),
            AnyPlan::Bundle(b) => dist::Plan::from_bundle(b.as_bytes()).map_err(dist_error),
            AnyPlan::Dir(d) => read_plan(d).map_err(dist_error),
        }
    }
}

/// Makes a plan (see `signpost.plan`); writes it into `out` when given.
#[pyfunction]
#[pyo3(signature = (scenario = None, path = None, out = None, replications = None, seed = None, unit_reps = 1, psa = None, force = false))]
#[allow(clippy::too_many_arguments)]
pub fn plan(
    py: Python<'_>,
    scenario: Option<PyRef<'_, Scenario>>,
    path: Option<PathBuf>,
    out: Option<PathBuf>,
    replications: Option<u64>,
    seed: Option<u64>,
    unit_reps: u64,
    psa: Option<(usize, u64, Option<Vec<f64>>)>,
    force: bool,
) -> PyResult<Plan> {
    let input = match (scenario, path) {
        (Some(s), None) => {
            if !s.overrides.is_empty() {
                return Err(PyValueError::new_err(
                    "plan: a scenario with overrides cannot be planned (a plan carries scenario files); write the overrides into the file",
                ));
            }
            Input::Scenario {
                label: s.label.clone(),
                text: s.text.clone(),
            }
        }
        (None, Some(path)) => {
            let label = path.display().to_string();
            let text = signpost::scenario::load::read_text(&path, &label).map_err(|e| crate::scenario_error(&e))?;
            if signpost::portfolio::is_portfolio(&text) {
                Input::from(signpost::portfolio::spec::read_files(&path).map_err(|e| crate::scenario_error(&e))?)
            } else {
                Input::Scenario { label, text }
            }
        }
        _ => {
            return Err(PyValueError::new_err(
                "plan: give a scenario or the path of a scenario or portfolio file",
            ))
        }
    };
    let request = PlanRequest {
        input,
        replications,
        seed,
        unit_reps,
        psa: psa.map(|(draws, reps_per_draw, wtp)| PsaSettings { draws, reps_per_draw, wtp }),
    };
    py.detach(|| {
        let plan = dist::plan(&request).map_err(dist_error)?;
        if let Some(dir) = &out {
            write_plan(dir, &plan, force).map_err(dist_error)?;
        }
        Ok(Plan { plan })
    })
}

/// Reads a plan directory or bundle.
#[pyfunction]
pub fn load_plan(plan: AnyPlan<'_>) -> PyResult<Plan> {
    Ok(Plan { plan: plan.get()? })
}

/// Runs unit `index` of `plan`; its part's bytes.
fn run_part(
    py: Python<'_>,
    plan: &dist::Plan,
    index: usize,
    threads: Option<usize>,
    progress: Option<&Bound<'_, PyAny>>,
) -> PyResult<dist::Part> {
    plan.unit(index).map_err(dist_error)?;
    let threads = checked_threads(threads)?;
    let loaded = py.detach(|| plan.load()).map_err(dist_error)?;
    run_detached(py, threads, progress, |job| {
        dist::run_unit(plan, &loaded, index, job.progress, job.cancel)
    })?
    .map_err(dist_error)
}

/// Runs one unit and returns its part as bytes.
#[pyfunction]
#[pyo3(signature = (plan, index, threads = None, progress = None))]
pub fn run_unit_bytes<'py>(
    py: Python<'py>,
    plan: AnyPlan<'_>,
    index: usize,
    threads: Option<usize>,
    progress: Option<&Bound<'_, PyAny>>,
) -> PyResult<Bound<'py, PyBytes>> {
    let plan = plan.get()?;
    let part = run_part(py, &plan, index, threads, progress)?;
    Ok(PyBytes::new(py, &part.to_bytes()))
}

/// Runs one unit and writes its part into `parts_dir` atomically; the
/// part's path.
#[pyfunction]
#[pyo3(signature = (plan, index, parts_dir, threads = None, progress = None))]
pub fn run_unit(
    py: Python<'_>,
    plan: AnyPlan<'_>,
    index: usize,
    parts_dir: PathBuf,
    threads: Option<usize>,
    progress: Option<&Bound<'_, PyAny>>,
) -> PyResult<PathBuf> {
    let plan = plan.get()?;
    let part = run_part(py, &plan, index, threads, progress)?;
    py.detach(|| write_part(&parts_dir, &part)).map_err(dist_error)
}

/// Writes merged files into `out` as the CLI does (a pending directory
/// that replaces `out` only once complete).
fn write_merged(merged: &Merged, out: &std::path::Path, force: bool) -> PyResult<PathBuf> {
    let write = || {
        let pending = PendingDir::create(out, force)?;
        signpost::output::write_files(pending.path(), &merged.files)?;
        pending.commit()
    };
    write().map_err(|e| output_error(&e))
}

/// What a merge hands back: the result directory and the warm-up
/// warnings.
type MergeOut = (PathBuf, Vec<String>);

/// Merges the parts in `parts_dir` into the result directory `out`.
#[pyfunction]
#[pyo3(signature = (plan, parts_dir, out, force = false, charts = true, threads = None))]
pub fn merge(
    py: Python<'_>,
    plan: AnyPlan<'_>,
    parts_dir: PathBuf,
    out: PathBuf,
    force: bool,
    charts: bool,
    threads: Option<usize>,
) -> PyResult<MergeOut> {
    merge_with(py, plan, out, force, threads, |plan, loaded, facts| {
        merge_dir(plan, loaded, &parts_dir, facts, charts)
    })
}

/// Merges parts given as bytes, in any order, into the result directory
/// `out`.
#[pyfunction]
#[pyo3(signature = (plan, parts, out, force = false, charts = true, threads = None))]
pub fn merge_parts(
    py: Python<'_>,
    plan: AnyPlan<'_>,
    parts: Vec<Bound<'_, PyBytes>>,
    out: PathBuf,
    force: bool,
    charts: bool,
    threads: Option<usize>,
) -> PyResult<MergeOut> {
    let bytes: Vec<&[u8]> = parts.iter().map(|b| b.as_bytes()).collect();
    merge_with(py, plan, out, force, threads, |plan, loaded, facts| {
        dist::merge_parts(plan, loaded, &bytes, facts, charts)
    })
}

/// Loads `plan`, runs `merge` on `threads` with the GIL released and the
/// run facts so far, and writes what it merged to `out`: the one driver of
/// [`merge`] and [`merge_parts`], which differ only in where parts come from.
fn merge_with<F>(py: Python<'_>, plan: AnyPlan<'_>, out: PathBuf, force: bool, threads: Option<usize>, merge: F) -> PyResult<MergeOut>
where
    F: FnOnce(&dist::Plan, &dist::Loaded, MergeFacts) -> Result<Merged, DistError> + Send,
{
    let started = Instant::now();
    let plan = plan.get()?;
    let threads = checked_threads(threads)?;
    let loaded = py.detach(|| plan.load()).map_err(dist_error)?;
    let merged = run_detached(py, threads, None, |_| {
        let facts = MergeFacts {
            threads,
            wall_seconds: started.elapsed().as_secs_f64(),
        };
        merge(&plan, &loaded, facts)
    })?
    .map_err(dist_error)?;
    let dir = py.detach(|| write_merged(&merged, &out, force))?;
    Ok((dir, merged.warnings))
}

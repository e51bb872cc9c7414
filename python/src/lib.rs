//! `signpost._signpost`: the compiled half of the Python package.
//!
//! Everything here calls the `signpost` library exactly as the CLI does
//! (the same loaders, the same `run_files`/`psa_files`/network files), so
//! a run from Python and `signpost run` give the same bytes. The Python
//! half (`signpost/__init__.py`) checks argument types, parses those CSV
//! bytes into DataFrames and drives the optional progress bar.
//!
//! Errors: a scenario the library refuses raises `signpost.ScenarioError`
//! (a `ValueError`) with the CLI's one-line message; a bad argument
//! `ValueError`; an interrupted run `KeyboardInterrupt`. No code path here
//! panics on user input; should the library panic all the same, PyO3 turns
//! it into a `PanicException` rather than aborting the interpreter.

use pyo3::create_exception;
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use signpost::output::{OutputError, PendingDir, ResultFile};
use std::path::PathBuf;

mod distributed;
mod interrupt;
mod network;
mod portfolio;
mod psa;
mod run;
mod scenario;

create_exception!(
    _signpost,
    ScenarioError,
    PyValueError,
    "A scenario the simulator refuses: the file, line, key and rule broken, in the CLI's one-line message."
);

/// A scenario error as Python's `signpost.ScenarioError`.
fn scenario_error(e: &signpost::error::ScenarioError) -> PyErr {
    ScenarioError::new_err(e.to_string())
}

/// A value outside a library limit, as `ValueError("name: rule")`.
fn limit_error(name: &str, e: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(format!("{name}: {e}"))
}

/// An output error: a directory that already holds results (or cannot be
/// made) is bad input, `ValueError`; anything else is `OSError`.
fn output_error(e: &OutputError) -> PyErr {
    if e.is_bad_input() {
        PyValueError::new_err(e.to_string())
    } else {
        PyOSError::new_err(e.to_string())
    }
}

/// A finished run whose files the library builds on demand, charts and
/// `report.html` only when asked for.
trait ResultFiles: Sync {
    /// The files in the order they are written.
    fn result_files(&self, charts: bool) -> PyResult<Vec<ResultFile>>;
}

/// Any finished result: the one argument of [`result_files`] and
/// [`write_result`], so the result classes share them instead of each
/// repeating two methods.
#[derive(FromPyObject)]
enum AnyResult<'py> {
    Run(PyRef<'py, run::RunResult>),
    Psa(PyRef<'py, psa::PsaResult>),
    Network(PyRef<'py, network::NetworkResult>),
    Portfolio(PyRef<'py, portfolio::PortfolioResult>),
}

impl AnyResult<'_> {
    fn files(&self) -> &dyn ResultFiles {
        match self {
            AnyResult::Run(r) => &**r,
            AnyResult::Psa(r) => &**r,
            AnyResult::Network(r) => &**r,
            AnyResult::Portfolio(r) => &**r,
        }
    }
}

/// The files of a result as `[(name, bytes)]`, in the order they are
/// written (with `charts`, also `charts/*` and `report.html`), built
/// without the GIL.
#[pyfunction]
#[pyo3(signature = (result, charts = false))]
fn result_files<'py>(py: Python<'py>, result: AnyResult<'py>, charts: bool) -> PyResult<Vec<(String, Bound<'py, PyBytes>)>> {
    let source = result.files();
    let files = py.detach(|| source.result_files(charts))?;
    Ok(files.iter().map(|f| (f.name.clone(), PyBytes::new(py, &f.bytes))).collect())
}

/// Writes a result's files into `dir` as the CLI writes a result
/// directory: into a pending directory that replaces `dir` only once
/// complete, refusing existing results unless `force`. Returns the final
/// path.
#[pyfunction]
#[pyo3(signature = (result, dir, force = false, charts = true))]
fn write_result(py: Python<'_>, result: AnyResult<'_>, dir: PathBuf, force: bool, charts: bool) -> PyResult<PathBuf> {
    let source = result.files();
    py.detach(|| {
        let files = source.result_files(charts)?;
        let write = || {
            let pending = PendingDir::create(&dir, force)?;
            signpost::output::write_files(pending.path(), &files)?;
            pending.commit()
        };
        write().map_err(|e| output_error(&e))
    })
}

/// The compiled module.
#[pymodule]
fn _signpost(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("ScenarioError", m.py().get_type::<ScenarioError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("DEFAULT_LABEL", signpost::scenario::load::DEFAULT_LABEL)?;
    m.add("MAX_REPLICATIONS", signpost::limits::MAX_REPLICATIONS)?;
    m.add("MAX_THREADS", signpost::limits::MAX_THREADS)?;
    m.add_class::<scenario::Scenario>()?;
    m.add_class::<run::RunResult>()?;
    m.add_class::<psa::PsaResult>()?;
    m.add_class::<network::NetworkScenario>()?;
    m.add_class::<network::NetworkResult>()?;
    m.add_class::<portfolio::PortfolioResult>()?;
    m.add_function(wrap_pyfunction!(scenario::load_text, m)?)?;
    m.add_function(wrap_pyfunction!(scenario::load_path, m)?)?;
    m.add_function(wrap_pyfunction!(scenario::default_scenario, m)?)?;
    m.add_function(wrap_pyfunction!(scenario::is_network, m)?)?;
    m.add_function(wrap_pyfunction!(run::run, m)?)?;
    m.add_function(wrap_pyfunction!(psa::psa, m)?)?;
    m.add_function(wrap_pyfunction!(network::load_network_text, m)?)?;
    m.add_function(wrap_pyfunction!(network::load_network_path, m)?)?;
    m.add_function(wrap_pyfunction!(network::run_network, m)?)?;
    m.add_function(wrap_pyfunction!(portfolio::run_portfolio, m)?)?;
    m.add_class::<distributed::Plan>()?;
    m.add_function(wrap_pyfunction!(distributed::plan, m)?)?;
    m.add_function(wrap_pyfunction!(distributed::load_plan, m)?)?;
    m.add_function(wrap_pyfunction!(distributed::run_unit, m)?)?;
    m.add_function(wrap_pyfunction!(distributed::run_unit_bytes, m)?)?;
    m.add_function(wrap_pyfunction!(distributed::merge, m)?)?;
    m.add_function(wrap_pyfunction!(distributed::merge_parts, m)?)?;
    m.add_function(wrap_pyfunction!(result_files, m)?)?;
    m.add_function(wrap_pyfunction!(write_result, m)?)?;
    Ok(())
}

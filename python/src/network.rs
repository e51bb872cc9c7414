//! `signpost.run_network`: a pure queueing-network scenario (a file with a
//! `[network]` table, such as `scenarios/validation/*.toml`), run as
//! `signpost run` runs it.

use crate::interrupt::{run_detached, threads as checked_threads};
use crate::{limit_error, scenario_error};
use pyo3::exceptions::PyKeyboardInterrupt;
use pyo3::prelude::*;
use signpost::network::{NetworkResults, NetworkScenario as Checked};
use signpost::output::ResultFile;
use std::path::PathBuf;

/// A checked queueing-network scenario: nodes with servers, service
/// distributions, finite queues and probabilistic routing.
#[pyclass(module = "signpost", frozen)]
pub struct NetworkScenario {
    scenario: Checked,
    label: String,
}

#[pymethods]
impl NetworkScenario {
    /// The scenario's name.
    #[getter]
    fn name(&self) -> &str {
        &self.scenario.name
    }

    /// The file or label it came from.
    #[getter]
    fn label(&self) -> &str {
        &self.label
    }

    /// Node names, in order.
    #[getter]
    fn nodes(&self) -> Vec<String> {
        self.scenario.nodes.iter().map(|n| n.name.clone()).collect()
    }

    /// The scenario's replications.
    #[getter]
    fn replications(&self) -> u64 {
        self.scenario.replications
    }

    /// The scenario's master seed.
    #[getter]
    fn seed(&self) -> u64 {
        self.scenario.seed
    }

    fn __repr__(&self) -> String {
        format!(
            "<signpost.NetworkScenario {:?} from {}: {} nodes>",
            self.scenario.name,
            self.label,
            self.scenario.nodes.len()
        )
    }
}

/// Loads network scenario text; `label` names it in messages.
#[pyfunction]
pub fn load_network_text(text: &str, label: String) -> PyResult<NetworkScenario> {
    let scenario = signpost::network::load_str(text, &label).map_err(|e| scenario_error(&e))?;
    Ok(NetworkScenario { scenario, label })
}

/// Reads and loads a network scenario file.
#[pyfunction]
pub fn load_network_path(path: PathBuf) -> PyResult<NetworkScenario> {
    let scenario = signpost::network::load(&path).map_err(|e| scenario_error(&e))?;
    Ok(NetworkScenario {
        scenario,
        label: path.display().to_string(),
    })
}

/// A finished network run.
#[pyclass(module = "signpost", frozen)]
pub struct NetworkResult {
    results: NetworkResults,
}

impl crate::ResultFiles for NetworkResult {
    /// A network run has no charts: the same files whatever `charts`.
    fn result_files(&self, _charts: bool) -> PyResult<Vec<ResultFile>> {
        Ok(self.results.files())
    }
}

#[pymethods]
impl NetworkResult {
    /// The scenario's name.
    #[getter]
    fn name(&self) -> &str {
        &self.results.scenario
    }

    /// Replications that ran.
    #[getter]
    fn replications(&self) -> usize {
        self.results.replications.len()
    }

    /// Events over all replications.
    #[getter]
    fn events(&self) -> u64 {
        self.results.events
    }

    /// Wall-clock time of the simulation \[seconds\].
    #[getter]
    fn wall_seconds(&self) -> f64 {
        self.results.wall_seconds
    }
}

/// Runs a network scenario; see `signpost.run_network`.
#[pyfunction]
#[pyo3(signature = (scenario, replications = None, seed = None, threads = None))]
pub fn run_network(
    py: Python<'_>,
    scenario: &NetworkScenario,
    replications: Option<i128>,
    seed: Option<u64>,
    threads: Option<usize>,
) -> PyResult<NetworkResult> {
    let scn = &scenario.scenario;
    let replications =
        signpost::limits::replications(replications.unwrap_or(i128::from(scn.replications))).map_err(|e| limit_error("replications", e))?;
    let threads = checked_threads(threads)?;
    let seed = seed.unwrap_or(scn.seed);
    let results = run_detached(py, threads, None, |job| {
        signpost::network::run_cancellable(scn, replications, seed, job.cancel)
    })?
    .ok_or_else(|| PyKeyboardInterrupt::new_err(format!("stopped before {replications} replications finished")))?;
    Ok(NetworkResult { results })
}

//! `signpost.run_portfolio`: a whole ICB — every PCN of a portfolio file ×
//! arm × replication in one pool — as `signpost run PORTFOLIO` runs it,
//! with the files built by the library's `portfolio_files`.

use crate::interrupt::{run_detached, threads as checked_threads};
use crate::{limit_error, scenario_error};
use pyo3::exceptions::{PyKeyboardInterrupt, PyOSError};
use pyo3::prelude::*;
use signpost::experiment::warmup::{DiagnosticError, WarmupDiagnostic};
use signpost::output::ResultFile;
use signpost::portfolio::{self, Portfolio, PortfolioResult as Ran};
use signpost::report::portfolio::{portfolio_files, PortfolioFacts};
use std::path::PathBuf;
use std::time::Instant;

/// A finished portfolio run.
#[pyclass(module = "signpost", frozen)]
pub struct PortfolioResult {
    portfolio: Portfolio,
    result: Ran,
    warmups: Vec<WarmupDiagnostic>,
    facts: PortfolioFacts,
}

impl crate::ResultFiles for PortfolioResult {
    fn result_files(&self, charts: bool) -> PyResult<Vec<ResultFile>> {
        portfolio_files(&self.portfolio, &self.result, &self.facts, &self.warmups, charts)
            .map_err(|e| PyOSError::new_err(format!("writing results: {e}")))
    }
}

#[pymethods]
impl PortfolioResult {
    /// The portfolio's name.
    #[getter]
    fn name(&self) -> &str {
        &self.portfolio.spec.name
    }

    /// PCN names, in the portfolio's order.
    #[getter]
    fn pcns(&self) -> Vec<String> {
        self.portfolio.pcns.iter().map(|p| p.name().to_string()).collect()
    }

    /// Arm names, the counterfactual first.
    #[getter]
    fn arms(&self) -> Vec<String> {
        self.portfolio.arm_names().iter().map(|a| a.to_string()).collect()
    }

    /// Replications per PCN and arm.
    #[getter]
    fn replications(&self) -> u64 {
        self.facts.replications
    }

    /// The warm-up warnings, `(pcn, warning)`, of PCNs whose window starts
    /// in a start-up transient.
    #[getter]
    fn warnings(&self) -> Vec<(String, String)> {
        self.portfolio
            .pcns
            .iter()
            .zip(&self.warmups)
            .filter_map(|(p, d)| signpost::report::terminal::warmup_warning(d).map(|w| (p.name().to_string(), w)))
            .collect()
    }
}

/// Why a portfolio run stopped.
enum Stop {
    Scenario(signpost::error::ScenarioError),
    Cancelled(String),
}

/// Runs a portfolio file; see `signpost.run_portfolio`.
#[pyfunction]
#[pyo3(signature = (path, replications = None, seed = None, threads = None, progress = None))]
pub fn run_portfolio(
    py: Python<'_>,
    path: PathBuf,
    replications: Option<i128>,
    seed: Option<u64>,
    threads: Option<usize>,
    progress: Option<&Bound<'_, PyAny>>,
) -> PyResult<PortfolioResult> {
    let started = Instant::now();
    let portfolio = portfolio::load_file(&path, seed).map_err(|e| scenario_error(&e))?;
    let replications = signpost::limits::replications(replications.unwrap_or(i128::from(portfolio.spec.replications)))
        .map_err(|e| limit_error("replications", e))?;
    let threads = checked_threads(threads)?;
    let p = &portfolio;
    let outcome = run_detached(py, threads, progress, |job| {
        let warmups = portfolio::diagnose(p, job.cancel).map_err(|e| match e {
            DiagnosticError::Scenario(e) => Stop::Scenario(e),
            DiagnosticError::Cancelled => Stop::Cancelled("warm-up diagnostic stopped".into()),
        })?;
        let result = portfolio::run_portfolio(p, replications, job.progress, job.cancel)
            .map_err(|c| Stop::Cancelled(format!("stopped after {} of {} runs", c.done, c.total)))?;
        Ok::<_, Stop>((warmups, result))
    })?;
    let (warmups, result) = outcome.map_err(|e| match e {
        Stop::Scenario(e) => scenario_error(&e),
        Stop::Cancelled(m) => PyKeyboardInterrupt::new_err(m),
    })?;
    let facts = PortfolioFacts {
        threads,
        wall_seconds: started.elapsed().as_secs_f64(),
        replications,
    };
    Ok(PortfolioResult {
        portfolio,
        result,
        warmups,
        facts,
    })
}

//! Running replications in parallel and reducing them to per-metric
//! summaries; writing the output files.

use super::sim::{simulate, simulate_cancellable, Replication};
use super::spec::{NetworkScenario, RawNetworkScenario};
use crate::output::contract::{replication_row, summary_row, REPLICATIONS_HEADER, SUMMARY_HEADER};
use crate::output::{write_files, OutputError, ResultFile};
use crate::stats::{ConfidenceInterval, Summary};
use rayon::prelude::*;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use crate::output::contract::SCHEMA_VERSION;

/// One metric over replications.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricResult {
    /// Name, e.g. `wait_mean.GP`.
    pub name: String,
    /// One value per replication, in replication order (NaN where the
    /// replication had nothing to measure, e.g. no customer at a node).
    pub values: Vec<f64>,
    /// Summary of the finite values.
    pub summary: Summary,
}

impl MetricResult {
    /// Mean over replications.
    pub fn mean(&self) -> Option<f64> {
        self.summary.mean()
    }

    /// Standard deviation over replications.
    pub fn sd(&self) -> Option<f64> {
        self.summary.sd()
    }

    /// Student-t confidence interval of the mean at `level` (e.g. 0.95).
    pub fn ci(&self, level: f64) -> Option<ConfidenceInterval> {
        self.summary.confidence_interval(level)
    }

    /// Replications with a finite value.
    pub fn n(&self) -> u64 {
        self.summary.count()
    }
}

/// Everything a network run produced.
#[derive(Debug, Clone)]
pub struct NetworkResults {
    /// Scenario name.
    pub scenario: String,
    /// Node names, in order.
    pub nodes: Vec<String>,
    /// Master seed.
    pub seed: u64,
    /// Rayon threads available to the run.
    pub threads: usize,
    /// Wall-clock time of the simulation \[seconds\].
    pub wall_seconds: f64,
    /// Events over all replications (external arrivals + service
    /// completions, the peers' definition).
    pub events: u64,
    /// Metrics in a fixed order (per node: see [`NODE_METRICS`]; then `events`).
    pub metrics: Vec<MetricResult>,
    /// Raw per-replication outcomes, in replication order.
    pub replications: Vec<Replication>,
    /// The scenario as parsed, written back as `scenario.toml`.
    pub raw: RawNetworkScenario,
}

/// Per-node metric prefixes, in output order. Rates are per minute, times
/// in minutes; counts are over the statistics window.
pub const NODE_METRICS: [&str; 13] = [
    "arrivals",
    "rejections",
    "reneges",
    "completions",
    "throughput",
    "admission_rate",
    "rejection_probability",
    "renege_probability",
    "wait_mean",
    "sojourn_mean",
    "time_in_node_mean",
    "queue_mean",
    "in_system_mean",
];

fn per_node_values(r: &Replication, node: usize, servers: u32) -> [f64; 14] {
    let s = &r.nodes[node];
    let h = r.horizon;
    let ratio = |a: u64, b: u64| if b > 0 { a as f64 / b as f64 } else { f64::NAN };
    let mean = |x: &Summary| x.mean().unwrap_or(f64::NAN);
    [
        s.arrivals as f64,
        s.rejections as f64,
        s.reneges as f64,
        s.completions as f64,
        s.completions as f64 / h,
        s.admitted as f64 / h,
        ratio(s.rejections, s.arrivals),
        ratio(s.reneges, s.admitted),
        mean(&s.wait),
        mean(&s.sojourn),
        mean(&s.time_in_node),
        s.queue_mean(),
        s.queue_mean() + s.busy_mean(),
        s.busy_mean() / f64::from(servers),
    ]
}

/// Runs `reps` replications of `scn` with master seed `seed` on the current
/// rayon pool. Results are collected by replication index, so they are
/// identical for any number of threads.
pub fn run(scn: &NetworkScenario, reps: u64, seed: u64) -> NetworkResults {
    let t0 = Instant::now();
    let replications: Vec<Replication> = (0..reps).into_par_iter().map(|r| simulate(scn, seed, r)).collect();
    reduce(scn, seed, replications, t0.elapsed().as_secs_f64())
}

/// As [`run`], but returns `None` soon after `cancel` is set (the flag is
/// read between replications and every few thousand events within one).
pub fn run_cancellable(scn: &NetworkScenario, reps: u64, seed: u64, cancel: &AtomicBool) -> Option<NetworkResults> {
    let t0 = Instant::now();
    let replications: Option<Vec<Replication>> = (0..reps)
        .into_par_iter()
        .map(|r| simulate_cancellable(scn, seed, r, cancel))
        .collect();
    Some(reduce(scn, seed, replications?, t0.elapsed().as_secs_f64()))
}

/// Per-metric results from the replications, in replication order.
fn reduce(scn: &NetworkScenario, seed: u64, replications: Vec<Replication>, wall_seconds: f64) -> NetworkResults {
    let threads = rayon::current_num_threads();
    let mut names = Vec::new();
    let mut columns: Vec<Vec<f64>> = Vec::new();
    for (j, node) in scn.nodes.iter().enumerate() {
        let base = names.len();
        for m in NODE_METRICS {
            names.push(format!("{m}.{}", node.name));
        }
        names.push(format!("utilisation.{}", node.name));
        columns.extend(std::iter::repeat_with(Vec::new).take(NODE_METRICS.len() + 1));
        for r in &replications {
            for (k, v) in per_node_values(r, j, node.servers).into_iter().enumerate() {
                columns[base + k].push(v);
            }
        }
    }
    names.push("events".into());
    columns.push(replications.iter().map(|r| r.events as f64).collect());
    let metrics = names
        .into_iter()
        .zip(columns)
        .map(|(name, values)| MetricResult {
            summary: Summary::of(values.iter().copied().filter(|v| v.is_finite())),
            name,
            values,
        })
        .collect();
    NetworkResults {
        scenario: scn.name.clone(),
        nodes: scn.nodes.iter().map(|n| n.name.clone()).collect(),
        seed,
        threads,
        wall_seconds,
        events: replications.iter().map(|r| r.events).sum(),
        metrics,
        replications,
        raw: scn.raw.clone(),
    }
}

impl NetworkResults {
    /// The metric called `name`.
    pub fn metric(&self, name: &str) -> Option<&MetricResult> {
        self.metrics.iter().find(|m| m.name == name)
    }

    /// Events per wall-clock second.
    pub fn events_per_second(&self) -> f64 {
        self.events as f64 / self.wall_seconds.max(1e-9)
    }

    /// `summary.csv`: `arm,metric,mean,sd,ci_low,ci_high,n` (95% CI).
    pub fn summary_csv(&self) -> String {
        let mut s = String::from(SUMMARY_HEADER);
        for m in &self.metrics {
            summary_row(&mut s, "network", &m.name, &m.summary);
        }
        s
    }

    /// `replications.csv`: `arm,replication,metric,value`.
    pub fn replications_csv(&self) -> String {
        let mut s = String::from(REPLICATIONS_HEADER);
        for r in 0..self.replications.len() {
            for m in &self.metrics {
                replication_row(&mut s, "network", r, &m.name, m.values[r]);
            }
        }
        s
    }

    /// What a network run writes: `summary.csv`, `replications.csv`,
    /// `run.json` and `scenario.toml` (the scenario as parsed).
    pub fn files(&self) -> Vec<ResultFile> {
        let run_json = serde_json::to_string_pretty(&self.run_json()).unwrap_or_default();
        let scenario = toml::to_string(&self.raw).unwrap_or_else(|e| format!("# could not serialise: {e}\n"));
        vec![
            ResultFile::new("summary.csv", self.summary_csv()),
            ResultFile::new("replications.csv", self.replications_csv()),
            ResultFile::new("run.json", run_json),
            ResultFile::new("scenario.toml", scenario),
        ]
    }

    /// `run.json`: provenance and speed.
    pub fn run_json(&self) -> serde_json::Value {
        serde_json::json!({
            "schema_version": SCHEMA_VERSION,
            "version": env!("CARGO_PKG_VERSION"),
            "kind": "network",
            "scenario": self.scenario,
            "seed": self.seed,
            "replications": self.replications.len(),
            "threads": self.threads,
            "wall_seconds": self.wall_seconds,
            "events": self.events,
            "events_per_second": self.events_per_second(),
            "arms": ["network"],
            "nodes": self.nodes,
        })
    }
}

/// Writes [`NetworkResults::files`] into `dir` (created if missing).
/// Refusing to overwrite earlier results is the caller's decision.
pub fn write_outputs(results: &NetworkResults, dir: &Path) -> Result<(), OutputError> {
    std::fs::create_dir_all(dir).map_err(|e| OutputError::CreateDir {
        path: dir.to_path_buf(),
        what: "directory",
        source: e,
    })?;
    write_files(dir, &results.files())
}

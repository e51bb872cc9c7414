//! What every simulating command does first: read the scenario, tell a
//! queueing network from a pathway scenario, check `--reps` and
//! `--threads`, and refuse a run the machine cannot hold.

use super::CliError;
use crate::error::ScenarioError;
use crate::network::NetworkScenario;
use crate::scenario::load::{self, LoadedScenario, DEFAULT_TOML};
use std::path::Path;

/// Either kind of scenario, checked and ready to run.
#[derive(Debug, Clone)]
pub enum AnyScenario {
    /// The primary-care pathway, with its arms.
    Pathway(Box<LoadedScenario>),
    /// A pure queueing network (the file has a `[network]` table).
    Network(Box<NetworkScenario>),
}

/// Loads scenario text of either kind, as `signpost check` and `run` do:
/// a file with a top-level `[network]` table is a queueing network, any
/// other is a pathway scenario merged over the built-in default.
pub fn load_any(text: &str, label: &str) -> Result<AnyScenario, ScenarioError> {
    if crate::network::is_network(text) {
        crate::network::load_str(text, label).map(|n| AnyScenario::Network(Box::new(n)))
    } else {
        load::load_str(text, label).map(|p| AnyScenario::Pathway(Box::new(p)))
    }
}

/// The scenario's label (its path, or the built-in default's) and text.
pub(super) fn read_scenario(path: Option<&Path>) -> Result<(String, String), CliError> {
    match path {
        None => Ok((load::DEFAULT_LABEL.to_string(), DEFAULT_TOML.to_string())),
        Some(p) => {
            let label = p.display().to_string();
            let text = load::read_text(p, &label)?;
            Ok((label, text))
        }
    }
}

/// Refuses a queueing-network file for a command that needs a pathway
/// scenario.
pub(super) fn pathway_only(label: &str, source: &str, command: &str) -> Result<(), CliError> {
    if crate::network::is_network(source) {
        return Err(CliError::BadInput(format!(
            "{label}: a queueing-network scenario ([network]); `signpost {command}` needs a signposting scenario (run networks with `signpost run`)"
        )));
    }
    Ok(())
}

/// `--reps` (else the scenario's count) and `--threads` (else every core),
/// checked against [`crate::limits`] the same way for every command.
pub(super) fn replications_and_threads(reps: Option<u64>, scenario_reps: u64, threads: Option<usize>) -> Result<(u64, usize), CliError> {
    let replications =
        crate::limits::replications(reps.unwrap_or(scenario_reps)).map_err(|e| CliError::BadInput(format!("--reps: {e}")))?;
    let all_cores = || crate::limits::default_threads(std::thread::available_parallelism().map_or(1, |n| n.get()));
    let threads = crate::limits::threads(threads.unwrap_or_else(all_cores)).map_err(|e| CliError::BadInput(format!("--threads: {e}")))?;
    Ok((replications, threads))
}

/// Refuses a run whose estimated memory \[bytes\] exceeds what is
/// available, unless `allow_large`.
pub(super) fn refuse_if_too_big(bytes: f64, allow_large: bool) -> Result<(), CliError> {
    match available_memory() {
        Some(available) if bytes > available && !allow_large => Err(CliError::BadInput(format!(
            "this run needs about {:.1} GiB of memory but {:.1} GiB is available; reduce --reps, --threads, the list size or the horizon, or pass --allow-large",
            bytes / f64::from(1u32 << 30),
            available / f64::from(1u32 << 30)
        ))),
        _ => Ok(()),
    }
}

/// Available memory \[bytes\] from /proc/meminfo, if readable.
fn available_memory() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024.0)
}

/// Runs `work` on a pool of `threads` rayon workers (the library runs on
/// whatever pool it is called on).
pub(super) fn on_pool<T: Send>(threads: usize, work: impl FnOnce() -> T + Send) -> Result<T, CliError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| CliError::Failed(format!("cannot start {threads} threads: {e}")))?;
    Ok(pool.install(work))
}

/// Writes `files` into `pending` and moves it to `target`, unless `cancel`
/// was set meanwhile (then nothing reaches `target`); the final path.
pub(super) fn write_and_commit(
    pending: crate::output::PendingDir,
    files: &[crate::output::ResultFile],
    target: &Path,
    cancel: &std::sync::atomic::AtomicBool,
) -> Result<std::path::PathBuf, CliError> {
    crate::output::write_files(pending.path(), files)?;
    if cancel.load(std::sync::atomic::Ordering::SeqCst) {
        return Err(CliError::stopped(format!(
            "stopped while writing results; {}",
            nothing_written(target)
        )));
    }
    Ok(pending.commit()?)
}

/// The end of an interruption message: what became of the output.
pub(super) fn nothing_written(target: &Path) -> String {
    let state = if target.exists() { "left as it was" } else { "not created" };
    format!("nothing written ({} {state})", target.display())
}

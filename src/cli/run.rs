//! `signpost run`: a pathway scenario's arms, or a queueing network's
//! replications, into a result directory that appears only when complete.

use super::commands::{warmup_error, warmup_warning};
use super::progress::{catch_signals, Progress};
use super::scenario::{load_any, nothing_written, on_pool, read_scenario, refuse_if_too_big, replications_and_threads, AnyScenario};
use super::{CliError, RunArgs};
use crate::experiment::estimate::estimate;
use crate::experiment::warmup;
use crate::experiment::{run_experiment, RunOptions};
use crate::network::NetworkScenario;
use crate::output::{write_files, PendingDir};
use crate::report::files::run_files;
use crate::report::tables::RunFacts;
use crate::report::terminal::comparison_table;
use crate::scenario::load::LoadedScenario;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// Runs a scenario of either kind.
pub(super) fn run(args: RunArgs) -> Result<(), CliError> {
    let started = Instant::now();
    // Before anything is created on disk: a signal must never leave a
    // partial directory behind.
    let cancel = catch_signals();
    let (label, source) = read_scenario(args.common.scenario.as_deref())?;
    match load_any(&source, &label)? {
        AnyScenario::Network(scenario) => run_network(&args, &scenario, cancel),
        AnyScenario::Pathway(loaded) => run_pathway(&args, &loaded, &source, started, cancel),
    }
}

fn run_pathway(args: &RunArgs, loaded: &LoadedScenario, source: &str, started: Instant, cancel: &AtomicBool) -> Result<(), CliError> {
    let (replications, threads) = replications_and_threads(args.common.reps, loaded.base.replications, args.common.threads)?;
    let journeys = crate::limits::journeys(args.journeys.unwrap_or(loaded.base.report.journeys))
        .map_err(|e| CliError::BadInput(format!("--journeys: {e}")))?;
    let options = RunOptions {
        replications,
        seed: args.common.seed.unwrap_or(loaded.base.seed),
        journeys,
    };
    let target = args.out.clone().unwrap_or_else(|| Path::new("output").join(loaded.name()));
    let estimate = estimate(loaded, replications, threads);
    refuse_if_too_big(estimate.bytes, args.allow_large)?;
    let pending = PendingDir::create(&target, args.force)?;
    let long = estimate.seconds > 10.0;
    if !args.quiet && long {
        eprintln!(
            "{}: {} arms × {} replications, about {:.1} M events; estimated {:.0} s on {} threads",
            loaded.name(),
            loaded.arms.len(),
            replications,
            estimate.events / 1e6,
            estimate.seconds,
            threads
        );
    }

    // A warning about validity, so it prints even with --quiet.
    let diagnostic = on_pool(threads, || warmup::diagnose(loaded, options.seed, warmup::REPLICATIONS, cancel))?.map_err(warmup_error)?;
    if let Some(warning) = warmup_warning(&diagnostic) {
        eprintln!("{}: {warning}", loaded.name());
    }
    let progress = Progress::new(args.quiet, long);
    let result = on_pool(threads, || {
        run_experiment(loaded, options, &|done, total| progress.report(done, total), cancel)
    })?;
    progress.clear();
    let result = result.map_err(|c| {
        CliError::stopped(format!(
            "stopped after {} of {} runs ({} arms × {replications} replications); {}",
            c.done,
            c.total,
            loaded.arms.len(),
            nothing_written(&target)
        ))
    })?;
    let wall_seconds = started.elapsed().as_secs_f64();
    let facts = RunFacts {
        threads,
        wall_seconds,
        source,
        warmup: Some(&diagnostic),
    };
    let files = run_files(&result, loaded, options, &facts, !args.no_charts).map_err(|e| CliError::failed("writing results", e))?;
    write_files(pending.path(), &files)?;
    if cancel.load(Ordering::SeqCst) {
        return Err(CliError::stopped(format!(
            "stopped while writing results; {}",
            nothing_written(&target)
        )));
    }
    let written = pending.commit()?;
    if !args.quiet {
        say!("{}", comparison_table(&result, loaded.base.time.horizon_days, replications));
        say!(
            "{} events in {:.2} s ({:.1} M events/s on {} threads). Results: {}",
            result.events,
            wall_seconds,
            result.events as f64 / wall_seconds / 1e6,
            threads,
            written.display()
        );
    }
    Ok(())
}

/// Runs a pure queueing-network scenario (a file with a `[network]` table).
fn run_network(args: &RunArgs, scenario: &NetworkScenario, cancel: &AtomicBool) -> Result<(), CliError> {
    let (replications, threads) = replications_and_threads(args.common.reps, scenario.replications, args.common.threads)?;
    let target = args.out.clone().unwrap_or_else(|| Path::new("output").join(&scenario.name));
    let estimate = crate::network::estimate::estimate(scenario, replications, threads);
    refuse_if_too_big(estimate.bytes, args.allow_large)?;
    if !args.quiet && estimate.seconds > 10.0 {
        eprintln!(
            "{}: {} replications, about {:.1} M events; estimated {:.0} s on {} threads",
            scenario.name,
            replications,
            estimate.events / 1e6,
            estimate.seconds,
            threads
        );
    }
    let pending = PendingDir::create(&target, args.force)?;
    let seed = args.common.seed.unwrap_or(scenario.seed);
    let results = on_pool(threads, || crate::network::run_cancellable(scenario, replications, seed, cancel))?.ok_or_else(|| {
        CliError::stopped(format!(
            "stopped before {replications} replications finished; {}",
            nothing_written(&target)
        ))
    })?;
    write_files(pending.path(), &results.files())?;
    let written = pending.commit()?;
    if !args.quiet {
        say!("{}: {} replications. Results: {}", scenario.name, replications, written.display());
    }
    Ok(())
}

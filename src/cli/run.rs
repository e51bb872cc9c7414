//! `signpost run`: a pathway scenario's arms, or a queueing network's
//! replications, into a result directory that appears only when complete.

use super::commands::warmup_error;
use super::journeys::JourneyFiles;
use super::progress::{catch_signals, Progress};
use super::scenario::{
    load_any, nothing_written, on_pool, read_scenario, refuse_if_too_big, replications_and_threads, write_and_commit, AnyScenario,
};
use super::{CliError, RunArgs};
use crate::experiment::estimate::estimate;
use crate::experiment::precision::{StopReason, DEFAULT_MAX_REPLICATIONS};
use crate::experiment::warmup;
use crate::experiment::{run_experiment_with, Discard, PrecisionOutcome, PrecisionTarget, ReplicationSink, RunError, RunOptions, Until};
use crate::network::NetworkScenario;
use crate::output::{write_files, PendingDir};
use crate::report::files::run_files;
use crate::report::tables::RunFacts;
use crate::report::terminal::{comparison_table, warmup_warning};
use crate::scenario::load::LoadedScenario;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

/// Runs a scenario of either kind.
pub(super) fn run(args: RunArgs) -> Result<(), CliError> {
    let started = Instant::now();
    // Before anything is created on disk: a signal must never leave a
    // partial directory behind.
    let cancel = catch_signals();
    let (label, source) = read_scenario(args.common.scenario.as_deref())?;
    if let Some(path) = args.common.scenario.as_deref().filter(|_| crate::portfolio::is_portfolio(&source)) {
        return super::portfolio::run_portfolio_file(&args, path, started, cancel);
    }
    match load_any(&source, &label)? {
        AnyScenario::Network(scenario) => run_network(&args, &scenario, cancel),
        AnyScenario::Pathway(loaded) => run_pathway(&args, &loaded, &source, started, cancel),
    }
}

/// `--precision` and `--max-reps`, checked: `None` without `--precision`.
fn precision_target(args: &RunArgs) -> Result<Option<PrecisionTarget>, CliError> {
    let Some(text) = args.precision.as_deref() else {
        return match args.max_reps {
            Some(_) => Err(CliError::BadInput("--max-reps: only with --precision".into())),
            None => Ok(None),
        };
    };
    let precision = text
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|p| *p > 0.0 && *p < 1.0)
        .ok_or_else(|| CliError::BadInput(format!("--precision: must be a fraction in (0, 1), e.g. 0.05; found {text:?}")))?;
    if args.common.reps.is_some() {
        return Err(CliError::BadInput(
            "--precision: chooses the replications itself, so it cannot be given with --reps (cap them with --max-reps)".into(),
        ));
    }
    let max_replications = match args.max_reps.as_deref() {
        None => DEFAULT_MAX_REPLICATIONS,
        Some(text) => text
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|n| (2..=crate::limits::MAX_REPLICATIONS).contains(n))
            .ok_or_else(|| {
                CliError::BadInput(format!(
                    "--max-reps: must be a whole number from 2 to {}; found {text:?}",
                    crate::limits::MAX_REPLICATIONS
                ))
            })?,
    };
    Ok(Some(PrecisionTarget {
        precision,
        max_replications,
    }))
}

fn run_pathway(args: &RunArgs, loaded: &LoadedScenario, source: &str, started: Instant, cancel: &AtomicBool) -> Result<(), CliError> {
    let target_precision = precision_target(args)?;
    let (replications, threads) = replications_and_threads(args.common.reps, loaded.base.replications, args.common.threads)?;
    let replications = target_precision.map_or(replications, |t| t.max_replications);
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
        let up_to = if target_precision.is_some() { "up to " } else { "" };
        eprintln!(
            "{}: {} arms × {up_to}{} replications, about {up_to}{:.1} M events; estimated {up_to}{:.0} s on {} threads",
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
    let until = target_precision.map_or(Until::Replications(replications), Until::Precision);
    let mut journey_files = if journeys > 0 {
        Some(JourneyFiles::create(pending.path(), loaded)?)
    } else {
        None
    };
    let progress = Progress::new(args.quiet, long);
    let finished = on_pool(threads, || {
        let sink: &mut dyn ReplicationSink = match journey_files.as_mut() {
            Some(files) => files,
            None => &mut Discard,
        };
        run_experiment_with(loaded, options, until, &|done, total| progress.report(done, total), cancel, sink)
    })?;
    progress.clear();
    let finished = finished.map_err(|e| match e {
        RunError::Cancelled(c) => CliError::stopped(format!(
            "stopped after {} of {} runs ({} arms × {replications} replications); {}",
            c.done,
            c.total,
            loaded.arms.len(),
            nothing_written(&target)
        )),
        RunError::Sink(e) => CliError::failed("writing journeys.csv", e),
    })?;
    if let Some(files) = journey_files {
        files.finish()?;
    }
    let result = finished.result;
    let wall_seconds = started.elapsed().as_secs_f64();
    let facts = RunFacts {
        threads,
        wall_seconds,
        source,
        warmup: Some(&diagnostic),
        precision: finished.precision.as_ref(),
    };
    let files = run_files(&result, loaded, options, &facts, !args.no_charts).map_err(|e| CliError::failed("writing results", e))?;
    let written = write_and_commit(pending, &files, &target, cancel)?;
    if let Some(p) = &finished.precision {
        // How many replications, and why: printed even with --quiet, as
        // the count is a result of the run.
        eprintln!("{}: {}", loaded.name(), precision_message(p));
    }
    if !args.quiet {
        say!(
            "{}",
            comparison_table(&result, loaded.base.time.horizon_days, result.replications())
        );
        if let Some(hint) = crate::report::groups::terminal_hint(&result) {
            say!("{hint}");
        }
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

/// One line on how many replications `--precision` needed and why it
/// stopped.
fn precision_message(p: &PrecisionOutcome) -> String {
    let pct = p.target.precision * 100.0;
    let worst = p
        .checks
        .iter()
        .map(|c| c.half_width / c.allowed)
        .filter(|r| r.is_finite())
        .fold(f64::NAN, f64::max);
    let worst = if worst.is_finite() {
        format!("; widest headline interval at {:.0}% of its allowance", worst * 100.0)
    } else {
        String::new()
    };
    match (p.reason, p.needed) {
        (StopReason::Reached, Some(needed)) => format!(
            "precision {pct}% reached at {needed} replications and held through {} more (Hoad et al. look-ahead); results use all {}{worst}",
            p.replications - needed,
            p.replications
        ),
        (StopReason::NothingToCompare, _) => format!(
            "no arm to compare with the counterfactual, so no precision to reach; stopped at {} replications",
            p.replications
        ),
        _ => format!(
            "precision {pct}% NOT reached: stopped at --max-reps {} replications{worst}",
            p.replications
        ),
    }
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

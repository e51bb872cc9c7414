//! `signpost psa`: probabilistic sensitivity analysis of a scenario's
//! `[uncertainty]` priors into a result directory that appears only when
//! complete.

use super::progress::{catch_signals, Progress};
use super::scenario::{nothing_written, on_pool, pathway_only, read_scenario, replications_and_threads, write_and_commit};
use super::{CliError, PsaArgs};
use crate::output::PendingDir;
use crate::psa::files::{psa_files, terminal_table, PsaFacts};
use crate::psa::{analyse, plan, run_psa, PsaError, PsaOptions};
use std::path::Path;
use std::time::Instant;

/// Draws when `--draws` is not given.
pub(super) const DEFAULT_DRAWS: usize = 256;

/// Runs a PSA.
pub(super) fn psa(args: PsaArgs) -> Result<(), CliError> {
    let started = Instant::now();
    // Before anything is created on disk: a signal must never leave a
    // partial directory behind.
    let cancel = catch_signals();
    let (label, source) = read_scenario(args.common.scenario.as_deref())?;
    pathway_only(&label, &source, "psa")?;
    let plan = plan(&source, &label)?;
    if plan.uncertainty.parameters.is_empty() {
        return Err(CliError::BadInput(format!(
            "{label}: no [uncertainty] section, so there is nothing to draw; give priors to the keys you are unsure of (see the README, \"Probabilistic sensitivity analysis\")"
        )));
    }
    let draws = args.draws.unwrap_or(DEFAULT_DRAWS);
    if draws == 0 || draws > crate::limits::MAX_REPLICATIONS as usize {
        return Err(CliError::BadInput(format!(
            "--draws: must be from 1 to {}, found {draws}",
            crate::limits::MAX_REPLICATIONS
        )));
    }
    let (reps, threads) = replications_and_threads(Some(args.reps_per_draw.unwrap_or(1)), 1, args.common.threads).map_err(|e| match e {
        CliError::BadInput(m) => CliError::BadInput(m.replace("--reps:", "--reps-per-draw:")),
        other => other,
    })?;
    let mut plan = plan;
    if let Some(wtp) = &args.wtp {
        plan.set_wtp(wtp).map_err(|m| CliError::BadInput(format!("--wtp: {m}")))?;
    }
    let options = PsaOptions {
        draws,
        reps_per_draw: reps,
        seed: args.common.seed.unwrap_or(plan.loaded.base.seed),
    };
    let target = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("{}-psa", plan.loaded.name())));
    let pending = PendingDir::create(&target, args.force)?;
    if !args.quiet {
        eprintln!(
            "{}: {} draws of {} uncertain parameters × {} arms × {reps} replication(s) on {threads} threads",
            plan.loaded.name(),
            draws,
            plan.columns().len(),
            plan.loaded.arms.len()
        );
        for (arm, key) in &plan.fixed_by_arm {
            eprintln!("note: arm `{arm}` sets `{key}` itself, so it keeps its own value in every draw");
        }
    }
    let progress = Progress::new(args.quiet, true);
    let run = on_pool(threads, || {
        run_psa(&plan, options, &|done, total| progress.report(done, total), cancel)
    })?;
    progress.clear();
    let run = run.map_err(|e| match e {
        PsaError::Cancelled { done, total } => {
            CliError::stopped(format!("stopped after {done} of {total} runs; {}", nothing_written(&target)))
        }
        PsaError::Options(m) => CliError::BadInput(m),
        PsaError::Draw { .. } => CliError::BadInput(format!("{label}: {e}")),
    })?;
    let analysis = on_pool(threads, || analyse(&plan, &run, options.seed))?.map_err(|e| CliError::failed("analysing the draws", e))?;
    let facts = PsaFacts {
        threads,
        wall_seconds: started.elapsed().as_secs_f64(),
    };
    let files = psa_files(&plan, &run, &analysis, facts, !args.no_charts).map_err(|e| CliError::failed("writing results", e))?;
    let written = write_and_commit(pending, &files, &target, cancel)?;
    if !args.quiet {
        say!("{}", terminal_table(&run, &analysis));
        say!(
            "{} events in {:.1} s on {threads} threads. Results: {}",
            run.events,
            started.elapsed().as_secs_f64(),
            written.display()
        );
    }
    Ok(())
}

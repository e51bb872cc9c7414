//! `signpost psa`: probabilistic sensitivity analysis of a scenario's
//! `[uncertainty]` priors into a result directory that appears only when
//! complete.

use super::progress::{catch_signals, Progress};
use super::scenario::{nothing_written, on_pool, pathway_only, read_scenario, replications_and_threads};
use super::{CliError, PsaArgs};
use crate::output::{write_files, PendingDir};
use crate::psa::files::{psa_files, PsaFacts};
use crate::psa::{analyse, plan, run_psa, PsaError, PsaOptions};
use crate::text::aligned;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::time::Instant;

/// Draws when `--draws` is not given.
const DEFAULT_DRAWS: usize = 256;

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
        let mut grid = wtp.clone();
        if grid.iter().any(|w| !(w.is_finite() && *w >= 0.0)) {
            return Err(CliError::BadInput(
                "--wtp: willingness to pay must be finite numbers >= 0 [GBP per GP appointment freed]".into(),
            ));
        }
        grid.push(plan.value_per_appointment);
        grid.sort_by(f64::total_cmp);
        grid.dedup();
        plan.wtp = grid;
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
    write_files(pending.path(), &files)?;
    if cancel.load(Ordering::SeqCst) {
        return Err(CliError::stopped(format!(
            "stopped while writing results; {}",
            nothing_written(&target)
        )));
    }
    let written = pending.commit()?;
    if !args.quiet {
        say!("{}", table(&run, &analysis));
        say!(
            "{} events in {:.1} s on {threads} threads. Results: {}",
            run.events,
            started.elapsed().as_secs_f64(),
            written.display()
        );
    }
    Ok(())
}

/// The terminal summary: per arm, net GP appointments freed a year with
/// its uncertainty interval, and the decision figures.
fn table(run: &crate::psa::PsaRun, a: &crate::psa::Analysis) -> String {
    let y = a.per_year;
    let freed = crate::metric::Metric::GpAppointmentsSavedNet.name();
    let mut rows = vec![vec![
        "arm".to_string(),
        "GP appts freed/yr".into(),
        "95% uncertainty interval".into(),
        "P(worth it)".into(),
        "P(best)".into(),
    ]];
    for (i, arm) in run.arms.iter().enumerate().skip(1) {
        let r = a.summary.iter().find(|r| &r.arm == arm && r.metric == freed);
        let (mean, ui) = r.map_or((f64::NAN, None), |r| (r.mean * y, r.ui));
        rows.push(vec![
            arm.clone(),
            format!("{mean:.0}"),
            ui.map_or(String::new(), |(lo, hi)| format!("{:.0} to {:.0}", lo * y, hi * y)),
            format!("{:.0}%", 100.0 * a.probability_nmb_positive[i]),
            format!("{:.0}%", 100.0 * a.probability_best_nmb[i]),
        ]);
    }
    let top = a.voi.iter().find(|r| r.kind == "parameter" && r.evppi.is_finite());
    let mut s = format!(
        "{} draws: 95% uncertainty interval over plausible parameter values (2.5th-97.5th percentile over draws; `signpost run` shows simulation noise only).\n\
         P(worth it): GP time freed valued at GBP {} per appointment exceeds the incremental cost. P(best): highest net monetary benefit.\n{}",
        run.options.draws,
        a.value_per_appointment,
        aligned(&rows)
    );
    s.push_str(&format!(
        "EVPI: GBP {:.0} per PCN-year, GBP {:.0} a year for a population of {:.0}.",
        a.evpi * y,
        a.evpi * y * a.population_factor,
        a.population
    ));
    if let Some(t) = top {
        s.push_str(&format!(
            "\nHighest EVPPI: {} (GBP {:.0} a year for the population); see voi.csv.",
            t.parameter,
            t.evppi * y * a.population_factor
        ));
    }
    s
}

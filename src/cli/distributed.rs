//! `signpost plan | run-unit | merge`: a run, a portfolio run or a PSA cut
//! into units that run on other machines (a Slurm array, Spark tasks) and
//! merge into the files the single-machine command writes
//! ([`crate::distributed`]).

use super::progress::{catch_signals, Progress};
use super::scenario::{on_pool, read_scenario, replications_and_threads};
use super::CliError;
use crate::distributed::files::{merge_dir, read_plan, write_part, write_plan};
use crate::distributed::{plan, run_unit, DistError, Input, MergeFacts, PlanKind, PlanRequest, PsaSettings};
use crate::output::PendingDir;
use clap::Args;
use std::path::PathBuf;
use std::time::Instant;

/// The environment variable Slurm sets to a job array task's index.
pub const SLURM_ARRAY_TASK_ID: &str = "SLURM_ARRAY_TASK_ID";

/// `signpost plan`.
#[derive(Debug, Args)]
pub(super) struct PlanArgs {
    /// Scenario or portfolio file (.toml); omit for the built-in default scenario.
    scenario: Option<PathBuf>,
    /// Replications per arm (overrides the scenario; not with --psa).
    #[arg(long)]
    reps: Option<u64>,
    /// Master seed (overrides the scenario or portfolio).
    #[arg(long)]
    seed: Option<u64>,
    /// Replications per unit (with --psa: draws per unit).
    #[arg(long, default_value_t = 1)]
    unit_reps: u64,
    /// Plan a probabilistic sensitivity analysis (`signpost psa`) instead of a run.
    #[arg(long)]
    psa: bool,
    /// With --psa: parameter draws [default: 256].
    #[arg(long, requires = "psa")]
    draws: Option<usize>,
    /// With --psa: replications per arm within each draw [default: 1].
    #[arg(long, requires = "psa")]
    reps_per_draw: Option<u64>,
    /// With --psa: willingness-to-pay grid, GBP per GP appointment freed,
    /// comma-separated [default: 0,5,...,100].
    #[arg(long, value_delimiter = ',', requires = "psa")]
    wtp: Option<Vec<f64>>,
    /// The plan directory to write.
    #[arg(long)]
    out: PathBuf,
    /// Replace an existing plan directory.
    #[arg(long)]
    force: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

/// `signpost run-unit`.
#[derive(Debug, Args)]
pub(super) struct RunUnitArgs {
    /// The plan directory (from `signpost plan`).
    plan: PathBuf,
    /// The unit to run, 0-based [default: $SLURM_ARRAY_TASK_ID].
    #[arg(long)]
    index: Option<String>,
    /// The parts directory to write the unit's part into.
    #[arg(long)]
    out: PathBuf,
    /// Worker threads [default: all cores].
    #[arg(long)]
    threads: Option<usize>,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

/// `signpost merge`.
#[derive(Debug, Args)]
pub(super) struct MergeArgs {
    /// The plan directory.
    plan: PathBuf,
    /// The parts directory every unit wrote into.
    parts: PathBuf,
    /// The result directory to write.
    #[arg(long)]
    out: PathBuf,
    /// Replace existing results (only once the merge has completed).
    #[arg(long)]
    force: bool,
    /// Skip charts/ and report.html.
    #[arg(long)]
    no_charts: bool,
    /// Worker threads for the analysis of a PSA [default: all cores].
    #[arg(long)]
    threads: Option<usize>,
    /// Print nothing but errors and warm-up warnings.
    #[arg(long, short)]
    quiet: bool,
}

impl From<DistError> for CliError {
    fn from(e: DistError) -> CliError {
        match e {
            DistError::Output(e) => CliError::from(e),
            DistError::Cancelled => CliError::stopped("stopped; nothing written".into()),
            e if e.is_bad_input() => CliError::BadInput(e.to_string()),
            e => CliError::Failed(e.to_string()),
        }
    }
}

/// `signpost plan`: writes the plan directory.
pub(super) fn plan_command(args: &PlanArgs) -> Result<(), CliError> {
    let input = match args.scenario.as_deref() {
        Some(path) => {
            let (label, text) = read_scenario(Some(path))?;
            if crate::portfolio::is_portfolio(&text) {
                Input::from(crate::portfolio::spec::read_files(path)?)
            } else {
                super::scenario::pathway_only(&label, &text, "plan")?;
                Input::Scenario { label, text }
            }
        }
        None => {
            let (label, text) = read_scenario(None)?;
            Input::Scenario { label, text }
        }
    };
    let psa = args.psa.then(|| PsaSettings {
        draws: args.draws.unwrap_or(super::psa::DEFAULT_DRAWS),
        reps_per_draw: args.reps_per_draw.unwrap_or(1),
        wtp: args.wtp.clone(),
    });
    let request = PlanRequest {
        input,
        replications: args.reps,
        seed: args.seed,
        unit_reps: args.unit_reps,
        psa,
    };
    let plan = plan(&request)?;
    let written = write_plan(&args.out, &plan, args.force)?;
    if !args.quiet {
        let kind = match plan.settings.kind {
            PlanKind::Run => "run",
            PlanKind::Portfolio => "portfolio run",
            PlanKind::Psa => "PSA",
        };
        say!(
            "{}: {kind} in {} units (indices 0 to {}), plan {}. Plan: {}",
            plan.settings.name,
            plan.units.len(),
            plan.units.len() - 1,
            &plan.id[..12],
            written.display()
        );
    }
    Ok(())
}

/// The unit index: `--index`, else `$SLURM_ARRAY_TASK_ID`.
fn unit_index(given: Option<&str>) -> Result<usize, CliError> {
    let (text, from) = match given {
        Some(t) => (t.to_string(), "--index"),
        None => match std::env::var(SLURM_ARRAY_TASK_ID) {
            Ok(t) => (t, SLURM_ARRAY_TASK_ID),
            Err(_) => {
                return Err(CliError::BadInput(format!(
                    "run-unit: give --index I, or run it as a Slurm array task (${SLURM_ARRAY_TASK_ID} is not set)"
                )))
            }
        },
    };
    text.trim()
        .parse::<usize>()
        .map_err(|_| CliError::BadInput(format!("{from}: must be a unit index (a whole number from 0), found {text:?}")))
}

/// `signpost run-unit`: runs one unit and writes its part.
pub(super) fn run_unit_command(args: &RunUnitArgs) -> Result<(), CliError> {
    let started = Instant::now();
    let cancel = catch_signals();
    let index = unit_index(args.index.as_deref())?;
    let (_, threads) = replications_and_threads(Some(1), 1, args.threads)?;
    let plan = read_plan(&args.plan)?;
    plan.unit(index)?;
    let loaded = plan.load()?;
    let progress = Progress::new(args.quiet, false);
    let part = on_pool(threads, || {
        run_unit(&plan, &loaded, index, &|done, total| progress.report(done, total), cancel)
    })?;
    progress.clear();
    let part = part.map_err(|e| match e {
        DistError::Cancelled => CliError::stopped(format!("unit {index} stopped; no part written")),
        other => other.into(),
    })?;
    let path = write_part(&args.out, &part)?;
    if !args.quiet {
        say!(
            "unit {index} in {:.2} s on {threads} threads. Part: {}",
            started.elapsed().as_secs_f64(),
            path.display()
        );
    }
    Ok(())
}

/// `signpost merge`: every unit's part into the result directory.
pub(super) fn merge_command(args: &MergeArgs) -> Result<(), CliError> {
    let started = Instant::now();
    let cancel = catch_signals();
    let (_, threads) = replications_and_threads(Some(1), 1, args.threads)?;
    let plan = read_plan(&args.plan)?;
    let loaded = plan.load()?;
    let pending = PendingDir::create(&args.out, args.force)?;
    let merged = on_pool(threads, || {
        let facts = MergeFacts {
            threads,
            wall_seconds: started.elapsed().as_secs_f64(),
        };
        merge_dir(&plan, &loaded, &args.parts, facts, !args.no_charts)
    })??;
    for warning in &merged.warnings {
        eprintln!("{warning}");
    }
    let written = super::scenario::write_and_commit(pending, &merged.files, &args.out, cancel)?;
    if !args.quiet {
        say!(
            "{}: {} units merged, {} events, in {:.2} s. Results: {}",
            plan.settings.name,
            plan.units.len(),
            merged.events,
            started.elapsed().as_secs_f64(),
            written.display()
        );
    }
    Ok(())
}

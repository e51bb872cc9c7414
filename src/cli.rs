//! The command line: `signpost run | check | verify | report`.

use crate::error::Error;
use crate::experiment::{run_experiment, RunOptions};
use crate::network::NetworkScenario;
use crate::output::PendingDir;
use crate::report::tables::{self, RunFacts};
use crate::report::terminal::comparison_table;
use crate::scenario::load::{self, AnyScenario, LoadedScenario, DEFAULT_TOML};
use clap::{Args, Parser, Subcommand};
use progress::{catch_interrupts, Progress};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

mod progress;

/// `println!` to stdout that never panics: if stdout is closed (e.g. piped
/// into `head`), the rest is dropped — results are already on disk.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// `print!` to stdout that never panics (see [`say`]).
macro_rules! say_raw {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), $($arg)*);
    }};
}

/// signpost: how many GP appointments does active signposting really free,
/// once bounce-back is counted?
#[derive(Debug, Parser)]
#[command(name = "signpost", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a scenario (the built-in default if none is given) and write results.
    Run(RunArgs),
    /// Validate a scenario and print what would run.
    Check {
        /// Scenario file (.toml).
        scenario: PathBuf,
    },
    /// Run the validation suite: queueing networks against closed-form theory.
    Verify,
    /// Compare the scenario's baseline with published figures (GP
    /// appointments per patient-year, same-day share, DNA rate, SPLW
    /// referrals, navigation declines, GP demand freed by trained navigators).
    Calibrate(CalibrateArgs),
    /// One-at-a-time sensitivity of a headline result to the scenario's
    /// assumptions: a table, sensitivity.csv and a tornado chart.
    Sensitivity(SensitivityArgs),
    /// Redraw charts/ and report.html of a result directory from its CSVs.
    Report {
        /// A directory written by `signpost run`.
        dir: PathBuf,
    },
}

/// What every simulating command takes: the scenario, and overrides of its
/// replications and seed, and the worker threads.
#[derive(Debug, Args)]
struct ScenarioRun {
    /// Scenario file (.toml); omit for the built-in default scenario.
    scenario: Option<PathBuf>,
    /// Replications per arm (overrides the scenario).
    #[arg(long)]
    reps: Option<u64>,
    /// Master seed (overrides the scenario).
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads [default: all cores].
    #[arg(long)]
    threads: Option<usize>,
}

#[derive(Debug, Args)]
struct RunArgs {
    #[command(flatten)]
    common: ScenarioRun,
    /// Output directory [default: output/<scenario name>].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Trace N episodes per arm and replication into journeys.csv.
    #[arg(long)]
    journeys: Option<u32>,
    /// Replace existing results (only once the new run has completed).
    #[arg(long)]
    force: bool,
    /// Run even if the estimated memory exceeds what is available.
    #[arg(long)]
    allow_large: bool,
    /// Skip charts/ and report.html.
    #[arg(long)]
    no_charts: bool,
    /// No progress bar or table.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Debug, Args)]
struct CalibrateArgs {
    #[command(flatten)]
    common: ScenarioRun,
    /// Also write the table as CSV to this file (replaced atomically).
    #[arg(long)]
    csv: Option<PathBuf>,
    /// Exit with code 1 when any target is outside its published range.
    #[arg(long)]
    strict: bool,
}

#[derive(Debug, Args)]
struct SensitivityArgs {
    #[command(flatten)]
    common: ScenarioRun,
    /// Ranges file (.toml): arm, metric and factors with low/high values
    /// [default: the built-in ranges for the default scenario's assumptions].
    #[arg(long)]
    ranges: Option<PathBuf>,
    /// Output directory [default: output/<scenario name>-sensitivity].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Replace existing results (only once the new analysis has completed).
    #[arg(long)]
    force: bool,
    /// Skip the tornado chart.
    #[arg(long)]
    no_charts: bool,
    /// No progress or table.
    #[arg(long, short)]
    quiet: bool,
}

/// Parses arguments and runs the command; returns the process exit code.
pub fn main_with_args(args: impl IntoIterator<Item = std::ffi::OsString>) -> u8 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => 0,
                _ => 2,
            };
        }
    };
    match run_command(cli) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {e}");
            e.exit_code()
        }
    }
}

fn run_command(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Run(args) => run(args),
        Command::Check { scenario } => check(&scenario),
        Command::Calibrate(args) => calibrate(&args),
        Command::Sensitivity(args) => sensitivity(&args),
        Command::Report { dir } => report(&dir),
        Command::Verify => verify(),
    }
}

/// The scenario's label (its path, or the built-in default's) and text.
fn read_scenario(path: Option<&Path>) -> Result<(String, String), Error> {
    match path {
        None => Ok((load::DEFAULT_LABEL.to_string(), DEFAULT_TOML.to_string())),
        Some(p) => {
            let label = p.display().to_string();
            let text = load::read_text(p, &label)?;
            Ok((label, text))
        }
    }
}

fn verify() -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    let passed = crate::network::verify::run_verify(&mut out)?;
    if passed {
        Ok(())
    } else {
        Err(Error::Other(anyhow::anyhow!("validation failed: see the table above")))
    }
}

/// The end of an interruption message: what became of the output.
fn nothing_written(target: &Path) -> String {
    let state = if target.exists() { "left as it was" } else { "not created" };
    format!("nothing written ({} {state})", target.display())
}

/// Runs a pure queueing-network scenario (a file with a `[network]` table).
/// `cancel` is set by Ctrl-C.
fn run_network(args: &RunArgs, scenario: &NetworkScenario, cancel: &AtomicBool) -> Result<(), Error> {
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
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Other(anyhow::anyhow!("cannot start {threads} threads: {e}")))?;
    let seed = args.common.seed.unwrap_or(scenario.seed);
    let results = pool
        .install(|| crate::network::run_cancellable(scenario, replications, seed, cancel))
        .ok_or_else(|| {
            Error::Interrupted(format!(
                "stopped before {replications} replications finished; {}",
                nothing_written(&target)
            ))
        })?;
    crate::network::write_outputs(&results, pending.path())?;
    let written = pending.commit()?;
    if !args.quiet {
        say!("{}: {} replications. Results: {}", scenario.name, replications, written.display());
    }
    Ok(())
}

fn report(dir: &Path) -> Result<(), Error> {
    if !dir.join("summary.csv").is_file() {
        return Err(Error::Usage(format!(
            "{}: not a signpost result directory (no summary.csv)",
            dir.display()
        )));
    }
    let page = crate::report::html::write_report(dir).map_err(|e| Error::Usage(format!("{}: {e:#}", dir.display())))?;
    say!("{}", page.display());
    Ok(())
}

/// Checks a queueing-network scenario and prints what would run.
fn check_network(label: &str, scenario: &NetworkScenario) -> Result<(), Error> {
    say!("{label}: OK");
    say!("scenario  {} — {} (queueing network)", scenario.name, scenario.description);
    say!(
        "run       {} replications, seed {}, {} min warm-up + {} min",
        scenario.replications,
        scenario.seed,
        scenario.warmup,
        scenario.horizon
    );
    let nodes: Vec<&str> = scenario.nodes.iter().map(|n| n.name.as_str()).collect();
    say!("nodes     {}: {}", nodes.len(), nodes.join(", "));
    let e = crate::network::estimate::estimate(scenario, scenario.replications, 1);
    say!(
        "estimate  {:.1} M events, about {:.0} s on one core, {:.0} MiB",
        e.events / 1e6,
        e.seconds,
        e.bytes / f64::from(1u32 << 20)
    );
    Ok(())
}

fn check(path: &Path) -> Result<(), Error> {
    let (label, text) = read_scenario(Some(path))?;
    let loaded = match load::load_any(&text, &label)? {
        AnyScenario::Network(scenario) => return check_network(&label, &scenario),
        AnyScenario::Pathway(loaded) => loaded,
    };
    let b = &loaded.base;
    say!("{}: OK", loaded.file);
    say!("scenario  {} — {}", b.name, b.description);
    say!(
        "run       {} replications, seed {}, {} days warm-up + {} days, {} patients",
        b.replications,
        b.seed,
        b.time.warmup_days,
        b.time.horizon_days,
        b.population.list_size
    );
    say!("arms      {} (each compared with the counterfactual)", loaded.arms.len());
    for arm in &loaded.arms {
        let set: Vec<String> = arm.overrides.iter().map(|(k, v)| format!("{k} = {v}")).collect();
        say!(
            "  {:<24} {}",
            arm.name,
            if set.is_empty() {
                "(base as written)".into()
            } else {
                set.join(", ")
            }
        );
    }
    let estimate = Estimate::of(&loaded, b.replications, 1);
    say!(
        "estimate  {:.1} M events, about {:.0} s on one core",
        estimate.events / 1e6,
        estimate.seconds
    );
    Ok(())
}

/// A rough size of a run, to refuse impossible ones and warn about long ones.
struct Estimate {
    events: f64,
    bytes: f64,
    seconds: f64,
}

impl Estimate {
    /// Events ≈ 3.5 per episode; memory ≈ patients + episodes of the
    /// largest arm per running replication (an arm may override the list
    /// size or run length), plus weekly series kept for every replication.
    fn of(loaded: &LoadedScenario, reps: u64, threads: usize) -> Estimate {
        let b = &loaded.base;
        let arm_raws = loaded.arms.iter().map(|a| &a.scenario.raw);
        let events = arm_raws.clone().map(crate::model::expected_episodes).sum::<f64>() * reps as f64 * 3.5;
        let per_rep = arm_raws
            .map(|r| r.population.list_size as f64 * 40.0 + crate::model::expected_episodes(r) * 72.0 + 2e6)
            .fold(0.0, f64::max);
        let jobs = loaded.arms.len() as f64 * reps as f64;
        let weekly = jobs * (b.time.horizon_days / 7.0) * (20.0 + 2.0 * (b.roles.len() + b.vcse.services.len()) as f64) * 8.0;
        let bytes = per_rep * threads as f64 + weekly + jobs * 80.0 * 8.0;
        Estimate {
            events,
            bytes,
            seconds: events / 3.0e6 / threads as f64,
        }
    }
}

/// Writes one result file into the pending directory `dir`, naming the file
/// if it fails.
fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), Error> {
    let path = dir.join(name);
    std::fs::write(&path, bytes).map_err(|e| Error::Other(anyhow::anyhow!("{}: {e}", path.display())))
}

/// Refuses a run whose estimated memory \[bytes\] exceeds what is
/// available, unless `allow_large`.
fn refuse_if_too_big(bytes: f64, allow_large: bool) -> Result<(), Error> {
    match available_memory() {
        Some(available) if bytes > available && !allow_large => Err(Error::Usage(format!(
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

/// `--reps` (else the scenario's count) checked against its limits.
fn checked_replications(reps: Option<u64>, scenario_reps: u64) -> Result<u64, Error> {
    crate::limits::replications(reps.unwrap_or(scenario_reps)).map_err(|e| Error::Usage(format!("--reps: {e}")))
}

/// `--threads` (else every core) checked against its limits.
fn checked_threads(threads: Option<usize>) -> Result<usize, Error> {
    let all_cores = || crate::limits::default_threads(std::thread::available_parallelism().map_or(1, |n| n.get()));
    crate::limits::threads(threads.unwrap_or_else(all_cores)).map_err(|e| Error::Usage(format!("--threads: {e}")))
}

/// `--reps` and `--threads` checked against their limits.
fn replications_and_threads(reps: Option<u64>, scenario_reps: u64, threads: Option<usize>) -> Result<(u64, usize), Error> {
    Ok((checked_replications(reps, scenario_reps)?, checked_threads(threads)?))
}

/// Runs an experiment on its own pool of `threads`; `cancel` (set by
/// Ctrl-C, see [`catch_interrupts`]) stops it within a few thousand events.
fn experiment_on_pool(
    loaded: &LoadedScenario,
    options: RunOptions,
    threads: usize,
    progress: &(dyn Fn(usize, usize) + Sync),
    cancel: &AtomicBool,
) -> Result<crate::experiment::ExperimentResult, Error> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Other(anyhow::anyhow!("cannot start {threads} threads: {e}")))?;
    pool.install(|| run_experiment(loaded, options, progress, cancel))
        .map_err(|c| Error::Interrupted(format!("stopped after {} of {} runs; nothing written", c.done, c.total)))
}

/// Refuses a queueing-network file for a command that needs a pathway
/// scenario.
fn pathway_only(label: &str, source: &str, command: &str) -> Result<(), Error> {
    if crate::network::is_network(source) {
        return Err(Error::Usage(format!(
            "{label}: a queueing-network scenario ([network]); `signpost {command}` needs a signposting scenario (run networks with `signpost run`)"
        )));
    }
    Ok(())
}

fn calibrate(args: &CalibrateArgs) -> Result<(), Error> {
    let cancel = catch_interrupts();
    let (label, source) = read_scenario(args.common.scenario.as_deref())?;
    pathway_only(&label, &source, "calibrate")?;
    let loaded = load::load_str(&source, &label)?;
    let (replications, threads) = replications_and_threads(args.common.reps, loaded.base.replications, args.common.threads)?;
    let options = RunOptions {
        replications,
        seed: args.common.seed.unwrap_or(loaded.base.seed),
        journeys: 0,
    };
    let cut = crate::calibrate::calibration_arms(&loaded);
    let result = experiment_on_pool(&cut, options, threads, &|_, _| {}, cancel)?;
    let outcomes = crate::calibrate::evaluate(&loaded, &result);
    if let Some(path) = &args.csv {
        crate::output::write_atomic(path, crate::calibrate::csv(&outcomes).as_bytes()).map_err(Error::Other)?;
    }
    say!("{}: {}", loaded.file, loaded.name());
    say_raw!("{}", crate::calibrate::table(&outcomes, replications));
    let outside = outcomes
        .iter()
        .filter(|o| matches!(o.verdict, crate::calibrate::Verdict::Below | crate::calibrate::Verdict::Above))
        .count();
    if args.strict && outside > 0 {
        return Err(Error::Other(anyhow::anyhow!(
            "{outside} calibration target(s) outside their published range"
        )));
    }
    Ok(())
}

fn sensitivity(args: &SensitivityArgs) -> Result<(), Error> {
    use crate::sensitivity::{self as sens, parse_ranges, variant};
    // Before the output directory is created, and once for all the runs.
    let cancel = catch_interrupts();
    let (label, source) = read_scenario(args.common.scenario.as_deref())?;
    pathway_only(&label, &source, "sensitivity")?;
    let (ranges_label, ranges_text) = match &args.ranges {
        None => (sens::DEFAULT_RANGES_LABEL.to_string(), sens::DEFAULT_RANGES_TOML.to_string()),
        Some(p) => (p.display().to_string(), load::read_text(p, &p.display().to_string())?),
    };
    let spec = parse_ranges(&ranges_text, &ranges_label)?;
    // Every variant is loaded and checked before anything runs.
    let base = variant(&source, &label, &spec, &ranges_label, None)?;
    let mut variants = Vec::with_capacity(spec.factors.len());
    for (i, f) in spec.factors.iter().enumerate() {
        variants.push((
            variant(&source, &label, &spec, &ranges_label, Some((i, "low", &f.low)))?,
            variant(&source, &label, &spec, &ranges_label, Some((i, "high", &f.high)))?,
        ));
    }
    let (replications, threads) = replications_and_threads(args.common.reps, base.base.replications, args.common.threads)?;
    let options = RunOptions {
        replications,
        seed: args.common.seed.unwrap_or(base.base.seed),
        journeys: 0,
    };
    let runs = 1 + 2 * variants.len();
    let target = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("{}-sensitivity", base.name())));
    let pending = PendingDir::create(&target, args.force)?;
    let estimate = Estimate::of(&base, replications, threads);
    if !args.quiet {
        eprintln!(
            "{}: {} factors × 2 values + base = {runs} runs of {} replications; estimated {:.0} s on {threads} threads",
            base.name(),
            variants.len(),
            replications,
            estimate.seconds * runs as f64
        );
    }
    let interactive = !args.quiet && std::io::stderr().is_terminal();
    let run_one = |loaded: &LoadedScenario, k: usize| -> Result<Vec<f64>, Error> {
        if interactive {
            eprint!("\r  run {k}/{runs} ");
            let _ = std::io::stderr().flush();
        }
        let result = experiment_on_pool(loaded, options, threads, &|_, _| {}, cancel)?;
        Ok(sens::metric_values(&result, &spec, &ranges_label)?)
    };
    let base_values = run_one(&base, 1)?;
    let mut levels = Vec::with_capacity(variants.len());
    for (i, ((low, high), f)) in variants.iter().zip(&spec.factors).enumerate() {
        let low_values = run_one(low, 2 + 2 * i)?;
        let high_values = run_one(high, 3 + 2 * i)?;
        levels.push((
            sens::level_result(f.low.clone(), &low_values, &base_values),
            sens::level_result(f.high.clone(), &high_values, &base_values),
        ));
    }
    if interactive {
        eprint!("\r{}\r", " ".repeat(30));
    }
    let analysis = sens::assemble(base.name(), &spec, replications, &base_values, levels);
    let dir = pending.path();
    let write = |name: &str, bytes: &[u8]| write_file(dir, name, bytes);
    write("sensitivity.csv", sens::csv(&analysis).as_bytes())?;
    write("ranges.toml", ranges_text.as_bytes())?;
    if !args.no_charts {
        let tornado = sens::tornado(&analysis);
        let (svg, png) =
            crate::report::charts::render_svg_png(&tornado).map_err(|e| Error::Other(e.context("drawing the tornado chart")))?;
        write("tornado.svg", svg.as_bytes())?;
        write("tornado.png", &png)?;
    }
    let written = pending.commit()?;
    if !args.quiet {
        say_raw!("{}", sens::table(&analysis));
        say!("Results: {}", written.display());
    }
    Ok(())
}

fn run(args: RunArgs) -> Result<(), Error> {
    let started = Instant::now();
    // Before anything is created on disk: Ctrl-C must never leave a
    // partial directory behind.
    let cancel = catch_interrupts();
    let (label, source) = read_scenario(args.common.scenario.as_deref())?;
    let loaded = match load::load_any(&source, &label)? {
        AnyScenario::Network(scenario) => return run_network(&args, &scenario, cancel),
        AnyScenario::Pathway(loaded) => loaded,
    };
    let (replications, threads) = replications_and_threads(args.common.reps, loaded.base.replications, args.common.threads)?;
    let journeys = args.journeys.unwrap_or(loaded.base.report.journeys);
    crate::limits::journeys(journeys).map_err(|e| Error::Usage(format!("--journeys: {e}")))?;
    let options = RunOptions {
        replications,
        seed: args.common.seed.unwrap_or(loaded.base.seed),
        journeys,
    };
    let target = args.out.clone().unwrap_or_else(|| Path::new("output").join(loaded.name()));
    let estimate = Estimate::of(&loaded, replications, threads);
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

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Other(anyhow::anyhow!("cannot start {threads} threads: {e}")))?;
    let progress = Progress::new(args.quiet, long);
    let result = pool.install(|| run_experiment(&loaded, options, &|done, total| progress.report(done, total), cancel));
    progress.clear();
    let result = result.map_err(|c| {
        Error::Interrupted(format!(
            "stopped after {} of {} runs ({} arms × {replications} replications); {}",
            c.done,
            c.total,
            loaded.arms.len(),
            nothing_written(&target)
        ))
    })?;
    let wall_seconds = started.elapsed().as_secs_f64();

    let dir = pending.path();
    let facts = RunFacts {
        threads,
        wall_seconds,
        source: &source,
    };
    let mut files: Vec<(&str, String)> = vec![
        ("summary.csv", tables::summary_csv(&result)),
        ("comparison.csv", tables::comparison_csv(&result)),
        ("replications.csv", tables::replications_csv(&result)),
        ("timeseries.csv", tables::timeseries_csv(&result)),
        ("run.json", tables::run_json(&result, &loaded, options, &facts)),
        ("scenario.toml", loaded.resolved_toml()),
    ];
    if journeys > 0 {
        files.push(("journeys.csv", tables::journeys_csv(&result, &loaded)));
    }
    for (name, contents) in &files {
        write_file(dir, name, contents.as_bytes())?;
    }
    if !args.no_charts {
        crate::report::html::write_report(dir).map_err(|e| Error::Other(e.context("drawing charts and report.html")))?;
    }
    if cancel.load(Ordering::SeqCst) {
        return Err(Error::Interrupted(format!(
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

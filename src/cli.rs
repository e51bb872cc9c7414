//! The command line: `signpost run | check | verify | calibrate | init |
//! sensitivity | psa | report | plan | run-unit | merge`. Thin by design: parse the arguments, call the
//! library, write what it returns, map its errors to exit codes
//! ([`exit`]). Everything a Python or browser front end also needs lives in
//! the library. Built only with the `cli` feature (on by default).

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

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

mod commands;
mod distributed;
pub mod exit;
mod init;
mod journeys;
mod portfolio;
pub mod progress;
mod psa;
mod run;
pub mod scenario;
mod whatif;

pub use exit::CliError;
pub use scenario::{load_any, AnyScenario};

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
    /// Probabilistic sensitivity analysis over the scenario's [uncertainty]
    /// priors: uncertainty intervals, acceptability curve, value of information.
    Psa(PsaArgs),
    /// Write a scenario for a PCN, practices or an area from NHS published data.
    Init(init::InitArgs),
    /// Write a what-if page: one HTML file with the simulator inside, whose
    /// controls are the scenario's policy levers (no server, no install).
    Whatif(WhatifArgs),
    /// Cut a run, a portfolio run or a PSA into units for other machines
    /// (a Slurm array, Spark): writes a plan directory.
    Plan(distributed::PlanArgs),
    /// Run one unit of a plan (--index, else $SLURM_ARRAY_TASK_ID) and write
    /// its part.
    RunUnit(distributed::RunUnitArgs),
    /// Merge every unit's part into the files the single-machine run writes.
    Merge(distributed::MergeArgs),
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
    /// Add replications until the 95% CI half-width of every arm's net GP
    /// appointments freed is within this fraction of its mean, in (0, 1)
    /// (Hoad, Robinson & Davies 2010, with look-ahead); replaces --reps.
    #[arg(long, value_name = "FRACTION", allow_negative_numbers = true)]
    precision: Option<String>,
    /// With --precision: stop at this many replications whatever the
    /// precision (at least 2) [default: 1000].
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    max_reps: Option<String>,
    /// Replace existing results (only once the new run has completed).
    #[arg(long)]
    force: bool,
    /// Run even if the estimated memory exceeds what is available.
    #[arg(long)]
    allow_large: bool,
    /// Skip charts/ and report.html.
    #[arg(long)]
    no_charts: bool,
    /// No progress bar or table (a warm-up warning, being about the
    /// results' validity, still prints on stderr).
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Debug, Args)]
struct PsaArgs {
    #[command(flatten)]
    common: PsaRun,
    /// Parameter draws [default: 256].
    #[arg(long)]
    draws: Option<usize>,
    /// Replications per arm within each draw [default: 1].
    #[arg(long)]
    reps_per_draw: Option<u64>,
    /// Willingness-to-pay grid for the acceptability curve, GBP per GP
    /// appointment freed, comma-separated [default: 0,5,...,100].
    #[arg(long, value_delimiter = ',')]
    wtp: Option<Vec<f64>>,
    /// Output directory [default: output/<scenario name>-psa].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Replace existing results (only once the new analysis has completed).
    #[arg(long)]
    force: bool,
    /// Skip charts/ and report.html.
    #[arg(long)]
    no_charts: bool,
    /// No progress bar or table.
    #[arg(long, short)]
    quiet: bool,
}

/// What `psa` takes besides its own options: the scenario, the master seed
/// and the worker threads (no `--reps`: see `--reps-per-draw`).
#[derive(Debug, Args)]
struct PsaRun {
    /// Scenario file (.toml); omit for the built-in default scenario.
    scenario: Option<PathBuf>,
    /// Master seed (overrides the scenario): scrambles the design; draw d
    /// simulates with seed + d.
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads [default: all cores].
    #[arg(long)]
    threads: Option<usize>,
}

#[derive(Debug, Args)]
struct WhatifArgs {
    /// Scenario file (.toml); omit for the built-in default scenario.
    scenario: Option<PathBuf>,
    /// The HTML file to write [default: output/<scenario name>-whatif.html].
    #[arg(long)]
    out: Option<PathBuf>,
    /// The simulator's WebAssembly module [default: target/whatif/signpost_web.wasm, as web/build.sh writes it].
    #[arg(long)]
    wasm: Option<PathBuf>,
    /// Replace the file if it exists.
    #[arg(long)]
    force: bool,
    /// No line on stderr about the file written.
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

fn run_command(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Run(args) => run::run(args),
        Command::Check { scenario } => commands::check(&scenario),
        Command::Calibrate(args) => commands::calibrate(&args),
        Command::Sensitivity(args) => commands::sensitivity(&args),
        Command::Psa(args) => psa::psa(args),
        Command::Report { dir } => commands::report(&dir),
        Command::Verify => commands::verify(),
        Command::Init(args) => init::init(&args),
        Command::Whatif(args) => whatif::whatif(&args),
        Command::Plan(args) => distributed::plan_command(&args),
        Command::RunUnit(args) => distributed::run_unit_command(&args),
        Command::Merge(args) => distributed::merge_command(&args),
    }
}

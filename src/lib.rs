//! signpost: a parallel discrete-event simulator of primary-care capacity.
//!
//! It estimates how many GP appointments active signposting frees once the
//! patients who bounce back are counted, at what cost, with what waits and
//! what risk, under the policies a commissioner can choose. One replication
//! of one arm is a [`model::Model`] run over a [`scenario::Scenario`]; an
//! [`experiment`] runs every arm × replication with common random numbers
//! and pairs each arm with the counterfactual (signposting off).
//!
//! # The pathway
//!
//! ```text
//!  new episode ─► reception queue ─► navigation ─┬─► GP diary ──► resolved / follow-up / refer to link worker
//!     ▲            (abandon, retry)   (training,  ├─► practice role diary ─► resolved / internal bounce to GP
//!     │                                accept,    ├─► community pharmacy ──► resolved / bounce (some urgent)
//!     │                                capacity-  ├─► link worker: wait ─► caseload ─► sessions ─► VCSE link
//!     │                                aware)     └─► VCSE service: places, waiting list, closures
//!     └──────────── bounce-back (after a delay, lower trust) ◄── rejected, not attended, out of remit,
//!                   repeat contact (revolving door)              not resolved, held too long
//! ```
//!
//! Every queue in it — reception, the link worker's waiting list and
//! caseload, each VCSE service, and every node of a pure queueing network —
//! is one [`engine::Resource`], checked against Erlang B, C, A and M/M/c/K.
//!
//! # Running a scenario from code
//!
//! Load the built-in default, override a key as an arm's `set` would, run
//! two replications and read a metric by its registry name:
//!
//! ```
//! use signpost::experiment::{run_experiment, RunOptions};
//! use signpost::metric::Metric;
//! use signpost::scenario::load::{load_with_overrides, DEFAULT_TOML};
//! use std::sync::atomic::AtomicBool;
//! use toml::Value;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let overrides = [
//!     ("splw.fte".to_string(), Value::Float(4.0)),
//!     // A short run for the example: four weeks after one week of warm-up.
//!     ("time.horizon_days".to_string(), Value::Float(28.0)),
//!     ("time.warmup_days".to_string(), Value::Float(7.0)),
//! ];
//! let scenario = load_with_overrides(DEFAULT_TOML, "default.toml", &overrides)?;
//! let options = RunOptions { replications: 2, seed: scenario.base.seed, journeys: 0 };
//! let never = AtomicBool::new(false);
//! let result = run_experiment(&scenario, options, &|_done, _total| {}, &never)?;
//!
//! let trained = result.arms.iter().find(|arm| arm.name == "trained").expect("an arm of the default");
//! let freed = trained.metric_index(Metric::GpAppointmentsSavedNet.name()).expect("a paired metric");
//! let summary = trained.summary(freed);
//! assert_eq!(summary.count(), 2);
//! println!("net GP appointments freed in four weeks: {:.0}", summary.mean().unwrap_or(f64::NAN));
//! # Ok(())
//! # }
//! ```
//!
//! # How sure are we: probabilistic sensitivity analysis
//!
//! A scenario's `[uncertainty]` section gives priors to its keys
//! ([`scenario::uncertainty`]); [`psa::plan()`] checks them, [`psa::run_psa`]
//! runs every arm in every draw with common random numbers (progress
//! callback and cancel flag, as above), and [`psa::analyse`] turns the
//! draws into uncertainty intervals, the CEAC, EVPI and EVPPI, using the
//! numerical library in [`uncertainty`]. See the example in [`psa`].
//!
//! # Results that merge
//!
//! A run never holds every replication: [`experiment::run_experiment_with`]
//! hands each replication's outputs (all arms) to an
//! [`experiment::ReplicationSink`] (where a front end streams what it
//! wants kept, such as traced journeys) and then to an
//! [`experiment::Reducer`], in replication order, which keeps the metric
//! values and folds the weekly series into per-week
//! [`stats::Quantiles`]. Results of consecutive blocks of replications
//! merge with [`experiment::ExperimentResult::merge`] into the same bytes as
//! one run, so a run can be split across machines: [`distributed`] cuts a
//! run, a portfolio run or a PSA into units (a Slurm array, Spark tasks)
//! whose parts merge into the very files of one run.
//!
//! # Adding a mechanism: the files you touch
//!
//! 1. Its keys: a field with `#[serde(default)]` and a doc comment with its
//!    unit in [`scenario::raw`], a value with its source in
//!    `scenarios/default.toml`, and its rule in [`scenario::validate`].
//! 2. Its behaviour: one file under `src/model/` (or a few lines in the one
//!    that owns the place it changes); a queue is an [`engine::Resource`], a
//!    weighted draw an [`engine::Categorical`], a new event a variant of the
//!    model's `Ev`, drawn from its own [`engine::Stream`].
//! 3. What it reports: a [`metric::Metric`] in `src/metric.rs` and its value
//!    in `model/results.rs`; a weekly series registered in
//!    `model/results.rs`.
//! 4. A seeded, paired test of its direction under `tests/integration/`.
//!
//! The CSVs, the terminal table, the report and sensitivity analysis pick
//! new metrics up from the registry.
//!
//! # Layers
//!
//! Each module imports only modules below it (`tests/integration/layers.rs`
//! checks the rules), so the library core can serve front ends other than
//! the command line (Python, the browser) unchanged:
//!
//! ```text
//!  cli (feature `cli`: arguments, signals, progress, exit codes)
//!  ───────────────────────────────────────────────────────────── library
//!  distributed                    plan, run a unit anywhere, merge the parts
//!  calibrate, sensitivity, psa    analyses over runs
//!  report                         tables, files of a run, charts, report.html
//!  experiment                     arms × replications, estimate before a run
//!  model          network         the pathway; pure queueing networks
//!  data                           NHS published files → a population's figures → scenario text
//!  scenario                       load, merge, validate
//!  output, stats, engine          result directories; statistics; event queue
//!  uncertainty                    PSA priors, designs, decision outputs, EVPPI (uses stats)
//!  codec, error, limits, metric, text    leaves
//! ```
//!
//! Library functions return typed errors that say whether anything was
//! left changed; none prints, exits or installs a signal handler. A run is
//! stopped through the cancel flag it is given.
#![warn(missing_docs)]

pub mod calibrate;
#[cfg(feature = "cli")]
pub mod cli;
pub mod codec;
pub mod data;
pub mod distributed;
pub mod engine;
pub mod equity;
pub mod error;
pub mod experiment;
pub mod limits;
pub mod metric;
pub mod model;
pub mod network;
pub mod output;
pub mod portfolio;
pub mod psa;
pub mod report;
pub mod scenario;
pub mod sensitivity;
pub mod stats;
pub mod text;
pub mod uncertainty;

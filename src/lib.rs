//! signpost: a parallel discrete-event simulator of primary-care capacity.
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
//!  calibrate, sensitivity         analyses over runs
//!  report                         tables, files of a run, charts, report.html
//!  experiment                     arms × replications, estimate before a run
//!  model          network         the pathway; pure queueing networks
//!  scenario                       load, merge, validate
//!  output, stats, engine          result directories; statistics; event queue
//!  error, limits, metric, text    leaves
//! ```
//!
//! Library functions return typed errors that say whether anything was
//! left changed; none prints, exits or installs a signal handler. A run is
//! stopped through the cancel flag it is given.
#![warn(missing_docs)]

pub mod calibrate;
#[cfg(feature = "cli")]
pub mod cli;
pub mod engine;
pub mod error;
pub mod experiment;
pub mod limits;
pub mod metric;
pub mod model;
pub mod network;
pub mod output;
pub mod report;
pub mod scenario;
pub mod sensitivity;
pub mod stats;
pub mod text;

//! Past one machine: a run, a portfolio run or a PSA cut into units that
//! run anywhere (a Slurm array task, a Spark task) and merge into the very
//! files the single-machine command writes (issue #18).
//!
//! ```text
//!  scenario or portfolio ─plan─▶ Plan: plan.json, units.tsv, scenario/ (sources + resolved)
//!     unit i ─run_unit─▶ Part: the unit's reduced result, bytes with a header and a checksum
//!     parts, in unit order ─Merger─▶ summary.csv, …, run.json, charts/, report.html
//! ```
//!
//! A run's units are one warm-up diagnostic (what `run` checks and
//! `run.json` reports) and blocks of replications; a portfolio has those
//! for each PCN; a PSA blocks of draws. Replication `r` draws the same
//! random numbers whichever unit holds it, and the reductions merge
//! exactly ([`crate::experiment::ExperimentResult::merge`], the exact sums
//! and sketches of [`crate::stats`]), so the merged files equal one run's
//! byte for byte, apart from the run facts (wall time, threads).
//!
//! The core ([`plan()`], [`run_unit`], [`Merger`]) does no I/O: plans and
//! parts are bytes, for front ends without a shared file system (Spark
//! passes parts as binary columns). [`files`] is the thin layer over a
//! directory that the command line and Python use.
//!
//! # Example
//!
//! ```
//! use signpost::distributed::{plan, run_unit, Input, MergeFacts, Merger, Part, PlanRequest};
//! use std::sync::atomic::AtomicBool;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let text = "name = \"tiny\"\n[time]\nwarmup_days = 7\nhorizon_days = 14\n[population]\nlist_size = 2000\n";
//! let request = PlanRequest {
//!     input: Input::Scenario { label: "tiny.toml".into(), text: text.into() },
//!     replications: Some(3),
//!     seed: Some(1),
//!     unit_reps: 2,
//!     psa: None,
//! };
//! let plan = plan(&request)?;
//! assert_eq!(plan.units.len(), 3); // the warm-up diagnostic, replications 0..2 and 2..3
//! let loaded = plan.load()?;
//! let never = AtomicBool::new(false);
//! let mut merger = Merger::new(&plan, &loaded);
//! for i in 0..plan.units.len() {
//!     let bytes = run_unit(&plan, &loaded, i, &|_, _| {}, &never)?.to_bytes();
//!     merger.add(Part::from_bytes(&bytes)?)?;
//! }
//! let merged = merger.finish(MergeFacts { threads: 1, wall_seconds: 0.0 }, false)?;
//! assert!(merged.files.iter().any(|f| f.name == "summary.csv"));
//! # Ok(())
//! # }
//! ```

pub mod files;
mod merge;
pub mod part;
pub mod plan;
mod unit;
mod units;

pub use merge::{inventory, merge_parts, Found, MergeFacts, Merged, Merger};
pub use part::Part;
pub use plan::{plan, Input, Loaded, Plan, PlanKind, PlanRequest, PsaSettings, Unit, Work};
pub use unit::run_unit;

use crate::error::ScenarioError;
use crate::output::OutputError;

/// Why a plan, a unit or a merge did not complete. Nothing was left
/// changed: a part or result directory appears whole or not at all.
#[derive(Debug, thiserror::Error)]
pub enum DistError {
    /// A scenario of the plan was refused. Bad input.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// The plan is malformed, of another version, or its scenarios hash
    /// differently with this build. Bad input.
    #[error("{0}")]
    Plan(String),
    /// A part is missing, repeated, of another plan, truncated or
    /// corrupt. Bad input.
    #[error("{0}")]
    Part(String),
    /// A plan file could not be read. Bad input.
    #[error("{0}")]
    Io(String),
    /// Writing the plan, a part or the results failed.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// The cancel flag was set.
    #[error("cancelled")]
    Cancelled,
    /// Something that is not the input's fault (drawing charts).
    #[error("{0}")]
    Failed(String),
}

impl DistError {
    /// Whether the user must change something (exit code 2).
    pub fn is_bad_input(&self) -> bool {
        match self {
            DistError::Scenario(_) | DistError::Plan(_) | DistError::Part(_) | DistError::Io(_) => true,
            DistError::Output(e) => e.is_bad_input(),
            DistError::Cancelled | DistError::Failed(_) => false,
        }
    }
}

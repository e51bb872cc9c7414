//! Probabilistic sensitivity analysis (PSA) of a scenario: what we do not
//! know about its parameters, carried through the simulator to the
//! decision, with the value of learning more (issue #13).
//!
//! ```text
//!  scenario + [uncertainty] ─plan─▶ Plan (priors checked at the extremes any draw can take)
//!    ─run_psa─▶ draws: Sobol/LHS uniforms ─▶ parameter values ─▶ every arm × K replications,
//!               same values and the same random streams in every arm (common random numbers)
//!    ─analyse─▶ uncertainty intervals, P(best), CEAC, EVPI, EVPPI per parameter and group
//!    ─files──▶ psa.csv, psa_summary.csv, ceac.csv, voi.csv, run.json, charts, report.html
//! ```
//!
//! Draw `d` simulates with master seed `seed + d` and replications
//! `0..K`: it is exactly `signpost run --seed <seed + d> --reps K` with the
//! draw's parameter values, so a PSA whose priors are all fixed at the
//! scenario's values reproduces `run` draw by draw. Every function here is
//! pure: no files, clocks or signals; progress goes to a callback and a
//! cancel flag stops a run, as in [`crate::experiment::run_experiment`].

pub mod analysis;
pub mod files;
pub mod plan;
pub mod runner;

pub use analysis::{analyse, Analysis};
pub use plan::{plan, Plan};
pub use runner::{run_psa, PsaError, PsaOptions, PsaRun};

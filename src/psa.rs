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
//!
//! # Example
//!
//! ```
//! use signpost::psa::{analyse, plan, run_psa, PsaOptions};
//! use std::sync::atomic::AtomicBool;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // A tiny PCN for two weeks, with one trained arm and two uncertain keys.
//! let text = r#"
//! name = "tiny"
//! [time]
//! warmup_days = 0
//! horizon_days = 14
//! [population]
//! list_size = 2000
//! [[arms]]
//! name = "trained"
//! set = { "navigation.mode" = "active", "navigation.training" = "enhanced" }
//! [uncertainty]
//! "navigation.tiers.enhanced.identify" = { dist = "pert", low = 0.25, mode = 0.38, high = 0.5 }
//! "bounce.return_probability" = { dist = "beta", mean = 0.85, sd = 0.05 }
//! "#;
//! let plan = plan(text, "tiny.toml")?;
//! let options = PsaOptions { draws: 24, reps_per_draw: 1, seed: 1 };
//! let never = AtomicBool::new(false);
//! let run = run_psa(&plan, options, &|_done, _total| {}, &never)?;
//! let analysis = analyse(&plan, &run, 1)?;
//! // The CEAC sums to 1 at every willingness to pay.
//! for row in &analysis.ceac.probability_best {
//!     assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-9);
//! }
//! println!("EVPI per PCN-year: {:.0}", analysis.evpi * analysis.per_year);
//! # Ok(())
//! # }
//! ```

pub mod analysis;
pub mod files;
pub mod plan;
pub mod runner;

pub use analysis::{analyse, Analysis};
pub use plan::{plan, Plan};
pub use runner::{run_psa, PsaError, PsaOptions, PsaRun};

//! A whole ICB in one run: a portfolio of PCN scenarios with shared arms
//! ([`spec`]), run in one parallel pool with common random numbers per PCN
//! ([`run`]), and rolled up to the ICB from per-replication sums
//! ([`rollup`]).

pub mod rollup;
pub mod run;
pub mod spec;

pub use run::{diagnose, estimate, run_portfolio, PortfolioResult};
pub use spec::{is_portfolio, load_file, parse, pcn_seed, Pcn, Portfolio, PortfolioSpec};

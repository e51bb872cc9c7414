//! Pure queueing networks: servers with service-time distributions,
//! probabilistic routing (feedback allowed), finite capacity with loss, and
//! reneging. They let the engine be checked against queueing theory and
//! against other simulators, and let analysts model pathways other than the
//! built-in one.
//!
//! ```text
//!  arrivals ─► [node: c servers, queue ≤ capacity − c] ─► routing ─► node … ─► exit
//!                 │ full: rejected (lost)   │ patience ran out: reneged
//! ```
//!
//! A network scenario is a TOML file with a top-level `[network]` table (see
//! `docs/network.md`). [`load`] parses and checks it, [`run`] runs its
//! replications in parallel, [`write_outputs`] writes `summary.csv`,
//! `replications.csv`, `run.json` and `scenario.toml`, and
//! [`verify::run_verify`] checks the engine against closed forms.
//!
//! ```
//! let text = r#"
//! name = "mm1"
//! seed = 1
//! replications = 4
//! [network]
//! warmup = 100.0
//! horizon = 2000.0
//! [[network.nodes]]
//! name = "server"
//! service = { dist = "exponential", mean = 0.5 }
//! arrivals = { dist = "exponential", mean = 1.0 }
//! "#;
//! let scn = signpost::network::load_str(text, "<doc>").unwrap();
//! let res = signpost::network::run(&scn, 4, scn.seed);
//! let util = res.metric("utilisation.server").unwrap().mean().unwrap();
//! assert!((util - 0.5).abs() < 0.1);
//! ```

pub mod estimate;
pub mod results;
pub mod sim;
pub mod spec;
pub mod theory;
pub mod validate;
pub mod verify;

pub use results::{run, run_cancellable, write_outputs, MetricResult, NetworkResults};
pub use spec::{Destination, NetworkScenario, Node, RawNetworkScenario};
pub use validate::{is_network, load, load_str};

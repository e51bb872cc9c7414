//! What a network scenario says: the serde mirror of the TOML
//! ([`RawNetworkScenario`]) and the checked, typed description that runs
//! ([`NetworkScenario`]). [`super::validate`] is the only road from one to the
//! other.

use crate::engine::Categorical;
use crate::scenario::dist::{Dist, DistSpec};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The name a routing table uses for "leave the network".
pub const EXIT: &str = "exit";

/// A network scenario file, exactly as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNetworkScenario {
    /// Scenario name; names the output directory.
    pub name: String,
    /// One-line description.
    #[serde(default)]
    pub description: String,
    /// Master seed: replication `r` draws from streams keyed by `(seed, r)`.
    pub seed: u64,
    /// Independent replications (each one warm-up plus horizon).
    pub replications: i64,
    /// The queueing network.
    pub network: RawNetwork,
}

/// The `[network]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNetwork {
    /// Time simulated before statistics start \[minutes\]. Default 0.
    #[serde(default)]
    pub warmup: f64,
    /// Time over which statistics are collected, after the warm-up \[minutes\].
    pub horizon: f64,
    /// The service nodes, in order.
    pub nodes: Vec<RawNode>,
}

fn default_servers() -> i64 {
    1
}

/// One `[[network.nodes]]` entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNode {
    /// Unique node name, used in routing tables and metric names.
    pub name: String,
    /// Identical parallel servers. Default 1.
    #[serde(default = "default_servers")]
    pub servers: i64,
    /// Service time of one customer \[minutes\].
    pub service: DistSpec,
    /// Time between external arrivals \[minutes\] (exponential = Poisson
    /// arrivals). Absent: no external arrivals at this node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrivals: Option<DistSpec>,
    /// Maximum number in the node (queue plus service); an arrival that finds
    /// it full is rejected and leaves the network. 0 = unbounded. Default 0.
    #[serde(default)]
    pub capacity: i64,
    /// Patience of a waiting customer \[minutes\]: one still queued when it
    /// runs out reneges and leaves the network. Absent: infinitely patient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patience: Option<DistSpec>,
    /// Where a customer goes after service: node name (or `exit`) to
    /// probability, summing to 1. Default `{ exit = 1.0 }`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub routing: BTreeMap<String, f64>,
}

/// Where a served customer goes next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destination {
    /// Another node (or the same one: feedback), by index.
    Node(usize),
    /// Out of the network.
    Exit,
}

/// A checked node, ready to simulate.
#[derive(Debug, Clone)]
pub struct Node {
    /// Unique name.
    pub name: String,
    /// Parallel servers (>= 1).
    pub servers: u32,
    /// Service time \[minutes\].
    pub service: Dist,
    /// External inter-arrival time \[minutes\], if any.
    pub arrivals: Option<Dist>,
    /// Maximum number in the node (queue plus service), if bounded (>= servers).
    pub capacity: Option<u32>,
    /// Patience in the queue \[minutes\], if customers renege.
    pub patience: Option<Dist>,
    /// Routing after service, probabilities > 0 summing to 1, in the order
    /// of the routing table's keys.
    pub routing: Vec<(Destination, f64)>,
    /// The routing draw: next node index, [`ROUTE_EXIT`] for exit; the
    /// thresholds are cumulative probabilities with the last one closed at 1.
    pub(crate) routing_choice: Categorical<u32>,
}

/// Routing target code for "exit" in [`Node::routing_choice`].
pub(crate) const ROUTE_EXIT: u32 = u32::MAX;

impl Node {
    /// Probability of going from this node straight to node `j`.
    pub fn probability_to(&self, j: usize) -> f64 {
        self.routing
            .iter()
            .filter(|(d, _)| *d == Destination::Node(j))
            .map(|(_, p)| p)
            .sum()
    }

    /// Probability of leaving the network after service here.
    pub fn probability_exit(&self) -> f64 {
        self.routing.iter().filter(|(d, _)| *d == Destination::Exit).map(|(_, p)| p).sum()
    }
}

/// A checked network scenario. Immutable: share it across threads by
/// reference; each replication builds its own state.
#[derive(Debug, Clone)]
pub struct NetworkScenario {
    /// Where it came from (a path or a label), for messages.
    pub file: String,
    /// Scenario name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Master seed.
    pub seed: u64,
    /// Replications asked for in the file.
    pub replications: u64,
    /// Warm-up \[minutes\].
    pub warmup: f64,
    /// Statistics window after the warm-up \[minutes\].
    pub horizon: f64,
    /// The nodes.
    pub nodes: Vec<Node>,
    /// The file as parsed (for `scenario.toml` provenance).
    pub raw: RawNetworkScenario,
}

impl NetworkScenario {
    /// Index of the node called `name`.
    pub fn node_index(&self, name: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.name == name)
    }

    /// The same scenario with another warm-up and horizon \[minutes\]
    /// (both must be finite, warm-up >= 0, horizon > 0).
    pub fn with_run_length(&self, warmup: f64, horizon: f64) -> Self {
        assert!(warmup.is_finite() && warmup >= 0.0 && horizon.is_finite() && horizon > 0.0);
        let mut s = self.clone();
        s.warmup = warmup;
        s.horizon = horizon;
        s.raw.network.warmup = warmup;
        s.raw.network.horizon = horizon;
        s
    }
}

//! A rough size of a network run, to refuse impossible ones and warn about
//! long ones before anything starts.

use super::theory::{analyse, routing_and_external_rates, traffic_equations};
use super::NetworkScenario;

/// Events processed per second on one core (measured ~15 M/s on ref-net;
/// rounded down).
const EVENTS_PER_SECOND: f64 = 10.0e6;

/// Bytes held per customer waiting in a queue (the queue entry and its
/// share of the event heap).
const BYTES_PER_WAITING: f64 = 48.0;

/// Estimated events, peak memory \[bytes\] and run time \[s\].
#[derive(Debug, Clone, Copy)]
pub struct NetworkEstimate {
    /// Events over all replications.
    pub events: f64,
    /// Peak memory with `threads` replications running at once \[bytes\].
    pub bytes: f64,
    /// Wall time on `threads` threads \[s\].
    pub seconds: f64,
}

/// Events counted as the simulation counts them (and `run.json` reports
/// them, the peers' definition): every external arrival and every service
/// completion, over warm-up and horizon. Arrival rates come from the
/// traffic equations; a node's completions per minute are its busy servers
/// over the mean service time, from its closed form where theory has one
/// (so customers lost to a full node or to impatience are not counted as
/// served), else the offered rate up to what the servers can do. Memory
/// comes from the growth of every unbounded queue whose arrival rate
/// exceeds its service capacity.
pub fn estimate(scn: &NetworkScenario, replications: u64, threads: usize) -> NetworkEstimate {
    let (p, gamma) = routing_and_external_rates(scn);
    let lambda = traffic_equations(&p, &gamma).unwrap_or_else(|| gamma.clone());
    let theory = analyse(scn);
    let minutes = scn.warmup + scn.horizon;
    let completions: f64 = scn
        .nodes
        .iter()
        .zip(&lambda)
        .zip(&theory)
        .map(|((node, &l), t)| {
            let capacity = f64::from(node.servers) / node.service.mean();
            match t {
                Some(t) => t.utilisation * capacity,
                None => l.min(capacity),
            }
        })
        .sum();
    let per_replication = (gamma.iter().sum::<f64>() + completions) * minutes;
    let growth: f64 = scn
        .nodes
        .iter()
        .zip(&lambda)
        .filter(|(node, _)| node.capacity.is_none() && node.patience.is_none())
        .map(|(node, &l)| (l - f64::from(node.servers) / node.service.mean()).max(0.0) * minutes)
        .sum();
    let threads = threads.max(1) as f64;
    let events = per_replication * replications as f64;
    NetworkEstimate {
        events,
        bytes: (growth * BYTES_PER_WAITING + 1e6) * threads.min(replications as f64),
        seconds: events / EVENTS_PER_SECOND / threads,
    }
}

//! A rough size of a network run, to refuse impossible ones and warn about
//! long ones before anything starts.

use super::theory::{routing_and_external_rates, traffic_equations};
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

/// Visits per minute at each node from the traffic equations, events as
/// three per visit (arrival, start, end), and memory from the growth of
/// every unbounded queue whose arrival rate exceeds its service capacity.
pub fn estimate(scn: &NetworkScenario, replications: u64, threads: usize) -> NetworkEstimate {
    let (p, gamma) = routing_and_external_rates(scn);
    let lambda = traffic_equations(&p, &gamma).unwrap_or(gamma);
    let minutes = scn.warmup + scn.horizon;
    let visits: f64 = lambda.iter().sum::<f64>() * minutes;
    let growth: f64 = scn
        .nodes
        .iter()
        .zip(&lambda)
        .filter(|(node, _)| node.capacity.is_none() && node.patience.is_none())
        .map(|(node, &l)| (l - f64::from(node.servers) / node.service.mean()).max(0.0) * minutes)
        .sum();
    let threads = threads.max(1) as f64;
    let events = 3.0 * visits * replications as f64;
    NetworkEstimate {
        events,
        bytes: (growth * BYTES_PER_WAITING + 1e6) * threads.min(replications as f64),
        seconds: events / EVENTS_PER_SECOND / threads,
    }
}

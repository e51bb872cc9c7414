//! One replication of a queueing network.
//!
//! Customers live in an arena (`Vec<Customer>` plus a free list) and are
//! named by index; events are small `Copy` values; each node is an
//! [`engine::Resource`](crate::engine::Resource) of customer indices. Nothing is allocated per event once the arena, the
//! queues and the event heap have grown to their working size, and nothing on
//! the hot path is a hash map or a trait object.
//!
//! Ordering at one instant is explicit: when a service completes, the freed
//! server first takes the head of its queue, and only then is the departing
//! customer routed (possibly back to the same node, where it joins the back
//! of the queue). A release happens before a seize.

use super::spec::{NetworkScenario, ROUTE_EXIT};
use crate::engine::{stream_rng, Admission, EventQueue, QueueLimit, Resource, SimRng, Stream, Ticket};
use crate::limits::CANCEL_CHECK_EVENTS;
use crate::stats::Summary;
use rand::Rng;
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Debug, Clone, Copy)]
enum Event {
    /// The next external arrival at `node`.
    Arrival { node: u32 },
    /// `cust` finishes service at `node`.
    Completion { node: u32, cust: u32 },
    /// `cust`'s patience runs out, if it still holds `ticket` in the queue.
    Renege { node: u32, cust: u32, ticket: Ticket },
}

#[derive(Debug, Clone, Copy)]
struct Customer {
    /// Arrival time at the current node \[minutes\].
    arrived: f64,
    /// Arrival order at the current node, for the FIFO check.
    ticket: u64,
}

/// Statistics of one node in one replication, over the window after the
/// warm-up. Counts are of events in the window; waits and sojourns are of
/// customers who arrived at the node in the window.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeStats {
    /// Arrivals (external and routed).
    pub arrivals: u64,
    /// Arrivals admitted (not rejected).
    pub admitted: u64,
    /// Arrivals rejected because the node was full.
    pub rejections: u64,
    /// Customers who left the queue unserved.
    pub reneges: u64,
    /// Service completions.
    pub completions: u64,
    /// Time in queue of served customers \[minutes\].
    pub wait: Summary,
    /// Time in node (queue + service) of served customers \[minutes\].
    pub sojourn: Summary,
    /// Time in node of every departing admitted customer, served or
    /// reneged \[minutes\] (the W of Little's law L = λW).
    pub time_in_node: Summary,
    /// Length of the statistics window \[minutes\].
    pub window: f64,
    /// Integral of the number waiting over the window \[customer·minutes\].
    pub queue_area: f64,
    /// Integral of the number of busy servers over the window
    /// \[server·minutes\].
    pub busy_area: f64,
}

impl NodeStats {
    /// Time-average number waiting, Lq.
    pub fn queue_mean(&self) -> f64 {
        self.queue_area / self.window
    }

    /// Time-average number of busy servers.
    pub fn busy_mean(&self) -> f64 {
        self.busy_area / self.window
    }

    /// Folds `other` in, as if its window followed this one: counts and
    /// areas add, per-customer summaries merge, so time averages become
    /// averages over the combined window.
    pub fn merge(&mut self, other: &NodeStats) {
        self.arrivals += other.arrivals;
        self.admitted += other.admitted;
        self.rejections += other.rejections;
        self.reneges += other.reneges;
        self.completions += other.completions;
        self.wait.merge(&other.wait);
        self.sojourn.merge(&other.sojourn);
        self.time_in_node.merge(&other.time_in_node);
        self.window += other.window;
        self.queue_area += other.queue_area;
        self.busy_area += other.busy_area;
    }
}

/// Whole-run counts of one node (warm-up included), for invariant checks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeAudit {
    /// Arrivals.
    pub arrivals: u64,
    /// Rejections.
    pub rejections: u64,
    /// Reneges.
    pub reneges: u64,
    /// Service completions.
    pub completions: u64,
    /// Customers in the node (queue + service) when the run ended.
    pub in_node_at_end: u64,
    /// Most servers busy at once.
    pub max_busy: u32,
    /// Most customers waiting at once.
    pub max_waiting: u32,
    /// Service starts out of arrival order (must be 0: FIFO).
    pub fifo_violations: u64,
    /// Whether the waiting count matched the live entries of the queue at
    /// the end.
    pub queue_consistent: bool,
}

/// Whole-run counts of the network, for invariant checks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Audit {
    /// External arrivals.
    pub external_arrivals: u64,
    /// Customers who left through `exit`.
    pub exits: u64,
    /// Customers lost to a full node.
    pub rejections: u64,
    /// Customers who reneged.
    pub reneges: u64,
    /// Customers still in the network when the run ended.
    pub in_system_at_end: u64,
    /// Per node.
    pub nodes: Vec<NodeAudit>,
}

/// The outcome of one replication.
#[derive(Debug, Clone, PartialEq)]
pub struct Replication {
    /// Replication index (its random streams are keyed by it).
    pub index: u64,
    /// External arrivals plus service completions over the whole run, the
    /// peers' definition of an event.
    pub events: u64,
    /// Length of the statistics window \[minutes\].
    pub horizon: f64,
    /// Per-node statistics.
    pub nodes: Vec<NodeStats>,
    /// Whole-run bookkeeping.
    pub audit: Audit,
}

struct NodeState {
    /// Servers and queue; entries of customers who reneged stay until they
    /// reach the front, where they are skipped.
    res: Resource<u32>,
    next_ticket: u64,
    last_started: u64,
    service_rng: SimRng,
    routing_rng: SimRng,
    arrival_rng: SimRng,
    patience_rng: SimRng,
    stats: NodeStats,
    audit: NodeAudit,
}

/// Stream numbers: four per node, so that adding patience to one node, say,
/// never shifts the service times or routing of any node (common random
/// numbers across variants of a network).
fn node_stream(node: usize, purpose: u32) -> Stream {
    Stream::Numbered(4 * node as u32 + purpose)
}

struct Sim<'a> {
    scn: &'a NetworkScenario,
    warmup: f64,
    events: EventQueue<Event>,
    customers: Vec<Customer>,
    free: Vec<u32>,
    nodes: Vec<NodeState>,
    audit: Audit,
    counted_events: u64,
}

/// Runs replication `index` of `scn` with master seed `seed`.
pub fn simulate(scn: &NetworkScenario, seed: u64, index: u64) -> Replication {
    let never = AtomicBool::new(false);
    let completed = simulate_cancellable(scn, seed, index, &never);
    completed.unwrap_or_else(|| unreachable!("a replication nobody can cancel completes"))
}

/// As [`simulate`], but gives up and returns `None` within
/// [`CANCEL_CHECK_EVENTS`] events of `cancel` being set.
pub fn simulate_cancellable(scn: &NetworkScenario, seed: u64, index: u64, cancel: &AtomicBool) -> Option<Replication> {
    if cancel.load(Ordering::Relaxed) {
        return None;
    }
    let warmup = scn.warmup;
    let end = scn.warmup + scn.horizon;
    let nodes = scn
        .nodes
        .iter()
        .enumerate()
        .map(|(i, node)| NodeState {
            res: Resource::new(
                node.servers,
                node.capacity
                    .map_or(QueueLimit::Unbounded, |k| QueueLimit::AtMost(k - node.servers)),
                warmup,
            ),
            next_ticket: 1,
            last_started: 0,
            service_rng: stream_rng(seed, index, node_stream(i, 0)),
            routing_rng: stream_rng(seed, index, node_stream(i, 1)),
            arrival_rng: stream_rng(seed, index, node_stream(i, 2)),
            patience_rng: stream_rng(seed, index, node_stream(i, 3)),
            stats: NodeStats {
                arrivals: 0,
                admitted: 0,
                rejections: 0,
                reneges: 0,
                completions: 0,
                wait: Summary::new(),
                sojourn: Summary::new(),
                time_in_node: Summary::new(),
                window: scn.horizon,
                queue_area: 0.0,
                busy_area: 0.0,
            },
            audit: NodeAudit::default(),
        })
        .collect();
    let mut sim = Sim {
        scn,
        warmup,
        events: EventQueue::new(),
        customers: Vec::with_capacity(1024),
        free: Vec::with_capacity(1024),
        nodes,
        audit: Audit::default(),
        counted_events: 0,
    };
    for (i, node) in scn.nodes.iter().enumerate() {
        if let Some(d) = &node.arrivals {
            let t = d.sample(&mut sim.nodes[i].arrival_rng);
            sim.events.push(t, Event::Arrival { node: i as u32 });
        }
    }
    while let Some((t, ev)) = sim.events.pop() {
        if t > end {
            break;
        }
        if sim.events.events_processed() % CANCEL_CHECK_EVENTS == 0 && cancel.load(Ordering::Relaxed) {
            return None;
        }
        match ev {
            Event::Arrival { node } => sim.external_arrival(node as usize, t),
            Event::Completion { node, cust } => sim.complete(node as usize, cust, t),
            Event::Renege { node, cust, ticket } => sim.renege(node as usize, cust, ticket, t),
        }
    }
    Some(sim.finish(index, end))
}

impl Sim<'_> {
    fn external_arrival(&mut self, j: usize, t: f64) {
        self.counted_events += 1;
        self.audit.external_arrivals += 1;
        let scn = self.scn;
        if let Some(d) = &scn.nodes[j].arrivals {
            let next = t + d.sample(&mut self.nodes[j].arrival_rng);
            self.events.push(next, Event::Arrival { node: j as u32 });
        }
        let cust = self.alloc();
        self.enter(j, cust, t);
    }

    fn alloc(&mut self) -> u32 {
        if let Some(c) = self.free.pop() {
            c
        } else {
            self.customers.push(Customer { arrived: 0.0, ticket: 0 });
            (self.customers.len() - 1) as u32
        }
    }

    /// `cust` arrives at node `j` at time `t`.
    fn enter(&mut self, j: usize, cust: u32, t: f64) {
        let spec = &self.scn.nodes[j];
        let in_window = t >= self.warmup;
        let st = &mut self.nodes[j];
        st.audit.arrivals += 1;
        if in_window {
            st.stats.arrivals += 1;
        }
        match st.res.seize(t, cust) {
            Admission::Rejected(_) => {
                st.audit.rejections += 1;
                if in_window {
                    st.stats.rejections += 1;
                }
                self.audit.rejections += 1;
                self.free.push(cust);
            }
            Admission::Served => {
                self.admitted(j, cust, t);
                self.start_service(j, cust, t);
            }
            Admission::Queued(ticket) => {
                self.admitted(j, cust, t);
                let st = &mut self.nodes[j];
                st.audit.max_waiting = st.audit.max_waiting.max(st.res.waiting());
                if let Some(p) = &spec.patience {
                    let at = t + p.sample(&mut st.patience_rng);
                    self.events.push(
                        at,
                        Event::Renege {
                            node: j as u32,
                            cust,
                            ticket,
                        },
                    );
                }
            }
        }
    }

    /// `cust` was admitted to node `j` at `t`: stamp it for the FIFO audit.
    fn admitted(&mut self, j: usize, cust: u32, t: f64) {
        let st = &mut self.nodes[j];
        if t >= self.warmup {
            st.stats.admitted += 1;
        }
        let c = &mut self.customers[cust as usize];
        c.arrived = t;
        c.ticket = st.next_ticket;
        st.next_ticket += 1;
    }

    /// `cust` has just taken a server of node `j`.
    fn start_service(&mut self, j: usize, cust: u32, t: f64) {
        let spec = &self.scn.nodes[j];
        let st = &mut self.nodes[j];
        let c = &self.customers[cust as usize];
        if c.ticket <= st.last_started {
            st.audit.fifo_violations += 1;
        }
        debug_assert!(c.ticket > st.last_started, "FIFO violated at node {j}");
        st.last_started = c.ticket;
        debug_assert!(st.res.busy() <= spec.servers, "more busy servers than servers at node {j}");
        st.audit.max_busy = st.audit.max_busy.max(st.res.busy());
        if c.arrived >= self.warmup {
            st.stats.wait.add(t - c.arrived);
        }
        let done = t + spec.service.sample(&mut st.service_rng);
        self.events.push(done, Event::Completion { node: j as u32, cust });
    }

    fn complete(&mut self, j: usize, cust: u32, t: f64) {
        self.counted_events += 1;
        let spec = &self.scn.nodes[j];
        let warmup = self.warmup;
        let st = &mut self.nodes[j];
        st.res.release(t);
        st.audit.completions += 1;
        if t >= warmup {
            st.stats.completions += 1;
        }
        let arrived = self.customers[cust as usize].arrived;
        if arrived >= warmup {
            st.stats.sojourn.add(t - arrived);
            st.stats.time_in_node.add(t - arrived);
        }
        // Release before seize: the freed server takes the head of the queue
        // before the departing customer is routed anywhere.
        if let Some((next, _)) = st.res.admit_next(t, |_| true) {
            self.start_service(j, next, t);
        }
        let st = &mut self.nodes[j];
        let u: f64 = st.routing_rng.random();
        let to = spec.routing_choice.sample(u).expect("validated: routing has an entry");
        if to == ROUTE_EXIT {
            self.audit.exits += 1;
            self.free.push(cust);
        } else {
            self.enter(to as usize, cust, t);
        }
    }

    fn renege(&mut self, j: usize, cust: u32, ticket: Ticket, t: f64) {
        let st = &mut self.nodes[j];
        if !st.res.renege(t, ticket) {
            return; // already in service or gone
        }
        let arrived = self.customers[cust as usize].arrived;
        st.audit.reneges += 1;
        if t >= self.warmup {
            st.stats.reneges += 1;
        }
        if arrived >= self.warmup {
            st.stats.time_in_node.add(t - arrived);
        }
        self.audit.reneges += 1;
        self.free.push(cust);
    }

    fn finish(mut self, index: u64, end: f64) -> Replication {
        let horizon = self.scn.horizon;
        let mut in_system = 0;
        for st in &mut self.nodes {
            st.stats.queue_area = st.res.queue_level().area(end);
            st.stats.busy_area = st.res.busy_level().area(end);
            st.audit.queue_consistent = st.res.is_consistent();
            st.audit.in_node_at_end = u64::from(st.res.busy()) + u64::from(st.res.waiting());
            in_system += st.audit.in_node_at_end;
        }
        self.audit.in_system_at_end = in_system;
        self.audit.nodes = self.nodes.iter().map(|s| s.audit.clone()).collect();
        Replication {
            index,
            events: self.counted_events,
            horizon,
            nodes: self.nodes.into_iter().map(|s| s.stats).collect(),
            audit: self.audit,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::load_str;

    /// Merging the node statistics of replications pools them: counts add,
    /// and the merged time average is the window-weighted mean.
    #[test]
    fn node_stats_merge_pools_replications() {
        let scn = load_str(
            "name = \"m\"\nseed = 3\nreplications = 3\n[network]\nwarmup = 10.0\nhorizon = 500.0\n\
             [[network.nodes]]\nname = \"a\"\nservers = 2\ncapacity = 4\n\
             service = { dist = \"exponential\", mean = 1.5 }\narrivals = { dist = \"exponential\", mean = 1.0 }\n",
            "<test>",
        )
        .unwrap();
        let reps: Vec<NodeStats> = (0..3).map(|r| simulate(&scn, 3, r).nodes[0].clone()).collect();
        let mut all = reps[0].clone();
        all.merge(&reps[1]);
        all.merge(&reps[2]);
        let sum = |f: fn(&NodeStats) -> f64| reps.iter().map(f).sum::<f64>();
        assert_eq!(all.arrivals as f64, sum(|s| s.arrivals as f64));
        assert_eq!(all.wait.count() as f64, sum(|s| s.wait.count() as f64));
        assert!((all.queue_mean() - sum(|s| s.queue_mean()) / 3.0).abs() < 1e-12);
        let pooled_wait = sum(|s| s.wait.sum()) / all.wait.count() as f64;
        assert!((all.wait.mean().unwrap() - pooled_wait).abs() < 1e-9);
    }
}

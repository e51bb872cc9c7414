//! The resource against queueing theory and against its own invariants.
//!
//! A minimal M/M/c/K+M driver (Poisson arrivals, exponential service and
//! patience) runs on [`Resource`] and [`EventQueue`] alone, with no model
//! around them, and each closed form of `signpost verify` must lie inside
//! the 99% confidence interval of the replication means.

use super::*;
use crate::engine::{stream_rng, EventQueue, Stream};
use crate::network::theory::{erlang_b, erlang_c, mmc, mmc_abandonment, mmck};
use crate::stats::Summary;
use rand_distr::{Distribution, Exp};

#[derive(Debug, Clone, Copy)]
enum Ev {
    Arrival,
    Done,
    Renege(u32, Ticket),
}

/// One node's inputs: rates per minute, times in minutes.
struct Node {
    servers: u32,
    limit: QueueLimit,
    lambda: f64,
    mean_service: f64,
    mean_patience: Option<f64>,
}

/// Window means of one replication.
struct Observed {
    p_block: f64,
    p_wait: f64,
    wait: f64,
    queue: f64,
    utilisation: f64,
    p_renege: f64,
}

const WARMUP: f64 = 500.0;
const HORIZON: f64 = 20_000.0;

fn replicate(node: &Node, rep: u64) -> Observed {
    let mut rng = stream_rng(11, rep, Stream::Numbered(0));
    let inter = Exp::new(node.lambda).unwrap();
    let service = Exp::new(1.0 / node.mean_service).unwrap();
    let patience = node.mean_patience.map(|m| Exp::new(1.0 / m).unwrap());
    let mut res: Resource<u32> = Resource::new(node.servers, node.limit, WARMUP);
    let mut q = EventQueue::new();
    let mut arrived: Vec<f64> = Vec::new();
    let (mut offered, mut blocked, mut waited, mut reneged) = (0u64, 0u64, 0u64, 0u64);
    let mut wait = Summary::new();
    q.push(inter.sample(&mut rng), Ev::Arrival);
    let end = WARMUP + HORIZON;
    while let Some((t, ev)) = q.pop() {
        if t > end {
            break;
        }
        let window = t >= WARMUP;
        match ev {
            Ev::Arrival => {
                q.push(t + inter.sample(&mut rng), Ev::Arrival);
                let id = arrived.len() as u32;
                arrived.push(t);
                offered += u64::from(window);
                match res.seize(t, id) {
                    Admission::Served => {
                        wait.add(0.0);
                        q.push(t + service.sample(&mut rng), Ev::Done);
                    }
                    Admission::Queued(ticket) => {
                        waited += u64::from(window);
                        if let Some(p) = &patience {
                            q.push(t + p.sample(&mut rng), Ev::Renege(id, ticket));
                        }
                    }
                    Admission::Rejected(_) => blocked += u64::from(window),
                }
            }
            Ev::Done => {
                res.release(t);
                if let Some((_, joined)) = res.admit_next(t, |_| true) {
                    if joined >= WARMUP {
                        wait.add(t - joined);
                    }
                    q.push(t + service.sample(&mut rng), Ev::Done);
                }
            }
            Ev::Renege(id, ticket) => {
                if res.renege(t, ticket) && arrived[id as usize] >= WARMUP {
                    reneged += 1;
                }
            }
        }
        assert!(res.busy() <= res.capacity(), "more busy than servers");
        debug_assert!(res.is_consistent());
    }
    assert!(res.is_consistent(), "waiting count drifted from the live queue");
    let admitted = (offered - blocked) as f64;
    Observed {
        p_block: blocked as f64 / offered as f64,
        p_wait: waited as f64 / admitted,
        wait: wait.mean().unwrap_or(0.0),
        queue: res.queue_level().mean_until(end),
        utilisation: res.busy_level().mean_until(end) / f64::from(node.servers),
        p_renege: reneged as f64 / admitted,
    }
}

/// Asserts `theory` lies in the 99% CI of `pick` over 30 replications.
fn check(node: &Node, label: &str, theory: f64, pick: fn(&Observed) -> f64) {
    let values = Summary::of((0..30).map(|r| pick(&replicate(node, r))));
    let ci = values.confidence_interval(0.99).unwrap();
    assert!(
        ci.contains(theory),
        "{label}: theory {theory:.5} outside the 99% CI [{:.5}, {:.5}] of the simulated mean",
        ci.low,
        ci.high
    );
}

#[test]
fn erlang_b_loss_system() {
    let node = Node {
        servers: 3,
        limit: QueueLimit::AtMost(0),
        lambda: 2.0,
        mean_service: 1.0,
        mean_patience: None,
    };
    check(&node, "Erlang B blocking", erlang_b(3, 2.0), |o| o.p_block);
    check(&node, "Erlang B utilisation", 2.0 * (1.0 - erlang_b(3, 2.0)) / 3.0, |o| {
        o.utilisation
    });
}

#[test]
fn erlang_c_delay_system() {
    let node = Node {
        servers: 3,
        limit: QueueLimit::Unbounded,
        lambda: 2.4,
        mean_service: 1.0,
        mean_patience: None,
    };
    let theory = mmc(3, 2.4, 1.0).unwrap();
    check(&node, "Erlang C P(wait)", erlang_c(3, 2.4), |o| o.p_wait);
    check(&node, "M/M/c Wq", theory.wait, |o| o.wait);
    check(&node, "M/M/c Lq", theory.queue, |o| o.queue);
    check(&node, "M/M/c utilisation", theory.utilisation, |o| o.utilisation);
}

#[test]
fn mmck_finite_room() {
    let node = Node {
        servers: 2,
        limit: QueueLimit::AtMost(3),
        lambda: 2.0,
        mean_service: 1.2,
        mean_patience: None,
    };
    let theory = mmck(2, 5, 2.0, 1.2);
    check(&node, "M/M/c/K blocking", theory.p_block, |o| o.p_block);
    check(&node, "M/M/c/K Lq", theory.queue, |o| o.queue);
    check(&node, "M/M/c/K utilisation", theory.utilisation, |o| o.utilisation);
}

#[test]
fn erlang_a_patience() {
    let node = Node {
        servers: 2,
        limit: QueueLimit::Unbounded,
        lambda: 2.2,
        mean_service: 1.0,
        mean_patience: Some(2.0),
    };
    let theory = mmc_abandonment(2, None, 2.2, 1.0, 2.0);
    check(&node, "Erlang A P(renege)", theory.p_renege, |o| o.p_renege);
    check(&node, "Erlang A Lq", theory.queue, |o| o.queue);
    check(&node, "Erlang A utilisation", theory.utilisation, |o| o.utilisation);
}

#[test]
fn renege_after_service_or_drain_is_a_no_op() {
    let mut r: Resource<u32> = Resource::new(1, QueueLimit::Unbounded, 0.0);
    assert_eq!(r.seize(0.0, 1), Admission::Served);
    let Admission::Queued(t2) = r.seize(1.0, 2) else { panic!("queued") };
    let Admission::Queued(t3) = r.seize(2.0, 3) else { panic!("queued") };
    r.release(3.0);
    assert_eq!(r.admit_next(3.0, |_| true), Some((2, 1.0)));
    assert!(!r.renege(4.0, t2), "2 is in service");
    assert!(r.renege(4.0, t3));
    assert!(!r.renege(4.5, t3), "a second renege finds nobody");
    assert_eq!(r.waiting(), 0);
    let Admission::Queued(t4) = r.seize(5.0, 4) else { panic!("queued") };
    assert_eq!(r.drain(6.0), vec![(4, 5.0)]);
    assert!(!r.renege(7.0, t4));
    assert!(r.is_consistent());
    // Queue length 1 over [1, 4) and [5, 6), 2 over [2, 3): area 5.
    assert_eq!(r.queue_level().area(10.0), 5.0);
}

#[test]
fn closed_rejects_and_admits_nobody_until_open() {
    let mut r: Resource<u32> = Resource::new(1, QueueLimit::AtMost(1), 0.0);
    assert_eq!(r.seize(0.0, 1), Admission::Served);
    assert!(matches!(r.seize(0.0, 2), Admission::Queued(_)));
    assert_eq!(r.seize(0.0, 3), Admission::Rejected(Refusal::Full));
    r.close(1.0);
    assert_eq!(r.seize(1.0, 4), Admission::Rejected(Refusal::Closed));
    r.release(2.0);
    assert_eq!(r.admit_next(2.0, |_| true), None, "closed: nobody admitted");
    r.open(3.0);
    assert_eq!(r.admit_next(3.0, |_| true), Some((2, 0.0)));
    // Capacity 1 except while closed over [1, 3).
    assert_eq!(r.capacity_level().area(4.0), 2.0);
}

#[test]
fn stale_entries_are_dropped_at_the_front_and_capacity_can_change() {
    let mut r: Resource<u32> = Resource::new(0, QueueLimit::Unbounded, 0.0);
    for id in 1..=4 {
        r.enqueue(0.0, id);
    }
    r.set_capacity(1.0, 2);
    let wanted = |id: u32| id % 2 == 0;
    assert_eq!(r.admit_next(1.0, wanted), Some((2, 0.0)), "1 is stale and dropped");
    assert_eq!(r.admit_next(1.0, wanted), Some((4, 0.0)), "3 is stale and dropped");
    assert_eq!(r.admit_next(1.0, wanted), None, "capacity reached");
    assert_eq!((r.busy(), r.waiting()), (2, 0));
    r.set_capacity(2.0, 1);
    r.release(3.0);
    assert_eq!(r.busy(), 1);
    assert!(!r.has_free_server(), "busy 1 of 1 after the cut");
}

#[test]
fn call_next_leaves_the_free_server_to_the_caller() {
    let mut r: Resource<u32> = Resource::new(1, QueueLimit::Unbounded, 0.0);
    r.enqueue(0.0, 7);
    r.enqueue(0.0, 8);
    assert_eq!(r.call_next(1.0, |_| true), Some((7, 0.0)));
    assert_eq!(r.busy(), 0, "7 did not turn up: the place stays free");
    assert_eq!(r.admit_next(1.0, |_| true), Some((8, 0.0)));
    assert_eq!(r.call_next(1.0, |_| true), None, "no free server");
}

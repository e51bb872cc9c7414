//! Property tests on random small networks: conservation, queues never
//! negative, busy servers never above the server count, FIFO within a node,
//! and identical results for any number of threads.

use proptest::prelude::*;
use signpost::network::{load_str, run, RawNetworkScenario};
use signpost::scenario::dist::DistSpec;
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
struct NodeParams {
    servers: i64,
    extra_room: Option<i64>,
    service_kind: u8,
    service_mean: f64,
    arrival_mean: Option<f64>,
    patience: Option<f64>,
    weights: Vec<f64>,
    exit_weight: f64,
}

fn dist(kind: u8, mean: f64) -> DistSpec {
    match kind % 6 {
        0 => DistSpec::Exponential { mean },
        1 => DistSpec::Deterministic { value: mean },
        2 => DistSpec::Uniform {
            low: 0.0,
            high: 2.0 * mean,
        },
        3 => DistSpec::Lognormal { mean, sd: mean },
        4 => DistSpec::Gamma { mean, sd: 0.5 * mean },
        _ => DistSpec::Empirical {
            values: vec![0.5 * mean, mean, 1.5 * mean],
        },
    }
}

fn node_params(n: usize) -> impl Strategy<Value = NodeParams> {
    (
        1i64..=3,
        prop::option::of(0i64..=3),
        0u8..6,
        0.2f64..3.0,
        prop::option::of(0.3f64..3.0),
        prop::option::of(0.5f64..5.0),
        prop::collection::vec(0.01f64..1.0, n),
        0.2f64..1.0,
    )
        .prop_map(
            |(servers, extra_room, service_kind, service_mean, arrival_mean, patience, weights, exit_weight)| NodeParams {
                servers,
                extra_room,
                service_kind,
                service_mean,
                arrival_mean,
                patience,
                weights,
                exit_weight,
            },
        )
}

fn network() -> impl Strategy<Value = String> {
    (1usize..=4)
        .prop_flat_map(|n| prop::collection::vec(node_params(n), n))
        .prop_map(|params| {
            let n = params.len();
            let names: Vec<String> = (0..n).map(|i| format!("n{i}")).collect();
            let nodes = params
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let total: f64 = p.weights.iter().sum::<f64>() + p.exit_weight;
                    let mut routing = BTreeMap::new();
                    for (j, w) in p.weights.iter().enumerate() {
                        routing.insert(names[j].clone(), w / total);
                    }
                    // Put the rounding remainder on exit so the sum is 1.
                    let used: f64 = routing.values().sum();
                    routing.insert("exit".to_string(), 1.0 - used);
                    signpost::network::spec::RawNode {
                        name: names[i].clone(),
                        servers: p.servers,
                        service: dist(p.service_kind, p.service_mean),
                        // Node 0 always has arrivals, so every node is visited.
                        arrivals: if i == 0 {
                            Some(DistSpec::Exponential {
                                mean: p.arrival_mean.unwrap_or(1.0),
                            })
                        } else {
                            p.arrival_mean.map(|mean| DistSpec::Exponential { mean })
                        },
                        capacity: p.extra_room.map_or(0, |r| p.servers + r),
                        patience: p.patience.map(|mean| DistSpec::Exponential { mean }),
                        routing,
                    }
                })
                .collect();
            let raw = RawNetworkScenario {
                name: "prop".into(),
                description: String::new(),
                seed: 7,
                replications: 3,
                network: signpost::network::spec::RawNetwork {
                    warmup: 20.0,
                    horizon: 200.0,
                    nodes,
                },
            };
            toml::to_string(&raw).expect("serialisable")
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_networks_keep_every_invariant(text in network(), seed in 0u64..1000) {
        let scn = load_str(&text, "<prop>").map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let res = run(&scn, 3, seed);
        for rep in &res.replications {
            let a = &rep.audit;
            // Network conservation: every customer who arrived has left one
            // way or another, or is still inside.
            prop_assert_eq!(a.external_arrivals, a.exits + a.rejections + a.reneges + a.in_system_at_end);
            prop_assert_eq!(a.in_system_at_end, a.nodes.iter().map(|n| n.in_node_at_end).sum::<u64>());
            for (j, node) in a.nodes.iter().enumerate() {
                let spec = &scn.nodes[j];
                prop_assert_eq!(node.arrivals, node.completions + node.rejections + node.reneges + node.in_node_at_end);
                prop_assert!(node.max_busy <= spec.servers);
                if let Some(cap) = spec.capacity {
                    prop_assert!(node.max_waiting + spec.servers <= cap);
                } else {
                    prop_assert_eq!(node.rejections, 0);
                }
                if spec.patience.is_none() {
                    prop_assert_eq!(node.reneges, 0);
                }
                prop_assert_eq!(node.fifo_violations, 0);
                prop_assert!(node.queue_consistent, "waiting count != live queue entries");
            }
            for s in &rep.nodes {
                prop_assert!(s.queue_mean() >= 0.0 && s.busy_mean() >= 0.0);
                prop_assert!(s.wait.min().map_or(true, |w| w >= 0.0));
                prop_assert!(s.admitted + s.rejections == s.arrivals);
            }
        }
        for name in &res.nodes {
            let u = res.metric(&format!("utilisation.{name}")).unwrap();
            prop_assert!(u.values.iter().all(|&v| (0.0..=1.0 + 1e-12).contains(&v)));
        }
    }

    #[test]
    fn results_do_not_depend_on_thread_count(text in network()) {
        let scn = load_str(&text, "<prop>").map_err(|e| TestCaseError::fail(format!("{e}")))?;
        let pool = |n| rayon::ThreadPoolBuilder::new().num_threads(n).build().unwrap();
        let one = pool(1).install(|| run(&scn, 5, 11));
        let three = pool(3).install(|| run(&scn, 5, 11));
        prop_assert_eq!(&one.replications, &three.replications);
        prop_assert_eq!(one.summary_csv(), three.summary_csv());
        prop_assert_eq!(one.replications_csv(), three.replications_csv());
    }
}

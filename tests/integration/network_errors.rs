//! Bad network scenarios: every rule broken is reported with the file, the
//! line and column, the key path and the rule — never a panic.

use signpost::network::load_str;

const GOOD: &str = r#"name = "t"
seed = 1
replications = 2
[network]
warmup = 10.0
horizon = 100.0
[[network.nodes]]
name = "front"
servers = 2
service = { dist = "exponential", mean = 1.0 }
arrivals = { dist = "exponential", mean = 1.0 }
routing = { back = 0.5, exit = 0.5 }
[[network.nodes]]
name = "back"
service = { dist = "exponential", mean = 1.0 }
"#;

fn err(text: &str) -> String {
    load_str(text, "bad.toml").expect_err("must be rejected").to_string()
}

#[test]
fn network_scenarios_are_recognised() {
    assert!(signpost::network::is_network(GOOD));
    assert!(!signpost::network::is_network("name = \"x\"\n[time]\nwarmup_days = 1\n"));
    assert!(!signpost::network::is_network("not toml ["));
}

#[test]
fn good_scenario_loads() {
    let scn = load_str(GOOD, "good.toml").unwrap();
    assert_eq!(scn.nodes.len(), 2);
    assert_eq!(scn.nodes[1].probability_exit(), 1.0);
}

#[test]
fn servers_below_one_names_key_and_line() {
    let e = err(&GOOD.replace("servers = 2", "servers = 0"));
    assert_eq!(e, "bad.toml:9:1: network.nodes[0].servers: must be between 1 and 1000000, found 0");
}

#[test]
fn unknown_node_suggests_the_nearest_name() {
    let e = err(&GOOD.replace("back = 0.5", "bakc = 0.5"));
    assert!(
        e.starts_with("bad.toml:12:13: network.nodes[0].routing.bakc: unknown node `bakc`"),
        "{e}"
    );
    assert!(e.ends_with("(did you mean `back`?)"), "{e}");
}

#[test]
fn routing_must_sum_to_one() {
    let e = err(&GOOD.replace("exit = 0.5", "exit = 0.4"));
    assert!(e.contains("network.nodes[0].routing: probabilities must sum to 1"), "{e}");
    assert!(e.contains("found 0.9"), "{e}");
}

#[test]
fn probabilities_must_be_in_unit_interval() {
    let e = err(&GOOD.replace("back = 0.5, exit = 0.5", "back = 1.5, exit = -0.5"));
    assert!(e.contains("must be a probability in [0, 1], found"), "{e}");
}

#[test]
fn unknown_keys_are_rejected_with_their_line() {
    let e = err(&GOOD.replace("servers = 2", "server = 2"));
    assert!(e.starts_with("bad.toml:"), "{e}");
    assert!(e.contains("unknown key `server` (did you mean `servers`?)"), "{e}");
}

#[test]
fn syntax_errors_carry_line_and_column() {
    let e = err(&GOOD.replace("horizon = 100.0", "horizon = = 100.0"));
    assert!(e.starts_with("bad.toml:6:11: "), "{e}");
    assert!(!e.contains('\n'), "one line: {e}");
}

#[test]
fn closed_routing_loop_is_rejected() {
    let text = GOOD.replace("back = 0.5, exit = 0.5", "back = 1.0");
    let e = err(&format!("{text}routing = {{ front = 1.0 }}\n"));
    assert!(e.contains("can never reach `exit`: closed routing loop through front, back"), "{e}");
}

#[test]
fn a_network_without_arrivals_is_rejected() {
    let e = err(&GOOD.replace("arrivals = { dist = \"exponential\", mean = 1.0 }\n", ""));
    assert!(e.contains("at least one node needs external `arrivals`"), "{e}");
}

#[test]
fn unvisited_nodes_are_rejected() {
    let e = err(&GOOD.replace("back = 0.5, exit = 0.5", "exit = 1.0"));
    assert!(e.contains("network.nodes[1]: node `back` is never visited"), "{e}");
}

#[test]
fn bad_distribution_and_values() {
    let e = err(&GOOD.replace("mean = 1.0 }\nrouting", "mean = -1.0 }\nrouting"));
    assert!(
        e.contains("network.nodes[0].arrivals: mean must be a finite number > 0, found -1"),
        "{e}"
    );
    let e = err(&GOOD.replace(
        "arrivals = { dist = \"exponential\", mean = 1.0 }",
        "arrivals = { dist = \"deterministic\", value = 0.0 }",
    ));
    assert!(e.contains("mean time between arrivals must be > 0"), "{e}");
    let e = err(&GOOD.replace("horizon = 100.0", "horizon = nan"));
    assert!(
        e.contains("network.horizon: must be a finite number of minutes > 0, found NaN"),
        "{e}"
    );
    let e = err(&GOOD.replace("servers = 2", "servers = 2\ncapacity = 1"));
    assert!(
        e.contains("network.nodes[0].capacity: must be 0 (unbounded) or between servers (2)"),
        "{e}"
    );
    let e = err(&GOOD.replace("replications = 2", "replications = 0"));
    assert!(e.contains("replications: must be between 1"), "{e}");
    let e = err(&GOOD.replace("name = \"back\"", "name = \"front\""));
    assert!(e.contains("duplicate node name `front`"), "{e}");
    let e = err(&format!("{}, sd = 2.0 }}\n", GOOD.trim_end().trim_end_matches('}')));
    assert!(e.contains("unknown key `sd`"), "{e}");
}

#[test]
fn an_unstable_network_too_big_for_memory_is_refused_before_it_starts() {
    // ρ = 2 at a single server for 10^11 minutes: the queue would grow to
    // ~5 × 10^10 customers. The estimate refuses it; --allow-large overrides.
    let dir = crate::support::temp_dir("network-too-big");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("unstable.toml");
    let text = std::fs::read_to_string(crate::support::root().join("scenarios/validation/mm1.toml"))
        .expect("mm1")
        .replace("mean = 0.8 }", "mean = 2.0 }")
        .replace("horizon = 50000.0", "horizon = 1e11");
    std::fs::write(&file, text).expect("write");
    let out_dir = dir.join("out");
    let out = crate::support::signpost(&["run", file.to_str().expect("utf-8"), "--out", out_dir.to_str().expect("utf-8")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("GiB of memory") && stderr.contains("--allow-large"), "{stderr}");
    assert!(!out_dir.exists());
    let check = crate::support::signpost(&["check", file.to_str().expect("utf-8")]);
    assert!(
        String::from_utf8_lossy(&check.stdout).contains("M events"),
        "check shows the estimate"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

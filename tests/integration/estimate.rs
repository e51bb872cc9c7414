//! The estimate made before a run (printed by `signpost check`, used to
//! refuse and to warn) counts events the way `run.json` reports them.

use crate::support::{load, root, run, signpost, small_text, temp_dir};
use signpost::experiment::estimate::estimate;

/// `estimated / actual` within ±15%.
fn assert_close(what: &str, estimated: f64, actual: u64) {
    let ratio = estimated / actual as f64;
    assert!(
        (0.85..=1.15).contains(&ratio),
        "{what}: estimated {estimated:.0} events, the run reported {actual} (ratio {ratio:.3})"
    );
}

#[test]
fn network_estimates_are_within_15_percent_of_the_events_run() {
    // Single nodes, a loss node, reneging, a tandem and a feedback network:
    // events are external arrivals plus completions, not three per visit.
    for (file, warmup, horizon) in [
        ("mmc.toml", 500.0, 10_000.0),
        ("erlang_b.toml", 500.0, 10_000.0),
        ("erlang_a.toml", 500.0, 10_000.0),
        ("tandem.toml", 500.0, 10_000.0),
        ("refnet.toml", 2_500.0, 25_000.0),
    ] {
        let text = std::fs::read_to_string(root().join("scenarios/validation").join(file)).unwrap();
        let scn = signpost::network::load_str(&text, file).unwrap().with_run_length(warmup, horizon);
        let reps = 4;
        let results = signpost::network::run(&scn, reps, scn.seed);
        let e = signpost::network::estimate::estimate(&scn, reps, 1);
        assert_close(file, e.events, results.events);
    }
}

#[test]
fn pathway_estimates_are_within_15_percent_of_the_events_run() {
    let quarter = signpost::scenario::load::DEFAULT_TOML.replace("horizon_days = 364 ", "horizon_days = 91 ");
    for (what, text) in [("small", small_text()), ("default, 91 days", quarter)] {
        let loaded = load(&text);
        let reps = 2;
        let result = run(&loaded, reps, 0);
        assert_close(what, estimate(&loaded, reps, 1).events, result.events);
    }
}

/// The number `signpost check` prints, `estimate  N.N M events ...`.
fn checked_events(file: &str) -> f64 {
    let out = signpost(&["check", file]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().find(|l| l.starts_with("estimate")).expect("an estimate line");
    let millions: f64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    millions * 1e6
}

#[test]
fn signpost_check_agrees_with_run_json() {
    let dir = temp_dir("check-estimate");
    for file in ["scenarios/validation/mmc.toml", "scenarios/validation/tandem.toml"] {
        let out = dir.join(file.replace('/', "_"));
        let ran = signpost(&["run", file, "--quiet", "--out", out.to_str().unwrap()]);
        assert!(ran.status.success(), "{}", String::from_utf8_lossy(&ran.stderr));
        let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
        assert_close(file, checked_events(file), json["events"].as_u64().unwrap());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

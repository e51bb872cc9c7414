//! Issue #12 (memory) and #13 (`--precision`): replications reduced as they
//! finish, through the real model — the same bytes on any thread count,
//! shards merged in order equal to one pass, journeys streamed to disk as
//! they always read, and the precision loop stopping at the same count.

use crate::support::{load, root, run_outputs, signpost, small_text, temp_dir};
use signpost::experiment::{run_experiment, ExperimentResult, Reducer, RunOptions};
use signpost::model::ReplicationOutput;
use signpost::report::tables::{replications_csv, summary_csv, timeseries_csv};
use std::sync::atomic::AtomicBool;

/// The result files that come from the reduction.
fn csvs(result: &ExperimentResult) -> [String; 3] {
    [summary_csv(result), replications_csv(result), timeseries_csv(result)]
}

fn on_threads(threads: usize, reps: u64) -> ExperimentResult {
    let loaded = load(&small_text());
    let options = RunOptions {
        replications: reps,
        seed: 5,
        journeys: 0,
    };
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
    pool.install(|| run_experiment(&loaded, options, &|_, _| {}, &AtomicBool::new(false)).unwrap())
}

#[test]
fn streamed_results_are_identical_on_one_and_two_threads() {
    // 19 replications: more than one batch of a one-thread pool (8).
    let (one, two) = (on_threads(1, 19), on_threads(2, 19));
    assert_eq!(csvs(&one), csvs(&two));
    for (a, b) in one.arms.iter().zip(&two.arms) {
        assert_eq!(a.weekly, b.weekly, "{}", a.name);
    }
}

/// `outputs[arm][r]` regrouped as replication r's outputs, all arms.
fn by_replication(outputs: &[Vec<ReplicationOutput>], r: usize) -> Vec<ReplicationOutput> {
    outputs.iter().map(|arm| arm[r].clone()).collect()
}

#[test]
fn shards_merged_in_order_equal_one_pass() {
    let loaded = load(&small_text());
    let reps = 7;
    let (whole, outputs) = run_outputs(&loaded, reps, 0);
    for split in [0, 1, 3, 7] {
        let shard = |from: usize, to: usize| {
            let mut reducer = Reducer::new(&loaded, from as u64);
            for r in from..to {
                reducer.add_replication(r as u64, by_replication(&outputs, r)).unwrap();
            }
            reducer.finish()
        };
        let mut merged = shard(0, split);
        merged.merge(shard(split, reps as usize)).unwrap();
        assert_eq!(csvs(&merged), csvs(&whole), "split at {split}");
        assert_eq!(merged.events, whole.events);
        assert_eq!(merged.conservation, whole.conservation);
    }
    // Out of order is refused, and leaves the result as it was.
    let mut reducer = Reducer::new(&loaded, 0);
    assert!(reducer.add_replication(1, by_replication(&outputs, 1)).is_err());
    assert_eq!(reducer.finish().replications(), 0);
}

fn run_cli(args: &[&str], out: &std::path::Path) -> std::process::Output {
    let mut all = vec!["run", "tests/fixtures/small.toml", "--no-charts", "--quiet", "--force", "--out"];
    all.push(out.to_str().unwrap());
    all.extend_from_slice(args);
    signpost(&all)
}

#[test]
fn streamed_journeys_are_the_file_they_always_were() {
    // tests/golden/small_journeys.csv was written by the last build that
    // held journeys in memory (65f2a20; after the warm-state launch, by
    // 2e30753), with these arguments.
    let dir = temp_dir("journeys-golden");
    let out = run_cli(&["--reps", "2", "--journeys", "10", "--threads", "2"], &dir);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let got = std::fs::read_to_string(dir.join("journeys.csv")).unwrap();
    let want = std::fs::read_to_string(root().join("tests/golden/small_journeys.csv")).unwrap();
    assert!(got == want, "journeys.csv differs from tests/golden/small_journeys.csv");
    let stray: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(stray.is_empty(), "part files left behind: {stray:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn precision_stops_at_the_same_count_on_any_thread_count_and_meets_its_target() {
    let mut runs = Vec::new();
    for threads in ["1", "2"] {
        let dir = temp_dir(&format!("precision-{threads}"));
        let out = run_cli(&["--precision", "0.15", "--max-reps", "60", "--threads", threads], &dir);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(stderr.contains("precision 15% reached at"), "{stderr}");
        let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("run.json")).unwrap()).unwrap();
        let p = &json["precision"];
        assert_eq!(p["stopped"], "precision_reached", "{p}");
        let needed = p["needed"].as_u64().unwrap();
        let reps = json["replications"].as_u64().unwrap();
        assert_eq!(reps, needed + 5, "the look-ahead of 5 is run and reported");
        assert!(needed > 3, "a target that the first check already meets tests nothing");
        for h in p["headline"].as_array().unwrap() {
            assert!(h["met"].as_bool().unwrap(), "{h}");
            let (hw, mean) = (h["ci95_half_width"].as_f64().unwrap(), h["mean"].as_f64().unwrap());
            assert!(hw <= 0.15 * mean.abs() || hw <= h["allowed_half_width"].as_f64().unwrap());
        }
        let files: Vec<_> = ["summary.csv", "comparison.csv", "replications.csv", "timeseries.csv"]
            .iter()
            .map(|f| std::fs::read(dir.join(f)).unwrap())
            .collect();
        runs.push((reps, files));
        let _ = std::fs::remove_dir_all(&dir);
    }
    assert_eq!(runs[0].0, runs[1].0, "replications needed differ between 1 and 2 threads");
    assert!(runs[0].1 == runs[1].1, "the outputs differ between 1 and 2 threads");
}

#[test]
fn precision_flags_out_of_range_exit_2_with_one_line_naming_the_flag() {
    let dir = temp_dir("precision-bad");
    for (args, flag) in [
        (&["--precision", "0"][..], "--precision"),
        (&["--precision", "1"][..], "--precision"),
        (&["--precision", "-0.1"][..], "--precision"),
        (&["--precision", "abc"][..], "--precision"),
        (&["--precision", "0.05", "--max-reps", "1"][..], "--max-reps"),
        (&["--precision", "0.05", "--max-reps", "x"][..], "--max-reps"),
        (&["--max-reps", "10"][..], "--max-reps"),
        (&["--precision", "0.05", "--reps", "10"][..], "--precision"),
    ] {
        let out = run_cli(args, &dir);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains(flag), "{args:?}: {stderr}");
        assert!(!dir.exists(), "{args:?} created the output");
    }
}

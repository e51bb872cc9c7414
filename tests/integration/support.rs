//! Shared helpers for integration tests.

use signpost::experiment::{run_experiment, run_experiment_with, Collect, ExperimentResult, RunOptions, Until};
use signpost::model::ReplicationOutput;
use signpost::scenario::load::{load_str, LoadedScenario};
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::atomic::AtomicBool;

/// The files of the output contract every result directory holds.
pub const CONTRACT_FILES: [&str; 6] = [
    "summary.csv",
    "comparison.csv",
    "replications.csv",
    "timeseries.csv",
    "run.json",
    "scenario.toml",
];

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The small test scenario's text.
pub fn small_text() -> String {
    std::fs::read_to_string(root().join("tests/fixtures/small.toml")).expect("fixture")
}

/// Loads scenario text, panicking with the message if invalid.
pub fn load(text: &str) -> LoadedScenario {
    load_str(text, "test.toml").unwrap_or_else(|e| panic!("{e}"))
}

/// Runs an experiment on the global rayon pool.
pub fn run(loaded: &LoadedScenario, replications: u64, journeys: u32) -> ExperimentResult {
    let options = RunOptions {
        replications,
        seed: loaded.base.seed,
        journeys,
    };
    run_experiment(loaded, options, &|_, _| {}, &AtomicBool::new(false)).expect("not cancelled")
}

/// Runs an experiment on the global rayon pool and keeps every
/// replication's raw output (weekly series, journeys), by arm:
/// `outputs[arm][replication]`.
pub fn run_outputs(loaded: &LoadedScenario, replications: u64, journeys: u32) -> (ExperimentResult, Vec<Vec<ReplicationOutput>>) {
    let options = RunOptions {
        replications,
        seed: loaded.base.seed,
        journeys,
    };
    let mut collect = Collect::default();
    let done = run_experiment_with(
        loaded,
        options,
        Until::Replications(replications),
        &|_, _| {},
        &AtomicBool::new(false),
        &mut collect,
    )
    .expect("not cancelled");
    (done.result, collect.by_arm)
}

/// Runs the real `signpost` binary.
pub fn signpost(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_signpost"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run signpost")
}

/// A fresh temporary directory path (not created).
pub fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("signpost-test-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Every file under `dir` with its bytes, by path inside `dir`.
pub fn snapshot(dir: &std::path::Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    let mut files = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.insert(path.strip_prefix(dir).unwrap().to_path_buf(), std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

/// `signpost check` on scenario `text` exits 2 with one line naming `key`
/// (`tag` names the temporary directory).
pub fn check_fails_naming(text: &str, key: &str, tag: &str) {
    let dir = temp_dir(&format!("{tag}-bad-{}", key.replace(['.', '[', ']', ' ', ':', '"'], "_")));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.toml");
    std::fs::write(&file, text).unwrap();
    let out = signpost(&["check", file.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{text}: {err}");
    assert!(err.contains(key), "names `{key}`: {err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    let _ = std::fs::remove_dir_all(&dir);
}

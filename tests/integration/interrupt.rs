//! Ctrl-C and SIGTERM: a real signal to the binary in the middle of a long
//! run, and the cancel flag inside one replication's event loop.

use crate::support::{root, signpost, snapshot, temp_dir};
use signpost::model::run_replication_cancellable;
use signpost::network::run_cancellable;
use signpost::scenario::load::load_default;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

#[cfg(unix)]
#[test]
fn sigint_stops_a_run_within_a_second_and_keeps_the_earlier_result() {
    signal_stops_a_run("INT", 130, "interrupted");
}

/// Cluster schedulers (Slurm on `scancel` and at the time limit) send
/// SIGTERM: it must stop a run as cleanly as Ctrl-C, with its own code.
#[cfg(unix)]
#[test]
fn sigterm_stops_a_run_like_ctrl_c_with_exit_code_143() {
    signal_stops_a_run("TERM", 143, "terminated (SIGTERM)");
}

/// Sends `signal` to a long run that is replacing an earlier result, and
/// checks it stops within a second with `code`, saying `word`, leaving the
/// earlier result as it was and nothing beside it.
#[cfg(unix)]
fn signal_stops_a_run(signal: &str, code: i32, word: &str) {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    use std::sync::mpsc;

    let parent = temp_dir(&format!("sig{signal}"));
    std::fs::create_dir_all(&parent).unwrap();
    let out = parent.join("results");
    let out_arg = out.to_str().unwrap();
    let quick = signpost(&[
        "run",
        "tests/fixtures/small.toml",
        "--reps",
        "1",
        "--no-charts",
        "--quiet",
        "--out",
        out_arg,
    ]);
    assert!(quick.status.success(), "{}", String::from_utf8_lossy(&quick.stderr));
    let earlier = snapshot(&out);
    assert!(earlier.contains_key(Path::new("summary.csv")));

    // The default scenario, 5 arms × 2000 replications on one thread: many
    // minutes of work, replacing the earlier result only if it completes.
    let mut child = Command::new(env!("CARGO_BIN_EXE_signpost"))
        .args([
            "run",
            "--reps",
            "2000",
            "--threads",
            "1",
            "--no-charts",
            "--force",
            "--out",
            out_arg,
        ])
        .current_dir(root())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    // Simulating for sure: the first run has finished and reported.
    let mut before = Vec::new();
    while !before.last().is_some_and(|l: &String| l.starts_with("progress: ")) {
        match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(line) => before.push(line),
            Err(e) => {
                let _ = child.kill();
                panic!("no progress line ({e}); stderr so far: {before:?}");
            }
        }
    }
    // Mid-way through the next replication.
    std::thread::sleep(Duration::from_millis(50));
    let sent = Instant::now();
    let kill = Command::new("kill")
        .args([format!("-{signal}"), child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if sent.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("still running 20 s after SIG{signal}");
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let latency = sent.elapsed();
    eprintln!("SIG{signal} to exit: {:.0} ms", latency.as_secs_f64() * 1e3);
    assert!(latency < Duration::from_secs(1), "took {latency:?} to stop");
    assert_eq!(status.code(), Some(code), "exit status {status:?}");

    let after: Vec<String> = rx.iter().collect();
    assert_eq!(after.len(), 1, "one message after the progress lines: {after:?}");
    let message = &after[0];
    let done: usize = message
        .strip_prefix(&format!("error: {word}: stopped after "))
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("unexpected message: {message}"));
    assert!((1..10_000).contains(&done), "{message}");
    assert!(message.contains(" of 10000 runs (5 arms × 2000 replications)"), "{message}");
    assert!(
        message.ends_with(&format!("nothing written ({out_arg} left as it was)")),
        "{message}"
    );
    assert!(earlier == snapshot(&out), "the earlier result changed");
    let beside: Vec<_> = std::fs::read_dir(&parent).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(beside, ["results"], "temporary directories left beside the result");
    let _ = std::fs::remove_dir_all(&parent);
}

/// Sets `flag` after `delay`, from another thread.
fn set_after(flag: &'static AtomicBool, delay: Duration) {
    std::thread::spawn(move || {
        std::thread::sleep(delay);
        flag.store(true, Ordering::SeqCst);
    });
}

#[test]
fn one_long_replication_stops_soon_after_cancel() {
    // Ten years of the default PCN: ten times a default replication.
    let text = signpost::scenario::load::DEFAULT_TOML.replace("horizon_days = 364 ", "horizon_days = 3640 ");
    let loaded = signpost::scenario::load::load_str(&text, "long.toml").unwrap();
    assert_eq!(loaded.base.time.horizon_days, 3640.0);
    static CANCEL: AtomicBool = AtomicBool::new(false);
    let started = Instant::now();
    set_after(&CANCEL, Duration::from_millis(300));
    let out = run_replication_cancellable(&loaded.arms[1].scenario, 1, 0, 0, &CANCEL);
    let took = started.elapsed();
    assert!(out.is_none(), "a cancelled replication returns nothing");
    assert!(
        took < Duration::from_millis(1300),
        "stopped {took:?} after starting (cancelled at 300 ms)"
    );
    // Not cancelled: the same call completes (on the small default).
    let small = load_default().unwrap();
    let out = run_replication_cancellable(&small.arms[0].scenario, 1, 0, 0, &AtomicBool::new(false));
    assert!(out.is_some_and(|o| o.events > 0));
}

#[test]
fn a_cancelled_network_run_returns_nothing_promptly() {
    let text = std::fs::read_to_string(root().join("scenarios/validation/mm1.toml")).unwrap();
    let scn = signpost::network::load_str(&text, "mm1.toml").unwrap();
    // 2e7 minutes: tens of millions of events, seconds per replication.
    let long = scn.with_run_length(0.0, 2e7);
    static CANCEL: AtomicBool = AtomicBool::new(false);
    let started = Instant::now();
    set_after(&CANCEL, Duration::from_millis(200));
    assert!(run_cancellable(&long, 4, 1, &CANCEL).is_none());
    let took = started.elapsed();
    assert!(
        took < Duration::from_millis(1200),
        "stopped {took:?} after starting (cancelled at 200 ms)"
    );
}

#[test]
fn a_huge_list_for_one_day_reserves_a_day_of_episodes_not_a_year() {
    // 5 million patients at 100 contacts a year used to reserve a year of
    // episodes (31 GB) whatever the run length, and the process aborted.
    let text = "name = \"one_day\"\n[population]\nlist_size = 5000000\ncontacts_per_patient_year = 100.0\n\
                month_multipliers = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]\n\
                [time]\nstart_date = \"2025-03-03\"\nwarmup_days = 0\nhorizon_days = 1\n";
    let loaded = signpost::scenario::load::load_str(text, "one_day.toml").unwrap();
    let expected = signpost::model::expected_episodes(&loaded.base);
    assert!((expected - 5e6 * 100.0 / 365.25 * 1.3).abs() < 1.0, "{expected}");
    // Build the model (patients and arena) and stop at once.
    let out = run_replication_cancellable(&loaded.arms[0].scenario, 1, 0, 0, &AtomicBool::new(true));
    assert!(out.is_none());
}

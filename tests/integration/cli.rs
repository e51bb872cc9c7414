//! The real binary: outputs, determinism across threads, golden output,
//! exit codes.

use crate::support::{root, signpost, temp_dir, CONTRACT_FILES};
use std::path::Path;

/// run.json without the fields that legitimately vary between runs.
fn stable_run_json(dir: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join("run.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let o = v.as_object_mut().unwrap();
    for volatile in ["threads", "wall_seconds", "events_per_second"] {
        assert!(o.remove(volatile).is_some(), "run.json lacks {volatile}");
    }
    v
}

#[test]
fn same_seed_gives_identical_files_for_any_thread_count() {
    let one = temp_dir("threads1");
    let two = temp_dir("threads3");
    for (dir, threads) in [(&one, "1"), (&two, "3")] {
        let out = signpost(&[
            "run",
            "tests/fixtures/small.toml",
            "--reps",
            "3",
            "--journeys",
            "5",
            "--quiet",
            "--threads",
            threads,
            "--out",
            dir.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    for file in CONTRACT_FILES.iter().chain(&["journeys.csv"]) {
        if *file == "run.json" {
            assert_eq!(stable_run_json(&one), stable_run_json(&two));
            continue;
        }
        let a = std::fs::read(one.join(file)).unwrap();
        let b = std::fs::read(two.join(file)).unwrap();
        assert!(a == b, "{file} differs between 1 and 3 threads");
    }
    let _ = std::fs::remove_dir_all(&one);
    let _ = std::fs::remove_dir_all(&two);
}

#[test]
fn output_contract_files_columns_and_metrics() {
    let dir = temp_dir("contract");
    let out = signpost(&[
        "run",
        "tests/fixtures/small.toml",
        "--reps",
        "2",
        "--quiet",
        "--journeys",
        "3",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let header = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap().lines().next().unwrap().to_string();
    assert_eq!(header("summary.csv"), "arm,metric,mean,sd,ci_low,ci_high,n");
    assert_eq!(header("comparison.csv"), "arm,metric,diff_mean,diff_ci_low,diff_ci_high,n");
    assert_eq!(header("replications.csv"), "arm,replication,metric,value");
    assert_eq!(header("timeseries.csv"), "arm,week,metric,mean,p05,p95");
    assert_eq!(
        header("journeys.csv"),
        "arm,replication,episode,patient,need,day,place,event,reason"
    );
    let summary = std::fs::read_to_string(dir.join("summary.csv")).unwrap();
    for metric in [
        "contacts",
        "gp_appointments",
        "gp_appointments_avoidable",
        "signposted",
        "signpost_declined",
        "bounce_backs",
        "bounce_back_rate",
        "gp_appointments_from_bounce_back",
        "gp_appointments_saved_gross",
        "gp_appointments_saved_net",
        "gp_share_freed",
        "safety_events",
        "unmet_needs",
        "resolution_days_mean",
        "resolution_days_p90",
        "gp_wait_days_mean",
        "splw_wait_days_mean",
        "splw_waitlist_mean",
        "splw_caseload_per_fte_mean",
        "vcse_rejections",
        "vcse_utilisation",
        "cost_incremental",
        "cost_per_gp_appointment_freed",
        "events",
    ] {
        assert!(summary.contains(&format!("trained,{metric},")), "summary.csv lacks {metric}");
    }
    let ts = std::fs::read_to_string(dir.join("timeseries.csv")).unwrap();
    for series in [
        "utilisation.gp",
        "queue.gp",
        "utilisation.splw",
        "queue.splw",
        "utilisation.navigation",
        "utilisation.vcse:befriending",
        "utilisation.role:pharmacist",
    ] {
        assert!(ts.contains(&format!(",{series},")), "timeseries.csv lacks {series}");
    }
    // No NaN or infinity anywhere: undefined values are empty cells.
    for f in CONTRACT_FILES {
        let text = std::fs::read_to_string(dir.join(f)).unwrap();
        assert!(!text.contains("NaN") && !text.contains("inf"), "{f} has a non-finite number");
    }
    let run: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["scenario"]["name"], "small");
    assert_eq!(run["scenario"]["sha256"].as_str().unwrap().len(), 64);
    assert!(run["events"].as_u64().unwrap() > 0);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn golden_summary_for_a_fixed_seed() {
    let dir = temp_dir("golden");
    let out = signpost(&[
        "run",
        "tests/fixtures/small.toml",
        "--reps",
        "2",
        "--seed",
        "11",
        "--quiet",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let got = std::fs::read_to_string(dir.join("summary.csv")).unwrap();
    let golden = root().join("tests/golden/small_summary.csv");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden, &got).unwrap();
    }
    let want = std::fs::read_to_string(&golden).expect("golden file (set UPDATE_GOLDEN=1 to create)");
    assert!(got == want, "summary.csv differs from tests/golden/small_summary.csv; if the change is intended, rerun with UPDATE_GOLDEN=1 and review the diff");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn existing_results_are_not_overwritten_without_force() {
    let dir = temp_dir("force");
    let args = |force: bool| {
        let mut a = vec![
            "run",
            "tests/fixtures/small.toml",
            "--reps",
            "2",
            "--quiet",
            "--out",
            dir.to_str().unwrap(),
        ];
        if force {
            a.push("--force");
        }
        a.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let run = |force| {
        let a = args(force);
        signpost(&a.iter().map(String::as_str).collect::<Vec<_>>())
    };
    assert!(run(false).status.success());
    std::fs::write(dir.join("marker"), "earlier result").unwrap();
    let second = run(false);
    assert_eq!(second.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&second.stderr).contains("--force"));
    assert!(dir.join("marker").exists(), "earlier result must be untouched");
    assert!(run(true).status.success());
    assert!(
        !dir.join("marker").exists(),
        "--force replaces the directory once the run completes"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_scenarios_exit_2_naming_file_and_key() {
    let dir = temp_dir("bad");
    std::fs::create_dir_all(&dir).unwrap();
    let cases = [
        ("negative.toml", "name = \"x\"\n[splw]\nfte = -2\n", "splw.fte"),
        ("typo.toml", "name = \"x\"\n[splw]\nftee = 2\n", "did you mean `fte`"),
        (
            "probability.toml",
            "name = \"x\"\n[navigation]\nacceptance = 1.5\n",
            "navigation.acceptance",
        ),
        ("syntax.toml", "name = [\n", "TOML syntax error"),
        (
            "arm.toml",
            "name = \"x\"\n[[arms]]\nname = \"a\"\nset = { \"splw.ftee\" = 3 }\n",
            "arms[0].set",
        ),
        ("empty.toml", "", "empty"),
    ];
    for (file, text, expect) in cases {
        let path = dir.join(file);
        std::fs::write(&path, text).unwrap();
        for cmd in ["check", "run"] {
            let out = signpost(&[cmd, path.to_str().unwrap(), "--quiet"][..if cmd == "check" { 2 } else { 3 }]);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{cmd} {file}: {stderr}");
            assert!(
                stderr.contains(file) && stderr.contains(expect),
                "{cmd} {file}: message must name the file and `{expect}`: {stderr}"
            );
            assert!(!stderr.contains("panicked"), "{stderr}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_closed_stdout_is_not_a_crash() {
    // `signpost check X | head -1`: the reader is gone before the output.
    for args in [
        vec!["check", "tests/fixtures/small.toml"],
        vec!["calibrate", "tests/fixtures/small.toml", "--reps", "2"],
    ] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_signpost"))
            .args(&args)
            .current_dir(root())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn signpost");
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    }
}

//! Edges of a run's life: a partial directory left by a killed run, and the
//! report made in memory against the one rebuilt from the files.

use crate::support::{signpost, small_text, snapshot, temp_dir};

#[cfg(target_os = "linux")]
#[test]
fn a_partial_directory_of_a_dead_run_is_removed_and_a_live_ones_kept() {
    let parent = temp_dir("stale-partial");
    std::fs::create_dir_all(&parent).unwrap();
    // A run killed with SIGKILL leaves `.results.partial-PID`; this PID has
    // certainly ended (we waited for it).
    let mut gone = std::process::Command::new("true").spawn().unwrap();
    let dead_pid = gone.id();
    gone.wait().unwrap();
    let dead = parent.join(format!(".results.partial-{dead_pid}"));
    std::fs::create_dir_all(&dead).unwrap();
    std::fs::write(dead.join("summary.csv"), "half a result").unwrap();
    // Another run into the same place, still going.
    let mut alive = std::process::Command::new("sleep").arg("60").spawn().unwrap();
    let live = parent.join(format!(".results.partial-{}", alive.id()));
    std::fs::create_dir_all(&live).unwrap();
    // Not a pending directory of this target, or not a PID: never touched.
    let unrelated = [
        parent.join(format!(".other.partial-{dead_pid}")),
        parent.join(".results.partial-12ab"),
        parent.join(format!(".results.partial-{dead_pid}.old")),
    ];
    for d in &unrelated {
        std::fs::create_dir_all(d).unwrap();
    }

    let out = parent.join("results");
    let run = signpost(&[
        "run",
        "tests/fixtures/small.toml",
        "--reps",
        "1",
        "--no-charts",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    let _ = alive.kill();
    let _ = alive.wait();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(!dead.exists(), "the dead run's partial directory is still there");
    assert!(live.exists(), "a live run's partial directory was removed");
    for d in &unrelated {
        assert!(d.exists(), "{} was removed", d.display());
    }
    assert!(out.join("summary.csv").is_file());
    let _ = std::fs::remove_dir_all(&parent);
}

#[test]
fn the_report_of_a_run_equals_the_one_rebuilt_from_its_files() {
    // An arm name with spaces at its ends and a comma: it must read back
    // from the CSVs as itself.
    let text = format!(
        "{}\n[[arms]]\nname = \" padded, arm \"\nset = {{ \"navigation.mode\" = \"active\", \"navigation.training\" = \"expert\" }}\n",
        small_text()
    );
    let dir = temp_dir("report-bytes");
    std::fs::create_dir_all(&dir).unwrap();
    let scenario = dir.join("padded.toml");
    std::fs::write(&scenario, text).unwrap();
    let out = dir.join("results");
    let run = signpost(&[
        "run",
        scenario.to_str().unwrap(),
        "--reps",
        "2",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let from_run = snapshot(&out);
    assert!(
        from_run.contains_key(std::path::Path::new("report.html"))
            && from_run.contains_key(std::path::Path::new("charts/01_gp_appointments_freed.svg"))
    );
    let page = String::from_utf8_lossy(&from_run[std::path::Path::new("report.html")]).into_owned();
    assert!(page.contains("<strong> padded, arm </strong>"), "the arm is in the report as named");

    // Rebuilt from the CSVs and run.json: the same bytes, charts included.
    std::fs::remove_file(out.join("report.html")).unwrap();
    std::fs::remove_dir_all(out.join("charts")).unwrap();
    let report = signpost(&["report", out.to_str().unwrap()]);
    assert!(report.status.success(), "{}", String::from_utf8_lossy(&report.stderr));
    let rebuilt = snapshot(&out);
    assert_eq!(from_run.keys().collect::<Vec<_>>(), rebuilt.keys().collect::<Vec<_>>());
    for (name, bytes) in &from_run {
        assert!(
            *bytes == rebuilt[name],
            "{} differs between the run and `signpost report`",
            name.display()
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

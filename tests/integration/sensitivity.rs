//! `signpost sensitivity`: one-at-a-time runs, paired with the base by
//! replication, written atomically as sensitivity.csv and a tornado chart.

use crate::support::{signpost, temp_dir};

fn rows(dir: &std::path::Path) -> Vec<csv::StringRecord> {
    let text = std::fs::read_to_string(dir.join("sensitivity.csv")).expect("sensitivity.csv");
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("valid CSV"))
        .collect()
}

fn field(row: &csv::StringRecord, i: usize) -> f64 {
    row[i].parse().unwrap_or_else(|_| panic!("column {i} is not a number: {row:?}"))
}

#[test]
fn sensitivity_pairs_runs_with_the_base_and_ranks_by_swing() {
    let dir = temp_dir("sensitivity");
    let out = signpost(&[
        "sensitivity",
        "tests/fixtures/small.toml",
        "--ranges",
        "tests/fixtures/sensitivity_small.toml",
        // Four, not three: since people give up on the link worker's
        // waiting list (issue #11) the arms' link-worker draws diverge more,
        // and at three replications (t = 4.30) the identify CI grazed zero.
        "--reps",
        "4",
        "--out",
        dir.to_str().expect("utf-8 path"),
        "--quiet",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for f in ["sensitivity.csv", "tornado.svg", "tornado.png", "ranges.toml"] {
        assert!(dir.join(f).is_file(), "missing {f}");
    }
    let rows = rows(&dir);
    // factor,why,level,value,arm,metric,mean,ci_low,ci_high,change_mean,change_ci_low,change_ci_high,base_mean
    assert_eq!(rows.len(), 4, "two factors × two levels");
    // The identification rate swings the result far more than awareness:
    // it comes first, and its direction is unambiguous.
    assert_eq!(&rows[0][0], "navigation.tiers.enhanced.identify");
    assert_eq!((&rows[0][2], &rows[1][2]), ("low", "high"));
    assert!(
        field(&rows[0], 10) < 0.0 && field(&rows[0], 11) < 0.0,
        "identify 0.05 must free fewer: {:?}",
        rows[0]
    );
    assert!(field(&rows[1], 10) > 0.0, "identify 0.9 must free more: {:?}", rows[1]);
    // Awareness at its base value reruns the base exactly: with common
    // random numbers the paired change is zero in every replication.
    let at_base = &rows[2];
    assert_eq!((&at_base[0], &at_base[3]), ("navigation.awareness", "0.0"));
    assert_eq!((field(at_base, 9), field(at_base, 10), field(at_base, 11)), (0.0, 0.0, 0.0));
    assert_eq!(field(at_base, 6), field(at_base, 12), "the level's mean equals the base mean");
    let svg = std::fs::read_to_string(dir.join("tornado.svg")).expect("svg");
    assert!(svg.contains("navigation.tiers.enhanced.identify") && svg.contains("Which assumptions move the result most?"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_ranges_exit_2_naming_the_ranges_file_and_key_and_write_nothing() {
    let dir = temp_dir("sensitivity-bad");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let cases = [
        (
            "arm = \"trained\"\nmetric = \"gp_appointments_saved_net\"\n[[factors]]\nkey = \"splw.no_such_key\"\nlow = 1\nhigh = 2\nwhy = \"x\"\n",
            "factors[0].low",
        ),
        (
            "arm = \"trained\"\nmetric = \"gp_appointments_saved_net\"\n[[factors]]\nkey = \"splw.fte\"\nlow = \"many\"\nhigh = 2.0\nwhy = \"x\"\n",
            "factors[0].low",
        ),
        (
            "arm = \"nobody\"\nmetric = \"gp_appointments_saved_net\"\n[[factors]]\nkey = \"splw.fte\"\nlow = 1.0\nhigh = 2.0\nwhy = \"x\"\n",
            "arm: no arm `nobody`",
        ),
        (
            "arm = \"trained\"\nmetric = \"gp_appointments_saved_net\"\n[[factors]]\nkey = \"splw.fte\"\nlow = 1.0\nhigh = 2.0\nwhy = \"x\"\nwhy_not = 1\n",
            "factors[0].why_not",
        ),
        ("arm = \"trained\"\nmetric = \"gp_appointments_saved_net\"\nfactors = []\n", "factors: list at least one factor"),
        (
            "arm = \"trained\"\nmetric = \"no_such_metric\"\n[[factors]]\nkey = \"splw.fte\"\nlow = 1.0\nhigh = 2.0\nwhy = \"x\"\n",
            "metric: no metric `no_such_metric`",
        ),
    ];
    for (i, (text, expected)) in cases.iter().enumerate() {
        let ranges = dir.join(format!("ranges{i}.toml"));
        std::fs::write(&ranges, text).expect("write");
        let out_dir = dir.join(format!("out{i}"));
        let out = signpost(&[
            "sensitivity",
            "tests/fixtures/small.toml",
            "--ranges",
            ranges.to_str().expect("utf-8 path"),
            "--reps",
            "2",
            "--out",
            out_dir.to_str().expect("utf-8 path"),
            "--quiet",
        ]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "case {i}: {stderr}");
        assert!(stderr.contains(&format!("ranges{i}.toml")), "case {i} must name the file: {stderr}");
        assert!(stderr.contains(expected), "case {i} must say `{expected}`: {stderr}");
        assert!(!stderr.contains("panicked"), "case {i}: {stderr}");
        assert!(!out_dir.exists(), "case {i} left {}", out_dir.display());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn calibrate_and_sensitivity_refuse_a_queueing_network_by_name() {
    for command in ["calibrate", "sensitivity"] {
        let out = signpost(&[command, "scenarios/validation/mm1.toml", "--reps", "2"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{command}: {stderr}");
        assert!(
            stderr.contains("mm1.toml") && stderr.contains("queueing-network"),
            "{command}: {stderr}"
        );
    }
}

//! Calibration: the default baseline reproduces published aggregates
//! (GP appointments per patient-year, same-day share, DNA rate, SPLW
//! referrals, navigation declines, GP demand freed by trained navigators).
//!
//! Each target's tolerance is its published range, and a target passes when
//! the 95% confidence interval of the simulated mean (Student t over seeded
//! replications) meets that range: see `signpost::calibrate`.

use crate::support::{load, run, signpost, temp_dir};
use signpost::calibrate::{calibration_arms, evaluate, table, Verdict, TARGETS};
use signpost::scenario::load::DEFAULT_TOML;

/// Replications for the default baseline: enough for CIs a few tenths of a
/// percent wide on these aggregates, cheap enough for the test profile.
const REPS: u64 = 6;

#[test]
fn default_baseline_reproduces_every_published_target() {
    let loaded = load(DEFAULT_TOML);
    let result = run(&calibration_arms(&loaded), REPS, 0);
    let outcomes = evaluate(&loaded, &result);
    assert_eq!(outcomes.len(), TARGETS.len());
    let report = table(&outcomes, REPS);
    for o in &outcomes {
        assert_eq!(o.verdict, Verdict::Inside, "{} is {}\n{report}", o.target.label, o.verdict.word());
        let ci = o.ci.expect("a CI from several replications");
        assert!(
            ci.high - ci.low > 0.0,
            "{}: a CI of zero width means the replications did not vary",
            o.target.label
        );
    }
    assert_eq!(
        outcomes.iter().filter(|o| o.arm.as_deref() == Some("trained")).count(),
        2,
        "{report}"
    );
}

#[test]
fn an_off_target_baseline_is_reported_outside_and_a_missing_arm_as_not_applicable() {
    // Half the contact rate and no arms: too few GP appointments, and no
    // trained arm to measure the effect of training on.
    let loaded = load("name = \"low\"\n[population]\ncontacts_per_patient_year = 1.5\n");
    let result = run(&calibration_arms(&loaded), 3, 0);
    let outcomes = evaluate(&loaded, &result);
    let by_key = |key: &str| outcomes.iter().find(|o| o.target.key == key).expect("target");
    assert_eq!(by_key("gp_appointments_per_patient_year").verdict, Verdict::Below);
    assert!(matches!(by_key("trained_gp_demand_freed").verdict, Verdict::NotApplicable(_)));
    assert!(matches!(by_key("navigation_decline_rate").verdict, Verdict::NotApplicable(_)));
}

#[test]
fn calibrate_command_prints_every_target_and_writes_csv() {
    let dir = temp_dir("calibrate");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let csv = dir.join("calibration.csv");
    let out = signpost(&[
        "calibrate",
        "tests/fixtures/small.toml",
        "--reps",
        "2",
        "--csv",
        csv.to_str().expect("utf-8 path"),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    for t in TARGETS {
        assert!(stdout.contains(t.label), "missing {}:\n{stdout}", t.label);
        assert!(stdout.contains(t.source), "missing the source of {}", t.label);
    }
    let text = std::fs::read_to_string(&csv).expect("calibration.csv");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("valid CSV")).collect();
    assert_eq!(rows.len(), TARGETS.len());
    assert_eq!(&rows[0][0], "gp_appointments_per_patient_year");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn strict_calibration_fails_when_a_target_is_outside() {
    let dir = temp_dir("calibrate-strict");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("low.toml");
    std::fs::write(
        &file,
        "name = \"low\"\n[population]\nlist_size = 5000\ncontacts_per_patient_year = 1.0\n[time]\nhorizon_days = 84\n",
    )
    .expect("write");
    let out = signpost(&["calibrate", file.to_str().expect("utf-8 path"), "--reps", "2", "--strict"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stdout).contains("OUTSIDE (below)"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("outside their published range"));
    let _ = std::fs::remove_dir_all(&dir);
}

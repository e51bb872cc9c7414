//! Headlines that survive a full diary, honest costs, and no circular
//! headline (issue #11): what happened to the GP capacity an arm freed,
//! the identities between those paired metrics in every replication, GP
//! FTE-equivalent, the costs signposting used to get free, dominant
//! labelling, and calibration targets kept apart from held-out checks.

use crate::support::{load, run, signpost, small_text, temp_dir};
use signpost::calibrate::{csv as calibration_csv, Use, TARGETS};
use signpost::experiment::{ArmResult, ExperimentResult};
use signpost::metric::Metric;
use signpost::report::html;
use signpost::report::tables::paired;
use signpost::report::terminal::{comparison_table, is_dominant, DOMINANT};

fn arm<'a>(result: &'a ExperimentResult, name: &str) -> &'a ArmResult {
    result.arms.iter().find(|a| a.name == name).expect("arm")
}

/// One metric of one arm, per replication.
fn values(arm: &ArmResult, m: Metric) -> Vec<f64> {
    let i = arm.metric_index(m.name()).unwrap_or_else(|| panic!("no {}", m.name()));
    arm.values.iter().map(|r| r[i]).collect()
}

/// The paired 95% CI of a paired metric (already arm minus counterfactual).
fn ci(arm: &ArmResult, m: Metric) -> (f64, f64) {
    let i = arm.metric_index(m.name()).expect("metric");
    let c = arm.summary(i).confidence_interval(0.95).expect("n >= 2");
    (c.low, c.high)
}

fn close(a: f64, b: f64, what: &str) {
    assert!((a - b).abs() <= 1e-6 * (1.0 + a.abs().max(b.abs())), "{what}: {a} != {b}");
}

/// The small fixture with demand × 1.3 (2.9 → 3.77 new episodes per
/// patient-year): the GP diary fills and some requests find no slot.
fn full_diary_text() -> String {
    small_text().replace("list_size = 5000", "list_size = 5000\ncontacts_per_patient_year = 3.77")
}

#[test]
fn freed_capacity_identities_hold_in_every_replication() {
    for text in [small_text(), full_diary_text()] {
        let loaded = load(&text);
        let result = run(&loaded, 3, 0);
        let cf = &result.arms[0];
        let per_fte_window =
            loaded.base.gp.appointments_per_fte_day * loaded.base.costs.gp_working_days_per_fte_year * loaded.base.time.horizon_days
                / 365.25;
        for a in &result.arms[1..] {
            let v = |m| values(a, m);
            let c = |m| values(cf, m);
            for r in 0..a.values.len() {
                let (demand, net, taken) = (
                    v(Metric::GpDemandReduction)[r],
                    v(Metric::GpAppointmentsSavedNet)[r],
                    v(Metric::GpCapacityTakenUp)[r],
                );
                // Requests avoided = appointments freed + taken up by others.
                close(demand, net + taken, "demand reduction = net freed + taken up");
                close(demand, c(Metric::GpDemand)[r] - v(Metric::GpDemand)[r], "demand reduction");
                // Taken up = requests no longer turned away + requests booked in
                // the window but held after it.
                let carried = |bookings: f64, appts: f64| bookings - appts;
                let carried_change = carried(c(Metric::GpBookings)[r], c(Metric::GpAppointments)[r])
                    - carried(v(Metric::GpBookings)[r], v(Metric::GpAppointments)[r]);
                close(taken, v(Metric::GpRequestsUnbookedAvoided)[r] + carried_change, "taken up");
                for arm in [a, cf] {
                    let unbooked = values(arm, Metric::GpRequestsUnbooked)[r];
                    assert!(unbooked >= 0.0, "{}: unbooked {unbooked}", arm.name);
                    close(
                        unbooked,
                        values(arm, Metric::GpDemand)[r] - values(arm, Metric::GpBookings)[r],
                        "unbooked = demand − bookings",
                    );
                    close(
                        values(arm, Metric::GpWaitDaysTotal)[r],
                        values(arm, Metric::GpBookings)[r] * values(arm, Metric::GpWaitDaysMean)[r],
                        "wait total = bookings × mean",
                    );
                }
                // FTE-equivalent = freed / appointments per FTE over the window.
                close(v(Metric::GpFteReleased)[r] * per_fte_window, net, "FTE released × per-FTE = net");
                close(
                    v(Metric::GpWaitDaysSaved)[r],
                    v(Metric::GpBookings)[r] * (c(Metric::GpWaitDaysMean)[r] - v(Metric::GpWaitDaysMean)[r]),
                    "wait days saved",
                );
                close(
                    v(Metric::UnmetNeedsAvoided)[r],
                    c(Metric::UnmetNeeds)[r] - v(Metric::UnmetNeeds)[r],
                    "unmet avoided",
                );
                close(
                    v(Metric::GpHoursFreed)[r],
                    net * loaded.base.costs.gp_minutes_per_appointment / 60.0,
                    "GP hours",
                );
            }
        }
    }
}

#[test]
fn in_a_full_diary_freed_capacity_goes_to_other_patients_not_to_empty_slots() {
    let full = run(&load(&full_diary_text()), 6, 0);
    let cf_unbooked = full.arms[0].summary(full.arms[0].metric_index("gp_requests_unbooked").expect("metric"));
    assert!(cf_unbooked.mean().expect("mean") > 0.0, "the ×1.3 diary must turn requests away");
    let trained = arm(&full, "trained");
    let (taken_low, _) = ci(trained, Metric::GpCapacityTakenUp);
    assert!(taken_low > 0.0, "freed capacity must be taken up by others (CI low {taken_low})");
    let (unbooked_low, _) = ci(trained, Metric::GpRequestsUnbookedAvoided);
    assert!(unbooked_low > 0.0, "fewer requests must go unbooked (CI low {unbooked_low})");
    let (wait_low, _) = ci(trained, Metric::GpWaitDaysSaved);
    assert!(wait_low > 0.0, "patients still booking must wait less (CI low {wait_low})");
    // Most of the capacity goes to other demand rather than showing as
    // appointments freed: taken up minus net freed is positive (paired).
    let gap = signpost::stats::Summary::of(
        values(trained, Metric::GpCapacityTakenUp)
            .iter()
            .zip(values(trained, Metric::GpAppointmentsSavedNet))
            .map(|(t, n)| t - n),
    );
    let gap_ci = gap.confidence_interval(0.95).expect("n >= 2");
    assert!(gap_ci.low > 0.0, "taken up must exceed net freed in a full diary (CI {gap_ci:?})");

    // With spare slots the same signposting shows as appointments freed
    // and nothing needs taking up: no request is turned away.
    let spare = run(&load(&small_text()), 6, 0);
    let trained = arm(&spare, "trained");
    assert!(values(trained, Metric::GpRequestsUnbookedAvoided).iter().all(|&u| u == 0.0));
    let (net_low, _) = ci(trained, Metric::GpAppointmentsSavedNet);
    let (taken_low, taken_high) = ci(trained, Metric::GpCapacityTakenUp);
    assert!(net_low > 0.0);
    assert!(taken_high - taken_low < net_low, "taken up is the booking-horizon boundary only");
}

#[test]
fn role_appointments_and_navigator_time_are_costed() {
    let priced = run(&load(&small_text()), 2, 0);
    let free = run(
        &load(&small_text().replace("[gp]", "[costs]\nrole_appointment = 0.0\nnavigator_hour = 0.0\n\n[gp]")),
        2,
        0,
    );
    let costs = &load(&small_text()).base.costs;
    for name in ["trained", "trained_capacity_aware"] {
        let (p, f) = (arm(&priced, name), arm(&free, name));
        let roles_used = paired(p, &priced.arms[0], Metric::RoleAppointments.name());
        let signposts = paired(p, &priced.arms[0], Metric::Signposted.name());
        assert!(roles_used.mean().expect("mean") > 0.0, "navigated patients use other roles");
        for r in 0..2 {
            let extra = values(p, Metric::CostIncremental)[r] - values(f, Metric::CostIncremental)[r];
            let roles = values(p, Metric::RoleAppointments)[r] - values(&priced.arms[0], Metric::RoleAppointments)[r];
            let signposted = values(p, Metric::Signposted)[r] - values(&priced.arms[0], Metric::Signposted)[r];
            let expected = roles * costs.role_appointment + signposted * costs.navigator_minutes_per_signpost / 60.0 * costs.navigator_hour;
            close(extra, expected, "incremental cost of the time used");
            assert!(extra > 0.0, "{name}: time used must cost something");
        }
        assert!(signposts.mean().expect("mean") > 0.0);
    }
}

#[test]
fn a_cheaper_arm_that_frees_appointments_is_labelled_dominant() {
    let text = small_text()
        + "\n[[arms]]\nname = \"cheap\"\ndescription = \"Trained navigators while VCSE funding is halved\"\n\
           set = { \"navigation.mode\" = \"active\", \"navigation.training\" = \"enhanced\", \"vcse.funding\" = 0.5 }\n";
    let loaded = load(&text);
    let result = run(&loaded, 3, 0);
    let cheap = arm(&result, "cheap");
    let mean = |m: Metric| cheap.summary(cheap.metric_index(m.name()).expect("metric")).mean().expect("mean");
    assert!(mean(Metric::CostIncremental) < 0.0, "the constructed arm must save money");
    assert!(mean(Metric::GpAppointmentsSavedNet) > 0.0);
    // The number stays in the data (negative), the label goes to people.
    assert!(mean(Metric::CostPerGpAppointmentFreed) < 0.0);
    assert!(is_dominant(cheap));
    assert!(!is_dominant(arm(&result, "trained")));
    let table = comparison_table(&result, loaded.base.time.horizon_days, 3);
    let cheap_line = table.lines().find(|l| l.starts_with("cheap ")).expect("cheap row");
    assert!(cheap_line.contains(DOMINANT), "{table}");
    let trained_line = table.lines().find(|l| l.starts_with("trained ")).expect("trained row");
    assert!(!trained_line.contains(DOMINANT), "{table}");

    // …and in comparison.csv and the report, through the CLI.
    let dir = temp_dir("dominant");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("cheap.toml");
    std::fs::write(&file, &text).expect("write");
    let out_dir = dir.join("out");
    let out = signpost(&[
        "run",
        file.to_str().expect("utf-8"),
        "--reps",
        "3",
        "--out",
        out_dir.to_str().expect("utf-8"),
        "--no-charts",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let comparison = std::fs::read_to_string(out_dir.join("comparison.csv")).expect("comparison.csv");
    assert!(comparison.starts_with("arm,metric,diff_mean,diff_ci_low,diff_ci_high,n\n"));
    let row = comparison
        .lines()
        .find(|l| l.starts_with("cheap,cost_per_gp_appointment_freed,"))
        .expect("row");
    let diff: f64 = row.split(',').nth(2).expect("diff_mean").parse().expect("a number, not empty");
    assert!(diff < 0.0, "{row}");
    for m in [Metric::GpCapacityTakenUp, Metric::GpFteReleased, Metric::GpWaitDaysSaved] {
        assert!(comparison.contains(&format!("cheap,{},", m.name())), "{} missing", m.name());
    }
    let page = std::fs::read_to_string(html::write_report(&out_dir).expect("report")).expect("html");
    assert!(page.contains(DOMINANT));
    assert!(page.contains("taken up by other patients"));
    assert!(page.contains("FTE-equivalent"));
    // The trained arm's headline is called what it is.
    assert!(page.contains("reproduces the aim by construction"), "no circularity note");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn calibrate_marks_which_figures_set_parameters_and_which_are_held_out() {
    let by_key = |k: &str| TARGETS.iter().find(|t| t.key == k).expect("target");
    assert!(matches!(by_key("trained_gp_demand_freed").used, Use::SetParameter(_)));
    assert_eq!(by_key("gp_dna_rate").used, Use::HeldOut);
    assert!(TARGETS.iter().any(|t| t.used == Use::HeldOut));

    let out = signpost(&["calibrate", "tests/fixtures/small.toml", "--reps", "2"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("figure used to"), "{stdout}");
    assert!(stdout.contains("held out") && stdout.contains("set parameters"), "{stdout}");
    let rows = calibration_csv(&[]);
    assert!(rows.trim_end().ends_with(",verdict,source,used"), "{rows}");
}

//! Issue #11, "levers that must act through a mechanism": each link-worker
//! lever, run in a seeded scenario built to show it, must move outcomes in
//! the direction its mechanism claims. A direction is claimed only when the
//! paired 95% confidence interval (arm − other arm, replication by
//! replication, common random numbers) excludes zero.

use crate::support::{load, run, run_outputs, small_text};
use signpost::experiment::ExperimentResult;
use signpost::report::tables::paired;
use signpost::scenario::load::{load_with_overrides, LoadedScenario};
use signpost::scenario::Place;
use toml::Value;

/// The small fixture over a year, with social needs common (10% of new
/// episodes instead of 2%, taken from admin) and every GP consultation for
/// one referred to the link worker, so that link-worker levers are visible
/// in a 5,000-patient list. `splw` is the `[splw]` table; `arms` follow.
fn scenario(splw: &str, arms: &str) -> String {
    small_text()
        .replace("[splw]\nfte = 0.5\ninitial_caseload = 8\ninitial_waitlist = 4\n", "")
        .replace("warmup_days = 14\nhorizon_days = 84", "warmup_days = 28\nhorizon_days = 364")
        + "\n[splw]\ninitial_caseload = 0\ninitial_waitlist = 0\n"
        + splw
        + "\n"
        + arms
}

/// Loads scenario text with social needs made common (see [`scenario`])
/// and `extra` overrides.
fn load_common_social(text: &str, extra: &[(&str, f64)]) -> LoadedScenario {
    let mut overrides: Vec<(String, Value)> = [
        ("needs.social.share", 0.10),
        ("needs.social.gp_refer_splw", 1.0),
        ("needs.admin.share", 0.24),
    ]
    .iter()
    .chain(extra)
    .map(|(k, v)| (k.to_string(), Value::Float(*v)))
    .collect();
    overrides.dedup_by(|a, b| a.0 == b.0);
    load_with_overrides(text, "levers.toml", &overrides).unwrap_or_else(|e| panic!("{e}"))
}

/// Paired 95% CI of (arm − other) for a metric.
fn paired_ci(result: &ExperimentResult, arm: &str, other: &str, name: &str) -> (f64, f64) {
    let find = |n: &str| result.arms.iter().find(|a| a.name == n).unwrap_or_else(|| panic!("arm {n}"));
    let ci = paired(find(arm), find(other), name).confidence_interval(0.95).expect("n >= 2");
    (ci.low, ci.high)
}

fn assert_lower(result: &ExperimentResult, arm: &str, other: &str, name: &str) {
    let (low, high) = paired_ci(result, arm, other, name);
    eprintln!("{arm} - {other}: {name} paired 95% CI {low:.2} to {high:.2}");
    assert!(
        high < 0.0,
        "{arm} must have lower {name} than {other}: paired 95% CI {low:.2} to {high:.2}"
    );
}

fn assert_higher(result: &ExperimentResult, arm: &str, other: &str, name: &str) {
    let (low, high) = paired_ci(result, arm, other, name);
    eprintln!("{arm} - {other}: {name} paired 95% CI {low:.2} to {high:.2}");
    assert!(
        low > 0.0,
        "{arm} must have higher {name} than {other}: paired 95% CI {low:.2} to {high:.2}"
    );
}

fn metric(result: &ExperimentResult, arm: &str, name: &str) -> Vec<f64> {
    let a = result.arms.iter().find(|a| a.name == arm).expect("arm");
    let m = a.metric_index(name).expect("metric");
    a.values.iter().map(|r| r[m]).collect()
}

/// Paired 95% CI of (arm − other) for the ratio of two metrics, replication
/// by replication (Student t).
fn paired_ratio_ci(result: &ExperimentResult, arm: &str, other: &str, num: &str, den: &str) -> (f64, f64) {
    let ratio = |a: &str| -> Vec<f64> {
        metric(result, a, num)
            .iter()
            .zip(metric(result, a, den))
            .map(|(n, d)| n / d)
            .collect()
    };
    let d: Vec<f64> = ratio(arm).iter().zip(ratio(other)).map(|(a, b)| a - b).collect();
    let n = d.len() as f64;
    let mean = d.iter().sum::<f64>() / n;
    let sd = (d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    // t quantiles for 97.5% at 7 and 5 degrees of freedom (8 or 6 replications).
    let t = if d.len() == 8 { 2.365 } else { 2.571 };
    assert!(d.len() == 8 || d.len() == 6, "t quantile for {} replications", d.len());
    let ci = (mean - t * sd / n.sqrt(), mean + t * sd / n.sqrt());
    eprintln!("{arm} - {other}: {num}/{den} paired 95% CI {:.3} to {:.3}", ci.0, ci.1);
    ci
}

#[test]
fn lever_fewer_link_worker_sessions_resolve_fewer_needs() {
    // Ample link-worker capacity (no waiting), so only the dose differs.
    // A need the link worker fails to resolve comes back to the practice,
    // and the GP refers it again: fewer sessions mean a lower share of
    // referrals resolved by the link worker, more bounce-backs, more
    // referrals and more GP appointments.
    let text = scenario(
        "fte = 10.0\ndependency_probability = 0.0\n",
        "[[arms]]\nname = \"sessions_8\"\nset = { \"splw.sessions_mean\" = 8.0 }\n\
         [[arms]]\nname = \"sessions_3\"\nset = { \"splw.sessions_mean\" = 3.0 }\n",
    );
    let result = run(&load_common_social(&text, &[]), 8, 0);
    let (low, high) = paired_ratio_ci(&result, "sessions_3", "sessions_8", "ended_splw", "splw_referrals");
    assert!(
        high < 0.0,
        "link-worker resolutions per referral: paired 95% CI {low:.3} to {high:.3}"
    );
    assert_higher(&result, "sessions_3", "sessions_8", "bounce_backs");
    assert_higher(&result, "sessions_3", "sessions_8", "splw_referrals");
    assert_higher(&result, "sessions_3", "sessions_8", "gp_appointments");
}

#[test]
fn lever_mdt_meetings_resolve_complex_and_held_cases() {
    // Every referral is a complex social need and half of those linked have
    // no local service: the cases the seed says MDT meetings are for.
    let text = scenario(
        "fte = 10.0\nunserved_share = 0.5\nlink_probability = 1.0\n",
        "[[arms]]\nname = \"no_mdt\"\nset = { \"splw.mdt\" = false }\n\
         [[arms]]\nname = \"mdt\"\nset = { \"splw.mdt\" = true }\n",
    );
    let result = run(&load_common_social(&text, &[]), 8, 0);
    assert_higher(&result, "mdt", "no_mdt", "ended_splw");
    assert_lower(&result, "mdt", "no_mdt", "bounce_backs");
}

#[test]
fn lever_mdt_time_comes_out_of_link_worker_capacity() {
    // A stretched team: the MDT's share of time lengthens the wait.
    let text = scenario(
        "fte = 1.0\nmdt_time_share = 0.2\n",
        "[[arms]]\nname = \"no_mdt\"\nset = { \"splw.mdt\" = false }\n\
         [[arms]]\nname = \"mdt\"\nset = { \"splw.mdt\" = true }\n",
    );
    let result = run(&load_common_social(&text, &[]), 6, 0);
    assert_higher(&result, "mdt", "no_mdt", "splw_wait_days_mean");
}

/// Many dependent people (60% want 8 extra sessions) and little
/// disengagement (so long support is not lost to it), with `fte` link
/// workers; arms with a discharge boundary of 16 and of 6 sessions.
fn boundary_scenario(fte: f64) -> LoadedScenario {
    let text = scenario(
        &format!(
            "fte = {fte}\ndependency_probability = 0.6\ndependency_extra_sessions = 8\nsessions_mean = 6.0\ndisengage_per_session = 0.01\n"
        ),
        "[[arms]]\nname = \"boundary_16\"\nset = { \"splw.max_sessions\" = 16 }\n\
         [[arms]]\nname = \"boundary_6\"\nset = { \"splw.max_sessions\" = 6 }\n",
    );
    load_common_social(&text, &[])
}

#[test]
fn lever_a_tighter_discharge_boundary_frees_caseload() {
    // A stretched team: cutting the boundary from 16 to 6 sessions frees
    // caseload places, so the wait is shorter.
    let result = run(&boundary_scenario(1.5), 8, 0);
    assert_lower(&result, "boundary_6", "boundary_16", "splw_wait_days_mean");
}

#[test]
fn lever_a_tighter_discharge_boundary_makes_dependent_people_relapse() {
    // Ample capacity (no wait, so no queue effects): dependent people
    // discharged before they felt ready relapse and come back, so fewer are
    // resolved by the link worker per referral, more bounce back and more
    // are referred again.
    let result = run(&boundary_scenario(10.0), 8, 0);
    let (low, high) = paired_ratio_ci(&result, "boundary_6", "boundary_16", "ended_splw", "splw_referrals");
    assert!(
        high < 0.0,
        "link-worker resolutions per referral: paired 95% CI {low:.3} to {high:.3}"
    );
    assert_higher(&result, "boundary_6", "boundary_16", "bounce_backs");
    assert_higher(&result, "boundary_6", "boundary_16", "splw_referrals");
}

#[test]
fn lever_four_times_the_link_workers_shorten_waits_and_free_gp_appointments() {
    // Social needs referred far beyond 0.5 FTE's capacity, over a year:
    // quadrupling the team must cut the wait and, through fewer people
    // giving up while waiting and more needs resolved (which lowers those
    // patients' later contacts), GP appointments.
    let text = scenario(
        "fte = 0.5\n",
        "[[arms]]\nname = \"splw_x1\"\nset = { \"splw.fte\" = 0.5 }\n\
         [[arms]]\nname = \"splw_x4\"\nset = { \"splw.fte\" = 2.0 }\n",
    );
    let result = run(&load_common_social(&text, &[]), 8, 0);
    assert_lower(&result, "splw_x4", "splw_x1", "splw_wait_days_mean");
    assert_lower(&result, "splw_x4", "splw_x1", "gp_appointments");
}

#[test]
fn lever_inappropriate_gp_referrals_are_screened_before_the_wait() {
    // GPs refer every mental-health crisis to the link worker (out of its
    // remit) while the waiting list is long; assessment screens them on
    // receipt of the referral, not after the whole wait.
    let text = scenario("fte = 0.5\nscreen_out_of_remit = 1.0\n", "");
    let (result, outputs) = run_outputs(&load_common_social(&text, &[("needs.mh_crisis.gp_refer_splw", 1.0)]), 2, 100_000);
    let arm = result.arms.iter().position(|a| a.name == "counterfactual").expect("arm");
    let mut screened = 0;
    for rep in &outputs[arm] {
        let steps = &rep.journeys;
        for (i, s) in steps.iter().enumerate() {
            if s.place == Place::Splw && s.event == "failed" && s.reason.code() == "out_of_remit" {
                let referred = steps[..i]
                    .iter()
                    .rev()
                    .find(|r| r.episode == s.episode && r.place == Place::Splw && r.event == "referred")
                    .expect("a referral before the screen");
                let days = (s.time - referred.time) / 1440.0;
                assert!(days < 1.0, "episode {} screened {days:.1} days after referral", s.episode);
                screened += 1;
            }
        }
    }
    assert!(screened > 20, "the scenario must screen out-of-remit referrals: {screened}");
    let waits = metric(&result, "counterfactual", "splw_wait_days_mean");
    assert!(waits.iter().all(|&w| w > 14.0), "the list must be long: {waits:?}");
}

#[test]
fn lever_absent_link_workers_hold_no_sessions_and_the_initial_caseload_fits() {
    // Every link worker absent every week from day 0 (no warm-up, so the
    // initial caseload counts): no sessions, so nobody is resolved or
    // linked by the link worker. And an initial caseload of 100 starts at
    // the team's capacity, not above it.
    let text = small_text()
        .replace("[splw]\nfte = 0.5\ninitial_caseload = 8\ninitial_waitlist = 4\n", "")
        .replace("warmup_days = 14", "warmup_days = 0")
        + "\n[splw]\nfte = 0.5\ninitial_caseload = 100\ninitial_waitlist = 0\n\
           [[arms]]\nname = \"all_absent\"\nset = { \"splw.absence_probability\" = 1.0 }\n";
    let loaded = load(&text);
    let result = run(&loaded, 2, 0);
    let resolved = metric(&result, "all_absent", "ended_splw");
    assert!(resolved.iter().all(|&r| r == 0.0), "absent link workers resolved {resolved:?}");
    // 0.5 FTE × 45 people × 70% patient-facing = 15 people.
    let per_fte = metric(&result, "counterfactual", "splw_caseload_per_fte_mean");
    let cap = 45.0 * 0.7;
    assert!(per_fte.iter().all(|&c| c <= cap + 1e-9), "caseload per FTE {per_fte:?} above {cap}");
}

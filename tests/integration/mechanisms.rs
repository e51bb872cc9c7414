//! Each mechanism of the model, checked on small seeded scenarios. Where a
//! claim is statistical, the paired 95% confidence interval must exclude
//! zero in the claimed direction.

use crate::support::{load, run, run_outputs, small_text};
use signpost::experiment::ExperimentResult;
use signpost::report::tables::paired;
use signpost::scenario::Place;

pub fn metric(result: &ExperimentResult, arm: &str, name: &str) -> Vec<f64> {
    let a = result.arms.iter().find(|a| a.name == arm).expect("arm");
    let m = a.metric_index(name).expect("metric");
    a.values.iter().map(|r| r[m]).collect()
}

/// Upper end of the paired 95% CI of (arm − other) for a metric.
pub fn paired_ci(result: &ExperimentResult, arm: &str, other: &str, name: &str) -> (f64, f64) {
    let a = result.arms.iter().find(|x| x.name == arm).expect("arm");
    let b = result.arms.iter().find(|x| x.name == other).expect("arm");
    let ci = paired(a, b, name).confidence_interval(0.95).expect("n >= 2");
    (ci.low, ci.high)
}

#[test]
fn conservation_every_episode_ends_once_or_is_still_open() {
    let loaded = load(&small_text());
    let (result, outputs) = run_outputs(&loaded, 3, 0);
    for (arm, reps) in result.arms.iter().zip(&outputs) {
        for rep in reps {
            let c = rep.conservation;
            assert!(c.created > 0);
            assert_eq!(c.created, c.resolved + c.unmet + c.open, "{}: {c:?}", arm.name);
            let ended: f64 = [
                "ended_gp",
                "ended_role",
                "ended_pharmacy",
                "ended_splw",
                "ended_vcse",
                "ended_reception",
                "ended_unmet",
                "ended_in_system",
            ]
            .iter()
            .map(|m| rep.metrics.iter().find(|(k, _)| k == m).expect("metric").1)
            .sum();
            assert_eq!(ended as u64, c.created, "{}: ended_* must add up to episodes created", arm.name);
        }
    }
}

#[test]
fn common_random_numbers_give_every_arm_the_same_demand() {
    // With no feedback of resolved needs on contact rates, every arm of a
    // replication must see exactly the same new episodes.
    let text = small_text().replace("[population]", "[bounce]\nsocial_contact_change = 0.0\n\n[population]");
    let result = run(&load(&text), 3, 0);
    let base = metric(&result, "counterfactual", "new_episodes");
    for arm in ["trained", "trained_capacity_aware"] {
        assert_eq!(metric(&result, arm, "new_episodes"), base, "{arm}");
    }
    // …and different replications see different demand.
    assert_ne!(base[0], base[1]);
}

#[test]
fn trained_navigators_misroute_less_than_untrained() {
    let text = small_text()
        + "\n[[arms]]\nname = \"untrained\"\nset = { \"navigation.mode\" = \"active\", \"navigation.training\" = \"none\" }\n\
           [[arms]]\nname = \"expert\"\nset = { \"navigation.mode\" = \"active\", \"navigation.training\" = \"expert\" }\n";
    let result = run(&load(&text), 8, 0);
    // Safety events: urgent needs sent away from the GP.
    let (_, high) = paired_ci(&result, "expert", "untrained", "safety_events");
    assert!(high < 0.0, "expert navigators must cause fewer safety events (CI high {high})");
    // And they signpost more of the avoidable demand away from the GP.
    let (low, _) = paired_ci(&result, "expert", "untrained", "gp_appointments_saved_net");
    assert!(low > 0.0, "expert navigators must free more GP appointments (CI low {low})");
}

#[test]
fn capacity_aware_signposting_lowers_bounce_back() {
    // Where the destinations are full: half the VCSE places and a stretched
    // link-worker team, so a navigator who checks capacity has something
    // to see (with capacity to spare it must change nothing: regression b3).
    let text = small_text().replace("[splw]\nfte = 0.5", "[splw]\nfte = 0.25") + "\n[vcse]\nfunding = 0.5\n";
    let result = run(&load(&text), 8, 0);
    let (_, high) = paired_ci(&result, "trained_capacity_aware", "trained", "bounce_backs");
    assert!(high < 0.0, "capacity-aware signposting must lower bounce-backs (CI high {high})");
}

#[test]
fn full_vcse_service_rejects_and_the_rejection_bounces_back() {
    // Every wellbeing need is signposted straight to befriending, which has
    // no free places and no waiting list.
    let text = small_text()
        + r#"
[vcse]
funding = 1.0
[[vcse.services]]
name = "befriending"
needs = ["wellbeing"]
places = 0
programme_weeks = 16.0
waitlist_cap = 0
attendance = 0.9
rural_attendance = 0.65
resolve = 0.7
closure_hazard_per_year = 0.0
closure_weeks = 12.0
open_weekdays = [true, true, true, true, true, false, false]
annual_cost_per_place = 1200.0
initial_occupancy = 0
initial_waitlist = 0
[[vcse.services]]
name = "advice"
needs = ["social"]
places = 50
programme_weeks = 6.0
waitlist_cap = 40
attendance = 0.85
rural_attendance = 0.6
resolve = 0.65
closure_hazard_per_year = 0.0
closure_weeks = 12.0
open_weekdays = [true, true, true, true, true, false, false]
annual_cost_per_place = 2000.0
initial_occupancy = 0
initial_waitlist = 0
[navigation.tiers.expert.routing]
wellbeing = { vcse = 1.0 }
[bounce]
return_probability = 1.0
[[arms]]
name = "to_vcse"
set = { "navigation.mode" = "active", "navigation.training" = "expert", "navigation.acceptance" = 1.0 }
"#;
    let (result, outputs) = run_outputs(&load(&text), 2, 5_000);
    let rejections = metric(&result, "to_vcse", "vcse_rejections.befriending");
    assert!(rejections.iter().all(|&r| r > 0.0), "befriending must reject: {rejections:?}");
    let arm = result.arms.iter().position(|a| a.name == "to_vcse").unwrap();
    // Follow one rejected patient: the rejection is followed by a bounce back.
    let steps = &outputs[arm][0].journeys;
    let rejected = steps
        .iter()
        .position(|s| s.place == Place::Vcse && s.reason.code() == "rejected_full")
        .expect("a traced rejection");
    let episode = steps[rejected].episode;
    assert!(
        steps[rejected..].iter().any(|s| s.episode == episode && s.event == "bounced_back"),
        "the rejected episode must bounce back to the practice"
    );
}

#[test]
fn a_full_service_without_a_waiting_list_is_passed_over_for_one_with_room() {
    // Two full wellbeing services: the first has no waiting list, the
    // second a long one. Patients must join the second's list, never be
    // turned away by the first. Full means every place taken for the whole
    // run (programmes that outlast it), not zero places: a service with no
    // places keeps no list at all (issue #11, B2).
    let service = |name: &str, waitlist_cap: u32| {
        format!(
            r#"[[vcse.services]]
name = "{name}"
needs = ["wellbeing"]
places = 5
programme_weeks = 520.0
waitlist_cap = {waitlist_cap}
attendance = 0.9
rural_attendance = 0.65
resolve = 0.7
closure_hazard_per_year = 0.0
closure_weeks = 12.0
open_weekdays = [true, true, true, true, true, false, false]
annual_cost_per_place = 1200.0
initial_occupancy = 5
initial_waitlist = 0
"#
        )
    };
    let text = small_text()
        + "[vcse]\nfunding = 1.0\n"
        + &service("full_no_list", 0)
        + &service("full_long_list", 100_000)
        + r#"[[vcse.services]]
name = "advice"
needs = ["social"]
places = 50
programme_weeks = 6.0
waitlist_cap = 40
attendance = 0.85
rural_attendance = 0.6
resolve = 0.65
closure_hazard_per_year = 0.0
closure_weeks = 12.0
open_weekdays = [true, true, true, true, true, false, false]
annual_cost_per_place = 2000.0
initial_occupancy = 0
initial_waitlist = 0
[navigation.tiers.expert.routing]
wellbeing = { vcse = 1.0 }
[[arms]]
name = "to_vcse"
set = { "navigation.mode" = "active", "navigation.training" = "expert", "navigation.acceptance" = 1.0 }
"#;
    let (result, outputs) = run_outputs(&load(&text), 2, 5_000);
    let rejected = metric(&result, "to_vcse", "vcse_rejections.full_no_list");
    assert!(
        rejected.iter().all(|&r| r == 0.0),
        "a service with room was available: {rejected:?}"
    );
    let arm = result.arms.iter().position(|a| a.name == "to_vcse").unwrap();
    let waiting = outputs[arm][0]
        .journeys
        .iter()
        .filter(|s| s.place == Place::Vcse && s.event == "waiting")
        .count();
    assert!(waiting > 0, "wellbeing patients must have joined the long waiting list");
}

#[test]
fn link_worker_caseload_never_exceeds_its_cap() {
    let (result, outputs) = run_outputs(&load(&small_text()), 2, 0);
    for (arm, reps) in result.arms.iter().zip(&outputs) {
        for rep in reps {
            let per_fte = rep.metrics.iter().find(|(k, _)| k == "splw_caseload_per_fte_mean").unwrap().1;
            // Cap per FTE = caseload_per_fte × (1 − admin share) = 45 × 0.7.
            assert!(per_fte <= 45.0 * 0.7 + 1e-9, "{}: {per_fte}", arm.name);
        }
    }
}

#[test]
fn more_link_worker_capacity_shortens_the_wait() {
    let text = small_text() + "\n[[arms]]\nname = \"more_splw\"\nset = { \"navigation.mode\" = \"active\", \"navigation.training\" = \"enhanced\", \"splw.fte\" = 2.0 }\n";
    let result = run(&load(&text), 6, 0);
    let (_, high) = paired_ci(&result, "more_splw", "trained", "splw_wait_days_mean");
    assert!(high < 0.0, "quadrupling link workers must cut the wait (CI high {high})");
}

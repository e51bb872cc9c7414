//! The policy launch (issue #11): each replication warms the
//! counterfactual up once and every arm starts its policy from that warm
//! state (diaries re-laid from the launch day); an arm that changes what
//! cannot change at an instant runs its own warm-up.

use crate::support::{load, run, small_text};
use signpost::experiment::{arm_starts, ExperimentResult};
use signpost::model::{fork_blocker, run_replication};
use signpost::scenario::load::LoadedScenario;

const REPS: u64 = 2;

/// The small fixture with one more arm.
fn with_arm(name: &str, set: &str) -> LoadedScenario {
    load(&format!(
        "{}\n[[arms]]\nname = \"{name}\"\ndescription = \"test\"\nset = {{ {set} }}\n",
        small_text()
    ))
}

/// Every measured metric of `arm` in replication `r`, with its value, as
/// the experiment reported it.
fn measured(result: &ExperimentResult, arm: &str, r: usize) -> Vec<(String, u64)> {
    let a = result.arms.iter().find(|a| a.name == arm).unwrap();
    let n_model = a.metric_names.len() - signpost::metric::Metric::paired().count();
    (0..n_model)
        .map(|i| (a.metric_names[i].clone(), a.values[r][i].to_bits()))
        .collect()
}

/// `out`'s metrics, as bits (NaN compares equal to itself).
fn bits(out: &signpost::model::ReplicationOutput) -> Vec<(String, u64)> {
    out.metrics.iter().map(|(k, v)| (k.clone(), v.to_bits())).collect()
}

#[test]
fn the_counterfactual_is_the_run_it_always_was() {
    // Warming up and then running on is one uninterrupted replication.
    let loaded = load(&small_text());
    let result = run(&loaded, REPS, 0);
    for r in 0..REPS {
        let alone = run_replication(&loaded.arms[0].scenario, loaded.base.seed, r, 0);
        assert_eq!(measured(&result, "counterfactual", r as usize), bits(&alone), "replication {r}");
    }
}

#[test]
fn an_arm_that_changes_nothing_repeats_the_counterfactual_exactly() {
    // Launching copies the whole state, random streams included, and the
    // launch itself draws nothing when no policy changes.
    let loaded = with_arm("same", "\"navigation.mode\" = \"off\"");
    assert_eq!(
        arm_starts(&loaded).last().copied(),
        Some(None),
        "the arm must start from the warm state"
    );
    let result = run(&loaded, REPS, 0);
    for r in 0..REPS as usize {
        assert_eq!(
            measured(&result, "same", r),
            measured(&result, "counterfactual", r),
            "replication {r}"
        );
    }
}

#[test]
fn an_arm_that_changes_the_population_runs_its_own_warm_up() {
    let loaded = with_arm("bigger_list", "\"population.list_size\" = 6000");
    let arm = &loaded.arms.last().unwrap().scenario;
    assert_eq!(fork_blocker(&loaded.arms[0].scenario, arm), Some("population"));
    let result = run(&loaded, REPS, 0);
    for r in 0..REPS {
        let alone = run_replication(arm, loaded.base.seed, r, 0);
        assert_eq!(measured(&result, "bigger_list", r as usize), bits(&alone), "replication {r}");
    }
}

#[test]
fn more_gp_capacity_from_the_launch_shortens_the_gp_wait() {
    // A diary change is a policy: it starts from the warm state, the GP
    // diary re-laid from the launch day under ~30% more FTE, so every
    // replication's patients wait less for the GP than without it.
    let loaded = with_arm("more_gps", "\"gp.fte\" = 3.6");
    let arm = &loaded.arms.last().unwrap().scenario;
    assert_eq!(fork_blocker(&loaded.arms[0].scenario, arm), None);
    let result = run(&loaded, REPS, 0);
    let get = |name: &str, r: usize| {
        let a = result.arms.iter().find(|a| a.name == name).unwrap();
        a.values[r][a.metric_index("gp_wait_days_mean").unwrap()]
    };
    for r in 0..REPS as usize {
        let (more, base) = (get("more_gps", r), get("counterfactual", r));
        assert!(
            more < base,
            "replication {r}: GP wait {more:.2} days with more GPs, {base:.2} without"
        );
    }
}

#[test]
fn policy_arms_start_from_the_warm_state() {
    // Every arm of the small fixture and of the default is a policy.
    for loaded in [
        load(&small_text()),
        load(&std::fs::read_to_string(crate::support::root().join("scenarios/default.toml")).unwrap()),
    ] {
        assert!(arm_starts(&loaded).iter().all(Option::is_none), "{:?}", arm_starts(&loaded));
    }
}

#[test]
fn a_launched_arm_differs_from_one_that_warmed_up_under_its_own_policy() {
    // Run alone, the arm's policy is in force through the warm-up too; the
    // launched arm's trajectory must differ from that one.
    let loaded = load(&small_text());
    let result = run(&loaded, REPS, 0);
    let arm = &loaded.arms[1];
    let alone = run_replication(&arm.scenario, loaded.base.seed, 0, 0);
    assert_ne!(
        measured(&result, &arm.name, 0),
        bits(&alone),
        "{} must start from the counterfactual's warm state",
        arm.name
    );
}

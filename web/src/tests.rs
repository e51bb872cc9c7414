//! The JSON API: lever parsing, refusals, and that a what-if reduces to the
//! numbers the library gives for its scenario file.

use super::handle;
use serde_json::{json, Value as Json};
use signpost::experiment::{run_experiment, RunOptions};
use signpost::report::tables::comparison_csv;
use signpost::scenario::load::{load_str, DEFAULT_TOML};
use std::sync::atomic::AtomicBool;

fn call(request: Json) -> Json {
    serde_json::from_str(&handle(&request.to_string())).unwrap()
}

fn open(levers: &[(&str, &str)]) -> Json {
    call(json!({"op": "open", "scenario": DEFAULT_TOML, "label": "default.toml", "levers": levers}))
}

fn lever<'a>(opened: &'a Json, key: &str) -> &'a Json {
    opened["levers"].as_array().unwrap().iter().find(|l| l["key"] == key).unwrap()
}

fn errors(opened: &Json) -> Vec<String> {
    opened["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn levers_come_from_the_scenario_with_the_last_arm_by_default() {
    let o = open(&[]);
    assert_eq!(o["ok"], true, "{o}");
    assert_eq!(o["arm"], "whole_system");
    assert!(errors(&o).is_empty());
    assert_eq!(lever(&o, "splw.fte")["default"], 5.0);
    assert_eq!(lever(&o, "navigation.training")["value"], "enhanced");
    assert_eq!(lever(&o, "splw.mdt")["value"], true);
    assert_eq!(lever(&o, "population.list_size")["value"], 50000);
    assert_eq!(lever(&o, "vcse.services.befriending.places")["value"], 40);
    assert_eq!(lever(&o, "population.list_size")["scope"], "base");
    for key in [
        "navigation.capacity_aware",
        "navigation.directory_refresh_days",
        "navigation.awareness",
        "splw.caseload_per_fte",
        "splw.admin_share",
        "vcse.funding",
        "vcse.transport_support",
        "population.contacts_per_patient_year",
    ] {
        assert!(!lever(&o, key)["label"].as_str().unwrap().is_empty(), "{key}");
    }
}

#[test]
fn lever_values_reach_the_arm_and_base_levers_the_counterfactual_too() {
    let o = open(&[
        ("arm", "trained"),
        ("splw.fte", "4"),
        ("navigation.training", "expert"),
        ("splw.mdt", "on"),
        ("population.list_size", "30000"),
    ]);
    assert!(errors(&o).is_empty(), "{o}");
    assert_eq!(o["arm"], "trained");
    assert_eq!(lever(&o, "splw.fte")["value"], 4.0);
    assert_eq!(lever(&o, "splw.fte")["default"], 2.5);
    assert_eq!(lever(&o, "navigation.training")["value"], "expert");
    assert_eq!(lever(&o, "splw.mdt")["value"], true);
    let loaded = load_str(o["toml"].as_str().unwrap(), "whatif.toml").unwrap();
    assert_eq!(loaded.arms.len(), 2);
    assert_eq!(loaded.arms[0].scenario.raw.population.list_size, 30000);
    assert_eq!(loaded.arms[1].scenario.raw.population.list_size, 30000);
    assert_eq!(loaded.arms[0].scenario.raw.splw.fte, 2.5);
    assert_eq!(loaded.arms[1].scenario.raw.splw.fte, 4.0);
}

#[test]
fn an_unknown_key_is_named_with_a_suggestion_and_the_defaults_kept() {
    let o = open(&[("splw.fte", "4"), ("splw.ftee", "3")]);
    assert_eq!(o["ok"], true);
    let e = errors(&o);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].contains("`splw.ftee` is not a lever") && e[0].contains("did you mean `splw.fte`"),
        "{}",
        e[0]
    );
    // The good value is not applied either: the link as a whole is refused.
    assert_eq!(lever(&o, "splw.fte")["value"], 5.0);
}

#[test]
fn out_of_range_and_malformed_values_are_refused() {
    for (key, value, says) in [
        ("splw.fte", "-2", "must be from 0 to 20"),
        ("splw.fte", "lots", "must be a number"),
        ("navigation.training", "guru", "must be one of none, essential, enhanced, expert"),
        ("splw.mdt", "maybe", "must be true or false"),
        ("population.list_size", "1500.5", "must be a whole number"),
        ("population.list_size", "900000", "must be from 1000 to 200000"),
        ("reps", "0", "reps: must be a whole number from 1 to 200"),
        ("arm", "nope", "`nope` is not an arm"),
    ] {
        let o = open(&[(key, value)]);
        let e = errors(&o);
        assert!(e.len() == 1 && e[0].contains(says), "{key}={value}: {e:?}");
        assert_eq!(o["arm"], "whole_system");
    }
}

#[test]
fn levers_the_scenario_check_refuses_together_are_reported() {
    // Each value is in range; together they break admin + MDT time <= 1.
    let text = "name = \"t\"\nreplications = 2\n[splw]\nmdt_time_share = 0.2\n";
    let o = call(json!({"op": "open", "scenario": text, "label": "t.toml",
        "levers": [["splw.admin_share", "0.9"], ["splw.mdt", "true"]]}));
    let e = errors(&o);
    assert!(
        e.len() == 1 && e[0].contains("splw.admin_share") && e[0].contains("refused"),
        "{e:?}"
    );
    assert_eq!(lever(&o, "splw.admin_share")["value"], 0.3);
    // A scenario without arms: the what-if starts from its base.
    assert_eq!(o["arm"], "base");
}

#[test]
fn fewer_places_than_a_service_starts_with_is_a_valid_what_if() {
    let o = open(&[("vcse.services.befriending.places", "10")]);
    assert!(errors(&o).is_empty(), "{o}");
    assert_eq!(lever(&o, "vcse.services.befriending.places")["value"], 10);
}

#[test]
fn bad_requests_answer_with_an_error() {
    assert_eq!(call(json!({"op": "step"}))["ok"], false);
    assert!(handle("{").contains("not JSON"));
    assert!(call(json!({"op": "fly"}))["error"].as_str().unwrap().contains("unknown op"));
    let net = "[network]\nhorizon = 10.0\n";
    let o = call(json!({"op": "open", "scenario": net, "levers": []}));
    assert!(o["error"].as_str().unwrap().contains("queueing-network"), "{o}");
}

#[test]
fn steps_give_the_librarys_numbers_for_the_whatif_file() {
    // A small list keeps the test quick; the numbers must equal a whole run
    // of the scenario file the page built.
    let o = open(&[("population.list_size", "3000"), ("splw.fte", "3"), ("reps", "3")]);
    assert!(errors(&o).is_empty(), "{o}");
    let mut last = Json::Null;
    for n in 1..=3 {
        last = call(json!({"op": "step"}));
        assert_eq!(last["replications"], n);
    }
    // Past the target, no more run.
    assert_eq!(call(json!({"op": "step"}))["replications"], 3);
    let loaded = load_str(o["toml"].as_str().unwrap(), "whatif.toml").unwrap();
    let options = RunOptions {
        replications: 3,
        seed: loaded.base.seed,
        journeys: 0,
    };
    let whole = run_experiment(&loaded, options, &|_, _| {}, &AtomicBool::new(false)).unwrap();
    assert_eq!(last["comparison_csv"].as_str().unwrap(), comparison_csv(&whole));
    let net = &last["metrics"]["gp_appointments_saved_net"];
    assert_eq!(net["diff"]["n"], 3);
    assert!(net["diff"]["low"].as_f64().unwrap() < net["diff"]["high"].as_f64().unwrap());
    assert_eq!(last["net_by_replication"].as_array().unwrap().len(), 3);
}

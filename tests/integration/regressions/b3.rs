//! B3: the capacity-aware check acted as a perfect remit filter, for VCSE only.

use super::small_with;
use signpost::report::tables::paired;
use toml::Value;

/// B3: with capacity never binding (link workers 50 FTE, VCSE places ×20,
/// pharmacist 50 FTE, any wait acceptable, no closures, a live directory) a
/// capacity-aware navigator has nothing to withhold, yet the check
/// redirected signposts and cut safety events, because it asked whether a
/// VCSE service *serves the need* (remit) as well as whether it has room.
/// Capacity-awareness judges capacity only: the capacity-aware arm must
/// then be the trained arm exactly.
#[test]
fn b3_capacity_aware_navigation_with_capacity_to_spare_changes_nothing() {
    let mut overrides: Vec<(String, Value)> = [
        ("splw.fte", 50.0),
        ("vcse.funding", 20.0),
        ("roles.pharmacist.fte", 50.0),
        ("navigation.acceptable_wait_weeks", 1000.0),
        ("navigation.directory_refresh_days", 0.0),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), Value::Float(v)))
    .collect();
    // Nor do services close (a closure is capacity the navigator may see).
    for service in ["befriending", "activity_groups", "advice"] {
        overrides.push((format!("vcse.services.{service}.closure_hazard_per_year"), Value::Float(0.0)));
    }
    let loaded = small_with(&overrides);
    let result = crate::support::run(&loaded, 4, 0);
    let arm = |name: &str| result.arms.iter().find(|a| a.name == name).expect("arm");
    let aware = arm("trained_capacity_aware");
    let m = aware.metric_index("capacity_redirects").expect("metric");
    let redirects: f64 = aware.values.iter().map(|r| r[m]).sum();
    let safety = paired(aware, arm("trained"), "safety_events");
    assert_eq!(
        (redirects, safety.mean().unwrap_or(f64::NAN)),
        (0.0, 0.0),
        "(signposts withheld over 4 replications, paired change in safety events) with capacity to spare"
    );
}

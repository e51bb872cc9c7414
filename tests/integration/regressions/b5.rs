//! B5: a stale programme-end event decided a new VCSE referral.

use super::{journeys, small_with};
use signpost::model::journey::JourneyStep;
use signpost::scenario::Place;
use toml::Value;

/// Programme length every service is given in the test \[weeks\].
const WEEKS: f64 = 3.0;

/// VCSE outcomes (resolved, or failed not resolved) decided less than a
/// programme's length after the episode's latest VCSE start: decided by
/// the end event of an earlier programme.
fn early_outcomes(steps: &[JourneyStep]) -> usize {
    use std::collections::HashMap;
    let mut started: HashMap<u32, f64> = HashMap::new();
    let mut early = 0;
    for s in steps.iter().filter(|s| s.place == Place::Vcse) {
        match s.event {
            "started" => {
                started.insert(s.episode, s.time);
            }
            "resolved" | "failed" if s.reason.code() != "not_attended" && s.reason.code() != "service_closed" => {
                let start = started.get(&s.episode).copied().unwrap_or(f64::NEG_INFINITY);
                if s.time - start < WEEKS * 7.0 * 1440.0 - 1e-6 {
                    early += 1;
                }
            }
            _ => {}
        }
    }
    early
}

/// B5: `VcseEnd` carried no token. An episode linked to a VCSE programme
/// by the link worker that then disengaged (leaving the programme's place
/// held until its end) bounced back, was signposted to VCSE again and
/// started a new programme; the first programme's end event then judged
/// the new one, weeks early. Reproduced with frequent disengagement, every
/// patient linked, fast returns and one programme length everywhere.
#[test]
fn b5_a_vcse_programme_is_decided_by_its_own_end() {
    let mut overrides: Vec<(String, Value)> = [
        ("splw.disengage_per_session", 0.4),
        ("splw.link_probability", 1.0),
        ("splw.unserved_share", 0.0),
        ("splw.fte", 3.0),
        ("vcse.funding", 10.0),
        ("bounce.return_probability", 1.0),
        ("time.horizon_days", 168.0),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), Value::Float(v)))
    .collect();
    for service in ["befriending", "activity_groups", "advice"] {
        overrides.push((format!("vcse.services.{service}.programme_weeks"), Value::Float(WEEKS)));
        overrides.push((format!("vcse.services.{service}.closure_hazard_per_year"), Value::Float(0.0)));
    }
    let loaded = small_with(&overrides);
    let all = journeys(&loaded, 3, 100_000);
    let decided = all
        .iter()
        .flatten()
        .filter(|s| s.place == Place::Vcse && matches!(s.event, "resolved" | "failed"))
        .count();
    assert!(decided > 50, "the scenario must exercise VCSE outcomes: {decided}");
    let early: usize = all.iter().map(|j| early_outcomes(j)).sum();
    assert_eq!(early, 0, "{early} VCSE outcomes were decided before the programme could have ended");
}

//! B1: one episode failed twice and ran two journeys.

use super::{journeys, small_with};
use signpost::model::journey::JourneyStep;
use signpost::scenario::Place;
use toml::Value;

/// Episodes the link worker fails or resolves with no `on_caseload` (or,
/// since issue #11, no `referred`: triage on receipt and giving up on the
/// waiting list fail an episode before it joins the caseload) since the
/// episode last ended somewhere (failed, resolved, unmet): the link worker
/// acting on an episode that had already left it.
fn double_journeys(steps: &[JourneyStep]) -> usize {
    use std::collections::HashMap;
    let mut by_episode: HashMap<u32, Vec<&JourneyStep>> = HashMap::new();
    for s in steps {
        by_episode.entry(s.episode).or_default().push(s);
    }
    let mut bad = 0;
    for steps in by_episode.values() {
        let (mut referred, mut on_caseload) = (false, false);
        for s in steps {
            match (s.place.name(), s.event) {
                ("splw", "referred") => referred = true,
                ("splw", "on_caseload") => on_caseload = true,
                ("splw", "failed") if referred && !on_caseload => referred = false,
                ("splw", "failed" | "resolved") if !on_caseload => {
                    bad += 1;
                    break;
                }
                (_, "failed" | "resolved" | "unmet") => (referred, on_caseload) = (false, false),
                _ => {}
            }
        }
    }
    bad
}

/// B1: a VCSE programme that fails the patient at once (did not attend)
/// ended link-worker support, yet the session carried on with a stale copy
/// and the link worker failed or resolved the same episode again: one
/// episode ran two journeys (two bounces, two trust losses, two GP
/// bookings). Reproduced with every patient linked and nobody attending.
#[test]
fn b1_a_vcse_no_show_ends_the_episode_at_the_link_worker_once() {
    let mut overrides: Vec<(String, Value)> = [
        ("splw.sessions_mean", 2.0),
        ("splw.dependency_probability", 0.0),
        ("splw.link_probability", 1.0),
        ("splw.unserved_share", 0.0),
        ("vcse.funding", 10.0),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), Value::Float(v)))
    .collect();
    for service in ["befriending", "activity_groups", "advice"] {
        for key in ["attendance", "rural_attendance"] {
            overrides.push((format!("vcse.services.{service}.{key}"), Value::Float(0.0)));
        }
    }
    let loaded = small_with(&overrides);
    let all = journeys(&loaded, 2, 100_000);
    let vcse_no_shows = all
        .iter()
        .flatten()
        .filter(|s| s.place == Place::Vcse && s.event == "failed")
        .count();
    assert!(vcse_no_shows > 50, "the scenario must exercise VCSE no-shows: {vcse_no_shows}");
    let doubled: usize = all.iter().map(|j| double_journeys(j)).sum();
    assert_eq!(
        doubled, 0,
        "{doubled} episodes were failed or resolved again where they had already left"
    );
}

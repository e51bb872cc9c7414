//! An episode is in exactly one place at a time (issue #11, B1 follow-up):
//! not only conservation at the end, but at every step. The model keeps an
//! explicit location for each episode and, in debug builds (this test
//! profile), asserts at every transition that the move is one the pathway
//! allows and at every arrival that the episode is where the event expects
//! it — so a stale event acting on an episode that has moved on panics.
//!
//! Here proptest drives random small scenarios through those assertions:
//! attendance (no-shows end link-worker support, B1), funding (including
//! zero places, B2), link-worker capacity, linking and disengagement
//! (re-referrals to VCSE, B5), frequent closures, demand, returns, training
//! tier, capacity-aware navigation and the directory. Deterministic: a
//! fixed seed and 24 cases (a few seconds).

use crate::support::{load, run_outputs, small_text};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, RngSeed};

/// One random scenario's knobs.
#[derive(Debug, Clone)]
struct Knobs {
    attendance: f64,
    funding: f64,
    splw_fte: f64,
    link_probability: f64,
    disengage: f64,
    unserved: f64,
    closure_hazard: f64,
    contacts: f64,
    return_probability: f64,
    gp_fte: f64,
    training: &'static str,
    capacity_aware: bool,
    refresh_days: f64,
    programme_weeks: f64,
}

fn knobs() -> impl Strategy<Value = Knobs> {
    (
        (
            0.0..=1.0f64,
            select(vec![0.0, 0.3, 1.0, 4.0]),
            0.1..4.0f64,
            0.0..=1.0f64,
            0.0..0.6f64,
        ),
        (0.0..=1.0f64, select(vec![0.0, 0.0, 6.0]), 1.5..6.0f64, 0.0..=1.0f64, 0.5..4.0f64),
        (
            select(vec!["none", "essential", "enhanced", "expert"]),
            any::<bool>(),
            select(vec![0.0, 7.0]),
            1.0..12.0f64,
        ),
    )
        .prop_map(
            |(
                (attendance, funding, splw_fte, link_probability, disengage),
                (unserved, closure_hazard, contacts, return_probability, gp_fte),
                (training, capacity_aware, refresh_days, programme_weeks),
            )| Knobs {
                attendance,
                funding,
                splw_fte,
                link_probability,
                disengage,
                unserved,
                closure_hazard,
                contacts,
                return_probability,
                gp_fte,
                training,
                capacity_aware,
                refresh_days,
                programme_weeks,
            },
        )
}

/// The small fixture over 20 weeks after 2, with `k`.
fn scenario(k: &Knobs) -> String {
    let mut text = small_text()
        .replace("horizon_days = 84", "horizon_days = 140")
        .replace("[gp]\nfte = 2.8", &format!("[gp]\nfte = {}", k.gp_fte))
        .replace("[splw]\nfte = 0.5", &format!("[splw]\nfte = {}", k.splw_fte))
        .replace(
            "[population]",
            &format!("[bounce]\nreturn_probability = {}\n\n[population]", k.return_probability),
        )
        .replace(
            "list_size = 5000",
            &format!("list_size = 5000\ncontacts_per_patient_year = {}", k.contacts),
        );
    let mut set = format!(
        "\"navigation.mode\" = \"active\", \"navigation.training\" = \"{}\", \"navigation.capacity_aware\" = {}, \
         \"navigation.directory_refresh_days\" = {}, \"vcse.funding\" = {}, \"splw.link_probability\" = {}, \
         \"splw.disengage_per_session\" = {}, \"splw.unserved_share\" = {}",
        k.training, k.capacity_aware, k.refresh_days, k.funding, k.link_probability, k.disengage, k.unserved
    );
    for service in ["befriending", "activity_groups", "advice"] {
        set += &format!(
            ", \"vcse.services.{service}.attendance\" = {a}, \"vcse.services.{service}.rural_attendance\" = {a}, \
             \"vcse.services.{service}.closure_hazard_per_year\" = {h}, \"vcse.services.{service}.programme_weeks\" = {w}",
            a = k.attendance,
            h = k.closure_hazard,
            w = k.programme_weeks
        );
    }
    text += &format!("\n[[arms]]\nname = \"random\"\nset = {{ {set} }}\n");
    text
}

#[test]
#[cfg_attr(not(debug_assertions), ignore = "the invariant is checked by debug assertions")]
fn every_episode_is_in_one_place_at_a_time() {
    let config = Config {
        cases: 24,
        rng_seed: RngSeed::Fixed(11),
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    runner
        .run(&knobs(), |k| {
            let loaded = load(&scenario(&k));
            // A debug assertion that fails in the model panics here.
            let (result, outputs) = run_outputs(&loaded, 2, 0);
            for (arm, reps) in result.arms.iter().zip(&outputs) {
                for rep in reps {
                    let c = rep.conservation;
                    prop_assert_eq!(c.created, c.resolved + c.unmet + c.open, "{}: {:?}", arm.name, k);
                }
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
}

//! B2: a VCSE service with zero places kept a waiting list for ever.

use super::small_with;
use toml::Value;

/// B2: with `vcse.funding = 0` every service has zero places, yet the
/// initial waiting lists stayed at their level all year (people parked
/// until a random closure) and the bounce-back they should cause never
/// came. Zero places means no admissions and no list: a list over a
/// service that cannot open drains to bounce-back within the holding
/// timeout (`splw.hold_timeout_days`, 42 days in the fixture), and new
/// referrals are turned away at once.
#[test]
fn b2_a_vcse_service_with_zero_places_keeps_no_waiting_list() {
    let loaded = small_with(&[("vcse.funding".to_string(), Value::Float(0.0))]);
    let (_, outputs) = crate::support::run_outputs(&loaded, 2, 0);
    let mut last_week_lists = 0.0;
    for reps in &outputs {
        for rep in reps {
            let w = &rep.weekly;
            for (name, values) in w.names.iter().zip(&w.values) {
                if name.starts_with("queue.vcse:") {
                    // The window starts 14 days in: by its last week (day
                    // 91 onward) 42 days of holding are long over.
                    last_week_lists += values[w.weeks - 1];
                }
            }
        }
    }
    assert_eq!(
        last_week_lists, 0.0,
        "people still on the waiting lists of services with no places in the last week (sum over arms, reps, services)"
    );
}

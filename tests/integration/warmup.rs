//! The warm-up diagnostic (issue #11): a statistics window that starts
//! while the link-worker list is still filling is flagged; one that starts
//! after it has levelled off is not.

use crate::support::small_text;
use signpost::experiment::warmup::{diagnose, REPLICATIONS};
use signpost::scenario::load::load_with_overrides;
use signpost::stats::warmup::Verdict;
use std::sync::atomic::AtomicBool;
use toml::Value;

/// The diagnostic's verdict on `queue.splw` for the small fixture with the
/// given warm-up \[days\]. Its list starts at 4 people and levels off near
/// week 40 (MSER-5 cut), far above where it starts.
fn splw_verdict(warmup_days: f64) -> Verdict {
    let loaded = load_with_overrides(
        &small_text(),
        "small.toml",
        &[("time.warmup_days".into(), Value::Float(warmup_days))],
    )
    .unwrap();
    let d = diagnose(&loaded, loaded.base.seed, REPLICATIONS, &AtomicBool::new(false)).unwrap();
    d.series.iter().find(|s| s.name == "queue.splw").unwrap().verdict
}

#[test]
fn a_short_warmup_leaves_the_link_worker_list_in_its_transient() {
    let v = splw_verdict(14.0);
    assert!(
        matches!(v, Verdict::Transient { weeks_into_window } if weeks_into_window >= 20),
        "{v:?}"
    );
}

#[test]
fn a_year_of_warmup_lets_the_link_worker_list_settle() {
    assert_eq!(splw_verdict(364.0), Verdict::Steady);
}

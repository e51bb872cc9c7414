//! The warm-up diagnostic (issue #11): a statistics window that starts
//! while the link-worker list is still filling is flagged; one that starts
//! after it has levelled off is not, and a "transient" too small to move
//! the window's mean is not worth a longer warm-up.

use crate::support::root;
use signpost::experiment::warmup::{diagnose, WarmupDiagnostic, REPLICATIONS};
use signpost::scenario::load::load_with_overrides;
use signpost::stats::warmup::Verdict;
use std::sync::atomic::AtomicBool;
use toml::Value;

/// The diagnostic for scenario `text` with the given warm-up \[days\].
fn diagnostic(text: &str, warmup_days: f64) -> WarmupDiagnostic {
    let loaded = load_with_overrides(text, "scenario.toml", &[("time.warmup_days".into(), Value::Float(warmup_days))]).unwrap();
    diagnose(&loaded, loaded.base.seed, REPLICATIONS, &AtomicBool::new(false)).unwrap()
}

fn verdict(d: &WarmupDiagnostic, series: &str) -> Verdict {
    d.series.iter().find(|s| s.name == series).unwrap().verdict
}

/// The default scenario: its link-worker list grows from the hand-set
/// start for some months before it levels off.
fn default_text() -> String {
    std::fs::read_to_string(root().join("scenarios/default.toml")).unwrap()
}

#[test]
fn a_short_warmup_leaves_the_link_worker_list_in_its_transient() {
    let d = diagnostic(&default_text(), 28.0);
    let v = verdict(&d, "queue.splw");
    assert!(
        matches!(v, Verdict::Transient { weeks_into_window } if weeks_into_window >= 5),
        "{v:?}"
    );
    assert!(!d.passes());
    assert!(d.suggested_warmup_days() > 28.0);
}

#[test]
fn the_default_year_of_warmup_passes() {
    let d = diagnostic(&default_text(), 364.0);
    assert_eq!(verdict(&d, "queue.splw"), Verdict::Steady);
    // The reception queue is nearly always empty: whatever MSER-5 reads in
    // its seasonal wobble cannot move the window's mean by half a caller.
    assert!(
        matches!(verdict(&d, "queue.navigation"), Verdict::Steady | Verdict::Immaterial { .. }),
        "{:?}",
        verdict(&d, "queue.navigation")
    );
    assert!(d.passes(), "{:?}", d.problems().collect::<Vec<_>>());
    assert!(d.suggested_warmup_days() <= 364.0);
}

//! `[local_targets]`: a population's own observed figures, which `signpost
//! calibrate` compares with the simulated baseline beside the national
//! ranges. `signpost init` writes them from NHS published data; a
//! scenario without the table has none.
//!
//! ```toml
//! [local_targets]
//! gp_appointments_per_patient_year = { observed = 2.41, low = 2.29, high = 2.53, source = "GPAD practice, MAR2025 to FEB2026" }
//! ```

use super::keys::locate;
use crate::error::ScenarioError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One observed figure and the range within which a simulated value
/// counts as agreeing with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocalTarget {
    /// The observed value (a rate or a share, as its key says).
    pub observed: f64,
    /// Lower end of the agreeing range.
    pub low: f64,
    /// Upper end of the agreeing range.
    pub high: f64,
    /// Where the figure comes from (files and period).
    pub source: String,
}

/// The figures a table may hold: key, label, and whether it is a share in
/// \[0, 1\] (else a rate per registered patient per year).
pub const LOCAL_TARGET_KEYS: [(&str, &str, bool); 6] = [
    ("gp_appointments_per_patient_year", "GP appointments per patient-year", false),
    (
        "other_appointments_per_patient_year",
        "other staff appointments per patient-year",
        false,
    ),
    ("gp_share_of_appointments", "GP share of GP and other-staff appointments", true),
    ("gp_same_day_share", "GP appointments booked same day", true),
    ("gp_dna_rate", "GP appointments not attended", true),
    ("weekday_monday_share", "Monday's share of Monday-Friday appointments", true),
];

/// Checks every target: a known key, finite values, `low <= observed <=
/// high`, and shares within \[0, 1\]. Errors name the key.
pub fn check(targets: &BTreeMap<String, LocalTarget>, file: &str, text: &str) -> Result<(), ScenarioError> {
    let fail = |path: &str, message: String| ScenarioError::key(file, path, message).at(locate(text, path));
    for (key, t) in targets {
        let path = format!("local_targets.{key}");
        let Some((_, _, is_share)) = LOCAL_TARGET_KEYS.iter().find(|(k, _, _)| k == key) else {
            let known: Vec<&str> = LOCAL_TARGET_KEYS.iter().map(|(k, _, _)| *k).collect();
            return Err(fail(&path, format!("unknown local target; expected one of {}", known.join(", "))));
        };
        let values = [t.low, t.observed, t.high];
        if values.iter().any(|v| !v.is_finite() || *v < 0.0) || (*is_share && values.iter().any(|v| *v > 1.0)) {
            let range = if *is_share { "between 0 and 1" } else { "finite and 0 or more" };
            return Err(fail(&path, format!("low, observed and high must be {range}, found {values:?}")));
        }
        if !(t.low <= t.observed && t.observed <= t.high) {
            return Err(fail(
                &path,
                format!("must have low <= observed <= high, found {} <= {} <= {}", t.low, t.observed, t.high),
            ));
        }
    }
    Ok(())
}

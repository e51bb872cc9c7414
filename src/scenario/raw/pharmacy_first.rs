//! `[pharmacy_first]` as written: the NHS Pharmacy First service's
//! conditions, eligibility rules, outcomes and fee (a part of
//! [`super::RawScenario`]; checked in `validate`).

use serde::{Deserialize, Serialize};

/// `\[pharmacy_first\]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPharmacyFirst {
    /// Pharmacy First is on: navigators send eligible patients with its
    /// conditions to it, apart from general pharmacy advice.
    pub enabled: bool,
    /// The need whose episodes hold its conditions.
    pub need: String,
    /// Share of the eligible episodes of its conditions that a navigator
    /// (with signposting on) sends to Pharmacy First, whatever the
    /// routing would have chosen; the patient still accepts or declines as
    /// for any signpost \[share\].
    pub navigated_share: f64,
    /// Share of consultations completed in the pharmacy \[share\].
    pub completion: f64,
    /// Share of consultations referred on to the practice (a GP
    /// appointment is booked); the rest neither complete nor are referred
    /// and fail as general pharmacy advice does \[share\].
    pub onward_referral: f64,
    /// Fee per consultation \[GBP\].
    pub fee: f64,
    /// The clinical conditions, each a share of the need's episodes.
    pub conditions: Vec<RawCondition>,
    /// Age–sex mix of the list, used for eligibility when patients carry no
    /// demographics: bands with edges in years.
    pub list_age_bands: Vec<RawAgeBand>,
}

/// `[\[pharmacy_first.conditions\]]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCondition {
    /// Condition name.
    pub name: String,
    /// Share of the need's episodes that are this condition \[share\].
    pub share: f64,
    /// Youngest eligible age \[years\].
    pub min_age: f64,
    /// Oldest eligible age, inclusive (eligible below `max_age + 1`)
    /// \[years\]; 120 = no upper limit.
    pub max_age: f64,
    /// Who is eligible by sex: `any` or `female`.
    pub sex: String,
}

/// One band of the list's age–sex mix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAgeBand {
    /// Lower edge \[years\].
    pub from_age: f64,
    /// Upper edge, exclusive \[years\].
    pub to_age: f64,
    /// Share of the list in this band \[share\].
    pub share: f64,
    /// Share of the band who are female \[share\].
    pub female_share: f64,
}

impl RawPharmacyFirst {
    /// Whether this is the built-in default's table unchanged: a resolved
    /// scenario leaves it out, so that files which do not use Pharmacy
    /// First are written byte for byte as before it existed (loading one
    /// merges the default's table back).
    pub fn is_builtin(&self) -> bool {
        let builtin = || -> Option<RawPharmacyFirst> {
            let table: toml::Table = toml::from_str(crate::scenario::load::DEFAULT_TOML).ok()?;
            table.get("pharmacy_first")?.clone().try_into().ok()
        };
        builtin().is_some_and(|b| b == *self)
    }
}

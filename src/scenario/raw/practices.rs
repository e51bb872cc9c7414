//! `[[practices]]`: the practices of a PCN, each with its own list, GP
//! diary, reception lines, navigation tier and rurality (see
//! `docs/practices.md`). Absent, the PCN is one practice.

use super::Training;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One practice of the PCN.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPractice {
    /// Practice name (names its rows in `groups.csv`; used once).
    pub name: String,
    /// Registered patients at the practice; the practices' lists add up to
    /// `population.list_size` \[patients\].
    pub list_size: u64,
    /// GP FTE at the practice; the practices' FTE add up to `gp.fte`, and
    /// timed `gp.changes` scale every practice in proportion \[FTE\].
    pub gp_fte: f64,
    /// Reception lines staffed at once at the practice; the practices'
    /// lines add up to `navigation.servers` \[lines\].
    pub reception_lines: u32,
    /// The practice's care-navigation training tier when signposting is
    /// active (absent: `navigation.training`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training: Option<Training>,
    /// Share of the practice's patients with rural transport barriers
    /// (absent: `population.rural_share`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rural_share: Option<f64>,
    /// Opening time `HH:MM`, no earlier than `time.open` (absent: `time.open`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open: Option<String>,
    /// Closing time `HH:MM`, no later than `time.close` (absent: `time.close`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close: Option<String>,
    /// Open weekdays, Monday first, among `time.open_weekdays` (absent:
    /// `time.open_weekdays`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_weekdays: Option<Vec<bool>>,
    /// FTE of roles in `[[roles]]` that the practices employ, by role name:
    /// a role named here at any practice is practice-employed, its patients
    /// see only their own practice's staff, and the practices' FTE add up
    /// to the role's `fte` \[FTE\].
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub role_fte: BTreeMap<String, f64>,
}

//! `[[practices]]`: the practices of a PCN, each with its own list, GP
//! diary, reception lines, navigation tier and rurality (see
//! `docs/practices.md`). Absent, the PCN is one practice.

use super::Training;
use serde::{Deserialize, Serialize};

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
}

//! The online request route (issue #15, "Ways in"): what a scenario writes
//! in its opt-in `[online]` table, and the built-in defaults that table is
//! merged over.
//!
//! The route is **opt-in**: a scenario without an `[online]` table has no
//! online route (today's phone-only model, with no extra random draws). A
//! scenario that writes `[online]` — even an empty one — gets every key it
//! leaves out from `scenarios/opt_in/online.toml` ([`ONLINE_DEFAULT_TOML`]),
//! which holds each default with its source. Checked and prepared in
//! [`super::validate`]; the model is `crate::model`'s `online` module.

use super::dist::DistSpec;
use super::raw::RawHourBlock;
use serde::{Deserialize, Serialize};

/// The built-in defaults of the `[online]` table (the same bytes as
/// `scenarios/opt_in/online.toml`).
pub const ONLINE_DEFAULT_TOML: &str = include_str!("../../scenarios/opt_in/online.toml");

/// The table's key in a scenario file.
pub const ONLINE_KEY: &str = "online";

/// `\[online\]`: written requests beside the phone.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOnline {
    /// Share of new episodes that arrive as written online requests instead of phone calls \[share\]; 0 closes the route (each patient's share is this times their group's online-uptake multiplier, at most 1).
    pub uptake: f64,
    /// Share of online requests by weekday, Monday first \[share\]; requests arrive on any day, closed ones included.
    pub weekday_weights: Vec<f64>,
    /// Within-day profile of online requests on weekdays, any hour (`to = "24:00"` ends at midnight).
    pub hour_blocks: Vec<RawHourBlock>,
    /// Within-day profile of online requests on Saturdays and Sundays.
    pub weekend_hour_blocks: Vec<RawHourBlock>,
    /// Share of online requests triaged by a clinician instead of a care navigator \[share\].
    pub clinician_share: f64,
    /// Clinician triage lines staffed in opening hours (a duty clinician's triage list, outside the GP diary) \[clinicians\].
    pub clinicians: u32,
    /// A navigator's time to read, triage and answer one written request \[minutes\].
    pub navigator_triage_minutes: DistSpec,
    /// A clinician's time to triage one written request \[minutes\].
    pub clinician_triage_minutes: DistSpec,
    /// Navigation accuracy from a written request, per navigation training tier (the tier in force is `navigation.training`).
    pub tiers: RawOnlineTiers,
    /// Triage accuracy of a clinician reading a written request.
    pub clinician: RawOnlineAccuracy,
}

/// How accurately a written request is routed: the same three numbers as
/// a phone tier's (`navigation.tiers.*`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOnlineAccuracy {
    /// Chance a written request for a need best met away from the GP is signposted away \[probability\].
    pub identify: f64,
    /// Chance a signposted written request goes to the wrong destination \[probability\].
    pub misroute: f64,
    /// Chance a written request that needs a GP is sent away \[probability\].
    pub clinical_sent_away: f64,
}

/// `\[online.tiers\]`: written-request accuracy per navigation tier.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOnlineTiers {
    /// Untrained navigators reading a written request.
    pub none: RawOnlineAccuracy,
    /// HEE tier 1 navigators reading a written request.
    pub essential: RawOnlineAccuracy,
    /// HEE tier 2 navigators reading a written request.
    pub enhanced: RawOnlineAccuracy,
    /// HEE tier 3 navigators reading a written request.
    pub expert: RawOnlineAccuracy,
}

/// The online route as the model runs it: checked, with its samplers and
/// routing tables built.
#[derive(Debug, Clone)]
pub struct PreparedOnline {
    /// Share of new episodes that go online, before a patient's multiplier \[share\].
    pub uptake: f64,
    /// Share of online requests a clinician triages \[share\].
    pub clinician_share: f64,
    /// Clinician triage lines in opening hours.
    pub clinicians: u32,
    /// When in the week requests are written: (weekday 0 = Monday, from,
    /// to \[minutes after midnight\]) by share of the week's requests.
    pub week_slots: crate::engine::Categorical<(u8, f64, f64)>,
    /// A navigator's triage time \[minutes\].
    pub navigator_triage: super::dist::Dist,
    /// A clinician's triage time \[minutes\].
    pub clinician_triage: super::dist::Dist,
    /// Per need, a navigator's routing of a written request under the tier
    /// in force (as `Scenario::routing` is for calls).
    pub navigator_routing: Vec<crate::engine::Categorical<super::Place>>,
    /// Per need, a clinician's routing of a written request.
    pub clinician_routing: Vec<crate::engine::Categorical<super::Place>>,
}

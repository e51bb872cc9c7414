//! `RawScenario`: a serde mirror of the scenario TOML, exactly as written.
//!
//! Nothing here is checked beyond types; [`super::validate`] turns it into a
//! [`super::Scenario`]. Defaults are not in this file: every scenario is
//! merged over the built-in `scenarios/default.toml`, which holds every key
//! with its source.
//!
//! A key added to an element of `needs`, `roles` or `vcse.services` reaches
//! every user file through the default's element of the same name
//! ([`super::merge`]); an element a user adds under a new name must give every
//! field without a serde default. So give a new element field
//! `#[serde(default)]` unless every such file should have to write it.

use super::dist::DistSpec;
use super::online::RawOnline;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

mod changes;
mod pharmacy_first;
mod practices;
pub use changes::{RawChange, RawFundingChange, RawPlacesChange};
pub use pharmacy_first::{RawAgeBand, RawCondition, RawPharmacyFirst};
pub use practices::RawPractice;

/// The whole scenario file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    /// Scenario name; names the output directory.
    pub name: String,
    /// One-line description.
    pub description: String,
    /// Master seed for common random numbers.
    pub seed: u64,
    /// Replications per arm.
    pub replications: u64,
    /// Calendar and run length.
    pub time: RawTime,
    /// The registered list and its demand.
    pub population: RawPopulation,
    /// Need categories.
    pub needs: Vec<RawNeed>,
    /// Reception and care navigation.
    pub navigation: RawNavigation,
    /// The online request route: opt-in, absent = phone only (see `scenario::online`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online: Option<RawOnline>,
    /// GP appointment diary.
    pub gp: RawGp,
    /// Other practice roles (PCN-employed: shared by every practice).
    pub roles: Vec<RawRole>,
    /// The PCN's practices (absent: the PCN is one practice); their keys are in `docs/practices.md`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub practices: Vec<RawPractice>,
    /// Community pharmacy and self-care.
    pub pharmacy: RawPharmacy,
    /// The NHS Pharmacy First service (seven conditions), apart from
    /// general community pharmacy advice.
    #[serde(skip_serializing_if = "RawPharmacyFirst::is_builtin")]
    pub pharmacy_first: RawPharmacyFirst,
    /// Social prescribing link workers.
    pub splw: RawSplw,
    /// Voluntary-sector services.
    pub vcse: RawVcse,
    /// Bounce-back and repeat contacts.
    pub bounce: RawBounce,
    /// Unit costs.
    pub costs: RawCosts,
    /// Output options.
    pub report: RawReport,
    /// Policy arms.
    #[serde(default)]
    pub arms: Vec<RawArm>,
    /// Priors for probabilistic sensitivity analysis, as written: dotted key
    /// path (or Dirichlet group name) → distribution, plus `groups` and
    /// `decision`; checked by [`super::uncertainty::parse`].
    #[serde(default, skip_serializing_if = "toml::Table::is_empty")]
    pub uncertainty: toml::Table,
    /// The population's own observed figures (written by `signpost init`), compared with the baseline by `signpost calibrate`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub local_targets: BTreeMap<String, super::local_targets::LocalTarget>,
}

/// `\[time\]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTime {
    /// Civil date of day 0, `YYYY-MM-DD`.
    pub start_date: String,
    /// Days simulated before statistics start \[days\].
    pub warmup_days: f64,
    /// Days of statistics after the warm-up \[days\].
    pub horizon_days: f64,
    /// Opening time `HH:MM`.
    pub open: String,
    /// Closing time `HH:MM`.
    pub close: String,
    /// Open weekdays, Monday first.
    pub open_weekdays: Vec<bool>,
    /// Closed dates, `YYYY-MM-DD`.
    pub bank_holidays: Vec<String>,
}

/// One block of the within-day arrival profile.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHourBlock {
    /// Start `HH:MM`.
    pub from: String,
    /// End `HH:MM`.
    pub to: String,
    /// Share of the day's contacts in this block.
    pub share: f64,
}

/// `\[population\]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPopulation {
    /// Registered patients.
    pub list_size: u64,
    /// New episodes reaching reception per patient per year \[1/year\].
    pub contacts_per_patient_year: f64,
    /// Gamma shape of personal contact rates (smaller = heavier tail).
    pub contact_rate_shape: f64,
    /// Share of patients with rural transport barriers.
    pub rural_share: f64,
    /// Share of weekly demand by weekday, Monday first.
    pub weekday_weights: Vec<f64>,
    /// Within-day arrival profile.
    pub hour_blocks: Vec<RawHourBlock>,
    /// Demand multiplier by month, January first.
    pub month_multipliers: Vec<f64>,
    /// Population groups (deprivation, age, sex, digital exclusion,
    /// ethnicity); absent, everyone is one group. See `docs/groups.md`.
    #[serde(default, skip_serializing_if = "RawGroups::is_empty")]
    pub groups: RawGroups,
}

/// `\[population.groups\]`: each dimension a list of levels (share of the
/// list and what the level changes, fields in `docs/groups.md`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGroups {
    /// Deprivation: five levels, IMD quintile 1 (most deprived) to 5, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub imd: Vec<super::groups::RawGroupLevel>,
    /// Age bands `[from_years, to_years)`, contiguous from 0 \[years\].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub age: Vec<super::groups::RawGroupLevel>,
    /// Sex: levels `female` and `male` (default 0.5 each, no effects).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sex: Vec<super::groups::RawGroupLevel>,
    /// Digital exclusion, levels named by the user (e.g. `excluded`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub digital: Vec<super::groups::RawGroupLevel>,
    /// Ethnicity, levels named by the user.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ethnicity: Vec<super::groups::RawGroupLevel>,
}

impl RawGroups {
    /// No dimension written: one implicit group.
    pub fn is_empty(&self) -> bool {
        self.imd.is_empty() && self.age.is_empty() && self.sex.is_empty() && self.digital.is_empty() && self.ethnicity.is_empty()
    }
}

/// `[\[needs\]]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNeed {
    /// Need category name; remits, services' `needs` and routing rows refer to it.
    pub name: String,
    /// Share of new episodes.
    pub share: f64,
    /// Right destination: gp, reception, pharmacy, role, splw or vcse.
    pub right: String,
    /// Sending it away from the GP is a safety event.
    pub urgent: bool,
    /// A resolved need lowers the patient's contact rate.
    pub social: bool,
    /// Complex case for the link worker (MDT helps).
    pub complex: bool,
    /// Chance a GP consultation resolves it.
    pub gp_resolve: f64,
    /// Chance of a GP follow-up appointment.
    pub gp_follow_up: f64,
    /// Chance the GP refers it to the link worker.
    pub gp_refer_splw: f64,
    /// Multiplier on this need's new episodes by month, January first, on
    /// top of `population.month_multipliers`: a winter surge of one need
    /// changes the mix of needs, not only the volume (the month's volume
    /// changes by the share-weighted mean). Empty (the default) = the need
    /// follows the list's seasonality only. An arm can override it only
    /// where the base file writes it (e.g. `month_multipliers = []`).
    /// ASSUMPTION when used: e.g. `minor_illness` 1.3 in Dec–Feb and 0.8 in
    /// Jun–Aug for a winter respiratory surge (range 1.0–1.5 in winter).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub month_multipliers: Vec<f64>,
}

/// Routing accuracy of one training tier.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTier {
    /// Chance an avoidable need is signposted away from the GP.
    pub identify: f64,
    /// Chance a signpost goes to the wrong destination.
    pub misroute: f64,
    /// Chance a need that needs a GP is sent away.
    pub clinical_sent_away: f64,
    /// Training cost per year \[GBP\].
    pub annual_cost: f64,
    /// Optional explicit routing rows: need name → destination → probability.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub routing: BTreeMap<String, BTreeMap<String, f64>>,
}

/// `\[navigation.tiers\]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTiers {
    /// No training.
    pub none: RawTier,
    /// HEE tier 1.
    pub essential: RawTier,
    /// HEE tier 2.
    pub enhanced: RawTier,
    /// HEE tier 3.
    pub expert: RawTier,
}

/// Navigation mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Counterfactual: clinical and social needs go to the GP diary.
    Off,
    /// Active signposting.
    Active,
}

/// Care-navigation training tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Training {
    /// Untrained receptionists.
    None,
    /// HEE tier 1.
    Essential,
    /// HEE tier 2.
    Enhanced,
    /// HEE tier 3.
    Expert,
}

/// `\[navigation\]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNavigation {
    /// `off` (the counterfactual) or `active` signposting.
    pub mode: Mode,
    /// Day signposting starts \[day index\].
    pub start_day: f64,
    /// Reception lines staffed at once.
    pub servers: u32,
    /// Call handling time \[minutes\].
    pub handling_minutes: DistSpec,
    /// Caller patience in the queue \[minutes\].
    pub patience_minutes: DistSpec,
    /// Chance a caller who hangs up tries again.
    pub retry_probability: f64,
    /// Delay before retrying \[minutes\].
    pub retry_delay_minutes: DistSpec,
    /// Training tier in force.
    pub training: Training,
    /// Capacity-aware signposting.
    pub capacity_aware: bool,
    /// Capacity-aware: longest acceptable expected wait \[weeks\].
    pub acceptable_wait_weeks: f64,
    /// Staleness of the service directory \[days\]; 0 = live.
    pub directory_refresh_days: f64,
    /// Base chance a patient accepts a signpost.
    pub acceptance: f64,
    /// Share of would-be decliners persuaded by public awareness.
    pub awareness: f64,
    /// Acceptance lost per bounce (multiplicative).
    pub trust_loss: f64,
    /// Routing accuracy per tier.
    pub tiers: RawTiers,
}

/// One band of the booking lead-time distribution.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLeadBand {
    /// First day of the band \[days ahead\].
    pub from: u32,
    /// Last day of the band \[days ahead\].
    pub to: u32,
    /// Share of requests.
    pub share: f64,
}

/// One band of did-not-attend by lead time.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDnaBand {
    /// Applies to lead times up to this \[days\].
    pub max_lead_days: u32,
    /// Did-not-attend probability.
    pub probability: f64,
}

/// `\[gp\]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGp {
    /// GP whole-time equivalents.
    pub fte: f64,
    /// Appointments per FTE per working day.
    pub appointments_per_fte_day: f64,
    /// Capacity multiplier by weekday, Monday first.
    pub rota: Vec<f64>,
    /// Share of slots kept for same-day booking.
    pub same_day_share: f64,
    /// How far ahead appointments can be booked \[days\].
    pub booking_horizon_days: u32,
    /// Lead times routine requests ask for.
    pub lead_time_bands: Vec<RawLeadBand>,
    /// Did-not-attend by lead time.
    pub dna_bands: Vec<RawDnaBand>,
    /// Days to a follow-up \[days\].
    pub follow_up_days: f64,
    /// Chance a patient finding no slot calls back.
    pub callback_probability: f64,
    /// Delay before calling back \[days\].
    pub callback_delay_days: f64,
    /// Urgent needs with no slot today are seen as extras.
    pub urgent_overflow: bool,
    /// Initial state: share of bookable-ahead slots already booked.
    pub prebooked_share: f64,
    /// Staffing changes over time: `{ from_day, fte }` steps.
    pub changes: Vec<RawChange>,
}

/// `[\[roles\]]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRole {
    /// Role name.
    pub name: String,
    /// Whole-time equivalents (FTE) of this role.
    pub fte: f64,
    /// Appointments per FTE per working day.
    pub appointments_per_fte_day: f64,
    /// Share of appointments open to navigated demand.
    pub navigation_share: f64,
    /// Share of slots kept for same-day booking.
    pub same_day_share: f64,
    /// How far ahead this role's appointments can be booked \[days\].
    pub booking_horizon_days: u32,
    /// Needs this role can meet.
    pub remit: Vec<String>,
    /// Share of role signposts it receives.
    pub weight: f64,
    /// Capacity multiplier by weekday, Monday first.
    pub rota: Vec<f64>,
    /// Staffing changes over time: `{ from_day, fte }` steps.
    pub changes: Vec<RawChange>,
    /// Cost per FTE per year \[GBP\].
    pub annual_cost_per_fte: f64,
}

/// `\[pharmacy\]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPharmacy {
    /// Needs pharmacy can meet.
    pub remit: Vec<String>,
    /// Chance an in-remit need is resolved.
    pub resolve: f64,
    /// Chance the patient goes.
    pub attend: f64,
    /// Time to the pharmacy visit \[hours\].
    pub delay_hours: DistSpec,
    /// Share of returns that are urgent.
    pub urgent_return_share: f64,
    /// Fee per consultation \[GBP\].
    pub fee: f64,
}

/// `\[splw\]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSplw {
    /// Link-worker whole-time equivalents.
    pub fte: f64,
    /// Active caseload per FTE at 100% patient-facing time \[people\].
    pub caseload_per_fte: f64,
    /// Share of time on admin.
    pub admin_share: f64,
    /// Waiting-list cap \[people\]; 0 = no cap.
    pub waitlist_cap: u32,
    /// Chance of refusing per week of expected wait.
    pub refuse_per_week_wait: f64,
    /// Needs in the link worker's remit.
    pub remit: Vec<String>,
    /// Chance assessment detects an out-of-remit referral.
    pub screen_out_of_remit: f64,
    /// Mean sessions per person.
    pub sessions_mean: f64,
    /// Days between sessions \[days\].
    pub session_interval_days: f64,
    /// Chance a person becomes dependent.
    pub dependency_probability: f64,
    /// Extra sessions a dependent person wants.
    pub dependency_extra_sessions: u32,
    /// Discharge boundary \[sessions\].
    pub max_sessions: u32,
    /// Chance of disengaging after each session.
    pub disengage_per_session: f64,
    /// Chance a person is linked to a VCSE service.
    pub link_probability: f64,
    /// Session at which linking happens.
    pub link_at_session: u32,
    /// Share of linked people with no local service for their need.
    pub unserved_share: f64,
    /// Days a person is held before the link worker gives up \[days\].
    pub hold_timeout_days: f64,
    /// Chance support alone resolves the need.
    pub resolve_without_link: f64,
    /// Multiplier on resolve chances for complex cases.
    pub complex_resolve_factor: f64,
    /// Multidisciplinary meetings on.
    pub mdt: bool,
    /// Link-worker time taken by MDT meetings.
    pub mdt_time_share: f64,
    /// Added to complex cases' resolve chance with MDT.
    pub mdt_complex_boost: f64,
    /// Weekly chance each link worker is absent.
    pub absence_probability: f64,
    /// Working-day multiplier by weekday, Monday first.
    pub rota: Vec<f64>,
    /// Staffing changes over time: `{ from_day, fte }` steps.
    pub changes: Vec<RawChange>,
    /// Chance of re-referral after discharge.
    pub re_referral_probability: f64,
    /// Mean delay to re-referral \[days\].
    pub re_referral_delay_days: f64,
    /// Cost per FTE per year \[GBP\].
    pub annual_cost_per_fte: f64,
    /// Initial caseload \[people\].
    pub initial_caseload: u32,
    /// Initial waiting list \[people\].
    pub initial_waitlist: u32,
    /// Sessions attended at which link-worker support has its full effect
    /// \[sessions\]: the chance support resolves a need rises linearly with
    /// sessions attended up to it (dose–response); 0 = no dose–response.
    #[serde(default)]
    pub full_effect_sessions: u32,
    /// Weekly chance a person on the waiting list gives up and comes back
    /// to the practice \[per week\]; 0 = nobody gives up.
    #[serde(default)]
    pub wait_dropout_per_week: f64,
    /// Chance a dependent person discharged by the boundary
    /// (`max_sessions`) before the sessions they wanted relapses and comes
    /// back instead of resolving \[probability\].
    #[serde(default)]
    pub cut_short_relapse: f64,
    /// With MDT meetings, weekly chance a held case (no local service) gets
    /// a route from the services at the meeting and is resolved
    /// \[per week\].
    #[serde(default)]
    pub mdt_held_weekly_resolve: f64,
}

/// `\[vcse\]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVcse {
    /// Multiplier on places.
    pub funding: f64,
    /// Rural patients attend as urban ones do.
    pub transport_support: bool,
    /// Cost of transport support per year \[GBP\].
    pub transport_annual_cost: f64,
    /// Funding changes over time: `{ from_day, funding }` steps of the
    /// multiplier on places, as link-worker `changes` step FTE.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<RawFundingChange>,
    /// The services.
    pub services: Vec<RawService>,
}

/// `[\[vcse.services\]]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawService {
    /// Service name.
    pub name: String,
    /// Need categories served.
    pub needs: Vec<String>,
    /// Concurrent places \[people\].
    pub places: u32,
    /// Programme length \[weeks\].
    pub programme_weeks: f64,
    /// Waiting-list cap \[people\]; 0 = no waiting list.
    pub waitlist_cap: u32,
    /// Chance an urban participant attends.
    pub attendance: f64,
    /// Chance a rural participant attends.
    pub rural_attendance: f64,
    /// Chance completing resolves the need.
    pub resolve: f64,
    /// Closure hazard \[1/year\].
    pub closure_hazard_per_year: f64,
    /// Closure length \[weeks\].
    pub closure_weeks: f64,
    /// Days programmes start, Monday first.
    pub open_weekdays: Vec<bool>,
    /// Cost per place per year \[GBP\].
    pub annual_cost_per_place: f64,
    /// Initial participants \[people\].
    pub initial_occupancy: u32,
    /// Initial waiting list \[people\].
    pub initial_waitlist: u32,
    /// Changes of this service's places over time: `{ from_day, places }`
    /// steps (before `vcse.funding` multiplies them), e.g.
    /// `[{ from_day = 546, places = 20 }]`. An arm can override it only
    /// where the base file writes it (e.g. `changes = []`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<RawPlacesChange>,
}

/// `\[bounce\]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBounce {
    /// Chance a failure returns to the practice.
    pub return_probability: f64,
    /// Delay before returning \[days\].
    pub return_delay_days: DistSpec,
    /// Chance an unresolved GP consultation leads to a repeat contact.
    pub repeat_probability: f64,
    /// Delay before a repeat \[days\].
    pub repeat_delay_days: DistSpec,
    /// Relative change in contact rate after a resolved social need.
    pub social_contact_change: f64,
}

/// `\[costs\]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCosts {
    /// Value of one GP appointment \[GBP\].
    pub gp_appointment: f64,
    /// Value of one hour of GP patient-contact time \[GBP per hour\].
    #[serde(default)]
    pub gp_hour: f64,
    /// GP time one appointment takes, to turn appointments into hours
    /// \[minutes\].
    #[serde(default)]
    pub gp_minutes_per_appointment: f64,
    /// Days a GP FTE works in a year, to turn appointments into FTE
    /// (with `gp.appointments_per_fte_day`) \[days per year\].
    #[serde(default)]
    pub gp_working_days_per_fte_year: f64,
    /// Cost of one appointment with another practice role (pharmacist,
    /// physio, nurse): the time navigated patients take from other work
    /// \[GBP per appointment\].
    #[serde(default)]
    pub role_appointment: f64,
    /// Cost of one hour of a care navigator's (receptionist's) time
    /// \[GBP per hour\].
    #[serde(default)]
    pub navigator_hour: f64,
    /// Navigator time a signpost adds to a call \[minutes per signpost\].
    #[serde(default)]
    pub navigator_minutes_per_signpost: f64,
}

/// `\[report\]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReport {
    /// Episodes per arm and replication traced in journeys.csv.
    pub journeys: u32,
}

/// `[\[arms\]]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawArm {
    /// Arm name.
    pub name: String,
    /// What the arm is.
    #[serde(default)]
    pub description: String,
    /// Overrides: dotted key path → value.
    #[serde(default)]
    pub set: BTreeMap<String, toml::Value>,
}

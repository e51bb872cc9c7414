//! Scenarios: what the user wrote ([`raw`]), how it is loaded and merged
//! ([`load`], [`merge`]), and the checked, typed description that runs ([`Scenario`]).

pub mod dist;
pub mod groups;
pub mod keys;
pub mod load;
pub mod local_targets;
pub mod merge;
pub mod online;
pub mod pharmacy_first;
mod place;
pub mod practices;
pub mod raw;
pub mod uncertainty;
pub mod validate;

use crate::engine::calendar::Calendar;
use crate::engine::Categorical;
use dist::Dist;
pub use place::Place;
use raw::RawScenario;

/// Prepared facts about one practice role.
#[derive(Debug, Clone)]
pub struct PreparedRole {
    /// Capacity multiplier by weekday.
    pub rota: [f64; 7],
    /// Staffing changes: (from day, FTE), sorted.
    pub changes: Vec<(f64, f64)>,
    /// Per need: in this role's remit?
    pub remit: Vec<bool>,
}

/// Prepared facts about one VCSE service.
#[derive(Debug, Clone)]
pub struct PreparedService {
    /// Per need: does the service serve it?
    pub serves: Vec<bool>,
    /// Weekdays programmes start.
    pub open_weekdays: [bool; 7],
    /// Changes of places over time: (from day, places), sorted.
    pub places_changes: Vec<(f64, f64)>,
}

/// A checked scenario for one arm: immutable, shared by every replication.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The values as merged and checked.
    pub raw: RawScenario,
    /// Opening days and hours.
    pub calendar: Calendar,
    /// End of warm-up \[minutes\].
    pub warmup_minutes: f64,
    /// End of the run \[minutes\].
    pub end_minutes: f64,
    /// Share of weekly demand by weekday.
    pub weekday_weights: [f64; 7],
    /// Within-day arrival blocks: (from, to) \[minutes after midnight\], share.
    pub hour_blocks: Vec<(f64, f64, f64)>,
    /// Demand multiplier by month.
    pub month_multipliers: [f64; 12],
    /// Right destination of each need.
    pub need_right: Vec<Place>,
    /// Active tier's routing: per need, the navigator's choice of
    /// destination, closed at infinity (see `build_routing`).
    pub routing: Vec<Categorical<Place>>,
    /// GP lead-time bands by share: index into `raw.gp.lead_time_bands`.
    pub lead_bands: Categorical<usize>,
    /// Active signposting (not the counterfactual).
    pub active: bool,
    /// Annual training cost of the active tier \[GBP\].
    pub training_cost: f64,
    /// Reception handling time \[minutes\].
    pub handling: Dist,
    /// Caller patience \[minutes\].
    pub patience: Dist,
    /// Delay before a caller retries \[minutes\].
    pub retry_delay: Dist,
    /// GP capacity multiplier by weekday.
    pub gp_rota: [f64; 7],
    /// GP staffing changes: (from day, FTE).
    pub gp_changes: Vec<(f64, f64)>,
    /// Practice roles, in `raw.roles` order.
    pub roles: Vec<PreparedRole>,
    /// Per need: in the pharmacy's remit?
    pub pharmacy_remit: Vec<bool>,
    /// Delay to the pharmacy visit \[hours\].
    pub pharmacy_delay: Dist,
    /// Per need: in the link worker's remit?
    pub splw_remit: Vec<bool>,
    /// Link-worker working days.
    pub splw_rota: [f64; 7],
    /// Link-worker staffing changes: (from day, FTE).
    pub splw_changes: Vec<(f64, f64)>,
    /// VCSE services, in `raw.vcse.services` order.
    pub services: Vec<PreparedService>,
    /// Delay before a bounce returns \[days\].
    pub return_delay: Dist,
    /// Delay before a repeat contact \[days\].
    pub repeat_delay: Dist,
    /// The online request route, if the scenario opens one.
    pub online: Option<online::PreparedOnline>,
    /// Per month (January first), the need chosen by share times the
    /// need's own month multiplier; empty when no need has one (the need
    /// is then chosen by share alone).
    pub need_mix_by_month: Vec<Categorical<usize>>,
    /// VCSE funding changes: (from day, funding multiplier), sorted.
    pub vcse_funding_changes: Vec<(f64, f64)>,
    /// Pharmacy First, when this arm has it on.
    pub pharmacy_first: Option<pharmacy_first::PharmacyFirst>,
    /// Pharmacy First's metrics are reported: it is on in some arm of the
    /// run (so every arm reports them, and without it none does).
    pub pharmacy_first_reported: bool,
    /// The PCN's practices (one implicit practice without `[[practices]]`).
    pub practices: practices::Practices,
}

/// FTE in force on `day` given a base FTE and sorted step changes.
pub fn fte_on(base: f64, changes: &[(f64, f64)], day: f64) -> f64 {
    value_on(base, changes, day)
}

/// The value of a change schedule in force on `day` \[day index\]: the
/// last step at or before it, else `base`. One rule for every schedule
/// (staffing FTE, VCSE funding and places).
pub fn value_on(base: f64, changes: &[(f64, f64)], day: f64) -> f64 {
    changes
        .iter()
        .take_while(|(from, _)| *from <= day)
        .last()
        .map_or(base, |&(_, fte)| fte)
}

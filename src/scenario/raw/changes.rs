//! Change schedules as written: `changes = [{ from_day, VALUE }]` steps of
//! staffing FTE, VCSE funding and a VCSE service's places (checked by one
//! rule in `validate`, read by [`crate::scenario::value_on`]).

use serde::{Deserialize, Serialize};

/// A step change in staffing from a given day.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChange {
    /// Day the change takes effect \[day index\].
    pub from_day: f64,
    /// New FTE from that day.
    pub fte: f64,
}

/// A step change in VCSE funding from a given day.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFundingChange {
    /// Day the change takes effect \[day index\].
    pub from_day: f64,
    /// New multiplier on every service's places from that day.
    pub funding: f64,
}

/// A step change in a VCSE service's places from a given day.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPlacesChange {
    /// Day the change takes effect \[day index\].
    pub from_day: f64,
    /// New concurrent places from that day \[people\].
    pub places: u32,
}

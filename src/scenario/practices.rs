//! The practices of a PCN, prepared: each one's share of the list and of
//! the GP diary, its reception lines, its rurality and the phone routing
//! of its navigation tier. A scenario without `[[practices]]` has one
//! implicit practice holding the whole PCN, so the model has one code path
//! and runs exactly as before.

use super::Place;
use crate::engine::Categorical;

/// The most practices a PCN may list (a patient holds its practice in a byte).
pub const MAX_PRACTICES: usize = 255;

/// One practice, ready for the model.
#[derive(Debug, Clone)]
pub struct PreparedPractice {
    /// Its name (the PCN's name for the implicit practice).
    pub name: String,
    /// Registered patients \[patients\].
    pub list_size: u64,
    /// Its share of the PCN's GP FTE, applied to every GP diary slot count
    /// (1 for the implicit practice).
    pub gp_share: f64,
    /// Reception lines staffed at once \[lines\].
    pub reception_lines: u32,
    /// Share of its patients with rural transport barriers.
    pub rural_share: f64,
    /// Per need, its navigators' choice of destination by phone (the tier
    /// in force at the practice).
    pub routing: Vec<Categorical<Place>>,
}

/// The scenario's practices: the listed ones, or the one implicit practice.
#[derive(Debug, Clone)]
pub struct Practices {
    /// In the order listed; never empty.
    pub list: Vec<PreparedPractice>,
    /// Whether the scenario listed them (so results are reported per practice).
    pub listed: bool,
}

impl Practices {
    /// How many practices the model runs (at least 1).
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Never empty (there is always at least the implicit practice).
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

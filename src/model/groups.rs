//! Population groups in the model: each patient's group (one level per
//! dimension, drawn from the patients stream when the list is built, only
//! when groups are configured), what their groups change, their
//! [`Demographics`], and the per-group tallies a replication reports.
//!
//! A *cell* is one combination of levels (one per dimension); a patient
//! holds its cell index, and everything a mechanism reads is precomputed
//! per cell, so the hot path does one indexed load and no allocation.
//! With no groups there is one neutral cell (every multiplier 1, read as
//! `x × 1.0 = x`, so no number changes) and no extra draw.

use super::metrics::Counter;
use super::Model;
use crate::engine::{Categorical, SimRng};
use crate::scenario::groups::{dimensions, Dimension, Effects};
use crate::scenario::Scenario;
use rand::Rng;

/// What a patient's groups change, every one a multiplier (1 = none).
#[derive(Debug, Clone)]
pub struct CellEffects {
    /// On the personal contact rate (relative across the list).
    pub contact_rate: f64,
    /// On signposting acceptance (the product is capped at 1).
    pub acceptance: f64,
    /// On trust lost per bounce (the product is capped at 1).
    pub trust_loss: f64,
    /// On VCSE attendance (capped at 1).
    pub vcse_uptake: f64,
    /// On a VCSE programme's chance to resolve (capped at 1).
    pub vcse_completion: f64,
    /// On online route uptake.
    pub online_uptake: f64,
    /// The cell's need mix (`None`: the scenario's own, unchanged).
    pub need_choice: Option<Categorical<usize>>,
}

/// Who a patient is, for rules by age and sex (Pharmacy First): their age
/// band `[from, to)` \[years\] (ages taken as uniform within it), sex, and
/// deprivation quintile if the scenario gives one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Demographics {
    /// First year of age in the band \[years\].
    pub age_from_years: u32,
    /// First year of age past the band \[years\].
    pub age_to_years: u32,
    /// Female (else male).
    pub female: bool,
    /// IMD quintile, 1 = most deprived.
    pub imd_quintile: Option<u8>,
}

/// The scenario's groups, resolved per cell.
#[derive(Debug, Clone)]
pub struct GroupTable {
    /// Dimensions in draw order (empty: no groups).
    pub dims: Vec<Dimension>,
    /// Per dimension: cell index stride.
    strides: Vec<usize>,
    /// Per cell.
    pub cells: Vec<CellEffects>,
}

impl GroupTable {
    /// The table for scenario `s` (validated).
    pub fn new(s: &Scenario) -> GroupTable {
        let dims = dimensions(&s.raw);
        let needs = s.raw.needs.len();
        let mut strides = Vec::with_capacity(dims.len());
        let mut n_cells = 1;
        for d in &dims {
            strides.push(n_cells);
            n_cells *= d.levels.len();
        }
        let cells = (0..n_cells)
            .map(|cell| {
                let effects = dims.iter().zip(&strides).fold(Effects::neutral(needs), |acc, (d, &stride)| {
                    acc.combined(&d.levels[(cell / stride) % d.levels.len()].effects)
                });
                cell_effects(s, &effects, !dims.is_empty())
            })
            .collect();
        GroupTable { dims, strides, cells }
    }

    /// Whether groups are configured.
    pub fn configured(&self) -> bool {
        !self.dims.is_empty()
    }

    /// The level of dimension `dim` in `cell`.
    #[inline]
    pub fn level_of(&self, cell: usize, dim: usize) -> usize {
        (cell / self.strides[dim]) % self.dims[dim].levels.len()
    }

    /// Draws one patient's cell: one uniform per dimension, in order.
    pub fn draw_cell(&self, rng: &mut SimRng) -> u16 {
        let mut cell = 0;
        for (d, stride) in self.dims.iter().zip(&self.strides) {
            let u: f64 = rng.random();
            let mut acc = 0.0;
            let last = d.levels.len() - 1;
            let level = d
                .levels
                .iter()
                .position(|l| {
                    acc += l.share;
                    u < acc
                })
                .unwrap_or(last);
            cell += level * stride;
        }
        cell as u16
    }

    /// The demographics of `cell`, if groups are configured.
    pub fn demographics(&self, cell: usize) -> Option<Demographics> {
        if !self.configured() {
            return None;
        }
        let level = |name: &str| {
            let d = self.dims.iter().position(|d| d.name == name)?;
            Some(&self.dims[d].levels[self.level_of(cell, d)])
        };
        let (age_from_years, age_to_years) = level("age").and_then(|l| l.years)?;
        Some(Demographics {
            age_from_years,
            age_to_years,
            female: level("sex").is_some_and(|l| l.name == "female"),
            imd_quintile: level("imd").and_then(|l| l.name.parse().ok()),
        })
    }
}

/// A cell's effects for the model: its need mix built only when groups are
/// configured (and falling back to the scenario's if it weighs nothing).
fn cell_effects(s: &Scenario, e: &Effects, configured: bool) -> CellEffects {
    let need_choice = configured
        .then(|| {
            let weights: Vec<(usize, f64)> = s
                .raw
                .needs
                .iter()
                .enumerate()
                .map(|(n, need)| (n, need.share * e.needs[n]))
                .collect();
            let total: f64 = weights.iter().map(|w| w.1).sum();
            (total > 0.0).then(|| Categorical::normalised(weights).closed_at(1.0))
        })
        .flatten();
    CellEffects {
        contact_rate: e.contact_rate,
        acceptance: e.acceptance,
        trust_loss: e.trust_loss,
        vcse_uptake: e.vcse_uptake,
        vcse_completion: e.vcse_completion,
        online_uptake: e.online_uptake,
        need_choice,
    }
}

/// Counts per cell in the statistics window, for per-group metrics.
#[derive(Debug, Clone, Default)]
pub struct GroupTally {
    /// `counts[cell][counter]` (empty with no groups).
    pub counts: Vec<[f64; Counter::COUNT]>,
    /// Per cell: GP waits booked \[bookings\] and their sum \[days\].
    pub gp_waits: Vec<(f64, f64)>,
}

impl GroupTally {
    /// Zero tallies for `cells` cells; none if groups are not configured.
    pub fn new(table: &GroupTable) -> GroupTally {
        GroupTally::zero(if table.configured() { table.cells.len() } else { 0 })
    }

    /// Zero tallies for each of a scenario's practices; none without a
    /// practice list.
    pub fn practices(s: &Scenario) -> GroupTally {
        GroupTally::zero(if s.practices.listed { s.practices.len() } else { 0 })
    }

    /// Zero tallies for `n` groups.
    fn zero(n: usize) -> GroupTally {
        GroupTally {
            counts: vec![[0.0; Counter::COUNT]; n],
            gp_waits: vec![(0.0, 0.0); n],
        }
    }
}

impl Model<'_> {
    /// The effects of `patient`'s groups.
    #[inline]
    pub(super) fn group_effects(&self, patient: u32) -> &CellEffects {
        &self.pop.groups.cells[usize::from(self.pop.patients[patient as usize].cell)]
    }

    /// Adds one to `c` for episode `ep`'s group and practice (in the
    /// window, with groups or a practice list).
    #[inline]
    pub(super) fn group_count(&mut self, ep: u32, c: Counter) {
        self.group_count_patient(self.episodes[ep as usize].patient, c);
    }

    /// Adds one to `c` for `patient`'s group and practice (in the window,
    /// with groups or a practice list).
    #[inline]
    pub(super) fn group_count_patient(&mut self, patient: u32, c: Counter) {
        if self.tallied && self.in_window() {
            let p = self.pop.patients[patient as usize];
            if let Some(counts) = self.group_tally.counts.get_mut(usize::from(p.cell)) {
                counts[c as usize] += 1.0;
            }
            if let Some(counts) = self.practice_tally.counts.get_mut(usize::from(p.practice)) {
                counts[c as usize] += 1.0;
            }
        }
    }

    /// Adds a GP wait of `days` for episode `ep`'s group and practice
    /// (caller checks the window).
    #[inline]
    pub(super) fn group_gp_wait(&mut self, ep: u32, days: f64) {
        if self.tallied {
            let p = self.pop.patients[self.episodes[ep as usize].patient as usize];
            for (tally, i) in [(&mut self.group_tally, p.cell), (&mut self.practice_tally, u16::from(p.practice))] {
                if let Some(w) = tally.gp_waits.get_mut(usize::from(i)) {
                    w.0 += 1.0;
                    w.1 += days;
                }
            }
        }
    }
}

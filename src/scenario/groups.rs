//! Population groups (issue #15): the dimensions a patient belongs to —
//! deprivation quintile, age band, sex, and where the user gives them,
//! digital exclusion and ethnicity — and what each level changes.
//!
//! Dimensions combine independently: a patient's level in each is drawn
//! from that dimension's shares, and the effects of their levels multiply
//! (a patient in IMD quintile 1 aged 75+ has contact rate multiplier
//! `imd[0].contact_rate × age[5].contact_rate`). Every effect is a
//! multiplier with 1 meaning "as the scenario's list-wide value"; how
//! each is read is in `docs/groups.md`. Checked in
//! `validate/groups.rs`, resolved here into [`Dimension`]s for the model.

use super::raw::RawScenario;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One level of a group dimension, as written.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGroupLevel {
    /// Level name (`female`, `excluded`, …); for `imd` the quintile and for
    /// `age` the band are implied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// Share of the registered list \[share\].
    pub share: f64,
    /// Age bands only: first year of age in the band \[years\].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_years: Option<u32>,
    /// Age bands only: first year of age past the band \[years\].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_years: Option<u32>,
    /// Multiplier on the personal contact rate (relative: the list's
    /// average stays `population.contacts_per_patient_year`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_rate: Option<f64>,
    /// Multiplier on need weights by need name (the mix is renormalised).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub need_multipliers: BTreeMap<String, f64>,
    /// Multiplier on `navigation.acceptance` (capped at 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acceptance: Option<f64>,
    /// Multiplier on `navigation.trust_loss` per bounce (capped at 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust_loss: Option<f64>,
    /// Multiplier on VCSE attendance (`attendance`/`rural_attendance`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vcse_uptake: Option<f64>,
    /// Multiplier on a VCSE programme's chance to resolve (`resolve`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vcse_completion: Option<f64>,
    /// Multiplier on uptake of the online request route.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online_uptake: Option<f64>,
}

/// What one level changes, every field a multiplier (1 = no change).
#[derive(Debug, Clone, PartialEq)]
pub struct Effects {
    /// On the personal contact rate.
    pub contact_rate: f64,
    /// On signposting acceptance.
    pub acceptance: f64,
    /// On trust lost per bounce.
    pub trust_loss: f64,
    /// On VCSE attendance.
    pub vcse_uptake: f64,
    /// On VCSE programme completion (chance to resolve).
    pub vcse_completion: f64,
    /// On online route uptake.
    pub online_uptake: f64,
    /// On each need's weight, in `needs` order.
    pub needs: Vec<f64>,
}

impl Effects {
    /// No change, for `needs` needs.
    pub fn neutral(needs: usize) -> Effects {
        Effects {
            contact_rate: 1.0,
            acceptance: 1.0,
            trust_loss: 1.0,
            vcse_uptake: 1.0,
            vcse_completion: 1.0,
            online_uptake: 1.0,
            needs: vec![1.0; needs],
        }
    }

    /// Both levels' effects together (they multiply).
    pub fn combined(&self, other: &Effects) -> Effects {
        Effects {
            contact_rate: self.contact_rate * other.contact_rate,
            acceptance: self.acceptance * other.acceptance,
            trust_loss: self.trust_loss * other.trust_loss,
            vcse_uptake: self.vcse_uptake * other.vcse_uptake,
            vcse_completion: self.vcse_completion * other.vcse_completion,
            online_uptake: self.online_uptake * other.online_uptake,
            needs: self.needs.iter().zip(&other.needs).map(|(a, b)| a * b).collect(),
        }
    }
}

/// One level, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Level {
    /// Name in metric names (`imd=1`, `age=0-4`, `sex=female`).
    pub name: String,
    /// Share of the list \[share\].
    pub share: f64,
    /// Age band `[from, to)` \[years\], for age levels.
    pub years: Option<(u32, u32)>,
    /// What it changes.
    pub effects: Effects,
}

/// One dimension, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Dimension {
    /// `imd`, `age`, `sex`, `digital` or `ethnicity`.
    pub name: &'static str,
    /// Its levels, in file order.
    pub levels: Vec<Level>,
}

/// The dimension names, in the order patients draw them.
pub const DIMENSIONS: [&str; 5] = ["imd", "age", "sex", "digital", "ethnicity"];

/// Default age bands `[from, to)` \[years\] and shares of the list when
/// groups are configured without `age`: ASSUMPTION, close to ONS mid-2022
/// estimates for England (0–4 5.5%, 5–15 13.4%, 16–44 37.6%, 45–64
/// 25.2%, 65–74 9.9%, 75+ 8.4%). The edges serve Pharmacy First's age
/// rules (1, 5, 12, 16, 18 and 65 fall in or on them; ages are uniform
/// within a band). No effects: give `age` levels to change anything.
pub const DEFAULT_AGE_BANDS: [(u32, u32, f64); 6] = [
    (0, 5, 0.055),
    (5, 16, 0.134),
    (16, 45, 0.376),
    (45, 65, 0.252),
    (65, 75, 0.099),
    (75, 120, 0.084),
];

/// Default share of the list that is female when `sex` is not given:
/// ASSUMPTION 0.50 (ONS England ~0.507; sensitivity 0.48–0.52).
pub const DEFAULT_FEMALE_SHARE: f64 = 0.5;

/// Defaults of an IMD quintile's effects where a level leaves them out,
/// quintile 1 (most deprived) first. All ASSUMPTION (no figure in
/// evidence.md; ranges in `docs/groups.md`): deprived areas consult more
/// and bring more social need, and take up VCSE support and online routes
/// somewhat less.
pub struct ImdDefaults {
    /// Contact rate multiplier by quintile.
    pub contact_rate: [f64; 5],
    /// Multiplier on needs flagged `social` by quintile.
    pub social_need: [f64; 5],
    /// VCSE attendance multiplier by quintile.
    pub vcse_uptake: [f64; 5],
    /// VCSE completion multiplier by quintile.
    pub vcse_completion: [f64; 5],
    /// Online uptake multiplier by quintile.
    pub online_uptake: [f64; 5],
}

/// The IMD defaults (ASSUMPTION; see [`ImdDefaults`]).
pub const IMD_DEFAULTS: ImdDefaults = ImdDefaults {
    contact_rate: [1.20, 1.10, 1.00, 0.95, 0.90],
    social_need: [1.50, 1.25, 1.00, 0.85, 0.70],
    vcse_uptake: [0.85, 0.92, 1.00, 1.00, 1.00],
    vcse_completion: [0.90, 0.95, 1.00, 1.00, 1.00],
    online_uptake: [0.85, 0.92, 1.00, 1.05, 1.08],
};

/// Whether groups are configured at all.
pub fn configured(raw: &RawScenario) -> bool {
    !raw.population.groups.is_empty()
}

/// The scenario's dimensions, resolved (defaults filled in); empty when
/// no groups are configured. Age and sex are always present when any
/// dimension is, so every patient has [demographics](crate::model::groups).
/// `raw` must be validated.
pub fn dimensions(raw: &RawScenario) -> Vec<Dimension> {
    if !configured(raw) {
        return Vec::new();
    }
    let g = &raw.population.groups;
    let needs = raw.needs.len();
    let mut out = Vec::new();
    let imd_default = |q: usize| {
        let d = &IMD_DEFAULTS;
        let mut e = Effects::neutral(needs);
        e.contact_rate = d.contact_rate[q];
        e.vcse_uptake = d.vcse_uptake[q];
        e.vcse_completion = d.vcse_completion[q];
        e.online_uptake = d.online_uptake[q];
        for (n, need) in raw.needs.iter().enumerate() {
            if need.social {
                e.needs[n] = d.social_need[q];
            }
        }
        e
    };
    if !g.imd.is_empty() {
        let levels = g
            .imd
            .iter()
            .enumerate()
            .map(|(q, l)| resolve(raw, l, format!("{}", q + 1), imd_default(q)));
        out.push(Dimension {
            name: "imd",
            levels: levels.collect(),
        });
    }
    let age = if g.age.is_empty() {
        DEFAULT_AGE_BANDS
            .iter()
            .map(|&(from, to, share)| Level {
                name: band_name(from, to),
                share,
                years: Some((from, to)),
                effects: Effects::neutral(needs),
            })
            .collect()
    } else {
        g.age
            .iter()
            .map(|l| {
                let (from, to) = (l.from_years.unwrap_or(0), l.to_years.unwrap_or(0));
                let mut level = resolve(raw, l, band_name(from, to), Effects::neutral(needs));
                level.years = Some((from, to));
                level
            })
            .collect()
    };
    out.push(Dimension { name: "age", levels: age });
    let sex = if g.sex.is_empty() {
        [("female", DEFAULT_FEMALE_SHARE), ("male", 1.0 - DEFAULT_FEMALE_SHARE)]
            .into_iter()
            .map(|(name, share)| Level {
                name: name.to_string(),
                share,
                years: None,
                effects: Effects::neutral(needs),
            })
            .collect()
    } else {
        named(raw, &g.sex)
    };
    out.push(Dimension { name: "sex", levels: sex });
    for (name, levels) in [("digital", &g.digital), ("ethnicity", &g.ethnicity)] {
        if !levels.is_empty() {
            out.push(Dimension {
                name,
                levels: named(raw, levels),
            });
        }
    }
    out
}

/// An age band's name: `FROM-LAST` in whole years, `FROM+` for an open top
/// band (ending at 120 or later).
pub fn band_name(from: u32, to: u32) -> String {
    if to >= 120 {
        format!("{from}+")
    } else {
        format!("{from}-{}", to.saturating_sub(1))
    }
}

fn named(raw: &RawScenario, levels: &[RawGroupLevel]) -> Vec<Level> {
    let neutral = Effects::neutral(raw.needs.len());
    levels
        .iter()
        .map(|l| resolve(raw, l, l.level.clone().unwrap_or_default(), neutral.clone()))
        .collect()
}

/// A level's effects: what it writes, else `defaults`.
fn resolve(raw: &RawScenario, l: &RawGroupLevel, name: String, defaults: Effects) -> Level {
    let mut needs = defaults.needs;
    for (n, need) in raw.needs.iter().enumerate() {
        if let Some(m) = l.need_multipliers.get(&need.name) {
            needs[n] = *m;
        }
    }
    Level {
        name,
        share: l.share,
        years: None,
        effects: Effects {
            contact_rate: l.contact_rate.unwrap_or(defaults.contact_rate),
            acceptance: l.acceptance.unwrap_or(defaults.acceptance),
            trust_loss: l.trust_loss.unwrap_or(defaults.trust_loss),
            vcse_uptake: l.vcse_uptake.unwrap_or(defaults.vcse_uptake),
            vcse_completion: l.vcse_completion.unwrap_or(defaults.vcse_completion),
            online_uptake: l.online_uptake.unwrap_or(defaults.online_uptake),
            needs,
        },
    }
}

//! A PSA ready to run: the scenario, its checked priors, and the decision
//! settings, with every prior checked against its key's rules at the
//! extremes a draw can take.

use crate::error::ScenarioError;
use crate::scenario::load::{load_with_overrides, LoadedScenario};
use crate::scenario::uncertainty::{number, parse, Uncertainty};
use crate::uncertainty::Prior;
use toml::Value;

/// Smallest (and one minus the largest) uniform a draw uses: design points
/// are clamped to `[U_EDGE, 1 − U_EDGE]`, so the values at these two
/// quantiles are the extremes any draw can take, and the ones checked.
pub const U_EDGE: f64 = 1e-9;

/// Default willingness-to-pay grid: £0 to £100 per GP appointment freed in
/// steps of £5.
pub fn default_wtp() -> Vec<f64> {
    (0..=20).map(|i| i as f64 * 5.0).collect()
}

/// A checked PSA.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The scenario text.
    pub text: String,
    /// Its label in messages.
    pub label: String,
    /// Overrides of the base applied before every draw's (as
    /// [`load_with_overrides`] takes them); a draw's value for the same key
    /// wins.
    pub overrides: Vec<(String, Value)>,
    /// The scenario as written (every parameter at its base value).
    pub loaded: LoadedScenario,
    /// The checked `[uncertainty]` section.
    pub uncertainty: Uncertainty,
    /// Value of one GP appointment freed \[GBP\], for net monetary benefit.
    pub value_per_appointment: f64,
    /// Willingness-to-pay grid of the CEAC \[GBP per GP appointment freed\].
    pub wtp: Vec<f64>,
    /// (arm, key): keys with a prior that an arm's own `set` fixes; that
    /// arm keeps its value in every draw.
    pub fixed_by_arm: Vec<(String, String)>,
}

/// Loads `text` and checks its `[uncertainty]` section: each prior's
/// parameters, and that the scenario accepts each key at the smallest and
/// largest value a draw can take (a Dirichlet at its mean shares). Errors
/// name the file and the `uncertainty` key.
pub fn plan(text: &str, label: &str) -> Result<Plan, ScenarioError> {
    plan_with_overrides(text, label, &[])
}

/// As [`plan`], with `base` overrides applied to the scenario first (as
/// [`load_with_overrides`] applies them): how a front end that changes a
/// scenario's keys without rewriting its text (Python's
/// `Scenario.with_overrides`) runs a PSA of it.
pub fn plan_with_overrides(text: &str, label: &str, base: &[(String, Value)]) -> Result<Plan, ScenarioError> {
    let with_base = |draw: &[(String, Value)]| -> Vec<(String, Value)> { base.iter().chain(draw).cloned().collect() };
    let loaded = load_with_overrides(text, label, base)?;
    let whole = Value::try_from(&loaded.base).map_err(|e| ScenarioError::file(label, format!("cannot re-read the scenario: {e}")))?;
    let uncertainty = parse(&loaded.base.uncertainty, &whole, text, label)?;
    for p in &uncertainty.parameters {
        let key = format!("uncertainty.\"{}\"", p.name);
        let points: Vec<Vec<(String, Value)>> = match &p.prior {
            Prior::Scalar(_) => [U_EDGE, 1.0 - U_EDGE]
                .iter()
                .map(|&u| p.overrides(&[u]))
                .collect::<Result<_, _>>()
                .map_err(|m| ScenarioError::key(label, &key, m))?,
            Prior::Dirichlet(d) => vec![p
                .keys
                .iter()
                .zip(&p.integer)
                .zip(d.means())
                .map(|((k, &int), m)| (k.clone(), number(m * p.scale, int)))
                .collect()],
        };
        for overrides in points {
            if let Err(e) = load_with_overrides(text, label, &with_base(&overrides)) {
                let shown: Vec<String> = overrides.iter().map(|(k, v)| format!("{k} = {v}")).collect();
                let rule = format!("{}: {}", e.key.as_deref().unwrap_or("scenario"), e.message);
                return Err(ScenarioError::key(
                    label,
                    &key,
                    format!(
                        "a draw can reach {} ({} prior), which the scenario refuses: {rule}; narrow or truncate the prior",
                        shown.join(", "),
                        prior_name(&p.prior)
                    ),
                )
                .at(crate::scenario::keys::locate(text, &key)));
            }
        }
    }
    let value_per_appointment = uncertainty
        .decision
        .value_per_appointment
        .unwrap_or(loaded.base.costs.gp_appointment);
    let mut wtp = uncertainty.decision.wtp.clone().unwrap_or_else(default_wtp);
    if !wtp.contains(&value_per_appointment) {
        wtp.push(value_per_appointment);
        wtp.sort_by(f64::total_cmp);
    }
    let mut fixed_by_arm = Vec::new();
    for arm in &loaded.arms[1..] {
        for (k, _) in &arm.overrides {
            if uncertainty.parameters.iter().any(|p| p.keys.contains(k)) {
                fixed_by_arm.push((arm.name.clone(), k.clone()));
            }
        }
    }
    Ok(Plan {
        text: text.to_string(),
        label: label.to_string(),
        overrides: base.to_vec(),
        loaded,
        uncertainty,
        value_per_appointment,
        wtp,
        fixed_by_arm,
    })
}

/// The distribution's name, for messages.
fn prior_name(prior: &Prior) -> &'static str {
    match prior {
        Prior::Scalar(u) => u.name(),
        Prior::Dirichlet(_) => "dirichlet",
    }
}

impl Plan {
    /// Replaces the willingness-to-pay grid \[GBP per GP appointment
    /// freed\] with `grid` plus the value per appointment, sorted, without
    /// repeats (what `--wtp` does). Fails, changing nothing, on a value
    /// that is negative or not finite.
    pub fn set_wtp(&mut self, grid: &[f64]) -> Result<(), String> {
        if grid.iter().any(|w| !(w.is_finite() && *w >= 0.0)) {
            return Err("willingness to pay must be finite numbers >= 0 [GBP per GP appointment freed]".into());
        }
        let mut grid = grid.to_vec();
        grid.push(self.value_per_appointment);
        grid.sort_by(f64::total_cmp);
        grid.dedup();
        self.wtp = grid;
        Ok(())
    }

    /// The parameter columns: every key with a prior, in draw order.
    pub fn columns(&self) -> Vec<String> {
        self.uncertainty.parameters.iter().flat_map(|p| p.keys.iter().cloned()).collect()
    }

    /// The overrides of one design point `u` (length
    /// `uncertainty.dims()`), each uniform clamped to `[U_EDGE, 1 − U_EDGE]`.
    pub fn overrides(&self, u: &[f64]) -> Result<Vec<(String, Value)>, String> {
        let mut out = Vec::new();
        let mut at = 0;
        for p in &self.uncertainty.parameters {
            let dims = p.prior.dims();
            let us: Vec<f64> = u
                .get(at..at + dims)
                .ok_or_else(|| format!("design point has {} uniforms, the priors need more", u.len()))?
                .iter()
                .map(|x| x.clamp(U_EDGE, 1.0 - U_EDGE))
                .collect();
            out.extend(p.overrides(&us)?);
            at += dims;
        }
        Ok(out)
    }

    /// The scenario with `overrides` applied to the base (every arm that
    /// does not set the key itself sees them).
    pub fn scenario_for(&self, overrides: &[(String, Value)]) -> Result<LoadedScenario, ScenarioError> {
        let all: Vec<(String, Value)> = self.overrides.iter().chain(overrides).cloned().collect();
        load_with_overrides(&self.text, &self.label, &all)
    }
}

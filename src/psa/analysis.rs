//! From a PSA's draws to what a commissioner needs: per arm and metric the
//! mean with its 95% uncertainty interval (over parameter draws) beside the
//! Monte Carlo CI of that mean; the probability each arm is best; the CEAC;
//! EVPI; and EVPPI per parameter and group.
//!
//! The decision is between the arms, the counterfactual included (doing
//! nothing: net benefit 0). An arm's net monetary benefit (NMB) in a draw
//! is `λ × gp_appointments_saved_net − cost_incremental` \[GBP over the
//! scenario's statistics window\], with λ the value of one GP appointment
//! freed (`[uncertainty.decision] value_per_appointment`, by default
//! `costs.gp_appointment`).

use super::plan::Plan;
use super::runner::{PsaRun, NET_MONETARY_BENEFIT};
use crate::metric::Metric;
use crate::stats::Summary;
use crate::uncertainty::{ceac, evppi, Ceac, EvppiOptions, Outcomes, Prior};
use rayon::prelude::*;

/// One arm and metric over the draws.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow {
    /// Arm.
    pub arm: String,
    /// Metric.
    pub metric: String,
    /// Mean over draws.
    pub mean: f64,
    /// 95% uncertainty interval: 2.5th and 97.5th percentiles over draws.
    pub ui: Option<(f64, f64)>,
    /// 95% Monte Carlo CI of the mean over draws (how well the PSA's
    /// mean is pinned down by its number of draws).
    pub mc_ci: Option<(f64, f64)>,
    /// Draws with a finite value.
    pub n: usize,
    /// Probability the arm is best (for `gp_appointments_saved_net` and
    /// `net_monetary_benefit` only).
    pub probability_best: Option<f64>,
}

/// One row of the value-of-information table \[GBP per PCN over the
/// statistics window\]; see [`Analysis::per_year`] and
/// [`Analysis::population_factor`] for the scaled figures.
#[derive(Debug, Clone, PartialEq)]
pub struct VoiRow {
    /// A key, a Dirichlet group's name, or a named group's name.
    pub parameter: String,
    /// `parameter`, `dirichlet` or `group`.
    pub kind: &'static str,
    /// EVPPI estimate (NaN when it could not be estimated).
    pub evppi: f64,
    /// Its bootstrap standard error.
    pub se: f64,
}

/// Everything `psa` reports.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// Per arm and metric.
    pub summary: Vec<SummaryRow>,
    /// Value of one GP appointment freed \[GBP\].
    pub value_per_appointment: f64,
    /// CEAC over the plan's willingness-to-pay grid.
    pub ceac: Ceac,
    /// Expected NMB per arm at the value per appointment \[GBP per PCN per window\].
    pub expected_nmb: Vec<f64>,
    /// Probability each arm has the highest NMB.
    pub probability_best_nmb: Vec<f64>,
    /// Probability each arm's NMB is positive: the GP time it frees is worth
    /// more than it costs.
    pub probability_nmb_positive: Vec<f64>,
    /// EVPI at the value per appointment \[GBP per PCN per window\].
    pub evpi: f64,
    /// Windows per year: 365 / `time.horizon_days`.
    pub per_year: f64,
    /// Population scaling: `population` / `population.list_size`.
    pub population_factor: f64,
    /// Population the figures are scaled to \[people\].
    pub population: f64,
    /// EVPPI per parameter, Dirichlet group and named group, largest first.
    pub voi: Vec<VoiRow>,
}

/// Percentile `q` ∈ \[0, 1\] of sorted values, linearly interpolated
/// (Hyndman & Fan type 7, as R's default).
fn percentile(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Draws × arms of one metric as decision outcomes (NaN → 0 is never
/// needed: the two metrics used are defined in every replication).
fn outcomes(m: &[Vec<f64>]) -> Option<Outcomes> {
    Outcomes::from_rows(m).ok()
}

/// Analyses a PSA run. `evppi_seed` seeds the bootstrap of the EVPPI
/// standard errors.
pub fn analyse(plan: &Plan, run: &PsaRun, evppi_seed: u64) -> Result<Analysis, String> {
    let freed = run.metric(Metric::GpAppointmentsSavedNet.name());
    let cost = run.metric(Metric::CostIncremental.name());
    let nmb = run.metric(NET_MONETARY_BENEFIT);
    let effects = outcomes(&freed).ok_or("net GP appointments freed is undefined in some draw")?;
    let costs = outcomes(&cost).ok_or("incremental cost is undefined in some draw")?;
    let nb = Outcomes::net_benefit(&effects, &costs, plan.value_per_appointment).map_err(|e| e.to_string())?;
    let p_freed = effects.probability_best();
    let p_nmb = nb.probability_best();
    let draws = run.metrics.len() as f64;
    let probability_nmb_positive = (0..run.arms.len())
        .map(|a| nmb.iter().filter(|d| d[a] > 0.0).count() as f64 / draws)
        .collect();

    let mut summary = Vec::new();
    for (a, arm) in run.arms.iter().enumerate() {
        for (m, metric) in run.metric_names.iter().enumerate() {
            let mut vals: Vec<f64> = run.metrics.iter().map(|d| d[a][m]).filter(|v| v.is_finite()).collect();
            vals.sort_by(f64::total_cmp);
            let s = Summary::of(vals.iter().copied());
            let probability_best = match metric.as_str() {
                x if x == Metric::GpAppointmentsSavedNet.name() => Some(p_freed[a]),
                NET_MONETARY_BENEFIT => Some(p_nmb[a]),
                _ => None,
            };
            summary.push(SummaryRow {
                arm: arm.clone(),
                metric: metric.clone(),
                mean: s.mean().unwrap_or(f64::NAN),
                ui: (!vals.is_empty()).then(|| (percentile(&vals, 0.025), percentile(&vals, 0.975))),
                mc_ci: s.confidence_interval(0.95).map(|c| (c.low, c.high)),
                n: vals.len(),
                probability_best,
            });
        }
    }

    let ceac = ceac(&effects, &costs, &plan.wtp).map_err(|e| e.to_string())?;
    let voi = value_of_information(plan, run, &nb, evppi_seed);
    let base = &plan.loaded.base;
    Ok(Analysis {
        summary,
        value_per_appointment: plan.value_per_appointment,
        ceac,
        expected_nmb: nb.expected(),
        probability_best_nmb: p_nmb,
        probability_nmb_positive,
        evpi: nb.evpi(),
        per_year: 365.0 / base.time.horizon_days,
        population_factor: plan.uncertainty.decision.population / base.population.list_size as f64,
        population: plan.uncertainty.decision.population,
        voi,
    })
}

/// EVPPI of every uncertain key, every Dirichlet group and every named
/// group, largest first (ties by name). Fixed keys are left out; an
/// estimate that fails (too few draws) is NaN.
fn value_of_information(plan: &Plan, run: &PsaRun, nb: &Outcomes, seed: u64) -> Vec<VoiRow> {
    let column = |key: &str| run.columns.iter().position(|c| c == key);
    let varies = |c: usize| run.values.iter().any(|v| v[c] != run.values[0][c]);
    let mut items: Vec<(String, &'static str, Vec<usize>)> = Vec::new();
    for p in &plan.uncertainty.parameters {
        let cols: Vec<usize> = p.keys.iter().filter_map(|k| column(k)).filter(|&c| varies(c)).collect();
        for (&c, k) in cols.iter().zip(&p.keys) {
            items.push((k.clone(), "parameter", vec![c]));
        }
        if matches!(p.prior, Prior::Dirichlet(_)) && !cols.is_empty() {
            items.push((p.name.clone(), "dirichlet", cols));
        }
    }
    for (name, members) in &plan.uncertainty.groups {
        let cols: Vec<usize> = plan
            .uncertainty
            .parameters
            .iter()
            .filter(|p| members.contains(&p.name))
            .flat_map(|p| p.keys.iter().filter_map(|k| column(k)))
            .filter(|&c| varies(c))
            .collect();
        if !cols.is_empty() {
            items.push((name.clone(), "group", cols));
        }
    }
    let options = EvppiOptions {
        seed,
        ..EvppiOptions::default()
    };
    let mut rows: Vec<VoiRow> = items
        .par_iter()
        .map(|(name, kind, cols)| {
            let series: Vec<Vec<f64>> = cols.iter().map(|&c| run.values.iter().map(|v| v[c]).collect()).collect();
            let refs: Vec<&[f64]> = series.iter().map(Vec::as_slice).collect();
            let (evppi, se) = evppi(&refs, nb, &options).map_or((f64::NAN, f64::NAN), |e| (e.value, e.se));
            VoiRow {
                parameter: name.clone(),
                kind,
                evppi,
                se,
            }
        })
        .collect();
    let key = |r: &VoiRow| if r.evppi.is_nan() { f64::NEG_INFINITY } else { r.evppi };
    rows.sort_by(|a, b| key(b).total_cmp(&key(a)).then_with(|| a.parameter.cmp(&b.parameter)));
    rows
}

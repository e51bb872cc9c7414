//! The ICB roll-up: each replication's values added up across PCNs.
//!
//! Replication `r` of the ICB is replication `r` of every PCN (each with
//! its own seed), so the ICB's summaries and its arm-minus-counterfactual
//! comparisons are computed from per-replication sums, paired across arms
//! as within one PCN — never by adding intervals. How each metric rolls up
//! is [`rule`]'s: counts, people, money, FTE and hours add up; means,
//! percentiles and shares are weighted by registered patients; the two
//! ratios of paired totals are recomputed from the ICB's totals.

use crate::experiment::{add_conservation, ArmResult, ExperimentResult, WeeklySummary};
use crate::metric::{Metric, PharmacyFirstMetric, ServiceMetric, Unit};

/// How one metric's per-PCN values make the ICB's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rollup {
    /// Added up (undefined if any PCN's value is).
    Sum,
    /// Mean weighted by registered patients over the PCNs where it is
    /// defined (undefined if none is). For a percentile this is a
    /// population-weighted average of the PCNs' percentiles, not the
    /// ICB's percentile.
    ListWeighted,
    /// `gp_share_freed`: net appointments freed over the counterfactual's
    /// GP appointments, both added up.
    ShareFreed,
    /// `cost_per_gp_appointment_freed`: incremental cost over net
    /// appointments freed, both added up (undefined unless some are freed).
    CostPerFreed,
}

/// How the metric called `name` rolls up.
pub fn rule(name: &str) -> Rollup {
    let Some(metric) = Metric::from_name(name) else {
        // Per-service occupancy [people] and rejections [count] add up, as
        // do Pharmacy First's counts.
        return match (ServiceMetric::parse(name), PharmacyFirstMetric::parse(name)) {
            (Some(_), _) | (_, Some(_)) => Rollup::Sum,
            (None, None) => Rollup::ListWeighted,
        };
    };
    match metric {
        Metric::GpShareFreed => Rollup::ShareFreed,
        Metric::CostPerGpAppointmentFreed => Rollup::CostPerFreed,
        // Totals in patient-days.
        Metric::GpWaitDaysTotal | Metric::GpWaitDaysSaved => Rollup::Sum,
        Metric::SplwCaseloadPerFteMean => Rollup::ListWeighted,
        m => match m.def().unit {
            Unit::Count | Unit::People | Unit::Gbp | Unit::Fte | Unit::Hours => Rollup::Sum,
            Unit::Days | Unit::Share | Unit::GbpPerAppointment => Rollup::ListWeighted,
        },
    }
}

/// The ICB result from each PCN's (`pcns[i]`, weighted by `weights[i]`
/// registered patients). Metrics present in every PCN are kept, in the
/// first PCN's order; the weekly series are not rolled up (each PCN's are
/// in its own results).
pub fn roll_up(pcns: &[ExperimentResult], weights: &[f64]) -> ExperimentResult {
    let Some(first) = pcns.first() else {
        return ExperimentResult {
            arms: Vec::new(),
            events: 0,
            conservation: Default::default(),
            first_replication: 0,
        };
    };
    let arms = first
        .arms
        .iter()
        .enumerate()
        .map(|(a, arm)| roll_up_arm(a, arm, pcns, weights))
        .collect();
    let mut conservation = Default::default();
    for p in pcns {
        add_conservation(&mut conservation, &p.conservation);
    }
    ExperimentResult {
        arms,
        events: pcns.iter().map(|p| p.events).sum(),
        conservation,
        first_replication: 0,
    }
}

fn roll_up_arm(a: usize, arm: &ArmResult, pcns: &[ExperimentResult], weights: &[f64]) -> ArmResult {
    let index = |p: &ExperimentResult, name: &str| p.arms[a].metric_index(name);
    let names: Vec<String> = arm
        .metric_names
        .iter()
        .filter(|n| pcns.iter().all(|p| index(p, n).is_some()))
        .cloned()
        .collect();
    // Column of each kept metric in each PCN's rows.
    let columns: Vec<Vec<usize>> = pcns
        .iter()
        .map(|p| names.iter().map(|n| index(p, n).unwrap_or(usize::MAX)).collect())
        .collect();
    let named = |n: Metric| names.iter().position(|m| m == n.name());
    let replications = pcns.iter().map(|p| p.arms[a].values.len()).min().unwrap_or(0);
    let values = (0..replications)
        .map(|r| {
            let column = |m: usize| pcns.iter().zip(&columns).map(move |(p, c)| p.arms[a].values[r][c[m]]);
            let mut row: Vec<f64> = (0..names.len())
                .map(|m| match rule(&names[m]) {
                    Rollup::Sum => column(m).sum(),
                    Rollup::ListWeighted => weighted_mean(column(m), weights),
                    // Filled in below, from the row's totals.
                    Rollup::ShareFreed | Rollup::CostPerFreed => f64::NAN,
                })
                .collect();
            let total = |m: Option<usize>| m.map_or(f64::NAN, |i| row[i]);
            let net = total(named(Metric::GpAppointmentsSavedNet));
            let counterfactual_gp = total(named(Metric::GpAppointments)) + net;
            let cost = total(named(Metric::CostIncremental));
            if let Some(i) = named(Metric::GpShareFreed) {
                row[i] = if counterfactual_gp > 0.0 {
                    net / counterfactual_gp
                } else {
                    f64::NAN
                };
            }
            if let Some(i) = named(Metric::CostPerGpAppointmentFreed) {
                row[i] = if net > 0.0 { cost / net } else { f64::NAN };
            }
            row
        })
        .collect();
    ArmResult {
        name: arm.name.clone(),
        description: arm.description.clone(),
        metric_names: names,
        values,
        weekly: WeeklySummary::new(),
    }
}

/// Mean of the finite `values`, weighted by `weights`; NaN if none is finite.
fn weighted_mean(values: impl Iterator<Item = f64>, weights: &[f64]) -> f64 {
    let (sum, weight) = values
        .zip(weights)
        .filter(|(v, _)| v.is_finite())
        .fold((0.0, 0.0), |(s, w), (v, wt)| (s + v * wt, w + wt));
    if weight > 0.0 {
        sum / weight
    } else {
        f64::NAN
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_add_and_rates_are_weighted() {
        assert_eq!(rule("gp_appointments_saved_net"), Rollup::Sum);
        assert_eq!(rule("gp_wait_days_total"), Rollup::Sum);
        assert_eq!(rule("gp_wait_days_mean"), Rollup::ListWeighted);
        assert_eq!(rule("bounce_back_rate"), Rollup::ListWeighted);
        assert_eq!(rule("vcse_rejections.advice"), Rollup::Sum);
        assert_eq!(rule("gp_share_freed"), Rollup::ShareFreed);
        assert!((weighted_mean([1.0, f64::NAN, 4.0].into_iter(), &[1.0, 5.0, 3.0]) - 13.0 / 4.0).abs() < 1e-12);
        assert!(weighted_mean([f64::NAN].into_iter(), &[1.0]).is_nan());
    }

    fn result(names: &[&str], rows: Vec<Vec<f64>>) -> ExperimentResult {
        let arm = |name: &str, rows: Vec<Vec<f64>>| ArmResult {
            name: name.into(),
            description: String::new(),
            metric_names: names.iter().map(|n| n.to_string()).collect(),
            values: rows,
            weekly: WeeklySummary::new(),
        };
        ExperimentResult {
            arms: vec![arm("counterfactual", rows.clone()), arm("trained", rows)],
            events: 1,
            conservation: Default::default(),
            first_replication: 0,
        }
    }

    #[test]
    fn the_share_freed_is_a_ratio_of_totals() {
        let names = [
            "gp_appointments",
            "gp_appointments_saved_net",
            "gp_share_freed",
            "gp_wait_days_mean",
        ];
        // PCN A: 90 appointments after freeing 10 (10%); PCN B: 950 after 50 (5%).
        let a = result(&names, vec![vec![90.0, 10.0, 0.1, 2.0]]);
        let b = result(&names, vec![vec![950.0, 50.0, 0.05, 4.0]]);
        let icb = roll_up(&[a, b], &[1_000.0, 3_000.0]);
        let row = &icb.arms[1].values[0];
        assert_eq!(row[0], 1_040.0);
        assert_eq!(row[1], 60.0);
        assert!((row[2] - 60.0 / 1_100.0).abs() < 1e-12, "not the mean of 10% and 5%");
        assert!((row[3] - 3.5).abs() < 1e-12);
        assert_eq!(icb.events, 2);
    }
}

//! The comparison table printed at the end of a run.

use super::tables::paired;
use crate::experiment::warmup::WarmupDiagnostic;
use crate::experiment::{ArmResult, ExperimentResult};
use crate::metric::Metric;
use crate::text::aligned;
use std::fmt::Write as _;

/// A run's one-line warning when the statistics window starts in a
/// start-up transient, as `signpost run` prints it and the Python package
/// raises it (`warnings.warn`).
pub fn warmup_warning(d: &WarmupDiagnostic) -> Option<String> {
    let names: Vec<&str> = d.problems().map(|s| s.name.as_str()).collect();
    (!names.is_empty()).then(|| {
        format!(
            "warning: the statistics window starts in a start-up transient ({}); suggested time.warmup_days >= {:.0} (see `signpost check`)",
            names.join(", "),
            d.suggested_warmup_days()
        )
    })
}

/// Formats `mean (low–high)` with the given decimals; `–` when undefined.
fn with_ci(mean: Option<f64>, ci: Option<(f64, f64)>, scale: f64, decimals: usize) -> String {
    match (mean, ci) {
        (Some(m), Some((lo, hi))) => format!("{:.d$} ({:.d$} to {:.d$})", m * scale, lo * scale, hi * scale, d = decimals),
        (Some(m), None) => format!("{:.d$}", m * scale, d = decimals),
        _ => "–".into(),
    }
}

/// What the terminal and the report print instead of a negative cost per
/// GP appointment freed.
pub const DOMINANT: &str = "dominant (saves money)";

/// An arm that, on average over replications, frees GP appointments and
/// costs less than the counterfactual: a negative cost per appointment
/// freed is then no price but a saving, and is labelled so.
pub fn is_dominant(arm: &ArmResult) -> bool {
    let mean = |m: Metric| arm.metric_index(m.name()).and_then(|i| arm.summary(i).mean());
    matches!(
        (mean(Metric::CostIncremental), mean(Metric::GpAppointmentsSavedNet)),
        (Some(cost), Some(net)) if cost < 0.0 && net > 0.0
    )
}

/// One metric of one arm as `mean (low to high)`.
fn cell(arm: &ArmResult, metric: &str, scale: f64, decimals: usize) -> String {
    match arm.metric_index(metric) {
        Some(m) => {
            let s = arm.summary(m);
            let ci = s.confidence_interval(0.95).map(|c| (c.low, c.high));
            with_ci(s.mean(), ci, scale, decimals)
        }
        None => "–".into(),
    }
}

/// Policy arms × what happened to the GP capacity they released, then
/// the GP time released and what it cost; paired 95% CIs.
fn freed_capacity_table(result: &ExperimentResult) -> String {
    let went: [(&str, Metric, usize); 7] = [
        ("GP requests avoided", Metric::GpDemandReduction, 0),
        ("= appts freed (net)", Metric::GpAppointmentsSavedNet, 0),
        ("+ taken up by others", Metric::GpCapacityTakenUp, 0),
        ("unbooked avoided", Metric::GpRequestsUnbookedAvoided, 0),
        ("GP wait days saved", Metric::GpWaitDaysSaved, 0),
        ("unmet needs avoided", Metric::UnmetNeedsAvoided, 0),
        ("abandoned calls avoided", Metric::NavigationAbandonedAvoided, 0),
    ];
    let value: [(&str, Metric, usize); 5] = [
        ("GP FTE released", Metric::GpFteReleased, 2),
        ("GP hours freed", Metric::GpHoursFreed, 0),
        ("value at £/appt", Metric::GpTimeValueFreed, 0),
        ("value at £/hour", Metric::GpTimeValueFreedHourly, 0),
        ("incremental cost £", Metric::CostIncremental, 0),
    ];
    let table = |columns: &[(&str, Metric, usize)]| {
        let mut rows: Vec<Vec<String>> = vec![std::iter::once("arm".to_string())
            .chain(columns.iter().map(|c| c.0.to_string()))
            .collect()];
        for arm in &result.arms[1..] {
            let mut row = vec![arm.name.clone()];
            row.extend(columns.iter().map(|&(_, m, d)| cell(arm, m.name(), 1.0, d)));
            rows.push(row);
        }
        aligned(&rows)
    };
    let mut out = String::new();
    if result.arms.len() < 2 {
        return out;
    }
    out.push_str(
        "\nWhere the freed GP capacity went (counterfactual minus arm, paired): GP requests avoided = appointments freed (net) + capacity taken up by other patients' demand (fewer requests left unbooked, shorter waits).\n",
    );
    out.push_str(&table(&went));
    out.push_str(
        "\nGP time released and what it cost (incremental cost includes other roles' appointments used and navigator time per signpost):\n",
    );
    out.push_str(&table(&value));
    out
}

/// Arms × key metrics with 95% confidence intervals, per year of the
/// statistics window.
pub fn comparison_table(result: &ExperimentResult, horizon_days: f64, replications: u64) -> String {
    let cf = &result.arms[0];
    let columns: [(&str, &str, f64, usize, bool); 8] = [
        ("GP appts", Metric::GpAppointments.name(), 1.0, 0, false),
        ("GP appts freed (net)", Metric::GpAppointmentsSavedNet.name(), 1.0, 0, false),
        ("% GP demand freed", Metric::GpShareFreed.name(), 100.0, 1, false),
        ("GP wait (days)", Metric::GpWaitDaysMean.name(), 1.0, 1, false),
        ("bounce-backs", Metric::BounceBacks.name(), 1.0, 0, false),
        ("safety events", Metric::SafetyEvents.name(), 1.0, 0, false),
        ("SPLW wait (days)", Metric::SplwWaitDaysMean.name(), 1.0, 1, false),
        ("£ per GP appt freed", Metric::CostPerGpAppointmentFreed.name(), 1.0, 0, false),
    ];
    let mut rows: Vec<Vec<String>> = vec![std::iter::once("arm".to_string())
        .chain(columns.iter().map(|c| c.0.to_string()))
        .collect()];
    for arm in &result.arms {
        let mut row = vec![arm.name.clone()];
        for (_, metric, scale, decimals, _) in columns {
            let cell = if metric == Metric::CostPerGpAppointmentFreed.name() && is_dominant(arm) {
                DOMINANT.to_string()
            } else {
                cell(arm, metric, scale, decimals)
            };
            row.push(cell);
        }
        rows.push(row);
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Results over {horizon_days} days after warm-up, {replications} replications; mean (95% CI of the mean over replications: simulation noise only; `signpost psa` gives the 95% uncertainty interval over plausible parameter values). Net = counterfactual minus arm, paired by replication."
    );
    out.push_str(&aligned(&rows));
    out.push_str(&freed_capacity_table(result));
    for arm in &result.arms[1..] {
        let d = paired(arm, cf, Metric::BounceBacks.name());
        if let (Some(m), Some(ci)) = (d.mean(), d.confidence_interval(0.95)) {
            let _ = writeln!(
                out,
                "{}: {:+.0} bounce-backs vs counterfactual (95% CI {:+.0} to {:+.0})",
                arm.name, m, ci.low, ci.high
            );
        }
    }
    out
}

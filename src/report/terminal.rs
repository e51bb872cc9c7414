//! The comparison table printed at the end of a run.

use super::tables::paired;
use crate::experiment::ExperimentResult;
use crate::metric::Metric;
use crate::text::aligned;
use std::fmt::Write as _;

/// Formats `mean (low–high)` with the given decimals; `–` when undefined.
fn with_ci(mean: Option<f64>, ci: Option<(f64, f64)>, scale: f64, decimals: usize) -> String {
    match (mean, ci) {
        (Some(m), Some((lo, hi))) => format!("{:.d$} ({:.d$} to {:.d$})", m * scale, lo * scale, hi * scale, d = decimals),
        (Some(m), None) => format!("{:.d$}", m * scale, d = decimals),
        _ => "–".into(),
    }
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
            let cell = match arm.metric_index(metric) {
                Some(m) => {
                    let s = arm.summary(m);
                    let ci = s.confidence_interval(0.95).map(|c| (c.low, c.high));
                    with_ci(s.mean(), ci, scale, decimals)
                }
                None => "–".into(),
            };
            row.push(cell);
        }
        rows.push(row);
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Results over {horizon_days} days after warm-up, {replications} replications; mean (95% CI). Net = counterfactual minus arm, paired by replication."
    );
    out.push_str(&aligned(&rows));
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

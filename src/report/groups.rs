//! `groups.csv` and `equity.csv`: the per-group metrics (named
//! `METRIC@DIMENSION=LEVEL`, see [`crate::metric::group`]) as rates per
//! 1,000 patients of the group, with paired differences from the
//! counterfactual, and the deprivation gaps ([`crate::equity`]). Written
//! only when the scenario has population groups.
//!
//! `groups.csv`: `arm,dimension,group,metric,mean,ci_low,ci_high,diff_mean,diff_ci_low,diff_ci_high,n`.
//! Counts are `METRIC_per_1000` (per 1,000 patients of that group on the
//! list, per replication, then averaged); `bounce_back_rate` and
//! `gp_wait_days_mean` are as in `summary.csv`; `patients` is the group's
//! list count. `diff_*` is the paired arm − counterfactual (empty for the
//! counterfactual).
//!
//! `equity.csv`: `arm,measure,quantity,mean,ci_low,ci_high,n,statement`,
//! one block per policy arm and measure (`gp_appointments_freed_per_1000`,
//! `unmet_needs_per_1000`, `gp_wait_days_mean`). `quantity` is `imd=Q`
//! (the arm's paired effect in quintile Q: freed = counterfactual − arm;
//! otherwise arm − counterfactual), `counterfactual_q1_minus_q5` and
//! `counterfactual_sii` (the gap without the policy), and `q1_minus_q5`
//! and `sii` (for freed: the gap in what is freed; otherwise the paired
//! change in the gap), the last two with the statement.

use crate::equity::{first_minus_last, slope_index, GapVerdict};
use crate::experiment::{ArmResult, ExperimentResult};
use crate::metric::group::{parse_group_metric, GROUP_COUNTS, GROUP_PATIENTS, PRACTICE_DIMENSION};
use crate::metric::Metric;
use crate::output::ResultFile;
use crate::stats::Summary;
use crate::text::{csv_field, opt_num as opt};
use std::fmt::Write as _;

/// `groups.csv` and `equity.csv`, or nothing without population groups.
pub fn group_files(result: &ExperimentResult) -> Vec<ResultFile> {
    if !has_groups(result) {
        return Vec::new();
    }
    let mut files = vec![ResultFile::new("groups.csv", groups_csv(result))];
    files.extend(equity_text(result).map(|text| ResultFile::new("equity.csv", text)));
    files
}

/// `equity.csv`'s text, when the result has IMD quintiles.
pub fn equity_text(result: &ExperimentResult) -> Option<String> {
    (has_groups(result) && quintile_names(&result.arms[0]).len() == 5).then(|| equity_csv(result))
}

/// Whether the result holds per-group metrics.
pub fn has_groups(result: &ExperimentResult) -> bool {
    result
        .arms
        .first()
        .is_some_and(|a| a.metric_names.iter().any(|n| parse_group_metric(n).is_some()))
}

/// Whether a per-group metric is a count (reported per 1,000 patients).
fn is_count(metric: &str) -> bool {
    GROUP_COUNTS.iter().any(|(m, _)| m.name() == metric) || metric == Metric::UnmetNeeds.name() || metric == Metric::GpBookings.name()
}

/// Per replication, the value of per-group metric `metric` for `group`
/// (`dimension=level`), per 1,000 of the group's patients if a count.
fn per_rep(arm: &ArmResult, metric: &str, group: &str) -> Vec<f64> {
    let col = |m: &str| arm.metric_index(&format!("{m}@{group}"));
    let (Some(v), patients) = (col(metric), col(GROUP_PATIENTS)) else {
        return Vec::new();
    };
    arm.values
        .iter()
        .map(|row| match patients.filter(|_| is_count(metric)) {
            Some(p) if row[p] > 0.0 => row[v] / row[p] * 1000.0,
            Some(_) => f64::NAN,
            None => row[v],
        })
        .collect()
}

fn finite(values: impl IntoIterator<Item = f64>) -> Summary {
    Summary::of(values.into_iter().filter(|v| v.is_finite()))
}

fn ci(s: &Summary) -> (Option<f64>, Option<f64>) {
    let c = s.confidence_interval(0.95);
    (c.map(|c| c.low), c.map(|c| c.high))
}

/// `groups.csv` (columns in the module docs).
pub fn groups_csv(result: &ExperimentResult) -> String {
    let mut out = String::from("arm,dimension,group,metric,mean,ci_low,ci_high,diff_mean,diff_ci_low,diff_ci_high,n\n");
    let cf = &result.arms[0];
    for (a, arm) in result.arms.iter().enumerate() {
        for name in &arm.metric_names {
            let Some((metric, dimension, level)) = parse_group_metric(name) else {
                continue;
            };
            let group = format!("{dimension}={level}");
            let values = per_rep(arm, metric, &group);
            let s = finite(values.iter().copied());
            let d = if a == 0 {
                Summary::new()
            } else {
                let base = per_rep(cf, metric, &group);
                finite(values.iter().zip(&base).map(|(x, y)| x - y))
            };
            let shown = if is_count(metric) {
                format!("{metric}_per_1000")
            } else {
                metric.to_string()
            };
            let ((low, high), (dlow, dhigh)) = (ci(&s), ci(&d));
            let _ = writeln!(
                out,
                "{},{},{},{},{},{},{},{},{},{},{}",
                csv_field(&arm.name),
                dimension,
                csv_field(level),
                shown,
                opt(s.mean()),
                opt(low),
                opt(high),
                opt(d.mean()),
                opt(dlow),
                opt(dhigh),
                s.count()
            );
        }
    }
    out
}

/// The IMD groups in quintile order (`imd=1`..).
fn quintile_names(arm: &ArmResult) -> Vec<String> {
    let prefix = format!("{GROUP_PATIENTS}@imd=");
    arm.metric_names
        .iter()
        .filter_map(|n| n.strip_prefix(&prefix))
        .map(|q| format!("imd={q}"))
        .collect()
}

/// One equity measure: per replication and quintile, its value.
struct Measure {
    name: &'static str,
    metric: &'static str,
    /// Effect is counterfactual − arm (appointments freed).
    freed: bool,
}

const MEASURES: [Measure; 3] = [
    Measure {
        name: "gp_appointments_freed_per_1000",
        metric: "gp_appointments",
        freed: true,
    },
    Measure {
        name: "unmet_needs_per_1000",
        metric: "unmet_needs",
        freed: false,
    },
    Measure {
        name: "gp_wait_days_mean",
        metric: "gp_wait_days_mean",
        freed: false,
    },
];

/// `values[rep][quintile]` of `metric` in `arm`, and the shares of the
/// list by quintile per replication.
fn by_quintile(arm: &ArmResult, metric: &str, quintiles: &[String]) -> Vec<Vec<f64>> {
    let cols: Vec<Vec<f64>> = quintiles.iter().map(|q| per_rep(arm, metric, q)).collect();
    (0..arm.values.len())
        .map(|r| cols.iter().map(|c| c.get(r).copied().unwrap_or(f64::NAN)).collect())
        .collect()
}

/// One row of `equity.csv`: a policy arm's quantity for one measure, its
/// values per replication and, for the gaps, the plain statement.
struct EquityRow {
    arm: String,
    measure: &'static str,
    quantity: String,
    values: Vec<f64>,
    statement: &'static str,
}

/// Every row of `equity.csv`, in order (see the module docs).
fn equity_rows(result: &ExperimentResult) -> Vec<EquityRow> {
    let mut rows = Vec::new();
    let cf = &result.arms[0];
    let quintiles = quintile_names(cf);
    let shares = by_quintile(cf, GROUP_PATIENTS, &quintiles);
    let gaps = |rows: &[Vec<f64>]| -> (Vec<f64>, Vec<f64>) {
        rows.iter()
            .zip(&shares)
            .map(|(r, s)| (first_minus_last(r), slope_index(r, s)))
            .unzip()
    };
    for arm in &result.arms[1..] {
        for m in &MEASURES {
            let (a, c) = (by_quintile(arm, m.metric, &quintiles), by_quintile(cf, m.metric, &quintiles));
            let effect: Vec<Vec<f64>> = a
                .iter()
                .zip(&c)
                .map(|(x, y)| x.iter().zip(y).map(|(x, y)| if m.freed { y - x } else { x - y }).collect())
                .collect();
            let mut row = |quantity: &str, values: Vec<f64>, statement: &'static str| {
                rows.push(EquityRow {
                    arm: arm.name.clone(),
                    measure: m.name,
                    quantity: quantity.to_string(),
                    values,
                    statement,
                });
            };
            for (q, name) in quintiles.iter().enumerate() {
                row(name, effect.iter().map(|r| r[q]).collect(), "");
            }
            let (cf_q, cf_sii) = gaps(&c);
            row("counterfactual_q1_minus_q5", cf_q.clone(), "");
            row("counterfactual_sii", cf_sii.clone(), "");
            let change = |arm_gap: &[f64], cf_gap: &[f64]| -> Vec<f64> { arm_gap.iter().zip(cf_gap).map(|(a, c)| a - c).collect() };
            let (q_change, sii_change) = if m.freed {
                gaps(&effect)
            } else {
                let (arm_q, arm_sii) = gaps(&a);
                (change(&arm_q, &cf_q), change(&arm_sii, &cf_sii))
            };
            for (quantity, values, baseline) in [("q1_minus_q5", q_change, &cf_q), ("sii", sii_change, &cf_sii)] {
                let statement = if m.freed {
                    freed_statement(&values)
                } else {
                    let s = finite(values.iter().copied());
                    let base = finite(baseline.iter().copied()).mean().unwrap_or(f64::NAN);
                    let (low, high) = ci(&s);
                    GapVerdict::of(base, low.zip(high)).statement()
                };
                row(quantity, values, statement);
            }
        }
    }
    rows
}

/// `equity.csv` (columns in the module docs).
pub fn equity_csv(result: &ExperimentResult) -> String {
    let mut out = String::from("arm,measure,quantity,mean,ci_low,ci_high,n,statement\n");
    for r in equity_rows(result) {
        let s = finite(r.values.iter().copied());
        let (low, high) = ci(&s);
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{}",
            csv_field(&r.arm),
            r.measure,
            r.quantity,
            opt(s.mean()),
            opt(low),
            opt(high),
            s.count(),
            csv_field(r.statement)
        );
    }
    out
}

/// Where freed appointments fall: towards the most or the least deprived.
fn freed_statement(gap: &[f64]) -> &'static str {
    let s = finite(gap.iter().copied());
    match ci(&s) {
        (Some(l), Some(_)) if l > 0.0 => "more freed in the most deprived",
        (Some(_), Some(h)) if h < 0.0 => "more freed in the least deprived",
        _ => "no clear difference (CI spans 0)",
    }
}

/// The one-line verdict per policy arm on the unmet-needs gap by SII, for
/// the terminal and the report: `arm: narrows`; none without IMD quintiles.
pub fn verdicts(result: &ExperimentResult) -> Vec<(String, &'static str)> {
    if equity_text(result).is_none() {
        return Vec::new();
    }
    equity_rows(result)
        .into_iter()
        .filter(|r| r.measure == "unmet_needs_per_1000" && r.quantity == "sii")
        .map(|r| (r.arm, r.statement))
        .collect()
}

/// The terminal's lines when the run has population groups or practices.
pub fn terminal_hint(result: &ExperimentResult) -> Option<String> {
    let dimensions = dimensions(result);
    let mut lines = Vec::new();
    if dimensions.iter().any(|d| d != PRACTICE_DIMENSION) {
        let gaps: Vec<String> = verdicts(result).into_iter().map(|(arm, v)| format!("{arm} {v}")).collect();
        let equity = if gaps.is_empty() {
            String::new()
        } else {
            format!(", equity in equity.csv; deprivation gap in unmet needs (SII): {}", gaps.join(", "))
        };
        lines.push(format!("Population groups: per-group results in groups.csv{equity}"));
    }
    if dimensions.iter().any(|d| d == PRACTICE_DIMENSION) {
        lines.push(practice_hint(result));
    }
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// The dimensions of the result's per-group metrics, in first-seen order.
fn dimensions(result: &ExperimentResult) -> Vec<String> {
    let mut dims: Vec<String> = Vec::new();
    for name in result.arms.first().map(|a| a.metric_names.as_slice()).unwrap_or_default() {
        if let Some((_, dim, _)) = parse_group_metric(name) {
            if !dims.iter().any(|d| d == dim) {
                dims.push(dim.to_string());
            }
        }
    }
    dims
}

/// The practices' line: where each policy arm frees the most and the
/// fewest GP appointments per 1,000 patients (paired means).
fn practice_hint(result: &ExperimentResult) -> String {
    let freed = practice_freed(result);
    let per_arm: Vec<String> = freed
        .iter()
        .filter_map(|(arm, by_practice)| {
            let finite = by_practice.iter().filter(|(_, v)| v.is_finite());
            let most = finite.clone().max_by(|a, b| a.1.total_cmp(&b.1))?;
            let fewest = finite.min_by(|a, b| a.1.total_cmp(&b.1))?;
            Some(format!("{arm} {:.0} ({}) to {:.0} ({})", fewest.1, fewest.0, most.1, most.0))
        })
        .collect();
    let range = if per_arm.is_empty() {
        String::new()
    } else {
        format!("; GP appointments freed per 1,000 patients, fewest to most: {}", per_arm.join(", "))
    };
    format!("Practices: per-practice results in groups.csv (dimension `practice`){range}")
}

/// Per policy arm, per practice in listed order: the mean paired GP
/// appointments freed per 1,000 of the practice's patients
/// (counterfactual − arm).
pub fn practice_freed(result: &ExperimentResult) -> Vec<(String, Vec<(String, f64)>)> {
    let Some(cf) = result.arms.first() else { return Vec::new() };
    let prefix = format!("{GROUP_PATIENTS}@{PRACTICE_DIMENSION}=");
    let practices: Vec<&str> = cf.metric_names.iter().filter_map(|n| n.strip_prefix(&prefix)).collect();
    let metric = Metric::GpAppointments.name();
    result.arms[1..]
        .iter()
        .map(|arm| {
            let by_practice = practices
                .iter()
                .map(|p| {
                    let group = format!("{PRACTICE_DIMENSION}={p}");
                    let (a, c) = (per_rep(arm, metric, &group), per_rep(cf, metric, &group));
                    let mean = finite(c.iter().zip(&a).map(|(c, a)| c - a)).mean().unwrap_or(f64::NAN);
                    (p.to_string(), mean)
                })
                .collect();
            (arm.name.clone(), by_practice)
        })
        .collect()
}

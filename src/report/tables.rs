//! The CSV and JSON files of the output contract (DESIGN.md section 3).

use crate::experiment::precision::{self, PrecisionOutcome};
use crate::experiment::warmup::WarmupDiagnostic;
use crate::experiment::{ArmResult, ExperimentResult, RunOptions};
use crate::metric::group::is_group_metric;
use crate::metric::Metric;
use crate::model::journey::JourneyStep;
use crate::output::contract::{replication_row, summary_row, REPLICATIONS_HEADER, SCHEMA_VERSION, SUMMARY_HEADER};
use crate::scenario::load::LoadedScenario;
use crate::stats::warmup::Verdict;
use crate::stats::Summary;
use crate::text::{csv_field, num, opt_num as opt};
use std::fmt::Write as _;

/// Every (arm, metric) with its summary over replications, in
/// `summary.csv` order.
pub fn summaries(result: &ExperimentResult) -> impl Iterator<Item = (&str, &str, Summary)> {
    result.arms.iter().flat_map(|arm| {
        arm.metric_names
            .iter()
            .enumerate()
            .filter(|(_, name)| !is_group_metric(name))
            .map(move |(m, name)| (arm.name.as_str(), name.as_str(), arm.summary(m)))
    })
}

/// `summary.csv`: `arm,metric,mean,sd,ci_low,ci_high,n`.
pub fn summary_csv(result: &ExperimentResult) -> String {
    let mut out = String::from(SUMMARY_HEADER);
    for (arm, metric, s) in summaries(result) {
        summary_row(&mut out, arm, metric, &s);
    }
    out
}

/// Paired differences arm − counterfactual for one metric.
pub fn paired(arm: &ArmResult, counterfactual: &ArmResult, metric: &str) -> Summary {
    let (Some(a), Some(c)) = (arm.metric_index(metric), counterfactual.metric_index(metric)) else {
        return Summary::new();
    };
    Summary::of(
        arm.values
            .iter()
            .zip(&counterfactual.values)
            .map(|(x, y)| x[a] - y[c])
            .filter(|d| d.is_finite()),
    )
}

/// Every policy arm's metrics with the paired difference from the
/// counterfactual, in `comparison.csv` order. A paired metric (net freed,
/// incremental cost, cost per appointment freed, …) is already arm minus
/// counterfactual in each replication, so its row is the metric itself —
/// not its value minus the counterfactual's, which is undefined for a
/// ratio such as the cost per appointment freed.
pub fn comparisons(result: &ExperimentResult) -> impl Iterator<Item = (&str, &str, Summary)> {
    let cf = &result.arms[0];
    result.arms[1..].iter().flat_map(move |arm| {
        arm.metric_names
            .iter()
            .enumerate()
            .filter(|(_, name)| !is_group_metric(name))
            .map(move |(i, name)| {
                let diff = if Metric::from_name(name).is_some_and(|m| m.def().paired) {
                    arm.summary(i)
                } else {
                    paired(arm, cf, name)
                };
                (arm.name.as_str(), name.as_str(), diff)
            })
    })
}

/// `comparison.csv`: `arm,metric,diff_mean,diff_ci_low,diff_ci_high,n`.
pub fn comparison_csv(result: &ExperimentResult) -> String {
    let mut out = String::from("arm,metric,diff_mean,diff_ci_low,diff_ci_high,n\n");
    for (arm, metric, d) in comparisons(result) {
        let ci = d.confidence_interval(0.95);
        let _ = writeln!(
            out,
            "{},{},{},{},{},{}",
            csv_field(arm),
            csv_field(metric),
            opt(d.mean()),
            opt(ci.map(|c| c.low)),
            opt(ci.map(|c| c.high)),
            d.count()
        );
    }
    out
}

/// `replications.csv`: `arm,replication,metric,value`.
pub fn replications_csv(result: &ExperimentResult) -> String {
    let mut out = String::from(REPLICATIONS_HEADER);
    for arm in &result.arms {
        for (r, row) in (result.first_replication as usize..).zip(&arm.values) {
            for (name, v) in arm.metric_names.iter().zip(row).filter(|(name, _)| !is_group_metric(name)) {
                replication_row(&mut out, &arm.name, r, name, *v);
            }
        }
    }
    out
}

/// One week of one weekly series over an arm's replications (NaN where
/// undefined).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeekRow<'a> {
    /// Arm name.
    pub arm: &'a str,
    /// 1-based week after the warm-up.
    pub week: usize,
    /// Series name, e.g. `utilisation.gp`.
    pub series: &'a str,
    /// Mean over replications.
    pub mean: f64,
    /// 5th percentile over replications.
    pub p05: f64,
    /// 95th percentile over replications.
    pub p95: f64,
}

/// Every week of every weekly series, in `timeseries.csv` order.
pub fn weeks(result: &ExperimentResult) -> Vec<WeekRow<'_>> {
    let mut rows = Vec::new();
    for arm in &result.arms {
        let weekly = &arm.weekly;
        for week in 0..weekly.weeks {
            for (s, name) in weekly.names.iter().enumerate() {
                let stat = weekly.stat(s, week);
                rows.push(WeekRow {
                    arm: &arm.name,
                    week: week + 1,
                    series: name,
                    mean: stat.mean,
                    p05: stat.p05,
                    p95: stat.p95,
                });
            }
        }
    }
    rows
}

/// `timeseries.csv`: `arm,week,metric,mean,p05,p95` (week 1 = first week
/// after warm-up).
pub fn timeseries_csv(result: &ExperimentResult) -> String {
    let mut out = String::from("arm,week,metric,mean,p05,p95\n");
    for w in weeks(result) {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{}",
            csv_field(w.arm),
            w.week,
            csv_field(w.series),
            num(w.mean),
            num(w.p05),
            num(w.p95)
        );
    }
    out
}

/// The header line of `journeys.csv`.
pub const JOURNEYS_HEADER: &str = "arm,replication,episode,patient,need,day,place,event,reason\n";

/// `journeys.csv` rows of one arm's traced steps in one replication,
/// appended to `out`. The file is the header, then every arm's rows in arm
/// order, each arm's replications in order.
pub fn journey_rows(out: &mut String, loaded: &LoadedScenario, arm: &str, replication: u64, steps: &[JourneyStep]) {
    let needs = &loaded.base.needs;
    for step in steps {
        let need = needs.get(usize::from(step.need)).map_or("", |n| n.name.as_str());
        let _ = writeln!(
            out,
            "{},{},{},{},{},{:.4},{},{},{}",
            csv_field(arm),
            replication,
            step.episode,
            step.patient,
            csv_field(need),
            step.time / crate::engine::calendar::MINUTES_PER_DAY,
            step.place.name(),
            step.event,
            step.reason.code()
        );
    }
}

/// Facts about the run for `run.json` that are not in the results.
pub struct RunFacts<'a> {
    /// Worker threads used.
    pub threads: usize,
    /// Wall-clock time \[seconds\].
    pub wall_seconds: f64,
    /// The scenario source text (for assumptions).
    pub source: &'a str,
    /// The warm-up diagnostic of the counterfactual, if it was run.
    pub warmup: Option<&'a WarmupDiagnostic>,
    /// What `--precision` decided, when the run went to a precision.
    pub precision: Option<&'a PrecisionOutcome>,
}

/// `run.json`'s `precision`: the target, the algorithm and how it ended.
fn precision_json(p: &PrecisionOutcome) -> serde_json::Value {
    let checks: Vec<serde_json::Value> = p
        .checks
        .iter()
        .map(|c| {
            serde_json::json!({
                "arm": c.arm,
                "metric": c.metric,
                "mean": finite(c.mean),
                "ci95_half_width": finite(c.half_width),
                "allowed_half_width": finite(c.allowed),
                "met": c.met(),
            })
        })
        .collect();
    serde_json::json!({
        "method": "Hoad, Robinson & Davies (2010) replications algorithm: 95% CI half-width of each headline metric within precision x max(|mean|, floor_share x counterfactual gp_appointments), confirmed over a look-ahead of f(k_limit, n) replications",
        "precision": p.target.precision,
        "max_replications": p.target.max_replications,
        "min_replications": precision::MIN_REPLICATIONS,
        "k_limit": precision::LOOK_AHEAD,
        "floor_share": precision::FLOOR_SHARE,
        "stopped": p.reason.code(),
        "needed": p.needed,
        "replications": p.replications,
        "headline": checks,
    })
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// `run.json`'s `warmup_diagnostic`: MSER-5 verdicts per weekly queue, or
/// null when the diagnostic was not run.
fn warmup_json(d: Option<&WarmupDiagnostic>) -> serde_json::Value {
    let Some(d) = d else {
        return serde_json::Value::Null;
    };
    let series: Vec<serde_json::Value> = d
        .series
        .iter()
        .map(|s| {
            let (verdict, into) = match s.verdict {
                Verdict::Steady => ("steady", None),
                Verdict::Transient { weeks_into_window } => ("transient", Some(weeks_into_window)),
                Verdict::Immaterial { weeks_into_window, .. } => ("immaterial_transient", Some(weeks_into_window)),
                Verdict::NeverSettles => ("never_settles", None),
                Verdict::TooShort => ("too_short", None),
            };
            serde_json::json!({
                "name": s.name,
                "verdict": verdict,
                "weeks_into_window": into,
                "mser5_cut_week": s.cut.map(|c| c.truncate_weeks),
                "drift_z": s.cut.map(|c| c.drift_z).filter(|z| z.is_finite()),
            })
        })
        .collect();
    serde_json::json!({
        "method": "MSER-5 on the counterfactual's weekly queue.* series, run from day 0 without warm-up and averaged over replications",
        "replications": d.replications,
        "run_weeks": d.run_weeks,
        "window_start_week": d.warmup_weeks,
        "passes": d.passes(),
        "suggested_warmup_days": d.suggested_warmup_days(),
        "series": series,
    })
}

/// `run.json`: provenance and run facts, as written.
pub fn run_json(result: &ExperimentResult, loaded: &LoadedScenario, options: RunOptions, facts: &RunFacts) -> String {
    json_text(&run_json_value(result, loaded, options, facts))
}

/// `run.json` text of a value: pretty, with a final newline.
pub fn json_text(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default() + "\n"
}

/// `run.json`'s `scenario`: what was run, and where it came from.
pub fn scenario_json(loaded: &LoadedScenario) -> serde_json::Value {
    serde_json::json!({
        "name": loaded.name(),
        "description": loaded.base.description,
        "file": loaded.file,
        "sha256": loaded.sha256,
    })
}

/// `run.json`'s `arms`: name, description and how each starts (launched
/// from the counterfactual's warm state, or its own warm-up and why).
pub fn arms_json(loaded: &LoadedScenario) -> Vec<serde_json::Value> {
    loaded
        .arms
        .iter()
        .zip(crate::experiment::arm_starts(loaded))
        .map(|(a, blocker)| {
            let start = match blocker {
                None => "launched from the counterfactual's warm state".to_string(),
                Some(section) => format!("own warm-up (changes {section})"),
            };
            serde_json::json!({ "name": a.name, "description": a.description, "start": start })
        })
        .collect()
}

/// `run.json`'s content: provenance and run facts.
pub fn run_json_value(result: &ExperimentResult, loaded: &LoadedScenario, options: RunOptions, facts: &RunFacts) -> serde_json::Value {
    let arms = arms_json(loaded);
    let t = &loaded.base.time;
    let mut value = serde_json::json!({
        "schema_version": SCHEMA_VERSION,
        "version": env!("CARGO_PKG_VERSION"),
        "scenario": scenario_json(loaded),
        "seed": options.seed,
        "replications": result.replications(),
        "threads": facts.threads,
        "warmup_days": t.warmup_days,
        "horizon_days": t.horizon_days,
        "warmup_diagnostic": warmup_json(facts.warmup),
        "start_date": t.start_date,
        "wall_seconds": facts.wall_seconds,
        "events": result.events,
        "events_per_second": if facts.wall_seconds > 0.0 { result.events as f64 / facts.wall_seconds } else { 0.0 },
        "arms": arms,
        "assumptions": super::assumptions::inherited_assumption_keys(facts.source),
        "conservation": {
            "episodes_created_after_warmup": result.conservation.created,
            "resolved": result.conservation.resolved,
            "unmet": result.conservation.unmet,
            "still_in_system": result.conservation.open,
        },
        "software": {
            "name": "signpost",
            "version": env!("CARGO_PKG_VERSION"),
            "os": std::env::consts::OS,
            "arch": std::env::consts::ARCH,
        },
    });
    if let (Some(p), Some(o)) = (facts.precision, value.as_object_mut()) {
        o.insert("precision".into(), precision_json(p));
    }
    value
}

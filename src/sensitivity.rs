//! One-at-a-time sensitivity: which assumptions move the headline result.
//!
//! A ranges file lists factors (a scenario key with a low and a high value
//! and why it is uncertain), the arm whose result is the headline, and the
//! metric. Every factor is set to its low and then its high value in the
//! base scenario (so the counterfactual and the arm both see it), the arm is
//! run against the counterfactual with the same seeds as the unchanged base,
//! and the change in the metric is paired replication by replication
//! against the base: common random numbers make the differences far less
//! noisy than the results themselves.

use crate::error::ScenarioError;
use crate::experiment::{run_experiment, ArmResult, Cancelled, ExperimentResult, RunOptions};
use crate::metric::Metric;
use crate::output::ResultFile;
use crate::report::charts::tornado::{Factor as TornadoFactor, Level as TornadoLevel, Tornado};
use crate::report::charts::{render_svg_png, ChartError};
use crate::scenario::load::{self, LoadedScenario};
use crate::stats::Summary;
use crate::text::{aligned, csv_field, num};
use serde::Deserialize;
use std::sync::atomic::AtomicBool;
use toml::Value;

/// The ranges used when none are given: the assumptions with no evidence
/// behind them (evidence.md section 3), for the default scenario.
pub const DEFAULT_RANGES_TOML: &str = include_str!("../scenarios/sensitivity/default_ranges.toml");

/// Label of the built-in ranges in messages.
pub const DEFAULT_RANGES_LABEL: &str = "<built-in sensitivity ranges>";

/// A ranges file, as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RangesSpec {
    /// The arm whose result is the headline (compared with the counterfactual).
    pub arm: String,
    /// The metric of that arm, e.g. `gp_appointments_saved_net`.
    pub metric: String,
    /// What to vary.
    pub factors: Vec<FactorSpec>,
}

/// One factor: a scenario key and the values bracketing it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactorSpec {
    /// Dotted key path, as in an arm's `set`.
    pub key: String,
    /// Low value.
    pub low: Value,
    /// High value.
    pub high: Value,
    /// Why it is uncertain (e.g. "evidence s3 item 1: ...").
    pub why: String,
}

/// Parses a ranges file; errors name the file, line and key.
pub fn parse_ranges(text: &str, label: &str) -> Result<RangesSpec, ScenarioError> {
    let table = load::parse_table(text, label)?;
    let spec: RangesSpec = load::deserialize(Value::Table(table), text, label)?;
    if spec.factors.is_empty() {
        return Err(ScenarioError::key(label, "factors", "list at least one factor"));
    }
    Ok(spec)
}

/// The scenario with one factor at one level, cut to the counterfactual and
/// the headline arm. Errors name the ranges file and the factor.
pub fn variant(
    text: &str,
    label: &str,
    spec: &RangesSpec,
    ranges_label: &str,
    override_: Option<(usize, &str, &Value)>,
) -> Result<LoadedScenario, ScenarioError> {
    let overrides: Vec<(String, Value)> = override_
        .map(|(i, _, v)| vec![(spec.factors[i].key.clone(), v.clone())])
        .unwrap_or_default();
    let loaded = load::load_with_overrides(text, label, &overrides).map_err(|e| match override_ {
        Some((i, level, _)) => ScenarioError::key(
            ranges_label,
            format!("factors[{i}].{level}"),
            format!("`{}` cannot be set to this value: {e}", spec.factors[i].key),
        ),
        None => e,
    })?;
    let Some(arm) = loaded.arms.iter().position(|a| a.name == spec.arm) else {
        let names: Vec<&str> = loaded.arms.iter().map(|a| a.name.as_str()).collect();
        return Err(ScenarioError::key(
            ranges_label,
            "arm",
            format!("no arm `{}` in {label}; its arms are: {}", spec.arm, names.join(", ")),
        ));
    };
    Ok(loaded.counterfactual_and(Some(arm)))
}

/// Every run of an analysis, loaded and checked before anything runs: the
/// base, then each factor at its low and its high value.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The ranges file, parsed.
    pub spec: RangesSpec,
    /// Its label in messages.
    pub ranges_label: String,
    /// The unchanged scenario, cut to the counterfactual and headline arm.
    pub base: LoadedScenario,
    /// Per factor, in the file's order: (low, high).
    pub variants: Vec<(LoadedScenario, LoadedScenario)>,
}

/// Why an analysis did not finish.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SensitivityError {
    /// The ranges file names a metric the runs do not produce. Bad input;
    /// found after the base run, and nothing is kept of it.
    #[error(transparent)]
    Ranges(#[from] ScenarioError),
    /// The cancel flag was set; `run` of `runs` was under way, and it had
    /// finished `cancelled.done` of its jobs. Nothing is kept.
    #[error("stopped after {} of {} runs", .cancelled.done, .cancelled.total)]
    Cancelled {
        /// The run under way (1-based).
        run: usize,
        /// Runs in the analysis.
        runs: usize,
        /// Where that run stopped.
        cancelled: Cancelled,
    },
}

/// Loads the scenario text with every factor at each of its values, and
/// checks each, before anything runs. Errors name the ranges file and the
/// factor, or the scenario.
pub fn plan(text: &str, label: &str, ranges_text: &str, ranges_label: &str) -> Result<Plan, ScenarioError> {
    let spec = parse_ranges(ranges_text, ranges_label)?;
    let base = variant(text, label, &spec, ranges_label, None)?;
    let mut variants = Vec::with_capacity(spec.factors.len());
    for (i, f) in spec.factors.iter().enumerate() {
        variants.push((
            variant(text, label, &spec, ranges_label, Some((i, "low", &f.low)))?,
            variant(text, label, &spec, ranges_label, Some((i, "high", &f.high)))?,
        ));
    }
    Ok(Plan {
        spec,
        ranges_label: ranges_label.to_string(),
        base,
        variants,
    })
}

impl Plan {
    /// Runs in the analysis: the base and two per factor.
    pub fn runs(&self) -> usize {
        1 + 2 * self.variants.len()
    }

    /// Runs the base and every variant on the current rayon pool, with the
    /// same seeds, and pairs each with the base. `starting(k, runs)` is
    /// called before run `k` (1-based); setting `cancel` stops within a few
    /// thousand events.
    pub fn run(&self, options: RunOptions, starting: &dyn Fn(usize, usize), cancel: &AtomicBool) -> Result<Sensitivity, SensitivityError> {
        let runs = self.runs();
        let run_one = |loaded: &LoadedScenario, k: usize| -> Result<Vec<f64>, SensitivityError> {
            starting(k, runs);
            let result = run_experiment(loaded, options, &|_, _| {}, cancel).map_err(|cancelled| SensitivityError::Cancelled {
                run: k,
                runs,
                cancelled,
            })?;
            Ok(metric_values(&result, &self.spec, &self.ranges_label)?)
        };
        let base_values = run_one(&self.base, 1)?;
        let mut levels = Vec::with_capacity(self.variants.len());
        for (i, ((low, high), f)) in self.variants.iter().zip(&self.spec.factors).enumerate() {
            let low_values = run_one(low, 2 + 2 * i)?;
            let high_values = run_one(high, 3 + 2 * i)?;
            levels.push((
                level_result(f.low.clone(), &low_values, &base_values),
                level_result(f.high.clone(), &high_values, &base_values),
            ));
        }
        Ok(assemble(self.base.name(), &self.spec, options.replications, &base_values, levels))
    }
}

/// What an analysis writes: `sensitivity.csv`, the ranges file as given
/// (`ranges.toml`), and with `charts` the tornado chart
/// (`tornado.svg`, `tornado.png`).
pub fn files(analysis: &Sensitivity, ranges_text: &str, charts: bool) -> Result<Vec<ResultFile>, ChartError> {
    let mut files = vec![
        ResultFile::new("sensitivity.csv", csv(analysis)),
        ResultFile::new("ranges.toml", ranges_text),
    ];
    if charts {
        let (svg, png) = render_svg_png(&tornado(analysis)).map_err(|e| e.context("drawing the tornado chart"))?;
        files.push(ResultFile::new("tornado.svg", svg));
        files.push(ResultFile::new("tornado.png", png));
    }
    Ok(files)
}

/// A mean with its 95% CI.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Mean over replications.
    pub mean: f64,
    /// 95% CI (`None` with one replication).
    pub ci: Option<(f64, f64)>,
}

impl Estimate {
    fn of(summary: &Summary) -> Option<Estimate> {
        Some(Estimate {
            mean: summary.mean()?,
            ci: summary.confidence_interval(0.95).map(|c| (c.low, c.high)),
        })
    }
}

/// One level of one factor: the metric and its paired change from base.
#[derive(Debug, Clone)]
pub struct LevelResult {
    /// The value the factor was set to.
    pub value: Value,
    /// The metric at this level.
    pub result: Option<Estimate>,
    /// Change from the base, paired by replication.
    pub change: Option<Estimate>,
}

/// One factor's results.
#[derive(Debug, Clone)]
pub struct FactorResult {
    /// The factor.
    pub spec: FactorSpec,
    /// At its low value.
    pub low: LevelResult,
    /// At its high value.
    pub high: LevelResult,
}

impl FactorResult {
    /// Distance between the low and high results (the bar's length).
    pub fn swing(&self) -> f64 {
        match (self.low.result, self.high.result) {
            (Some(l), Some(h)) => (h.mean - l.mean).abs(),
            _ => 0.0,
        }
    }
}

/// A whole sensitivity analysis.
#[derive(Debug, Clone)]
pub struct Sensitivity {
    /// Scenario name.
    pub scenario: String,
    /// Headline arm.
    pub arm: String,
    /// Headline metric.
    pub metric: String,
    /// Replications per run.
    pub replications: u64,
    /// The metric in the unchanged base.
    pub base: Option<Estimate>,
    /// Factors, largest swing first.
    pub factors: Vec<FactorResult>,
}

/// The headline arm of a run (the last of the two arms run).
fn headline(result: &ExperimentResult) -> &ArmResult {
    &result.arms[result.arms.len() - 1]
}

/// The metric's values per replication on the headline arm, or an error
/// naming the ranges file's `metric` key.
pub fn metric_values(result: &ExperimentResult, spec: &RangesSpec, ranges_label: &str) -> Result<Vec<f64>, ScenarioError> {
    let arm = headline(result);
    let Some(m) = arm.metric_index(&spec.metric) else {
        return Err(ScenarioError::key(
            ranges_label,
            "metric",
            format!("no metric `{}`; see summary.csv of a run for the names", spec.metric),
        ));
    };
    Ok(arm.values.iter().map(|row| row[m]).collect())
}

/// One level's result, paired with the base replication by replication.
pub fn level_result(value: Value, values: &[f64], base: &[f64]) -> LevelResult {
    let result = Summary::of(values.iter().copied().filter(|v| v.is_finite()));
    let change = Summary::of(values.iter().zip(base).map(|(v, b)| v - b).filter(|d| d.is_finite()));
    LevelResult {
        value,
        result: Estimate::of(&result),
        change: Estimate::of(&change),
    }
}

/// Packs the results, largest swing first (ties keep the file's order).
pub fn assemble(
    scenario: &str,
    spec: &RangesSpec,
    replications: u64,
    base: &[f64],
    levels: Vec<(LevelResult, LevelResult)>,
) -> Sensitivity {
    let mut factors: Vec<FactorResult> = spec
        .factors
        .iter()
        .zip(levels)
        .map(|(f, (low, high))| FactorResult {
            spec: f.clone(),
            low,
            high,
        })
        .collect();
    factors.sort_by(|a, b| b.swing().total_cmp(&a.swing()));
    Sensitivity {
        scenario: scenario.to_string(),
        arm: spec.arm.clone(),
        metric: spec.metric.clone(),
        replications,
        base: Estimate::of(&Summary::of(base.iter().copied().filter(|v| v.is_finite()))),
        factors,
    }
}

/// A readable name for a metric, for chart axes: its registry label.
pub fn metric_label(metric: &str) -> String {
    match Metric::from_name(metric) {
        Some(m) => m.def().label.to_string(),
        None => format!("`{metric}`"),
    }
}

/// The analysis as the tornado chart draws it.
pub fn tornado(s: &Sensitivity) -> Tornado {
    let level = |l: &LevelResult| TornadoLevel {
        value: value_text(&l.value),
        change: l.change.map(|c| c.mean),
        ci: l.change.and_then(|c| c.ci),
    };
    Tornado {
        scenario: s.scenario.clone(),
        arm: s.arm.clone(),
        replications: s.replications,
        base: s.base.map(|b| b.mean),
        metric_label: metric_label(&s.metric),
        factors: s
            .factors
            .iter()
            .map(|f| TornadoFactor {
                key: f.spec.key.clone(),
                low: level(&f.low),
                high: level(&f.high),
            })
            .collect(),
    }
}

/// A TOML value as people write it (`0.6`, `true`, `"enhanced"`).
pub fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn signed(e: Option<Estimate>) -> String {
    match e {
        Some(Estimate { mean, ci: Some((l, h)) }) => format!("{mean:+.0} ({l:+.0} to {h:+.0})"),
        Some(Estimate { mean, ci: None }) => format!("{mean:+.0}"),
        None => "–".into(),
    }
}

/// The table for people: factors by swing, with the change at each end.
pub fn table(s: &Sensitivity) -> String {
    let mut out = format!(
        "One-at-a-time sensitivity of `{}` on arm `{}` ({} replications per run; changes paired with the base by replication, 95% CI).\n",
        s.metric, s.arm, s.replications
    );
    if let Some(b) = s.base {
        out.push_str(&format!("Base: {:.0}\n", b.mean));
    }
    let mut rows = vec![vec![
        "factor".to_string(),
        "low".into(),
        "change at low".into(),
        "high".into(),
        "change at high".into(),
        "swing".into(),
    ]];
    for f in &s.factors {
        rows.push(vec![
            f.spec.key.clone(),
            value_text(&f.low.value),
            signed(f.low.change),
            value_text(&f.high.value),
            signed(f.high.change),
            format!("{:.0}", f.swing()),
        ]);
    }
    out.push_str(&aligned(&rows));
    out
}

/// `sensitivity.csv`: one row per factor and level.
pub fn csv(s: &Sensitivity) -> String {
    let mut out =
        String::from("factor,why,level,value,arm,metric,mean,ci_low,ci_high,change_mean,change_ci_low,change_ci_high,base_mean\n");
    let base = s.base.map(|b| num(b.mean)).unwrap_or_default();
    let ci = |e: Option<Estimate>| -> [String; 3] {
        match e {
            Some(e) => [
                num(e.mean),
                e.ci.map(|c| num(c.0)).unwrap_or_default(),
                e.ci.map(|c| num(c.1)).unwrap_or_default(),
            ],
            None => Default::default(),
        }
    };
    for f in &s.factors {
        for (level, r) in [("low", &f.low), ("high", &f.high)] {
            let mut fields = vec![
                csv_field(&f.spec.key),
                csv_field(&f.spec.why),
                level.to_string(),
                csv_field(&value_text(&r.value)),
                csv_field(&s.arm),
                csv_field(&s.metric),
            ];
            fields.extend(ci(r.result));
            fields.extend(ci(r.change));
            fields.push(base.clone());
            out.push_str(&fields.join(","));
            out.push('\n');
        }
    }
    out
}

//! Reading a results directory written by `signpost run` back in (the output
//! contract, DESIGN.md section 3), for charts and the HTML report.
//!
//! Reading is tolerant where the contract allows it: empty cells mean "not
//! defined", non-finite numbers are treated the same way, optional `run.json`
//! fields may be missing, and `comparison.csv` / `timeseries.csv` /
//! `scenario.toml` may be absent (the charts that need them say so). It is
//! strict where a silent guess would mislead: a missing or malformed
//! `summary.csv`, an unparseable number, or zero replications is an error
//! that names the file and line.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use super::ReadError;

mod read;
use super::finite;
use read::{read_csv, read_optional};

/// Reading results: a [`ReadError`] names the file and line.
pub type Result<T> = std::result::Result<T, ReadError>;

/// A [`ReadError`] from a message.
fn fail(message: impl Into<String>) -> ReadError {
    ReadError(message.into())
}

/// The name of the arm every other arm is compared with.
pub const COUNTERFACTUAL: &str = "counterfactual";

/// One row of `summary.csv`: a metric's mean over replications with its 95%
/// confidence interval. `None` means "not defined" (an empty cell).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Stat {
    /// Mean over replications.
    pub mean: Option<f64>,
    /// Standard deviation over replications.
    pub sd: Option<f64>,
    /// Lower end of the 95% confidence interval of the mean.
    pub ci_low: Option<f64>,
    /// Upper end of the 95% confidence interval of the mean.
    pub ci_high: Option<f64>,
    /// Replications the metric was defined in.
    pub n: u64,
}

impl Stat {
    /// The confidence interval, when both ends are defined.
    pub fn ci(&self) -> Option<(f64, f64)> {
        Some((self.ci_low?, self.ci_high?))
    }
}

/// One row of `comparison.csv`: arm minus counterfactual, paired by
/// replication.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Diff {
    /// Mean paired difference.
    pub mean: Option<f64>,
    /// Lower end of its 95% confidence interval.
    pub ci_low: Option<f64>,
    /// Upper end of its 95% confidence interval.
    pub ci_high: Option<f64>,
    /// Pairs the difference was defined in.
    pub n: u64,
}

/// One week of one `timeseries.csv` series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeekPoint {
    /// 1-based week after the warm-up.
    pub week: u32,
    /// Mean over replications.
    pub mean: Option<f64>,
    /// 5th percentile over replications.
    pub p05: Option<f64>,
    /// 95th percentile over replications.
    pub p95: Option<f64>,
}

/// An arm as listed in `run.json`.
#[derive(Debug, Clone, PartialEq)]
pub struct ArmInfo {
    /// Arm name (`counterfactual` first).
    pub name: String,
    /// What the arm changes, when recorded.
    pub description: Option<String>,
}

/// Provenance from `run.json`. Every field is optional: a missing one is
/// shown as "not recorded".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunInfo {
    /// Output schema version.
    pub schema_version: Option<u64>,
    /// signpost version that wrote the results.
    pub version: Option<String>,
    /// Scenario name.
    pub scenario_name: Option<String>,
    /// SHA-256 of the resolved scenario.
    pub scenario_sha256: Option<String>,
    /// Scenario description.
    pub scenario_description: Option<String>,
    /// Master seed, as written (seeds can exceed f64 precision).
    pub seed: Option<String>,
    /// Replications per arm.
    pub replications: Option<u64>,
    /// Worker threads.
    pub threads: Option<u64>,
    /// Warm-up excluded from statistics \[days\].
    pub warmup_days: Option<f64>,
    /// Statistics period after the warm-up \[days\].
    pub horizon_days: Option<f64>,
    /// Wall-clock run time \[s\].
    pub wall_seconds: Option<f64>,
    /// Events simulated, all arms and replications.
    pub events: Option<f64>,
    /// Simulation speed \[events/s\].
    pub events_per_second: Option<f64>,
    /// Arms in display order.
    pub arms: Vec<ArmInfo>,
    /// Flagged assumptions (scenario keys), when recorded.
    pub assumptions: Option<Vec<String>>,
    /// Software versions (`rustc`, `os`, ...), as key/value pairs.
    pub software: Vec<(String, String)>,
}

impl RunInfo {
    /// Parses `run.json` text tolerantly: wrong-typed or missing fields
    /// become `None`; only text that is not JSON at all is an error.
    pub fn parse(text: &str) -> Result<RunInfo> {
        let v: serde_json::Value = serde_json::from_str(text).map_err(|e| fail(format!("run.json is not valid JSON: {e}")))?;
        Ok(RunInfo::from_value(&v))
    }

    /// Reads `run.json` as a JSON value (written by the run in memory, or
    /// parsed from the file): wrong-typed or missing fields become `None`.
    pub fn from_value(v: &serde_json::Value) -> RunInfo {
        let s = |v: &serde_json::Value| v.as_str().map(str::to_owned);
        let scenario = &v["scenario"];
        let arms = v["arms"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|arm| match arm {
                        serde_json::Value::String(name) => Some(ArmInfo {
                            name: name.clone(),
                            description: None,
                        }),
                        other => Some(ArmInfo {
                            name: other["name"].as_str()?.to_owned(),
                            description: s(&other["description"]),
                        }),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let software = v["software"]
            .as_object()
            .map(|o| {
                o.iter()
                    .map(|(k, v)| {
                        let text = v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string());
                        (k.clone(), text)
                    })
                    .collect()
            })
            .unwrap_or_default();
        RunInfo {
            schema_version: v["schema_version"].as_u64(),
            version: s(&v["version"]),
            scenario_name: s(&scenario["name"]).or_else(|| s(&v["scenario_name"])),
            scenario_sha256: s(&scenario["sha256"]).or_else(|| s(&v["scenario_sha256"])),
            scenario_description: s(&scenario["description"]),
            seed: match &v["seed"] {
                serde_json::Value::Number(n) => Some(n.to_string()),
                serde_json::Value::String(t) => Some(t.clone()),
                _ => None,
            },
            replications: v["replications"].as_u64(),
            threads: v["threads"].as_u64(),
            warmup_days: finite(v["warmup_days"].as_f64()),
            horizon_days: finite(v["horizon_days"].as_f64()),
            wall_seconds: finite(v["wall_seconds"].as_f64()),
            events: finite(v["events"].as_f64()),
            events_per_second: finite(v["events_per_second"].as_f64()),
            arms,
            assumptions: v["assumptions"].as_array().map(|a| {
                a.iter()
                    .map(|x| x.as_str().map(str::to_owned).unwrap_or_else(|| x.to_string()))
                    .collect()
            }),
            software,
        }
    }
}

/// A results directory read back in.
#[derive(Debug, Clone, Default)]
pub struct Results {
    /// The directory read (empty for results made in memory from a run).
    pub dir: PathBuf,
    /// Provenance from `run.json` (defaults when the file is absent).
    pub run: RunInfo,
    /// Whether `run.json` was found.
    pub run_json_found: bool,
    /// Arm names in display order, `counterfactual` first.
    pub arms: Vec<String>,
    /// `summary.csv` keyed by (arm, metric).
    pub summary: HashMap<(String, String), Stat>,
    /// Metric names in `summary.csv` order of first appearance.
    pub metrics: Vec<String>,
    /// `comparison.csv` keyed by (arm, metric).
    pub comparison: HashMap<(String, String), Diff>,
    /// `timeseries.csv` keyed by (arm, metric), sorted by week.
    pub timeseries: BTreeMap<(String, String), Vec<WeekPoint>>,
    /// `scenario.toml` verbatim, when present.
    pub scenario_text: Option<String>,
    /// `equity.csv` verbatim, when the run had population groups.
    pub equity_csv: Option<String>,
    /// `groups.csv` verbatim, when the run had population groups or practices.
    pub groups_csv: Option<String>,
    /// Files of the contract that were not found (for the report to say so).
    pub missing: Vec<String>,
}

/// What a result holds before it is put in display order: read from a
/// directory's files, or taken from a run in memory. `None` is a file that
/// was not found.
#[derive(Debug, Clone, Default)]
pub struct Parts {
    /// `run.json`.
    pub run: Option<RunInfo>,
    /// `summary.csv` rows in file order.
    pub summary: Vec<((String, String), Stat)>,
    /// `comparison.csv` rows in file order.
    pub comparison: Option<Vec<((String, String), Diff)>>,
    /// `timeseries.csv` rows in file order.
    pub timeseries: Option<Vec<((String, String), WeekPoint)>>,
    /// `scenario.toml`.
    pub scenario_text: Option<String>,
    /// `equity.csv` (only with population groups).
    pub equity_csv: Option<String>,
    /// `groups.csv` (only with population groups or practices).
    pub groups_csv: Option<String>,
}

impl Results {
    /// Reads `summary.csv` (required), `run.json`, `comparison.csv`,
    /// `timeseries.csv` and `scenario.toml` from `dir`.
    ///
    /// Fails with a message naming the file (and line) when the directory or
    /// `summary.csv` is missing, a CSV is malformed, there are no arms, or
    /// there were zero replications.
    pub fn load(dir: &Path) -> Result<Results> {
        if !dir.is_dir() {
            return Err(fail(format!(
                "{}: not a directory (expected the output directory of `signpost run`)",
                dir.display()
            )));
        }
        let mut parts = Parts::default();
        let run_path = dir.join("run.json");
        if let Some(text) = read_optional(&run_path)? {
            parts.run = Some(RunInfo::parse(&text).map_err(|e| e.context(run_path.display()))?);
        }

        let summary_path = dir.join("summary.csv");
        if !summary_path.is_file() {
            return Err(fail(format!(
                "{}: not found (is {} the output directory of `signpost run`?)",
                summary_path.display(),
                dir.display()
            )));
        }
        read_csv(&summary_path, &["arm", "metric", "mean", "sd", "ci_low", "ci_high", "n"], |r| {
            let stat = Stat {
                mean: r.num(2)?,
                sd: r.num(3)?,
                ci_low: r.num(4)?,
                ci_high: r.num(5)?,
                n: r.count(6)?,
            };
            parts.summary.push((r.key(0, 1), stat));
            Ok(())
        })?;

        let comparison_path = dir.join("comparison.csv");
        if comparison_path.is_file() {
            let mut rows = Vec::new();
            read_csv(
                &comparison_path,
                &["arm", "metric", "diff_mean", "diff_ci_low", "diff_ci_high", "n"],
                |r| {
                    let diff = Diff {
                        mean: r.num(2)?,
                        ci_low: r.num(3)?,
                        ci_high: r.num(4)?,
                        n: r.count(5)?,
                    };
                    rows.push((r.key(0, 1), diff));
                    Ok(())
                },
            )?;
            parts.comparison = Some(rows);
        }

        let ts_path = dir.join("timeseries.csv");
        if ts_path.is_file() {
            let mut rows = Vec::new();
            read_csv(&ts_path, &["arm", "week", "metric", "mean", "p05", "p95"], |r| {
                let week = r.count(1)?;
                let point = WeekPoint {
                    week: u32::try_from(week).map_err(|_| fail(format!("week {week} is out of range")))?,
                    mean: r.num(3)?,
                    p05: r.num(4)?,
                    p95: r.num(5)?,
                };
                rows.push((r.key(0, 2), point));
                Ok(())
            })?;
            parts.timeseries = Some(rows);
        }

        parts.scenario_text = read_optional(&dir.join("scenario.toml"))?;
        parts.equity_csv = read_optional(&dir.join("equity.csv"))?;
        parts.groups_csv = read_optional(&dir.join("groups.csv"))?;
        Results::assemble(dir, parts)
    }

    /// Puts the parts of a result in display order: `run.json`'s arm list,
    /// then any arm only `summary.csv` knows; the counterfactual always
    /// first. `dir` names the result in messages. Fails when there are no
    /// arms or zero replications.
    pub fn assemble(dir: &Path, parts: Parts) -> Result<Results> {
        let mut res = Results {
            dir: dir.to_path_buf(),
            run_json_found: parts.run.is_some(),
            run: parts.run.unwrap_or_default(),
            scenario_text: parts.scenario_text,
            equity_csv: parts.equity_csv,
            groups_csv: parts.groups_csv,
            ..Results::default()
        };
        for (found, file) in [
            (res.run_json_found, "run.json"),
            (parts.comparison.is_some(), "comparison.csv"),
            (parts.timeseries.is_some(), "timeseries.csv"),
            (res.scenario_text.is_some(), "scenario.toml"),
        ] {
            if !found {
                res.missing.push(file.into());
            }
        }
        let mut summary_arms = Vec::new();
        for (key, stat) in parts.summary {
            if !summary_arms.contains(&key.0) {
                summary_arms.push(key.0.clone());
            }
            if !res.metrics.contains(&key.1) {
                res.metrics.push(key.1.clone());
            }
            res.summary.insert(key, stat);
        }
        res.comparison = parts.comparison.unwrap_or_default().into_iter().collect();
        for (key, point) in parts.timeseries.unwrap_or_default() {
            res.timeseries.entry(key).or_default().push(point);
        }
        for series in res.timeseries.values_mut() {
            series.sort_by_key(|p| p.week);
        }

        let mut arms: Vec<String> = res.run.arms.iter().map(|a| a.name.clone()).collect();
        for arm in summary_arms {
            if !arms.contains(&arm) {
                arms.push(arm);
            }
        }
        if let Some(i) = arms.iter().position(|a| a == COUNTERFACTUAL) {
            let cf = arms.remove(i);
            arms.insert(0, cf);
        }
        if arms.is_empty() {
            return Err(fail(format!(
                "{}: no arms (the file has no data rows)",
                dir.join("summary.csv").display()
            )));
        }
        res.arms = arms;

        if res.replications() == 0 {
            return Err(fail(format!(
                "{}: zero replications, so there is nothing to chart (run with --reps 1 or more)",
                dir.display()
            )));
        }
        Ok(res)
    }

    /// Replications per arm: from `run.json`, else the largest `n` in
    /// `summary.csv`.
    pub fn replications(&self) -> u64 {
        self.run
            .replications
            .unwrap_or_else(|| self.summary.values().map(|s| s.n).max().unwrap_or(0))
    }

    /// The scenario name, or "not recorded".
    pub fn scenario_name(&self) -> &str {
        self.run.scenario_name.as_deref().unwrap_or("not recorded")
    }

    /// A summary row.
    pub fn stat(&self, arm: &str, metric: &str) -> Option<&Stat> {
        self.summary.get(&(arm.to_owned(), metric.to_owned()))
    }

    /// A summary mean, `None` when absent or not defined.
    pub fn mean(&self, arm: &str, metric: &str) -> Option<f64> {
        self.stat(arm, metric).and_then(|s| s.mean)
    }

    /// A comparison row.
    pub fn diff(&self, arm: &str, metric: &str) -> Option<&Diff> {
        self.comparison.get(&(arm.to_owned(), metric.to_owned()))
    }

    /// A weekly series, sorted by week.
    pub fn series(&self, arm: &str, metric: &str) -> Option<&[WeekPoint]> {
        self.timeseries.get(&(arm.to_owned(), metric.to_owned())).map(Vec::as_slice)
    }

    /// The arms other than the counterfactual, in display order.
    pub fn policy_arms(&self) -> impl Iterator<Item = &str> {
        self.arms.iter().map(String::as_str).filter(|a| *a != COUNTERFACTUAL)
    }

    /// The description of an arm from `run.json`.
    pub fn arm_description(&self, arm: &str) -> Option<&str> {
        self.run.arms.iter().find(|a| a.name == arm).and_then(|a| a.description.as_deref())
    }

    /// Names after `prefix` among summary metrics (e.g. the VCSE services
    /// behind `vcse_occupancy_mean.<service>`), in order of appearance.
    pub fn metric_suffixes(&self, prefix: &str) -> Vec<String> {
        self.metrics
            .iter()
            .filter_map(|m| m.strip_prefix(prefix))
            .map(str::to_owned)
            .collect()
    }

    /// Multiplier from the statistics period to one year (365 days), when
    /// the period is recorded and positive.
    pub fn year_factor(&self) -> Option<f64> {
        self.run.horizon_days.filter(|d| *d > 0.0).map(|d| 365.0 / d)
    }

    /// Flagged assumptions: `run.json`'s list, else keys of scenario lines
    /// whose comment says `ASSUMPTION`.
    pub fn assumptions(&self) -> Vec<String> {
        if let Some(list) = &self.run.assumptions {
            return list.clone();
        }
        self.scenario_text
            .as_deref()
            .map(super::assumptions::scan_assumptions)
            .unwrap_or_default()
    }

    /// A number from the resolved scenario by dotted key, e.g.
    /// `costs.gp_appointment`.
    pub fn scenario_number(&self, key: &str) -> Option<f64> {
        let value: toml::Value = toml::from_str(self.scenario_text.as_deref()?).ok()?;
        let mut v = &value;
        for part in key.split('.') {
            v = v.get(part)?;
        }
        v.as_float()
            .or_else(|| v.as_integer().map(|i| i as f64))
            .and_then(|x| finite(Some(x)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_json_missing_fields_are_none() {
        let r = RunInfo::parse(r#"{"scenario":{"name":"x"},"arms":["counterfactual","a"]}"#).unwrap();
        assert_eq!(r.scenario_name.as_deref(), Some("x"));
        assert_eq!(r.arms.len(), 2);
        assert_eq!(r.replications, None);
        assert_eq!(r.horizon_days, None);
        assert!(r.assumptions.is_none());
    }

    #[test]
    fn run_json_wrong_types_are_tolerated() {
        let r = RunInfo::parse(r#"{"seed":"abc","replications":"ten","arms":{"a":1}}"#).unwrap();
        assert_eq!(r.seed.as_deref(), Some("abc"));
        assert_eq!(r.replications, None);
        assert!(r.arms.is_empty());
        assert!(RunInfo::parse("not json").is_err());
    }
}

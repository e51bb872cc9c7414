//! What a pathway run writes, made in memory: the files of the output
//! contract (DESIGN.md section 3), and the charts and `report.html` built
//! from the same results — not from the CSVs read back, so a front end
//! without a file system gets the same report. [`html::write_report`] rebuilds it from a directory's files;
//! both give the same bytes.

use super::charts::ChartError;
use super::finite;
use super::html;
use super::results::{Diff, Parts, Results, RunInfo, Stat, WeekPoint};
use super::tables::{self, RunFacts};
use super::ReportError;
use crate::experiment::{ExperimentResult, RunOptions};
use crate::output::ResultFile;
use crate::scenario::load::LoadedScenario;
use crate::stats::Summary;
use std::path::Path;

/// The files of a run, in the order they are written. With `charts`, also
/// `charts/NN_name.{svg,png}` and `report.html`. `journeys.csv` is not
/// among them: traced steps are not kept in the result but streamed, as
/// replications finish, by a [`crate::experiment::ReplicationSink`]
/// through [`tables::journey_rows`].
pub fn run_files(
    result: &ExperimentResult,
    loaded: &LoadedScenario,
    options: RunOptions,
    facts: &RunFacts,
    charts: bool,
) -> Result<Vec<ResultFile>, ReportError> {
    let run_json = tables::run_json_value(result, loaded, options, facts);
    let scenario_toml = loaded.resolved_toml();
    let mut files = vec![
        ResultFile::new("summary.csv", tables::summary_csv(result)),
        ResultFile::new("comparison.csv", tables::comparison_csv(result)),
        ResultFile::new("replications.csv", tables::replications_csv(result)),
        ResultFile::new("timeseries.csv", tables::timeseries_csv(result)),
        ResultFile::new("run.json", tables::json_text(&run_json)),
        ResultFile::new("scenario.toml", scenario_toml.clone()),
    ];
    files.extend(super::groups::group_files(result));
    if charts {
        let res = in_memory(result, &run_json, scenario_toml)?;
        files.extend(html::report_files(&res).map_err(|e: ChartError| e.context("drawing charts and report.html"))?);
    }
    Ok(files)
}

/// A statistic as `summary.csv` holds it: non-finite values are undefined.
fn stat(s: &Summary) -> Stat {
    let ci = s.confidence_interval(0.95);
    Stat {
        mean: finite(s.mean()),
        sd: finite(s.sd()),
        ci_low: finite(ci.map(|c| c.low)),
        ci_high: finite(ci.map(|c| c.high)),
        n: s.count(),
    }
}

/// The results of a run as the report reads them, without the files.
fn in_memory(result: &ExperimentResult, run_json: &serde_json::Value, scenario_toml: String) -> Result<Results, ReportError> {
    let key = |arm: &str, metric: &str| (arm.to_owned(), metric.to_owned());
    let summary = tables::summaries(result).map(|(a, m, s)| (key(a, m), stat(&s))).collect();
    let comparison = tables::comparisons(result)
        .map(|(a, m, d)| {
            let s = stat(&d);
            let diff = Diff {
                mean: s.mean,
                ci_low: s.ci_low,
                ci_high: s.ci_high,
                n: s.n,
            };
            (key(a, m), diff)
        })
        .collect();
    let timeseries = tables::weeks(result)
        .into_iter()
        .map(|w| {
            let point = WeekPoint {
                week: u32::try_from(w.week).unwrap_or(u32::MAX),
                mean: finite(Some(w.mean)),
                p05: finite(Some(w.p05)),
                p95: finite(Some(w.p95)),
            };
            (key(w.arm, w.series), point)
        })
        .collect();
    let parts = Parts {
        run: Some(RunInfo::from_value(run_json)),
        summary,
        comparison: Some(comparison),
        timeseries: Some(timeseries),
        scenario_text: Some(scenario_toml),
        equity_csv: super::groups::equity_text(result),
        groups_csv: super::groups::has_groups(result).then(|| super::groups::groups_csv(result)),
    };
    Ok(Results::assemble(Path::new(""), parts)?)
}

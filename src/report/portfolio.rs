//! What a portfolio run writes: each PCN's files of the output contract
//! under `pcns/NAME/`, the ICB roll-up under `icb/` (the same CSV
//! columns), `pcns.csv` (one row per PCN and policy arm, and the ICB's),
//! `portfolio.json` (provenance), two charts and `report.html`.

use super::charts::portfolio_charts::{self, PortfolioChartData};
use super::files::run_files;
use super::html::portfolio::portfolio_page;
use super::tables::{self, RunFacts};
use super::ReportError;
use crate::experiment::warmup::WarmupDiagnostic;
use crate::experiment::{ExperimentResult, RunOptions};
use crate::metric::Metric;
use crate::output::ResultFile;
use crate::portfolio::{Portfolio, PortfolioResult};
use crate::text::{csv_field, num};
use std::fmt::Write as _;

/// The NHS England aim for active signposting: release about 5% of GP
/// consultations (GP Forward View, "Training for reception and clerical
/// staff"; `../shared/evidence.md`). A policy aim, drawn for comparison.
pub const NHS_AIM_SHARE: f64 = 0.05;

/// A mean and its 95% confidence interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Mean over replications.
    pub mean: f64,
    /// 95% confidence interval (Student t over replications).
    pub ci: Option<(f64, f64)>,
}

impl Estimate {
    fn scaled(self, k: f64) -> Estimate {
        Estimate {
            mean: self.mean * k,
            ci: self.ci.map(|(l, h)| (l * k, h * k)),
        }
    }
}

/// One policy arm in one PCN (or the ICB), against the counterfactual.
#[derive(Debug, Clone, PartialEq)]
pub struct ArmFigures {
    /// Arm name.
    pub arm: String,
    /// Net GP appointments freed over the window \[appointments\].
    pub freed: Estimate,
    /// Net GP appointments freed per 1,000 registered patients per year.
    pub freed_per_1000_year: Estimate,
    /// Share of the counterfactual's GP appointments freed \[fraction\].
    pub share_freed: Estimate,
}

/// One PCN (or the ICB) and its policy arms.
#[derive(Debug, Clone, PartialEq)]
pub struct PcnFigures {
    /// PCN (scenario) name, or the portfolio's for the ICB.
    pub name: String,
    /// Description.
    pub description: String,
    /// Registered patients.
    pub list_size: u64,
    /// Seed its replications ran with (`None` for the ICB).
    pub seed: Option<u64>,
    /// Policy arms, in scenario order.
    pub arms: Vec<ArmFigures>,
}

fn estimate(result: &ExperimentResult, arm: usize, metric: Metric) -> Estimate {
    let a = &result.arms[arm];
    let s = a.metric_index(metric.name()).map(|i| a.summary(i));
    Estimate {
        mean: s.as_ref().and_then(|s| s.mean()).unwrap_or(f64::NAN),
        ci: s.and_then(|s| s.confidence_interval(0.95)).map(|c| (c.low, c.high)),
    }
}

/// The headline figures of a result: every policy arm's appointments freed.
pub fn figures(
    name: &str,
    description: &str,
    list_size: u64,
    seed: Option<u64>,
    result: &ExperimentResult,
    horizon_days: f64,
) -> PcnFigures {
    let per_1000_year = 1000.0 / list_size.max(1) as f64 * 365.25 / horizon_days.max(1.0);
    let arms = (1..result.arms.len())
        .map(|a| {
            let freed = estimate(result, a, Metric::GpAppointmentsSavedNet);
            ArmFigures {
                arm: result.arms[a].name.clone(),
                freed,
                freed_per_1000_year: freed.scaled(per_1000_year),
                share_freed: estimate(result, a, Metric::GpShareFreed),
            }
        })
        .collect();
    PcnFigures {
        name: name.to_string(),
        description: description.to_string(),
        list_size,
        seed,
        arms,
    }
}

/// Every PCN's figures, then the ICB's.
pub fn portfolio_figures(portfolio: &Portfolio, result: &PortfolioResult) -> (Vec<PcnFigures>, PcnFigures) {
    let horizon = portfolio.horizon_days();
    let pcns = portfolio
        .pcns
        .iter()
        .zip(&result.pcns)
        .map(|(p, r)| figures(p.name(), &p.loaded.base.description, p.list_size(), Some(p.seed), r, horizon))
        .collect();
    let spec = &portfolio.spec;
    let icb = figures(&spec.name, &spec.description, portfolio.list_size(), None, &result.icb, horizon);
    (pcns, icb)
}

/// `pcns.csv`: a row per PCN and policy arm, then the ICB's rows
/// (`level` is `pcn` or `icb`; `seed` is empty for the ICB).
pub fn pcns_csv(pcns: &[PcnFigures], icb: &PcnFigures) -> String {
    let mut out = String::from(
        "level,pcn,list_size,seed,arm,gp_appointments_saved_net_mean,gp_appointments_saved_net_ci_low,gp_appointments_saved_net_ci_high,\
         freed_per_1000_patients_year_mean,freed_per_1000_patients_year_ci_low,freed_per_1000_patients_year_ci_high,\
         gp_share_freed_mean,gp_share_freed_ci_low,gp_share_freed_ci_high\n",
    );
    let rows = pcns.iter().map(|p| ("pcn", p)).chain([("icb", icb)]);
    for (level, p) in rows {
        for a in &p.arms {
            let _ = write!(
                out,
                "{level},{},{},{},{}",
                csv_field(&p.name),
                p.list_size,
                p.seed.map(|s| s.to_string()).unwrap_or_default(),
                csv_field(&a.arm)
            );
            for e in [a.freed, a.freed_per_1000_year, a.share_freed] {
                let (lo, hi) = e.ci.unwrap_or((f64::NAN, f64::NAN));
                let _ = write!(out, ",{},{},{}", num(e.mean), num(lo), num(hi));
            }
            out.push('\n');
        }
    }
    out
}

/// How the run went, for `portfolio.json`.
#[derive(Debug, Clone, Copy)]
pub struct PortfolioFacts {
    /// Threads used.
    pub threads: usize,
    /// Wall time \[s\].
    pub wall_seconds: f64,
    /// Replications per PCN and arm.
    pub replications: u64,
}

fn portfolio_json(portfolio: &Portfolio, result: &PortfolioResult, facts: &PortfolioFacts) -> serde_json::Value {
    let spec = &portfolio.spec;
    let pcns: Vec<serde_json::Value> = portfolio
        .pcns
        .iter()
        .map(|p| {
            serde_json::json!({
                "name": p.name(),
                "file": p.loaded.file,
                "sha256": p.loaded.sha256,
                "seed": p.seed,
                "list_size": p.list_size(),
            })
        })
        .collect();
    serde_json::json!({
        "schema_version": crate::output::contract::SCHEMA_VERSION,
        "version": env!("CARGO_PKG_VERSION"),
        "portfolio": { "name": spec.name, "description": spec.description, "file": spec.file, "sha256": spec.sha256 },
        "seed": spec.seed,
        "seeds": "each PCN's seed is derived from the portfolio's seed and the PCN's name; `signpost run PCN_FILE --seed SEED` repeats a PCN alone",
        "replications": facts.replications,
        "threads": facts.threads,
        "wall_seconds": facts.wall_seconds,
        "events": result.icb.events,
        "list_size": portfolio.list_size(),
        "horizon_days": portfolio.horizon_days(),
        "arms": tables::arms_json(&portfolio.pcns[0].loaded),
        "pcns": pcns,
        "icb_rollup": "per replication: counts, people, money, FTE and hours added over PCNs; means, percentiles and shares weighted by registered patients; gp_share_freed and cost_per_gp_appointment_freed recomputed from the added totals; intervals over replications of these sums, paired with the counterfactual",
        "nhs_aim_share": NHS_AIM_SHARE,
        "warmup_diagnostic": "per PCN, in pcns/NAME/run.json",
    })
}

/// Every file of a portfolio run, in the order written. With `charts`,
/// also the two charts and `report.html`.
///
/// `warmups[i]`, when given, is PCN `i`'s warm-up diagnostic, written to
/// its `run.json` as a single run's is.
pub fn portfolio_files(
    portfolio: &Portfolio,
    result: &PortfolioResult,
    facts: &PortfolioFacts,
    warmups: &[WarmupDiagnostic],
    charts: bool,
) -> Result<Vec<ResultFile>, ReportError> {
    let mut files = Vec::new();
    for (i, (pcn, r)) in portfolio.pcns.iter().zip(&result.pcns).enumerate() {
        let options = RunOptions {
            replications: facts.replications,
            seed: pcn.seed,
            journeys: 0,
        };
        let run_facts = RunFacts {
            threads: facts.threads,
            wall_seconds: facts.wall_seconds,
            source: &pcn.source,
            warmup: warmups.get(i),
            precision: None,
        };
        for f in run_files(r, &pcn.loaded, options, &run_facts, false)? {
            files.push(ResultFile::new(format!("pcns/{}/{}", pcn.name(), f.name), f.bytes));
        }
    }
    files.push(ResultFile::new("icb/summary.csv", tables::summary_csv(&result.icb)));
    files.push(ResultFile::new("icb/comparison.csv", tables::comparison_csv(&result.icb)));
    files.push(ResultFile::new("icb/replications.csv", tables::replications_csv(&result.icb)));
    let (pcns, icb) = portfolio_figures(portfolio, result);
    files.push(ResultFile::new("pcns.csv", pcns_csv(&pcns, &icb)));
    files.push(ResultFile::new(
        "portfolio.json",
        tables::json_text(&portfolio_json(portfolio, result, facts)),
    ));
    if charts {
        let data = PortfolioChartData {
            portfolio: portfolio.spec.name.clone(),
            replications: facts.replications,
            horizon_days: portfolio.horizon_days(),
            pcns,
            icb,
        };
        let rendered = portfolio_charts::render_all(&data).map_err(|e| e.context("drawing portfolio charts"))?;
        let mut svgs = Vec::new();
        for (which, svg, png) in rendered {
            files.push(ResultFile::new(format!("charts/{}.svg", which.stem()), svg.as_bytes()));
            files.push(ResultFile::new(format!("charts/{}.png", which.stem()), png));
            svgs.push((which.title().to_string(), which.description().to_string(), svg));
        }
        files.push(ResultFile::new("report.html", portfolio_page(&data, &svgs)));
    }
    Ok(files)
}

//! What `psa` writes, made in memory: `psa.csv`, `psa_summary.csv`,
//! `ceac.csv`, `voi.csv`, `run.json`, `scenario.toml`, and with charts the
//! four PSA charts and `report.html` ("How sure are we?"). Column
//! definitions are in the README ("Probabilistic sensitivity analysis").

use super::analysis::Analysis;
use super::plan::Plan;
use super::runner::PsaRun;
use crate::metric::Metric;
use crate::output::ResultFile;
use crate::report::charts::psa_charts::{Chart, PsaChartData, PsaCharts};
use crate::report::charts::{render_svg_png, ChartError};
use crate::report::html::psa::{how_sure_page, ArmSure, HowSure};
use crate::text::{aligned, csv_field, num, opt_num};
use std::fmt::Write as _;

/// Version of the PSA files' layout.
pub const SCHEMA_VERSION: u32 = 1;

/// Facts about the run that are not results.
#[derive(Debug, Clone, Copy)]
pub struct PsaFacts {
    /// Worker threads.
    pub threads: usize,
    /// Wall-clock time \[s\].
    pub wall_seconds: f64,
}

/// `psa.csv`, wide: one row per draw and arm:
/// `draw,seed,<each parameter key>,arm,<each metric>`.
pub fn psa_csv(run: &PsaRun) -> String {
    let mut s = String::from("draw,seed");
    for c in &run.columns {
        let _ = write!(s, ",{}", csv_field(c));
    }
    s.push_str(",arm");
    for m in &run.metric_names {
        let _ = write!(s, ",{}", csv_field(m));
    }
    s.push('\n');
    for (d, per_arm) in run.metrics.iter().enumerate() {
        for (a, row) in per_arm.iter().enumerate() {
            let _ = write!(s, "{d},{}", run.seeds[d]);
            for v in &run.values[d] {
                let _ = write!(s, ",{}", num(*v));
            }
            let _ = write!(s, ",{}", csv_field(&run.arms[a]));
            for v in row {
                let _ = write!(s, ",{}", num(*v));
            }
            s.push('\n');
        }
    }
    s
}

/// `psa_summary.csv`:
/// `arm,metric,mean,ui_low,ui_high,mc_ci_low,mc_ci_high,draws,probability_best`.
pub fn summary_csv(a: &Analysis) -> String {
    let mut s = String::from("arm,metric,mean,ui_low,ui_high,mc_ci_low,mc_ci_high,draws,probability_best\n");
    for r in &a.summary {
        let _ = writeln!(
            s,
            "{},{},{},{},{},{},{},{},{}",
            csv_field(&r.arm),
            csv_field(&r.metric),
            num(r.mean),
            opt_num(r.ui.map(|u| u.0)),
            opt_num(r.ui.map(|u| u.1)),
            opt_num(r.mc_ci.map(|c| c.0)),
            opt_num(r.mc_ci.map(|c| c.1)),
            r.n,
            opt_num(r.probability_best)
        );
    }
    s
}

/// `ceac.csv`: `wtp,arm,probability_best`.
pub fn ceac_csv(a: &Analysis, arms: &[String]) -> String {
    let mut s = String::from("wtp,arm,probability_best\n");
    for (k, wtp) in a.ceac.wtp.iter().enumerate() {
        for (d, arm) in arms.iter().enumerate() {
            let _ = writeln!(s, "{},{},{}", num(*wtp), csv_field(arm), num(a.ceac.probability_best[k][d]));
        }
    }
    s
}

/// `voi.csv`: per PCN-year, then scaled to the population:
/// `parameter,evppi,evppi_se,evpi,evppi_population,evppi_se_population,evpi_population,share_of_evpi,kind`.
pub fn voi_csv(a: &Analysis) -> String {
    let y = a.per_year;
    let p = a.per_year * a.population_factor;
    let mut s = String::from("parameter,evppi,evppi_se,evpi,evppi_population,evppi_se_population,evpi_population,share_of_evpi,kind\n");
    for r in &a.voi {
        let share = if a.evpi > 0.0 { r.evppi / a.evpi } else { f64::NAN };
        let _ = writeln!(
            s,
            "{},{},{},{},{},{},{},{},{}",
            csv_field(&r.parameter),
            num(r.evppi * y),
            num(r.se * y),
            num(a.evpi * y),
            num(r.evppi * p),
            num(r.se * p),
            num(a.evpi * p),
            num(share),
            r.kind
        );
    }
    s
}

/// `run.json`: provenance, the decision settings and the PSA's design.
pub fn run_json(plan: &Plan, run: &PsaRun, a: &Analysis, facts: PsaFacts) -> serde_json::Value {
    let loaded = &plan.loaded;
    let t = &loaded.base.time;
    let parameters: Vec<serde_json::Value> = plan
        .uncertainty
        .parameters
        .iter()
        .map(|p| {
            let dist = match &p.prior {
                crate::uncertainty::Prior::Scalar(u) => u.name(),
                crate::uncertainty::Prior::Dirichlet(_) => "dirichlet",
            };
            serde_json::json!({ "name": p.name, "keys": p.keys, "dist": dist })
        })
        .collect();
    let arms = crate::report::tables::arms_json(loaded);
    serde_json::json!({
        "schema_version": SCHEMA_VERSION,
        "kind": "psa",
        "version": env!("CARGO_PKG_VERSION"),
        "scenario": crate::report::tables::scenario_json(loaded),
        "seed": run.options.seed,
        "draws": run.options.draws,
        "reps_per_draw": run.options.reps_per_draw,
        "draw_seeds": "draw d simulates with seed + d and replications 0..reps_per_draw",
        "design": match plan.uncertainty.decision.design {
            crate::uncertainty::Design::Sobol => "sobol (Owen-scrambled, Joe-Kuo directions)",
            crate::uncertainty::Design::LatinHypercube => "latin_hypercube",
        },
        "threads": facts.threads,
        "wall_seconds": facts.wall_seconds,
        "events": run.events,
        "warmup_days": t.warmup_days,
        "horizon_days": t.horizon_days,
        "start_date": t.start_date,
        "decision": {
            "net_monetary_benefit": "value_per_appointment x gp_appointments_saved_net - cost_incremental [GBP per PCN over horizon_days]",
            "value_per_appointment": a.value_per_appointment,
            "wtp": a.ceac.wtp,
            "pcn_population": loaded.base.population.list_size,
            "population": a.population,
            "per_year": a.per_year,
            "evpi_per_pcn_year": a.evpi * a.per_year,
            "evpi_population_year": a.evpi * a.per_year * a.population_factor,
        },
        "intervals": {
            "ui": "95% uncertainty interval over plausible parameter values: 2.5th-97.5th percentile over draws",
            "mc_ci": "95% Monte Carlo CI of the mean over draws (t interval)",
        },
        "parameters": parameters,
        "fixed_by_arm": plan.fixed_by_arm.iter().map(|(a, k)| serde_json::json!({ "arm": a, "key": k })).collect::<Vec<_>>(),
        "arms": arms,
        "software": {
            "name": "signpost",
            "version": env!("CARGO_PKG_VERSION"),
            "os": std::env::consts::OS,
            "arch": std::env::consts::ARCH,
        },
    })
}

/// Every file of a PSA's result directory; with `charts`, the charts
/// (`charts/psa_*.svg|png`) and `report.html`.
pub fn psa_files(plan: &Plan, run: &PsaRun, a: &Analysis, facts: PsaFacts, charts: bool) -> Result<Vec<ResultFile>, ChartError> {
    let json = serde_json::to_string_pretty(&run_json(plan, run, a, facts)).unwrap_or_default();
    let mut files = vec![
        ResultFile::new("psa.csv", psa_csv(run)),
        ResultFile::new("psa_summary.csv", summary_csv(a)),
        ResultFile::new("ceac.csv", ceac_csv(a, &run.arms)),
        ResultFile::new("voi.csv", voi_csv(a)),
        ResultFile::new("run.json", json + "\n"),
        ResultFile::new("scenario.toml", plan.loaded.resolved_toml()),
    ];
    if charts {
        let data = chart_data(plan, run, a);
        let mut svgs = Vec::new();
        for chart in PsaCharts::ALL {
            let drawing = Chart { which: chart, data: &data };
            let (svg, png) = render_svg_png(&drawing).map_err(|e| e.context(format!("drawing {}", chart.stem())))?;
            files.push(ResultFile::new(format!("charts/{}.svg", chart.stem()), svg.as_bytes()));
            files.push(ResultFile::new(format!("charts/{}.png", chart.stem()), png));
            svgs.push((chart.title().to_string(), chart.description().to_string(), svg));
        }
        let how = how_sure(run, a);
        files.push(ResultFile::new("report.html", how_sure_page(plan.loaded.name(), &how, &svgs)));
    }
    Ok(files)
}

/// `[arm][draw]` of one metric.
fn by_arm(run: &PsaRun, metric: &str) -> Vec<Vec<f64>> {
    let m = run.metric(metric);
    (0..run.arms.len()).map(|a| m.iter().map(|d| d[a]).collect()).collect()
}

/// What the charts draw.
fn chart_data(plan: &Plan, run: &PsaRun, a: &Analysis) -> PsaChartData {
    let scale = a.per_year * a.population_factor;
    PsaChartData {
        scenario: plan.loaded.name().to_string(),
        draws: run.options.draws,
        reps_per_draw: run.options.reps_per_draw,
        arms: run.arms.clone(),
        freed: by_arm(run, Metric::GpAppointmentsSavedNet.name()),
        cost: by_arm(run, Metric::CostIncremental.name()),
        value_per_appointment: a.value_per_appointment,
        wtp: a.ceac.wtp.clone(),
        ceac: a.ceac.probability_best.clone(),
        evppi: a.voi.iter().map(|r| (r.parameter.clone(), r.evppi * scale, r.se * scale)).collect(),
        evpi: a.evpi * scale,
        population: a.population,
        horizon_days: plan.loaded.base.time.horizon_days,
    }
}

/// What the "How sure are we?" section says, per year.
fn how_sure(run: &PsaRun, a: &Analysis) -> HowSure {
    let y = a.per_year;
    let row = |arm: &str, metric: &str| a.summary.iter().find(|r| r.arm == arm && r.metric == metric);
    let yearly =
        |arm: &str, metric: &str| row(arm, metric).map_or((f64::NAN, None), |r| (r.mean * y, r.ui.map(|(lo, hi)| (lo * y, hi * y))));
    let arms = (1..run.arms.len())
        .map(|i| {
            let name = &run.arms[i];
            ArmSure {
                name: name.clone(),
                freed: yearly(name, Metric::GpAppointmentsSavedNet.name()),
                cost: yearly(name, Metric::CostIncremental.name()),
                p_worth_it: a.probability_nmb_positive[i],
                p_best: a.probability_best_nmb[i],
            }
        })
        .collect();
    let share = |v: f64| if a.evpi > 0.0 { v / a.evpi } else { f64::NAN };
    HowSure {
        draws: run.options.draws,
        parameters: run.columns.len(),
        value_per_appointment: a.value_per_appointment,
        arms,
        p_nothing_best: a.probability_best_nmb[0],
        evpi_pcn_year: a.evpi * y,
        evpi_population: a.evpi * y * a.population_factor,
        population: a.population,
        top: a
            .voi
            .iter()
            .filter(|r| r.kind == "parameter" && r.evppi.is_finite())
            .map(|r| {
                (
                    r.parameter.clone(),
                    r.evppi * y * a.population_factor,
                    share(r.evppi),
                    r.se * y * a.population_factor,
                )
            })
            .collect(),
    }
}

/// The terminal summary: per arm, net GP appointments freed a year with
/// its uncertainty interval, and the decision figures.
pub fn terminal_table(run: &PsaRun, a: &Analysis) -> String {
    let y = a.per_year;
    let freed = crate::metric::Metric::GpAppointmentsSavedNet.name();
    let mut rows = vec![vec![
        "arm".to_string(),
        "GP appts freed/yr".into(),
        "95% uncertainty interval".into(),
        "P(worth it)".into(),
        "P(best)".into(),
    ]];
    for (i, arm) in run.arms.iter().enumerate().skip(1) {
        let r = a.summary.iter().find(|r| &r.arm == arm && r.metric == freed);
        let (mean, ui) = r.map_or((f64::NAN, None), |r| (r.mean * y, r.ui));
        rows.push(vec![
            arm.clone(),
            format!("{mean:.0}"),
            ui.map_or(String::new(), |(lo, hi)| format!("{:.0} to {:.0}", lo * y, hi * y)),
            format!("{:.0}%", 100.0 * a.probability_nmb_positive[i]),
            format!("{:.0}%", 100.0 * a.probability_best_nmb[i]),
        ]);
    }
    let top = a.voi.iter().find(|r| r.kind == "parameter" && r.evppi.is_finite());
    let mut s = format!(
        "{} draws: 95% uncertainty interval over plausible parameter values (2.5th-97.5th percentile over draws; `signpost run` shows simulation noise only).\n\
         P(worth it): GP time freed valued at GBP {} per appointment exceeds the incremental cost. P(best): highest net monetary benefit.\n{}",
        run.options.draws,
        a.value_per_appointment,
        aligned(&rows)
    );
    s.push_str(&format!(
        "EVPI: GBP {:.0} per PCN-year, GBP {:.0} a year for a population of {:.0}.",
        a.evpi * y,
        a.evpi * y * a.population_factor,
        a.population
    ));
    if let Some(t) = top {
        s.push_str(&format!(
            "\nHighest EVPPI: {} (GBP {:.0} a year for the population); see voi.csv.",
            t.parameter,
            t.evppi * y * a.population_factor
        ));
    }
    s
}

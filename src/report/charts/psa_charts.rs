//! Charts of a probabilistic sensitivity analysis (`signpost psa`): the
//! cost-effectiveness plane, the cost-effectiveness acceptability curve
//! (CEAC), EVPPI per parameter, and a histogram of net GP appointments
//! freed per arm. They take plain data, so the report layer knows nothing
//! of how the PSA was run.

use super::panels::{bar_panel, de, frame, house_mesh, plot_area, Bar, BarGroup, BarPanel, LegendItem, Plot, Swatch};
use super::style::{self, INK};
use super::{Drawing, Result};
use plotters::coord::Shift;
use plotters::prelude::*;

/// What the PSA charts draw.
#[derive(Debug, Clone, PartialEq)]
pub struct PsaChartData {
    /// Scenario name.
    pub scenario: String,
    /// Parameter draws.
    pub draws: usize,
    /// Replications per arm in each draw.
    pub reps_per_draw: u64,
    /// Arm names; `arms[0]` is the counterfactual.
    pub arms: Vec<String>,
    /// `freed[arm][draw]`: net GP appointments freed \[appointments per window\].
    pub freed: Vec<Vec<f64>>,
    /// `cost[arm][draw]`: incremental cost \[GBP per window\].
    pub cost: Vec<Vec<f64>>,
    /// Value of one GP appointment freed \[GBP\].
    pub value_per_appointment: f64,
    /// Willingness-to-pay grid \[GBP per appointment\].
    pub wtp: Vec<f64>,
    /// `ceac[k][arm]`: probability the arm has the highest net benefit at `wtp[k]`.
    pub ceac: Vec<Vec<f64>>,
    /// (parameter, EVPPI, SE) \[GBP per year for the population\], largest first.
    pub evppi: Vec<(String, f64, f64)>,
    /// EVPI \[GBP per year for the population\].
    pub evpi: f64,
    /// Population the value of information is scaled to \[people\].
    pub population: f64,
    /// Days in the statistics window.
    pub horizon_days: f64,
}

/// The PSA charts, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PsaCharts {
    /// Incremental cost against net GP appointments freed, one cloud per arm.
    CePlane,
    /// Probability each arm is best over willingness to pay.
    Ceac,
    /// EVPPI per parameter and group.
    Evppi,
    /// Histogram of net GP appointments freed per arm.
    Histogram,
}

impl PsaCharts {
    /// Every chart, in report order.
    pub const ALL: [PsaCharts; 4] = [PsaCharts::CePlane, PsaCharts::Ceac, PsaCharts::Evppi, PsaCharts::Histogram];

    /// File name without extension.
    pub fn stem(self) -> &'static str {
        match self {
            PsaCharts::CePlane => "psa_01_cost_effectiveness_plane",
            PsaCharts::Ceac => "psa_02_acceptability_curve",
            PsaCharts::Evppi => "psa_03_value_of_information",
            PsaCharts::Histogram => "psa_04_appointments_freed_histogram",
        }
    }

    /// Title, as drawn.
    pub fn title(self) -> &'static str {
        match self {
            PsaCharts::CePlane => "Cost against GP appointments freed, per plausible world",
            PsaCharts::Ceac => "How likely is each arm to be the best use of money?",
            PsaCharts::Evppi => "Which assumption is worth measuring? (EVPPI)",
            PsaCharts::Histogram => "Net GP appointments freed, over plausible parameter values",
        }
    }

    /// What the chart shows, in a sentence (alt text).
    pub fn description(self) -> &'static str {
        match self {
            PsaCharts::CePlane => "Each dot is one draw of the uncertain parameters: the arm's incremental cost against the net GP appointments it frees compared with the counterfactual. The dashed line is where the value of the GP time freed equals the cost.",
            PsaCharts::Ceac => "For each willingness to pay per GP appointment freed, the share of draws in which each arm (or doing nothing) has the highest net monetary benefit.",
            PsaCharts::Evppi => "Expected value of partial perfect information per year for the population: what learning each parameter (or group) exactly would be worth to the decision, with bootstrap standard errors.",
            PsaCharts::Histogram => "For each policy arm, how often each number of net GP appointments freed occurs over the draws of the uncertain parameters.",
        }
    }
}

/// One chart with its data.
pub struct Chart<'a> {
    /// Which chart.
    pub which: PsaCharts,
    /// The data.
    pub data: &'a PsaChartData,
}

impl Drawing for Chart<'_> {
    fn size(&self) -> (u32, u32) {
        match self.which {
            PsaCharts::Evppi => (1400, 420 + 52 * self.data.evppi.len().clamp(1, 20) as u32),
            _ => (1200, 860),
        }
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        match self.which {
            PsaCharts::CePlane => ce_plane(root, self.data),
            PsaCharts::Ceac => ceac(root, self.data),
            PsaCharts::Evppi => evppi(root, self.data),
            PsaCharts::Histogram => histogram(root, self.data),
        }
    }
}

/// The caption every PSA chart shares.
fn provenance(d: &PsaChartData) -> String {
    format!(
        "Scenario: {} · {} draws of the uncertain parameters × {} replication(s) per arm, common random numbers within each draw · {}-day window · 95% uncertainty intervals are over plausible parameter values",
        d.scenario,
        d.draws,
        d.reps_per_draw,
        style::days(d.horizon_days)
    )
}

/// Policy arms (not the counterfactual) with their colours.
fn policy_arms(d: &PsaChartData) -> Vec<(usize, RGBColor)> {
    (1..d.arms.len()).map(|a| (a, style::arm_colour(a, &d.arms[a]))).collect()
}

/// Range of finite values, padded, always including zero.
fn padded(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if hi - lo <= 0.0 {
        hi = lo + 1.0;
    }
    let pad = (hi - lo) * 0.06;
    (lo - pad, hi + pad)
}

fn ce_plane<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, d: &PsaChartData) -> Result<()> {
    let arms = policy_arms(d);
    let mut legend: Vec<LegendItem> = arms
        .iter()
        .map(|&(a, c)| LegendItem::new(d.arms[a].clone(), Swatch::Fill(c)))
        .collect();
    legend.push(LegendItem::new(
        format!(
            "value of GP time freed = cost ({} per appointment)",
            style::pounds(d.value_per_appointment)
        ),
        Swatch::Dashed(INK),
    ));
    let caption = [
        "Right of zero: frees GP appointments; below the dashed line: the GP time freed is worth more than the arm costs.".to_string(),
        provenance(d),
    ];
    let body = frame(root, PsaCharts::CePlane.title(), &legend, &caption)?;
    let (x_lo, x_hi) = padded(arms.iter().flat_map(|&(a, _)| d.freed[a].iter().copied()));
    let (y_lo, y_hi) = padded(arms.iter().flat_map(|&(a, _)| d.cost[a].iter().copied()));
    let mut chart = plot_area(&body, None, x_lo..x_hi, y_lo..y_hi)?;
    mesh(
        &mut chart,
        "Net GP appointments freed (arm minus counterfactual)",
        "Incremental cost [GBP]",
    )?;
    for &(a, c) in &arms {
        let pts = d.freed[a].iter().zip(&d.cost[a]).filter(|(x, y)| x.is_finite() && y.is_finite());
        de(chart.draw_series(pts.map(|(&x, &y)| Circle::new((x, y), 3, c.mix(0.55).filled()))))?;
    }
    // The line cost = value × freed, clipped to the plot.
    let v = d.value_per_appointment;
    let (a, b) = ((y_lo / v).max(x_lo), (y_hi / v).min(x_hi));
    let line: Vec<(f64, f64)> = if v > 0.0 && a < b {
        vec![(a, a * v), (b, b * v)]
    } else {
        Vec::new()
    };
    de(chart.draw_series(DashedLineSeries::new(line, 12, 8, INK.stroke_width(2))))?;
    de(chart.draw_series(LineSeries::new([(0.0, y_lo), (0.0, y_hi)], style::MUTED_INK.stroke_width(1))))?;
    de(chart.draw_series(LineSeries::new([(x_lo, 0.0), (x_hi, 0.0)], style::MUTED_INK.stroke_width(1))))?;
    Ok(())
}

fn ceac<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, d: &PsaChartData) -> Result<()> {
    let colours: Vec<RGBColor> = (0..d.arms.len()).map(|a| style::arm_colour(a, &d.arms[a])).collect();
    let mut legend: Vec<LegendItem> = d
        .arms
        .iter()
        .zip(&colours)
        .map(|(n, &c)| {
            LegendItem::new(
                if n == crate::report::results::COUNTERFACTUAL {
                    "counterfactual (do nothing)".to_string()
                } else {
                    n.clone()
                },
                Swatch::Line(c),
            )
        })
        .collect();
    legend.push(LegendItem::new(
        format!("{} per appointment", style::pounds(d.value_per_appointment)),
        Swatch::Dashed(INK),
    ));
    let caption = [
        "Net monetary benefit = willingness to pay × net GP appointments freed − incremental cost; at every willingness to pay the shares add up to 100%.".to_string(),
        provenance(d),
    ];
    let body = frame(root, PsaCharts::Ceac.title(), &legend, &caption)?;
    let x_hi = d.wtp.last().copied().unwrap_or(1.0).max(1.0);
    let x_lo = d.wtp.first().copied().unwrap_or(0.0).min(x_hi - 1.0);
    let mut chart = plot_area(&body, None, x_lo..x_hi, 0.0..1.02)?;
    mesh(
        &mut chart,
        "Willingness to pay per GP appointment freed [GBP]",
        "Probability of the highest net benefit",
    )?;
    for (a, &c) in colours.iter().enumerate() {
        let pts: Vec<(f64, f64)> = d.wtp.iter().zip(&d.ceac).map(|(&w, row)| (w, row[a])).collect();
        de(chart.draw_series(LineSeries::new(pts, c.stroke_width(4))))?;
    }
    let v = d.value_per_appointment;
    de(chart.draw_series(DashedLineSeries::new([(v, 0.0), (v, 1.02)], 12, 8, INK.stroke_width(2))))?;
    Ok(())
}

fn evppi<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, d: &PsaChartData) -> Result<()> {
    let fill = style::OKABE_ITO[4];
    let legend = [
        LegendItem::new("EVPPI per year for the population", Swatch::Fill(fill)),
        LegendItem::new("± 1.96 bootstrap SE", Swatch::Whisker),
        LegendItem::new(format!("EVPI {} (all parameters)", style::pounds(d.evpi)), Swatch::Dashed(INK)),
    ];
    let caption = [
        format!(
            "What perfect knowledge of each parameter (or group) would be worth per year to a population of {}, at {} per GP appointment freed (Strong, Oakley & Brennan 2014). The 20 largest are shown.",
            style::thousands(d.population),
            style::pounds(d.value_per_appointment)
        ),
        provenance(d),
    ];
    let body = frame(root, PsaCharts::Evppi.title(), &legend, &caption)?;
    let groups = d
        .evppi
        .iter()
        .take(20)
        .map(|(name, v, se)| BarGroup {
            label: name.clone(),
            bars: vec![Bar {
                value: v.is_finite().then_some(*v),
                ci: (v.is_finite() && se.is_finite()).then(|| ((v - 1.96 * se).max(0.0), v + 1.96 * se)),
                fill,
                label: if v.is_finite() { style::pounds(*v) } else { String::new() },
            }],
        })
        .collect();
    let panel = BarPanel {
        title: None,
        x_desc: "GBP per year for the population".into(),
        groups,
        reference: d.evpi.is_finite().then_some((d.evpi, INK)),
        tick: style::tick,
    };
    bar_panel(&body, &panel)
}

fn histogram<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, d: &PsaChartData) -> Result<()> {
    let arms = policy_arms(d);
    let legend: Vec<LegendItem> = arms
        .iter()
        .map(|&(a, c)| LegendItem::new(d.arms[a].clone(), Swatch::Line(c)))
        .collect();
    let caption = [
        "Outlined bars: the share of draws in each band of net GP appointments freed (arm minus counterfactual).".to_string(),
        provenance(d),
    ];
    let body = frame(root, PsaCharts::Histogram.title(), &legend, &caption)?;
    let (x_lo, x_hi) = padded(arms.iter().flat_map(|&(a, _)| d.freed[a].iter().copied()));
    let bins = 40usize;
    let width = (x_hi - x_lo) / bins as f64;
    let counts: Vec<Vec<f64>> = arms
        .iter()
        .map(|&(a, _)| {
            let finite: Vec<f64> = d.freed[a].iter().copied().filter(|v| v.is_finite()).collect();
            let mut c = vec![0.0; bins];
            for v in &finite {
                let b = (((v - x_lo) / width) as usize).min(bins - 1);
                c[b] += 1.0 / finite.len().max(1) as f64;
            }
            c
        })
        .collect();
    let y_hi = counts.iter().flatten().fold(0.0f64, |m, &v| m.max(v)).max(0.01) * 1.08;
    let mut chart = plot_area(&body, None, x_lo..x_hi, 0.0..y_hi)?;
    mesh(&mut chart, "Net GP appointments freed over the window", "Share of draws")?;
    for (k, &(_, c)) in arms.iter().enumerate() {
        let mut pts = vec![(x_lo, 0.0)];
        for (b, &h) in counts[k].iter().enumerate() {
            let x0 = x_lo + b as f64 * width;
            pts.push((x0, h));
            pts.push((x0 + width, h));
        }
        pts.push((x_hi, 0.0));
        de(chart.draw_series(std::iter::once(Polygon::new(pts.clone(), c.mix(0.12).filled()))))?;
        de(chart.draw_series(LineSeries::new(pts, c.stroke_width(3))))?;
    }
    Ok(())
}

/// Axes, grid and labels in the house style, ticks as [`style::tick`].
fn mesh<DB: DrawingBackend>(chart: &mut Plot<'_, DB>, x: &str, y: &str) -> Result<()> {
    let fmt = |v: &f64| style::tick(*v);
    house_mesh(chart, (x, 8, &fmt), (y, &fmt))
}

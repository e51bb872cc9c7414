//! Charts of a portfolio run (a whole ICB): net GP appointments freed per
//! 1,000 patients by PCN, with 95% confidence intervals (where does
//! signposting pay most?), and the ICB's share of GP appointments freed
//! per arm against the NHS 5% aim. They take plain data, so the report
//! layer knows nothing of how the portfolio was run.

use super::panels::{bar_panel, frame, policy_arm_legend, Bar, BarGroup, BarPanel, LegendItem, Swatch};
use super::style::{self, INK};
use super::{render_svg_png, Drawing, Result};
use crate::report::portfolio::{PcnFigures, NHS_AIM_SHARE};
use plotters::coord::Shift;
use plotters::prelude::*;

/// What the portfolio charts draw.
#[derive(Debug, Clone, PartialEq)]
pub struct PortfolioChartData {
    /// Portfolio (ICB) name.
    pub portfolio: String,
    /// Replications per PCN and arm.
    pub replications: u64,
    /// Days in the statistics window.
    pub horizon_days: f64,
    /// Each PCN's figures.
    pub pcns: Vec<PcnFigures>,
    /// The ICB's figures.
    pub icb: PcnFigures,
}

/// The portfolio charts, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortfolioChart {
    /// Net GP appointments freed per 1,000 patients a year, by PCN and arm.
    FreedByPcn,
    /// The ICB's share of GP appointments freed per arm, against 5%.
    IcbAgainstAim,
}

impl PortfolioChart {
    /// Both, in report order.
    pub const ALL: [PortfolioChart; 2] = [PortfolioChart::FreedByPcn, PortfolioChart::IcbAgainstAim];

    /// File name without extension.
    pub fn stem(self) -> &'static str {
        match self {
            PortfolioChart::FreedByPcn => "portfolio_01_freed_per_1000_by_pcn",
            PortfolioChart::IcbAgainstAim => "portfolio_02_icb_against_aim",
        }
    }

    /// Title, as drawn.
    pub fn title(self) -> &'static str {
        match self {
            PortfolioChart::FreedByPcn => "Where does it pay most? Appointments freed per 1,000 patients",
            PortfolioChart::IcbAgainstAim => "The ICB: share of GP appointments freed, against the 5% aim",
        }
    }

    /// What the chart shows, in a sentence (alt text).
    pub fn description(self) -> &'static str {
        match self {
            PortfolioChart::FreedByPcn => "For each PCN and policy arm, net GP appointments freed per 1,000 registered patients a year compared with the counterfactual (signposting off), with 95% confidence intervals over replications.",
            PortfolioChart::IcbAgainstAim => "For each policy arm, net GP appointments freed across the ICB as a share of the counterfactual's GP appointments, with 95% confidence intervals from per-replication ICB totals; the dashed line is NHS England's aim of about 5%.",
        }
    }
}

struct Chart<'a> {
    which: PortfolioChart,
    data: &'a PortfolioChartData,
}

impl Drawing for Chart<'_> {
    fn size(&self) -> (u32, u32) {
        let arms = self.data.icb.arms.len().max(1) as u32;
        match self.which {
            PortfolioChart::FreedByPcn => (1400, 360 + (14 * arms + 30) * self.data.pcns.len().clamp(1, 80) as u32),
            PortfolioChart::IcbAgainstAim => (1200, 420 + 70 * arms),
        }
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let d = self.data;
        let legend: Vec<LegendItem> = policy_arm_legend(d.icb.arms.iter().map(|a| a.arm.as_str()), "95% confidence interval")
            .into_iter()
            .chain((self.which == PortfolioChart::IcbAgainstAim).then(|| LegendItem::new("NHS England aim, about 5%", Swatch::Dashed(INK))))
            .collect();
        let provenance = format!(
            "Portfolio: {} · {} PCNs, {} patients · {} replications per PCN and arm · {} days · signpost {}",
            d.portfolio,
            d.pcns.len(),
            style::thousands(d.icb.list_size as f64),
            d.replications,
            style::days(d.horizon_days),
            env!("CARGO_PKG_VERSION")
        );
        let (caption, panel) = match self.which {
            PortfolioChart::FreedByPcn => (
                "Net of bounce-back, against the counterfactual in the same PCN with the same random numbers. Per year: the window's figure scaled to 365.25 days.",
                BarPanel {
                    title: None,
                    x_desc: "Net GP appointments freed per 1,000 patients a year".into(),
                    groups: d.pcns.iter().map(|p| group(p, |a| a.freed_per_1000_year, style::number)).collect(),
                    reference: None,
                    tick: style::tick,
                },
            ),
            PortfolioChart::IcbAgainstAim => (
                "ICB totals per replication (every PCN added up), so the intervals are paired, not added. Dashed: the NHS England aim, about 5% of GP consultations.",
                BarPanel {
                    title: None,
                    x_desc: "Share of the counterfactual's GP appointments freed (net)".into(),
                    groups: d
                        .icb
                        .arms
                        .iter()
                        .enumerate()
                        .map(|(i, a)| BarGroup {
                            label: a.arm.clone(),
                            bars: vec![bar(i, &a.arm, a.share_freed, style::percent)],
                        })
                        .collect(),
                    reference: Some((NHS_AIM_SHARE, INK)),
                    tick: style::percent,
                },
            ),
        };
        let body = frame(root, self.which.title(), &legend, &[caption.to_string(), provenance])?;
        bar_panel(&body, &panel)
    }
}

fn bar(arm_index: usize, arm: &str, e: crate::report::portfolio::Estimate, f: fn(f64) -> String) -> Bar {
    let defined = e.mean.is_finite();
    Bar {
        value: defined.then_some(e.mean),
        ci: e.ci.filter(|(l, h)| l.is_finite() && h.is_finite()),
        fill: style::arm_colour(arm_index + 1, arm),
        label: if defined { f(e.mean) } else { String::new() },
    }
}

fn group(
    p: &PcnFigures,
    value: impl Fn(&crate::report::portfolio::ArmFigures) -> crate::report::portfolio::Estimate,
    f: fn(f64) -> String,
) -> BarGroup {
    BarGroup {
        label: p.name.clone(),
        bars: p.arms.iter().enumerate().map(|(i, a)| bar(i, &a.arm, value(a), f)).collect(),
    }
}

/// Both charts as (chart, SVG, PNG).
pub fn render_all(data: &PortfolioChartData) -> Result<Vec<(PortfolioChart, String, Vec<u8>)>> {
    PortfolioChart::ALL
        .iter()
        .map(|&which| {
            let (svg, png) = render_svg_png(&Chart { which, data }).map_err(|e| e.context(format!("chart {}", which.stem())))?;
            Ok((which, svg, png))
        })
        .collect()
}

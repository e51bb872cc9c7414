//! The equity chart: per policy arm, GP appointments freed and the change
//! in unmet needs per 1,000 patients by deprivation quintile, with paired
//! 95% confidence intervals. Takes plain rows of `equity.csv`, so the
//! report layer does not know how they were computed.

use super::panels::{bar_panel, frame, policy_arm_bar, policy_arm_legend, BarGroup, BarPanel};
use super::style::{self, INK};
use super::{render_svg_png, Drawing, Result};
use plotters::coord::Shift;
use plotters::prelude::*;

/// One row of `equity.csv` for one quintile.
#[derive(Debug, Clone, PartialEq)]
pub struct QuintileEffect {
    /// Policy arm.
    pub arm: String,
    /// Measure (`gp_appointments_freed_per_1000`, `unmet_needs_per_1000`).
    pub measure: String,
    /// Quintile 1..=5.
    pub quintile: u8,
    /// Mean paired effect.
    pub mean: Option<f64>,
    /// 95% CI.
    pub ci: Option<(f64, f64)>,
}

/// The chart's data and title line.
struct Chart<'a> {
    arms: Vec<&'a str>,
    rows: &'a [QuintileEffect],
    caption: String,
}

/// Renders the equity chart to SVG and PNG.
pub fn equity_chart(arms: &[String], rows: &[QuintileEffect], caption: String) -> Result<(String, Vec<u8>)> {
    render_svg_png(&Chart {
        arms: arms.iter().map(String::as_str).collect(),
        rows,
        caption,
    })
}

/// Title of the equity chart.
pub const TITLE: &str = "By deprivation quintile: GP appointments freed and change in unmet needs per 1,000 patients";

impl Drawing for Chart<'_> {
    fn size(&self) -> (u32, u32) {
        (1400, 420 + 5 * (16 * self.arms.len().max(1) as u32 + 30))
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let legend = policy_arm_legend(self.arms.iter().copied(), "95% confidence interval (paired)");
        let captions = [
            "Quintile 1 is the most deprived fifth. Freed: counterfactual minus arm; unmet: arm minus counterfactual, same patients and random numbers.".to_string(),
            self.caption.clone(),
        ];
        let body = frame(root, TITLE, &legend, &captions)?;
        let (w, _) = body.dim_in_pixel();
        let (left, right) = body.split_horizontally(w / 2);
        for (area, measure, desc) in [
            (&left, "gp_appointments_freed_per_1000", "GP appointments freed per 1,000 patients"),
            (&right, "unmet_needs_per_1000", "Change in unmet needs per 1,000 patients"),
        ] {
            let groups = (1..=5u8)
                .map(|q| BarGroup {
                    label: format!("IMD {q}"),
                    bars: self
                        .arms
                        .iter()
                        .enumerate()
                        .map(|(i, arm)| {
                            let row = self.rows.iter().find(|r| r.arm == *arm && r.measure == measure && r.quintile == q);
                            policy_arm_bar(i, arm, row.and_then(|r| r.mean), row.and_then(|r| r.ci))
                        })
                        .collect(),
                })
                .collect();
            let panel = BarPanel {
                title: None,
                x_desc: desc.into(),
                groups,
                reference: Some((0.0, INK)),
                tick: style::tick,
            };
            bar_panel(area, &panel)?;
        }
        Ok(())
    }
}

//! The practices chart: per practice, the GP appointments each policy arm
//! frees per 1,000 of the practice's patients, with paired 95% confidence
//! intervals. Takes plain rows read from `groups.csv`, so the report layer
//! does not know how they were computed.

use super::panels::{bar_panel, frame, policy_arm_bar, policy_arm_legend, BarGroup, BarPanel};
use super::style::{self, INK};
use super::{render_svg_png, Drawing, Result};
use plotters::coord::Shift;
use plotters::prelude::*;

/// One arm's effect at one practice.
#[derive(Debug, Clone, PartialEq)]
pub struct PracticeEffect {
    /// Policy arm.
    pub arm: String,
    /// Practice name.
    pub practice: String,
    /// Mean paired GP appointments freed per 1,000 patients.
    pub mean: Option<f64>,
    /// Its 95% CI.
    pub ci: Option<(f64, f64)>,
}

/// Title of the practices chart.
pub const TITLE: &str = "By practice: GP appointments freed per 1,000 patients";

/// The chart's data and caption line.
struct Chart<'a> {
    arms: &'a [String],
    practices: &'a [String],
    rows: &'a [PracticeEffect],
    caption: String,
}

/// Renders the practices chart to SVG and PNG: one group of bars per
/// practice (in `practices` order), one bar per arm.
pub fn practices_chart(arms: &[String], practices: &[String], rows: &[PracticeEffect], caption: String) -> Result<(String, Vec<u8>)> {
    render_svg_png(&Chart {
        arms,
        practices,
        rows,
        caption,
    })
}

impl Drawing for Chart<'_> {
    fn size(&self) -> (u32, u32) {
        let per_practice = 16 * self.arms.len().max(1) as u32 + 30;
        (1400, 360 + self.practices.len() as u32 * per_practice)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let legend = policy_arm_legend(self.arms.iter().map(String::as_str), "95% confidence interval (paired)");
        let captions = [
            "Freed: counterfactual minus arm at the same practice, same patients and random numbers; per 1,000 of the practice's own patients.".to_string(),
            self.caption.clone(),
        ];
        let body = frame(root, TITLE, &legend, &captions)?;
        let groups = self
            .practices
            .iter()
            .map(|practice| BarGroup {
                label: practice.clone(),
                bars: self
                    .arms
                    .iter()
                    .enumerate()
                    .map(|(i, arm)| {
                        let row = self.rows.iter().find(|r| r.arm == *arm && r.practice == *practice);
                        policy_arm_bar(i, arm, row.and_then(|r| r.mean), row.and_then(|r| r.ci))
                    })
                    .collect(),
            })
            .collect();
        let panel = BarPanel {
            title: None,
            x_desc: "GP appointments freed per 1,000 patients".into(),
            groups,
            reference: Some((0.0, INK)),
            tick: style::tick,
        };
        bar_panel(&body, &panel)
    }
}

//! The tornado chart of a one-at-a-time sensitivity analysis: one row per
//! factor (largest swing at the top), a bar for the change in the headline
//! metric at the factor's low value and one at its high value, each with its
//! paired 95% confidence interval, around a line at the base result.

use super::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::panels::{bar_panel, frame, Bar, BarGroup, BarPanel, LegendItem, Swatch};
use super::style::{self, OKABE_ITO};
use super::Drawing;

/// Colour of the bars for factors at their low value.
const LOW: RGBColor = OKABE_ITO[4];
/// Colour of the bars for factors at their high value.
const HIGH: RGBColor = OKABE_ITO[5];

/// One end of a factor's range: the value it was set to and the paired
/// change in the headline metric from the base.
#[derive(Debug, Clone, PartialEq)]
pub struct Level {
    /// The value as people write it (`0.6`, `enhanced`).
    pub value: String,
    /// Mean change from the base, in the metric's units; `None` when
    /// undefined.
    pub change: Option<f64>,
    /// 95% CI of the change, paired by replication.
    pub ci: Option<(f64, f64)>,
}

/// One row of the chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Factor {
    /// The scenario key varied.
    pub key: String,
    /// At its low value.
    pub low: Level,
    /// At its high value.
    pub high: Level,
}

/// A one-at-a-time sensitivity analysis, as the tornado chart needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Tornado {
    /// Scenario name.
    pub scenario: String,
    /// The headline arm.
    pub arm: String,
    /// Replications per run.
    pub replications: u64,
    /// The metric in the unchanged base, in its units.
    pub base: Option<f64>,
    /// Readable name of the metric, with units, for the axis.
    pub metric_label: String,
    /// Rows, top (largest swing) first.
    pub factors: Vec<Factor>,
}

impl Drawing for Tornado {
    fn size(&self) -> (u32, u32) {
        let rows = self.factors.len() as u32;
        (1400, 420 + 64 * rows.max(1))
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let s = self;
        let base = s.base;
        let title = "Which assumptions move the result most?";
        let legend = [
            LegendItem::new("assumption at its low value", Swatch::Fill(LOW)),
            LegendItem::new("… at its high value", Swatch::Fill(HIGH)),
            LegendItem::new("95% CI (paired with the base)", Swatch::Whisker),
        ];
        let caption = [
            format!(
                "Bars: change from the base result ({}) when one assumption is set to the value shown, all else as in the scenario. Largest swing at the top.",
                base.map_or("not defined".into(), style::thousands)
            ),
            format!(
                "Scenario: {} · arm {} against the counterfactual · {} replications per run, common random numbers",
                s.scenario, s.arm, s.replications
            ),
        ];
        let body = frame(root, title, &legend, &caption)?;
        let groups = s
            .factors
            .iter()
            .map(|f| BarGroup {
                label: f.key.clone(),
                bars: [(&f.low, LOW), (&f.high, HIGH)]
                    .into_iter()
                    .map(|(level, fill)| Bar {
                        value: level.change,
                        ci: level.ci,
                        fill,
                        label: level
                            .change
                            .map_or_else(String::new, |v| format!("{} → {}", level.value, signed(v))),
                    })
                    .collect(),
            })
            .collect();
        let panel = BarPanel {
            title: None,
            x_desc: format!("Change in {} from the base", self.metric_label),
            groups,
            reference: Some((0.0, style::INK)),
            tick: signed,
        };
        bar_panel(&body, &panel)
    }
}

/// A change with its sign and thousands separators ("+1,200", "−350").
fn signed(v: f64) -> String {
    let t = style::thousands(v.abs());
    if v.round() > 0.0 {
        format!("+{t}")
    } else if v.round() < 0.0 {
        format!("−{t}")
    } else {
        t
    }
}

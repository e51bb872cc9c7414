//! The tornado chart of a one-at-a-time sensitivity analysis: one row per
//! factor (largest swing at the top), a bar for the change in the headline
//! metric at the factor's low value and one at its high value, each with its
//! paired 95% confidence interval, around a line at the base result.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::panels::{bar_panel, frame, Bar, BarGroup, BarPanel, LegendItem, Swatch};
use super::style::{self, OKABE_ITO};
use super::Drawing;
use crate::sensitivity::{value_text, Sensitivity};

/// Colour of the bars for factors at their low value.
const LOW: RGBColor = OKABE_ITO[4];
/// Colour of the bars for factors at their high value.
const HIGH: RGBColor = OKABE_ITO[5];

/// A sensitivity analysis, drawn as a tornado chart.
pub struct Tornado<'a> {
    /// The analysis.
    pub sensitivity: &'a Sensitivity,
    /// Readable name of the metric, with units, for the axis.
    pub metric_label: String,
}

impl Drawing for Tornado<'_> {
    fn size(&self) -> (u32, u32) {
        let rows = self.sensitivity.factors.len() as u32;
        (1400, 420 + 64 * rows.max(1))
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let s = self.sensitivity;
        let base = s.base.map(|b| b.mean);
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
                label: f.spec.key.clone(),
                bars: [(&f.low, LOW), (&f.high, HIGH)]
                    .into_iter()
                    .map(|(level, fill)| {
                        let value = level.change.map(|c| c.mean);
                        Bar {
                            value,
                            ci: level.change.and_then(|c| c.ci),
                            fill,
                            label: value.map_or_else(String::new, |v| format!("{} → {}", value_text(&level.value), signed(v))),
                        }
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

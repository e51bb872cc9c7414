//! 100% stacked bars: where each arm's episodes end.

use super::super::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::super::style::{self, size, MUTED_INK};

use super::*;

/// A 100% stacked horizontal bar per category.
#[derive(Debug, Clone)]
pub struct StackPanel {
    /// Horizontal axis description.
    pub x_desc: String,
    /// Category (arm) names, top to bottom.
    pub rows: Vec<String>,
    /// Segment names and colours, left to right.
    pub parts: Vec<(String, RGBColor)>,
    /// `values\[row\]\[part\]`; `None` is skipped.
    pub values: Vec<Vec<Option<f64>>>,
}

/// Draws a 100% stacked bar panel; segments wide enough carry their share.
pub fn stack_panel<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, panel: &StackPanel) -> Result<()> {
    let totals: Vec<f64> = panel
        .values
        .iter()
        .map(|r| r.iter().flatten().filter(|v| **v > 0.0).sum())
        .collect();
    if panel.rows.is_empty() || totals.iter().all(|t| *t <= 0.0) {
        return note(area, None, "Where episodes end was not recorded (no ended_* metrics)");
    }
    let n = panel.rows.len();
    let (rows, y_label_w) = category_labels(area, &panel.rows)?;
    let mut chart = de(ChartBuilder::on(area)
        .margin_left(MARGIN as u32)
        .margin_right(MARGIN as u32 + 10)
        .margin_top(12)
        .x_label_area_size(size::TICK as u32 + size::AXIS as u32 + 18)
        .y_label_area_size(y_label_w)
        .build_cartesian_2d(0.0..100.0, Bands(n)))?;
    let names = rows;
    let row_name = move |y: &f64| names.get(n.saturating_sub(1 + y.floor() as usize)).cloned().unwrap_or_default();
    let x_fmt = |x: &f64| format!("{x:.0}%");
    bar_mesh(&mut chart, &panel.x_desc, &x_fmt, &row_name)?;
    for (ri, row) in panel.values.iter().enumerate() {
        let y1 = (n - ri) as f64 - 0.18;
        let y0 = (n - ri - 1) as f64 + 0.18;
        let total = totals[ri];
        if total <= 0.0 {
            de(chart.draw_series(std::iter::once(Text::new(
                "not recorded".to_owned(),
                (1.0, (y0 + y1) / 2.0),
                font(size::VALUE, MUTED_INK).pos(Pos::new(HPos::Left, VPos::Center)),
            ))))?;
            continue;
        }
        let mut x = 0.0;
        for (pi, v) in row.iter().enumerate() {
            let Some(v) = v.filter(|v| *v > 0.0) else {
                continue;
            };
            let share = 100.0 * v / total;
            let colour = panel.parts[pi].1;
            de(chart.draw_series(std::iter::once(Rectangle::new([(x, y0), (x + share, y1)], colour.filled()))))?;
            de(chart.draw_series(std::iter::once(Rectangle::new([(x, y0), (x + share, y1)], WHITE.stroke_width(1)))))?;
            if share >= 5.5 {
                de(chart.draw_series(std::iter::once(Text::new(
                    format!("{share:.0}%"),
                    (x + share / 2.0, (y0 + y1) / 2.0),
                    font(size::VALUE, style::ink_on(colour)).pos(Pos::new(HPos::Center, VPos::Center)),
                ))))?;
            }
            x += share;
        }
    }
    Ok(())
}

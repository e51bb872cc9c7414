//! Building blocks: the frame (title, legend row, caption) and three panel
//! kinds (horizontal bars with confidence whiskers, 100% stacked bars, and
//! weekly series with a 5–95% ribbon). Everything is generic over the
//! plotters backend so the same code draws the SVG and the PNG.
//!
//! Legends live in their own strip under the title, never on top of data.
//!
//! The panel kinds live beside this file: `bars` (bars with whiskers),
//! `stack` (100% stacked bars) and `series` (weekly series).

mod bars;
mod series;
mod stack;

pub use bars::{bar_panel, Bar, BarGroup, BarPanel};
pub use series::{series_panel, Series, SeriesPanel};
pub use stack::{stack_panel, StackPanel};

use std::ops::Range;

use super::{ChartError, Result};
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{size, FAMILY, INK, MUTED_INK};

/// Turns a plotters error (whose type depends on the backend) into a
/// [`ChartError`].
pub fn de<T, E: std::fmt::Display>(r: std::result::Result<T, E>) -> Result<T> {
    r.map_err(|e| ChartError(format!("drawing a chart: {e}")))
}

/// A regular-weight text style.
pub fn font(px: f64, colour: RGBColor) -> TextStyle<'static> {
    let mut s = TextStyle::from((FAMILY, px).into_font());
    s.color = colour.to_backend_color();
    s
}

/// A bold text style.
pub fn bold(px: f64, colour: RGBColor) -> TextStyle<'static> {
    let mut s = TextStyle::from((FAMILY, px, FontStyle::Bold).into_font());
    s.color = colour.to_backend_color();
    s
}

/// A categorical axis of `n` equal bands on `0..n`, with a tick (and
/// label) at each band's centre, so names sit exactly beside their bars.
#[derive(Debug, Clone, Copy)]
pub struct Bands(pub usize);

impl Ranged for Bands {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let n = self.0.max(1) as f64;
        limit.0 + ((limit.1 - limit.0) as f64 * value / n).round() as i32
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            return Vec::new();
        }
        (0..self.0).map(|i| i as f64 + 0.5).collect()
    }

    fn range(&self) -> Range<f64> {
        0.0..self.0 as f64
    }
}

/// How a legend entry is drawn.
#[derive(Debug, Clone, Copy)]
pub enum Swatch {
    /// A filled square.
    Fill(RGBColor),
    /// A solid line.
    Line(RGBColor),
    /// A dashed line.
    Dashed(RGBColor),
    /// A pale band with a line through it (mean and 5–95% range).
    Band(RGBColor),
    /// A whisker (confidence interval).
    Whisker,
}

/// One legend entry.
#[derive(Debug, Clone)]
pub struct LegendItem {
    /// Text.
    pub label: String,
    /// Symbol.
    pub swatch: Swatch,
}

impl LegendItem {
    /// A legend entry.
    pub fn new(label: impl Into<String>, swatch: Swatch) -> Self {
        LegendItem {
            label: label.into(),
            swatch,
        }
    }
}

/// The legend of a chart of policy arms: each arm in its colour (the
/// counterfactual, index 0, is not among them), then the whisker labelled
/// `whisker`.
pub fn policy_arm_legend<'a>(arms: impl IntoIterator<Item = &'a str>, whisker: &str) -> Vec<LegendItem> {
    arms.into_iter()
        .enumerate()
        .map(|(i, a)| LegendItem::new(a, Swatch::Fill(super::style::arm_colour(i + 1, a))))
        .chain([LegendItem::new(whisker, Swatch::Whisker)])
        .collect()
}

/// Policy arm `i`'s bar (index 0 is the first policy arm): its mean
/// effect and CI, in the arm's colour, labelled with the mean.
pub fn policy_arm_bar(i: usize, arm: &str, mean: Option<f64>, ci: Option<(f64, f64)>) -> Bar {
    Bar {
        value: mean,
        ci,
        fill: super::style::arm_colour(i + 1, arm),
        label: mean.map(super::style::number).unwrap_or_default(),
    }
}

const MARGIN: i32 = 24;

/// A plot of two numeric axes.
pub type Plot<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// A plot area on `area` with the house margins and room for tick labels
/// and axis descriptions; `title` drawn above it in bold.
pub fn plot_area<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    title: Option<&str>,
    x: Range<f64>,
    y: Range<f64>,
) -> Result<Plot<'a, DB>> {
    let mut builder = ChartBuilder::on(area);
    if let Some(t) = title {
        builder.caption(t, bold(size::PANEL, INK));
    }
    de(builder
        .margin_left(MARGIN as u32)
        .margin_right(MARGIN as u32 + 10)
        .margin_top(14)
        .x_label_area_size(size::TICK as u32 + size::AXIS as u32 + 18)
        .y_label_area_size(size::TICK as u32 * 3 + size::AXIS as u32 + 24)
        .build_cartesian_2d(x, y))
}

/// How a tick value is written.
pub type TickFormat<'a> = &'a dyn Fn(&f64) -> String;

/// Axes, grid and labels in the house style: `x_labels` ticks on the
/// horizontal axis, 6 on the vertical.
pub fn house_mesh<DB: DrawingBackend>(
    chart: &mut Plot<'_, DB>,
    (x_desc, x_labels, x_fmt): (&str, usize, TickFormat<'_>),
    (y_desc, y_fmt): (&str, TickFormat<'_>),
) -> Result<()> {
    de(chart
        .configure_mesh()
        .x_labels(x_labels)
        .y_labels(6)
        .x_label_formatter(x_fmt)
        .y_label_formatter(y_fmt)
        .x_desc(x_desc)
        .y_desc(y_desc)
        .axis_desc_style(font(size::AXIS, INK))
        .label_style(font(size::TICK, INK))
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(0xE4, 0xE4, 0xE4))
        .axis_style(INK.stroke_width(2))
        .draw())
}
const SWATCH: i32 = 34;

/// Fills the background, draws the title, the legend strip and the caption,
/// and returns the area left for panels.
pub fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    legend: &[LegendItem],
    caption: &[String],
) -> Result<DrawingArea<DB, Shift>> {
    de(root.fill(&WHITE))?;
    let (w, h) = root.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let title_style = bold(size::TITLE, INK);
    let title = fit_text(root, title, &title_style, w - 2 * MARGIN)?;
    de(root.draw_text(&title, &title_style, (MARGIN, 16)))?;
    let mut top = 16 + size::TITLE as i32 + 14;

    // Legend: entries laid out left to right, wrapping onto new rows.
    let legend_style = font(size::LEGEND, INK);
    let row_h = size::LEGEND as i32 + 14;
    let (mut x, mut y) = (MARGIN, top);
    for item in legend {
        let label = fit_text(root, &item.label, &legend_style, w - 2 * MARGIN - SWATCH - 10)?;
        let (tw, _) = de(root.estimate_text_size(&label, &legend_style))?;
        let entry_w = SWATCH + 10 + tw as i32 + 30;
        if x > MARGIN && x + entry_w > w - MARGIN {
            x = MARGIN;
            y += row_h;
        }
        draw_swatch(root, item.swatch, (x, y + row_h / 2 - 4))?;
        de(root.draw_text(
            &label,
            &legend_style.pos(Pos::new(HPos::Left, VPos::Center)),
            (x + SWATCH + 10, y + row_h / 2 - 4),
        ))?;
        x += entry_w;
    }
    if !legend.is_empty() {
        top = y + row_h + 6;
    }

    let cap_style = font(size::CAPTION, MUTED_INK);
    let cap_line = size::CAPTION as i32 + 8;
    let mut lines = Vec::new();
    for c in caption {
        lines.extend(wrap_text(root, c, &cap_style, w - 2 * MARGIN)?);
    }
    let cap_h = cap_line * lines.len() as i32 + 12;
    for (i, line) in lines.iter().enumerate() {
        let line = fit_text(root, line, &cap_style, w - 2 * MARGIN)?;
        de(root.draw_text(&line, &cap_style, (MARGIN, h - cap_h + 4 + cap_line * i as i32)))?;
    }
    let body_h = (h - top - cap_h).max(10);
    Ok(root.clone().shrink((0, top), (w, body_h)))
}

/// Breaks `text` into lines of at most `max_w` pixels at spaces.
pub fn wrap_text<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, text: &str, style: &TextStyle, max_w: i32) -> Result<Vec<String>> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in text.split(' ') {
        let candidate = if cur.is_empty() { word.to_owned() } else { format!("{cur} {word}") };
        if !cur.is_empty() && de(area.estimate_text_size(&candidate, style))?.0 as i32 > max_w {
            lines.push(std::mem::replace(&mut cur, word.to_owned()));
        } else {
            cur = candidate;
        }
    }
    if !cur.is_empty() || lines.is_empty() {
        lines.push(cur);
    }
    Ok(lines)
}

/// Shortens `text` with an ellipsis until it fits in `max_w` pixels.
pub fn fit_text<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, text: &str, style: &TextStyle, max_w: i32) -> Result<String> {
    let fits = |t: &str| -> Result<bool> { Ok(de(area.estimate_text_size(t, style))?.0 as i32 <= max_w) };
    if fits(text)? {
        return Ok(text.to_owned());
    }
    let chars: Vec<char> = text.chars().collect();
    let mut n = chars.len();
    while n > 1 {
        n -= 1;
        let t: String = chars[..n].iter().collect::<String>() + "…";
        if fits(&t)? {
            return Ok(t);
        }
    }
    Ok("…".into())
}

fn draw_swatch<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, swatch: Swatch, (x, y): (i32, i32)) -> Result<()> {
    match swatch {
        Swatch::Fill(c) => {
            de(area.draw(&Rectangle::new([(x + 4, y - 11), (x + SWATCH - 4, y + 11)], c.filled())))?;
            de(area.draw(&Rectangle::new([(x + 4, y - 11), (x + SWATCH - 4, y + 11)], INK.stroke_width(1))))?;
        }
        Swatch::Line(c) => de(area.draw(&PathElement::new(vec![(x, y), (x + SWATCH, y)], c.stroke_width(4))))?,
        Swatch::Dashed(c) => {
            for i in 0..3 {
                let x0 = x + i * 13;
                de(area.draw(&PathElement::new(vec![(x0, y), (x0 + 8, y)], c.stroke_width(4))))?;
            }
        }
        Swatch::Band(c) => {
            de(area.draw(&Rectangle::new([(x, y - 11), (x + SWATCH, y + 11)], c.mix(0.2).filled())))?;
            de(area.draw(&PathElement::new(vec![(x, y), (x + SWATCH, y)], c.stroke_width(4))))?;
        }
        Swatch::Whisker => {
            let s = INK.stroke_width(2);
            de(area.draw(&PathElement::new(vec![(x + 3, y), (x + SWATCH - 3, y)], s)))?;
            de(area.draw(&PathElement::new(vec![(x + 3, y - 9), (x + 3, y + 9)], s)))?;
            de(area.draw(&PathElement::new(vec![(x + SWATCH - 3, y - 9), (x + SWATCH - 3, y + 9)], s)))?;
        }
    }
    Ok(())
}

/// Writes a note in the middle of an area (used when there is nothing to
/// plot: "not defined", "no data").
pub fn note<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, title: Option<&str>, text: &str) -> Result<()> {
    let (w, h) = area.dim_in_pixel();
    if let Some(t) = title {
        de(area.draw_text(t, &bold(size::PANEL, INK), (MARGIN, 6)))?;
    }
    let style = font(size::AXIS, MUTED_INK).pos(Pos::new(HPos::Center, VPos::Center));
    let text = fit_text(area, text, &style, w as i32 - 2 * MARGIN)?;
    de(area.draw(&Rectangle::new(
        [(MARGIN, 44), (w as i32 - MARGIN, h as i32 - 10)],
        RGBColor(0xCC, 0xCC, 0xCC).stroke_width(1),
    )))?;
    de(area.draw_text(&text, &style, (w as i32 / 2, (h as i32 + 34) / 2)))?;
    Ok(())
}

/// Formats a number for a tick or value label.
pub type Format = fn(f64) -> String;

/// Category labels shortened to at most 35% of the panel width, and the
/// width \[px\] they need.
fn category_labels<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, labels: &[String]) -> Result<(Vec<String>, u32)> {
    let style = font(size::TICK, INK);
    let max_w = (area.dim_in_pixel().0 as f64 * 0.35) as i32;
    let mut out = Vec::with_capacity(labels.len());
    let mut w = 0;
    for l in labels {
        let l = fit_text(area, l, &style, max_w)?;
        w = w.max(de(area.estimate_text_size(&l, &style))?.0);
        out.push(l);
    }
    Ok((out, w + 22))
}

/// Grid and axes of a horizontal bar panel: vertical grid lines only,
/// the value axis below and group names on the left.
fn bar_mesh<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, Bands>>,
    x_desc: &str,
    x_fmt: &dyn Fn(&f64) -> String,
    y_fmt: &dyn Fn(&f64) -> String,
) -> Result<()> {
    de(chart
        .configure_mesh()
        .disable_y_mesh()
        .x_labels(6)
        .x_label_formatter(x_fmt)
        .y_label_formatter(y_fmt)
        .x_desc(x_desc)
        .axis_desc_style(font(size::AXIS, INK))
        .label_style(font(size::TICK, INK))
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(0xE4, 0xE4, 0xE4))
        .axis_style(INK.stroke_width(2))
        .draw())
}

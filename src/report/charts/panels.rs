//! Building blocks: the frame (title, legend row, caption) and three panel
//! kinds (horizontal bars with confidence whiskers, 100% stacked bars, and
//! weekly series with a 5–95% ribbon). Everything is generic over the
//! plotters backend so the same code draws the SVG and the PNG.
//!
//! Legends live in their own strip under the title, never on top of data.

use std::ops::Range;

use super::{ChartError, Result};
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{self, size, FAMILY, INK, MUTED_INK};

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

const MARGIN: i32 = 24;
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

/// One bar: a value with an optional confidence interval and a label.
#[derive(Debug, Clone)]
pub struct Bar {
    /// The value; `None` draws "not defined".
    pub value: Option<f64>,
    /// 95% confidence interval.
    pub ci: Option<(f64, f64)>,
    /// Fill colour.
    pub fill: RGBColor,
    /// Text after the bar (e.g. "net 5,200").
    pub label: String,
}

/// A category on the vertical axis (an arm, or a VCSE service) holding one
/// or more bars.
#[derive(Debug, Clone)]
pub struct BarGroup {
    /// Category name.
    pub label: String,
    /// Bars, top to bottom.
    pub bars: Vec<Bar>,
}

/// A horizontal bar panel.
#[derive(Debug, Clone)]
pub struct BarPanel {
    /// Panel title (bold, above the plot).
    pub title: Option<String>,
    /// Horizontal axis description, with units.
    pub x_desc: String,
    /// Categories, top to bottom.
    pub groups: Vec<BarGroup>,
    /// Vertical dashed reference line (value, colour).
    pub reference: Option<(f64, RGBColor)>,
    /// Tick label format.
    pub tick: Format,
}

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

/// Draws a horizontal bar panel: categories down the left, bars with 95%
/// CI whiskers, value labels to the right of each bar.
pub fn bar_panel<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, panel: &BarPanel) -> Result<()> {
    let defined: Vec<&Bar> = panel
        .groups
        .iter()
        .flat_map(|g| g.bars.iter())
        .filter(|b| b.value.is_some())
        .collect();
    if panel.groups.is_empty() || defined.is_empty() {
        let why = if panel.groups.is_empty() {
            "No policy arms to show: only the counterfactual ran"
        } else {
            "Not defined for any arm"
        };
        return note(area, panel.title.as_deref(), why);
    }

    // Value range: zero, every bar, its CI and the reference line.
    let mut lo: f64 = 0.0;
    let mut hi: f64 = 0.0;
    for b in &defined {
        let v = b.value.unwrap_or(0.0);
        lo = lo.min(v);
        hi = hi.max(v);
        if let Some((l, h)) = b.ci {
            lo = lo.min(l);
            hi = hi.max(h);
        }
    }
    if let Some((r, _)) = panel.reference {
        lo = lo.min(r);
        hi = hi.max(r);
    }
    if hi - lo <= 0.0 {
        hi = lo + 1.0;
    }

    let n = panel.groups.len();
    let most_bars = panel.groups.iter().map(|g| g.bars.len()).max().unwrap_or(1).max(1);
    // Groups of many bars use more of their band.
    let pad = if most_bars >= 4 { 0.07 } else { 0.16 };
    let labels: Vec<String> = panel.groups.iter().map(|g| g.label.clone()).collect();
    let (labels, y_label_w) = category_labels(area, &labels)?;
    let (aw, ah) = area.dim_in_pixel();
    let x_area = size::TICK as u32 + size::AXIS as u32 + 18;
    let title_h = if panel.title.is_some() { size::PANEL as u32 + 16 } else { 0 };
    // Value labels shrink to fit thin bars, and are left out below 14 px
    // (the axis and whiskers still carry the numbers).
    let plot_h = ah.saturating_sub(x_area + title_h + 24) as f64;
    let pitch = plot_h / n as f64 * (1.0 - 2.0 * pad) / most_bars as f64;
    let value_px = size::VALUE.min(pitch * 0.92);
    let show_values = value_px >= 14.0;
    let value_style = font(value_px.max(1.0), INK).pos(Pos::new(HPos::Left, VPos::Center));
    let mut text_w = 0u32;
    if show_values {
        for g in &panel.groups {
            for b in &g.bars {
                let text = if b.value.is_some() {
                    b.label.clone()
                } else {
                    undefined_label(&b.label)
                };
                text_w = text_w.max(de(area.estimate_text_size(&text, &value_style))?.0);
            }
        }
    }
    // Room on the right for the longest value label.
    let plot_w = (aw as f64 - y_label_w as f64 - 2.0 * MARGIN as f64 - 10.0).max(100.0);
    let frac = ((text_w as f64 + 16.0) / plot_w).min(0.6);
    let span = hi - lo;
    let hi_ext = hi + span * frac / (1.0 - frac);
    let lo_ext = if lo < 0.0 { lo - span * 0.02 } else { lo };

    let mut builder = ChartBuilder::on(area);
    builder
        .margin_left(MARGIN as u32)
        .margin_right(MARGIN as u32)
        .margin_top(14)
        .margin_bottom(4)
        .x_label_area_size(x_area)
        .y_label_area_size(y_label_w);
    if let Some(t) = &panel.title {
        builder.caption(t, bold(size::PANEL, INK));
    }
    let mut chart = de(builder.build_cartesian_2d(lo_ext..hi_ext, Bands(n)))?;
    let names = labels.clone();
    let group_name = move |y: &f64| -> String {
        let i = y.floor() as usize;
        // Group 0 is drawn at the top.
        names.get(n.saturating_sub(1 + i)).cloned().unwrap_or_default()
    };
    let tick = panel.tick;
    let x_fmt = move |x: &f64| tick(*x);
    bar_mesh(&mut chart, &panel.x_desc, &x_fmt, &group_name)?;

    // The reference line goes under the bars and labels.
    if let Some((r, c)) = panel.reference {
        de(chart.draw_series(DashedLineSeries::new(vec![(r, 0.0), (r, n as f64)], 14, 8, c.stroke_width(3))))?;
    }

    let base = area.get_base_pixel();
    let mut value_labels: Vec<(String, f64, f64, RGBColor)> = Vec::new();
    for (gi, g) in panel.groups.iter().enumerate() {
        let top = (n - gi) as f64 - pad;
        let bar_h = (1.0 - 2.0 * pad) / g.bars.len().max(1) as f64;
        for (bi, b) in g.bars.iter().enumerate() {
            let y1 = top - bi as f64 * bar_h;
            let y0 = y1 - bar_h * 0.86;
            let yc = (y0 + y1) / 2.0;
            let Some(v) = b.value else {
                value_labels.push((undefined_label(&b.label), lo_ext.max(0.0), yc, MUTED_INK));
                continue;
            };
            let x0 = 0.0f64.max(lo_ext);
            de(chart.draw_series([
                Rectangle::new([(x0, y0), (v, y1)], b.fill.filled()),
                Rectangle::new([(x0, y0), (v, y1)], style::pale(INK, 0.3).stroke_width(1)),
            ]))?;
            let mut right = v.max(0.0);
            if let Some((l, h)) = b.ci {
                let cap = (y1 - y0) * 0.3;
                let s = INK.stroke_width(2);
                de(chart.draw_series([
                    PathElement::new(vec![(l, yc), (h, yc)], s),
                    PathElement::new(vec![(l, yc - cap), (l, yc + cap)], s),
                    PathElement::new(vec![(h, yc - cap), (h, yc + cap)], s),
                ]))?;
                right = right.max(h);
            }
            value_labels.push((b.label.clone(), right, yc, INK));
        }
    }
    // Labels last, on a white backing so a reference line never runs
    // through the text.
    if show_values {
        for (text, x, y, colour) in value_labels {
            let (px, py) = chart.backend_coord(&(x, y));
            let (px, py) = (px - base.0 + 8, py - base.1);
            let (tw, th) = de(area.estimate_text_size(&text, &value_style))?;
            let (tw, th) = (tw as i32, th as i32);
            de(area.draw(&Rectangle::new(
                [(px - 2, py - th / 2 - 2), (px + tw + 3, py + th / 2 + 2)],
                WHITE.mix(0.85).filled(),
            )))?;
            de(area.draw_text(&text, &value_style.color(&colour), (px, py)))?;
        }
    }
    Ok(())
}

/// "net 5,200" → "net: not defined"; "5,200" → "not defined".
fn undefined_label(label: &str) -> String {
    let prefix = label_prefix(label);
    if prefix.is_empty() {
        "not defined".into()
    } else {
        format!("{}: not defined", prefix.trim_end())
    }
}

/// The part of a value label before its number ("net 5,200" → "net "),
/// so an undefined bar can say "net not defined".
fn label_prefix(label: &str) -> String {
    match label.rfind(' ') {
        Some(i) if label[..i].chars().any(char::is_alphabetic) => label[..=i].to_owned(),
        _ => String::new(),
    }
}

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

/// One week of a series: (week, mean, p05, p95).
pub type Point = (f64, Option<f64>, Option<f64>, Option<f64>);

/// Formats a number for a tick or value label.
pub type Format = fn(f64) -> String;

/// One weekly series: mean line and optional 5–95% ribbon.
#[derive(Debug, Clone)]
pub struct Series {
    /// Colour.
    pub colour: RGBColor,
    /// Dashed line (e.g. capacity) instead of solid.
    pub dashed: bool,
    /// Line width \[px\].
    pub width: u32,
    /// Draw the 5–95% ribbon.
    pub ribbon: bool,
    /// (week, mean, p05, p95).
    pub points: Vec<Point>,
}

/// A weekly time-series panel.
#[derive(Debug, Clone)]
pub struct SeriesPanel {
    /// Panel title.
    pub title: String,
    /// Vertical axis description, with units.
    pub y_desc: String,
    /// Series, drawn in order (ribbons first, then lines).
    pub series: Vec<Series>,
    /// Text shown when there is nothing to draw.
    pub empty_note: String,
    /// Start the vertical axis at zero (counts, waits); off where the
    /// interesting part is a gap between two lines near the top.
    pub zero_based: bool,
}

/// Draws weekly series: ribbons (5–95% of replications) under mean lines.
pub fn series_panel<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, panel: &SeriesPanel) -> Result<()> {
    let mut x_max: f64 = 1.0;
    let mut y_lo = f64::INFINITY;
    let mut y_hi = f64::NEG_INFINITY;
    for s in &panel.series {
        for &(w, m, lo, hi) in &s.points {
            for v in [m, lo, hi].into_iter().flatten() {
                y_lo = y_lo.min(v);
                y_hi = y_hi.max(v);
                x_max = x_max.max(w);
            }
        }
    }
    if !y_lo.is_finite() || !y_hi.is_finite() {
        return note(area, Some(&panel.title), &panel.empty_note);
    }
    // Counts and waits start at zero so differences are not exaggerated;
    // other panels pad below the lowest value.
    let y_lo = if panel.zero_based {
        y_lo.min(0.0)
    } else if y_lo >= 0.0 {
        (y_lo - (y_hi - y_lo) * 0.08).max(0.0)
    } else {
        y_lo - (y_hi - y_lo) * 0.08
    };
    let y_hi = if y_hi - y_lo <= 0.0 {
        y_lo + 1.0
    } else {
        y_hi + (y_hi - y_lo) * 0.06
    };
    let x_range: Range<f64> = 0.5..(x_max + 0.5);
    let mut chart = de(ChartBuilder::on(area)
        .caption(panel.title.as_str(), bold(size::PANEL, INK))
        .margin_left(MARGIN as u32)
        .margin_right(MARGIN as u32 + 10)
        .margin_top(14)
        .x_label_area_size(size::TICK as u32 + size::AXIS as u32 + 18)
        .y_label_area_size(size::TICK as u32 * 3 + size::AXIS as u32 + 24)
        .build_cartesian_2d(x_range, y_lo..y_hi))?;
    let y_fmt = |y: &f64| style::tick(*y);
    let x_fmt = |x: &f64| format!("{x:.0}");
    de(chart
        .configure_mesh()
        .x_labels(10)
        .y_labels(6)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .x_desc("Week after warm-up")
        .y_desc(panel.y_desc.as_str())
        .axis_desc_style(font(size::AXIS, INK))
        .label_style(font(size::TICK, INK))
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(0xE4, 0xE4, 0xE4))
        .axis_style(INK.stroke_width(2))
        .draw())?;
    for s in panel.series.iter().filter(|s| s.ribbon) {
        for run in runs(&s.points, |p| p.2.zip(p.3)) {
            let mut poly: Vec<(f64, f64)> = run.iter().map(|(w, (_, hi))| (*w, *hi)).collect();
            poly.extend(run.iter().rev().map(|(w, (lo, _))| (*w, *lo)));
            de(chart.draw_series(std::iter::once(Polygon::new(poly, s.colour.mix(0.16).filled()))))?;
        }
    }
    for s in &panel.series {
        for run in runs(&s.points, |p| p.1) {
            let pts: Vec<(f64, f64)> = run.into_iter().collect();
            if s.dashed {
                de(chart.draw_series(DashedLineSeries::new(pts, 12, 8, s.colour.stroke_width(s.width))))?;
            } else if pts.len() == 1 {
                de(chart.draw_series(std::iter::once(Circle::new(pts[0], 5, s.colour.filled()))))?;
            } else {
                de(chart.draw_series(LineSeries::new(pts, s.colour.stroke_width(s.width))))?;
            }
        }
    }
    Ok(())
}

/// Splits a series into runs of consecutive points where `get` is defined,
/// so gaps (undefined weeks) stay gaps instead of being bridged.
fn runs<T: Copy>(points: &[Point], get: impl Fn(&Point) -> Option<T>) -> Vec<Vec<(f64, T)>> {
    let mut out = Vec::new();
    let mut cur: Vec<(f64, T)> = Vec::new();
    let mut last_week = f64::NEG_INFINITY;
    for p in points {
        match get(p) {
            Some(v) if p.0 - last_week <= 1.0 + 1e-9 || cur.is_empty() => {
                cur.push((p.0, v));
                last_week = p.0;
            }
            Some(v) => {
                out.push(std::mem::take(&mut cur));
                cur.push((p.0, v));
                last_week = p.0;
            }
            None => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_split_at_gaps_and_missing_weeks() {
        let p = |w: f64, m: Option<f64>| (w, m, None, None);
        let pts = vec![
            p(1.0, Some(1.0)),
            p(2.0, Some(2.0)),
            p(3.0, None),
            p(4.0, Some(4.0)),
            p(6.0, Some(6.0)),
        ];
        let r = runs(&pts, |x| x.1);
        assert_eq!(r.len(), 3);
        assert_eq!(r[0].len(), 2);
        assert_eq!(r[1], vec![(4.0, 4.0)]);
    }

    #[test]
    fn label_prefix_keeps_words_only() {
        assert_eq!(label_prefix("net 5,200"), "net ");
        assert_eq!(label_prefix("5,200"), "");
        assert_eq!(label_prefix("lost to bounce-back 1,700"), "lost to bounce-back ");
    }
}

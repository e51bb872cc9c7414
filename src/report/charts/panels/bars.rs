//! Horizontal bars with confidence whiskers, grouped by category.

use super::super::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::super::style::{self, size, INK, MUTED_INK};

use super::*;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_prefix_keeps_words_only() {
        assert_eq!(label_prefix("net 5,200"), "net ");
        assert_eq!(label_prefix("5,200"), "");
        assert_eq!(label_prefix("lost to bounce-back 1,700"), "lost to bounce-back ");
    }
}

//! Weekly series with a 5–95% ribbon, one line per arm.

use std::ops::Range;

use super::super::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::super::style;

use super::*;

/// One week of a series: (week, mean, p05, p95).
pub type Point = (f64, Option<f64>, Option<f64>, Option<f64>);

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
    let mut chart = plot_area(area, Some(&panel.title), x_range, y_lo..y_hi)?;
    let y_fmt = |y: &f64| style::tick(*y);
    let x_fmt = |x: &f64| format!("{x:.0}");
    house_mesh(&mut chart, ("Week after warm-up", 10, &x_fmt), (panel.y_desc.as_str(), &y_fmt))?;
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
}

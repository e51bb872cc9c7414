//! Charts of a results directory, as SVG (for the HTML report) and PNG (for
//! slides), written to `DIR/charts/NN_name.{svg,png}`.
//!
//! Every chart has a title, axis labels with units, a legend in its own
//! strip, and a caption naming the scenario and the replication count. Arms
//! keep one colour in every chart (counterfactual grey, policy arms
//! Okabe–Ito). Text is drawn with the embedded DejaVu Sans through plotters'
//! `ab_glyph` support, so PNGs render on machines with no system fonts.
//!
//! ```no_run
//! let written = signpost::report::charts::draw_all(std::path::Path::new("output/default"))?;
//! # Ok::<(), signpost::report::ReportError>(())
//! ```

pub mod equity_chart;
pub mod figures;
pub mod panels;
pub mod portfolio_charts;
pub mod practices_chart;
pub mod psa_charts;
pub mod style;
pub mod tornado;

use std::fs;
use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;

use super::ReportError;
use crate::output::write_atomic;
use crate::report::results::Results;
use panels::de;

/// A chart that could not be drawn or encoded, with what was being done.
/// Nothing is written for it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ChartError(pub String);

impl ChartError {
    /// The same error, with `context` (which chart) in front.
    pub fn context(self, context: impl std::fmt::Display) -> ChartError {
        ChartError(format!("{context}: {}", self.0))
    }
}

/// Drawing results.
pub type Result<T> = std::result::Result<T, ChartError>;

/// The charts, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure {
    /// GP appointments freed: gross, lost to bounce-back, net; NHS 5% aim.
    GpFreed,
    /// Bounce-back rate and safety events per arm.
    BounceSafety,
    /// Weekly GP demand vs capacity, and GP waiting time.
    GpDemandWait,
    /// Link-worker waiting list and caseload per FTE over time.
    LinkWorker,
    /// VCSE occupancy and rejections per service.
    Vcse,
    /// Where episodes end, stacked per arm.
    Endings,
    /// Cost per net GP appointment freed.
    Cost,
}

impl Figure {
    /// Every chart, in report order.
    pub const ALL: [Figure; 7] = [
        Figure::GpFreed,
        Figure::BounceSafety,
        Figure::GpDemandWait,
        Figure::LinkWorker,
        Figure::Vcse,
        Figure::Endings,
        Figure::Cost,
    ];

    /// File name without extension, e.g. `01_gp_appointments_freed`.
    pub fn stem(self) -> &'static str {
        match self {
            Figure::GpFreed => "01_gp_appointments_freed",
            Figure::BounceSafety => "02_bounce_back_and_safety",
            Figure::GpDemandWait => "03_gp_demand_capacity_wait",
            Figure::LinkWorker => "04_link_worker_waitlist_caseload",
            Figure::Vcse => "05_vcse_occupancy_rejections",
            Figure::Endings => "06_where_episodes_end",
            Figure::Cost => "07_cost_per_appointment_freed",
        }
    }

    /// The chart's title, as drawn.
    pub fn title(self) -> &'static str {
        match self {
            Figure::GpFreed => "GP appointments freed, after bounce-back",
            Figure::BounceSafety => "Bounce-back and safety, per arm",
            Figure::GpDemandWait => "GP appointment demand, capacity and waiting time",
            Figure::LinkWorker => "Social prescribing link workers: waiting list and caseload",
            Figure::Vcse => "Voluntary-sector (VCSE) services: occupancy and rejections",
            Figure::Endings => "Where episodes of need end, per arm",
            Figure::Cost => "Incremental cost per net GP appointment freed",
        }
    }

    /// What the chart shows, in a sentence (alt text in the report).
    pub fn description(self) -> &'static str {
        match self {
            Figure::GpFreed => "For each policy arm, GP appointments freed before bounce-back (gross), the GP appointments bounce-back caused, and the net saving, with 95% confidence intervals and the NHS aim of 5% of GP appointments.",
            Figure::BounceSafety => "For each arm, the share of signposted contacts that bounced back and the number of urgent needs sent away from the GP, with 95% confidence intervals.",
            Figure::GpDemandWait => "Weekly GP booking requests per arm against appointments available, and the mean wait for a GP appointment, with 5-95% bands over replications.",
            Figure::LinkWorker => "Weekly link-worker waiting list and active caseload per full-time link worker, per arm, with 5-95% bands over replications.",
            Figure::Vcse => "For each voluntary-sector service, mean occupancy and referrals rejected because it was full, per arm, with 95% confidence intervals.",
            Figure::Endings => "For each arm, the share of episodes of need that ended at the GP, another practice role, pharmacy, a link worker, a VCSE service, reception, unmet, or still in the system.",
            Figure::Cost => "For each policy arm, the incremental programme cost per net GP appointment freed, with 95% confidence intervals, against the cost of one GP appointment.",
        }
    }

    /// Canvas size \[px\]: two-panel charts are taller.
    pub fn size(self) -> (u32, u32) {
        match self {
            Figure::GpFreed | Figure::Cost | Figure::Endings => (1200, 800),
            Figure::BounceSafety => (1200, 960),
            Figure::GpDemandWait | Figure::LinkWorker => (1200, 1040),
            Figure::Vcse => (1200, 1160),
        }
    }
}

/// One chart, rendered.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// Which chart.
    pub figure: Figure,
    /// The SVG document.
    pub svg: String,
    /// The PNG file's bytes.
    pub png: Vec<u8>,
}

/// The caption line every chart shares: scenario, replications, period.
pub fn provenance(res: &Results) -> String {
    let mut s = format!("Scenario: {} · {} replications per arm", res.scenario_name(), res.replications());
    if let Some(h) = res.run.horizon_days {
        s.push_str(&format!(" · {} days", style::days(h)));
        if let Some(w) = res.run.warmup_days {
            s.push_str(&format!(" after a {}-day warm-up", style::days(w)));
        }
    }
    if let Some(v) = &res.run.version {
        s.push_str(&format!(" · signpost {v}"));
    }
    s
}

/// Something drawn the same way on any plotters backend (SVG and PNG).
pub trait Drawing {
    /// Size \[px\].
    fn size(&self) -> (u32, u32);
    /// Draws onto `root`.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>;
}

/// Renders a drawing to an SVG document and PNG bytes in memory.
pub fn render_svg_png(drawing: &impl Drawing) -> Result<(String, Vec<u8>)> {
    style::register_fonts();
    let (w, h) = drawing.size();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        drawing.draw(&root)?;
        de(root.present())?;
    }
    // Layout was measured with DejaVu Sans; ask viewers for it (or Verdana,
    // its near-metric twin) so labels fit the space measured for them.
    let svg = svg.replace(
        &format!("font-family=\"{}\"", style::FAMILY),
        "font-family=\"DejaVu Sans, Verdana, sans-serif\"",
    );
    let mut rgb = vec![0u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
        drawing.draw(&root)?;
        de(root.present())?;
    }
    let png = encode_png(&rgb, w, h)?;
    Ok((svg, png))
}

/// One report figure with what it needs to draw itself.
struct FigureDrawing<'a> {
    fig: Figure,
    ctx: figures::Ctx<'a>,
}

impl Drawing for FigureDrawing<'_> {
    fn size(&self) -> (u32, u32) {
        self.fig.size()
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        figures::draw(self.fig, root, &self.ctx).map_err(|e| e.context(format!("chart {}", self.fig.stem())))
    }
}

/// Renders one chart to SVG and PNG in memory.
pub fn render(fig: Figure, res: &Results) -> Result<Rendered> {
    let drawing = FigureDrawing {
        fig,
        ctx: figures::Ctx {
            res,
            provenance: provenance(res),
        },
    };
    let (svg, png) = render_svg_png(&drawing)?;
    Ok(Rendered { figure: fig, svg, png })
}

/// Renders every chart.
pub fn render_all(res: &Results) -> Result<Vec<Rendered>> {
    Figure::ALL.iter().map(|f| render(*f, res)).collect()
}

/// Reads the results in `dir` and writes every chart to
/// `dir/charts/NN_name.svg` and `.png` (atomically). Returns the paths
/// written, SVG then PNG for each chart.
///
/// Fails with a message naming the file when the results cannot be read
/// (see [`Results::load`]), e.g. zero replications.
pub fn draw_all(dir: &Path) -> std::result::Result<Vec<PathBuf>, ReportError> {
    let res = Results::load(dir)?;
    let rendered = render_all(&res)?;
    write_charts(dir, &rendered)
}

/// Where a rendered chart goes in a result directory:
/// `charts/NN_name.svg` and `.png`.
pub fn chart_files(rendered: &[Rendered]) -> Vec<crate::output::ResultFile> {
    let mut files = Vec::with_capacity(rendered.len() * 2);
    for r in rendered {
        files.push(crate::output::ResultFile::new(
            format!("charts/{}.svg", r.figure.stem()),
            r.svg.as_bytes(),
        ));
        files.push(crate::output::ResultFile::new(
            format!("charts/{}.png", r.figure.stem()),
            r.png.clone(),
        ));
    }
    files
}

/// Writes rendered charts to `dir/charts/`, each file atomically (they may
/// replace charts a reader has open).
pub fn write_charts(dir: &Path, rendered: &[Rendered]) -> std::result::Result<Vec<PathBuf>, ReportError> {
    let out = dir.join("charts");
    fs::create_dir_all(&out).map_err(|e| crate::output::OutputError::CreateDir {
        path: out.clone(),
        what: "directory",
        source: e,
    })?;
    let mut written = Vec::with_capacity(rendered.len() * 2);
    for file in chart_files(rendered) {
        let path = dir.join(&file.name);
        write_atomic(&path, &file.bytes)?;
        written.push(path);
    }
    Ok(written)
}

fn encode_png(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let png = |e: png::EncodingError| ChartError(format!("encoding PNG: {e}"));
        let mut writer = enc.write_header().map_err(png)?;
        writer.write_image_data(rgb).map_err(png)?;
        writer.finish().map_err(png)?;
    }
    Ok(out)
}

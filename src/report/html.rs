//! `report.html`: one self-contained file a commissioner can take to a
//! board. Plain-English summary first, then the charts (inline SVG), a
//! table of key results per arm, the flagged assumptions, a
//! reproducibility section following the STRESS-DES checklist (Monks et al.
//! 2019), and the full scenario text.
//!
//! Self-contained means: inline CSS and SVG only, no scripts, no external
//! URLs, and a Content-Security-Policy that forbids loading anything. Every
//! piece of text that comes from the results (scenario name, descriptions,
//! arm names, the scenario file) is HTML-escaped.

use crate::metric::Metric;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

mod equity;
pub mod portfolio;
mod practices;
pub mod psa;
mod summary;

use super::charts::{self, style, ChartError, Rendered};
use super::results::{Results, COUNTERFACTUAL};
use super::ReportError;
use crate::output::{write_atomic, OutputError, ResultFile};
use summary::summary;

/// The charts (`charts/NN_name.{svg,png}`) and `report.html` of results.
pub fn report_files(res: &Results) -> Result<Vec<ResultFile>, ChartError> {
    let rendered = charts::render_all(res)?;
    let mut files = charts::chart_files(&rendered);
    files.push(ResultFile::new("report.html", render(res, &rendered)));
    Ok(files)
}

/// Reads the results in `dir`, (re)writes the charts to `dir/charts/`, and
/// writes `dir/report.html`, each file atomically. Returns the report's
/// path.
pub fn write_report(dir: &Path) -> Result<PathBuf, ReportError> {
    let res = Results::load(dir)?;
    let files = report_files(&res)?;
    let charts = dir.join("charts");
    std::fs::create_dir_all(&charts).map_err(|e| OutputError::CreateDir {
        path: charts,
        what: "directory",
        source: e,
    })?;
    for file in &files {
        write_atomic(&dir.join(&file.name), &file.bytes)?;
    }
    Ok(dir.join("report.html"))
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = r#"
:root { --ink: #1f1f1f; --muted: #555; --rule: #d9d9d9; --accent: #005eb8; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 17px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", Arial, sans-serif; }
main { max-width: 1060px; margin: 0 auto; padding: 24px 28px 64px; }
h1 { font-size: 1.9em; margin: 0.2em 0 0.1em; line-height: 1.2; }
h2 { font-size: 1.4em; margin-top: 2.2em; border-bottom: 2px solid var(--accent); padding-bottom: 4px; }
h3 { font-size: 1.15em; margin: 1.6em 0 0.3em; }
.sub { color: var(--muted); margin-top: 0; }
.swatch { display: inline-block; width: 0.9em; height: 0.9em; border-radius: 2px;
  vertical-align: -0.1em; margin-right: 0.35em; border: 1px solid #0003; }
.summary li { margin: 0.6em 0; }
.key { background: #f3f7fb; border-left: 4px solid var(--accent); padding: 12px 16px; margin: 16px 0; }
nav ol { columns: 2; margin: 0.4em 0; }
ul.assumptions { columns: 3 16em; font-size: 0.9em; }
#reproducibility td:first-child { white-space: nowrap; }
figure { margin: 28px 0; }
figure svg { width: 100%; height: auto; display: block; border: 1px solid var(--rule); }
figcaption { color: var(--muted); font-size: 0.92em; margin-top: 6px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; font-size: 0.93em; }
th, td { border-bottom: 1px solid var(--rule); padding: 5px 8px; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
th { background: #f4f4f4; }
.nd { color: var(--muted); font-style: italic; }
pre { background: #f7f7f7; border: 1px solid var(--rule); padding: 12px; overflow-x: auto;
  font-size: 0.85em; line-height: 1.35; white-space: pre-wrap; word-break: break-word; }
code { font-size: 0.95em; }
@media print { h2 { break-after: avoid; } figure { break-inside: avoid; } }
"#;

/// Builds the report's HTML from results and rendered charts.
pub fn render(res: &Results, rendered: &[Rendered]) -> String {
    let name = escape(res.scenario_name());
    let mut h = String::with_capacity(1 << 20);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <title>signpost report: {name}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
    );
    let _ = write!(
        h,
        "<header>\n<h1>Active signposting: GP appointments freed, after bounce-back</h1>\n\
         <p class=\"sub\">Scenario <strong>{name}</strong>{}. {} replications per arm; {}.</p>\n</header>\n",
        res.run
            .scenario_description
            .as_deref()
            .map(|d| format!(": {}", escape(d.trim_end().trim_end_matches('.'))))
            .unwrap_or_default(),
        res.replications(),
        period(res),
    );
    if !res.missing.is_empty() {
        let _ = writeln!(
            h,
            "<p class=\"nd\">Not found in the results directory: {}. The parts of the report that need them say so.</p>",
            escape(&res.missing.join(", "))
        );
    }
    summary(&mut h, res);
    contents(&mut h, rendered);
    figures(&mut h, rendered);
    tables(&mut h, res);
    equity::equity(&mut h, res);
    practices::practices(&mut h, res);
    assumptions(&mut h, res);
    reproducibility(&mut h, res);
    scenario(&mut h, res);
    h.push_str("</main>\n</body>\n</html>\n");
    h
}

fn period(res: &Results) -> String {
    match (res.run.horizon_days, res.run.warmup_days) {
        (Some(hd), Some(w)) => format!("{} days of results after a {}-day warm-up", style::days(hd), style::days(w)),
        (Some(hd), None) => format!("{} days of results", style::days(hd)),
        _ => "run length not recorded".into(),
    }
}

pub(super) fn swatch(res: &Results, arm: &str) -> String {
    let i = res.arms.iter().position(|a| a == arm).unwrap_or(0);
    let c = style::arm_colour(i, arm);
    format!(
        "<span class=\"swatch\" style=\"background:#{:02x}{:02x}{:02x}\"></span>",
        c.0, c.1, c.2
    )
}

/// "a–b", or "not defined".
pub(super) fn ci_text(ci: Option<(f64, f64)>, f: impl Fn(f64) -> String) -> String {
    match ci {
        Some((l, h)) => format!("{}–{}", f(l), f(h)),
        None => "not defined".into(),
    }
}

fn contents(h: &mut String, rendered: &[Rendered]) {
    h.push_str("<nav aria-label=\"Contents\">\n<h2>Contents</h2>\n<ol>\n");
    for (i, r) in rendered.iter().enumerate() {
        let _ = writeln!(
            h,
            "<li><a href=\"#{}\">Figure {}: {}</a></li>",
            r.figure.stem(),
            i + 1,
            escape(r.figure.title())
        );
    }
    h.push_str(
        "<li><a href=\"#tables\">Key results per arm</a></li>\n<li><a href=\"#assumptions\">Assumptions</a></li>\n\
         <li><a href=\"#reproducibility\">Reproducibility</a></li>\n<li><a href=\"#scenario\">Scenario as run</a></li>\n</ol>\n</nav>\n",
    );
}

/// The start of a standalone page: doctype, head (strict CSP, the
/// report's CSS) and the opening of `<main>`; `title` is escaped.
fn page_start(h: &mut String, title: &str) {
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n",
        escape(title)
    );
}

/// Numbered figures from `(title, description, svg)`, with ids
/// `{prefix}-1`, `{prefix}-2`, ….
fn numbered_figures(h: &mut String, prefix: &str, charts: &[(String, String, String)]) {
    for (i, (title, description, svg)) in charts.iter().enumerate() {
        let id = format!("{prefix}-{}", i + 1);
        let _ = write!(
            h,
            "<figure id=\"{id}\">\n{}\n<figcaption><strong>Figure {}.</strong> {}</figcaption>\n</figure>\n",
            inline_svg(svg, &id, title),
            i + 1,
            escape(description)
        );
    }
}

/// Makes a plotters SVG fit for inlining: scalable (viewBox, no fixed
/// size), labelled for screen readers, and without the XML namespace URL
/// (HTML parses inline `<svg>` without it).
/// Writes a section's chart as a figure `figure_id` holding its inline SVG
/// (`svg_id`), captioned `title`; or a line saying the `what` could not be
/// drawn.
fn push_figure(h: &mut String, figure_id: &str, svg_id: &str, title: &str, chart: charts::Result<(String, Vec<u8>)>, what: &str) {
    match chart {
        Ok((svg, _)) => {
            let _ = writeln!(
                h,
                "<figure id=\"{figure_id}\">\n{}\n<figcaption>{}</figcaption>\n</figure>",
                inline_svg(&svg, svg_id, title),
                escape(title)
            );
        }
        Err(e) => {
            let _ = writeln!(h, "<p class=\"nd\">The {what} could not be drawn: {}</p>", escape(&e.0));
        }
    }
}

fn inline_svg(svg: &str, id: &str, title: &str) -> String {
    let Some(start) = svg.find("<svg") else {
        return String::new();
    };
    let Some(end) = svg[start..].find('>').map(|e| start + e) else {
        return String::new();
    };
    let open = &svg[start..end];
    let view_box = open
        .split("viewBox=\"")
        .nth(1)
        .and_then(|v| v.split('"').next())
        .unwrap_or("0 0 1200 800");
    format!(
        "<svg viewBox=\"{view_box}\" role=\"img\" aria-labelledby=\"{id}-title\" preserveAspectRatio=\"xMidYMid meet\">\n<title id=\"{id}-title\">{}</title>\n{}",
        escape(title),
        &svg[end + 1..]
    )
}

fn figures(h: &mut String, rendered: &[Rendered]) {
    h.push_str("<section id=\"charts\">\n<h2>Charts</h2>\n");
    for (i, r) in rendered.iter().enumerate() {
        let id = r.figure.stem();
        let _ = write!(
            h,
            "<figure id=\"{id}\">\n{}\n<figcaption><strong>Figure {}.</strong> {} Files: <code>charts/{id}.svg</code>, <code>charts/{id}.png</code>.</figcaption>\n</figure>\n",
            inline_svg(&r.svg, id, r.figure.title()),
            i + 1,
            escape(r.figure.description()),
        );
    }
    h.push_str("</section>\n");
}

/// Key metrics for the per-arm tables, each with its format; labels come
/// from the metric registry.
const KEY_METRICS: &[(Metric, Fmt)] = &[
    (Metric::Contacts, Fmt::Count),
    (Metric::GpDemand, Fmt::Count),
    (Metric::GpAppointments, Fmt::Count),
    (Metric::GpAppointmentsSavedGross, Fmt::Count),
    (Metric::GpAppointmentsFromBounceBack, Fmt::Count),
    (Metric::GpAppointmentsSavedNet, Fmt::Count),
    (Metric::GpShareFreed, Fmt::Percent),
    (Metric::Signposted, Fmt::Count),
    (Metric::SignpostDeclined, Fmt::Count),
    (Metric::BounceBacks, Fmt::Count),
    (Metric::BounceBackRate, Fmt::Percent),
    (Metric::SafetyEvents, Fmt::Number),
    (Metric::UnmetNeeds, Fmt::Count),
    (Metric::ResolutionDaysMean, Fmt::Number),
    (Metric::ResolutionDaysP90, Fmt::Number),
    (Metric::GpWaitDaysMean, Fmt::Number),
    (Metric::SplwWaitDaysMean, Fmt::Number),
    (Metric::SplwWaitlistMean, Fmt::Number),
    (Metric::SplwCaseloadPerFteMean, Fmt::Number),
    (Metric::VcseRejections, Fmt::Count),
    (Metric::VcseUtilisation, Fmt::Percent),
    (Metric::CostIncremental, Fmt::Pounds),
    (Metric::CostPerGpAppointmentFreed, Fmt::Pounds),
];

#[derive(Clone, Copy)]
enum Fmt {
    Count,
    Number,
    Percent,
    Pounds,
}

impl Fmt {
    fn apply(self, x: f64) -> String {
        match self {
            Fmt::Count => style::thousands(x),
            Fmt::Number => style::number(x),
            Fmt::Percent => style::percent(x),
            Fmt::Pounds => style::pounds(x),
        }
    }

    /// Differences carry a sign; differences of shares are in percentage
    /// points.
    fn signed(self, x: f64) -> String {
        let s = match self {
            Fmt::Percent if x.is_finite() => format!("{:.1} pp", x * 100.0),
            _ => self.apply(x),
        };
        if x > 0.0 && !s.starts_with('-') {
            format!("+{s}")
        } else {
            s
        }
    }
}

fn nd() -> &'static str {
    "<span class=\"nd\">not defined</span>"
}

fn tables(h: &mut String, res: &Results) {
    let _ = writeln!(
        h,
        "<section id=\"tables\">\n<h2>Key results per arm</h2>\n<p>Totals over the {} (not scaled to a year). \
         Mean over replications with 95% confidence interval; the last column is the paired difference from the counterfactual (pp = percentage points).</p>",
        period(res)
    );
    for (ai, arm) in res.arms.iter().enumerate() {
        let _ = writeln!(h, "<h3 id=\"arm-{ai}\">{}{}</h3>", swatch(res, arm), escape(arm));
        if let Some(d) = res.arm_description(arm) {
            let _ = writeln!(h, "<p class=\"sub\">{}</p>", escape(d));
        }
        h.push_str(
            "<table>\n<thead><tr><th>Metric</th><th class=\"num\">Mean</th><th class=\"num\">95% CI</th>\
             <th class=\"num\">Difference vs counterfactual (95% CI)</th></tr></thead>\n<tbody>\n",
        );
        for &(key, f) in KEY_METRICS {
            let (metric, label) = (key.name(), key.def().label);
            let Some(st) = res.stat(arm, metric) else {
                continue;
            };
            let mean = st.mean.map(|m| f.apply(m)).unwrap_or_else(|| nd().into());
            let ci = st
                .ci()
                .map(|(l, hi)| format!("{} to {}", f.apply(l), f.apply(hi)))
                .unwrap_or_else(|| nd().into());
            let diff = if arm == COUNTERFACTUAL {
                "—".to_owned()
            } else {
                match res.diff(arm, metric) {
                    Some(d) => match (d.mean, d.ci_low, d.ci_high) {
                        (Some(m), Some(l), Some(hi)) => {
                            format!("{} ({} to {})", f.signed(m), f.signed(l), f.signed(hi))
                        }
                        (Some(m), _, _) => f.signed(m),
                        _ => nd().into(),
                    },
                    None => "<span class=\"nd\">not recorded</span>".into(),
                }
            };
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td class=\"num\">{mean}</td><td class=\"num\">{ci}</td><td class=\"num\">{diff}</td></tr>",
                escape(label)
            );
        }
        h.push_str("</tbody>\n</table>\n");
    }
    h.push_str("</section>\n");
}

fn assumptions(h: &mut String, res: &Results) {
    let list = res.assumptions();
    h.push_str("<section id=\"assumptions\">\n<h2>Assumptions flagged</h2>\n");
    if list.is_empty() {
        h.push_str("<p class=\"nd\">No flagged assumptions were recorded.</p>\n</section>\n");
        return;
    }
    let _ = writeln!(
        h,
        "<p>{} scenario parameters are marked <code>ASSUMPTION</code>: no published figure was found for them, \
         so results depend on judgement there. Test the conclusions against them (sensitivity analysis) before relying on them.</p>\n<ul class=\"assumptions\">",
        list.len()
    );
    for a in &list {
        let _ = writeln!(h, "<li><code>{}</code></li>", escape(a));
    }
    h.push_str("</ul>\n</section>\n");
}

fn reproducibility(h: &mut String, res: &Results) {
    let run = &res.run;
    let nr = || "<span class=\"nd\">not recorded</span>".to_owned();
    let opt = |v: Option<String>| v.map(|s| escape(&s)).unwrap_or_else(nr);
    let num = |v: Option<f64>| v.map(style::number).unwrap_or_else(nr);
    let software = if run.software.is_empty() {
        nr()
    } else {
        run.software
            .iter()
            .map(|(k, v)| format!("{}: {}", escape(k), escape(v)))
            .collect::<Vec<_>>()
            .join("<br>")
    };
    let rerun = format!(
        "<code>signpost run scenario.toml --seed {} --reps {}</code>",
        run.seed.as_deref().map(escape).unwrap_or_else(|| "SEED".into()),
        res.replications()
    );
    let rows: Vec<(&str, &str, String)> = vec![
        ("1.1", "Purpose of the model", opt(run.scenario_description.clone())),
        ("1.2", "Model outputs", "GP appointments (gross, bounce-back, net), bounce-back, safety events, waits, link-worker and VCSE load, where episodes end, costs: <code>summary.csv</code>, <code>comparison.csv</code>, <code>replications.csv</code>, <code>timeseries.csv</code>".into()),
        ("1.3", "Experimentation aims (arms)", res.arms.iter().map(|a| format!("<code>{}</code>{}", escape(a), res.arm_description(a).map(|d| format!(": {}", escape(d))).unwrap_or_default())).collect::<Vec<_>>().join("<br>")),
        ("3.1–3.4", "Parameters and their sources", "The full resolved scenario is below. Sources are cited beside each value in the scenario file the run was made from; values without a published source are listed under <a href=\"#assumptions\">Assumptions flagged</a>.".into()),
        ("4.1", "Initialisation (warm-up)", format!("{} days, excluded from statistics", run.warmup_days.map(style::days).unwrap_or_else(nr))),
        ("4.2", "Run length", format!("{} days of statistics after the warm-up", run.horizon_days.map(style::days).unwrap_or_else(nr))),
        ("4.3", "Estimation approach", format!("{} independent replications per arm; 95% confidence intervals from the t distribution across replications; arms compared with the counterfactual by paired differences under common random numbers", res.replications())),
        ("5.1", "Software", format!("signpost {}<br>{software}", opt(run.version.clone()))),
        ("5.2", "Random sampling", format!("master seed {}; one random-number family per replication, split into streams by purpose, shared by every arm (common random numbers)", opt(run.seed.clone()))),
        ("5.3", "Model execution", format!("{} threads; {} events in {} s ({} events/s); results do not depend on the thread count", run.threads.map(|t| t.to_string()).unwrap_or_else(nr), run.events.map(style::thousands).unwrap_or_else(nr), num(run.wall_seconds), run.events_per_second.map(style::thousands).unwrap_or_else(nr))),
        ("5.4", "System specification", run.software.iter().find(|(k, _)| k == "os").map(|(_, v)| escape(v)).unwrap_or_else(nr)),
        ("6", "Code and scenario", format!("scenario <strong>{}</strong>, SHA-256 <code>{}</code>; output schema version {}; to re-run: {rerun}", escape(res.scenario_name()), opt(run.scenario_sha256.clone()), run.schema_version.map(|v| v.to_string()).unwrap_or_else(nr))),
    ];
    h.push_str(
        "<section id=\"reproducibility\">\n<h2>Reproducibility</h2>\n<p>Reported following the STRESS-DES checklist \
         (Strengthening the Reporting of Empirical Simulation Studies, discrete-event simulation).</p>\n\
         <table>\n<thead><tr><th>STRESS-DES</th><th>Item</th><th>This run</th></tr></thead>\n<tbody>\n",
    );
    for (item, what, value) in rows {
        let _ = writeln!(h, "<tr><td>{item}</td><td>{what}</td><td>{value}</td></tr>");
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
}

fn scenario(h: &mut String, res: &Results) {
    h.push_str("<section id=\"scenario\">\n<h2>Scenario as run</h2>\n");
    match &res.scenario_text {
        Some(text) => {
            h.push_str("<p>The fully resolved scenario (<code>scenario.toml</code>), verbatim:</p>\n<pre>");
            h.push_str(&escape(text));
            h.push_str("</pre>\n");
        }
        None => h.push_str("<p class=\"nd\">scenario.toml was not found in the results directory.</p>\n"),
    }
    h.push_str("</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_neutralises_markup() {
        assert_eq!(
            escape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
    }

    #[test]
    fn inline_svg_drops_fixed_size_and_namespace() {
        let svg = "<svg width=\"1200\" height=\"800\" viewBox=\"0 0 1200 800\" xmlns=\"http://www.w3.org/2000/svg\">\n<rect/>\n</svg>\n";
        let out = inline_svg(svg, "f", "T <1>");
        assert!(out.starts_with("<svg viewBox=\"0 0 1200 800\""));
        assert!(!out.contains("http"));
        assert!(out.contains("<title id=\"f-title\">T &lt;1&gt;</title>"));
        assert!(out.contains("<rect/>"));
    }
}

//! The portfolio's `report.html`: the ICB against the NHS 5% aim, a table
//! of PCNs (appointments freed per 1,000 patients, with intervals), and
//! the portfolio charts. Self-contained, like the run report.

use super::{ci_text, escape, numbered_figures, page_start};
use crate::report::charts::portfolio_charts::PortfolioChartData;
use crate::report::charts::style;
use crate::report::portfolio::{Estimate, NHS_AIM_SHARE};
use std::fmt::Write as _;

fn with_ci(e: Estimate, f: fn(f64) -> String) -> String {
    format!("{} <span class=\"ci\">({})</span>", f(e.mean), ci_text(e.ci, f))
}

/// Where an interval stands against the aim, in words.
fn against_aim(e: Estimate) -> &'static str {
    match e.ci {
        Some((lo, _)) if lo >= NHS_AIM_SHARE => "meets the 5% aim",
        Some((_, hi)) if hi < NHS_AIM_SHARE => "below the 5% aim",
        Some(_) => "cannot tell from these replications",
        None => "not defined",
    }
}

/// `report.html` of a portfolio run; `charts` are (title, description,
/// SVG) in report order.
pub fn portfolio_page(d: &PortfolioChartData, charts: &[(String, String, String)]) -> String {
    let name = escape(&d.portfolio);
    let mut h = String::with_capacity(1 << 20);
    page_start(&mut h, &format!("signpost ICB: {}", d.portfolio));
    let _ = write!(
        h,
        "<header>\n<h1>Active signposting across the ICB</h1>\n<p class=\"sub\">Portfolio <strong>{name}</strong>: {} PCNs, {} registered patients, {} replications per PCN and arm, a {}-day window.</p>\n</header>\n",
        d.pcns.len(),
        style::thousands(d.icb.list_size as f64),
        d.replications,
        style::days(d.horizon_days)
    );
    h.push_str(
        "<section id=\"icb\">\n<h2>The ICB against the NHS 5% aim</h2>\n\
         <p>Every PCN added up, replication by replication: each interval is over the ICB's per-replication totals, paired with the counterfactual (signposting off) in the same random numbers — not the PCNs' intervals added. They show simulation noise at the scenario's values; how much the answer moves with uncertain inputs is what <code>signpost psa</code> on a PCN's file measures.</p>\n\
         <table>\n<thead><tr><th scope=\"col\">Arm</th><th scope=\"col\">Net GP appointments freed (95% CI)</th><th scope=\"col\">Per 1,000 patients a year</th><th scope=\"col\">Share freed</th><th scope=\"col\">Against 5%</th></tr></thead>\n<tbody>\n",
    );
    for a in &d.icb.arms {
        let _ = writeln!(
            h,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&a.arm),
            with_ci(a.freed, style::thousands),
            with_ci(a.freed_per_1000_year, style::number),
            with_ci(a.share_freed, style::percent),
            against_aim(a.share_freed)
        );
    }
    h.push_str("</tbody>\n</table>\n</section>\n");

    h.push_str("<section id=\"pcns\">\n<h2>PCN by PCN</h2>\n<p>Net GP appointments freed per 1,000 registered patients a year, with 95% confidence intervals over replications. Each PCN runs with its own seed (in <code>pcns.csv</code>), so <code>signpost run</code> on its file with that seed repeats it alone.</p>\n<table>\n<thead><tr><th scope=\"col\">PCN</th><th scope=\"col\">Patients</th>");
    for a in &d.icb.arms {
        let _ = write!(h, "<th scope=\"col\">{}</th>", escape(&a.arm));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for p in &d.pcns {
        let _ = write!(
            h,
            "<tr><th scope=\"row\" title=\"{}\">{}</th><td>{}</td>",
            escape(&p.description),
            escape(&p.name),
            style::thousands(p.list_size as f64)
        );
        for a in &p.arms {
            let _ = write!(h, "<td>{}</td>", with_ci(a.freed_per_1000_year, style::number));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table>\n</section>\n<section id=\"charts\">\n<h2>Charts</h2>\n");
    numbered_figures(&mut h, "portfolio", charts);
    h.push_str(
        "</section>\n<section id=\"method\">\n<h2>How the ICB figures are made</h2>\n<p>Per replication, counts, people, money, FTE and hours are added over PCNs; means, percentiles and shares are weighted by registered patients; the share of GP appointments freed and the cost per appointment freed are recomputed from the added totals. Each PCN's own results are under <code>pcns/</code>; the ICB's, in the same columns, under <code>icb/</code>.</p>\n</section>\n</main>\n</body>\n</html>\n",
    );
    h
}

//! "How sure are we?": the report section of a probabilistic sensitivity
//! analysis, in plain English, and the page `signpost psa` writes around it.

use super::{escape, numbered_figures, page_start};
use crate::report::charts::style;
use std::fmt::Write as _;

/// One policy arm over the draws.
#[derive(Debug, Clone, PartialEq)]
pub struct ArmSure {
    /// Arm name.
    pub name: String,
    /// Mean net GP appointments freed per year, with its 95% uncertainty interval.
    pub freed: (f64, Option<(f64, f64)>),
    /// Mean incremental cost per year \[GBP\], with its 95% uncertainty interval.
    pub cost: (f64, Option<(f64, f64)>),
    /// Share of draws in which the GP time freed is worth more than the arm costs.
    pub p_worth_it: f64,
    /// Share of draws in which the arm has the highest net monetary benefit.
    pub p_best: f64,
}

/// What the section says.
#[derive(Debug, Clone, PartialEq)]
pub struct HowSure {
    /// Parameter draws.
    pub draws: usize,
    /// Uncertain parameters (keys).
    pub parameters: usize,
    /// Value of one GP appointment freed \[GBP\].
    pub value_per_appointment: f64,
    /// Policy arms.
    pub arms: Vec<ArmSure>,
    /// Probability doing nothing (the counterfactual) is best.
    pub p_nothing_best: f64,
    /// EVPI per PCN-year \[GBP\].
    pub evpi_pcn_year: f64,
    /// EVPI per year for the population \[GBP\].
    pub evpi_population: f64,
    /// The population \[people\].
    pub population: f64,
    /// Largest EVPPI first: (parameter, GBP per year for the population,
    /// share of EVPI, its standard error in GBP per year for the population).
    pub top: Vec<(String, f64, f64, f64)>,
}

fn pct(p: f64) -> String {
    format!("{:.0}%", 100.0 * p)
}

fn with_ui(v: (f64, Option<(f64, f64)>), f: impl Fn(f64) -> String) -> String {
    match v.1 {
        Some((lo, hi)) => format!("{} (95% uncertainty interval {} to {})", f(v.0), f(lo), f(hi)),
        None => f(v.0),
    }
}

/// Writes the "How sure are we?" section.
pub fn how_sure_section(h: &mut String, s: &HowSure) {
    h.push_str("<section id=\"how-sure\">\n<h2>How sure are we?</h2>\n");
    let _ = writeln!(
        h,
        "<p>Most of this scenario's parameters are assumptions, not measurements. This analysis drew {} plausible sets of values for its {} uncertain parameters \
         (their ranges and sources are in the scenario's <code>[uncertainty]</code> section) and ran every arm with each set, the arms sharing the same patients. \
         Ranges below are <strong>95% uncertainty intervals over plausible parameter values</strong>: they include what we do not know, unlike the \
         confidence intervals of <code>signpost run</code>, which cover simulation noise only. GP time is valued at {} per appointment.</p>",
        s.draws,
        s.parameters,
        style::pounds(s.value_per_appointment)
    );
    h.push_str("<ul class=\"summary\">\n");
    for a in &s.arms {
        let _ = writeln!(
            h,
            "<li><strong>{}</strong>: in {} of plausible worlds it frees more GP time than it costs, and in {} it is the best choice. \
             It frees {} GP appointments a year at an extra cost of {}.</li>",
            escape(&a.name),
            pct(a.p_worth_it),
            pct(a.p_best),
            with_ui(a.freed, style::thousands),
            with_ui(a.cost, style::pounds)
        );
    }
    let _ = writeln!(
        h,
        "<li>Doing nothing (signposting off) is the best choice in {} of plausible worlds.</li>",
        pct(s.p_nothing_best)
    );
    h.push_str("</ul>\n");
    let _ = writeln!(
        h,
        "<p><strong>What would it be worth to know more?</strong> Choosing with today's evidence risks picking an arm that is not the best. \
         Removing all the uncertainty would be worth {} per primary care network a year, or {} a year for a population of {} (the expected value of perfect information, EVPI).</p>",
        style::pounds(s.evpi_pcn_year),
        style::pounds(s.evpi_population),
        style::thousands(s.population)
    );
    if let Some((name, v, share, se)) = s.top.first() {
        let noisy = if se.is_finite() && *se > v / 2.0 {
            format!(
                " This estimate is noisy (standard error {}): run more draws before acting on the ranking.",
                style::pounds(*se)
            )
        } else {
            String::new()
        };
        let _ = writeln!(
            h,
            "<p>The assumption most worth measuring is <code>{}</code>: knowing it exactly would be worth {} a year for the population ({} of the EVPI). \
             A study or local audit of it that costs less than this is good value; the others follow in the chart and in <code>voi.csv</code>.{noisy}</p>",
            escape(name),
            style::pounds(*v),
            pct(*share)
        );
    }
    h.push_str("<ol>\n");
    for (name, v, share, _) in s.top.iter().take(5) {
        let _ = writeln!(
            h,
            "<li><code>{}</code>: {} a year ({} of EVPI)</li>",
            escape(name),
            style::pounds(*v),
            pct(*share)
        );
    }
    h.push_str("</ol>\n</section>\n");
}

/// The PSA's `report.html`: the section and the charts, `(title,
/// description, svg)` each.
pub fn how_sure_page(scenario: &str, s: &HowSure, charts: &[(String, String, String)]) -> String {
    let name = escape(scenario);
    let mut h = String::with_capacity(1 << 20);
    page_start(&mut h, &format!("signpost PSA: {scenario}"));
    let _ = write!(
        h,
        "<header>\n<h1>Active signposting: how sure are we?</h1>\n<p class=\"sub\">Scenario <strong>{name}</strong>: probabilistic sensitivity analysis.</p>\n</header>\n"
    );
    how_sure_section(&mut h, s);
    h.push_str("<section id=\"charts\">\n<h2>Charts</h2>\n");
    numbered_figures(&mut h, "psa", charts);
    h.push_str("</section>\n</main>\n</body>\n</html>\n");
    h
}

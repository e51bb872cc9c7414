//! The report's Equity section, only for runs with IMD quintiles: per
//! policy arm, whether it narrows or widens the gap between the most and
//! least deprived fifths in unmet needs and GP waits (Q1 − Q5 and the
//! slope index of inequality, paired, with 95% CIs), and a chart of the
//! effects by quintile. Read from `equity.csv` (see
//! [`crate::report::groups`]).

use super::{escape, push_figure};
use crate::report::charts::equity_chart::{equity_chart, QuintileEffect, TITLE};
use crate::report::results::Results;
use std::fmt::Write as _;

/// One parsed row of `equity.csv`.
struct Row<'a> {
    arm: &'a str,
    measure: &'a str,
    quantity: &'a str,
    mean: Option<f64>,
    ci: Option<(f64, f64)>,
    statement: &'a str,
}

fn rows(text: &str) -> Vec<Row<'_>> {
    let num = |s: &str| s.parse::<f64>().ok();
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            (f.len() == 8).then(|| Row {
                arm: f[0],
                measure: f[1],
                quantity: f[2],
                mean: num(f[3]),
                ci: num(f[4]).zip(num(f[5])),
                statement: f[7],
            })
        })
        .collect()
}

fn show(v: Option<f64>) -> String {
    v.map_or_else(|| "not defined".into(), |x| format!("{x:.1}"))
}

/// Writes the Equity section (nothing without `equity.csv`).
pub(super) fn equity(h: &mut String, res: &Results) {
    let Some(text) = res.equity_csv.as_deref() else { return };
    let rows = rows(text);
    let mut arms: Vec<String> = Vec::new();
    for r in &rows {
        if !arms.iter().any(|a| a == r.arm) {
            arms.push(r.arm.to_string());
        }
    }
    h.push_str(
        "<section id=\"equity\">\n<h2>Equity</h2>\n<p>The gap between the most deprived fifth of the list (IMD quintile 1) \
         and the least deprived (quintile 5), without the policy and the paired change each arm makes, with 95% confidence \
         intervals across replications. Q1 − Q5 is quintile 1's rate minus quintile 5's; the slope index of inequality (SII) \
         is the same gap read from a regression over all five quintiles weighted by their share of the list. Details in \
         <code>equity.csv</code> and <code>groups.csv</code>.</p>\n",
    );
    h.push_str(
        "<table>\n<thead><tr><th>Arm</th><th>Measure</th><th>Gap without the policy (SII)</th>\
         <th>Change in Q1 − Q5</th><th>Change in SII</th><th>Statement (SII)</th></tr></thead>\n<tbody>\n",
    );
    for arm in &arms {
        // The counterfactual frees nothing, so the freed row's baseline gap
        // is the gap in GP appointments used, and says so.
        for (measure, label, baseline) in [
            ("unmet_needs_per_1000", "Unmet needs per 1,000", ""),
            ("gp_wait_days_mean", "GP wait [days]", ""),
            (
                "gp_appointments_freed_per_1000",
                "GP appointments freed per 1,000",
                "GP appointments used per 1,000: ",
            ),
        ] {
            let find = |q: &str| rows.iter().find(|r| r.arm == arm && r.measure == measure && r.quantity == q);
            let with_ci = |r: Option<&Row>| match r {
                Some(r) => format!(
                    "{} ({})",
                    show(r.mean),
                    r.ci.map_or("CI not defined".into(), |(l, h)| format!("{l:.1} to {h:.1}"))
                ),
                None => "not defined".into(),
            };
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{label}</td><td>{baseline}{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(arm),
                with_ci(find("counterfactual_sii")),
                with_ci(find("q1_minus_q5")),
                with_ci(find("sii")),
                escape(find("sii").map_or("", |r| r.statement)),
            );
        }
    }
    h.push_str("</tbody>\n</table>\n");
    let effects: Vec<QuintileEffect> = rows
        .iter()
        .filter_map(|r| {
            let q = r.quantity.strip_prefix("imd=")?.parse().ok()?;
            Some(QuintileEffect {
                arm: r.arm.to_string(),
                measure: r.measure.to_string(),
                quintile: q,
                mean: r.mean,
                ci: r.ci,
            })
        })
        .collect();
    let caption = format!("Scenario: {} · {} replications per arm", res.scenario_name(), res.replications());
    push_figure(
        h,
        "equity_by_quintile",
        "equity-chart",
        TITLE,
        equity_chart(&arms, &effects, caption),
        "equity chart",
    );
    h.push_str("</section>\n");
}

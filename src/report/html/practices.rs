//! The report's Practices section, only for runs whose scenario lists its
//! practices: per policy arm and practice, GP appointments freed, the GP
//! wait and bounce-backs, each per 1,000 of the practice's patients with
//! paired 95% CIs, and a chart of the appointments freed. Read from the
//! `practice` rows of `groups.csv` (see [`crate::report::groups`]).

use super::{escape, push_figure};
use crate::metric::group::PRACTICE_DIMENSION;
use crate::report::charts::practices_chart::{practices_chart, PracticeEffect, TITLE};
use crate::report::results::Results;
use std::fmt::Write as _;

/// One `practice` row of `groups.csv`.
struct Row {
    arm: String,
    practice: String,
    metric: String,
    mean: Option<f64>,
    diff: Option<f64>,
    diff_ci: Option<(f64, f64)>,
}

/// The `practice` rows of `groups.csv`'s text (others, and rows that do
/// not parse, are skipped: the file was written by this program).
fn rows(text: &str) -> Vec<Row> {
    let num = |s: &str| s.parse::<f64>().ok();
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    reader
        .records()
        .filter_map(|r| r.ok())
        .filter(|f| f.len() == 11 && &f[1] == PRACTICE_DIMENSION)
        .map(|f| Row {
            arm: f[0].to_string(),
            practice: f[2].to_string(),
            metric: f[3].to_string(),
            mean: num(&f[4]),
            diff: num(&f[7]),
            diff_ci: num(&f[8]).zip(num(&f[9])),
        })
        .collect()
}

/// `x (low to high)`, or "not defined".
fn with_ci(mean: Option<f64>, ci: Option<(f64, f64)>) -> String {
    match (mean, ci) {
        (Some(m), Some((l, h))) => format!("{m:.1} ({l:.1} to {h:.1})"),
        (Some(m), None) => format!("{m:.1} (CI not defined)"),
        _ => "not defined".into(),
    }
}

/// Writes the Practices section (nothing without per-practice rows).
pub(super) fn practices(h: &mut String, res: &Results) {
    let Some(text) = res.groups_csv.as_deref() else { return };
    let rows = rows(text);
    if rows.is_empty() {
        return;
    }
    let mut practices: Vec<String> = Vec::new();
    let mut arms: Vec<String> = Vec::new();
    for r in &rows {
        if !practices.contains(&r.practice) {
            practices.push(r.practice.clone());
        }
        if r.diff.is_some() && !arms.contains(&r.arm) {
            arms.push(r.arm.clone());
        }
    }
    let find = |arm: &str, practice: &str, metric: &str| rows.iter().find(|r| r.arm == arm && r.practice == practice && r.metric == metric);
    h.push_str(
        "<section id=\"practices\">\n<h2>Practices</h2>\n<p>Each practice's own results, per 1,000 of its patients, paired \
         with the same practice in the counterfactual (same patients and random numbers), with 95% confidence intervals \
         across replications. Freed is counterfactual minus arm. Link workers, VCSE services and the other roles are \
         shared by the PCN. Details in the <code>practice</code> rows of <code>groups.csv</code>.</p>\n",
    );
    h.push_str(
        "<table>\n<thead><tr><th>Arm</th><th>Practice</th><th>GP appointments freed per 1,000</th>\
         <th>GP wait [days]</th><th>Change in GP wait [days]</th><th>Change in bounce-backs per 1,000</th></tr></thead>\n<tbody>\n",
    );
    let mut effects = Vec::new();
    for arm in &arms {
        for practice in &practices {
            let freed = find(arm, practice, "gp_appointments_per_1000");
            let (mean, ci) = (
                freed.and_then(|r| r.diff).map(|d| -d),
                freed.and_then(|r| r.diff_ci).map(|(l, h)| (-h, -l)),
            );
            effects.push(PracticeEffect {
                arm: arm.clone(),
                practice: practice.clone(),
                mean,
                ci,
            });
            let wait = find(arm, practice, "gp_wait_days_mean");
            let bounce = find(arm, practice, "bounce_backs_per_1000");
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(arm),
                escape(practice),
                with_ci(mean, ci),
                wait.and_then(|r| r.mean).map_or("not defined".into(), |w| format!("{w:.1}")),
                with_ci(wait.and_then(|r| r.diff), wait.and_then(|r| r.diff_ci)),
                with_ci(bounce.and_then(|r| r.diff), bounce.and_then(|r| r.diff_ci)),
            );
        }
    }
    h.push_str("</tbody>\n</table>\n");
    let caption = format!("Scenario: {} · {} replications per arm", res.scenario_name(), res.replications());
    push_figure(
        h,
        "practices_freed",
        "practices-chart",
        TITLE,
        practices_chart(&arms, &practices, &effects, caption),
        "practices chart",
    );
    h.push_str("</section>\n");
}

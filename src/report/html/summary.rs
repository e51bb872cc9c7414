//! The report's plain-English summary: per arm, the GP appointments freed,
//! what happened to the GP capacity signposting released, the GP time and
//! its value, bounce-back, safety, and cost (a cheaper arm that frees
//! appointments is called dominant, not given a negative price); then how
//! to read it, including which headline reproduces the NHS aim by
//! construction.

use super::{ci_text, escape, swatch};
use crate::metric::Metric;
use crate::report::charts::style;
use crate::report::results::{Results, COUNTERFACTUAL};
use crate::report::terminal::DOMINANT;
use std::fmt::Write as _;

pub(super) fn summary(h: &mut String, res: &Results) {
    let k = res.year_factor();
    let (per, scale) = match k {
        Some(k) => ("a year", k),
        None => ("over the run", 1.0),
    };
    let count = |v: f64| style::thousands(v * scale);
    h.push_str("<section id=\"summary\">\n<h2>Summary</h2>\n");
    if k.is_some() {
        let _ = writeln!(
            h,
            "<p>Figures are scaled from the {}-day run to a year (365 days); means over replications with 95% confidence intervals (CI) of the mean over replications, which cover simulation noise only, not what we do not know about the parameters: for that, <code>signpost psa</code> gives 95% uncertainty intervals over plausible parameter values.</p>",
            style::days(res.run.horizon_days.unwrap_or(365.0))
        );
    } else {
        h.push_str("<p>The run length was not recorded, so figures are totals over the run, not per year.</p>\n");
    }
    h.push_str("<ul class=\"summary\">\n");
    let cf_gp = res.mean(COUNTERFACTUAL, Metric::GpAppointments.name());
    let cf_safety = res.mean(COUNTERFACTUAL, Metric::SafetyEvents.name());
    {
        let mut s = format!(
            "<li>{}<strong>{COUNTERFACTUAL}</strong> (signposting off): ",
            swatch(res, COUNTERFACTUAL)
        );
        match cf_gp {
            Some(g) => {
                let _ = write!(s, "the practice gives {} GP appointments {per}", count(g));
            }
            None => s.push_str("GP appointments not recorded"),
        }
        if let Some(w) = res.mean(COUNTERFACTUAL, Metric::GpWaitDaysMean.name()) {
            let _ = write!(s, "; the mean wait for a GP appointment is {} days", style::number(w));
        }
        s.push_str(".</li>\n");
        h.push_str(&s);
    }
    let calibrated = calibrated_arm(res);
    let arms: Vec<&str> = res.policy_arms().collect();
    if arms.is_empty() {
        h.push_str("<li>Only the counterfactual ran: there is no policy arm to compare.</li>\n");
    }
    for arm in arms {
        let mut s = format!("<li>{}<strong>{}</strong> frees ", swatch(res, arm), escape(arm));
        let net = res.stat(arm, Metric::GpAppointmentsSavedNet.name());
        match net.and_then(|n| n.mean) {
            Some(v) => {
                let ci = net.and_then(|n| n.ci());
                let _ = write!(
                    s,
                    "<strong>{} GP appointments {per}</strong> (95% CI {})",
                    count(v),
                    ci_text(ci, count)
                );
                let share = res
                    .mean(arm, Metric::GpShareFreed.name())
                    .or_else(|| cf_gp.filter(|g| *g > 0.0).map(|g| v / g));
                if let Some(p) = share {
                    let _ = write!(s, ", about {} of GP demand", style::percent(p));
                    if calibrated.as_ref().is_some_and(|c| c.arm == arm) {
                        s.push_str(" (calibrated to the NHS aim of about 5%: this reproduces the aim by construction)");
                    } else {
                        let aim = if p >= 0.05 { "meeting" } else { "short of" };
                        let _ = write!(s, " ({aim} the NHS aim of 5%)");
                    }
                }
                if let Some((l, hi)) = ci {
                    if l <= 0.0 && hi >= 0.0 {
                        s.push_str(", a saving not distinguishable from zero");
                    } else if hi < 0.0 {
                        s.push_str(": it <strong>adds</strong> GP appointments");
                    }
                }
            }
            None => s.push_str("a number of GP appointments that is not defined"),
        }
        s.push_str(". ");
        freed_capacity(&mut s, res, arm, per, &count);
        let bb = res.mean(arm, Metric::GpAppointmentsLostToBounceBack.name());
        let gross = res.mean(arm, Metric::GpAppointmentsSavedGross.name());
        if let (Some(b), Some(g)) = (bb, gross) {
            let _ = write!(
                s,
                "{} of the {} appointments freed before bounce-back are lost to bounce-back",
                count(b),
                count(g)
            );
            if g > 0.0 {
                let _ = write!(s, " ({})", style::percent(b / g));
            }
            s.push_str(". ");
        }
        if let Some(r) = res.mean(arm, Metric::BounceBackRate.name()) {
            let _ = write!(s, "{} of signposted contacts bounce back. ", style::percent(r));
        }
        if let Some(se) = res.mean(arm, Metric::SafetyEvents.name()) {
            let _ = write!(
                s,
                "Urgent needs sent away from the GP (safety events): {} {per}",
                style::number(se * scale)
            );
            if let Some(c) = cf_safety {
                let _ = write!(s, " (counterfactual {})", style::number(c * scale));
            }
            s.push_str(". ");
        }
        let cost = res.stat(arm, Metric::CostPerGpAppointmentFreed.name());
        let incremental = res.stat(arm, Metric::CostIncremental.name());
        let dominant = matches!(
            (incremental.and_then(|c| c.mean), net.and_then(|n| n.mean)),
            (Some(c), Some(n)) if c < 0.0 && n > 0.0
        );
        match cost.and_then(|c| c.mean) {
            _ if dominant => {
                let saving = incremental.and_then(|c| c.mean).map_or(0.0, |c| -c * scale);
                let _ = write!(
                    s,
                    "It costs {} {per} less than the counterfactual and still frees GP appointments: <strong>{DOMINANT}</strong> \
                     (incremental cost 95% CI {}).",
                    style::pounds(saving),
                    ci_text(incremental.and_then(|c| c.ci()), |x| style::pounds(x * scale))
                );
            }
            Some(c) => {
                let _ = write!(
                    s,
                    "Cost per net GP appointment freed: {} (95% CI {}).",
                    style::pounds(c),
                    ci_text(cost.and_then(|c| c.ci()), style::pounds)
                );
            }
            None if res.stat(arm, Metric::CostPerGpAppointmentFreed.name()).is_some() => {
                s.push_str("Cost per GP appointment freed is not defined (no net appointments freed).");
            }
            None => {}
        }
        if let Some(d) = res.arm_description(arm) {
            let _ = write!(s, "<br><span class=\"nd\">{}</span>", escape(d));
        }
        s.push_str("</li>\n");
        h.push_str(&s);
    }
    h.push_str("</ul>\n");
    h.push_str(
        "<p class=\"key\"><strong>How to read this.</strong> <em>Gross</em> GP appointments freed are \
         those signposting diverted away from the GP. Some signposted patients come back \
         (<em>bounce-back</em>) and book a GP appointment after all; <em>net</em> is what is left. \
         Every arm is compared with the counterfactual in the same simulated weeks and patients \
         (common random numbers), so differences are paired. \
         <em>What happened to the freed capacity</em>: every GP booking request an arm avoids either \
         leaves a GP appointment unused (<em>freed, net</em>) or is <em>taken up by other patients' \
         demand</em> — in a full diary the slot goes to someone who would otherwise have been turned \
         away or waited longer, so it shows as fewer unbooked requests and shorter waits, not as \
         appointments freed. Costs include other practice roles' appointments used and navigator time \
         per signpost.</p>\n",
    );
    if let Some(c) = calibrated {
        let _ = writeln!(
            h,
            "<p class=\"key\"><strong>No circular headline.</strong> The NHS aim of \"about 5%\" of GP \
             consultations freed is not a finding of this model: the identification rate of the \
             <em>{tier}</em> training tier was set so that <strong>{arm}</strong> frees about 5% of GP demand. \
             Its headline therefore reproduces the aim by construction; it shows what follows if the aim \
             is met, not that signposting meets it. Other arms using the same tier inherit that \
             calibration: their differences from {arm} are results of the model, their level is not. \
             <code>signpost calibrate</code> lists which published figures set parameters and which are \
             held out as checks.</p>",
            tier = escape(&c.tier),
            arm = escape(&c.arm),
        );
    }
    h.push_str("</section>\n");
}

/// The arm the NHS "about 5%" aim was calibrated on: the first arm with
/// active signposting by trained navigators (as `signpost calibrate`
/// chooses it), read from the resolved `scenario.toml`.
struct Calibrated {
    arm: String,
    tier: String,
}

fn calibrated_arm(res: &Results) -> Option<Calibrated> {
    let value: toml::Value = toml::from_str(res.scenario_text.as_deref()?).ok()?;
    let nav = value.get("navigation");
    let base = |key: &str| nav.and_then(|n| n.get(key)).and_then(toml::Value::as_str).unwrap_or("");
    value.get("arms")?.as_array()?.iter().find_map(|arm| {
        let set = arm.get("set");
        let get = |key: &str, default: &str| {
            set.and_then(|s| s.get(format!("navigation.{key}")))
                .and_then(toml::Value::as_str)
                .unwrap_or(default)
                .to_string()
        };
        let (mode, tier) = (get("mode", base("mode")), get("training", base("training")));
        (mode == "active" && tier != "none").then(|| Calibrated {
            arm: arm.get("name").and_then(toml::Value::as_str).unwrap_or("").to_string(),
            tier,
        })
    })
}

/// What happened to the GP capacity `arm` released, and the GP time and
/// its value, as sentences.
fn freed_capacity(s: &mut String, res: &Results, arm: &str, per: &str, count: &dyn Fn(f64) -> String) {
    let mean = |m: Metric| res.mean(arm, m.name());
    let with_ci = |m: Metric| {
        let st = res.stat(arm, m.name());
        st.and_then(|x| x.mean)
            .map(|v| format!("{} (95% CI {})", count(v), ci_text(st.and_then(|x| x.ci()), count)))
    };
    if let (Some(demand), Some(taken)) = (with_ci(Metric::GpDemandReduction), with_ci(Metric::GpCapacityTakenUp)) {
        let _ = write!(
            s,
            "Of the {demand} GP booking requests it avoids {per}, {taken} are taken up by other patients' demand"
        );
        if let Some(u) = with_ci(Metric::GpRequestsUnbookedAvoided) {
            let _ = write!(s, ": {u} fewer requests go without a slot");
        }
        if let Some(w) = with_ci(Metric::GpWaitDaysSaved) {
            let _ = write!(s, ", and patients still booking a GP wait {w} patient-days less");
        }
        s.push_str(". ");
    }
    if let (Some(u), Some(a)) = (mean(Metric::UnmetNeedsAvoided), mean(Metric::NavigationAbandonedAvoided)) {
        let _ = write!(s, "Unmet needs avoided: {}; abandoned calls avoided: {}. ", count(u), count(a));
    }
    if let Some(fte) = mean(Metric::GpFteReleased) {
        let _ = write!(s, "GP time released: {} FTE-equivalent", style::number(fte));
        if let (Some(v), Some(vh)) = (mean(Metric::GpTimeValueFreed), mean(Metric::GpTimeValueFreedHourly)) {
            let (appt, hour) = (res.scenario_number("costs.gp_appointment"), res.scenario_number("costs.gp_hour"));
            let _ = write!(
                s,
                ", worth {} {per} at {} per GP appointment or {} at {} per GP hour",
                count_pounds(v, count),
                appt.map_or_else(|| "the stated price".into(), style::pounds),
                count_pounds(vh, count),
                hour.map_or_else(|| "the stated rate".into(), style::pounds)
            );
        }
        s.push_str(". ");
    }
}

/// Money scaled like counts (to a year when the run length is known).
fn count_pounds(v: f64, count: &dyn Fn(f64) -> String) -> String {
    let c = count(v);
    match c.strip_prefix('-') {
        Some(rest) => format!("-£{rest}"),
        None => format!("£{c}"),
    }
}

//! The seven charts: which numbers each shows and how they are labelled.

use super::Result;
use crate::metric::Metric;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::panels::{
    bar_panel, frame, note, series_panel, stack_panel, Bar, BarGroup, BarPanel, Format, LegendItem, Series, SeriesPanel, StackPanel, Swatch,
};
use super::style::{self, LOST, TOL_MUTED};
use super::Figure;
use crate::report::results::{Results, COUNTERFACTUAL};

/// What every figure needs: the results and the shared caption line.
pub struct Ctx<'a> {
    /// The results directory read back.
    pub res: &'a Results,
    /// "Scenario X · N replications · ...".
    pub provenance: String,
}

impl Ctx<'_> {
    fn colour(&self, arm: &str) -> RGBColor {
        let i = self.res.arms.iter().position(|a| a == arm).unwrap_or(0);
        style::arm_colour(i, arm)
    }

    fn arm_legend(&self, arms: &[&str]) -> Vec<LegendItem> {
        arms.iter().map(|a| LegendItem::new(*a, Swatch::Fill(self.colour(a)))).collect()
    }

    fn caption(&self, note: &str) -> Vec<String> {
        vec![note.to_owned(), self.provenance.clone()]
    }

    fn all_arms(&self) -> Vec<&str> {
        self.res.arms.iter().map(String::as_str).collect()
    }

    /// A bar for `metric` of `arm` from summary.csv, scaled by `k`.
    fn bar(&self, arm: &str, metric: &str, k: f64, fill: RGBColor, label: impl Fn(f64) -> String) -> Bar {
        let stat = self.res.stat(arm, metric);
        let value = stat.and_then(|s| s.mean).map(|v| v * k);
        Bar {
            value,
            ci: stat.and_then(|s| s.ci()).map(|(l, h)| (l * k, h * k)),
            fill,
            label: value.map(&label).unwrap_or_default(),
        }
    }
}

/// Draws figure `fig` onto `root`.
pub fn draw<DB: DrawingBackend>(fig: Figure, root: &DrawingArea<DB, Shift>, ctx: &Ctx) -> Result<()> {
    match fig {
        Figure::GpFreed => gp_freed(root, ctx),
        Figure::BounceSafety => bounce_safety(root, ctx),
        Figure::GpDemandWait => gp_demand_wait(root, ctx),
        Figure::LinkWorker => link_worker(root, ctx),
        Figure::Vcse => vcse(root, ctx),
        Figure::Endings => endings(root, ctx),
        Figure::Cost => cost(root, ctx),
    }
}

const CI_NOTE: &str = "Bars: mean over replications; whiskers: 95% confidence interval.";

fn gp_freed<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, ctx: &Ctx) -> Result<()> {
    let res = ctx.res;
    let aim = res
        .mean(COUNTERFACTUAL, Metric::GpAppointments.name())
        .map(|g| crate::report::portfolio::NHS_AIM_SHARE * g);
    let aim_colour = RGBColor(0xB0, 0x00, 0x20);
    let mut legend = vec![
        LegendItem::new("gross (pale)", Swatch::Fill(style::pale(style::OKABE_ITO[3], 0.55))),
        LegendItem::new("lost to bounce-back", Swatch::Fill(LOST)),
        LegendItem::new("net (full colour)", Swatch::Fill(style::OKABE_ITO[3])),
        LegendItem::new("95% CI", Swatch::Whisker),
    ];
    if let Some(a) = aim {
        legend.push(LegendItem::new(
            format!("NHS aim: 5% of counterfactual GP appointments ({})", style::thousands(a)),
            Swatch::Dashed(aim_colour),
        ));
    }
    let body = frame(
        root,
        Figure::GpFreed.title(),
        &legend,
        &ctx.caption(&format!(
            "{CI_NOTE} Net = counterfactual minus arm GP appointments in the same replication; gross = net + GP appointments caused by bounce-back. The counterfactual frees none by definition."
        )),
    )?;
    let groups = res
        .policy_arms()
        .map(|arm| {
            let c = ctx.colour(arm);
            BarGroup {
                label: arm.to_owned(),
                bars: vec![
                    ctx.bar(arm, Metric::GpAppointmentsSavedGross.name(), 1.0, style::pale(c, 0.55), |v| {
                        format!("gross {}", style::thousands(v))
                    }),
                    ctx.bar(arm, Metric::GpAppointmentsLostToBounceBack.name(), 1.0, LOST, |v| {
                        format!("lost to bounce-back {}", style::thousands(v))
                    }),
                    ctx.bar(arm, Metric::GpAppointmentsSavedNet.name(), 1.0, c, |v| {
                        format!("net {}", style::thousands(v))
                    }),
                ],
            }
        })
        .collect();
    bar_panel(
        &body,
        &BarPanel {
            title: None,
            x_desc: "GP appointments over the run (count)".into(),
            groups,
            reference: aim.map(|a| (a, aim_colour)),
            tick: style::tick,
        },
    )
}

fn bounce_safety<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, ctx: &Ctx) -> Result<()> {
    let arms = ctx.all_arms();
    let mut legend = ctx.arm_legend(&arms);
    legend.push(LegendItem::new("95% CI", Swatch::Whisker));
    let body = frame(
        root,
        Figure::BounceSafety.title(),
        &legend,
        &ctx.caption(&format!(
            "{CI_NOTE} Bounce-back rate = bounce-backs / signposted (not defined where nobody was signposted). Safety event = urgent clinical need sent away from the GP."
        )),
    )?;
    let (top, bottom) = body.split_vertically(body.dim_in_pixel().1 / 2);
    let groups = |metric: &str, k: f64, label: Format| -> Vec<BarGroup> {
        arms.iter()
            .map(|arm| BarGroup {
                label: (*arm).to_owned(),
                bars: vec![ctx.bar(arm, metric, k, ctx.colour(arm), label)],
            })
            .collect()
    };
    bar_panel(
        &top,
        &BarPanel {
            title: Some("Bounce-back rate".into()),
            x_desc: "Share of signposted contacts that bounce back (%)".into(),
            groups: groups(Metric::BounceBackRate.name(), 100.0, |v| format!("{v:.1}%")),
            reference: None,
            tick: |x| format!("{x:.0}%"),
        },
    )?;
    bar_panel(
        &bottom,
        &BarPanel {
            title: Some("Safety events".into()),
            x_desc: "Urgent needs sent away from the GP over the run (count)".into(),
            groups: groups(Metric::SafetyEvents.name(), 1.0, style::number),
            reference: None,
            tick: style::tick,
        },
    )
}

/// Weekly series of `metric` for every arm.
///
/// Earlier arms get wider lines, so where arms coincide (an arm that does
/// not change link workers has the counterfactual's waiting list) the
/// earlier line still shows around the later one.
fn arm_series(ctx: &Ctx, metric: &str, dashed: bool, ribbon: bool) -> Vec<Series> {
    let n = ctx.res.arms.len();
    ctx.res
        .arms
        .iter()
        .enumerate()
        .filter_map(|(i, arm)| {
            let pts = ctx.res.series(arm, metric)?;
            Some(Series {
                colour: ctx.colour(arm),
                dashed,
                width: 3 + 5 * (n - 1 - i) as u32 / (n.max(2) - 1) as u32,
                ribbon,
                points: pts.iter().map(|p| (p.week as f64, p.mean, p.p05, p.p95)).collect(),
            })
        })
        .collect()
}

fn band_legend(ctx: &Ctx) -> Vec<LegendItem> {
    ctx.res
        .arms
        .iter()
        .map(|a| LegendItem::new(a.as_str(), Swatch::Band(ctx.colour(a))))
        .collect()
}

const BAND_NOTE: &str =
    "Lines: weekly mean over replications; shaded bands: 5th to 95th percentile of replications. Earlier arms are drawn wider, so lines that coincide stay visible.";

fn gp_demand_wait<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, ctx: &Ctx) -> Result<()> {
    let mut legend = band_legend(ctx);
    // Capacity is usually the same in every arm: then one black dashed line.
    let caps: Vec<Vec<Option<f64>>> = ctx
        .res
        .arms
        .iter()
        .filter_map(|a| ctx.res.series(a, "gp_capacity"))
        .map(|s| s.iter().map(|p| p.mean).collect())
        .collect();
    let same_capacity = caps.windows(2).all(|w| {
        w[0].len() == w[1].len()
            && w[0].iter().zip(&w[1]).all(|(a, b)| match (a, b) {
                (Some(a), Some(b)) => (a - b).abs() <= 1e-9 * a.abs().max(1.0),
                (None, None) => true,
                _ => false,
            })
    });
    let mut demand = arm_series(ctx, "gp_demand", false, true);
    if same_capacity {
        if let Some(first) = ctx.res.arms.iter().find_map(|a| ctx.res.series(a, "gp_capacity")) {
            legend.push(LegendItem::new("GP capacity (all arms)", Swatch::Dashed(style::INK)));
            demand.push(Series {
                colour: style::INK,
                dashed: true,
                width: 3,
                ribbon: false,
                points: first.iter().map(|p| (p.week as f64, p.mean, None, None)).collect(),
            });
        }
    } else {
        legend.push(LegendItem::new("GP capacity (dashed, arm colour)", Swatch::Dashed(style::INK)));
        demand.extend(arm_series(ctx, "gp_capacity", true, false));
    }
    let body = frame(
        root,
        Figure::GpDemandWait.title(),
        &legend,
        &ctx.caption(&format!("{BAND_NOTE} Demand = GP booking requests per week.")),
    )?;
    let (top, bottom) = body.split_vertically(body.dim_in_pixel().1 / 2);
    series_panel(
        &top,
        &SeriesPanel {
            title: "GP booking requests vs appointments available".into(),
            y_desc: "Appointments per week".into(),
            series: demand,
            empty_note: "No weekly GP demand or capacity in timeseries.csv".into(),
            zero_based: false,
        },
    )?;
    series_panel(
        &bottom,
        &SeriesPanel {
            title: "Mean wait for a GP appointment".into(),
            y_desc: "Days".into(),
            series: arm_series(ctx, "gp_wait_days_mean", false, true),
            empty_note: "No weekly GP waiting time in timeseries.csv".into(),
            zero_based: true,
        },
    )
}

fn link_worker<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, ctx: &Ctx) -> Result<()> {
    let body = frame(root, Figure::LinkWorker.title(), &band_legend(ctx), &ctx.caption(BAND_NOTE))?;
    let (top, bottom) = body.split_vertically(body.dim_in_pixel().1 / 2);
    series_panel(
        &top,
        &SeriesPanel {
            title: "Waiting list for a link worker".into(),
            y_desc: "People waiting".into(),
            series: arm_series(ctx, "splw_waitlist", false, true),
            empty_note: "No weekly link-worker waiting list in timeseries.csv".into(),
            zero_based: true,
        },
    )?;
    series_panel(
        &bottom,
        &SeriesPanel {
            title: "Active caseload per link worker".into(),
            y_desc: "People per FTE".into(),
            series: arm_series(ctx, "splw_caseload_per_fte", false, true),
            empty_note: "No weekly link-worker caseload in timeseries.csv".into(),
            zero_based: true,
        },
    )
}

fn vcse<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, ctx: &Ctx) -> Result<()> {
    let res = ctx.res;
    let arms = ctx.all_arms();
    let mut services = res.metric_suffixes("vcse_occupancy_mean.");
    for s in res.metric_suffixes("vcse_rejections.") {
        if !services.contains(&s) {
            services.push(s);
        }
    }
    let mut legend = ctx.arm_legend(&arms);
    legend.push(LegendItem::new("95% CI", Swatch::Whisker));
    let body = frame(
        root,
        Figure::Vcse.title(),
        &legend,
        &ctx.caption(&format!(
            "{CI_NOTE} Rejected = referred while the service and its waiting list were full (each can bounce back to the practice)."
        )),
    )?;
    if services.is_empty() {
        return note(&body, None, "No per-service VCSE metrics in summary.csv");
    }
    // Occupancy is a share of places when every value is at most 1.
    let occ_max = services
        .iter()
        .flat_map(|s| arms.iter().filter_map(move |a| res.mean(a, &format!("vcse_occupancy_mean.{s}"))))
        .fold(0.0f64, f64::max);
    let as_share = occ_max <= 1.0 + 1e-9;
    let (k, x_desc, label, tick): (f64, &str, Format, Format) = if as_share {
        (
            100.0,
            "Mean occupancy (% of places)",
            |v| format!("{v:.0}%"),
            |x| format!("{x:.0}%"),
        )
    } else {
        (1.0, "Mean occupancy (participants)", style::number, style::number)
    };
    let groups = |metric: &str, k: f64, label: Format| -> Vec<BarGroup> {
        services
            .iter()
            .map(|s| BarGroup {
                label: s.clone(),
                bars: arms
                    .iter()
                    .map(|arm| ctx.bar(arm, &format!("{metric}.{s}"), k, ctx.colour(arm), label))
                    .collect(),
            })
            .collect()
    };
    let (top, bottom) = body.split_vertically(body.dim_in_pixel().1 / 2);
    bar_panel(
        &top,
        &BarPanel {
            title: Some("Occupancy".into()),
            x_desc: x_desc.into(),
            groups: groups("vcse_occupancy_mean", k, label),
            reference: None,
            tick,
        },
    )?;
    bar_panel(
        &bottom,
        &BarPanel {
            title: Some("Rejected referrals".into()),
            x_desc: "Referrals rejected over the run (count)".into(),
            groups: groups(Metric::VcseRejections.name(), 1.0, style::thousands),
            reference: None,
            tick: style::tick,
        },
    )
}

/// Where episodes end, in display order; labels for people.
const ENDINGS: [(&str, &str); 8] = [
    (Metric::EndedGp.name(), "GP"),
    (Metric::EndedRole.name(), "other practice role"),
    (Metric::EndedPharmacy.name(), "pharmacy / self-care"),
    (Metric::EndedSplw.name(), "link worker"),
    (Metric::EndedVcse.name(), "VCSE service"),
    (Metric::EndedReception.name(), "reception"),
    (Metric::EndedUnmet.name(), "unmet"),
    (Metric::EndedInSystem.name(), "still in system"),
];

fn endings<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, ctx: &Ctx) -> Result<()> {
    let colours = [
        TOL_MUTED[0],
        TOL_MUTED[1],
        TOL_MUTED[2],
        TOL_MUTED[3],
        TOL_MUTED[5],
        TOL_MUTED[4],
        TOL_MUTED[6],
        RGBColor(0xDD, 0xDD, 0xDD),
    ];
    let parts: Vec<(String, RGBColor)> = ENDINGS
        .iter()
        .zip(colours)
        .map(|((_, label), c)| ((*label).to_owned(), c))
        .collect();
    let legend: Vec<LegendItem> = parts.iter().map(|(l, c)| LegendItem::new(l.clone(), Swatch::Fill(*c))).collect();
    let body = frame(
        root,
        Figure::Endings.title(),
        &legend,
        &ctx.caption(
            "Share of episodes by where they ended (mean over replications). Unmet = gave up or not returned after a failed signpost.",
        ),
    )?;
    let values = ctx
        .res
        .arms
        .iter()
        .map(|arm| ENDINGS.iter().map(|(m, _)| ctx.res.mean(arm, m)).collect())
        .collect();
    stack_panel(
        &body,
        &StackPanel {
            x_desc: "Share of episodes (%)".into(),
            rows: ctx.res.arms.clone(),
            parts,
            values,
        },
    )
}

fn cost<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, ctx: &Ctx) -> Result<()> {
    let res = ctx.res;
    let arms: Vec<&str> = res.policy_arms().collect();
    let mut legend = ctx.arm_legend(&arms);
    legend.push(LegendItem::new("95% CI", Swatch::Whisker));
    let unit = res.scenario_number("costs.gp_appointment");
    let ref_colour = RGBColor(0xB0, 0x00, 0x20);
    if let Some(u) = unit {
        legend.push(LegendItem::new(
            format!("cost of one GP appointment ({})", style::pounds(u)),
            Swatch::Dashed(ref_colour),
        ));
    }
    let body = frame(
        root,
        Figure::Cost.title(),
        &legend,
        &ctx.caption(&format!(
            "{CI_NOTE} Programme cost (training, link workers, VCSE funding) / net GP appointments freed; not defined where none were freed."
        )),
    )?;
    let groups = arms
        .iter()
        .map(|arm| BarGroup {
            label: (*arm).to_owned(),
            bars: vec![ctx.bar(arm, Metric::CostPerGpAppointmentFreed.name(), 1.0, ctx.colour(arm), style::pounds)],
        })
        .collect();
    bar_panel(
        &body,
        &BarPanel {
            title: None,
            x_desc: "GBP per net GP appointment freed".into(),
            groups,
            reference: unit.map(|u| (u, ref_colour)),
            tick: |x| format!("£{}", style::tick(x)),
        },
    )
}

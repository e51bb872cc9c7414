//! Calibration: published aggregates that a scenario's baseline should
//! reproduce, measured on a run and judged against their published ranges.
//!
//! Each [`Target`] names the arm it is measured on (the counterfactual for
//! today's practice, or the first arm with trained navigators for the effect
//! of training), how one replication's value is computed, and the published
//! value with the range the evidence supports. A target is *inside* when the
//! simulated 95% confidence interval for the mean meets the published range:
//! the run cannot then be told apart from the evidence at that level.
//!
//! Calibration targets and validation checks are kept apart: each target
//! says whether the figure was used to set a parameter ([`Use::SetParameter`]:
//! the model reproduces it by construction, so "inside" only shows the
//! tuning held) or was held out ([`Use::HeldOut`]: nothing was tuned to it,
//! so "inside" is a test of the model).

pub mod local;

use crate::experiment::{ArmResult, ExperimentResult};
use crate::metric::Metric;
use crate::scenario::load::LoadedScenario;
use crate::scenario::raw::{Mode, Training};
use crate::stats::{ConfidenceInterval, Summary};
use crate::text::{aligned, csv_field, num};

/// Which arm a target is measured on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArmChoice {
    /// The counterfactual (signposting off): practice as published.
    Counterfactual,
    /// The first arm whose navigators are trained (any tier above `none`).
    Trained,
}

/// What a published figure was used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    /// A parameter was chosen so that the model reproduces the figure:
    /// agreement is by construction, not evidence.
    SetParameter(&'static str),
    /// No parameter was tuned to it: agreement tests the model.
    HeldOut,
}

impl Use {
    /// A word or two for tables and `calibration.csv`.
    pub fn word(self) -> &'static str {
        match self {
            Use::SetParameter(_) => "set parameters",
            Use::HeldOut => "held out",
        }
    }

    /// The parameter(s) set from the figure, if any.
    pub fn parameters(self) -> Option<&'static str> {
        match self {
            Use::SetParameter(p) => Some(p),
            Use::HeldOut => None,
        }
    }
}

/// How one replication's value is computed from an arm's metrics.
#[derive(Debug, Clone, Copy)]
pub enum Measure {
    /// `metric` per registered patient per year of the statistics window.
    PerPatientYear(Metric),
    /// `numerator / denominator` (empty when the denominator is 0).
    Ratio(Metric, Metric),
    /// A metric as it is (e.g. a share already computed by the run).
    Metric(Metric),
}

/// A published figure the model should reproduce.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// Stable identifier (used in tests and CSV).
    pub key: &'static str,
    /// What it is, for people.
    pub label: &'static str,
    /// The arm it is measured on.
    pub arm: ArmChoice,
    /// How it is measured.
    pub measure: Measure,
    /// The published point value.
    pub published: f64,
    /// Lower end of the range the evidence supports.
    pub low: f64,
    /// Upper end of that range.
    pub high: f64,
    /// Shown as a percentage (values are shares in \[0, 1\]).
    pub percent: bool,
    /// Where the figure and its range come from (sections of evidence.md).
    pub source: &'static str,
    /// Used to set parameters, or held out as a check.
    pub used: Use,
}

/// The calibration targets, in the order they are reported.
pub const TARGETS: [Target; 6] = [
    Target {
        key: "gp_appointments_per_patient_year",
        label: "GP appointments per patient-year",
        arm: ArmChoice::Counterfactual,
        measure: Measure::PerPatientYear(Metric::GpAppointments),
        published: 2.55,
        low: 2.50,
        high: 2.80,
        percent: false,
        source: "evidence s1b: 5.8 appointments per patient (IfG 2024) x 44% by GPs (NHS Digital 2023/24) = 2.55; 176m GP appointments / 63.4m patients = 2.78 (calc)",
        used: Use::SetParameter("needs.*.gp_follow_up (clinical follow-up rate)"),
    },
    Target {
        key: "gp_same_day_share",
        label: "GP appointments booked same day",
        arm: ArmChoice::Counterfactual,
        measure: Measure::Ratio(Metric::GpAppointmentsSameDay, Metric::GpAppointments),
        published: 0.43,
        low: 0.42,
        high: 0.446,
        percent: true,
        source: "evidence s1b: 42% (NHS Digital 2018/19), 42.6% (Nov 2023), 44.6% (Apr 2024) of appointments booked same day",
        used: Use::SetParameter("gp.lead_time_bands (same-day share of routine requests)"),
    },
    Target {
        key: "gp_dna_rate",
        label: "GP appointments not attended",
        arm: ArmChoice::Counterfactual,
        measure: Measure::Ratio(Metric::GpDna, Metric::GpAppointments),
        published: 0.05,
        low: 0.04,
        high: 0.054,
        percent: true,
        source: "evidence s1b: ~4-5% nationally (1 in 20, NHS England); 5.34% in the booking-interval analysis (GPonline); Wales 5.4%",
        used: Use::HeldOut,
    },
    Target {
        key: "splw_referrals_share_of_list",
        label: "SPLW referrals per year, share of the list",
        arm: ArmChoice::Counterfactual,
        measure: Measure::PerPatientYear(Metric::SplwReferrals),
        published: 0.020,
        low: 0.018,
        high: 0.022,
        percent: true,
        source: "evidence s1g: 1.3m GP-recorded referrals in 2023 / 63.4m patients = 2.05% (UCL 2024, calc); 390 per link worker x 2.5 FTE per 50k = 1.95% (calc); range +-10% for a derived figure",
        used: Use::SetParameter("needs.social/wellbeing.gp_refer_splw"),
    },
    Target {
        key: "navigation_decline_rate",
        label: "signposts declined by the patient",
        arm: ArmChoice::Trained,
        measure: Measure::Ratio(Metric::SignpostDeclined, Metric::Signposted),
        published: 0.08,
        low: 0.03,
        high: 0.23,
        percent: true,
        source: "evidence s1e: South Tees 8% declined navigation; s2 acceptance range 77-97% (77.3% accepted a GP-to-pharmacy referral, BJGP Open 2025)",
        used: Use::SetParameter("navigation.acceptance"),
    },
    Target {
        key: "trained_gp_demand_freed",
        label: "GP demand freed by trained navigators (net)",
        arm: ArmChoice::Trained,
        measure: Measure::Metric(Metric::GpShareFreed),
        published: 0.05,
        low: 0.03,
        high: 0.08,
        percent: true,
        source: "evidence s1e/s2: NHS England aim ~5% of GP consultations; West Wakefield ~4% scaled (calc); s2 range 3-8%",
        used: Use::SetParameter("navigation.tiers.enhanced.identify (and the tiers bracketing it)"),
    },
];

/// How a simulated value compares with the published range.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// The 95% CI meets the published range.
    Inside,
    /// The whole CI lies below the range.
    Below,
    /// The whole CI lies above the range.
    Above,
    /// Not measurable on this scenario (the reason says why).
    NotApplicable(String),
}

impl Verdict {
    /// A word or two for tables.
    pub fn word(&self) -> &str {
        match self {
            Verdict::Inside => "inside",
            Verdict::Below => "OUTSIDE (below)",
            Verdict::Above => "OUTSIDE (above)",
            Verdict::NotApplicable(_) => "n/a",
        }
    }
}

/// One target measured on one run.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The target.
    pub target: Target,
    /// The arm it was measured on, if any.
    pub arm: Option<String>,
    /// Mean over replications.
    pub mean: Option<f64>,
    /// 95% CI for the mean (`None` with one replication).
    pub ci: Option<ConfidenceInterval>,
    /// Inside or outside.
    pub verdict: Verdict,
}

/// Index (into `loaded.arms`) of the first arm with trained navigators.
pub fn trained_arm(loaded: &LoadedScenario) -> Option<usize> {
    loaded.arms.iter().position(|arm| {
        let nav = &arm.scenario.raw.navigation;
        nav.mode == Mode::Active && nav.training != Training::None
    })
}

/// The scenario cut down to what calibration needs: the counterfactual and
/// the first trained arm (when there is one). Arms keep their seeds' streams,
/// so results equal those of the full run.
pub fn calibration_arms(loaded: &LoadedScenario) -> LoadedScenario {
    loaded.clone().counterfactual_and(trained_arm(loaded))
}

/// One replication's value of `measure` on `arm`.
fn replication_value(arm: &ArmResult, rep: usize, measure: Measure, patient_years: f64) -> f64 {
    let get = |metric: Metric| arm.metric_index(metric.name()).map_or(f64::NAN, |m| arm.values[rep][m]);
    match measure {
        Measure::PerPatientYear(metric) => get(metric) / patient_years,
        Measure::Ratio(num, den) => {
            let d = get(den);
            if d > 0.0 {
                get(num) / d
            } else {
                f64::NAN
            }
        }
        Measure::Metric(metric) => get(metric),
    }
}

/// Patient-years in the statistics window of `loaded`.
fn patient_years(loaded: &LoadedScenario) -> f64 {
    loaded.base.population.list_size as f64 * loaded.base.time.horizon_days / 365.25
}

/// Measures every target on a run of `loaded` (or of
/// [`calibration_arms`]`(loaded)`: arms are found by name).
pub fn evaluate(loaded: &LoadedScenario, result: &ExperimentResult) -> Vec<Outcome> {
    let patient_years = patient_years(loaded);
    let trained_name = trained_arm(loaded).map(|i| loaded.arms[i].name.clone());
    TARGETS
        .iter()
        .map(|&target| {
            let name = match target.arm {
                ArmChoice::Counterfactual => Some(result.arms[0].name.clone()),
                ArmChoice::Trained => trained_name.clone(),
            };
            let Some(arm) = name.as_ref().and_then(|n| result.arms.iter().find(|a| &a.name == n)) else {
                return Outcome {
                    target,
                    arm: None,
                    mean: None,
                    ci: None,
                    verdict: Verdict::NotApplicable("the scenario has no arm with trained navigators".into()),
                };
            };
            measure(target, arm, patient_years)
        })
        .collect()
}

/// Measures `target` on `arm` and judges it against its range.
fn measure(target: Target, arm: &ArmResult, patient_years: f64) -> Outcome {
    let summary = Summary::of(
        (0..arm.values.len())
            .map(|rep| replication_value(arm, rep, target.measure, patient_years))
            .filter(|v| v.is_finite()),
    );
    let mean = summary.mean();
    let ci = summary.confidence_interval(0.95);
    let (lo, hi) = ci.map_or((mean, mean), |c| (Some(c.low), Some(c.high)));
    let verdict = match (lo, hi) {
        (Some(_), Some(hi)) if hi < target.low => Verdict::Below,
        (Some(lo), Some(_)) if lo > target.high => Verdict::Above,
        (Some(_), Some(_)) => Verdict::Inside,
        _ => Verdict::NotApplicable(format!("no replication measured it on arm `{}`", arm.name)),
    };
    Outcome {
        target,
        arm: Some(arm.name.clone()),
        mean,
        ci,
        verdict,
    }
}

/// A value as the table shows it.
fn shown(target: &Target, x: f64) -> String {
    if target.percent {
        format!("{:.1}%", x * 100.0)
    } else {
        format!("{x:.2}")
    }
}

/// One outcome as a table row: label, arm, target (range), simulated (95%
/// CI), verdict, use.
fn row(o: &Outcome) -> Vec<String> {
    let t = &o.target;
    let simulated = match (o.mean, o.ci) {
        (Some(m), Some(ci)) => format!("{} ({} to {})", shown(t, m), shown(t, ci.low), shown(t, ci.high)),
        (Some(m), None) => shown(t, m),
        _ => "–".into(),
    };
    vec![
        t.label.to_string(),
        o.arm.clone().unwrap_or_else(|| "–".into()),
        format!("{} ({}–{})", shown(t, t.published), shown(t, t.low), shown(t, t.high)),
        simulated,
        o.verdict.word().to_string(),
        t.used.word().to_string(),
    ]
}

/// The calibration table for people: one row per target, sources below.
pub fn table(outcomes: &[Outcome], replications: u64) -> String {
    let mut rows = vec![vec![
        "target".to_string(),
        "arm".into(),
        "published (range)".into(),
        "simulated (95% CI)".into(),
        "verdict".into(),
        "figure used to".into(),
    ]];
    rows.extend(outcomes.iter().map(row));
    let mut out = format!(
        "Calibration against published figures, {replications} replications. Inside = the 95% CI of the simulated mean meets the published range.\n"
    );
    out.push_str(&aligned(&rows));
    let held_out = outcomes.iter().filter(|o| o.target.used == Use::HeldOut).count();
    out.push_str(&format!(
        "\n'set parameters': the figure was used to choose parameter values, so the model reproduces it by construction and agreement is no evidence; \
         'held out': nothing was tuned to it, so agreement tests the model ({held_out} of {} figures).\n",
        outcomes.len()
    ));
    for o in outcomes {
        if let Some(p) = o.target.used.parameters() {
            out.push_str(&format!("  {} set {p}\n", o.target.label));
        }
    }
    out.push_str("\nSources (../shared/evidence.md sections):\n");
    for o in outcomes {
        out.push_str(&format!("  {}: {}\n", o.target.label, o.target.source));
        if let Verdict::NotApplicable(why) = &o.verdict {
            out.push_str(&format!("    n/a: {why}\n"));
        }
    }
    out
}

/// `calibration.csv`: one row per target, machine-readable.
pub fn csv(outcomes: &[Outcome]) -> String {
    let mut out = String::from("target,label,arm,published,range_low,range_high,simulated_mean,ci_low,ci_high,verdict,source,used\n");
    for o in outcomes {
        let t = &o.target;
        let fields = [
            t.key.to_string(),
            csv_field(t.label),
            csv_field(o.arm.as_deref().unwrap_or("")),
            num(t.published),
            num(t.low),
            num(t.high),
            o.mean.map(num).unwrap_or_default(),
            o.ci.map(|c| num(c.low)).unwrap_or_default(),
            o.ci.map(|c| num(c.high)).unwrap_or_default(),
            csv_field(o.verdict.word()),
            csv_field(t.source),
            csv_field(t.used.word()),
        ];
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out
}

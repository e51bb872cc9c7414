//! Calibration against the population's own figures: the scenario's
//! `[local_targets]` (written by `signpost init` from NHS published data),
//! measured on the same run as the national targets and judged the same
//! way (inside when the 95% CI of the simulated mean meets the range).

use super::{measure, patient_years, row, ArmChoice, Measure, Outcome, Target, Use, Verdict};
use crate::experiment::ExperimentResult;
use crate::metric::Metric;
use crate::scenario::load::LoadedScenario;
use crate::text::aligned;

/// A local figure the model can be measured against: its key in
/// `[local_targets]`, its key in `calibration.csv`, how it is measured
/// (`None`: the model cannot report it, and `why_not` says why) and what
/// it set.
struct LocalMeasure {
    key: &'static str,
    csv_key: &'static str,
    measure: Option<Measure>,
    why_not: &'static str,
    used: Use,
}

/// Why other-staff figures cannot be compared.
const ROLES_NOT_SIMULATED: &str = "the model simulates only the navigated demand other roles take (their planned care is not simulated), so the counterfactual has no other-staff appointments to compare; roles.*.fte were scaled by this figure";

const LOCAL_MEASURES: [LocalMeasure; 6] = [
    LocalMeasure {
        key: "gp_appointments_per_patient_year",
        csv_key: "local.gp_appointments_per_patient_year",
        measure: Some(Measure::PerPatientYear(Metric::GpAppointments)),
        why_not: "",
        used: Use::SetParameter("population.contacts_per_patient_year (with gp.fte)"),
    },
    LocalMeasure {
        key: "other_appointments_per_patient_year",
        csv_key: "local.other_appointments_per_patient_year",
        measure: None,
        why_not: ROLES_NOT_SIMULATED,
        used: Use::SetParameter("roles.*.fte"),
    },
    LocalMeasure {
        key: "gp_share_of_appointments",
        csv_key: "local.gp_share_of_appointments",
        measure: None,
        why_not: ROLES_NOT_SIMULATED,
        used: Use::HeldOut,
    },
    LocalMeasure {
        key: "gp_same_day_share",
        csv_key: "local.gp_same_day_share",
        measure: Some(Measure::Ratio(Metric::GpAppointmentsSameDay, Metric::GpAppointments)),
        why_not: "",
        used: Use::SetParameter("gp.lead_time_bands, gp.same_day_share"),
    },
    LocalMeasure {
        key: "gp_dna_rate",
        csv_key: "local.gp_dna_rate",
        measure: Some(Measure::Ratio(Metric::GpDna, Metric::GpAppointments)),
        why_not: "",
        used: Use::SetParameter("gp.dna_bands"),
    },
    LocalMeasure {
        key: "weekday_monday_share",
        csv_key: "local.weekday_monday_share",
        measure: None,
        why_not: "the model reports no appointments by weekday; population.weekday_weights was set from this profile",
        used: Use::SetParameter("population.weekday_weights"),
    },
];

/// Measures every local target of `loaded` on its run (the
/// counterfactual: practice as observed); empty without `[local_targets]`.
pub fn evaluate(loaded: &LoadedScenario, result: &ExperimentResult) -> Vec<Outcome> {
    let patient_years = patient_years(loaded);
    let targets = &loaded.base.local_targets;
    let labels = crate::scenario::local_targets::LOCAL_TARGET_KEYS;
    LOCAL_MEASURES
        .iter()
        .filter_map(|m| {
            let t = targets.get(m.key)?;
            let (_, label, percent) = labels.iter().find(|(k, _, _)| *k == m.key)?;
            let target = Target {
                key: m.csv_key,
                label,
                arm: ArmChoice::Counterfactual,
                measure: m.measure.unwrap_or(Measure::Metric(Metric::GpAppointments)),
                published: t.observed,
                low: t.low,
                high: t.high,
                percent: *percent,
                source: "the scenario's [local_targets]",
                used: m.used,
            };
            let arm = &result.arms[0];
            Some(match m.measure {
                Some(_) => measure(target, arm, patient_years),
                None => Outcome {
                    target,
                    arm: Some(arm.name.clone()),
                    mean: None,
                    ci: None,
                    verdict: Verdict::NotApplicable(m.why_not.into()),
                },
            })
        })
        .collect()
}

/// The local calibration table for people, with each figure's source.
pub fn table(loaded: &LoadedScenario, outcomes: &[Outcome], replications: u64) -> String {
    let mut rows = vec![vec![
        "local target".to_string(),
        "arm".into(),
        "observed (range)".into(),
        "simulated (95% CI)".into(),
        "verdict".into(),
        "figure used to".into(),
    ]];
    rows.extend(outcomes.iter().map(row));
    let inside = outcomes.iter().filter(|o| o.verdict == Verdict::Inside).count();
    let judged = outcomes.iter().filter(|o| !matches!(o.verdict, Verdict::NotApplicable(_))).count();
    let mut out = format!(
        "Calibration against this population's own figures ([local_targets]), {replications} replications: {inside} of {judged} inside.\n"
    );
    out.push_str(&aligned(&rows));
    out.push_str("\nSources:\n");
    for o in outcomes {
        let key = o.target.key.trim_start_matches("local.");
        if let Some(t) = loaded.base.local_targets.get(key) {
            out.push_str(&format!("  {}: LOCAL: {}\n", o.target.label, t.source));
        }
        if let Verdict::NotApplicable(why) = &o.verdict {
            out.push_str(&format!("    n/a: {why}\n"));
        }
    }
    out
}

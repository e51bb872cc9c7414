//! The paired metrics of one replication: an arm against the
//! counterfactual run with the same random numbers (net and gross GP
//! appointments freed, incremental cost, …; definitions in [`Metric`]).

use crate::metric::Metric;
use crate::model::ReplicationOutput;
use crate::scenario::load::LoadedScenario;

/// The scenario's prices and conversions the paired metrics use.
#[derive(Debug, Clone, Copy)]
pub(super) struct Prices {
    /// `costs.gp_appointment` \[GBP\].
    gp_appointment: f64,
    /// `costs.gp_hour` \[GBP per hour\].
    gp_hour: f64,
    /// `costs.gp_minutes_per_appointment` \[minutes\].
    gp_minutes: f64,
    /// GP appointments one FTE gives over the statistics window \[appointments\].
    per_fte_window: f64,
}

impl Prices {
    pub(super) fn of(loaded: &LoadedScenario) -> Prices {
        let base = &loaded.base;
        Prices {
            gp_appointment: base.costs.gp_appointment,
            gp_hour: base.costs.gp_hour,
            gp_minutes: base.costs.gp_minutes_per_appointment,
            per_fte_window: base.gp.appointments_per_fte_day * base.costs.gp_working_days_per_fte_year * base.time.horizon_days / 365.25,
        }
    }
}

/// One paired metric of one replication, from `get(metric) = (arm value,
/// counterfactual value)` in that replication. Definitions are in
/// [`Metric`]'s docs; "saved" and "avoided" are counterfactual minus arm.
pub(super) fn paired_value(m: Metric, get: &dyn Fn(Metric) -> (f64, f64), p: &Prices) -> f64 {
    let avoided = |metric: Metric| {
        let (arm, cf) = get(metric);
        cf - arm
    };
    let net = avoided(Metric::GpAppointments);
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
    match m {
        Metric::GpAppointmentsSavedNet => net,
        Metric::GpAppointmentsSavedGross => net - avoided(Metric::GpAppointmentsFromBounceBack),
        Metric::GpAppointmentsLostToBounceBack => -avoided(Metric::GpAppointmentsFromBounceBack),
        Metric::GpShareFreed => ratio(net, get(Metric::GpAppointments).1),
        Metric::CostIncremental => -avoided(Metric::ProgrammeCost),
        // Undefined when none is freed; negative when the arm saves money
        // and frees appointments (dominant), kept as a number in CSVs.
        Metric::CostPerGpAppointmentFreed if net > 0.0 => -avoided(Metric::ProgrammeCost) / net,
        Metric::CostPerGpAppointmentFreed => f64::NAN,
        Metric::GpTimeValueFreed => net * p.gp_appointment,
        Metric::GpDemandReduction => avoided(Metric::GpDemand),
        Metric::GpCapacityTakenUp => avoided(Metric::GpDemand) - net,
        Metric::GpRequestsUnbookedAvoided => avoided(Metric::GpRequestsUnbooked),
        Metric::GpWaitDaysSaved => {
            let (bookings, _) = get(Metric::GpBookings);
            let (arm, cf) = get(Metric::GpWaitDaysMean);
            if bookings > 0.0 {
                bookings * (cf - arm)
            } else {
                0.0
            }
        }
        Metric::UnmetNeedsAvoided => avoided(Metric::UnmetNeeds),
        Metric::NavigationAbandonedAvoided => avoided(Metric::NavigationAbandoned),
        Metric::GpFteReleased => ratio(net, p.per_fte_window),
        Metric::GpHoursFreed => net * p.gp_minutes / 60.0,
        Metric::GpTimeValueFreedHourly => net * p.gp_minutes / 60.0 * p.gp_hour,
        measured => unreachable!("{} is measured in the run, not paired", measured.name()),
    }
}

/// A measured metric's value in one replication's output; NaN when absent.
pub(super) fn value(out: &ReplicationOutput, metric: Metric) -> f64 {
    let name = metric.name();
    out.metrics.iter().find(|(k, _)| k == name).map_or(f64::NAN, |(_, v)| *v)
}

/// One arm's row of metric values in one replication: its measured
/// metrics, then every paired metric against `counterfactual`.
pub(super) fn row(out: &ReplicationOutput, counterfactual: &ReplicationOutput, prices: &Prices) -> Vec<f64> {
    let mut row: Vec<f64> = out.metrics.iter().map(|(_, v)| *v).collect();
    let get = |m: Metric| (value(out, m), value(counterfactual, m));
    row.extend(Metric::paired().map(|m| paired_value(m, &get, prices)));
    row
}

/// An arm's metric names in output order: its measured metrics (as
/// `out` lists them), then the paired ones.
pub(super) fn names(out: &ReplicationOutput) -> Vec<String> {
    let mut names: Vec<String> = out.metrics.iter().map(|(k, _)| k.clone()).collect();
    names.extend(Metric::paired().map(|m| m.name().to_string()));
    names
}

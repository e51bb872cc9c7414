//! The reserved naming of per-group metrics: `METRIC@DIMENSION=LEVEL`
//! (`gp_appointments@imd=1`, `unmet_needs@age=75+`). They ride in the
//! same metric rows as every other metric (so reduction, pairing, PSA and
//! merges carry them), and every writer of the output contract's existing
//! files leaves them out with [`is_group_metric`]; `groups.csv` and
//! `equity.csv` show them.

use super::Metric;
use crate::model::metrics::Counter;

/// Separates a metric from its group.
pub const GROUP_SEPARATOR: char = '@';

/// The dimension of per-practice metrics (`gp_appointments@practice=NAME`),
/// present when a scenario lists its practices.
pub const PRACTICE_DIMENSION: &str = "practice";

/// The per-group metric holding the group's patients on the list.
pub const GROUP_PATIENTS: &str = "patients";

/// The per-group counts, each with the counter that feeds it.
pub const GROUP_COUNTS: &[(Metric, Counter)] = &[
    (Metric::Contacts, Counter::Contacts),
    (Metric::NewEpisodes, Counter::NewEpisodes),
    (Metric::GpDemand, Counter::GpDemand),
    (Metric::GpAppointments, Counter::GpAppointments),
    (Metric::GpAppointmentsFromBounceBack, Counter::GpFromBounce),
    (Metric::Signposted, Counter::Signposted),
    (Metric::SignpostDeclined, Counter::SignpostDeclined),
    (Metric::BounceBacks, Counter::BounceBacks),
    (Metric::RepeatContacts, Counter::RepeatContacts),
    (Metric::NavigationAbandoned, Counter::NavigationAbandoned),
    (Metric::RoleAppointments, Counter::RoleAppointments),
    (Metric::PharmacyConsultations, Counter::PharmacyConsultations),
    (Metric::SplwReferrals, Counter::SplwReferrals),
];

/// `metric@dimension=level`.
pub fn group_metric_name(metric: &str, dimension: &str, level: &str) -> String {
    format!("{metric}{GROUP_SEPARATOR}{dimension}={level}")
}

/// Whether `name` is a per-group metric.
pub fn is_group_metric(name: &str) -> bool {
    name.contains(GROUP_SEPARATOR)
}

/// A per-group metric's parts: (metric, dimension, level).
pub fn parse_group_metric(name: &str) -> Option<(&str, &str, &str)> {
    let (metric, group) = name.split_once(GROUP_SEPARATOR)?;
    let (dimension, level) = group.split_once('=')?;
    Some((metric, dimension, level))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        let n = group_metric_name("gp_appointments", "age", "75+");
        assert_eq!(n, "gp_appointments@age=75+");
        assert!(is_group_metric(&n));
        assert!(!is_group_metric("gp_appointments"));
        assert_eq!(parse_group_metric(&n), Some(("gp_appointments", "age", "75+")));
        assert_eq!(parse_group_metric("gp_appointments"), None);
    }
}

//! Checks and prepares what changes with the calendar: each need's own
//! month multipliers (the seasonal mix of needs) and the VCSE funding and
//! places schedules.

use super::super::raw::RawScenario;
use super::checker::{Check, Checker};
use crate::engine::Categorical;

/// The need mix of each month from the needs' `month_multipliers`; the
/// month's volume factor (the share-weighted mean multiplier) is folded
/// into `month_multipliers`. Empty, with `month_multipliers` untouched,
/// when no need has multipliers of its own.
pub(super) fn need_mix_by_month(c: &Checker, raw: &RawScenario, month_multipliers: &mut [f64; 12]) -> Check<Vec<Categorical<usize>>> {
    if raw.needs.iter().all(|n| n.month_multipliers.is_empty()) {
        return Ok(Vec::new());
    }
    for (i, n) in raw.needs.iter().enumerate() {
        let key = format!("needs[{i}].month_multipliers");
        if n.month_multipliers.is_empty() {
            continue;
        }
        c.length(&key, n.month_multipliers.len(), 12, "January to December, or none")?;
        for (m, v) in n.month_multipliers.iter().enumerate() {
            c.non_negative(&format!("{key}[{m}]"), *v)?;
            c.at_most(&format!("{key}[{m}]"), *v, 10.0, "a seasonal multiplier")?;
        }
    }
    let mut mix = Vec::with_capacity(12);
    for (m, volume) in month_multipliers.iter_mut().enumerate() {
        let weight = |n: &super::super::raw::RawNeed| n.share * n.month_multipliers.get(m).copied().unwrap_or(1.0);
        let total: f64 = raw.needs.iter().map(weight).sum();
        if total <= 0.0 {
            return Err(c.fail(
                &format!("needs[0].month_multipliers[{m}]"),
                format!("every need's multiplier for month {} is 0: no need could arrive", m + 1),
            ));
        }
        *volume *= total;
        mix.push(Categorical::normalised(raw.needs.iter().map(weight).enumerate()));
    }
    Ok(mix)
}

/// A checked change schedule: (from day, value), sorted.
type Schedule = Vec<(f64, f64)>;

/// The VCSE funding schedule and each service's places schedule, checked
/// like every other `changes` list.
pub(super) fn vcse_schedules(c: &Checker, raw: &RawScenario, horizon_days: f64) -> Check<(Schedule, Vec<Schedule>)> {
    let funding = c.changes("vcse.changes", &raw.vcse.changes, horizon_days)?;
    let places = (raw.vcse.services.iter().enumerate())
        .map(|(i, svc)| c.changes(&format!("vcse.services[{i}].changes"), &svc.changes, horizon_days))
        .collect::<Check<Vec<_>>>()?;
    Ok((funding, places))
}

//! How a rule is checked and a broken one reported: each check names the
//! key path, the rule and what was found, at its line in the user's file.

use super::super::dist::{Dist, DistSpec};
use super::super::keys::{did_you_mean, locate};
use super::super::raw::{RawChange, RawFundingChange, RawPlacesChange};
use super::SHARE_TOLERANCE;
use crate::error::ScenarioError;
use crate::text::show_number;

/// Collects the context for error messages.
pub(super) struct Checker<'a> {
    pub file: &'a str,
    pub text: &'a str,
}

pub(super) type Check<T = ()> = Result<T, ScenarioError>;

impl Checker<'_> {
    pub(super) fn fail(&self, key: &str, message: impl Into<String>) -> ScenarioError {
        ScenarioError::key(self.file, key, message).at(locate(self.text, key))
    }

    pub(super) fn probability(&self, key: &str, v: f64) -> Check {
        if v.is_finite() && (0.0..=1.0).contains(&v) {
            Ok(())
        } else {
            Err(self.fail(key, format!("must be a probability in [0, 1], found {}", show_number(v))))
        }
    }

    pub(super) fn non_negative(&self, key: &str, v: f64) -> Check {
        if v.is_finite() && v >= 0.0 {
            Ok(())
        } else {
            Err(self.fail(key, format!("must be a finite number >= 0, found {}", show_number(v))))
        }
    }

    pub(super) fn positive(&self, key: &str, v: f64) -> Check {
        if v.is_finite() && v > 0.0 {
            Ok(())
        } else {
            Err(self.fail(key, format!("must be a finite number > 0, found {}", show_number(v))))
        }
    }

    pub(super) fn at_most(&self, key: &str, v: f64, max: f64, why: &str) -> Check {
        if v <= max {
            Ok(())
        } else {
            Err(self.fail(
                key,
                format!("must be at most {} ({why}), found {}", show_number(max), show_number(v)),
            ))
        }
    }

    pub(super) fn length(&self, key: &str, len: usize, want: usize, what: &str) -> Check {
        if len == want {
            Ok(())
        } else {
            Err(self.fail(key, format!("must list {want} values ({what}), found {len}")))
        }
    }

    pub(super) fn sums_to_one(&self, key: &str, values: impl IntoIterator<Item = f64>) -> Check {
        let total: f64 = values.into_iter().sum();
        if (total - 1.0).abs() <= SHARE_TOLERANCE {
            Ok(())
        } else {
            Err(self.fail(key, format!("shares must sum to 1, found {}", show_number(total))))
        }
    }

    pub(super) fn dist(&self, key: &str, spec: &DistSpec) -> Check<Dist> {
        spec.build().map_err(|m| self.fail(key, m))
    }

    pub(super) fn weekly(&self, key: &str, values: &[f64]) -> Check<[f64; 7]> {
        self.length(key, values.len(), 7, "Monday to Sunday")?;
        let mut out = [0.0; 7];
        for (i, v) in values.iter().enumerate() {
            self.non_negative(&format!("{key}[{i}]"), *v)?;
            out[i] = *v;
        }
        Ok(out)
    }

    pub(super) fn need_index(&self, key: &str, name: &str, needs: &[String]) -> Check<usize> {
        needs.iter().position(|n| n == name).ok_or_else(|| {
            let hint = did_you_mean(name, needs.iter().map(String::as_str));
            self.fail(key, format!("unknown need `{name}`{hint}; needs are: {}", needs.join(", ")))
        })
    }

    /// Which needs a list of need names (a remit) covers.
    pub(super) fn remit(&self, key: &str, names: &[String], needs: &[String]) -> Check<Vec<bool>> {
        let mut covered = vec![false; needs.len()];
        for (j, n) in names.iter().enumerate() {
            covered[self.need_index(&format!("{key}[{j}]"), n, needs)?] = true;
        }
        Ok(covered)
    }

    /// A change schedule (`changes = [{ from_day, VALUE }]`): every step
    /// inside the run, its value in range; sorted by day.
    pub(super) fn changes<C: ScheduleStep>(&self, key: &str, changes: &[C], horizon_days: f64) -> Check<Vec<(f64, f64)>> {
        let mut out = Vec::with_capacity(changes.len());
        for (i, c) in changes.iter().enumerate() {
            let (from_day, value) = c.step();
            self.non_negative(&format!("{key}[{i}].from_day"), from_day)?;
            self.at_most(&format!("{key}[{i}].from_day"), from_day, horizon_days, "inside the run")?;
            let value_key = format!("{key}[{i}].{}", C::VALUE);
            self.non_negative(&value_key, value)?;
            self.at_most(&value_key, value, C::MAX, C::MAX_WHY)?;
            out.push((from_day, value));
        }
        out.sort_by(|a, b| a.0.total_cmp(&b.0));
        Ok(out)
    }
}

/// One step of a change schedule as written: the day it takes effect and
/// the new value, named `VALUE` in the file and at most `MAX`.
pub(super) trait ScheduleStep {
    /// The value's key in a step (`fte`, `funding`, `places`).
    const VALUE: &'static str;
    /// Largest value allowed.
    const MAX: f64;
    /// Why, for the message.
    const MAX_WHY: &'static str;
    /// (from day \[day index\], new value).
    fn step(&self) -> (f64, f64);
}

impl ScheduleStep for RawChange {
    const VALUE: &'static str = "fte";
    const MAX: f64 = 10_000.0;
    const MAX_WHY: &'static str = "a PCN-sized workforce";
    fn step(&self) -> (f64, f64) {
        (self.from_day, self.fte)
    }
}

impl ScheduleStep for RawFundingChange {
    const VALUE: &'static str = "funding";
    const MAX: f64 = 100.0;
    const MAX_WHY: &'static str = "a funding multiplier";
    fn step(&self) -> (f64, f64) {
        (self.from_day, self.funding)
    }
}

impl ScheduleStep for RawPlacesChange {
    const VALUE: &'static str = "places";
    const MAX: f64 = 1_000_000.0;
    const MAX_WHY: &'static str = "places a service can hold";
    fn step(&self) -> (f64, f64) {
        (self.from_day, f64::from(self.places))
    }
}

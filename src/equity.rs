//! Inequality measures across deprivation quintiles, pure and small: the
//! gap between the most and least deprived fifths (quintile 1 minus
//! quintile 5) and the slope index of inequality (SII), and the plain
//! statement of whether a policy narrows or widens a gap.
//!
//! Quintiles are ordered 1 (most deprived) to 5. The SII regresses a rate
//! on each quintile's ridit — the midpoint of its cumulative share of the
//! population, ranked from most deprived (0) to least deprived (1) —
//! weighted by population share; it is reported as the fitted value at
//! the most deprived end minus that at the least deprived end (minus the
//! slope), so that, like Q1 − Q5, it is positive when the rate is higher
//! among the more deprived. Both are computed per replication and paired
//! arm − counterfactual; their confidence intervals are across
//! replications.

/// The ridit of each group: the midpoint of its cumulative share, shares
/// normalised to sum to 1 \[rank in 0..1\].
pub fn ridits(shares: &[f64]) -> Vec<f64> {
    let total: f64 = shares.iter().sum();
    let mut before = 0.0;
    shares
        .iter()
        .map(|s| {
            let share = s / total;
            let mid = before + share / 2.0;
            before += share;
            mid
        })
        .collect()
}

/// Slope index of inequality of `rates` over groups with population
/// `shares` (most deprived first): minus the share-weighted least-squares
/// slope of rate on ridit. NaN if fewer than two groups carry weight or a
/// rate with weight is not finite.
pub fn slope_index(rates: &[f64], shares: &[f64]) -> f64 {
    let x = ridits(shares);
    let total: f64 = shares.iter().sum();
    if rates.len() != shares.len() || total <= 0.0 || shares.iter().filter(|&&s| s > 0.0).count() < 2 {
        return f64::NAN;
    }
    let w = |i: usize| shares[i] / total;
    let n = rates.len();
    let mean_x: f64 = (0..n).map(|i| w(i) * x[i]).sum();
    let mean_y: f64 = (0..n).filter(|&i| w(i) > 0.0).map(|i| w(i) * rates[i]).sum();
    let sxy: f64 = (0..n)
        .filter(|&i| w(i) > 0.0)
        .map(|i| w(i) * (x[i] - mean_x) * (rates[i] - mean_y))
        .sum();
    let sxx: f64 = (0..n).map(|i| w(i) * (x[i] - mean_x).powi(2)).sum();
    if sxx > 0.0 {
        -sxy / sxx
    } else {
        f64::NAN
    }
}

/// The most deprived group's rate minus the least deprived's.
pub fn first_minus_last(rates: &[f64]) -> f64 {
    match (rates.first(), rates.last()) {
        (Some(a), Some(b)) if rates.len() >= 2 => a - b,
        _ => f64::NAN,
    }
}

/// What a policy does to a gap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GapVerdict {
    /// The gap moves towards zero, CI clear of 0.
    Narrows,
    /// The gap moves away from zero, CI clear of 0.
    Widens,
    /// The change's CI spans 0 (or is undefined).
    NoClearChange,
}

impl GapVerdict {
    /// From the counterfactual's gap (mean) and the paired change in the
    /// gap, arm − counterfactual, as a 95% CI. A counterfactual gap of
    /// exactly 0 has no direction to narrow: any clear change widens it.
    pub fn of(counterfactual_gap: f64, change_ci: Option<(f64, f64)>) -> GapVerdict {
        let Some((low, high)) = change_ci.filter(|(l, h)| l.is_finite() && h.is_finite()) else {
            return GapVerdict::NoClearChange;
        };
        if low <= 0.0 && high >= 0.0 {
            return GapVerdict::NoClearChange;
        }
        let change_sign = if low > 0.0 { 1.0 } else { -1.0 };
        if counterfactual_gap * change_sign < 0.0 {
            GapVerdict::Narrows
        } else {
            GapVerdict::Widens
        }
    }

    /// The plain statement.
    pub fn statement(self) -> &'static str {
        match self {
            GapVerdict::Narrows => "narrows",
            GapVerdict::Widens => "widens",
            GapVerdict::NoClearChange => "no clear change (CI spans 0)",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn ridits_are_cumulative_midpoints() {
        let r = ridits(&[0.2; 5]);
        for (got, want) in r.iter().zip([0.1, 0.3, 0.5, 0.7, 0.9]) {
            assert!(close(*got, want), "{r:?}");
        }
        // Unequal shares, by hand: 0.1/2, 0.1 + 0.3/2, 0.4 + 0.6/2.
        let r = ridits(&[1.0, 3.0, 6.0]);
        assert!(close(r[0], 0.05) && close(r[1], 0.25) && close(r[2], 0.7), "{r:?}");
    }

    #[test]
    fn sii_of_a_straight_line_is_its_end_to_end_difference() {
        // rate = 100 - 50 x on ridits 0.1..0.9: fitted at 0 is 100, at 1 is 50.
        let shares = [0.2; 5];
        let rates: Vec<f64> = ridits(&shares).iter().map(|x| 100.0 - 50.0 * x).collect();
        assert!(close(slope_index(&rates, &shares), 50.0));
        // Q1 - Q5 on the same line: 95 - 55.
        assert!(close(first_minus_last(&rates), 40.0));
    }

    #[test]
    fn sii_by_hand_with_unequal_shares() {
        // x = 0.125, 0.5, 0.875 (shares 0.25, 0.5, 0.25); y = 10, 4, 4.
        // mean x = 0.5, mean y = 5.5; Sxy = 0.25*(-0.375)(4.5) + 0.5*0*(-1.5)
        // + 0.25*(0.375)(-1.5) = -0.5625; Sxx = 2*0.25*0.140625 = 0.0703125;
        // slope = -8, SII = 8.
        assert!(close(slope_index(&[10.0, 4.0, 4.0], &[0.25, 0.5, 0.25]), 8.0));
        assert!(slope_index(&[1.0], &[1.0]).is_nan());
        assert!(slope_index(&[1.0, 2.0], &[1.0, 0.0]).is_nan());
    }

    #[test]
    fn verdicts_read_the_direction_against_the_baseline_gap() {
        assert_eq!(GapVerdict::of(10.0, Some((-3.0, -1.0))), GapVerdict::Narrows);
        assert_eq!(GapVerdict::of(10.0, Some((1.0, 3.0))), GapVerdict::Widens);
        assert_eq!(GapVerdict::of(-10.0, Some((1.0, 3.0))), GapVerdict::Narrows);
        assert_eq!(GapVerdict::of(10.0, Some((-1.0, 3.0))), GapVerdict::NoClearChange);
        assert_eq!(GapVerdict::of(10.0, None), GapVerdict::NoClearChange);
        assert_eq!(GapVerdict::NoClearChange.statement(), "no clear change (CI spans 0)");
    }
}

//! The normal distribution truncated to [low, high] (either end may be
//! infinite): moments, CDF and quantile computed in whichever tail keeps
//! the digits.

use super::PriorError;
use crate::stats::special::{normal_cdf, normal_pdf, normal_quantile};

/// Smallest probability a truncated normal may keep: below it the moments
/// are dominated by rounding.
const MIN_TRUNCATED_MASS: f64 = 1e-12;

/// A normal, possibly truncated to `[low, high]`, with its tail
/// probabilities at both ends kept so nothing is recomputed per draw.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct TruncNormal {
    mean: f64,
    sd: f64,
    pub(super) low: f64,
    pub(super) high: f64,
    /// Φ(α) and Φ(−α) at the standardised lower bound α.
    lower_at_low: f64,
    upper_at_low: f64,
    /// Φ(−β) at the standardised upper bound β.
    upper_at_high: f64,
    /// Probability kept by the truncation, Φ(β) − Φ(α).
    mass: f64,
}

/// φ(z), with φ(±∞) = 0.
fn phi_at(z: f64) -> f64 {
    if z.is_finite() {
        normal_pdf(z)
    } else {
        0.0
    }
}

/// z·φ(z), with the limit 0 at ±∞.
fn z_phi_at(z: f64) -> f64 {
    if z.is_finite() {
        z * normal_pdf(z)
    } else {
        0.0
    }
}

impl TruncNormal {
    /// Normal(`mean`, `sd`²) truncated to `[low, high]` (finite mean, sd > 0
    /// and low < high already checked; ±∞ for an open end).
    pub(super) fn new(mean: f64, sd: f64, low: f64, high: f64) -> Result<Self, PriorError> {
        let (za, zb) = ((low - mean) / sd, (high - mean) / sd);
        let (lower_at_low, upper_at_low) = (normal_cdf(za), normal_cdf(-za));
        let (lower_at_high, upper_at_high) = (normal_cdf(zb), normal_cdf(-zb));
        // Subtract within whichever tail keeps the digits.
        let mass = if za >= 0.0 {
            upper_at_low - upper_at_high
        } else if zb <= 0.0 {
            lower_at_high - lower_at_low
        } else {
            1.0 - lower_at_low - upper_at_high
        };
        if mass.is_nan() || mass < MIN_TRUNCATED_MASS {
            return Err(PriorError::TruncationMass { low, high, mean, sd, mass });
        }
        Ok(TruncNormal {
            mean,
            sd,
            low,
            high,
            lower_at_low,
            upper_at_low,
            upper_at_high,
            mass,
        })
    }

    /// Mean μ + σ(φ(α) − φ(β))/Z.
    pub(super) fn mean(&self) -> f64 {
        self.mean + self.sd * (phi_at(self.za()) - phi_at(self.zb())) / self.mass
    }

    /// Variance σ²(1 + (αφ(α) − βφ(β))/Z − ((φ(α) − φ(β))/Z)²).
    pub(super) fn variance(&self) -> f64 {
        let (za, zb) = (self.za(), self.zb());
        let shift = (phi_at(za) - phi_at(zb)) / self.mass;
        let spread = (z_phi_at(za) - z_phi_at(zb)) / self.mass;
        self.sd * self.sd * (1.0 + spread - shift * shift).max(0.0)
    }

    fn za(&self) -> f64 {
        (self.low - self.mean) / self.sd
    }

    fn zb(&self) -> f64 {
        (self.high - self.mean) / self.sd
    }

    /// P(X ≤ x).
    pub(super) fn cdf(&self, x: f64) -> f64 {
        if x <= self.low {
            return 0.0;
        }
        if x >= self.high {
            return 1.0;
        }
        let z = (x - self.mean) / self.sd;
        let f = if z <= 0.0 {
            (normal_cdf(z) - self.lower_at_low) / self.mass
        } else {
            1.0 - (normal_cdf(-z) - self.upper_at_high) / self.mass
        };
        f.clamp(0.0, 1.0)
    }

    /// The inverse CDF at u ∈ (0, 1).
    pub(super) fn quantile(&self, u: f64) -> f64 {
        // Anchor at whichever end keeps the target probability in a tail.
        let p = self.lower_at_low + u * self.mass;
        let x = if p <= 0.5 {
            self.mean + self.sd * normal_quantile(p)
        } else {
            let q = self.upper_at_high + (1.0 - u) * self.mass;
            self.mean - self.sd * normal_quantile(q)
        };
        x.clamp(self.low, self.high)
    }
}

//! The Dirichlet prior over a named group of shares that sum to 1 (need
//! shares, a tier's routing row), drawn from uniforms by normalising
//! independent gamma quantiles.

use super::PriorError;
use crate::stats::special::gamma_ln_quantile;
use std::collections::HashSet;

/// Tolerance on the sum of `shares` given by an analyst.
const SHARES_SUM_TOLERANCE: f64 = 1e-6;

/// A checked Dirichlet(α₁, …, α_k) over k ≥ 2 named keys.
#[derive(Debug, Clone, PartialEq)]
pub struct Dirichlet {
    keys: Vec<String>,
    alphas: Vec<f64>,
    total: f64,
}

impl Dirichlet {
    /// A Dirichlet from (key, α) pairs, in the order given. Each α must be
    /// finite and > 0; keys must be distinct and at least two.
    pub fn new(pairs: impl IntoIterator<Item = (String, f64)>) -> Result<Self, PriorError> {
        let (keys, alphas): (Vec<String>, Vec<f64>) = pairs.into_iter().unzip();
        if keys.len() < 2 {
            return Err(PriorError::DirichletTooFew { found: keys.len() });
        }
        let mut seen = HashSet::new();
        for (key, &alpha) in keys.iter().zip(&alphas) {
            if !seen.insert(key.as_str()) {
                return Err(PriorError::DuplicateKey { key: key.clone() });
            }
            if !(alpha.is_finite() && alpha > 0.0) {
                return Err(PriorError::DirichletValue {
                    param: "alphas",
                    key: key.clone(),
                    found: alpha,
                });
            }
        }
        let total = alphas.iter().sum();
        Ok(Dirichlet { keys, alphas, total })
    }

    /// A Dirichlet with expected `shares` (each > 0, summing to 1 within
    /// 1e-6) and `concentration` α₀ > 0: αᵢ = shareᵢ × α₀. A larger
    /// concentration means less uncertainty (like a larger sample).
    pub fn from_shares(shares: impl IntoIterator<Item = (String, f64)>, concentration: f64) -> Result<Self, PriorError> {
        let shares: Vec<(String, f64)> = shares.into_iter().collect();
        for (key, share) in &shares {
            if !(share.is_finite() && *share > 0.0) {
                return Err(PriorError::DirichletValue {
                    param: "shares",
                    key: key.clone(),
                    found: *share,
                });
            }
        }
        let sum: f64 = shares.iter().map(|(_, s)| s).sum();
        if shares.len() >= 2 && (sum - 1.0).abs() > SHARES_SUM_TOLERANCE {
            return Err(PriorError::SharesSum { sum });
        }
        Self::new(shares.into_iter().map(|(k, s)| (k, s * concentration)))
    }

    /// The keys, in draw order.
    pub fn keys(&self) -> &[String] {
        &self.keys
    }

    /// The α of each key.
    pub fn alphas(&self) -> &[f64] {
        &self.alphas
    }

    /// Uniforms consumed per draw: one per key.
    pub fn dims(&self) -> usize {
        self.keys.len()
    }

    /// Marginal means αᵢ/α₀.
    pub fn means(&self) -> Vec<f64> {
        self.alphas.iter().map(|a| a / self.total).collect()
    }

    /// Marginal variances αᵢ(α₀ − αᵢ)/(α₀²(α₀ + 1)).
    pub fn variances(&self) -> Vec<f64> {
        let t = self.total;
        self.alphas.iter().map(|a| a * (t - a) / (t * t * (t + 1.0))).collect()
    }

    /// Maps one uniform per key to shares summing to 1: each uniform gives
    /// a gamma(αᵢ, 1) quantile, and the quantiles are normalised. Working
    /// with ln quantiles means small α cannot underflow every component to
    /// zero. Uniforms are clamped into (0, 1).
    pub fn quantile(&self, us: &[f64]) -> Result<Vec<f64>, PriorError> {
        if us.len() != self.alphas.len() {
            return Err(PriorError::Dimension {
                expected: self.alphas.len(),
                found: us.len(),
            });
        }
        let logs: Vec<f64> = self
            .alphas
            .iter()
            .zip(us)
            .map(|(&a, &u)| gamma_ln_quantile(a, u.clamp(f64::MIN_POSITIVE, 1.0 - f64::EPSILON / 2.0)))
            .collect();
        let top = logs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let weights: Vec<f64> = logs.iter().map(|l| (l - top).exp()).collect();
        let sum: f64 = weights.iter().sum();
        Ok(weights.iter().map(|w| w / sum).collect())
    }
}

//! Validated one-parameter distributions for PSA ([`Univariate`]): their
//! support, analytic mean and variance, CDF and inverse CDF.
//!
//! A value of this type has passed every check, so its methods cannot fail.
//! Draws come from the inverse CDF of a uniform u, so quasi-random points
//! (Sobol, Latin hypercube) can drive them and a draw is reproducible from u.

use super::truncated_normal::TruncNormal;
use super::PriorError;
use crate::stats::special::{beta_pq, beta_quantile_pair, gamma_pq, gamma_quantile, normal_cdf, normal_quantile};

/// The range a distribution's draws fall in (closed; ends may be infinite).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Support {
    /// Smallest possible value (−∞ when unbounded).
    pub low: f64,
    /// Largest possible value (+∞ when unbounded).
    pub high: f64,
}

impl Support {
    /// Whether every value of `self` lies inside `allowed` — the check a
    /// caller makes against a scenario key's permitted range.
    pub fn within(&self, allowed: &Support) -> bool {
        allowed.low <= self.low && self.high <= allowed.high
    }
}

/// A checked scalar distribution (see [`super::PriorSpec`] for the forms an
/// analyst may write).
#[derive(Debug, Clone, PartialEq)]
pub struct Univariate {
    kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Beta {
        alpha: f64,
        beta: f64,
    },
    Gamma {
        shape: f64,
        scale: f64,
    },
    LogNormal {
        meanlog: f64,
        sdlog: f64,
    },
    Normal(TruncNormal),
    Uniform {
        low: f64,
        high: f64,
    },
    Triangular {
        low: f64,
        mode: f64,
        high: f64,
    },
    Pert {
        low: f64,
        high: f64,
        lambda: f64,
        alpha: f64,
        beta: f64,
    },
    Fixed {
        value: f64,
    },
}

pub(super) fn positive(param: &'static str, v: f64) -> Result<f64, PriorError> {
    if v.is_finite() && v > 0.0 {
        Ok(v)
    } else {
        Err(PriorError::NotPositive { param, found: v })
    }
}

pub(super) fn finite(param: &'static str, v: f64) -> Result<f64, PriorError> {
    if v.is_finite() {
        Ok(v)
    } else {
        Err(PriorError::NotFinite { param, found: v })
    }
}

/// Clamps u into the open unit interval so every quantile is finite.
fn open_unit(u: f64) -> f64 {
    u.clamp(f64::MIN_POSITIVE, 1.0 - f64::EPSILON / 2.0)
}

fn ordered(dist: &'static str, rule: &'static str, ok: bool, found: String) -> Result<(), PriorError> {
    if ok {
        Ok(())
    } else {
        Err(PriorError::Order { dist, rule, found })
    }
}

impl Univariate {
    fn checked(kind: Kind) -> Result<Self, PriorError> {
        let d = Univariate { kind };
        if d.mean().is_finite() && d.variance().is_finite() {
            Ok(d)
        } else {
            Err(PriorError::Overflow { dist: d.name() })
        }
    }

    /// Beta(α, β) on [0, 1]: for probabilities and proportions.
    pub fn beta(alpha: f64, beta: f64) -> Result<Self, PriorError> {
        Self::checked(Kind::Beta {
            alpha: positive("alpha", alpha)?,
            beta: positive("beta", beta)?,
        })
    }

    /// Beta by method of moments from its mean (0 < mean < 1) and sd
    /// (sd² < mean·(1 − mean)): α = mean·ν, β = (1 − mean)·ν with
    /// ν = mean·(1 − mean)/sd² − 1 (Briggs, Claxton & Sculpher 2006, ch. 4).
    pub fn beta_mean_sd(mean: f64, sd: f64) -> Result<Self, PriorError> {
        if !(mean.is_finite() && mean > 0.0 && mean < 1.0) {
            return Err(PriorError::BetaMean { found: mean });
        }
        let sd = positive("sd", sd)?;
        let max = (mean * (1.0 - mean)).sqrt();
        if sd >= max {
            return Err(PriorError::BetaSpread { mean, sd, max });
        }
        let nu = mean * (1.0 - mean) / (sd * sd) - 1.0;
        Self::beta(mean * nu, (1.0 - mean) * nu)
    }

    /// Gamma with `shape` k and `scale` θ (mean kθ): for costs, rates, durations.
    pub fn gamma(shape: f64, scale: f64) -> Result<Self, PriorError> {
        Self::checked(Kind::Gamma {
            shape: positive("shape", shape)?,
            scale: positive("scale", scale)?,
        })
    }

    /// Gamma by method of moments: shape = mean²/sd², scale = sd²/mean.
    pub fn gamma_mean_sd(mean: f64, sd: f64) -> Result<Self, PriorError> {
        let (mean, sd) = (positive("mean", mean)?, positive("sd", sd)?);
        Self::gamma((mean / sd).powi(2), sd * sd / mean)
    }

    /// Lognormal: ln X ~ normal(`meanlog`, `sdlog`²): for ratios and
    /// relative effects.
    pub fn lognormal(meanlog: f64, sdlog: f64) -> Result<Self, PriorError> {
        Self::checked(Kind::LogNormal {
            meanlog: finite("meanlog", meanlog)?,
            sdlog: positive("sdlog", sdlog)?,
        })
    }

    /// Lognormal with the given mean and sd of X itself:
    /// sdlog² = ln(1 + sd²/mean²), meanlog = ln mean − sdlog²/2.
    pub fn lognormal_mean_sd(mean: f64, sd: f64) -> Result<Self, PriorError> {
        let (mean, sd) = (positive("mean", mean)?, positive("sd", sd)?);
        let s2 = (sd / mean).powi(2).ln_1p();
        Self::lognormal(mean.ln() - s2 / 2.0, s2.sqrt())
    }

    /// Normal(`mean`, `sd`²), optionally truncated to `[low, high]` (either
    /// end may be absent). The truncation must keep at least 1e-12 of the
    /// probability.
    pub fn normal(mean: f64, sd: f64, low: Option<f64>, high: Option<f64>) -> Result<Self, PriorError> {
        let mean = finite("mean", mean)?;
        let sd = positive("sd", sd)?;
        let low = low.map(|v| finite("low", v)).transpose()?.unwrap_or(f64::NEG_INFINITY);
        let high = high.map(|v| finite("high", v)).transpose()?.unwrap_or(f64::INFINITY);
        ordered("normal", "low < high", low < high, format!("low {low}, high {high}"))?;
        Self::checked(Kind::Normal(TruncNormal::new(mean, sd, low, high)?))
    }

    /// Uniform on `[low, high]`, low < high.
    pub fn uniform(low: f64, high: f64) -> Result<Self, PriorError> {
        let (low, high) = (finite("low", low)?, finite("high", high)?);
        ordered("uniform", "low < high", low < high, format!("low {low}, high {high}"))?;
        Self::checked(Kind::Uniform { low, high })
    }

    fn three_point(dist: &'static str, low: f64, mode: f64, high: f64) -> Result<(f64, f64, f64), PriorError> {
        let (low, mode, high) = (finite("low", low)?, finite("mode", mode)?, finite("high", high)?);
        let ok = low < high && low <= mode && mode <= high;
        ordered(
            dist,
            "low <= mode <= high with low < high",
            ok,
            format!("low {low}, mode {mode}, high {high}"),
        )?;
        Ok((low, mode, high))
    }

    /// Triangular on `[low, high]` peaking at `mode`.
    pub fn triangular(low: f64, mode: f64, high: f64) -> Result<Self, PriorError> {
        let (low, mode, high) = Self::three_point("triangular", low, mode, high)?;
        Self::checked(Kind::Triangular { low, mode, high })
    }

    /// (Modified) PERT: a beta on `[low, high]` with
    /// α = 1 + λ(mode − low)/(high − low), β = 1 + λ(high − mode)/(high − low),
    /// so mean = (low + λ·mode + high)/(λ + 2). The classic PERT has λ = 4.
    pub fn pert(low: f64, mode: f64, high: f64, lambda: f64) -> Result<Self, PriorError> {
        let (low, mode, high) = Self::three_point("pert", low, mode, high)?;
        let lambda = positive("lambda", lambda)?;
        let width = high - low;
        Self::checked(Kind::Pert {
            low,
            high,
            lambda,
            alpha: 1.0 + lambda * (mode - low) / width,
            beta: 1.0 + lambda * (high - mode) / width,
        })
    }

    /// A point mass: the key is not uncertain (its draw ignores u).
    pub fn fixed(value: f64) -> Result<Self, PriorError> {
        Self::checked(Kind::Fixed {
            value: finite("value", value)?,
        })
    }

    /// The distribution's name as written in TOML (`dist = "..."`).
    pub fn name(&self) -> &'static str {
        match self.kind {
            Kind::Beta { .. } => "beta",
            Kind::Gamma { .. } => "gamma",
            Kind::LogNormal { .. } => "lognormal",
            Kind::Normal(_) => "normal",
            Kind::Uniform { .. } => "uniform",
            Kind::Triangular { .. } => "triangular",
            Kind::Pert { .. } => "pert",
            Kind::Fixed { .. } => "fixed",
        }
    }

    /// Where draws can fall.
    pub fn support(&self) -> Support {
        let (low, high) = match self.kind {
            Kind::Beta { .. } => (0.0, 1.0),
            Kind::Gamma { .. } | Kind::LogNormal { .. } => (0.0, f64::INFINITY),
            Kind::Normal(ref n) => (n.low, n.high),
            Kind::Uniform { low, high } | Kind::Triangular { low, high, .. } | Kind::Pert { low, high, .. } => (low, high),
            Kind::Fixed { value } => (value, value),
        };
        Support { low, high }
    }

    /// Analytic mean.
    pub fn mean(&self) -> f64 {
        match self.kind {
            Kind::Beta { alpha, beta } => alpha / (alpha + beta),
            Kind::Gamma { shape, scale } => shape * scale,
            Kind::LogNormal { meanlog, sdlog } => (meanlog + sdlog * sdlog / 2.0).exp(),
            Kind::Normal(ref n) => n.mean(),
            Kind::Uniform { low, high } => (low + high) / 2.0,
            Kind::Triangular { low, mode, high } => (low + mode + high) / 3.0,
            Kind::Pert {
                low, high, alpha, beta, ..
            } => low + (high - low) * alpha / (alpha + beta),
            Kind::Fixed { value } => value,
        }
    }

    /// Analytic variance.
    pub fn variance(&self) -> f64 {
        match self.kind {
            Kind::Beta { alpha, beta } => {
                let s = alpha + beta;
                alpha * beta / (s * s * (s + 1.0))
            }
            Kind::Gamma { shape, scale } => shape * scale * scale,
            Kind::LogNormal { meanlog, sdlog } => {
                let s2 = sdlog * sdlog;
                s2.exp_m1() * (2.0 * meanlog + s2).exp()
            }
            Kind::Normal(ref n) => n.variance(),
            Kind::Uniform { low, high } => (high - low).powi(2) / 12.0,
            Kind::Triangular { low, mode, high } => (low * low + mode * mode + high * high - low * mode - low * high - mode * high) / 18.0,
            Kind::Pert { low, high, lambda, .. } => {
                let m = self.mean();
                (m - low) * (high - m) / (lambda + 3.0)
            }
            Kind::Fixed { .. } => 0.0,
        }
    }

    /// Analytic standard deviation.
    pub fn sd(&self) -> f64 {
        self.variance().sqrt()
    }

    /// P(X ≤ x).
    pub fn cdf(&self, x: f64) -> f64 {
        if x.is_nan() {
            return f64::NAN;
        }
        match self.kind {
            Kind::Beta { alpha, beta } => beta_pq(alpha, beta, x, 1.0 - x).0,
            Kind::Gamma { shape, scale } => gamma_pq(shape, x / scale).0,
            Kind::LogNormal { meanlog, sdlog } => {
                if x <= 0.0 {
                    0.0
                } else {
                    normal_cdf((x.ln() - meanlog) / sdlog)
                }
            }
            Kind::Normal(ref n) => n.cdf(x),
            Kind::Uniform { low, high } => ((x - low) / (high - low)).clamp(0.0, 1.0),
            Kind::Triangular { low, mode, high } => {
                if x <= low {
                    0.0
                } else if x >= high {
                    1.0
                } else if x <= mode {
                    (x - low).powi(2) / ((high - low) * (mode - low))
                } else {
                    1.0 - (high - x).powi(2) / ((high - low) * (high - mode))
                }
            }
            Kind::Pert {
                low, high, alpha, beta, ..
            } => {
                let w = high - low;
                beta_pq(alpha, beta, (x - low) / w, (high - x) / w).0
            }
            Kind::Fixed { value } => {
                if x >= value {
                    1.0
                } else {
                    0.0
                }
            }
        }
    }

    /// The inverse CDF at u: the draw that the uniform u maps to. u is
    /// clamped into the open interval (0, 1), so the result is always a
    /// finite value inside the support; NaN gives NaN.
    pub fn quantile(&self, u: f64) -> f64 {
        if u.is_nan() {
            return f64::NAN;
        }
        let u = open_unit(u);
        match self.kind {
            Kind::Beta { alpha, beta } => beta_quantile_pair(alpha, beta, u).0,
            Kind::Gamma { shape, scale } => scale * gamma_quantile(shape, u),
            Kind::LogNormal { meanlog, sdlog } => (meanlog + sdlog * normal_quantile(u)).exp(),
            Kind::Normal(ref n) => n.quantile(u),
            Kind::Uniform { low, high } => (low + (high - low) * u).min(high),
            Kind::Triangular { low, mode, high } => {
                let at_mode = (mode - low) / (high - low);
                if u < at_mode {
                    low + (u * (high - low) * (mode - low)).sqrt()
                } else {
                    high - ((1.0 - u) * (high - low) * (high - mode)).sqrt()
                }
            }
            Kind::Pert {
                low, high, alpha, beta, ..
            } => {
                let (x, y) = beta_quantile_pair(alpha, beta, u);
                // Interpolate from the nearer end to keep its digits.
                if x <= 0.5 {
                    low + (high - low) * x
                } else {
                    high - (high - low) * y
                }
            }
            Kind::Fixed { value } => value,
        }
    }
}

//! Probability distributions for durations and counts, as written in a
//! scenario (`DistSpec`) and as prepared for sampling (`Dist`).

use rand::Rng;
use rand_distr::{Distribution, Exp, Gamma, LogNormal};
use serde::{Deserialize, Serialize};

/// A distribution as written in TOML, e.g.
/// `{ dist = "lognormal", mean = 9.2, sd = 4.0 }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dist", rename_all = "lowercase", deny_unknown_fields)]
pub enum DistSpec {
    /// Exponential with the given mean.
    Exponential {
        /// Mean.
        mean: f64,
    },
    /// Always the same value.
    Deterministic {
        /// The value.
        value: f64,
    },
    /// Uniform on `\[low, high\]`.
    Uniform {
        /// Lower bound.
        low: f64,
        /// Upper bound.
        high: f64,
    },
    /// Lognormal parameterised by its own mean and standard deviation.
    Lognormal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        sd: f64,
    },
    /// Gamma parameterised by mean and standard deviation.
    Gamma {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        sd: f64,
    },
    /// Resampling from observed values (each equally likely).
    Empirical {
        /// The observed values.
        values: Vec<f64>,
    },
}

/// A validated distribution, ready to sample.
#[derive(Debug, Clone)]
pub enum Dist {
    /// Exponential.
    Exponential(Exp<f64>, f64),
    /// Constant.
    Deterministic(f64),
    /// Uniform on `\[low, high\]`.
    Uniform(f64, f64),
    /// Lognormal with its (mean, sd).
    Lognormal(LogNormal<f64>, f64, f64),
    /// Gamma with its (mean, sd).
    Gamma(Gamma<f64>, f64, f64),
    /// Equally likely values.
    Empirical(Vec<f64>),
}

fn finite_positive(name: &str, v: f64) -> Result<(), String> {
    if v.is_finite() && v > 0.0 {
        Ok(())
    } else {
        Err(format!("{name} must be a finite number > 0, found {}", crate::text::show_number(v)))
    }
}

fn finite_non_negative(name: &str, v: f64) -> Result<(), String> {
    if v.is_finite() && v >= 0.0 {
        Ok(())
    } else {
        Err(format!(
            "{name} must be a finite number >= 0, found {}",
            crate::text::show_number(v)
        ))
    }
}

impl DistSpec {
    /// Checks the parameters and prepares the sampler. The error names the
    /// parameter and the rule broken.
    pub fn build(&self) -> Result<Dist, String> {
        Ok(match *self {
            DistSpec::Exponential { mean } => {
                finite_positive("mean", mean)?;
                Dist::Exponential(Exp::new(1.0 / mean).map_err(|e| e.to_string())?, mean)
            }
            DistSpec::Deterministic { value } => {
                finite_non_negative("value", value)?;
                Dist::Deterministic(value)
            }
            DistSpec::Uniform { low, high } => {
                finite_non_negative("low", low)?;
                finite_non_negative("high", high)?;
                if high < low {
                    return Err(format!("high must be >= low, found low {low} and high {high}"));
                }
                Dist::Uniform(low, high)
            }
            DistSpec::Lognormal { mean, sd } => {
                finite_positive("mean", mean)?;
                finite_non_negative("sd", sd)?;
                let sigma2 = (1.0 + (sd / mean).powi(2)).ln();
                let mu = mean.ln() - sigma2 / 2.0;
                let d = LogNormal::new(mu, sigma2.sqrt()).map_err(|e| e.to_string())?;
                Dist::Lognormal(d, mean, sd)
            }
            DistSpec::Gamma { mean, sd } => {
                finite_positive("mean", mean)?;
                finite_positive("sd", sd)?;
                let shape = (mean / sd).powi(2);
                let scale = sd * sd / mean;
                let d = Gamma::new(shape, scale).map_err(|e| e.to_string())?;
                Dist::Gamma(d, mean, sd)
            }
            DistSpec::Empirical { ref values } => {
                if values.is_empty() {
                    return Err("values must not be empty".into());
                }
                for v in values {
                    finite_non_negative("every value", *v)?;
                }
                Dist::Empirical(values.clone())
            }
        })
    }
}

impl Dist {
    /// Draws one value.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Dist::Exponential(d, _) => d.sample(rng),
            Dist::Deterministic(v) => *v,
            Dist::Uniform(lo, hi) => lo + (hi - lo) * rng.random::<f64>(),
            Dist::Lognormal(d, _, _) => d.sample(rng),
            Dist::Gamma(d, _, _) => d.sample(rng),
            Dist::Empirical(values) => values[rng.random_range(0..values.len())],
        }
    }

    /// Analytic mean.
    pub fn mean(&self) -> f64 {
        match self {
            Dist::Exponential(_, m) => *m,
            Dist::Deterministic(v) => *v,
            Dist::Uniform(lo, hi) => (lo + hi) / 2.0,
            Dist::Lognormal(_, m, _) | Dist::Gamma(_, m, _) => *m,
            Dist::Empirical(values) => values.iter().sum::<f64>() / values.len() as f64,
        }
    }

    /// Analytic variance.
    pub fn variance(&self) -> f64 {
        match self {
            Dist::Exponential(_, m) => m * m,
            Dist::Deterministic(_) => 0.0,
            Dist::Uniform(lo, hi) => (hi - lo).powi(2) / 12.0,
            Dist::Lognormal(_, _, sd) | Dist::Gamma(_, _, sd) => sd * sd,
            Dist::Empirical(values) => {
                let m = self.mean();
                values.iter().map(|v| (v - m).powi(2)).sum::<f64>() / values.len() as f64
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{stream_rng, Stream};
    use crate::stats::Summary;

    /// Each sampler's mean and variance must match its analytic values. The
    /// tolerance for the mean is a 99.9% normal interval (3.29 standard
    /// errors); for the variance, 3.29 standard errors of the sample
    /// variance, using the fourth moment estimated from the same sample.
    #[test]
    fn every_sampler_matches_its_moments() {
        let specs = [
            DistSpec::Exponential { mean: 10.0 },
            DistSpec::Deterministic { value: 3.0 },
            DistSpec::Uniform { low: 2.0, high: 8.0 },
            DistSpec::Lognormal { mean: 9.2, sd: 4.0 },
            DistSpec::Gamma { mean: 5.0, sd: 2.0 },
            DistSpec::Empirical {
                values: vec![1.0, 2.0, 2.0, 7.0],
            },
        ];
        let n = 200_000;
        for (i, spec) in specs.iter().enumerate() {
            let dist = spec.build().unwrap();
            let mut rng = stream_rng(99, 0, Stream::Numbered(i as u32));
            let xs: Vec<f64> = (0..n).map(|_| dist.sample(&mut rng)).collect();
            let s = Summary::of(xs.iter().copied());
            let m = s.mean().unwrap();
            let v = s.variance().unwrap();
            let se_mean = (dist.variance() / n as f64).sqrt();
            assert!(
                (m - dist.mean()).abs() <= 3.29 * se_mean + 1e-12,
                "{spec:?}: mean {m} vs {}",
                dist.mean()
            );
            let m4 = xs.iter().map(|x| (x - m).powi(4)).sum::<f64>() / n as f64;
            let se_var = ((m4 - v * v) / n as f64).sqrt();
            assert!(
                (v - dist.variance()).abs() <= 3.29 * se_var + 1e-9,
                "{spec:?}: var {v} vs {}",
                dist.variance()
            );
        }
    }

    #[test]
    fn rejects_bad_parameters() {
        assert!(DistSpec::Exponential { mean: -1.0 }.build().is_err());
        assert!(DistSpec::Exponential { mean: f64::NAN }.build().is_err());
        assert!(DistSpec::Uniform { low: 5.0, high: 1.0 }.build().is_err());
        assert!(DistSpec::Empirical { values: vec![] }.build().is_err());
        assert!(DistSpec::Gamma {
            mean: 1.0,
            sd: f64::INFINITY
        }
        .build()
        .is_err());
    }
}

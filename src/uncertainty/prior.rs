//! Priors as an analyst writes them in TOML ([`PriorSpec`]), their checking
//! into distributions that can be sampled ([`Prior`]), and the errors that
//! checking reports ([`PriorError`]).
//!
//! ```toml
//! [uncertainty]
//! "navigation.trained.accuracy" = { dist = "beta", mean = 0.6, sd = 0.1 }
//! "gp.dna_rate"                 = { dist = "beta", alpha = 12, beta = 188 }
//! "splw.sessions_mean"          = { dist = "gamma", mean = 6, sd = 2 }
//! "vcse.funding"                = { dist = "pert", low = 0.5, mode = 1, high = 2 }
//! need_shares = { dist = "dirichlet", alphas = { "needs.social.share" = 30, "needs.clinical.share" = 70 } }
//! ```
//!
//! Several distributions accept two forms. Analysts usually have a mean and
//! a standard error from a study rather than shape parameters, so beta,
//! gamma and lognormal also take `mean` and `sd` and are fitted by the
//! method of moments (Briggs, Claxton & Sculpher 2006, ch. 4); a Dirichlet
//! also takes `shares` and a `concentration` (an effective sample size:
//! alpha = share × concentration).

use super::dirichlet::Dirichlet;
use super::univariate::{positive, Univariate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Why a prior was refused. Messages name the parameter and the rule; the
/// caller adds the scenario key.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PriorError {
    /// A parameter that must be positive is not (or is not finite).
    #[error("{param} must be a finite number > 0, found {found}")]
    NotPositive {
        /// Parameter name as written in TOML.
        param: &'static str,
        /// The value given.
        found: f64,
    },
    /// A parameter that must be finite is NaN or infinite.
    #[error("{param} must be a finite number, found {found}")]
    NotFinite {
        /// Parameter name as written in TOML.
        param: &'static str,
        /// The value given.
        found: f64,
    },
    /// Bounds or a mode in the wrong order.
    #[error("{dist} needs {rule}, found {found}")]
    Order {
        /// Distribution name.
        dist: &'static str,
        /// The ordering rule broken.
        rule: &'static str,
        /// The values given.
        found: String,
    },
    /// Parameters from neither or both of the accepted forms.
    #[error("{dist} takes {expected}; found {found}")]
    Form {
        /// Distribution name.
        dist: &'static str,
        /// The accepted forms.
        expected: &'static str,
        /// The parameters given.
        found: String,
    },
    /// A beta's mean outside (0, 1).
    #[error("a beta's mean must lie strictly between 0 and 1, found {found}")]
    BetaMean {
        /// The mean given.
        found: f64,
    },
    /// A beta's sd too large for its mean: no beta has that spread.
    #[error("a beta with mean {mean} needs sd < sqrt(mean*(1 - mean)) = {max}, found {sd}")]
    BetaSpread {
        /// The mean given.
        mean: f64,
        /// The sd given.
        sd: f64,
        /// The largest sd a beta with this mean can have (exclusive).
        max: f64,
    },
    /// A truncation that keeps (almost) none of the normal's probability.
    #[error("truncating normal(mean {mean}, sd {sd}) to [{low}, {high}] keeps {mass:e} of its probability; it must keep at least 1e-12")]
    TruncationMass {
        /// Lower bound.
        low: f64,
        /// Upper bound.
        high: f64,
        /// Mean of the untruncated normal.
        mean: f64,
        /// Sd of the untruncated normal.
        sd: f64,
        /// Probability the truncation keeps.
        mass: f64,
    },
    /// Parameters so extreme that the mean or variance overflows.
    #[error("{dist}: parameters so extreme that the mean or variance overflows")]
    Overflow {
        /// Distribution name.
        dist: &'static str,
    },
    /// A Dirichlet over fewer than two keys.
    #[error("a dirichlet needs at least 2 keys, found {found}")]
    DirichletTooFew {
        /// Number of keys given.
        found: usize,
    },
    /// A Dirichlet key given twice.
    #[error("dirichlet key {key:?} appears twice")]
    DuplicateKey {
        /// The key.
        key: String,
    },
    /// A Dirichlet alpha or share that is not a finite positive number.
    #[error("{param}.{key:?} must be a finite number > 0, found {found}")]
    DirichletValue {
        /// `alphas` or `shares`.
        param: &'static str,
        /// The key.
        key: String,
        /// The value given.
        found: f64,
    },
    /// Dirichlet shares that do not sum to 1.
    #[error("dirichlet shares must sum to 1 (within 1e-6), found {sum}")]
    SharesSum {
        /// Their sum.
        sum: f64,
    },
    /// The wrong number of uniforms passed to a sampler.
    #[error("expected {expected} uniforms, found {found}")]
    Dimension {
        /// Number the prior consumes.
        expected: usize,
        /// Number given.
        found: usize,
    },
}

/// A prior as written in TOML, tagged by `dist`. Unknown fields are refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dist", rename_all = "lowercase", deny_unknown_fields)]
pub enum PriorSpec {
    /// Beta: `alpha` and `beta`, or `mean` and `sd` (method of moments).
    Beta {
        /// Shape α > 0.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        alpha: Option<f64>,
        /// Shape β > 0.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        beta: Option<f64>,
        /// Mean, strictly between 0 and 1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mean: Option<f64>,
        /// Standard deviation, below √(mean(1 − mean)).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sd: Option<f64>,
    },
    /// Gamma: `shape` and `scale`, or `mean` and `sd`.
    Gamma {
        /// Shape k > 0.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        shape: Option<f64>,
        /// Scale θ > 0 (in the key's units).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        scale: Option<f64>,
        /// Mean > 0 (in the key's units).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mean: Option<f64>,
        /// Standard deviation > 0 (in the key's units).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sd: Option<f64>,
    },
    /// Lognormal: `meanlog` and `sdlog` (of ln X), or `mean` and `sd` (of X).
    Lognormal {
        /// Mean of ln X.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        meanlog: Option<f64>,
        /// Standard deviation of ln X, > 0.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sdlog: Option<f64>,
        /// Mean of X, > 0.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mean: Option<f64>,
        /// Standard deviation of X, > 0.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sd: Option<f64>,
    },
    /// Normal(`mean`, `sd`²), truncated to `[low, high]` when either is given.
    Normal {
        /// Mean of the untruncated normal.
        mean: f64,
        /// Standard deviation of the untruncated normal, > 0.
        sd: f64,
        /// Lower truncation point.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        low: Option<f64>,
        /// Upper truncation point.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        high: Option<f64>,
    },
    /// Uniform on `[low, high]`.
    Uniform {
        /// Lower bound.
        low: f64,
        /// Upper bound, > low.
        high: f64,
    },
    /// Triangular on `[low, high]` with peak at `mode`.
    Triangular {
        /// Lower bound.
        low: f64,
        /// Most likely value, low ≤ mode ≤ high.
        mode: f64,
        /// Upper bound, > low.
        high: f64,
    },
    /// PERT on `[low, high]` with peak at `mode`; `lambda` (default 4)
    /// weights the mode.
    Pert {
        /// Lower bound.
        low: f64,
        /// Most likely value, low ≤ mode ≤ high.
        mode: f64,
        /// Upper bound, > low.
        high: f64,
        /// Weight of the mode, > 0 (4 in the classic PERT).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lambda: Option<f64>,
    },
    /// Not uncertain: always `value`.
    Fixed {
        /// The value.
        value: f64,
    },
    /// Dirichlet over a group of share keys that sum to 1: `alphas` (e.g.
    /// observed counts), or `shares` and `concentration`.
    Dirichlet {
        /// α for each key (dotted scenario path → α > 0).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        alphas: Option<BTreeMap<String, f64>>,
        /// Expected share for each key (> 0, summing to 1).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        shares: Option<BTreeMap<String, f64>>,
        /// Concentration (α₀ = Σα, an effective sample size), > 0.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        concentration: Option<f64>,
    },
}

/// A checked prior, ready to map uniforms to parameter values.
#[derive(Debug, Clone, PartialEq)]
pub enum Prior {
    /// One key, one uniform per draw.
    Scalar(Univariate),
    /// A group of keys, one uniform per key per draw.
    Dirichlet(Dirichlet),
}

impl Prior {
    /// Number of uniforms (design dimensions) one draw consumes. A fixed
    /// value still takes one, so fixing a key does not shift which design
    /// column drives every other key.
    pub fn dims(&self) -> usize {
        match self {
            Prior::Scalar(_) => 1,
            Prior::Dirichlet(d) => d.dims(),
        }
    }

    /// Maps `us` (length [`Prior::dims`], each in (0, 1)) to the values of
    /// the prior's keys, in order.
    pub fn draw(&self, us: &[f64]) -> Result<Vec<f64>, PriorError> {
        match self {
            Prior::Scalar(d) => match us {
                [u] => Ok(vec![d.quantile(*u)]),
                _ => Err(PriorError::Dimension {
                    expected: 1,
                    found: us.len(),
                }),
            },
            Prior::Dirichlet(d) => d.quantile(us),
        }
    }
}

/// Names the parameters present, for a form error.
fn given(pairs: &[(&str, bool)]) -> String {
    let names: Vec<&str> = pairs.iter().filter(|(_, present)| *present).map(|(name, _)| *name).collect();
    if names.is_empty() {
        "no parameters".to_string()
    } else {
        names.join(", ")
    }
}

/// Which of a distribution's two parameter forms was written.
enum Form {
    /// The distribution's own parameters (e.g. alpha and beta).
    Native(f64, f64),
    /// Mean and sd.
    Moments(f64, f64),
}

/// Picks between a distribution's two parameter forms.
fn two_forms(dist: &'static str, expected: &'static str, names: [&str; 4], values: [Option<f64>; 4]) -> Result<Form, PriorError> {
    match values {
        [Some(a), Some(b), None, None] => Ok(Form::Native(a, b)),
        [None, None, Some(m), Some(s)] => Ok(Form::Moments(m, s)),
        _ => Err(PriorError::Form {
            dist,
            expected,
            found: given(&[
                (names[0], values[0].is_some()),
                (names[1], values[1].is_some()),
                (names[2], values[2].is_some()),
                (names[3], values[3].is_some()),
            ]),
        }),
    }
}

impl PriorSpec {
    /// Checks the parameters and builds the prior. The error names the
    /// parameter and the rule broken.
    pub fn validate(&self) -> Result<Prior, PriorError> {
        let scalar = match *self {
            PriorSpec::Beta { alpha, beta, mean, sd } => {
                match two_forms(
                    "beta",
                    "either alpha and beta, or mean and sd",
                    ["alpha", "beta", "mean", "sd"],
                    [alpha, beta, mean, sd],
                )? {
                    Form::Native(a, b) => Univariate::beta(a, b)?,
                    Form::Moments(m, s) => Univariate::beta_mean_sd(m, s)?,
                }
            }
            PriorSpec::Gamma { shape, scale, mean, sd } => {
                match two_forms(
                    "gamma",
                    "either shape and scale, or mean and sd",
                    ["shape", "scale", "mean", "sd"],
                    [shape, scale, mean, sd],
                )? {
                    Form::Native(k, t) => Univariate::gamma(k, t)?,
                    Form::Moments(m, s) => Univariate::gamma_mean_sd(m, s)?,
                }
            }
            PriorSpec::Lognormal { meanlog, sdlog, mean, sd } => {
                let forms = two_forms(
                    "lognormal",
                    "either meanlog and sdlog, or mean and sd",
                    ["meanlog", "sdlog", "mean", "sd"],
                    [meanlog, sdlog, mean, sd],
                )?;
                match forms {
                    Form::Native(ml, sl) => Univariate::lognormal(ml, sl)?,
                    Form::Moments(m, s) => Univariate::lognormal_mean_sd(m, s)?,
                }
            }
            PriorSpec::Normal { mean, sd, low, high } => Univariate::normal(mean, sd, low, high)?,
            PriorSpec::Uniform { low, high } => Univariate::uniform(low, high)?,
            PriorSpec::Triangular { low, mode, high } => Univariate::triangular(low, mode, high)?,
            PriorSpec::Pert { low, mode, high, lambda } => Univariate::pert(low, mode, high, lambda.unwrap_or(4.0))?,
            PriorSpec::Fixed { value } => Univariate::fixed(value)?,
            PriorSpec::Dirichlet {
                ref alphas,
                ref shares,
                concentration,
            } => {
                return match (alphas, shares, concentration) {
                    (Some(a), None, None) => Ok(Prior::Dirichlet(Dirichlet::new(a.iter().map(|(k, v)| (k.clone(), *v)))?)),
                    (None, Some(s), Some(c)) => {
                        let c = positive("concentration", c)?;
                        Ok(Prior::Dirichlet(Dirichlet::from_shares(s.iter().map(|(k, v)| (k.clone(), *v)), c)?))
                    }
                    _ => Err(PriorError::Form {
                        dist: "dirichlet",
                        expected: "either alphas, or shares and concentration",
                        found: given(&[
                            ("alphas", alphas.is_some()),
                            ("shares", shares.is_some()),
                            ("concentration", concentration.is_some()),
                        ]),
                    }),
                };
            }
        };
        Ok(Prior::Scalar(scalar))
    }
}

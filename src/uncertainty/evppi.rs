//! Expected value of partial perfect information (EVPPI) for one parameter
//! or a group, by nonparametric regression on the PSA draws (Strong, Oakley
//! & Brennan 2014).
//!
//! With options d = 0…D−1 and baseline 0, the incremental net benefit
//! INB_d = NB_d − NB_0 of each draw is regressed on the parameter(s) θ. The
//! fitted value ĝ_d(θ) estimates E[INB_d | θ]; the noise that regression
//! averages out is both the other parameters' influence and the
//! simulation's own Monte Carlo noise within a draw. Then
//!
//! EVPPI(θ) = mean over draws of max(0, ĝ_1, …, ĝ_{D−1})
//!            − max(0, mean ĝ_1, …, mean ĝ_{D−1}).
//!
//! * One parameter: a P-spline (cubic B-splines, second-difference penalty;
//!   Eilers & Marx 1996) with λ chosen by GCV.
//! * Two: a tensor-product P-spline (Eilers & Marx 2003; the analogue of
//!   the `te()` smooth Strong et al. fit with mgcv), with one λ per
//!   direction chosen by GCV. It represents interactions — net benefit is
//!   often a product, e.g. value per appointment × appointments freed — at
//!   the price of (segments + 3)² coefficients, so its segments are capped
//!   at √(n/10) − 3 (n draws) and it falls back to the additive model below
//!   when that leaves fewer than 2.
//! * Three or more (or two with `interactions: false`): an additive model,
//!   a sum of one-variable P-splines, fitted by backfitting (Hastie &
//!   Tibshirani 1990) with GCV per term. It cannot represent interactions,
//!   so a group's EVPPI is underestimated when its parameters interact
//!   (the tests show by how much on a product); Strong et al. use a
//!   Gaussian process for larger interacting groups.
//!
//! The smoother works on each parameter's mid-ranks scaled to (0, 1), not
//! its raw values: EVPPI is unchanged by any monotone transformation of θ
//! (conditioning on θ is conditioning on its CDF), and on the rank scale the
//! draws are evenly spread, so equally spaced knots suit any prior —
//! skewed lognormals included.
//!
//! **Standard error.** A nonparametric bootstrap over draws (Efron &
//! Tibshirani 1993): draws are resampled with replacement, each
//! contrast is refitted with the smoothing parameters chosen on the full
//! sample, and the EVPPI recomputed; the SE is the standard deviation over
//! replicates. It covers both the regression error and the Monte Carlo
//! error of averaging over a finite sample of θ, but not the variability of
//! the GCV choice, and it is conservative for stratified designs (LHS,
//! Sobol), whose averages vary less than independent draws'.

use super::decision::Outcomes;
use super::pspline::{Basis, Factored, Smoother};
use rand::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// Fewest draws for which an EVPPI is estimated.
pub const MIN_DRAWS: usize = 20;

/// Backfitting sweeps in which each term's λ is re-chosen by GCV; after
/// them λ is held, so the iteration is a fixed linear map and converges.
const GCV_SWEEPS: usize = 3;
/// Cap on backfitting sweeps.
const MAX_SWEEPS: usize = 200;
/// Backfitting stops when no term moves by more than this × sd(INB).
const TOLERANCE: f64 = 1e-8;

/// Settings of the estimator.
#[derive(Debug, Clone, PartialEq)]
pub struct EvppiOptions {
    /// B-spline segments per parameter (coefficients = segments + 3),
    /// capped at one per 10 draws. Default 20.
    pub segments: usize,
    /// Fit a pair of parameters with a tensor-product spline, which
    /// captures their interaction (default `true`); `false` fits the pair
    /// additively.
    pub interactions: bool,
    /// Segments per direction of the tensor-product spline (default 7:
    /// 100 coefficients), capped at √(n/10) − 3.
    pub tensor_segments: usize,
    /// Bootstrap replicates for the standard error (0 or 1: no SE, NaN).
    /// Default 200.
    pub bootstrap: usize,
    /// Seed of the bootstrap resampling.
    pub seed: u64,
}

impl Default for EvppiOptions {
    fn default() -> Self {
        EvppiOptions {
            segments: 20,
            interactions: true,
            tensor_segments: 7,
            bootstrap: 200,
            seed: 0,
        }
    }
}

/// An EVPPI estimate, in the units of the net benefits (e.g. £ per decision).
#[derive(Debug, Clone, PartialEq)]
pub struct Evppi {
    /// The EVPPI estimate.
    pub value: f64,
    /// Its bootstrap standard error (NaN with fewer than 2 replicates).
    pub se: f64,
    /// EVPI of the same net benefits, the upper bound of any EVPPI.
    pub evpi: f64,
    /// Per contrast (option d against option 0, d = 1…D−1): the share of
    /// INB_d's variance the parameter(s) explain, R².
    pub r_squared: Vec<f64>,
    /// Per contrast: effective degrees of freedom of the fit (1 = constant).
    pub edf: Vec<f64>,
}

/// Why EVPPI could not be estimated.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EvppiError {
    /// No parameter columns.
    #[error("name at least one parameter")]
    NoParameters,
    /// A parameter column whose length is not the number of draws.
    #[error("parameter {parameter} has {found} values, expected {expected} (one per draw)")]
    Length {
        /// Index of the parameter in the group.
        parameter: usize,
        /// Draws.
        expected: usize,
        /// Values found.
        found: usize,
    },
    /// A NaN or infinite parameter value.
    #[error("parameter {parameter}, draw {draw} is not finite: {found}")]
    NotFinite {
        /// Index of the parameter in the group.
        parameter: usize,
        /// Draw index.
        draw: usize,
        /// The value.
        found: f64,
    },
    /// Too few draws to regress on.
    #[error("EVPPI needs at least {min} draws, found {found}")]
    TooFewDraws {
        /// Fewest accepted.
        min: usize,
        /// Draws given.
        found: usize,
    },
    /// The regression could not be solved (degenerate data).
    #[error("the regression on the parameter(s) could not be solved")]
    Singular,
}

/// Mid-ranks of `x` scaled into (0, 1): (rank − ½)/n, ties sharing the mean
/// of their ranks.
fn rank_scale(x: &[f64]) -> Vec<f64> {
    let n = x.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut u = vec![0.0; n];
    let mut start = 0;
    while start < n {
        let mut end = start + 1;
        while end < n && x[order[end]] == x[order[start]] {
            end += 1;
        }
        let mid_rank = (start + end + 1) as f64 / 2.0;
        for &i in &order[start..end] {
            u[i] = (mid_rank - 0.5) / n as f64;
        }
        start = end;
    }
    u
}

fn weighted_mean(x: &[f64], w: Option<&[f64]>, total: f64) -> f64 {
    match w {
        Some(w) => x.iter().zip(w).map(|(a, b)| a * b).sum::<f64>() / total,
        None => x.iter().sum::<f64>() / total,
    }
}

/// EVPPI from fitted incremental net benefits (one vector per contrast).
fn evppi_from_fits(fits: &[Vec<f64>], w: Option<&[f64]>, total: f64) -> f64 {
    let n = fits.first().map_or(0, Vec::len);
    let maxima: Vec<f64> = (0..n).map(|i| fits.iter().map(|f| f[i]).fold(0.0, f64::max)).collect();
    let current = fits.iter().map(|f| weighted_mean(f, w, total)).fold(0.0, f64::max);
    weighted_mean(&maxima, w, total) - current
}

/// An additive fit: fitted values, each term's factored smoother, and each
/// term's centred contribution.
struct AdditiveFit {
    fitted: Vec<f64>,
    factored: Vec<Factored>,
    terms: Vec<Vec<f64>>,
}

/// One additive-model fit of `y` with weights: intercept + Σ centred terms.
/// `lambdas` is `None` to choose each term's λ by GCV (returned), or the
/// λs to hold. `start` warm-starts the terms.
fn additive_fit(
    smoothers: &[Smoother],
    y: &[f64],
    lambdas: Option<&[Vec<f64>]>,
    start: Option<&[Vec<f64>]>,
) -> Result<AdditiveFit, EvppiError> {
    let n = y.len();
    let w = smoothers[0].weights();
    let total = smoothers[0].total_weight();
    let alpha = weighted_mean(y, w, total);
    let sd = (y
        .iter()
        .enumerate()
        .map(|(i, v)| w.map_or(1.0, |w| w[i]) * (v - alpha).powi(2))
        .sum::<f64>()
        / total)
        .sqrt();
    let mut terms: Vec<Vec<f64>> = start.map_or_else(|| vec![vec![0.0; n]; smoothers.len()], <[Vec<f64>]>::to_vec);
    let mut factored: Vec<Option<Factored>> = vec![None; smoothers.len()];
    if let Some(l) = lambdas {
        for (slot, (s, lambda)) in factored.iter_mut().zip(smoothers.iter().zip(l)) {
            *slot = Some(s.factor(lambda).ok_or(EvppiError::Singular)?);
        }
    }
    let mut total_fit: Vec<f64> = (0..n).map(|i| terms.iter().map(|t| t[i]).sum()).collect();
    for sweep in 0..MAX_SWEEPS {
        let mut change: f64 = 0.0;
        for (j, s) in smoothers.iter().enumerate() {
            let partial: Vec<f64> = (0..n).map(|i| y[i] - alpha - (total_fit[i] - terms[j][i])).collect();
            let mut fitted = if lambdas.is_none() && (sweep < GCV_SWEEPS || factored[j].is_none()) {
                let (f, fitted) = s.choose(&partial).ok_or(EvppiError::Singular)?;
                factored[j] = Some(f);
                fitted
            } else {
                let f = factored[j].as_ref().ok_or(EvppiError::Singular)?;
                s.fit(f, &partial)
            };
            let centre = weighted_mean(&fitted, w, total);
            for (i, v) in fitted.iter_mut().enumerate() {
                *v -= centre;
                change = change.max((*v - terms[j][i]).abs());
                total_fit[i] += *v - terms[j][i];
            }
            terms[j] = fitted;
        }
        if (lambdas.is_some() || sweep + 1 >= GCV_SWEEPS) && change <= TOLERANCE * sd.max(f64::MIN_POSITIVE) {
            break;
        }
        if smoothers.len() == 1 {
            break; // one term: its first fit is the answer
        }
    }
    let fitted = total_fit.iter().map(|t| alpha + t).collect();
    let factored = factored.into_iter().collect::<Option<Vec<_>>>().ok_or(EvppiError::Singular)?;
    Ok(AdditiveFit { fitted, factored, terms })
}

/// EVPPI of the parameter(s) in `parameters` (one column per parameter,
/// one value per draw, in the same order as the rows of `nb`).
pub fn evppi(parameters: &[&[f64]], nb: &Outcomes, options: &EvppiOptions) -> Result<Evppi, EvppiError> {
    let n = nb.draws();
    if parameters.is_empty() {
        return Err(EvppiError::NoParameters);
    }
    for (p, column) in parameters.iter().enumerate() {
        if column.len() != n {
            return Err(EvppiError::Length {
                parameter: p,
                expected: n,
                found: column.len(),
            });
        }
        if let Some(draw) = column.iter().position(|v| !v.is_finite()) {
            return Err(EvppiError::NotFinite {
                parameter: p,
                draw,
                found: column[draw],
            });
        }
    }
    if n < MIN_DRAWS {
        return Err(EvppiError::TooFewDraws { min: MIN_DRAWS, found: n });
    }
    let evpi = nb.evpi();
    let contrasts: Vec<Vec<f64>> = (1..nb.options()).map(|d| nb.rows().map(|r| r[d] - r[0]).collect()).collect();
    // A parameter with one value carries no information: leave it out.
    let scaled: Vec<Vec<f64>> = parameters
        .iter()
        .map(|c| rank_scale(c))
        .filter(|u| u.iter().any(|&v| v != u[0]))
        .collect();
    if scaled.is_empty() || contrasts.is_empty() {
        return Ok(Evppi {
            value: 0.0,
            se: if options.bootstrap >= 2 { 0.0 } else { f64::NAN },
            evpi,
            r_squared: vec![0.0; contrasts.len()],
            edf: vec![1.0; contrasts.len()],
        });
    }
    let segments = options.segments.clamp(1, (n / 10).max(1));
    let tensor_segments = options.tensor_segments.min((((n / 10) as f64).sqrt() as usize).saturating_sub(3));
    let bases: Vec<Basis> = if scaled.len() == 2 && options.interactions && tensor_segments >= 2 {
        vec![Basis::tensor(&scaled[0], &scaled[1], tensor_segments)]
    } else {
        scaled.iter().map(|u| Basis::new(u, segments)).collect()
    };
    let smoothers: Vec<Smoother> = bases.iter().map(|b| Smoother::new(b.clone(), None)).collect();

    let mut fits = Vec::with_capacity(contrasts.len());
    let mut chosen = Vec::with_capacity(contrasts.len());
    let mut r_squared = Vec::with_capacity(contrasts.len());
    let mut edf = Vec::with_capacity(contrasts.len());
    for y in &contrasts {
        let AdditiveFit { fitted, factored, terms } = additive_fit(&smoothers, y, None, None)?;
        let mean = y.iter().sum::<f64>() / n as f64;
        let tss: f64 = y.iter().map(|v| (v - mean).powi(2)).sum();
        let rss: f64 = y.iter().zip(&fitted).map(|(a, b)| (a - b).powi(2)).sum();
        r_squared.push(if tss > 0.0 { (1.0 - rss / tss).max(0.0) } else { 0.0 });
        // Each term's edf counts its own constant, which the intercept shares.
        edf.push(1.0 + factored.iter().map(|f| f.edf - 1.0).sum::<f64>());
        chosen.push((factored.iter().map(|f| f.lambdas.clone()).collect::<Vec<Vec<f64>>>(), terms));
        fits.push(fitted);
    }
    let value = evppi_from_fits(&fits, None, n as f64);

    let mut rng = {
        let mut state = options.seed ^ 0x9E6C_63D0_676A_9A99;
        let mut bytes = [0u8; 32];
        for chunk in bytes.chunks_exact_mut(8) {
            chunk.copy_from_slice(&super::design::splitmix64(&mut state).to_le_bytes());
        }
        Xoshiro256PlusPlus::from_seed(bytes)
    };
    let mut replicates = Vec::with_capacity(options.bootstrap);
    for _ in 0..options.bootstrap {
        let mut counts = vec![0.0; n];
        for _ in 0..n {
            counts[(rng.next_u64() % n as u64) as usize] += 1.0;
        }
        let weighted: Vec<Smoother> = bases.iter().map(|b| Smoother::new(b.clone(), Some(counts.clone()))).collect();
        let mut boot_fits = Vec::with_capacity(contrasts.len());
        for (y, (lambdas, terms)) in contrasts.iter().zip(&chosen) {
            // A resample may leave a term unidentifiable; skip the replicate.
            match additive_fit(&weighted, y, Some(lambdas), Some(terms)) {
                Ok(fit) => boot_fits.push(fit.fitted),
                Err(_) => break,
            }
        }
        if boot_fits.len() == contrasts.len() {
            replicates.push(evppi_from_fits(&boot_fits, Some(&counts), n as f64));
        }
    }
    let se = crate::stats::Summary::of(replicates).sd().unwrap_or(f64::NAN);
    Ok(Evppi {
        value,
        se,
        evpi,
        r_squared,
        edf,
    })
}

#[cfg(test)]
mod tests;

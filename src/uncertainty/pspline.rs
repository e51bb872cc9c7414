//! P-splines (Eilers & Marx 1996): a cubic B-spline basis on equally
//! spaced knots over [0, 1] with a second-order difference penalty, fitted
//! by penalised (optionally weighted) least squares, the smoothing parameter
//! chosen by generalised cross-validation (Craven & Wahba 1979).
//!
//! Each row of the basis has at most four non-zero entries, so building the
//! normal equations costs O(16 n) and every λ tried costs O(k³) with k =
//! segments + 3 coefficients.

use super::linalg::Cholesky;

/// Smoothing parameters tried by GCV, relative to tr(G)/tr(P) so the grid
/// does not depend on the scale of the data: 10^-6 … 10^6 in quarter decades.
const LOG10_GRID: (f64, f64, usize) = (-6.0, 6.0, 49);

/// A cubic B-spline basis evaluated at each observation: row i is
/// non-zero in columns `first[i] .. first[i] + 4`.
#[derive(Debug, Clone)]
pub(super) struct Basis {
    size: usize,
    first: Vec<usize>,
    values: Vec<[f64; 4]>,
}

impl Basis {
    /// The basis of `segments` equal intervals of [0, 1] at points `u` in
    /// [0, 1] (values outside are clamped to the ends).
    pub(super) fn new(u: &[f64], segments: usize) -> Self {
        let segments = segments.max(1);
        let mut first = Vec::with_capacity(u.len());
        let mut values = Vec::with_capacity(u.len());
        for &x in u {
            let s = x.clamp(0.0, 1.0) * segments as f64;
            let i = (s.floor() as usize).min(segments - 1);
            let t = s - i as f64;
            let (t2, t3) = (t * t, t * t * t);
            first.push(i);
            values.push([
                (1.0 - t).powi(3) / 6.0,
                (3.0 * t3 - 6.0 * t2 + 4.0) / 6.0,
                (-3.0 * t3 + 3.0 * t2 + 3.0 * t + 1.0) / 6.0,
                t3 / 6.0,
            ]);
        }
        Basis {
            size: segments + 3,
            first,
            values,
        }
    }

    /// Number of coefficients.
    pub(super) fn size(&self) -> usize {
        self.size
    }

    /// Gram matrix BᵀWB (row-major k × k); `w = None` means unit weights.
    pub(super) fn gram(&self, w: Option<&[f64]>) -> Vec<f64> {
        let k = self.size;
        let mut g = vec![0.0; k * k];
        for (i, (&f, v)) in self.first.iter().zip(&self.values).enumerate() {
            let wi = w.map_or(1.0, |w| w[i]);
            if wi == 0.0 {
                continue;
            }
            for a in 0..4 {
                for b in 0..4 {
                    g[(f + a) * k + f + b] += wi * v[a] * v[b];
                }
            }
        }
        g
    }

    /// BᵀWy.
    pub(super) fn cross(&self, y: &[f64], w: Option<&[f64]>) -> Vec<f64> {
        let mut c = vec![0.0; self.size];
        for (i, ((&f, v), &yi)) in self.first.iter().zip(&self.values).zip(y).enumerate() {
            let wy = w.map_or(1.0, |w| w[i]) * yi;
            for a in 0..4 {
                c[f + a] += v[a] * wy;
            }
        }
        c
    }

    /// B·β at every observation.
    pub(super) fn fitted(&self, beta: &[f64]) -> Vec<f64> {
        self.first
            .iter()
            .zip(&self.values)
            .map(|(&f, v)| (0..4).map(|a| v[a] * beta[f + a]).sum())
            .collect()
    }
}

/// The second-order difference penalty DᵀD (row-major k × k). Its null
/// space is constants and straight lines, so a heavily smoothed fit tends
/// to a straight line, never to nothing.
fn penalty(k: usize) -> Vec<f64> {
    let mut p = vec![0.0; k * k];
    for r in 0..k.saturating_sub(2) {
        let d = [(r, 1.0), (r + 1, -2.0), (r + 2, 1.0)];
        for &(i, a) in &d {
            for &(j, b) in &d {
                p[i * k + j] += a * b;
            }
        }
    }
    p
}

/// A one-variable smoother with its normal equations built for one set of
/// weights.
#[derive(Debug, Clone)]
pub(super) struct Smoother {
    basis: Basis,
    gram: Vec<f64>,
    penalty: Vec<f64>,
    /// tr(G)/tr(P): makes the relative λ grid scale-free.
    scale: f64,
    weights: Option<Vec<f64>>,
    total_weight: f64,
}

/// A smoother factored for one λ, ready to fit any response.
#[derive(Debug, Clone)]
pub(super) struct Factored {
    /// The smoothing parameter (absolute).
    pub(super) lambda: f64,
    /// Effective degrees of freedom tr((G + λP)⁻¹G).
    pub(super) edf: f64,
    chol: Cholesky,
}

impl Smoother {
    /// A smoother over `basis`, with observation weights (e.g. bootstrap
    /// counts) or unit weights.
    pub(super) fn new(basis: Basis, weights: Option<Vec<f64>>) -> Self {
        let k = basis.size();
        let gram = basis.gram(weights.as_deref());
        let penalty = penalty(k);
        let tr_g: f64 = (0..k).map(|i| gram[i * k + i]).sum();
        let tr_p: f64 = (0..k).map(|i| penalty[i * k + i]).sum();
        let total_weight = weights.as_ref().map_or(basis.first.len() as f64, |w| w.iter().sum());
        Smoother {
            basis,
            gram,
            penalty,
            scale: tr_g / tr_p.max(f64::MIN_POSITIVE),
            weights,
            total_weight,
        }
    }

    /// The observation weights (`None`: unit weights).
    pub(super) fn weights(&self) -> Option<&[f64]> {
        self.weights.as_deref()
    }

    /// Sum of the weights (n with unit weights).
    pub(super) fn total_weight(&self) -> f64 {
        self.total_weight
    }

    /// Factors G + λP; `None` if that is not positive definite (too few
    /// distinct points for this λ).
    pub(super) fn factor(&self, lambda: f64) -> Option<Factored> {
        let a: Vec<f64> = self.gram.iter().zip(&self.penalty).map(|(g, p)| g + lambda * p).collect();
        let chol = Cholesky::new(&a, self.basis.size())?;
        let edf = chol.trace_of_inverse_times(&self.gram);
        Some(Factored { lambda, edf, chol })
    }

    /// Fitted values of the penalised least-squares fit of `y`.
    pub(super) fn fit(&self, f: &Factored, y: &[f64]) -> Vec<f64> {
        let beta = f.chol.solve(&self.basis.cross(y, self.weights.as_deref()));
        self.basis.fitted(&beta)
    }

    /// Weighted residual sum of squares of fitted values.
    fn rss(&self, y: &[f64], fitted: &[f64]) -> f64 {
        let w = self.weights.as_deref();
        y.iter()
            .zip(fitted)
            .enumerate()
            .map(|(i, (a, b))| w.map_or(1.0, |w| w[i]) * (a - b).powi(2))
            .sum()
    }

    /// The λ on the grid minimising GCV(λ) = n·RSS/(n − edf)², with its
    /// factorisation and the fitted values; `None` if no λ could be factored.
    pub(super) fn choose(&self, y: &[f64]) -> Option<(Factored, Vec<f64>)> {
        let (lo, hi, steps) = LOG10_GRID;
        let n = self.total_weight;
        let mut best: Option<(f64, Factored, Vec<f64>)> = None;
        for s in 0..steps {
            let rel = 10f64.powf(lo + (hi - lo) * s as f64 / (steps - 1) as f64);
            let Some(f) = self.factor(rel * self.scale) else { continue };
            let fitted = self.fit(&f, y);
            let denom = n - f.edf;
            if denom <= 0.0 {
                continue;
            }
            let gcv = n * self.rss(y, &fitted) / (denom * denom);
            let better = match &best {
                Some((g, _, _)) => gcv < *g,
                None => true,
            };
            if better {
                best = Some((gcv, f, fitted));
            }
        }
        best.map(|(_, f, fitted)| (f, fitted))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    #[test]
    fn basis_is_a_partition_of_unity_and_reproduces_lines() {
        let u: Vec<f64> = (0..=100).map(|i| i as f64 / 100.0).collect();
        let b = Basis::new(&u, 7);
        for v in &b.values {
            assert!((v.iter().sum::<f64>() - 1.0).abs() < 1e-14);
        }
        // A straight line is in the penalty's null space: any λ recovers it.
        let y: Vec<f64> = u.iter().map(|x| 3.0 - 2.0 * x).collect();
        let s = Smoother::new(b, None);
        let f = s.factor(1e6 * s.scale).unwrap();
        for (got, want) in s.fit(&f, &y).iter().zip(&y) {
            assert!((got - want).abs() < 1e-8);
        }
    }

    /// On a smooth curve plus noise, the GCV fit's error against the truth
    /// is well below the noise (it smooths) and its edf is moderate.
    #[test]
    fn gcv_smooths_noise_away() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(8);
        let n = 1_000;
        let u: Vec<f64> = (0..n).map(|_| rng.random::<f64>()).collect();
        let truth: Vec<f64> = u.iter().map(|x| (6.0 * x).sin()).collect();
        let y: Vec<f64> = truth.iter().map(|t| t + 0.5 * (rng.random::<f64>() - 0.5) * 12f64.sqrt()).collect();
        let s = Smoother::new(Basis::new(&u, 20), None);
        let (f, fitted) = s.choose(&y).unwrap();
        let mse: f64 = fitted.iter().zip(&truth).map(|(a, b)| (a - b).powi(2)).sum::<f64>() / n as f64;
        // Noise variance 0.25; a good smoother's error is ~0.25·edf/n ≈ 0.002.
        assert!(mse < 0.01, "mse {mse}");
        assert!(f.edf > 4.0 && f.edf < 20.0, "edf {}", f.edf);
    }
}

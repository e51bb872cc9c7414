//! P-splines (Eilers & Marx 1996): cubic B-spline bases on equally spaced
//! knots over [0, 1] with second-order difference penalties, fitted by
//! penalised (optionally weighted) least squares, the smoothing parameters
//! chosen by generalised cross-validation (Craven & Wahba 1979). A basis is
//! either one variable's (4 non-zeros a row, one penalty) or the tensor
//! product of two (16 non-zeros a row, one penalty per direction; Eilers &
//! Marx 2003), which can represent interactions.
//!
//! Building the normal equations costs O(nnz² n); every set of λ tried
//! costs O(k³) with k the number of coefficients.

use super::linalg::Cholesky;

/// Smoothing parameters tried by GCV for one penalty, relative to
/// tr(G)/tr(P) so the grid does not depend on the scale of the data:
/// 10^-6 … 10^6 in quarter decades.
const LOG10_GRID: (f64, f64, usize) = (-6.0, 6.0, 49);

/// For two penalties: a coarse grid of whole decades 10^-4 … 10^4 in each
/// direction, then quarter decades within half a decade of the best.
const LOG10_GRID_2D: (f64, f64, usize) = (-4.0, 4.0, 9);

/// A basis evaluated at each observation: row i has `nnz` non-zero entries,
/// in columns `index[i·nnz ..]` with values `value[i·nnz ..]`.
#[derive(Debug, Clone)]
pub(super) struct Basis {
    size: usize,
    nnz: usize,
    index: Vec<usize>,
    value: Vec<f64>,
    /// Penalty matrices (row-major size × size), one per direction.
    penalties: Vec<Vec<f64>>,
}

/// The four non-zero cubic B-splines at u: (first column, values).
fn cubic(u: f64, segments: usize) -> (usize, [f64; 4]) {
    let s = u.clamp(0.0, 1.0) * segments as f64;
    let i = (s.floor() as usize).min(segments - 1);
    let t = s - i as f64;
    let (t2, t3) = (t * t, t * t * t);
    (
        i,
        [
            (1.0 - t).powi(3) / 6.0,
            (3.0 * t3 - 6.0 * t2 + 4.0) / 6.0,
            (-3.0 * t3 + 3.0 * t2 + 3.0 * t + 1.0) / 6.0,
            t3 / 6.0,
        ],
    )
}

impl Basis {
    /// The basis of `segments` equal intervals of [0, 1] at points `u` in
    /// [0, 1] (values outside are clamped to the ends).
    pub(super) fn new(u: &[f64], segments: usize) -> Self {
        let segments = segments.max(1);
        let mut index = Vec::with_capacity(4 * u.len());
        let mut value = Vec::with_capacity(4 * u.len());
        for &x in u {
            let (first, v) = cubic(x, segments);
            index.extend(first..first + 4);
            value.extend(v);
        }
        let size = segments + 3;
        Basis {
            size,
            nnz: 4,
            index,
            value,
            penalties: vec![penalty(size)],
        }
    }

    /// The tensor-product basis of two variables, `segments` intervals
    /// each: column (a, b) is B_a(u)·B_b(v), at index a·(segments + 3) + b.
    /// Penalties: second differences along u (P ⊗ I) and along v (I ⊗ P),
    /// whose common null space is the bilinear surfaces 1, u, v, u·v.
    pub(super) fn tensor(u: &[f64], v: &[f64], segments: usize) -> Self {
        let segments = segments.max(1);
        let k = segments + 3;
        let mut index = Vec::with_capacity(16 * u.len());
        let mut value = Vec::with_capacity(16 * u.len());
        for (&x, &y) in u.iter().zip(v) {
            let ((fx, vx), (fy, vy)) = (cubic(x, segments), cubic(y, segments));
            for (a, va) in vx.iter().enumerate() {
                for (b, vb) in vy.iter().enumerate() {
                    index.push((fx + a) * k + fy + b);
                    value.push(va * vb);
                }
            }
        }
        let p = penalty(k);
        let size = k * k;
        let mut along_u = vec![0.0; size * size];
        let mut along_v = vec![0.0; size * size];
        for a in 0..k {
            for a2 in 0..k {
                for b in 0..k {
                    along_u[(a * k + b) * size + a2 * k + b] = p[a * k + a2];
                    along_v[(b * k + a) * size + b * k + a2] = p[a * k + a2];
                }
            }
        }
        Basis {
            size,
            nnz: 16,
            index,
            value,
            penalties: vec![along_u, along_v],
        }
    }

    /// Number of coefficients.
    pub(super) fn size(&self) -> usize {
        self.size
    }

    fn rows(&self) -> impl Iterator<Item = (&[usize], &[f64])> {
        self.index.chunks_exact(self.nnz).zip(self.value.chunks_exact(self.nnz))
    }

    /// Gram matrix BᵀWB (row-major k × k); `w = None` means unit weights.
    pub(super) fn gram(&self, w: Option<&[f64]>) -> Vec<f64> {
        let k = self.size;
        let mut g = vec![0.0; k * k];
        for (i, (idx, val)) in self.rows().enumerate() {
            let wi = w.map_or(1.0, |w| w[i]);
            if wi == 0.0 {
                continue;
            }
            for (&r, &vr) in idx.iter().zip(val) {
                let row = &mut g[r * k..(r + 1) * k];
                for (&c, &vc) in idx.iter().zip(val) {
                    row[c] += wi * vr * vc;
                }
            }
        }
        g
    }

    /// BᵀWy.
    pub(super) fn cross(&self, y: &[f64], w: Option<&[f64]>) -> Vec<f64> {
        let mut c = vec![0.0; self.size];
        for (i, ((idx, val), &yi)) in self.rows().zip(y).enumerate() {
            let wy = w.map_or(1.0, |w| w[i]) * yi;
            for (&r, &v) in idx.iter().zip(val) {
                c[r] += v * wy;
            }
        }
        c
    }

    /// B·β at every observation.
    pub(super) fn fitted(&self, beta: &[f64]) -> Vec<f64> {
        self.rows()
            .map(|(idx, val)| idx.iter().zip(val).map(|(&r, &v)| v * beta[r]).sum())
            .collect()
    }

    fn observations(&self) -> usize {
        self.index.len() / self.nnz
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

/// A smoother with its normal equations built for one set of weights.
#[derive(Debug, Clone)]
pub(super) struct Smoother {
    basis: Basis,
    gram: Vec<f64>,
    /// tr(G)/tr(P) per penalty: makes the relative λ grid scale-free.
    scales: Vec<f64>,
    weights: Option<Vec<f64>>,
    total_weight: f64,
}

/// A smoother factored for one set of λ, ready to fit any response.
#[derive(Debug, Clone)]
pub(super) struct Factored {
    /// The smoothing parameters (absolute), one per penalty.
    pub(super) lambdas: Vec<f64>,
    /// Effective degrees of freedom tr((G + Σ λP)⁻¹G).
    pub(super) edf: f64,
    chol: Cholesky,
}

impl Smoother {
    /// A smoother over `basis`, with observation weights (e.g. bootstrap
    /// counts) or unit weights.
    pub(super) fn new(basis: Basis, weights: Option<Vec<f64>>) -> Self {
        let k = basis.size();
        let gram = basis.gram(weights.as_deref());
        let tr = |m: &[f64]| (0..k).map(|i| m[i * k + i]).sum::<f64>();
        let tr_g = tr(&gram);
        let scales = basis.penalties.iter().map(|p| tr_g / tr(p).max(f64::MIN_POSITIVE)).collect();
        let total_weight = weights.as_ref().map_or(basis.observations() as f64, |w| w.iter().sum());
        Smoother {
            basis,
            gram,
            scales,
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

    /// Factors G + Σ λᵢPᵢ; `None` if that is not positive definite (too
    /// few distinct points for these λ) or `lambdas` has the wrong length.
    pub(super) fn factor(&self, lambdas: &[f64]) -> Option<Factored> {
        if lambdas.len() != self.basis.penalties.len() {
            return None;
        }
        let mut a = self.gram.clone();
        for (p, &l) in self.basis.penalties.iter().zip(lambdas) {
            for (x, q) in a.iter_mut().zip(p) {
                *x += l * q;
            }
        }
        let chol = Cholesky::new(&a, self.basis.size())?;
        let edf = chol.trace_of_inverse_times(&self.gram);
        Some(Factored {
            lambdas: lambdas.to_vec(),
            edf,
            chol,
        })
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

    /// GCV(λ) = n·RSS/(n − edf)² at relative log10 λs, with the fit.
    fn gcv(&self, y: &[f64], log10_rel: &[f64]) -> Option<(f64, Factored, Vec<f64>)> {
        let lambdas: Vec<f64> = log10_rel.iter().zip(&self.scales).map(|(l, s)| 10f64.powf(*l) * s).collect();
        let f = self.factor(&lambdas)?;
        let fitted = self.fit(&f, y);
        let n = self.total_weight;
        let denom = n - f.edf;
        (denom > 0.0).then(|| (n * self.rss(y, &fitted) / (denom * denom), f, fitted))
    }

    /// The λ minimising GCV over the grid, with its factorisation and the
    /// fitted values; `None` if no λ could be factored.
    pub(super) fn choose(&self, y: &[f64]) -> Option<(Factored, Vec<f64>)> {
        let grid = |(lo, hi, steps): (f64, f64, usize)| -> Vec<f64> {
            (0..steps).map(|s| lo + (hi - lo) * s as f64 / (steps - 1) as f64).collect()
        };
        let candidates: Vec<Vec<f64>> = match self.scales.len() {
            1 => grid(LOG10_GRID).into_iter().map(|l| vec![l]).collect(),
            _ => {
                let g = grid(LOG10_GRID_2D);
                g.iter().flat_map(|&a| g.iter().map(move |&b| vec![a, b])).collect()
            }
        };
        let mut best: Option<(f64, Vec<f64>, Factored, Vec<f64>)> = None;
        let consider = |l: Vec<f64>, best: &mut Option<(f64, Vec<f64>, Factored, Vec<f64>)>| {
            if let Some((g, f, fitted)) = self.gcv(y, &l) {
                let better = match best {
                    Some(b) => g < b.0,
                    None => true,
                };
                if better {
                    *best = Some((g, l, f, fitted));
                }
            }
        };
        for l in candidates {
            consider(l, &mut best);
        }
        if self.scales.len() == 2 {
            if let Some(centre) = best.as_ref().map(|b| b.1.clone()) {
                let steps = [-0.5, -0.25, 0.0, 0.25, 0.5];
                for da in steps {
                    for db in steps {
                        if da != 0.0 || db != 0.0 {
                            consider(vec![centre[0] + da, centre[1] + db], &mut best);
                        }
                    }
                }
            }
        }
        best.map(|(_, _, f, fitted)| (f, fitted))
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
        for (_, v) in b.rows() {
            assert!((v.iter().sum::<f64>() - 1.0).abs() < 1e-14);
        }
        // A straight line is in the penalty's null space: any λ recovers it.
        let y: Vec<f64> = u.iter().map(|x| 3.0 - 2.0 * x).collect();
        let s = Smoother::new(b, None);
        let f = s.factor(&[1e6 * s.scales[0]]).unwrap();
        for (got, want) in s.fit(&f, &y).iter().zip(&y) {
            assert!((got - want).abs() < 1e-8);
        }
    }

    /// The tensor basis is a partition of unity, and with both penalties
    /// heavy it still reproduces a bilinear surface exactly (their common
    /// null space).
    #[test]
    fn tensor_basis_reproduces_bilinear_surfaces() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(4);
        let u: Vec<f64> = (0..400).map(|_| rng.random::<f64>()).collect();
        let v: Vec<f64> = (0..400).map(|_| rng.random::<f64>()).collect();
        let b = Basis::tensor(&u, &v, 5);
        assert_eq!(b.size(), 64);
        for (_, vals) in b.rows() {
            assert!((vals.iter().sum::<f64>() - 1.0).abs() < 1e-14);
        }
        let y: Vec<f64> = u.iter().zip(&v).map(|(a, c)| 1.0 + 2.0 * a - c + 3.0 * a * c).collect();
        let s = Smoother::new(b, None);
        let f = s.factor(&[1e6 * s.scales[0], 1e6 * s.scales[1]]).unwrap();
        for (got, want) in s.fit(&f, &y).iter().zip(&y) {
            assert!((got - want).abs() < 1e-6, "{got} vs {want}");
        }
        // A wrong number of smoothing parameters is refused, not guessed.
        assert!(s.factor(&[1.0]).is_none());
    }

    /// Each tensor penalty charges curvature along its own direction only:
    /// coefficients curved along u alone cost nothing under the v penalty
    /// and something under the u penalty, and vice versa.
    #[test]
    fn tensor_penalties_act_along_their_own_direction() {
        let b = Basis::tensor(&[0.5], &[0.5], 4);
        let (k, size) = (7, 49);
        let quad = |p: &[f64], beta: &[f64]| -> f64 {
            (0..size)
                .map(|i| (0..size).map(|j| beta[i] * p[i * size + j] * beta[j]).sum::<f64>())
                .sum()
        };
        let along_u: Vec<f64> = (0..size).map(|i| ((i / k) as f64).powi(2)).collect();
        let along_v: Vec<f64> = (0..size).map(|i| ((i % k) as f64).powi(2)).collect();
        let (pu, pv) = (&b.penalties[0], &b.penalties[1]);
        assert!(quad(pu, &along_u) > 1.0 && quad(pv, &along_u).abs() < 1e-12);
        assert!(quad(pv, &along_v) > 1.0 && quad(pu, &along_v).abs() < 1e-12);
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

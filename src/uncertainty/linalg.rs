//! Small dense linear algebra for the smoothers: the Cholesky factor of a
//! symmetric positive-definite matrix and the solves built on it. Matrices
//! are row-major `n × n` slices; n is a few dozen, so O(n³) is nothing.

// Index loops mirror the textbook recurrences; iterator forms obscure them.
#![allow(clippy::needless_range_loop)]

/// The lower-triangular factor L of A = L·Lᵀ.
#[derive(Debug, Clone)]
pub(super) struct Cholesky {
    n: usize,
    l: Vec<f64>,
}

/// A pivot below this fraction of the largest diagonal entry means A is
/// not safely positive definite (a smoothing parameter too small for the
/// data), and the factorisation is refused rather than amplifying rounding.
const PIVOT_FLOOR: f64 = 1e-13;

impl Cholesky {
    /// Factors the `n × n` row-major matrix `a`; `None` if it is not
    /// (numerically) positive definite or not finite.
    pub(super) fn new(a: &[f64], n: usize) -> Option<Self> {
        if a.len() != n * n {
            return None;
        }
        let scale = (0..n).map(|i| a[i * n + i]).fold(0.0_f64, f64::max);
        if !(scale.is_finite() && scale > 0.0) {
            return None;
        }
        let mut l = vec![0.0; n * n];
        for j in 0..n {
            let mut d = a[j * n + j];
            for k in 0..j {
                d -= l[j * n + k] * l[j * n + k];
            }
            if d.is_nan() || d <= PIVOT_FLOOR * scale {
                return None;
            }
            let d = d.sqrt();
            l[j * n + j] = d;
            for i in j + 1..n {
                let mut s = a[i * n + j];
                for k in 0..j {
                    s -= l[i * n + k] * l[j * n + k];
                }
                l[i * n + j] = s / d;
            }
        }
        Some(Cholesky { n, l })
    }

    /// Solves A·x = b.
    pub(super) fn solve(&self, b: &[f64]) -> Vec<f64> {
        let n = self.n;
        let mut y = b.to_vec();
        for i in 0..n {
            let mut s = y[i];
            for k in 0..i {
                s -= self.l[i * n + k] * y[k];
            }
            y[i] = s / self.l[i * n + i];
        }
        for i in (0..n).rev() {
            let mut s = y[i];
            for k in i + 1..n {
                s -= self.l[k * n + i] * y[k];
            }
            y[i] = s / self.l[i * n + i];
        }
        y
    }

    /// tr(A⁻¹·G) for a row-major `n × n` G: the effective degrees of freedom
    /// of a penalised fit when A = G + λP.
    pub(super) fn trace_of_inverse_times(&self, g: &[f64]) -> f64 {
        let n = self.n;
        let mut trace = 0.0;
        let mut column = vec![0.0; n];
        for j in 0..n {
            for (i, c) in column.iter_mut().enumerate() {
                *c = g[i * n + j];
            }
            trace += self.solve(&column)[j];
        }
        trace
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_and_traces_a_known_system() {
        // A = [[4, 2, 0], [2, 5, 1], [0, 1, 3]], x = (1, -2, 3) → b = A x.
        let a = [4.0, 2.0, 0.0, 2.0, 5.0, 1.0, 0.0, 1.0, 3.0];
        let c = Cholesky::new(&a, 3).unwrap();
        let x = c.solve(&[0.0, -5.0, 7.0]);
        for (got, want) in x.iter().zip([1.0, -2.0, 3.0]) {
            assert!((got - want).abs() < 1e-12);
        }
        // tr(A⁻¹ A) = n.
        assert!((c.trace_of_inverse_times(&a) - 3.0).abs() < 1e-12);
        // Singular and indefinite matrices are refused.
        assert!(Cholesky::new(&[1.0, 1.0, 1.0, 1.0], 2).is_none());
        assert!(Cholesky::new(&[1.0, 2.0, 2.0, 1.0], 2).is_none());
        assert!(Cholesky::new(&[f64::NAN], 1).is_none());
        assert!(Cholesky::new(&[1.0], 2).is_none());
    }
}

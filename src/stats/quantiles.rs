//! The mean and percentiles of a stream of values over replications, in
//! memory that stops growing: exact up to [`EXACT_LIMIT`] values, a
//! [`LogSketch`] beyond.

use super::exact_sum::ExactSum;
use super::sketch::{LogSketch, RELATIVE_ERROR};

/// Finite values kept exactly before switching to the sketch. Up to this
/// many, means and percentiles are the textbook ones (type-7 percentiles,
/// the mean summed in ascending order) — the bytes `timeseries.csv` has
/// always had. The default scenario runs 10 replications.
pub const EXACT_LIMIT: usize = 100;

/// How the values are held.
#[derive(Debug, Clone, PartialEq)]
enum Repr {
    /// Every finite value, in the order added.
    Exact(Vec<f64>),
    /// Beyond [`EXACT_LIMIT`] values.
    Sketch(LogSketch),
}

/// Mean and percentiles of the finite values of a stream (non-finite
/// values, "undefined" in a replication, are skipped), mergeable.
///
/// Merging is exact: a stream split anywhere into parts, each accumulated
/// and then merged in order, gives the same state as one pass — the exact
/// list while the total is at most [`EXACT_LIMIT`], else the same sketch
/// counts and the same [`ExactSum`].
///
/// With at most [`EXACT_LIMIT`] values [`Quantiles::quantile`] is the
/// exact type-7 percentile; beyond, it interpolates between sketch
/// estimates of the same two order statistics, so its error is at most
/// [`RELATIVE_ERROR`] (1/128 ≈ 0.78%) of the larger magnitude of those two
/// (see [`LogSketch::value_at_rank`] for values spanning more than 2⁴⁰),
/// and it always lies within the exact minimum and maximum. The mean is
/// exact beyond the limit too (an exact sum over the count).
#[derive(Debug, Clone, PartialEq)]
pub struct Quantiles {
    repr: Repr,
    sum: ExactSum,
    min: f64,
    max: f64,
}

impl Default for Quantiles {
    fn default() -> Self {
        Quantiles::new()
    }
}

/// Empirical quantile (type 7) of sorted values; NaN when empty.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

impl Quantiles {
    /// No values yet.
    pub fn new() -> Quantiles {
        Quantiles {
            repr: Repr::Exact(Vec::new()),
            sum: ExactSum::new(),
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }

    /// Adds `x`, skipping it when not finite.
    pub fn add(&mut self, x: f64) {
        if !x.is_finite() {
            return;
        }
        self.sum.add(x);
        self.min = self.min.min(x);
        self.max = self.max.max(x);
        match &mut self.repr {
            Repr::Exact(values) if values.len() < EXACT_LIMIT => {
                if values.len() == values.capacity() {
                    // Grow towards the limit, never past it.
                    values.reserve_exact(values.len().clamp(4, EXACT_LIMIT - values.len()));
                }
                values.push(x);
            }
            Repr::Exact(values) => {
                let mut sketch = LogSketch::new();
                values.iter().for_each(|&v| sketch.add(v));
                sketch.add(x);
                self.repr = Repr::Sketch(sketch);
            }
            Repr::Sketch(sketch) => sketch.add(x),
        }
    }

    /// Adds `other`'s values after this one's.
    pub fn merge(&mut self, other: &Quantiles) {
        self.sum.merge(&other.sum);
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        let total = self.count() + other.count();
        match (&mut self.repr, &other.repr) {
            (Repr::Exact(a), Repr::Exact(b)) if total <= EXACT_LIMIT as u64 => a.extend_from_slice(b),
            (mine, theirs) => {
                let mut sketch = match mine {
                    Repr::Exact(a) => {
                        let mut s = LogSketch::new();
                        a.iter().for_each(|&v| s.add(v));
                        s
                    }
                    Repr::Sketch(s) => std::mem::take(s),
                };
                match theirs {
                    Repr::Exact(b) => b.iter().for_each(|&v| sketch.add(v)),
                    Repr::Sketch(s) => sketch.merge(s),
                }
                *mine = Repr::Sketch(sketch);
            }
        }
    }

    /// Finite values added.
    pub fn count(&self) -> u64 {
        match &self.repr {
            Repr::Exact(values) => values.len() as u64,
            Repr::Sketch(sketch) => sketch.count(),
        }
    }

    /// Whether the values are still held exactly.
    pub fn is_exact(&self) -> bool {
        matches!(self.repr, Repr::Exact(_))
    }

    /// Mean of the values and their type-7 quantiles at `probs` (each in
    /// \[0, 1\]); NaN throughout when there are none.
    pub fn describe<const K: usize>(&self, probs: [f64; K]) -> (f64, [f64; K]) {
        match &self.repr {
            Repr::Exact(values) => {
                let mut sorted = values.clone();
                sorted.sort_by(f64::total_cmp);
                let mean = if sorted.is_empty() {
                    f64::NAN
                } else {
                    sorted.iter().sum::<f64>() / sorted.len() as f64
                };
                (mean, probs.map(|q| quantile_sorted(&sorted, q)))
            }
            Repr::Sketch(sketch) => {
                let n = sketch.count();
                let mean = self.sum.value() / n as f64;
                (mean, probs.map(|q| self.sketch_quantile(sketch, q)))
            }
        }
    }

    /// The mean (NaN when empty).
    pub fn mean(&self) -> f64 {
        self.describe([]).0
    }

    /// The type-7 quantile at `q` (NaN when empty).
    pub fn quantile(&self, q: f64) -> f64 {
        self.describe([q]).1[0]
    }

    fn sketch_quantile(&self, sketch: &LogSketch, q: f64) -> f64 {
        let n = sketch.count();
        if n == 0 {
            return f64::NAN;
        }
        let h = (n - 1) as f64 * q.clamp(0.0, 1.0);
        let (lo, hi) = (h.floor(), h.ceil());
        let at = |rank: f64| match rank as u64 {
            0 => self.min,
            r if r + 1 == n => self.max,
            r => sketch.value_at_rank(r).unwrap_or(f64::NAN).clamp(self.min, self.max),
        };
        let (x_lo, x_hi) = (at(lo), at(hi));
        x_lo + (h - lo) * (x_hi - x_lo)
    }
}

/// The documented bound of [`Quantiles::quantile`] beyond the exact limit,
/// for a true quantile interpolated between order statistics `lo` and `hi`.
pub fn quantile_error_bound(lo: f64, hi: f64) -> f64 {
    RELATIVE_ERROR * lo.abs().max(hi.abs())
}

/// The exact state (the values, or the sketch, with the exact sum and the
/// extremes), so partial results merged elsewhere describe the same bits
/// ([`crate::distributed`]).
impl crate::codec::Encode for Quantiles {
    fn encode(&self, w: &mut crate::codec::Writer) {
        match &self.repr {
            Repr::Exact(values) => {
                w.u8(0);
                w.seq(values);
            }
            Repr::Sketch(sketch) => {
                w.u8(1);
                sketch.encode(w);
            }
        }
        self.sum.encode(w);
        w.f64(self.min);
        w.f64(self.max);
    }
}

impl crate::codec::Decode for Quantiles {
    const MIN_BYTES: usize = 1 + 8 + 32 + 16;
    fn decode(r: &mut crate::codec::Reader) -> Result<Self, crate::codec::DecodeError> {
        use crate::codec::DecodeError;
        let repr = match r.u8()? {
            0 => {
                let values: Vec<f64> = r.seq()?;
                if values.len() > EXACT_LIMIT || values.iter().any(|v| !v.is_finite()) {
                    return Err(DecodeError("exact quantile values: too many, or not finite".into()));
                }
                Repr::Exact(values)
            }
            1 => Repr::Sketch(LogSketch::decode(r)?),
            t => return Err(DecodeError(format!("quantiles: unknown representation {t}"))),
        };
        Ok(Quantiles {
            repr,
            sum: ExactSum::decode(r)?,
            min: r.f64()?,
            max: r.f64()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reproducible stream of uniform numbers in [0, 1) (SplitMix64).
    fn uniforms(seed: u64, n: usize) -> Vec<f64> {
        let mut state = seed;
        (0..n)
            .map(|_| {
                state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
                let mut z = state;
                z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
                ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
            })
            .collect()
    }

    fn of(values: &[f64]) -> Quantiles {
        let mut q = Quantiles::new();
        values.iter().for_each(|&v| q.add(v));
        q
    }

    #[test]
    fn exact_up_to_the_limit_like_sorting() {
        let xs: Vec<f64> = uniforms(1, EXACT_LIMIT).iter().map(|u| 100.0 * u - 20.0).collect();
        let q = of(&xs);
        assert!(q.is_exact());
        let mut sorted = xs.clone();
        sorted.sort_by(f64::total_cmp);
        let (mean, [p05, p95]) = q.describe([0.05, 0.95]);
        assert_eq!(mean, sorted.iter().sum::<f64>() / sorted.len() as f64);
        assert_eq!(p05, quantile_sorted(&sorted, 0.05));
        assert_eq!(p95, quantile_sorted(&sorted, 0.95));
    }

    #[test]
    fn the_sketch_is_within_its_bound_of_the_exact_percentiles() {
        // Shapes a weekly series takes: counts, a heavy tail, values of
        // both signs and exact zeros.
        type Shape = fn(f64) -> f64;
        let shapes: [(&str, Shape); 4] = [
            ("uniform counts", |u| (2000.0 + 300.0 * u).round()),
            ("lognormal-ish", |u| (8.0 * u - 4.0).exp()),
            ("both signs", |u| 1000.0 * (u - 0.3)),
            ("zeros", |u| if u < 0.4 { 0.0 } else { u }),
        ];
        for (seed, (name, shape)) in shapes.iter().enumerate() {
            for n in [EXACT_LIMIT + 1, 1000, 10_000] {
                let xs: Vec<f64> = uniforms(seed as u64 + 7, n).into_iter().map(shape).collect();
                let q = of(&xs);
                assert!(!q.is_exact());
                let mut sorted = xs.clone();
                sorted.sort_by(f64::total_cmp);
                for p in [0.0, 0.05, 0.25, 0.5, 0.9, 0.95, 1.0] {
                    let h = (n - 1) as f64 * p;
                    let bound = quantile_error_bound(sorted[h.floor() as usize], sorted[h.ceil() as usize]);
                    let (exact, est) = (quantile_sorted(&sorted, p), q.quantile(p));
                    assert!((est - exact).abs() <= bound, "{name} n={n} p={p}: {est} vs {exact} (bound {bound})");
                }
                let mean = sorted.iter().sum::<f64>() / n as f64;
                assert!((q.mean() - mean).abs() <= 1e-9 * mean.abs().max(1.0), "{name}: mean");
            }
        }
    }

    #[test]
    fn merging_in_order_at_every_split_equals_one_pass() {
        for n in [10, EXACT_LIMIT, EXACT_LIMIT + 1, 250] {
            let xs: Vec<f64> = uniforms(n as u64, n).iter().map(|u| 50.0 * u).collect();
            let whole = of(&xs);
            for split in 0..=n {
                let mut left = of(&xs[..split]);
                left.merge(&of(&xs[split..]));
                assert_eq!(left, whole, "n={n} split={split}");
                let (a, b) = (left.describe([0.05, 0.95]), whole.describe([0.05, 0.95]));
                assert_eq!(a.0.to_bits(), b.0.to_bits());
                assert_eq!(a.1.map(f64::to_bits), b.1.map(f64::to_bits));
            }
            // Three parts, grouped either way.
            let (i, j) = (n / 3, 2 * n / 3);
            let mut ab = of(&xs[..i]);
            ab.merge(&of(&xs[i..j]));
            ab.merge(&of(&xs[j..]));
            let mut bc = of(&xs[i..j]);
            bc.merge(&of(&xs[j..]));
            let mut a = of(&xs[..i]);
            a.merge(&bc);
            assert_eq!(ab, whole);
            assert_eq!(a, whole);
        }
    }

    #[test]
    fn non_finite_values_are_skipped_and_empty_is_nan() {
        let q = of(&[f64::NAN, f64::INFINITY]);
        assert_eq!(q.count(), 0);
        assert!(q.mean().is_nan() && q.quantile(0.5).is_nan());
    }
}

//! Running mean and variance (Welford), mergeable (Chan et al.).

use super::student_t::student_t_quantile;

/// Count, mean, variance, min and max of a stream of observations.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Number of observations, kept as a float: every formula below divides
    /// or multiplies by it, and an integer count cost a six-instruction
    /// `u64` to `f64` conversion on each [`Summary::add`] (x86-64 has no
    /// unsigned conversion before AVX-512). Exact, like the integer, up to
    /// 2⁵³ observations.
    n: f64,
    mean: f64,
    m2: f64,
    min: f64,
    max: f64,
}

impl Default for Summary {
    fn default() -> Self {
        Self::new()
    }
}

/// A two-sided confidence interval for a mean.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ConfidenceInterval {
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
}

impl ConfidenceInterval {
    /// Half the interval's width.
    pub fn half_width(&self) -> f64 {
        (self.high - self.low) / 2.0
    }

    /// Whether `value` lies inside the closed interval.
    pub fn contains(&self, value: f64) -> bool {
        self.low <= value && value <= self.high
    }
}

impl Summary {
    /// An empty summary.
    pub const fn new() -> Self {
        Summary {
            n: 0.0,
            mean: 0.0,
            m2: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }

    /// A summary of the given observations.
    pub fn of(values: impl IntoIterator<Item = f64>) -> Self {
        let mut s = Summary::new();
        for v in values {
            s.add(v);
        }
        s
    }

    /// Adds one observation.
    ///
    /// The minimum and maximum are kept with a plain comparison rather than
    /// `f64::min`/`max`: neither is ever NaN (they start infinite and only
    /// take observations), and a NaN `x` compares false and leaves them as
    /// `min`/`max` would, so the results are the same bits, in one `minsd`
    /// or `maxsd` instead of seven instructions of NaN handling each.
    #[inline]
    pub fn add(&mut self, x: f64) {
        self.n += 1.0;
        let delta = x - self.mean;
        self.mean += delta / self.n;
        self.m2 += delta * (x - self.mean);
        self.min = if x < self.min { x } else { self.min };
        self.max = if x > self.max { x } else { self.max };
    }

    /// Folds another summary into this one, as if its observations had been
    /// added here.
    pub fn merge(&mut self, other: &Summary) {
        if other.n == 0.0 {
            return;
        }
        if self.n == 0.0 {
            *self = *other;
            return;
        }
        let n = self.n + other.n;
        let delta = other.mean - self.mean;
        self.mean += delta * other.n / n;
        self.m2 += other.m2 + delta * delta * (self.n * other.n) / n;
        self.n = n;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }

    /// Number of observations.
    pub fn count(&self) -> u64 {
        self.n as u64
    }

    /// Sample mean; `None` when empty.
    pub fn mean(&self) -> Option<f64> {
        (self.n > 0.0).then_some(self.mean)
    }

    /// Sum of the observations.
    pub fn sum(&self) -> f64 {
        self.mean * self.n
    }

    /// Sample variance (n − 1 denominator); `None` with fewer than 2 values.
    pub fn variance(&self) -> Option<f64> {
        (self.n > 1.0).then(|| self.m2 / (self.n - 1.0))
    }

    /// Sample standard deviation; `None` with fewer than 2 values.
    pub fn sd(&self) -> Option<f64> {
        self.variance().map(f64::sqrt)
    }

    /// Smallest observation; `None` when empty.
    pub fn min(&self) -> Option<f64> {
        (self.n > 0.0).then_some(self.min)
    }

    /// Largest observation; `None` when empty.
    pub fn max(&self) -> Option<f64> {
        (self.n > 0.0).then_some(self.max)
    }

    /// Student-t confidence interval for the mean at `level` (e.g. 0.95);
    /// `None` with fewer than 2 observations.
    pub fn confidence_interval(&self, level: f64) -> Option<ConfidenceInterval> {
        let sd = self.sd()?;
        let t = student_t_quantile(0.5 + level / 2.0, self.n - 1.0);
        let half = t * sd / self.n.sqrt();
        Some(ConfidenceInterval {
            low: self.mean - half,
            high: self.mean + half,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_at_every_split_equals_whole() {
        let xs: Vec<f64> = (0..50).map(|i| ((i * 37) % 11) as f64 * 0.7 - 2.0).collect();
        let whole = Summary::of(xs.iter().copied());
        for split in 0..=xs.len() {
            let mut a = Summary::of(xs[..split].iter().copied());
            let b = Summary::of(xs[split..].iter().copied());
            a.merge(&b);
            assert_eq!(a.count(), whole.count());
            assert!((a.mean().unwrap() - whole.mean().unwrap()).abs() < 1e-12);
            assert!((a.variance().unwrap() - whole.variance().unwrap()).abs() < 1e-10);
            assert_eq!(a.min(), whole.min());
            assert_eq!(a.max(), whole.max());
        }
    }

    #[test]
    fn add_is_bitwise_the_textbook_welford() {
        // The integer-count, `f64::min`/`max` form the summary used to
        // take: the float count and plain comparisons give the same bits,
        // NaN and signed zeros included.
        let xs: Vec<f64> = [0.0, -0.0, f64::NAN, 0.0]
            .into_iter()
            .chain((0..500).map(|i| ((i * 7919) % 1000) as f64 / 37.0 - 9.0))
            .chain([1e300, -1e-300])
            .collect();
        let (mut n, mut mean, mut m2, mut min, mut max) = (0u64, 0.0f64, 0.0f64, f64::INFINITY, f64::NEG_INFINITY);
        let mut s = Summary::new();
        for &x in &xs {
            n += 1;
            let delta = x - mean;
            mean += delta / n as f64;
            m2 += delta * (x - mean);
            min = min.min(x);
            max = max.max(x);
            s.add(x);
            assert_eq!(s.count(), n);
            assert_eq!(s.mean.to_bits(), mean.to_bits());
            assert_eq!(s.m2.to_bits(), m2.to_bits());
            assert_eq!(s.min.to_bits(), min.to_bits());
            assert_eq!(s.max.to_bits(), max.to_bits());
        }
    }

    #[test]
    fn ci_matches_textbook() {
        // n = 10, mean 5, sd 1: half-width = 2.262 * 1 / sqrt(10).
        let s = Summary::of([4.0, 6.0, 5.0, 5.0, 3.6, 6.4, 5.0, 5.0, 4.3, 5.7]);
        let ci = s.confidence_interval(0.95).unwrap();
        let expected = 2.262_157 * s.sd().unwrap() / 10f64.sqrt();
        assert!((ci.half_width() - expected).abs() < 1e-5);
        assert!(Summary::of([1.0]).confidence_interval(0.95).is_none());
    }
}

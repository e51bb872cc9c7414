//! A deterministic, mergeable quantile sketch with a relative error bound:
//! a histogram over fixed logarithmic buckets (the idea of DDSketch,
//! Masson, Rim & Lee 2019, and of HDR histograms).
//!
//! A bucket is a binary exponent and the top [`SUB_BITS`] bits of the
//! mantissa, read straight from the `f64`'s bits: no logarithm, so the
//! bucket of a value is the same on every platform, and the sketch of a
//! set of values is the same whatever order they were added or merged in.

/// Mantissa bits per bucket: 2⁶ = 64 buckets per octave.
pub const SUB_BITS: u32 = 6;

/// Relative error of a bucket's midpoint for any value in the bucket:
/// 2^-(SUB_BITS+1) = 1/128 ≈ 0.78% (DDSketch's default is 1%). The 5th and
/// 95th percentiles over replications it serves are themselves estimates
/// whose sampling error over a thousand replications is several times
/// larger.
pub const RELATIVE_ERROR: f64 = 1.0 / 128.0;

/// Buckets below the largest of the same sign that are kept apart
/// (40 octaves, a dynamic range of 2⁴⁰ ≈ 10¹²); smaller magnitudes are
/// counted in the lowest kept bucket.
pub const SPAN: u32 = 40 << SUB_BITS;

/// Shift from an `f64`'s bits to its bucket.
const SHIFT: u32 = 52 - SUB_BITS;

/// Counts per bucket of one sign, sparse and sorted by bucket.
///
/// Counts are `u32`, to halve the memory of a run's thousands of sketches:
/// a bucket holds at most 2³² − 1 values (a run holds at most
/// [`crate::limits::MAX_REPLICATIONS`] per sketch).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Store {
    /// `(bucket, count)`, ascending by bucket (by magnitude).
    buckets: Vec<(u32, u32)>,
}

impl Store {
    fn add(&mut self, bucket: u32, count: u32) {
        let bucket = match self.buckets.last() {
            Some(&(top, _)) if top >= SPAN && bucket < top - SPAN => top - SPAN,
            _ => bucket,
        };
        match self.buckets.binary_search_by_key(&bucket, |&(b, _)| b) {
            Ok(i) => self.buckets[i].1 = self.buckets[i].1.saturating_add(count),
            Err(i) => {
                if self.buckets.len() == self.buckets.capacity() {
                    // Grow by a quarter, not double: thousands of these
                    // live for the whole run.
                    self.buckets.reserve_exact((self.buckets.len() / 4).max(4));
                }
                self.buckets.insert(i, (bucket, count));
                if i + 1 == self.buckets.len() {
                    self.collapse();
                }
            }
        }
    }

    /// Folds buckets more than [`SPAN`] below the top into the lowest kept
    /// one. The result depends only on the values counted: every value
    /// ends in `max(its bucket, top − SPAN)` for the final top.
    fn collapse(&mut self) {
        let Some(&(top, _)) = self.buckets.last() else { return };
        let Some(floor) = top.checked_sub(SPAN) else { return };
        let low = self.buckets.partition_point(|&(b, _)| b < floor);
        if low == 0 {
            return;
        }
        let folded = self.buckets[..low].iter().fold(0u32, |sum, &(_, c)| sum.saturating_add(c));
        self.buckets.drain(..low);
        match self.buckets.first_mut() {
            Some((b, c)) if *b == floor => *c = c.saturating_add(folded),
            _ => self.buckets.insert(0, (floor, folded)),
        }
    }

    fn merge(&mut self, other: &Store) {
        for &(b, c) in &other.buckets {
            self.add(b, c);
        }
    }
}

/// Counts of finite values in logarithmic buckets, by sign, plus exact
/// zeros. See [`LogSketch::value_at_rank`] for the error bound.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogSketch {
    positive: Store,
    negative: Store,
    zeros: u64,
    n: u64,
}

/// The bucket of a non-zero magnitude.
fn bucket(magnitude: f64) -> u32 {
    (magnitude.to_bits() >> SHIFT) as u32
}

/// The midpoint of a bucket (on the magnitude).
fn midpoint(bucket: u32) -> f64 {
    let low = f64::from_bits(u64::from(bucket) << SHIFT);
    let high = f64::from_bits(u64::from(bucket + 1) << SHIFT);
    low + (high - low) / 2.0
}

impl LogSketch {
    /// An empty sketch.
    pub fn new() -> LogSketch {
        LogSketch::default()
    }

    /// Counts `x`; non-finite values are ignored.
    pub fn add(&mut self, x: f64) {
        if !x.is_finite() {
            return;
        }
        self.n += 1;
        if x == 0.0 {
            self.zeros += 1;
        } else if x > 0.0 {
            self.positive.add(bucket(x), 1);
        } else {
            self.negative.add(bucket(-x), 1);
        }
    }

    /// Adds another sketch's counts, as if its values had been added here.
    pub fn merge(&mut self, other: &LogSketch) {
        self.positive.merge(&other.positive);
        self.negative.merge(&other.negative);
        self.zeros += other.zeros;
        self.n += other.n;
    }

    /// Values counted.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// Buckets in use (for memory accounting).
    pub fn buckets(&self) -> usize {
        self.positive.buckets.len() + self.negative.buckets.len()
    }

    /// An estimate of the `rank`-th smallest value (0-based), `None` when
    /// `rank >= count`.
    ///
    /// Error bound: for a value `x` whose magnitude is within [`SPAN`]
    /// buckets (2⁴⁰) of the largest magnitude `m` of its sign, the estimate
    /// is within [`RELATIVE_ERROR`]·|x| (1/128) of `x`; zeros are exact; a
    /// smaller magnitude is reported as about `m`·2⁻⁴⁰, an error below
    /// `m`·2⁻³⁹.
    pub fn value_at_rank(&self, rank: u64) -> Option<f64> {
        if rank >= self.n {
            return None;
        }
        let mut seen = 0;
        for &(b, c) in self.negative.buckets.iter().rev() {
            seen += u64::from(c);
            if rank < seen {
                return Some(-midpoint(b));
            }
        }
        seen += self.zeros;
        if rank < seen {
            return Some(0.0);
        }
        for &(b, c) in &self.positive.buckets {
            seen += u64::from(c);
            if rank < seen {
                return Some(midpoint(b));
            }
        }
        None
    }
}

/// The bucket counts exactly, for partial results merged elsewhere
/// ([`crate::distributed`]).
impl crate::codec::Encode for LogSketch {
    fn encode(&self, w: &mut crate::codec::Writer) {
        for store in [&self.positive, &self.negative] {
            w.len(store.buckets.len());
            for &(b, c) in &store.buckets {
                w.u32(b);
                w.u32(c);
            }
        }
        w.u64(self.zeros);
        w.u64(self.n);
    }
}

impl crate::codec::Decode for LogSketch {
    const MIN_BYTES: usize = 32;
    fn decode(r: &mut crate::codec::Reader) -> Result<Self, crate::codec::DecodeError> {
        let mut store = || -> Result<Store, crate::codec::DecodeError> {
            let n = r.len(8)?;
            let buckets: Vec<(u32, u32)> = (0..n).map(|_| Ok((r.u32()?, r.u32()?))).collect::<Result<_, _>>()?;
            if buckets.windows(2).any(|p| p[0].0 >= p[1].0) {
                return Err(crate::codec::DecodeError("a sketch's buckets are out of order".into()));
            }
            Ok(Store { buckets })
        };
        let (positive, negative) = (store()?, store()?);
        Ok(LogSketch {
            positive,
            negative,
            zeros: r.u64()?,
            n: r.u64()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_midpoint_is_within_the_relative_error_of_its_values() {
        for x in [1.0, 1.0078125, 1.99999, 3.1e-7, 12345.678, 2.0f64.powi(300), f64::MIN_POSITIVE] {
            let m = midpoint(bucket(x));
            assert!((m - x).abs() <= RELATIVE_ERROR * x, "{x}: midpoint {m}");
        }
    }

    #[test]
    fn ranks_run_from_the_most_negative_to_the_largest() {
        let mut s = LogSketch::new();
        for x in [3.0, -2.0, 0.0, 10.0, -50.0, f64::NAN] {
            s.add(x);
        }
        let got: Vec<f64> = (0..5).map(|r| s.value_at_rank(r).unwrap()).collect();
        let want = [-50.0, -2.0, 0.0, 3.0, 10.0];
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() <= RELATIVE_ERROR * w.abs(), "{got:?}");
        }
        assert_eq!(s.value_at_rank(5), None);
    }

    #[test]
    fn far_smaller_magnitudes_are_collapsed_whatever_the_order() {
        let xs = [1e-20, 1.0, 1e15, 2e-20, 5.0];
        let mut a = LogSketch::new();
        xs.iter().for_each(|&x| a.add(x));
        let mut b = LogSketch::new();
        xs.iter().rev().for_each(|&x| b.add(x));
        assert_eq!(a, b);
        assert!(a.buckets() <= 4, "1e-20 and 2e-20 share the floor bucket");
        let low = a.value_at_rank(0).unwrap();
        assert!(low <= 1e15 * 2f64.powi(-40) * 1.02, "{low}");
    }
}

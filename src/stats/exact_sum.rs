//! An exact, order-free sum of floating-point numbers, so that partial
//! results merged in any grouping give the same bits as one pass.

/// Fractional bits of the fixed-point part \[bits\].
const FRAC_BITS: i32 = 100;

/// One unit in the fixed-point fractional part: `2^FRAC_BITS`.
const UNIT: i128 = 1 << FRAC_BITS;

/// The sum of a stream of finite `f64` values in fixed point: a whole part
/// and a fraction in units of 2⁻¹⁰⁰, both integers.
///
/// Integer addition is associative and commutative, so the sum of values
/// added one by one, and of partial sums merged in any order or grouping,
/// is the same state and reads back as the same `f64`. (Floating-point
/// addition is not associative: `(a + b) + c` and `a + (b + c)` can differ
/// in the last bit, which would make a result split into shards and merged
/// differ from one run.)
///
/// Exact for every value with magnitude below 2¹²⁶ whose fractional part
/// needs no bits below 2⁻¹⁰⁰ (smaller bits are rounded to nearest, once
/// per value, the same way whatever the order), while the running total
/// stays below 2¹²⁶ in magnitude. The weekly series and metrics of a run
/// are far inside both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ExactSum {
    /// Whole units.
    whole: i128,
    /// Fraction in units of 2⁻¹⁰⁰, kept in `[0, 2^100)`.
    frac: i128,
}

impl ExactSum {
    /// A zero sum.
    pub const fn new() -> ExactSum {
        ExactSum { whole: 0, frac: 0 }
    }

    /// Adds `x`; non-finite values are ignored (the callers skip them).
    pub fn add(&mut self, x: f64) {
        if !x.is_finite() {
            return;
        }
        let whole = x.trunc();
        // x − trunc(x) is exact, and scaling by a power of two is exact.
        let frac = ((x - whole) * (UNIT as f64)).round() as i128;
        self.whole = self.whole.wrapping_add(whole as i128);
        self.frac += frac;
        self.normalise();
    }

    /// Adds another sum, as if its values had been added here.
    pub fn merge(&mut self, other: &ExactSum) {
        self.whole = self.whole.wrapping_add(other.whole);
        self.frac += other.frac;
        self.normalise();
    }

    /// Carries whole units out of the fraction, so equal sums have equal
    /// states.
    fn normalise(&mut self) {
        self.whole = self.whole.wrapping_add(self.frac.div_euclid(UNIT));
        self.frac = self.frac.rem_euclid(UNIT);
    }

    /// The sum as the nearest `f64` to within one rounding of each part;
    /// a function of the exact state only.
    pub fn value(&self) -> f64 {
        self.whole as f64 + self.frac as f64 / UNIT as f64
    }
}

/// The exact state, so a partial result merged on another machine sums
/// to the same bits ([`crate::distributed`]).
impl crate::codec::Encode for ExactSum {
    fn encode(&self, w: &mut crate::codec::Writer) {
        w.i128(self.whole);
        w.i128(self.frac);
    }
}

impl crate::codec::Decode for ExactSum {
    const MIN_BYTES: usize = 32;
    fn decode(r: &mut crate::codec::Reader) -> Result<Self, crate::codec::DecodeError> {
        let (whole, frac) = (r.i128()?, r.i128()?);
        if !(0..UNIT).contains(&frac) {
            return Err(crate::codec::DecodeError("an exact sum's fraction is out of range".into()));
        }
        Ok(ExactSum { whole, frac })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_exactly_where_floating_point_does_not() {
        let mut s = ExactSum::new();
        for x in [1e16, 1.0, -1e16, 0.25, -3.5] {
            s.add(x);
        }
        assert_eq!(s.value(), -2.25);
        assert_eq!((1e16 + 1.0) - 1e16 + 0.25 - 3.5, -3.25, "floating point loses the 1");
    }

    #[test]
    fn any_grouping_gives_the_same_state() {
        let xs: Vec<f64> = (0..200).map(|i| ((i * 7919) % 1000) as f64 / 7.0 - 60.0).collect();
        let mut one = ExactSum::new();
        xs.iter().for_each(|&x| one.add(x));
        for split in [0, 1, 57, 199, 200] {
            let (mut a, mut b) = (ExactSum::new(), ExactSum::new());
            xs[..split].iter().for_each(|&x| a.add(x));
            xs[split..].iter().for_each(|&x| b.add(x));
            let mut ba = b;
            a.merge(&b);
            ba.merge(&{
                let mut c = ExactSum::new();
                xs[..split].iter().for_each(|&x| c.add(x));
                c
            });
            assert_eq!(a, one, "split at {split}");
            assert_eq!(ba, one, "reversed at {split}");
        }
        let plain: f64 = xs.iter().sum();
        assert!((one.value() - plain).abs() < 1e-9);
    }
}

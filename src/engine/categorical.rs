//! The one sampler for weighted (categorical) choices: a table of
//! cumulative-weight thresholds searched with a uniform draw the caller
//! made.
//!
//! This module owns how a weighted draw turns a number `u` in `[0, 1)` into
//! a choice: the first entry whose threshold exceeds `u` (`u < threshold`),
//! with an explicit fallback when `u` is at or beyond the last threshold.
//! It owns no random-number stream: callers keep their own streams and draw
//! exactly as many numbers as before. The thresholds are built with a plain
//! running sum (optionally divided by the total afterwards), in entry order,
//! so the tables are bit-for-bit those the hand-written loops computed.
//!
//! Choices made here: navigation routing, practice-role choice, GP lead-time
//! bands, need choice and the queueing network's routing. The patients'
//! contact-rate sampler stays an alias table ([`crate::model`]'s
//! `AliasTable`): it is O(1) over a large list and takes two draws, a
//! different tool for a different job.

/// A weighted choice among payloads `T`: entries in the order given, each
/// with the cumulative threshold (running sum of the weights so far, in the
/// weights' units, or divided by the total for [`Categorical::normalised`]).
///
/// Entries with weight `<= 0` (or NaN) are dropped when the table is built,
/// so they are never chosen, not even by the last-entry fallback. Dropping
/// them leaves every other threshold bit-identical (`x + 0.0 == x`).
#[derive(Debug, Clone, PartialEq)]
pub struct Categorical<T> {
    /// (payload, cumulative threshold), thresholds non-decreasing.
    entries: Vec<(T, f64)>,
}

impl<T: Copy> Categorical<T> {
    /// Thresholds are the running sum of the positive weights, not
    /// normalised: for shares already validated to sum to 1.
    pub fn cumulative(weights: impl IntoIterator<Item = (T, f64)>) -> Self {
        let mut total = 0.0;
        let entries = weights
            .into_iter()
            .filter(|&(_, w)| w > 0.0)
            .map(|(t, w)| {
                total += w;
                (t, total)
            })
            .collect();
        Categorical { entries }
    }

    /// Thresholds are the running sum of the positive weights, then each
    /// divided by their total (so the last is 1 up to rounding): for
    /// relative weights in any unit.
    pub fn normalised(weights: impl IntoIterator<Item = (T, f64)>) -> Self {
        let mut table = Self::cumulative(weights);
        if let Some(&(_, total)) = table.entries.last() {
            for e in &mut table.entries {
                e.1 /= total;
            }
        }
        table
    }

    /// Replaces the last threshold with `last` (e.g. `1.0`, or
    /// `f64::INFINITY` so every `u` finds an entry), absorbing the
    /// rounding of the running sum. No effect on an empty table.
    #[must_use]
    pub fn closed_at(mut self, last: f64) -> Self {
        if let Some(e) = self.entries.last_mut() {
            e.1 = last;
        }
        self
    }

    /// The first entry with `u < threshold`, else the last entry (`u` at or
    /// past the last threshold, i.e. in the running sum's rounding gap);
    /// `None` only for an empty table. `u` is a uniform draw in `[0, 1)`.
    #[inline]
    pub fn sample(&self, u: f64) -> Option<T> {
        self.find(u).or_else(|| self.entries.last().map(|&(t, _)| t))
    }

    /// The first entry with `u < threshold`, else `default`: for callers
    /// whose fallback is a fixed choice rather than the last entry.
    #[inline]
    pub fn sample_or(&self, u: f64, default: T) -> T {
        self.find(u).unwrap_or(default)
    }

    /// The first entry with `u < threshold`, if any.
    #[inline]
    fn find(&self, u: f64) -> Option<T> {
        self.entries.iter().find(|&&(_, c)| u < c).map(|&(t, _)| t)
    }

    /// The payloads that can be chosen, in table order.
    pub fn items(&self) -> impl Iterator<Item = T> + '_ {
        self.entries.iter().map(|&(t, _)| t)
    }

    /// The cumulative thresholds, in table order.
    pub fn thresholds(&self) -> impl Iterator<Item = f64> + '_ {
        self.entries.iter().map(|&(_, c)| c)
    }

    /// Number of entries that can be chosen.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// No entry can be chosen.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{stream_rng, Stream};
    use rand::Rng;

    /// The largest f64 below positive `x` (`f64::next_down` needs Rust 1.86).
    fn below(x: f64) -> f64 {
        f64::from_bits(x.to_bits() - 1)
    }

    #[test]
    fn thresholds_are_the_running_sum() {
        let w = [0.1, 0.2, 0.3, 0.4];
        let table = Categorical::cumulative(w.iter().copied().enumerate());
        let mut acc = 0.0;
        let expected: Vec<f64> = w
            .iter()
            .map(|x| {
                acc += x;
                acc
            })
            .collect();
        assert_eq!(table.thresholds().collect::<Vec<_>>(), expected);
        let norm = Categorical::normalised(w.iter().map(|x| ((), x * 3.0)));
        assert_eq!(norm.len(), w.len());
        let mut acc = 0.0;
        let raw: Vec<f64> = w
            .iter()
            .map(|x| {
                acc += x * 3.0;
                acc
            })
            .collect();
        let want: Vec<f64> = raw.iter().map(|c| c / acc).collect();
        assert_eq!(norm.thresholds().collect::<Vec<_>>(), want);
    }

    #[test]
    fn boundaries_use_strict_less_than() {
        let table = Categorical::cumulative([('a', 0.25), ('b', 0.5), ('c', 0.25)]);
        assert_eq!(table.sample(0.0), Some('a'));
        assert_eq!(table.sample(below(0.25)), Some('a'));
        assert_eq!(table.sample(0.25), Some('b'), "u equal to a threshold goes to the next entry");
        assert_eq!(table.sample(below(0.75)), Some('b'));
        assert_eq!(table.sample(0.75), Some('c'));
        assert_eq!(table.sample(below(1.0)), Some('c'));
    }

    #[test]
    fn zero_weight_entries_are_never_chosen() {
        let table = Categorical::cumulative([(0, 0.0), (1, 0.5), (2, 0.0), (3, 0.5), (4, 0.0)]);
        assert_eq!(table.items().collect::<Vec<_>>(), vec![1, 3]);
        for u in [0.0, below(0.5), 0.5, below(1.0), 1.0, 2.0] {
            let got = table.sample(u).unwrap();
            assert!(got == 1 || got == 3, "u = {u} chose {got}");
        }
        // Even when the shares fall short of 1, the gap goes to a positive entry.
        let short = Categorical::cumulative([(0, 0.3), (1, 0.7 - 1e-9), (2, 0.0)]);
        assert_eq!(short.sample(below(1.0)), Some(1));
        assert!(Categorical::cumulative([((), 0.0), ((), -1.0), ((), f64::NAN)]).is_empty());
    }

    #[test]
    fn fallbacks() {
        let short = Categorical::cumulative([('a', 0.4), ('b', 0.5)]);
        assert_eq!(short.sample(0.95), Some('b'), "sample falls back to the last entry");
        assert_eq!(short.sample_or(0.95, 'z'), 'z', "sample_or falls back to the default");
        assert_eq!(short.sample_or(0.45, 'z'), 'b');
        let closed = short.clone().closed_at(f64::INFINITY);
        assert_eq!(closed.sample_or(0.95, 'z'), 'b', "a closed table never needs the fallback");
        assert_eq!(closed.thresholds().last(), Some(f64::INFINITY));
        let empty = Categorical::<char>::cumulative([]);
        assert_eq!(empty.sample(0.5), None);
        assert_eq!(empty.sample_or(0.5, 'z'), 'z');
        assert!(empty.closed_at(1.0).is_empty());
    }

    #[test]
    fn frequencies_match_weights() {
        let weights = [2.0, 0.0, 5.0, 1.0, 12.0];
        let table = Categorical::normalised(weights.iter().copied().enumerate());
        let mut rng = stream_rng(7, 0, Stream::Numbered(3));
        let n = 200_000;
        let mut counts = [0usize; 5];
        for _ in 0..n {
            counts[table.sample(rng.random()).unwrap()] += 1;
        }
        let total: f64 = weights.iter().sum();
        for (i, w) in weights.iter().enumerate() {
            let p = w / total;
            // 4.4 standard errors: a two-sided binomial interval at about
            // 1e-5, so the fixed seed is not what makes this pass.
            let se = (p * (1.0 - p) / n as f64).sqrt();
            let got = counts[i] as f64 / n as f64;
            assert!((got - p).abs() <= 4.4 * se, "index {i}: {got} vs {p}");
        }
        assert_eq!(counts[1], 0);
    }
}

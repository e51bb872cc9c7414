//! Decision outputs from PSA: expected net benefit, the probability each
//! option is best, the expected value of perfect information (EVPI), and
//! the cost-effectiveness acceptability curve (CEAC) over willingness to pay.
//!
//! Net monetary benefit of an option in one draw is NB = λ·effect − cost,
//! with λ the willingness to pay per unit of effect (e.g. £ per GP
//! appointment freed). Options are the arms of an experiment; in a draw,
//! every arm saw the same parameter values (and common random numbers), so
//! comparing options within a draw is paired.

/// Why decision outputs could not be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DecisionError {
    /// No draws or no options.
    #[error("need at least one draw and one option, found {draws} draws and {options} options")]
    Empty {
        /// Draws given.
        draws: usize,
        /// Options given.
        options: usize,
    },
    /// Rows of different lengths, or a flat matrix of the wrong size.
    #[error("draw {draw} has {found} values, expected {expected} (one per option)")]
    Ragged {
        /// The offending draw.
        draw: usize,
        /// Values expected.
        expected: usize,
        /// Values found.
        found: usize,
    },
    /// A NaN or infinite value.
    #[error("value for draw {draw}, option {option} is not finite: {found}")]
    NotFinite {
        /// Draw index.
        draw: usize,
        /// Option index.
        option: usize,
        /// The value.
        found: f64,
    },
    /// Effects and costs of different shapes.
    #[error("effects are {0:?} (draws, options) but costs are {1:?}")]
    ShapeMismatch((usize, usize), (usize, usize)),
    /// A willingness to pay that is not finite.
    #[error("willingness to pay must be finite, found {0}")]
    Wtp(f64),
}

/// One finite value per draw and option (row-major: `values[draw][option]`),
/// e.g. net benefits, effects or costs.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcomes {
    draws: usize,
    options: usize,
    values: Vec<f64>,
}

/// Net monetary benefit λ·effect − cost \[£ when cost is in £ and λ in £ per
/// unit of effect\].
pub fn net_monetary_benefit(effect: f64, cost: f64, wtp: f64) -> f64 {
    wtp * effect - cost
}

impl Outcomes {
    /// From row-major values, `draws × options` of them, all finite.
    pub fn new(draws: usize, options: usize, values: Vec<f64>) -> Result<Self, DecisionError> {
        if draws == 0 || options == 0 {
            return Err(DecisionError::Empty { draws, options });
        }
        if draws.checked_mul(options) != Some(values.len()) {
            return Err(DecisionError::Ragged {
                draw: 0,
                expected: options,
                found: values.len() / draws,
            });
        }
        if let Some(i) = values.iter().position(|v| !v.is_finite()) {
            return Err(DecisionError::NotFinite {
                draw: i / options,
                option: i % options,
                found: values[i],
            });
        }
        Ok(Outcomes { draws, options, values })
    }

    /// From one row per draw.
    pub fn from_rows(rows: &[Vec<f64>]) -> Result<Self, DecisionError> {
        let options = rows.first().map_or(0, Vec::len);
        if let Some((draw, row)) = rows.iter().enumerate().find(|(_, r)| r.len() != options) {
            return Err(DecisionError::Ragged {
                draw,
                expected: options,
                found: row.len(),
            });
        }
        Self::new(rows.len(), options, rows.concat())
    }

    /// Net benefits λ·effect − cost per draw and option.
    pub fn net_benefit(effects: &Outcomes, costs: &Outcomes, wtp: f64) -> Result<Self, DecisionError> {
        if (effects.draws, effects.options) != (costs.draws, costs.options) {
            return Err(DecisionError::ShapeMismatch(
                (effects.draws, effects.options),
                (costs.draws, costs.options),
            ));
        }
        if !wtp.is_finite() {
            return Err(DecisionError::Wtp(wtp));
        }
        let values = effects
            .values
            .iter()
            .zip(&costs.values)
            .map(|(&e, &c)| net_monetary_benefit(e, c, wtp))
            .collect();
        Self::new(effects.draws, effects.options, values)
    }

    /// Number of draws.
    pub fn draws(&self) -> usize {
        self.draws
    }

    /// Number of options.
    pub fn options(&self) -> usize {
        self.options
    }

    /// The values of one draw, one per option. Panics if `draw` ≥ draws.
    pub fn row(&self, draw: usize) -> &[f64] {
        &self.values[draw * self.options..(draw + 1) * self.options]
    }

    /// The draws in order.
    pub fn rows(&self) -> impl Iterator<Item = &[f64]> {
        self.values.chunks_exact(self.options)
    }

    /// One option's values over the draws (empty if `option` ≥ options).
    pub fn column(&self, option: usize) -> Vec<f64> {
        if option >= self.options {
            return Vec::new();
        }
        self.values.iter().skip(option).step_by(self.options).copied().collect()
    }

    /// Mean over draws, per option.
    pub fn expected(&self) -> Vec<f64> {
        let mut sums = vec![0.0; self.options];
        for row in self.rows() {
            for (s, v) in sums.iter_mut().zip(row) {
                *s += v;
            }
        }
        sums.iter().map(|s| s / self.draws as f64).collect()
    }

    /// The option with the highest expected value (the lowest index among
    /// exact ties): the decision under current information.
    pub fn best_expected(&self) -> usize {
        argmax(&self.expected())
    }

    /// Probability each option has the highest value, over draws. An exact
    /// tie within a draw splits that draw equally among the tied options, so
    /// the probabilities always sum to 1 and no option is favoured by its
    /// position.
    pub fn probability_best(&self) -> Vec<f64> {
        let mut wins = vec![0.0; self.options];
        for row in self.rows() {
            let top = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let tied = row.iter().filter(|&&v| v == top).count() as f64;
            for (w, &v) in wins.iter_mut().zip(row) {
                if v == top {
                    *w += 1.0 / tied;
                }
            }
        }
        wins.iter().map(|w| w / self.draws as f64).collect()
    }

    /// Expected value of perfect information, `E[max_d NB_d] − max_d E[NB_d]`,
    /// in the units of the values per decision (e.g. £ per PCN-year). Always
    /// ≥ 0 (rounding below zero is clamped).
    pub fn evpi(&self) -> f64 {
        let with_perfect: f64 = self
            .rows()
            .map(|r| r.iter().copied().fold(f64::NEG_INFINITY, f64::max))
            .sum::<f64>()
            / self.draws as f64;
        let current = self.expected().into_iter().fold(f64::NEG_INFINITY, f64::max);
        (with_perfect - current).max(0.0)
    }
}

/// Index of the largest value, the lowest index among exact ties.
pub(crate) fn argmax(values: &[f64]) -> usize {
    let mut best = 0;
    for (i, &v) in values.iter().enumerate() {
        if v > values[best] {
            best = i;
        }
    }
    best
}

/// A cost-effectiveness acceptability curve, with its frontier.
#[derive(Debug, Clone, PartialEq)]
pub struct Ceac {
    /// Willingness-to-pay grid λ \[£ per unit of effect\].
    pub wtp: Vec<f64>,
    /// `probability_best[k][d]`: probability option d has the highest net
    /// benefit at `wtp[k]` (each row sums to 1; ties split).
    pub probability_best: Vec<Vec<f64>>,
    /// `best_expected[k]`: the option with the highest expected net benefit
    /// at `wtp[k]` — the acceptability frontier (Fenwick, Claxton & Sculpher
    /// 2001), which need not be the option most likely to be best.
    pub best_expected: Vec<usize>,
    /// `evpi[k]`: EVPI at `wtp[k]`.
    pub evpi: Vec<f64>,
}

/// The CEAC of options with the given effects and costs (same shape) over a
/// grid of willingness to pay.
pub fn ceac(effects: &Outcomes, costs: &Outcomes, wtp: &[f64]) -> Result<Ceac, DecisionError> {
    let mut out = Ceac {
        wtp: wtp.to_vec(),
        probability_best: Vec::with_capacity(wtp.len()),
        best_expected: Vec::with_capacity(wtp.len()),
        evpi: Vec::with_capacity(wtp.len()),
    };
    for &lambda in wtp {
        let nb = Outcomes::net_benefit(effects, costs, lambda)?;
        out.probability_best.push(nb.probability_best());
        out.best_expected.push(nb.best_expected());
        out.evpi.push(nb.evpi());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    #[test]
    fn hand_computed_example() {
        // Draws: (0, 3, 1), (0, -1, 2), (0, 1, 1), (0, 2, -5).
        let nb = Outcomes::from_rows(&[vec![0.0, 3.0, 1.0], vec![0.0, -1.0, 2.0], vec![0.0, 1.0, 1.0], vec![0.0, 2.0, -5.0]]).unwrap();
        assert_eq!(nb.expected(), vec![0.0, 1.25, -0.25]);
        assert_eq!(nb.best_expected(), 1);
        // Draw 3 ties options 1 and 2: half a win each.
        assert_eq!(nb.probability_best(), vec![0.0, 0.625, 0.375]);
        // E[max] = (3 + 2 + 1 + 2)/4 = 2; max E = 1.25.
        assert!((nb.evpi() - 0.75).abs() < 1e-15);
        assert_eq!(net_monetary_benefit(10.0, 150.0, 20.0), 50.0);
    }

    #[test]
    fn refuses_bad_input() {
        assert!(matches!(Outcomes::from_rows(&[]), Err(DecisionError::Empty { .. })));
        assert!(matches!(
            Outcomes::from_rows(&[vec![1.0, 2.0], vec![1.0]]),
            Err(DecisionError::Ragged { draw: 1, .. })
        ));
        assert!(matches!(
            Outcomes::new(2, 1, vec![1.0, f64::NAN]),
            Err(DecisionError::NotFinite { draw: 1, .. })
        ));
        assert!(matches!(Outcomes::new(2, 2, vec![1.0; 3]), Err(DecisionError::Ragged { .. })));
        let e = Outcomes::new(2, 2, vec![1.0; 4]).unwrap();
        let c = Outcomes::new(1, 2, vec![1.0; 2]).unwrap();
        assert!(matches!(ceac(&e, &c, &[1.0]), Err(DecisionError::ShapeMismatch(..))));
        assert!(matches!(ceac(&e, &e, &[f64::INFINITY]), Err(DecisionError::Wtp(_))));
    }

    /// Three options with correlated effects and costs: at every λ the CEAC
    /// probabilities sum to 1; at λ = 0 the cheapest wins; EVPI ≥ 0; and at
    /// a λ where one option dominates in every draw, its probability is 1
    /// and EVPI is 0.
    #[test]
    fn ceac_sums_to_one_and_has_the_right_limits() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let (n, k) = (2_000, 3);
        let mut effects = Vec::new();
        let mut costs = Vec::new();
        for _ in 0..n {
            let shared: f64 = rng.random::<f64>();
            effects.extend([0.0, 10.0 + 5.0 * shared, 14.0 + 10.0 * rng.random::<f64>()]);
            costs.extend([0.0, 100.0 + 50.0 * shared, 300.0 + 100.0 * rng.random::<f64>()]);
        }
        let e = Outcomes::new(n, k, effects).unwrap();
        let c = Outcomes::new(n, k, costs).unwrap();
        let grid: Vec<f64> = (0..=50).map(|i| i as f64 * 4.0).collect();
        let curve = ceac(&e, &c, &grid).unwrap();
        for (row, evpi) in curve.probability_best.iter().zip(&curve.evpi) {
            assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-12, "{row:?}");
            assert!(*evpi >= 0.0);
        }
        // λ = 0: option 0 costs nothing and wins every draw.
        assert_eq!(curve.probability_best[0], vec![1.0, 0.0, 0.0]);
        assert_eq!(curve.evpi[0], 0.0);
        // λ = 200: E[NB₂] = 2,500 + 1,000 − 50 = 3,450 beats E[NB₁] = 1,900 +
        // 475 = 2,375, though option 1 still wins some draws.
        assert_eq!(*curve.best_expected.last().unwrap(), 2);
    }
}

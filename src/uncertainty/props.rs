//! Property tests: invariants of priors, designs and decision outputs over
//! generated inputs (fixed proptest seed, so runs are reproducible).

use super::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

fn config() -> Config {
    Config {
        cases: 256,
        rng_seed: RngSeed::Fixed(0x0050_5341),
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config())]

    /// Beta and gamma quantiles are monotone in u, inside the support, and
    /// invert the CDF, for shapes from 0.05 to 500.
    #[test]
    fn quantiles_are_monotone_and_invert_the_cdf(
        a in 0.05f64..500.0,
        b in 0.05f64..500.0,
        u1 in 1e-9f64..1.0,
        u2 in 1e-9f64..1.0,
    ) {
        let (lo, hi) = if u1 <= u2 { (u1, u2) } else { (u2, u1) };
        for d in [Univariate::beta(a, b).unwrap(), Univariate::gamma(a, b).unwrap()] {
            let (x1, x2) = (d.quantile(lo), d.quantile(hi));
            prop_assert!(x1 <= x2, "{d:?}: q({lo}) = {x1} > q({hi}) = {x2}");
            let s = d.support();
            prop_assert!(x1 >= s.low && x2 <= s.high);
            // Where x is representable away from the ends, the CDF inverts.
            if x1 > 1e-300 && (d.name() != "beta" || x1 < 1.0 - 1e-12) {
                prop_assert!((d.cdf(x1) - lo).abs() <= 1e-8 * lo.max(1e-3), "{d:?}: cdf(q({lo})) = {}", d.cdf(x1));
            }
        }
    }

    /// Dirichlet draws are shares summing to 1 for any alphas and uniforms,
    /// even 0 and 1.
    #[test]
    fn dirichlet_draws_are_shares(
        alphas in prop::collection::vec(0.01f64..200.0, 2..6),
        us in prop::collection::vec(0.0f64..=1.0, 6),
    ) {
        let d = Dirichlet::new(alphas.iter().enumerate().map(|(i, &a)| (format!("k{i}"), a))).unwrap();
        let x = d.quantile(&us[..alphas.len()]).unwrap();
        prop_assert!(x.iter().all(|v| (0.0..=1.0).contains(v)));
        prop_assert!((x.iter().sum::<f64>() - 1.0).abs() <= 1e-12);
    }

    /// For any net benefits: P(best) sums to 1, EVPI ≥ 0 and at most the
    /// mean over draws of (best − worst option).
    #[test]
    fn decision_outputs_are_coherent(
        draws in 1usize..30,
        options in 1usize..5,
        seed in prop::collection::vec(-1e3f64..1e3, 150),
    ) {
        let values: Vec<f64> = (0..draws * options).map(|i| seed[i % seed.len()].round() * ((i % 7) as f64 - 3.0)).collect();
        let nb = Outcomes::new(draws, options, values).unwrap();
        let p = nb.probability_best();
        prop_assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        let spread: f64 = nb.rows().map(|r| {
            let (lo, hi) = r.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| (l.min(v), h.max(v)));
            hi - lo
        }).sum::<f64>() / draws as f64;
        prop_assert!(nb.evpi() >= 0.0 && nb.evpi() <= spread + 1e-9);
    }

    /// Designs stay inside the open cube for any size and seed.
    #[test]
    fn designs_stay_in_the_open_cube(n in 0usize..300, dims in 0usize..12, seed: u64) {
        for design in [Design::Sobol, Design::LatinHypercube] {
            let m = design.points(n, dims, seed).unwrap();
            prop_assert_eq!(m.as_slice().len(), n * dims);
            prop_assert!(m.as_slice().iter().all(|&u| u > 0.0 && u < 1.0));
        }
    }
}

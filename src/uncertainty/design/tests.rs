//! Tests of the designs: determinism, stratification, and discrepancy
//! against pseudo-random points.

use super::*;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

fn pseudo_random(n: usize, dims: usize, seed: u64) -> DesignMatrix {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let values = (0..n * dims).map(|_| rng.random::<f64>()).collect();
    DesignMatrix::from_row_major(n, dims, values).unwrap()
}

#[test]
fn same_seed_same_points_and_columns_do_not_depend_on_dims() {
    for design in [Design::Sobol, Design::LatinHypercube] {
        let a = design.points(100, 7, 42).unwrap();
        let b = design.points(100, 7, 42).unwrap();
        assert_eq!(a, b);
        let c = design.points(100, 7, 43).unwrap();
        assert_ne!(a, c, "{design:?}: seed must matter");
        let wide = design.points(100, 12, 42).unwrap();
        for j in 0..7 {
            assert_eq!(a.column(j), wide.column(j), "{design:?} column {j}");
        }
        assert!(a.as_slice().iter().all(|&u| u > 0.0 && u < 1.0));
    }
    // A Sobol run's first points do not depend on its length.
    let short = sobol_points(50, 4, 9).unwrap();
    let long = sobol_points(500, 4, 9).unwrap();
    assert_eq!(short.as_slice(), &long.as_slice()[..200]);
}

/// floor(u·n) over a column must be a permutation of 0..n.
fn one_point_per_stratum(m: &DesignMatrix, j: usize) -> bool {
    let n = m.points();
    let mut hit = vec![false; n];
    for u in m.column(j) {
        let s = (u * n as f64).floor() as usize;
        if s >= n || hit[s] {
            return false;
        }
        hit[s] = true;
    }
    true
}

#[test]
fn every_projection_has_one_point_per_stratum() {
    for n in [1, 2, 7, 100, 1000] {
        let m = latin_hypercube(n, 9, 5).unwrap();
        for j in 0..9 {
            assert!(one_point_per_stratum(&m, j), "LHS n {n} column {j}");
        }
    }
    // Sobol at n = 2^m, every one of the 256 dimensions, scrambled.
    let m = sobol_points(256, Design::SOBOL_MAX_DIMS, 11).unwrap();
    for j in 0..m.dims() {
        assert!(one_point_per_stratum(&m, j), "Sobol column {j}");
    }
}

#[test]
fn refuses_impossible_requests() {
    assert!(matches!(
        sobol_points(10, Design::SOBOL_MAX_DIMS + 1, 0),
        Err(DesignError::TooManyDimensions { .. })
    ));
    assert!(matches!(latin_hypercube(usize::MAX, 2, 0), Err(DesignError::TooLarge { .. })));
    let empty = Design::Sobol.points(0, 3, 0).unwrap();
    assert_eq!(empty.points(), 0);
    assert!(centred_l2_discrepancy_squared(&empty).is_nan());
}

/// The discrepancy formulas against their expectation for independent
/// uniform points: E[n·CD²] = (5/4)^d − (13/12)^d, E[n·WD²] = (3/2)^d −
/// (4/3)^d. The mean of 40 independent sets must fall within 3.29
/// standard errors (99.9%).
#[test]
fn discrepancy_formulas_match_their_expectation() {
    let (n, d, sets) = (64, 4, 40);
    for (name, f, want) in [
        (
            "CD",
            centred_l2_discrepancy_squared as fn(&DesignMatrix) -> f64,
            1.25f64.powi(d) - (13.0f64 / 12.0).powi(d),
        ),
        ("WD", wrap_around_l2_discrepancy_squared, 1.5f64.powi(d) - (4.0f64 / 3.0).powi(d)),
    ] {
        let xs: Vec<f64> = (0..sets).map(|s| n as f64 * f(&pseudo_random(n, d as usize, 1000 + s))).collect();
        let s = crate::stats::Summary::of(xs.iter().copied());
        let se = s.sd().unwrap() / (sets as f64).sqrt();
        let got = s.mean().unwrap();
        assert!((got - want).abs() < 3.29 * se, "{name}: {got} vs {want} (se {se})");
    }
}

/// Sobol and LHS fill the cube better than pseudo-random points of the same
/// size: lower centred and wrap-around L2 discrepancy, at n = 256 in 5 and
/// 10 dimensions, than each of 5 pseudo-random sets and than the
/// pseudo-random expectation.
#[test]
fn quasi_random_designs_beat_pseudo_random_discrepancy() {
    let n = 256;
    for d in [5usize, 10] {
        let expected_cd = (1.25f64.powi(d as i32) - (13.0f64 / 12.0).powi(d as i32)) / n as f64;
        let expected_wd = (1.5f64.powi(d as i32) - (4.0f64 / 3.0).powi(d as i32)) / n as f64;
        let randoms: Vec<DesignMatrix> = (0..5).map(|s| pseudo_random(n, d, 77 + s)).collect();
        let best_random_cd = randoms.iter().map(centred_l2_discrepancy_squared).fold(f64::INFINITY, f64::min);
        let best_random_wd = randoms.iter().map(wrap_around_l2_discrepancy_squared).fold(f64::INFINITY, f64::min);
        for design in [Design::Sobol, Design::LatinHypercube] {
            let m = design.points(n, d, 2024).unwrap();
            let (cd, wd) = (centred_l2_discrepancy_squared(&m), wrap_around_l2_discrepancy_squared(&m));
            assert!(
                cd < best_random_cd && cd < expected_cd,
                "{design:?} d {d}: CD² {cd} vs random {best_random_cd}"
            );
            assert!(
                wd < best_random_wd && wd < expected_wd,
                "{design:?} d {d}: WD² {wd} vs random {best_random_wd}"
            );
        }
    }
}

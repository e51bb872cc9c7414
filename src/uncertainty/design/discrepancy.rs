//! L2 discrepancies of a point set in [0, 1]^d (Hickernell 1998): how far
//! its empirical distribution is from uniform, with the kernels' closed-form
//! integrals. Both cost O(n² d).

use super::DesignMatrix;

/// Squared centred L2 discrepancy, CD²:
/// (13/12)^d − (2/n) Σᵢ Πₖ (1 + ½|xᵢₖ − ½| − ½|xᵢₖ − ½|²)
/// + (1/n²) Σᵢ Σⱼ Πₖ (1 + ½|xᵢₖ − ½| + ½|xⱼₖ − ½| − ½|xᵢₖ − xⱼₖ|).
///
/// For n independent uniform points its expectation is
/// ((5/4)^d − (13/12)^d)/n. Invariant to reflections about ½.
pub fn centred_l2_discrepancy_squared(points: &DesignMatrix) -> f64 {
    let (n, d) = (points.points(), points.dims());
    if n == 0 {
        return f64::NAN;
    }
    let mut single = 0.0;
    let mut pair = 0.0;
    for i in 0..n {
        let xi = points.row(i);
        single += xi
            .iter()
            .map(|&x| 1.0 + 0.5 * (x - 0.5).abs() - 0.5 * (x - 0.5).powi(2))
            .product::<f64>();
        for j in 0..n {
            let xj = points.row(j);
            pair += xi
                .iter()
                .zip(xj)
                .map(|(&a, &b)| 1.0 + 0.5 * (a - 0.5).abs() + 0.5 * (b - 0.5).abs() - 0.5 * (a - b).abs())
                .product::<f64>();
        }
    }
    let n = n as f64;
    (13.0_f64 / 12.0).powi(d as i32) - 2.0 / n * single + pair / (n * n)
}

/// Squared wrap-around L2 discrepancy, WD²:
/// −(4/3)^d + (1/n²) Σᵢ Σⱼ Πₖ (3/2 − |xᵢₖ − xⱼₖ|(1 − |xᵢₖ − xⱼₖ|)).
///
/// For n independent uniform points its expectation is
/// ((3/2)^d − (4/3)^d)/n. Invariant to shifts modulo 1.
pub fn wrap_around_l2_discrepancy_squared(points: &DesignMatrix) -> f64 {
    let (n, d) = (points.points(), points.dims());
    if n == 0 {
        return f64::NAN;
    }
    let mut pair = 0.0;
    for i in 0..n {
        let xi = points.row(i);
        for j in 0..n {
            pair += xi
                .iter()
                .zip(points.row(j))
                .map(|(&a, &b)| {
                    let t = (a - b).abs();
                    1.5 - t * (1.0 - t)
                })
                .product::<f64>();
        }
    }
    let n = n as f64;
    pair / (n * n) - (4.0_f64 / 3.0).powi(d as i32)
}

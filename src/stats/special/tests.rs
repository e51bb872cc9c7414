//! Tests of the special functions against closed forms and tables.

use super::*;

fn close(got: f64, want: f64, rel: f64) -> bool {
    (got - want).abs() <= rel * want.abs().max(1e-300)
}

#[test]
fn ln_gamma_matches_factorials() {
    let mut fact = 1.0_f64;
    for n in 1..30 {
        assert!(
            close(ln_gamma(n as f64), fact.ln(), 1e-13) || (ln_gamma(n as f64) - fact.ln()).abs() < 1e-13,
            "n {n}"
        );
        fact *= n as f64;
    }
    assert!((ln_gamma(0.5) - PI.sqrt().ln()).abs() < 1e-14);
}

/// P(n, x) = 1 − e^{−x} Σ_{k<n} x^k / k! for whole n.
#[test]
fn incomplete_gamma_matches_poisson_sums() {
    for n in 1..=12 {
        for &x in &[0.01, 0.3, 1.0, 2.5, 6.0, 11.0, 20.0, 45.0] {
            let mut term = 1.0;
            let mut sum = 0.0;
            for k in 0..n {
                if k > 0 {
                    term *= x / k as f64;
                }
                sum += term;
            }
            let q = (-x).exp() * sum;
            let (p_got, q_got) = gamma_pq(n as f64, x);
            assert!((q_got - q).abs() <= 1e-12 * q.max(1e-300) + 1e-15, "Q({n},{x}) {q_got} vs {q}");
            assert!((p_got - (1.0 - q)).abs() <= 1e-12, "P({n},{x})");
        }
    }
}

#[test]
fn erf_and_normal_match_tables() {
    // erf(1), erf(0.5) and Φ values from standard tables (16 digits).
    assert!((gamma_pq(0.5, 1.0).0 - 0.842_700_792_949_714_9).abs() < 1e-14);
    assert!((gamma_pq(0.5, 0.25).0 - 0.520_499_877_813_046_5).abs() < 1e-14);
    assert!(close(normal_cdf(-1.0), 0.158_655_253_931_457_05, 1e-12));
    assert!(close(normal_cdf(-3.0), 0.001_349_898_031_630_094_6, 1e-11));
    assert!(close(normal_cdf(1.96), 0.975_002_104_851_779_5, 1e-14));
    assert!((normal_quantile(0.975) - 1.959_963_984_540_054).abs() < 1e-12);
    assert!((normal_quantile(0.995) - 2.575_829_303_548_901).abs() < 1e-12);
    for &p in &[1e-300, 1e-100, 1e-20, 1e-8, 0.01, 0.3, 0.5, 0.77, 0.999, 1.0 - 1e-12] {
        let z = normal_quantile(p);
        let back = if p < 0.5 { normal_cdf(z) } else { 1.0 - normal_cdf(-z) };
        let tail = if p < 0.5 { p } else { 1.0 - p };
        let back_tail = if p < 0.5 { back } else { normal_cdf(-z) };
        assert!(close(back_tail, tail, 1e-11), "p {p}: z {z}, back {back}");
    }
}

/// I_x(a, b) for whole a, b is a binomial tail:
/// Σ_{j=a}^{a+b−1} C(a+b−1, j) x^j (1−x)^{a+b−1−j}.
#[test]
fn incomplete_beta_matches_binomial_tails() {
    for a in 1..=8 {
        for b in 1..=8 {
            let n = a + b - 1;
            for &x in &[0.001, 0.05, 0.3, 0.5, 0.71, 0.95, 0.999] {
                let mut want = 0.0;
                for j in a..=n {
                    let ln_c = ln_gamma(n as f64 + 1.0) - ln_gamma(j as f64 + 1.0) - ln_gamma((n - j) as f64 + 1.0);
                    want += (ln_c + j as f64 * f64::ln(x) + (n - j) as f64 * f64::ln(1.0 - x)).exp();
                }
                let (p, q) = beta_pq(a as f64, b as f64, x, 1.0 - x);
                assert!((p - want).abs() <= 1e-12, "I_{x}({a},{b}) {p} vs {want}");
                assert!((q - (1.0 - want)).abs() <= 1e-12);
            }
        }
    }
    // Arcsine law: I_x(½, ½) = (2/π) asin √x.
    for &x in &[1e-6_f64, 0.1, 0.5, 0.9] {
        let want = 2.0 / PI * x.sqrt().asin();
        assert!((beta_pq(0.5, 0.5, x, 1.0 - x).0 - want).abs() < 1e-12);
    }
}

#[test]
fn quantiles_match_known_values_and_invert_the_cdf() {
    // χ² quantiles (gamma with shape df/2, scale 2) from tables.
    assert!((2.0 * gamma_quantile(0.5, 0.95) - 3.841_458_820_694_124).abs() < 1e-9);
    assert!((2.0 * gamma_quantile(5.0, 0.95) - 18.307_038_053_275_146).abs() < 1e-9);
    // Closed forms: Beta(a, 1) = u^{1/a}, Beta(1, b) = 1 − (1 − u)^{1/b},
    // Beta(½, ½) = sin²(πu/2).
    for &u in &[1e-10, 0.02, 0.4, 0.5, 0.83, 1.0 - 1e-9] {
        assert!(close(beta_quantile(3.0, 1.0, u), u.powf(1.0 / 3.0), 1e-11));
        let (x, y) = beta_quantile_pair(1.0, 4.0, u);
        assert!(close(y, (1.0 - u).powf(0.25), 1e-11), "u {u}: {x} {y}");
        assert!(close(beta_quantile(0.5, 0.5, u), (PI * u / 2.0).sin().powi(2), 1e-9));
    }
    for &(a, b) in &[(0.05, 0.3), (0.5, 2.0), (2.0, 5.0), (30.0, 70.0), (800.0, 1500.0), (1.0, 1.0)] {
        for &u in &[1e-12, 1e-4, 0.1, 0.5, 0.9, 1.0 - 1e-6] {
            let (x, y) = beta_quantile_pair(a, b, u);
            let (p, q) = beta_pq(a, b, x, y);
            let ok = if u <= 0.5 { close(p, u, 1e-10) } else { close(q, 1.0 - u, 1e-10) };
            assert!(ok, "beta({a},{b}) u {u}: x {x} gives {p}");
        }
    }
    for &a in &[0.01, 0.3, 1.0, 4.5, 60.0, 5_000.0] {
        for &u in &[1e-12, 1e-4, 0.1, 0.5, 0.9, 1.0 - 1e-6] {
            let x = gamma_quantile(a, u);
            if x < 1e-300 {
                // Underflows in f64; its log must still be right: for
                // tiny x, P(a, x) = x^a/Γ(a + 1) to double precision.
                let want = (u.ln() + ln_gamma(a + 1.0)) / a;
                assert!(close(gamma_ln_quantile(a, u), want, 1e-12), "ln quantile a {a} u {u}");
                continue;
            }
            let (p, q) = gamma_pq(a, x);
            let ok = if u <= 0.5 { close(p, u, 1e-10) } else { close(q, 1.0 - u, 1e-10) };
            assert!(ok, "gamma({a}) u {u}: x {x} gives {p}");
        }
    }
}

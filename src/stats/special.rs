//! Special functions: ln Γ, the regularised incomplete gamma and beta
//! functions, the normal CDF and quantile, and the gamma and beta quantiles
//! found by safeguarded Newton iteration (Student's t and the PSA priors).
//!
//! Everything returns both tails where a tail can be tiny, so quantiles near
//! 0 and near 1 are computed from the tail that holds the precision (1 − u
//! is exact for u ≥ ½, so the upper tail is always available exactly).
//! Accuracy is ~1e-14 relative for moderate parameters and degrades like
//! 1e-16 × shape for very large shapes (cancellation in the prefactor).

use std::f64::consts::PI;

/// Smallest magnitude kept in the Lentz continued fractions.
const TINY: f64 = 1e-300;
/// Relative convergence tolerance of series and continued fractions.
const EPS: f64 = 1e-16;
/// Iteration cap of series and continued fractions: the number of terms
/// needed grows like √shape, so this covers shapes beyond 1e8.
const MAX_TERMS: usize = 200_000;

/// ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; ~1e-15 relative).
pub fn ln_gamma(x: f64) -> f64 {
    const COEF: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection keeps the accuracy for small arguments.
        return (PI / (PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let t = x + 7.5;
    let mut a = COEF[0];
    for (i, c) in COEF.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b).
pub fn ln_beta(a: f64, b: f64) -> f64 {
    ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b)
}

/// Regularised incomplete gamma (P(a, x), Q(a, x)) = (lower, upper) for
/// a > 0, x ≥ 0. The series gives P below a + 1, the continued fraction Q
/// above it; the other tail is the complement.
pub fn gamma_pq(a: f64, x: f64) -> (f64, f64) {
    if x.is_nan() || a.is_nan() {
        return (f64::NAN, f64::NAN);
    }
    if x <= 0.0 {
        return (0.0, 1.0);
    }
    if x == f64::INFINITY {
        return (1.0, 0.0);
    }
    let (ln_p, ln_q) = gamma_ln_pq(a, x, x.ln());
    (ln_p.exp(), ln_q.exp())
}

/// (ln P(a, x), ln Q(a, x)) given x > 0 and ln x separately, so that the
/// lower tail stays exact in logs even where x itself underflows (x = e^s
/// with s < −745, as tiny shapes need at small probabilities).
fn gamma_ln_pq(a: f64, x: f64, ln_x: f64) -> (f64, f64) {
    let ln_front = a * ln_x - x - ln_gamma(a);
    if x < a + 1.0 {
        let mut ap = a;
        let mut del = 1.0 / a;
        let mut sum = del;
        for _ in 0..MAX_TERMS {
            ap += 1.0;
            del *= x / ap;
            sum += del;
            if del.abs() < sum.abs() * EPS {
                break;
            }
        }
        let ln_p = (sum.ln() + ln_front).min(0.0);
        (ln_p, (-ln_p.exp()).ln_1p())
    } else {
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / TINY;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..MAX_TERMS {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < TINY {
                d = TINY;
            }
            c = b + an / c;
            if c.abs() < TINY {
                c = TINY;
            }
            d = 1.0 / d;
            let del = d * c;
            h *= del;
            if (del - 1.0).abs() < EPS {
                break;
            }
        }
        let ln_q = (h.ln() + ln_front).min(0.0);
        ((-ln_q.exp()).ln_1p(), ln_q)
    }
}

/// Continued fraction for the incomplete beta function (modified Lentz).
fn beta_cf(a: f64, b: f64, x: f64) -> f64 {
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..MAX_TERMS {
        let m = m as f64;
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < EPS {
            break;
        }
    }
    h
}

/// Regularised incomplete beta (I_x(a, b), 1 − I_x(a, b)) for a, b > 0,
/// given both x and y = 1 − x (so neither loses digits near 0 or 1).
pub fn beta_pq(a: f64, b: f64, x: f64, y: f64) -> (f64, f64) {
    if x.is_nan() || y.is_nan() {
        return (f64::NAN, f64::NAN);
    }
    if x <= 0.0 {
        return (0.0, 1.0);
    }
    if y <= 0.0 {
        return (1.0, 0.0);
    }
    let ln_front = a * x.ln() + b * y.ln() - ln_beta(a, b);
    if x < (a + 1.0) / (a + b + 2.0) {
        let p = (ln_front.exp() * beta_cf(a, b, x) / a).min(1.0);
        (p, 1.0 - p)
    } else {
        let q = (ln_front.exp() * beta_cf(b, a, y) / b).min(1.0);
        (1.0 - q, q)
    }
}

/// Standard normal density φ(z).
pub fn normal_pdf(z: f64) -> f64 {
    (-0.5 * z * z).exp() / (2.0 * PI).sqrt()
}

/// Standard normal CDF Φ(z), accurate in the lower tail (relative).
pub fn normal_cdf(z: f64) -> f64 {
    if z.is_nan() {
        return f64::NAN;
    }
    // erf(x) = P(½, x²), so Φ(z) = ½ Q(½, z²/2) for z < 0.
    let (p, q) = gamma_pq(0.5, 0.5 * z * z);
    if z < 0.0 {
        0.5 * q
    } else {
        0.5 + 0.5 * p
    }
}

/// Standard normal quantile Φ⁻¹(p) for 0 < p < 1 (−∞ at 0, +∞ at 1).
///
/// Starts from Abramowitz & Stegun 26.2.23 (error < 4.5e-4) and polishes
/// with Halley steps on the lower tail, which converge cubically.
pub fn normal_quantile(p: f64) -> f64 {
    if p.is_nan() {
        return f64::NAN;
    }
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    if p > 0.5 {
        // 1 − p is exact here.
        return -normal_quantile(1.0 - p);
    }
    let t = (-2.0 * p.ln()).sqrt();
    let mut x = -(t - (2.515_517 + 0.802_853 * t + 0.010_328 * t * t) / (1.0 + 1.432_788 * t + 0.189_269 * t * t + 0.001_308 * t * t * t));
    for _ in 0..8 {
        let dens = normal_pdf(x);
        if dens <= 0.0 {
            break;
        }
        let e = (normal_cdf(x) - p) / dens;
        let step = e / (1.0 + 0.5 * x * e);
        x -= step;
        if step.abs() <= 1e-15 * x.abs().max(1.0) {
            break;
        }
    }
    x
}

/// Finds the root of an increasing function on `[lo, hi]` by Newton steps,
/// falling back to bisection whenever a step would leave the bracket.
/// `f(t)` returns (value, derivative); non-finite values count by sign.
fn solve_increasing(f: impl Fn(f64) -> (f64, f64), mut lo: f64, mut hi: f64, mut t: f64) -> f64 {
    for _ in 0..400 {
        let (g, dg) = f(t);
        if g == 0.0 {
            return t;
        }
        if g < 0.0 || (g.is_nan() && t < 0.5 * (lo + hi)) {
            lo = t;
        } else {
            hi = t;
        }
        let newton = t - g / dg;
        let next = if g.is_finite() && dg.is_finite() && dg > 0.0 && newton > lo && newton < hi {
            newton
        } else {
            0.5 * (lo + hi)
        };
        if (next - t).abs() <= 1e-15 * t.abs().max(1.0) || hi - lo <= 1e-15 * hi.abs().max(1.0) {
            return next;
        }
        t = next;
    }
    t
}

/// ln of the standard gamma(shape a) quantile at probability u ∈ (0, 1).
///
/// Working on ln x and on ln(tail probability) keeps Newton's steps nearly
/// linear in the tails, where the CDF behaves like a power of x.
pub fn gamma_ln_quantile(a: f64, u: f64) -> f64 {
    if u.is_nan() || a.is_nan() {
        return f64::NAN;
    }
    if u <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if u >= 1.0 {
        return f64::INFINITY;
    }
    let lower = u <= 0.5;
    let target = if lower { u.ln() } else { (1.0 - u).ln() };
    let ln_gamma_a = ln_gamma(a);
    let f = |s: f64| {
        let x = s.exp();
        let (ln_p, ln_q) = gamma_ln_pq(a, x, s);
        // d/ds of the CDF at x = e^s is the density times x.
        let ln_dens = a * s - x - ln_gamma_a;
        if lower {
            (ln_p - target, (ln_dens - ln_p).exp())
        } else {
            (target - ln_q, (ln_dens - ln_q).exp())
        }
    };
    // Below s = −(740 + 1000/a), P < e^{−1000} whatever a is: under any u.
    solve_increasing(f, -740.0 - 1000.0 / a, 710.0, a.max(1e-300).ln())
}

/// Standard gamma(shape a, scale 1) quantile at u ∈ (0, 1).
pub fn gamma_quantile(a: f64, u: f64) -> f64 {
    gamma_ln_quantile(a, u).exp()
}

/// The logistic map t ↦ (x, 1 − x), each computed without cancellation.
fn logistic_pair(t: f64) -> (f64, f64) {
    if t >= 0.0 {
        let e = (-t).exp();
        (1.0 / (1.0 + e), e / (1.0 + e))
    } else {
        let e = t.exp();
        (e / (1.0 + e), 1.0 / (1.0 + e))
    }
}

/// Beta(a, b) quantile at u ∈ (0, 1), returned as (x, 1 − x).
///
/// Solved on the logit scale, so quantiles very close to 0 or 1 keep their
/// relative precision.
pub fn beta_quantile_pair(a: f64, b: f64, u: f64) -> (f64, f64) {
    if u.is_nan() || a.is_nan() || b.is_nan() {
        return (f64::NAN, f64::NAN);
    }
    if u <= 0.0 {
        return (0.0, 1.0);
    }
    if u >= 1.0 {
        return (1.0, 0.0);
    }
    let lower = u <= 0.5;
    let target = if lower { u.ln() } else { (1.0 - u).ln() };
    let ln_b = ln_beta(a, b);
    let f = |t: f64| {
        let (x, y) = logistic_pair(t);
        let (p, q) = beta_pq(a, b, x, y);
        // dx/dt = x·y, so d/dt of the CDF is x^a·y^b / B(a, b).
        let dens = (a * x.ln() + b * y.ln() - ln_b).exp();
        if lower {
            (p.ln() - target, dens / p)
        } else {
            (target - q.ln(), dens / q)
        }
    };
    let mean = a / (a + b);
    let start = (mean / (1.0 - mean)).ln();
    logistic_pair(solve_increasing(f, -740.0, 740.0, start))
}

/// Beta(a, b) quantile at u ∈ (0, 1).
#[cfg(test)]
pub fn beta_quantile(a: f64, b: f64, u: f64) -> f64 {
    beta_quantile_pair(a, b, u).0
}

#[cfg(test)]
mod tests;

//! Tests of the priors: every distribution's draws against its analytic
//! moments, CDF/quantile round trips, the Dirichlet's sums and marginals,
//! TOML forms and every validation rule.

use super::*;
use crate::stats::Summary;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::collections::BTreeMap;

fn scalar(spec: &str) -> Univariate {
    match toml::from_str::<PriorSpec>(spec).unwrap().validate().unwrap() {
        Prior::Scalar(d) => d,
        other => panic!("not scalar: {other:?}"),
    }
}

fn refusal(spec: &str) -> PriorError {
    toml::from_str::<PriorSpec>(spec).unwrap().validate().unwrap_err()
}

fn cases() -> Vec<(&'static str, Univariate)> {
    [
        r#"dist = "beta"
alpha = 2
beta = 5"#,
        "dist = \"beta\"\nmean = 0.3\nsd = 0.1",
        "dist = \"beta\"\nalpha = 0.5\nbeta = 0.5",
        "dist = \"gamma\"\nshape = 2.5\nscale = 3",
        "dist = \"gamma\"\nmean = 6\nsd = 2",
        "dist = \"gamma\"\nshape = 0.3\nscale = 1",
        "dist = \"lognormal\"\nmeanlog = 0.1\nsdlog = 0.4",
        "dist = \"lognormal\"\nmean = 9.2\nsd = 4.0",
        "dist = \"normal\"\nmean = 5\nsd = 2",
        "dist = \"normal\"\nmean = 5\nsd = 2\nlow = 4\nhigh = 20",
        "dist = \"normal\"\nmean = 0.1\nsd = 0.3\nlow = 0",
        "dist = \"normal\"\nmean = 0\nsd = 1\nlow = 3",
        "dist = \"uniform\"\nlow = 2\nhigh = 8",
        "dist = \"triangular\"\nlow = 1\nmode = 2\nhigh = 6",
        "dist = \"triangular\"\nlow = 1\nmode = 1\nhigh = 6",
        "dist = \"pert\"\nlow = 1\nmode = 2\nhigh = 6",
        "dist = \"pert\"\nlow = 0\nmode = 0.9\nhigh = 1\nlambda = 8",
        "dist = \"fixed\"\nvalue = 3",
    ]
    .into_iter()
    .map(|s| (s, scalar(s)))
    .collect()
}

/// Draws through the inverse CDF of pseudo-random uniforms must match the
/// analytic mean within 3.29 standard errors (99.9%) and the analytic
/// variance within 3.29 standard errors of the sample variance,
/// √((m₄ − s⁴)/n), with m₄ the sample's fourth central moment.
#[test]
fn draws_match_analytic_moments() {
    let n = 50_000;
    for (i, (spec, d)) in cases().into_iter().enumerate() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(500 + i as u64);
        let xs: Vec<f64> = (0..n).map(|_| d.quantile(rng.random::<f64>())).collect();
        let support = d.support();
        assert!(
            xs.iter().all(|x| x.is_finite() && *x >= support.low && *x <= support.high),
            "{spec}: outside support"
        );
        let s = Summary::of(xs.iter().copied());
        let (m, v) = (s.mean().unwrap(), s.variance().unwrap());
        let se_mean = (d.variance() / n as f64).sqrt();
        assert!((m - d.mean()).abs() <= 3.29 * se_mean + 1e-12, "{spec}: mean {m} vs {}", d.mean());
        let m4 = xs.iter().map(|x| (x - m).powi(4)).sum::<f64>() / n as f64;
        let se_var = ((m4 - v * v).max(0.0) / n as f64).sqrt();
        assert!(
            (v - d.variance()).abs() <= 3.29 * se_var + 1e-12,
            "{spec}: variance {v} vs {}",
            d.variance()
        );
    }
}

#[test]
fn moment_forms_reproduce_the_mean_and_sd_given() {
    for (d, mean, sd) in [
        (Univariate::beta_mean_sd(0.3, 0.1).unwrap(), 0.3, 0.1),
        (Univariate::gamma_mean_sd(6.0, 2.0).unwrap(), 6.0, 2.0),
        (Univariate::lognormal_mean_sd(9.2, 4.0).unwrap(), 9.2, 4.0),
    ] {
        assert!((d.mean() - mean).abs() < 1e-12 && (d.sd() - sd).abs() < 1e-12, "{d:?}");
    }
    // PERT: mean (low + λ·mode + high)/(λ + 2).
    assert!((Univariate::pert(1.0, 2.0, 6.0, 4.0).unwrap().mean() - 15.0 / 6.0).abs() < 1e-14);
}

#[test]
fn cdf_and_quantile_are_inverse() {
    for (spec, d) in cases() {
        if d.name() == "fixed" {
            assert_eq!(d.quantile(0.123), 3.0);
            assert_eq!((d.cdf(2.999), d.cdf(3.0)), (0.0, 1.0));
            continue;
        }
        for &u in &[1e-9, 0.001, 0.05, 0.3, 0.5, 0.77, 0.99, 1.0 - 1e-7] {
            let x = d.quantile(u);
            let back = d.cdf(x);
            assert!((back - u).abs() <= 1e-9 * u.max(1e-3), "{spec}: u {u} -> x {x} -> {back}");
        }
        for &u in &[0.2, 0.6] {
            let x = d.quantile(u);
            assert!((d.quantile(d.cdf(x)) - x).abs() <= 1e-8 * x.abs().max(1.0), "{spec}: x {x}");
        }
        // Out-of-range uniforms are clamped to finite values; NaN stays NaN.
        assert!(d.quantile(0.0).is_finite() && d.quantile(1.0).is_finite() && d.quantile(-3.0).is_finite());
        assert!(d.quantile(f64::NAN).is_nan());
    }
}

#[test]
fn dirichlet_draws_sum_to_one_with_the_right_marginals() {
    let spec: PriorSpec = toml::from_str("dist = \"dirichlet\"\nalphas = { a = 2, b = 3, c = 5 }").unwrap();
    let prior = spec.validate().unwrap();
    let Prior::Dirichlet(d) = &prior else { panic!("not a dirichlet") };
    assert_eq!(d.keys(), ["a", "b", "c"]);
    assert_eq!(prior.dims(), 3);
    let n = 20_000;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(31);
    let mut sums = [Summary::new(); 3];
    for _ in 0..n {
        let us: Vec<f64> = (0..3).map(|_| rng.random::<f64>()).collect();
        let x = prior.draw(&us).unwrap();
        assert!((x.iter().sum::<f64>() - 1.0).abs() <= 1e-12);
        for (s, v) in sums.iter_mut().zip(x) {
            s.add(v);
        }
    }
    for ((s, mean), var) in sums.iter().zip(d.means()).zip(d.variances()) {
        let se = (var / n as f64).sqrt();
        assert!(
            (s.mean().unwrap() - mean).abs() <= 3.29 * se,
            "mean {} vs {mean}",
            s.mean().unwrap()
        );
        assert!(
            (s.variance().unwrap() / var - 1.0).abs() < 0.06,
            "variance {} vs {var}",
            s.variance().unwrap()
        );
    }
    assert_eq!(d.means(), vec![0.2, 0.3, 0.5]);
    // Shares and concentration give alpha = share × concentration.
    let spec: PriorSpec = toml::from_str("dist = \"dirichlet\"\nconcentration = 50\nshares = { x = 0.25, y = 0.75 }").unwrap();
    let Prior::Dirichlet(d) = spec.validate().unwrap() else {
        panic!("not a dirichlet")
    };
    assert_eq!(d.alphas(), [12.5, 37.5]);
    // Tiny alphas put nearly all the mass on one key but never underflow.
    let tiny = Dirichlet::new([("p".to_string(), 0.01), ("q".to_string(), 0.02)]).unwrap();
    for u in [[1e-12, 1e-12], [0.3, 0.9], [1.0, 0.0]] {
        let x = tiny.quantile(&u).unwrap();
        assert!(
            x.iter().all(|v| v.is_finite()) && (x.iter().sum::<f64>() - 1.0).abs() < 1e-12,
            "{x:?}"
        );
    }
    assert_eq!(tiny.quantile(&[0.5]), Err(PriorError::Dimension { expected: 2, found: 1 }));
}

#[test]
fn every_rule_is_refused_with_a_message_naming_it() {
    let msg = |spec: &str| refusal(spec).to_string();
    assert_eq!(
        msg("dist = \"beta\"\nalpha = -1\nbeta = 2"),
        "alpha must be a finite number > 0, found -1"
    );
    assert!(msg("dist = \"beta\"\nalpha = 1\nmean = 0.5").contains("found alpha, mean"));
    assert!(msg("dist = \"beta\"\nmean = 1.2\nsd = 0.1").contains("strictly between 0 and 1"));
    assert!(msg("dist = \"beta\"\nmean = 0.5\nsd = 0.6").contains("sd < sqrt(mean*(1 - mean)) = 0.5"));
    assert!(msg("dist = \"gamma\"\nshape = 0\nscale = 1").starts_with("shape must be"));
    assert!(msg("dist = \"gamma\"\nmean = 1").contains("either shape and scale, or mean and sd; found mean"));
    assert!(msg("dist = \"lognormal\"\nmeanlog = 0\nsdlog = 40").contains("overflows"));
    assert!(msg("dist = \"normal\"\nmean = 0\nsd = 0").starts_with("sd must be"));
    assert!(msg("dist = \"normal\"\nmean = 0\nsd = 1\nlow = 2\nhigh = 1").contains("low < high"));
    assert!(msg("dist = \"normal\"\nmean = 0\nsd = 1\nlow = 50").contains("at least 1e-12"));
    assert!(msg("dist = \"normal\"\nmean = nan\nsd = 1").contains("mean must be a finite number"));
    assert!(msg("dist = \"uniform\"\nlow = 3\nhigh = 3").contains("uniform needs low < high"));
    assert!(msg("dist = \"triangular\"\nlow = 1\nmode = 7\nhigh = 6").contains("low <= mode <= high"));
    assert!(msg("dist = \"pert\"\nlow = 1\nmode = 2\nhigh = 6\nlambda = 0").starts_with("lambda must be"));
    assert!(msg("dist = \"fixed\"\nvalue = inf").contains("value must be a finite number"));
    assert!(msg("dist = \"dirichlet\"\nalphas = { a = 1 }").contains("at least 2 keys"));
    assert!(msg("dist = \"dirichlet\"\nalphas = { a = 1, b = -2 }").contains("alphas.\"b\" must be"));
    assert!(msg("dist = \"dirichlet\"\nconcentration = 10\nshares = { a = 0.5, b = 0.4 }").contains("sum to 1"));
    assert!(msg("dist = \"dirichlet\"\nconcentration = 10\nshares = { a = 1.0, b = 0.0 }").contains("shares.\"b\""));
    assert!(msg("dist = \"dirichlet\"\nalphas = { a = 1, b = 2 }\nconcentration = 3").contains("found alphas, concentration"));
    assert!(matches!(
        Dirichlet::new([("a".to_string(), 1.0), ("a".to_string(), 2.0)]),
        Err(PriorError::DuplicateKey { .. })
    ));
    // Unknown fields and unknown distributions are refused by the parser.
    assert!(toml::from_str::<PriorSpec>("dist = \"beta\"\nalpha = 1\nbeta = 1\nmode = 3").is_err());
    assert!(toml::from_str::<PriorSpec>("dist = \"weibull\"\nshape = 1").is_err());
}

#[test]
fn an_uncertainty_table_parses_and_supports_can_be_checked() {
    let text = r#"
"navigation.trained.accuracy" = { dist = "beta", mean = 0.6, sd = 0.1 }
"gp.dna_rate" = { dist = "beta", alpha = 12, beta = 188 }
"splw.sessions_mean" = { dist = "gamma", mean = 6, sd = 2 }
"vcse.funding" = { dist = "pert", low = 0.5, mode = 1, high = 2 }
need_shares = { dist = "dirichlet", alphas = { "needs.social.share" = 30, "needs.clinical.share" = 70 } }
"#;
    let table: BTreeMap<String, PriorSpec> = toml::from_str(text).unwrap();
    let priors: BTreeMap<&str, Prior> = table.iter().map(|(k, s)| (k.as_str(), s.validate().unwrap())).collect();
    assert_eq!(priors.values().map(Prior::dims).sum::<usize>(), 6);
    let Prior::Scalar(acc) = &priors["navigation.trained.accuracy"] else {
        panic!()
    };
    let probability = Support { low: 0.0, high: 1.0 };
    assert!(acc.support().within(&probability));
    let Prior::Scalar(funding) = &priors["vcse.funding"] else {
        panic!()
    };
    assert!(!funding.support().within(&probability));
    // A spec serialises back to the same TOML form.
    let again: PriorSpec = toml::from_str(&toml::to_string(&table["gp.dna_rate"]).unwrap()).unwrap();
    assert_eq!(again, table["gp.dna_rate"]);
}

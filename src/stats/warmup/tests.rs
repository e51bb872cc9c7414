//! Tests of the warm-up diagnostics on series with known transients.

use super::*;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

const PHI: f64 = 0.5;

/// Standard normal by Box–Muller (enough for test noise).
fn normal(rng: &mut Xoshiro256PlusPlus) -> f64 {
    let u: f64 = rng.random::<f64>().max(1e-300);
    let v: f64 = rng.random();
    (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
}

/// level + amplitude·e^{−t/τ} + AR(1) noise (φ = 0.5, unit innovations,
/// started in its stationary distribution).
fn transient_series(seed: u64, weeks: usize, amplitude: f64, tau: f64) -> Vec<f64> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut x = normal(&mut rng) / (1.0 - PHI * PHI).sqrt();
    (0..weeks)
        .map(|t| {
            x = PHI * x + normal(&mut rng);
            10.0 + amplitude * (-(t as f64) / tau).exp() + x
        })
        .collect()
}

/// The week where the transient's bias A·e^{−t/τ} falls to `k` marginal
/// sds of the noise (σ_x = 1/√(1 − φ²)).
fn bias_below(amplitude: f64, tau: f64, k: f64) -> f64 {
    tau * (amplitude * (1.0 - PHI * PHI).sqrt() / k).ln()
}

fn median(mut xs: Vec<usize>) -> usize {
    xs.sort_unstable();
    xs[xs.len() / 2]
}

/// A = 20, τ = 10 weeks, 300 weeks of AR(1) noise. One MSER-5 cut is noisy
/// (MSER over-truncates pure noise by up to ~35 weeks at its 95th
/// percentile, in a 200-seed scratch run), so the test takes 20 seeds:
/// every cut must remove the weeks where the bias exceeds 2σ_x (week 21.6,
/// so at least the batch boundary at 20) and settle, and the median cut
/// must lie between that week and the week where the bias is 0.1σ_x (51.5).
#[test]
fn mser5_finds_the_end_of_an_exponential_transient() {
    let (a, tau) = (20.0, 10.0);
    let (early, late) = (bias_below(a, tau, 2.0), bias_below(a, tau, 0.1));
    let cuts: Vec<usize> = (0..20)
        .map(|seed| {
            let c = mser5(&transient_series(seed, 300, a, tau)).unwrap();
            assert!(c.settled, "seed {seed}");
            assert!(
                c.truncate_weeks as f64 >= 5.0 * (early / 5.0).floor(),
                "seed {seed}: cut {}",
                c.truncate_weeks
            );
            assert!((c.steady_mean - 10.0).abs() < 1.0, "seed {seed}: level {}", c.steady_mean);
            c.truncate_weeks
        })
        .collect();
    let m = median(cuts) as f64;
    assert!(m >= early && m <= late, "median cut {m} outside [{early}, {late}]");
}

/// Pure stationary AR(1) noise: the median cut over 20 seeds is at most one
/// batch, and none is flagged as unsettled.
#[test]
fn mser5_leaves_a_stationary_series_alone() {
    let cuts: Vec<usize> = (0..20)
        .map(|seed| {
            let c = mser5(&transient_series(1_000 + seed, 300, 0.0, 1.0)).unwrap();
            assert!(c.settled, "seed {seed}");
            c.truncate_weeks
        })
        .collect();
    assert!(median(cuts) <= MSER_BATCH);
}

/// A trend to the end of the run (0.05 a week, 13 noise sds over 300 weeks)
/// is flagged as never settling, for every seed.
#[test]
fn mser5_flags_a_trend_as_never_settling() {
    for seed in 0..20 {
        let series: Vec<f64> = transient_series(2_000 + seed, 300, 0.0, 1.0)
            .iter()
            .enumerate()
            .map(|(t, x)| x + 0.05 * t as f64)
            .collect();
        let c = mser5(&series).unwrap();
        assert!(!c.settled, "seed {seed}: cut {}", c.truncate_weeks);
    }
}

/// Missing weeks are skipped, not read as zeros: scattered NaNs and a whole
/// missing batch leave the cut where it was within a batch; too little data
/// gives no answer.
#[test]
fn missing_weeks_are_skipped() {
    let full = transient_series(5, 300, 20.0, 10.0);
    let mut gappy = full.clone();
    for (t, x) in gappy.iter_mut().enumerate() {
        if t % 7 == 3 || (100..105).contains(&t) {
            *x = f64::NAN;
        }
    }
    gappy[200] = f64::INFINITY;
    let (a, b) = (mser5(&full).unwrap(), mser5(&gappy).unwrap());
    assert!(a.truncate_weeks.abs_diff(b.truncate_weeks) <= MSER_BATCH, "{a:?} vs {b:?}");
    assert_eq!(b.batches, 59);
    assert!(b.steady_mean.is_finite());
    assert_eq!(mser5(&[f64::NAN; 300]), None);
    assert_eq!(mser5(&full[..19]), None);
    assert_eq!(mser(&full, 0), None);
    assert_eq!(welch_moving_average(&full[..3], 5), Vec::<f64>::new());
    assert_eq!(welch_cut(&[f64::NAN; 10], 1.0), None);
    assert_eq!(welch_cut(&full, f64::NAN), None);
}

/// Ten replications of the same transient, averaged and smoothed with w = 5:
/// with a band of 0.75 (about 4 sds of the smoothed noise, √3·σ_x/√(10·11)
/// ≈ 0.19), the curve enters the band where the bias is 0.75, at week
/// τ·ln(A/0.75) ≈ 32.8; the smoothing window blurs that by up to w weeks,
/// so the cut must lie within w + 3 weeks of it.
#[test]
fn welch_finds_the_same_transient() {
    let (a, tau, w) = (20.0, 10.0, 5);
    let reps: Vec<Vec<f64>> = (0..10).map(|seed| transient_series(3_000 + seed, 300, a, tau)).collect();
    let refs: Vec<&[f64]> = reps.iter().map(Vec::as_slice).collect();
    let averaged = replication_average(&refs);
    assert_eq!(averaged.len(), 300);
    let smoothed = welch_moving_average(&averaged, w);
    assert_eq!(smoothed.len(), 295);
    // Early points average 2i + 1 weeks: point 0 is week 0 alone.
    assert_eq!(smoothed[0], averaged[0]);
    let cut = welch_cut(&smoothed, 0.75).unwrap();
    let want = tau * (a / 0.75_f64).ln();
    assert!(
        cut.settled && (cut.truncate_weeks as f64 - want).abs() <= (w + 3) as f64,
        "{cut:?} vs {want}"
    );
    assert!((cut.level - 10.0).abs() < 0.2);
    // A trend never flattens.
    let trend: Vec<f64> = (0..300).map(|t| t as f64 * 0.05).collect();
    assert!(!welch_cut(&welch_moving_average(&trend, w), 0.75).unwrap().settled);
}

#[test]
fn check_window_names_the_series_in_a_transient() {
    let slow = transient_series(5, 300, 20.0, 10.0);
    let flat = transient_series(1_001, 300, 0.0, 1.0);
    let trend: Vec<f64> = flat.iter().enumerate().map(|(t, x)| x + 0.05 * t as f64).collect();
    let short = [1.0; 10];
    let verdicts = check_window(
        &[
            ("queue.splw", &slow),
            ("queue.gp", &flat),
            ("queue.vcse", &trend),
            ("queue.new", &short),
        ],
        4,
        52,
    );
    let slow_cut = mser5(&slow).unwrap().truncate_weeks;
    assert!(slow_cut > 4);
    assert_eq!(verdicts[0].name, "queue.splw");
    assert_eq!(
        verdicts[0].verdict,
        Verdict::Transient {
            weeks_into_window: slow_cut - 4
        }
    );
    assert_eq!(mser5(&flat).unwrap().truncate_weeks, 0);
    assert_eq!(verdicts[1].verdict, Verdict::Steady);
    assert_eq!(verdicts[2].verdict, Verdict::NeverSettles);
    assert_eq!(verdicts[3].verdict, Verdict::TooShort);
    // A window starting after the cut is fine.
    assert_eq!(check_window(&[("queue.splw", &slow)], slow_cut, 52)[0].verdict, Verdict::Steady);
}

#[test]
fn a_transient_too_small_to_move_the_window_mean_passes() {
    // At a level of ~110 people, a transient of 4 people decaying over 8
    // weeks moves a 52-week window's mean by ~0.6, under 2% of the level;
    // ten times as tall (~6) it does not pass.
    let small: Vec<f64> = transient_series(5, 300, 4.0, 8.0).iter().map(|x| x + 100.0).collect();
    let cut = mser5(&small).unwrap().truncate_weeks;
    assert!(cut > 0, "the shape must have a cut for the test to mean anything");
    let v = &check_window(&[("queue.x", &small)], 0, 52)[0];
    assert!(
        matches!(v.verdict, Verdict::Immaterial { weeks_into_window, bias } if weeks_into_window == cut && bias.abs() < 2.2),
        "{v:?}"
    );
    let big: Vec<f64> = transient_series(5, 300, 40.0, 8.0).iter().map(|x| x + 100.0).collect();
    let v = &check_window(&[("queue.x", &big)], 0, 52)[0];
    assert!(matches!(v.verdict, Verdict::Transient { .. }), "{v:?}");
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config {
        cases: 256,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x0057_4152),
        ..proptest::test_runner::Config::default()
    })]

    /// Any series — NaN, infinities, constants, any length — gives an
    /// answer or `None`, never a panic, and a cut within the first half.
    #[test]
    fn diagnostics_never_panic(
        series in proptest::collection::vec(
            proptest::prop_oneof![-1e6f64..1e6, proptest::strategy::Just(f64::NAN), proptest::strategy::Just(f64::INFINITY), proptest::strategy::Just(0.0)],
            0..200,
        ),
        window in 0usize..20,
        start in 0usize..100,
    ) {
        if let Some(c) = mser5(&series) {
            proptest::prop_assert!(c.truncate_weeks <= series.len() / 2);
        }
        let smoothed = welch_moving_average(&series, window);
        proptest::prop_assert_eq!(smoothed.len(), series.len().saturating_sub(window));
        let _ = welch_cut(&smoothed, 1.0);
        let _ = replication_average(&[&series, &series[..series.len() / 2]]);
        let _ = check_window(&[("s", &series)], start, window);
    }
}

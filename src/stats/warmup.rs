//! Warm-up diagnostics for weekly output series: where does the start-up
//! transient end, and does the statistics window start after it?
//!
//! * **MSER-5** (White 1997, Simulation 69:323–334; White, Cobb & Spratt
//!   2000, Proc. Winter Simulation Conf.): average the series in batches of
//!   5, and truncate the d batches that minimise the marginal standard error
//!   `MSER(d) = Σ_{i>d} (Z_i − Z̄_d)² / (b − d)²` of what is left, searching
//!   d over the first half. The series is judged never to settle when the
//!   minimum sits at the very edge of that search (the classic failure
//!   signal), or when what is kept still drifts: its second half's mean
//!   differs from its first half's by more than [`DRIFT_Z`] standard errors
//!   (the standard error allows for AR(1) correlation between batch means;
//!   a strongly autocorrelated weekly series is still flagged falsely now
//!   and then — use [`mser`] with longer batches for one).
//! * **Welch's moving average** (Welch 1983; Law 2015, *Simulation Modeling
//!   and Analysis*, §9.5.1): average the replications week by week, smooth
//!   with a centred moving average of half-width w, and read where the curve
//!   flattens. [`welch_cut`] reads it automatically against a band the
//!   caller chooses.
//!
//! **Missing weeks.** A NaN (a week with no observation, e.g. before a
//! service opens) is skipped: a batch or window mean is the mean of its
//! finite values, a batch with none is left out of the MSER sums, and
//! weeks are always counted on the calendar, so a cut is in weeks from the
//! start of the run whatever is missing. Infinite values are treated as
//! missing too.

/// Batch size of MSER-5 \[weeks\].
pub const MSER_BATCH: usize = 5;

/// Fewest batches for which MSER is computed (20 weeks at batches of 5).
pub const MIN_BATCHES: usize = 4;

/// Standardised difference between the halves of the kept data above which
/// a series is said still to drift (a two-sided 99.9% normal bound).
pub const DRIFT_Z: f64 = 3.29;

/// A transient reaching into the window matters only if it moves the
/// window's mean by more than this share of the steady level …
pub const MATERIAL_SHARE: f64 = 0.02;

/// … and by more than this much in the series' own units (half a person
/// for the `queue.*` series): below both, a longer warm-up would change no
/// reported figure beyond its Monte Carlo noise (the default's headline
/// 95% CIs are about ±2% wide).
pub const MATERIAL_FLOOR: f64 = 0.5;

/// Where MSER puts the end of the warm-up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WarmupCut {
    /// Weeks to discard from the start of the series (a multiple of the
    /// batch size).
    pub truncate_weeks: usize,
    /// Whether the series settles: the minimum lies inside the search range
    /// (the first half of the series) and the kept data do not drift
    /// (|`drift_z`| ≤ [`DRIFT_Z`]). `false` means no steady state within
    /// the run.
    pub settled: bool,
    /// (mean of the kept data's second half − mean of its first half) over
    /// its standard error, from the batch means' pooled within-half
    /// variance widened for their lag-1 autocorrelation; 0 with fewer than 4
    /// kept batches.
    pub drift_z: f64,
    /// The minimised statistic MSER(d) \[squared units of the series\].
    pub mser: f64,
    /// Batches with at least one finite week.
    pub batches: usize,
    /// Mean of the weeks kept: the steady-state level estimate.
    pub steady_mean: f64,
}

fn mean_of_finite(xs: &[f64]) -> Option<f64> {
    let (sum, n) = xs.iter().filter(|x| x.is_finite()).fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    (n > 0).then(|| sum / n as f64)
}

/// MSER-5 on a weekly series; `None` when it has fewer than
/// [`MIN_BATCHES`] batches with data.
pub fn mser5(series: &[f64]) -> Option<WarmupCut> {
    mser(series, MSER_BATCH)
}

/// MSER with batches of `batch` weeks (MSER-1 is the unbatched statistic).
/// Trailing weeks that do not fill a batch are ignored.
pub fn mser(series: &[f64], batch: usize) -> Option<WarmupCut> {
    if batch == 0 {
        return None;
    }
    let means: Vec<Option<f64>> = series.chunks_exact(batch).map(mean_of_finite).collect();
    let b = means.len();
    let finite = means.iter().flatten().count();
    if finite < MIN_BATCHES {
        return None;
    }
    // Suffix sums over the finite batch means give every MSER(d) in O(b).
    let (mut count, mut sum, mut sum_sq) = (vec![0usize; b + 1], vec![0.0; b + 1], vec![0.0; b + 1]);
    for i in (0..b).rev() {
        let z = means[i].unwrap_or(0.0);
        let has = usize::from(means[i].is_some());
        count[i] = count[i + 1] + has;
        sum[i] = sum[i + 1] + z;
        sum_sq[i] = sum_sq[i + 1] + z * z;
    }
    let last = b / 2;
    let mut best: Option<(usize, f64)> = None;
    for d in 0..=last {
        let m = count[d] as f64;
        if count[d] < 2 {
            break;
        }
        let centred = (sum_sq[d] - sum[d] * sum[d] / m).max(0.0);
        let stat = centred / (m * m);
        let better = match best {
            Some((_, s)) => stat < s,
            None => true,
        };
        if better {
            best = Some((d, stat));
        }
    }
    let (d, stat) = best?;
    let kept: Vec<f64> = means[d..].iter().flatten().copied().collect();
    let drift_z = drift(&kept);
    Some(WarmupCut {
        truncate_weeks: d * batch,
        settled: d < last && drift_z.abs() <= DRIFT_Z,
        drift_z,
        mser: stat,
        batches: finite,
        steady_mean: sum[d] / count[d] as f64,
    })
}

/// The standardised difference between the second and first halves of
/// `z` (equal halves; the middle value of an odd count is left out).
fn drift(z: &[f64]) -> f64 {
    let h = z.len() / 2;
    if h < 2 {
        return 0.0;
    }
    let (first, second) = (&z[..h], &z[z.len() - h..]);
    let mean = |x: &[f64]| x.iter().sum::<f64>() / x.len() as f64;
    let (m1, m2) = (mean(first), mean(second));
    let ss = |x: &[f64], m: f64| x.iter().map(|v| (v - m).powi(2)).sum::<f64>();
    let pooled = (ss(first, m1) + ss(second, m2)) / (2 * h - 2) as f64;
    // Batch means of a slowly varying queue stay correlated; widen the SE by
    // the AR(1) factor √((1 + ρ)/(1 − ρ)), with ρ the lag-1 autocorrelation
    // of each half's residuals about its own straight line (so a drift, the
    // very thing tested for, does not pass for correlation), clamped to
    // [0, 0.9].
    let (mut lag, mut sq) = (0.0, 0.0);
    for half in [first, second] {
        let r = detrended(half);
        lag += r.windows(2).map(|w| w[0] * w[1]).sum::<f64>();
        sq += r.iter().map(|v| v * v).sum::<f64>();
    }
    let rho = if sq > 0.0 { (lag / sq).clamp(0.0, 0.9) } else { 0.0 };
    let se = (pooled * 2.0 / h as f64 * (1.0 + rho) / (1.0 - rho)).sqrt();
    if se > 0.0 {
        (m2 - m1) / se
    } else if m2 == m1 {
        0.0
    } else {
        (m2 - m1).signum() * f64::INFINITY
    }
}

/// Residuals of `x` about its least-squares line on 0, 1, 2, ….
fn detrended(x: &[f64]) -> Vec<f64> {
    let n = x.len() as f64;
    let tbar = (n - 1.0) / 2.0;
    let xbar = x.iter().sum::<f64>() / n;
    let stt: f64 = (0..x.len()).map(|t| (t as f64 - tbar).powi(2)).sum();
    let slope = if stt > 0.0 {
        x.iter().enumerate().map(|(t, v)| (t as f64 - tbar) * (v - xbar)).sum::<f64>() / stt
    } else {
        0.0
    };
    x.iter().enumerate().map(|(t, v)| v - xbar - slope * (t as f64 - tbar)).collect()
}

/// The week-by-week mean of several replications of a series (finite
/// values only; NaN where no replication has a value). The result is as
/// long as the longest replication.
pub fn replication_average(replications: &[&[f64]]) -> Vec<f64> {
    let len = replications.iter().map(|r| r.len()).max().unwrap_or(0);
    (0..len)
        .map(|t| {
            let week: Vec<f64> = replications.iter().filter_map(|r| r.get(t).copied()).collect();
            mean_of_finite(&week).unwrap_or(f64::NAN)
        })
        .collect()
}

/// Welch's moving average of half-width `window` (w): point i (0-based) is
/// the mean of weeks i−w … i+w, or of weeks 0 … 2i while i < w, so early
/// points are not smoothed across the start. The result has
/// `series.len() − w` points (none if the series is shorter than w).
pub fn welch_moving_average(series: &[f64], window: usize) -> Vec<f64> {
    let m = series.len();
    (0..m.saturating_sub(window))
        .map(|i| {
            let half = i.min(window);
            mean_of_finite(&series[i - half..=i + half]).unwrap_or(f64::NAN)
        })
        .collect()
}

/// An automatic reading of Welch's plot.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WelchCut {
    /// The first week from which every smoothed value stays within the band
    /// of the final level.
    pub truncate_weeks: usize,
    /// The final level: mean of the smoothed series over its second half.
    pub level: f64,
    /// Whether that week lies in the first half; otherwise the curve has
    /// not flattened within the run.
    pub settled: bool,
}

/// Reads a smoothed series ([`welch_moving_average`] of a
/// [`replication_average`]): the level is its mean over the second half,
/// and the cut the first week after which it stays within ±`band` of that
/// level (band in the series' units, e.g. 5% of the level, or a CI
/// half-width). `None` if the series has no finite value in its second half
/// or `band` is not a finite number ≥ 0.
pub fn welch_cut(smoothed: &[f64], band: f64) -> Option<WelchCut> {
    if !(band.is_finite() && band >= 0.0) {
        return None;
    }
    let half = smoothed.len() / 2;
    let level = mean_of_finite(&smoothed[half..])?;
    let outside = smoothed.iter().rposition(|x| x.is_finite() && (x - level).abs() > band);
    let truncate_weeks = outside.map_or(0, |i| i + 1);
    Some(WelchCut {
        truncate_weeks,
        level,
        settled: truncate_weeks <= half,
    })
}

/// What MSER-5 says about one series relative to the statistics window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Verdict {
    /// The transient ends before the window starts.
    Steady,
    /// The window starts inside the transient.
    Transient {
        /// Weeks of the window that MSER-5 would still discard.
        weeks_into_window: usize,
    },
    /// The window starts inside the transient, but the transient moves the
    /// window's mean by no more than [`MATERIAL_SHARE`] of the steady
    /// level or [`MATERIAL_FLOOR`] (e.g. a queue that is nearly always
    /// empty, or a seasonal swing MSER reads as a cut): it passes.
    Immaterial {
        /// Weeks of the window that MSER-5 would still discard.
        weeks_into_window: usize,
        /// Window mean minus the steady level \[units of the series\].
        bias: f64,
    },
    /// The series drifts to the edge of the search: no steady state.
    NeverSettles,
    /// Too short (or too empty) to judge.
    TooShort,
}

/// The verdict on one named series.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesVerdict {
    /// The series' name (e.g. `queue.splw`).
    pub name: String,
    /// The verdict.
    pub verdict: Verdict,
    /// The MSER-5 cut behind it, if one could be computed.
    pub cut: Option<WarmupCut>,
}

/// Whether a statistics window of `window_weeks` that starts at
/// `window_start_week` (weeks from the start of the run) starts in a
/// transient, series by series. Each series runs from week 0 (warm-up
/// included); MSER-5 is applied to the whole series, and the window is in
/// a transient when the cut falls after its start and the transient is
/// material: the window's mean differs from the steady level (the mean
/// after the cut) by more than [`MATERIAL_SHARE`] of it and more than
/// [`MATERIAL_FLOOR`].
pub fn check_window(series: &[(&str, &[f64])], window_start_week: usize, window_weeks: usize) -> Vec<SeriesVerdict> {
    series
        .iter()
        .map(|&(name, values)| {
            let cut = mser5(values);
            let verdict = match cut {
                None => Verdict::TooShort,
                Some(c) if !c.settled => Verdict::NeverSettles,
                Some(c) if c.truncate_weeks > window_start_week => {
                    let weeks_into_window = c.truncate_weeks - window_start_week;
                    let end = (window_start_week + window_weeks).min(values.len());
                    let bias = values
                        .get(window_start_week..end)
                        .and_then(mean_of_finite)
                        .map_or(f64::INFINITY, |m| m - c.steady_mean);
                    if bias.abs() > (MATERIAL_SHARE * c.steady_mean.abs()).max(MATERIAL_FLOOR) {
                        Verdict::Transient { weeks_into_window }
                    } else {
                        Verdict::Immaterial { weeks_into_window, bias }
                    }
                }
                Some(_) => Verdict::Steady,
            };
            SeriesVerdict {
                name: name.to_string(),
                verdict,
                cut,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;

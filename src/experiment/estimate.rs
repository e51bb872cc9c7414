//! A rough size of a pathway run before it starts, to refuse impossible
//! ones and warn about long ones (`network::estimate` does the same for
//! queueing networks).

use crate::model::expected_episodes;
use crate::scenario::load::LoadedScenario;
use crate::stats::EXACT_LIMIT;

/// Events the model processes (as `run.json` counts them) per episode that
/// [`expected_episodes`] counts. That count includes a 30% allowance for
/// repeats and returns, as it sizes the episode arena; measured over the
/// scenarios in `scenarios/` and the test fixture, events per counted
/// episode are 2.45 to 2.68 (they were taken as 3.5 per episode, which
/// put estimates 30–38% above the runs).
const EVENTS_PER_EPISODE: f64 = 2.55;

/// Events processed per second on one core (measured 3.0 to 4.8 M/s on the
/// scenarios in `scenarios/`, counted as `run.json` counts them).
const EVENTS_PER_SECOND: f64 = 3.0e6;

/// Memory per registered patient \[bytes\].
const BYTES_PER_PATIENT: f64 = 40.0;

/// Memory per expected episode \[bytes\] (the episode arena).
const BYTES_PER_EPISODE: f64 = 72.0;

/// Fixed memory of one running replication \[bytes\].
const BYTES_PER_REPLICATION: f64 = 2e6;

/// Estimated events, peak memory \[bytes\] and run time \[s\] of a run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Events over every arm and replication.
    pub events: f64,
    /// Peak memory with `threads` replications running at once \[bytes\].
    pub bytes: f64,
    /// Wall time on `threads` threads \[s\].
    pub seconds: f64,
    /// Of `bytes`, the reduced results held until the run ends (the rest
    /// is the models running at once) \[bytes\].
    pub held_bytes: f64,
}

/// Events from the expected episodes of every arm (an arm launched from
/// the counterfactual's warm state counts its window only: the warm-up is
/// run once, with the counterfactual); memory from the patients and
/// episodes of the largest arm per running model (an arm may override the
/// list size or run length) plus one warm state per thread, the weekly
/// series reduced over replications (exact up to [`EXACT_LIMIT`] values a
/// week, then a sketch of similar size) and the metrics kept for every
/// replication.
pub fn estimate(loaded: &LoadedScenario, replications: u64, threads: usize) -> Estimate {
    let b = &loaded.base;
    let threads = threads.max(1) as f64;
    let arm_raws = loaded.arms.iter().map(|a| &a.scenario.raw);
    let launched = crate::experiment::arm_starts(loaded);
    let episodes: f64 = arm_raws
        .clone()
        .zip(&launched)
        .enumerate()
        .map(|(a, (raw, blocker))| {
            let window_share = raw.time.horizon_days / (raw.time.warmup_days + raw.time.horizon_days).max(1.0);
            expected_episodes(raw) * if a > 0 && blocker.is_none() { window_share } else { 1.0 }
        })
        .sum();
    let events = episodes * replications as f64 * EVENTS_PER_EPISODE;
    let per_rep = arm_raws
        .map(|r| r.population.list_size as f64 * BYTES_PER_PATIENT + expected_episodes(r) * BYTES_PER_EPISODE + BYTES_PER_REPLICATION)
        .fold(0.0, f64::max);
    let jobs = loaded.arms.len() as f64 * replications as f64;
    let series = 20.0 + 2.0 * (b.roles.len() + b.vcse.services.len()) as f64;
    let kept = replications.min(EXACT_LIMIT as u64) as f64;
    let weekly = loaded.arms.len() as f64 * kept * (b.time.horizon_days / 7.0) * series * 8.0;
    let held_bytes = weekly + jobs * 80.0 * 8.0;
    let bytes = per_rep * 2.0 * threads + held_bytes;
    Estimate {
        events,
        bytes,
        held_bytes,
        seconds: events / EVENTS_PER_SECOND / threads,
    }
}

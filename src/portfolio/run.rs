//! Running a portfolio: every PCN × replication in one parallel pool, each
//! PCN with common random numbers across its arms, reduced per PCN as
//! replications finish and rolled up to the ICB ([`super::rollup`]).

use super::rollup::roll_up;
use super::spec::Portfolio;
use crate::experiment::estimate::{estimate as pcn_estimate, Estimate};
use crate::experiment::warmup::{self, DiagnosticError, WarmupDiagnostic};
use crate::experiment::{arm_starts, replication, Cancelled, ExperimentResult, Reducer, RunArms, RunOptions, BATCH_PER_THREAD};
use crate::model::{ArenaPool, ReplicationOutput};
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

/// What a portfolio run produced.
#[derive(Debug, Clone)]
pub struct PortfolioResult {
    /// Each PCN's results, in the portfolio's order; PCN `i` ran with
    /// seed `portfolio.pcns[i].seed`, so it equals that PCN run alone.
    pub pcns: Vec<ExperimentResult>,
    /// The ICB: every PCN's per-replication values added up (rates
    /// weighted by list size), so its intervals come from per-replication
    /// sums, paired across arms.
    pub icb: ExperimentResult,
}

/// Runs `replications` of every PCN and arm of `portfolio` on the current
/// rayon pool. Jobs are PCN × replication; within a job every arm of the
/// PCN runs with the same random numbers. `progress(done, total)` counts
/// arm-replications; setting `cancel` stops within a few thousand events
/// of every running job.
pub fn run_portfolio(
    portfolio: &Portfolio,
    replications: u64,
    progress: &(dyn Fn(usize, usize) + Sync),
    cancel: &AtomicBool,
) -> Result<PortfolioResult, Cancelled> {
    let pcns = &portfolio.pcns;
    let arms = pcns.first().map_or(0, |p| p.loaded.arms.len());
    let total = pcns.len() * arms * replications as usize;
    let done = AtomicUsize::new(0);
    let cancelled = || Cancelled {
        done: done.load(Ordering::Relaxed),
        total,
    };
    let on_arm_done = || progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
    let blockers: Vec<_> = pcns.iter().map(|p| arm_starts(&p.loaded)).collect();
    // One pool for every PCN: a smaller PCN's arena takes a larger one's
    // buffer as it is, a larger PCN's grows it once.
    let arenas = Arc::new(ArenaPool::new());
    let mut reducers: Vec<Reducer> = pcns.iter().map(|p| Reducer::new(&p.loaded, 0)).collect();
    // PCN-major, so each PCN's replications reach its reducer in order.
    let jobs: Vec<(usize, u64)> = (0..pcns.len()).flat_map(|p| (0..replications).map(move |r| (p, r))).collect();
    let threads = rayon::current_num_threads();
    let batch = (BATCH_PER_THREAD as usize * threads).max(1);
    for chunk in jobs.chunks(batch) {
        // As in a single run: arms in parallel only when the batch has
        // fewer jobs than threads (else a waiting thread starts another
        // job's warm state on top of its own).
        let arms_in_parallel = chunk.len() < threads;
        let outputs: Vec<Option<Vec<ReplicationOutput>>> = chunk
            .par_iter()
            .map(|&(p, r)| {
                let options = RunOptions {
                    replications,
                    seed: pcns[p].seed,
                    journeys: 0,
                };
                let run = RunArms {
                    loaded: &pcns[p].loaded,
                    blockers: &blockers[p],
                    arenas: &arenas,
                };
                replication(run, options, r, arms_in_parallel, cancel, &on_arm_done)
            })
            .collect();
        if cancel.load(Ordering::Relaxed) {
            return Err(cancelled());
        }
        for (&(p, r), out) in chunk.iter().zip(outputs) {
            let out = out.ok_or_else(cancelled)?;
            reducers[p]
                .add_replication(r, out)
                .unwrap_or_else(|e| unreachable!("replications are reduced in order: {e}"));
        }
    }
    let pcn_results: Vec<ExperimentResult> = reducers.into_iter().map(Reducer::finish).collect();
    let weights: Vec<f64> = pcns.iter().map(|p| p.list_size() as f64).collect();
    let icb = roll_up(&pcn_results, &weights);
    Ok(PortfolioResult { pcns: pcn_results, icb })
}

/// Each PCN's warm-up diagnostic ([`warmup::diagnose`] with the PCN's
/// seed), as a single run checks its scenario before it starts.
pub fn diagnose(portfolio: &Portfolio, cancel: &AtomicBool) -> Result<Vec<WarmupDiagnostic>, DiagnosticError> {
    portfolio
        .pcns
        .iter()
        .map(|pcn| warmup::diagnose(&pcn.loaded, pcn.seed, warmup::REPLICATIONS, cancel))
        .collect()
}

/// Memory a PCN keeps per arm until a portfolio run ends beyond its
/// reduced results \[bytes\]: its loaded scenario and its files, made
/// before any is written. Measured: peak RSS of 40 PCNs of 37,000–63,000
/// patients (357 MB, `--no-charts`) against 6 (231 MB, with charts), 5
/// arms, 10 replications, 2 threads: 3.7 MB a PCN, of which the reduced
/// results [`pcn_estimate`] counts are about 0.7 MB.
const HELD_BYTES_PER_PCN_ARM: f64 = 0.6e6;

/// Estimated events, peak memory and run time of a portfolio run: every
/// PCN's events and time added; memory for the models running at once
/// (the largest PCN's) plus every PCN's results and files, held to the end.
pub fn estimate(portfolio: &Portfolio, replications: u64, threads: usize) -> Estimate {
    let each: Vec<Estimate> = portfolio
        .pcns
        .iter()
        .map(|p| pcn_estimate(&p.loaded, replications, threads))
        .collect();
    let files: f64 = portfolio
        .pcns
        .iter()
        .map(|p| p.loaded.arms.len() as f64 * HELD_BYTES_PER_PCN_ARM)
        .sum();
    let held_bytes = each.iter().map(|e| e.held_bytes).sum::<f64>() + files;
    let running = each.iter().map(|e| e.bytes - e.held_bytes).fold(0.0, f64::max);
    Estimate {
        events: each.iter().map(|e| e.events).sum(),
        bytes: running + held_bytes,
        seconds: each.iter().map(|e| e.seconds).sum(),
        held_bytes,
    }
}

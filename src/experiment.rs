//! Experiments: every arm × every replication, in parallel, with common
//! random numbers, reduced to per-arm summaries and paired comparisons
//! against the counterfactual.
//!
//! Two parts, kept apart: a *producer* that runs one replication — every
//! arm, with the same random numbers — and a *reduction* ([`Reducer`])
//! that folds replications in as they finish. Replications run in
//! batches, in parallel over replications and their arms; each batch is
//! then handed to the [`ReplicationSink`] and the reducer in replication
//! order, so results are identical for any
//! number of threads or batch size, and memory holds one batch of
//! replication outputs, not all of them.

pub mod estimate;
mod paired;
pub mod precision;
mod reduce;
pub mod warmup;
mod weekly;

pub use precision::{PrecisionOutcome, PrecisionTarget};
pub(crate) use reduce::add_conservation;
pub use reduce::{MergeError, Reducer};
pub use weekly::{WeekStat, WeeklySummary};

use crate::model::{fork_blocker, run_replication_cancellable, ArenaPool, Conservation, ReplicationOutput, WarmState};
use crate::scenario::load::LoadedScenario;
use crate::stats::Summary;
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// How to run.
#[derive(Debug, Clone, Copy)]
pub struct RunOptions {
    /// Replications per arm.
    pub replications: u64,
    /// Master seed.
    pub seed: u64,
    /// Episodes per arm and replication to trace.
    pub journeys: u32,
}

/// One arm's replications.
#[derive(Debug, Clone)]
pub struct ArmResult {
    /// Arm name.
    pub name: String,
    /// What the arm is.
    pub description: String,
    /// Metric names, in output order (model metrics, then paired ones).
    pub metric_names: Vec<String>,
    /// `values\[replication\]\[metric\]`; NaN where undefined.
    pub values: Vec<Vec<f64>>,
    /// The weekly series reduced over replications.
    pub weekly: WeeklySummary,
}

impl ArmResult {
    /// Index of a metric.
    pub fn metric_index(&self, name: &str) -> Option<usize> {
        self.metric_names.iter().position(|m| m == name)
    }

    /// Summary over replications of one metric (NaN values skipped).
    pub fn summary(&self, metric: usize) -> Summary {
        Summary::of(self.values.iter().map(|r| r[metric]).filter(|v| v.is_finite()))
    }
}

/// Everything an experiment produced.
#[derive(Debug, Clone)]
pub struct ExperimentResult {
    /// Arms; `arms\[0\]` is the counterfactual.
    pub arms: Vec<ArmResult>,
    /// Events processed over all arms and replications.
    pub events: u64,
    /// Episode conservation totals over everything run.
    pub conservation: Conservation,
    /// The first replication held: 0 for a whole run, a shard's start when
    /// a run is split (replication `first_replication + i` is row `i` of
    /// every arm's `values`).
    pub first_replication: u64,
}

/// Why an experiment stopped early: its cancel flag was set. The scenario
/// is untouched and can be run again; a sink may hold the replications it
/// was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cancelled after {done} of {total} arm-replications")]
pub struct Cancelled {
    /// Jobs (arm × replication) finished before stopping.
    pub done: usize,
    /// Jobs in total (at most, when running to a precision).
    pub total: usize,
}

/// What a sink may fail with (a full disk, for one).
pub type SinkError = Box<dyn std::error::Error + Send + Sync>;

/// Receives every replication's outputs, all arms, in replication order,
/// before they are reduced and dropped: where a front end streams what the
/// reduction does not keep (the CLI writes traced journeys to disk). The
/// library does no I/O itself.
pub trait ReplicationSink {
    /// Replication `r`'s outputs; `outputs[a]` is arm `a`'s (arm 0 the
    /// counterfactual). Called with `r = 0, 1, …`. An error stops the run.
    fn replication(&mut self, r: u64, outputs: &[ReplicationOutput]) -> Result<(), SinkError>;
}

/// A sink that keeps nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Discard;

impl ReplicationSink for Discard {
    fn replication(&mut self, _: u64, _: &[ReplicationOutput]) -> Result<(), SinkError> {
        Ok(())
    }
}

/// A sink that keeps every output, by arm: `by_arm[a][r]`. Memory grows
/// with replications; for tests and for front ends that want the raw
/// weekly series or journeys of a small run.
#[derive(Debug, Clone, Default)]
pub struct Collect {
    /// Outputs by arm, then replication.
    pub by_arm: Vec<Vec<ReplicationOutput>>,
}

impl ReplicationSink for Collect {
    fn replication(&mut self, _: u64, outputs: &[ReplicationOutput]) -> Result<(), SinkError> {
        self.by_arm.resize_with(outputs.len(), Vec::new);
        for (arm, out) in self.by_arm.iter_mut().zip(outputs) {
            arm.push(out.clone());
        }
        Ok(())
    }
}

/// Why [`run_experiment_with`] stopped without a result.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The cancel flag was set.
    #[error(transparent)]
    Cancelled(#[from] Cancelled),
    /// The sink failed; the replications before were handed to it.
    #[error("{0}")]
    Sink(SinkError),
}

/// How many replications to run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Until {
    /// Exactly this many.
    Replications(u64),
    /// Until the headline metrics reach a precision ([`precision`]).
    Precision(PrecisionTarget),
}

/// What [`run_experiment_with`] produced.
#[derive(Debug, Clone)]
pub struct Finished {
    /// The reduced results.
    pub result: ExperimentResult,
    /// What the precision algorithm decided, when it ran.
    pub precision: Option<PrecisionOutcome>,
}

/// Replications per thread in a batch. A batch's outputs are held until it
/// is reduced, and the threads wait for its slowest replication; larger
/// batches wait less often. When running to a precision, replications run
/// beyond the stopping point are thrown away: at most one batch.
pub(crate) const BATCH_PER_THREAD: u64 = 8;

/// Runs every arm for `options.replications` replications on the current
/// rayon pool. `progress(done, total)` is called as arm-replications
/// finish; setting `cancel` stops the experiment within a few thousand
/// events of every running job.
pub fn run_experiment(
    loaded: &LoadedScenario,
    options: RunOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
    cancel: &AtomicBool,
) -> Result<ExperimentResult, Cancelled> {
    match run_experiment_with(
        loaded,
        options,
        Until::Replications(options.replications),
        progress,
        cancel,
        &mut Discard,
    ) {
        Ok(done) => Ok(done.result),
        Err(RunError::Cancelled(c)) => Err(c),
        Err(RunError::Sink(_)) => unreachable!("Discard never fails"),
    }
}

/// Runs replications in batches until `until` is met, handing each
/// replication (all arms) to `sink` and then to the reduction, in
/// replication order. `options.replications` is ignored with
/// [`Until::Precision`].
pub fn run_experiment_with(
    loaded: &LoadedScenario,
    options: RunOptions,
    until: Until,
    progress: &(dyn Fn(usize, usize) + Sync),
    cancel: &AtomicBool,
    sink: &mut dyn ReplicationSink,
) -> Result<Finished, RunError> {
    run_from(loaded, options, 0, until, progress, cancel, sink)
}

/// Replications `replications` (a block of a run split across machines,
/// [`crate::distributed`]) of every arm, exactly as [`run_experiment_with`]
/// runs them within a whole run, reduced into a result whose
/// `first_replication` is the block's start: blocks merged in order with
/// [`ExperimentResult::merge`] equal the whole run.
pub fn run_replications(
    loaded: &LoadedScenario,
    options: RunOptions,
    replications: std::ops::Range<u64>,
    progress: &(dyn Fn(usize, usize) + Sync),
    cancel: &AtomicBool,
    sink: &mut dyn ReplicationSink,
) -> Result<ExperimentResult, RunError> {
    let n = replications.end.saturating_sub(replications.start);
    run_from(loaded, options, replications.start, Until::Replications(n), progress, cancel, sink).map(|f| f.result)
}

/// [`run_experiment_with`] from replication `first` on.
fn run_from(
    loaded: &LoadedScenario,
    options: RunOptions,
    first: u64,
    until: Until,
    progress: &(dyn Fn(usize, usize) + Sync),
    cancel: &AtomicBool,
    sink: &mut dyn ReplicationSink,
) -> Result<Finished, RunError> {
    let (count, mut tracker) = match until {
        Until::Replications(n) => (n, None),
        Until::Precision(target) => (target.max_replications, Some(precision::Tracker::new(target))),
    };
    let limit = first + count;
    let arms = loaded.arms.len();
    let total = arms * count as usize;
    let done = AtomicUsize::new(0);
    let cancelled = || Cancelled {
        done: done.load(Ordering::Relaxed),
        total,
    };
    let on_arm_done = || progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
    let batch = BATCH_PER_THREAD * rayon::current_num_threads() as u64;
    let blockers = arm_starts(loaded);
    let arenas = Arc::new(ArenaPool::new());
    let run = RunArms {
        loaded,
        blockers: &blockers,
        arenas: &arenas,
    };
    let mut reducer = Reducer::new(loaded, first);
    let mut next = first;
    while next < limit {
        let end = (next + batch).min(limit);
        let outputs = replications_in_parallel(run, options, next..end, cancel, &on_arm_done);
        if cancel.load(Ordering::Relaxed) {
            return Err(cancelled().into());
        }
        for (r, out) in (next..end).zip(outputs) {
            let out = out.ok_or_else(cancelled)?;
            sink.replication(r, &out).map_err(RunError::Sink)?;
            reducer
                .add_replication(r, out)
                .unwrap_or_else(|e| unreachable!("replications are reduced in order: {e}"));
            if let Some(outcome) = tracker.as_mut().and_then(|t| t.update(reducer.result())) {
                return Ok(Finished {
                    result: reducer.finish(),
                    precision: Some(outcome),
                });
            }
        }
        next = end;
    }
    Ok(Finished {
        result: reducer.finish(),
        precision: None,
    })
}

/// Replication `r` of every arm, exactly as [`run_experiment_with`] runs
/// it (the counterfactual's warm state shared, the same random numbers),
/// for a front end that must hand control back between replications and
/// folds them into a [`Reducer`] itself: the what-if page runs on one
/// browser thread and shows an answer after each replication. `None` when
/// `cancel` is set.
pub fn run_one_replication(loaded: &LoadedScenario, options: RunOptions, r: u64, cancel: &AtomicBool) -> Option<Vec<ReplicationOutput>> {
    let run = RunArms {
        loaded,
        blockers: &arm_starts(loaded),
        arenas: &Arc::new(ArenaPool::new()),
    };
    replication(run, options, r, rayon::current_num_threads() > 1, cancel, &|| {})
}

/// The producer: replication `r` of every arm, with the same random
/// numbers (`None` when cancelled). `on_arm_done` is called as each arm
/// finishes.
///
/// The counterfactual warms up once and every arm is launched from that
/// warm state ([`crate::model::WarmState`]); an arm with a `blockers`
/// entry (see [`arm_starts`]) runs its own warm-up instead.
///
/// With `arms_in_parallel` the arms run in parallel too, so that a batch
/// of fewer replications than threads still uses every thread. Otherwise
/// they run one after another: there is a replication for every thread,
/// and a thread that waited on its own arms would steal another
/// replication meanwhile and start a second warm state (a whole model of
/// the list) on top of the first; nested that way, 1,000 replications of
/// the default peaked at 1.47× the memory of 10 (issue #12).
pub(crate) fn replication(
    run: RunArms,
    options: RunOptions,
    r: u64,
    arms_in_parallel: bool,
    cancel: &AtomicBool,
    on_arm_done: &(dyn Fn() + Sync),
) -> Option<Vec<ReplicationOutput>> {
    if cancel.load(Ordering::Relaxed) {
        return None;
    }
    let arms = &run.loaded.arms;
    let warm = WarmState::new(&arms[0].scenario, options.seed, r, options.journeys, run.arenas, cancel)?;
    let run_arm = |a: usize| {
        let out = arm_of(run, &warm, options, r, a, cancel)?;
        on_arm_done();
        Some(out)
    };
    let outs = if arms_in_parallel {
        (0..arms.len())
            .into_par_iter()
            .map(run_arm)
            .collect::<Option<Vec<ReplicationOutput>>>()?
    } else {
        (0..arms.len()).map(run_arm).collect::<Option<Vec<ReplicationOutput>>>()?
    };
    Some(with_warm_up_events(outs, warm.events()))
}

/// A replication's arm outputs with its shared warm-up's `events` counted
/// once, with the counterfactual's (the arms count only their own).
fn with_warm_up_events(mut outs: Vec<ReplicationOutput>, events: u64) -> Vec<ReplicationOutput> {
    outs[0].events += events;
    outs
}

/// Arm `a` of replication `r`: launched from `warm` (the counterfactual's
/// warm state of that replication), or with its own warm-up when
/// `blockers` says it cannot start from it. `None` when cancelled.
fn arm_of<'s>(
    run: RunArms<'s>,
    warm: &WarmState<'s>,
    options: RunOptions,
    r: u64,
    a: usize,
    cancel: &AtomicBool,
) -> Option<ReplicationOutput> {
    let arm = &run.loaded.arms[a].scenario;
    match run.blockers[a] {
        None => warm.run_arm(arm, cancel),
        Some(_) => run_replication_cancellable(arm, options.seed, r, options.journeys, cancel),
    }
}

/// Replications `reps` of every arm, exactly as [`replication`] runs each,
/// in parallel over replications *and* arms (`None` for a replication when
/// cancelled): each replication's warm-up is a task that, once warm,
/// spawns its arms as tasks of their own.
///
/// A worker runs the arms it spawned first (rayon takes a worker's own
/// tasks last in, first out), and an idle worker steals the oldest task,
/// which is another replication's warm-up while any is left. So each
/// worker holds about one warm state at a time, as with whole replications
/// per task. But at the end of a batch an idle worker takes single arms
/// instead of waiting for a whole replication to finish elsewhere: with
/// whole replications per task, one of two workers sat idle for about a
/// replication (16% of the experiment's span in one `perf` sample).
fn replications_in_parallel(
    run: RunArms,
    options: RunOptions,
    reps: std::ops::Range<u64>,
    cancel: &AtomicBool,
    on_arm_done: &(dyn Fn() + Sync),
) -> Vec<Option<Vec<ReplicationOutput>>> {
    let arms = run.loaded.arms.len();
    let slots: Vec<Mutex<Vec<Option<ReplicationOutput>>>> = reps.clone().map(|_| Mutex::new((0..arms).map(|_| None).collect())).collect();
    let warm_events: Vec<AtomicU64> = reps.clone().map(|_| AtomicU64::new(0)).collect();
    let keep = |i: usize, a: usize, out: Option<ReplicationOutput>| {
        if out.is_some() {
            on_arm_done();
        }
        slots[i].lock().unwrap_or_else(|e| e.into_inner())[a] = out;
    };
    rayon::scope(|s| {
        for (i, r) in reps.enumerate() {
            let (keep, warm_events) = (&keep, &warm_events);
            s.spawn(move |s| {
                if cancel.load(Ordering::Relaxed) {
                    return;
                }
                let Some(warm) = WarmState::new(&run.loaded.arms[0].scenario, options.seed, r, options.journeys, run.arenas, cancel) else {
                    return;
                };
                warm_events[i].store(warm.events(), Ordering::Relaxed);
                let warm = Arc::new(warm);
                for a in 0..arms {
                    let warm = Arc::clone(&warm);
                    s.spawn(move |_| keep(i, a, arm_of(run, &warm, options, r, a, cancel)));
                }
            });
        }
    });
    slots
        .into_iter()
        .zip(warm_events)
        .map(|(slot, events)| {
            let outs: Vec<ReplicationOutput> = slot
                .into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .into_iter()
                .collect::<Option<_>>()?;
            Some(with_warm_up_events(outs, events.into_inner()))
        })
        .collect()
}

/// One scenario's run as each replication sees it: the arms, which of
/// them warm up on their own ([`arm_starts`]), and the run's pool of
/// episode-arena buffers, handed from arm to arm.
#[derive(Clone, Copy)]
pub(crate) struct RunArms<'a> {
    /// The scenario and its arms.
    pub(crate) loaded: &'a LoadedScenario,
    /// Per arm, why it cannot start from the counterfactual's warm state.
    pub(crate) blockers: &'a [Option<&'static str>],
    /// Shared by every replication of the run.
    pub(crate) arenas: &'a Arc<ArenaPool>,
}

/// Per arm, why it runs its own warm-up instead of starting from the
/// counterfactual's warm state (`None`: it starts from it; always `None`
/// for the counterfactual).
pub fn arm_starts(loaded: &LoadedScenario) -> Vec<Option<&'static str>> {
    let counterfactual = &loaded.arms[0].scenario;
    loaded.arms.iter().map(|arm| fork_blocker(counterfactual, &arm.scenario)).collect()
}

//! Reducing replications as they finish: each replication's outputs (all
//! arms) are folded into an [`ExperimentResult`] in replication order and
//! then dropped, so memory does not grow with the weekly series or the
//! journeys of finished replications.
//!
//! Results merge: a run split into consecutive blocks of replications,
//! each reduced on its own (another thread, another machine) and merged in
//! block order with [`ExperimentResult::merge`], is identical to one pass.

use super::paired::{self, Prices};
use super::weekly::WeeklySummary;
use super::{ArmResult, ExperimentResult};
use crate::model::{Conservation, ReplicationOutput};
use crate::scenario::load::LoadedScenario;

/// Why replications or partial results could not be folded in. The result
/// is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    /// Replications must follow each other without gaps or repeats.
    #[error("replication {found} given where replication {expected} comes next")]
    OutOfOrder {
        /// The replication that comes next.
        expected: u64,
        /// The one given.
        found: u64,
    },
    /// Every replication carries every arm, in the scenario's order.
    #[error("{found} arms given where the experiment has {expected}")]
    Arms {
        /// Arms of the experiment.
        expected: usize,
        /// Arms given.
        found: usize,
    },
    /// The two results are of different scenarios (arms or metrics differ).
    #[error("arm {arm}: the results to merge have different arms or metrics")]
    Shape {
        /// The arm that differs.
        arm: String,
    },
}

/// Folds replications, all arms at a time, into an [`ExperimentResult`].
///
/// Call [`Reducer::add_replication`] with `r = first, first + 1, …`; each
/// call keeps the replication's metric values (and computes its paired
/// metrics against the counterfactual, arm 0), adds its weekly series to
/// the per-week accumulators and drops the rest.
#[derive(Debug, Clone)]
pub struct Reducer {
    prices: Prices,
    result: ExperimentResult,
}

impl Reducer {
    /// An empty reduction of `loaded`'s arms whose first replication will
    /// be `first_replication` (0 for a whole run; a shard's start).
    pub fn new(loaded: &LoadedScenario, first_replication: u64) -> Reducer {
        let arms = loaded
            .arms
            .iter()
            .map(|arm| ArmResult {
                name: arm.name.clone(),
                description: arm.description.clone(),
                metric_names: Vec::new(),
                values: Vec::new(),
                weekly: WeeklySummary::new(),
            })
            .collect();
        Reducer {
            prices: Prices::of(loaded),
            result: ExperimentResult {
                arms,
                events: 0,
                conservation: Conservation {
                    created: 0,
                    resolved: 0,
                    unmet: 0,
                    open: 0,
                },
                first_replication,
            },
        }
    }

    /// Folds in replication `r`: `outputs[a]` is arm `a`'s output, arm 0
    /// the counterfactual. Fails, changing nothing, when `r` is not the
    /// next replication or an arm is missing.
    pub fn add_replication(&mut self, r: u64, outputs: Vec<ReplicationOutput>) -> Result<(), MergeError> {
        let expected = self.result.next_replication();
        if r != expected {
            return Err(MergeError::OutOfOrder { expected, found: r });
        }
        if outputs.len() != self.result.arms.len() {
            return Err(MergeError::Arms {
                expected: self.result.arms.len(),
                found: outputs.len(),
            });
        }
        let counterfactual = &outputs[0];
        for (arm, out) in self.result.arms.iter_mut().zip(&outputs) {
            if arm.metric_names.is_empty() {
                arm.metric_names = paired::names(out);
            }
            arm.values.push(paired::row(out, counterfactual, &self.prices));
            arm.weekly.add(&out.weekly);
        }
        for out in &outputs {
            self.result.events += out.events;
            add_conservation(&mut self.result.conservation, &out.conservation);
        }
        Ok(())
    }

    /// The replications folded in so far.
    pub fn result(&self) -> &ExperimentResult {
        &self.result
    }

    /// The reduced result.
    pub fn finish(self) -> ExperimentResult {
        self.result
    }
}

/// Adds `c`'s episode counts to `total`.
pub(crate) fn add_conservation(total: &mut Conservation, c: &Conservation) {
    total.created += c.created;
    total.resolved += c.resolved;
    total.unmet += c.unmet;
    total.open += c.open;
}

impl ExperimentResult {
    /// Replications held.
    pub fn replications(&self) -> u64 {
        self.arms.first().map_or(0, |a| a.values.len() as u64)
    }

    /// The replication that would come next: first + held.
    pub fn next_replication(&self) -> u64 {
        self.first_replication + self.replications()
    }

    /// Appends `other`, whose replications must start where this result's
    /// end, as if they had been reduced here. An empty side takes the
    /// other's place. Fails, changing nothing, when the replications do
    /// not follow on or the arms or metrics differ.
    pub fn merge(&mut self, other: ExperimentResult) -> Result<(), MergeError> {
        if other.replications() == 0 {
            return Ok(());
        }
        if self.replications() == 0 && self.arms.len() == other.arms.len() {
            *self = other;
            return Ok(());
        }
        let expected = self.next_replication();
        if other.first_replication != expected {
            return Err(MergeError::OutOfOrder {
                expected,
                found: other.first_replication,
            });
        }
        if other.arms.len() != self.arms.len() {
            return Err(MergeError::Arms {
                expected: self.arms.len(),
                found: other.arms.len(),
            });
        }
        for (mine, theirs) in self.arms.iter().zip(&other.arms) {
            if mine.name != theirs.name || mine.metric_names != theirs.metric_names {
                return Err(MergeError::Shape { arm: theirs.name.clone() });
            }
        }
        for (mine, theirs) in self.arms.iter_mut().zip(other.arms) {
            mine.values.extend(theirs.values);
            mine.weekly.merge(&theirs.weekly);
        }
        self.events += other.events;
        add_conservation(&mut self.conservation, &other.conservation);
        Ok(())
    }
}

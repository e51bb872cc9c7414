//! Merging the parts of a plan, one at a time in unit order, into the files
//! the single-machine command writes. Memory holds the running reduction
//! (what `signpost run` itself keeps: each replication's metric values
//! and the weekly quantiles) and one part, never every part.

use super::part::{Header, Part, Payload};
use super::plan::{Loaded, Plan, Work};
use super::DistError;
use crate::experiment::warmup::WarmupDiagnostic;
use crate::experiment::{ExperimentResult, Reducer, RunOptions};
use crate::output::ResultFile;
use crate::portfolio::rollup::roll_up;
use crate::portfolio::PortfolioResult;
use crate::psa::runner::DrawResult;
use crate::report::tables::RunFacts;
use crate::report::terminal::warmup_warning;

/// Facts about the merge that the files report as run facts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MergeFacts {
    /// Worker threads \[threads\].
    pub threads: usize,
    /// Wall-clock time \[seconds\].
    pub wall_seconds: f64,
}

/// What a merge produced.
#[derive(Debug, Clone)]
pub struct Merged {
    /// The files the single-machine command writes, in its order.
    pub files: Vec<ResultFile>,
    /// Warm-up warnings, one line each (`name: warning`), as `run` prints.
    pub warnings: Vec<String>,
    /// Events simulated over all units.
    pub events: u64,
}

/// The running reduction of a plan's parts.
#[derive(Debug)]
pub struct Merger<'a> {
    plan: &'a Plan,
    loaded: &'a Loaded,
    next: usize,
    results: Vec<ExperimentResult>,
    warmups: Vec<Option<WarmupDiagnostic>>,
    draws: Vec<DrawResult>,
}

fn refuse(unit: usize, message: impl std::fmt::Display) -> DistError {
    DistError::Part(format!("unit {unit}: {message}"))
}

impl<'a> Merger<'a> {
    /// Nothing merged yet.
    pub fn new(plan: &'a Plan, loaded: &'a Loaded) -> Merger<'a> {
        let scenarios = match loaded {
            Loaded::Portfolio(p) => p.pcns.len(),
            _ => 1,
        };
        let results = (0..scenarios).map(|i| Reducer::new(loaded.scenario(i), 0).finish()).collect();
        Merger {
            plan,
            loaded,
            next: 0,
            results,
            warmups: vec![None; scenarios],
            draws: Vec::new(),
        }
    }

    /// The unit whose part comes next, if any.
    pub fn next_unit(&self) -> Option<usize> {
        (self.next < self.plan.units.len()).then_some(self.next)
    }

    /// Folds in the next unit's part. Fails, changing nothing, when the
    /// part is of another plan or unit, or does not hold what its unit
    /// computes.
    pub fn add(&mut self, part: Part) -> Result<(), DistError> {
        let Some(unit) = self.plan.units.get(self.next) else {
            return Err(refuse(part.unit, "the plan has no more units"));
        };
        if part.plan_id != self.plan.id {
            return Err(refuse(part.unit, format!("a part of another plan ({})", &part.plan_id[..12])));
        }
        if part.unit != unit.id {
            return Err(refuse(part.unit, format!("given where unit {} comes next", unit.id)));
        }
        match (unit.work, part.payload) {
            (Work::Warmup, Payload::Warmup(d)) => self.warmups[unit.scenario] = Some(d),
            (Work::Replications, Payload::Replications(r)) => {
                let names: Vec<&str> = r.arms.iter().map(|a| a.name.as_str()).collect();
                if r.first_replication != unit.first || r.replications() != unit.end - unit.first || names != unit.arms {
                    return Err(refuse(
                        unit.id,
                        format!(
                            "holds replications {}..{} of arms {names:?}, the plan says {}..{} of {:?}",
                            r.first_replication,
                            r.next_replication(),
                            unit.first,
                            unit.end,
                            unit.arms
                        ),
                    ));
                }
                self.results[unit.scenario].merge(r).map_err(|e| refuse(unit.id, e))?;
            }
            (Work::Draws, Payload::Draws(d)) => {
                let expected: Vec<usize> = (unit.first as usize..unit.end as usize).collect();
                if d.iter().map(|x| x.draw).collect::<Vec<_>>() != expected {
                    return Err(refuse(unit.id, format!("does not hold draws {}..{}", unit.first, unit.end)));
                }
                self.draws.extend(d);
            }
            _ => return Err(refuse(unit.id, "holds another kind of result than its unit computes")),
        }
        self.next += 1;
        Ok(())
    }

    /// The files, once every part is in (on the current rayon pool: a PSA
    /// is analysed here). With `charts`, also `charts/` and `report.html`.
    pub fn finish(self, facts: MergeFacts, charts: bool) -> Result<Merged, DistError> {
        if let Some(u) = self.next_unit() {
            return Err(DistError::Part(format!("unit {u}: missing")));
        }
        let failed = |e: &dyn std::fmt::Display| DistError::Failed(format!("writing results: {e}"));
        let warmup = |i: usize| {
            self.warmups[i]
                .clone()
                .ok_or_else(|| DistError::Plan(format!("the plan has no warm-up unit for scenario {i}")))
        };
        let settings = &self.plan.settings;
        match self.loaded {
            Loaded::Run { loaded, source } => {
                let diagnostic = warmup(0)?;
                let result = &self.results[0];
                let options = RunOptions {
                    replications: settings.replications,
                    seed: settings.seed,
                    journeys: 0,
                };
                let run_facts = RunFacts {
                    threads: facts.threads,
                    wall_seconds: facts.wall_seconds,
                    source,
                    warmup: Some(&diagnostic),
                    precision: None,
                };
                let files = crate::report::files::run_files(result, loaded, options, &run_facts, charts).map_err(|e| failed(&e))?;
                let warnings = warmup_warning(&diagnostic)
                    .map(|w| format!("{}: {w}", loaded.name()))
                    .into_iter()
                    .collect();
                Ok(Merged {
                    files,
                    warnings,
                    events: result.events,
                })
            }
            Loaded::Portfolio(portfolio) => {
                let warmups: Vec<WarmupDiagnostic> = (0..portfolio.pcns.len()).map(warmup).collect::<Result<_, _>>()?;
                let weights: Vec<f64> = portfolio.pcns.iter().map(|p| p.list_size() as f64).collect();
                let icb = roll_up(&self.results, &weights);
                let result = PortfolioResult { pcns: self.results, icb };
                let portfolio_facts = crate::report::portfolio::PortfolioFacts {
                    threads: facts.threads,
                    wall_seconds: facts.wall_seconds,
                    replications: settings.replications,
                };
                let files = crate::report::portfolio::portfolio_files(portfolio, &result, &portfolio_facts, &warmups, charts)
                    .map_err(|e| failed(&e))?;
                let warnings = portfolio
                    .pcns
                    .iter()
                    .zip(&warmups)
                    .filter_map(|(p, d)| warmup_warning(d).map(|w| format!("{}: {w}", p.name())))
                    .collect();
                Ok(Merged {
                    files,
                    warnings,
                    events: result.icb.events,
                })
            }
            Loaded::Psa(psa) => {
                let options = super::unit::psa_options(self.plan)?;
                let run =
                    crate::psa::runner::assemble(psa, options, self.draws).map_err(|e| DistError::Plan(format!("{}: {e}", psa.label)))?;
                let analysis = crate::psa::analyse(psa, &run, options.seed).map_err(|e| failed(&e))?;
                let psa_facts = crate::psa::files::PsaFacts {
                    threads: facts.threads,
                    wall_seconds: facts.wall_seconds,
                };
                let files = crate::psa::files::psa_files(psa, &run, &analysis, psa_facts, charts).map_err(|e| failed(&e))?;
                Ok(Merged {
                    files,
                    warnings: Vec::new(),
                    events: run.events,
                })
            }
        }
    }
}

/// A part found for a merge, before it is read whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// What to call it in messages (its path, or its position in a list).
    pub label: String,
    /// Its header.
    pub header: Header,
    /// Its size \[bytes\].
    pub bytes: u64,
}

/// Checks that `found` holds every unit of `plan` exactly once, each of
/// this plan and of the size its header gives; the order in which to
/// merge them (indices into `found`, by unit). `stale` lists temporary
/// files left by killed units, named in the message about a missing unit.
/// The error names the part or the units.
pub fn inventory(plan: &Plan, found: &[Found], stale: &[String], place: &str) -> Result<Vec<usize>, DistError> {
    let here = |f: &Found, m: String| DistError::Part(format!("{}: {m}", f.label));
    let mut by_unit: Vec<Option<usize>> = vec![None; plan.units.len()];
    for (i, f) in found.iter().enumerate() {
        let h = &f.header;
        if h.plan_id != plan.id {
            return Err(here(
                f,
                format!(
                    "a part of another plan ({}…), not of {} ({}…)",
                    &h.plan_id[..12],
                    plan.settings.name,
                    &plan.id[..12]
                ),
            ));
        }
        let Some(slot) = by_unit.get_mut(h.unit) else {
            return Err(here(f, format!("unit {} is not in the plan ({} units)", h.unit, plan.units.len())));
        };
        if let Some(other) = slot {
            return Err(DistError::Part(format!(
                "unit {} given twice: {} and {}",
                h.unit, found[*other].label, f.label
            )));
        }
        *slot = Some(i);
    }
    let missing: Vec<usize> = (0..plan.units.len()).filter(|&u| by_unit[u].is_none()).collect();
    if let Some(&first) = missing.first() {
        let prefix = format!(".{}", super::files::part_name(first));
        let note = match stale.iter().find(|t| t.starts_with(&prefix)) {
            Some(t) => format!(" (only a stale temporary file {t} from a unit that was killed: run unit {first} again)"),
            None => String::new(),
        };
        let list = if missing.len() > 1 {
            format!("units {} missing ({} of {})", ranges(&missing), missing.len(), plan.units.len())
        } else {
            format!("unit {first} missing")
        };
        return Err(DistError::Part(format!("{place}: {list}{note}")));
    }
    let order: Vec<usize> = by_unit.into_iter().flatten().collect();
    for &i in &order {
        let f = &found[i];
        if f.bytes != f.header.total_bytes {
            return Err(here(
                f,
                format!(
                    "truncated or padded part: {} bytes where its header says {}",
                    f.bytes, f.header.total_bytes
                ),
            ));
        }
    }
    Ok(order)
}

/// `0-3,7,9-12`: sorted units in ranges.
fn ranges(units: &[usize]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < units.len() {
        let mut j = i;
        while j + 1 < units.len() && units[j + 1] == units[j] + 1 {
            j += 1;
        }
        out.push(if i == j {
            units[i].to_string()
        } else {
            format!("{}-{}", units[i], units[j])
        });
        i = j + 1;
    }
    out.join(",")
}

/// Merges parts held in memory (Spark collects them as binary values), in
/// any order: checked as [`inventory`] checks a directory, then merged in
/// unit order.
pub fn merge_parts(plan: &Plan, loaded: &Loaded, parts: &[&[u8]], facts: MergeFacts, charts: bool) -> Result<Merged, DistError> {
    let found: Vec<Found> = parts
        .iter()
        .enumerate()
        .map(|(i, bytes)| {
            let label = format!("part {i} of {}", parts.len());
            super::part::read_header(bytes)
                .map(|header| Found {
                    label: label.clone(),
                    header,
                    bytes: bytes.len() as u64,
                })
                .map_err(|e| DistError::Part(format!("{label}: {e}")))
        })
        .collect::<Result<_, _>>()?;
    let order = inventory(plan, &found, &[], "the parts given")?;
    let mut merger = Merger::new(plan, loaded);
    for i in order {
        let part = Part::from_bytes(parts[i]).map_err(|e| DistError::Part(format!("{}: {e}", found[i].label)))?;
        merger.add(part).map_err(|e| DistError::Part(format!("{}: {e}", found[i].label)))?;
    }
    merger.finish(facts, charts)
}

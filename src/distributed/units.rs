//! The unit table, `units.tsv`: one line per unit of a plan, tab-separated,
//! header first (columns in [`UNITS_HEADER`]).

use super::plan::{PlanKind, UNITS_FILE};
use super::DistError;

fn bad(message: impl Into<String>) -> DistError {
    DistError::Plan(message.into())
}

/// The header of [`UNITS_FILE`].
pub const UNITS_HEADER: &str = "unit_id\tscenario_sha256\tsignpost_version\tarms\tpcn\twork\tfirst\tend\tseed";

/// What a unit computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    /// The warm-up diagnostic of a scenario's counterfactual, as `run`
    /// checks before it starts (its `run.json` reports it).
    Warmup,
    /// Replications `first..end` of every arm.
    Replications,
    /// PSA draws `first..end`.
    Draws,
}

impl Work {
    /// Its name in the table.
    pub fn name(self) -> &'static str {
        match self {
            Work::Warmup => "warmup",
            Work::Replications => "replications",
            Work::Draws => "draws",
        }
    }
}

/// One line of [`UNITS_FILE`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// Its index, 0-based: the Slurm array index.
    pub id: usize,
    /// SHA-256 of the resolved scenario it runs (hex).
    pub scenario_sha256: String,
    /// The signpost version of the plan.
    pub signpost_version: String,
    /// Arm names, the counterfactual first.
    pub arms: Vec<String>,
    /// Index of its PCN in a portfolio (0 otherwise).
    pub scenario: usize,
    /// Its PCN's name in a portfolio.
    pub pcn: Option<String>,
    /// What it computes.
    pub work: Work,
    /// First replication or draw.
    pub first: u64,
    /// One past the last.
    pub end: u64,
    /// Master seed of its scenario (a PCN's derived seed).
    pub seed: u64,
}

pub(super) fn units_tsv(units: &[Unit]) -> String {
    let mut out = format!("{UNITS_HEADER}\n");
    for u in units {
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            u.id,
            u.scenario_sha256,
            u.signpost_version,
            u.arms.join(","),
            u.pcn.as_deref().unwrap_or("-"),
            u.work.name(),
            u.first,
            u.end,
            u.seed
        ));
    }
    out
}

/// Parses [`UNITS_FILE`]; `scenario` indices come from `pcns` (the PCN
/// names in order) for a portfolio.
pub(super) fn parse_units(text: &str, kind: PlanKind, pcns: &[String]) -> Result<Vec<Unit>, DistError> {
    let mut lines = text.lines();
    if lines.next() != Some(UNITS_HEADER) {
        return Err(bad(format!("{UNITS_FILE}: line 1: not the header `{UNITS_HEADER}`")));
    }
    let mut units = Vec::new();
    for (n, line) in lines.enumerate() {
        let at = |m: &str| bad(format!("{UNITS_FILE}: line {}: {m}", n + 2));
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() != 9 {
            return Err(at(&format!("{} fields where the header has 9", f.len())));
        }
        let number = |i: usize, what: &str| {
            f[i].parse::<u64>()
                .map_err(|_| at(&format!("{what}: not a whole number: {:?}", f[i])))
        };
        let id = number(0, "unit_id")? as usize;
        if id != units.len() {
            return Err(at(&format!("unit_id {id} where {} comes next", units.len())));
        }
        let work = match f[5] {
            "warmup" => Work::Warmup,
            "replications" => Work::Replications,
            "draws" => Work::Draws,
            other => return Err(at(&format!("work: unknown `{other}`"))),
        };
        let pcn = (f[4] != "-").then(|| f[4].to_string());
        let scenario = match (kind, &pcn) {
            (PlanKind::Portfolio, Some(name)) => pcns
                .iter()
                .position(|p| p == name)
                .ok_or_else(|| at(&format!("pcn `{name}` is not in the portfolio")))?,
            (PlanKind::Portfolio, None) => return Err(at("pcn: missing in a portfolio plan")),
            _ => 0,
        };
        let (first, end) = (number(6, "first")?, number(7, "end")?);
        if end < first {
            return Err(at("end before first"));
        }
        units.push(Unit {
            id,
            scenario_sha256: f[1].to_string(),
            signpost_version: f[2].to_string(),
            arms: f[3].split(',').map(str::to_string).collect(),
            scenario,
            pcn,
            work,
            first,
            end,
            seed: number(8, "seed")?,
        });
    }
    if units.is_empty() {
        return Err(bad(format!("{UNITS_FILE}: no units")));
    }
    Ok(units)
}

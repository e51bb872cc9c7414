//! A plan: the work of one `signpost run`, portfolio run or `psa` cut into
//! units, with everything a unit needs to run anywhere — the scenario
//! sources, the master seed and each unit's replication or draw range —
//! as a few text files ([`Plan::files`]; read back with
//! [`Plan::from_files`]). No I/O here.
//!
//! Seeds never depend on the unit: replication `r` of a scenario runs with
//! `stream_rng(seed, r, stream)` whichever unit holds it (a portfolio PCN's
//! seed is [`crate::portfolio::pcn_seed`] of the master seed, a PSA draw
//! `d` runs with seed + d), so the cut changes no number.

use super::units::{parse_units, units_tsv};
pub use super::units::{Unit, Work, UNITS_HEADER};
use super::DistError;
use crate::output::ResultFile;
use crate::portfolio::{self, Portfolio};
use crate::scenario::load::{self, hex_sha256, LoadedScenario};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Version of the plan's file layout; a plan of another is refused.
pub const PLAN_FORMAT: u32 = 1;

/// The version of this build, which every plan and part must match.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The plan's settings file.
pub const SETTINGS_FILE: &str = "plan.json";

/// The plan's unit table: one line per unit.
pub const UNITS_FILE: &str = "units.tsv";

/// The first bytes of a plan bundle ([`Plan::to_bundle`]).
pub const BUNDLE_MAGIC: &[u8; 8] = b"SPPLAN\r\n";

/// What is being distributed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PlanKind {
    /// `signpost run SCENARIO`.
    Run,
    /// `signpost run PORTFOLIO`.
    Portfolio,
    /// `signpost psa SCENARIO`.
    Psa,
}

/// The PSA's own settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PsaSettings {
    /// Parameter draws.
    pub draws: usize,
    /// Replications per arm within each draw.
    pub reps_per_draw: u64,
    /// Willingness-to-pay grid as given (`None`: the scenario's)
    /// \[GBP per GP appointment freed\].
    pub wtp: Option<Vec<f64>>,
}

/// A scenario file of the plan: where its source is kept in the plan
/// directory and the label it is loaded under (its path when planned, so
/// the results name the same file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioFile {
    /// Path of the source text inside the plan directory.
    pub source: String,
    /// Path of the resolved scenario (for reading; not loaded), if any.
    pub resolved: Option<String>,
    /// The label it is loaded under.
    pub label: String,
}

/// `plan.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// [`PLAN_FORMAT`].
    pub format: u32,
    /// What runs.
    pub kind: PlanKind,
    /// The signpost version that made the plan.
    pub signpost_version: String,
    /// Name of the scenario or portfolio.
    pub name: String,
    /// Master seed.
    pub seed: u64,
    /// Replications per arm (per PCN for a portfolio); for a PSA, per draw.
    pub replications: u64,
    /// Replications (PSA: draws) per unit.
    pub unit_reps: u64,
    /// A PSA's settings.
    pub psa: Option<PsaSettings>,
    /// The scenario files: the scenario, or the portfolio file then its
    /// PCNs in order.
    pub scenarios: Vec<ScenarioFile>,
}

/// A plan: its settings, units and scenario sources, and its identity.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// `plan.json`.
    pub settings: Settings,
    /// The units, in merge order.
    pub units: Vec<Unit>,
    /// Each scenario file's text, in `settings.scenarios` order.
    pub sources: Vec<String>,
    /// SHA-256 of the plan's files (hex): every part carries it.
    pub id: String,
    files: Vec<ResultFile>,
}

/// The scenario a plan is made of.
#[derive(Debug, Clone)]
pub enum Input {
    /// A scenario file: its label (path) and text.
    Scenario {
        /// Its path.
        label: String,
        /// Its text.
        text: String,
    },
    /// A portfolio file and its PCN files (labels and texts, in its order).
    Portfolio {
        /// The portfolio file's path.
        label: String,
        /// Its text.
        text: String,
        /// Each PCN file's path, as the portfolio names them.
        pcn_labels: Vec<String>,
        /// Each PCN file's text.
        pcn_texts: Vec<String>,
    },
}

impl From<crate::portfolio::spec::PortfolioFiles> for Input {
    fn from(files: crate::portfolio::spec::PortfolioFiles) -> Self {
        Input::Portfolio {
            label: files.label,
            text: files.text,
            pcn_labels: files.pcn_labels,
            pcn_texts: files.pcn_texts,
        }
    }
}

/// How to cut the work.
#[derive(Debug, Clone)]
pub struct PlanRequest {
    /// The scenario or portfolio.
    pub input: Input,
    /// Replications per arm (else the scenario's); not for a PSA.
    pub replications: Option<u64>,
    /// Master seed (else the scenario's).
    pub seed: Option<u64>,
    /// Replications (PSA: draws) per unit, at least 1.
    pub unit_reps: u64,
    /// Run a PSA instead of the arms.
    pub psa: Option<PsaSettings>,
}

/// The scenarios of a plan, loaded by this build and checked against it.
#[derive(Debug, Clone)]
pub enum Loaded {
    /// A scenario run, with its source text (for `run.json`'s assumptions).
    Run {
        /// The scenario.
        loaded: Box<LoadedScenario>,
        /// Its source text.
        source: String,
    },
    /// A portfolio.
    Portfolio(Box<Portfolio>),
    /// A PSA.
    Psa(Box<crate::psa::Plan>),
}

impl Loaded {
    /// The scenario unit `unit.scenario` runs.
    pub fn scenario(&self, index: usize) -> &LoadedScenario {
        match self {
            Loaded::Run { loaded, .. } => loaded,
            Loaded::Portfolio(p) => &p.pcns[index].loaded,
            Loaded::Psa(p) => &p.loaded,
        }
    }
}

fn bad(message: impl Into<String>) -> DistError {
    DistError::Plan(message.into())
}

/// Cuts `request` into units: for a run, one warm-up diagnostic and then
/// blocks of `unit_reps` replications; for a portfolio the same for each
/// PCN in turn; for a PSA, blocks of `unit_reps` draws.
pub fn plan(request: &PlanRequest) -> Result<Plan, DistError> {
    let unit_reps = request.unit_reps;
    if unit_reps == 0 {
        return Err(bad("--unit-reps: must be at least 1"));
    }
    let limit = |n: u64| crate::limits::replications(n).map_err(|e| bad(format!("--reps: {e}")));
    let blocks = |n: u64| (0..n.div_ceil(unit_reps)).map(move |b| (b * unit_reps, ((b + 1) * unit_reps).min(n)));
    let (settings, sources) = match (&request.input, &request.psa) {
        (Input::Scenario { label, text }, psa) => {
            let loaded = load::load_str(text, label)?;
            let kind = if psa.is_some() { PlanKind::Psa } else { PlanKind::Run };
            let replications = match psa {
                Some(p) => limit(p.reps_per_draw)?,
                None => limit(request.replications.unwrap_or(loaded.base.replications))?,
            };
            if let (Some(_), Some(_)) = (psa, request.replications) {
                return Err(bad("--reps: not for a PSA (use --reps-per-draw)"));
            }
            if psa.is_none() && loaded.base.report.journeys > 0 {
                return Err(bad(format!(
                    "{label}: report.journeys = {}: a distributed run traces no journeys (`run` streams them to disk, a part does not hold them); set it to 0, or trace journeys with `signpost run`",
                    loaded.base.report.journeys
                )));
            }
            let settings = Settings {
                format: PLAN_FORMAT,
                kind,
                signpost_version: VERSION.into(),
                name: loaded.name().into(),
                seed: request.seed.unwrap_or(loaded.base.seed),
                replications,
                unit_reps,
                psa: psa.clone(),
                scenarios: vec![ScenarioFile {
                    source: "scenario/source.toml".into(),
                    resolved: Some("scenario/resolved.toml".into()),
                    label: label.clone(),
                }],
            };
            (settings, vec![text.clone()])
        }
        (Input::Portfolio { .. }, Some(_)) => return Err(bad("--psa: not for a portfolio; run the PSA of one PCN's scenario")),
        (
            Input::Portfolio {
                label,
                text,
                pcn_labels,
                pcn_texts,
            },
            None,
        ) => {
            let spec = portfolio::parse(text, label)?;
            let mut scenarios = vec![ScenarioFile {
                source: "scenario/portfolio.toml".into(),
                resolved: None,
                label: label.clone(),
            }];
            for (i, l) in pcn_labels.iter().enumerate() {
                scenarios.push(ScenarioFile {
                    source: format!("scenario/pcn-{i:03}.toml"),
                    resolved: Some(format!("scenario/pcn-{i:03}.resolved.toml")),
                    label: l.clone(),
                });
            }
            let settings = Settings {
                format: PLAN_FORMAT,
                kind: PlanKind::Portfolio,
                signpost_version: VERSION.into(),
                name: spec.name.clone(),
                seed: request.seed.unwrap_or(spec.seed),
                replications: limit(request.replications.unwrap_or(spec.replications))?,
                unit_reps,
                psa: None,
                scenarios,
            };
            let mut sources = vec![text.clone()];
            sources.extend(pcn_texts.iter().cloned());
            (settings, sources)
        }
    };
    let loaded = load_sources(&settings, &sources)?;
    let mut units = Vec::new();
    let mut hashes: Vec<Option<String>> = Vec::new();
    let mut push = |scenario: usize, work: Work, (first, end): (u64, u64), seed: u64| {
        let s = loaded.scenario(scenario);
        if hashes.len() <= scenario {
            hashes.resize(scenario + 1, None);
        }
        let hash = hashes[scenario].get_or_insert_with(|| hex_sha256(&s.resolved_toml())).clone();
        units.push(Unit {
            id: units.len(),
            scenario_sha256: hash,
            signpost_version: VERSION.into(),
            arms: s.arms.iter().map(|a| a.name.clone()).collect(),
            scenario,
            pcn: matches!(loaded, Loaded::Portfolio(_)).then(|| s.name().to_string()),
            work,
            first,
            end,
            seed,
        });
    };
    match &loaded {
        Loaded::Run { .. } => {
            push(0, Work::Warmup, (0, 0), settings.seed);
            blocks(settings.replications).for_each(|b| push(0, Work::Replications, b, settings.seed));
        }
        Loaded::Portfolio(p) => {
            for (i, pcn) in p.pcns.iter().enumerate() {
                push(i, Work::Warmup, (0, 0), pcn.seed);
                blocks(settings.replications).for_each(|b| push(i, Work::Replications, b, pcn.seed));
            }
        }
        Loaded::Psa(_) => {
            let draws = settings.psa.as_ref().map_or(0, |p| p.draws as u64);
            blocks(draws).for_each(|b| push(0, Work::Draws, b, settings.seed));
        }
    }
    let mut files = vec![
        ResultFile::new(SETTINGS_FILE, serde_json::to_string_pretty(&settings).unwrap_or_default() + "\n"),
        ResultFile::new(UNITS_FILE, units_tsv(&units)),
    ];
    for (i, (file, text)) in settings.scenarios.iter().zip(&sources).enumerate() {
        files.push(ResultFile::new(&file.source, text.as_bytes()));
        if let Some(resolved) = &file.resolved {
            let index = if settings.kind == PlanKind::Portfolio { i - 1 } else { 0 };
            files.push(ResultFile::new(resolved, loaded.scenario(index).resolved_toml()));
        }
    }
    Plan::from_files(&files)
}

/// Loads a plan's scenario sources with this build.
fn load_sources(settings: &Settings, sources: &[String]) -> Result<Loaded, DistError> {
    let label = |i: usize| settings.scenarios[i].label.clone();
    if sources.len() != settings.scenarios.len() || sources.is_empty() {
        return Err(bad(format!("{SETTINGS_FILE}: scenarios do not match the files read")));
    }
    Ok(match settings.kind {
        PlanKind::Run => Loaded::Run {
            loaded: Box::new(load::load_str(&sources[0], &label(0))?),
            source: sources[0].clone(),
        },
        PlanKind::Psa => {
            let mut plan = crate::psa::plan(&sources[0], &label(0))?;
            if plan.uncertainty.parameters.is_empty() {
                return Err(bad(format!("{}: no [uncertainty] section, so there is nothing to draw", label(0))));
            }
            let psa = settings
                .psa
                .as_ref()
                .ok_or_else(|| bad(format!("{SETTINGS_FILE}: a PSA without `psa` settings")))?;
            if psa.draws == 0 || psa.draws as u64 > crate::limits::MAX_REPLICATIONS {
                return Err(bad(format!(
                    "--draws: must be from 1 to {}, found {}",
                    crate::limits::MAX_REPLICATIONS,
                    psa.draws
                )));
            }
            if let Some(grid) = &psa.wtp {
                plan.set_wtp(grid).map_err(|m| bad(format!("--wtp: {m}")))?;
            }
            Loaded::Psa(Box::new(plan))
        }
        PlanKind::Portfolio => {
            let mut spec = portfolio::parse(&sources[0], &label(0))?;
            spec.seed = settings.seed;
            let labels: Vec<String> = (1..sources.len()).map(label).collect();
            Loaded::Portfolio(Box::new(Portfolio::assemble(spec, &labels, &sources[1..])?))
        }
    })
}

/// SHA-256 over every file's name and bytes (hex).
fn files_id(files: &[ResultFile]) -> String {
    let mut h = Sha256::new();
    for f in files {
        h.update((f.name.len() as u64).to_le_bytes());
        h.update(f.name.as_bytes());
        h.update((f.bytes.len() as u64).to_le_bytes());
        h.update(&f.bytes);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

impl Plan {
    /// The plan's files, to be written into its directory.
    pub fn files(&self) -> &[ResultFile] {
        &self.files
    }

    /// Names of the files [`Plan::from_files`] needs after `plan.json`:
    /// the unit table and the scenario sources.
    pub fn needed_files(settings: &Settings) -> Vec<String> {
        let mut names = vec![UNITS_FILE.to_string()];
        names.extend(settings.scenarios.iter().map(|s| s.source.clone()));
        names
    }

    /// Parses `plan.json`.
    pub fn parse_settings(bytes: &[u8]) -> Result<Settings, DistError> {
        let settings: Settings = serde_json::from_slice(bytes).map_err(|e| bad(format!("{SETTINGS_FILE}: not a signpost plan: {e}")))?;
        if settings.format != PLAN_FORMAT {
            return Err(bad(format!(
                "{SETTINGS_FILE}: plan format {} where this build reads {PLAN_FORMAT}",
                settings.format
            )));
        }
        if settings.scenarios.is_empty()
            || settings
                .scenarios
                .iter()
                .any(|s| s.source.contains("..") || s.source.starts_with('/'))
        {
            return Err(bad(format!(
                "{SETTINGS_FILE}: scenarios: must name files inside the plan directory"
            )));
        }
        Ok(settings)
    }

    /// A plan from its files: `plan.json`, then the [`Plan::needed_files`]
    /// (others, such as the resolved scenarios, are kept but not read).
    /// Its id covers the files read.
    pub fn from_files(files: &[ResultFile]) -> Result<Plan, DistError> {
        let get = |name: &str| {
            files
                .iter()
                .find(|f| f.name == name)
                .ok_or_else(|| bad(format!("{name}: missing from the plan")))
        };
        let settings = Plan::parse_settings(&get(SETTINGS_FILE)?.bytes)?;
        let mut read = vec![get(SETTINGS_FILE)?.clone()];
        for name in Plan::needed_files(&settings) {
            read.push(get(&name)?.clone());
        }
        let text = |f: &ResultFile| String::from_utf8(f.bytes.clone()).map_err(|_| bad(format!("{}: not UTF-8", f.name)));
        let sources: Vec<String> = read[2..].iter().map(text).collect::<Result<_, _>>()?;
        let pcns: Vec<String> = if settings.kind == PlanKind::Portfolio {
            // Names as the PCN files give them; checked again on loading.
            sources[1..]
                .iter()
                .zip(&settings.scenarios[1..])
                .map(|(t, s)| load::load_str(t, &s.label).map(|l| l.name().to_string()))
                .collect::<Result<_, _>>()?
        } else {
            Vec::new()
        };
        let units = parse_units(&text(&read[1])?, settings.kind, &pcns)?;
        Ok(Plan {
            id: files_id(&read),
            settings,
            units,
            sources,
            files: files.to_vec(),
        })
    }

    /// The whole plan as one blob of bytes (its files, names and bytes
    /// length-prefixed, [`crate::codec`]), for a front end that hands the
    /// plan to workers without a shared file system (Spark broadcasts it).
    pub fn to_bundle(&self) -> Vec<u8> {
        let mut w = crate::codec::Writer::new();
        w.raw(BUNDLE_MAGIC);
        w.len(self.files.len());
        for f in &self.files {
            w.str(&f.name);
            w.len(f.bytes.len());
            w.raw(&f.bytes);
        }
        w.into_bytes()
    }

    /// A plan from [`Plan::to_bundle`]'s bytes.
    pub fn from_bundle(bytes: &[u8]) -> Result<Plan, DistError> {
        let broken = |e: crate::codec::DecodeError| bad(format!("not a signpost plan bundle: {e}"));
        let mut r = crate::codec::Reader::new(bytes);
        if r.raw(BUNDLE_MAGIC.len()).map_err(broken)? != BUNDLE_MAGIC {
            return Err(bad("not a signpost plan bundle (wrong magic bytes)"));
        }
        let n = r.len(16).map_err(broken)?;
        let mut files = Vec::with_capacity(n);
        for _ in 0..n {
            let name = r.str().map_err(broken)?;
            let len = r.len(1).map_err(broken)?;
            files.push(ResultFile::new(name, r.raw(len).map_err(broken)?));
        }
        Plan::from_files(&files)
    }

    /// The unit at `index`, or why there is none.
    pub fn unit(&self, index: usize) -> Result<&Unit, DistError> {
        self.units.get(index).ok_or_else(|| {
            bad(format!(
                "unit {index}: the plan has units 0 to {} ({} units)",
                self.units.len() - 1,
                self.units.len()
            ))
        })
    }

    /// Loads the scenarios with this build and checks that the plan is
    /// this build's: the same signpost version, and every unit's resolved
    /// scenario hashing as the plan recorded it.
    pub fn load(&self) -> Result<Loaded, DistError> {
        let version_of = |v: &str, what: &str| {
            if v == VERSION {
                Ok(())
            } else {
                Err(bad(format!(
                    "{what}: made by signpost {v}, this is signpost {VERSION}; plan again with this build"
                )))
            }
        };
        version_of(&self.settings.signpost_version, SETTINGS_FILE)?;
        for u in &self.units {
            version_of(&u.signpost_version, &format!("{UNITS_FILE}: unit {}", u.id))?;
        }
        let loaded = load_sources(&self.settings, &self.sources)?;
        // Once per scenario, not per unit: a plan may hold thousands of units.
        let hashes: Vec<String> = match &loaded {
            Loaded::Portfolio(p) => p.pcns.iter().map(|p| hex_sha256(&p.loaded.resolved_toml())).collect(),
            other => vec![hex_sha256(&other.scenario(0).resolved_toml())],
        };
        for u in &self.units {
            let hash = hashes
                .get(u.scenario)
                .ok_or_else(|| bad(format!("{UNITS_FILE}: unit {}: no such PCN", u.id)))?;
            let s = loaded.scenario(u.scenario);
            if *hash != u.scenario_sha256 {
                return Err(bad(format!(
                    "{UNITS_FILE}: unit {}: the resolved scenario `{}` hashes to {} with this build, the plan says {}; plan again with this build",
                    u.id,
                    s.name(),
                    &hash[..12],
                    u.scenario_sha256.get(..12).unwrap_or(&u.scenario_sha256)
                )));
            }
        }
        Ok(loaded)
    }
}

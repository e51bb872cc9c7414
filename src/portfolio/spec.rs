//! The portfolio file: many PCN scenarios run as one ICB, with shared arms.
//!
//! ```toml
//! [portfolio]
//! name = "example_icb"
//! description = "Six PCNs of an example ICB"
//! seed = 20250401       # optional: the built-in default's seed
//! replications = 10     # optional: the built-in default's count
//! pcns = ["pcns/U00001.toml", "pcns/U00002.toml"]  # relative to this file
//!
//! [[arms]]              # optional: replace every PCN file's own arms
//! name = "trained"
//! set = { "navigation.mode" = "active", "navigation.training" = "enhanced" }
//! ```
//!
//! Reading is in two steps so the library does no I/O: [`parse`] checks
//! the portfolio text and lists the PCN files it names; the caller reads
//! them and [`Portfolio::assemble`] loads each as a scenario, with the
//! portfolio's arms when it has them. Without `[[arms]]`, every PCN file
//! must have the same arms, in the same order: the ICB roll-up adds an
//! arm's results across PCNs.

use crate::error::ScenarioError;
use crate::scenario::keys::locate;
use crate::scenario::load::{self, hex_sha256, parse_table, LoadedScenario};
use crate::scenario::raw::RawArm;
use serde::Deserialize;
use std::path::Path;
use toml::Value;

/// Most PCNs a portfolio may list (an ICB has at most about 70; all of
/// England's 1,250 go through the cluster runner, not one file).
pub const MAX_PCNS: usize = 500;

/// Whether scenario text is a portfolio: it has a top-level `[portfolio]`
/// table.
pub fn is_portfolio(text: &str) -> bool {
    toml::from_str::<toml::Table>(text).is_ok_and(|t| t.get("portfolio").is_some_and(Value::is_table))
}

/// The portfolio file as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPortfolioFile {
    portfolio: RawPortfolio,
    #[serde(default)]
    arms: Vec<RawArm>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPortfolio {
    name: String,
    #[serde(default)]
    description: String,
    seed: Option<u64>,
    replications: Option<u64>,
    pcns: Vec<String>,
}

/// A checked portfolio file, before its PCN files are read.
#[derive(Debug, Clone)]
pub struct PortfolioSpec {
    /// Where it came from.
    pub file: String,
    /// SHA-256 of its text, hex.
    pub sha256: String,
    /// Portfolio (ICB) name; names the output directory.
    pub name: String,
    /// One-line description.
    pub description: String,
    /// Master seed; each PCN's seed is derived from it and the PCN's name
    /// ([`pcn_seed`]).
    pub seed: u64,
    /// Replications per PCN and arm.
    pub replications: u64,
    /// PCN scenario files, as written (relative to the portfolio file).
    pub pcn_files: Vec<String>,
    /// The shared arms as TOML (`[[arms]]` array), when the file has them.
    arms: Option<Value>,
}

/// Checks portfolio text; `label` names it in messages.
pub fn parse(text: &str, label: &str) -> Result<PortfolioSpec, ScenarioError> {
    let table = parse_table(text, label)?;
    let arms = table.get("arms").cloned();
    let raw: RawPortfolioFile = load::deserialize(Value::Table(table), text, label)?;
    let p = raw.portfolio;
    let at = |key: &str| locate(text, key);
    if p.name.trim().is_empty() || p.name.chars().any(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))) {
        return Err(ScenarioError::key(
            label,
            "portfolio.name",
            "must be letters, digits, `-`, `_` or `.` (it names the output directory)",
        )
        .at(at("portfolio.name")));
    }
    if p.pcns.is_empty() || p.pcns.len() > MAX_PCNS {
        return Err(ScenarioError::key(
            label,
            "portfolio.pcns",
            format!("must list 1 to {MAX_PCNS} PCN scenario files, found {}", p.pcns.len()),
        )
        .at(at("portfolio.pcns")));
    }
    for (i, path) in p.pcns.iter().enumerate() {
        if let Some(first) = p.pcns[..i].iter().position(|q| q == path) {
            return Err(ScenarioError::key(
                label,
                format!("portfolio.pcns[{i}]"),
                format!("`{path}` is listed twice (also pcns[{first}])"),
            )
            .at(at("portfolio.pcns")));
        }
    }
    let default = load::load_default()?;
    let replications = crate::limits::replications(p.replications.unwrap_or(default.base.replications))
        .map_err(|e| ScenarioError::key(label, "portfolio.replications", e.to_string()).at(at("portfolio.replications")))?;
    for (i, arm) in raw.arms.iter().enumerate() {
        if arm.name == load::COUNTERFACTUAL || arm.name.trim().is_empty() {
            return Err(ScenarioError::key(
                label,
                format!("arms[{i}].name"),
                format!("must be a name other than `{}`, which always runs", load::COUNTERFACTUAL),
            )
            .at(at(&format!("arms[{i}].name"))));
        }
    }
    Ok(PortfolioSpec {
        file: label.to_string(),
        sha256: hex_sha256(text),
        name: p.name,
        description: p.description,
        seed: p.seed.unwrap_or(default.base.seed),
        replications,
        pcn_files: p.pcns,
        arms: arms.filter(|_| !raw.arms.is_empty()),
    })
}

/// One PCN of a portfolio, loaded.
#[derive(Debug, Clone)]
pub struct Pcn {
    /// The scenario, with the portfolio's arms when it has them.
    pub loaded: LoadedScenario,
    /// Its seed, derived from the portfolio's ([`pcn_seed`]).
    pub seed: u64,
    /// The PCN file's text, as written.
    pub source: String,
}

impl Pcn {
    /// The PCN's name (its scenario's name, unique in the portfolio).
    pub fn name(&self) -> &str {
        self.loaded.name()
    }

    /// Registered patients.
    pub fn list_size(&self) -> u64 {
        self.loaded.base.population.list_size
    }
}

/// A portfolio with every PCN loaded and checked.
#[derive(Debug, Clone)]
pub struct Portfolio {
    /// The portfolio file.
    pub spec: PortfolioSpec,
    /// The PCNs, in the file's order.
    pub pcns: Vec<Pcn>,
}

impl Portfolio {
    /// Loads each PCN file's text (`texts[i]` is `spec.pcn_files[i]`'s,
    /// labelled by `labels[i]`), checks that the PCNs are distinct and share
    /// the same arms.
    pub fn assemble(spec: PortfolioSpec, labels: &[String], texts: &[String]) -> Result<Portfolio, ScenarioError> {
        if texts.is_empty() || texts.len() != spec.pcn_files.len() || labels.len() != texts.len() {
            return Err(ScenarioError::key(
                &spec.file,
                "portfolio.pcns",
                format!("{} PCN files listed but {} read", spec.pcn_files.len(), texts.len()),
            ));
        }
        let mut pcns: Vec<Pcn> = Vec::with_capacity(texts.len());
        for (label, text) in labels.iter().zip(texts) {
            // Loaded as written first, so an error in the file points into it.
            let own = load::load_str(text, label)?;
            let loaded = match &spec.arms {
                None => own,
                Some(arms) => with_arms(text, label, arms, &spec.file)?,
            };
            if let Some(other) = pcns.iter().find(|p| p.name() == loaded.name()) {
                return Err(ScenarioError::key(
                    label,
                    "name",
                    format!(
                        "`{}` is also the name of {}; each PCN needs its own name (it names its results)",
                        loaded.name(),
                        other.loaded.file
                    ),
                ));
            }
            if let Some(first) = pcns.first() {
                let (a, b) = (&first.loaded.base.time, &loaded.base.time);
                if (a.horizon_days, a.warmup_days, &a.start_date) != (b.horizon_days, b.warmup_days, &b.start_date) {
                    return Err(ScenarioError::key(
                        label,
                        "time",
                        format!(
                            "the run ({} days after a {}-day warm-up from {}) differs from {}'s ({} days after {} from {}); the ICB adds PCNs' results over one window",
                            b.horizon_days, b.warmup_days, b.start_date, first.loaded.file, a.horizon_days, a.warmup_days, a.start_date
                        ),
                    ));
                }
                let names = |l: &LoadedScenario| l.arms.iter().map(|a| a.name.clone()).collect::<Vec<_>>();
                if names(&first.loaded) != names(&loaded) {
                    return Err(ScenarioError::file(
                        label,
                        format!(
                            "arms {:?} differ from {}'s {:?}; PCNs of a portfolio must share their arms (or give the portfolio [[arms]])",
                            names(&loaded),
                            first.loaded.file,
                            names(&first.loaded)
                        ),
                    ));
                }
            }
            let seed = pcn_seed(spec.seed, loaded.name());
            pcns.push(Pcn {
                loaded,
                seed,
                source: text.clone(),
            });
        }
        Ok(Portfolio { spec, pcns })
    }

    /// Registered patients over every PCN.
    pub fn list_size(&self) -> u64 {
        self.pcns.iter().map(Pcn::list_size).sum()
    }

    /// Days in the statistics window (every PCN has the same).
    pub fn horizon_days(&self) -> f64 {
        self.pcns[0].loaded.base.time.horizon_days
    }

    /// Arm names, the counterfactual first (every PCN has the same).
    pub fn arm_names(&self) -> Vec<&str> {
        self.pcns[0].loaded.arms.iter().map(|a| a.name.as_str()).collect()
    }
}

/// Reads and loads a portfolio file and the PCN files it lists (paths
/// relative to it); `seed` replaces the portfolio's seed. Errors name the
/// file (the portfolio's, or the PCN file's) and the rule.
pub fn load_file(path: &Path, seed: Option<u64>) -> Result<Portfolio, ScenarioError> {
    let files = read_files(path)?;
    let mut spec = files.spec;
    if let Some(seed) = seed {
        spec.seed = seed;
    }
    Portfolio::assemble(spec, &files.pcn_labels, &files.pcn_texts)
}

/// A portfolio file and the PCN files it lists, read but not loaded.
#[derive(Debug, Clone)]
pub struct PortfolioFiles {
    /// The portfolio file's label (its path).
    pub label: String,
    /// Its text.
    pub text: String,
    /// It, parsed.
    pub spec: PortfolioSpec,
    /// Each PCN file's label (its path), in the portfolio's order.
    pub pcn_labels: Vec<String>,
    /// Each PCN file's text.
    pub pcn_texts: Vec<String>,
}

/// Reads a portfolio file and the PCN files it lists (paths relative to
/// it), as [`load_file`] does before loading them.
pub fn read_files(path: &Path) -> Result<PortfolioFiles, ScenarioError> {
    let label = path.display().to_string();
    let text = load::read_text(path, &label)?;
    let spec = parse(&text, &label)?;
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let mut labels = Vec::with_capacity(spec.pcn_files.len());
    let mut texts = Vec::with_capacity(spec.pcn_files.len());
    for (i, file) in spec.pcn_files.iter().enumerate() {
        let pcn_path = dir.join(file);
        let pcn_label = pcn_path.display().to_string();
        let text = load::read_text(&pcn_path, &pcn_label)
            .map_err(|e| ScenarioError::key(&label, format!("portfolio.pcns[{i}]"), e.to_string()).at(locate(&text, "portfolio.pcns")))?;
        texts.push(text);
        labels.push(pcn_label);
    }
    Ok(PortfolioFiles {
        label,
        text,
        spec,
        pcn_labels: labels,
        pcn_texts: texts,
    })
}

/// A PCN file's text with its arms replaced by the portfolio's.
fn with_arms(text: &str, label: &str, arms: &Value, portfolio: &str) -> Result<LoadedScenario, ScenarioError> {
    let mut table = parse_table(text, label)?;
    table.insert("arms".into(), arms.clone());
    let merged =
        toml::to_string(&table).map_err(|e| ScenarioError::file(label, format!("cannot combine with the portfolio's arms: {e}")))?;
    load::load_str(&merged, label)
        .map(|mut l| {
            // Provenance is the file as written, not the combination.
            l.sha256 = hex_sha256(text);
            l
        })
        .map_err(|mut e| {
            e.location = None;
            e.message = format!("{} (with the arms of {portfolio})", e.message);
            e
        })
}

/// The seed of the PCN called `name` in a portfolio seeded `seed`: PCNs
/// get independent random numbers (arms within a PCN share theirs), and a
/// PCN's results do not change when others are added, removed or
/// reordered. `signpost run PCN_FILE --seed S` reproduces them alone.
pub fn pcn_seed(seed: u64, name: &str) -> u64 {
    // FNV-1a of the name, then SplitMix64's finaliser over both.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    let mut z = seed ^ h;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

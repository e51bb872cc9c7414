//! The `[uncertainty]` section: a prior for any numeric key, for
//! probabilistic sensitivity analysis (`signpost psa`).
//!
//! ```toml
//! [uncertainty]
//! "bounce.return_probability" = { dist = "beta", mean = 0.85, sd = 0.08 }
//! "vcse.services.befriending.places" = { dist = "pert", low = 25, mode = 40, high = 60 }
//! need_shares = { dist = "dirichlet", concentration = 400, shares = { "needs.admin.share" = 0.32, ... } }
//! [uncertainty.groups]          # named groups for EVPPI (optional)
//! link_worker = ["splw.admin_share", "splw.unserved_share"]
//! [uncertainty.decision]        # optional
//! value_per_appointment = 30.0  # GBP per GP appointment freed [default: costs.gp_appointment]
//! population = 1000000          # population the value of information is scaled to
//! wtp = [0, 10, 20, 30]         # willingness-to-pay grid for the CEAC [GBP per appointment]
//! design = "sobol"              # or "latin_hypercube"
//! ```
//!
//! A key is a dotted path exactly as in an arm's `set` (see
//! [`super::load::set_path`]): `vcse.services.NAME.KEY`,
//! `needs.NAME.share`, `navigation.tiers.enhanced.routing.NEED.DEST`. A
//! Dirichlet is named by a group name (no dots) and lists its keys; its
//! shares are scaled to the keys' total in the scenario, so a group that
//! covers part of a row keeps the rest of the row unchanged. A key that
//! holds a whole number is drawn and rounded to the nearest whole number.
//!
//! This module checks what can be checked from the text alone (the prior's
//! parameters, that each key exists and holds a number, that no key is
//! given twice); that every value a draw can take is allowed for its key is
//! checked by loading the scenario at those extremes (`psa::plan`).

use super::keys::locate;
use super::load::{deserialize, get_path};
use crate::error::ScenarioError;
use crate::uncertainty::{Design, Prior, PriorSpec};
use toml::{Table, Value};

/// Reserved key of `[uncertainty]`: named groups of parameters for EVPPI.
pub const GROUPS: &str = "groups";
/// Reserved key of `[uncertainty]`: decision settings.
pub const DECISION: &str = "decision";
/// Population the value of information is scaled to when none is given: an
/// integrated care board (ICB) of one million people.
pub const DEFAULT_POPULATION: f64 = 1_000_000.0;

/// One uncertain parameter: a scalar key, or a Dirichlet group of keys.
#[derive(Debug, Clone, PartialEq)]
pub struct Uncertain {
    /// The dotted key path of a scalar; the group name of a Dirichlet.
    pub name: String,
    /// The scenario keys it sets, in the order the prior draws them.
    pub keys: Vec<String>,
    /// The checked prior.
    pub prior: Prior,
    /// Per key: it holds a whole number, so draws are rounded.
    pub integer: Vec<bool>,
    /// Multiplier on a Dirichlet's shares: the keys' total in the scenario
    /// (1 for a scalar).
    pub scale: f64,
}

impl Uncertain {
    /// The overrides for the uniforms `us` (length `prior.dims()`).
    pub fn overrides(&self, us: &[f64]) -> Result<Vec<(String, Value)>, String> {
        let values = self.prior.draw(us).map_err(|e| e.to_string())?;
        Ok(self
            .keys
            .iter()
            .zip(&self.integer)
            .zip(values)
            .map(|((k, &int), v)| (k.clone(), number(v * self.scale, int)))
            .collect())
    }
}

/// A drawn value as TOML: rounded to a whole number for integer keys.
pub fn number(v: f64, integer: bool) -> Value {
    if integer {
        Value::Integer(v.round() as i64)
    } else {
        Value::Float(v)
    }
}

/// Decision settings of `[uncertainty.decision]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// Value of one GP appointment freed \[GBP\]; `None`: `costs.gp_appointment`.
    pub value_per_appointment: Option<f64>,
    /// Population the value of information is scaled to \[people\].
    pub population: f64,
    /// Willingness-to-pay grid for the CEAC \[GBP per GP appointment freed\];
    /// `None`: 0 to 100 in steps of 5 (and the value per appointment).
    pub wtp: Option<Vec<f64>>,
    /// Where the draws' uniforms come from.
    pub design: Design,
}

/// The checked `[uncertainty]` section.
#[derive(Debug, Clone, PartialEq)]
pub struct Uncertainty {
    /// Parameters, in the section's order.
    pub parameters: Vec<Uncertain>,
    /// Named groups (name, member parameter names), for EVPPI.
    pub groups: Vec<(String, Vec<String>)>,
    /// Decision settings.
    pub decision: Decision,
}

impl Uncertainty {
    /// Uniforms one draw consumes (a fixed key still takes one).
    pub fn dims(&self) -> usize {
        self.parameters.iter().map(|p| p.prior.dims()).sum()
    }
}

/// The key of an entry as messages name it: `uncertainty."splw.fte"`.
fn entry_key(name: &str) -> String {
    format!("uncertainty.\"{name}\"")
}

/// Checks `[uncertainty]` (`table`) against the merged scenario `whole`;
/// errors name the file, line and key.
pub fn parse(table: &Table, whole: &Value, text: &str, label: &str) -> Result<Uncertainty, ScenarioError> {
    let err = |key: &str, message: String| ScenarioError::key(label, key, message).at(locate(text, key));
    let mut parameters: Vec<Uncertain> = Vec::new();
    let mut seen: Vec<(String, String)> = Vec::new();
    for (name, value) in table {
        if name == GROUPS || name == DECISION {
            continue;
        }
        let key = entry_key(name);
        let spec: PriorSpec = deserialize(value.clone(), text, label).map_err(|e| err(&key, e.message))?;
        let prior = spec.validate().map_err(|e| err(&key, e.to_string()))?;
        let keys: Vec<String> = match &prior {
            Prior::Scalar(_) if !name.contains('.') && !name.contains('[') => {
                return Err(err(
                    &key,
                    format!("`{name}` is not a key path; a scalar prior is keyed by a dotted path such as `splw.admin_share`, and only a dirichlet is named by a group name"),
                ))
            }
            Prior::Scalar(_) => vec![name.clone()],
            Prior::Dirichlet(_) if name.contains('.') => {
                return Err(err(&key, "a dirichlet is named by a group name without dots (e.g. need_shares) and lists its keys in `alphas` or `shares`".into()))
            }
            Prior::Dirichlet(d) => d.keys().to_vec(),
        };
        let mut integer = Vec::with_capacity(keys.len());
        let mut total = 0.0;
        for k in &keys {
            let first = k.split(['.', '[']).next().unwrap_or_default();
            if matches!(first, "arms" | "uncertainty" | "name" | "seed" | "replications" | "description") {
                return Err(err(&key, format!("`{k}` cannot be uncertain: only the scenario's parameters can")));
            }
            let found = get_path(whole, k).map_err(|m| err(&key, format!("`{k}`: {m}")))?;
            let (v, int) = match found {
                Value::Integer(i) => (*i as f64, true),
                Value::Float(f) => (*f, false),
                other => {
                    return Err(err(
                        &key,
                        format!("`{k}` holds {}, not a number; only numeric keys can have a prior", other.type_str()),
                    ))
                }
            };
            if let Some((_, other)) = seen.iter().find(|(s, _)| s == k) {
                return Err(err(&key, format!("`{k}` already has a prior (in `{other}`)")));
            }
            seen.push((k.clone(), name.clone()));
            integer.push(int);
            total += v;
        }
        let scale = match prior {
            Prior::Dirichlet(_) if total > 0.0 => total,
            Prior::Dirichlet(_) => {
                return Err(err(
                    &key,
                    "the keys of a dirichlet must hold shares with a total > 0 in the scenario".into(),
                ))
            }
            Prior::Scalar(_) => 1.0,
        };
        parameters.push(Uncertain {
            name: name.clone(),
            keys,
            prior,
            integer,
            scale,
        });
    }
    let groups = parse_groups(table.get(GROUPS), &parameters, &err)?;
    let decision = parse_decision(table.get(DECISION), &err)?;
    Ok(Uncertainty {
        parameters,
        groups,
        decision,
    })
}

type Err<'a> = &'a dyn Fn(&str, String) -> ScenarioError;

/// `[uncertainty.groups]`: name → list of parameter names (keys or
/// Dirichlet names), each member known.
fn parse_groups(value: Option<&Value>, parameters: &[Uncertain], err: Err) -> Result<Vec<(String, Vec<String>)>, ScenarioError> {
    let Some(value) = value else { return Ok(Vec::new()) };
    let Value::Table(t) = value else {
        return Err(err("uncertainty.groups", "must be a table of group name = [parameter, ...]".into()));
    };
    let mut out = Vec::new();
    for (name, members) in t {
        let key = format!("uncertainty.groups.{name}");
        let list: Vec<String> = match members {
            Value::Array(a) if !a.is_empty() => a
                .iter()
                .map(|m| {
                    m.as_str()
                        .map(str::to_string)
                        .ok_or_else(|| err(&key, "members must be parameter names (strings)".into()))
                })
                .collect::<Result<_, _>>()?,
            _ => return Err(err(&key, "must be a non-empty array of parameter names".into())),
        };
        for m in &list {
            if !parameters.iter().any(|p| &p.name == m) {
                let names: Vec<&str> = parameters.iter().map(|p| p.name.as_str()).collect();
                let hint = super::keys::did_you_mean(m, names.iter().copied());
                return Err(err(&key, format!("`{m}` has no prior in [uncertainty]{hint}")));
            }
        }
        out.push((name.clone(), list));
    }
    Ok(out)
}

/// `[uncertainty.decision]`.
fn parse_decision(value: Option<&Value>, err: Err) -> Result<Decision, ScenarioError> {
    let mut d = Decision {
        value_per_appointment: None,
        population: DEFAULT_POPULATION,
        wtp: None,
        design: Design::Sobol,
    };
    let Some(value) = value else { return Ok(d) };
    let Value::Table(t) = value else {
        return Err(err("uncertainty.decision", "must be a table".into()));
    };
    let positive = |k: &str, v: &Value| -> Result<f64, ScenarioError> {
        let key = format!("uncertainty.decision.{k}");
        match v.as_float().or_else(|| v.as_integer().map(|i| i as f64)) {
            Some(x) if x.is_finite() && x > 0.0 => Ok(x),
            _ => Err(err(&key, format!("must be a finite number > 0, found {v}"))),
        }
    };
    for (k, v) in t {
        let key = format!("uncertainty.decision.{k}");
        match k.as_str() {
            "value_per_appointment" => d.value_per_appointment = Some(positive(k, v)?),
            "population" => d.population = positive(k, v)?,
            "design" => {
                d.design = match v.as_str() {
                    Some("sobol") => Design::Sobol,
                    Some("latin_hypercube") => Design::LatinHypercube,
                    _ => return Err(err(&key, format!("must be \"sobol\" or \"latin_hypercube\", found {v}"))),
                }
            }
            "wtp" => {
                let grid: Option<Vec<f64>> = v
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .map(|x| x.as_float().or_else(|| x.as_integer().map(|i| i as f64)))
                            .collect::<Option<_>>()
                    })
                    .unwrap_or(None);
                match grid {
                    Some(g) if !g.is_empty() && g.iter().all(|x| x.is_finite() && *x >= 0.0) && g.windows(2).all(|w| w[0] < w[1]) => {
                        d.wtp = Some(g)
                    }
                    _ => {
                        return Err(err(
                            &key,
                            "must be a non-empty array of increasing numbers >= 0 [GBP per GP appointment freed]".into(),
                        ))
                    }
                }
            }
            other => {
                let hint = super::keys::did_you_mean(other, ["value_per_appointment", "population", "wtp", "design"]);
                return Err(err(
                    &key,
                    format!("unknown key `{other}`{hint}; expected one of: value_per_appointment, population, wtp, design"),
                ));
            }
        }
    }
    Ok(d)
}

//! One what-if: the scenario with its levers applied as a single arm beside
//! the counterfactual, run one replication at a time and reduced by the
//! library's own [`Reducer`], so every number is the one `signpost run`
//! gives for the same scenario file.

use crate::levers::{self, Lever, Scope};
use serde_json::{json, Map, Value as Json};
use signpost::experiment::{run_one_replication, ArmResult, Reducer, RunOptions};
use signpost::metric::Metric;
use signpost::report::tables::{comparison_csv, comparisons, summary_csv};
use signpost::report::terminal::{comparison_table, is_dominant};
use signpost::scenario::load::{get_path, load_str, Arm, LoadedScenario};
use signpost::stats::Summary;
use std::sync::atomic::AtomicBool;
use toml::Value;

/// The what-if arm's name, in the page and in the scenario file it runs.
pub const WHATIF_ARM: &str = "whatif";

/// Fragment keys that are not levers: the arm a what-if starts from and
/// the replications to run.
pub const PAGE_KEYS: [&str; 2] = ["arm", "reps"];

/// Most replications the page runs (it refines as they finish).
pub const MAX_REPLICATIONS: u64 = 200;

/// What the page asks for: the scenario, and the fragment's keys and values
/// as typed (all text).
pub struct Request<'a> {
    /// The scenario's TOML text.
    pub scenario: &'a str,
    /// How messages name it.
    pub label: &'a str,
    /// Fragment keys and values, in order.
    pub levers: Vec<(String, String)>,
}

/// An opened what-if, ready to step.
pub struct Session {
    /// The scenario file of the what-if (counterfactual and one arm).
    pub toml: String,
    /// It, loaded.
    pub loaded: LoadedScenario,
    reducer: Reducer,
    options: RunOptions,
    /// Replications to run.
    pub target: u64,
    /// What `open` answered.
    pub opened: Json,
}

/// The arm of `scenario` a what-if starts from: `name`, else the last arm
/// (in a scenario's list the fullest package usually comes last).
fn chosen_arm<'a>(scenario: &'a LoadedScenario, name: Option<&str>) -> Result<&'a Arm, String> {
    let policy = &scenario.arms[1..];
    match name {
        None => Ok(policy.last().unwrap_or(&scenario.arms[0])),
        Some(n) => policy.iter().find(|a| a.name == n).ok_or_else(|| {
            let names: Vec<&str> = policy.iter().map(|a| a.name.as_str()).collect();
            format!("arm: `{n}` is not an arm of this scenario; the arms are {}", names.join(", "))
        }),
    }
}

/// The value of `key` in a checked arm, as TOML.
fn value_of(arm: &Arm, key: &str) -> Option<Value> {
    let whole = Value::try_from(&arm.scenario.raw).ok()?;
    get_path(&whole, key).ok().cloned()
}

/// What the fragment asked for, checked: the arm, the replications and
/// each lever's value; every problem is one message.
struct Asked {
    arm: Option<String>,
    reps: Option<u64>,
    values: Vec<(Lever, Value)>,
}

fn check(request: &Request, all: &[Lever]) -> (Asked, Vec<String>) {
    let mut errors = Vec::new();
    let mut asked = Asked {
        arm: None,
        reps: None,
        values: Vec::new(),
    };
    for (key, text) in &request.levers {
        match key.as_str() {
            "arm" => asked.arm = Some(text.clone()),
            "reps" => match text.trim().parse::<u64>().ok().filter(|n| (1..=MAX_REPLICATIONS).contains(n)) {
                Some(n) => asked.reps = Some(n),
                None => errors.push(format!("reps: must be a whole number from 1 to {MAX_REPLICATIONS}; found `{text}`")),
            },
            _ => match all.iter().find(|l| l.key == *key) {
                None => errors.push(levers::unknown(key, all, &PAGE_KEYS)),
                Some(lever) => match levers::parse_value(lever, text) {
                    Ok(v) => asked.values.push((lever.clone(), v)),
                    Err(e) => errors.push(e),
                },
            },
        }
    }
    (asked, errors)
}

/// The scenario file of a what-if: `source` with the base levers written in,
/// its arms replaced by one, [`WHATIF_ARM`], whose `set` is the chosen arm's
/// with signposting on and the arm levers on top.
pub fn whatif_toml(source: &str, label: &str, chosen: &Arm, values: &[(Lever, Value)]) -> Result<String, String> {
    let mut doc: toml_edit::DocumentMut = source.parse().map_err(|e| format!("{label}: {e}"))?;
    doc.remove("arms");
    let mut set: Vec<(String, Value)> = chosen.overrides.clone();
    let mut put = |key: &str, v: Value| match set.iter_mut().find(|(k, _)| k == key) {
        Some(slot) => slot.1 = v,
        None => set.push((key.to_string(), v)),
    };
    put("navigation.mode", Value::String("active".into()));
    for (lever, v) in values {
        match lever.scope {
            Scope::Arm => {
                // Fewer places than the people a service starts with would
                // fail the check; an arm launches from the counterfactual's
                // warm state, so its own initial occupancy is never used.
                if let Some(service) = lever.key.strip_suffix(".places") {
                    let start = format!("{service}.initial_occupancy");
                    if let (Some(Value::Integer(now)), Value::Integer(places)) = (value_of(chosen, &start), v) {
                        if now > *places {
                            put(&start, Value::Integer(*places));
                        }
                    }
                }
                put(&lever.key, v.clone());
            }
            Scope::Base => {
                let mut item = doc.as_item_mut();
                for part in lever.key.split('.') {
                    item = &mut item[part];
                }
                *item = toml_edit::value(edit_value(v)?);
            }
        }
    }
    let mut inline = toml_edit::InlineTable::new();
    for (k, v) in &set {
        inline.insert(k, edit_value(v)?);
    }
    let changed: Vec<String> = values.iter().map(|(l, v)| format!("{} = {v}", l.key)).collect();
    let description = if changed.is_empty() {
        format!("What-if page: arm `{}` as the scenario has it", chosen.name)
    } else {
        format!("What-if page: arm `{}` with {}", chosen.name, changed.join(", "))
    };
    let mut arm = toml_edit::Table::new();
    arm.insert("name", toml_edit::value(WHATIF_ARM));
    arm.insert("description", toml_edit::value(description));
    arm.insert("set", toml_edit::value(inline));
    let mut arms = toml_edit::ArrayOfTables::new();
    arms.push(arm);
    doc.insert("arms", toml_edit::Item::ArrayOfTables(arms));
    Ok(doc.to_string())
}

/// A `toml` value as a `toml_edit` one (through its TOML text, which both
/// crates agree on).
fn edit_value(v: &Value) -> Result<toml_edit::Value, String> {
    v.to_string().parse().map_err(|e| format!("{v}: {e}"))
}

/// A value as JSON for the page.
fn json_of(v: Option<Value>) -> Json {
    v.and_then(|v| serde_json::to_value(v).ok()).unwrap_or(Json::Null)
}

impl Session {
    /// Opens a what-if; problems with the fragment are reported in the
    /// answer's `errors` and the scenario's own values kept for every
    /// lever, so a link with one bad value never runs something else than
    /// it says. Fails only when the scenario itself cannot run.
    pub fn open(request: &Request) -> Result<Session, String> {
        if signpost::network::is_network(request.scenario) {
            return Err(format!(
                "{}: a queueing-network scenario ([network]) has no policy levers; the what-if page runs pathway scenarios",
                request.label
            ));
        }
        let scenario = load_str(request.scenario, request.label).map_err(|e| e.to_string())?;
        let all = levers::levers(&scenario);
        let (asked, mut errors) = check(request, &all);
        let chosen = match chosen_arm(&scenario, asked.arm.as_deref()) {
            Ok(arm) => arm,
            Err(e) => {
                errors.push(e);
                chosen_arm(&scenario, None)?
            }
        };
        let values = if errors.is_empty() { asked.values } else { Vec::new() };
        let build = |values: &[(Lever, Value)]| -> Result<(String, LoadedScenario), String> {
            let text = whatif_toml(request.scenario, request.label, chosen, values)?;
            let loaded = load_str(&text, request.label).map_err(|e| e.to_string())?;
            Ok((text, loaded))
        };
        let (toml, loaded) = match build(&values) {
            Ok(built) => built,
            Err(e) if !values.is_empty() => {
                errors.push(format!("these levers together are refused: {e}"));
                build(&[])?
            }
            Err(e) => return Err(e),
        };
        let target = if errors.is_empty() { asked.reps } else { None }.unwrap_or(scenario.base.replications);
        let arm = &loaded.arms[1];
        let lever_json: Vec<Json> = all
            .iter()
            .map(|l| {
                let (default, value) = match l.scope {
                    Scope::Arm => (value_of(chosen, &l.key), value_of(arm, &l.key)),
                    Scope::Base => (value_of(&scenario.arms[0], &l.key), value_of(&loaded.arms[0], &l.key)),
                };
                let mut o = Map::new();
                o.insert("key".into(), json!(l.key));
                o.insert("group".into(), json!(l.group));
                o.insert("label".into(), json!(l.label));
                o.insert("unit".into(), json!(l.unit));
                o.insert("scope".into(), json!(if l.scope == Scope::Arm { "arm" } else { "base" }));
                match &l.kind {
                    levers::Kind::Choice(c) => {
                        o.insert("kind".into(), json!("choice"));
                        o.insert("choices".into(), json!(c));
                    }
                    levers::Kind::Toggle => {
                        o.insert("kind".into(), json!("toggle"));
                    }
                    levers::Kind::Number { min, max, step, integer } => {
                        o.insert("kind".into(), json!("number"));
                        o.insert("min".into(), json!(min));
                        o.insert("max".into(), json!(max));
                        o.insert("step".into(), json!(step));
                        o.insert("integer".into(), json!(integer));
                    }
                }
                o.insert("default".into(), json_of(default));
                o.insert("value".into(), json_of(value));
                Json::Object(o)
            })
            .collect();
        let options = RunOptions {
            replications: target,
            seed: loaded.base.seed,
            journeys: 0,
        };
        let opened = json!({
            "ok": true,
            "name": scenario.name(),
            "description": scenario.base.description,
            "sha256": scenario.sha256,
            "whatif_sha256": loaded.sha256,
            "seed": options.seed,
            "replications": target,
            "max_replications": MAX_REPLICATIONS,
            "default_replications": scenario.base.replications,
            "list_size": loaded.base.population.list_size,
            "horizon_days": loaded.base.time.horizon_days,
            "arms": scenario.arms[1..].iter().map(|a| json!({"name": a.name, "description": a.description})).collect::<Vec<_>>(),
            "arm": chosen.name,
            "whatif_description": arm.description,
            "levers": lever_json,
            "errors": errors,
            "toml": toml,
        });
        Ok(Session {
            reducer: Reducer::new(&loaded, 0),
            toml,
            loaded,
            options,
            target,
            opened,
        })
    }

    /// Replications folded in so far.
    pub fn done(&self) -> u64 {
        self.reducer.result().replications()
    }

    /// Runs the next replication (both arms, common random numbers) and
    /// answers with the results so far; once `target` are done, answers
    /// without running more.
    pub fn step(&mut self) -> Json {
        let r = self.done();
        if r < self.target {
            let never = AtomicBool::new(false);
            let outputs =
                run_one_replication(&self.loaded, self.options, r, &never).expect("a replication runs to its end unless cancelled");
            self.reducer
                .add_replication(r, outputs)
                .expect("replications are folded in order, every arm at once");
        }
        self.results()
    }

    /// The results so far, as the page shows them, with the CSV and the
    /// terminal table `signpost run` writes for the same file.
    pub fn results(&self) -> Json {
        let result = self.reducer.result();
        let (cf, arm) = (&result.arms[0], &result.arms[1]);
        let diffs: Vec<(&str, Summary)> = comparisons(result).map(|(_, m, s)| (m, s)).collect();
        let metrics: Map<String, Json> = HEADLINE
            .iter()
            .map(|m| {
                let name = m.name();
                let diff = diffs.iter().find(|(n, _)| *n == name).map(|(_, s)| stat(s));
                let value = json!({
                    "label": m.def().label,
                    "arm": arm_stat(arm, name),
                    "counterfactual": arm_stat(cf, name),
                    "diff": diff.unwrap_or(Json::Null),
                });
                (name.to_string(), value)
            })
            .collect();
        let net = arm.metric_index(Metric::GpAppointmentsSavedNet.name());
        json!({
            "ok": true,
            "replications": result.replications(),
            "target": self.target,
            "events": result.events,
            "dominant": is_dominant(arm),
            "metrics": metrics,
            "net_by_replication": arm.values.iter().map(|row| net.map_or(Json::Null, |i| finite(row[i]))).collect::<Vec<_>>(),
            "comparison_csv": comparison_csv(result),
            "summary_csv": summary_csv(result),
            "table": comparison_table(result, self.loaded.base.time.horizon_days, result.replications()),
        })
    }
}

/// The metrics the page shows (and the chart draws).
pub const HEADLINE: [Metric; 11] = [
    Metric::GpAppointmentsSavedNet,
    Metric::GpAppointmentsSavedGross,
    Metric::GpAppointmentsLostToBounceBack,
    Metric::GpAppointments,
    Metric::BounceBacks,
    Metric::SafetyEvents,
    Metric::GpWaitDaysMean,
    Metric::SplwWaitDaysMean,
    Metric::CostIncremental,
    Metric::CostPerGpAppointmentFreed,
    Metric::GpShareFreed,
];

/// NaN and infinities as JSON null.
fn finite(x: f64) -> Json {
    if x.is_finite() {
        json!(x)
    } else {
        Json::Null
    }
}

/// A summary as `{mean, low, high, n}` (the 95% interval; null when
/// undefined).
fn stat(s: &Summary) -> Json {
    let ci = s.confidence_interval(0.95);
    json!({
        "mean": s.mean().map_or(Json::Null, finite),
        "low": ci.map_or(Json::Null, |c| finite(c.low)),
        "high": ci.map_or(Json::Null, |c| finite(c.high)),
        "n": s.count(),
    })
}

/// One arm's summary of a metric.
fn arm_stat(arm: &ArmResult, metric: &str) -> Json {
    arm.metric_index(metric).map_or(Json::Null, |i| stat(&arm.summary(i)))
}

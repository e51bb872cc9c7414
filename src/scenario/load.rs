//! From a file to checked scenarios: read → parse → merge over the built-in
//! default ([`super::merge`]) → apply each arm's overrides → deserialize →
//! validate.

use super::keys::{did_you_mean, line_col, locate};
use super::merge::merge_over;
use super::online::{ONLINE_DEFAULT_TOML, ONLINE_KEY};
use super::raw::{Mode, RawScenario};
use super::validate::validate;
use super::Scenario;
use crate::error::ScenarioError;
use crate::text::show_number;
use sha2::{Digest, Sha256};
use std::path::Path;
use toml::{Table, Value};

/// The built-in default scenario (the same bytes as `scenarios/default.toml`).
pub const DEFAULT_TOML: &str = include_str!("../../scenarios/default.toml");

/// Label used for the built-in default in messages and outputs.
pub const DEFAULT_LABEL: &str = "<built-in default>";

/// Longest arm name \[characters\].
pub const MAX_ARM_NAME_CHARS: usize = 100;

/// Name of the arm that always runs with signposting off.
pub const COUNTERFACTUAL: &str = "counterfactual";

/// One arm, ready to run.
#[derive(Debug, Clone)]
pub struct Arm {
    /// Arm name.
    pub name: String,
    /// What the arm is.
    pub description: String,
    /// Overrides applied to the base, as written.
    pub overrides: Vec<(String, Value)>,
    /// The checked scenario for this arm.
    pub scenario: Scenario,
}

/// A loaded scenario: the base and its arms, the counterfactual first.
#[derive(Debug, Clone)]
pub struct LoadedScenario {
    /// Where it came from (a path or [`DEFAULT_LABEL`]).
    pub file: String,
    /// SHA-256 of the source text, hex.
    pub sha256: String,
    /// The merged base scenario (defaults filled in), with its arms.
    pub base: RawScenario,
    /// Arms to run; `arms\[0\]` is the counterfactual.
    pub arms: Vec<Arm>,
}

impl LoadedScenario {
    /// Scenario name.
    pub fn name(&self) -> &str {
        &self.base.name
    }

    /// The scenario with only the counterfactual (`arms\[0\]`) and the arm at
    /// `index` (if any). Arms keep their random streams, so their results
    /// equal those of the full run.
    pub fn counterfactual_and(mut self, index: Option<usize>) -> LoadedScenario {
        let mut i = 0;
        self.arms.retain(|_| {
            let keep = i == 0 || Some(i) == index;
            i += 1;
            keep
        });
        self
    }

    /// The fully resolved scenario as TOML (what `scenario.toml` holds).
    pub fn resolved_toml(&self) -> String {
        toml::to_string(&self.base).unwrap_or_else(|e| format!("# could not serialise: {e}\n"))
    }
}

/// Loads the built-in default scenario.
pub fn load_default() -> Result<LoadedScenario, ScenarioError> {
    load_str(DEFAULT_TOML, DEFAULT_LABEL)
}

/// Reads and loads a scenario file.
pub fn load_file(path: &Path) -> Result<LoadedScenario, ScenarioError> {
    let label = path.display().to_string();
    let text = read_text(path, &label)?;
    load_str(&text, &label)
}

/// Reads a file as UTF-8 text with a size limit, with messages naming it.
pub fn read_text(path: &Path, label: &str) -> Result<String, ScenarioError> {
    let meta = std::fs::metadata(path).map_err(|e| ScenarioError::file(label, format!("cannot read: {e}")))?;
    if meta.is_dir() {
        return Err(ScenarioError::file(label, "is a directory, expected a scenario .toml file"));
    }
    crate::limits::file_size(meta.len()).map_err(|e| ScenarioError::file(label, e.to_string()))?;
    let bytes = std::fs::read(path).map_err(|e| ScenarioError::file(label, format!("cannot read: {e}")))?;
    decode_text(bytes, label)
}

/// A scenario file's bytes as text: it must be UTF-8.
pub fn decode_text(bytes: Vec<u8>, label: &str) -> Result<String, ScenarioError> {
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let valid = std::str::from_utf8(&e.as_bytes()[..offset]).unwrap_or_default();
        ScenarioError::file(
            label,
            format!(
                "not UTF-8 text (a binary file, or saved in another encoding?): invalid byte 0x{:02x} at offset {offset}",
                e.as_bytes()[offset]
            ),
        )
        .at(Some(line_col(valid, offset)))
    })
}

/// Parses TOML text, reporting syntax errors with line and column.
pub fn parse_table(text: &str, label: &str) -> Result<Table, ScenarioError> {
    if text.trim().is_empty() {
        let what = if text.is_empty() { "is empty" } else { "holds only white space" };
        return Err(ScenarioError::file(label, format!("file {what}; expected a TOML scenario")));
    }
    let table = text.parse::<Table>().map_err(|e| {
        let at = e.span().map(|s| s.start);
        let mut message = e.message().trim().replace('\n', "; ");
        if message.is_empty() {
            message = "unexpected text".into();
        }
        if at.is_some_and(|at| text.get(at..).is_some_and(|rest| rest.trim().is_empty())) {
            message.push_str(" (the file ends here: is it cut short?)");
        }
        ScenarioError::file(label, format!("TOML syntax error: {message}")).at(at.map(|at| line_col(text, at)))
    })?;
    if table.is_empty() {
        return Err(ScenarioError::file(
            label,
            "sets nothing (only comments); write the keys that differ from the built-in default, or omit the file to run the default",
        ));
    }
    Ok(table)
}

/// Loads scenario text; `label` names it in messages.
pub fn load_str(text: &str, label: &str) -> Result<LoadedScenario, ScenarioError> {
    load_with_overrides(text, label, &[])
}

/// Loads scenario text with `overrides` (dotted key paths that must exist,
/// as in an arm's `set`) applied to the base before its arms, so every arm
/// and the counterfactual see them; an arm's own `set` still wins.
pub fn load_with_overrides(text: &str, label: &str, overrides: &[(String, Value)]) -> Result<LoadedScenario, ScenarioError> {
    load_with_base(DEFAULT_TOML, text, label, overrides)
}

/// As [`load_with_overrides`], merged over `base_text` in place of the
/// built-in default: how a change to the default (a new key, a new value)
/// reaches scenario files written before it can be tested with any base.
pub fn load_with_base(base_text: &str, text: &str, label: &str, overrides: &[(String, Value)]) -> Result<LoadedScenario, ScenarioError> {
    let user = parse_table(text, label)?;
    let is_default = text == base_text;
    let mut merged = parse_table(base_text, DEFAULT_LABEL)?;
    if !is_default {
        // Arms are the user's own: they are never inherited from the default.
        merged.remove("arms");
        // So are priors: the default's describe its own values, not a
        // file's that changes them.
        merged.remove("uncertainty");
        if user.contains_key("name") {
            // A scenario that names itself but lacks a description should
            // not inherit the default's.
            merged.insert("description".into(), Value::String(String::new()));
        }
    }
    if user.contains_key(ONLINE_KEY) && !merged.contains_key(ONLINE_KEY) {
        // The opt-in route: a file that writes `[online]` gets the keys it
        // leaves out from the route's own defaults.
        let defaults = parse_table(ONLINE_DEFAULT_TOML, DEFAULT_LABEL)?;
        merged.insert(ONLINE_KEY.into(), Value::Table(defaults));
    }
    merge_over(&mut merged, user, label, text)?;
    let mut whole = Value::Table(merged);
    for (path, value) in overrides {
        set_path(&mut whole, path, value.clone()).map_err(|m| ScenarioError::key(label, path.clone(), m))?;
    }
    let base: RawScenario = deserialize(whole.clone(), text, label)?;
    let base_scenario = validate(&base, label, text)?;
    super::uncertainty::parse(&base.uncertainty, &whole, text, label)?;

    let mut base_only = whole.clone();
    if let Value::Table(t) = &mut base_only {
        t.remove("arms");
    }
    let mut arms = Vec::new();
    let mut counterfactual_value = base_only.clone();
    set_path(&mut counterfactual_value, "navigation.mode", Value::String("off".into()))
        .map_err(|m| ScenarioError::key(label, "navigation.mode", m))?;
    let counterfactual: RawScenario = deserialize(counterfactual_value, text, label)?;
    arms.push(Arm {
        name: COUNTERFACTUAL.into(),
        description: "Signposting off: every clinical or social need goes to the GP diary".into(),
        overrides: vec![("navigation.mode".into(), Value::String("off".into()))],
        scenario: validate(&counterfactual, label, text)?,
    });

    if base.arms.is_empty() {
        let description = if base_scenario.raw.navigation.mode == Mode::Off {
            "The base scenario as written (signposting off: identical to the counterfactual)"
        } else {
            "The base scenario as written"
        };
        arms.push(Arm {
            name: "base".into(),
            description: description.into(),
            overrides: vec![],
            scenario: base_scenario,
        });
    }
    let mut seen = vec![COUNTERFACTUAL.to_string()];
    for (i, arm) in base.arms.iter().enumerate() {
        let arm_key = format!("arms[{i}]");
        let name_key = format!("{arm_key}.name");
        if arm.name.trim().is_empty() {
            return Err(ScenarioError::key(label, name_key, "must not be empty").at(locate(text, &arm_key)));
        }
        // Arm names label tables, charts and the terminal: any text that
        // prints as itself (quotes, commas, `<`, accents) is fine.
        let chars = arm.name.chars().count();
        let rule = if chars > MAX_ARM_NAME_CHARS {
            Some(format!("must be at most {MAX_ARM_NAME_CHARS} characters, found {chars}"))
        } else if arm.name.chars().any(char::is_control) {
            Some(format!(
                "`{}` must not contain control characters (newlines, tabs, escapes)",
                arm.name
            ))
        } else {
            None
        };
        if let Some(rule) = rule {
            return Err(ScenarioError::key(label, &name_key, rule).at(locate(text, &name_key)));
        }
        if let Some(first) = seen.iter().position(|n| *n == arm.name) {
            let rule = if first == 0 {
                format!("arm name `{COUNTERFACTUAL}` is reserved for the arm with signposting off, which always runs")
            } else {
                format!("arm name `{}` is used twice (also arms[{}])", arm.name, first - 1)
            };
            return Err(ScenarioError::key(label, format!("{arm_key}.name"), rule).at(locate(text, &format!("{arm_key}.name"))));
        }
        seen.push(arm.name.clone());
        let mut value = base_only.clone();
        for (path, v) in &arm.set {
            let key = format!("{arm_key}.set.\"{path}\"");
            let at = locate(text, &key);
            if path.starts_with("arms") || path == "name" || path == "seed" || path == "replications" {
                return Err(ScenarioError::key(label, key, "this key cannot be overridden per arm").at(at));
            }
            set_path(&mut value, path, v.clone()).map_err(|m| ScenarioError::key(label, key, m).at(at))?;
        }
        // An error in the arm's scenario is the arm's: point at the override
        // that caused it, or else at the arm's `set`.
        let in_arm = |mut e: ScenarioError| {
            let inner = e.key.take().unwrap_or_default();
            e.location = locate(text, &format!("{arm_key}.set.\"{inner}\""));
            e.key = Some(format!("{arm_key}.set: {inner}"));
            e
        };
        let raw: RawScenario = deserialize(value, text, label).map_err(in_arm)?;
        let scenario = validate(&raw, label, text).map_err(in_arm)?;
        arms.push(Arm {
            name: arm.name.clone(),
            description: arm.description.clone(),
            overrides: arm.set.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            scenario,
        });
    }
    // Pharmacy First's metrics are in every arm's results if it is on in
    // any, and in none otherwise (so runs without it write what they did).
    let reported = arms.iter().any(|a| a.scenario.pharmacy_first_reported);
    for arm in &mut arms {
        arm.scenario.pharmacy_first_reported = reported;
    }
    Ok(LoadedScenario {
        file: label.to_string(),
        sha256: hex_sha256(text),
        base,
        arms,
    })
}

/// Hex SHA-256 of `text`.
pub fn hex_sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// One step of a resolved key path: a table key or an array index.
enum Step {
    Key(String),
    Index(usize),
}

/// Resolves a dotted path against `root` into steps, with messages naming
/// the first part that does not exist. Array elements are selected by
/// index (`vcse.services\[1\].places`, `vcse.services.1.places`) or by
/// their `name` (`vcse.services.befriending.places`).
fn resolve(root: &Value, path: &str) -> Result<Vec<Step>, String> {
    let parts: Vec<String> = path
        .replace('[', ".")
        .replace(']', "")
        .split('.')
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    if parts.is_empty() {
        return Err("empty key path; an override names a key such as `splw.fte`".into());
    }
    let mut node = root;
    let mut walked = String::new();
    let mut steps = Vec::with_capacity(parts.len());
    for part in &parts {
        let here = if walked.is_empty() {
            part.clone()
        } else {
            format!("{walked}.{part}")
        };
        node = match node {
            Value::Table(t) => {
                let Some(next) = t.get(part) else {
                    let hint = did_you_mean(part, t.keys().map(String::as_str));
                    let parent = if walked.is_empty() {
                        "the scenario".to_string()
                    } else {
                        format!("`{walked}`")
                    };
                    return Err(format!("no key `{part}` in {parent}{hint}"));
                };
                steps.push(Step::Key(part.clone()));
                next
            }
            Value::Array(items) => {
                let idx = match part.parse::<usize>() {
                    Ok(i) if i < items.len() => i,
                    Ok(i) => return Err(format!("`{walked}` has {} elements; index {i} is out of range", items.len())),
                    Err(_) => {
                        let names: Vec<String> = items
                            .iter()
                            .filter_map(|v| v.get("name").and_then(Value::as_str).map(str::to_string))
                            .collect();
                        match names.iter().position(|n| n == part) {
                            Some(i) => i,
                            None => {
                                let hint = did_you_mean(part, names.iter().map(String::as_str));
                                return Err(format!("no element named `{part}` in `{walked}`{hint}"));
                            }
                        }
                    }
                };
                steps.push(Step::Index(idx));
                &items[idx]
            }
            _ => return Err(format!("`{walked}` is a value, not a table: cannot set `{here}`")),
        };
        walked = here;
    }
    Ok(steps)
}

/// The value at a dotted path (the paths of [`set_path`]).
pub fn get_path<'a>(root: &'a Value, path: &str) -> Result<&'a Value, String> {
    let mut node = root;
    for step in resolve(root, path)? {
        node = match (node, step) {
            (Value::Table(t), Step::Key(k)) => &t[&k],
            (Value::Array(a), Step::Index(i)) => &a[i],
            _ => return Err(format!("cannot follow `{path}`")),
        };
    }
    Ok(node)
}

/// Sets the value at a dotted path that must already exist. Array elements
/// are selected by index (`vcse.services\[1\].places`, `vcse.services.1.places`)
/// or by their `name` (`vcse.services.befriending.places`).
pub fn set_path(root: &mut Value, path: &str, value: Value) -> Result<(), String> {
    let steps = resolve(root, path).map_err(|m| {
        if m.starts_with("no key") {
            format!("{m}; an arm can only override keys that exist")
        } else {
            m
        }
    })?;
    let mut node = root;
    for step in steps {
        node = match (node, step) {
            (Value::Table(t), Step::Key(k)) => t.get_mut(&k).ok_or_else(|| format!("no key `{k}`"))?,
            (Value::Array(a), Step::Index(i)) => a.get_mut(i).ok_or_else(|| format!("no element {i}"))?,
            _ => return Err(format!("cannot follow `{path}`")),
        };
    }
    let shown = path.replace('[', ".").replace(']', "");
    check_same_kind(node, &value, shown.trim_matches('.'))?;
    *node = value;
    Ok(())
}

/// An override must keep the kind of value it replaces (an integer may
/// replace a float and vice versa).
fn check_same_kind(old: &Value, new: &Value, path: &str) -> Result<(), String> {
    let numeric = |v: &Value| matches!(v, Value::Integer(_) | Value::Float(_));
    if std::mem::discriminant(old) == std::mem::discriminant(new) || (numeric(old) && numeric(new)) {
        Ok(())
    } else {
        Err(format!("`{path}` expects {}, found {}", old.type_str(), new.type_str()))
    }
}

/// Deserializes a merged TOML value, naming the key path on error.
/// Deserializes a TOML value, with errors naming the file, line, key path
/// and (for near-miss keys) "did you mean".
pub fn deserialize<T: serde::de::DeserializeOwned>(value: Value, text: &str, label: &str) -> Result<T, ScenarioError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        let message = serde_message(&inner);
        let key = if path == "." { None } else { Some(path.clone()) };
        let location = key.as_deref().and_then(|k| locate(text, k));
        ScenarioError {
            file: label.to_string(),
            location,
            key,
            message,
        }
    })
}

/// Rewrites a serde message for a person editing TOML: "did you mean" for
/// unknown keys, TOML's words for types (`a number`, not `f64`; `a table`,
/// not `struct RawGp`), one line.
pub fn serde_message(message: &str) -> String {
    let first_line = message.lines().next().unwrap_or(message).trim();
    if let Some(rest) = first_line.strip_prefix("unknown field `") {
        // The field itself may hold a backtick: split at the last "`, ".
        if let Some((field, expected)) = rest
            .rsplit_once("`, expected ")
            .or_else(|| rest.rsplit_once("`, there are no fields"))
        {
            let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
            let hint = did_you_mean(field, candidates.iter().copied());
            return if candidates.is_empty() {
                format!("unknown key `{field}`; this table takes no keys")
            } else {
                format!("unknown key `{field}`{hint}; expected one of: {}", candidates.join(", "))
            };
        }
    }
    if let Some(rest) = first_line.strip_prefix("missing field `") {
        return format!("missing required key `{rest}");
    }
    let (head, expected) = match first_line.rsplit_once(", expected ") {
        Some((head, expected)) if head.starts_with("invalid ") => (head, expected),
        _ => return first_line.to_string(),
    };
    let expected = match expected {
        "f64" | "f32" => "a number",
        "u64" | "usize" => "a whole number >= 0",
        "u32" => "a whole number from 0 to 4294967295",
        "u16" => "a whole number from 0 to 65535",
        "i64" | "i32" => "a whole number",
        "a sequence" | "sequence" => "an array",
        "a map" | "map" => "a table",
        e if e.starts_with("struct ") => "a table",
        e if e.starts_with("internally tagged enum") => "a distribution such as { dist = \"exponential\", mean = 1.0 }",
        e => e,
    };
    let mut head = head.replace(": sequence", ": an array").replace(": map", ": a table");
    // serde prints floats in full: 1e-300 as three hundred digits.
    if let Some(start) = head.find("floating point `").map(|i| i + "floating point `".len()) {
        if let Some(len) = head[start..].find('`') {
            if let Ok(v) = head[start..start + len].parse::<f64>() {
                head.replace_range(start..start + len, &show_number(v));
            }
        }
    }
    format!("{head}, expected {expected}")
}

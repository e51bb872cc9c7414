//! `signpost.Scenario`: a pathway scenario as the library loads it — its
//! TOML text (arms added from Python are written into it, so it stays a
//! file the CLI can run) and overrides of the base applied as an arm's
//! `set` would be.

use crate::scenario_error;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use signpost::scenario::load::{self, LoadedScenario};
use std::sync::Arc;
use toml::Value;

/// A checked pathway scenario: the base, its arms and the counterfactual
/// (signposting off) that every arm is compared with.
///
/// Make one with `signpost.load_scenario(...)` or
/// `signpost.default_scenario()`; change it with `with_overrides` (a new
/// scenario) and `add_arm` (in place). Every change is checked at once:
/// a value the simulator refuses raises `signpost.ScenarioError`.
#[pyclass(module = "signpost")]
#[derive(Clone)]
pub struct Scenario {
    /// The scenario text (with any arms added from Python).
    pub text: String,
    /// Where it came from, as messages name it.
    pub label: String,
    /// Overrides of the base, in the order given: dotted key → value.
    pub overrides: Vec<(String, Value)>,
    /// The checked scenario.
    pub loaded: Arc<LoadedScenario>,
}

impl Scenario {
    /// Loads `text` with `overrides`; a refusal is a `ScenarioError`.
    pub fn load(text: String, label: String, overrides: Vec<(String, Value)>) -> PyResult<Scenario> {
        if signpost::network::is_network(&text) {
            return Err(crate::ScenarioError::new_err(format!(
                "{label}: a queueing-network scenario ([network]); load it with signpost.load_network or run it with signpost.run_network"
            )));
        }
        let loaded = load::load_with_overrides(&text, &label, &overrides).map_err(|e| scenario_error(&e))?;
        Ok(Scenario {
            text,
            label,
            overrides,
            loaded: Arc::new(loaded),
        })
    }
}

/// Loads scenario TOML text; `label` names it in messages.
#[pyfunction]
pub fn load_text(text: String, label: String) -> PyResult<Scenario> {
    Scenario::load(text, label, Vec::new())
}

/// Reads and loads a scenario file (UTF-8, at most the library's size
/// limit).
#[pyfunction]
pub fn load_path(path: std::path::PathBuf) -> PyResult<Scenario> {
    let label = path.display().to_string();
    let text = load::read_text(&path, &label).map_err(|e| scenario_error(&e))?;
    Scenario::load(text, label, Vec::new())
}

/// The built-in default scenario (`scenarios/default.toml`).
#[pyfunction]
pub fn default_scenario() -> PyResult<Scenario> {
    Scenario::load(load::DEFAULT_TOML.to_string(), load::DEFAULT_LABEL.to_string(), Vec::new())
}

/// Whether `text` is a queueing-network scenario (a `[network]` table).
#[pyfunction]
pub fn is_network(text: &str) -> bool {
    signpost::network::is_network(text)
}

/// A Python value as a TOML value: bool, int, float, str, and lists and
/// dicts of them. Anything else (None, dates, objects) is a `TypeError`.
fn to_toml(key: &str, value: &Bound<'_, PyAny>) -> PyResult<Value> {
    // bool before int: Python's True is an int.
    if let Ok(b) = value.cast::<PyBool>() {
        return Ok(Value::Boolean(b.is_true()));
    }
    if value.is_instance_of::<PyInt>() {
        return value
            .extract::<i64>()
            .map(Value::Integer)
            .map_err(|_| PyValueError::new_err(format!("{key}: integer {value} does not fit in 64 bits")));
    }
    if let Ok(f) = value.cast::<PyFloat>() {
        return Ok(Value::Float(f.value()));
    }
    if value.is_instance_of::<PyString>() {
        return Ok(Value::String(value.extract()?));
    }
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        let items = value
            .try_iter()?
            .enumerate()
            .map(|(i, item)| to_toml(&format!("{key}[{i}]"), &item?))
            .collect::<PyResult<Vec<_>>>()?;
        return Ok(Value::Array(items));
    }
    if let Ok(d) = value.cast::<PyDict>() {
        let mut table = toml::Table::new();
        for (k, v) in d.iter() {
            let k: String = k
                .extract()
                .map_err(|_| PyTypeError::new_err(format!("{key}: table keys must be str, found {}", k.get_type())))?;
            let inner = to_toml(&format!("{key}.{k}"), &v)?;
            table.insert(k, inner);
        }
        return Ok(Value::Table(table));
    }
    Err(PyTypeError::new_err(format!(
        "{key}: a scenario value must be bool, int, float, str, list or dict, found {}",
        value.get_type()
    )))
}

/// `{"splw.fte": 4, ...}` as overrides, in the dict's order.
fn overrides_of(what: &str, overrides: &Bound<'_, PyAny>) -> PyResult<Vec<(String, Value)>> {
    let dict = overrides.cast::<PyDict>().map_err(|_| {
        PyTypeError::new_err(format!(
            "{what}: expected a dict of dotted keys to values, e.g. {{\"splw.fte\": 4}}, found {}",
            overrides.get_type()
        ))
    })?;
    dict.iter()
        .map(|(k, v)| {
            let key: String = k.extract().map_err(|_| {
                PyTypeError::new_err(format!(
                    "{what}: keys must be dotted key strings such as \"splw.fte\", found {}",
                    k.get_type()
                ))
            })?;
            let value = to_toml(&key, &v)?;
            Ok((key, value))
        })
        .collect()
}

/// `text` with one more `[[arms]]` entry (or, where the arms are an inline
/// array, one more inline table).
fn with_arm(text: &str, label: &str, name: &str, description: &str, set: &[(String, Value)]) -> PyResult<String> {
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| crate::ScenarioError::new_err(format!("{label}: TOML syntax error: {}", e.message())))?;
    let mut table = toml_edit::InlineTable::new();
    for (k, v) in set {
        // A toml value printed is TOML: parse it back as toml_edit's.
        let value: toml_edit::Value = v
            .to_string()
            .parse()
            .map_err(|_| PyValueError::new_err(format!("{k}: cannot be written as TOML")))?;
        table.insert(k, value);
    }
    let mut arm = toml_edit::Table::new();
    arm.insert("name", toml_edit::value(name));
    if !description.is_empty() {
        arm.insert("description", toml_edit::value(description));
    }
    arm.insert("set", toml_edit::Item::Value(toml_edit::Value::InlineTable(table.clone())));
    match doc.get_mut("arms") {
        None => {
            let mut arms = toml_edit::ArrayOfTables::new();
            arms.push(arm);
            doc.insert("arms", toml_edit::Item::ArrayOfTables(arms));
        }
        Some(toml_edit::Item::ArrayOfTables(arms)) => arms.push(arm),
        Some(toml_edit::Item::Value(toml_edit::Value::Array(arms))) => {
            let mut inline = toml_edit::InlineTable::new();
            inline.insert("name", name.into());
            if !description.is_empty() {
                inline.insert("description", description.into());
            }
            inline.insert("set", toml_edit::Value::InlineTable(table));
            arms.push(inline);
        }
        Some(_) => {
            return Err(crate::ScenarioError::new_err(format!(
                "{label}: arms: must be an array of tables ([[arms]]), so no arm can be added"
            )))
        }
    }
    Ok(doc.to_string())
}

#[pymethods]
impl Scenario {
    /// A new scenario with `overrides` applied to the base, as an arm's
    /// `set` is (same dotted keys: `"splw.fte"`, `"needs[2].share"`,
    /// `"navigation.training"`), so the counterfactual and every arm see
    /// them; an arm's own `set` still wins. This scenario is unchanged.
    fn with_overrides(&self, overrides: &Bound<'_, PyAny>) -> PyResult<Scenario> {
        let mut all = self.overrides.clone();
        all.extend(overrides_of("with_overrides", overrides)?);
        Scenario::load(self.text.clone(), self.label.clone(), all)
    }

    /// Adds an arm, in place: `name`, its overrides of the base (a dict of
    /// dotted keys, as with_overrides) and an optional description. It is
    /// written into the scenario's TOML as a `[[arms]]` entry, exactly as
    /// if the file held it. A scenario without arms runs its base as the arm
    /// `base`; once it has arms of its own, only those run (beside the
    /// counterfactual).
    #[pyo3(signature = (name, overrides, description = None))]
    fn add_arm(&mut self, name: &Bound<'_, PyAny>, overrides: &Bound<'_, PyAny>, description: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
        let name: String = name
            .extract()
            .map_err(|_| PyTypeError::new_err(format!("add_arm: name must be str, found {}", name.get_type())))?;
        let description: String = match description {
            None => String::new(),
            Some(d) => d
                .extract()
                .map_err(|_| PyTypeError::new_err(format!("add_arm: description must be str, found {}", d.get_type())))?,
        };
        let set = overrides_of("add_arm", overrides)?;
        let text = with_arm(&self.text, &self.label, &name, &description, &set)?;
        *self = Scenario::load(text, self.label.clone(), self.overrides.clone())?;
        Ok(())
    }

    /// The fully resolved scenario (every key, defaults filled in, base
    /// overrides applied, arms as written) as nested dicts and lists: the
    /// content of the run's `scenario.toml`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let json =
            serde_json::to_string(&self.loaded.base).map_err(|e| PyValueError::new_err(format!("cannot convert the scenario: {e}")))?;
        py.import("json")?.call_method1("loads", (json,))
    }

    /// The fully resolved scenario as TOML (what `scenario.toml` holds).
    fn resolved_toml(&self) -> String {
        self.loaded.resolved_toml()
    }

    /// The scenario's TOML text, with arms added by `add_arm`; the base
    /// overrides are not in it (see `overrides`).
    #[getter]
    fn text(&self) -> &str {
        &self.text
    }

    /// The file or label the scenario came from, as messages name it.
    #[getter]
    fn label(&self) -> &str {
        &self.label
    }

    /// The scenario's name (names the CLI's output directory).
    #[getter]
    fn name(&self) -> &str {
        self.loaded.name()
    }

    /// The scenario's master seed.
    #[getter]
    fn seed(&self) -> u64 {
        self.loaded.base.seed
    }

    /// The scenario's replications per arm.
    #[getter]
    fn replications(&self) -> u64 {
        self.loaded.base.replications
    }

    /// The arms that run, the counterfactual first.
    #[getter]
    fn arms(&self) -> Vec<String> {
        self.loaded.arms.iter().map(|a| a.name.clone()).collect()
    }

    /// The base overrides, as `(key, value)` pairs in the order given.
    #[getter]
    fn overrides<'py>(&self, py: Python<'py>) -> PyResult<Vec<(String, Bound<'py, PyAny>)>> {
        let json = py.import("json")?;
        self.overrides
            .iter()
            .map(|(k, v)| {
                let text = serde_json::to_string(v).map_err(|e| PyValueError::new_err(e.to_string()))?;
                Ok((k.clone(), json.call_method1("loads", (text,))?))
            })
            .collect()
    }

    fn __repr__(&self) -> String {
        format!(
            "<signpost.Scenario {:?} from {}: arms {}>",
            self.loaded.name(),
            self.label,
            self.loaded.arms.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join(", ")
        )
    }
}

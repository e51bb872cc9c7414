//! The policy levers the page shows: which scenario keys, their labels and
//! units, the ranges a control allows, and how values typed into a control
//! or a URL fragment become an arm's `set` (or, for the list size and
//! demand, the base's values, so the counterfactual changes with them).

use signpost::scenario::keys::did_you_mean;
use signpost::scenario::load::{get_path, LoadedScenario};
use toml::Value;

/// What a control is.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// One of a few words.
    Choice(Vec<String>),
    /// On or off.
    Toggle,
    /// A number in `[min, max]`; `integer` when the key takes whole numbers.
    Number {
        /// Smallest allowed.
        min: f64,
        /// Largest allowed.
        max: f64,
        /// The control's step.
        step: f64,
        /// Whole numbers only.
        integer: bool,
    },
}

/// Where a lever's value goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Into the what-if arm's `set`: a policy.
    Arm,
    /// Into the base, so the counterfactual and the arm both take it: the
    /// practice's context, not a policy.
    Base,
}

/// One control.
#[derive(Debug, Clone, PartialEq)]
pub struct Lever {
    /// The scenario key, as in an arm's `set` and in the URL fragment.
    pub key: String,
    /// The group it is shown in.
    pub group: &'static str,
    /// Plain-English label.
    pub label: String,
    /// Unit or reading of the value.
    pub unit: &'static str,
    /// The control.
    pub kind: Kind,
    /// Arm or base.
    pub scope: Scope,
}

/// A number lever's range and step.
fn number(min: f64, max: f64, step: f64, integer: bool) -> Kind {
    Kind::Number { min, max, step, integer }
}

/// The levers of `loaded`: the fixed ones, then one "places" lever per VCSE
/// service. A number range always contains the scenario's own value.
pub fn levers(loaded: &LoadedScenario) -> Vec<Lever> {
    let fixed = |key: &str, group, label: &str, unit, kind, scope| Lever {
        key: key.into(),
        group,
        label: label.into(),
        unit,
        kind,
        scope,
    };
    let nav = "Care navigation (reception)";
    let splw = "Social prescribing link workers";
    let vcse = "Voluntary and community services";
    let context = "The practice population";
    let mut out = vec![
        fixed(
            "navigation.training",
            nav,
            "Care-navigation training tier",
            "HEE competency framework tier",
            Kind::Choice(["none", "essential", "enhanced", "expert"].map(String::from).to_vec()),
            Scope::Arm,
        ),
        fixed(
            "navigation.capacity_aware",
            nav,
            "Capacity-aware signposting (check a service's wait before sending anyone)",
            "on or off",
            Kind::Toggle,
            Scope::Arm,
        ),
        fixed(
            "navigation.directory_refresh_days",
            nav,
            "Service directory refreshed every",
            "days (0 = live)",
            number(0.0, 90.0, 1.0, false),
            Scope::Arm,
        ),
        fixed(
            "navigation.awareness",
            nav,
            "Public awareness: share of would-be decliners persuaded",
            "share (0.25 = a quarter)",
            number(0.0, 1.0, 0.05, false),
            Scope::Arm,
        ),
        fixed(
            "splw.fte",
            splw,
            "Link workers",
            "full-time equivalents",
            number(0.0, 20.0, 0.5, false),
            Scope::Arm,
        ),
        fixed(
            "splw.caseload_per_fte",
            splw,
            "Caseload per link worker",
            "people at once, per FTE",
            number(5.0, 200.0, 5.0, false),
            Scope::Arm,
        ),
        fixed(
            "splw.admin_share",
            splw,
            "Share of link-worker time on admin and travel",
            "share (0.30 = 30%)",
            number(0.0, 0.9, 0.05, false),
            Scope::Arm,
        ),
        fixed(
            "splw.mdt",
            splw,
            "Weekly multidisciplinary (MDT) meetings for complex cases",
            "on or off",
            Kind::Toggle,
            Scope::Arm,
        ),
        fixed(
            "vcse.funding",
            vcse,
            "VCSE funding (multiplies every service's places)",
            "× today's funding",
            number(0.0, 5.0, 0.1, false),
            Scope::Arm,
        ),
        fixed(
            "vcse.transport_support",
            vcse,
            "Transport support for rural patients",
            "on or off",
            Kind::Toggle,
            Scope::Arm,
        ),
    ];
    for (i, service) in loaded.base.vcse.services.iter().enumerate() {
        // A name that is a plain word addresses the service in the
        // fragment; any other is addressed by its position.
        let plain = !service.name.is_empty() && service.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        let key = if plain {
            format!("vcse.services.{}.places", service.name)
        } else {
            format!("vcse.services[{i}].places")
        };
        out.push(Lever {
            key,
            group: vcse,
            label: format!("Places at {}", service.name.replace('_', " ")),
            unit: "people at once",
            kind: number(0.0, 1000.0, 1.0, true),
            scope: Scope::Arm,
        });
    }
    out.push(fixed(
        "population.list_size",
        context,
        "Registered patients (list size)",
        "patients",
        number(1000.0, 200_000.0, 1000.0, true),
        Scope::Base,
    ));
    out.push(fixed(
        "population.contacts_per_patient_year",
        context,
        "Demand: new contacts per patient a year",
        "contacts per patient per year",
        number(0.5, 10.0, 0.1, false),
        Scope::Base,
    ));
    // Widen a range to hold the scenario's own value, so its defaults are
    // always allowed.
    let values: Vec<Value> = loaded.arms.iter().filter_map(|a| Value::try_from(&a.scenario.raw).ok()).collect();
    for lever in &mut out {
        if let Kind::Number { min, max, .. } = &mut lever.kind {
            for x in values.iter().filter_map(|v| get_path(v, &lever.key).ok().and_then(as_f64)) {
                *min = min.min(x);
                *max = max.max(x);
            }
        }
    }
    out
}

/// A TOML number as f64.
pub fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Integer(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

/// Parses the text of a control or fragment for `lever` into the TOML value
/// its key takes, or says what was expected.
pub fn parse_value(lever: &Lever, text: &str) -> Result<Value, String> {
    let t = text.trim();
    let key = &lever.key;
    match &lever.kind {
        Kind::Choice(choices) => choices
            .iter()
            .find(|c| c.as_str() == t)
            .map(|c| Value::String(c.clone()))
            .ok_or_else(|| format!("{key}: must be one of {}; found `{t}`", choices.join(", "))),
        Kind::Toggle => match t {
            "true" | "on" | "yes" | "1" => Ok(Value::Boolean(true)),
            "false" | "off" | "no" | "0" => Ok(Value::Boolean(false)),
            _ => Err(format!("{key}: must be true or false; found `{t}`")),
        },
        Kind::Number { min, max, integer, .. } => {
            let x: f64 = t
                .parse()
                .ok()
                .filter(|x: &f64| x.is_finite())
                .ok_or_else(|| format!("{key}: must be a number; found `{t}`"))?;
            if x < *min || x > *max {
                return Err(format!(
                    "{key}: must be from {} to {} ({}); found {t}",
                    show(*min),
                    show(*max),
                    lever.unit
                ));
            }
            if *integer {
                if x.fract() != 0.0 {
                    return Err(format!("{key}: must be a whole number; found {t}"));
                }
                Ok(Value::Integer(x as i64))
            } else {
                Ok(Value::Float(x))
            }
        }
    }
}

/// A number as people write it: no `.0` on whole numbers.
fn show(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// The levers' keys, for messages.
pub fn keys(levers: &[Lever]) -> impl Iterator<Item = &str> {
    levers.iter().map(|l| l.key.as_str())
}

/// The message for a fragment key that is no lever.
pub fn unknown(key: &str, levers: &[Lever], others: &[&str]) -> String {
    let all: Vec<&str> = keys(levers).chain(others.iter().copied()).collect();
    format!(
        "`{key}` is not a lever of this page{}; the levers are {}",
        did_you_mean(key, all.iter().copied()),
        all.join(", ")
    )
}

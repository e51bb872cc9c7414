//! Issue #10, scenario files that survive new keys: arrays of named tables
//! (`[[needs]]`, `[[roles]]`, `[[vcse.services]]`) merge with the default
//! element by element, matched by `name`. A file listing partial elements
//! loads, each element taking the keys it leaves out from the default's
//! element of the same name; the file's list still decides which elements
//! exist; and a key added to the default reaches a file written before it.
//! The refusals (a new element missing keys, a near-miss name, duplicates)
//! go through the real binary in `tests/corpus/bad/` (`corpus.rs`).

use crate::support::root;
use signpost::scenario::load::{load_default, load_file, load_with_base, LoadedScenario, DEFAULT_TOML};
use signpost::scenario::merge::merge_over;
use signpost::scenario::raw::{RawRole, RawScenario, RawService};
use toml::{Table, Value};

const FIXTURE: &str = "tests/fixtures/partial_elements.toml";

fn fixture_text() -> String {
    std::fs::read_to_string(root().join(FIXTURE)).expect("fixture")
}

fn role<'a>(raw: &'a RawScenario, name: &str) -> &'a RawRole {
    raw.roles.iter().find(|r| r.name == name).unwrap_or_else(|| panic!("role {name}"))
}

fn service<'a>(raw: &'a RawScenario, name: &str) -> &'a RawService {
    raw.vcse
        .services
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("service {name}"))
}

fn arm<'a>(loaded: &'a LoadedScenario, name: &str) -> &'a RawScenario {
    &loaded
        .arms
        .iter()
        .find(|a| a.name == name)
        .unwrap_or_else(|| panic!("arm {name}"))
        .scenario
        .raw
}

/// Every field of a service, as TOML, to compare whole elements.
fn as_toml<T: serde::Serialize>(value: &T) -> String {
    toml::to_string(value).expect("serialise")
}

#[test]
fn a_file_listing_partial_elements_loads_and_inherits_the_rest() {
    let loaded = load_file(&root().join(FIXTURE)).unwrap_or_else(|e| panic!("{e}"));
    let default = load_default().expect("default").base;
    let raw = &loaded.base;

    // The file's list decides which elements exist, and in what order.
    let roles: Vec<&str> = raw.roles.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        roles,
        ["nurse", "pharmacist", "paramedic"],
        "physio is not listed, so not inherited"
    );
    let services: Vec<&str> = raw.vcse.services.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(services, ["advice", "befriending", "men_sheds"]);

    // What the file writes wins; what it leaves out comes from the namesake.
    let (nurse, default_nurse) = (role(raw, "nurse"), role(&default, "nurse"));
    assert_eq!(nurse.fte, 2.0);
    assert_eq!(nurse.appointments_per_fte_day, default_nurse.appointments_per_fte_day);
    assert_eq!(nurse.remit, default_nurse.remit);
    assert_eq!(nurse.annual_cost_per_fte, default_nurse.annual_cost_per_fte);
    let pharmacist = role(raw, "pharmacist");
    assert_eq!((pharmacist.fte, pharmacist.weight), (0.8, 0.5));
    assert_eq!(pharmacist.remit, role(&default, "pharmacist").remit);

    let (advice, default_advice) = (service(raw, "advice"), service(&default, "advice"));
    assert_eq!((advice.places, advice.initial_occupancy, advice.initial_waitlist), (12, 8, 4));
    assert_eq!(advice.needs, default_advice.needs);
    assert_eq!(advice.programme_weeks, default_advice.programme_weeks);
    assert_eq!(advice.closure_hazard_per_year, default_advice.closure_hazard_per_year);
    // A name alone keeps the default's element as it is.
    assert_eq!(as_toml(service(raw, "befriending")), as_toml(service(&default, "befriending")));
    // A new element is taken as written.
    assert_eq!(
        service(raw, "men_sheds").open_weekdays,
        [false, true, false, true, false, false, false]
    );

    let shares: Vec<(&str, f64)> = raw.needs.iter().map(|n| (n.name.as_str(), n.share)).collect();
    assert_eq!(shares[1], ("clinical_routine", 0.284));
    assert_eq!(shares[0], ("clinical_urgent", default.needs[0].share));
    assert_eq!(raw.needs[5].gp_refer_splw, default.needs[5].gp_refer_splw);
}

#[test]
fn arm_overrides_reach_keys_the_file_inherits() {
    let loaded = load_file(&root().join(FIXTURE)).unwrap_or_else(|e| panic!("{e}"));
    let default = load_default().expect("default").base;
    let longer = arm(&loaded, "longer_advice");
    assert_eq!(service(longer, "advice").programme_weeks, 8.0);
    assert_eq!(service(longer, "advice").places, 12, "the file's own value stays");
    assert_eq!(role(longer, "pharmacist").appointments_per_fte_day, 14.0);
    // The other arms keep the inherited values.
    let trained = arm(&loaded, "trained");
    assert_eq!(
        service(trained, "advice").programme_weeks,
        service(&default, "advice").programme_weeks
    );
    assert_eq!(
        role(trained, "pharmacist").appointments_per_fte_day,
        role(&default, "pharmacist").appointments_per_fte_day
    );
}

/// `text` with `old` (which must occur once) replaced by `new`.
fn replace_once(text: &str, old: &str, new: &str) -> String {
    assert_eq!(text.matches(old).count(), 1, "{old:?} must occur once");
    text.replacen(old, new, 1)
}

#[test]
fn a_changed_default_reaches_the_keys_a_file_leaves_out() {
    // Change two values the fixture's default-named elements do not write.
    let base = replace_once(DEFAULT_TOML, "programme_weeks = 6.0\n", "programme_weeks = 9.0\n");
    let base = replace_once(&base, "appointments_per_fte_day = 16.0", "appointments_per_fte_day = 11.0");
    let loaded = load_with_base(&base, &fixture_text(), FIXTURE, &[]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(service(&loaded.base, "advice").programme_weeks, 9.0);
    assert_eq!(service(&loaded.base, "advice").places, 12);
    assert_eq!(role(&loaded.base, "nurse").appointments_per_fte_day, 11.0);
    assert_eq!(role(&loaded.base, "nurse").fte, 2.0);
}

#[test]
fn a_key_added_to_the_default_elements_reaches_a_file_written_before_it() {
    // Tomorrow's default: every role and service gains a key today's types
    // do not know (standing for a new field with a serde default).
    let mut base: Table = DEFAULT_TOML.parse().expect("default");
    let add = |items: &mut Value, value: i64| {
        for item in items.as_array_mut().expect("array") {
            item.as_table_mut().expect("table").insert("new_key".into(), Value::Integer(value));
        }
    };
    add(base.get_mut("roles").expect("roles"), 1);
    add(&mut base["vcse"]["services"], 2);
    let text = fixture_text();
    let user: Table = text.parse().expect("fixture");
    merge_over(&mut base, user, FIXTURE, &text).unwrap_or_else(|e| panic!("{e}"));

    let element = |path: &[&str], name: &str| -> Table {
        let mut v = &base[path[0]];
        for p in &path[1..] {
            v = &v[*p];
        }
        let items = v.as_array().expect("array");
        let found = items.iter().find(|i| i["name"].as_str() == Some(name));
        found.and_then(Value::as_table).cloned().unwrap_or_else(|| panic!("{name}"))
    };
    let advice = element(&["vcse", "services"], "advice");
    assert_eq!(advice["new_key"], Value::Integer(2), "inherited from the default's advice");
    assert_eq!(advice["places"], Value::Integer(12), "the file's value stays");
    assert_eq!(element(&["vcse", "services"], "befriending")["new_key"], Value::Integer(2));
    assert_eq!(element(&["roles"], "nurse")["new_key"], Value::Integer(1));
    assert_eq!(element(&["roles"], "pharmacist")["fte"], Value::Float(0.8));
    // Elements the file adds itself are as written: they never had the key.
    assert!(!element(&["vcse", "services"], "men_sheds").contains_key("new_key"));
    assert!(!element(&["roles"], "paramedic").contains_key("new_key"));
}

/// Today's merge before issue #10: tables key by key, anything else
/// (arrays of tables included) replaced whole.
fn merge_replacing(base: &mut Table, user: Table) {
    for (key, value) in user {
        match (base.get_mut(&key), value) {
            (Some(Value::Table(b)), Value::Table(u)) => merge_replacing(b, u),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

#[test]
fn files_that_list_complete_elements_merge_exactly_as_before() {
    let mut files: Vec<_> = std::fs::read_dir(root().join("scenarios"))
        .expect("scenarios/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.push(root().join("tests/fixtures/small.toml"));
    let mut default: Table = DEFAULT_TOML.parse().expect("default");
    default.remove("arms");
    for path in files {
        let text = std::fs::read_to_string(&path).expect("read");
        let user: Table = text.parse().expect("TOML");
        let (mut by_name, mut replaced) = (default.clone(), default.clone());
        merge_over(&mut by_name, user.clone(), "f.toml", &text).unwrap_or_else(|e| panic!("{e}"));
        merge_replacing(&mut replaced, user);
        assert!(by_name == replaced, "{}: merging by name changed the scenario", path.display());
    }
}

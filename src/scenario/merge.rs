//! Merging a user's scenario over a base (the built-in default).
//!
//! Tables merge key by key: a key the user leaves out keeps the base's value.
//! Arrays of *named* tables — arrays whose base elements are all tables with
//! a string `name`: `[[needs]]`, `[[roles]]`, `[[vcse.services]]` — merge
//! element by element, matched by `name`:
//!
//! - **The user's list decides which elements exist, and their order.** A
//!   file that lists three services runs three services, as it always has;
//!   base elements it does not list are left out. (Merging the two lists
//!   instead would silently add the default's services to every existing
//!   file, and would need a new key to remove one.)
//! - **A listed element whose `name` equals a base element's** (exactly:
//!   case and spelling) takes every key it leaves out from that element, so
//!   a key added to the default later reaches files written before it, and
//!   `name = "befriending"` alone keeps the default's befriending service.
//! - **An element with a new name** must give every required key (the
//!   fields of its type without a serde default, see [`required_keys`]). The
//!   error lists each missing key and points at the element in the user's
//!   file.
//!
//! Any other value is replaced whole, arrays of unnamed tables included
//! (`population.hour_blocks`, `gp.lead_time_bands`, `changes`): their
//! elements are positional, with nothing to match them by. Elements keep the
//! user's indices, so every later error (`vcse.services[2].places`) still
//! locates the line in the user's file.

use super::keys::{locate, suggest};
use super::raw::{RawArm, RawNeed, RawRole, RawService};
use crate::error::ScenarioError;
use serde::de::DeserializeOwned;
use std::collections::BTreeSet;
use toml::{Table, Value};

/// The user's file, for error messages: its label and its text.
struct Source<'a> {
    label: &'a str,
    text: &'a str,
}

/// Merges `user` (parsed from `text`, named `label` in errors) over `base`,
/// as the module docs describe. Fails only when an element with a new name
/// leaves keys out.
pub fn merge_over(base: &mut Table, user: Table, label: &str, text: &str) -> Result<(), ScenarioError> {
    merge_table(base, user, "", &Source { label, text })
}

/// Merges one table; `prefix` is its key path (empty at the top).
fn merge_table(base: &mut Table, user: Table, prefix: &str, src: &Source) -> Result<(), ScenarioError> {
    for (key, value) in user {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        let merged = match (base.remove(&key), value) {
            (Some(Value::Table(mut b)), Value::Table(u)) => {
                merge_table(&mut b, u, &path, src)?;
                Value::Table(b)
            }
            (Some(Value::Array(b)), Value::Array(u)) if is_named(&b) => Value::Array(merge_named(&b, u, &path, src)?),
            (_, value) => value,
        };
        base.insert(key, merged);
    }
    Ok(())
}

/// The `name` of an array element, if it is a table with a string `name`.
fn name_of(item: &Value) -> Option<&str> {
    item.as_table()?.get("name")?.as_str()
}

/// Is this an array of named tables? An empty base array is not: with no
/// elements to inherit from, the user's list is taken as written.
fn is_named(items: &[Value]) -> bool {
    !items.is_empty() && items.iter().all(|v| name_of(v).is_some())
}

/// The user's elements, each merged over the base element of the same name.
fn merge_named(base: &[Value], user: Vec<Value>, path: &str, src: &Source) -> Result<Vec<Value>, ScenarioError> {
    let mut out = Vec::with_capacity(user.len());
    for (i, item) in user.into_iter().enumerate() {
        let here = format!("{path}[{i}]");
        let Value::Table(u) = item else {
            // Not a table: deserializing names the wrong type at `here`.
            out.push(item);
            continue;
        };
        let name = u.get("name").and_then(Value::as_str);
        match name.and_then(|n| base.iter().find(|b| name_of(b) == Some(n))) {
            Some(Value::Table(b)) => {
                let mut b = b.clone();
                merge_table(&mut b, u, &here, src)?;
                out.push(Value::Table(b));
            }
            _ => {
                check_complete(base, &u, path, &here, src)?;
                out.push(Value::Table(u));
            }
        }
    }
    Ok(out)
}

/// A new element (no base element has its name) must give every key of
/// [`required_keys`].
fn check_complete(base: &[Value], user: &Table, path: &str, here: &str, src: &Source) -> Result<(), ScenarioError> {
    let missing: Vec<String> = required_keys(path, base)
        .into_iter()
        .filter(|k| !user.contains_key(k))
        .map(|k| format!("`{k}`"))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let who = match user.get("name").and_then(Value::as_str) {
        Some(name) => {
            let hint = suggest(name, base.iter().filter_map(name_of)).map_or_else(String::new, |s| format!("; did you mean `{s}`?"));
            format!("`{name}` is a new element (the default has no `{path}` named `{name}`{hint})")
        }
        None => "an element without a string `name` matches no default element".to_string(),
    };
    let keys = if missing.len() == 1 { "key" } else { "keys" };
    Err(ScenarioError::key(
        src.label,
        here,
        format!("{who}, so it must give every key; missing required {keys} {}", missing.join(", ")),
    )
    .at(locate(src.text, here)))
}

/// The keys a new element of the named array at `path` must give, sorted.
///
/// For a scenario's element types (needs, roles, VCSE services, arms) these
/// are the type's fields without a serde default: what deserializing asks
/// for, so a key added later with `#[serde(default)]` is not required of
/// elements a user adds. For an array of any other type, every key that all
/// of `base`'s elements have.
pub fn required_keys(path: &str, base: &[Value]) -> BTreeSet<String> {
    let tables: Vec<&Table> = base.iter().filter_map(Value::as_table).collect();
    let Some(first) = tables.first() else { return BTreeSet::new() };
    match path {
        "needs" => required_fields::<RawNeed>(first),
        "roles" => required_fields::<RawRole>(first),
        "vcse.services" => required_fields::<RawService>(first),
        "arms" => required_fields::<RawArm>(first),
        _ => first
            .keys()
            .filter(|k| tables.iter().all(|t| t.contains_key(*k)))
            .cloned()
            .collect(),
    }
}

/// The fields of `T` without a serde default. `complete`, an element giving
/// every field, is cut to `T`'s fields (a key `T` does not know is never
/// required); a field is required if removing it makes that fail to
/// deserialize. If `complete` fails as it is, every field counts.
fn required_fields<T: DeserializeOwned>(complete: &Table) -> BTreeSet<String> {
    let fields = struct_fields::<T>();
    let known: Table = complete
        .iter()
        .filter(|(k, _)| fields.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let needed = |field: &str| {
        let mut t = known.clone();
        t.remove(field);
        Value::Table(t).try_into::<T>().is_err()
    };
    fields.iter().filter(|f| needed(f)).map(|f| f.to_string()).collect()
}

/// The field names serde derives for struct `T` (empty if `T` is not a
/// struct): a deserializer that records what `deserialize_struct` is asked
/// for, then stops.
fn struct_fields<T: DeserializeOwned>() -> &'static [&'static str] {
    use serde::de::{value::Error, Error as _, Visitor};

    struct Fields(&'static [&'static str]);

    impl<'de> serde::Deserializer<'de> for &mut Fields {
        type Error = Error;

        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Error> {
            Err(Error::custom("not a struct"))
        }

        fn deserialize_struct<V: Visitor<'de>>(self, _: &'static str, fields: &'static [&'static str], _: V) -> Result<V::Value, Error> {
            self.0 = fields;
            Err(Error::custom("fields recorded"))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
        }
    }

    let mut probe = Fields(&[]);
    // The error is the point: the probe stops once the fields are known.
    let _ = T::deserialize(&mut probe);
    probe.0
}

#[cfg(test)]
mod tests {
    use super::{merge_over, required_keys};
    use crate::scenario::load::DEFAULT_TOML;
    use toml::{Table, Value};

    const BASE: &str = r#"
[time]
open = "08:00"
close = "18:30"
hours = [{ from = "08:00", share = 0.5 }, { from = "12:00", share = 0.5 }]
[[services]]
name = "befriending"
places = 40
needs = ["wellbeing"]
[[services]]
name = "advice"
places = 50
needs = ["social"]
[[services]]
name = "groups"
places = 60
needs = ["wellbeing"]
"#;

    fn merged(user: &str) -> Result<Table, String> {
        let mut base: Table = BASE.parse().unwrap();
        let u: Table = user.parse().unwrap();
        merge_over(&mut base, u, "user.toml", user)
            .map(|()| base)
            .map_err(|e| e.to_string())
    }

    fn services(t: &Table) -> Vec<Table> {
        t["services"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_table().unwrap().clone())
            .collect()
    }

    #[test]
    fn a_partial_element_inherits_the_rest_from_its_namesake() {
        let t = merged("[[services]]\nname = \"advice\"\nplaces = 7\n").unwrap();
        let s = services(&t);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0]["places"], Value::Integer(7));
        assert_eq!(s[0]["needs"], Value::Array(vec![Value::String("social".into())]));
    }

    #[test]
    fn the_users_list_decides_which_elements_exist_and_their_order() {
        let user = "[[services]]\nname = \"groups\"\n[[services]]\nname = \"befriending\"\n";
        let names: Vec<String> = services(&merged(user).unwrap())
            .iter()
            .map(|s| s["name"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(names, ["groups", "befriending"]);
        let empty = merged("services = []\n").unwrap();
        assert!(services(&empty).is_empty());
    }

    #[test]
    fn a_complete_new_element_is_taken_as_written() {
        let user = "[[services]]\nname = \"sheds\"\nplaces = 5\nneeds = []\n";
        let s = services(&merged(user).unwrap());
        assert_eq!(s[0]["places"], Value::Integer(5));
        assert_eq!(s[0].len(), 3);
    }

    #[test]
    fn a_new_element_missing_keys_names_every_one_and_its_line() {
        let user = "[[services]]\nname = \"advice\"\n\n[[services]]\nname = \"sheds\"\n";
        let e = merged(user).unwrap_err();
        assert_eq!(
            e,
            "user.toml:4:1: services[1]: `sheds` is a new element (the default has no `services` named `sheds`), \
             so it must give every key; missing required keys `needs`, `places`"
        );
        let one = merged("[[services]]\nname = \"sheds\"\nplaces = 1\n").unwrap_err();
        assert!(one.ends_with("missing required key `needs`"), "{one}");
        let nameless = merged("[[services]]\nplaces = 1\nneeds = []\n").unwrap_err();
        assert!(nameless.contains("without a string `name`"), "{nameless}");
        assert!(nameless.ends_with("missing required key `name`"), "{nameless}");
    }

    #[test]
    fn keys_the_element_type_can_do_without_are_not_required() {
        // An arm's `description` and `set` have serde defaults; its `name` has not.
        let base = "[[arms]]\nname = \"a\"\ndescription = \"d\"\nset = { \"x\" = 1 }\n";
        let merge = |user: &str| {
            let mut b: Table = base.parse().unwrap();
            merge_over(&mut b, user.parse().unwrap(), "u.toml", user).map_err(|e| e.to_string())
        };
        assert_eq!(merge("[[arms]]\nname = \"b\"\n"), Ok(()));
        let e = merge("[[arms]]\ndescription = \"c\"\n").unwrap_err();
        assert!(e.ends_with("missing required key `name`"), "{e}");
    }

    /// Adding a required key to an element type breaks every user file that
    /// adds an element of its own (the key is missing there); default-named
    /// elements inherit it either way. Give a new key `#[serde(default)]`,
    /// or make it required knowingly and update this list.
    #[test]
    fn the_keys_a_new_element_must_give_are_pinned() {
        let default: Table = DEFAULT_TOML.parse().unwrap();
        let items = |v: &Value| v.as_array().unwrap().clone();
        let cases = [
            (
                "needs",
                items(&default["needs"]),
                "complex gp_follow_up gp_refer_splw gp_resolve name right share social urgent",
            ),
            (
                "roles",
                items(&default["roles"]),
                "annual_cost_per_fte appointments_per_fte_day booking_horizon_days changes fte name \
                 navigation_share remit rota same_day_share weight",
            ),
            (
                "vcse.services",
                items(&default["vcse"]["services"]),
                "annual_cost_per_place attendance closure_hazard_per_year closure_weeks initial_occupancy \
                 initial_waitlist name needs open_weekdays places programme_weeks resolve rural_attendance \
                 waitlist_cap",
            ),
        ];
        for (path, items, pinned) in cases {
            let required: Vec<String> = required_keys(path, &items).into_iter().collect();
            assert_eq!(required.join(" "), pinned, "{path}: the keys a new element must give changed");
        }
    }

    #[test]
    fn names_match_exactly_with_a_hint_for_near_misses() {
        let e = merged("[[services]]\nname = \"Advice\"\nplaces = 7\n").unwrap_err();
        assert!(e.contains("`Advice` is a new element"), "{e}");
        assert!(e.contains("did you mean `advice`?"), "{e}");
        assert!(merged("[[services]]\nname = \"advice \"\nplaces = 7\n").is_err());
    }

    #[test]
    fn tables_merge_by_key_and_unnamed_arrays_are_replaced_whole() {
        let t = merged("[time]\nclose = \"17:00\"\nhours = [{ from = \"08:00\", share = 1.0 }]\n").unwrap();
        let time = t["time"].as_table().unwrap();
        assert_eq!(time["open"].as_str(), Some("08:00"));
        assert_eq!(time["close"].as_str(), Some("17:00"));
        let hours = time["hours"].as_array().unwrap();
        assert_eq!(hours.len(), 1);
        assert_eq!(hours[0].as_table().unwrap().len(), 2, "no keys inherited from the old first block");
    }

    #[test]
    fn duplicates_both_inherit_and_are_left_for_validation_to_refuse() {
        let s = services(&merged("[[services]]\nname = \"advice\"\n[[services]]\nname = \"advice\"\nplaces = 1\n").unwrap());
        assert_eq!(s.len(), 2);
        assert_eq!(s[0]["places"], Value::Integer(50));
        assert_eq!(s[1]["places"], Value::Integer(1));
    }

    #[test]
    fn a_wrong_kind_of_value_is_passed_on_for_deserializing_to_name() {
        let t = merged("services = [3]\n").unwrap();
        assert_eq!(t["services"], Value::Array(vec![Value::Integer(3)]));
        let t = merged("services = 3\n").unwrap();
        assert_eq!(t["services"], Value::Integer(3));
    }
}

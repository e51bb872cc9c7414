//! Fuzzing the scenario loader on stable: proptest mutates valid scenarios
//! (the built-in default, `tests/fixtures/small.toml`, a queueing network)
//! and runs the path `signpost check` and `run` take — bytes to text, then
//! [`load_any`] (parse, merge, arms, validate). It must never panic; every
//! refusal must name the file on one line; every accepted pathway scenario
//! must load again from its own resolved `scenario.toml`.
//!
//! Deterministic: a fixed seed and 800 cases (about a second in the test
//! profile). For a long run: `PROPTEST_CASES=20000 cargo test --release
//! --test integration fuzz`. A failure is saved by proptest under
//! `tests/proptest-regressions/` (commit it) and should also become a file
//! in `tests/corpus/fuzz_regressions/`.

use crate::support::root;
use proptest::prelude::*;
use proptest::sample::{select, Index};
use proptest::test_runner::{Config, RngSeed};
use signpost::cli::{load_any, AnyScenario};
use signpost::scenario::load::{decode_text, load_str, DEFAULT_TOML};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::OnceLock;

/// What a refusal names as the file.
const LABEL: &str = "fuzzed.toml";

/// The valid scenarios that are mutated.
fn seeds() -> &'static [String; 3] {
    static SEEDS: OnceLock<[String; 3]> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let read = |p: &str| std::fs::read_to_string(root().join(p)).unwrap();
        [
            DEFAULT_TOML.to_string(),
            read("tests/fixtures/small.toml"),
            read("scenarios/validation/tandem.toml"),
        ]
    })
}

/// Every key path of the default scenario, as an arm override names it
/// (`splw.fte`, `roles[1].remit`, `vcse.services.advice.places`).
fn key_paths() -> &'static [String] {
    static PATHS: OnceLock<Vec<String>> = OnceLock::new();
    PATHS.get_or_init(|| {
        fn walk(prefix: &str, value: &toml::Value, out: &mut Vec<String>) {
            match value {
                toml::Value::Table(t) => {
                    for (k, v) in t {
                        let path = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                        walk(&path, v, out);
                    }
                }
                toml::Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        let by_name = item.get("name").and_then(toml::Value::as_str);
                        walk(&format!("{prefix}[{i}]"), item, out);
                        if let Some(name) = by_name {
                            walk(&format!("{prefix}.{name}"), item, out);
                        }
                    }
                }
                _ => {}
            }
            out.push(prefix.to_string());
        }
        let mut out = Vec::new();
        walk("", &DEFAULT_TOML.parse::<toml::Table>().unwrap().into(), &mut out);
        out.retain(|p| !p.is_empty() && !p.starts_with("arms"));
        out
    })
}

/// A TOML value, mostly hostile.
fn value() -> impl Strategy<Value = String> {
    let float = any::<f64>().prop_map(|v| {
        if v.is_nan() {
            "nan".to_string()
        } else if v.is_infinite() {
            (if v > 0.0 { "inf" } else { "-inf" }).to_string()
        } else {
            format!("{v:?}")
        }
    });
    let text = prop::collection::vec(any::<char>(), 0..12).prop_map(|cs| {
        let s: String = cs.into_iter().collect();
        toml::Value::String(s).to_string()
    });
    prop_oneof![
        select(vec![
            "nan",
            "-nan",
            "inf",
            "-inf",
            "-0",
            "-0.0",
            "0",
            "1",
            "-1",
            "0.5",
            "1.5",
            "1e308",
            "-1e308",
            "1.7976931348623157e308",
            "5e-324",
            "1e-300",
            "9223372036854775807",
            "-9223372036854775808",
            "18446744073709551615",
            "4294967296",
            "true",
            "false",
            "\"\"",
            "\"x\"",
            "\"off\"",
            "\"active\"",
            "[]",
            "{}",
            "[1, 2]",
            "[\"a\", 1]",
            "[[]]",
            "{ dist = \"exponential\", mean = 0.0 }",
            "{ dist = \"empirical\", values = [] }",
            "{ dist = \"uniform\", low = 5.0, high = 1.0 }",
            "1979-05-27",
            "08:00:00",
            "\"25:99\"",
            "\"2025-13-40\"",
        ])
        .prop_map(str::to_string),
        float,
        any::<i64>().prop_map(|v| v.to_string()),
        text,
    ]
}

/// One edit to a scenario's text.
#[derive(Debug, Clone)]
enum Mutation {
    /// Cut the file at a byte.
    Truncate(Index),
    /// Delete a line.
    DeleteLine(Index),
    /// Write a line twice.
    DuplicateLine(Index),
    /// Give a `key = value` line another value.
    ReplaceValue(Index, String),
    /// Insert `key = value` before a line; the key is a real one, a near
    /// miss of one, or random.
    InsertKey(Index, String, String),
    /// Insert random characters (any Unicode, controls included).
    InsertText(Index, String),
    /// Overwrite a byte (may make the file invalid UTF-8).
    SetByte(Index, u8),
    /// Append an arm overriding a key path with a value.
    Arm(String, String, String),
}

fn key() -> impl Strategy<Value = String> {
    let real = select(key_paths().to_vec()).prop_map(|p| p.rsplit('.').next().unwrap_or(&p).to_string());
    prop_oneof![
        real.clone(),
        (real, any::<Index>(), any::<char>()).prop_map(|(k, i, c)| {
            let mut chars: Vec<char> = k.chars().collect();
            let at = i.index(chars.len() + 1);
            chars.insert(at, c);
            toml::Value::String(chars.into_iter().collect()).to_string()
        }),
        "[a-z_]{1,12}",
    ]
}

fn override_path() -> impl Strategy<Value = String> {
    let real = select(key_paths().to_vec());
    prop_oneof![
        3 => real.clone(),
        1 => (real, any::<Index>()).prop_map(|(p, i)| {
            let mut p = p;
            p.remove(p.char_indices().nth(i.index(p.chars().count())).map_or(0, |(b, _)| b));
            p
        }),
        1 => "[a-z.\\[\\]0-9]{0,16}",
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        1 => any::<Index>().prop_map(Mutation::Truncate),
        1 => any::<Index>().prop_map(Mutation::DeleteLine),
        1 => any::<Index>().prop_map(Mutation::DuplicateLine),
        3 => (any::<Index>(), value()).prop_map(|(i, v)| Mutation::ReplaceValue(i, v)),
        2 => (any::<Index>(), key(), value()).prop_map(|(i, k, v)| Mutation::InsertKey(i, k, v)),
        1 => (any::<Index>(), prop::collection::vec(any::<char>(), 1..6).prop_map(String::from_iter))
            .prop_map(|(i, t)| Mutation::InsertText(i, t)),
        1 => (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::SetByte(i, b)),
        2 => ("[a-z_<>\"'& ]{0,10}", override_path(), value()).prop_map(|(n, p, v)| Mutation::Arm(n, p, v)),
    ]
}

/// Applies `m` to the bytes of a scenario.
fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let line_at = |i: &Index, n: usize| i.index(n.max(1)).min(n);
    match m {
        Mutation::Truncate(i) => bytes.truncate(i.index(bytes.len() + 1)),
        Mutation::SetByte(i, b) if !bytes.is_empty() => {
            let at = i.index(bytes.len());
            bytes[at] = *b;
        }
        Mutation::SetByte(..) => {}
        Mutation::InsertText(i, t) => {
            let at = i.index(bytes.len() + 1);
            bytes.splice(at..at, t.bytes());
        }
        _ => {
            match m {
                Mutation::DeleteLine(i) if !lines.is_empty() => {
                    lines.remove(line_at(i, lines.len()).min(lines.len() - 1));
                }
                Mutation::DuplicateLine(i) if !lines.is_empty() => {
                    let at = line_at(i, lines.len()).min(lines.len() - 1);
                    lines.insert(at, lines[at].clone());
                }
                Mutation::ReplaceValue(i, v) => {
                    let with_value: Vec<usize> = (0..lines.len()).filter(|&j| lines[j].contains(" = ")).collect();
                    if !with_value.is_empty() {
                        let j = with_value[i.index(with_value.len())];
                        let key = lines[j].split(" = ").next().unwrap_or("").to_string();
                        lines[j] = format!("{key} = {v}");
                    }
                }
                Mutation::InsertKey(i, k, v) => {
                    let at = line_at(i, lines.len());
                    lines.insert(at, format!("{k} = {v}"));
                }
                Mutation::Arm(name, path, v) => {
                    let name = toml::Value::String(name.clone());
                    let path = toml::Value::String(path.clone());
                    lines.push(format!("[[arms]]\nname = {name}\nset = {{ {path} = {v} }}"));
                }
                _ => {}
            }
            *bytes = lines.join("\n").into_bytes();
        }
    }
}

/// The loader's verdict on `bytes`, or the panic message.
fn check(bytes: Vec<u8>) -> Result<(), String> {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let text = decode_text(bytes, LABEL)?;
        let loaded = load_any(&text, LABEL)?;
        if let AnyScenario::Pathway(p) = loaded {
            // What ran is written as scenario.toml; it must load as it is.
            let resolved = p.resolved_toml();
            load_str(&resolved, "scenario.toml")
                .map_err(|e| signpost::error::ScenarioError::file(LABEL, format!("resolved scenario.toml does not load: {e}")))?;
        }
        Ok::<(), signpost::error::ScenarioError>(())
    }));
    match outcome {
        Err(panic) => {
            let why = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Err(format!("panicked: {why}"))
        }
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => {
            let message = e.to_string();
            let whole = message.starts_with(&format!("{LABEL}: ")) || message.starts_with(&format!("{LABEL}:"));
            if !whole || message.contains('\n') || message.len() <= LABEL.len() + 3 {
                return Err(format!("not a one-line message naming the file: {message:?}"));
            }
            if message.contains("resolved scenario.toml does not load") {
                return Err(message);
            }
            Ok(())
        }
    }
}

/// Fixed seed; `PROPTEST_CASES` sets the number of cases.
fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(800);
    // PROPTEST_RNG_SEED, if set, replaces the fixed seed (to explore more).
    let rng_seed = match std::env::var_os("PROPTEST_RNG_SEED") {
        Some(_) => Config::default().rng_seed,
        None => RngSeed::Fixed(0x5167_9057),
    };
    Config {
        cases,
        rng_seed,
        max_shrink_iters: 2_000,
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn mutated_scenarios_never_panic_and_are_refused_in_one_line(
        seed in 0usize..3,
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let mut bytes = seeds()[seed].clone().into_bytes();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        if let Err(why) = check(bytes.clone()) {
            prop_assert!(false, "{why}\n--- input ---\n{}", String::from_utf8_lossy(&bytes));
        }
    }
}

#[test]
fn the_seeds_themselves_load() {
    for (i, seed) in seeds().iter().enumerate() {
        assert_eq!(check(seed.clone().into_bytes()), Ok(()), "seed {i}");
        assert!(load_any(seed, LABEL).is_ok(), "seed {i} must be valid");
    }
}

//! The bad-input corpus: every file under `tests/corpus/bad/` (hand-written
//! malformed scenarios) and `tests/corpus/fuzz_regressions/` (inputs the
//! scenario fuzzer once broke) goes through the real binary, as `check` and
//! as `run`. Each must be refused with exit code 2 and one line on stderr
//! naming the file, the place and the rule its `EXPECTED.toml` entry gives,
//! with no panic and nothing written.

use crate::support::{root, signpost, temp_dir};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Output;

/// The manifest's entry for one file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    /// `line:column` right after the file name; absent for whole-file errors.
    at: Option<String>,
    /// The key path named right after the location.
    key: Option<String>,
    /// Words of the rule broken; each must appear.
    rule: Vec<String>,
}

impl Expected {
    /// An error about the whole file (no location, no key).
    fn whole_file(rule: Vec<String>) -> Expected {
        Expected { at: None, key: None, rule }
    }
}

const CORPORA: [&str; 2] = ["tests/corpus/bad", "tests/corpus/fuzz_regressions"];

fn manifest(dir: &Path) -> BTreeMap<String, Expected> {
    let text = std::fs::read_to_string(dir.join("EXPECTED.toml")).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{}/EXPECTED.toml: {e}", dir.display()))
}

fn files(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != "EXPECTED.toml")
        .collect()
}

/// Asserts `out` is a refusal of `path` with exactly one clear message.
fn assert_refused(out: &Output, what: &str, path: &Path, expected: &Expected) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{what}: exit code; stderr: {stderr}");
    for noise in ["panicked", "RUST_BACKTRACE", "stack backtrace", "thread '"] {
        assert!(!stderr.contains(noise), "{what}: {noise:?} on stderr: {stderr}");
    }
    assert!(out.stdout.is_empty(), "{what}: stdout: {}", String::from_utf8_lossy(&out.stdout));
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{what}: one line on stderr, found: {stderr}");
    let message = lines[0];
    let mut place = match &expected.at {
        Some(at) => format!("error: {}:{at}: ", path.display()),
        None => format!("error: {}: ", path.display()),
    };
    if let Some(key) = &expected.key {
        place.push_str(&format!("{key}: "));
    }
    assert!(message.starts_with(&place), "{what}: must start with {place:?}: {message}");
    for words in &expected.rule {
        assert!(message.contains(words.as_str()), "{what}: must say {words:?}: {message}");
    }
}

/// `check` refuses `path`, and so does `run` into `out_dir`, which it must
/// not create.
fn assert_check_and_run_refuse(path: &Path, expected: &Expected, out_dir: &Path) {
    let name = path
        .file_name()
        .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    let file = path.to_str().unwrap();
    assert_refused(&signpost(&["check", file]), &format!("check {name}"), path, expected);
    let out = signpost(&["run", file, "--out", out_dir.to_str().unwrap(), "--reps", "1", "--no-charts"]);
    assert_refused(&out, &format!("run {name}"), path, expected);
    assert!(!out_dir.exists(), "run {name}: created {}", out_dir.display());
}

#[test]
fn every_corpus_file_has_a_manifest_entry_and_every_entry_a_file() {
    let mut total = 0;
    for corpus in CORPORA {
        let dir = root().join(corpus);
        let expected = manifest(&dir);
        let on_disk = files(&dir);
        let listed: BTreeSet<String> = expected.keys().cloned().collect();
        let unlisted: Vec<_> = on_disk.difference(&listed).collect();
        let missing: Vec<_> = listed.difference(&on_disk).collect();
        assert!(unlisted.is_empty(), "{corpus}: files without an EXPECTED.toml entry: {unlisted:?}");
        assert!(missing.is_empty(), "{corpus}: EXPECTED.toml entries without a file: {missing:?}");
        for (file, e) in &expected {
            assert!(!e.rule.is_empty(), "{corpus}/{file}: give words of the rule broken");
        }
        total += on_disk.len();
    }
    assert!(total >= 40, "the corpus must hold at least 40 bad inputs, found {total}");
}

#[test]
fn every_corpus_file_is_refused_by_check_and_by_run_without_writing() {
    let scratch = temp_dir("corpus");
    std::fs::create_dir_all(&scratch).unwrap();
    let cases: Vec<(PathBuf, Expected)> = CORPORA
        .iter()
        .flat_map(|corpus| {
            let dir = root().join(corpus);
            manifest(&dir).into_iter().map(move |(file, e)| (dir.join(file), e))
        })
        .collect();
    // Two workers: each case is two short-lived processes.
    std::thread::scope(|s| {
        for half in cases.chunks(cases.len().div_ceil(2)) {
            let scratch = &scratch;
            s.spawn(move || {
                for (path, expected) in half {
                    let name = path.file_name().unwrap().to_string_lossy();
                    assert_check_and_run_refuse(path, expected, &scratch.join(format!("out-{name}")));
                }
            });
        }
    });
    // Nothing at all beside the would-be outputs: no partial directories.
    let left: Vec<_> = std::fs::read_dir(&scratch).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(left.is_empty(), "run left files behind: {left:?}");
    let _ = std::fs::remove_dir_all(&scratch);
}

#[test]
fn a_50_mb_scenario_is_refused_before_it_is_read() {
    let dir = temp_dir("huge");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("huge.toml");
    // Valid TOML all the way through, so only its size is wrong.
    let line = format!("# {}\n", "x".repeat(1021));
    let mut text = String::with_capacity(50 << 20);
    text.push_str("name = \"huge\"\n");
    while text.len() < 50 << 20 {
        text.push_str(&line);
    }
    std::fs::write(&path, &text).unwrap();
    drop(text);
    let expected = Expected::whole_file(vec![
        format!("file is {} bytes", std::fs::metadata(&path).unwrap().len()),
        "limited to 1048576 bytes".into(),
    ]);
    assert_check_and_run_refuse(&path, &expected, &dir.join("out"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_missing_file_or_a_directory_is_refused_naming_it() {
    let dir = temp_dir("notafile");
    std::fs::create_dir_all(&dir).unwrap();
    let missing = dir.join("no_such.toml");
    let cases = [
        (missing.clone(), "cannot read"),
        (dir.clone(), "is a directory, expected a scenario .toml file"),
    ];
    for (path, rule) in cases {
        let expected = Expected::whole_file(vec![rule.into()]);
        assert_check_and_run_refuse(&path, &expected, &dir.join("out"));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

//! Layers that only point down: which modules may not import which, read
//! from the source, so a new upward import fails here rather than in review.

use crate::support::root;
use std::path::{Path, PathBuf};

/// Every `.rs` file under `src/` whose path starts with `prefix`.
fn sources(prefix: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root().join("src")];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(root().join("src")).unwrap();
                if rel.to_str().unwrap().starts_with(prefix) {
                    out.push(path);
                }
            }
        }
    }
    assert!(!out.is_empty(), "no sources under src/{prefix}");
    out
}

/// Lines of `path` (outside comments) that mention `needle`.
fn uses(path: &Path, needle: &str) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim_start().starts_with("//") && l.contains(needle))
        .map(|l| format!("{}: {}", path.display(), l.trim()))
        .collect()
}

#[test]
fn modules_import_only_what_lies_below_them() {
    let rules: [(&str, &[&str]); 15] = [
        (
            "uncertainty",
            &[
                "crate::model",
                "crate::scenario",
                "crate::experiment",
                "crate::report",
                "crate::cli",
                "crate::engine",
            ],
        ),
        ("text.rs", &["crate::"]),
        ("limits.rs", &["crate::"]),
        ("metric.rs", &["crate::"]),
        // The engine's tests check its resource against network::theory's
        // closed forms; its code uses nothing above it.
        (
            "engine",
            &[
                "crate::model",
                "crate::scenario",
                "crate::report",
                "crate::experiment",
                "crate::cli",
            ],
        ),
        ("report", &["crate::sensitivity", "crate::calibrate", "crate::psa", "crate::cli"]),
        ("psa", &["crate::cli"]),
        ("distributed", &["crate::cli"]),
        ("codec.rs", &["crate::"]),
        ("network", &["crate::model", "crate::report", "crate::experiment", "crate::cli"]),
        (
            "output",
            &["crate::report", "crate::experiment", "crate::model", "crate::network", "crate::cli"],
        ),
        ("scenario", &["crate::network", "crate::report", "crate::experiment", "crate::cli"]),
        ("sensitivity.rs", &["crate::cli"]),
        ("calibrate.rs", &["crate::cli"]),
        (
            "data",
            &[
                "crate::model",
                "crate::experiment",
                "crate::report",
                "crate::calibrate",
                "crate::cli",
            ],
        ),
    ];
    let mut broken = Vec::new();
    for (prefix, forbidden) in rules {
        for file in sources(prefix) {
            for needle in forbidden {
                broken.extend(uses(&file, needle));
            }
        }
    }
    assert!(broken.is_empty(), "imports pointing up:\n{}", broken.join("\n"));
}

#[test]
fn only_the_command_line_uses_anyhow_or_installs_signal_handlers() {
    let mut broken = Vec::new();
    for file in sources("") {
        if file.strip_prefix(root().join("src")).unwrap().to_str().unwrap().starts_with("cli") {
            continue;
        }
        for needle in ["anyhow", "signal_hook", "ctrlc", "clap"] {
            broken.extend(uses(&file, needle));
        }
    }
    assert!(broken.is_empty(), "outside the CLI:\n{}", broken.join("\n"));
}

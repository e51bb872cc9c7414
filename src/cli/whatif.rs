//! `signpost whatif`: one self-contained HTML file with the simulator
//! inside (the `web/` crate compiled to WebAssembly), for a meeting where
//! nothing can be installed.
//!
//! The module is read at run time from the file `web/build.sh` writes, not
//! compiled into the CLI: `cargo build` of this crate then works on a
//! machine without the wasm32 target, and no feature changes what a
//! default build contains. Without the module the command fails (exit 2)
//! saying how to build it.

use super::scenario::{pathway_only, read_scenario};
use super::{CliError, WhatifArgs};
use crate::output::write_atomic;
use crate::scenario::load::load_str;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

const PAGE: &str = include_str!("../../web/page/page.html");
const CSS: &str = include_str!("../../web/page/page.css");
const MAIN: &str = include_str!("../../web/page/page.js");
const WORKER: &str = include_str!("../../web/page/worker.js");

/// Where `web/build.sh` writes the module, under a target directory.
const WASM_IN_TARGET: &str = "whatif/signpost_web.wasm";

/// `signpost whatif [SCENARIO] --out FILE.html`.
pub(super) fn whatif(args: &WhatifArgs) -> Result<(), CliError> {
    let (label, source) = read_scenario(args.scenario.as_deref())?;
    pathway_only(&label, &source, "whatif")?;
    // Checked here so a page never opens on a scenario it cannot run.
    let loaded = load_str(&source, &label)?;
    let wasm = read_wasm(args.wasm.as_deref())?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("{}-whatif.html", loaded.name())));
    if out.exists() && !args.force {
        return Err(CliError::BadInput(format!("{}: exists; give --force to replace it", out.display())));
    }
    let html = page(&loaded.base.name, &label, &source, &loaded.sha256, &wasm);
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| CliError::failed(&format!("creating {}", dir.display()), e))?;
    }
    write_atomic(&out, html.as_bytes())?;
    if !args.quiet {
        eprintln!(
            "{}: what-if page for {} ({:.1} MB, of which the simulator {:.1} MB); open it in a browser, no server needed",
            out.display(),
            loaded.name(),
            html.len() as f64 / 1e6,
            wasm.len() as f64 / 1e6
        );
    }
    Ok(())
}

/// The module's bytes: `--wasm`, else the build beside this executable's
/// target directory, else `target/` under the working directory.
fn read_wasm(given: Option<&Path>) -> Result<Vec<u8>, CliError> {
    let candidates: Vec<PathBuf> = match given {
        Some(p) => vec![p.to_path_buf()],
        None => {
            let mut c = Vec::new();
            // target/release/signpost -> target/whatif/signpost_web.wasm
            if let Some(target) = std::env::current_exe()
                .ok()
                .and_then(|exe| Some(exe.parent()?.parent()?.to_path_buf()))
            {
                c.push(target.join(WASM_IN_TARGET));
            }
            c.push(Path::new("target").join(WASM_IN_TARGET));
            c
        }
    };
    for path in &candidates {
        if let Ok(bytes) = std::fs::read(path) {
            if !bytes.starts_with(b"\0asm") {
                return Err(CliError::BadInput(format!("{}: not a WebAssembly module", path.display())));
            }
            return Ok(bytes);
        }
    }
    let looked: Vec<String> = candidates.iter().map(|p| p.display().to_string()).collect();
    Err(CliError::BadInput(format!(
        "whatif: the simulator's WebAssembly module is not built (looked for {}); build it with `web/build.sh` (needs `rustup target add wasm32-unknown-unknown`), or give --wasm PATH",
        looked.join(", ")
    )))
}

/// The page: template, styles, scripts, the scenario and the module, all
/// inline. The CSP allows only the page's own script (by hash) and style,
/// WebAssembly compilation, and the worker made from a Blob.
pub fn page(name: &str, label: &str, source: &str, sha256: &str, wasm: &[u8]) -> String {
    let scenario = serde_json::json!({ "scenario": source, "label": label, "sha256": sha256 });
    let main_hash = base64(&Sha256::digest(MAIN.as_bytes()));
    let csp = format!(
        "default-src 'none'; script-src 'sha256-{main_hash}' 'wasm-unsafe-eval'; worker-src blob:; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
    );
    let name = html_escape(name);
    let label = html_escape(label);
    let scenario = script_safe(&scenario.to_string());
    let worker = script_safe(WORKER);
    let wasm = base64(wasm);
    fill(PAGE, |key| match key {
        "CSP" => Some(csp.as_str()),
        "VERSION" => Some(env!("CARGO_PKG_VERSION")),
        "NAME" => Some(name.as_str()),
        "LABEL" => Some(label.as_str()),
        "CSS" => Some(CSS),
        "SCENARIO_JSON" => Some(scenario.as_str()),
        "WORKER" => Some(worker.as_str()),
        "WASM_BASE64" => Some(wasm.as_str()),
        "MAIN" => Some(MAIN),
        _ => None,
    })
}

/// `template` with each `{{KEY}}` replaced by `value(KEY)`, in one pass, so
/// inserted text (a scenario's comments, say) is never searched again.
fn fill<'a>(template: &str, value: impl Fn(&str) -> Option<&'a str>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let (before, after) = rest.split_at(start);
        out.push_str(before);
        match after[2..].find("}}").and_then(|end| Some((end, value(&after[2..2 + end])?))) {
            Some((end, v)) => {
                out.push_str(v);
                rest = &after[2 + end + 2..];
            }
            None => {
                out.push_str("{{");
                rest = &after[2..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Text that cannot end its `<script>` element early (`</` as `<\/`,
/// which reads the same in JSON and JavaScript strings).
fn script_safe(text: &str) -> String {
    text.replace("</", "<\\/")
}

/// `&`, `<`, `>` and `"` escaped for HTML text and attributes.
fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Standard base64 with padding (RFC 4648).
pub fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), coded);
        }
    }

    #[test]
    fn placeholders_are_filled_once_and_inserted_text_is_left_alone() {
        let got = fill("a {{X}} b {{Y}} {{nope}} {{", |k| match k {
            "X" => Some("{{Y}}"),
            "Y" => Some("y"),
            _ => None,
        });
        assert_eq!(got, "a {{Y}} b y {{nope}} {{");
    }

    #[test]
    fn a_scenario_cannot_close_its_script_element() {
        let html = page("x", "a</script>.toml", "name = \"</script><b>\"", "00", b"\0asm");
        let data = html.split("id=\"scenario-data\">").nth(1).unwrap();
        let data = &data[..data.find("</script>").unwrap()];
        assert!(data.contains("<\\/script>"));
        assert!(html.contains("a&lt;/script&gt;.toml"));
    }
}

//! `signpost whatif`: one self-contained HTML file (issue #17). The page's
//! behaviour is tested in Chromium (tests/browser/check_whatif.sh); here,
//! that the file makes no network reference and how the command fails.

use crate::support::{signpost, temp_dir};

/// The smallest valid WebAssembly module (magic and version), standing in
/// for the simulator: `cargo test` must not need the wasm32 target.
const EMPTY_MODULE: &[u8] = b"\0asm\x01\0\0\0";

#[test]
fn whatif_writes_one_file_with_everything_inline_and_no_network_reference() {
    let dir = temp_dir("whatif-page");
    std::fs::create_dir_all(&dir).unwrap();
    let wasm = dir.join("m.wasm");
    std::fs::write(&wasm, EMPTY_MODULE).unwrap();
    let page = dir.join("page.html");
    let out = signpost(&["whatif", "--out", page.to_str().unwrap(), "--wasm", wasm.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let html = std::fs::read_to_string(&page).unwrap();
    // The only URL is the SVG namespace, a name that is never fetched.
    let mut rest = html.as_str();
    while let Some(i) = rest.find("://") {
        let scheme_start = rest[..i].rfind(|c: char| !c.is_ascii_alphanumeric()).map_or(0, |j| j + 1);
        let url: String = rest[scheme_start..].chars().take_while(|c| !"\"'`) <>".contains(*c)).collect();
        assert_eq!(url, "http://www.w3.org/2000/svg", "a URL in the page");
        rest = &rest[i + 3..];
    }
    for external in ["<link", "src=", "@import", "url(", "fetch(", "XMLHttpRequest", "importScripts"] {
        assert!(!html.contains(external), "the page holds {external}");
    }
    assert!(html.contains("default-src 'none'") && html.contains("'wasm-unsafe-eval'") && html.contains("worker-src blob:"));
    assert!(html.contains(">AGFzbQEAAAA=<"), "the module, base64, inline");
    assert!(html.contains("\"label\":\"<built-in default>\""), "the scenario, inline");
    // Never overwritten without --force.
    let again = signpost(&["whatif", "--out", page.to_str().unwrap(), "--wasm", wasm.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
}

#[test]
fn whatif_without_the_module_says_how_to_build_it() {
    let dir = temp_dir("whatif-no-module");
    let out = signpost(&[
        "whatif",
        "--out",
        dir.join("p.html").to_str().unwrap(),
        "--wasm",
        dir.join("none.wasm").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("web/build.sh"), "{err}");
    assert!(!dir.join("p.html").exists());
}

#[test]
fn whatif_refuses_a_queueing_network() {
    let dir = temp_dir("whatif-network");
    let out = signpost(&[
        "whatif",
        "scenarios/validation/mm1.toml",
        "--out",
        dir.join("p.html").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("queueing-network"));
}

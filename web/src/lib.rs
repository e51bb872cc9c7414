//! The signpost simulator as a WebAssembly module for the what-if page
//! that `signpost whatif` writes.
//!
//! No wasm-bindgen: the module exports a C ABI of three functions and the
//! page's script copies UTF-8 JSON in and out of the module's memory.
//!
//! ```text
//! sp_alloc(len) -> ptr                 room for a request of len bytes
//! run_json(ptr, len) -> out            handles the request; frees it
//! sp_free(ptr, len)                    frees an answer: len = 4 + its length
//! out: [u32 little-endian length][UTF-8 JSON]
//! ```
//!
//! Requests (`{"op": ...}`):
//!
//! - `open`: `scenario` (TOML text), `label`, `levers` (the URL
//!   fragment's `[[key, value], …]` as text). Builds the what-if scenario
//!   (see [`session::whatif_toml`]) and answers with its levers, their
//!   values and defaults, and `errors` for any fragment key or value
//!   refused (the scenario's values are then kept for every lever).
//! - `step`: runs the next replication of the opened what-if and answers
//!   with the results so far ([`session::Session::results`]).
//!
//! Every answer has `ok`; a failed one has `error`.

pub mod levers;
pub mod session;

use serde_json::{json, Value as Json};
use session::{Request, Session};
use std::cell::RefCell;

thread_local! {
    /// The opened what-if. The module runs on one thread (a Web Worker).
    static SESSION: RefCell<Option<Session>> = const { RefCell::new(None) };
}

/// Handles one JSON request and answers with JSON text.
pub fn handle(request: &str) -> String {
    let answer = match serde_json::from_str::<Json>(request) {
        Err(e) => failed(format!("request is not JSON: {e}")),
        Ok(req) => match req.get("op").and_then(Json::as_str) {
            Some("open") => open(&req),
            Some("step") => SESSION.with(|s| match s.borrow_mut().as_mut() {
                Some(session) => session.step(),
                None => failed("step before open".into()),
            }),
            other => failed(format!("unknown op {other:?}: expected \"open\" or \"step\"")),
        },
    };
    answer.to_string()
}

fn failed(error: String) -> Json {
    json!({ "ok": false, "error": error })
}

fn open(req: &Json) -> Json {
    let text = |k: &str| req.get(k).and_then(Json::as_str);
    let Some(scenario) = text("scenario") else {
        return failed("open: `scenario` (TOML text) is missing".into());
    };
    let pairs = req.get("levers").and_then(Json::as_array).cloned().unwrap_or_default();
    let mut levers = Vec::new();
    for pair in &pairs {
        match pair.as_array().map(|p| p.as_slice()) {
            Some([Json::String(k), Json::String(v)]) => levers.push((k.clone(), v.clone())),
            _ => return failed(format!("open: each lever must be [key, value] as text; found {pair}")),
        }
    }
    let request = Request {
        scenario,
        label: text("label").unwrap_or("scenario"),
        levers,
    };
    match Session::open(&request) {
        Ok(session) => {
            let answer = session.opened.clone();
            SESSION.with(|s| *s.borrow_mut() = Some(session));
            answer
        }
        Err(e) => {
            SESSION.with(|s| *s.borrow_mut() = None);
            failed(e)
        }
    }
}

/// Room for a request of `len` bytes, for the page to write into.
#[no_mangle]
pub extern "C" fn sp_alloc(len: usize) -> *mut u8 {
    Box::into_raw(vec![0u8; len.max(1)].into_boxed_slice()).cast()
}

/// Frees `len` bytes at `ptr`, from [`sp_alloc`] or an answer of
/// [`run_json`].
///
/// # Safety
/// `ptr` and `len` must be those of one allocation of this module, freed
/// once.
#[no_mangle]
pub unsafe extern "C" fn sp_free(ptr: *mut u8, len: usize) {
    drop(Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr, len.max(1))));
}

/// Handles the request of `len` bytes at `ptr` (which it frees) and
/// returns the answer: a little-endian u32 length, then the JSON.
///
/// # Safety
/// `ptr` must come from [`sp_alloc`]`(len)` with `len` bytes written.
#[no_mangle]
pub unsafe extern "C" fn run_json(ptr: *mut u8, len: usize) -> *mut u8 {
    let mut bytes = Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr, len.max(1))).into_vec();
    bytes.truncate(len);
    let answer = match String::from_utf8(bytes) {
        Ok(text) => handle(&text),
        Err(_) => failed("request is not UTF-8".into()).to_string(),
    };
    let mut out = Vec::with_capacity(4 + answer.len());
    out.extend_from_slice(&(answer.len() as u32).to_le_bytes());
    out.extend_from_slice(answer.as_bytes());
    // The page frees it with sp_free(ptr, 4 + length).
    Box::into_raw(out.into_boxed_slice()).cast()
}

#[cfg(test)]
mod tests;

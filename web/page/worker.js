// The what-if page's Web Worker: the simulator (a WebAssembly module with
// a C ABI, see web/src/lib.rs) runs here so the page never freezes.
// Messages in: {type: "init", module}, {type: "open", id, scenario, label,
// levers}, {type: "warm", scenario, label}. Out: {type: "opened" | "step" |
// "failed", id, answer, ms}, and {type: "warmed", ok} once a "warm" has run
// one replication of the scenario as it stands (so that the module's
// memory is grown and touched before the worker is asked for a what-if).
"use strict";
let ex = null;
let current = 0;

// The module was built from a library that links plotters, whose wasm32
// build brings wasm-bindgen imports; the simulator never calls them, so
// each is a function that fails loudly if it ever were.
function stubs(module) {
  const imports = {};
  for (const i of WebAssembly.Module.imports(module)) {
    (imports[i.module] = imports[i.module] || {})[i.name] = () => {
      throw new Error("the simulator called a browser import it does not use: " + i.name);
    };
  }
  return imports;
}

function call(request) {
  const bytes = new TextEncoder().encode(JSON.stringify(request));
  const p = ex.sp_alloc(bytes.length);
  new Uint8Array(ex.memory.buffer, p, bytes.length).set(bytes);
  const out = ex.run_json(p, bytes.length);
  const len = new DataView(ex.memory.buffer).getUint32(out, true);
  const text = new TextDecoder().decode(new Uint8Array(ex.memory.buffer, out + 4, len));
  ex.sp_free(out, 4 + len);
  return JSON.parse(text);
}

function timed(id, type, request) {
  const t = performance.now();
  let answer;
  try {
    answer = call(request);
  } catch (e) {
    // A trap leaves the module unusable: the page starts a new worker.
    ex = null;
    postMessage({ type: "failed", id, answer: { ok: false, error: String(e) } });
    return null;
  }
  postMessage({ type, id, answer, ms: performance.now() - t });
  return answer;
}

function step(id) {
  if (id !== current || ex === null) return;
  const answer = timed(id, "step", { op: "step" });
  if (answer && answer.ok && answer.replications < answer.target) {
    // Back to the event loop between replications, so a new what-if
    // (a later "open") stops this one.
    setTimeout(() => step(id), 0);
  }
}

onmessage = (event) => {
  const m = event.data;
  if (m.type === "init") {
    ex = new WebAssembly.Instance(m.module, stubs(m.module)).exports;
  } else if (m.type === "open") {
    current = m.id;
    const answer = timed(m.id, "opened", { op: "open", scenario: m.scenario, label: m.label, levers: m.levers });
    if (answer && answer.ok) step(m.id);
  } else if (m.type === "warm") {
    let ok = false;
    try {
      ok = call({ op: "open", scenario: m.scenario, label: m.label, levers: [] }).ok && call({ op: "step" }).ok;
    } catch (e) {
      ex = null;
    }
    postMessage({ type: "warmed", ok });
  }
};

// The what-if page: controls from the scenario's levers, the URL fragment,
// the worker that runs the simulator, and the results as they refine.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const data = JSON.parse($("scenario-data").textContent);
  const BLUE = "#0072B2", INK = "#222222", MUTED = "#555555", LOST = "#444444", AIM = "#B00020";
  const NHS_AIM_SHARE = 0.05;

  // What the page knows: the last "opened" answer (levers, defaults) and
  // the request in flight.
  const state = { opened: null, id: 0, busy: false, changedAt: 0, first: null, steps: [], last: null, handoffs: 0 };
  window.whatif = state; // for the browser test and the curious

  // --- the workers: the module compiled once; the worker running the
  // what-if, and a warm spare to take over when a change comes mid-run
  let module = null, worker = null, spare = null, spareReady = false;
  const workerUrl = URL.createObjectURL(new Blob([$("worker-source").textContent], { type: "text/javascript" }));
  function wasmBytes() {
    const text = atob($("wasm-base64").textContent.trim());
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes;
  }
  function newWorker() {
    if (worker) worker.terminate();
    worker = new Worker(workerUrl);
    listen(worker);
    worker.postMessage({ type: "init", module });
  }
  function listen(w) {
    w.onmessage = onWorker;
    w.onerror = (e) => fail("The simulator stopped: " + (e.message || "worker error"));
  }
  // A spare has run one replication of the scenario as it stands, so its
  // memory is already grown and touched: handed a what-if, it answers as
  // fast as the worker it replaces would have once free.
  function newSpare() {
    if (spare) spare.terminate();
    const w = new Worker(workerUrl);
    spare = w;
    spareReady = false;
    w.onmessage = (event) => { if (spare === w && event.data.type === "warmed") spareReady = event.data.ok; };
    w.onerror = () => { if (spare === w) { spare = null; spareReady = false; } };
    w.postMessage({ type: "init", module });
    w.postMessage({ type: "warm", scenario: data.scenario, label: data.label });
  }

  // --- the fragment: #key=value&key=value
  function readFragment() {
    const text = location.hash.replace(/^#/, "");
    if (!text) return [];
    return text.split("&").filter(Boolean).map((part) => {
      const i = part.indexOf("=");
      const dec = (s) => { try { return decodeURIComponent(s.replace(/\+/g, " ")); } catch (e) { return s; } };
      return i < 0 ? [dec(part), ""] : [dec(part.slice(0, i)), dec(part.slice(i + 1))];
    });
  }
  function writeFragment(pairs) {
    const text = pairs.map(([k, v]) => encodeURIComponent(k).replace(/%5B/g, "[").replace(/%5D/g, "]") + "=" + encodeURIComponent(v)).join("&");
    history.replaceState(null, "", text ? "#" + text : location.pathname + location.search);
  }

  // --- numbers as people read them
  const fmt = (x, d) => x === null || x === undefined ? "–" : x.toLocaleString("en-GB", { minimumFractionDigits: d, maximumFractionDigits: d });
  const signed = (x, d) => x === null || x === undefined ? "–" : (x > 0 ? "+" : x < 0 ? "−" : "") + fmt(Math.abs(x), d);
  const same = (a, b) => typeof a === "number" && typeof b === "number" ? Math.abs(a - b) < 1e-12 : a === b;
  const shown = (v) => v === true ? "on" : v === false ? "off" : String(v);

  // --- controls, built from the levers of an "opened" answer
  function control(lever) {
    const id = "lever-" + lever.key.replace(/[^A-Za-z0-9_-]/g, "_");
    const div = document.createElement("div");
    div.className = "field" + (lever.kind === "toggle" ? " toggle" : "");
    const hintId = id + "-hint";
    let input;
    if (lever.kind === "choice") {
      input = document.createElement("select");
      for (const c of lever.choices) input.add(new Option(c, c));
      input.value = lever.value;
    } else if (lever.kind === "toggle") {
      input = document.createElement("input");
      input.type = "checkbox";
      input.checked = lever.value === true;
    } else {
      input = document.createElement("input");
      input.type = "number";
      input.min = lever.min; input.max = lever.max; input.step = lever.step;
      input.inputMode = lever.integer ? "numeric" : "decimal";
      input.value = lever.value;
    }
    input.id = id;
    input.dataset.key = lever.key;
    input.setAttribute("aria-describedby", hintId);
    const label = document.createElement("label");
    label.htmlFor = id;
    const text = document.createElement("span");
    text.textContent = lever.label;
    if (lever.kind === "toggle") { label.append(input, text); div.append(label); } else { label.append(text); div.append(label, input); }
    const hint = document.createElement("p");
    hint.className = "hint";
    hint.id = hintId;
    const range = lever.kind === "number" ? `; ${lever.min} to ${lever.max}` : "";
    hint.textContent = `${lever.unit}${range}. Scenario: ${shown(lever.default)}.` + (lever.scope === "base" ? " Changes the counterfactual too." : "");
    if (!same(lever.value, lever.default)) hint.classList.add("changed");
    div.append(hint);
    const onChange = () => rerun();
    if (lever.kind === "number") {
      let timer = 0;
      input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(onChange, 350); });
      input.addEventListener("change", () => { clearTimeout(timer); onChange(); });
    } else {
      input.addEventListener("change", onChange);
    }
    return div;
  }

  function buildControls(opened) {
    const arm = $("arm");
    arm.replaceChildren(...opened.arms.map((a) => new Option(a.name, a.name)));
    arm.value = opened.arm;
    $("arm-description").textContent = (opened.arms.find((a) => a.name === opened.arm) || {}).description || "";
    const reps = $("reps");
    reps.max = opened.max_replications;
    reps.value = opened.replications;
    const groups = $("lever-groups");
    const active = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.key : null;
    groups.replaceChildren();
    const byGroup = new Map();
    for (const l of opened.levers) {
      if (!byGroup.has(l.group)) {
        const fs = document.createElement("fieldset");
        const lg = document.createElement("legend");
        lg.textContent = l.group;
        fs.append(lg);
        byGroup.set(l.group, fs);
        groups.append(fs);
      }
      byGroup.get(l.group).append(control(l));
    }
    // Rebuilding must not lose the keyboard's place.
    if (active) { const el = groups.querySelector(`[data-key="${CSS.escape(active)}"]`); if (el) el.focus(); }
  }

  // The fragment of the controls as they stand: only what differs from the
  // arm's values, so a link says what changed.
  function controlPairs() {
    const o = state.opened;
    const pairs = [];
    if (o && $("arm").value !== o.arm) return [["arm", $("arm").value]]; // a new arm starts from its own values
    if (o && o.arm !== o.arms[o.arms.length - 1].name) pairs.push(["arm", o.arm]);
    if (o && Number($("reps").value) !== o.default_replications) pairs.push(["reps", $("reps").value.trim()]);
    for (const input of $("lever-groups").querySelectorAll("[data-key]")) {
      const lever = o.levers.find((l) => l.key === input.dataset.key);
      let value;
      if (lever.kind === "toggle") value = input.checked;
      else if (lever.kind === "number") value = input.value.trim() === "" ? NaN : Number(input.value);
      else value = input.value;
      if (!same(value, lever.default)) pairs.push([lever.key, lever.kind === "number" ? input.value.trim() : String(value)]);
    }
    return pairs;
  }

  // --- running
  function open(pairs) {
    state.id += 1;
    state.changedAt = performance.now();
    state.first = null;
    state.steps = [];
    // The worker would drop the what-if in flight only once its current
    // replication ends (a few hundred ms), and a fresh worker's first
    // replication is slower (new memory to grow and touch). So a change
    // mid-run stops that worker at once and hands the new what-if to the
    // warm spare. A new spare starts warming only once that what-if has its
    // first answer: started beside it, on two cores, it slowed the answer
    // more than the hand-off saved (median 0.59–0.62 s against 0.40–0.54 s
    // in headless Chromium on this project's 2-core VM). Without a warm
    // spare (at the start, or a change before one is warm), the worker in
    // flight takes the what-if when its replication ends.
    if (state.busy && spare && spareReady) {
      worker.terminate();
      worker = spare;
      listen(worker);
      spare = null;
      state.handoffs += 1;
    }
    state.busy = true;
    $("status").textContent = "Running the first replication…";
    $("status").dataset.replications = "0";
    $("status").dataset.state = "running";
    worker.postMessage({ type: "open", id: state.id, scenario: data.scenario, label: data.label, levers: pairs });
  }
  function rerun() {
    const pairs = controlPairs();
    writeFragment(pairs);
    open(pairs);
  }

  function onWorker(event) {
    const m = event.data;
    if (m.id !== state.id) return; // an answer to a what-if since replaced
    if (m.type === "failed") { state.busy = false; newWorker(); fail("The simulator failed: " + m.answer.error); return; }
    const a = m.answer;
    if (m.type === "opened") {
      if (!a.ok) { state.busy = false; fail(a.error); return; }
      state.opened = a;
      showMessages(a.errors);
      if (a.errors.length) writeFragment([]); // the link kept the defaults: say so in the URL too
      buildControls(a);
      showScenario(a);
      return;
    }
    if (m.type === "step") {
      if (!a.ok) { state.busy = false; fail(a.error); return; }
      const now = performance.now();
      if (state.first === null) {
        state.first = now - state.changedAt;
        if (!spare) newSpare(); // this what-if has its first answer: warm a spare now
      }
      state.steps.push(m.ms);
      state.last = a;
      if (a.replications >= a.target) { state.busy = false; $("status").dataset.state = "done"; }
      showResults(a);
    }
  }

  function fail(message) {
    showMessages([message]);
    $("status").textContent = "Stopped.";
    $("status").dataset.state = "failed";
  }

  function showMessages(list) {
    const box = $("messages");
    box.replaceChildren();
    if (!list.length) return;
    const intro = document.createElement("p");
    intro.textContent = "This link could not be used as it stands, so the scenario's own values are shown: ";
    box.append(intro);
    for (const e of list) { const p = document.createElement("p"); p.textContent = e; box.append(p); }
  }

  function showScenario(a) {
    $("scenario-description").textContent = a.description;
    $("scenario-hash").textContent = a.sha256;
    $("whatif-toml").textContent = a.toml;
    const link = $("download-toml");
    if (link.dataset.url) URL.revokeObjectURL(link.dataset.url);
    link.dataset.url = URL.createObjectURL(new Blob([a.toml], { type: "application/toml" }));
    link.href = link.dataset.url;
    const body = document.querySelector("#print-levers tbody");
    body.replaceChildren(...a.levers.map((l) => {
      const tr = document.createElement("tr");
      for (const t of [l.label, l.key, shown(l.value), shown(l.default)]) { const td = document.createElement("td"); td.textContent = t; tr.append(td); }
      if (!same(l.value, l.default)) tr.className = "changed";
      return tr;
    }));
  }

  // --- results
  function card(title, value, ci, note) {
    const div = document.createElement("div");
    div.className = "card";
    const h = document.createElement("h3"); h.textContent = title;
    const v = document.createElement("p"); v.className = "value"; v.textContent = value;
    div.append(h, v);
    if (ci) { const c = document.createElement("p"); c.className = "ci"; c.textContent = ci; div.append(c); }
    if (note) { const n = document.createElement("p"); n.className = "note"; n.textContent = note; div.append(n); }
    return div;
  }
  const ciText = (s, d, sign) => s && s.low !== null ? `95% CI ${sign ? signed(s.low, d) : fmt(s.low, d)} to ${sign ? signed(s.high, d) : fmt(s.high, d)}` : "95% CI after 2 replications";

  function showResults(a) {
    const m = a.metrics;
    const n = a.replications;
    $("status").textContent = n >= a.target ? `Done: ${n} replications.` : `${n} of ${a.target} replications; refining…`;
    $("status").dataset.replications = String(n);
    const net = m.gp_appointments_saved_net.diff;
    const share = m.gp_share_freed.diff;
    const cost = m.cost_per_gp_appointment_freed.diff;
    const wait = (k) => m[k].arm;
    const cards = [
      card("GP appointments freed (net)", fmt(net.mean, 0), ciText(net, 0), share.mean === null ? "" : `${fmt(share.mean * 100, 1)}% of GP demand`),
      card("Bounce-backs", signed(m.bounce_backs.diff.mean, 0), ciText(m.bounce_backs.diff, 0, true), `${fmt(m.bounce_backs.arm.mean, 0)} in the what-if`),
      card("Safety events (urgent need sent away)", signed(m.safety_events.diff.mean, 0), ciText(m.safety_events.diff, 0, true), `${fmt(m.safety_events.arm.mean, 0)} in the what-if`),
      card("Wait for a GP appointment", `${fmt(wait("gp_wait_days_mean").mean, 1)} days`, ciText(wait("gp_wait_days_mean"), 1), `signposting off: ${fmt(m.gp_wait_days_mean.counterfactual.mean, 1)} days`),
      card("Wait for a link worker", `${fmt(wait("splw_wait_days_mean").mean, 1)} days`, ciText(wait("splw_wait_days_mean"), 1), `signposting off: ${fmt(m.splw_wait_days_mean.counterfactual.mean, 1)} days`),
      card("Cost per GP appointment freed", a.dominant ? "dominant (saves money)" : `£${fmt(cost.mean, 0)}`, a.dominant ? "" : ciText(cost, 0), `programme cost £${fmt(m.cost_incremental.diff.mean, 0)} a year`),
    ];
    cards[0].id = "card-net";
    $("cards").replaceChildren(...cards);
    $("chart").replaceChildren(chart(a));
    $("table").textContent = a.table;
    $("comparison-csv").textContent = a.comparison_csv;
    const per = state.steps.length ? state.steps.reduce((x, y) => x + y, 0) / state.steps.length : 0;
    $("timing").textContent = `First answer ${fmt(state.first / 1000, 2)} s after the change; ${fmt(per / 1000, 2)} s per replication in this browser.`;
    $("timing").dataset.first = String(state.first);
    $("timing").dataset.perReplication = String(per);
    $("print-facts").textContent = `Seed ${state.opened.seed}, ${n} replications, what-if arm from ${state.opened.arm}; scenario SHA-256 ${state.opened.sha256}; what-if file SHA-256 ${state.opened.whatif_sha256}. Printed ${new Date().toLocaleString("en-GB")}.`;
  }

  // The report's headline chart (GP appointments freed: gross, lost to
  // bounce-back, net, with the NHS aim), drawn as SVG.
  function chart(a) {
    const NS = "http://www.w3.org/2000/svg";
    const el = (name, attrs, text) => {
      const e = document.createElementNS(NS, name);
      for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
      if (text !== undefined) e.textContent = text;
      return e;
    };
    const m = a.metrics;
    const aim = m.gp_appointments.counterfactual.mean === null ? null : NHS_AIM_SHARE * m.gp_appointments.counterfactual.mean;
    const pale = (hex, amt) => "#" + [1, 3, 5].map((i) => { const x = parseInt(hex.slice(i, i + 2), 16); return Math.round(x + (255 - x) * amt).toString(16).padStart(2, "0"); }).join("");
    const bars = [
      ["gross", m.gp_appointments_saved_gross.diff, pale(BLUE, 0.55)],
      ["lost to bounce-back", m.gp_appointments_lost_to_bounce_back.diff, LOST],
      ["net", m.gp_appointments_saved_net.diff, BLUE],
    ];
    // `right` leaves room for the value after the longest bar or whisker,
    // so a label is always ink on white (WCAG AA), never on a bar.
    const W = 760, left = 170, right = 80, top = 60, bh = 34, gap = 14, H = top + bars.length * (bh + gap) + 50;
    const values = bars.flatMap(([, s]) => [s.mean, s.high, s.low]).concat(aim === null ? [] : [aim]).filter((v) => v !== null);
    const hi = Math.max(1, ...values) * 1.02, lo = Math.min(0, ...values);
    const x = (v) => left + (v - lo) / (hi - lo) * (W - left - right);
    const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-labelledby": "chart-title chart-desc", "font-family": "system-ui, sans-serif" });
    svg.append(el("title", { id: "chart-title" }, "GP appointments freed by the what-if"));
    svg.append(el("desc", { id: "chart-desc" }, bars.map(([name, s]) => `${name} ${fmt(s.mean, 0)}`).join("; ") + (aim === null ? "" : `; NHS aim ${fmt(aim, 0)}`)));
    svg.append(el("text", { x: 0, y: 22, "font-size": 17, "font-weight": 700, fill: INK }, `GP appointments freed: what-if vs signposting off (${a.replications} replications)`));
    const step = niceStep((hi - lo) / 6);
    for (let t = Math.ceil(lo / step) * step; t <= hi; t += step) {
      svg.append(el("line", { x1: x(t), x2: x(t), y1: top - 6, y2: H - 40, stroke: "#e3e3e3" }));
      svg.append(el("text", { x: x(t), y: H - 24, "font-size": 13, fill: MUTED, "text-anchor": "middle" }, fmt(t, 0)));
    }
    svg.append(el("text", { x: (left + W - right) / 2, y: H - 6, "font-size": 13, fill: MUTED, "text-anchor": "middle" }, "GP appointments over the year (count)"));
    bars.forEach(([name, s, colour], i) => {
      const y = top + i * (bh + gap);
      svg.append(el("text", { x: left - 8, y: y + bh / 2 + 5, "font-size": 14, fill: INK, "text-anchor": "end" }, name));
      if (s.mean === null) return;
      svg.append(el("rect", { x: Math.min(x(0), x(s.mean)), y, width: Math.abs(x(s.mean) - x(0)), height: bh, fill: colour }));
      if (s.low !== null) {
        const cy = y + bh / 2;
        svg.append(el("line", { x1: x(s.low), x2: x(s.high), y1: cy, y2: cy, stroke: INK, "stroke-width": 2 }));
        for (const v of [s.low, s.high]) svg.append(el("line", { x1: x(v), x2: x(v), y1: cy - 8, y2: cy + 8, stroke: INK, "stroke-width": 2 }));
      }
      const tx = Math.max(x(s.mean), s.high === null ? 0 : x(s.high)) + 6;
      svg.append(el("text", { x: tx, y: y + bh / 2 + 5, "font-size": 13, fill: INK, "text-anchor": "start" }, fmt(s.mean, 0)));
    });
    svg.append(el("line", { x1: x(0), x2: x(0), y1: top - 6, y2: H - 40, stroke: INK }));
    if (aim !== null) {
      svg.append(el("line", { x1: x(aim), x2: x(aim), y1: top - 6, y2: H - 40, stroke: AIM, "stroke-width": 2, "stroke-dasharray": "6 4" }));
      svg.append(el("text", { x: x(aim) - 4, y: top - 10, "font-size": 12, fill: AIM, "text-anchor": "end" }, `NHS aim: 5% of GP appointments (${fmt(aim, 0)})`));
    }
    return svg;
  }
  function niceStep(raw) {
    const p = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1e-9))));
    return [1, 2, 5, 10].map((k) => k * p).find((s) => s >= raw) || 10 * p;
  }

  // --- buttons, the fragment typed into the address bar, start
  $("arm").addEventListener("change", rerun);
  const reps = $("reps");
  reps.addEventListener("change", rerun);
  $("reset").addEventListener("click", () => { writeFragment([]); open([]); });
  $("print").addEventListener("click", () => window.print());
  $("copy-link").addEventListener("click", () => {
    const done = (t) => { $("copied").textContent = t; };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(location.href).then(() => done("Link copied."), () => done("Copy this address: " + location.href));
    else done("Copy this address: " + location.href);
  });
  window.addEventListener("hashchange", () => open(readFragment()));

  $("scenario-hash").textContent = data.sha256;
  WebAssembly.compile(wasmBytes()).then((m) => {
    module = m;
    newWorker();
    open(readFragment());
  }, (e) => fail("This browser could not start the simulator (WebAssembly): " + e));
})();

// Drives the what-if page (`signpost whatif`) in headless Chromium over the
// DevTools protocol and checks what a commissioner would meet:
//   - it opens from file:// with no network request, console error or CSP
//     violation, and runs the fragment's what-if to its replications;
//   - the numbers it shows are written out (comparison.csv, the terminal
//     table, the what-if scenario file) for check_whatif.sh to compare
//     with `signpost run`;
//   - a change to a control gives a first answer, timed (median of
//     several), and replications refine with the count shown;
//   - a fragment with an unknown key shows a message and keeps the defaults;
//   - the keyboard reaches the controls with a visible focus ring; the
//     print view shows the levers and the scenario hash;
//   - a screenshot for the README.
//
// Usage: node whatif_check.js PAGE_HTML FRAGMENT OUT_DIR USER_DATA_DIR [CHROMIUM]
// Exit 0 when every check passes. Stdout: one line per finding.
'use strict';
const fs = require('fs');
const path = require('path');
const { launch, checker, run } = require('./cdp');

const [, , pageArg, fragment, outDir, userDir, chromiumBin = 'chromium'] = process.argv;
if (!pageArg || fragment === undefined || !outDir || !userDir) {
  console.error('usage: node whatif_check.js PAGE_HTML FRAGMENT OUT_DIR USER_DATA_DIR [CHROMIUM]');
  process.exit(2);
}
const url = 'file://' + path.resolve(pageArg);
const WIDTH = 1280;
const CHANGES = parseInt(process.env.WHATIF_CHANGES || '5', 10);
const browser = launch(chromiumBin, userDir, WIDTH);
const { send, waitFor, listeners } = browser;

const { check, counts } = checker();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN; };

async function main() {
  const problems = [];
  const watch = (m) => {
    const p = m.params || {};
    if (m.method === 'Runtime.consoleAPICalled' && (p.type === 'error' || p.type === 'assert')) {
      problems.push(`console.${p.type}: ${(p.args || []).map((a) => a.value ?? a.description).join(' ')}`);
    } else if (m.method === 'Runtime.exceptionThrown') {
      problems.push(`exception: ${p.exceptionDetails && (p.exceptionDetails.exception || {}).description || p.exceptionDetails.text}`);
    } else if (m.method === 'Log.entryAdded' && p.entry && (p.entry.level === 'error' || p.entry.level === 'warning')) {
      problems.push(`log ${p.entry.level} (${p.entry.source}): ${p.entry.text} ${p.entry.url || ''}`);
    } else if (m.method === 'Network.requestWillBeSent') {
      const u = p.request && p.request.url;
      if (u && !/^(file|data|blob):/.test(u) && u !== 'about:blank') problems.push(`network request: ${u}`);
    }
  };
  listeners.push(watch);

  const { targetInfos } = await send('Target.getTargets');
  const page = targetInfos.find((t) => t.type === 'page');
  const { sessionId } = await send('Target.attachToTarget', { targetId: page.targetId, flatten: true });
  const s = (m, p) => send(m, p, sessionId);
  for (const d of ['Runtime', 'Log', 'Network', 'Page']) await s(`${d}.enable`);
  await s('Emulation.setDeviceMetricsOverride', { width: WIDTH, height: 1000, deviceScaleFactor: 1, mobile: false });
  const evaluate = async (expression) => {
    const r = await s('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true });
    if (r.exceptionDetails) throw new Error(`${expression}: ${JSON.stringify(r.exceptionDetails)}`);
    return r.result.value;
  };
  const until = async (expression, timeoutMs, what) => {
    const t0 = Date.now();
    for (;;) {
      if (await evaluate(expression)) return;
      if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
      await sleep(50);
    }
  };
  const navigate = async (hash) => {
    // From a blank page, so a link differing only in its fragment is a
    // fresh load, as when opened from an email.
    let loaded = waitFor('Page.loadEventFired', 30000);
    await s('Page.navigate', { url: 'about:blank' });
    await loaded;
    loaded = waitFor('Page.loadEventFired', 30000);
    await s('Page.navigate', { url: url + hash });
    await loaded;
  };
  const status = `document.getElementById('status')`;

  // 1. The fragment's what-if, run to its replications.
  const t0 = Date.now();
  await navigate(fragment ? '#' + fragment : '');
  await until(`${status}.dataset.replications >= 1`, 60000, 'first replication after opening');
  const openedMs = Date.now() - t0;
  await until(`${status}.dataset.state === 'done'`, 300000, 'all replications');
  const run = await evaluate(`(() => {
    const w = window.whatif;
    return { csv: document.getElementById('comparison-csv').textContent, table: document.getElementById('table').textContent,
      toml: w.opened.toml, reps: w.last.replications, errors: w.opened.errors, net: document.querySelector('#card-net .value').textContent,
      ci: document.querySelector('#card-net .ci').textContent, steps: w.steps, cards: document.querySelectorAll('.card').length,
      svgTexts: document.querySelectorAll('#chart svg text').length, hash: location.hash };
  })()`);
  check(run.errors.length === 0, `fragment #${fragment} accepted (${run.errors.join('; ') || 'no messages'})`);
  check(run.cards === 6 && run.svgTexts > 5, `results shown: ${run.cards} cards, headline chart with ${run.svgTexts} text elements`);
  check(/95% CI/.test(run.ci), `net GP appointments freed ${run.net}, ${run.ci}, after ${run.reps} replications`);
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'page-comparison.csv'), run.csv);
  fs.writeFileSync(path.join(outDir, 'page-table.txt'), run.table);
  fs.writeFileSync(path.join(outDir, 'page-whatif.toml'), run.toml);
  fs.writeFileSync(path.join(outDir, 'page-replications.txt'), String(run.reps));
  const perRep = median(run.steps.slice(1));
  console.log(`page opened to first answer in ${openedMs} ms (compiling the module included); replications took median ${perRep.toFixed(0)} ms (${run.steps.map((x) => x.toFixed(0)).join(', ')} ms)`);

  // Screenshot for the README, results complete.
  const shot = async (file, height) => {
    const { data } = await s('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true, clip: { x: 0, y: 0, width: WIDTH, height, scale: 1 } });
    fs.writeFileSync(path.join(outDir, file), Buffer.from(data, 'base64'));
  };
  await shot('whatif.png', 1000);

  // 2. Drive a control: the link-worker FTE, as a keyboard user would
  // commit a typed value. Time from the change to the first answer.
  const firsts = [];
  let fte = 0;
  for (let i = 0; i < CHANGES; i++) {
    fte = [3, 4, 6, 2.5, 7][i % 5];
    await evaluate(`(() => { const el = document.getElementById('lever-splw_fte'); el.focus(); el.value = '${fte}';
      el.dispatchEvent(new Event('change', { bubbles: true })); return true; })()`);
    await until(`${status}.dataset.replications >= 1 && window.whatif.first !== null`, 30000, `first answer after change ${i + 1}`);
    const first = await evaluate('window.whatif.first');
    firsts.push(first);
    // Let one or two more replications refine before the next change.
    await until(`${status}.dataset.replications >= 2`, 30000, 'second replication');
  }
  const hash = await evaluate('location.hash');
  check(hash.includes(`splw.fte=${fte}`), `the fragment follows the controls (${hash})`);
  const medFirst = median(firsts);
  const handoffs = await evaluate('window.whatif.handoffs');
  console.log(`change to first answer: median ${medFirst.toFixed(0)} ms over ${firsts.length} changes (${firsts.map((x) => x.toFixed(0)).join(', ')} ms; ${handoffs} handed to a warm spare worker)`);
  check(medFirst < 1000, `first answer within 1 s of a change (median ${medFirst.toFixed(0)} ms)`);
  const refine = await evaluate(`${status}.textContent`);
  check(/\d+ of \d+ replications/.test(refine) || /Done/.test(refine), `replication count shown ("${refine}")`);
  fs.writeFileSync(path.join(outDir, 'timing.json'), JSON.stringify({ opened_ms: openedMs, change_to_first_ms: firsts, median_change_to_first_ms: medFirst, replication_ms: run.steps, median_replication_ms: perRep }, null, 1));

  // 3. Keyboard: Tab from the top reaches the first controls, with a
  // visible focus ring.
  await evaluate(`document.querySelector('.skip').focus(); true`);
  const focused = [];
  for (let i = 0; i < 4; i++) {
    await s('Input.dispatchKeyEvent', { type: 'keyDown', key: 'Tab', code: 'Tab', windowsVirtualKeyCode: 9 });
    await s('Input.dispatchKeyEvent', { type: 'keyUp', key: 'Tab', code: 'Tab', windowsVirtualKeyCode: 9 });
    focused.push(await evaluate(`(() => { const e = document.activeElement; const st = getComputedStyle(e);
      const label = e.labels && e.labels.length ? e.labels[0].textContent.trim() : e.textContent.trim();
      return { id: e.id || e.tagName, label, ring: st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) >= 2 }; })()`));
  }
  check(focused[0].id === 'arm' && focused.every((f) => f.ring && f.label),
    `Tab reaches labelled controls with a visible focus ring (${focused.map((f) => `${f.id}${f.ring ? '' : ' (no ring)'}`).join(', ')})`);
  const unlabelled = await evaluate(`Array.from(document.querySelectorAll('input, select')).filter((e) => !e.labels || !e.labels.length).map((e) => e.id)`);
  check(unlabelled.length === 0, `every control has a label${unlabelled.length ? ': missing for ' + unlabelled.join(', ') : ''}`);

  // WCAG 2.1 AA contrast (1.4.3): every visible text, HTML and SVG, against
  // the first opaque background behind it: 4.5:1, or 3:1 for large text
  // (at least 24 px, or 18.66 px bold). Colours are composited over white.
  const contrast = await evaluate(`(() => {
    const rgba = (c) => { const m = c.match(/[\\d.]+/g) || [0, 0, 0, 0]; return m.map(Number).concat([1]).slice(0, 4); };
    const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
    const over = (top, under) => top.slice(0, 3).map((v, i) => v * top[3] + under[i] * (1 - top[3]));
    const background = (el) => { for (let e = el; e; e = e.parentElement) { const c = rgba(getComputedStyle(e).backgroundColor); if (c[3] > 0.99) return c; } return [255, 255, 255, 1]; };
    const worst = []; let checked = 0;
    for (const el of document.querySelectorAll('body *')) {
      const own = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim());
      if (!own) continue;
      const st = getComputedStyle(el);
      if (st.visibility === 'hidden' || st.display === 'none' || !el.getClientRects().length) continue;
      const svg = el instanceof SVGElement;
      const fg = rgba(svg && st.fill && st.fill !== 'none' ? st.fill : st.color);
      const bg = background(svg ? el.closest('svg') : el);
      const ratio = ((a, b) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05))(lum(over(fg, bg)), lum(bg));
      const px = parseFloat(st.fontSize), bold = parseInt(st.fontWeight, 10) >= 700;
      const need = px >= 24 || (bold && px >= 18.66) ? 3 : 4.5;
      checked++;
      if (ratio < need) worst.push(el.tagName + ' "' + el.textContent.trim().slice(0, 30) + '" ' + ratio.toFixed(2) + ':1 < ' + need);
    }
    return { checked, worst };
  })()`);
  check(contrast.checked > 50 && contrast.worst.length === 0,
    `WCAG AA contrast: ${contrast.checked} text elements checked${contrast.worst.length ? ', below AA: ' + contrast.worst.slice(0, 5).join('; ') : ', all at least 4.5:1 (3:1 large)'}`);

  // 4. Print view: levers and scenario hash, no controls.
  await s('Emulation.setEmulatedMedia', { media: 'print' });
  const print = await evaluate(`(() => ({ levers: getComputedStyle(document.getElementById('print-levers')).display,
    form: getComputedStyle(document.getElementById('levers')).display,
    rows: document.querySelectorAll('#print-levers tbody tr').length, facts: document.getElementById('print-facts').textContent }))()`);
  check(print.levers !== 'none' && print.form === 'none' && print.rows > 10 && /SHA-256 [0-9a-f]{64}/.test(print.facts),
    `print view: ${print.rows} levers listed, controls hidden, scenario hash shown`);
  await shot('whatif-print.png', 1000);
  await s('Emulation.setEmulatedMedia', { media: '' });

  // 5. A bad link: an unknown key; message shown, defaults kept.
  await navigate('#splw.ftee=3&navigation.training=expert');
  await until(`window.whatif.opened !== null && ${status}.dataset.replications >= 1`, 60000, 'the page after a bad link');
  const bad = await evaluate(`(() => ({ message: document.getElementById('messages').textContent,
    training: document.getElementById('lever-navigation_training').value, hash: location.hash }))()`);
  check(/splw\.ftee/.test(bad.message) && /did you mean `splw\.fte`/.test(bad.message) && bad.training === 'enhanced',
    `unknown key: "${bad.message.slice(0, 140)}…", defaults kept (training ${bad.training})`);
  await navigate('#splw.fte=500');
  await until(`window.whatif.opened !== null && document.getElementById('messages').textContent.length > 0`, 60000, 'message for an out-of-range value');
  const range = await evaluate(`document.getElementById('messages').textContent`);
  check(/splw\.fte: must be from 0 to 20/.test(range), `out of range: "${range.slice(0, 140)}"`);

  await sleep(200);
  check(problems.length === 0, `no console errors, exceptions, CSP violations or network requests${problems.length ? ':\n  ' + problems.join('\n  ') : ''}`);
  try { await send('Browser.close'); } catch (e) { /* closing */ }
}

run(main, browser, counts, 240000);

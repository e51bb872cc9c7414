// Opens a report.html in headless Chromium over the DevTools protocol (a
// pipe, no network port), then checks and screenshots it:
//   - no console errors, uncaught exceptions or failed loads (a CSP
//     violation, a missing resource, a script that should not be there);
//   - every <figure> holds an <svg> with non-zero rendered size;
//   - screenshots: the first screen, and the whole page in slices.
//
// Usage: node cdp_check.js REPORT_HTML OUT_DIR USER_DATA_DIR [CHROMIUM]
// Exit code 0 when every check passes, 1 otherwise. Stdout: one line per
// finding, then "N passed, M failed".
'use strict';
const fs = require('fs');
const path = require('path');

const { launch, checker, run } = require('./cdp');

const [, , reportArg, outDir, userDir, chromiumBin = 'chromium'] = process.argv;
if (!reportArg || !outDir || !userDir) {
  console.error('usage: node cdp_check.js REPORT_HTML OUT_DIR USER_DATA_DIR [CHROMIUM]');
  process.exit(2);
}
const report = path.resolve(reportArg);
const WIDTH = 1280;
const SLICE = 1600;

const browser = launch(chromiumBin, userDir, WIDTH);
const { send, waitFor, listeners } = browser;

const { check, counts } = checker();

async function main() {
  const problems = [];
  listeners.push((m) => {
    const p = m.params || {};
    if (m.method === 'Runtime.consoleAPICalled' && (p.type === 'error' || p.type === 'assert')) {
      problems.push(`console.${p.type}: ${(p.args || []).map((a) => a.value ?? a.description).join(' ')}`);
    } else if (m.method === 'Runtime.exceptionThrown') {
      problems.push(`exception: ${p.exceptionDetails && p.exceptionDetails.text}`);
    } else if (m.method === 'Log.entryAdded' && p.entry && (p.entry.level === 'error' || p.entry.level === 'warning')) {
      problems.push(`log ${p.entry.level} (${p.entry.source}): ${p.entry.text} ${p.entry.url || ''}`);
    } else if (m.method === 'Network.requestWillBeSent') {
      const url = p.request && p.request.url;
      if (url && !url.startsWith('file://') && !url.startsWith('data:') && url !== 'about:blank') {
        problems.push(`network request: ${url}`);
      }
    }
  });

  const { targetInfos } = await send('Target.getTargets');
  const page = targetInfos.find((t) => t.type === 'page');
  const { sessionId } = await send('Target.attachToTarget', { targetId: page.targetId, flatten: true });
  const s = (m, p) => send(m, p, sessionId);
  await s('Runtime.enable');
  await s('Log.enable');
  await s('Network.enable');
  await s('Page.enable');
  await s('Emulation.setDeviceMetricsOverride', { width: WIDTH, height: 900, deviceScaleFactor: 1, mobile: false });
  const loaded = waitFor('Page.loadEventFired', 30000);
  await s('Page.navigate', { url: 'file://' + report });
  await loaded;
  await new Promise((r) => setTimeout(r, 500));

  const { result } = await s('Runtime.evaluate', {
    returnByValue: true,
    expression: `(() => {
      const figs = Array.from(document.querySelectorAll('figure'));
      return {
        title: document.title,
        figures: figs.map((f) => {
          const svg = f.querySelector('svg');
          const r = svg ? svg.getBoundingClientRect() : null;
          const texts = svg ? svg.querySelectorAll('text').length : 0;
          return { id: f.id, svg: !!svg, w: r ? r.width : 0, h: r ? r.height : 0, texts };
        }),
        scripts: document.querySelectorAll('script').length,
        height: Math.ceil(document.documentElement.scrollHeight),
        width: Math.ceil(document.documentElement.scrollWidth),
      };
    })()`,
  });
  const info = result.value;
  const expected = parseInt(process.env.EXPECTED_CHARTS || '0', 10);
  check(info.figures.length > 0, `report has figures (${info.figures.length})`);
  if (expected > 0) check(info.figures.length === expected, `figures in DOM = charts in file (${info.figures.length} vs ${expected})`);
  for (const f of info.figures) {
    check(f.svg && f.w > 100 && f.h > 100 && f.texts > 5,
      `figure ${f.id}: <svg> rendered ${Math.round(f.w)}x${Math.round(f.h)} px, ${f.texts} text elements`);
  }
  check(info.scripts === 0, `no <script> elements in the DOM (${info.scripts})`);
  check(info.width <= WIDTH, `no horizontal overflow (page ${info.width} px wide in a ${WIDTH} px window)`);

  // Screenshots: the first screen, and the whole page in slices.
  fs.mkdirSync(outDir, { recursive: true });
  const shot = async (file, y, h) => {
    const { data } = await s('Page.captureScreenshot', {
      format: 'png', captureBeyondViewport: true,
      clip: { x: 0, y, width: WIDTH, height: h, scale: 1 },
    });
    fs.writeFileSync(path.join(outDir, file), Buffer.from(data, 'base64'));
  };
  await shot('report.png', 0, 900);
  let n = 0;
  for (let y = 0; y < info.height; y += SLICE) {
    n++;
    await shot(`report-page-${String(n).padStart(2, '0')}.png`, y, Math.min(SLICE, info.height - y));
  }
  console.log(`screenshots: ${path.join(outDir, 'report.png')} and ${n} page slices (page height ${info.height} px)`);

  await new Promise((r) => setTimeout(r, 200));
  check(problems.length === 0, `no console errors, exceptions or network requests${problems.length ? ':\n  ' + problems.join('\n  ') : ''}`);
  try { await send('Browser.close'); } catch (e) { /* closing */ }
}

run(main, browser, counts, 90000);

// Headless Chromium over the DevTools protocol on a pipe (no network
// port, no npm packages): launch it, send commands, listen to events.
// Shared by cdp_check.js (the report) and whatif_check.js (the what-if page).
'use strict';
const { spawn } = require('child_process');

function launch(chromiumBin, userDir, width) {
  const chrome = spawn(chromiumBin, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--hide-scrollbars', '--mute-audio', `--window-size=${width},900`,
    `--user-data-dir=${userDir}`, '--remote-debugging-pipe', 'about:blank',
  ], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
  let chromeStderr = '';
  chrome.stdio[2].on('data', (d) => { chromeStderr += d; });

  const toChrome = chrome.stdio[3];
  const fromChrome = chrome.stdio[4];
  let nextId = 1;
  const pending = new Map();
  const listeners = [];
  let buf = Buffer.alloc(0);
  fromChrome.on('data', (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    let i;
    while ((i = buf.indexOf(0)) >= 0) {
      const msg = JSON.parse(buf.subarray(0, i).toString('utf8'));
      buf = buf.subarray(i + 1);
      if (msg.id && pending.has(msg.id)) {
        const { resolve, reject } = pending.get(msg.id);
        pending.delete(msg.id);
        if (msg.error) reject(new Error(JSON.stringify(msg.error)));
        else resolve(msg.result);
      } else if (msg.method) {
        for (const l of listeners) l(msg);
      }
    }
  });
  function send(method, params = {}, sessionId) {
    const id = nextId++;
    const msg = { id, method, params };
    if (sessionId) msg.sessionId = sessionId;
    toChrome.write(JSON.stringify(msg) + '\0');
    return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
  }
  function waitFor(method, timeoutMs) {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timed out waiting for ${method}`)), timeoutMs);
      listeners.push((m) => { if (m.method === method) { clearTimeout(t); resolve(m); } });
    });
  }
  return { chrome, send, waitFor, listeners, stderr: () => chromeStderr };
}

// Pass/fail lines and counts.
function checker() {
  const counts = { passed: 0, failed: 0 };
  const check = (ok, what) => {
    if (ok) { counts.passed++; console.log(`ok: ${what}`); } else { counts.failed++; console.log(`FAIL: ${what}`); }
  };
  return { check, counts };
}

// Runs main() under a watchdog, prints the counts and exits 0 only when
// every check passed (1 on a failure, an exception or the time-out).
function run(main, { chrome, stderr }, counts, timeoutMs) {
  const end = (code) => { chrome.kill('SIGKILL'); process.exit(code); };
  const watchdog = setTimeout(() => {
    console.log(`FAIL: timed out after ${timeoutMs / 1000} s`);
    console.log(stderr().slice(-2000));
    end(1);
  }, timeoutMs);
  main().then(() => {
    clearTimeout(watchdog);
    console.log(`${counts.passed} passed, ${counts.failed} failed`);
    setTimeout(() => end(counts.failed ? 1 : 0), 300);
  }, (e) => {
    clearTimeout(watchdog);
    console.log(`FAIL: ${e.message}`);
    console.log(stderr().slice(-2000));
    end(1);
  });
}

module.exports = { launch, checker, run };

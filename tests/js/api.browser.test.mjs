// The built script-tag bundle with the real Wasm core, in headless Chromium
// under the promised CSP, against a fake collector: consent gating, the
// worker and main-thread engines, flush() semantics, refusals, the unload
// path and stop(). Skipped until dist/recorder-core.{mjs,wasm} exist.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, copyFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { buildAll } from '../../js/build.mjs';
import { startServer, CHROMIUM, CHROMIUM_ARGS } from './helpers/server.js';
import { readBatches, hasZstd } from './helpers/batch.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CORE = ['recorder-core.mjs', 'recorder-core.wasm'];
// A missing prerequisite fails the suite: ./run test installs and builds
// all of them, so a skip here would only hide a broken set-up.
const missing = !existsSync(CHROMIUM) ? `no Chromium at ${CHROMIUM}`
  : !CORE.every((f) => existsSync(path.join(ROOT, 'dist', f))) ? 'dist/recorder-core.* not built (./run build)'
    : !hasZstd() ? 'no zstd CLI' : null;

const PAGE = `<!doctype html>
<html><head><title>API test</title><script src="/assets/recorder.js"></script></head>
<body><h1>Shop</h1><ul id="list"><li>one</li></ul><input id="pw" type="password">
<a id="other" href="/other.html">other</a></body></html>`;

// The ES module build, imported by a module of the page's own.
const ESM_PAGE = `<!doctype html><html><head><title>ESM</title><script type="module" src="/esm-boot.mjs"></script>
</head><body><p>esm</p></body></html>`;
const ESM_BOOT = `import SessionRecorder, { start, stats } from '/assets/recorder.mjs';
window.esm = { same: SessionRecorder.start === start && SessionRecorder.stats === stats, global: 'SessionRecorder' in window };
window.SessionRecorder = SessionRecorder;`;

let server;
let browser;
let assets;

before(async () => {
  if (missing) throw new Error(`cannot run the API browser tests: ${missing}`);
  assets = mkdtempSync(path.join(os.tmpdir(), 'rec-js-assets-'));
  await buildAll(assets);
  for (const f of CORE) copyFileSync(path.join(ROOT, 'dist', f), path.join(assets, f));
  server = await startServer({
    mounts: { '/assets/': assets },
    pages: { '/page.html': PAGE, '/other.html': '<!doctype html><p>other</p>', '/favicon.ico': '',
      '/esm.html': ESM_PAGE, '/esm-boot.mjs': ESM_BOOT },
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (assets) rmSync(assets, { recursive: true, force: true });
});

// Counts the page's own Wasm instantiations (not the Worker's).
function countInstances() {
  window.wasmInstances = 0;
  const Instance = WebAssembly.Instance;
  const instantiate = WebAssembly.instantiate;
  WebAssembly.Instance = function (...args) {
    window.wasmInstances++;
    return new Instance(...args);
  };
  WebAssembly.Instance.prototype = Instance.prototype;
  WebAssembly.instantiate = function (...args) {
    window.wasmInstances++;
    return instantiate.apply(this, args);
  };
}

async function open({ gpc = false, instances = false } = {}) {
  server.collector.bodies.length = 0;
  server.collector.status = 204;
  server.collector.reason = '';
  const page = await browser.newPage();
  const problems = [];
  const requests = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text()); });
  page.on('request', (r) => requests.push(r.url()));
  if (gpc) await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }));
  if (instances) await page.addInitScript(countInstances);
  await page.goto(`${server.origin}/page.html`);
  const start = (options) => page.evaluate((o) => window.SessionRecorder.start(o),
    { endpoint: `${server.origin}/collect`, siteKey: 'site_1', flushIntervalMs: 60000, ...options });
  return { page, problems, requests, start };
}

const batches = () => readBatches(server.collector.bodies);
const waitFor = async (cond, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  return cond();
};

test('nothing is requested, loaded or stored before consent; then batches flow', async () => {
  const { page, problems, requests, start } = await open();
  await start({});
  await page.waitForTimeout(300);
  assert.deepEqual(requests.filter((u) => !u.endsWith('/page.html') && !u.endsWith('/assets/recorder.js')), []);
  assert.equal((await page.evaluate(() => window.SessionRecorder.stats())).state, 'idle');

  await page.evaluate(() => window.SessionRecorder.consent(true));
  const first = await page.evaluate(() => window.SessionRecorder.flush());
  assert.equal(first.batches, 1);
  await page.evaluate(() => document.getElementById('list').append(Object.assign(document.createElement('li'), { textContent: 'two' })));
  const second = await page.evaluate(() => window.SessionRecorder.flush());
  assert.equal(second.batches, 1);
  const stats = await page.evaluate(() => window.SessionRecorder.stats());
  assert.equal(stats.engine, 'worker');
  assert.equal(stats.batchesSent, 2);
  assert.equal(stats.batchesPending, 0);
  assert.ok(stats.wasmCalls <= stats.flushes * 3, `${stats.wasmCalls} calls for ${stats.flushes} flushes`);
  assert.match(stats.sessionId, /^[A-Za-z0-9_-]{22}$/);
  const sent = batches();
  assert.deepEqual(sent.map((b) => [b.ident, b.siteKey, b.seq]), [['SRB1', 'site_1', 0], ['SRB1', 'site_1', 1]]);
  assert.ok(sent.every((b) => b.sessionId === stats.sessionId && b.pageViewId === stats.pageViewId));
  for (const { headers } of server.collector.bodies) {
    assert.equal(headers['content-type'], undefined, 'no Content-Type: a CORS-simple request');
    assert.equal(headers.cookie, undefined);
  }
  // After consent: no cookie, no localStorage; one sessionStorage entry of
  // ids for session continuity (js/src/continuity.js), nothing else.
  const storage = await page.evaluate(() => [localStorage.length, sessionStorage.length, document.cookie,
    Object.keys(JSON.parse(sessionStorage.getItem('session-recorder'))).sort()]);
  assert.deepEqual(storage, [0, 1, '', ['pageView', 'session', 'site', 't']]);
  await page.evaluate(() => window.SessionRecorder.stop());
  await page.close();
  assert.deepEqual(problems, []);
});

test('worker: false encodes on the main thread, in idle time', async () => {
  const { page, problems, start } = await open();
  await start({ worker: false, consent: { required: false } });
  const r = await page.evaluate(() => window.SessionRecorder.flush());
  assert.equal(r.batches, 1);
  assert.equal((await page.evaluate(() => window.SessionRecorder.stats())).engine, 'main');
  await page.evaluate(() => window.SessionRecorder.stop());
  await page.close();
  assert.deepEqual(problems, []);
});

test('Global Privacy Control: never records', async () => {
  const { page, requests, start } = await open({ gpc: true });
  await start({ consent: { required: false } });
  await page.evaluate(() => window.SessionRecorder.consent(true));
  await page.waitForTimeout(300);
  assert.equal((await page.evaluate(() => window.SessionRecorder.stats())).state, 'idle');
  assert.ok(!requests.some((u) => u.includes('recorder-core') || u.includes('/collect')));
  await page.close();
});

test('a refused batch rejects flush() with the collector\'s reason and is counted', async () => {
  const { page, problems, start } = await open();
  await start({ consent: { required: false } });
  server.collector.status = 400;
  server.collector.reason = 'unknown site key\nsecond line';
  const message = await page.evaluate(() => window.SessionRecorder.flush().then(() => 'resolved', (e) => e.message));
  assert.equal(message, 'collector refused the batch (HTTP 400): unknown site key');
  const stats = await page.evaluate(() => window.SessionRecorder.stats());
  assert.equal(stats.batchesDropped, 1);
  assert.equal(stats.retries, 0);
  await page.close();
  // Logged once, as a warning (plus the browser's own line about the 400).
  assert.equal(problems.filter((p) => p.includes('unknown site key')).length, 1);
});

test('hidden page: the batch leaves synchronously, even if the page is gone right after', async () => {
  const { page, start } = await open({ instances: true });
  await start({ consent: { required: false } });
  await page.evaluate(() => window.SessionRecorder.flush());
  // The Worker encodes; the page makes its own core only when it must.
  assert.equal(await page.evaluate(() => window.wasmInstances), 0, 'no main-thread core before the page leaves');
  // Changes, then hide and close in the same task: no promise can settle.
  const stats = await page.evaluate(() => {
    document.getElementById('list').append(Object.assign(document.createElement('li'), { textContent: 'late' }));
    window.SessionRecorder.flush(); // a worker round trip that will not come back in time
    document.getElementById('list').setAttribute('data-x', '1');
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
    return { ...window.SessionRecorder.stats(), instances: window.wasmInstances };
  });
  await page.close();
  assert.equal(stats.flushes, 3);
  assert.equal(stats.instances, 1, 'the unload path made one core, synchronously');
  // Closing may add one more (the real visibilitychange of the closing page).
  const arrived = () => new Set(batches().map((b) => b.seq));
  assert.ok(await waitFor(() => [0, 1, 2].every((seq) => arrived().has(seq))), 'seq 0, 1 and 2 arrived');
});

test('a Worker that dies mid-session: the page makes its own core and loses no batch', async () => {
  const { page, start } = await open({ instances: true });
  await page.evaluate(() => {
    const Native = window.Worker;
    window.workers = [];
    window.Worker = function (...args) {
      const w = new Native(...args);
      window.workers.push(w);
      return w;
    };
  });
  await start({ consent: { required: false } });
  await page.evaluate(() => window.SessionRecorder.flush());
  assert.equal(await page.evaluate(() => window.wasmInstances), 0);
  const stats = await page.evaluate(async () => {
    document.getElementById('list').append(Object.assign(document.createElement('li'), { textContent: 'after' }));
    const w = window.workers[0];
    w.onerror(new ErrorEvent('error', { message: 'worker crashed (test)', cancelable: true }));
    await window.SessionRecorder.flush();
    return { ...window.SessionRecorder.stats(), instances: window.wasmInstances };
  });
  assert.equal(stats.engine, 'main');
  assert.equal(stats.instances, 1);
  assert.equal(stats.batchesSent, 2);
  assert.deepEqual(batches().map((b) => b.seq).sort(), [0, 1]);
  await page.close();
});

test('pagehide on navigation sends the last batch', async () => {
  const { page, start } = await open();
  await start({ consent: { required: false } });
  await page.evaluate(() => window.SessionRecorder.flush());
  await page.evaluate(() => document.getElementById('list').append(document.createElement('li')));
  await page.click('#other');
  await page.waitForURL('**/other.html');
  assert.ok(await waitFor(() => batches().some((b) => b.seq === 1)), 'seq 1 arrived');
  await page.close();
});

test('stop() flushes, then removes every listener, observer and history wrapper', async () => {
  const { page, problems, start } = await open();
  const original = await page.evaluate(() => (window.origPush = history.pushState, true));
  assert.ok(original);
  await start({ consent: { required: false } });
  assert.equal(await page.evaluate(() => history.pushState === window.origPush), false);
  await page.evaluate(() => document.getElementById('list').append(document.createElement('li')));
  await page.evaluate(() => window.SessionRecorder.stop());
  const after = await page.evaluate(async () => {
    const before = window.SessionRecorder.stats();
    document.getElementById('list').append(document.createElement('li'));
    document.querySelector('h1').click();
    history.pushState({}, '', '#x');
    window.dispatchEvent(new Event('resize'));
    await new Promise((r) => setTimeout(r, 400));
    return { before, now: window.SessionRecorder.stats(), restored: history.pushState === window.origPush };
  });
  assert.equal(after.restored, true);
  assert.equal(after.now.events, after.before.events);
  assert.equal(after.now.state, 'stopped');
  assert.equal(after.before.batchesPending, 0);
  assert.deepEqual(batches().map((b) => b.seq), [0]);
  await page.close();
  assert.deepEqual(problems, []);
});

test('withdrawn consent: capture stops and nothing unsent leaves', async () => {
  const { page, start } = await open();
  await start({});
  await page.evaluate(() => window.SessionRecorder.consent(true));
  await page.evaluate(() => window.SessionRecorder.flush());
  const count = server.collector.bodies.length;
  await page.evaluate(() => {
    document.getElementById('list').append(document.createElement('li'));
    window.SessionRecorder.consent(false);
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await page.waitForTimeout(300);
  assert.equal(server.collector.bodies.length, count);
  assert.equal((await page.evaluate(() => window.SessionRecorder.stats())).state, 'stopped');
  await page.close();
});

test('the ES module build finds its assets from import.meta.url', async () => {
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text()); });
  server.collector.bodies.length = 0;
  await page.goto(`${server.origin}/esm.html`);
  await page.waitForFunction(() => window.esm !== undefined);
  assert.deepEqual(await page.evaluate(() => window.esm), { same: true, global: false });
  const r = await page.evaluate((endpoint) => window.SessionRecorder.start({ endpoint, siteKey: 'esm',
    consent: { required: false } }).then(() => window.SessionRecorder.flush()), `${server.origin}/collect`);
  assert.equal(r.batches, 1);
  assert.equal((await page.evaluate(() => window.SessionRecorder.stats())).engine, 'worker');
  assert.equal(batches()[0].siteKey, 'esm');
  await page.close();
  assert.deepEqual(problems, []);
});

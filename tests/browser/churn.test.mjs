// Memory stays flat under churn: a page that adds, removes, moves and
// changes thousands of nodes a second at a constant live DOM size is
// recorded (real glue, Wasm core in its Worker, real collector) with a short
// flush interval and checkpoints on, for about 50 s: the batches of many
// minutes at the default settings. Sampled over time: the page's JS heap
// (CDP, after a forced GC), the core's node mirror (nodes, estimated bytes)
// and the Wasm memory size (stats().core, from the Worker). After warm-up
// none may keep growing. Leaked ids (a mirror that never releases removed
// nodes) grow the mirror by ~2000 nodes a second and fail this.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from './lib/stack.mjs';

let stack, site, collector, browser;

before(async () => {
  stack = await startStack({ siteRoot: 'tests/browser/fixtures', siteKey: 'churn', name: 'churn' });
  ({ site, collector, browser } = stack);
});

after(() => stack?.close());

const SAMPLES = 10;
const EVERY_MS = 4000;
const LIVE_NODES = 400;
const PER_TICK = 20;  // each 10 ms: 20 removed, 20 added, 20 moved, 20 texts and attributes

test('churn: page heap, node mirror and Wasm memory stay bounded', { timeout: 180000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${site.url}/checkpoint.html?endpoint=${encodeURIComponent(collector.url)}&site=churn&interval=5000&flush=200`);
  await page.evaluate(() => window.pageReady);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  await page.evaluate(({ n, k }) => { window.stopChurn = window.churn(n, k); }, { n: LIVE_NODES, k: PER_TICK });

  const samples = [];
  const t0 = Date.now();
  for (let i = 0; i < SAMPLES; i++) {
    await page.waitForTimeout(EVERY_MS);
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = await cdp.send('Runtime.getHeapUsage');
    const s = await page.evaluate(() => ({ stats: window.SessionRecorder.stats(),
      dom: document.getElementsByTagName('*').length }));
    const core = s.stats.core || {};
    samples.push({ t: Date.now() - t0, pageHeap: heap.usedSize, dom: s.dom, mirrorNodes: core.mirrorNodes,
      mirrorBytes: core.mirrorBytes, wasmBytes: core.wasmBytes, checkpoints: core.checkpoints,
      events: s.stats.events, sent: s.stats.batchesSent });
  }
  await page.evaluate(() => window.stopChurn());
  const final = await page.evaluate(() => window.SessionRecorder.flush().then(() => window.SessionRecorder.stats()));
  await page.close();

  const mb = (b) => (b / 1048576).toFixed(2);
  console.log(`# ${final.flushes} flushes, ${mb(final.recordsBytes)} MB of records, ${mb(final.compressedBytes)} MB sent`);
  console.log('# t(s)  page heap MB  DOM  mirror nodes  mirror MB  Wasm MB  checkpoints  events  batches');
  for (const s of samples) {
    console.log(`# ${(s.t / 1000).toFixed(0).padStart(4)}  ${mb(s.pageHeap).padStart(12)}  ${String(s.dom).padStart(4)}  ` +
      `${String(s.mirrorNodes).padStart(12)}  ${mb(s.mirrorBytes).padStart(9)}  ${mb(s.wasmBytes).padStart(7)}  ` +
      `${String(s.checkpoints).padStart(11)}  ${String(s.events).padStart(6)}  ${s.sent}`);
  }

  assert.deepEqual(errors, []);
  assert.equal(final.engine, 'worker');
  assert.equal(final.batchesDropped, 0);
  const warm = samples.slice(1, 4);
  const late = samples.slice(-3);
  const max = (list, key) => Math.max(...list.map((s) => s[key]));
  // The page itself stays the same size, and a lot happened.
  assert.ok(max(samples, 'dom') - Math.min(...samples.map((s) => s.dom)) <= 2, 'live DOM size constant');
  assert.ok(final.recordsBytes > 1 << 20, `records bytes: ${final.recordsBytes}`);
  assert.ok(samples.at(-1).checkpoints >= 5, 'checkpoints written along the way');
  // Bounded: the late samples are not above the warm-up ones by more than a margin.
  assert.ok(max(late, 'mirrorNodes') <= max(warm, 'mirrorNodes') * 1.1 + 50,
    `mirror nodes ${max(warm, 'mirrorNodes')} -> ${max(late, 'mirrorNodes')}`);
  assert.ok(max(late, 'mirrorBytes') <= max(warm, 'mirrorBytes') * 1.2 + 65536,
    `mirror bytes ${max(warm, 'mirrorBytes')} -> ${max(late, 'mirrorBytes')}`);
  assert.ok(max(late, 'wasmBytes') <= max(warm, 'wasmBytes') + (1 << 20),
    `Wasm memory ${max(warm, 'wasmBytes')} -> ${max(late, 'wasmBytes')}`);
  assert.ok(max(late, 'pageHeap') <= max(warm, 'pageHeap') * 1.5 + (2 << 20),
    `page heap ${max(warm, 'pageHeap')} -> ${max(late, 'pageHeap')}`);
});

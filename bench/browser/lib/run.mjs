// One measured visit: a fresh browser context, the workload page loaded with
// no recorder, then (inside the measured window) the recorder injected and
// started, the scripted visit, and the final flush. The window is measured
// three ways: CDP Performance.getMetrics (main-thread task time, script,
// layout, style), a trace (longest task, the recorder's share of each task),
// and the harness in the page (input-to-next-frame, snapshot time).
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { ROOT } from '../../../scripts/lib/collector.mjs';
import { HERE, PACKER_DIST, RRWEB_DIST, RRWEB_FILE, newCounter } from './servers.mjs';
import { TRACE_CATEGORIES, TASK_NAMES, analyzeTrace, mainThreadTime, snapshotTasks } from './trace.mjs';

// workloads/wasm-hook.js records every WebAssembly.Memory; it runs in the
// page as an init script and in our Worker through WORKER_PRELUDE, prepended
// to recorder-worker.js (a classic script) when the bench serves it
// (request interception).
const WASM_HOOK = path.join(HERE, 'workloads/wasm-hook.js');
const WORKER_PRELUDE = `${readFileSync(WASM_HOOK, 'utf8')}\n`;
const wasmBytes = () => [...new Set(globalThis.__benchWasm || [])].reduce((s, m) => s + m.buffer.byteLength, 0);

const METRICS = ['TaskDuration', 'ScriptDuration', 'LayoutDuration', 'RecalcStyleDuration'];

// The recorder's Worker: its thread time (CPU) and wall time in tasks, from
// the trace's top-level tasks on every dedicated worker thread (only our
// recorder starts one), and its JS heap after a GC through a CDP session of
// its own (a Worker has no performance.memory).
function workerTasks(buffer) {
  const { traceEvents = [] } = JSON.parse(buffer.toString('utf8'));
  const threads = new Set(traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name'
    && /^DedicatedWorker/.test((e.args && e.args.name) || '')).map((e) => `${e.pid}:${e.tid}`));
  let cpuMs = 0, taskMs = 0;
  for (const e of traceEvents) {
    if (e.ph !== 'X' || !TASK_NAMES.has(e.name) || !threads.has(`${e.pid}:${e.tid}`)) continue;
    cpuMs += (e.tdur !== undefined ? e.tdur : e.dur) / 1000;
    taskMs += e.dur / 1000;
  }
  return threads.size ? { cpuMs, taskMs } : null;
}

async function workerHeapBytes(browser) {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { targetInfos } = await cdp.send('Target.getTargets');
    let total = null;
    for (const t of targetInfos.filter((x) => x.type === 'worker')) {
      // A non-flat session: its commands and answers travel as messages.
      const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: t.targetId, flatten: false });
      let id = 0;
      const call = (method) => new Promise((resolve, reject) => {
        const mine = ++id;
        const timer = setTimeout(() => reject(new Error(`${method}: no answer`)), 5000);
        cdp.on('Target.receivedMessageFromTarget', function on(e) {
          if (e.sessionId !== sessionId) return;
          const m = JSON.parse(e.message);
          if (m.id !== mine) return;
          clearTimeout(timer);
          cdp.off('Target.receivedMessageFromTarget', on);
          if (m.error) reject(new Error(m.error.message)); else resolve(m.result);
        });
        cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: mine, method }) }).catch(reject);
      });
      await call('HeapProfiler.collectGarbage');
      total = (total || 0) + (await call('Runtime.getHeapUsage')).usedSize;
      await cdp.send('Target.detachFromTarget', { sessionId }).catch(() => {});
    }
    return total;
  } finally {
    await cdp.detach().catch(() => {});
  }
}

async function metrics(cdp) {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  const m = {};
  for (const { name, value } of list) m[name] = value;
  return m;
}

export function isRecorderUrl(url) {
  return /\/dist\/recorder[^/]*$|\/vendor\/rrweb|\/rrweb-boot\.mjs$/.test(url || '');
}

// For --url pages: the bench's files are served under /__bench/ on the page's
// own origin (so our Worker is same-origin), through request interception.
async function routeBenchFiles(page, origin) {
  const map = [['/__bench/dist/', path.join(ROOT, 'dist')], ['/__bench/bench/', path.join(HERE, 'workloads')],
    ['/__bench/vendor/rrweb-packer/', PACKER_DIST], ['/__bench/vendor/rrweb/', RRWEB_DIST]];
  const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.cjs': 'text/javascript', '.wasm': 'application/wasm' };
  await page.route(`${origin}/__bench/**`, async (route) => {
    const p = new URL(route.request().url()).pathname;
    const hit = map.find(([prefix]) => p.startsWith(prefix));
    if (!hit) return route.fulfill({ status: 404, body: 'not found' });
    let rel = p.slice(hit[0].length);
    if (hit[0] === '/__bench/vendor/rrweb/') rel = RRWEB_FILE;
    try {
      let body = await readFile(path.join(hit[1], rel));
      if (rel === 'recorder-worker.js') body = WORKER_PRELUDE + body;
      await route.fulfill({ status: 200, body, headers: { 'Content-Type': TYPES[path.extname(rel)] || 'application/octet-stream' } });
    } catch {
      await route.fulfill({ status: 404, body: 'not found' });
    }
  });
}

// The floor for the full snapshot, measured as the recorder would start:
// a fresh page loaded the same way, the same pause, then the bare walk in a
// task of its own. (Measured at the end of the no-recorder run instead, the
// walk ran on a page that had settled for seconds, and took about half the
// time it takes right after load, when every recorder starts.)
// Returns { ms, cpuMs, nodes, chars }.
export async function measureFloor({ browser, servers }, workload) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: Boolean(workload.url) });
  try {
    const page = await context.newPage();
    await openWorkload(page, servers, workload);
    await browser.startTracing(page, { categories: ['toplevel', 'blink.user_timing'] });
    const walk = await page.evaluate(() => window.__bench.floorTask());
    const tasks = snapshotTasks(await browser.stopTracing());
    return { ...walk, cpuMs: tasks ? tasks.cpuMs : null };
  } finally {
    await context.close();
  }
}

// Loads the workload's page (no recorder) and waits as every run does.
// Returns the base URL the recorder's files are served from.
async function openWorkload(page, servers, workload) {
  let url;
  let base = servers.site.url;
  if (workload.url) {
    url = workload.url;
    base = new URL(url).origin + '/__bench';
    await routeBenchFiles(page, new URL(url).origin);
  } else {
    url = servers.site.url + workload.path;
    await page.route(`${servers.site.url}/dist/recorder-worker.js`, async (route) => {
      const res = await route.fetch();
      await route.fulfill({ response: res, body: WORKER_PRELUDE + await res.text() });
    });
  }
  await page.goto(url, { waitUntil: 'load' });
  if (workload.url) await page.addScriptTag({ url: base + '/bench/harness.js' });
  await page.waitForFunction(() => window.__bench && window.__bench.load);
  await page.waitForTimeout(100);
  return base;
}

// env: { browser, servers }, workload: { path | url, drive }, mode
export async function measureRun({ browser, servers }, workload, mode, { trace: withTrace = false } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: Boolean(workload.url) });
  try {
    await context.addInitScript({ path: WASM_HOOK });
    const page = await context.newPage();
    const workers = [];
    page.on('worker', (w) => workers.push(w));
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');

    const base = await openWorkload(page, servers, workload);

    const counter = newCounter();
    servers.counts.ours = counter;
    servers.counts.rrweb = counter;
    // Always a trace of top-level tasks at least (cheap): the Worker's CPU
    // time comes from it. --trace adds V8's sampling profiler.
    // blink.user_timing: the harness's marks around the full snapshot.
    await browser.startTracing(page, { categories: [...(withTrace ? TRACE_CATEGORIES : ['toplevel']), 'blink.user_timing'] });
    const m0 = await metrics(cdp);
    const t0 = Date.now();
    await page.evaluate(([m, cfg]) => window.__bench.load(m, cfg), [mode, {
      base, endpoint: servers.proxyUrl, siteKey: 'bench', sink: servers.sinkUrl, flushIntervalMs: 3000,
    }]);
    await workload.drive(page);
    const inPage = await page.evaluate(() => window.__bench.finish());
    const wallMs = Date.now() - t0;
    // A recorder that fell back to encoding on the main thread (its Worker
    // failed to start) would be measured as something it is not.
    if (mode.startsWith('ours') && inPage.stats && inPage.stats.engine !== 'worker') {
      throw new Error(`the recorder encoded on the ${inPage.stats.engine} thread, not in its Worker: ${errors.join('; ') || 'see its console'}`);
    }
    const m1 = await metrics(cdp);
    const traceBuf = await browser.stopTracing();
    const trace = withTrace ? analyzeTrace(traceBuf, isRecorderUrl) : null;
    const worker = workerTasks(traceBuf);
    const snapshot = mode === 'none' ? null : snapshotTasks(traceBuf);
    const main = mainThreadTime(traceBuf);
    const workerHeap = workers.length ? await workerHeapBytes(browser).catch(() => null) : null;

    await cdp.send('HeapProfiler.collectGarbage');
    const m2 = await metrics(cdp);
    let wasm = await page.evaluate(wasmBytes).catch(() => 0);
    for (const w of workers) wasm += await w.evaluate(wasmBytes).catch(() => 0);

    let collectorRaw = null;
    if (mode.startsWith('ours') && inPage.stats && inPage.stats.sessionId) {
      collectorRaw = await servers.collectorRawBytes(inPage.stats.sessionId);
    }
    const lat = inPage.latencies.map(([, ms]) => ms).sort((a, b) => a - b);
    const pct = (p) => (lat.length ? lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] : null);
    const d = (k) => (m1[k] - m0[k]) * 1000;
    // Longest task: exact from the trace when tracing, else the longest task
    // the Long Tasks API saw (it reports tasks of 50 ms or more; 0 = none).
    // Recorder time in one task: sampled from the trace, else the recorder's
    // script entries in the longest-hit long animation frame (50 ms or more).
    const longest = trace ? trace.longestTaskMs : Math.max(0, ...inPage.longTasks);
    const recorderInTask = trace ? trace.longestRecorderMs : Math.max(0, ...inPage.longFrames.map((f) => f[1]));
    return {
      mode,
      wallMs,
      longestTaskMs: longest,
      recorderLongestInTaskMs: recorderInTask,
      longFrames: inPage.longFrames.length,
      longTasks: inPage.longTasks.length,
      taskMs: d('TaskDuration'),
      mainCpuMs: main ? main.cpuMs : null,
      scriptMs: d('ScriptDuration'),
      layoutMs: d('LayoutDuration'),
      styleMs: d('RecalcStyleDuration'),
      trace,
      inputs: lat.length,
      inputP50Ms: pct(0.5),
      inputP95Ms: pct(0.95),
      inputMaxMs: lat.length ? lat[lat.length - 1] : null,
      heapBytes: m2.JSHeapUsedSize,
      workerCpuMs: worker ? worker.cpuMs : null,
      workerTaskMs: worker ? worker.taskMs : null,
      workerHeapBytes: workerHeap,
      wasmBytes: wasm,
      snapshotMs: inPage.snapshotMs,
      snapshotCpuMs: snapshot ? snapshot.cpuMs : null,
      startMs: inPage.startMs,
      wire: { ...counter },
      recordsBytes: inPage.stats && inPage.stats.recordsBytes,
      collector: collectorRaw,
      stats: inPage.stats || null,
      cspViolations: inPage.cspViolations,
      pageErrors: errors,
    };
  } finally {
    await context.close();
  }
}

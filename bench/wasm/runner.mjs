// The Wasm half of compare.mjs, in a Worker: 'prepare' builds a stage's input
// and warms it up until V8 has tiered the hot code up (the first calls run on
// the Liftoff baseline), and picks how many runs make a round of about
// minMs; each 'round' message then times one round. MB/s = 1e6 bytes per
// second of the stage's input, as Google Benchmark counts natively.
import createRecorderBench from '/build/recorder-bench.mjs';

// No top-level await: a module Worker that has one closes the page when
// Playwright watches workers (page.on('worker'), Chromium 156).
let M = null;
let runs = 1;
let bytes = 0;

function timeRuns(n) {
  const t0 = performance.now();
  if (M._bench_run(n) < 0) throw new Error('a run failed');
  return performance.now() - t0;
}

function handle(m) {
  if (m.type === 'stages') {
    const names = [];
    for (let id = 0; id < M._bench_stage_count(); id++) names.push(M.UTF8ToString(M._bench_stage_name(id)));
    return { names };
  }
  if (m.type === 'prepare') {
    bytes = M._bench_prepare(m.id);
    if (!bytes) throw new Error(`stage ${m.id}: prepare failed`);
    let warm = 0, n = 0;
    while (n < 30 || warm < 500) { warm += timeRuns(1); n++; }
    runs = Math.max(1, Math.ceil(m.minMs / Math.max(warm / n, 0.001)));
    return { bytes, runs };
  }
  if (m.type === 'round') return { wallMs: timeRuns(runs), runs, bytes };
  throw new Error(`unknown message ${m.type}`);
}

self.onmessage = async (e) => {
  try {
    if (M === null) M = await createRecorderBench();
    self.postMessage(handle(e.data));
  } catch (err) {
    self.postMessage({ error: String((err && err.stack) || err) });
  }
};

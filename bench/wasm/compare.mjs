#!/usr/bin/env node
// The core's stages natively (Google Benchmark) and as Wasm in headless
// Chromium (a module Worker), on the same inputs from the same code
// (bench/stages.h), side by side: MB/s per stage and the Wasm/native ratio,
// both in CPU time (Google Benchmark's default; the Worker's thread time from
// a Chromium trace) so that the machine's load does not enter the ratio.
// Figures only: the exit status is 0 whenever the measurement ran.
// CPU time still moves with the host (other tenants, frequency), so the two
// halves alternate in blocks (native, then Wasm, --blocks times) and each
// side's best and median are over all its rounds: a slow spell of the
// machine then falls on both sides instead of on one.
//
//   node bench/wasm/compare.mjs [--native BIN] [--wasm-dir DIR] [--rounds N] [--blocks K] [--json FILE]
//
// BIN defaults to build/native/bench/recorder_stages_bench and DIR to
// build/wasm/bench-wasm (cmake --build build/wasm --target recorder_bench_wasm).
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStaticServer } from '../../scripts/lib/static-server.mjs';
import { launchChromium } from '../../scripts/lib/browser.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');

function parseArgs(argv) {
  const o = { native: path.join(ROOT, 'build/native/bench/recorder_stages_bench'),
    wasmDir: path.join(ROOT, 'build/wasm/bench-wasm'), rounds: 15, blocks: 5, json: null };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = () => { if (i + 1 >= argv.length) usage(`${k} needs a value`); return argv[++i]; };
    if (k === '--native') o.native = path.resolve(v());
    else if (k === '--wasm-dir') o.wasmDir = path.resolve(v());
    else if (k === '--rounds') o.rounds = Number(v());
    else if (k === '--blocks') o.blocks = Number(v());
    else if (k === '--json') o.json = v();
    else usage(k === '-h' || k === '--help' ? null : `unknown argument ${k}`);
  }
  if (!Number.isInteger(o.rounds) || o.rounds < 1) usage('--rounds must be a positive integer');
  if (!Number.isInteger(o.blocks) || o.blocks < 1) usage('--blocks must be a positive integer');
  o.blocks = Math.min(o.blocks, o.rounds);
  return o;
}

function usage(msg) {
  if (msg) process.stderr.write(`compare: ${msg}\n`);
  process.stderr.write('usage: node bench/wasm/compare.mjs [--native BIN] [--wasm-dir DIR] [--rounds N] [--blocks K] [--json FILE]\n');
  process.exit(2);
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };

function runNative(bin, rounds, stages = new Map()) {
  const out = execFileSync(bin, ['--benchmark_format=json', `--benchmark_repetitions=${rounds}`,
    '--benchmark_min_time=0.06'], { maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
  for (const b of JSON.parse(out).benchmarks) {
    if (b.run_type !== 'iteration' || b.error_occurred) continue;
    const name = (b.run_name || b.name).replace(/\/real_time$/, '');
    if (!stages.has(name)) stages.set(name, { name, bytes: b.input_B, mbps: [] });
    stages.get(name).mbps.push(b.bytes_per_second / 1e6);
  }
  return stages;
}

// Thread (CPU) time of the Worker's tasks from a Chromium trace: each round is
// one task, so the `rounds` longest tasks of the busiest worker thread are
// the rounds. Wall-clock time alone would measure the machine's load too
// (the native half also counts CPU time: Google Benchmark's default).
const TASK_NAMES = new Set(['ThreadControllerImpl::RunTask', 'RunTask']);
function workerRoundCpuMs(buffer, rounds) {
  const { traceEvents = [] } = JSON.parse(buffer.toString('utf8'));
  const workers = traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name' && /Worker/.test(e.args?.name || ''));
  let best = [];
  for (const w of workers) {
    const tasks = traceEvents.filter((e) => e.ph === 'X' && e.pid === w.pid && e.tid === w.tid && TASK_NAMES.has(e.name)
      && e.tdur !== undefined);
    const top = tasks.sort((x, y) => y.tdur - x.tdur).slice(0, rounds);
    if (top.reduce((s, e) => s + e.tdur, 0) > best.reduce((s, e) => s + e.tdur, 0)) best = top;
  }
  return best.sort((x, y) => x.ts - y.ts).map((e) => ({ cpuMs: e.tdur / 1000, wallMs: e.dur / 1000 }));
}

// One Chromium page for the whole run; runWasmBlock adds `rounds` rounds of
// every stage to `stages`.
async function openWasm(dir) {
  const site = await startStaticServer({ mounts: { '/build/': dir, '/': HERE } });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`${site.origin}/page.html`);
    await page.waitForFunction(() => window.__bench);
    const { names, error } = await page.evaluate(() => window.__bench.stages());
    if (error) throw new Error(error);
    return { browser, page, names, chromium: browser.version(),
      close: async () => { await browser.close(); await site.close(); } };
  } catch (e) {
    await browser.close();
    await site.close();
    throw e;
  }
}

async function runWasmBlock({ browser, page, names }, rounds, minMs, stages) {
  for (let id = 0; id < names.length; id++) {
    const prep = await page.evaluate(([i, ms]) => window.__bench.prepare(i, ms), [id, minMs]);
    if (prep.error) throw new Error(prep.error);
    await browser.startTracing(page, { categories: ['toplevel', 'disabled-by-default-devtools.timeline'] });
    for (let r = 0; r < rounds; r++) {
      const res = await page.evaluate(() => window.__bench.round());
      if (res.error) throw new Error(res.error);
    }
    const tasks = workerRoundCpuMs(await browser.stopTracing(), rounds);
    if (tasks.length < rounds) throw new Error(`${names[id]}: ${tasks.length} of ${rounds} rounds found in the trace`);
    const mb = (prep.bytes * prep.runs) / 1e6;
    if (!stages.has(names[id])) stages.set(names[id], { name: names[id], bytes: prep.bytes, runsPerRound: [], mbps: [], wallMbps: [] });
    const st = stages.get(names[id]);
    st.runsPerRound.push(prep.runs);
    st.mbps.push(...tasks.map((t) => mb / (t.cpuMs / 1000)));
    st.wallMbps.push(...tasks.map((t) => mb / (t.wallMs / 1000)));
  }
}

const opts = parseArgs(process.argv.slice(2));
const missing = [[opts.native, 'cmake --build build/native --target recorder_stages_bench'],
  [path.join(opts.wasmDir, 'recorder-bench.wasm'), 'cmake --build build/wasm --target recorder_bench_wasm']]
  .filter(([f]) => !existsSync(f));
if (missing.length) {
  for (const [f, hint] of missing) process.stderr.write(`compare: missing ${path.relative(ROOT, f)}: ${hint}\n`);
  process.exit(2);
}

process.stderr.write(`wasm vs native: ${opts.rounds} rounds per stage in ${opts.blocks} blocks, each native then Chromium (Worker)\n`);
const native = new Map();
const wasm = { stages: new Map() };
const session = await openWasm(opts.wasmDir);
try {
  wasm.chromium = session.chromium;
  for (let b = 0; b < opts.blocks; b++) {
    // Spread the rounds over the blocks: 15 in 4 blocks are 4 + 4 + 4 + 3.
    const n = Math.floor(opts.rounds / opts.blocks) + (b < opts.rounds % opts.blocks ? 1 : 0);
    process.stderr.write(`  block ${b + 1}/${opts.blocks}: ${n} rounds native, ${n} Wasm\n`);
    runNative(opts.native, n, native);
    await runWasmBlock(session, n, 60, wasm.stages);
  }
} finally {
  await session.close();
}

const rows = [];
for (const [name, w] of wasm.stages) {
  const n = native.get(name);
  if (!n) continue;
  const nb = Math.max(...n.mbps), wb = Math.max(...w.mbps);
  rows.push({ stage: name, inputBytes: w.bytes, nativeBest: nb, wasmBest: wb, ratio: wb / nb,
    nativeMedian: median(n.mbps), wasmMedian: median(w.mbps), ratioMedian: median(w.mbps) / median(n.mbps) });
}

const f = (x, d = 1) => x.toFixed(d).padStart(8);
console.log(`\ncore stages, MB/s (1e6 B/s) of input per CPU second, best of ${opts.rounds} rounds (median in brackets); Chromium ${wasm.chromium}, load average ${os.loadavg()[0].toFixed(1)}`);
console.log(`${'stage'.padEnd(27)}${'input B'.padStart(9)}   ${'native'.padStart(8)}            ${'wasm'.padStart(8)}            ratio`);
for (const r of rows) {
  console.log(`${r.stage.padEnd(27)}${String(r.inputBytes).padStart(9)}   ${f(r.nativeBest)} (${f(r.nativeMedian)})  ${f(r.wasmBest)} (${f(r.wasmMedian)})  ${f(r.ratio, 2)}x (${r.ratioMedian.toFixed(2)}x)`);
}
const z = rows.find((r) => r.stage.startsWith('zstd'));
const target = z ? { target: 'Wasm compression >= 0.7x native', ratio: z.ratio, met: z.ratio >= 0.7 } : null;
if (target) console.log(`\ntarget: ${target.target}: ${z.ratio.toFixed(2)}x (median ${z.ratioMedian.toFixed(2)}x): ${target.met ? 'met' : 'NOT met'}`);
if (opts.json) {
  writeFileSync(opts.json, JSON.stringify({ date: new Date().toISOString(), chromium: wasm.chromium, rounds: opts.rounds,
    rows, target, raw: { native: [...native.values()], wasm: [...wasm.stages.values()] } }, null, 1));
  process.stderr.write(`JSON written to ${opts.json}\n`);
}

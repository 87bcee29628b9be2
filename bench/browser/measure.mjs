#!/usr/bin/env node
// What the recorder costs a page, side by side with rrweb.
//
//   node bench/browser/measure.mjs [--runs 5] [--workload NAME|all] [--url URL]
//                                  [--modes none,ours-strict,ours-relaxed,rrweb] [--trace] [--json out.json]
//
// --trace records a Chromium trace of every run (slower: ~2 s more per page
// load) for exact task durations and a sampled recorder share of each task;
// without it the Long Tasks and Long Animation Frames APIs are used.
//
// Loads each workload in headless Chromium once per mode per round, modes in
// a rotating order within each round (interleaved), and prints medians and
// spread. Progress goes to stderr; the table to stdout. Targets are printed
// (met / not met), never asserted: the exit status is 0 whenever the
// measurement itself ran.
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, COLLECTOR_BIN } from '../../scripts/lib/collector.mjs';
import { launchChromium, CHROMIUM } from '../../scripts/lib/browser.mjs';
import { startServers, RRWEB_DIST, RRWEB_FILE } from './lib/servers.mjs';
import { measureFloor, measureRun } from './lib/run.mjs';
import { WORKLOADS, urlWorkload } from './lib/workloads.mjs';
import { shippedSizes } from './lib/sizes.mjs';
import { MODES, summarize, targets, printTable } from './lib/report.mjs';

function usage(msg) {
  if (msg) process.stderr.write(`measure: ${msg}\n`);
  process.stderr.write('usage: node bench/browser/measure.mjs [--runs N] [--workload NAME|all] [--url URL] [--modes a,b] [--trace] [--json FILE]\n' +
    `workloads: ${Object.keys(WORKLOADS).join(', ')}, all\nmodes: ${Object.keys(MODES).join(', ')}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const o = { runs: 5, workload: null, urls: [], json: null, modes: Object.keys(MODES), trace: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [k, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, null];
    const val = () => (inline !== null ? inline : (i + 1 < argv.length ? argv[++i] : usage(`${k} needs a value`)));
    if (k === '--runs') o.runs = Number(val());
    else if (k === '--workload') o.workload = val();
    else if (k === '--url') o.urls.push(val());
    else if (k === '--json') o.json = val();
    else if (k === '--modes') o.modes = val().split(',');
    else if (k === '--trace') o.trace = true;
    else if (k === '-h' || k === '--help') usage();
    else usage(`unknown argument ${a}`);
  }
  if (!Number.isInteger(o.runs) || o.runs < 1) usage('--runs must be a positive integer');
  for (const m of o.modes) if (!MODES[m]) usage(`unknown mode ${m}`);
  if (!o.modes.includes('none')) o.modes.unshift('none');   // every ratio needs it
  if (o.workload === null) o.workload = o.urls.length ? '' : 'all';
  const names = o.workload === 'all' ? Object.keys(WORKLOADS) : o.workload ? o.workload.split(',') : [];
  for (const n of names) if (!WORKLOADS[n]) usage(`unknown workload ${n}`);
  for (const u of o.urls) { try { new URL(u); } catch { usage(`bad URL ${u}`); } }
  o.names = names;
  return o;
}

const opts = parseArgs(process.argv.slice(2));

const missing = [
  [path.join(ROOT, 'dist/recorder.js'), 'run ./run build'],
  [path.join(ROOT, 'dist/recorder-core.wasm'), 'run ./run build'],
  [COLLECTOR_BIN, 'run ./run build (or set RECORDER_COLLECTOR_BIN)'],
  [path.join(RRWEB_DIST, RRWEB_FILE), 'run npm ci (rrweb is a devDependency)'],
  [CHROMIUM, 'install chromium (scripts/setup) or set RECORDER_CHROMIUM'],
].filter(([f]) => !existsSync(f));
if (missing.length) {
  for (const [f, hint] of missing) process.stderr.write(`measure: missing ${path.relative(ROOT, f) || f}: ${hint}\n`);
  process.exit(2);
}

const workloads = {};
for (const n of opts.names) workloads[n] = WORKLOADS[n];
opts.urls.forEach((u, i) => { workloads[opts.urls.length > 1 ? `url${i + 1}` : 'url'] = urlWorkload(u); });
const wnames = Object.keys(workloads);

const progress = (s) => process.stderr.write(s + '\n');
const started = Date.now();
// Each round also loads each page once more for the bare walk (the floor).
const total = opts.runs * wnames.length * (opts.modes.length + 1);
progress(`browser bench: ${wnames.join(', ')} x ${opts.modes.join(', ')} x ${opts.runs} runs = ${total} page loads`);

const servers = await startServers({ extraOrigins: opts.urls.map((u) => new URL(u).origin) });
const browser = await launchChromium();
const runs = [];
let done = 0;
try {
  for (let round = 0; round < opts.runs; round++) {
    for (const w of wnames) {
      // Rotate the order of the modes every round so no mode always runs
      // first (cold caches) or right after another.
      const order = opts.modes.map((_, i) => opts.modes[(i + round) % opts.modes.length]);
      {
        done++;
        const t = Date.now();
        let floor = null, error = null;
        try {
          floor = await measureFloor({ browser, servers }, workloads[w]);
        } catch (err) {
          error = String((err && err.message) || err).split('\n')[0];
        }
        runs.push({ round, workload: w, mode: 'floor', result: floor ? { floor } : null, error });
        progress(`[${String(done).padStart(3)}/${total}] round ${round + 1} ${w.padEnd(9)} ${'bare walk'.padEnd(12)} ${((Date.now() - t) / 1000).toFixed(1)}s  ` +
          (floor ? `${floor.ms.toFixed(1)} ms, cpu ${floor.cpuMs == null ? '-' : floor.cpuMs.toFixed(1)} ms, ${floor.nodes} nodes` : `FAILED: ${error}`));
      }
      for (const mode of order) {
        done++;
        const t = Date.now();
        let result = null, error = null;
        for (let attempt = 0; attempt < 2 && !result; attempt++) {
          try {
            result = await measureRun({ browser, servers }, workloads[w], mode, { trace: opts.trace });
          } catch (err) {
            error = String((err && err.message) || err).split('\n')[0];
          }
        }
        runs.push({ round, workload: w, mode, result, error: result ? null : error });
        const eta = Math.round(((Date.now() - started) / done) * (total - done) / 1000);
        const line = result
          ? `main ${result.taskMs.toFixed(0)} ms, longest ${result.longestTaskMs.toFixed(0)} ms, sent ${(result.wire.bodyBytes / 1024).toFixed(1)} KiB`
          : `FAILED: ${error}`;
        progress(`[${String(done).padStart(3)}/${total}] round ${round + 1} ${w.padEnd(9)} ${mode.padEnd(12)} ${((Date.now() - t) / 1000).toFixed(1)}s  ${line}  (eta ${eta}s)`);
      }
    }
  }
} finally {
  await browser.close().catch(() => {});
  await servers.close().catch(() => {});
}

const sizes = shippedSizes();
const summaries = summarize(runs, wnames, opts.modes);
const tgts = targets(summaries, sizes, opts.modes, opts.trace);
console.log(`\nbrowser bench: ${opts.runs} runs per mode, ${((Date.now() - started) / 1000).toFixed(0)} s, Chromium ${browser.version()}, ${new Date().toISOString()}`);
printTable(summaries, sizes, tgts, opts.modes, opts.trace);

if (opts.json) {
  const doc = {
    date: new Date().toISOString(), chromium: browser.version(), runs: opts.runs, traced: opts.trace, modes: MODES,
    workloads: Object.fromEntries(wnames.map((w) => [w, workloads[w].what])),
    sizes, targets: tgts, summaries, raw: runs,
  };
  writeFileSync(opts.json, JSON.stringify(doc, null, 1));
  progress(`JSON written to ${opts.json}`);
}

// Turns the runs into per-workload summaries, the terminal table, the
// targets (met / not met: printed, never asserted) and the JSON document.
import { median, summary } from './stats.mjs';

export const MODES = {
  'none': 'no recorder (the bench harness only: an input-latency probe)',
  'ours-strict': "this recorder, default privacy 'strict': all text and all input values masked; passwords, hidden and payment fields never read",
  'ours-relaxed': "this recorder, privacy 'relaxed': only password, hidden and payment fields masked; text and other values recorded",
  'rrweb': 'rrweb defaults + @rrweb/packer: password inputs masked; all text and other input values recorded',
};

const ok = (r) => r && !r.error;
const kb = (b) => (b == null ? '-' : (b / 1024).toFixed(1));
const mb = (b) => (b == null ? '-' : (b / 1048576).toFixed(1));
const ms = (x) => (x == null ? '-' : x < 10 ? x.toFixed(1) : x.toFixed(0));
const pad = (s, n) => String(s).padStart(n);

export function summarize(runs, workloads, modes) {
  const out = {};
  for (const w of workloads) {
    const none = runs.filter((r) => r.workload === w && r.mode === 'none' && ok(r.result));
    const noneByRound = new Map(none.map((r) => [r.round, r.result]));
    const noneTask = median(none.map((r) => r.result.taskMs));
    const noneHeap = median(none.map((r) => r.result.heapBytes));
    // The bare walk, in page loads of its own (run.mjs, measureFloor).
    const floors = runs.filter((r) => r.workload === w && r.mode === 'floor' && ok(r.result)).map((r) => r.result.floor);
    out[w] = {
      floorMs: summary(floors.map((f) => f.ms)),
      floorCpuMs: summary(floors.map((f) => f.cpuMs)),
      floorNodes: median(floors.map((f) => f.nodes)),
      modes: {},
    };
    for (const m of modes) {
      const rs = runs.filter((r) => r.workload === w && r.mode === m);
      const good = rs.filter((r) => ok(r.result)).map((r) => r.result);
      const pick = (f) => summary(good.map(f));
      const pairedBy = (f) => rs.filter((r) => ok(r.result) && noneByRound.has(r.round)
        && f(r.result) != null && f(noneByRound.get(r.round)) != null)
        .map((r) => f(r.result) - f(noneByRound.get(r.round)));
      const paired = pairedBy((r) => r.taskMs);
      const task = pick((r) => r.taskMs);
      const rawBefore = m.startsWith('ours') ? pick((r) => r.collector && r.collector.rawBytes) : pick((r) => r.wire.rawBytes);
      out[w].modes[m] = {
        runs: good.length,
        errors: rs.filter((r) => !ok(r.result)).map((r) => r.error || 'failed'),
        mainThreadMs: task,
        addedMs: m === 'none' ? summary([0]) : summary(paired),
        // The same, in main-thread CPU time (trace thread time).
        addedCpuMs: m === 'none' ? summary([0]) : summary(pairedBy((r) => r.mainCpuMs)),
        ratioToNone: noneTask ? task.median / noneTask : null,
        scriptMs: pick((r) => r.scriptMs),
        longestTaskMs: pick((r) => r.longestTaskMs),
        recorderLongestInTaskMs: pick((r) => r.recorderLongestInTaskMs),
        recorderSampledMs: pick((r) => (r.trace ? r.trace.recorderMs : null)),
        inputP50Ms: pick((r) => r.inputP50Ms),
        inputP95Ms: pick((r) => r.inputP95Ms),
        inputMaxMs: pick((r) => r.inputMaxMs),
        heapBytes: pick((r) => r.heapBytes),
        workerCpuMs: pick((r) => r.workerCpuMs),
        workerTaskMs: pick((r) => r.workerTaskMs),
        workerHeapBytes: pick((r) => r.workerHeapBytes),
        heapAddedBytes: noneHeap == null ? null : median(good.map((r) => r.heapBytes)) - noneHeap,
        wasmBytes: pick((r) => r.wasmBytes),
        wireBodyBytes: pick((r) => r.wire.bodyBytes),
        wireHeaderBytes: pick((r) => r.wire.headerBytes),
        requests: pick((r) => r.wire.requests),
        preflights: pick((r) => r.wire.preflights),
        beforeCompressionBytes: rawBefore,
        recordsBytes: pick((r) => r.recordsBytes),
        snapshotMs: pick((r) => r.snapshotMs),
        snapshotCpuMs: pick((r) => r.snapshotCpuMs),
        startMs: pick((r) => r.startMs),
        cspViolations: [...new Set(good.flatMap((r) => r.cspViolations || []))],
        pageErrors: [...new Set(good.flatMap((r) => r.pageErrors || []))],
      };
    }
  }
  return out;
}

export function targets(summaries, sizes, modes, traced = false) {
  const t = [];
  const ws = Object.keys(summaries);
  const has = (m) => modes.includes(m);
  if (has('ours-strict') && has('rrweb')) {
    // Ours strict against rrweb, per workload, on one summary key.
    const halfOf = (key, target) => {
      const rows = ws.map((w) => {
        const a = summaries[w].modes['ours-strict'][key].median;
        const b = summaries[w].modes.rrweb[key].median;
        return { w, a, b, met: a != null && b != null && a <= 0.5 * Math.max(b, 0) };
      });
      t.push({ target, met: rows.every((r) => r.met),
        detail: rows.map((r) => `${r.w} ${ms(r.a)} vs ${ms(r.b)} ms${r.met ? '' : ' (not met)'}`).join('; ') });
    };
    halfOf('addedMs', "added main-thread time <= 1/2 of rrweb's, every workload (ours strict)");
    halfOf('addedCpuMs', '  the same in main-thread CPU time (trace thread time)');
    const wire = ws.map((w) => {
      const a = summaries[w].modes['ours-strict'].wireBodyBytes.median;
      const b = summaries[w].modes.rrweb.wireBodyBytes.median;
      return { w, a, b, met: a != null && b != null && a <= 0.5 * b };
    });
    t.push({ target: "bytes on the wire <= 1/2 of rrweb + packer's, every workload (ours strict)",
      met: wire.every((r) => r.met), detail: wire.map((r) => `${r.w} ${kb(r.a)} vs ${kb(r.b)} KiB${r.met ? '' : ' (not met)'}`).join('; ') });
  }
  t.push({ target: 'JS + wasm <= 60 KB gzip -9 together', met: sizes.ours.gzip9 <= 60 * 1024,
    detail: `${kb(sizes.ours.gzip9)} KiB (JS ${kb(sizes.ours.js)}, wasm ${kb(sizes.ours.wasm)})` });
  if (summaries.static && has('ours-strict')) {
    const s = summaries.static;
    const snap = s.modes['ours-strict'].snapshotMs.median;
    const floor = s.floorMs.median;
    const snapCpu = s.modes['ours-strict'].snapshotCpuMs.median;
    const floorCpu = s.floorCpuMs.median;
    const cpu = snapCpu != null && floorCpu ? `; CPU ${ms(snapCpu)} vs ${ms(floorCpu)} ms = ${(snapCpu / floorCpu).toFixed(2)}x` : '';
    t.push({ target: 'full snapshot of the 10,000-node page <= 1.5 x the bare JS walk', met: snap != null && floor != null && snap <= 1.5 * floor,
      detail: `${ms(snap)} ms vs walk ${ms(floor)} ms over ${s.floorNodes} nodes = ${snap != null && floor ? (snap / floor).toFixed(2) : '-'}x${cpu}` });
  }
  for (const m of ['ours-strict', 'ours-relaxed'].filter(has)) {
    const worst = Math.max(...ws.map((w) => summaries[w].modes[m].recorderLongestInTaskMs.max ?? 0));
    const where = ws.filter((w) => (summaries[w].modes[m].recorderLongestInTaskMs.max ?? 0) > 50);
    t.push({ target: `no recorder task over 50 ms (${m}, worst run, ${traced ? 'trace, sampled' : 'long animation frames'})`, met: worst <= 50,
      detail: `worst ${worst === 0 && !traced ? 'under 50' : ms(worst)} ms${where.length ? ' in ' + where.join(', ') : ''}` });
  }
  return t;
}

export function printTable(summaries, sizes, tgts, modes, traced = false, log = console.log) {
  // Without a trace, the Long Tasks / LoAF APIs only see 50 ms and up.
  const lt = (x) => (!traced && x === 0 ? '<50' : ms(x));
  const head = ['mode', 'main ms', 'added ms (min..max)', 'add cpu', 'x none', 'longest', 'rec/task', 'in p50/p95', 'heap MB', 'wasm MB',
    'wkr cpu', 'wkr MB', 'sent KiB', 'req', 'raw KiB'];
  const widths = [13, 8, 22, 8, 7, 8, 9, 11, 8, 8, 8, 7, 9, 4, 9];
  for (const [w, s] of Object.entries(summaries)) {
    log('');
    log(`== ${w} ==`);
    log(head.map((h, i) => (i === 0 ? h.padEnd(widths[i]) : pad(h, widths[i]))).join(' '));
    for (const m of modes) {
      const r = s.modes[m];
      if (!r || !r.runs) { log(`${m.padEnd(13)} no successful run ${r && r.errors.length ? '(' + r.errors[0] + ')' : ''}`); continue; }
      const added = m === 'none' ? '-' : `${ms(r.addedMs.median)} (${ms(r.addedMs.min)}..${ms(r.addedMs.max)})`;
      const cells = [m.padEnd(13), ms(r.mainThreadMs.median), added, m === 'none' ? '-' : ms(r.addedCpuMs.median), r.ratioToNone == null ? '-' : r.ratioToNone.toFixed(2),
        lt(r.longestTaskMs.median), m === 'none' ? '-' : lt(r.recorderLongestInTaskMs.median),
        `${ms(r.inputP50Ms.median)}/${ms(r.inputP95Ms.median)}`, mb(r.heapBytes.median), mb(r.wasmBytes.median),
        ms(r.workerCpuMs.median), mb(r.workerHeapBytes.median),
        m === 'none' ? '-' : kb(r.wireBodyBytes.median), m === 'none' ? '-' : String(r.requests.median),
        m === 'none' ? '-' : kb(r.beforeCompressionBytes.median)];
      log(cells.map((c, i) => (i === 0 ? c : pad(c, widths[i]))).join(' '));
    }
    const cpu = (x) => (x.n ? ` (CPU ${ms(x.median)})` : '');
    const snaps = modes.filter((m) => m !== 'none' && s.modes[m] && s.modes[m].snapshotMs.n)
      .map((m) => `${m} ${ms(s.modes[m].snapshotMs.median)} ms${cpu(s.modes[m].snapshotCpuMs)}`);
    if (s.floorMs.n) log(`   snapshot (main thread): ${snaps.join(', ')}; bare walk ${ms(s.floorMs.median)} ms (${ms(s.floorMs.min)}..${ms(s.floorMs.max)})${cpu(s.floorCpuMs)} over ${s.floorNodes} nodes`);
    const errs = modes.filter((m) => s.modes[m] && s.modes[m].errors.length).map((m) => `${m}: ${s.modes[m].errors.length} failed (${s.modes[m].errors[0]})`);
    if (errs.length) log(`   failed runs: ${errs.join('; ')}`);
    const csp = modes.filter((m) => s.modes[m] && s.modes[m].cspViolations.length).map((m) => `${m}: ${s.modes[m].cspViolations.join(', ')}`);
    if (csp.length) log(`   CSP violations: ${csp.join('; ')}`);
  }
  log('');
  log('shipped size (bytes)            raw     gzip -9');
  for (const [name, z] of Object.entries(sizes)) {
    log(`${name.padEnd(22)} ${pad(z.raw, 12)} ${pad(z.gzip9, 11)}   (${z.files.map((f) => f.file.split('/').pop()).join(' + ')})`);
  }
  log('');
  log('targets (printed, not asserted)');
  for (const t of tgts) log(`  [${t.met ? 'met' : 'NOT met'}] ${t.target}: ${t.detail}`);
  log('');
  log('modes');
  for (const m of modes) log(`  ${m.padEnd(13)} ${MODES[m]}`);
  log('');
  log('columns: main ms = main-thread task time in the measured window (CDP TaskDuration); added = paired with the');
  log('no-recorder run of the same round (min..max over rounds); add cpu = the same in main-thread CPU time (the');
  log("trace's thread time of the page's top-level tasks, which does not count waiting for a core);");
  log('x none = median / median of no recorder;');
  if (traced) {
    log('longest = longest main-thread task (trace); rec/task = most recorder time in one task (V8 samples in the trace);');
  } else {
    log('longest = longest task (Long Tasks API, 50 ms and up; <50 = none); rec/task = most time of the recorder\'s own');
    log('scripts in one long animation frame (LoAF script entries, 50 ms frames and up; --trace for exact tasks);');
  }
  log('in p50/p95 = scripted input to the end of the next frame; heap = page JS heap after GC; wasm = Wasm memory');
  log('(page + worker); wkr cpu = CPU time of our Worker\'s tasks (trace thread time), wkr MB = its JS heap after GC;');
  log('sent = request bodies to the collector / sink; raw = before compression (ours: FlatBuffers at the');
  log('collector; rrweb: unpacked event JSON). Medians over runs.');
}

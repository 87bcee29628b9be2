// Reads a Chromium trace (JSON from browser.stopTracing) for the page's main
// thread: every task (ThreadControllerImpl::RunTask, category 'toplevel'),
// and V8's sampling profiler (category 'disabled-by-default-v8.cpu_profiler')
// to tell which of that time ran the recorder's own code: a sample counts for
// the recorder when any frame of its stack is in one of the recorder's
// scripts. The per-task recorder figure is therefore statistical (one sample
// every ~0.1-1 ms) while the task durations are exact.

export const TRACE_CATEGORIES = (process.env.BENCH_TRACE || 'toplevel,disabled-by-default-v8.cpu_profiler').split(',');

export const TASK_NAMES = new Set(['ThreadControllerImpl::RunTask', 'RunTask']);

// Samples on one thread: [{ ts, dur, rec }] from Profile + ProfileChunk events.
function samplesFor(events, pid, tid, isRecorderUrl) {
  const profiles = events.filter((e) => e.name === 'Profile' && e.pid === pid && e.tid === tid);
  const out = [];
  for (const prof of profiles) {
    const nodes = new Map();
    const flag = new Map();
    const recOf = (id) => {
      if (flag.has(id)) return flag.get(id);
      const n = nodes.get(id);
      let r = false;
      if (n) r = isRecorderUrl(n.url) || (n.parent !== undefined && recOf(n.parent));
      flag.set(id, r);
      return r;
    };
    let t = prof.args.data.startTime;
    const chunks = events.filter((e) => e.name === 'ProfileChunk' && e.id === prof.id && e.pid === pid);
    for (const ch of chunks) {
      const cp = ch.args.data.cpuProfile || {};
      for (const n of cp.nodes || []) nodes.set(n.id, { url: n.callFrame && n.callFrame.url, parent: n.parent });
      const samples = cp.samples || [];
      const deltas = ch.args.data.timeDeltas || [];
      for (let i = 0; i < samples.length; i++) {
        t += deltas[i] || 0;
        out.push({ ts: t, id: samples[i] });
      }
    }
    for (const s of out) if (s.rec === undefined) s.rec = recOf(s.id);
  }
  out.sort((a, b) => a.ts - b.ts);
  for (let i = 0; i < out.length; i++) out[i].dur = i + 1 < out.length ? Math.min(out[i + 1].ts - out[i].ts, 2000) : 0;
  return out;
}

// isRecorderUrl(url) -> boolean
export function analyzeTrace(buffer, isRecorderUrl) {
  const { traceEvents = [] } = JSON.parse(buffer.toString('utf8'));
  const mainThreads = [];
  for (const ev of traceEvents) {
    if (ev.ph === 'M' && ev.name === 'thread_name' && ev.args && ev.args.name === 'CrRendererMain') mainThreads.push([ev.pid, ev.tid]);
  }
  // The page's renderer is the main thread that worked the most.
  let best = null;
  for (const [pid, tid] of mainThreads) {
    const tasks = traceEvents.filter((e) => e.ph === 'X' && e.pid === pid && e.tid === tid && TASK_NAMES.has(e.name));
    const sum = tasks.reduce((s, e) => s + e.dur, 0);
    if (!best || sum > best.sum) best = { pid, tid, tasks, sum };
  }
  const empty = { tasks: 0, busyMs: 0, longestTaskMs: 0, longestRecorderMs: 0, recorderMs: 0, recorderTasksOver50: 0, samples: 0 };
  if (!best) return empty;
  // Nested task events (a nested run loop) count once: keep the outermost.
  const sorted = best.tasks.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const top = [];
  let end = -1;
  for (const ev of sorted) {
    if (ev.ts >= end) { top.push({ ts: ev.ts, end: ev.ts + ev.dur, dur: ev.dur, rec: 0 }); end = ev.ts + ev.dur; }
  }
  const samples = samplesFor(traceEvents, best.pid, best.tid, isRecorderUrl);
  let i = 0;
  let recorderUs = 0;
  for (const s of samples) {
    if (!s.rec) continue;
    recorderUs += s.dur;
    while (i < top.length && top[i].end <= s.ts) i++;
    if (i < top.length && top[i].ts <= s.ts) top[i].rec += s.dur;
  }
  let longest = 0, longestRec = 0, over50 = 0, busy = 0, longestWithRec = 0;
  for (const t of top) {
    busy += t.dur;
    if (t.dur > longest) longest = t.dur;
    if (t.rec > longestRec) longestRec = t.rec;
    if (t.rec > 0 && t.dur > longestWithRec) longestWithRec = t.dur;
    if (t.rec > 50000) over50++;
  }
  return {
    tasks: top.length,
    busyMs: busy / 1000,
    longestTaskMs: longest / 1000,
    // the longest task in which the recorder's code ran at all, and the most
    // recorder time inside any one task
    longestTaskWithRecorderMs: longestWithRec / 1000,
    longestRecorderMs: longestRec / 1000,
    recorderMs: recorderUs / 1000,
    recorderTasksOver50: over50,
    samples: samples.length,
  };
}

// The main-thread CPU (thread time) and wall time of a snapshot, between the
// harness's user-timing marks (category 'blink.user_timing'): the task that
// holds the start mark, plus the tasks posted with scheduler.postTask
// (Blink's DOMTask: how our recorder runs its later slices) that began
// before the end mark. Frames the page renders in between are not counted.
// null when the marks are not in the trace.
export const SNAPSHOT_MARKS = ['bench:snapshot-start', 'bench:snapshot-end'];

export function snapshotTasks(buffer) {
  const { traceEvents = [] } = JSON.parse(buffer.toString('utf8'));
  const start = traceEvents.find((e) => e.name === SNAPSHOT_MARKS[0]);
  const end = traceEvents.find((e) => e.name === SNAPSHOT_MARKS[1] && start && e.pid === start.pid && e.tid === start.tid);
  if (!start || !end) return null;
  const picked = traceEvents.filter((e) => {
    if (e.ph !== 'X' || !TASK_NAMES.has(e.name) || e.pid !== start.pid || e.tid !== start.tid) return false;
    const holdsStart = e.ts <= start.ts && start.ts <= e.ts + e.dur;
    const posted = e.ts > start.ts && e.ts < end.ts && e.args && e.args.src_func === 'DOMTask';
    return holdsStart || posted;
  }).sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  let cpuMs = 0, wallMs = 0, tasks = 0, until = -1;
  for (const e of picked) {
    if (e.ts < until) continue; // nested in one already counted
    until = e.ts + e.dur;
    cpuMs += (e.tdur !== undefined ? e.tdur : e.dur) / 1000;
    wallMs += e.dur / 1000;
    tasks++;
  }
  return { cpuMs, wallMs, tasks };
}

// The page's main thread over the whole trace: the wall time and the CPU
// time (thread time) of its top-level tasks (outermost only). CPU time does
// not grow when the thread waits for a core, which on a small shared
// machine moves wall times by tens of percent from run to run.
export function mainThreadTime(buffer) {
  const { traceEvents = [] } = JSON.parse(buffer.toString('utf8'));
  const mains = new Set(traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name'
    && e.args && e.args.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const byThread = new Map();
  for (const e of traceEvents) {
    if (e.ph !== 'X' || !TASK_NAMES.has(e.name)) continue;
    const k = `${e.pid}:${e.tid}`;
    if (!mains.has(k)) continue;
    if (!byThread.has(k)) byThread.set(k, []);
    byThread.get(k).push(e);
  }
  // The page's renderer is the main thread that worked the most.
  let best = null;
  for (const tasks of byThread.values()) {
    tasks.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
    let wallUs = 0, cpuUs = 0, end = -1;
    for (const e of tasks) {
      if (e.ts < end) continue;
      end = e.ts + e.dur;
      wallUs += e.dur;
      cpuUs += e.tdur !== undefined ? e.tdur : e.dur;
    }
    if (!best || wallUs > best.wallUs) best = { wallUs, cpuUs };
  }
  return best ? { wallMs: best.wallUs / 1000, cpuMs: best.cpuUs / 1000 } : null;
}

// In-page side of the browser bench. Loaded by every workload page (and
// injected into --url pages) as a classic script from the page's own origin,
// so it runs under `script-src 'self' 'wasm-unsafe-eval'`. Identical in every
// mode: its own cost is part of the no-recorder baseline.
//
//   __bench.load(mode, cfg)  inject and start a recorder; resolves once it records
//   __bench.finish()         final flush; resolves with what the page measured
//   __bench.walkFloor()      the bare walk: reads each node's tag, attributes and text
//   __bench.floorTask()      the bare walk in a task of its own, between user-timing marks
(function () {
  'use strict';
  const now = () => performance.now();
  const B = (window.__bench = window.__bench || {});
  B.latencies = [];        // [type, ms] input event timeStamp -> end of the next frame
  B.snapshotMs = null;     // the recorder's full snapshot, main-thread ms
  B.startMs = null;        // from injection to "recording"
  B.cspViolations = [];

  document.addEventListener('securitypolicyviolation', (e) => {
    B.cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || ''));
  });

  // Long tasks (every task of 50 ms or more) and long animation frames, whose
  // script entries name the script that ran: the recorder's share of a frame
  // is the time of the entries from the recorder's own files. Only entries
  // inside the measured window (from load() on) count.
  B.longTasks = [];
  B.longFrames = [];
  // A script entry is the recorder's when its code is in the recorder's files,
  // or when it is the handler of the recorder's own <script> load event (the
  // start() call, with the full snapshot, runs there).
  B.isRecorderUrl = (u) => /\/dist\/recorder[^/"]*|\/vendor\/rrweb|\/rrweb-boot\.mjs/.test(u || '');
  const observe = (type, fn) => {
    try { new PerformanceObserver((l) => l.getEntries().forEach(fn)).observe({ type, buffered: true }); } catch (e) { /* unsupported */ }
  };
  observe('longtask', (e) => B.longTasks.push([e.startTime, e.duration]));
  observe('long-animation-frame', (e) => {
    let rec = 0;
    for (const sc of e.scripts || []) if (B.isRecorderUrl(sc.sourceURL) || B.isRecorderUrl(sc.invoker)) rec += sc.duration;
    B.longFrames.push([e.startTime, e.duration, rec]);
  });

  // Input-to-next-frame: the event's own timestamp (when the input was
  // created, before any queueing) to a task posted from the next animation
  // frame, i.e. after that frame's script, style and layout ran. One probe
  // per frame; the later events of the same frame share it.
  let pending = null;
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    const t = now();
    for (const [type, ts] of pending) B.latencies.push([type, t - ts]);
    pending = null;
  };
  function probe(e) {
    if (!e.isTrusted) return;
    if (pending) { pending.push([e.type, e.timeStamp]); return; }
    pending = [[e.type, e.timeStamp]];
    requestAnimationFrame(() => channel.port2.postMessage(0));
  }
  for (const type of ['pointermove', 'pointerdown', 'click', 'keydown', 'wheel']) {
    window.addEventListener(type, probe, { capture: true, passive: true });
  }

  // The floor for the full snapshot: visit every node once and read only what
  // any serializer must read (tag, attributes, text). Nothing is written.
  // Read the cheapest way there is: getAttributeNames + getAttribute make
  // no Attr node per attribute, where node.attributes[i] does (on the
  // 10,000-node page a cold walk takes ~20 ms CPU this way, ~30 that way;
  // the recorder reads them this way too).
  B.walkFloor = function () {
    const t0 = now();
    let n = 0, chars = 0;
    const walk = (node) => {
      n++;
      if (node.nodeType === 1) {
        chars += node.localName.length;
        if (node.hasAttributes()) {
          const names = node.getAttributeNames();
          for (let i = 0; i < names.length; i++) chars += names[i].length + (node.getAttribute(names[i]) || '').length;
        }
      } else if (node.nodeType === 3 || node.nodeType === 8) {
        chars += node.data.length;
      }
      for (let c = node.firstChild; c; c = c.nextSibling) walk(c);
    };
    walk(document);
    return { ms: now() - t0, nodes: n, chars };
  };

  // The walk as a task of its own (as the recorder's start runs in one),
  // between the marks the bench finds in its trace for the task's CPU time.
  B.floorTask = function () {
    return new Promise((resolve) => setTimeout(() => {
      performance.mark(MARK_START);
      const r = B.walkFloor();
      performance.mark(MARK_END);
      resolve(r);
    }, 0));
  };

  // Around a full snapshot (and the floor): the bench adds the CPU time of
  // the task holding the first mark and of the tasks the recorder posted
  // (scheduler.postTask) until the second.
  const MARK_START = 'bench:snapshot-start';
  const MARK_END = 'bench:snapshot-end';

  function addScript(src, type) {
    return new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = src;
      if (type) s.type = type;
      s.onload = resolve;
      s.onerror = () => reject(new Error('failed to load ' + src));
      document.head.appendChild(s);
    });
  }

  // cfg: { base, endpoint, siteKey, sink, flushIntervalMs }
  B.load = async function (mode, cfg) {
    B.mode = mode;
    const t0 = now();
    B.t0 = t0;
    if (mode === 'none') {
      B.startMs = 0;
      return;
    }
    if (mode === 'ours-strict' || mode === 'ours-relaxed') {
      await addScript(cfg.base + '/dist/recorder.js');
      const R = window.SessionRecorder;
      performance.mark(MARK_START);
      await R.start({
        endpoint: cfg.endpoint,
        siteKey: cfg.siteKey,
        consent: { required: false },
        privacy: { mode: mode === 'ours-strict' ? 'strict' : 'relaxed' },
        assetsUrl: cfg.base + '/dist/',
      });
      // start() resolves once capture has begun; the snapshot's cost is the
      // recorder's own serializeMs before any mutation was written.
      performance.mark(MARK_END);
      B.snapshotMs = R.stats().serializeMs;
      B.startMs = now() - t0;
      return;
    }
    if (mode === 'rrweb') {
      await addScript(cfg.base + '/vendor/rrweb/rrweb.umd.min.js');
      await addScript(cfg.base + '/bench/rrweb-boot.mjs', 'module');
      performance.mark(MARK_START);
      B.snapshotMs = B.rrweb.start(cfg);
      performance.mark(MARK_END);
      B.startMs = now() - t0;
      return;
    }
    throw new Error('unknown mode ' + mode);
  };

  B.finish = async function () {
    const out = { mode: B.mode, startMs: B.startMs, snapshotMs: B.snapshotMs };
    if (B.mode && B.mode.startsWith('ours')) {
      const R = window.SessionRecorder;
      await R.flush();
      out.stats = R.stats();
    } else if (B.mode === 'rrweb') {
      out.stats = await B.rrweb.flush();
    }
    // Let the last frame's probe land.
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    out.latencies = B.latencies;
    const inWindow = (e) => e[0] >= B.t0;
    out.longTasks = B.longTasks.filter(inWindow).map((e) => e[1]);
    out.longFrames = B.longFrames.filter(inWindow).map((e) => [e[1], e[2]]);
    out.cspViolations = B.cspViolations;
    return out;
  };
})();

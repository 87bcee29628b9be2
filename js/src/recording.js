// One page view's recording: the capture modules and the records buffer,
// the flush cycle, the page lifecycle, and the hand-over to Delivery.
//
//   observe (modules) -> RecordWriter -> cut(): one records buffer per flush,
//   numbered seq 0, 1, 2, ... -> Delivery (engine, uploader) -> collector.

import { RecordWriter } from './records.js';
import { Mirror } from './mirror.js';
import { Privacy, PrivacyMode } from './privacy.js';
import { Regions, pageExcluded } from './regions.js';
import { Serializer } from './capture/serialize.js';
import { Listeners } from './capture/listen.js';
import { Meta } from './capture/meta.js';
import { Navigation } from './capture/navigation.js';
import { Viewport } from './capture/viewport.js';
import { Snapshot } from './capture/snapshot.js';
import { Mutations } from './capture/mutations.js';
import { Pointer } from './capture/pointer.js';
import { Scroll } from './capture/scroll.js';
import { Input } from './capture/input.js';
import { Focus } from './capture/focus.js';
import { Roots } from './capture/roots.js';
import { Styles } from './capture/styles.js';
import { Media } from './capture/media.js';
import { Images } from './capture/images.js';
import { Uploader } from './uploader.js';
import { Delivery } from './delivery.js';
import { Timing, nextTask } from './timing.js';

// Started in this order, stopped in reverse. Meta and the load NAV precede
// the snapshot; the mutation observer starts in the same task as the
// snapshot's first slice, so no change falls between them. Roots (shadow
// roots, iframe documents) is there before the snapshot enters any.
// Styles, Media and Images write their state of the page after SNAP_END.
const MODULES = [Meta, Navigation, Viewport, Roots, Snapshot, Mutations, Pointer, Scroll, Input, Focus,
  Styles, Media, Images];

const COMPRESSION_LEVEL = 3;

// The guard names of Navigation's handlers.
const NAVIGATIONS = new Set(['popstate', 'hashchange', 'pushState', 'replaceState']);

export class Recording {
  // env: { win, doc, reporter, sessionId, pageViewId, loadEngine(opts), fetch,
  //        secrets: WeakSet of fields known secret, kept across page views,
  //        analyticsOnly: consent covers interactions only, so every text,
  //        value and content attribute is masked whatever the mode }
  constructor(options, env) {
    this.o = options;
    this.analyticsOnly = env.analyticsOnly === true;
    this.mode = this.analyticsOnly ? 'strict' : options.privacy.mode;
    this.env = env;
    this.win = env.win;
    this.doc = env.doc;
    this.report = (where, e) => env.reporter.report(where, e);
    this.state = 'idle';
    this.timing = new Timing(this.win, options.debug);
    this.counters = { observeMs: 0, serializeMs: 0, flushes: 0, recordsBytes: 0,
      compressedBytes: 0, events: 0, encodeFailures: 0 };
    this.writer = new RecordWriter(() => this.timing.epochNow());
    this.nextSeq = 0;
    this.loading = false;
    this.modules = [];
    this.snapshot = null;
    // Handler calls made while the snapshot group is open: [fn, args, time].
    this.held = [];
    this.clock = null;
    // Before consent (controller.js, consent.buffer): { maxBytes, open }.
    // Until open, the records cut so far may not pass maxBytes: the cut that
    // would is dropped and the recording stops, what it holds kept whole.
    this.buffer = env.buffer || null;
    this.delivery = new Delivery({
      uploader: new Uploader({
        url: options.batchUrl,
        fetch: env.fetch,
        setTimeout: (fn, ms) => this.win.setTimeout(fn, ms),
        clearTimeout: (t) => this.win.clearTimeout(t),
        report: this.report,
      }),
      report: this.report,
      timing: this.timing,
      counters: this.counters,
    });
  }

  config() {
    return {
      siteKey: this.o.siteKey,
      sessionId: this.env.sessionId,
      pageViewId: this.env.pageViewId,
      privacyMode: PrivacyMode[this.mode],
      compressionLevel: COMPRESSION_LEVEL,
      // Query parameters the core keeps when it scrubs URLs.
      allowQueryParams: this.o.privacy.allowQueryParams.join(','),
      checkpointIntervalMs: this.o.checkpointIntervalMs,
    };
  }

  // Resolves once the snapshot is taken (it may take several tasks) and
  // every module listens.
  start() {
    this.state = 'starting';
    const doc = this.doc;
    // Started after parsing: the modules and the snapshot's first slice run
    // in a task of their own, not in the caller's (often the page's own
    // load handling, or the recorder's script evaluation), so neither task
    // grows long.
    if (doc.readyState !== 'loading') {
      return new Promise((resolve, reject) => {
        nextTask(this.win, () => {
          try {
            resolve(this.begin());
          } catch (e) {
            reject(e);
          }
        });
      });
    }
    return new Promise((resolve, reject) => {
      doc.addEventListener('DOMContentLoaded', () => {
        try {
          resolve(this.begin());
        } catch (e) {
          reject(e);
        }
      }, { once: true });
    });
  }

  begin() {
    if (this.state !== 'starting') return;
    const ctx = this.context();
    for (const Module of MODULES) {
      const m = new Module();
      try {
        m.start(ctx);
      } catch (e) {
        this.stopModules();
        this.state = 'failed';
        throw e;
      }
      this.modules.push(m);
      if (m instanceof Snapshot) this.snapshot = m;
    }
    // Not held during the snapshot: hiding the page must flush at once.
    this.on = new Listeners({ guard: (where, fn) => this.guarded(where, fn) });
    // After the modules: Viewport writes VISIBILITY before this flushes.
    this.on.on(this.doc, 'visibilitychange', () => {
      if (this.doc.visibilityState === 'hidden') this.flushNow();
    });
    this.on.on(this.win, 'pagehide', () => this.flushNow());
    // cut() reports its own failures; its serializing time counts as such.
    this.timer = this.win.setInterval(() => this.cut(), this.o.flushIntervalMs);
    this.state = 'recording';
    // Loading the core must not compete with the page's own loading, nor
    // with the snapshot: on a two-core device the Worker's compilation took
    // CPU from the slices. Records wait in memory meanwhile.
    const load = () => this.snapshot.done.then(() => nextTask(this.win, () => this.load()));
    if (this.doc.readyState === 'complete') {
      load();
    } else {
      this.onLoad = load;
      this.win.addEventListener('load', this.onLoad, { once: true });
    }
    return this.snapshot.done;
  }

  // Every handler runs through here: timed, and never throwing into the
  // page; a buffer over maxRecordsBytes is cut early.
  guarded(where, fn) {
    const timing = this.timing;
    const counters = this.counters;
    return (...args) => {
      const t0 = timing.perfNow();
      try {
        return fn(...args);
      } catch (e) {
        this.report(where, e);
        return undefined;
      } finally {
        counters.observeMs += timing.perfNow() - t0;
        if (this.writer.size > this.o.maxRecordsBytes || this.overBuffer(this.writer.size)) this.cutSoon();
      }
    };
  }

  // Runs the handler calls held during the snapshot, each at the time it
  // was made (ctx.now), now that the nodes they name are written.
  release(drop) {
    const held = this.held;
    this.held = [];
    if (drop) return;
    try {
      for (const [fn, args, t] of held) {
        this.clock = t;
        fn(...args);
      }
    } finally {
      this.clock = null;
    }
  }

  context() {
    const privacy = new Privacy(PrivacyMode[this.mode], new Regions(this.o.privacy, this.analyticsOnly),
      this.env.secrets);
    const mirror = new Mirror(this.doc);
    privacy.regions.useTree(mirror);
    const counters = this.counters;
    const timing = this.timing;
    const ctx = {
      win: this.win,
      doc: this.doc,
      writer: this.writer,
      mirror,
      privacy,
      serializer: new Serializer(this.writer, mirror, privacy),
      stats: counters,
      now: () => (this.clock !== null ? this.clock : timing.epochNow()),
      perfNow: () => timing.perfNow(),
      setTimeout: (fn, ms) => this.win.setTimeout(fn, ms),
      clearTimeout: (t) => this.win.clearTimeout(t),
      report: this.report,
      // The page view this one follows in the session ('' for the first).
      previousPageView: this.env.previousPageView || '',
      mutations: null, // set by the Mutations module
      // While the snapshot group is open (Snapshot sets it), nothing else may
      // be written: mutation groups wait, handlers are held until release().
      snapshotting: false,
      release: (drop) => this.release(drop === true),
      mutationWindowMs: this.o.mutationWindowMs,
      captureStylesheetRules: this.o.captureStylesheetRules === true,
      // A same-document navigation to an excluded page ends the recording
      // before anything of that page is written.
      excluded: (href) => pageExcluded(this.o.privacy.excludePages, href),
      leave: () => this.leave(),
      // The node an interaction record may name: the target itself when the
      // replayer can have it. A target added since the last flush is not
      // serialized yet; the pending mutations are written first so that it
      // is (a click on a button added and removed within one flush must
      // still name that button). Else the nearest ancestor the replayer has.
      target: (node) => {
        if (!mirror.has(node) && node.isConnected && ctx.mutations !== null) ctx.mutations.collect();
        return mirror.nearest(node);
      },
      // Handlers of the capture modules. The mutation observer only notes
      // nodes, and is needed by the snapshot to see what changed meanwhile.
      guard: (where, fn) => {
        const run = this.guarded(where, fn);
        if (where === 'mutations') return run;
        return (...args) => {
          // A move to an excluded page must end the recording before the
          // snapshot writes more of what is on screen.
          if (!ctx.snapshotting || (NAVIGATIONS.has(where) && ctx.excluded(this.win.location.href))) {
            return run(...args);
          }
          this.held.push([run, args, timing.epochNow()]);
          return undefined;
        };
      },
    };
    return ctx;
  }

  load() {
    if (this.loading || this.state === 'stopped' || this.state === 'failed') return;
    this.loading = true;
    this.env.loadEngine({
      assetsUrl: this.o.assetsUrl,
      config: this.config(),
      worker: this.o.worker,
      win: this.win,
      report: this.report,
    }).then((engine) => {
      if (this.state === 'stopped' || this.state === 'failed') {
        engine.close();
        return;
      }
      this.delivery.setEngine(engine);
    }, (e) => {
      this.delivery.failEngine(e);
      // Without a core nothing can be sent: stop observing the page.
      if (this.state === 'recording') {
        this.discard('core unavailable');
        this.state = 'failed';
      }
    });
  }

  cutSoon() {
    if (this.soon) return;
    this.soon = this.win.setTimeout(() => {
      this.soon = 0;
      this.cut();
    }, 0);
  }

  // Closes the current records buffer: pending module state is written, the
  // buffer gets the next seq and goes to Delivery. A buffer never ends
  // inside the snapshot group: an urgent cut (flush, stop, page hidden)
  // completes the snapshot first, the others wait for the next one.
  cut(urgent = false) {
    if (this.state !== 'recording' && this.state !== 'stopping') return;
    if (this.snapshot !== null && this.snapshot.active) {
      if (!urgent) return;
      try {
        this.snapshot.finish();
      } catch (e) {
        this.report('snapshot', e);
      }
    }
    this.timing.begin('flush');
    for (const m of this.modules) {
      if (typeof m.drain !== 'function') continue;
      try {
        m.drain();
      } catch (e) {
        this.report('flush', e);
      }
    }
    if (this.writer.size > 0 && this.overBuffer(this.writer.size)) {
      this.writer.take(0);
      this.timing.end('flush');
      this.stop().then(() => undefined, () => undefined);
      return;
    }
    if (this.writer.size > 0) {
      const seq = this.nextSeq++;
      this.counters.events += this.writer.events;
      const records = this.writer.take(seq);
      this.counters.flushes++;
      this.counters.recordsBytes += records.length;
      this.delivery.submit(seq, records);
    }
    this.timing.end('flush');
  }

  // Whether `extra` more bytes would take the records held before consent
  // past the buffer's cap.
  overBuffer(extra) {
    const b = this.buffer;
    return b !== null && !b.open && this.counters.recordsBytes + extra > b.maxBytes;
  }

  // visibilitychange -> hidden, pagehide: the page may be gone before any
  // promise settles, so the last records are cut, encoded and sent in this
  // very call (Viewport's VISIBILITY record included: it listens first).
  flushNow() {
    if (this.state !== 'recording') return;
    this.cut(true);
    this.delivery.sendNow();
  }

  // Resolves once every batch cut so far, this one included, is settled.
  flush() {
    if (this.state === 'recording') this.load();
    this.cut(true);
    return this.delivery.settle();
  }

  stopModules() {
    for (let k = this.modules.length - 1; k >= 0; k--) {
      try {
        this.modules[k].stop();
      } catch (e) {
        this.report('stop', e);
      }
    }
    this.modules = [];
    this.snapshot = null;
    this.held = [];
    if (this.on) this.on.off();
    if (this.onLoad) this.win.removeEventListener('load', this.onLoad);
    if (this.timer) this.win.clearInterval(this.timer);
    if (this.soon) this.win.clearTimeout(this.soon);
    this.onLoad = null;
    this.timer = 0;
    this.soon = 0;
  }

  // Final flush, then every listener and observer is removed. Resolves once
  // the last batch is settled.
  async stop() {
    if (this.state === 'starting') this.state = 'stopped';
    if (this.state !== 'recording') return { batches: 0, bytes: 0 };
    this.state = 'stopping';
    this.cut(true);
    this.stopModules();
    // Records may be waiting for a core the page's load event never asked for.
    if (this.delivery.pending > 0) this.load();
    try {
      return await this.delivery.settle();
    } finally {
      this.state = 'stopped';
      this.delivery.close();
    }
  }

  // The page navigated (same document) to an excluded URL: its content may
  // already be in the DOM, so pending DOM changes are dropped rather than
  // written; what was recorded before is flushed as on stop().
  leave() {
    if (this.state !== 'recording') return;
    for (const m of this.modules) {
      try {
        m.reset();
      } catch (e) {
        this.report('leave', e);
      }
    }
    this.stop().then(() => undefined, (e) => this.report('leave', e));
    if (typeof this.env.onLeave === 'function') this.env.onLeave();
  }

  // Consent withdrawn (or no core): stop at once and let nothing more out.
  // Resolves once requests already on the network have finished.
  discard(reason) {
    const was = this.state;
    if (was === 'stopped' || was === 'failed') return this.delivery.uploader.idle();
    this.state = 'stopped';
    if (was === 'recording' || was === 'stopping') this.stopModules();
    this.writer.take(0);
    this.delivery.abort(reason, { letInflightFinish: true });
    this.delivery.close();
    return this.delivery.uploader.idle();
  }

  // Whether any records buffer was cut: the collector may hold something.
  get mayHaveSent() {
    return this.counters.flushes > 0;
  }

  stats() {
    const c = this.counters;
    const d = this.delivery;
    const u = d.uploader.stats;
    const e = d.engine;
    return {
      sessionId: this.env.sessionId,
      pageViewId: this.env.pageViewId,
      state: this.state,
      events: c.events + this.writer.events,
      flushes: c.flushes,
      wasmCalls: e ? e.calls : 0,
      recordsBytes: c.recordsBytes,
      compressedBytes: c.compressedBytes,
      batchesSent: u.sent,
      batchesPending: d.pending,
      batchesDropped: u.dropped + c.encodeFailures + d.lost,
      retries: u.retries,
      keepaliveOverflow: u.noKeepalive,
      observeMs: c.observeMs,
      serializeMs: c.serializeMs,
      wasmMs: e ? e.ms : 0,
      engine: e ? e.kind : 'main',
      // The encoding core's own counters (node mirror, checkpoints, Wasm
      // memory), as of its last batch.
      core: e ? e.coreStats : null,
      errors: this.env.reporter.count,
    };
  }
}

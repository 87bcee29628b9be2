// One page view's recording: the capture modules, the records buffer, the
// core engine and the uploader, and the flush cycle that ties them together.
//
//   observe (modules) -> RecordWriter -> cut(): one records buffer per flush,
//   numbered seq 0, 1, 2, ... -> engine.encode (worker, or idle time) ->
//   frame -> uploader (in order, retried) -> collector.
//
// A records buffer is kept until its frame exists, so the unload path can
// encode it synchronously on the main thread whatever the worker is doing.

import { RecordWriter } from './records.js';
import { Mirror } from './mirror.js';
import { Privacy, PrivacyMode } from './privacy.js';
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
import { Uploader } from './uploader.js';
import { Timing } from './timing.js';

// Started in this order, stopped in reverse. Meta and the load NAV precede
// the snapshot; the mutation observer starts in the same task as the
// snapshot, so no change falls between them.
const MODULES = [Meta, Navigation, Viewport, Snapshot, Mutations, Pointer, Scroll, Input, Focus];

const COMPRESSION_LEVEL = 3;

function deferred() {
  const d = {};
  d.promise = new Promise((resolve, reject) => {
    d.resolve = resolve;
    d.reject = reject;
  });
  return d;
}

export class Recording {
  // env: { win, doc, reporter, sessionId, pageViewId, loadEngine(opts), fetch }
  constructor(options, env) {
    this.o = options;
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
    this.unencoded = new Map(); // seq -> records
    this.deliveries = new Map(); // seq -> deferred
    this.engine = null;
    this.engineReady = deferred();
    this.engineReady.promise.catch((e) => this.report('core', e));
    this.loading = false;
    this.modules = [];
    this.uploader = new Uploader({
      url: options.batchUrl,
      fetch: env.fetch,
      setTimeout: (fn, ms) => this.win.setTimeout(fn, ms),
      clearTimeout: (t) => this.win.clearTimeout(t),
      report: this.report,
    });
  }

  config() {
    return {
      siteKey: this.o.siteKey,
      sessionId: this.env.sessionId,
      pageViewId: this.env.pageViewId,
      privacyMode: PrivacyMode[this.o.privacy.mode],
      compressionLevel: COMPRESSION_LEVEL,
    };
  }

  // Resolves once the snapshot is taken and every module listens.
  start() {
    this.state = 'starting';
    const doc = this.doc;
    if (doc.readyState !== 'loading') return Promise.resolve(this.begin());
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
    }
    this.on = new Listeners(ctx);
    // After the modules: Viewport writes VISIBILITY before this flushes.
    this.on.on(this.doc, 'visibilitychange', () => {
      if (this.doc.visibilityState === 'hidden') this.flushNow();
    });
    this.on.on(this.win, 'pagehide', () => this.flushNow());
    this.timer = this.win.setInterval(ctx.guard('flush', () => this.cut()), this.o.flushIntervalMs);
    this.state = 'recording';
    // Loading the core must not compete with the page's own loading.
    if (this.doc.readyState === 'complete') this.load();
    else this.win.addEventListener('load', () => this.load(), { once: true });
  }

  context() {
    const privacy = new Privacy(PrivacyMode[this.o.privacy.mode]);
    const mirror = new Mirror();
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
      now: () => timing.epochNow(),
      perfNow: () => timing.perfNow(),
      setTimeout: (fn, ms) => this.win.setTimeout(fn, ms),
      clearTimeout: (t) => this.win.clearTimeout(t),
      mutations: null, // set by the Mutations module
      // The node an interaction record may name: the target itself when the
      // replayer can have it. A target added since the last flush is not
      // serialized yet; the pending mutations are written first so that it
      // is (a click on a button added and removed within one flush must
      // still name that button). Else the nearest ancestor the replayer has.
      target: (node) => {
        if (!mirror.has(node) && node.isConnected && ctx.mutations !== null) ctx.mutations.collect();
        return mirror.nearest(node);
      },
      // Every handler runs through here: timed, and never throwing into the
      // page; a buffer over maxRecordsBytes is cut early.
      guard: (where, fn) => (...args) => {
        const t0 = timing.perfNow();
        try {
          return fn(...args);
        } catch (e) {
          this.report(where, e);
          return undefined;
        } finally {
          counters.observeMs += timing.perfNow() - t0;
          if (this.writer.size > this.o.maxRecordsBytes) this.cutSoon();
        }
      },
    };
    return ctx;
  }

  load() {
    if (this.loading) return;
    this.loading = true;
    this.env.loadEngine({
      assetsUrl: this.o.assetsUrl,
      config: this.config(),
      worker: this.o.worker,
      win: this.win,
      report: this.report,
    }).then((engine) => {
      if (this.state === 'stopped') {
        engine.close();
        return;
      }
      this.engine = engine;
      this.engineReady.resolve(engine);
    }, (e) => {
      this.engineReady.reject(e);
      // Without a core nothing can be sent: stop observing the page.
      if (this.state === 'recording') this.discard('core unavailable');
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
  // buffer gets the next seq and goes to the engine.
  cut() {
    if (this.state !== 'recording' && this.state !== 'stopping') return;
    this.timing.begin('flush');
    for (const m of this.modules) {
      if (typeof m.drain !== 'function') continue;
      try {
        m.drain();
      } catch (e) {
        this.report(m.constructor.name, e);
      }
    }
    if (this.writer.size === 0) {
      this.timing.end('flush');
      return;
    }
    const seq = this.nextSeq++;
    this.counters.events += this.writer.events;
    const records = this.writer.take(seq);
    this.counters.flushes++;
    this.counters.recordsBytes += records.length;
    const d = deferred();
    this.deliveries.set(seq, d);
    const forget = () => this.deliveries.delete(seq);
    // Failures were reported where they happened (encode, upload).
    d.promise.then(forget, forget);
    this.unencoded.set(seq, records);
    this.timing.end('flush');
    this.timing.begin(`encode:${seq}`);
    this.encode(seq, records, true);
  }

  async encode(seq, records, mayRetry) {
    let engine;
    try {
      engine = await this.engineReady.promise;
      if (!this.unencoded.has(seq)) return;
      const frame = await engine.encode(seq, records);
      if (frame !== null) this.frameReady(seq, frame);
    } catch (e) {
      if (!this.unencoded.has(seq)) return;
      // A worker that died mid-request hands over to the main thread.
      if (mayRetry && engine && engine.kind === 'main') {
        this.encode(seq, records, false);
        return;
      }
      this.unencoded.delete(seq);
      this.counters.encodeFailures++;
      this.report('encode', e);
      const d = this.deliveries.get(seq);
      if (d) d.reject(e);
    }
  }

  frameReady(seq, frame) {
    if (!this.unencoded.delete(seq)) return;
    this.timing.end(`encode:${seq}`);
    this.counters.compressedBytes += frame.length;
    const d = this.deliveries.get(seq);
    if (frame.length === 0) {
      d.resolve({ seq, bytes: 0 });
      return;
    }
    this.uploader.enqueue(seq, frame).then(d.resolve, d.reject);
  }

  // visibilitychange -> hidden, pagehide: the page may be gone before any
  // promise settles, so everything happens in this call. Records still
  // waiting for the worker are encoded here too (same seq: the collector
  // keeps whichever copy arrives first).
  flushNow() {
    if (this.state !== 'recording') return;
    this.cut();
    if (this.engine !== null) {
      const seqs = [...this.unencoded.keys()].sort((a, b) => a - b);
      for (const seq of seqs) {
        try {
          const frame = this.engine.encodeSync(seq, this.unencoded.get(seq));
          this.engine.drop(seq);
          this.frameReady(seq, frame);
        } catch (e) {
          this.report('encode', e);
        }
      }
    }
    this.uploader.sendNow();
  }

  // Resolves when every batch cut so far is settled: { batches, bytes } of
  // those accepted; rejects with the first refusal.
  async settle() {
    const results = await Promise.allSettled([...this.deliveries.values()].map((d) => d.promise));
    let batches = 0;
    let bytes = 0;
    for (const r of results) {
      if (r.status === 'rejected') throw r.reason;
      if (r.value.bytes > 0) batches++;
      bytes += r.value.bytes;
    }
    return { batches, bytes };
  }

  flush() {
    if (this.state === 'recording' && !this.loading) this.load();
    this.cut();
    return this.settle();
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
    if (this.on) this.on.off();
    if (this.timer) this.win.clearInterval(this.timer);
    if (this.soon) this.win.clearTimeout(this.soon);
    this.timer = 0;
    this.soon = 0;
  }

  // Final flush, then every listener and observer is removed. Resolves once
  // the last batch is settled.
  async stop() {
    if (this.state === 'starting') this.state = 'stopped';
    if (this.state !== 'recording') return { batches: 0, bytes: 0 };
    this.state = 'stopping';
    this.cut();
    this.stopModules();
    if (!this.loading) this.load();
    try {
      return await this.settle();
    } finally {
      this.state = 'stopped';
      if (this.engine !== null) this.engine.close();
    }
  }

  // Consent withdrawn (or no core): stop at once and let nothing more out.
  discard(reason) {
    const was = this.state;
    if (was === 'stopped') return;
    this.state = 'stopped';
    if (was === 'recording' || was === 'stopping') this.stopModules();
    this.writer.take(0);
    this.uploader.abort(reason);
    const error = new Error(reason);
    for (const seq of this.unencoded.keys()) {
      if (this.engine !== null) this.engine.drop(seq);
      const d = this.deliveries.get(seq);
      if (d) d.reject(error);
    }
    this.unencoded.clear();
    if (this.engine !== null) this.engine.close();
  }

  stats() {
    const c = this.counters;
    const u = this.uploader.stats;
    const e = this.engine;
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
      batchesPending: this.uploader.pending + this.unencoded.size,
      batchesDropped: u.dropped + c.encodeFailures,
      retries: u.retries,
      keepaliveOverflow: u.noKeepalive,
      observeMs: c.observeMs,
      serializeMs: c.serializeMs,
      wasmMs: e ? e.ms : 0,
      engine: e ? e.kind : 'main',
      errors: this.env.reporter.count,
    };
  }
}

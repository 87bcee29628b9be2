// The public API's state: options, consent, and the current Recording.
//
// Consent is a state, not an event: it starts denied when required, repeated
// calls with the same answer do nothing, and withdrawing it drops everything
// not yet sent. Global Privacy Control, when honoured, wins over consent.
// Nothing is observed, loaded, requested or stored before consent.

import { resolveOptions } from './options.js';
import { Recording } from './recording.js';
import { Reporter } from './report.js';
import { randomId } from './ids.js';
import { loadEngine } from './engine/load.js';

const IDLE_STATS = {
  events: 0, flushes: 0, wasmCalls: 0, recordsBytes: 0, compressedBytes: 0,
  batchesSent: 0, batchesPending: 0, batchesDropped: 0, retries: 0, keepaliveOverflow: 0,
  observeMs: 0, serializeMs: 0, wasmMs: 0, engine: 'main',
};

export class Controller {
  // env: { win, doc, defaultAssetsUrl } and, for tests, { Recording,
  // loadEngine, fetch } to replace the real ones.
  constructor(env) {
    this.env = env;
    this.reporter = new Reporter();
    this.options = null;
    this.granted = null; // null: not asked yet
    this.recording = null;
    this.last = null; // the last Recording, for stats() after stop
    this.sessionId = null;
  }

  gpcRefuses() {
    const nav = this.env.win.navigator;
    return this.options.consent.gpc && nav !== undefined && nav.globalPrivacyControl === true;
  }

  // Throws synchronously on a bad option (the message names it).
  start(options) {
    if (this.options !== null) throw new Error('SessionRecorder.start: already started; call stop() first');
    const o = resolveOptions(options, this.env.defaultAssetsUrl);
    this.options = o;
    if (this.gpcRefuses()) return Promise.resolve();
    if (!o.consent.required && this.granted === null) this.granted = true;
    return this.granted === true ? this.begin() : Promise.resolve();
  }

  begin() {
    if (this.recording !== null || this.gpcRefuses()) return Promise.resolve();
    // One session per page load; a new page view after consent comes back,
    // so its seq numbers and node ids start clean.
    if (this.sessionId === null) this.sessionId = randomId();
    const env = this.env;
    const Impl = env.Recording || Recording;
    this.recording = new Impl(this.options, {
      win: env.win,
      doc: env.doc,
      reporter: this.reporter,
      sessionId: this.sessionId,
      pageViewId: randomId(),
      loadEngine: env.loadEngine || loadEngine,
      fetch: env.fetch || ((url, init) => env.win.fetch(url, init)),
    });
    this.last = this.recording;
    return this.recording.start().then(() => undefined, (e) => {
      this.recording = null;
      throw e;
    });
  }

  consent(granted) {
    if (typeof granted !== 'boolean') throw new Error('SessionRecorder.consent: expects true or false');
    if (granted === this.granted) return Promise.resolve();
    this.granted = granted;
    if (this.options === null) return Promise.resolve();
    if (granted) return this.begin();
    const r = this.recording;
    this.recording = null;
    if (r !== null) r.discard('consent withdrawn');
    return Promise.resolve();
  }

  stop() {
    const r = this.recording;
    this.recording = null;
    this.options = null;
    return r === null ? Promise.resolve() : r.stop().then(() => undefined);
  }

  flush() {
    return this.recording === null ? Promise.resolve({ batches: 0, bytes: 0 }) : this.recording.flush();
  }

  stats() {
    if (this.last !== null) return this.last.stats();
    return { sessionId: this.sessionId, pageViewId: null, state: 'idle', ...IDLE_STATS,
      errors: this.reporter.count };
  }
}

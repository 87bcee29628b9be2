// The public API's state: options, consent, and the current Recording.
//
// Consent is a state, not an event: two levels, `analytics` (interactions,
// with every text and value masked) and `replay` (the full recording); it
// starts denied when required, and a call that leaves the level unchanged
// does nothing. Withdrawing a level stops capture, drops everything unsent
// and the session id, and asks the collector to delete what it holds of
// the session. Global Privacy Control, when honoured, wins over consent.
// Nothing is loaded, requested or stored before consent. With
// consent.buffer, the page is observed before consent into page memory
// only (bounded; see beginBuffering); else not even observed.

import { resolveOptions } from './options.js';
import { Recording } from './recording.js';
import { Reporter } from './report.js';
import { randomId } from './ids.js';
import { resume, remember, forget } from './continuity.js';
import { loadEngine } from './engine/load.js';
import { Uploader } from './uploader.js';
import { pageExcluded } from './regions.js';
import { startAdapters, stopAdapters } from './consent/index.js';

const NONE = Object.freeze({ analytics: false, replay: false });
const ALL = Object.freeze({ analytics: true, replay: true });

// consent(true | false | { analytics?, replay? }): a level not named is not
// granted.
export function consentState(arg) {
  if (arg === true) return ALL;
  if (arg === false) return NONE;
  if (arg !== null && typeof arg === 'object' && !Array.isArray(arg)) {
    for (const key of Object.keys(arg)) {
      if (key !== 'analytics' && key !== 'replay') throw new Error(`SessionRecorder.consent: unknown level "${key}"`);
      if (typeof arg[key] !== 'boolean') throw new Error(`SessionRecorder.consent: "${key}" must be true or false`);
    }
    return Object.freeze({ analytics: arg.analytics === true, replay: arg.replay === true });
  }
  throw new Error('SessionRecorder.consent: expects true, false or { analytics, replay }');
}

// 'replay', 'analytics' or null: what may be recorded.
const levelOf = (s) => (s === null ? null : s.replay ? 'replay' : s.analytics ? 'analytics' : null);
const withdrawn = (from, to) => from !== null && ((from.replay && !to.replay) || (from.analytics && !to.analytics));

// How often an excluded page is checked for having been left (a same-document
// navigation fires no event for pushState; popstate is also listened to).
const EXCLUDED_CHECK_MS = 1000;

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
    this.granted = null; // null: not asked yet; else { analytics, replay }
    this.recording = null;
    this.last = null; // the last Recording, for stats() after stop
    this.sessionId = null;
    this.views = []; // every Recording of this session: a revoke purges them all
    this.watching = null; // while on an excluded page: { timer, check }
    // Fields seen as secret (a password later revealed as text stays
    // secret) for the document's life, whatever page view records it.
    this.secrets = new WeakSet();
    this.adapters = [];
    // While recording before consent (consent.buffer): { recording, open(),
    // timer, onHide }; null otherwise.
    this.buffering = null;
    // Session continuity (continuity.js): the page view this one follows.
    this.lastPageView = '';
    this.resumed = false;
    this.onHideRemember = null;
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
    if (!o.consent.required && this.granted === null) this.granted = ALL;
    let started = Promise.resolve();
    if (levelOf(this.granted) !== null) started = this.begin();
    else if (o.consent.buffer !== null && this.granted === null) started = this.begin(true);
    // After the first decision: an adapter may decide at once.
    this.adapters = startAdapters(o.consent, this.env.win, (levels) => {
      this.consent(levels).then(() => undefined, (e) => this.reporter.report('consent', e));
    });
    return started;
  }

  // buffered: record before consent, into memory only (beginBuffering).
  begin(buffered = false) {
    if (this.recording !== null || this.gpcRefuses()) return Promise.resolve();
    if (this.onExcludedPage()) {
      this.watchForReturn();
      return Promise.resolve();
    }
    // One session per page load; a new page view after consent comes back,
    // so its seq numbers and node ids start clean.
    const env = this.env;
    if (this.sessionId === null) this.newSession(buffered);
    const pageViewId = randomId();
    const previousPageView = this.lastPageView;
    this.lastPageView = pageViewId;
    if (!buffered) this.rememberView();
    const Impl = env.Recording || Recording;
    const load = env.loadEngine || loadEngine;
    const buffer = buffered ? this.beginBuffering() : null;
    this.recording = new Impl(this.options, {
      win: env.win,
      doc: env.doc,
      reporter: this.reporter,
      sessionId: this.sessionId,
      pageViewId,
      previousPageView,
      analyticsOnly: !buffered && levelOf(this.granted) === 'analytics',
      secrets: this.secrets,
      // Before consent the core is not even fetched: batches wait, in
      // memory, for an engine that loads only once consent opens the gate.
      loadEngine: buffer === null ? load : (opts) => buffer.gate.then(() => load(opts)),
      buffer,
      fetch: env.fetch || ((url, init) => env.win.fetch(url, init)),
      // The page navigated to an excluded URL: that recording ends itself.
      onLeave: () => {
        this.recording = null;
        this.watchForReturn();
      },
    });
    this.last = this.recording;
    this.views.push(this.recording);
    if (buffer !== null) this.buffering.recording = this.recording;
    return this.recording.start().then(() => undefined, (e) => {
      this.recording = null;
      throw e;
    });
  }

  // A session continues the tab's previous page view's (continuity.js)
  // only for a granted recording: a buffered one reads and writes nothing.
  newSession(buffered) {
    const o = this.options;
    const prev = !buffered && o.session.continuity
      ? resume(this.env.win, o.siteKey, o.session.idleTimeoutMs, Date.now()) : null;
    this.sessionId = prev !== null ? prev.sessionId : randomId();
    this.lastPageView = prev !== null ? prev.previousPageView : '';
    // Earlier pages of a resumed session may have sent data: a revoke must
    // ask the collector to delete even if this page sent nothing.
    this.resumed = prev !== null;
  }

  // Notes the current page view in sessionStorage (after consent only), now
  // and when the page is hidden away, so the next page of the tab follows it.
  rememberView() {
    const o = this.options;
    const win = this.env.win;
    if (!o.session.continuity || this.sessionId === null) return;
    this.lastInput = Date.now();
    remember(win, o.siteKey, this.sessionId, this.lastPageView, this.lastInput);
    if (this.onHideRemember || typeof win.addEventListener !== 'function') return;
    const active = () => { this.lastInput = Date.now(); };
    for (const type of ['pointerdown', 'keydown', 'scroll', 'touchstart']) {
      win.addEventListener(type, active, { capture: true, passive: true });
    }
    this.onHideRemember = () => {
      if (this.sessionId !== null && this.buffering === null && levelOf(this.granted) !== null) {
        // Idle time counts from the visitor's last input, not from leaving.
        remember(win, o.siteKey, this.sessionId, this.lastPageView, this.lastInput);
      }
    };
    win.addEventListener('pagehide', this.onHideRemember);
  }

  // consent.buffer: the Recording runs before consent, but its engine loader
  // waits on a gate, so nothing is fetched or sent and its batches stay in
  // memory. The Recording stops itself once its batches pass maxBytes
  // (recording.js, buffer.maxBytes), and this stops it after maxMs: what it
  // holds stays whole for a later grant. On a grant of replay the gate
  // opens and everything buffered is delivered; on a deny, an
  // analytics-only grant (the buffer holds more than that level allows) or
  // the page being hidden away (pagehide), it is discarded.
  beginBuffering() {
    const win = this.env.win;
    const { maxBytes, maxMs } = this.options.consent.buffer;
    let open;
    const gate = new Promise((resolve) => { open = resolve; });
    const buffer = { maxBytes, open: false, gate };
    const b = { recording: null, buffer, open: () => { buffer.open = true; open(); } };
    b.timer = win.setTimeout(() => {
      const r = b.recording;
      if (this.buffering === b && r !== null) r.stop().then(() => undefined, () => undefined);
    }, maxMs);
    b.onHide = () => {
      if (this.buffering === b) this.dropBuffer();
    };
    if (typeof win.addEventListener === 'function') win.addEventListener('pagehide', b.onHide);
    this.buffering = b;
    return buffer;
  }

  endBuffering() {
    const b = this.buffering;
    if (b === null) return null;
    this.buffering = null;
    const win = this.env.win;
    win.clearTimeout(b.timer);
    if (typeof win.removeEventListener === 'function') win.removeEventListener('pagehide', b.onHide);
    return b;
  }

  // Nothing buffered ever leaves: no request, no /v1/forget (nothing was sent).
  dropBuffer() {
    const b = this.endBuffering();
    if (b === null) return;
    const r = b.recording;
    if (r !== null) {
      r.discard('consent not given').then(() => undefined, () => undefined);
      this.views = this.views.filter((v) => v !== r);
      if (this.recording === r) this.recording = null;
    }
    if (this.views.length === 0) this.sessionId = null;
  }

  // A replay grant while buffering: delivered, and recording goes on (in
  // the same page view if it still runs, else in a new one).
  releaseBuffer() {
    const b = this.endBuffering();
    if (b === null) return;
    b.open();
    this.rememberView();
    const r = b.recording;
    if (r !== null && this.recording === r && r.state !== 'recording' && r.state !== 'starting') {
      this.recording = null;
    }
  }

  consent(arg) {
    const next = consentState(arg);
    const prev = this.granted;
    this.granted = next;
    const before = levelOf(prev);
    const after = levelOf(next);
    if (this.buffering !== null) {
      if (after === 'replay') this.releaseBuffer();
      else this.dropBuffer();
      if (after === null || this.options === null) return Promise.resolve();
      return this.begin();
    }
    if (withdrawn(prev, next)) this.revoke();
    else if (before === after) return Promise.resolve();
    if (this.options === null || after === null) return Promise.resolve();
    // A wider grant (analytics -> replay) ends the masked page view and
    // starts a full one in the same session.
    const r = this.recording;
    this.recording = null;
    if (r !== null) {
      r.stop().then(() => undefined, (e) => this.reporter.report('consent', e));
    }
    return this.begin();
  }

  // Stops and purges the recording, drops the session id, and, once the
  // requests already on the network are done, asks the collector to delete
  // the session: POST {endpoint}/v1/forget, retried like batches.
  // Earlier page views of the session (one still finishing after a wider
  // grant, or one that ended on an excluded page) are purged too.
  revoke() {
    this.unwatch();
    const views = this.views;
    const id = this.sessionId;
    const o = this.options;
    const resumed = this.resumed === true;
    this.recording = null;
    this.sessionId = null;
    this.lastPageView = '';
    this.resumed = false;
    if (resumed || this.onHideRemember) forget(this.env.win);
    if (views.length === 0 && !resumed) return;
    const idle = Promise.all(views.map((v) => v.discard('consent withdrawn')));
    if (o === null || id === null || (!resumed && !views.some((v) => v.mayHaveSent))) return;
    const body = new TextEncoder().encode(JSON.stringify({ site: o.siteKey, session: id }));
    const env = this.env;
    const uploader = new Uploader({
      url: o.forgetUrl,
      what: 'deletion request',
      fetch: env.fetch || ((url, init) => env.win.fetch(url, init)),
      setTimeout: (fn, ms) => env.win.setTimeout(fn, ms),
      clearTimeout: (t) => env.win.clearTimeout(t),
      report: (where, e) => this.reporter.report('forget', e),
    });
    // A refusal is reported by the uploader itself; nothing else to do.
    const done = () => uploader.enqueue(0, body).then(() => undefined, () => undefined);
    Promise.resolve(idle).then(done, done);
  }

  onExcludedPage() {
    const loc = this.env.win.location;
    return pageExcluded(this.options.privacy.excludePages, loc ? loc.href : '');
  }

  // Recording resumes, as a new page view, once the visitor leaves the
  // excluded page (same-document navigation).
  watchForReturn() {
    const win = this.env.win;
    if (this.watching !== null || typeof win.setInterval !== 'function') return;
    const check = () => {
      if (this.options === null || this.onExcludedPage()) return;
      this.unwatch();
      if (levelOf(this.granted) !== null) this.begin().then(() => undefined, (e) => this.reporter.report('resume', e));
    };
    this.watching = { timer: win.setInterval(check, EXCLUDED_CHECK_MS), check };
    if (typeof win.addEventListener === 'function') win.addEventListener('popstate', check);
  }

  unwatch() {
    if (this.watching === null) return;
    const win = this.env.win;
    win.clearInterval(this.watching.timer);
    if (typeof win.removeEventListener === 'function') win.removeEventListener('popstate', this.watching.check);
    this.watching = null;
  }

  stop() {
    this.unwatch();
    stopAdapters(this.adapters);
    this.adapters = [];
    // Never granted: nothing of it may leave, a final flush included.
    if (this.buffering !== null) this.dropBuffer();
    const r = this.recording;
    this.recording = null;
    this.options = null;
    return r === null ? Promise.resolve() : r.stop().then(() => undefined);
  }

  flush() {
    // Before consent nothing is sent: a flush has nothing to wait for.
    if (this.recording === null || this.buffering !== null) return Promise.resolve({ batches: 0, bytes: 0 });
    return this.recording.flush();
  }

  stats() {
    if (this.last !== null) {
      const s = this.last.stats();
      // Recording before consent, into memory only.
      s.buffering = this.buffering !== null;
      // A withdrawn session's identifiers are gone, here too.
      if (this.sessionId === null) {
        s.sessionId = null;
        s.pageViewId = null;
      }
      return s;
    }
    return { sessionId: this.sessionId, pageViewId: null, state: 'idle', buffering: false, ...IDLE_STATS,
      errors: this.reporter.count };
  }
}

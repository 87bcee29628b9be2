// consent.buffer in the controller, and the consent adapters' pure parts:
// before consent the core loader waits on a gate; a replay grant opens it,
// anything else discards the buffer without a request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Controller } from '../../js/src/controller.js';
import { decisionOf, GoogleConsentMode } from '../../js/src/consent/google.js';
import { levelsOf, Tcf } from '../../js/src/consent/tcf.js';

function fakeWin(extra = {}) {
  const listeners = {};
  const timers = [];
  return {
    navigator: {},
    listeners,
    timers,
    addEventListener: (type, fn) => { (listeners[type] ||= []).push(fn); },
    removeEventListener: (type, fn) => { listeners[type] = (listeners[type] || []).filter((f) => f !== fn); },
    setTimeout: (fn, ms) => { timers.push({ fn, ms }); return timers.length; },
    clearTimeout: (id) => { if (timers[id - 1]) timers[id - 1].fn = null; },
    setInterval: () => 0,
    clearInterval: () => undefined,
    fetch: () => { throw new Error('no request may be made'); },
    ...extra,
  };
}

function setup() {
  const log = [];
  const recordings = [];
  class FakeRecording {
    constructor(options, env) {
      this.env = env;
      this.state = 'starting';
      recordings.push(this);
      log.push(['new', env.buffer ? 'buffered' : env.analyticsOnly ? 'analytics' : 'replay']);
    }
    start() { this.state = 'recording'; return Promise.resolve(); }
    stop() { log.push(['stop']); this.state = 'stopping'; return Promise.resolve(); }
    discard(reason) { log.push(['discard', reason]); this.state = 'stopped'; return Promise.resolve(); }
    flush() { return Promise.resolve({ batches: 1, bytes: 9 }); }
    get mayHaveSent() { return false; }
    stats() { return { sessionId: this.env.sessionId, pageViewId: this.env.pageViewId, state: this.state }; }
  }
  const loads = [];
  const win = fakeWin();
  const c = new Controller({ win, doc: null, defaultAssetsUrl: 'https://cdn.test/', Recording: FakeRecording,
    loadEngine: (opts) => { loads.push(opts); return Promise.resolve({}); }, fetch: win.fetch });
  return { c, log, recordings, loads, win };
}

const OPTIONS = { endpoint: 'https://c.test', siteKey: 'demo', consent: { buffer: { maxBytes: 4096, maxMs: 5000 } } };
const tick = () => new Promise((r) => setTimeout(r, 0));

test('buffering: the core is not loaded before consent; a replay grant opens the gate', async () => {
  const { c, log, recordings, loads } = setup();
  await c.start(OPTIONS);
  assert.deepEqual(log, [['new', 'buffered']]);
  const r = recordings[0];
  assert.equal(r.env.buffer.maxBytes, 4096);
  assert.equal(c.stats().buffering, true);
  const engine = r.env.loadEngine({ x: 1 });
  await tick();
  assert.equal(loads.length, 0, 'the loader waits');
  await c.consent(true);
  assert.deepEqual(await engine, {});
  assert.equal(loads.length, 1);
  assert.equal(r.env.buffer.open, true, 'the cap no longer applies');
  assert.equal(c.stats().buffering, false);
  assert.deepEqual(log, [['new', 'buffered']], 'the same recording goes on');
});

test('buffering: a deny discards it, without any request, and drops the session id', async () => {
  const { c, log, loads } = setup();
  await c.start(OPTIONS);
  await c.consent(false);
  assert.deepEqual(log[1], ['discard', 'consent not given']);
  assert.equal(c.stats().sessionId, null);
  assert.equal(c.stats().buffering, false);
  assert.equal(loads.length, 0);
});

test('buffering: an analytics-only grant discards it and records masked', async () => {
  const { c, log } = setup();
  await c.start(OPTIONS);
  await c.consent({ analytics: true });
  assert.deepEqual(log.slice(1), [['discard', 'consent not given'], ['new', 'analytics']]);
});

test('buffering: pagehide discards it; maxMs stops capture; a grant after the cap starts a new page view', async () => {
  const hide = setup();
  await hide.c.start(OPTIONS);
  for (const fn of hide.win.listeners.pagehide) fn();
  assert.deepEqual(hide.log[1], ['discard', 'consent not given']);

  const timed = setup();
  await timed.c.start(OPTIONS);
  const timer = timed.win.timers.find((t) => t.ms === 5000);
  timer.fn();
  assert.deepEqual(timed.log[1], ['stop']);
  await timed.c.consent(true);
  assert.deepEqual(timed.log.slice(2), [['new', 'replay']], 'stopped at the cap: recording goes on anew');
  assert.equal(timed.recordings[0].env.buffer.open, true, 'and what it held is delivered');
});

test('buffering: GPC means no buffering either', async () => {
  const { c, log, win } = setup();
  win.navigator.globalPrivacyControl = true;
  await c.start(OPTIONS);
  assert.deepEqual(log, []);
});

test('Google Consent Mode: which dataLayer entries decide', () => {
  const args = (...a) => (function () { return arguments; }(...a));
  assert.equal(decisionOf(args('consent', 'default', { analytics_storage: 'denied' })), false);
  assert.equal(decisionOf(args('consent', 'update', { analytics_storage: 'granted' })), true);
  assert.equal(decisionOf(['consent', 'update', { analytics_storage: 'granted' }]), true);
  assert.equal(decisionOf(args('consent', 'update', { ad_storage: 'granted' })), null);
  assert.equal(decisionOf(args('consent', 'default', { analytics_storage: 'granted', region: ['US'] })), null,
    'a regional grant is not trusted');
  assert.equal(decisionOf(args('consent', 'default', { analytics_storage: 'denied', region: ['FR'] })), false);
  assert.equal(decisionOf(args('event', 'page_view', {})), null);
  assert.equal(decisionOf({ event: 'gtm.js' }), null);
  assert.equal(decisionOf(null), null);
});

test('Google Consent Mode: replays what was pushed before, follows later pushes', () => {
  const win = { dataLayer: [['consent', 'default', { analytics_storage: 'denied' }]] };
  const seen = [];
  const g = new GoogleConsentMode(win, (v) => seen.push(v));
  g.start();
  win.dataLayer.push(['consent', 'update', { analytics_storage: 'granted' }]);
  win.dataLayer.push(['consent', 'update', { analytics_storage: 'granted' }]);
  const own = win.dataLayer.push;
  win.dataLayer.push = function (...a) { return own.apply(this, a); }; // a tag manager's own push
  win.dataLayer.push(['consent', 'update', { analytics_storage: 'denied' }]);
  assert.deepEqual(seen, [false, true, false]);
  assert.equal(win.dataLayer.length, 4, 'the pushes still land');
  g.stop();
  win.dataLayer.push(['consent', 'update', { analytics_storage: 'granted' }]);
  assert.deepEqual(seen, [false, true, false]);
});

test('TCF: purposes to levels', () => {
  const data = (status, consents, extra = {}) => ({ eventStatus: status, gdprApplies: true,
    purpose: { consents: Object.fromEntries(consents.map((p) => [p, true])), legitimateInterests: { 8: true, 9: true, 10: true } }, ...extra });
  assert.equal(levelsOf(data('cmpuishown', [1, 8, 9, 10])), null);
  assert.deepEqual(levelsOf(data('useractioncomplete', [1, 8, 9, 10])), { analytics: true, replay: true });
  assert.deepEqual(levelsOf(data('tcloaded', [1, 8, 9])), { analytics: true, replay: false });
  assert.deepEqual(levelsOf(data('tcloaded', [8, 9, 10])), { analytics: false, replay: false }, 'purpose 1 is needed');
  assert.deepEqual(levelsOf(data('tcloaded', [1])), { analytics: false, replay: false }, 'legitimate interest is not enough');
  assert.deepEqual(levelsOf(data('tcloaded', [], { gdprApplies: false })), { analytics: true, replay: true });
  assert.equal(levelsOf(null), null);
});

test('TCF: waits for the CMP, decides on changes only, removes its listener on stop', () => {
  const calls = [];
  let listener = null;
  const win = { setInterval: (fn) => { win.poll = fn; return 7; }, clearInterval: () => { win.poll = null; } };
  const seen = [];
  const t = new Tcf(win, (l) => seen.push(l));
  t.start();
  assert.equal(typeof win.poll, 'function', 'no CMP yet: polling');
  win.__tcfapi = (cmd, v, cb, param) => {
    calls.push([cmd, v, param]);
    if (cmd === 'addEventListener') { listener = cb; cb({ eventStatus: 'cmpuishown', listenerId: 3 }, true); }
  };
  win.poll();
  assert.equal(win.poll, null);
  const choose = (c) => listener({ eventStatus: 'useractioncomplete', gdprApplies: true, listenerId: 3,
    purpose: { consents: Object.fromEntries(c.map((p) => [p, true])) } }, true);
  choose([1, 8, 9, 10]);
  choose([1, 8, 9, 10]);
  choose([]);
  assert.deepEqual(seen, [{ analytics: true, replay: true }, { analytics: false, replay: false }]);
  t.stop();
  assert.deepEqual(calls.at(-1), ['removeEventListener', 2, 3]);
  choose([1, 8, 9, 10]);
  assert.equal(seen.length, 2);
});

// Consent as a state: nothing starts before it, GPC wins over it, withdrawing
// it discards everything, and a new grant starts a new page view.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Controller } from '../../js/src/controller.js';
import { randomId } from '../../js/src/ids.js';

function setup({ gpc } = {}) {
  const log = [];
  class FakeRecording {
    constructor(options, env) {
      this.options = options;
      this.env = env;
      log.push(['new', env.sessionId, env.pageViewId]);
    }
    start() { log.push(['start']); return Promise.resolve(); }
    stop() { log.push(['stop']); return Promise.resolve({ batches: 1, bytes: 9 }); }
    discard(reason) { log.push(['discard', reason]); }
    flush() { return Promise.resolve({ batches: 1, bytes: 9 }); }
    stats() { return { sessionId: this.env.sessionId, pageViewId: this.env.pageViewId }; }
  }
  const win = { navigator: gpc === undefined ? {} : { globalPrivacyControl: gpc } };
  const c = new Controller({ win, doc: null, defaultAssetsUrl: 'https://cdn.test/', Recording: FakeRecording });
  return { c, log };
}

const OPTIONS = { endpoint: 'https://c.test', siteKey: 'demo' };

test('nothing starts before consent; consent(true) starts it', async () => {
  const { c, log } = setup();
  await c.start(OPTIONS);
  assert.deepEqual(log, []);
  assert.equal(c.stats().state, 'idle');
  assert.equal(c.stats().sessionId, null);
  await c.consent(true);
  assert.deepEqual(log.map((e) => e[0]), ['new', 'start']);
  await c.consent(true); // the same answer again changes nothing
  assert.equal(log.length, 2);
});

test('consent given before start() is remembered', async () => {
  const { c, log } = setup();
  await c.consent(true);
  assert.deepEqual(log, []);
  await c.start(OPTIONS);
  assert.deepEqual(log.map((e) => e[0]), ['new', 'start']);
});

test('consent.required false records at once', async () => {
  const { c, log } = setup();
  await c.start({ ...OPTIONS, consent: { required: false } });
  assert.deepEqual(log.map((e) => e[0]), ['new', 'start']);
});

test('Global Privacy Control wins over consent, unless gpc is off', async () => {
  const on = setup({ gpc: true });
  await on.c.start({ ...OPTIONS, consent: { required: false } });
  await on.c.consent(true);
  assert.deepEqual(on.log, []);
  const off = setup({ gpc: true });
  await off.c.start({ ...OPTIONS, consent: { gpc: false } });
  await off.c.consent(true);
  assert.deepEqual(off.log.map((e) => e[0]), ['new', 'start']);
});

test('withdrawing discards and drops the session id; granting again starts a new session', async () => {
  const { c, log } = setup();
  await c.start(OPTIONS);
  await c.consent(true);
  await c.consent(false);
  assert.deepEqual(log[2], ['discard', 'consent withdrawn']);
  assert.equal(c.stats().sessionId, null, 'identifiers dropped');
  await c.consent(true);
  const [first, second] = log.filter((e) => e[0] === 'new');
  assert.notEqual(first[1], second[1], 'new session id');
  assert.notEqual(first[2], second[2], 'new page view id');
});

test('consent levels: analytics records masked; widening restarts; withdrawing a level discards', async () => {
  const { c, log } = setup();
  await c.start(OPTIONS);
  await c.consent({ analytics: true });
  const recordings = () => log.filter((e) => e[0] === 'new');
  assert.equal(recordings().length, 1);
  const analytics = c.recording;
  assert.equal(analytics.env.analyticsOnly, true);
  await c.consent({ analytics: true }); // unchanged: nothing
  assert.equal(recordings().length, 1);
  await c.consent(true);
  assert.deepEqual(log.slice(2, 5).map((e) => e[0]), ['stop', 'new', 'start']);
  assert.equal(c.recording.env.analyticsOnly, false);
  assert.equal(recordings()[0][1], recordings()[1][1], 'widening keeps the session');
  await c.consent({ analytics: true, replay: false });
  assert.deepEqual(log.slice(5, 9).map((e) => e[0]), ['discard', 'discard', 'new', 'start'], 'both page views of the session purged');
  assert.equal(c.recording.env.analyticsOnly, true);
  assert.notEqual(recordings()[2][1], recordings()[1][1], 'narrowing forgets the session');
});

test('consent() takes true, false or levels; start() only once until stop()', async () => {
  const { c, log } = setup();
  assert.throws(() => c.consent('yes'), /expects true, false or \{ analytics, replay \}/);
  assert.throws(() => c.consent({ replay: 1 }), /"replay" must be true or false/);
  assert.throws(() => c.consent({ ads: true }), /unknown level "ads"/);
  await c.start({ ...OPTIONS, consent: { required: false } });
  assert.throws(() => c.start(OPTIONS), /already started/);
  await c.stop();
  assert.deepEqual(log.map((e) => e[0]), ['new', 'start', 'stop']);
  await c.start({ ...OPTIONS, consent: { required: false } });
  assert.equal(log.filter((e) => e[0] === 'new').length, 2);
});

test('flush() without a recording resolves to nothing sent', async () => {
  const { c } = setup();
  assert.deepEqual(await c.flush(), { batches: 0, bytes: 0 });
});

test('ids: 22 characters of base64url, random', () => {
  const seen = new Set();
  for (let k = 0; k < 200; k++) {
    const id = randomId();
    assert.match(id, /^[A-Za-z0-9_-]{22}$/);
    seen.add(id);
  }
  assert.equal(seen.size, 200);
});

test('revoking asks the collector to forget the session once in-flight requests are done', async () => {
  const calls = [];
  let finishInflight;
  class SentRecording {
    constructor(options, env) { this.env = env; }
    start() { return Promise.resolve(); }
    get mayHaveSent() { return true; }
    discard() { return new Promise((resolve) => { finishInflight = resolve; }); }
    stats() { return { sessionId: this.env.sessionId }; }
  }
  const win = { navigator: {}, setTimeout, clearTimeout };
  const fetch = async (url, init) => {
    calls.push({ url, init });
    return { ok: true, status: 200, text: async () => '{"ok":true}' };
  };
  const c = new Controller({ win, doc: null, defaultAssetsUrl: 'https://cdn.test/', Recording: SentRecording, fetch });
  await c.start({ ...OPTIONS, endpoint: 'https://c.test/' });
  await c.consent(true);
  const id = c.recording.env.sessionId;
  await c.consent(false);
  await new Promise((r) => setImmediate(r));
  assert.equal(calls.length, 0, 'not before the batches on the network are done');
  finishInflight();
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(calls.length, 1);
  const { url, init } = calls[0];
  assert.equal(url, 'https://c.test/v1/forget');
  assert.equal(init.method, 'POST');
  assert.equal(init.keepalive, true);
  assert.equal(init.credentials, 'omit');
  assert.equal(init.headers, undefined, 'no Content-Type: a CORS-simple request');
  assert.deepEqual(JSON.parse(new TextDecoder().decode(init.body)), { site: 'demo', session: id });
});

test('excluded pages: nothing starts there; recording resumes once the page is left', async () => {
  const { c, log } = setup();
  const timers = [];
  Object.assign(c.env.win, {
    location: { href: 'https://shop.test/account/orders' },
    setInterval: (fn) => timers.push(fn),
    clearInterval: () => timers.splice(0),
  });
  await c.start({ ...OPTIONS, privacy: { excludePages: ['/account/*'] }, consent: { required: false } });
  assert.deepEqual(log, []);
  assert.equal(timers.length, 1);
  timers[0]();
  assert.deepEqual(log, [], 'still excluded');
  c.env.win.location.href = 'https://shop.test/';
  timers[0]();
  assert.deepEqual(log.map((e) => e[0]), ['new', 'start']);
  assert.equal(timers.length, 0, 'no more checks once recording');
  // The recording leaves for an excluded route: checks start again.
  c.env.win.location.href = 'https://shop.test/account/x';
  c.recording.env.onLeave();
  assert.equal(c.recording, null);
  assert.equal(timers.length, 1);
  await c.stop();
  assert.equal(timers.length, 0, 'stop() ends the checks');
});

test('revoking purges every page view of the session, also one that ended on an excluded page', async () => {
  const { c, log } = setup();
  await c.start(OPTIONS);
  await c.consent({ analytics: true });
  await c.consent(true); // a second page view of the same session
  c.recording.env.onLeave(); // the visitor went to an excluded page
  assert.equal(c.recording, null);
  await c.consent(false);
  assert.equal(log.filter((e) => e[0] === 'discard').length, 2, 'both page views purged');
});

// Consent adapters (consent.googleConsentMode, consent.tcf) against a fake
// gtag/dataLayer and a fake __tcfapi CMP on the page, with the built bundle,
// the real core and the real collector: nothing before the platform grants,
// recording after, and a later refusal revokes (purge, POST /v1/forget, the
// collector's copy gone), as SessionRecorder.consent(false) does.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from './lib/stack.mjs';
import { captureRequests, formsOf, findCanaries } from './lib/requests.mjs';

let stack, site, collector, browser;

before(async () => {
  stack = await startStack({ siteRoot: 'tests/browser/fixtures', siteKey: 'leak', name: 'consent-adapters' });
  ({ site, collector, browser } = stack);
});

after(() => stack?.close());

// The site's Google tag snippet with Consent Mode defaults: analytics denied.
function fakeGtag() {
  window.dataLayer = window.dataLayer || [];
  window.gtag = function gtag() { window.dataLayer.push(arguments); };
  window.gtag('consent', 'default', { ad_storage: 'denied', analytics_storage: 'denied' });
  window.gtag('js', new Date());
}

// A CMP stub: __tcfapi with addEventListener / removeEventListener, and
// fakeCmp.choose(purposes) for the visitor's choice.
function fakeTcf() {
  const listeners = new Map();
  let next = 1;
  let data = { tcfPolicyVersion: 4, gdprApplies: true, eventStatus: 'cmpuishown', purpose: { consents: {}, legitimateInterests: {} } };
  window.__tcfapi = (command, version, callback, parameter) => {
    if (version !== 2) return callback(null, false);
    if (command === 'addEventListener') {
      const id = next++;
      listeners.set(id, callback);
      callback({ ...data, listenerId: id }, true);
    } else if (command === 'removeEventListener') {
      callback(listeners.delete(parameter));
    }
  };
  window.fakeCmp = {
    listeners: () => listeners.size,
    choose(purposes) {
      const consents = {};
      for (let p = 1; p <= 11; p++) consents[p] = purposes.includes(p);
      data = { ...data, eventStatus: 'useractioncomplete', purpose: { consents, legitimateInterests: {} } };
      for (const [id, cb] of listeners) cb({ ...data, listenerId: id }, true);
    },
  };
}

async function open(query, initScript) {
  const context = await browser.newContext();
  await context.addInitScript(initScript);
  const requests = captureRequests(context);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().includes('Content Security Policy')) problems.push(m.text());
  });
  await page.goto(`${site.url}/leak.html?endpoint=${encodeURIComponent(collector.url)}&site=leak&mode=relaxed&${query}`);
  await page.evaluate(() => window.leakReady);
  return { context, page, requests, problems };
}

const toCollector = (requests) => requests.filter((r) => r.url.startsWith(collector.url));
const stats = (page) => page.evaluate(() => window.SessionRecorder.stats());
const flushed = (page) => page.evaluate(() => window.SessionRecorder.flush().then(() => window.SessionRecorder.stats()));
const sessionStatus = async (id) => (await fetch(`${collector.url}/v1/sessions/${encodeURIComponent(id)}`)).status;

async function waitFor(cond, ms = 4000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return cond();
}

async function expectRevoked(page, requests, sessionId, sentBefore) {
  await page.waitForFunction(() => window.SessionRecorder.stats().state === 'stopped');
  assert.equal((await stats(page)).sessionId, null);
  await page.click('#run-mutations');
  await page.waitForTimeout(600);
  const later = toCollector(requests).slice(sentBefore);
  assert.deepEqual(later.map((r) => `${r.method} ${r.url.slice(collector.url.length)}`), ['POST /v1/forget']);
  assert.deepEqual(JSON.parse(later[0].body.toString('utf8')), { site: 'leak', session: sessionId });
  assert.ok(await waitFor(async () => (await sessionStatus(sessionId)) === 404), 'the collector deleted the session');
}

test('Google Consent Mode: denied by default, granted by an update, a later denial revokes', async () => {
  const { context, page, requests, problems } = await open('gcm=1', fakeGtag);
  await page.click('#run-mutations');
  await page.waitForTimeout(300);
  assert.equal((await stats(page)).state, 'idle', 'default denied: nothing recorded');
  assert.deepEqual(toCollector(requests), []);

  await page.evaluate(() => window.gtag('consent', 'update', { analytics_storage: 'granted' }));
  await page.waitForFunction(() => window.SessionRecorder.stats().state === 'recording');
  await page.click('#run-mutations');
  const s = await flushed(page);
  assert.ok(s.batchesSent > 0);
  assert.equal(await sessionStatus(s.sessionId), 200);

  // A tag manager swapping in its own push is still followed.
  await page.evaluate(() => {
    const push = window.dataLayer.push;
    window.dataLayer.push = function (...a) { return push.apply(this, a); };
  });
  // Other consent types do not matter; analytics_storage does.
  await page.evaluate(() => window.gtag('consent', 'update', { ad_storage: 'granted' }));
  assert.equal((await stats(page)).state, 'recording');
  const sent = toCollector(requests).length;
  await page.evaluate(() => window.gtag('consent', 'update', { analytics_storage: 'denied' }));
  await expectRevoked(page, requests, s.sessionId, sent);
  await context.close();
  assert.deepEqual(problems, []);
});

test('Google Consent Mode: a default already granted before start() records at once', async () => {
  const { context, page, problems } = await open('gcm=1', () => {
    window.dataLayer = [];
    window.gtag = function gtag() { window.dataLayer.push(arguments); };
    window.gtag('consent', 'default', { analytics_storage: 'granted' });
  });
  await page.waitForFunction(() => window.SessionRecorder.stats().state === 'recording');
  assert.ok((await flushed(page)).batchesSent > 0);
  await context.close();
  assert.deepEqual(problems, []);
});

test('TCF v2.2: nothing while the CMP asks; purposes 1, 8, 9, 10 grant replay; a withdrawal revokes', async () => {
  const { context, page, requests, problems } = await open('tcf=1', fakeTcf);
  await page.click('#run-mutations');
  await page.waitForTimeout(300);
  assert.equal((await stats(page)).state, 'idle', 'cmpuishown: the visitor has not chosen');
  assert.equal(await page.evaluate(() => window.fakeCmp.listeners()), 1);

  // Measurement without purpose 1: no level.
  await page.evaluate(() => window.fakeCmp.choose([8, 9, 10]));
  await page.waitForTimeout(200);
  assert.equal((await stats(page)).state, 'idle');
  assert.deepEqual(toCollector(requests), []);

  await page.evaluate(() => window.fakeCmp.choose([1, 2, 7, 8, 9, 10]));
  await page.waitForFunction(() => window.SessionRecorder.stats().state === 'recording');
  const s = await flushed(page);
  assert.ok(s.batchesSent > 0);

  const sent = toCollector(requests).length;
  await page.evaluate(() => window.fakeCmp.choose([]));
  await expectRevoked(page, requests, s.sessionId, sent);

  // stop() removes the listener.
  await page.evaluate(() => window.SessionRecorder.stop());
  assert.equal(await page.evaluate(() => window.fakeCmp.listeners()), 0);
  await context.close();
  assert.deepEqual(problems, []);
});

test('TCF v2.2: purposes 1, 8, 9 without 10 grant analytics only; GPC still wins', async () => {
  const { context, page, requests } = await open('tcf=1', fakeTcf);
  await page.evaluate(() => window.fakeCmp.choose([1, 8, 9]));
  await page.waitForFunction(() => window.SessionRecorder.stats().state === 'recording');
  await page.evaluate(() => { document.getElementById('public').textContent = 'okpublicsentinel'; });
  const s = await flushed(page);
  assert.ok(s.batchesSent > 0);
  assert.deepEqual(findCanaries(toCollector(requests).flatMap(formsOf), ['okpublicsentinel']), [],
    'analytics only: the page text is masked even in relaxed mode');
  await context.close();

  const gpc = await open('tcf=1', `Object.defineProperty(Navigator.prototype, 'globalPrivacyControl',
    { get: () => true, configurable: true }); (${fakeTcf})();`);
  await gpc.page.evaluate(() => window.fakeCmp.choose([1, 8, 9, 10]));
  await gpc.page.waitForTimeout(400);
  assert.equal((await stats(gpc.page)).state, 'idle', 'Global Privacy Control wins over the CMP');
  assert.deepEqual(toCollector(gpc.requests), []);
  await gpc.context.close();
});

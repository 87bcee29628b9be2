// The consent suite, with the built bundle, the real core and the real
// collector: before a grant the page makes no request for the recorder and
// nothing is written to any browser storage; after it, batches flow; after
// a revoke nothing more is sent except the deletion request, and the
// collector no longer holds the session (its /v1/forget route deleted it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from './lib/stack.mjs';
import { captureRequests, formsOf, findCanaries } from './lib/requests.mjs';
import { watchStorage, storageState, NO_STORAGE, withoutContinuity } from './lib/storage.mjs';

let stack, site, collector, browser;

before(async () => {
  stack = await startStack({ siteRoot: 'tests/browser/fixtures', siteKey: 'leak', name: 'consent' });
  ({ site, collector, browser } = stack);
  // A collector built before the route answers 404; with it, a bad body is 400.
  const probe = await fetch(`${collector.url}/v1/forget`, { method: 'POST', body: '{}' });
  if (probe.status === 404) throw new Error('the collector has no /v1/forget route: rebuild it (./run build)');
});

after(() => stack?.close());


async function open(mode = 'relaxed') {
  const context = await browser.newContext();
  await context.addInitScript(watchStorage);
  const requests = captureRequests(context);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().includes('Content Security Policy')) problems.push(m.text());
  });
  await page.goto(`${site.url}/leak.html?endpoint=${encodeURIComponent(collector.url)}&site=leak&mode=${mode}`);
  await page.evaluate(() => window.leakReady);
  return { context, page, requests, problems };
}

const toCollector = (requests) => requests.filter((r) => r.url.startsWith(collector.url));
const isPageOwn = (r) => /\/(leak\.html|leak-page\.js|dist\/recorder\.js)(\?|$)/.test(r.url);

async function visit(page) {
  await page.type('#text', 'hello');
  await page.click('#run-mutations');
  await page.mouse.wheel(0, 300);
  await page.waitForTimeout(500);
}

async function waitFor(cond, ms = 3000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return cond();
}

const sessionStatus = async (id) => (await fetch(`${collector.url}/v1/sessions/${encodeURIComponent(id)}`)).status;

test('before consent: no request, nothing loaded, no storage write; after it: recording, still no storage', async () => {
  const { context, page, requests, problems } = await open();
  await visit(page);
  assert.deepEqual(requests.filter((r) => !isPageOwn(r)).map((r) => r.url), [], 'only the page and its own scripts');
  assert.deepEqual(await storageState(page, context), NO_STORAGE);
  assert.equal(await page.evaluate(() => window.SessionRecorder.stats().sessionId), null);

  await page.evaluate(() => window.SessionRecorder.consent(true));
  await visit(page);
  const stats = await page.evaluate(() => window.SessionRecorder.flush().then(() => window.SessionRecorder.stats()));
  assert.ok(stats.batchesSent > 0);
  assert.equal(stats.batchesDropped, 0);
  const session = await collector.session(stats.sessionId);
  assert.ok(session.events.some((e) => e.type === 'Click'), 'the visit after consent was recorded');
  assert.deepEqual(withoutContinuity(await storageState(page, context)), NO_STORAGE,
    'recording stores nothing but the session continuity entry');
  await context.close();
  assert.deepEqual(problems, []);
});

test('revoke: capture stops, nothing more is sent but the deletion request, the session is deleted', async () => {
  const { context, page, requests } = await open();
  await page.evaluate(() => window.SessionRecorder.consent(true));
  await visit(page);
  const { sessionId } = await page.evaluate(() => window.SessionRecorder.flush().then(() => window.SessionRecorder.stats()));
  assert.equal(await sessionStatus(sessionId), 200);
  const sentBefore = toCollector(requests).length;

  // Changes pending at the moment of revoking are purged, not sent.
  await page.evaluate(() => {
    document.getElementById('public').textContent = 'cnry_after_revoke_z';
    return window.SessionRecorder.consent(false);
  });
  const stats = await page.evaluate(() => window.SessionRecorder.stats());
  assert.equal(stats.state, 'stopped');
  assert.equal(stats.sessionId, null, 'the session id is dropped');
  await visit(page);
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await page.waitForTimeout(500);

  const after = toCollector(requests).slice(sentBefore);
  // One deletion request, accepted at once (it would be retried like a batch).
  assert.equal(after.length, 1, 'one deletion request');
  for (const forget of after) {
    assert.equal(`${forget.method} ${forget.url.slice(collector.url.length)}`, 'POST /v1/forget', 'after revoke only the deletion request');
    assert.equal(forget.headers['content-type'], undefined, 'no Content-Type: a CORS-simple request');
    assert.deepEqual(JSON.parse(forget.body.toString('utf8')), { site: 'leak', session: sessionId });
  }
  assert.deepEqual(findCanaries(requests.flatMap(formsOf), ['cnry_after_revoke_z']), []);
  assert.equal(await page.evaluate(() => window.SessionRecorder.stats().sessionId), null);

  assert.ok(await waitFor(async () => (await sessionStatus(sessionId)) === 404), 'the collector deleted the session');

  // A new grant is a new session.
  await page.evaluate(() => window.SessionRecorder.consent(true));
  const again = await page.evaluate(() => window.SessionRecorder.flush().then(() => window.SessionRecorder.stats()));
  assert.notEqual(again.sessionId, sessionId);
  assert.ok(again.batchesSent > 0);
  await context.close();
});

test('levels: analytics-only masks text; withdrawing replay forgets that session and goes on masked', async () => {
  const { context, page, requests } = await open('relaxed');
  const batchesSince = (k) => toCollector(requests).slice(k).filter((r) => new URL(r.url).pathname === '/v1/batch');

  await page.evaluate(() => window.SessionRecorder.consent({ analytics: true }));
  await visit(page);
  const analytics = await page.evaluate(() => window.SessionRecorder.flush().then(() => window.SessionRecorder.stats()));
  assert.ok(batchesSince(0).length > 0);
  assert.deepEqual(findCanaries(batchesSince(0).flatMap(formsOf), ['okpublicsentinel', 'hello']), [],
    'analytics-only: no text, no value, even in relaxed mode');

  // Widening keeps the session: a new page view, recorded in full.
  let k = toCollector(requests).length;
  await page.evaluate(() => window.SessionRecorder.consent(true));
  const replay = await page.evaluate(() => window.SessionRecorder.flush().then(() => window.SessionRecorder.stats()));
  assert.equal(replay.sessionId, analytics.sessionId);
  assert.notEqual(replay.pageViewId, analytics.pageViewId);
  assert.deepEqual(findCanaries(batchesSince(k).flatMap(formsOf), ['okpublicsentinel']), ['okpublicsentinel'],
    'replay: the page text arrives');

  // Withdrawing replay: the session is forgotten; analytics goes on in a new one.
  k = toCollector(requests).length;
  await page.evaluate(() => window.SessionRecorder.consent({ analytics: true, replay: false }));
  await page.evaluate(() => { document.getElementById('public').textContent = 'okpublicsentinel again'; });
  const narrowed = await page.evaluate(() => window.SessionRecorder.flush().then(() => window.SessionRecorder.stats()));
  assert.notEqual(narrowed.sessionId, replay.sessionId);
  const forgets = toCollector(requests).slice(k).filter((r) => r.url.endsWith('/v1/forget'));
  assert.equal(forgets.length, 1);
  for (const r of forgets) assert.deepEqual(JSON.parse(r.body.toString('utf8')), { site: 'leak', session: replay.sessionId });
  assert.deepEqual(findCanaries(batchesSince(k).flatMap(formsOf), ['okpublicsentinel']), []);
  assert.ok(await waitFor(async () => (await sessionStatus(replay.sessionId)) === 404), 'the replayed session is deleted');
  await context.close();
});

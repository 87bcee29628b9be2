// consent.buffer, with the built bundle, the real core and the real
// collector: before consent the page is recorded into page memory only (no
// request at all, the core not even fetched, no storage), what was recorded
// reaches the collector after a grant, a deny discards it (nothing is ever
// sent), and the cap holds (capture stops, what is held stays whole).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from './lib/stack.mjs';
import { captureRequests, formsOf, findCanaries } from './lib/requests.mjs';
import { watchStorage, storageState, NO_STORAGE, withoutContinuity } from './lib/storage.mjs';

let stack, site, collector, browser;

before(async () => {
  stack = await startStack({ siteRoot: 'tests/browser/fixtures', siteKey: 'leak', name: 'consent-buffer' });
  ({ site, collector, browser } = stack);
});

after(() => stack?.close());

const isPageOwn = (r) => /\/(leak\.html|leak-page\.js|dist\/recorder\.js)(\?|$)/.test(r.url);
const notPageOwn = (requests) => requests.filter((r) => !isPageOwn(r)).map((r) => r.url);

async function open(buffer, mode = 'relaxed') {
  const context = await browser.newContext();
  await context.addInitScript(watchStorage);
  const requests = captureRequests(context);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().includes('Content Security Policy')) problems.push(m.text());
  });
  const q = `endpoint=${encodeURIComponent(collector.url)}&site=leak&mode=${mode}&buffer=${encodeURIComponent(JSON.stringify(buffer))}`;
  await page.goto(`${site.url}/leak.html?${q}`);
  await page.evaluate(() => window.leakReady);
  return { context, page, requests, problems };
}

const stats = (page) => page.evaluate(() => window.SessionRecorder.stats());

test('buffer: nothing leaves before the grant; the early visit arrives after it', async () => {
  const { context, page, requests, problems } = await open(true);
  await page.type('#text', 'early');
  await page.click('#run-mutations');
  await page.evaluate(() => { document.getElementById('public').textContent = 'okearlybuffered sentinel'; });
  await page.waitForTimeout(900); // two flush intervals: cuts are made, and held
  const early = await stats(page);
  assert.equal(early.buffering, true);
  assert.equal(early.state, 'recording');
  assert.ok(early.flushes >= 1 && early.recordsBytes > 0, 'records were cut into memory');
  assert.equal(early.batchesSent, 0);
  assert.deepEqual(notPageOwn(requests), [], 'no request at all: the core is not even fetched');
  assert.deepEqual(await storageState(page, context), NO_STORAGE);
  const grantedAt = Date.now();

  await page.evaluate(() => window.SessionRecorder.consent(true));
  const s = await page.evaluate(() => window.SessionRecorder.flush().then(() => window.SessionRecorder.stats()));
  assert.equal(s.buffering, false);
  assert.equal(s.sessionId, early.sessionId, 'the same session');
  assert.equal(s.pageViewId, early.pageViewId, 'the same page view goes on');
  assert.equal(s.batchesDropped, 0);
  const session = await collector.session(s.sessionId);
  const click = session.events.find((e) => e.type === 'Click');
  assert.ok(click, 'the click made before consent arrived');
  assert.ok(click.time < grantedAt, 'it is the early click');
  assert.ok(session.events.some((e) => e.type === 'FullSnapshot'));
  assert.deepEqual(findCanaries(requests.flatMap(formsOf), ['okearlybuffered']), ['okearlybuffered']);
  assert.deepEqual(withoutContinuity(await storageState(page, context)), NO_STORAGE,
    'after the grant, nothing but the session continuity entry');
  await context.close();
  assert.deepEqual(problems, []);
});

test('buffer: a deny discards it, and nothing is ever sent; page exit discards it too', async () => {
  const { context, page, requests, problems } = await open(true);
  await page.type('#text', 'early');
  await page.click('#run-mutations');
  await page.waitForTimeout(900);
  assert.equal((await stats(page)).buffering, true);
  await page.evaluate(() => window.SessionRecorder.consent(false));
  const s = await stats(page);
  assert.equal(s.buffering, false);
  assert.equal(s.state, 'stopped');
  assert.equal(s.sessionId, null);
  await page.click('#run-mutations');
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
    window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: false }));
  });
  await page.waitForTimeout(600);
  assert.deepEqual(notPageOwn(requests), [], 'nothing was ever sent, not even a deletion request');

  // Page exit while buffering: the buffer goes, nothing is sent on the way out.
  const second = await open(true);
  await second.page.click('#run-mutations');
  await second.page.waitForTimeout(500);
  assert.equal((await stats(second.page)).buffering, true);
  await second.page.evaluate(() => window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true })));
  const gone = await stats(second.page);
  assert.equal(gone.buffering, false);
  assert.equal(gone.state, 'stopped');
  await second.page.goto('about:blank');
  await second.page.waitForTimeout(300);
  assert.deepEqual(notPageOwn(second.requests).filter((u) => u !== 'about:blank'), []);
  await second.context.close();
  await context.close();
  assert.deepEqual(problems, []);
});

test('buffer: the cap holds; capture stops there and what it holds is delivered whole after a grant', async () => {
  const maxBytes = 32 * 1024;  // above the leak page's own snapshot
  const { context, page, requests, problems } = await open({ maxBytes });
  // Churn until the buffer is full: a list that grows by a paragraph a tick.
  await page.evaluate(() => new Promise((resolve) => {
    let n = 0;
    const t = setInterval(() => {
      const p = document.createElement('p');
      p.textContent = `row ${n} ${'x'.repeat(200)}`;
      document.body.append(p);
      if (++n === 300) { clearInterval(t); resolve(); }
    }, 10);
  }));
  // The cut that passes the cap may come a flush interval later on a busy machine.
  for (let k = 0; k < 150 && (await stats(page)).state !== 'stopping'; k++) await page.waitForTimeout(100);
  const full = await stats(page);
  assert.ok(full.recordsBytes <= maxBytes, `held ${full.recordsBytes} B, cap ${maxBytes} B`);
  assert.ok(full.recordsBytes > 0);
  assert.equal(full.state, 'stopping', 'capture stopped at the cap; its batches wait for consent');
  assert.equal(full.buffering, true);
  assert.deepEqual(notPageOwn(requests), []);

  await page.evaluate(() => window.SessionRecorder.consent(true));
  await page.waitForFunction(() => window.SessionRecorder.stats().state === 'recording');
  const s = await page.evaluate(() => window.SessionRecorder.flush().then(() => window.SessionRecorder.stats()));
  assert.equal(s.sessionId, full.sessionId);
  assert.notEqual(s.pageViewId, full.pageViewId, 'recording goes on in a new page view');
  // The stopped page view delivers on its own (its engine loads on the grant).
  let session;
  for (let k = 0; k < 60; k++) {
    session = await collector.session(s.sessionId);
    if (session.pageViews.length === 2) break;
    await page.waitForTimeout(100);
  }
  assert.deepEqual(session.pageViews.sort(), [full.pageViewId, s.pageViewId].sort());
  const first = session.events.filter((e) => e.pageView === full.pageViewId);
  assert.ok(first.some((e) => e.type === 'FullSnapshot'), 'the buffered page view arrived, snapshot first');
  await context.close();
  assert.deepEqual(problems, []);
});

test('buffer: an analytics-only grant discards the buffer (it holds more) and records masked', async () => {
  const { context, page, requests } = await open(true);
  await page.evaluate(() => { document.getElementById('public').textContent = 'okearlybuffered sentinel'; });
  await page.waitForTimeout(500);
  const early = await stats(page);
  await page.evaluate(() => window.SessionRecorder.consent({ analytics: true }));
  const s = await page.evaluate(() => window.SessionRecorder.flush().then(() => window.SessionRecorder.stats()));
  assert.equal(s.buffering, false);
  assert.notEqual(s.pageViewId, early.pageViewId);
  assert.ok(s.batchesSent > 0);
  assert.deepEqual(findCanaries(requests.flatMap(formsOf), ['okearlybuffered']), []);
  const session = await collector.session(s.sessionId);
  assert.deepEqual(session.pageViews, [s.pageViewId]);
  await context.close();
});

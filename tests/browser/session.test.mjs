// Page views of one visit chained into one session, with the built bundle,
// the real core and the real collector: after consent, a page loaded in the
// same tab continues the session and its PageMeta names the page view it
// follows; a new tab, an idle gap or a revoke starts afresh; a revoke on a
// later page deletes the whole session even before that page sent anything.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from './lib/stack.mjs';

let stack, site, collector, browser;

before(async () => {
  stack = await startStack({ siteRoot: 'tests/browser/fixtures', siteKey: 'leak', name: 'session' });
  ({ site, collector, browser } = stack);
});

after(() => stack?.close());

const pageUrl = (extra = '') =>
  `${site.url}/leak.html?endpoint=${encodeURIComponent(collector.url)}&site=leak&mode=relaxed${extra}`;

async function load(page, extra) {
  await page.goto(pageUrl(extra));
  await page.evaluate(() => window.leakReady);
}

// Grants consent, makes a click and flushes; returns the recorder's stats.
async function recordSome(page) {
  await page.evaluate(() => window.SessionRecorder.consent(true));
  await page.click('#run-mutations');
  return page.evaluate(() => window.SessionRecorder.flush().then(() => window.SessionRecorder.stats()));
}

const pageMetas = (session) => session.events.filter((e) => e.type === 'PageMeta');

test('pages of one tab form one session; each PageMeta names the page view before it', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await load(page);
  const first = await recordSome(page);
  assert.ok(first.sessionId && first.pageViewId);
  await load(page);
  const second = await recordSome(page);
  await load(page);
  const third = await recordSome(page);
  assert.equal(second.sessionId, first.sessionId, 'the second page continues the session');
  assert.equal(third.sessionId, first.sessionId);
  assert.notEqual(second.pageViewId, first.pageViewId);

  const session = await collector.session(first.sessionId);
  assert.deepEqual(session.pageViews, [first.pageViewId, second.pageViewId, third.pageViewId]);
  const metas = pageMetas(session);
  assert.deepEqual(metas.map((m) => [m.pageView, m.previousPageView]), [
    [first.pageViewId, ''],
    [second.pageViewId, first.pageViewId],
    [third.pageViewId, second.pageViewId],
  ]);

  // Another tab is another visit.
  const other = await context.newPage();
  await load(other);
  const elsewhere = await recordSome(other);
  assert.notEqual(elsewhere.sessionId, first.sessionId);
  assert.equal(pageMetas(await collector.session(elsewhere.sessionId))[0].previousPageView, '');
  await context.close();
});

test('an idle gap longer than session.idleTimeoutMs starts a new session', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await load(page, '&idle=1000');
  const first = await recordSome(page);
  await page.waitForTimeout(1300);
  await load(page, '&idle=1000');
  const second = await recordSome(page);
  assert.notEqual(second.sessionId, first.sessionId);
  await context.close();
});

test('a revoke on a later page deletes the whole session and the stored ids', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await load(page);
  const first = await recordSome(page);
  assert.equal((await fetch(`${collector.url}/v1/sessions/${first.sessionId}`)).status, 200);
  await load(page);
  // Granted, then withdrawn before this page sent a single batch.
  await page.evaluate(() => { window.SessionRecorder.consent(true); return window.SessionRecorder.consent(false); });
  let status = 200;
  for (let k = 0; k < 60 && status !== 404; k++) {
    await page.waitForTimeout(100);
    status = (await fetch(`${collector.url}/v1/sessions/${first.sessionId}`)).status;
  }
  assert.equal(status, 404, 'the collector no longer holds the earlier page');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('session-recorder')), null);
  // The next page starts a fresh session.
  await load(page);
  const next = await recordSome(page);
  assert.notEqual(next.sessionId, first.sessionId);
  await context.close();
});

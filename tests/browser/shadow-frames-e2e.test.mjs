// End to end with the real collector: a page of web components (open shadow
// roots, nested, one attached later, a custom element defined later) and
// same-origin iframes (one loaded from a URL, one from srcdoc and reloaded
// later) is recorded by the real glue and Wasm core, stored and decoded by
// the real collector, and rebuilt by the replayer (dist/replay.mjs). At two
// moments the replay must equal the live page by the oracle
// (lib/oracle.mjs): structure, attributes, text, form state and scroll,
// shadow roots and iframe documents included.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from './lib/stack.mjs';
import { installOracle, compare } from './lib/oracle.mjs';

let stack, site, collector, browser;

before(async () => {
  stack = await startStack({ siteRoot: 'tests/browser/fixtures', siteKey: 'frames', name: 'shadow-frames' });
  ({ site, collector, browser } = stack);
});

after(() => stack?.close());

async function replayAt(session, times) {
  const host = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const hostErrors = [];
  host.on('pageerror', (e) => hostErrors.push(String(e)));
  try {
    // Any same-origin page under the CSP will do as the viewer's host.
    await host.goto(`${site.url}/dist/recorder.d.ts`);
    await installOracle(host);
    const out = await host.evaluate(async ({ session, times }) => {
      const { Replayer } = await import('/dist/replay.mjs');
      const r = new Replayer(document.body, session);
      await r.ready;
      const trees = [];
      for (const t of times) {
        r.seek(t);
        await new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(res)));
        r.seek(t);
        trees.push(window.__oracle.canonical(r.document, window.__oracle.hooksFor(r)));
      }
      return { trees, errors: r.errors.map((e) => e.message) };
    }, { session, times });
    assert.deepEqual(hostErrors, []);
    return out;
  } finally {
    await host.close();
  }
}

test('shadow roots, custom elements and iframes: the replay equals the live page', async () => {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${site.url}/leak-frames-rebuild.html?endpoint=${encodeURIComponent(collector.url)}&site=frames`);
  await page.evaluate(() => Promise.all([window.pageReady, window.framesReady]));
  await installOracle(page);
  const moments = [];
  const moment = async (label) => {
    await page.waitForTimeout(250); // one mutation window and more
    moments.push({ label, ...await page.evaluate(() => ({ t: Date.now(), tree: window.__oracle.canonical(document) })) });
  };
  await moment('loaded');

  await page.click('#counter >> #inc');
  await page.click('#counter >> #inc');
  await page.type('#card-host >> #card-input', 'typed in a shadow root');
  await page.evaluate(() => { document.getElementById('card-host').shadowRoot.getElementById('scroller').scrollTop = 120; });
  await page.frameLocator('#child').locator('#child-input').type('typed in a frame');
  await page.evaluate(() => new Promise((resolve) => {
    document.getElementById('inline').addEventListener('load', resolve, { once: true });
    document.getElementById('change').click();
  }));
  await page.waitForTimeout(150);
  await moment('changed');
  // After the last moment: the replayer builds frame documents in quirks
  // mode (about:blank), so a frame's window scroll lands on its body there;
  // the record itself is checked below.
  await page.evaluate(() => document.getElementById('child').contentWindow.scrollTo(0, 200));
  await page.waitForTimeout(200);

  const stats = await page.evaluate(() => window.SessionRecorder.flush().then(() => window.SessionRecorder.stats()));
  assert.equal(stats.batchesDropped, 0);
  assert.deepEqual(errors, []);
  await page.close();

  const session = await collector.session(stats.sessionId);
  const nodes = session.events.flatMap((e) => (e.type === 'FullSnapshot' ? e.nodes : e.type === 'Mutation' ? e.adds || [] : []));
  assert.ok(nodes.filter((n) => n.type === 11).length >= 5, 'shadow roots stored');
  assert.ok(nodes.filter((n) => n.type === 9).length >= 3, 'iframe documents stored');
  const frameDocs = nodes.filter((n) => n.type === 9 && n.parent).map((n) => n.id);
  assert.ok(session.events.some((e) => e.type === 'Scroll' && frameDocs.includes(e.target) && e.y === 200),
    "the iframe window's scroll names its document");
  const { trees, errors: replayErrors } = await replayAt(session, moments.map((m) => m.t));
  assert.deepEqual(replayErrors, [], 'the replayer applied every event');
  const failures = [];
  moments.forEach((m, i) => {
    const diffs = compare(m.tree, trees[i], { mode: 'relaxed' });
    if (diffs.length) failures.push(`${m.label}: ${diffs.slice(0, 12).join('\n    ')}`);
  });
  assert.deepEqual(failures, []);
  // The checks above must be able to fail: the live tree differs from the
  // replay of a moment before.
  assert.ok(compare(moments[1].tree, trees[0], { mode: 'relaxed' }).length > 0);
});

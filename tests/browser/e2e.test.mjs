// End to end, as a site would run it: the demo shop served under a strict
// CSP loads the recorder with one script tag; headless Chromium clicks,
// moves, scrolls, types and mutates the DOM; the real collector process
// receives, validates and stores the batches; the test reads the session
// back, replays it with the real replayer (dist/replay.mjs, in a sandboxed
// frame of a viewer page), and requires the replayed page to equal the live
// page's final state (oracle.mjs: tree, form state, scroll, styles; modulo
// masking), and every interaction to point at the node that was really used.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from './lib/stack.mjs';
import { streamDecoder } from './lib/requests.mjs';
import { driveVisit, TYPED } from '../../scripts/lib/visit.mjs';
import { installOracle, compare } from './lib/oracle.mjs';

let stack, site, collector, browser;

before(async () => {
  stack = await startStack({ siteRoot: 'demo', siteKey: 'demo', name: 'e2e' });
  ({ site, collector, browser } = stack);
});

after(() => stack?.close());

for (const mode of ['relaxed', 'strict']) {
  test(`a recorded visit rebuilds the live page node for node (${mode})`, async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
    const sent = [];
    const fetched = [];
    page.on('request', (r) => {
      fetched.push(r.url());
      if (r.url().startsWith(collector.url)) sent.push({ url: r.url(), body: r.postDataBuffer() });
    });

    await page.goto(`${site.url}/?endpoint=${encodeURIComponent(collector.url)}&site=demo&mode=${mode}&flush=700`);
    await page.waitForTimeout(300);
    // No consent yet: nothing requested, nothing loaded, nothing stored.
    assert.equal(sent.length, 0, 'no request to the collector before consent');
    assert.ok(!fetched.some((u) => u.endsWith('.wasm')), 'the Wasm core is not even fetched before consent');

    const { clicks } = await driveVisit(page);
    const inputs = ['#name', '#email', '#password', '#card', '#notes', '#delivery', '#gift'];

    // The live DOM and the recorder's pending changes at the same instant:
    // flush() takes the pending records synchronously.
    // Helpers go in through DevTools evaluation, which the page's CSP (no
    // eval) does not govern; they add globals, not DOM nodes.
    await installOracle(page);
    await page.evaluate(`window.__pathOf = ${livePathOf}`);
    const { live, stats, clickPaths, inputPaths, reviewsPath, storage } = await page.evaluate(async ({ clicks, inputs }) => {
      const live = window.__oracle.canonical(document);
      const flushed = window.SessionRecorder.flush();
      const pathOf = (sel) => window.__pathOf(document.querySelector(sel));
      const clickPaths = clicks.map(pathOf);
      const inputPaths = Object.fromEntries(inputs.map((s) => [s, pathOf(s)]));
      const reviewsPath = pathOf('#reviews');
      await flushed;
      const stats = window.SessionRecorder.stats();
      await window.SessionRecorder.stop();
      const storage = { local: localStorage.length, session: Object.keys(sessionStorage), cookie: document.cookie };
      return { live, stats, clickPaths, inputPaths, reviewsPath, storage };
    }, { clicks, inputs });
    assert.deepEqual(pageErrors, []);
    // After consent the only trace is the tab-scoped continuity entry
    // (continuity.js): no cookie, no localStorage.
    assert.deepEqual(storage, { local: 0, session: ['session-recorder'], cookie: '' }, 'the recorder stores nothing else in the browser');
    assert.equal(stats.batchesDropped, 0);
    assert.equal(stats.batchesPending, 0);

    const session = await collector.session(stats.sessionId);
    assert.equal(session.site, 'demo');
    assert.equal(session.pageViews.length, 1);
    const events = session.events;

    // Replay to the end in a viewer page of the same origin; note where each
    // interaction's target ended up in the replayed tree.
    const ids = [...new Set(events.filter((e) => 'target' in e).map((e) => e.target))];
    const productIds = [...new Set(events.find((e) => e.type === 'FullSnapshot').nodes
      .filter((n) => (n.attrs || []).some(([k, v]) => k === 'class' && v === 'product')).map((n) => n.id))];
    const replayed = await replayToEnd(session, ids, productIds);
    assert.deepEqual(replayed.errors, [], 'every event applies cleanly');
    const pathOf = (id) => replayed.paths[id] ?? null;

    const secret = (tag, name, value) => name === 'value' && value === 'csrf-token-abc123';
    const diffs = compare(live, replayed.tree, { mode, secret });
    assert.deepEqual(diffs, [], 'the replayed page equals the live page');
    assert.ok(replayed.count > 150, `a real page was replayed (${replayed.count} nodes)`);

    const byType = (t) => events.filter((e) => e.type === t);
    for (const t of ['PageMeta', 'FullSnapshot', 'Mutation', 'MouseMove', 'Click', 'Scroll', 'Input', 'Resize', 'Focus', 'Navigation']) {
      assert.ok(byType(t).length > 0, `at least one ${t} event`);
    }
    assert.equal(byType('FullSnapshot').length, 1);

    // Clicks: one per scripted click (the consent click came before recording),
    // each on the node that was clicked.
    const clickEvents = byType('Click');
    assert.equal(clickEvents.length, clicks.length);
    clickEvents.forEach((ev, i) => {
      assert.deepEqual(pathOf(ev.target), clickPaths[i], `click ${i} (${clicks[i]}) hit the right node`);
      assert.ok(ev.x > 0 && ev.y > 0 && ev.ex >= 0 && ev.ey >= 0);
    });

    // Inputs: right targets; values per mode; secrets never on the wire.
    const inputTargets = new Set(byType('Input').map((e) => JSON.stringify(pathOf(e.target))));
    for (const sel of inputs) assert.ok(inputTargets.has(JSON.stringify(inputPaths[sel])), `input on ${sel} recorded`);
    const valuesOf = (sel) => byType('Input').filter((e) => JSON.stringify(pathOf(e.target)) === JSON.stringify(inputPaths[sel])).map((e) => e.value);
    assert.ok(byType('Input').some((e) => e.checked), 'the checkbox state arrived');
    if (mode === 'relaxed') {
      assert.ok(valuesOf('#name').includes(TYPED.name));
      assert.ok(valuesOf('#delivery').includes('express'));
    } else {
      assert.ok(valuesOf('#name').every((v) => v === '' || v === '********'));
    }
    for (const sel of ['#password', '#card']) assert.ok(valuesOf(sel).every((v) => v === '' || v === '********'), `${sel} masked`);

    const json = JSON.stringify(session);
    const decode = streamDecoder();
    const wire = Buffer.concat(sent.map(decode).filter(Boolean));
    const secrets = [TYPED.password, TYPED.card, TYPED.card.replace(/ /g, ''), 'csrf-token-abc123'];
    if (mode === 'strict') secrets.push(TYPED.name, TYPED.email, TYPED.notes, 'Blue mug', 'Jane Example');
    for (const secret of secrets) {
      assert.ok(!json.includes(secret), `"${secret}" is not in the stored session`);
      assert.ok(!wire.includes(Buffer.from(secret)), `"${secret}" is not in any request`);
    }

    // Scrolls: the window (the document node) and the reviews box.
    const docId = session.events.find((e) => e.type === 'FullSnapshot').nodes[0].id;
    assert.ok(byType('Scroll').some((e) => e.target === docId && e.y > 0), 'window scroll');
    assert.ok(byType('Scroll').some((e) => e.target !== docId && e.y === 80 &&
      JSON.stringify(pathOf(e.target)) === JSON.stringify(reviewsPath)), 'element scroll');
    assert.ok(byType('Resize').some((e) => e.width === 1100 && e.height === 700));

    // The page URL loses its query string (it holds the endpoint here).
    for (const meta of byType('PageMeta')) assert.ok(!meta.url.includes('?'), meta.url);
    // Coalescing: the toast was added and removed within one flush.
    const adds = byType('Mutation').flatMap((m) => m.adds || []);
    assert.ok(!adds.some((n) => (n.attrs || []).some(([k, v]) => k === 'class' && v === 'toast')), 'toast coalesced away');
    // Sorting moved products without re-creating them: no product node is new.
    assert.equal(productIds.length, 4);
    for (const id of productIds) assert.ok(replayed.present[id], 'moved products keep their ids');

    // One working JS-Wasm call per flush (plus a few small control calls).
    assert.ok(stats.flushes > 0);
    assert.ok(stats.wasmCalls <= stats.flushes * 4 + 4, `wasm calls ${stats.wasmCalls} for ${stats.flushes} flushes`);
    await page.close();
  });
}

// The childNodes-index path of a node from its document, or null.
function livePathOf(node) {
  if (!node) return null;
  const path = [];
  while (node.parentNode) {
    path.unshift([...node.parentNode.childNodes].indexOf(node));
    node = node.parentNode;
  }
  return node.nodeType === 9 ? path : null;
}

// Replays the whole session with dist/replay.mjs in a viewer page on the
// site's origin: the final tree (oracle), errors, node count, and the path
// of each id in `ids` and whether each of `keep` is still there.
async function replayToEnd(session, ids, keep) {
  const host = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  try {
    // Any same-origin document will do as the viewer; the module comes in by
    // dynamic import, which the CSP's script-src 'self' allows.
    await host.goto(`${site.url}/dist/replay.mjs`);
    await installOracle(host);
    await host.evaluate(`window.__pathOf = ${livePathOf}`);
    return await host.evaluate(async ({ session, ids, keep }) => {
      const { Replayer } = await import('/dist/replay.mjs');
      const r = new Replayer(document.body, session);
      await r.ready;
      r.seek(r.endTime);
      const until = performance.now() + 2000;
      while (performance.now() < until && [...r.document.querySelectorAll('link[rel=stylesheet]')].some((l) => !l.sheet)) {
        await new Promise((res) => setTimeout(res, 20));
      }
      r.seek(r.endTime);
      const tree = window.__oracle.canonical(r.document, window.__oracle.hooksFor(r));
      const paths = Object.fromEntries(ids.map((id) => [id, window.__pathOf(r.node(id))]));
      const present = Object.fromEntries(keep.map((id) => [id, r.node(id) !== null]));
      const count = r.document.querySelectorAll('*').length + [...r.document.querySelectorAll('*')]
        .reduce((n, el) => n + [...el.childNodes].filter((c) => c.nodeType !== 1).length, 0);
      return { tree, paths, present, count, errors: r.errors.map((e) => e.message) };
    }, { session, ids, keep });
  } finally {
    await host.close();
  }
}

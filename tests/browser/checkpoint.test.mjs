// Checkpoints end to end: the real glue and Wasm core (in its Worker) record
// a visit with a short checkpointIntervalMs, the real collector stores and
// decodes it, and the replayer (dist/replay.mjs) is given only the events
// from the LAST checkpoint on (everything before it dropped). Its DOM at the
// final moment must equal the live page's by the oracle (lib/oracle.mjs):
// the core's node mirror, written as a checkpoint, is the whole page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from './lib/stack.mjs';
import { installOracle, compare } from './lib/oracle.mjs';

let stack, site, collector, browser;

before(async () => {
  stack = await startStack({ siteRoot: 'tests/browser/fixtures', siteKey: 'ckpt', name: 'checkpoint' });
  ({ site, collector, browser } = stack);
});

after(() => stack?.close());

async function replayAt(events, time) {
  const host = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const hostErrors = [];
  host.on('pageerror', (e) => hostErrors.push(String(e)));
  try {
    await host.goto(`${site.url}/dist/recorder.d.ts`);
    await installOracle(host);
    const out = await host.evaluate(async ({ events, time }) => {
      const { Replayer } = await import('/dist/replay.mjs');
      const r = new Replayer(document.body, { events });
      await r.ready;
      r.seek(time);
      await new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(res)));
      r.seek(time);
      return { tree: window.__oracle.canonical(r.document, window.__oracle.hooksFor(r)),
        errors: r.errors.map((e) => e.message) };
    }, { events, time });
    assert.deepEqual(hostErrors, []);
    return out;
  } finally {
    await host.close();
  }
}

test('a replay from the last checkpoint alone equals the live page', async () => {
  const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${site.url}/checkpoint.html?endpoint=${encodeURIComponent(collector.url)}&site=ckpt&interval=1500&flush=300`);
  await page.evaluate(() => window.pageReady);
  await installOracle(page);

  await page.type('#name', 'typed before the checkpoints');
  await page.check('#agree');
  await page.evaluate(() => { document.getElementById('scroller').scrollTop = 250; });
  await page.evaluate(() => window.page.step1());
  await page.waitForTimeout(2200);  // a checkpoint
  await page.evaluate(() => window.page.step2());
  await page.type('#host >> #shadow-input', 'in a shadow root');
  await page.waitForTimeout(2200);  // another
  await page.evaluate(() => window.page.step3());
  await page.type('#note', 'after the last checkpoint');
  await page.waitForTimeout(700);
  const live = await page.evaluate(() => ({ t: Date.now(), tree: window.__oracle.canonical(document) }));

  const stats = await page.evaluate(() => window.SessionRecorder.flush().then(() => window.SessionRecorder.stats()));
  assert.equal(stats.batchesDropped, 0);
  assert.equal(stats.engine, 'worker');
  assert.ok(stats.core && stats.core.checkpoints >= 2, `checkpoints written: ${JSON.stringify(stats.core)}`);
  assert.deepEqual(errors, []);
  await page.close();

  const session = await collector.session(stats.sessionId);
  const events = session.events;
  const snaps = events.map((e, i) => [e, i]).filter(([e]) => e.type === 'FullSnapshot');
  assert.equal(snaps[0][0].checkpoint, false, 'the glue takes the first snapshot');
  const last = snaps.filter(([e]) => e.checkpoint && e.time <= live.t).pop();
  assert.ok(last, 'a checkpoint before the moment');
  console.log(`# ${snaps.length - 1} checkpoints; the last at +${last[0].time - events[0].time} ms ` +
    `with ${last[0].nodes.length} nodes; ${events.length - last[1]} events from it on`);

  const tail = events.slice(last[1]);
  const { tree, errors: replayErrors } = await replayAt(tail, live.t);
  assert.deepEqual(replayErrors, [], 'the replayer applied every event from the checkpoint on');
  const diffs = compare(live.tree, tree, { mode: 'relaxed' });
  assert.deepEqual(diffs.slice(0, 12), []);

  // The check can fail: the checkpoint alone (no events after it) is not
  // the final page.
  const atCheckpoint = await replayAt(tail, last[0].time);
  assert.ok(compare(live.tree, atCheckpoint.tree, { mode: 'relaxed' }).length > 0);
  // The whole history too: seeking there rebuilds from the same checkpoint,
  // which restates its state, so nothing earlier (a relative StyleRule)
  // may be applied a second time.
  const whole = await replayAt(events, live.t);
  assert.deepEqual(whole.errors, []);
  assert.deepEqual(compare(live.tree, whole.tree, { mode: 'relaxed' }).slice(0, 12), []);
});

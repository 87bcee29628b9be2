// The DOM-level property test: from a seed, a random page (containers with
// mask, unmask and block markers, text, links, images, inputs, comments)
// and a random sequence of changes (inserts, moves into and out of regions,
// attribute and text changes, marker changes, document.title, removals,
// typing into random fields), with canaries planted everywhere: personal
// data of every kind the core detects, and per-mode text and value
// canaries. The page's oracle (fixtures/leak-property.js) notes each canary
// that was ever where the rules let it be shown; every other one must be
// absent from every request (raw, decompressed, separators stripped) and
// from the session the collector stores. Runs in each mode through the real
// glue, Wasm core and collector. PROPERTY_SEED=<n> replays a run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from './lib/stack.mjs';
import { captureRequests, formsOf, findCanaries } from './lib/requests.mjs';

// CI runs fixed seeds (a red build must be reproducible); elsewhere each run
// explores new ones. Either way a failure names its seed.
const BASE_SEED = process.env.PROPERTY_SEED !== undefined
  ? Number(process.env.PROPERTY_SEED) >>> 0
  : process.env.CI ? 2353281211 : (Math.random() * 2 ** 32) >>> 0;
const STEPS = 60;
const RUNS_PER_MODE = 2;

let stack, site, collector, browser;

before(async () => {
  stack = await startStack({ siteRoot: 'tests/browser/fixtures', siteKey: 'prop', name: 'property' });
  ({ site, collector, browser } = stack);
});

after(() => stack?.close());

async function run(mode, seed, t) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const requests = captureRequests(context);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().includes('Content Security Policy')) problems.push(m.text());
  });
  await page.goto(`${site.url}/leak-property.html?endpoint=${encodeURIComponent(collector.url)}&site=prop&mode=${mode}&seed=${seed}`);
  await page.evaluate(() => window.prop.ready);
  await page.evaluate(() => window.SessionRecorder.consent(true));
  await page.waitForFunction(() => window.SessionRecorder.stats().state === 'recording');
  const ops = [];
  for (let i = 0; i < STEPS; i++) {
    if (i % 6 === 5) {
      const typing = await page.evaluate(() => window.prop.nextTyping());
      if (typing !== null) {
        // Into an emptied field: personal data run into other digits or
        // glued to text is a detector trade-off (README), not a path leak.
        const field = page.locator(`#${typing.id}`);
        await field.fill('', { timeout: 2000 }).catch(() => undefined);
        await field.pressSequentially(typing.value, { timeout: 2000 }).catch(() => undefined);
        await page.evaluate(() => window.prop.typed());
        ops.push('type');
      }
    }
    ops.push(await page.evaluate(() => window.prop.step()));
    // Now and then a pause past the mutation window, so intermediate states
    // are written too.
    if (i % 4 === 3) await page.waitForTimeout(120);
  }
  await page.click('#sentinel');
  const stats = await page.evaluate(() => window.SessionRecorder.flush().then(() => window.SessionRecorder.stats()));
  const { canaries, exposed } = await page.evaluate(() => window.prop.report());
  await context.close();

  const session = await collector.session(stats.sessionId);
  const texts = [...requests.flatMap(formsOf), JSON.stringify(session).toLowerCase()];
  const shown = new Set(exposed);
  const forbidden = canaries.filter((c) => !shown.has(c.value));
  const leaked = findCanaries(texts, forbidden.map((c) => c.value));
  // Each leak with where it was found: the text around its first sighting.
  const around = (v) => {
    for (const text of texts) {
      const i = text.indexOf(v.toLowerCase());
      if (i >= 0) return text.slice(Math.max(0, i - 120), i + v.length + 40).replace(/[^\x20-\x7e]/g, '.');
    }
    return 'separators stripped';
  };
  const where = leaked.map((v) => `${v} (${forbidden.find((c) => c.value === v).kind}) in ${around(v)}`);
  const replay = `PROPERTY_SEED=${seed} (mode ${mode})`;
  assert.deepEqual(where, [], `canaries leaked; replay with ${replay}; ops: ${ops.join(' ')}`);
  assert.equal(stats.batchesDropped, 0, replay);
  assert.ok(session.events.some((e) => e.type === 'Click'), `the visit was recorded; ${replay}`);
  if (mode !== 'strict') {
    assert.deepEqual(findCanaries(texts, ['okpropsentinel']), ['okpropsentinel'], `public text arrived; ${replay}`);
  }
  assert.deepEqual(problems, [], replay);
  t.diagnostic(`seed ${seed}: ${canaries.length} canaries (${forbidden.length} forbidden), ${ops.length} ops, ${requests.length} requests`);
}

for (const [k, mode] of ['strict', 'balanced', 'relaxed'].entries()) {
  test(`property (${mode}): random DOMs and changes leak no planted canary`, async (t) => {
    for (let r = 0; r < RUNS_PER_MODE; r++) {
      const seed = (BASE_SEED + k * 7919 + r * 104729) >>> 0;
      try {
        await run(mode, seed, t);
      } catch (e) {
        e.message = `[PROPERTY_SEED=${seed}, mode ${mode}] ${e.message}`;
        throw e;
      }
    }
  });
}

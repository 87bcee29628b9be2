// Fidelity: each fixture site (tests/fixtures/sites/) is visited in headless
// Chromium with the recorder installed as a site would, under the
// recorder's CSP, sending to the real collector. At several moments of a
// scripted visit the live page's canonical tree is taken (oracle.mjs) with
// the epoch ms of that instant; afterwards the session is read back from the
// collector, the replayer (dist/replay.mjs) seeks to each instant, and its
// tree must equal the live one, modulo masking. Prints a table: fixture,
// moments passed, bytes on the wire, bytes per minute of recording.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from './lib/stack.mjs';
import { installOracle, compare } from './lib/oracle.mjs';

let stack;
const table = [];

before(async () => {
  stack = await startStack({ siteRoot: 'tests/fixtures/sites', siteKey: 'fixtures', name: 'fidelity' });
});

after(async () => {
  if (table.length) {
    // Short visits: the first batch (the full snapshot) dominates, so the
    // rate after it is shown too.
    const perMin = (b, ms) => String(Math.round(b / (ms / 60000)));
    const rows = [['fixture', 'mode', 'moments', 'wire bytes', '1st batch', 'recorded s', 'bytes/min', 'after 1st/min'],
      ...table.map((r) => [r.fixture, r.mode, `${r.passed}/${r.total}`, String(r.bytes), String(r.first),
        (r.ms / 1000).toFixed(1), perMin(r.bytes, r.ms), perMin(r.bytes - r.first, r.ms)])];
    const widths = rows[0].map((_, k) => Math.max(...rows.map((r) => r[k].length)));
    console.log(rows.map((r) => r.map((c, k) => c.padEnd(widths[k])).join('  ')).join('\n'));
  }
  await stack?.close();
});

const pause = (page, ms = 150) => page.waitForTimeout(ms);

// Each visit calls moment() where the live tree is compared with the replay.
const VISITS = {
  async shop(page, moment) {
    await moment('loaded');
    for (let i = 0; i < 8; i++) await page.mouse.move(200 + i * 50, 300 + (i % 2) * 40, { steps: 2 });
    await page.click('.product[data-sku="p1"] button.add');
    await page.click('.product[data-sku="p3"] button.add');
    await page.click('.product[data-sku="p1"] button.add');
    await page.fill('#search', 'te');
    await page.selectOption('#category', 'kitchen');
    await pause(page);
    await moment('filtered, three in the cart');
    await page.click('#sort');
    await page.check('#gift');
    await page.fill('#coupon', 'TEA10');
    await page.click('#cart li[data-sku="p3"] button.remove');
    await page.selectOption('#cart li[data-sku="p1"] select', '4');
    await page.mouse.wheel(0, 500);
    await pause(page, 400);
    await moment('sorted, cart edited, scrolled');
    await page.selectOption('#category', 'all');
    await page.fill('#search', '');
    await page.click('a[href="#help"]');
    await pause(page, 400);
    await moment('help section');
  },

  async dashboard(page, moment) {
    await pause(page, 600);
    await moment('running');
    await pause(page, 700);
    await moment('later');
    await page.check('#only-errors');
    await pause(page, 500);
    await moment('errors only');
    await page.click('#pause');
    await pause(page, 300);
    await moment('paused');
  },

  async form(page, moment) {
    await moment('step 1');
    await page.fill('#fullname', 'Ada Lovelace');
    await page.fill('#email', 'ada@example.test');
    await page.fill('#password', 'correct horse battery');
    await page.fill('#dob', '1990-12-10');
    await page.click('#next');
    await pause(page);
    await moment('step 2');
    await page.click('#next');
    await pause(page);
    await moment('step 2, validation message');
    await page.fill('#street', '12 Analytical Row');
    await page.fill('#city', 'London');
    await page.selectOption('#country', 'nl');
    await page.click('#next');
    await page.check('input[name=kind][value=savings]');
    await page.check('#newsletter');
    await page.fill('#notes', 'Please call after 5pm.');
    await pause(page);
    await moment('step 3, choices made');
    await page.click('#next');
    await page.check('#terms');
    await pause(page);
    await moment('review');
    await page.click('#submit');
    await pause(page);
    await moment('submitted');
  },

  async article(page, moment) {
    await moment('top');
    await page.mouse.wheel(0, 1500);
    await pause(page, 500);
    await moment('scrolled a screenful');
    await page.evaluate(() => window.scrollTo(0, 0));
    await pause(page, 200);
    await page.click('a[href="#s5"]');
    await page.click('#footnote summary');
    await pause(page, 400);
    await moment('jumped to section 5, footnote open');
    await page.click('#load-comments');
    await page.fill('#comment', 'Lovely piece, thanks!');
    await page.click('#post');
    await pause(page, 400);
    await moment('comments loaded and posted');
  },

  async spa(page, moment) {
    await moment('home');
    await page.click('#nav a[data-route=tasks]');
    await pause(page);
    await moment('tasks route');
    await page.check('#task-list li[data-id="1"] input');
    await page.fill('#new-task', 'Steep the sencha');
    await page.click('#add-task button');
    await pause(page);
    await moment('task checked and added');
    await page.click('#nav a[data-route=settings]');
    await page.fill('#display-name', 'Sam Q.');
    await page.click('a[href="#notifications"]');
    await pause(page);
    await moment('settings, notifications tab');
    await page.goBack();
    await pause(page);
    await page.goBack();
    await pause(page, 300);
    await moment('back twice');
  },

  async components(page, moment) {
    await pause(page, 500);
    await moment('loaded');
    await page.click('#rating-1 .star[data-n="5"]');
    await page.click('#attach');
    await pause(page, 300);
    await moment('rated, late shadow root attached');
    await page.click('#theme');
    await page.click('#add-rule');
    await page.frameLocator('#frame').locator('#inner-button').click();
    await pause(page, 300);
    await moment('theme, CSSOM rules, frame changed');
    await page.click('#play');
    await pause(page, 700);
    await moment('audio playing');
    await page.click('#pause');
    await page.click('#add-rule');
    await pause(page, 300);
    await moment('audio paused, rule deleted');
  },
};

// Runs in the page at each moment: the live tree, then flush() so every
// change up to now is written with a time at or before the instant noted.
function takeMoment() {
  const tree = window.__oracle.canonical(document);
  window.SessionRecorder.flush().catch(() => {});
  return { tree, t: Math.ceil(performance.timeOrigin + performance.now()) };
}

async function visit(name, mode) {
  const { site, collector, browser } = stack;
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  const sizes = [];
  page.on('request', (r) => {
    if (r.url().startsWith(`${collector.url}/v1/batch`)) sizes.push((r.postDataBuffer() || Buffer.alloc(0)).length);
  });
  await page.goto(`${site.url}/${name}/?endpoint=${encodeURIComponent(collector.url)}&site=fixtures&mode=${mode}&flush=800`);
  await page.waitForFunction(() => window.fixtureRecorderReady);
  await page.evaluate(() => window.fixtureRecorderReady);
  await page.waitForFunction(() => window.SessionRecorder.stats().sessionId);
  await installOracle(page);
  await pause(page, 300);
  const moments = [];
  await VISITS[name](page, async (label) => {
    moments.push({ label, ...(await page.evaluate(takeMoment)) });
  });
  const stats = await page.evaluate(async () => {
    await window.SessionRecorder.flush();
    const s = window.SessionRecorder.stats();
    await window.SessionRecorder.stop();
    return s;
  });
  await page.close();
  assert.deepEqual(pageErrors, [], 'the fixture page runs without errors under the recorder');
  assert.equal(stats.batchesDropped, 0);
  return { session: await collector.session(stats.sessionId), moments, sizes };
}

// Replays `session` in the viewer page; returns the replay tree per moment.
async function replayAt(session, times) {
  const host = await stack.browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const hostErrors = [];
  host.on('pageerror', (e) => hostErrors.push(String(e)));
  await host.goto(`${stack.site.url}/replay.html`);
  await host.waitForFunction(() => window.replayHostReady === true);
  await installOracle(host);
  const out = await host.evaluate(async ({ session, times }) => {
    const r = new window.Replayer(document.getElementById('view'), session);
    await r.ready;
    window.r = r;
    // Stylesheets load asynchronously in the replay too; scroll positions
    // only hold once the layout they were taken in exists.
    const loaded = async () => {
      const until = performance.now() + 2000;
      const links = () => [...r.document.querySelectorAll('link[rel=stylesheet]')];
      while (performance.now() < until && links().some((l) => !l.sheet)) await new Promise((res) => setTimeout(res, 20));
      await new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(res)));
    };
    const trees = [];
    for (const t of times) {
      r.seek(t);
      await loaded();
      r.seek(t);
      trees.push(window.__oracle.canonical(r.document, window.__oracle.hooksFor(r)));
    }
    return { trees, errors: r.errors.map((e) => e.message) };
  }, { session, times });
  await host.close();
  assert.deepEqual(hostErrors, [], 'the viewer page runs without errors');
  return out;
}

async function fidelity(name, mode, extra) {
  const { session, moments, sizes } = await visit(name, mode);
  const bytes = sizes.reduce((a, b) => a + b, 0);
  const { trees, errors } = await replayAt(session, moments.map((m) => m.t));
  const events = session.events;
  const ms = events.length ? events[events.length - 1].time - events[0].time : 0;
  const failures = [];
  let passed = 0;
  moments.forEach((m, i) => {
    const diffs = compare(m.tree, trees[i], { mode });
    if (diffs.length === 0) passed++;
    else failures.push(`moment "${m.label}": ${diffs.length} differences\n    ${diffs.slice(0, 12).join('\n    ')}`);
  });
  table.push({ fixture: name, mode, passed, total: moments.length, bytes, first: sizes[0] || 0, ms });
  if (extra) await extra({ session, moments, trees });
  assert.deepEqual(errors, [], 'the replayer applied every event');
  assert.equal(failures.length, 0, `${name} (${mode}): ${passed}/${moments.length} moments equal\n  ${failures.join('\n  ')}`);
}

for (const name of Object.keys(VISITS)) {
  test(`${name}: the replay equals the live page at every moment (relaxed)`, () => fidelity(name, 'relaxed'));
}

test('form in strict mode: the replay equals the live page with every text and value masked', () => fidelity('form', 'strict'));

test('the oracle catches what a faulty replay would show', async () => {
  // A live tree compared with a copy changed in known places: every change
  // must come back as a difference, with a path that says where.
  const { moments } = await visit('shop', 'relaxed');
  const live = moments[moments.length - 1].tree;
  const broken = structuredClone(live);
  const find = (node, pred) => {
    if (pred(node)) return node;
    for (const k of [...(node.c || []), ...(node.shadow ? [node.shadow] : [])]) {
      const hit = find(k, pred);
      if (hit) return hit;
    }
    return null;
  };
  find(broken, (n) => n.n === 'h3').c[0].v = 'Red mug';
  find(broken, (n) => n.n === 'input' && n.a.id === 'coupon').value = 'OTHER';
  find(broken, (n) => n.n === 'button' && n.a.id === 'sort').a['aria-pressed'] = 'false';
  broken.scroll = [0, 0];
  const ul = find(broken, (n) => n.n === 'ul' && n.a.id === 'cart');
  ul.c.pop();
  assert.deepEqual(compare(live, live), [], 'a tree equals itself');
  const diffs = compare(live, broken);
  assert.equal(diffs.length, 6, diffs.join('\n'));
  assert.ok(diffs.some((d) => /h3\[\d+\]\/#text\[0\]: text "Red mug" in the replay/.test(d)), diffs.join('\n'));
  assert.ok(diffs.some((d) => /input#coupon\[\d+\]: value "OTHER"/.test(d)), diffs.join('\n'));
  assert.ok(diffs.some((d) => /button#sort\[\d+\]\[@aria-pressed\]/.test(d)), diffs.join('\n'));
  assert.ok(diffs.some((d) => /^#document: scrolled to 0,0 in the replay/.test(d)), diffs.join('\n'));
  assert.ok(diffs.some((d) => /ul#cart\[\d+\]: 0 children in the replay, 1 live/.test(d)), diffs.join('\n'));
  // Masking forgives masks and PII tokens, and nothing else.
  const text = (v) => ({ t: 1, n: 'p', a: {}, c: [{ t: 3, v }] });
  assert.deepEqual(compare(text('Write to jo@x.example now'), text('Write to [email] now')), []);
  assert.deepEqual(compare(text('Hello'), text('********')), []);
  assert.equal(compare(text('Hello'), text('*******')).length, 1);
  assert.equal(compare(text('Hello'), text('Hello!')).length, 1);
  assert.equal(compare(text('Hello'), text('Hello'), { mode: 'strict' }).length, 1, 'strict mode wants the text masked');
  assert.deepEqual(compare(text('Hello'), text('********'), { mode: 'strict' }), []);
});

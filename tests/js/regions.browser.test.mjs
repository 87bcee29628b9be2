// Privacy regions at the capture level, in headless Chromium with a fake
// engine (helpers/harness.js): what a blocked or masked region writes in the
// snapshot and in later mutations, that nothing inside a block is read, and
// that marker changes re-serialize the affected subtree so a strict replayer
// (any reference to a node it does not hold fails) stays in step with the
// page, also under seeded random churn that toggles markers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer, CHROMIUM, CHROMIUM_ARGS } from './helpers/server.js';
import { readRecords } from './helpers/records-reader.js';
import { Replayer } from './helpers/replay.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PAGE = `<!doctype html><html><head><title>Regions</title><script type="module" src="/boot.mjs"></script>
</head><body><div id="root"></div></body></html>`;
const BOOT = `import * as h from '/tests/js/helpers/harness.js'; window.h = h; window.ready = true;`;
const PRIVACY = { mask: '.private', unmask: '.public', block: '.secret' };

let server;
let browser;

before(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`cannot run the regions browser tests: no Chromium at ${CHROMIUM}`);
  server = await startServer({
    mounts: { '/js/': path.join(ROOT, 'js'), '/tests/js/': path.join(ROOT, 'tests/js') },
    pages: { '/page.html': PAGE, '/boot.mjs': BOOT, '/favicon.ico': '' },
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

// The page's shape as a replayer of these rules must hold it: blocked
// elements (by marker or selector) without children; no values.
function liveShape(node = document) {
  const t = node.nodeType;
  if (t === 3 || t === 8) return `#${t}`;
  const name = t === 1 ? node.localName : t === 10 ? node.name : `#${t}`;
  const leaf = t === 1 && (node.localName === 'script' || node.localName === 'template' ||
    node.matches('[data-recorder-block], .secret'));
  const kids = leaf ? [] : [...node.childNodes].filter((c) => [1, 3, 8, 10].includes(c.nodeType));
  return kids.length ? `${name}(${kids.map(liveShape).join(',')})` : name;
}

function replayedShape(n) {
  if (n.type === 3 || n.type === 8) return `#${n.type}`;
  const name = n.name || `#${n.type}`;
  return n.children.length ? `${name}(${n.children.map(replayedShape).join(',')})` : name;
}

async function open(html, mode, setup = null) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text()); });
  await page.goto(`${server.origin}/page.html`);
  await page.waitForFunction(() => window.ready === true);
  await page.evaluate(async ({ html, mode, privacy, setup, shape }) => {
    document.getElementById('root').innerHTML = html;
    window.reads = [];
    window.liveShape = (0, eval)(`(${shape})`);
    if (setup) (0, eval)(`(${setup})`)();
    window.rec = window.h.record(mode, { privacy: { mode, ...privacy } });
    await window.rec.start();
  }, { html, mode, privacy: PRIVACY, setup: setup ? setup.toString() : null, shape: liveShape.toString() });
  const replayer = new Replayer();
  async function step(fn, arg) {
    const out = await page.evaluate(async ({ src, arg }) => {
      if (src) await (0, eval)(`(${src})`)(arg);
      const buffers = await window.rec.flush();
      const reads = window.reads.slice();
      window.reads.length = 0;
      return { buffers, reads, shape: window.liveShape() };
    }, { src: fn ? fn.toString() : null, arg });
    const records = out.buffers.flatMap((b) => readRecords(Uint8Array.from(b)).records);
    replayer.apply(records);
    return { records, reads: out.reads, shape: out.shape };
  }
  const byId = (id) => [...replayer.nodes.values()].find((n) => n.attrs.get('id') === id);
  const textOf = (id) => byId(id).children.map((c) => Replayer.show(c.value)).join('');
  return { page, step, replayer, byId, textOf, errors };
}

test('snapshot: a blocked region is a sized placeholder and is never read; masked regions mask whatever the mode', async () => {
  // Booby-trapped: reading the blocked text or value shows in window.reads.
  const trap = () => {
    const t = document.getElementById('bt').firstChild;
    Object.defineProperty(t, 'data', { get() { window.reads.push('blocked text'); return 'LEAK'; }, configurable: true });
    const input = document.getElementById('bi');
    Object.defineProperty(input, 'value', { get() { window.reads.push('blocked value'); return 'LEAK'; }, set() {}, configurable: true });
  };
  const { page, step, byId, textOf, errors } = await open(
    '<div id="b" data-recorder-block class="x" title="t" style="width:120px;height:30px"><p id="bt">secret</p><input id="bi"></div>' +
    '<div id="bs" class="secret"><p>also secret</p></div>' +
    '<div id="m" data-recorder-mask title="Jane" data-user="jane"><p id="mt">Jane Example</p><input id="mi" value="v">' +
    '<p id="u" data-recorder-unmask>public again</p></div>' +
    '<div id="ms" class="private"><p id="mst">by selector</p><p id="us" class="public">shown</p></div>' +
    '<p id="plain">plain</p>', 'relaxed', trap);
  const r = await step(() => document.getElementById('bi').dispatchEvent(new Event('input', { bubbles: true })));
  assert.deepEqual(r.reads, []);
  assert.equal(byId('b'), undefined, 'no attribute of a blocked element is kept (not even its id)');
  const placeholders = r.records.filter((x) => x.type === 'NODE' && x.attrs.some(([k]) => k === 'data-recorder-block'));
  assert.equal(placeholders.length, 2);
  assert.deepEqual(placeholders[0].attrs, [['data-recorder-block', ''], ['style', 'display:inline-block;width:120px;height:30px']]);
  assert.ok(!JSON.stringify(r.records).includes('secret'));
  assert.ok(!r.records.some((x) => x.type === 'INPUT'), 'no INPUT for a field in a blocked region');
  assert.deepEqual(byId('m').attrs.get('title'), { masked: 1 });
  assert.deepEqual(byId('m').attrs.get('data-user'), { masked: 1 });
  assert.equal(textOf('mt'), '*1');
  assert.deepEqual(byId('mi').attrs.get('value'), { masked: 1 });
  assert.equal(textOf('u'), 'public again', 'unmask carves out of a mask');
  assert.equal(textOf('mst'), '*1');
  assert.equal(textOf('us'), 'shown');
  assert.equal(textOf('plain'), 'plain');
  await page.close();
  assert.deepEqual(errors, []);
});

test('marker changes re-serialize the subtree under the new rule; later changes follow it', async () => {
  const { page, step, replayer, byId, textOf, errors } = await open(
    '<div id="a"><p id="at">hello</p></div><div id="b"><p id="bt">world</p></div><p id="mover">moving</p>' +
    '<div id="m" data-recorder-mask><p id="mt">x</p></div>', 'relaxed');
  await step();
  const ids = { a: byId('a').id, at: byId('at').id };

  // Gains a mask: REMOVE + NODE with the same ids, text now masked.
  let r = await step(() => document.getElementById('a').setAttribute('data-recorder-mask', ''));
  assert.deepEqual(r.records.filter((x) => x.type === 'REMOVE').map((x) => x.id), [ids.a]);
  assert.equal(byId('a').id, ids.a);
  assert.equal(byId('at').id, ids.at);
  assert.equal(textOf('at'), '*1');
  r = await step(() => { document.getElementById('at').firstChild.data = 'Jane Example'; });
  assert.deepEqual(r.records.filter((x) => x.type === 'TEXT').map((x) => x.value), [{ masked: 1 }]);

  // Loses it: shown again.
  await step(() => document.getElementById('a').removeAttribute('data-recorder-mask'));
  assert.equal(textOf('at'), 'Jane Example');

  // A selector starts matching because of a class.
  await step(() => document.getElementById('b').classList.add('private'));
  assert.equal(textOf('bt'), '*1');

  // Gains a block: a placeholder, children gone from the replayer; loses it: back.
  r = await step(() => document.getElementById('a').setAttribute('data-recorder-block', ''));
  assert.equal(replayer.nodes.has(ids.at), false);
  assert.equal(replayedShape(replayer.root), r.shape);
  r = await step(() => {
    document.getElementById('at').firstChild.data = 'inside the block';
    document.getElementById('a').append(document.createElement('span'));
  });
  assert.deepEqual(r.records, [], 'nothing inside a block is written');
  await step(() => document.getElementById('a').removeAttribute('data-recorder-block'));
  assert.equal(textOf('at'), 'inside the block');

  // Moved into a masked region: re-added masked; its later text too.
  await step(() => document.getElementById('m').append(document.getElementById('mover')));
  assert.equal(textOf('mover'), '*1');
  r = await step(() => { document.getElementById('mover').firstChild.data = 'now private'; });
  assert.deepEqual(r.records.filter((x) => x.type === 'TEXT').map((x) => x.value), [{ masked: 1 }]);
  // And out again: shown.
  r = await step(() => document.getElementById('root').append(document.getElementById('mover')));
  assert.equal(textOf('mover'), 'now private');
  assert.equal(replayedShape(replayer.root), r.shape);
  await page.close();
  assert.deepEqual(errors, []);
});

test('random churn that toggles markers keeps the strict replayer in step (seeded)', async () => {
  const { page, step, replayer, errors } = await open('<div id="w"><p>a</p><p>b</p></div>', 'relaxed');
  await step();
  const churn = (seed) => {
    let s = seed >>> 0;
    const rand = () => {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = (list) => list[Math.floor(rand() * list.length)];
    const root = document.getElementById('root');
    const all = () => [...root.querySelectorAll('*')];
    const place = (node) => {
      const parent = pick([root, ...all()].filter((p) => p !== node && !node.contains?.(p)));
      if (parent) parent.insertBefore(node, rand() < 0.5 ? pick([...parent.childNodes, null]) ?? null : null);
    };
    for (let k = 0; k < 20; k++) {
      const op = rand();
      const nodes = all();
      if (op < 0.25 || nodes.length < 3) {
        const el = document.createElement(pick(['div', 'p', 'span']));
        el.append(`t${Math.floor(rand() * 100)}`);
        place(el);
      } else if (op < 0.35) {
        pick(nodes).remove();
      } else if (op < 0.5) {
        place(pick(nodes));
      } else if (op < 0.8) {
        const el = pick(nodes);
        const marker = pick(['data-recorder-block', 'data-recorder-mask', 'data-recorder-unmask', 'class']);
        if (marker === 'class') el.classList.toggle(pick(['secret', 'private', 'public']));
        else if (el.hasAttribute(marker)) el.removeAttribute(marker);
        else el.setAttribute(marker, '');
      } else {
        const texts = nodes.flatMap((e) => [...e.childNodes].filter((n) => n.nodeType === 3));
        if (texts.length) pick(texts).data = `d${Math.floor(rand() * 1000)}`;
      }
    }
  };
  for (let seed = 1; seed <= 40; seed++) {
    const r = await step(churn, seed);
    assert.equal(replayedShape(replayer.root), r.shape, `after flush ${seed}`);
  }
  await page.close();
  assert.deepEqual(errors, []);
});

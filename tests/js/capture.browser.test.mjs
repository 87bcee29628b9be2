// The capture side in headless Chromium: snapshot, mutation coalescing and
// privacy, checked by decoding the records buffers the glue wrote and
// replaying them with a strict replayer (any reference to a node it does not
// hold fails), then comparing with the live DOM. No Wasm core involved: a
// fake engine keeps the buffers (tests/js/helpers/harness.js).
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
// A missing Chromium fails the suite (./run test installs it); no skipping.

const PAGE = `<!doctype html>
<html><head><title>Capture test</title>
<style>.a { color: red }</style>
<script type="module" src="/boot.mjs"></script>
</head><body><div id="root"></div></body></html>`;
const BOOT = `import * as h from '/tests/js/helpers/harness.js'; window.h = h; window.ready = true;`;

let server;
let browser;

before(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`cannot run the capture browser tests: no Chromium at ${CHROMIUM}`);
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

// Opens the test page with `html` inside #root, runs `setup` in the page
// (e.g. traps that count reads of protected values), starts a recording.
async function open(html, mode = 'relaxed', setup = null) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text()); });
  await page.goto(`${server.origin}/page.html`);
  await page.waitForFunction(() => window.ready === true);
  await page.evaluate(async ({ html, mode, setup }) => {
    document.getElementById('root').innerHTML = html;
    window.reads = [];
    if (setup) (0, eval)(`(${setup})`)();
    window.rec = window.h.record(mode);
    await window.rec.start();
  }, { html, mode, setup: setup ? setup.toString() : null });
  const replayer = new Replayer();
  // Runs `fn` in the page, flushes, decodes and replays what was written.
  async function step(fn, arg) {
    const out = await page.evaluate(async ({ src, arg }) => {
      // eslint-disable-next-line no-new-func -- test code, run through DevTools, not the page's CSP
      if (src) await (0, eval)(`(${src})`)(arg);
      const buffers = await window.rec.flush();
      // Reads by the recorder so far; liveTree() below reads everything.
      const reads = window.reads.slice();
      const live = window.h.liveTree();
      window.reads.length = 0;
      return { buffers, reads, live, logged: window.rec.logged };
    }, { src: fn ? fn.toString() : null, arg });
    const decoded = out.buffers.map((b) => readRecords(Uint8Array.from(b)));
    for (const d of decoded) replayer.apply(d.records);
    return { decoded, records: decoded.flatMap((d) => d.records), live: out.live, reads: out.reads,
      logged: out.logged };
  }
  return { page, step, replayer, errors };
}

test('snapshot: document, doctype, SVG namespace, style text flag, script without children', async () => {
  const { page, step, replayer, errors } = await open(
    '<p class="x">Hi <b>there</b></p><svg viewBox="0 0 1 1"><circle r="1"></circle></svg>' +
    '<script>var secret = 1;</script><!-- note -->');
  const { records, live } = await step();
  assert.equal(records[0].type, 'META');
  assert.equal(records[1].type, 'NAV');
  assert.equal(records[2].type, 'SNAP_BEGIN');
  const nodes = records.filter((r) => r.type === 'NODE');
  assert.deepEqual([nodes[0].id, nodes[0].nodeType, nodes[0].parent], [1, 9, 0]);
  assert.deepEqual([nodes[1].nodeType, nodes[1].name], [10, 'html']);
  const svg = nodes.find((n) => n.name === 'svg');
  assert.equal(svg.ns, 1);
  assert.deepEqual(svg.attrs, [['viewBox', '0 0 1 1']]);
  assert.equal(nodes.find((n) => n.name === 'circle').ns, 1);
  const css = nodes.find((n) => n.value === '.a { color: red }');
  assert.equal(css.flags, 1);
  const script = nodes.find((n) => n.name === 'script' && n.attrs.length === 0);
  assert.ok(!nodes.some((n) => n.parent === script.id), 'no children under <script>');
  assert.equal(replayer.tree(), live);
  await page.close();
  assert.deepEqual(errors, []);
});

test('coalescing: add+remove costs nothing; moves keep ids; removes name only held nodes', async () => {
  const { page, step, replayer, errors } = await open(
    '<ul id="list"><li id="a">a</li><li id="b">b</li><li id="c">c</li></ul><div id="box"><span id="s">s</span></div>');
  await step();
  const idOf = (name) => [...replayer.nodes.values()].find((n) => n.attrs.get('id') === name).id;
  const ids = { a: idOf('a'), b: idOf('b'), c: idOf('c'), box: idOf('box'), s: idOf('s') };

  // Added and removed within one flush: no record at all.
  let r = await step(() => {
    const t = document.createElement('div');
    t.className = 'toast';
    document.body.append(t);
    t.remove();
  });
  assert.deepEqual(r.records, []);

  // A move: REMOVE then NODE with the same id, and the subtree comes along.
  r = await step(() => document.getElementById('list').append(document.getElementById('a')));
  assert.deepEqual(r.records.filter((x) => x.type === 'REMOVE').map((x) => x.id), [ids.a]);
  const added = r.records.filter((x) => x.type === 'NODE');
  assert.equal(added[0].id, ids.a);
  assert.equal(added[0].prev, ids.c);
  assert.equal(replayer.tree(), r.live);

  // A child removed, then its parent: the parent's REMOVE alone (replayer
  // semantics forget the subtree); and a child removed from an already
  // detached parent is not named either.
  r = await step(() => {
    const box = document.getElementById('box');
    box.firstChild.remove();
    box.remove();
  });
  assert.deepEqual(r.records.filter((x) => x.type === 'REMOVE').map((x) => x.id), [ids.box]);
  assert.equal(replayer.tree(), r.live);
  r = await step(() => {
    const list = document.getElementById('list');
    const b = document.getElementById('b');
    list.remove();
    b.remove(); // from the detached list
  });
  assert.deepEqual(r.records.filter((x) => x.type === 'REMOVE').length, 1);
  assert.equal(replayer.tree(), r.live);
  await page.close();
  assert.deepEqual(errors, []);
});

test('coalescing: nested adds, known nodes moved into new subtrees, attributes and text', async () => {
  const { page, step, replayer, errors } = await open('<div id="old" title="t">old<i>x</i></div><p id="p">text</p>');
  await step();
  const r = await step(() => {
    const wrap = document.createElement('section');
    document.getElementById('root').prepend(wrap);
    const inner = document.createElement('div');
    wrap.append(inner);
    inner.append(document.getElementById('old')); // a known node into a new subtree
    inner.append('new text');
    const p = document.getElementById('p');
    p.setAttribute('data-k', '1');
    p.setAttribute('data-k', '2'); // twice: read once, at flush
    p.firstChild.data = 'changed';
    const old = document.getElementById('old');
    old.setAttribute('title', 'ignored: re-serialized anyway');
    old.removeAttribute('title');
  });
  const roots = r.records.filter((x) => x.type === 'NODE' && x.name === 'section');
  assert.equal(roots.length, 1);
  const attrs = r.records.filter((x) => x.type === 'ATTR');
  assert.deepEqual(attrs.map((a) => [a.name, a.value]), [['data-k', '2']]);
  assert.deepEqual(r.records.filter((x) => x.type === 'TEXT').map((t) => t.value), ['changed']);
  assert.equal(replayer.tree(), r.live);
  const r2 = await step(() => document.getElementById('p').removeAttribute('data-k'));
  assert.deepEqual(r2.records.filter((x) => x.type === 'ATTR').map((a) => [a.name, a.removed]), [['data-k', true]]);
  assert.equal(replayer.tree(), r2.live);
  await page.close();
  assert.deepEqual(errors, []);
});

test('a known node moved where the replayer cannot follow (into a <template>) is no longer named', async () => {
  const { page, step, replayer, errors } = await open('<p id="p">x</p><template id="tpl"></template>');
  await step();
  let r = await step(() => document.getElementById('tpl').append(document.getElementById('p')));
  assert.deepEqual(r.records.map((x) => x.type), ['MUT_BEGIN', 'REMOVE', 'MUT_END']);
  r = await step(() => {
    const p = document.querySelector('#tpl > p');
    p.setAttribute('class', 'c');
    p.firstChild.data = 'y';
  });
  assert.deepEqual(r.records, []);
  assert.equal(replayer.tree(), r.live);
  r = await step(() => document.querySelector('#tpl > p').remove());
  assert.deepEqual(r.records, [], 'no REMOVE for what the replayer already forgot');
  await page.close();
  assert.deepEqual(errors, []);
});

test('coalescing survives random DOM churn (seeded), flush after flush', async () => {
  // A <template>: nodes moved into it leave the replayer's view for good.
  const { page, step, replayer, errors } = await open('<div id="w"><p>a</p><p>b</p></div><template></template>');
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
    const detached = [];
    const all = () => [...root.querySelectorAll('*')];
    const texts = () => all().flatMap((e) => [...e.childNodes].filter((n) => n.nodeType === 3));
    const fresh = () => {
      if (rand() < 0.3) return document.createTextNode(`t${Math.floor(rand() * 100)}`);
      const el = document.createElement(pick(['div', 'span', 'p', 'b']));
      if (rand() < 0.5) el.setAttribute('data-n', String(Math.floor(rand() * 100)));
      if (rand() < 0.5) el.append(`x${Math.floor(rand() * 10)}`);
      return el;
    };
    const place = (node) => {
      const parent = pick([root, ...all()].filter((p) => p !== node && !node.contains?.(p)));
      if (!parent) return;
      const ref = rand() < 0.5 ? pick([...parent.childNodes, null]) : null;
      parent.insertBefore(node, ref === node ? null : ref ?? null);
    };
    for (let k = 0; k < 25; k++) {
      const op = rand();
      const nodes = all();
      if (op < 0.25) {
        place(fresh());
      } else if (op < 0.4 && nodes.length > 2) {
        const n = pick(nodes);
        n.remove();
        if (rand() < 0.5) detached.push(n);
      } else if (op < 0.55 && nodes.length > 2) {
        place(pick(nodes)); // a move
      } else if (op < 0.65 && detached.length) {
        const d = detached.pop();
        if (rand() < 0.5 && d.firstChild) d.firstChild.remove(); // change inside a detached tree
        if (rand() < 0.5) d.append(fresh());
        place(d); // and back in
      } else if (op < 0.75 && nodes.length) {
        const wrap = document.createElement('div');
        wrap.append(pick(nodes)); // a known node into a detached new one
        wrap.append(fresh());
        place(wrap);
      } else if (op < 0.85 && nodes.length) {
        const el = pick(nodes);
        if (rand() < 0.7) el.setAttribute(pick(['class', 'data-a', 'title']), String(Math.floor(rand() * 50)));
        else el.removeAttribute(pick(['class', 'data-a', 'title', 'data-n']));
      } else {
        const ts = texts();
        if (ts.length) pick(ts).data = `d${Math.floor(rand() * 1000)}`;
      }
    }
  };
  for (let seed = 1; seed <= 40; seed++) {
    const r = await step(churn, seed);
    assert.equal(replayer.tree(), r.live, `after flush ${seed}`);
  }
  await page.close();
  assert.deepEqual(errors, []);
});

test('strict: text masked by length class, never read; CSS and whitespace kept', async () => {
  // Booby-trapped content: any read of it shows in window.reads.
  const trap = () => {
    const t = document.getElementById('t').firstChild;
    for (const prop of ['data', 'nodeValue', 'textContent', 'wholeText']) {
      Object.defineProperty(t, prop, { get() { window.reads.push(prop); return 'LEAK'; }, configurable: true });
    }
  };
  const { page, step, errors } = await open('<p id="t">Jane Example lives here</p>\n  <p id="ws">  </p>', 'strict', trap);
  const r = await step();
  const nodes = r.records.filter((x) => x.type === 'NODE');
  const masked = nodes.filter((n) => typeof n.value === 'object');
  assert.ok(masked.some((n) => n.value.masked === 2), 'the 23-character text as a medium mask');
  assert.ok(nodes.some((n) => n.value === '\n  '), 'whitespace sent as is');
  assert.ok(nodes.some((n) => n.value === '.a { color: red }' && n.flags === 1), 'CSS read');
  const title = nodes.find((n) => n.name === 'title');
  assert.deepEqual(nodes.find((n) => n.parent === title.id).value, { masked: 1 });
  assert.deepEqual(r.reads, []);
  assert.ok(!JSON.stringify(r.records).includes('Jane'));
  assert.ok(!JSON.stringify(r.records).includes('LEAK'));
  await page.close();
  assert.deepEqual(errors, []);
});

test('strict: changed CSS text is re-added as style text, never sent as a TEXT the core would mask', async () => {
  const { page, step, replayer, errors } = await open('<p>x</p>', 'strict');
  await step();
  const r = await step(() => { document.querySelector('style').firstChild.data = '.b { color: blue }'; });
  assert.deepEqual(r.records.map((x) => x.type), ['MUT_BEGIN', 'REMOVE', 'NODE', 'MUT_END']);
  const node = r.records[2];
  assert.equal(node.id, r.records[1].id);
  assert.deepEqual([node.value, node.flags], ['.b { color: blue }', 1]);
  assert.ok(replayer.tree().includes('#text:.b { color: blue }'));
  // Changed and moved in one flush: re-serialized once, with its element.
  const moved = await step(() => {
    const style = document.querySelector('style');
    style.firstChild.data = '.c { color: green }';
    document.body.append(style);
  });
  assert.deepEqual(moved.records.map((x) => x.type), ['MUT_BEGIN', 'REMOVE', 'NODE', 'NODE', 'MUT_END']);
  assert.equal(moved.records[3].value, '.c { color: green }');
  await page.close();
  assert.deepEqual(errors, []);
});

test('fields: secrets never read in any mode, values masked unless relaxed', async () => {
  const trap = () => {
    for (const id of ['pw', 'h', 'cc']) {
      const el = document.getElementById(id);
      Object.defineProperty(el, 'value', { get() { window.reads.push(id); return 'LEAK'; }, set() {}, configurable: true });
      const attr = el.getAttributeNode('value');
      if (attr) Object.defineProperty(attr, 'value', { get() { window.reads.push(`${id}@`); return 'LEAK'; }, configurable: true });
    }
  };
  for (const mode of ['strict', 'balanced', 'relaxed']) {
    const { page, step, errors } = await open(
      '<input id="pw" type="password" value="preset"><input id="h" type="hidden" value="csrf">' +
      '<input id="cc" autocomplete="cc-number"><input id="name" value="n0"><textarea id="ta"></textarea>' +
      '<select id="sel"><option value="a">A</option><option value="b">B</option></select>' +
      '<input id="cb" type="checkbox">', mode, trap);
    const snap = await step();
    const typed = await step(() => {
      const fire = (el) => el.dispatchEvent(new Event('input', { bubbles: true }));
      for (const id of ['pw', 'cc', 'name', 'ta']) fire(document.getElementById(id));
      document.getElementById('ta').value = 'typed notes';
      fire(document.getElementById('ta'));
      const sel = document.getElementById('sel');
      sel.value = 'b';
      sel.dispatchEvent(new Event('change', { bubbles: true }));
      document.getElementById('cb').click();
      // Reveal toggle: type=password -> text must stay masked.
      document.getElementById('pw').type = 'text';
      fire(document.getElementById('pw'));
    });
    assert.deepEqual([...snap.reads, ...typed.reads], [], `${mode}: no secret read`);
    const all = [...snap.records, ...typed.records];
    assert.ok(!JSON.stringify(all).includes('LEAK'), mode);
    const byId = new Map(all.filter((x) => x.type === 'NODE').map((n) => [Object.fromEntries(n.attrs).id, n]));
    const inputs = (id) => typed.records.filter((x) => x.type === 'INPUT' && x.target === byId.get(id).id);
    assert.deepEqual(Object.fromEntries(byId.get('pw').attrs).value, { masked: 1 });
    assert.deepEqual(Object.fromEntries(byId.get('h').attrs).value, { masked: 1 });
    for (const id of ['pw', 'cc']) {
      assert.ok(inputs(id).length > 0 && inputs(id).every((x) => x.value.masked === 1), `${mode} ${id}`);
    }
    const relaxed = mode === 'relaxed';
    assert.deepEqual(Object.fromEntries(byId.get('name').attrs).value, relaxed ? 'n0' : { masked: 1 });
    assert.deepEqual(inputs('ta').at(-1).value, relaxed ? 'typed notes' : { masked: 1 });
    assert.deepEqual(inputs('sel').at(-1).value, relaxed ? 'b' : { masked: 1 });
    assert.equal(inputs('cb').at(-1).checked, true);
    await page.close();
    assert.deepEqual(errors, []);
  }
});

test('interactions name nodes the replayer holds, even ones added since the last flush', async () => {
  const { page, step, replayer, errors } = await open('<ul id="cart"></ul><div id="scroller" style="height:50px;overflow:auto"><div style="height:500px"></div></div>');
  await step();
  const r = await step(() => {
    const li = document.createElement('li');
    const button = document.createElement('button');
    button.textContent = 'remove';
    button.addEventListener('click', () => li.remove());
    li.append(button);
    document.getElementById('cart').append(li);
    button.click(); // added and removed before the flush, but clicked in between
    document.getElementById('scroller').scrollTop = 40;
    document.getElementById('scroller').dispatchEvent(new Event('scroll'));
    window.dispatchEvent(new Event('resize'));
  });
  const click = r.records.find((x) => x.type === 'CLICK');
  const button = r.records.find((x) => x.type === 'NODE' && x.name === 'button');
  assert.ok(button, 'the button was serialized before the click');
  assert.equal(click.target, button.id);
  const types = r.records.map((x) => x.type);
  assert.ok(types.indexOf('MUT_BEGIN') < types.indexOf('CLICK'));
  assert.ok(r.records.some((x) => x.type === 'REMOVE'), 'and removed afterwards');
  const scroll = r.records.find((x) => x.type === 'SCROLL');
  assert.equal(scroll.y, 40);
  assert.ok(r.records.some((x) => x.type === 'RESIZE'));
  assert.equal(replayer.tree(), r.live);
  await page.close();
  assert.deepEqual(errors, []);
});

test('a buffer over maxRecordsBytes is cut without waiting for the interval', async () => {
  const { page, errors } = await open('<p>x</p>');
  const r = await page.evaluate(async () => {
    await window.rec.recording.stop();
    window.rec = window.h.record('relaxed', { maxRecordsBytes: 1024 });
    await window.rec.start();
    const before = window.rec.buffers.length;
    for (let k = 0; k < 20; k++) history.pushState({}, '', `?page=${k}&${'q'.repeat(100)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    return { before, after: window.rec.buffers.length };
  });
  assert.equal(r.after, r.before + 1);
  await page.close();
  assert.deepEqual(errors, []);
});

// A change that stays up longer than mutationWindowMs reaches the wire even
// when it is undone before the next flush: a replay must show the toast the
// visitor saw, at the time it was shown. With the window off (0), the same
// add and remove coalesce away at the flush.
for (const windowMs of [50, 0]) {
  test(`mutation window ${windowMs} ms: a toast shown for 300 ms is ${windowMs ? 'recorded' : 'coalesced'}`, async () => {
    const page = await browser.newPage();
    await page.goto(`${server.origin}/page.html`);
    await page.waitForFunction(() => window.ready === true);
    const groups = await page.evaluate(async (mutationWindowMs) => {
      window.rec = window.h.record('relaxed', { mutationWindowMs });
      await window.rec.start();
      await window.rec.flush();
      const toast = document.createElement('div');
      toast.id = 'toast';
      document.body.append(toast);
      await new Promise((resolve) => setTimeout(resolve, 300));
      toast.remove();
      return window.rec.flush();
    }, windowMs);
    const records = groups.flatMap((b) => readRecords(Uint8Array.from(b)).records);
    const begins = records.filter((r) => r.type === 'MUT_BEGIN');
    const added = records.filter((r) => r.type === 'NODE' && r.attrs.some(([k, v]) => k === 'id' && v === 'toast'));
    if (windowMs) {
      assert.equal(added.length, 1, 'the toast was added on the wire');
      assert.equal(records.filter((r) => r.type === 'REMOVE' && r.id === added[0].id).length, 1, 'then removed');
      assert.equal(begins.length, 2, 'in two groups');
      const gap = begins[1].t - begins[0].t;
      assert.ok(gap >= 200, `the removal is stamped when it happened (${gap} ms after the add)`);
    } else {
      assert.deepEqual(added, []);
      assert.deepEqual(begins, []);
    }
    await page.close();
  });
}

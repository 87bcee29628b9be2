// The full snapshot of a large page is taken in several tasks (slices), and
// whatever the page does meanwhile (DOM changes anywhere, clicks) still
// replays exactly under the strict replayer. No timing is asserted: only
// that other tasks ran while the snapshot group was open.
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

const PAGE = `<!doctype html>
<html><head><title>Sliced snapshot test</title>
<style>.a { color: red }</style>
<script type="module" src="/boot.mjs"></script>
</head><body><div id="root"></div></body></html>`;
const BOOT = `import * as h from '/tests/js/helpers/harness.js'; window.h = h; window.ready = true;`;

let server;
let browser;

before(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`cannot run the sliced snapshot tests: no Chromium at ${CHROMIUM}`);
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

// About 10,000 nodes under #root: sections of items, each an element with
// attributes, text and a nested element, plus a button per section.
function build() {
  const root = document.getElementById('root');
  const parts = [];
  for (let s = 0; s < 100; s++) {
    parts.push(`<section id="s${s}" class="sec"><h2>Section ${s}</h2><button id="b${s}">go ${s}</button><ul>`);
    for (let k = 0; k < 24; k++) parts.push(`<li data-k="${k}">item ${s}.${k} <b>bold</b></li>`);
    parts.push('</ul></section>');
  }
  root.innerHTML = parts.join('');
  return document.getElementsByTagName('*').length + root.querySelectorAll('li, b, h2, button').length;
}

async function open() {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text()); });
  await page.goto(`${server.origin}/page.html`);
  await page.waitForFunction(() => window.ready === true);
  const nodes = await page.evaluate(`(${build})()`);
  assert.ok(nodes >= 10000, `a page of ${nodes} nodes`);
  return { page, errors };
}

function replay(buffers) {
  const decoded = buffers.map((b) => readRecords(Uint8Array.from(b)));
  const replayer = new Replayer();
  for (const d of decoded) replayer.apply(d.records);
  return { replayer, decoded, records: decoded.flatMap((d) => d.records) };
}

// The snapshot group lies whole in one buffer.
function assertOneGroup(decoded) {
  const where = decoded.map((d) => d.records.map((r) => r.type).filter((t) => t === 'SNAP_BEGIN' || t === 'SNAP_END'));
  const holding = where.filter((t) => t.length > 0);
  assert.deepEqual(holding, [['SNAP_BEGIN', 'SNAP_END']], 'one SNAP_BEGIN..SNAP_END group, in one buffer');
}

test('a 10,000-node snapshot is taken in several tasks and replays as the live DOM', async () => {
  const { page, errors } = await open();
  const out = await page.evaluate(async () => {
    window.rec = window.h.record('relaxed');
    let ranDuring = null;
    const started = window.rec.start();
    setTimeout(() => {
      ranDuring = window.rec.recording.snapshot !== null && window.rec.recording.snapshot.active;
    }, 0);
    await started;
    const buffers = await window.rec.flush();
    return { ranDuring, slices: window.rec.recording.counters.snapshotSlices, buffers,
      live: window.h.liveTree(), logged: window.rec.logged };
  });
  assert.equal(out.ranDuring, true, 'a task queued after start() ran while the snapshot was open');
  assert.ok(out.slices > 1, `${out.slices} slices`);
  const { replayer, decoded } = replay(out.buffers);
  assertOneGroup(decoded);
  assert.equal(replayer.tree(), out.live);
  assert.deepEqual(out.logged, []);
  await page.close();
  assert.deepEqual(errors, []);
});

test('a flush asked for during the snapshot gets the whole group, not half of it', async () => {
  const { page, errors } = await open();
  const out = await page.evaluate(async () => {
    window.rec = window.h.record('relaxed');
    const started = window.rec.start();
    // start() leaves the modules and the first slice to a task of their own.
    const deferred = window.rec.recording.state === 'starting' && !window.rec.recording.snapshot;
    while (!window.rec.recording.snapshot) await new Promise((r) => setTimeout(r, 0));
    // A timer cut (not urgent) waits for the snapshot; flush() completes it.
    window.rec.recording.cut();
    const early = window.rec.buffers.length;
    const wasActive = window.rec.recording.snapshot.active;
    const buffers = await window.rec.flush();
    await started;
    return { deferred, early, wasActive, buffers, live: window.h.liveTree() };
  });
  assert.equal(out.deferred, true, 'nothing of the recording ran in the caller\'s task');
  assert.equal(out.wasActive, true);
  assert.equal(out.early, 0, 'no buffer was cut inside the group');
  const { replayer, decoded } = replay(out.buffers);
  assertOneGroup(decoded);
  assert.equal(replayer.tree(), out.live);
  await page.close();
  assert.deepEqual(errors, []);
});

// Random changes in separate tasks while the snapshot is being sliced: adds,
// removes, moves (across the walk's frontier both ways), attribute and text
// changes, on walked and not yet walked nodes alike.
function churnWhileSlicing(seed) {
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
  const fresh = () => {
    if (rand() < 0.3) return document.createTextNode(`t${Math.floor(rand() * 100)}`);
    const el = document.createElement(pick(['div', 'span', 'p', 'b']));
    if (rand() < 0.5) el.setAttribute('data-n', String(Math.floor(rand() * 100)));
    if (rand() < 0.5) el.append(`x${Math.floor(rand() * 10)}`);
    return el;
  };
  const step = () => {
    const all = [...root.querySelectorAll('*')];
    const place = (node) => {
      let parent = pick([root, ...all]);
      for (let k = 0; k < 5 && (parent === node || node.contains?.(parent)); k++) parent = pick(all);
      if (parent === node || node.contains?.(parent)) return;
      const ref = rand() < 0.5 ? pick([...parent.childNodes, null]) : null;
      parent.insertBefore(node, ref === node ? null : ref ?? null);
    };
    for (let k = 0; k < 20; k++) {
      const op = rand();
      if (op < 0.2) {
        place(fresh());
      } else if (op < 0.35) {
        const n = pick(all);
        if (!n.isConnected) continue;
        n.remove();
        if (rand() < 0.5) detached.push(n);
      } else if (op < 0.55) {
        const n = pick(all);
        if (n.isConnected) place(n); // a move, often across the frontier
      } else if (op < 0.62 && detached.length) {
        const d = detached.pop();
        if (rand() < 0.5 && d.firstChild) d.firstChild.remove();
        if (rand() < 0.5) d.append(fresh());
        place(d);
      } else if (op < 0.7) {
        const n = pick(all);
        if (!n.isConnected) continue;
        const wrap = document.createElement('div');
        wrap.append(n);
        wrap.append(fresh());
        place(wrap);
      } else if (op < 0.85) {
        const el = pick(all);
        if (rand() < 0.7) el.setAttribute(pick(['class', 'data-a', 'title']), String(Math.floor(rand() * 50)));
        else el.removeAttribute(pick(['class', 'data-a', 'title', 'data-k']));
      } else {
        const el = pick(all);
        const t = [...el.childNodes].find((c) => c.nodeType === 3);
        if (t) t.data = `d${Math.floor(rand() * 1000)}`;
      }
    }
  };
  window.rec = window.h.record('relaxed');
  let during = 0;
  let open = true;
  const loop = () => {
    if (!open) return;
    step();
    during++;
    setTimeout(loop, 0);
  };
  const started = window.rec.start();
  setTimeout(loop, 0);
  return started.then(async () => {
    open = false;
    const buffers = await window.rec.flush();
    return { during, buffers, live: window.h.liveTree(), logged: window.rec.logged };
  });
}

test('DOM churn (seeded) while the snapshot is sliced replays exactly', async () => {
  for (let seed = 1; seed <= 6; seed++) {
    const { page, errors } = await open();
    const out = await page.evaluate(`(${churnWhileSlicing})(${seed})`);
    assert.ok(out.during > 0, `seed ${seed}: churn ran during the snapshot`);
    const { replayer, decoded, records } = replay(out.buffers);
    assertOneGroup(decoded);
    assert.ok(records.some((r) => r.type === 'MUT_BEGIN'), `seed ${seed}: the changes came after SNAP_END`);
    assert.equal(replayer.tree(), out.live, `seed ${seed}`);
    assert.deepEqual(out.logged, []);
    await page.close();
    assert.deepEqual(errors, []);
  }
});

test('clicks during the snapshot name nodes the replayer has, after SNAP_END', async () => {
  const { page, errors } = await open();
  const out = await page.evaluate(async () => {
    window.rec = window.h.record('relaxed');
    const started = window.rec.start();
    const during = await new Promise((resolve) => setTimeout(() => {
      const active = window.rec.recording.snapshot.active;
      // Walked already, not walked yet, and new since the snapshot began.
      document.getElementById('b0').click();
      document.getElementById('b99').click();
      const extra = document.createElement('button');
      extra.id = 'extra';
      extra.textContent = 'new';
      document.getElementById('s50').append(extra);
      extra.click();
      resolve(active);
    }, 0));
    await started;
    const buffers = await window.rec.flush();
    return { during, buffers, live: window.h.liveTree() };
  });
  assert.equal(out.during, true, 'the clicks happened while the snapshot was open');
  const { replayer, decoded, records } = replay(out.buffers);
  assertOneGroup(decoded);
  assert.equal(replayer.tree(), out.live);
  const types = records.map((r) => r.type);
  const clicks = records.filter((r) => r.type === 'CLICK');
  assert.equal(clicks.length, 3);
  for (const c of clicks) assert.ok(records.indexOf(c) > types.indexOf('SNAP_END'), 'after SNAP_END');
  const idOf = (id) => records.find((r) => r.type === 'NODE' && r.attrs.some(([k, v]) => k === 'id' && v === id)).id;
  assert.deepEqual(clicks.map((c) => c.target), [idOf('b0'), idOf('b99'), idOf('extra')],
    'each click names the button itself');
  await page.close();
  assert.deepEqual(errors, []);
});

// The node the walk serialized last, moved away (to the end, to the front,
// out of the document) while the rest of its siblings are still to be
// walked: the walk must not lose its place among them.
test('the walk keeps its place when the last node it wrote moves or goes', async () => {
  const { page, errors } = await open();
  const out = await page.evaluate(async () => {
    const flat = document.createElement('div');
    flat.id = 'flat';
    for (let k = 0; k < 10000; k++) {
      const span = document.createElement('span');
      span.textContent = String(k);
      flat.append(span);
    }
    document.body.append(flat);
    window.rec = window.h.record('relaxed');
    const mirror = () => window.rec.recording.snapshot.ctx.mirror;
    // The last child of #flat the snapshot has written, if it got there.
    const frontier = () => {
      const kids = flat.children;
      if (!mirror().has(kids[0])) return null;
      let lo = 0;
      let hi = kids.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (mirror().has(kids[mid])) lo = mid;
        else hi = mid - 1;
      }
      return kids[lo];
    };
    const done = [];
    let open = true;
    let k = 0;
    const loop = () => {
      if (!open) return;
      const f = frontier();
      if (f !== null && f !== flat.lastElementChild) {
        const op = k++ % 3;
        if (op === 0) flat.append(f);
        else if (op === 1) f.remove();
        else flat.prepend(f);
        done.push(op);
      }
      setTimeout(loop, 0);
    };
    const started = window.rec.start();
    setTimeout(loop, 0);
    await started;
    open = false;
    const buffers = await window.rec.flush();
    return { done, buffers, live: window.h.liveTree() };
  });
  const { replayer, decoded } = replay(out.buffers);
  assertOneGroup(decoded);
  assert.equal(replayer.tree(), out.live);
  assert.ok(out.done.length >= 3, `${out.done.length} moves at the frontier`);
  await page.close();
  assert.deepEqual(errors, []);
});

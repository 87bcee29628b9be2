// Scroll positions no event tells: an element the page scrolled before the
// recording started. The snapshot must carry them (SCROLL after SNAP_END),
// or a replay shows the box at its top. Records-level, in Chromium, with the
// fake engine of tests/js/helpers/harness.js.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer, CHROMIUM, CHROMIUM_ARGS } from './helpers/server.js';
import { readRecords } from './helpers/records-reader.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PAGE = `<!doctype html><html><head><script type="module" src="/boot.mjs"></script></head>
<body><div id="root"></div></body></html>`;
const BOOT = `import * as h from '/tests/js/helpers/harness.js'; window.h = h; window.ready = true;`;

let server;
let browser;

before(async () => {
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

async function record(html, mode, script) {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/page.html`);
  await page.waitForFunction(() => window.ready === true);
  await page.evaluate(async ({ html, mode }) => {
    document.getElementById('root').innerHTML = html;
    for (const el of document.querySelectorAll('[data-scroll]')) el.scrollTop = Number(el.dataset.scroll);
    // Long before the recording: the scroll events have fired already.
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 100)));
    window.rec = window.h.record(mode);
    if (window.beforeStart) window.beforeStart();
    await window.rec.start();
  }, { html, mode });
  await page.evaluate(`(${script})()`);
  const buffers = await page.evaluate(() => window.rec.flush());
  const records = buffers.flatMap((b) => readRecords(Uint8Array.from(b)).records);
  // Node ids of the page's fields, by element id, as the mirror has them.
  await page.close();
  return records;
}

const BOX = (id, top) => `<div id="${id}" data-scroll="${top}" style="height:50px;overflow:auto">` +
  `<div style="height:500px">tall</div></div>`;

test('elements scrolled before the recording began are written after the snapshot', async () => {
  const records = await record(BOX('a', 120) + BOX('b', 0) + '<div id="c">plain</div>', 'strict', () => {});
  const end = records.findIndex((r) => r.type === 'SNAP_END');
  const scrolls = records.slice(end).filter((r) => r.type === 'SCROLL');
  const node = (id) => records.find((r) => r.type === 'NODE' && r.attrs && r.attrs.some(([k, v]) => k === 'id' && v === id));
  const a = node('a');
  assert.ok(a, 'box a serialized');
  assert.deepEqual(scrolls.filter((r) => r.target === a.id).map((r) => [r.x, r.y]), [[0, 120]]);
  assert.equal(scrolls.filter((r) => r.target === node('b').id).length, 0, 'an unscrolled box writes nothing');
  assert.equal(scrolls.length, 1);
});

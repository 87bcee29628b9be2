// Form state set by the page's own script fires no event: a select whose
// value a script changes, a checkbox added already checked, a field filled in
// by an autofill-like script. The records must still carry it, and nothing a
// privacy rule protects may be read for it. Records-level, in Chromium, with
// the fake engine of tests/js/helpers/harness.js.
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
    window.rec = window.h.record(mode);
    await window.rec.start();
    await window.rec.flush();
  }, { html, mode });
  await page.evaluate(`(${script})()`);
  const buffers = await page.evaluate(() => window.rec.flush());
  const records = buffers.flatMap((b) => readRecords(Uint8Array.from(b)).records);
  // Node ids of the page's fields, by element id, as the mirror has them.
  await page.close();
  return records;
}

const inputs = (records) => records.filter((r) => r.type === 'INPUT');

test('script-set value, selection and checked state are recorded', async () => {
  const records = await record(
    `<select id="qty"><option>1</option><option>2</option></select>
     <input id="agree" type="checkbox"><input id="name"><textarea id="note"></textarea>`,
    'relaxed',
    () => {
      document.getElementById('qty').value = '2';
      document.getElementById('agree').checked = true;
      document.getElementById('name').value = 'Ada';
      document.getElementById('note').value = 'by script';
    });
  const values = inputs(records).map((r) => [r.value, r.checked]);
  assert.ok(values.some(([v]) => v === '2'), `select value: ${JSON.stringify(values)}`);
  assert.ok(values.some(([, c]) => c === true), 'checkbox state');
  assert.ok(values.some(([v]) => v === 'Ada'));
  assert.ok(values.some(([v]) => v === 'by script'));
});

test('a field added already checked or filled gets its live state after the add', async () => {
  const records = await record('<form id="f"></form>', 'relaxed', () => {
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = true;
    const text = document.createElement('input');
    text.value = 'prefilled';
    document.getElementById('f').append(box, text);
  });
  const values = inputs(records).map((r) => [r.value, r.checked]);
  assert.ok(values.some(([, c]) => c === true), `added checkbox: ${JSON.stringify(values)}`);
  assert.ok(values.some(([v]) => v === 'prefilled'));
});

test('script-set secrets are never read; strict mode reads no value', async () => {
  const records = await record('<input id="pw" type="password"><input id="t">', 'strict', () => {
    document.getElementById('pw').value = 'cnry_pw_script';
    document.getElementById('t').value = 'cnry_strict_script';
  });
  const text = JSON.stringify(records);
  assert.ok(!text.includes('cnry_pw_script'));
  assert.ok(!text.includes('cnry_strict_script'));
  assert.ok(inputs(records).length >= 1, 'the strict field is still noted (masked)');
});

test('the setters are restored when recording stops', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/page.html`);
  await page.waitForFunction(() => window.ready === true);
  const same = await page.evaluate(async () => {
    const before = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
    window.rec = window.h.record('relaxed');
    await window.rec.start();
    const during = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
    await window.rec.recording.stop();
    const after = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
    return { hooked: during !== before, restored: after === before };
  });
  assert.deepEqual(same, { hooked: true, restored: true });
  await page.close();
});

// The shipped loader (dist/recorder-core.mjs, Closure-minified) and .wasm in
// headless Chromium under the recorder's CSP (script-src 'self'
// 'wasm-unsafe-eval', no 'unsafe-eval'): on the page and in a module Worker,
// through js/src/engine/core.js as the recorder uses them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStaticServer, RECORDER_CSP } from '../../scripts/lib/static-server.mjs';
import { launchChromium } from '../../scripts/lib/browser.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = process.env.RECORDER_DIST_DIR || path.join(root, 'dist');

let site, browser, result;

before(async () => {
  site = await startStaticServer({ mounts: {
    '/dist/': dist,
    '/engine/': path.join(root, 'js/src/engine'),
    '/fixtures/': path.join(root, 'tests/wasm/fixtures'),
  } });
  browser = await launchChromium();
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const res = await page.goto(`${site.origin}/fixtures/loader.html`);
  assert.equal(res.headers()['content-security-policy'], RECORDER_CSP);
  result = await page.evaluate(() => window.__loaderResult);
  result.pageErrors = errors;
});

after(async () => {
  await browser?.close();
  await site?.close();
});

function assertWorks(where) {
  const r = result[where];
  assert.ok(r && r.ok, `${where}: ${r && r.error}`);
  const c = r.result;
  assert.deepEqual(c.magic, [0x28, 0xb5, 0x2f, 0xfd], 'a zstd frame');
  assert.equal(c.events, 50);
  assert.equal(c.batches, 1);
  assert.equal(c.compressedBytes, c.frameBytes);
  assert.equal(c.malformed.code, 2);
  assert.match(c.malformed.message, /core malformed: .*unknown record tag 127/);
}

test('the page loads the core and encodes under the CSP', () => {
  assert.equal(result.fatal, undefined, result.fatal);
  assertWorks('main');
});

test('a module Worker loads the same core and encodes under the CSP', () => {
  assertWorks('worker');
});

test('nothing violates the CSP and nothing throws on the page', () => {
  assert.deepEqual(result.violations, []);
  assert.deepEqual(result.pageErrors, []);
});

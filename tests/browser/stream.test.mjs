// One zstd stream per page view, in a real page against the real collector:
// batches after the first are continuations (no zstd magic, ?prev= in the
// query); when the collector cannot decode one (it dropped the stream's
// state) it answers 409 and the recorder re-sends that batch as a new frame;
// when a batch is refused for good, the next one starts a new frame. Every
// batch that reached the collector is stored and decodes on its own.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, startCollector } from '../../scripts/lib/collector.mjs';
import { startStaticServer } from '../../scripts/lib/static-server.mjs';
import { launchChromium } from '../../scripts/lib/browser.mjs';

const MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

let tmp, site, collector, browser;

before(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'rec-stream-'));
  site = await startStaticServer({
    mounts: { '/': path.join(ROOT, 'demo'), '/dist/': path.join(ROOT, 'dist') },
  });
  // Streams idle for 3 s are dropped: a visit with a pause loses its stream
  // state on the collector, as after an eviction or a restart. (Long enough
  // that a loaded machine does not drop it between two quick batches.)
  collector = await startCollector({
    db: path.join(tmp, 'collector.db'),
    sites: { demo: [site.origin] },
    extraArgs: ['--stream-idle', '3'],
  });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await collector?.stop();
  await site?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

// Each request to the collector: seq, stream, prev, whether the body starts
// a zstd frame, and the answer's status.
function watch(page) {
  const sent = [];
  page.on('requestfinished', async (r) => {
    if (!r.url().startsWith(`${collector.url}/v1/batch`)) return;
    const q = new URL(r.url()).searchParams;
    const body = r.postDataBuffer();
    const res = await r.response();
    sent.push({
      seq: Number(q.get('seq')),
      stream: q.get('stream'),
      prev: q.has('prev') ? Number(q.get('prev')) : -1,
      starts: MAGIC.every((b, k) => body[k] === b),
      status: res ? res.status() : 0,
    });
  });
  return sent;
}

async function until(check, ms = 5000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting for the collector requests');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function open(page) {
  // A long flush interval: the test decides when batches are cut.
  await page.goto(`${site.url}/?endpoint=${encodeURIComponent(collector.url)}&site=demo&mode=relaxed&flush=600000`);
  await page.click('#consent-yes');
  await page.waitForFunction(() => window.SessionRecorder.stats().sessionId);
}

// One batch: some page activity, then flush() (resolves once accepted).
async function batch(page, k) {
  await page.mouse.move(100 + k * 30, 200 + k * 10, { steps: 2 });
  await page.click(k % 2 ? '.product[data-sku="p1"] button.add' : '#flash');
  await page.evaluate(() => window.SessionRecorder.flush());
}

async function storedSeqs(sessionId) {
  const session = await collector.session(sessionId);
  assert.equal(session.pageViews.length, 1);
  return [...new Set(session.events.map((e) => e.seq))].sort((a, b) => a - b);
}

test('continuations ride one frame; after the collector dropped the stream, 409 and a re-send lose nothing', async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const sent = watch(page);
  await open(page);
  for (let k = 0; k < 3; k++) await batch(page, k);
  await until(() => sent.length >= 3);
  // The first three batches: one frame, each continuing the previous one.
  const first = sent.slice(0, 3);
  assert.deepEqual(first.map((s) => [s.seq, s.starts, s.prev, s.status]), [[0, true, -1, 200], [1, false, 0, 200], [2, false, 1, 200]]);
  assert.equal(new Set(first.map((s) => s.stream)).size, 1);

  // Idle past the collector's limit: its decoder for this stream is gone.
  await page.waitForTimeout(4200);
  await batch(page, 3);
  await batch(page, 4);
  const stats = await page.evaluate(() => window.SessionRecorder.stats());
  await page.evaluate(() => window.SessionRecorder.stop());

  await until(() => sent.length >= 6);
  const after = sent.filter((s) => s.seq >= 3).map((s) => [s.seq, s.starts, s.prev, s.status]);
  assert.deepEqual(after, [[3, false, 2, 409], [3, true, -1, 200], [4, false, 3, 200]]);
  assert.equal(stats.batchesDropped, 0);
  assert.equal(stats.batchesPending, 0);
  // Every batch stored, stop()'s last one included.
  const seqs = await storedSeqs(stats.sessionId);
  assert.deepEqual(seqs, [...seqs.keys()]);
  assert.ok(seqs.length >= 5, String(seqs));
  assert.match(collector.stderr(), /"POST \/v1\/batch" 409 /);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a batch refused for good: the next starts a new frame, every later batch is stored', async () => {
  const page = await browser.newPage();
  const sent = watch(page);
  // The collector's edge refuses seq 2 once, as it would a malformed body.
  let refused = 0;
  await page.route(`${collector.url}/v1/batch?*`, (route) => {
    if (new URL(route.request().url()).searchParams.get('seq') === '2' && refused++ === 0) {
      return route.fulfill({ status: 400, body: '400 batch rejected: test', headers: { 'Access-Control-Allow-Origin': site.origin } });
    }
    return route.continue();
  });
  await open(page);
  for (let k = 0; k < 5; k++) {
    await page.mouse.move(100 + k * 30, 200, { steps: 2 });
    await page.click('#flash');
    // flush() rejects with the refusal for the batch it covers.
    await page.evaluate(() => window.SessionRecorder.flush().catch(() => undefined));
  }
  const stats = await page.evaluate(() => window.SessionRecorder.stats());
  await page.evaluate(() => window.SessionRecorder.stop().catch(() => undefined));

  await until(() => sent.filter((s) => s.seq === 4).length > 0);
  const bySeq = (seq) => sent.filter((s) => s.seq === seq);
  assert.deepEqual(bySeq(2).map((s) => s.status), [400], 'refused once, not retried');
  assert.deepEqual(bySeq(3).map((s) => [s.starts, s.prev, s.status]), [[true, -1, 200]]);
  assert.deepEqual(bySeq(4).map((s) => [s.starts, s.prev, s.status]), [[false, 3, 200]]);
  assert.equal(stats.batchesDropped, 1, 'the refused batch is counted, not lost silently');
  const seqs = await storedSeqs(stats.sessionId);
  assert.deepEqual(seqs.slice(0, 4), [0, 1, 3, 4]);
  assert.deepEqual(seqs.slice(4), seqs.slice(4).map((_, k) => 5 + k), 'stop() may add one more, nothing is missing');
  await page.close();
});

#!/usr/bin/env node
// Bytes on the wire for the demo visit (scripts/lib/visit.mjs): as sent, one
// zstd stream per page view, against what one independent frame per batch
// would cost (each batch, decoded from the stream, compressed alone at the
// core's level 3 with the zstd CLI, content size declared as the core used
// to). Figures only.
//
//   node bench/browser/stream-bytes.mjs [--runs 3] [--flush MS] [--mode strict|relaxed]
import { mkdtempSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { ROOT, startCollector } from '../../scripts/lib/collector.mjs';
import { startStaticServer } from '../../scripts/lib/static-server.mjs';
import { launchChromium } from '../../scripts/lib/browser.mjs';
import { driveVisit } from '../../scripts/lib/visit.mjs';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const k = args.indexOf(`--${name}`);
  return k >= 0 ? args[k + 1] : def;
};
const runs = Number(opt('runs', 3));
const flushMs = Number(opt('flush', 1000));
const mode = opt('mode', 'strict');

const zstd = (argv, input) => execFileSync('zstd', argv, { input, maxBuffer: 1 << 28 });

// The batches of one page view's streams, each decoded with its frame's
// earlier bodies (the frame so far, ended by an empty last block).
function batchesOf(bodies) {
  const frames = new Map();
  return bodies.map(({ body, query }) => {
    const stream = query.get('stream');
    if (!query.has('prev')) frames.set(stream, { pieces: [], decoded: 0 });
    const f = frames.get(stream);
    f.pieces.push(body);
    const all = zstd(['-d', '-c', '-q'], Buffer.concat([...f.pieces, Buffer.from([1, 0, 0])]));
    const one = all.subarray(f.decoded);
    f.decoded = all.length;
    return one;
  });
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'rec-stream-bytes-'));
const site = await startStaticServer({ mounts: { '/': path.join(ROOT, 'demo'), '/dist/': path.join(ROOT, 'dist') } });
const collector = await startCollector({ db: path.join(tmp, 'c.db'), sites: { demo: [site.origin] } });
const browser = await launchChromium();
const rows = [];
try {
  for (let run = 0; run < runs; run++) {
    process.stderr.write(`run ${run + 1}/${runs}\n`);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const bodies = [];
    page.on('requestfinished', async (r) => {
      if (!r.url().startsWith(`${collector.url}/v1/batch`)) return;
      const res = await r.response();
      if (res && res.status() === 200) bodies.push({ body: r.postDataBuffer(), query: new URL(r.url()).searchParams });
    });
    await page.goto(`${site.url}/?endpoint=${encodeURIComponent(collector.url)}&site=demo&mode=${mode}&flush=${flushMs}`);
    await driveVisit(page);
    await page.evaluate(() => window.SessionRecorder.stop());
    await page.waitForTimeout(200);
    await page.close();
    bodies.sort((a, b) => Number(a.query.get('seq')) - Number(b.query.get('seq')));
    const batches = batchesOf(bodies);
    const streamed = bodies.reduce((n, b) => n + b.body.length, 0);
    const independent = batches.reduce((n, b) => n + zstd(['-3', '-c', '-q', '--no-check'], b).length, 0);
    const raw = batches.reduce((n, b) => n + b.length, 0);
    rows.push({ batches: bodies.length, raw, streamed, independent });
  }
} finally {
  await browser.close();
  await collector.stop();
  await site.close();
  rmSync(tmp, { recursive: true, force: true });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const m = (k) => median(rows.map((r) => r[k]));
console.log(`demo visit, ${mode}, flush every ${flushMs} ms, median of ${runs} runs`);
console.log('batches  encoded B  streamed B  independent B  saved');
console.log(`${String(m('batches')).padStart(7)}  ${String(m('raw')).padStart(9)}  ${String(m('streamed')).padStart(10)}  ` +
  `${String(m('independent')).padStart(13)}  ${(100 * (1 - m('streamed') / m('independent'))).toFixed(1)}%`);

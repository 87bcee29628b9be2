// ./run demo: the collector on its embedded store, the demo shop with the
// recorder installed, one recorded visit in headless Chromium, and what was
// captured. Leaves the servers running for a person to try (Ctrl-C stops)
// when run from a terminal; pass --no-wait to exit right away.
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { ROOT, DECODE_BIN, startCollector } from './lib/collector.mjs';
import { startStaticServer } from './lib/static-server.mjs';
import { launchChromium } from './lib/browser.mjs';
import { driveVisit } from './lib/visit.mjs';

const args = new Set(process.argv.slice(2));
const wait = process.stdout.isTTY && !args.has('--no-wait');
const mode = [...args].find((a) => a.startsWith('--mode='))?.slice(7) || 'strict';

const dbDir = path.join(ROOT, 'var');
mkdirSync(dbDir, { recursive: true });
const db = path.join(dbDir, 'collector.db');

const site = await startStaticServer({ mounts: { '/': path.join(ROOT, 'demo'), '/dist/': path.join(ROOT, 'dist') } });
const collector = await startCollector({ db, sites: { demo: [site.origin] } });
const pageUrl = `${site.url}/?endpoint=${encodeURIComponent(collector.url)}&site=demo&mode=${mode}`;
console.log(`collector  ${collector.url}  (SQLite store: ${path.relative(process.cwd(), db)})`);
console.log(`demo shop  ${pageUrl}`);

const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
const requests = [];
page.on('request', (r) => { if (r.url().startsWith(collector.url)) requests.push(r); });
console.log('\nrecording a visit in headless Chromium ...');
await page.goto(pageUrl);
const before = requests.length;
await driveVisit(page);
const result = await page.evaluate(async () => {
  await window.SessionRecorder.flush();
  const stats = window.SessionRecorder.stats();
  await window.SessionRecorder.stop();
  return stats;
});
await browser.close();

const session = await collector.session(result.sessionId);
// The collector's own account of what it stored (compressed and decoded sizes).
const listed = await (await fetch(`${collector.url}/v1/sessions?site=demo`)).json();
const stored = listed.find((s) => s.session === session.session) || { bytes: 0, rawBytes: 0 };
const byType = {};
for (const ev of session.events) byType[ev.type] = (byType[ev.type] || 0) + 1;

console.log(`\nrequests to the collector before consent: ${before}`);
console.log(`session ${session.session}: ${session.events.length} events in ${session.batches} batches (privacy mode: ${mode})`);
for (const [type, n] of Object.entries(byType).sort((a, b) => b[1] - a[1])) {
  console.log(`  ${type.padEnd(14)} ${String(n).padStart(5)}`);
}
const kb = (n) => `${n} B (${(n / 1024).toFixed(1)} KiB)`;
console.log('\nbytes');
console.log(`  records handed to the core   ${kb(result.recordsBytes)}`);
console.log(`  FlatBuffers batches          ${kb(stored.rawBytes)}`);
console.log(`  sent, zstd                   ${kb(result.compressedBytes)}  (collector stored ${stored.bytes} B)`);
console.log(`  compression ratio            ${(stored.rawBytes / result.compressedBytes).toFixed(2)}x`);
console.log(`  bytes per event (sent)       ${(result.compressedBytes / session.events.length).toFixed(1)}`);
console.log(`  JS-Wasm calls                ${result.wasmCalls} for ${result.flushes} flushes (engine: ${result.engine})`);
console.log(`\nstored in ${db}`);
console.log(`decode it:  ${path.relative(process.cwd(), DECODE_BIN)} --db ${path.relative(process.cwd(), db)} --session ${session.session}`);
try {
  const json = execFileSync(DECODE_BIN, ['--db', db, '--session', session.session]).toString();
  console.log(`  (${json.length} bytes of JSON; first event: ${JSON.stringify(JSON.parse(json).events[0]).slice(0, 160)}...)`);
} catch (err) {
  console.log(`  decode failed: ${err.message}`);
}

if (wait) {
  console.log(`\nOpen ${pageUrl} in a browser to record yourself; Ctrl-C stops.`);
  process.on('SIGINT', async () => { await collector.stop(); await site.close(); process.exit(0); });
} else {
  await collector.stop();
  await site.close();
}

// rrweb as sites deploy it: the UMD bundle from npm (window.rrweb) plus
// @rrweb/packer's pack() as packFn, events sent in batches to a collector
// endpoint (here the bench's loopback sink, which counts bytes). Defaults
// otherwise: rrweb masks password inputs only (text and other values shown).
import { pack } from '../vendor/rrweb-packer/pack.js';

const B = window.__bench;
let buffer = [];
let timer = null;
let endpoint = null;
let events = 0;
let sent = 0;
let batches = 0;
const inflight = new Set();

function send() {
  if (buffer.length === 0) return;
  const body = JSON.stringify(buffer);
  buffer = [];
  batches++;
  sent += body.length;
  const p = fetch(endpoint, { method: 'POST', body, headers: { 'Content-Type': 'application/json' } })
    .catch(() => {})
    .finally(() => inflight.delete(p));
  inflight.add(p);
}

B.rrweb = {
  // Returns the main-thread time of record(), which takes the full snapshot
  // synchronously.
  start(cfg) {
    endpoint = cfg.sink;
    const t0 = performance.now();
    window.rrweb.record({
      emit(event) { buffer.push(event); events++; },
      packFn: pack,
    });
    const ms = performance.now() - t0;
    timer = setInterval(send, cfg.flushIntervalMs || 3000);
    return ms;
  },
  async flush() {
    send();
    await Promise.all([...inflight]);
    clearInterval(timer);
    return { events, batchesSent: batches, sentBytes: sent };
  },
};

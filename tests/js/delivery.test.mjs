// Delivery's stream rules with a model of the core's zstd stream and of the
// collector's stream table: which batches ask for a new frame (the first,
// after a lost batch, after the page-exit path), 409 answered by re-sending
// as a new frame, later frames of a lost batch's stream taken back, nothing
// lost silently.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Delivery, readFlags, withFlags, withNewStream, streamQuery } from '../../js/src/delivery.js';
import { Uploader } from '../../js/src/uploader.js';
import { HeaderFlag, RecordWriter } from '../../js/src/records.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));
async function settle() {
  for (let k = 0; k < 30; k++) await tick();
}

// One core instance's stream, as engine/core.js reports it: a new frame on
// the first batch and on NEW_STREAM, else a continuation of the last one.
class FakeCore {
  constructor(name) {
    this.name = name;
    this.stream = null;
    this.last = -1;
    this.frames = 0;
    this.flags = []; // [seq, flags] per encode
  }

  encode(records, seq) {
    const flags = readFlags(records);
    this.flags.push([seq, flags]);
    let prev = this.last;
    if (this.stream === null || (flags & HeaderFlag.NEW_STREAM) !== 0) {
      this.stream = `${this.name}${++this.frames}`;
      prev = -1;
    }
    this.last = seq;
    return { bytes: new Uint8Array([seq]), stream: this.stream, prev };
  }
}

// kind 'worker': encode() on its own core, encodeSync() on the main one.
function fakeEngine(kind = 'worker') {
  const worker = new FakeCore('w');
  const main = kind === 'worker' ? new FakeCore('m') : worker;
  const held = [];
  const engine = {
    kind,
    worker,
    main,
    hold: false, // true: encode() waits until release()
    encode(seq, records) {
      const run = () => worker.encode(records, seq);
      if (!engine.hold) return Promise.resolve().then(run);
      return new Promise((resolve) => held.push(() => resolve(run())));
    },
    release() {
      while (held.length) held.shift()();
    },
    encodeSync: (seq, records) => main.encode(records, seq),
    drop() {},
    close() {},
  };
  return engine;
}

// The collector's stream table, reduced: continuations must follow the
// last batch decoded in their stream. refuse(seq, status): the next request
// for seq gets that status instead.
function fakeCollector() {
  const c = {
    streams: new Map(),
    stored: new Map(), // seq -> query
    requests: [],
    refusals: new Map(),
    always: new Map(), // seq -> status, every time
    answer(url) {
      const q = new URL(url).searchParams;
      const seq = Number(q.get('seq'));
      c.requests.push({ seq, stream: q.get('stream'), prev: q.has('prev') ? Number(q.get('prev')) : -1 });
      if (c.always.has(seq)) return c.always.get(seq);
      if (c.refusals.has(seq)) {
        const status = c.refusals.get(seq);
        c.refusals.delete(seq);
        return status;
      }
      const stream = q.get('stream');
      if (q.has('prev')) {
        const last = c.streams.get(stream);
        if (last === undefined) return 409;
        if (seq <= last) return 200; // duplicate
        if (last !== Number(q.get('prev'))) return 409;
      }
      c.streams.set(stream, seq);
      c.stored.set(seq, stream);
      return 200;
    },
  };
  return c;
}

function setup({ kind = 'worker', maxAttempts = 6 } = {}) {
  const collector = fakeCollector();
  const reports = [];
  const counters = { compressedBytes: 0, encodeFailures: 0 };
  const uploader = new Uploader({
    url: 'https://c.test/v1/batch',
    fetch: async (url) => {
      await tick();
      const status = collector.answer(url);
      return { ok: status < 300, status, text: async () => `${status} batch rejected: test` };
    },
    setTimeout: (fn) => setTimeout(fn, 1),
    clearTimeout: (t) => clearTimeout(t),
    random: () => 0.5,
    report: (where, e) => reports.push(e.message),
    maxAttempts,
  });
  const delivery = new Delivery({
    uploader,
    report: (where, e) => reports.push(e.message),
    timing: { begin() {}, end() {} },
    counters,
  });
  const engine = fakeEngine(kind);
  delivery.setEngine(engine);
  const results = new Map();
  let seq = 0;
  const submit = () => {
    const s = seq++;
    const w = new RecordWriter(() => 1700000000000);
    w.byte(0x0f); // any record: the fake core does not parse them
    delivery.submit(s, w.take(s));
    delivery.entries.get(s).d.promise.then((r) => results.set(s, 'ok'), (e) => results.set(s, e.message));
    return s;
  };
  return { collector, delivery, engine, uploader, reports, counters, results, submit };
}

test('withFlags rewrites only the header flags', () => {
  const w = new RecordWriter(() => 1700000000000);
  w.byte(0x0f);
  const records = w.take(300);
  assert.equal(readFlags(records), 0);
  const flagged = withFlags(records, HeaderFlag.NEW_STREAM);
  assert.equal(readFlags(flagged), 1);
  assert.equal(flagged.length, records.length);
  assert.deepEqual([...flagged.subarray(flagged.length - 1)], [0x0f]);
  assert.equal(withFlags(flagged, 1), flagged);
  assert.equal(readFlags(withFlags(records, 200)), 200);
  // The glue's other flags survive the stream bit.
  assert.equal(readFlags(withNewStream(withFlags(records, 2), true)), 3);
  assert.equal(readFlags(withNewStream(withFlags(records, 3), false)), 3);
  assert.equal(streamQuery(4, { stream: 'ab', prev: 3 }), 'stream=ab&seq=4&prev=3');
  assert.equal(streamQuery(4, { stream: 'ab', prev: -1 }), 'stream=ab&seq=4');
  assert.equal(streamQuery(4, { stream: null, prev: -1 }), '');
});

test('the first batch starts a frame, the next ones continue it', async () => {
  const h = setup();
  for (let k = 0; k < 4; k++) {
    h.submit();
    await settle();
  }
  assert.deepEqual(h.engine.worker.flags, [[0, 1], [1, 0], [2, 0], [3, 0]]);
  assert.deepEqual(h.collector.requests.map((r) => r.prev), [-1, 0, 1, 2]);
  assert.equal(h.collector.stored.size, 4);
  assert.equal(h.delivery.pending, 0);
});

test('a batch lost for good: the next batch starts a new frame, later ones are stored', async () => {
  const h = setup();
  h.submit();
  await settle();
  h.collector.refusals.set(1, 400);
  h.submit();
  await settle();
  assert.equal(h.results.get(1), 'collector refused the batch (HTTP 400): 400 batch rejected: test');
  h.submit();
  h.submit();
  await settle();
  assert.deepEqual(h.engine.worker.flags.map(([, f]) => f), [1, 0, 1, 0]);
  assert.deepEqual([...h.collector.stored.keys()], [0, 2, 3]);
  assert.equal(h.uploader.stats.dropped, 1);
});

test('409 (collector restarted): the batch is re-sent as a new frame and the stream goes on', async () => {
  const h = setup();
  h.submit();
  await settle();
  h.collector.streams.clear(); // restart: no stream state
  h.submit();
  await settle();
  h.submit();
  await settle();
  assert.deepEqual(h.engine.worker.flags, [[0, 1], [1, 0], [1, 1], [2, 0]]);
  assert.deepEqual([...h.collector.stored.keys()], [0, 1, 2]);
  assert.equal(h.results.get(1), 'ok');
  assert.equal(h.delivery.resent, 1);
  assert.equal(h.uploader.stats.dropped, 0);
  assert.equal(h.uploader.stats.conflicts, 1);
  assert.equal(h.delivery.lost, 0);
});

test('frames queued behind a lost batch are taken back and re-encoded, not sent to fail', async () => {
  const h = setup({ maxAttempts: 1 });
  h.submit();
  await settle();
  // Seq 1 fails (retryable, but no attempts left) while 2..4 wait behind it.
  h.collector.refusals.set(1, 503);
  const fetch = h.uploader.o.fetch;
  let gate;
  const opened = new Promise((resolve) => { gate = resolve; });
  h.uploader.o.fetch = async (url, init) => {
    if (url.includes('seq=1&')) await opened;
    return fetch(url, init);
  };
  for (let k = 0; k < 4; k++) h.submit();
  await settle();
  assert.equal(h.uploader.pending, 4);
  gate();
  await settle();
  assert.match(h.results.get(1), /gave up after 1 attempts/);
  assert.deepEqual([...h.collector.stored.keys()].sort(), [0, 2, 3, 4]);
  // Never sent as doomed continuations: every request after the loss is a
  // new frame or continues one the collector has.
  assert.equal(h.uploader.stats.conflicts, 0);
  assert.equal(h.collector.stored.get(2) === h.collector.stored.get(0), false);
  assert.equal(h.delivery.pending, 0);
});

test('page exit: pending batches become new frames on the main core; the worker then starts a new frame', async () => {
  const h = setup();
  h.submit();
  await settle();
  h.engine.hold = true; // the worker is busy
  h.submit();
  h.submit();
  await settle();
  h.delivery.sendNow();
  assert.deepEqual(h.engine.main.flags, [[1, 1], [2, 1]]);
  await settle();
  h.engine.release(); // its late frames are ignored
  h.engine.hold = false;
  await settle();
  h.submit();
  await settle();
  const lastFlags = h.engine.worker.flags.at(-1);
  assert.deepEqual(lastFlags, [3, 1]);
  assert.deepEqual([...h.collector.stored.keys()].sort(), [0, 1, 2, 3]);
  assert.equal(h.uploader.stats.conflicts, 0);
});

test('page exit: a queued continuation whose predecessor is not acknowledged is re-encoded alone', async () => {
  const h = setup();
  const fetch = h.uploader.o.fetch;
  let gate;
  const opened = new Promise((resolve) => { gate = resolve; });
  h.uploader.o.fetch = async (url, init) => {
    if (url.includes('seq=0')) await opened;
    return fetch(url, init);
  };
  h.submit();
  h.submit();
  h.submit();
  await settle();
  assert.equal(h.uploader.pending, 3); // 0 on the network, 1 and 2 queued continuations
  h.delivery.sendNow();
  assert.deepEqual(h.engine.main.flags, [[1, 1], [2, 1]]);
  gate();
  await settle();
  assert.deepEqual([...h.collector.stored.keys()].sort(), [0, 1, 2]);
  assert.equal(h.uploader.stats.conflicts, 0);
});

test('a batch refused with 409 every time is re-sent a bounded number of times, then counted as lost', async () => {
  const h = setup();
  h.submit();
  await settle();
  h.collector.always.set(1, 409);
  h.submit();
  await settle();
  await settle();
  assert.match(h.results.get(1), /HTTP 409/);
  assert.equal(h.delivery.lost, 1);
  assert.equal(h.delivery.resent, 3);
});

test('inline engine: one core, page exit frames stand alone', async () => {
  const h = setup({ kind: 'main' });
  h.submit();
  await settle();
  h.submit();
  h.delivery.sendNow();
  await settle();
  h.submit();
  await settle();
  assert.deepEqual(h.engine.main.flags, [[0, 1], [1, 1], [2, 1]]);
  assert.deepEqual([...h.collector.stored.keys()], [0, 1, 2]);
});

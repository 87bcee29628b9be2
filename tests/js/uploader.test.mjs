// Delivery rules with a fake fetch and fake timers: order, retry with
// backoff and jitter, bounded attempts, drop on 4xx with the collector's
// reason, the keepalive budget, the unload path and abort.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Uploader, backoffMs, isRetryable, KEEPALIVE_BUDGET } from '../../js/src/uploader.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));
async function settle() {
  for (let k = 0; k < 10; k++) await tick();
}

function response(status, body = '') {
  return { ok: status >= 200 && status < 300, status, text: async () => body };
}

function harness(opts = {}) {
  const calls = [];
  const timers = [];
  const reports = [];
  let now = 0;
  let nextId = 1;
  const h = {
    calls,
    timers,
    reports,
    // Each fetch waits until the test answers it.
    fetch(url, init) {
      let answer;
      let fail;
      const p = new Promise((resolve, reject) => {
        answer = resolve;
        fail = reject;
      });
      calls.push({ url, init, answer: (status, body) => answer(response(status, body)),
        fail: (msg) => fail(new TypeError(msg)) });
      return p;
    },
    setTimeout(fn, ms) {
      const id = nextId++;
      timers.push({ id, fn, at: now + ms, ms });
      return id;
    },
    clearTimeout(id) {
      const k = timers.findIndex((t) => t.id === id);
      if (k >= 0) timers.splice(k, 1);
    },
    async advance(ms) {
      now += ms;
      for (const t of timers.filter((x) => x.at <= now)) {
        h.clearTimeout(t.id);
        t.fn();
      }
      await settle();
    },
  };
  h.up = new Uploader({
    url: 'https://c.test/v1/batch',
    fetch: h.fetch,
    setTimeout: h.setTimeout,
    clearTimeout: h.clearTimeout,
    random: () => 0.5,
    report: (where, e) => reports.push(`${where}: ${e.message}`),
    ...opts,
  });
  return h;
}

const frame = (n, fill = 1) => new Uint8Array(n).fill(fill);

test('retryable statuses', () => {
  for (const s of [408, 429, 500, 502, 503, 599]) assert.equal(isRetryable(s), true, s);
  for (const s of [200, 400, 401, 403, 404, 409, 413, 422]) assert.equal(isRetryable(s), false, s);
});

test('backoff doubles, is capped, and jitters over its upper half', () => {
  assert.equal(backoffMs(1, 1000, 30000, () => 0), 500);
  assert.equal(backoffMs(1, 1000, 30000, () => 1), 1000);
  assert.equal(backoffMs(3, 1000, 30000, () => 0.5), 3000);
  assert.equal(backoffMs(10, 1000, 30000, () => 1), 30000);
  assert.equal(backoffMs(10, 1000, 30000, () => 0), 15000);
});

test('sends one CORS-simple POST at a time, in seq order', async () => {
  const h = harness();
  const done = [];
  h.up.enqueue(0, frame(10, 0)).then((r) => done.push(r));
  await settle();
  // Frames may come back from the engine out of order: they queue by seq.
  for (const seq of [2, 1]) h.up.enqueue(seq, frame(10, seq)).then((r) => done.push(r));
  await settle();
  assert.equal(h.calls.length, 1);
  const { url, init } = h.calls[0];
  assert.equal(url, 'https://c.test/v1/batch');
  assert.deepEqual(Object.keys(init).sort(), ['body', 'credentials', 'keepalive', 'method', 'mode', 'signal']);
  assert.equal(init.method, 'POST');
  assert.equal(init.mode, 'cors');
  assert.equal(init.credentials, 'omit');
  assert.equal(init.keepalive, true);
  assert.equal(init.body[0], 0, 'seq 0 goes first');
  h.calls[0].answer(204);
  await settle();
  assert.equal(h.calls.length, 2);
  assert.equal(h.calls[1].init.body[0], 1);
  h.calls[1].answer(200);
  await settle();
  h.calls[2].answer(200);
  await settle();
  assert.deepEqual(done, [{ seq: 0, bytes: 10 }, { seq: 1, bytes: 10 }, { seq: 2, bytes: 10 }]);
  assert.equal(h.up.stats.sent, 3);
  assert.equal(h.up.pending, 0);
});

test('network errors, 5xx, 408 and 429 are retried with growing delays', async () => {
  const h = harness();
  let result = null;
  h.up.enqueue(0, frame(5)).then((r) => { result = r; });
  await settle();
  h.calls[0].fail('Failed to fetch');
  await settle();
  assert.deepEqual(h.timers.map((t) => t.ms), [750]); // 1000 * 2^0, jitter 0.5
  await h.advance(750);
  h.calls[1].answer(503);
  await settle();
  assert.deepEqual(h.timers.map((t) => t.ms), [1500]);
  await h.advance(1500);
  h.calls[2].answer(408);
  await settle();
  await h.advance(3000);
  h.calls[3].answer(429);
  await settle();
  await h.advance(6000);
  h.calls[4].answer(200);
  await settle();
  assert.deepEqual(result, { seq: 0, bytes: 5 });
  assert.equal(h.up.stats.retries, 4);
  assert.equal(h.up.stats.dropped, 0);
});

test('attempts are bounded: then the batch is dropped and the next one goes', async () => {
  const h = harness({ maxAttempts: 3 });
  let error = null;
  h.up.enqueue(0, frame(5)).catch((e) => { error = e; });
  h.up.enqueue(1, frame(5));
  await settle();
  for (let k = 0; k < 3; k++) {
    h.calls[k].answer(500);
    await settle();
    await h.advance(60000);
  }
  assert.match(error.message, /gave up after 3 attempts: HTTP 500/);
  assert.equal(h.up.stats.dropped, 1);
  assert.equal(h.up.stats.retries, 2);
  assert.equal(h.calls.length, 4, 'seq 1 went out after the drop');
  assert.equal(h.calls[3].init.body.length, 5);
});

test('other 4xx: dropped at once with the collector\'s one-line reason', async () => {
  const h = harness();
  let error = null;
  h.up.enqueue(0, frame(5)).catch((e) => { error = e; });
  await settle();
  h.calls[0].answer(400, 'unknown site key "nope"\nmore detail');
  await settle();
  assert.equal(error.status, 400);
  assert.equal(error.message, 'collector refused the batch (HTTP 400): unknown site key "nope"');
  assert.deepEqual(h.reports, ['upload: collector refused the batch (HTTP 400): unknown site key "nope"']);
  assert.equal(h.timers.length, 0, 'no retry');
  assert.equal(h.up.stats.dropped, 1);
});

test('keepalive stays within the 64 KiB in-flight budget', async () => {
  const h = harness();
  h.up.enqueue(0, frame(KEEPALIVE_BUDGET + 1));
  await settle();
  assert.equal(h.calls[0].init.keepalive, false, 'a frame over the budget never uses keepalive');
  h.calls[0].answer(200);
  await settle();
  h.up.enqueue(1, frame(40000));
  h.up.enqueue(2, frame(40000));
  await settle();
  h.up.sendNow(); // unload: everything at once
  await settle();
  assert.equal(h.calls.length, 3);
  assert.equal(h.calls[1].init.keepalive, true);
  assert.equal(h.calls[2].init.keepalive, false, '40000 + 40000 is over the budget');
  assert.equal(h.up.stats.noKeepalive, 1);
  h.calls[1].answer(200);
  await settle();
  assert.equal(h.up.keepaliveBytes, 0, 'budget released when the request ends');
});

test('unload: waiting batches go now; keepalive requests in flight are not repeated', async () => {
  const h = harness();
  h.up.enqueue(0, frame(10));
  h.up.enqueue(1, frame(10));
  await settle();
  h.calls[0].fail('offline');
  await settle();
  assert.equal(h.timers.length, 1, 'seq 0 waits for its backoff');
  h.up.sendNow();
  await settle();
  assert.equal(h.timers.length, 0, 'backoff cancelled');
  assert.deepEqual(h.calls.slice(1).map((c) => [c.init.body.length, c.init.keepalive]), [[10, true], [10, true]]);
  h.up.sendNow();
  await settle();
  assert.equal(h.calls.length, 3, 'nothing sent twice while in flight with keepalive');
});

test('a duplicate request for one batch: the first success settles it', async () => {
  const h = harness({ keepaliveBudget: 5 });
  let result = null;
  h.up.enqueue(0, frame(10)).then((r) => { result = r; });
  await settle();
  assert.equal(h.calls[0].init.keepalive, false);
  h.up.sendNow(); // not keepalive in flight: sent again
  await settle();
  assert.equal(h.calls.length, 2);
  h.calls[1].fail('gone');
  await settle();
  assert.equal(h.timers.length, 0, 'no retry while the other request may still succeed');
  h.calls[0].answer(200);
  await settle();
  assert.deepEqual(result, { seq: 0, bytes: 10 });
  assert.equal(h.up.stats.sent, 1);
});

test('abort rejects everything pending and sends nothing more', async () => {
  const h = harness();
  const errors = [];
  h.up.enqueue(0, frame(10)).catch((e) => errors.push(e.message));
  h.up.enqueue(1, frame(10)).catch((e) => errors.push(e.message));
  await settle();
  h.up.abort('consent withdrawn');
  await settle();
  assert.deepEqual(errors, ['consent withdrawn', 'consent withdrawn']);
  assert.equal(h.calls[0].init.signal.aborted, true);
  h.calls[0].answer(200);
  await settle();
  assert.equal(h.calls.length, 1);
  assert.equal(h.up.stats.sent, 0);
});

test('the queue is bounded: the oldest batch not in flight is dropped', async () => {
  const h = harness({ maxQueued: 2 });
  const errors = [];
  for (let seq = 0; seq < 4; seq++) h.up.enqueue(seq, frame(3)).catch((e) => errors.push([seq, e.message]));
  await settle();
  assert.deepEqual(errors, [[1, 'upload queue full'], [2, 'upload queue full']]);
  assert.equal(h.up.pending, 2);
});

test('abort letting in-flight requests finish: idle() waits for them, nothing more is sent', async () => {
  const h = harness();
  const errors = [];
  h.up.enqueue(0, frame(10)).catch((e) => errors.push(e.message));
  h.up.enqueue(1, frame(10)).catch((e) => errors.push(e.message));
  await settle();
  h.up.abort('consent withdrawn', { letInflightFinish: true });
  let idle = false;
  h.up.idle().then(() => { idle = true; });
  await settle();
  assert.deepEqual(errors, ['consent withdrawn', 'consent withdrawn']);
  assert.equal(h.calls[0].init.signal.aborted, false, 'the request on the network is not cut');
  assert.equal(idle, false, 'idle only once it is answered');
  h.calls[0].answer(200);
  await settle();
  assert.equal(idle, true);
  assert.equal(h.calls.length, 1);
});

// Delivery of frames to the collector: POST <endpoint>/v1/batch, one frame
// per request, in seq order, one request at a time. The collector is
// idempotent per (session, page view, seq), so sending a frame twice is
// always safe; losing one is what this file works to avoid. A frame may
// carry a query string (its place in the page view's zstd stream, see
// delivery.js); a 409 (the collector cannot decode that continuation) is
// handed back to the caller, which re-sends the batch as a new frame.
//
// Requests are CORS-simple (POST, no Content-Type, no credentials): no
// preflight, nothing identifying the visitor. They use keepalive while the
// browser's 64 KiB in-flight keepalive budget allows, so a request already
// running survives the page being closed.

export const KEEPALIVE_BUDGET = 65536;

const DEFAULTS = {
  what: 'batch', // in messages: what was refused
  maxAttempts: 6,
  baseDelayMs: 1000,
  maxDelayMs: 30000,
  maxQueued: 64,
  keepaliveBudget: KEEPALIVE_BUDGET,
};

export function isRetryable(status) {
  return status === 408 || status === 429 || status >= 500;
}

// Exponential backoff with equal jitter: half fixed, half random, so many
// pages failing together do not come back together.
export function backoffMs(attempt, baseMs, maxMs, random) {
  const full = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
  return Math.round(full / 2 + (full / 2) * random());
}

function firstLine(text) {
  return String(text).split('\n', 1)[0].trim().slice(0, 200);
}

export class Uploader {
  // opts: { url, what, fetch, setTimeout, clearTimeout, random, report(where, e),
  //         maxAttempts, baseDelayMs, maxDelayMs, maxQueued, keepaliveBudget }
  constructor(opts) {
    this.o = { ...DEFAULTS, random: Math.random, ...opts };
    this.queue = []; // ascending seq
    this.keepaliveBytes = 0;
    this.travelling = new Set(); // one promise per request on the network
    this.stats = { sent: 0, dropped: 0, retries: 0, noKeepalive: 0, bytesSent: 0, conflicts: 0 };
  }

  get pending() {
    return this.queue.length;
  }

  // Resolves { seq, bytes } once the collector accepted the frame; rejects
  // with the collector's reason (err.status set) when it was dropped, or
  // with err.status 409 (not counted as dropped: the caller decides) when
  // the collector could not decode it. query: appended to the URL.
  enqueue(seq, frame, query = '') {
    return new Promise((resolve, reject) => {
      const url = query ? `${this.o.url}?${query}` : this.o.url;
      const batch = { seq, frame, url, attempts: 0, inflight: 0, keepalive: false, timer: 0,
        controllers: new Set(), done: false, resolve, reject };
      let k = this.queue.length;
      while (k > 0 && this.queue[k - 1].seq > seq) k--;
      this.queue.splice(k, 0, batch);
      this.trim();
      this.pump();
    });
  }

  // Bounded memory when the collector is unreachable for long: the oldest
  // batch not in flight goes first.
  trim() {
    while (this.queue.length > this.o.maxQueued) {
      const victim = this.queue.find((b) => b.inflight === 0);
      if (victim === undefined) return;
      this.drop(victim, 0, 'upload queue full');
    }
  }

  // One request at a time, always the lowest seq; a head waiting for its
  // backoff holds the others back.
  pump() {
    if (this.queue.some((b) => b.inflight > 0)) return;
    const head = this.queue[0];
    if (head !== undefined && head.timer === 0) this.send(head, false);
  }

  send(batch, unloading) {
    const o = this.o;
    const size = batch.frame.length;
    const keepalive = this.keepaliveBytes + size <= o.keepaliveBudget;
    if (keepalive) this.keepaliveBytes += size;
    else if (unloading) this.stats.noKeepalive++;
    batch.attempts++;
    batch.inflight++;
    batch.keepalive = keepalive;
    const controller = typeof AbortController === 'function' ? new AbortController() : null;
    if (controller) batch.controllers.add(controller);
    let request;
    try {
      request = o.fetch(batch.url, {
        method: 'POST',
        body: batch.frame,
        keepalive,
        mode: 'cors',
        credentials: 'omit',
        signal: controller ? controller.signal : undefined,
      });
    } catch (e) {
      request = Promise.reject(e);
    }
    const done = Promise.resolve(request)
      .then((res) => this.answer(batch, res), (e) => this.failed(batch, e && e.message ? e.message : String(e)))
      .finally(() => {
        if (keepalive) this.keepaliveBytes -= size;
        if (controller) batch.controllers.delete(controller);
      })
      .catch((e) => this.o.report('upload', e));
    this.travelling.add(done);
    done.then(() => this.travelling.delete(done));
  }

  // Resolves once no request is on the network any more.
  idle() {
    return Promise.all([...this.travelling]).then(() => undefined);
  }

  async answer(batch, res) {
    if (res.ok) {
      batch.inflight--;
      this.accept(batch);
    } else if (isRetryable(res.status)) {
      this.failed(batch, `HTTP ${res.status}`);
    } else {
      let reason = '';
      try {
        reason = firstLine(await res.text());
      } catch (e) {
        reason = `(no reason: ${e && e.message})`;
      }
      batch.inflight--;
      this.drop(batch, res.status, reason || `HTTP ${res.status}`);
    }
  }

  failed(batch, why) {
    batch.inflight--;
    // Another request for this batch (the unload path's re-send) may still
    // succeed; only the last one out decides.
    if (batch.done || batch.inflight > 0) return;
    if (batch.attempts >= this.o.maxAttempts) {
      this.drop(batch, 0, `gave up after ${batch.attempts} attempts: ${why}`);
      return;
    }
    this.stats.retries++;
    const o = this.o;
    batch.timer = o.setTimeout(() => {
      batch.timer = 0;
      this.pump();
    }, backoffMs(batch.attempts, o.baseDelayMs, o.maxDelayMs, o.random));
  }

  settle(batch) {
    if (batch.done) return false;
    batch.done = true;
    if (batch.timer !== 0) this.o.clearTimeout(batch.timer);
    batch.timer = 0;
    const k = this.queue.indexOf(batch);
    if (k >= 0) this.queue.splice(k, 1);
    return true;
  }

  accept(batch) {
    if (!this.settle(batch)) return;
    this.stats.sent++;
    this.stats.bytesSent += batch.frame.length;
    batch.resolve({ seq: batch.seq, bytes: batch.frame.length });
    this.pump();
  }

  drop(batch, status, reason) {
    if (!this.settle(batch)) return;
    const error = new Error(status ? `collector refused the ${this.o.what} (HTTP ${status}): ${reason}` : reason);
    error.status = status;
    if (status === 409) {
      this.stats.conflicts++;
    } else {
      this.stats.dropped++;
      this.o.report('upload', error);
    }
    batch.reject(error);
    // After the caller has heard of it: a stream's later frames may have
    // to be taken back before the next one leaves.
    queueMicrotask(() => this.pump());
  }

  // Takes back a frame that is queued and not on the network (its caller
  // will send another frame for that seq instead): its promise rejects with
  // err.withdrawn. False when there is no such frame. Sends nothing else
  // meanwhile: the caller calls pump() when it is done.
  withdraw(seq) {
    const batch = this.queue.find((b) => b.seq === seq && b.inflight === 0);
    if (batch === undefined || !this.settle(batch)) return false;
    const error = new Error('withdrawn');
    error.withdrawn = true;
    batch.reject(error);
    return true;
  }

  // Whether the frame for seq is on the network right now.
  inflight(seq) {
    return this.queue.some((b) => b.seq === seq && b.inflight > 0);
  }

  // The page is going away: every batch not already travelling with
  // keepalive is sent now, all at once, backoff or not.
  sendNow() {
    for (const batch of this.queue) {
      if (batch.inflight > 0 && batch.keepalive) continue;
      if (batch.timer !== 0) {
        this.o.clearTimeout(batch.timer);
        batch.timer = 0;
      }
      this.send(batch, true);
    }
  }

  // Consent withdrawn or recorder stopped without delivery: nothing more
  // leaves the page. letInflightFinish: requests already on the network
  // complete (aborting one cannot call back what the collector may already
  // hold; finishing lets a deletion request come after it, not race it).
  abort(reason, { letInflightFinish = false } = {}) {
    for (const batch of this.queue.slice()) {
      if (!letInflightFinish) for (const c of batch.controllers) c.abort();
      if (this.settle(batch)) batch.reject(new Error(reason));
    }
  }
}

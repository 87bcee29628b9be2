// From records buffer to accepted batch: engine.encode (worker, or idle
// time on the main thread), then the uploader. Each buffer is kept until
// its frame exists, so the unload path can still encode it synchronously on
// the main thread whatever the worker is doing; whichever frame for a seq
// comes first is the one sent (the collector keeps one per seq anyway).

function deferred() {
  const d = {};
  d.promise = new Promise((resolve, reject) => {
    d.resolve = resolve;
    d.reject = reject;
  });
  return d;
}

export class Delivery {
  // opts: { uploader, report(where, e), timing, counters }
  constructor(opts) {
    this.uploader = opts.uploader;
    this.report = opts.report;
    this.timing = opts.timing;
    this.counters = opts.counters;
    this.engine = null;
    this.engineReady = deferred();
    // Reported here once; every batch waiting on it fails with it too.
    this.engineReady.promise.catch((e) => this.report('core', e));
    this.unencoded = new Map(); // seq -> records
    this.batches = new Map(); // seq -> deferred of { seq, bytes }
  }

  setEngine(engine) {
    this.engine = engine;
    this.engineReady.resolve(engine);
  }

  failEngine(error) {
    this.engineReady.reject(error);
  }

  get pending() {
    return this.uploader.pending + this.unencoded.size;
  }

  submit(seq, records) {
    const d = deferred();
    this.batches.set(seq, d);
    const forget = () => this.batches.delete(seq);
    // Failures are reported where they happen (encode, upload).
    d.promise.then(forget, forget);
    this.unencoded.set(seq, records);
    this.timing.begin(`encode:${seq}`);
    this.encode(seq, records, true);
  }

  async encode(seq, records, mayRetry) {
    let engine = null;
    try {
      engine = await this.engineReady.promise;
      if (!this.unencoded.has(seq)) return;
      const frame = await engine.encode(seq, records);
      if (frame !== null) this.frameReady(seq, frame);
    } catch (e) {
      if (!this.unencoded.has(seq)) return;
      // A worker that died mid-request hands over to the main thread.
      if (mayRetry && engine !== null && engine.kind === 'main') {
        this.encode(seq, records, false);
        return;
      }
      this.unencoded.delete(seq);
      this.counters.encodeFailures++;
      this.report('encode', e);
      this.batches.get(seq).reject(e);
    }
  }

  frameReady(seq, frame) {
    if (!this.unencoded.delete(seq)) return;
    this.timing.end(`encode:${seq}`);
    this.counters.compressedBytes += frame.length;
    const d = this.batches.get(seq);
    if (frame.length === 0) {
      d.resolve({ seq, bytes: 0 });
      return;
    }
    this.uploader.enqueue(seq, frame).then(d.resolve, d.reject);
  }

  // The page is going away: no promise will settle in time, so everything
  // still waiting is encoded here and now and sent with keepalive.
  sendNow() {
    if (this.engine !== null) {
      for (const seq of [...this.unencoded.keys()].sort((a, b) => a - b)) {
        try {
          const frame = this.engine.encodeSync(seq, this.unencoded.get(seq));
          this.engine.drop(seq);
          this.frameReady(seq, frame);
        } catch (e) {
          this.report('encode', e);
        }
      }
    }
    this.uploader.sendNow();
  }

  // Resolves when every batch submitted so far is settled: { batches, bytes }
  // of those delivered; rejects with the first refusal.
  async settle() {
    const results = await Promise.allSettled([...this.batches.values()].map((d) => d.promise));
    let batches = 0;
    let bytes = 0;
    for (const r of results) {
      if (r.status === 'rejected') throw r.reason;
      if (r.value.bytes > 0) batches++;
      bytes += r.value.bytes;
    }
    return { batches, bytes };
  }

  // Nothing more leaves: consent withdrawn, or no core.
  abort(reason, options) {
    this.uploader.abort(reason, options);
    const error = new Error(reason);
    for (const seq of this.unencoded.keys()) {
      if (this.engine !== null) this.engine.drop(seq);
      this.batches.get(seq).reject(error);
    }
    this.unencoded.clear();
  }

  // Once: a stop() still settling and a discard() (consent withdrawn
  // meanwhile) both end here.
  close() {
    if (this.engine !== null && !this.closed) this.engine.close();
    this.closed = true;
  }
}

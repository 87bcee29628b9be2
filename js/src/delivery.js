// From records buffer to accepted batch: engine.encode (worker, or idle
// time on the main thread), then the uploader.
//
// One zstd stream per page view. The core continues one zstd frame from
// batch to batch (recorder/src/compressor.h), so a batch is only decodable by
// a collector that decoded its predecessor in that frame. Every frame (a
// Frame: { bytes, stream, prev }, engine/core.js) goes out with its place in
// the query: stream (the frame's random id), seq and, for a continuation,
// prev. The rules that keep that sound:
// - Batches are encoded one at a time in seq order, so a core's frame runs
//   in upload order. A batch continues the frame of the last batch handed to
//   the uploader only if that one came from the same core and has a lower
//   seq; otherwise its records header asks for a new frame (NEW_STREAM):
//   the first batch, after any batch that was not acknowledged, after the
//   page-exit path encoded on the main-thread core.
// - A frame that comes back continuing something never sent (the worker
//   still encoding while the page-exit path took over) is encoded again as a
//   new frame before it is sent.
// - Records stay here until their batch is acknowledged (bounded by
//   MAX_KEPT_BYTES). A batch the collector refuses with 409 (it cannot
//   decode that continuation: gap, evicted stream, restart) is encoded again
//   as a new frame and re-sent. When a batch is lost for good, every frame
//   queued after it in the same stream is taken back and re-encoded.
// - On the page-exit path all requests leave at once and may arrive in any
//   order, so everything encoded there is a new frame, and queued
//   continuations whose predecessor is not yet acknowledged are re-encoded
//   as new frames too.
// Batches that cannot be delivered at all are counted (lost), never dropped
// silently.

import { HeaderFlag } from './records.js';

// Records kept for re-sending, beyond those not yet encoded.
export const MAX_KEPT_BYTES = 4 << 20;
// How often one batch is re-sent after a 409.
export const MAX_RESENDS = 3;

function deferred() {
  const d = {};
  d.promise = new Promise((resolve, reject) => {
    d.resolve = resolve;
    d.reject = reject;
  });
  return d;
}

function varint(value) {
  const out = [];
  let x = value;
  while (x >= 128) {
    out.push((x % 128) | 0x80);
    x = Math.floor(x / 128);
  }
  out.push(x);
  return out;
}

// Where the header's flags varint starts and ends (records.h: version byte,
// then seq, time base and flags as varints).
function flagsSpan(records) {
  let at = 1;
  for (let field = 0; field < 2; field++) {
    while (records[at] & 0x80) at++;
    at++;
  }
  let end = at;
  while (records[end] & 0x80) end++;
  return [at, end + 1];
}

export function readFlags(records) {
  const [at, end] = flagsSpan(records);
  let v = 0;
  for (let k = end - 1; k >= at; k--) v = v * 128 + (records[k] & 0x7f);
  return v;
}

// The records buffer with its header's flags replaced (a copy; the same
// buffer when they are already those).
export function withFlags(records, flags) {
  if (readFlags(records) === flags) return records;
  const [at, end] = flagsSpan(records);
  const v = varint(flags);
  const out = new Uint8Array(records.length - (end - at) + v.length);
  out.set(records.subarray(0, at));
  out.set(v, at);
  out.set(records.subarray(end), at + v.length);
  return out;
}

// The records with the header's NEW_STREAM bit set when `on`; the glue's
// other flags, and a NEW_STREAM the recording asked for itself, are kept.
export function withNewStream(records, on) {
  return on ? withFlags(records, readFlags(records) | HeaderFlag.NEW_STREAM) : records;
}

// Engines return Frames; a bare byte array (a test's fake engine) is a
// self-contained frame sent without stream parameters.
function asFrame(frame) {
  return frame instanceof Uint8Array ? { bytes: frame, stream: null, prev: -1 } : frame;
}

export function streamQuery(seq, frame) {
  if (frame.stream === null) return '';
  return `stream=${frame.stream}&seq=${seq}${frame.prev >= 0 ? `&prev=${frame.prev}` : ''}`;
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
    // seq -> { seq, records, state: waiting|encoding|uploading|done, frame,
    //          job, resends, timed, d }
    this.entries = new Map();
    this.waiting = []; // seqs to encode, ascending
    this.encoding = false;
    // The last frame handed to the uploader: { stream, seq, kind }. The next
    // batch may continue it. null: the next batch starts a new frame.
    this.chain = null;
    // The last frame the collector acknowledged: { stream, seq }.
    this.acked = null;
    this.keptBytes = 0;
    this.lost = 0; // batches that could not be re-sent after a 409
    this.resent = 0; // batches re-encoded as a new frame and sent again
  }

  setEngine(engine) {
    this.engine = engine;
    this.engineReady.resolve(engine);
  }

  failEngine(error) {
    this.engineReady.reject(error);
  }

  get pending() {
    let unencoded = 0;
    for (const e of this.entries.values()) {
      if (e.state === 'waiting' || e.state === 'encoding') unencoded++;
    }
    return this.uploader.pending + unencoded;
  }

  submit(seq, records) {
    const e = { seq, records, state: 'waiting', frame: null, job: null, resends: 0, timed: false,
      d: deferred() };
    this.entries.set(seq, e);
    const forget = () => this.entries.delete(seq);
    // Failures are reported where they happen (encode, upload).
    e.d.promise.then(forget, forget);
    this.keptBytes += records.length;
    this.timing.begin(`encode:${seq}`);
    this.queue(e);
  }

  queue(e) {
    e.state = 'waiting';
    let k = this.waiting.length;
    while (k > 0 && this.waiting[k - 1] > e.seq) k--;
    this.waiting.splice(k, 0, e.seq);
    this.pumpEncode();
  }

  async pumpEncode() {
    if (this.encoding) return;
    this.encoding = true;
    try {
      let engine;
      try {
        engine = await this.engineReady.promise;
      } catch (error) {
        for (const seq of this.waiting) {
          const e = this.entries.get(seq);
          if (e !== undefined && e.state === 'waiting') this.fail(e, error);
        }
        this.waiting = [];
        return;
      }
      while (this.waiting.length > 0) {
        const e = this.entries.get(this.waiting.shift());
        if (e !== undefined && e.state === 'waiting') await this.encodeOne(engine, e);
      }
    } finally {
      this.encoding = false;
    }
  }

  continues(kind, seq) {
    return this.chain !== null && this.chain.kind === kind && this.chain.seq < seq;
  }

  fits(frame) {
    return frame.stream === null || frame.prev < 0 ||
      (this.chain !== null && this.chain.stream === frame.stream && this.chain.seq === frame.prev);
  }

  async encodeOne(engine, e) {
    e.state = 'encoding';
    const job = {};
    e.job = job;
    let fresh = !this.continues(engine.kind, e.seq);
    for (let attempt = 0; ; attempt++) {
      const kind = engine.kind;
      let frame;
      try {
        frame = await engine.encode(e.seq, withNewStream(e.records, fresh));
      } catch (error) {
        if (e.job !== job) return;
        this.chain = null; // the core starts a new frame after a failure
        // A worker that died mid-request hands over to the main thread.
        if (attempt === 0 && kind !== 'main' && engine.kind === 'main') {
          fresh = true;
          continue;
        }
        this.counters.encodeFailures++;
        this.report('encode', error);
        this.fail(e, error);
        return;
      }
      // Encoded on the page-exit path meanwhile, or dropped.
      if (e.job !== job || frame === null) return;
      frame = asFrame(frame);
      if (frame.bytes.length > 0 && !this.fits(frame) && attempt === 0) {
        fresh = true;
        continue;
      }
      e.job = null;
      this.frameReady(e, frame, kind);
      return;
    }
  }

  frameReady(e, frame, kind) {
    if (!e.timed) {
      e.timed = true;
      this.timing.end(`encode:${e.seq}`);
    }
    this.counters.compressedBytes += frame.bytes.length;
    if (frame.bytes.length === 0) {
      this.finish(e);
      e.d.resolve({ seq: e.seq, bytes: 0 });
      return;
    }
    e.frame = frame;
    e.state = 'uploading';
    if (frame.stream !== null) this.chain = { stream: frame.stream, seq: e.seq, kind };
    this.trimKept();
    this.uploader.enqueue(e.seq, frame.bytes, streamQuery(e.seq, frame)).then((result) => {
      if (e.frame !== frame) return;
      this.acked = { stream: frame.stream, seq: e.seq };
      this.finish(e);
      e.d.resolve(result);
    }, (error) => {
      if (e.frame !== frame || error.withdrawn) return;
      this.refused(e, frame, error);
    });
  }

  refused(e, frame, error) {
    // Whatever continued this frame after e can no longer be decoded.
    this.restartAfter(e.seq, frame.stream);
    e.frame = null;
    if (error.status === 409) {
      if (e.records !== null && e.resends < MAX_RESENDS) {
        e.resends++;
        this.resent++;
        this.queue(e);
        return;
      }
      this.lost++;
      this.report('upload', error);
    }
    this.fail(e, error);
  }

  // Frames queued after seq in `stream` go back to the encoder (the first
  // of them becomes a new frame); those already on the network get their
  // own answer.
  restartAfter(seq, stream) {
    this.chain = null;
    if (stream === null) return;
    const later = [...this.entries.values()]
      .filter((f) => f.seq > seq && f.state === 'uploading' && f.frame.stream === stream)
      .sort((a, b) => a.seq - b.seq);
    for (const f of later) {
      const frame = f.frame;
      f.frame = null;
      if (!this.uploader.withdraw(f.seq)) {
        f.frame = frame;
        continue;
      }
      if (f.records === null) {
        this.lost++;
        this.fail(f, new Error(`batch ${f.seq} followed a lost batch and its records were no longer kept`));
        continue;
      }
      this.resent++;
      this.queue(f);
    }
    this.uploader.pump();
  }

  finish(e) {
    e.state = 'done';
    e.job = null;
    if (e.records !== null) {
      this.keptBytes -= e.records.length;
      e.records = null;
    }
  }

  fail(e, error) {
    this.finish(e);
    e.d.reject(error);
  }

  // Records of frames already queued are kept for a re-send only while the
  // total stays under the cap, oldest given up first.
  trimKept() {
    if (this.keptBytes <= MAX_KEPT_BYTES) return;
    for (const e of [...this.entries.values()].sort((a, b) => a.seq - b.seq)) {
      if (this.keptBytes <= MAX_KEPT_BYTES) return;
      if (e.state !== 'uploading' || e.records === null) continue;
      this.keptBytes -= e.records.length;
      e.records = null;
    }
  }

  // The page is going away: no promise will settle in time, so everything
  // still waiting is encoded here and now and sent with keepalive. The
  // requests leave together and may arrive in any order, so each frame made
  // here stands alone.
  sendNow() {
    const engine = this.engine;
    if (engine !== null) {
      const redo = [];
      for (const e of [...this.entries.values()].sort((a, b) => a.seq - b.seq)) {
        if (e.state === 'waiting' || e.state === 'encoding') {
          redo.push(e);
        } else if (e.state === 'uploading' && e.records !== null && this.mayRace(e)) {
          const frame = e.frame;
          e.frame = null;
          if (this.uploader.withdraw(e.seq)) redo.push(e);
          else e.frame = frame;
        }
      }
      for (const e of redo) {
        try {
          e.job = null; // an encode still running for it is stale now
          const frame = engine.encodeSync(e.seq, withNewStream(e.records, true));
          engine.drop(e.seq);
          this.frameReady(e, asFrame(frame), 'main');
        } catch (error) {
          this.report('encode', error);
        }
      }
      // The worker's core may still continue a frame of its own.
      this.chain = null;
    }
    this.uploader.sendNow();
  }

  // A queued continuation whose predecessor is not acknowledged yet.
  mayRace(e) {
    const f = e.frame;
    if (f === null || f.stream === null || f.prev < 0 || this.uploader.inflight(e.seq)) return false;
    return !(this.acked !== null && this.acked.stream === f.stream && this.acked.seq === f.prev);
  }

  // Resolves when every batch submitted so far is settled: { batches, bytes }
  // of those delivered; rejects with the first refusal.
  async settle() {
    const results = await Promise.allSettled([...this.entries.values()].map((e) => e.d.promise));
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
    for (const e of this.entries.values()) {
      if (e.state !== 'waiting' && e.state !== 'encoding') continue;
      if (this.engine !== null) this.engine.drop(e.seq);
      this.fail(e, error);
    }
    this.waiting = [];
  }

  // Once: a stop() still settling and a discard() (consent withdrawn
  // meanwhile) both end here.
  close() {
    if (this.engine !== null && !this.closed) this.engine.close();
    this.closed = true;
  }
}

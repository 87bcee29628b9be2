// Encoding in a Worker. Records go over transferred (a copy: the main
// thread keeps its bytes until the frame is back, in case the page unloads
// first and they must be encoded here); frames come back transferred.
// A main-thread core, made on first use (load.js), serves that unload path
// and takes over if the worker dies.

import { InlineEngine } from './inline-engine.js';
import { HeaderFlag } from '../records.js';
import { readFlags, withFlags } from '../delivery.js';

const READY_TIMEOUT_MS = 10000;

export class WorkerEngine {
  // Resolves once the worker has its own core and the page the means to
  // make its fallback one: laterCore(module), from the module the worker
  // compiled, resolves with a function that makes it. Rejects (worker
  // terminated) when either fails: CSP, a cross-origin script URL, no module
  // worker support.
  // urls: { wasmUrl, coreUrl }: the .wasm and the core's loader (an ES
  // module the classic Worker imports dynamically).
  static create(url, urls, config, laterCore, win, report) {
    const worker = new win.Worker(url);
    return new Promise((resolve, reject) => {
      const fail = (why) => {
        win.clearTimeout(timer);
        worker.terminate();
        reject(why instanceof Error ? why : new Error(String(why)));
      };
      const timer = win.setTimeout(() => fail(new Error('worker did not start in time')), READY_TIMEOUT_MS);
      worker.onerror = (e) => {
        e.preventDefault();
        fail(new Error(e.message || 'worker failed to load'));
      };
      worker.onmessage = (e) => {
        const m = e.data;
        if (m.type === 'ready') {
          win.clearTimeout(timer);
          laterCore(m.module).then((makeCore) => resolve(new WorkerEngine(worker, makeCore, win, report)), fail);
        } else if (m.type === 'error') {
          fail(new Error(m.message));
        }
      };
      worker.postMessage({ type: 'init', wasmUrl: urls.wasmUrl, coreUrl: urls.coreUrl, config });
    });
  }

  // makeCore: a CoreSession, or a function that makes one (InlineEngine).
  constructor(worker, makeCore, win, report) {
    this.worker = worker;
    this.report = report;
    this.inline = new InlineEngine(makeCore, win);
    this.broken = null;
    this.nextId = 1;
    this.requests = new Map(); // id -> {resolve, reject}
    this.workerCalls = 0;
    this.workerMs = 0;
    this.workerCore = null;
    worker.onmessage = (e) => this.receive(e.data);
    worker.onerror = (e) => {
      e.preventDefault();
      this.die(new Error(e.message || 'worker error'));
    };
  }

  get kind() {
    return this.broken === null ? 'worker' : 'main';
  }

  get calls() {
    return this.workerCalls + this.inline.calls;
  }

  get ms() {
    return this.workerMs + this.inline.ms;
  }

  encode(seq, records) {
    if (this.broken !== null) return this.inline.encode(seq, records);
    const id = this.nextId++;
    const copy = records.slice();
    return new Promise((resolve, reject) => {
      this.requests.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'encode', id, seq, buffer: copy.buffer, length: copy.length }, [copy.buffer]);
    });
  }

  receive(m) {
    const req = this.requests.get(m.id);
    if (req === undefined) return;
    this.requests.delete(m.id);
    this.workerCalls += m.calls || 0;
    this.workerMs += m.ms || 0;
    if (m.core) this.workerCore = m.core;
    if (m.type === 'frame') {
      req.resolve({ bytes: new Uint8Array(m.frame), stream: m.stream, prev: m.prev });
    } else {
      const e = new Error(m.message);
      e.code = m.code;
      req.reject(e);
    }
  }

  // The requests in flight are failed; their owner still holds the records
  // and re-encodes them through the inline engine.
  die(error) {
    if (this.broken !== null) return;
    this.broken = error;
    this.report('worker died, encoding on the main thread', error);
    this.worker.terminate();
    for (const req of this.requests.values()) req.reject(error);
    this.requests.clear();
  }

  // The page-exit path encodes on the main thread's core; the worker's core
  // then gets the same records MIRROR_ONLY, so its node mirror (and the
  // checkpoints it writes) misses nothing if the page stays (bfcache, a
  // hidden tab coming back). The core ignores a seq it already had.
  encodeSync(seq, records) {
    const frame = this.inline.encodeSync(seq, records);
    if (this.broken === null) {
      const copy = withFlags(records, readFlags(records) | HeaderFlag.MIRROR_ONLY);
      const own = copy === records ? records.slice() : copy;
      this.worker.postMessage({ type: 'mirror', seq, buffer: own.buffer, length: own.length }, [own.buffer]);
    }
    return frame;
  }

  // The worker core's counters as of its last frame (null before one).
  get coreStats() {
    return this.broken === null ? this.workerCore : this.inline.coreStats;
  }

  drop(seq) {
    this.inline.drop(seq);
  }

  close() {
    if (this.broken === null) {
      this.worker.postMessage({ type: 'close' });
      this.broken = new Error('closed');
    }
    for (const req of this.requests.values()) req.resolve(null);
    this.requests.clear();
    this.inline.close();
  }
}

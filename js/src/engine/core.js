// One Session of the Wasm core, used from one thread. Every flush is the same
// three calls: inputBuffer, flush (the one that does the work), output. A
// failure becomes an Error here and nowhere else.

// recorder/include/recorder/status.h, by number.
const STATUS = ['ok', 'invalid argument', 'malformed', 'too large', 'unsupported',
  'failed precondition', 'internal', 'permission denied'];

export function coreError(code, message) {
  const e = new Error(`core ${STATUS[code] || `status ${code}`}: ${message}`);
  e.code = code;
  return e;
}

// Compiles the .wasm while it streams in. Used by the Worker (so the page's
// main thread never decodes or compiles it) and by the page only when no
// Worker can run.
export async function compileWasm(url) {
  if (typeof WebAssembly.compileStreaming === 'function') {
    try {
      return await WebAssembly.compileStreaming(fetch(url));
    } catch (e) {
      // A server that sends .wasm without Content-Type application/wasm
      // fails streaming compilation with a TypeError; anything else is real.
      if (!(e instanceof TypeError)) throw e;
    }
  }
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return WebAssembly.compile(await res.arrayBuffer());
}

// Emscripten fetches and compiles the .wasm itself unless given an
// instantiateWasm hook; the hook hands it the module compiled once for both
// threads. A failed instantiation must reject: Emscripten would wait forever.
export function instantiateCore(factory, wasmModule) {
  return new Promise((resolve, reject) => {
    factory({
      instantiateWasm(imports, ok) {
        WebAssembly.instantiate(wasmModule, imports).then((instance) => ok(instance, wasmModule), reject);
        return {};
      },
    }).then(resolve, reject);
  });
}

// The same, synchronously: for a core made when the page is already going
// away. A compiled module may be instantiated on the main thread (only
// compiling a large one there is refused), and Emscripten then starts the
// runtime before the factory returns, so its Module (the object passed in)
// is ready at once.
export function instantiateCoreSync(factory, wasmModule) {
  let failure = null;
  const M = {
    instantiateWasm(imports, ok) {
      try {
        const instance = new WebAssembly.Instance(wasmModule, imports);
        ok(instance, wasmModule);
        return instance.exports;
      } catch (e) {
        failure = e;
        return false;
      }
    },
  };
  factory(M).catch(() => {});
  if (failure !== null) throw failure;
  if (typeof M.create !== 'function') throw new Error('the core did not start synchronously');
  return M;
}

const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

export function startsFrame(bytes) {
  return bytes.length >= 4 && ZSTD_MAGIC.every((b, k) => bytes[k] === b);
}

// 64 random bits: names one frame of one page view, nothing about the visitor.
function streamId() {
  const words = new Uint32Array(2);
  globalThis.crypto.getRandomValues(words);
  return Array.from(words, (w) => w.toString(16).padStart(8, '0')).join('');
}

// wasm/bindings.cc SessionStats, in its order: stats() hands back where the
// core wrote them, as doubles.
const STATS = ['batches', 'events', 'recordsBytes', 'batchBytes', 'compressedBytes', 'maskedStrings',
  'checkpoints', 'mirrorOnly', 'mirrorDrops', 'mirrorNodes', 'mirrorBytes', 'wasmBytes'];

// The core's counters, read from where stats() wrote them.
export function readStats(M, ptr) {
  const values = new Float64Array(M.HEAPU8.buffer, ptr, STATS.length);
  const out = {};
  STATS.forEach((name, k) => { out[name] = values[k]; });
  return out;
}

export class CoreSession {
  // config: { siteKey, sessionId, pageViewId, privacyMode, compressionLevel,
  // allowQueryParams, checkpointIntervalMs }
  constructor(M, config) {
    this.M = M;
    this.session = M.create(config.siteKey, config.sessionId, config.pageViewId, config.privacyMode,
      config.compressionLevel, config.allowQueryParams, config.checkpointIntervalMs);
    this.calls = 0;
    this.stream = null; // id of the frame the core is continuing
    this.last = -1; // seq of that frame's latest batch
    const code = M.errorCode(this.session);
    if (code !== 0) {
      const message = M.errorMessage(this.session);
      M.destroy(this.session);
      this.session = null;
      throw coreError(code, message);
    }
  }

  // records: Uint8Array of one records buffer; seq: its sequence number.
  // Returns the compressed batch as a Frame (delivery.js): { bytes, stream,
  // prev }. bytes owns its memory (length 0: nothing to send). The core
  // continues one zstd frame per page view (recorder/src/compressor.h); a
  // batch that starts a new frame begins with the zstd magic number and gets
  // a fresh random stream id, a continuation carries the id of its frame and
  // prev, the seq of the batch before it in that frame, which the collector
  // must have decoded first.
  encode(records, seq) {
    const M = this.M;
    const s = this.session;
    const n = records.length;
    const ptr = M.inputBuffer(s, n);
    this.calls++;
    if (ptr === 0) throw coreError(3, `records buffer of ${n} bytes is over the core's cap`);
    // inputBuffer may have grown memory: HEAPU8 is read after it.
    M.HEAPU8.set(records, ptr);
    // The output's size, or minus a StatusCode.
    const size = M.flush(s, n);
    this.calls++;
    if (size < 0) {
      this.calls++;
      throw coreError(-size, M.errorMessage(s));
    }
    const at = M.output(s);
    const bytes = M.HEAPU8.slice(at, at + size);
    this.calls++;
    if (bytes.length === 0) return { bytes, stream: null, prev: -1 };
    let prev = this.last;
    // Only the bytes say whether the core began a frame (it does so on its
    // own after a failed compression, and a failed parse leaves it as it was).
    if (startsFrame(bytes) || this.stream === null) {
      this.stream = streamId();
      prev = -1;
    }
    this.last = seq;
    return { bytes, stream: this.stream, prev };
  }

  // The core's counters (recorder.h RecorderStats, bindings.cc SessionStats):
  // node mirror, checkpoints, Wasm memory.
  // After close() the last counters stay readable: stats() of a stopped or
  // revoked recording must not call into a destroyed session.
  stats() {
    return this.session === null ? this.finalStats : readStats(this.M, this.M.stats(this.session));
  }

  close() {
    if (this.session === null) return;
    try {
      this.finalStats = this.stats();
    } finally {
      this.M.destroy(this.session);
      this.session = null;
    }
  }
}

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

export class CoreSession {
  // config: { siteKey, sessionId, pageViewId, privacyMode, compressionLevel }
  constructor(M, config) {
    this.M = M;
    this.session = new M.Session(config);
    this.calls = 0;
    const code = this.session.errorCode();
    if (code !== 0) {
      const message = this.session.errorMessage();
      this.session.delete();
      throw coreError(code, message);
    }
  }

  // records: Uint8Array of one records buffer. Returns a frame that owns its
  // memory (length 0: nothing to send).
  encode(records) {
    const s = this.session;
    const n = records.length;
    const ptr = s.inputBuffer(n);
    this.calls++;
    if (ptr === 0) throw coreError(3, `records buffer of ${n} bytes is over the core's cap`);
    // inputBuffer may have grown memory: HEAPU8 is read after it.
    this.M.HEAPU8.set(records, ptr);
    const code = s.flush(n);
    this.calls++;
    if (code !== 0) {
      this.calls++;
      throw coreError(code, s.errorMessage());
    }
    const frame = s.output().slice();
    this.calls++;
    return frame;
  }

  close() {
    this.session.delete();
  }
}

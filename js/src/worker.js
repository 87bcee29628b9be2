// The Worker: one core Session, fed one records buffer per message. A
// classic Worker, not a module one: starting a module Worker cost the page's
// main thread 10-20 ms more in Chromium (bench traces). The core's loader, an
// ES module, comes in by dynamic import from the URL the page sends. The
// Worker compiles the .wasm (off the page's main thread) and sends the
// compiled module back for the page's own fallback Session.

import { CoreSession, compileWasm, instantiateCore } from './engine/core.js';

let core = null;

async function init(m) {
  try {
    const [module, loader] = await Promise.all([compileWasm(m.wasmUrl), import(m.coreUrl)]);
    const M = await instantiateCore(loader.default, module);
    core = new CoreSession(M, m.config);
    self.postMessage({ type: 'ready', module });
  } catch (e) {
    self.postMessage({ type: 'error', message: e && e.message ? e.message : String(e) });
  }
}

function encode(m) {
  const calls = core.calls;
  const t0 = performance.now();
  try {
    const frame = core.encode(new Uint8Array(m.buffer, 0, m.length), m.seq);
    const ms = performance.now() - t0;
    self.postMessage({ type: 'frame', id: m.id, frame: frame.bytes.buffer, stream: frame.stream,
      prev: frame.prev, calls: core.calls - calls, ms, core: core.stats() }, [frame.bytes.buffer]);
  } catch (e) {
    self.postMessage({ type: 'failed', id: m.id, message: e.message, code: e.code,
      calls: core.calls - calls, ms: performance.now() - t0 });
  }
}

self.onmessage = (e) => {
  const m = e.data;
  if (m.type === 'init') {
    init(m);
  } else if (m.type === 'encode') {
    encode(m);
  } else if (m.type === 'mirror') {
    // Sent out of band on the main thread: only the node mirror takes it
    // (MIRROR_ONLY header flag; no output). Nobody waits for an answer.
    try {
      core.encode(new Uint8Array(m.buffer, 0, m.length), m.seq);
    } catch (e) {
      self.postMessage({ type: 'failed', id: 0, message: e.message, code: e.code });
    }
  } else if (m.type === 'close') {
    if (core !== null) core.close();
    core = null;
    self.close();
  }
};

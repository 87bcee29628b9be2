// Loads the Wasm core once: the .wasm is compiled on the main thread (while
// it streams in) and the same WebAssembly.Module is handed to the worker, so
// it is never compiled twice. The main thread always gets its own Session:
// the unload path must encode synchronously.

import { CoreSession, instantiateCore } from './core.js';
import { InlineEngine } from './inline-engine.js';
import { WorkerEngine } from './worker-engine.js';

export const CORE_FILE = 'recorder-core.mjs';
export const WASM_FILE = 'recorder-core.wasm';
export const WORKER_FILE = 'recorder-worker.mjs';

async function compileWasm(url) {
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

// opts: { assetsUrl, config, worker: boolean, win, report(where, error) }
export async function loadEngine(opts) {
  const base = opts.assetsUrl;
  const [wasmModule, coreModule] = await Promise.all([
    compileWasm(new URL(WASM_FILE, base).href),
    import(/* webpackIgnore: true */ new URL(CORE_FILE, base).href),
  ]);
  const M = await instantiateCore(coreModule.default, wasmModule);
  const mainCore = new CoreSession(M, opts.config);
  if (opts.worker) {
    try {
      return await WorkerEngine.create(new URL(WORKER_FILE, base), wasmModule, opts.config, mainCore,
        opts.win, opts.report);
    } catch (e) {
      opts.report('worker unavailable, encoding on the main thread', e);
    }
  }
  return new InlineEngine(mainCore, opts.win);
}

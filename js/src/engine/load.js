// Loads the Wasm core once. With a Worker (the usual case) the Worker
// fetches and compiles the .wasm (streaming compilation decodes on the
// thread that asks, so the page's main thread never does) and hands the
// compiled WebAssembly.Module back; the page instantiates its own Session
// from it, never compiling twice. The main thread always has a Session at
// hand, since the unload path must encode synchronously; with a Worker it is
// made on first use (the page leaving, or the Worker dying), from the loader
// imported and the module received in advance: about 10-18 ms of main-thread
// work (Embind's start-up mostly) that a page view that never needs it does
// not pay. Without a Worker the page compiles the .wasm itself and encodes
// in idle time.

import { CoreSession, compileWasm, instantiateCore, instantiateCoreSync } from './core.js';
import { InlineEngine } from './inline-engine.js';
import { WorkerEngine } from './worker-engine.js';

export const CORE_FILE = 'recorder-core.mjs';
export const WASM_FILE = 'recorder-core.wasm';
export const WORKER_FILE = 'recorder-worker.js';

// opts: { assetsUrl, config, worker: boolean, win, report(where, error) }
export async function loadEngine(opts) {
  const base = opts.assetsUrl;
  const wasmUrl = new URL(WASM_FILE, base).href;
  const coreUrl = new URL(CORE_FILE, base).href;
  const mainCore = async (wasmModule) => {
    const coreModule = await import(/* webpackIgnore: true */ coreUrl);
    return new CoreSession(await instantiateCore(coreModule.default, wasmModule), opts.config);
  };
  // Resolves with a function that makes the Session, synchronously.
  const laterCore = async (wasmModule) => {
    const coreModule = await import(/* webpackIgnore: true */ coreUrl);
    return () => new CoreSession(instantiateCoreSync(coreModule.default, wasmModule), opts.config);
  };
  if (opts.worker) {
    try {
      return await WorkerEngine.create(new URL(WORKER_FILE, base), { wasmUrl, coreUrl }, opts.config, laterCore,
        opts.win, opts.report);
    } catch (e) {
      opts.report('worker unavailable, encoding on the main thread', e);
    }
  }
  return new InlineEngine(await mainCore(await compileWasm(wasmUrl)), opts.win);
}

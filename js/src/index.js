// Public API: start, stop, flush, stats, consent. The ES module build
// exports these; the script-tag build (global.js) also sets
// window.SessionRecorder to the same object.

import { Controller } from './controller.js';

// Where recorder-core.* and the worker live by default: next to this script.
// document.currentScript only exists while a classic script first runs (the
// script-tag build); a module has import.meta.url instead.
function scriptFolder() {
  const script = typeof document !== 'undefined' ? document.currentScript : null;
  const src = script && script.src ? script.src : import.meta.url;
  return src ? new URL('./', src).href : null;
}

const controller = new Controller({
  win: globalThis,
  doc: typeof document !== 'undefined' ? document : null,
  defaultAssetsUrl: scriptFolder(),
});

export const start = (options) => controller.start(options);
export const stop = () => controller.stop();
export const flush = () => controller.flush();
export const stats = () => controller.stats();
export const consent = (levels) => controller.consent(levels);

const SessionRecorder = Object.freeze({ start, stop, flush, stats, consent });
export default SessionRecorder;

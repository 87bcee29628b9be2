// Drives the stages in a module Worker (where the recorder encodes), one
// message per step, so that each timed round is one task of the Worker's
// thread and a Chromium trace gives its thread (CPU) time as well as its wall
// time (compare.mjs).
const worker = new Worker('/runner.mjs', { type: 'module' });
const pending = [];
worker.onmessage = (e) => pending.shift()(e.data);
worker.onerror = (e) => pending.shift()({ error: `worker error: ${e.message}` });

function ask(message) {
  return new Promise((resolve) => {
    pending.push(resolve);
    worker.postMessage(message);
  });
}

window.__bench = {
  stages: () => ask({ type: 'stages' }),
  prepare: (id, minMs) => ask({ type: 'prepare', id, minMs }),
  round: () => ask({ type: 'round' }),
};

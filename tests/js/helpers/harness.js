// Runs in the page (served from the repository): one Recording with a fake
// engine that keeps every records buffer, so browser tests can decode and
// replay exactly what the glue wrote, without the Wasm core.
import { Recording } from '/js/src/recording.js';
import { Reporter } from '/js/src/report.js';
import { resolveOptions } from '/js/src/options.js';

export function record(mode, extra = {}) {
  const buffers = [];
  const logged = [];
  const engine = {
    kind: 'main',
    calls: 0,
    ms: 0,
    encode: async (seq, records) => engine.encodeSync(seq, records),
    encodeSync(seq, records) {
      buffers.push(Array.from(records));
      return new Uint8Array([seq]);
    },
    drop() {},
    close() {},
  };
  const options = resolveOptions({ endpoint: location.origin + '/collect', siteKey: 'test',
    privacy: { mode }, consent: { required: false }, flushIntervalMs: 600000, ...extra }, location.href);
  const reporter = new Reporter((msg) => logged.push(msg));
  const recording = new Recording(options, {
    win: window,
    doc: document,
    reporter,
    sessionId: 'session',
    pageViewId: 'view',
    loadEngine: async () => engine,
    fetch: async () => ({ ok: true, status: 204, text: async () => '' }),
  });
  return {
    recording,
    buffers,
    logged,
    start: () => recording.start(),
    // Resolves with the records buffers written since the last call.
    async flush() {
      const from = buffers.length;
      await recording.flush();
      return buffers.slice(from);
    },
  };
}

// The live DOM in the compact form of tests/js/helpers/replay.js (values as
// they are: compare in relaxed mode, or mask them on the node side).
// Comments are never read in any mode: they show as their mask.
export function liveTree(node = document) {
  if (node.nodeType === 8) {
    const n = node.length;
    return `#comment:*${n === 0 ? 0 : n <= 16 ? 1 : n <= 64 ? 2 : n <= 256 ? 3 : 4}`;
  }
  if (node.nodeType === 3) return `#text:${node.data}`;
  const name = node.nodeType === 1 ? node.localName : node.nodeType === 10 ? node.name : '#9';
  const attrs = node.nodeType === 1 ? [...node.attributes].map((a) => `${a.name}=${a.value}`).join(',') : '';
  const hidden = node.nodeType === 1 && (node.localName === 'script' || node.localName === 'template');
  const kids = hidden ? '' : [...node.childNodes]
    .filter((c) => [1, 3, 8, 10].includes(c.nodeType)).map((c) => liveTree(c)).join(',');
  return `${name}${attrs ? `[${attrs}]` : ''}${kids ? `(${kids})` : ''}`;
}

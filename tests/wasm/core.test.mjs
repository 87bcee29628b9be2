// The Wasm build of the core, driven through its Embind functions from node:
// the same calls js/src/engine/core.js makes, and the same error contract.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = process.env.RECORDER_DIST_DIR || path.join(root, 'dist');
const { default: createRecorderCore } = await import(path.join(dist, 'recorder-core.mjs'));
const M = await createRecorderCore({ wasmBinary: readFileSync(path.join(dist, 'recorder-core.wasm')) });

// Minimal records writer (records.h) so this test does not depend on js/.
function records(seq, build) {
  const out = [];
  const u = (v) => { do { let b = v % 128; v = Math.floor(v / 128); out.push(v ? b | 128 : b); } while (v); };
  const s = (str) => { const b = new TextEncoder().encode(str); u(b.length * 2); out.push(...b); };
  const i = (v) => u(((v << 1) ^ (v >> 31)) >>> 0);
  out.push(2); u(seq); u(1700000000000); u(0);  // format 2: seq, time base, flags
  build({ u, s, i, tag: (t) => out.push(t) });
  return Uint8Array.from(out);
}

const config = { siteKey: 'demo', sessionId: 'sess1', pageViewId: 'pv1', privacyMode: 0, compressionLevel: 3, allowQueryParams: '',
  checkpointIntervalMs: 300000 };

// wasm/bindings.cc SessionStats, in its order (js/src/engine/core.js keeps
// its own copy of the list; this one checks the C++ side independently).
const STATS = ['batches', 'events', 'recordsBytes', 'batchBytes', 'compressedBytes', 'maskedStrings',
  'checkpoints', 'mirrorOnly', 'mirrorDrops', 'mirrorNodes', 'mirrorBytes', 'wasmBytes'];

// The binding's functions on one session handle.
class Session {
  constructor(c) {
    this.h = M.create(c.siteKey, c.sessionId, c.pageViewId, c.privacyMode, c.compressionLevel, c.allowQueryParams,
      c.checkpointIntervalMs);
  }
  errorCode() { return M.errorCode(this.h); }
  errorMessage() { return M.errorMessage(this.h); }
  inputBuffer(n) { return M.inputBuffer(this.h, n); }
  flush(n) { return M.flush(this.h, n); }
  output(size) { const at = M.output(this.h); return M.HEAPU8.subarray(at, at + size); }
  stats() {
    const values = new Float64Array(M.HEAPU8.buffer, M.stats(this.h), STATS.length);
    return Object.fromEntries(STATS.map((name, k) => [name, values[k]]));
  }
  delete() { M.destroy(this.h); }
}

// flush() returns the output's size, or minus a StatusCode.
function flush(session, bytes) {
  const ptr = session.inputBuffer(bytes.length);
  assert.notEqual(ptr, 0);
  M.HEAPU8.set(bytes, ptr);
  const size = session.flush(bytes.length);
  return { code: size < 0 ? -size : 0, frame: size >= 0 ? session.output(size).slice() : null };
}

// A session's first output starts its page view's zstd frame, which is
// flushed but never ended; an empty last raw block ends it for the CLI.
function unzstd(frame) {
  return execFileSync('zstd', ['-d', '-c', '-q'], { input: Buffer.concat([frame, Buffer.from([1, 0, 0])]) });
}

test('a flush yields one zstd frame holding a verified-looking batch', () => {
  const s = new Session(config);
  assert.equal(s.errorCode(), 0);
  const bytes = records(4, ({ u, s: str, i, tag }) => {
    tag(0x0B); u(3); u(12); i(100); i(200); i(5); i(6); u(0);     // CLICK
    tag(0x0D); u(1); u(12); u(0); str('hunter2'); u(0);            // INPUT, strict: masked
  });
  const { code, frame } = flush(s, bytes);
  assert.equal(code, 0, s.errorMessage());
  assert.deepEqual([...frame.subarray(0, 4)], [0x28, 0xb5, 0x2f, 0xfd]);   // zstd magic
  const batch = unzstd(frame);
  assert.equal(batch.subarray(4, 8).toString('latin1'), 'SRB1');
  assert.ok(batch.includes(Buffer.from('sess1')));
  assert.ok(!batch.includes(Buffer.from('hunter2')), 'strict mode must mask input values');
  const st = s.stats();
  assert.equal(st.batches, 1);
  assert.equal(st.events, 2);
  assert.equal(st.compressedBytes, frame.length);
  assert.equal(st.batchBytes, batch.length);
  s.delete();
});

// The page's unload path makes its core with this loader's functions
// (js/src/engine/load.js): the hint has them compiled in the background when
// the loader is imported, not lazily in the exit task (~40 -> ~20 ms there).
test('the loader starts with V8\'s compile hint', () => {
  const text = readFileSync(path.join(dist, 'recorder-core.mjs'), 'utf8');
  assert.equal(text.split('\n', 1)[0], '//# allFunctionsCalledOnLoad');
});

test('an empty flush gives an empty output', () => {
  const s = new Session(config);
  const { code, frame } = flush(s, records(0, () => {}));
  assert.equal(code, 0);
  assert.equal(frame.length, 0);
  s.delete();
});

test('malformed records come back as code 2 with a message, and the session stays usable', () => {
  const s = new Session(config);
  const bad = records(0, ({ tag }) => tag(0x7f));
  const { code } = flush(s, bad);
  assert.equal(code, 2);
  assert.match(s.errorMessage(), /malformed: .*unknown record tag 127/);
  const good = records(1, ({ u, i, tag }) => { tag(0x0C); u(0); u(1); i(0); i(50); });
  assert.equal(flush(s, good).code, 0);
  s.delete();
});

test('a bad config is reported, not thrown', () => {
  const s = new Session({ ...config, sessionId: 'no spaces allowed' });
  assert.equal(s.errorCode(), 1);
  assert.match(s.errorMessage(), /session id/);
  assert.equal(s.inputBuffer(10), 0);
  s.delete();
});

test('an input buffer over the cap is refused', () => {
  const s = new Session(config);
  assert.equal(s.inputBuffer(64 * 1024 * 1024), 0);
  assert.match(s.errorMessage(), /too large/);
  s.delete();
});

test('memory growth keeps big flushes working', () => {
  const s = new Session({ ...config, privacyMode: 2 });
  const bytes = records(0, ({ u, s: str, tag }) => {
    tag(0x02); u(0); u(0); u(0); u(0);                                 // SNAP_BEGIN
    for (let id = 1; id <= 20000; id++) {
      tag(0x06); u(id); u(id === 1 ? 0 : 1); u(0); u(3); u(0); u(0); str(''); str('text node ' + id); u(0);
    }
    tag(0x03);
  });
  const { code, frame } = flush(s, bytes);
  assert.equal(code, 0, s.errorMessage());
  assert.ok(frame.length > 0 && frame.length < bytes.length / 2);
  assert.ok(unzstd(frame).includes(Buffer.from('text node 19999')));
  s.delete();
});

test('the browser build compresses at levels 1 to 3 only (fast match finders)', () => {
  for (const level of [1, 2, 3]) {
    const s = new Session({ ...config, privacyMode: 2, compressionLevel: level });
    assert.equal(s.errorCode(), 0, `level ${level}`);
    const bytes = records(0, ({ u, s: str, tag }) => {
      tag(0x02); u(0); u(0); u(0); u(0);
      for (let id = 1; id <= 3000; id++) { tag(0x06); u(id); u(id === 1 ? 0 : 1); u(0); u(3); u(0); u(0); str(''); str('row ' + (id % 37)); u(0); }
      tag(0x03);
    });
    const { code, frame } = flush(s, bytes);
    assert.equal(code, 0, s.errorMessage());
    assert.ok(unzstd(frame).includes(Buffer.from('row 36')));
    s.delete();
  }
  const s = new Session({ ...config, compressionLevel: 4 });
  assert.equal(s.errorCode(), 1);
  assert.match(s.errorMessage(), /compression level must be 1 to 3/);
  s.delete();
});

// The Wasm build writes zstd's sequences section with its own 64-bit bit
// writer (wasm/zstd_sequences64.c) and counts matches 8 bytes at a time
// (wasm/zstd_fast_only.c); zstd's own decoder must read the result back
// exactly. The texts give it every kind of sequence: short matches at many
// offsets (words), literal runs past 65,535 bytes (random letters, the long
// length escape), matches of 100 KB (a repeated text), and offsets up to the
// window.
test('zstd output of every kind of sequence decodes to exactly the batch', () => {
  let seed = 12345;
  const rand = (n) => { seed = (seed * 1103515245 + 12345) >>> 0; return (seed >>> 8) % n; };
  const letters = (n) => { let t = ''; while (t.length < n) t += String.fromCharCode(97 + rand(26)); return t; };
  const words = Array.from({ length: 300 }, () => letters(2 + rand(9)));
  const prose = (n) => { const w = []; for (let i = 0; i < n; i++) w.push(words[rand(rand(2) ? 20 : 300)]); return w.join(' '); };
  const long = letters(100000);
  const texts = [letters(70000), long];
  // Random chunks seen again far apart, between fresh letters: long extra
  // bits for all three lengths in one sequence, which makes the writer flush
  // inside a sequence.
  const chunks = Array.from({ length: 40 }, () => letters(300 + rand(3000)));
  for (let i = 0; i < 1500; i++) {
    texts.push(prose(1 + rand(40)) + (rand(3) ? '' : chunks[rand(40)]) + (rand(5) ? '' : letters(50 + rand(2000))));
  }
  texts.push(long, letters(3000) + long.slice(500, 40000));
  for (let level = 1; level <= 3; level++) {
    const s = new Session({ ...config, privacyMode: 2, compressionLevel: level });
    const bytes = records(0, ({ u, s: str, tag }) => {
      tag(0x02); u(0); u(0); u(0); u(0);
      texts.forEach((t, k) => { tag(0x06); u(k + 1); u(k === 0 ? 0 : 1); u(0); u(3); u(0); u(0); str(''); str(t); u(0); });
      tag(0x03);
    });
    const { code, frame } = flush(s, bytes);
    assert.equal(code, 0, s.errorMessage());
    const batch = unzstd(frame);
    assert.equal(batch.length, s.stats().batchBytes, `level ${level}: decoded size`);
    assert.ok(frame.length < batch.length / 2, `level ${level}: ${frame.length} of ${batch.length} bytes`);
    for (const k of [0, 1, 2, 700, 1501, 1503]) assert.ok(batch.includes(Buffer.from(texts[k])), `level ${level}: text ${k}`);
    s.delete();
  }
});

test('allowQueryParams crosses the binding: named parameters stay, the rest go', () => {
  const url = '/list?page=2&email=jane%40x.test&sort=asc#top';
  const bytes = records(0, ({ u, s: str, tag }) => { tag(0x11); u(0); u(1); str(url); });
  const kept = new Session({ ...config, allowQueryParams: 'page,sort' });
  const a = unzstd(flush(kept, bytes).frame);
  assert.ok(a.includes(Buffer.from('page=2')) && a.includes(Buffer.from('sort=asc')));
  assert.ok(!a.includes(Buffer.from('jane')) && !a.includes(Buffer.from('#top')));
  kept.delete();
  const none = new Session(config);
  const b = unzstd(flush(none, bytes).frame);
  assert.ok(!b.includes(Buffer.from('page=2')) && b.includes(Buffer.from('/list')));
  none.delete();
  const bad = new Session({ ...config, allowQueryParams: 'ok,bad name' });
  assert.equal(bad.errorCode(), 1);
  bad.delete();
});

// The node mirror and checkpoints through the binding: checkpointIntervalMs
// in the config, MIRROR_ONLY buffers, the mirror and memory figures in stats.
test('checkpoints, mirror-only buffers and mirror stats', () => {
  const at = (seq, time, flags, build) => {
    const bytes = records(seq, build);
    // Re-write the header: format, seq, time base, flags.
    const out = [];
    const u = (v) => { do { let b = v % 128; v = Math.floor(v / 128); out.push(v ? b | 128 : b); } while (v); };
    out.push(2); u(seq); u(time); u(flags);
    const head = [2]; const hu = (v) => { do { let b = v % 128; v = Math.floor(v / 128); head.push(v ? b | 128 : b); } while (v); };
    hu(seq); hu(1700000000000); hu(0);
    return Uint8Array.from([...out, ...bytes.subarray(head.length)]);
  };
  const node = (u, s, id, parent, prev, type, name) => { u(id); u(parent); u(prev); u(type); u(0); u(0); s(name); s(''); u(0); };
  const s = new Session({ ...config, checkpointIntervalMs: 1000 });
  assert.equal(s.errorCode(), 0, s.errorMessage());
  const t0 = 1700000000000;
  assert.equal(flush(s, at(0, t0, 0, ({ u, s: str, i, tag }) => {
    tag(0x02); u(0); i(0); i(0); u(0);                                 // SNAP_BEGIN
    tag(0x06); node(u, str, 1, 0, 0, 9, '');
    tag(0x06); node(u, str, 2, 1, 0, 1, 'html');
    tag(0x03);
  })).code, 0);
  // Out of band: the mirror learns of node 3 without output.
  const mirrorOnly = flush(s, at(1, t0 + 100, 2, ({ u, s: str, tag }) => {
    tag(0x04); u(0); tag(0x06); node(u, str, 3, 2, 0, 1, 'body'); tag(0x05);
  }));
  assert.equal(mirrorOnly.code, 0, s.errorMessage());
  assert.equal(mirrorOnly.frame.length, 0);
  let st = s.stats();
  assert.equal(st.mirrorOnly, 1);
  assert.equal(st.mirrorNodes, 3);
  assert.ok(st.mirrorBytes > 0);
  assert.equal(st.wasmBytes, M.HEAPU8.length);
  assert.equal(flush(s, at(2, t0 + 2000, 0, ({ u, i, tag }) => {
    tag(0x0B); u(0); u(3); i(1); i(2); i(0); i(0); u(0);               // CLICK
  })).code, 0, s.errorMessage());
  st = s.stats();
  assert.equal(st.checkpoints, 1);
  assert.equal(st.events, 1 + 2);  // snapshot; checkpoint snapshot + click
  s.delete();

  const bad = new Session({ ...config, checkpointIntervalMs: -5 });
  assert.equal(bad.errorCode(), 1);
  assert.match(bad.errorMessage(), /checkpoint interval/);
  bad.delete();
});

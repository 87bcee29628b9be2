// Just enough of a wire batch (recorder/schema/recorder.fbs, root Batch) to
// check what the uploader sent: the zstd frame is opened with the zstd CLI
// and a few root fields are read straight from the FlatBuffer.
import { execFileSync } from 'node:child_process';

export function hasZstd() {
  try {
    execFileSync('zstd', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (e) {
    return e.code !== 'ENOENT' ? true : false;
  }
}

// The bodies of one page view's zstd stream (delivery.js: ?stream=&seq=&prev=)
// in the order received, each decoded with its frame's earlier bodies: the
// frame so far, ended by an empty last block, decodes to the batches so far.
// entries: [{ body, url }]; a body without stream parameters stands alone.
export function readBatches(entries) {
  const frames = new Map(); // stream -> { pieces, decoded }
  return entries.map(({ body, url }) => {
    const q = new URL(url || '/', 'http://x').searchParams;
    const stream = q.get('stream');
    if (stream === null) return readBatch(body);
    if (!q.has('prev')) frames.set(stream, { pieces: [], decoded: 0 });
    const f = frames.get(stream);
    if (f === undefined) throw new Error(`continuation of unknown stream ${stream}`);
    f.pieces.push(body);
    const all = execFileSync('zstd', ['-d', '-c', '-q'], { input: Buffer.concat([...f.pieces, Buffer.from([1, 0, 0])]) });
    const one = all.subarray(f.decoded);
    f.decoded = all.length;
    return parseBatch(one);
  });
}

// Batch fields by index: schema_version 0, site_key 1, session_id 2,
// page_view_id 3, seq 4, base_time 5, strings 6, events 7.
export function readBatch(frame) {
  // A stream's first body is a frame flushed but never ended: an empty last
  // block ends it.
  const ended = Buffer.concat([Buffer.from(frame), Buffer.from([1, 0, 0])]);
  let buf;
  try {
    buf = execFileSync('zstd', ['-d', '-c', '-q'], { input: ended, stdio: ['pipe', 'pipe', 'ignore'] });
  } catch {
    buf = execFileSync('zstd', ['-d', '-c', '-q'], { input: frame });
  }
  return parseBatch(buf);
}

function parseBatch(buf) {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const ident = buf.subarray(4, 8).toString('latin1');
  const table = dv.getUint32(0, true);
  const vtable = table - dv.getInt32(table, true);
  const vtSize = dv.getUint16(vtable, true);
  const field = (k) => {
    const at = 4 + 2 * k;
    return at < vtSize ? dv.getUint16(vtable + at, true) : 0;
  };
  const ref = (k) => {
    const off = field(k);
    return off === 0 ? 0 : table + off + dv.getUint32(table + off, true);
  };
  const string = (k) => {
    const at = ref(k);
    return at === 0 ? '' : buf.subarray(at + 4, at + 4 + dv.getUint32(at, true)).toString('utf8');
  };
  const events = ref(7);
  return {
    ident,
    siteKey: string(1),
    sessionId: string(2),
    pageViewId: string(3),
    seq: field(4) === 0 ? 0 : dv.getUint32(table + field(4), true),
    events: events === 0 ? 0 : dv.getUint32(events, true),
  };
}

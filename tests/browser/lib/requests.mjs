// Every request a browser context makes, kept with its body, and every form
// a secret could take in it: the URL raw and percent-decoded, the body raw
// (UTF-8 and Latin-1), the body zstd-decompressed (a batch of a page view's
// zstd stream decoded with its frame's earlier bodies, as the collector
// does), and the same texts with digit separators stripped (so "4000 0566 ..."
// typed with spaces is still found as "40000566...").
import { execFileSync } from 'node:child_process';

const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);

const END_BLOCK = Buffer.from([1, 0, 0]); // an empty last block ends a frame

// Decodes request bodies in the order sent. A body with ?stream=ID is one
// batch of that zstd frame (continuations carry &prev=): the frame so far,
// ended by an empty last block, decodes to its batches so far. Other bodies
// that start a zstd frame are decoded alone. Returns the decoded bytes, null
// for a body that is no zstd at all; throws when a zstd body cannot be
// decoded, so a check over the decoded texts can never pass by not looking.
export function streamDecoder() {
  const frames = new Map(); // stream -> { seqs, pieces, decoded }
  const unzstd = (input) => execFileSync('zstd', ['-d', '-c', '-q'], { input, maxBuffer: 64 << 20, stdio: ['pipe', 'pipe', 'ignore'] });
  return ({ url, body }) => {
    if (!body || !body.length) return null;
    let q = null;
    try {
      q = new URL(url).searchParams;
    } catch (e) {
      q = null;
    }
    const stream = q && q.get('stream');
    if (!stream) {
      if (!body.subarray(0, 4).equals(ZSTD_MAGIC)) return null;
      try {
        return unzstd(body);
      } catch (e) {
        return unzstd(Buffer.concat([body, END_BLOCK]));
      }
    }
    const seq = q.get('seq');
    if (!q.has('prev') && !(frames.get(stream)?.seqs.has(seq))) {
      frames.set(stream, { seqs: new Set(), pieces: [], decoded: 0 });
    }
    const f = frames.get(stream);
    if (f === undefined) throw new Error(`request body continues unknown zstd stream ${stream}`);
    if (f.seqs.has(seq)) return f.plain.get(seq); // a retry of the same body
    f.seqs.add(seq);
    f.pieces.push(body);
    const all = unzstd(Buffer.concat([...f.pieces, END_BLOCK]));
    const plain = all.subarray(f.decoded);
    f.decoded = all.length;
    (f.plain ||= new Map()).set(seq, plain);
    return plain;
  };
}

export function captureRequests(context) {
  const requests = [];
  const decode = streamDecoder();
  context.on('request', (r) => {
    const request = { url: r.url(), method: r.method(), headers: r.headers(), body: r.postDataBuffer() };
    try {
      request.plain = decode(request);
    } catch (e) {
      request.plainError = e;
    }
    requests.push(request);
  });
  return requests;
}

function decodeUrl(url) {
  try {
    return decodeURIComponent(url.replace(/\+/g, ' '));
  } catch (e) {
    return url; // not percent-encoded text: the raw form covers it
  }
}

// The texts to search in one request; lower case, since masking never
// changes case and a canary written otherwise is still a leak.
export function formsOf(request) {
  const forms = [request.url, decodeUrl(request.url)];
  const body = request.body;
  if (body && body.length) {
    forms.push(body.toString('utf8'), body.toString('latin1'));
    if (request.plainError) throw request.plainError;
    const plain = 'plain' in request ? request.plain : streamDecoder()(request);
    if (plain) forms.push(plain.toString('utf8'), plain.toString('latin1'));
  }
  return forms.map((f) => f.toLowerCase());
}

const SEPARATORS = /[\s\-.()/+_]/g;

// Which of `canaries` appear in any of `texts`. A canary made of digits and
// separators is also looked for with every separator stripped on both sides.
export function findCanaries(texts, canaries) {
  const stripped = texts.map((t) => t.replace(SEPARATORS, ''));
  const found = [];
  for (const c of canaries) {
    const lc = c.toLowerCase();
    const digits = /^[\d\s\-.()+]+$/.test(c) ? c.replace(SEPARATORS, '') : null;
    const compact = lc.replace(SEPARATORS, '');
    if (texts.some((t) => t.includes(lc)) ||
        (digits !== null && stripped.some((t) => t.includes(digits))) ||
        (compact.length >= 12 && stripped.some((t) => t.includes(compact)))) {
      found.push(c);
    }
  }
  return found;
}

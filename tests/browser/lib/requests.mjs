// Every request a browser context makes, kept with its body, and every form
// a secret could take in it: the URL raw and percent-decoded, the body raw
// (UTF-8 and Latin-1), the body zstd-decompressed when it is a zstd frame,
// and the same texts with digit separators stripped (so "4000 0566 ..."
// typed with spaces is still found as "40000566...").
import { execFileSync } from 'node:child_process';

const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);

export function captureRequests(context) {
  const requests = [];
  context.on('request', (r) => {
    requests.push({ url: r.url(), method: r.method(), headers: r.headers(), body: r.postDataBuffer() });
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
    if (body.subarray(0, 4).equals(ZSTD_MAGIC)) {
      const plain = execFileSync('zstd', ['-d', '-c', '-q'], { input: body, maxBuffer: 64 << 20 });
      forms.push(plain.toString('utf8'), plain.toString('latin1'));
    }
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

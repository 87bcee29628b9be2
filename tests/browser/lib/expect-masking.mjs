// What the core's masking gate (recorder/src/masking_gate.cc) should have
// made of a live value, per privacy mode, for the browser tests' oracle.
// Kept deliberately literal: if the gate changes, these tests must be
// revisited on purpose.

export function maskToken(value) {
  const n = [...value].length;
  const len = n === 0 ? 0 : n <= 16 ? 8 : n <= 64 ? 32 : n <= 256 ? 128 : 256;
  return '*'.repeat(len);
}

function sensitiveSegment(seg) {
  if (seg.includes('@')) return true;
  const digits = (seg.match(/[0-9]/g) || []).length;
  const letters = (seg.match(/[A-Za-z]/g) || []).length;
  const other = (seg.match(/[^0-9A-Za-z_.-]/g) || []).length;
  if (digits >= 8) return true;
  if (seg.length >= 20 && digits > 0 && letters > 0) return true;
  return other > 0 && seg.length >= 20;
}

export function scrubUrl(url) {
  for (const scheme of ['data:', 'javascript:', 'mailto:', 'tel:', 'blob:']) {
    if (url.toLowerCase().startsWith(scheme)) return url.slice(0, scheme.length);
  }
  const cut = url.search(/[?#]/);
  if (cut >= 0) url = url.slice(0, cut);
  let pathStart = 0;
  const schemeEnd = url.indexOf('://');
  if (schemeEnd >= 0) {
    const hostEnd = url.indexOf('/', schemeEnd + 3);
    pathStart = hostEnd < 0 ? url.length : hostEnd;
  }
  const path = url.slice(pathStart);
  return url.slice(0, pathStart) + (path ? path.split('/').map((s) => (sensitiveSegment(s) ? '*' : s)).join('/') : '');
}

const CONTENT = ['title', 'alt', 'aria-label', 'aria-description', 'aria-valuetext', 'placeholder', 'label', 'summary', 'content'];
const URLS = ['href', 'src', 'action', 'formaction', 'poster', 'cite', 'data', 'background', 'xlink:href', 'ping', 'longdesc'];

// `neverRead` is true for the value attribute of fields the glue must not
// read (password, hidden, payment, one-time codes).
export function expectedAttr(name, live, mode, { neverRead = false } = {}) {
  if (name.startsWith('on') && name.length > 2) return '';
  if (name === 'srcdoc') return maskToken(live);
  if (name === 'value') {
    if (neverRead) return live === '' ? '' : '********';
    return mode === 'relaxed' || live === '' ? live : '********';
  }
  if (URLS.includes(name)) return scrubUrl(live);
  if ((CONTENT.includes(name) || name.startsWith('data-')) && mode === 'strict') return maskToken(live);
  return live;
}

export function expectedText(live, mode, { css = false, comment = false } = {}) {
  if (css) return live;
  // The glue never reads comments, in any mode.
  if (comment) return maskToken(live);
  if (mode !== 'strict') return live;
  if (/^[ \n\t\r\f]*$/.test(live)) return live;
  return maskToken(live);
}

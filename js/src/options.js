// start(options): one declarative table of what may be set, its default and
// its check. Groups (privacy, consent) nest; a new option is a new row. An
// unknown key throws, so a typo ("privacy: { mdoe }") cannot silently leave
// the defaults in force.

const KEY = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_RECORDS_BYTES = 8 << 20; // the core's own cap per flush

const bool = (v) => (typeof v === 'boolean' ? null : 'must be true or false');

const int = (min, max) => (v) =>
  Number.isInteger(v) && v >= min && v <= max ? null : `must be an integer from ${min} to ${max}`;

const oneOf = (...values) => (v) =>
  values.includes(v) ? null : `must be one of ${values.map((x) => `'${x}'`).join(', ')}`;

function httpUrl(v) {
  if (typeof v !== 'string' || v === '') return 'must be a URL string';
  let url;
  try {
    url = new URL(v, typeof location === 'object' ? location.href : undefined);
  } catch (e) {
    return `must be a valid URL (${e.message})`;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? null : 'must be an http(s) URL';
}

// A CSS selector or a list of them; checked against a throwaway fragment so
// a typo throws at start() instead of silently matching nothing.
function selectors(v) {
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || !list.every((s) => typeof s === 'string' && s.trim() !== '')) {
    return 'must be a CSS selector or an array of them';
  }
  if (typeof document === 'object' && document !== null) {
    for (const s of list) {
      try {
        document.createDocumentFragment().querySelector(s);
      } catch (e) {
        return `has an invalid selector "${s}"`;
      }
    }
  }
  return null;
}

// As the core checks them (recorder.cc): a bad name would fail the Session.
const PARAM = /^[A-Za-z0-9_.-]{1,64}$/;
const paramNames = (v) => (Array.isArray(v) && v.every((s) => typeof s === 'string' && PARAM.test(s))
  ? null : 'must be an array of query parameter names ([A-Za-z0-9_.-], 1 to 64 characters)');

// Strings are patterns with * wildcards (see privacy-rules.js); RegExps are
// tested as they are.
const patterns = (v) => (Array.isArray(v) && v.every((p) => (typeof p === 'string' && p !== '') || p instanceof RegExp)
  ? null : 'must be an array of URL patterns (strings with * wildcards, or RegExps)');

// consent.buffer: false, true (the defaults below), or { maxBytes, maxMs }
// with either left to its default.
export const BUFFER_DEFAULTS = Object.freeze({ maxBytes: 512 * 1024, maxMs: 60000 });
function bufferOption(v) {
  if (typeof v === 'boolean') return null;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return 'must be true, false or { maxBytes, maxMs }';
  for (const key of Object.keys(v)) {
    if (key !== 'maxBytes' && key !== 'maxMs') return `has an unknown field "${key}"`;
  }
  if (v.maxBytes !== undefined && int(1024, 16 << 20)(v.maxBytes) !== null) {
    return '.maxBytes must be an integer from 1024 to 16777216';
  }
  if (v.maxMs !== undefined && int(1000, 3600000)(v.maxMs) !== null) {
    return '.maxMs must be an integer from 1000 to 3600000';
  }
  return null;
}

// Each row: { check(v) -> null | problem, default?, required?, group? }.
export const SCHEMA = {
  endpoint: { required: true, check: httpUrl },
  siteKey: {
    required: true,
    check: (v) => (typeof v === 'string' && KEY.test(v) ? null : 'must be 1 to 64 characters of [A-Za-z0-9_-]'),
  },
  privacy: {
    group: {
      mode: { default: 'strict', check: oneOf('strict', 'balanced', 'relaxed') },
      mask: { default: [], check: selectors },
      unmask: { default: [], check: selectors },
      block: { default: [], check: selectors },
      allowQueryParams: { default: [], check: paramNames },
      excludePages: { default: [], check: patterns },
    },
  },
  consent: {
    group: {
      required: { default: true, check: bool },
      gpc: { default: true, check: bool },
      // Capture before consent into page memory only (see BUFFER below).
      buffer: { default: false, check: bufferOption },
      // Adapters that read the site's consent platform (js/src/consent/).
      googleConsentMode: { default: false, check: bool },
      tcf: { default: false, check: bool },
    },
  },
  // Page views of one tab chained into one session (continuity.js): after
  // consent only, sessionStorage keeps the ids for idleTimeoutMs.
  session: {
    group: {
      continuity: { default: true, check: bool },
      idleTimeoutMs: { default: 30 * 60 * 1000, check: int(1000, 24 * 3600 * 1000) },
    },
  },
  flushIntervalMs: { default: 3000, check: int(100, 600000) },
  // DOM changes are written (and coalesced) in windows this long, so a replay
  // shows them at the right moment and a change that lived a whole window
  // (a toast shown for 2 s) is not coalesced away. 0: only at flush.
  mutationWindowMs: { default: 100, check: int(0, 600000) },
  maxRecordsBytes: { default: 256 * 1024, check: int(1024, MAX_RECORDS_BYTES) },
  // Same-origin <link rel=stylesheet> rules as well as their URL, for
  // replays after the site's CSS changed or is gone (more bytes per page).
  captureStylesheetRules: { default: false, check: bool },
  // The core writes a full snapshot (checkpoint) of its own node mirror, in
  // the Worker, at the first flush this long after the last one, so a replay
  // can seek without starting from the beginning. 0: never.
  checkpointIntervalMs: { default: 300000, check: int(0, 24 * 3600 * 1000) },
  worker: { default: true, check: bool },
  assetsUrl: { default: null, check: httpUrl },
  debug: { default: false, check: bool },
};

function fail(path, problem, value) {
  let shown;
  try {
    shown = JSON.stringify(value);
  } catch (e) {
    shown = String(value);
  }
  return new Error(`SessionRecorder.start: option "${path}" ${problem}${value === undefined ? '' : ` (got ${shown})`}`);
}

function resolveGroup(schema, given, prefix) {
  if (given === undefined || given === null) given = {};
  if (typeof given !== 'object' || Array.isArray(given)) {
    throw fail(prefix.slice(0, -1) || 'options', 'must be an object', given);
  }
  for (const key of Object.keys(given)) {
    if (!Object.prototype.hasOwnProperty.call(schema, key)) throw fail(prefix + key, 'is not a known option');
  }
  const out = {};
  for (const [key, row] of Object.entries(schema)) {
    const value = given[key];
    if (row.group) {
      out[key] = resolveGroup(row.group, value, `${prefix}${key}.`);
    } else if (value === undefined) {
      if (row.required) throw fail(prefix + key, 'is required');
      if ('default' in row) out[key] = row.default;
    } else {
      const problem = row.check(value);
      if (problem !== null) throw fail(prefix + key, problem, value);
      out[key] = value;
    }
  }
  return out;
}

// Returns a complete, frozen-shape options object or throws an Error naming
// the first bad option. defaultAssetsUrl: where the running script lives.
export function resolveOptions(given, defaultAssetsUrl) {
  const o = resolveGroup(SCHEMA, given, '');
  o.endpoint = o.endpoint.replace(/\/+$/, '');
  o.batchUrl = `${o.endpoint}/v1/batch`;
  o.forgetUrl = `${o.endpoint}/v1/forget`;
  for (const key of ['mask', 'unmask', 'block']) {
    const v = o.privacy[key];
    o.privacy[key] = typeof v === 'string' ? [v] : v.slice();
  }
  const b = o.consent.buffer;
  o.consent.buffer = b === false ? null : { ...BUFFER_DEFAULTS, ...(b === true ? {} : b) };
  let assets = o.assetsUrl || defaultAssetsUrl;
  if (!assets) throw fail('assetsUrl', 'is required when the script location is unknown');
  if (!assets.endsWith('/')) assets += '/';
  o.assetsUrl = assets;
  return o;
}

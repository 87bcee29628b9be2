// Public API of the session recorder's browser glue (dist/recorder.js sets
// window.SessionRecorder; dist/recorder.mjs exports the same functions).

export type PrivacyModeName = 'strict' | 'balanced' | 'relaxed';

/**
 * Always, in every mode: values of password, hidden and payment/one-time-code
 * fields (and of fields whose id or name says pass, pwd or secret, and of a
 * password field later revealed as text), <script> contents (JSON-LD included), comments and everything
 * inside a blocked region are never read; URLs lose their query string
 * (except allowQueryParams) and email-, number- and token-like path segments.
 *
 * Regions, by attribute or by selector; the nearest one up the ancestry
 * decides, a blocked ancestor ends the question, mask wins over unmask on
 * one element, and contenteditable counts as a field (masked unless
 * relaxed). Marker and selector changes at run time re-serialize the
 * affected subtree under the new rule.
 */
export interface PrivacyOptions {
  /**
   * How much page content may be read. Default 'strict'.
   * - 'strict': all text, content attributes (every attribute outside the
   *   structural allowlist: title, alt, aria-label, placeholder, content,
   *   data-*, unknown names, ...), CSS `content` strings and input values masked.
   * - 'balanced': text shown; input values and editable text masked.
   * - 'relaxed': only the always-rules above, masked regions and (in the
   *   core) detected personal data masked.
   */
  mode?: PrivacyModeName;
  /** CSS selector(s) of regions whose text, content attributes and values are masked in any mode (as `data-recorder-mask`). Default []. */
  mask?: string | string[];
  /**
   * CSS selector(s) of regions carved out of a masked region (as
   * `data-recorder-unmask`): they follow the mode again. They cannot loosen
   * the mode itself: in 'strict' the core still masks their text. Ignored
   * under analytics-only consent. Default [].
   */
  unmask?: string | string[];
  /** CSS selector(s) of regions never read at all (as `data-recorder-block`): only the element's tag and size are kept, as an empty placeholder. Default []. */
  block?: string | string[];
  /** Names of query parameters kept in recorded URLs (all others are dropped by the core). Default []. */
  allowQueryParams?: string[];
  /**
   * Pages where nothing at all is recorded: strings with `*` wildcards match
   * the path (or, when they contain "://", origin + path), RegExps are tested
   * against the whole URL. A same-document navigation to such a page ends
   * the current page view before anything of it is written; recording
   * resumes, as a new page view, once the visitor leaves it. Default [].
   */
  excludePages?: (string | RegExp)[];
}

/** consent() levels; a level not named is not granted. */
export interface ConsentLevels {
  /** Interactions (clicks, scrolls, moves, focus, navigation) and page structure, with every text, value and content attribute masked. */
  analytics?: boolean;
  /** The full recording, under the privacy options. */
  replay?: boolean;
}

/** consent.buffer limits. */
export interface ConsentBufferOptions {
  /** Records held before consent, at most (1024..16 MiB); capture stops there. Default 524288. */
  maxBytes?: number;
  /** Capture before consent stops after this long, ms (1000..3600000). Default 60000. */
  maxMs?: number;
}

export interface ConsentOptions {
  /** Record only after consent(true). Default true. */
  required?: boolean;
  /** Never record when navigator.globalPrivacyControl is true; wins over consent and adapters. Default true. */
  gpc?: boolean;
  /**
   * Record before consent into page memory only: no request (the core and
   * Worker are not fetched), no storage. Capture stops at maxBytes or
   * maxMs, keeping what it holds whole. A replay grant delivers it; a deny,
   * an analytics-only grant or pagehide discards it unsent. Default false.
   */
  buffer?: boolean | ConsentBufferOptions;
  /**
   * Follow Google Consent Mode v2 (gtag('consent', 'default' | 'update',
   * { analytics_storage }) on window.dataLayer): 'granted' = consent(true),
   * 'denied' = consent(false). A regional default can only deny. Default false.
   */
  googleConsentMode?: boolean;
  /**
   * Follow the IAB TCF v2.2 CMP (__tcfapi 'addEventListener'): analytics
   * needs consent to purposes 1, 8 and 9, replay also 10; gdprApplies
   * false grants both; a later choice without them revokes. Default false.
   */
  tcf?: boolean;
}

/** Page views of one tab chained into one session (after consent only). */
export interface SessionOptions {
  /**
   * Keep the session id, page view id and time of the last input in
   * sessionStorage (tab-scoped, ids only) so the next page of the tab
   * continues the session. false: one session per page load, nothing stored.
   * Default true.
   */
  continuity?: boolean;
  /** Idle gap since the last click/key/scroll/touch after which a new session starts, ms (1000..86400000). Default 1800000. */
  idleTimeoutMs?: number;
}

export interface StartOptions {
  /** Collector base URL; batches are POSTed to endpoint + '/v1/batch'. Required. */
  endpoint: string;
  /** The site's public key, 1..64 characters of [A-Za-z0-9_-]. Required. */
  siteKey: string;
  privacy?: PrivacyOptions;
  consent?: ConsentOptions;
  session?: SessionOptions;
  /** Time between flushes, ms (100..600000). Default 3000. */
  flushIntervalMs?: number;
  /** DOM changes are written, and coalesced, in windows this long, ms (0..600000; 0 = at flush only). Default 100. */
  mutationWindowMs?: number;
  /** Flush early when the pending records exceed this many bytes (1024..8 MiB). Default 256 KiB. */
  maxRecordsBytes?: number;
  /** Also send the rules of same-origin <link rel=stylesheet> sheets once loaded (replays survive CSS changes). Default false. */
  captureStylesheetRules?: boolean;
  /** A checkpoint (full snapshot written by the core from its node mirror) at the first flush this long after the last full snapshot, ms (0..86400000; 0 = never). Default 300000. */
  checkpointIntervalMs?: number;
  /** Encode in a module Worker when possible (else in idle time). Default true. */
  worker?: boolean;
  /** Folder of recorder-core.mjs, recorder-core.wasm and recorder-worker.js. Default: the running script's folder. */
  assetsUrl?: string;
  /** performance.mark/measure around flush work. Default false. */
  debug?: boolean;
}

export interface FlushResult {
  /** Batches delivered while waiting (this flush's and any still pending before it). */
  batches: number;
  /** Compressed bytes of those batches. */
  bytes: number;
}

export interface RecorderStats {
  sessionId: string | null;
  pageViewId: string | null;
  state: 'idle' | 'starting' | 'recording' | 'stopping' | 'stopped' | 'failed';
  /** Timed records observed (clicks, moves, mutations, ...). */
  events: number;
  /** Records buffers handed to the core. */
  flushes: number;
  /** Calls into the Wasm core, worker and main thread together (3 per flush). */
  wasmCalls: number;
  recordsBytes: number;
  compressedBytes: number;
  batchesSent: number;
  batchesPending: number;
  batchesDropped: number;
  retries: number;
  /** Unload-time batches sent without keepalive (over the browser's 64 KiB budget). */
  keepaliveOverflow: number;
  /** Time in event handlers and observer callbacks on the main thread. */
  observeMs: number;
  /** Time serializing the DOM (snapshot and mutations). */
  serializeMs: number;
  /** Time inside the Wasm core, wherever it ran. */
  wasmMs: number;
  engine: 'worker' | 'main';
  /** Internal errors reported (each distinct message is logged once). */
  errors: number;
  /** Recording before consent into page memory (consent.buffer); nothing sent yet. */
  buffering: boolean;
}

/**
 * Validates the options (throws synchronously, naming the bad option) and
 * starts recording once consent allows. Resolves when capture has begun, or
 * at once when it waits for consent or Global Privacy Control forbids it.
 */
export function start(options: StartOptions): Promise<void>;
/** Final flush, then every listener and observer is removed. */
export function stop(): Promise<void>;
/** Sends what was recorded so far; resolves once the collector accepted it, rejects with its reason. */
export function flush(): Promise<FlushResult>;
export function stats(): RecorderStats;
/**
 * Sets consent: true = both levels, false = none, or { analytics, replay }.
 * Withdrawing a level stops capture, drops everything unsent and the session
 * id, and asks the collector to delete the session
 * (POST endpoint + '/v1/forget', retried like batches); recording then goes
 * on, in a new session, at the level still granted. Widening (analytics ->
 * replay) starts a new page view of the same session.
 */
export function consent(levels: boolean | ConsentLevels): Promise<void>;

declare const SessionRecorder: {
  start: typeof start;
  stop: typeof stop;
  flush: typeof flush;
  stats: typeof stats;
  consent: typeof consent;
};
export default SessionRecorder;

declare global {
  interface Window {
    SessionRecorder: typeof SessionRecorder;
  }
}

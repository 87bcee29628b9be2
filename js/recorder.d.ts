// Public API of the session recorder's browser glue (dist/recorder.js sets
// window.SessionRecorder; dist/recorder.mjs exports the same functions).

export type PrivacyModeName = 'strict' | 'balanced' | 'relaxed';

export interface PrivacyOptions {
  /** How much page content may be read. Default 'strict': all text and input values masked. */
  mode?: PrivacyModeName;
  // Reserved for later versions; setting them now throws:
  // mask, unmask, block, allowQueryParams, excludePages.
}

export interface ConsentOptions {
  /** Record only after consent(true). Default true. */
  required?: boolean;
  /** Never record when navigator.globalPrivacyControl is true. Default true. */
  gpc?: boolean;
}

export interface StartOptions {
  /** Collector base URL; batches are POSTed to endpoint + '/v1/batch'. Required. */
  endpoint: string;
  /** The site's public key, 1..64 characters of [A-Za-z0-9_-]. Required. */
  siteKey: string;
  privacy?: PrivacyOptions;
  consent?: ConsentOptions;
  /** Time between flushes, ms (100..600000). Default 3000. */
  flushIntervalMs?: number;
  /** DOM changes are written, and coalesced, in windows this long, ms (0..600000; 0 = at flush only). Default 100. */
  mutationWindowMs?: number;
  /** Flush early when the pending records exceed this many bytes (1024..8 MiB). Default 256 KiB. */
  maxRecordsBytes?: number;
  /** Encode in a module Worker when possible (else in idle time). Default true. */
  worker?: boolean;
  /** Folder of recorder-core.mjs, recorder-core.wasm and recorder-worker.mjs. Default: the running script's folder. */
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
/** Grants (true) or withdraws (false) consent. Withdrawing stops capture and drops everything unsent. */
export function consent(granted: boolean): Promise<void>;

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

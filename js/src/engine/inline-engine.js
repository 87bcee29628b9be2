// Encoding on the main thread, in idle time: the page's own work comes first.
// encodeSync is the unload path, where waiting is not an option.

const IDLE_TIMEOUT_MS = 2000;

function idle(win, fn) {
  if (typeof win.requestIdleCallback === 'function') {
    win.requestIdleCallback(fn, { timeout: IDLE_TIMEOUT_MS });
  } else {
    win.setTimeout(() => fn(null), 1);
  }
}

export class InlineEngine {
  // core: a CoreSession, or a function that makes one when first needed
  // (the Worker's fallback: most page views never use it).
  constructor(core, win = globalThis) {
    this.made = typeof core === 'function' ? null : core;
    this.make = typeof core === 'function' ? core : null;
    this.failed = null;
    this.win = win;
    this.kind = 'main';
    this.jobs = [];
    this.scheduled = false;
    this.ms = 0;
    this.run = (deadline) => this.runJobs(deadline);
  }

  // The core, made on first use. A failure is kept: the unload path asks
  // once per batch and must not pay for a second attempt.
  get core() {
    if (this.made === null) {
      if (this.failed !== null) throw this.failed;
      try {
        this.made = this.make();
      } catch (e) {
        this.failed = e;
        throw e;
      }
    }
    return this.made;
  }

  get calls() {
    return this.made === null ? 0 : this.made.calls;
  }

  // Resolves with the Frame (core.js), or with null when drop(seq) came
  // first.
  encode(seq, records) {
    return new Promise((resolve, reject) => {
      this.jobs.push({ seq, records, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        idle(this.win, this.run);
      }
    });
  }

  runJobs(deadline) {
    this.scheduled = false;
    do {
      const job = this.jobs.shift();
      if (job === undefined) return;
      try {
        job.resolve(this.encodeSync(job.seq, job.records));
      } catch (e) {
        job.reject(e);
      }
    } while (deadline && deadline.timeRemaining() > 2);
    if (this.jobs.length > 0) {
      this.scheduled = true;
      idle(this.win, this.run);
    }
  }

  encodeSync(seq, records) {
    const t0 = performance.now();
    try {
      return this.core.encode(records, seq);
    } finally {
      this.ms += performance.now() - t0;
    }
  }

  get coreStats() {
    return this.made === null ? null : this.made.stats();
  }

  drop(seq) {
    const k = this.jobs.findIndex((j) => j.seq === seq);
    if (k >= 0) this.jobs.splice(k, 1)[0].resolve(null);
  }

  close() {
    for (const job of this.jobs) job.resolve(null);
    this.jobs = [];
    if (this.made !== null) this.made.close();
    this.make = () => {
      throw new Error('engine closed');
    };
  }
}

// One place where the glue's own failures go. A recorder must never break
// the page, so handlers catch, but every catch lands here: counted, and
// logged once per distinct message so a failing handler on every mousemove
// cannot flood the console.

const MAX_DISTINCT = 50;

export class Reporter {
  constructor(log = (msg) => console.warn(msg)) {
    this.log = log;
    this.seen = new Set();
    this.count = 0;
  }

  // where: a short name of the place ("flush", "mutations").
  report(where, error) {
    this.count++;
    const detail = error && error.message ? error.message : String(error);
    const msg = `[SessionRecorder] ${where}: ${detail}`;
    if (this.seen.has(msg) || this.seen.size >= MAX_DISTINCT) return;
    this.seen.add(msg);
    this.log(msg);
  }
}

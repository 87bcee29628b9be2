// Clocks, and the optional performance marks of `debug: true`, so the cost of
// the recorder shows up by name in the browser's performance panel.

export class Timing {
  constructor(win, debug) {
    this.perf = (win && win.performance) || globalThis.performance;
    // timeOrigin + now() is monotonic; Date.now() can jump with the clock.
    this.origin = this.perf.timeOrigin || Date.now() - this.perf.now();
    this.debug = debug && typeof this.perf.mark === 'function';
  }

  perfNow() {
    return this.perf.now();
  }

  epochNow() {
    return this.origin + this.perf.now();
  }

  begin(name) {
    if (this.debug) this.perf.mark(`recorder:${name}:start`);
  }

  end(name) {
    if (!this.debug) return;
    this.perf.measure(`recorder:${name}`, `recorder:${name}:start`);
    this.perf.clearMarks(`recorder:${name}:start`);
  }
}

// Runs fn in a task of its own, soon (scheduler.postTask where there is
// one, else a 0 ms timer). fn must not throw: it is past any caller.
export function nextTask(win, fn) {
  const sched = win.scheduler;
  if (sched && typeof sched.postTask === 'function') {
    sched.postTask(fn).catch(() => {});
  } else {
    win.setTimeout(fn, 0);
  }
}

// Shared plumbing of the capture modules: listeners that can all be removed,
// and a set of pending items written after a short delay (last state wins).

// Capture phase sees events the page stops from propagating; passive keeps
// scrolling and touch off the critical path.
const OPTIONS = { capture: true, passive: true };

export class Listeners {
  constructor(ctx) {
    this.ctx = ctx;
    this.list = [];
  }

  on(target, type, fn) {
    const handler = this.ctx.guard(type, fn);
    target.addEventListener(type, handler, OPTIONS);
    this.list.push([target, type, handler]);
  }

  off() {
    for (const [target, type, handler] of this.list) {
      target.removeEventListener(type, handler, OPTIONS);
    }
    this.list = [];
  }
}

// High-rate events (scroll, input, resize) only note their target; the
// state is read once when the delay expires or the recorder flushes.
export class Pending {
  constructor(ctx, name, delayMs, write) {
    this.ctx = ctx;
    this.delayMs = delayMs;
    this.write = write;
    this.items = new Set();
    this.timer = 0;
    this.fire = ctx.guard(name, () => {
      this.timer = 0;
      this.drain();
    });
  }

  add(item) {
    this.items.add(item);
    if (this.timer === 0) this.timer = this.ctx.setTimeout(this.fire, this.delayMs);
  }

  drain() {
    if (this.timer !== 0) {
      this.ctx.clearTimeout(this.timer);
      this.timer = 0;
    }
    if (this.items.size === 0) return;
    const items = this.items;
    this.items = new Set();
    for (const item of items) this.write(item);
  }

  clear() {
    if (this.timer !== 0) this.ctx.clearTimeout(this.timer);
    this.timer = 0;
    this.items.clear();
  }
}

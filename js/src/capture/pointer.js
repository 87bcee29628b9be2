// MOVE and CLICK records. pointermove can fire at 120 Hz or more; one sample
// per SAMPLE_MS is kept, plus the last position of a burst so the replayed
// pointer ends where the real one rested. Samples are written as one MOVE of
// a few points, and always before any other timed record so the buffer's
// clock never runs backwards.

import { Listeners } from './listen.js';

const SAMPLE_MS = 50;
const POINTS_PER_MOVE = 10;

export class Pointer {
  start(ctx) {
    this.ctx = ctx;
    this.on = new Listeners(ctx);
    this.points = [];
    this.len = 0;
    this.lastSample = -Infinity;
    this.tail = null;
    ctx.writer.beforeTimed = () => this.writeMoves();
    this.on.on(ctx.doc, 'pointermove', (e) => this.move(e));
    this.on.on(ctx.doc, 'click', (e) => this.click(e));
  }

  move(e) {
    const t = this.ctx.now();
    if (t - this.lastSample < SAMPLE_MS) {
      this.tail = [t, e.pageX, e.pageY];
      return;
    }
    this.lastSample = t;
    this.tail = null;
    this.push(t, e.pageX, e.pageY);
    if (this.len >= POINTS_PER_MOVE * 3) this.writeMoves();
  }

  push(t, x, y) {
    const p = this.points;
    p[this.len++] = t;
    p[this.len++] = x;
    p[this.len++] = y;
  }

  writeMoves() {
    if (this.tail !== null) {
      this.push(this.tail[0], this.tail[1], this.tail[2]);
      this.tail = null;
    }
    if (this.len === 0) return;
    // Cleared before writing: writer.move runs the beforeTimed hook, which
    // lands back here and must find nothing left to write.
    const len = this.len;
    this.len = 0;
    this.ctx.writer.move(this.points, len);
  }

  click(e) {
    const ctx = this.ctx;
    const el = ctx.target(e.target);
    if (el === null) return;
    let ex = 0;
    let ey = 0;
    if (typeof el.getBoundingClientRect === 'function') {
      const r = el.getBoundingClientRect();
      ex = e.clientX - r.left;
      ey = e.clientY - r.top;
    }
    ctx.writer.click(ctx.now(), ctx.mirror.id(el), e.pageX, e.pageY, ex, ey, e.button);
  }

  drain() {
    this.writeMoves();
  }

  stop() {
    this.on.off();
    if (this.ctx.writer.beforeTimed !== null) this.ctx.writer.beforeTimed = null;
    this.reset();
  }

  reset() {
    this.len = 0;
    this.tail = null;
  }
}

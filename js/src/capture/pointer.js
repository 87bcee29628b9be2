// MOVE and CLICK records. pointermove can fire at 120 Hz or more; one sample
// per SAMPLE_MS is kept, plus the last position of a burst so the replayed
// pointer ends where the real one rested. Samples are written as one MOVE of
// a few points, and always before any other timed record so the buffer's
// clock never runs backwards.
//
// Clicks inside open shadow roots are seen on the document, retargeted to
// the host: the real target is composedPath()[0]. An iframe document's
// pointer events stay in it, so each recorded iframe is listened to as well,
// its coordinates moved onto the page's.

import { Listeners } from './listen.js';
import { RootKind, eventTarget } from './roots.js';

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
    this.on.on(ctx.doc, 'pointermove', (e) => this.move(e, null));
    this.on.on(ctx.doc, 'click', (e) => this.click(e, null));
    ctx.roots.on([RootKind.FRAME], 'pointermove', (e, entry) => this.move(e, entry));
    ctx.roots.on([RootKind.FRAME], 'click', (e, entry) => this.click(e, entry));
  }

  // The event's position on the page: an iframe's viewport is offset by the
  // iframe's place on the page's viewport.
  pagePoint(e, entry) {
    if (entry === null) return [e.pageX, e.pageY];
    const off = this.ctx.roots.offsetOf(entry);
    const win = this.ctx.win;
    return [Math.round(off.x + e.clientX + win.scrollX), Math.round(off.y + e.clientY + win.scrollY)];
  }

  move(e, entry) {
    const t = this.ctx.now();
    if (t - this.lastSample < SAMPLE_MS) {
      // Only the burst's last position is kept; read when it is written.
      this.tail = [t, e, entry];
      return;
    }
    this.lastSample = t;
    this.tail = null;
    const [x, y] = this.pagePoint(e, entry);
    this.push(t, x, y);
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
      const [t, e, entry] = this.tail;
      this.tail = null;
      const [x, y] = this.pagePoint(e, entry);
      this.push(t, x, y);
    }
    if (this.len === 0) return;
    // Cleared before writing: writer.move runs the beforeTimed hook, which
    // lands back here and must find nothing left to write.
    const len = this.len;
    this.len = 0;
    this.ctx.writer.move(this.points, len);
  }

  click(e, entry) {
    const ctx = this.ctx;
    const el = ctx.target(eventTarget(e));
    if (el === null) return;
    let ex = 0;
    let ey = 0;
    if (typeof el.getBoundingClientRect === 'function') {
      const r = el.getBoundingClientRect();
      ex = e.clientX - r.left;
      ey = e.clientY - r.top;
    }
    const [x, y] = this.pagePoint(e, entry);
    ctx.writer.click(ctx.now(), ctx.mirror.id(el), x, y, ex, ey, e.button);
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

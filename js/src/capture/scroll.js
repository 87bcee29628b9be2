// SCROLL records. Scroll events do not bubble, but a capture-phase listener
// on the document sees every element's; positions are read once per
// throttle window (last position wins), not once per event.

import { Listeners, Pending } from './listen.js';
import { DOCUMENT_ID } from '../mirror.js';

const SCROLL_DELAY_MS = 100;

export class Scroll {
  start(ctx) {
    this.ctx = ctx;
    this.on = new Listeners(ctx);
    this.pending = new Pending(ctx, 'scroll', SCROLL_DELAY_MS, (target) => this.write(target));
    this.on.on(ctx.doc, 'scroll', (e) => this.pending.add(e.target));
  }

  write(target) {
    const ctx = this.ctx;
    if (target === ctx.doc || target === ctx.doc.scrollingElement) {
      ctx.writer.scroll(ctx.now(), DOCUMENT_ID, ctx.win.scrollX, ctx.win.scrollY);
      return;
    }
    if (!target.isConnected || ctx.target(target) !== target) return;
    ctx.writer.scroll(ctx.now(), ctx.mirror.id(target), target.scrollLeft, target.scrollTop);
  }

  drain() {
    this.pending.drain();
  }

  stop() {
    this.on.off();
    this.pending.clear();
  }

  reset() {
    this.pending.clear();
  }
}

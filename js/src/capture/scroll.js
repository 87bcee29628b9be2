// SCROLL records. Scroll events do not bubble, but a capture-phase listener
// on the document sees every element's; positions are read once per
// throttle window (last position wins), not once per event.
//
// Scroll events stay inside a shadow root and inside an iframe's document:
// each recorded root is listened to as well. An iframe's own viewport
// scroll names that iframe's Document id.

import { Listeners, Pending } from './listen.js';
import { DOCUMENT_ID } from '../mirror.js';
import { RootKind } from './roots.js';

const SCROLL_DELAY_MS = 100;

export class Scroll {
  start(ctx) {
    this.ctx = ctx;
    this.on = new Listeners(ctx);
    this.pending = new Pending(ctx, 'scroll', SCROLL_DELAY_MS, (target) => this.write(target));
    this.on.on(ctx.doc, 'scroll', (e) => this.pending.add(e.target));
    ctx.roots.on([RootKind.SHADOW, RootKind.FRAME], 'scroll', (e) => this.pending.add(e.target));
  }

  write(target) {
    const ctx = this.ctx;
    if (target === ctx.doc || target === ctx.doc.scrollingElement) {
      ctx.writer.scroll(ctx.now(), DOCUMENT_ID, ctx.win.scrollX, ctx.win.scrollY);
      return;
    }
    const doc = target.nodeType === 9 ? target : null;
    const frameDoc = doc || (target.ownerDocument && target === target.ownerDocument.scrollingElement
      ? target.ownerDocument : null);
    if (frameDoc !== null) {
      const id = ctx.mirror.id(frameDoc);
      const win = frameDoc.defaultView;
      if (id !== 0 && win) ctx.writer.scroll(ctx.now(), id, win.scrollX, win.scrollY);
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

// RESIZE (throttled: a window drag fires dozens per second) and VISIBILITY.

import { Listeners, Pending } from './listen.js';

const RESIZE_DELAY_MS = 250;

export const VisibilityState = Object.freeze({ visible: 1, hidden: 2 });

export class Viewport {
  start(ctx) {
    this.ctx = ctx;
    this.on = new Listeners(ctx);
    this.resizes = new Pending(ctx, 'resize', RESIZE_DELAY_MS, () => {
      ctx.writer.resize(ctx.now(), ctx.win.innerWidth, ctx.win.innerHeight);
    });
    this.on.on(ctx.win, 'resize', () => this.resizes.add(ctx.win));
    this.on.on(ctx.doc, 'visibilitychange', () => {
      const hidden = ctx.doc.visibilityState === 'hidden';
      ctx.writer.visibility(ctx.now(), hidden ? VisibilityState.hidden : VisibilityState.visible);
    });
  }

  drain() {
    this.resizes.drain();
  }

  stop() {
    this.on.off();
    this.resizes.clear();
  }

  reset() {
    this.resizes.clear();
  }
}

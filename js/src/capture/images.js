// IMGSRC records: the source an <img> actually shows (currentSrc) when its
// src attribute does not say it: a srcset or <picture> choice, made by the
// browser for this viewport and density, which a replay in another viewport
// would make differently. Written after the snapshot for images already
// loaded, and on each load (capture phase: load does not bubble, nor leave a
// shadow root), only when it differs from what was last said. The core
// scrubs the URL like any other.

import { Listeners } from './listen.js';
import { RootKind } from './roots.js';

export class Images {
  start(ctx) {
    this.ctx = ctx;
    this.on = new Listeners(ctx);
    this.sent = new WeakMap(); // img -> url last written
    this.started = false;
    const loaded = (e) => {
      const el = e.target;
      if (el && el.nodeType === 1 && el.localName === 'img') this.check(el);
    };
    this.on.on(ctx.doc, 'load', loaded);
    ctx.roots.on([RootKind.SHADOW, RootKind.FRAME], 'load', loaded);
    this.noteRoot = ctx.guard('images', (root) => {
      if (this.started) this.sync(root);
    });
    ctx.roots.bind(this);
    ctx.guard('images', () => {
      this.started = true;
      this.sync(ctx.doc);
      ctx.roots.each((entry) => this.sync(entry.root));
    })();
  }

  enter(entry) {
    if (this.started) queueMicrotask(() => this.noteRoot(entry.root));
  }

  refresh() {}

  // Only an image with a srcset or in a <picture> can show other than its
  // src: the others are not asked (currentSrc costs a few µs an image).
  sync(root) {
    for (const el of root.querySelectorAll('img[srcset], picture img')) {
      if (el.complete) this.check(el);
    }
  }

  check(el) {
    const url = el.currentSrc;
    if (!url) return;
    const was = this.sent.get(el);
    // el.src: the src attribute resolved, as the replay resolves it.
    if (was === undefined ? url === el.src : url === was) return;
    const ctx = this.ctx;
    if (ctx.target(el) !== el) return;
    ctx.writer.imgSrc(ctx.now(), ctx.mirror.id(el), url);
    this.sent.set(el, url);
  }

  stop() {
    this.on.off();
    this.started = false;
  }

  reset() {
    this.started = false;
  }
}

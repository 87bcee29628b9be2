// INPUT records for text fields, textareas, checkboxes, radios and selects.
// Typing fires one event per key; the field is noted and its state read once
// per throttle window. What may be read is privacy.fieldValue's decision.
// A field inside an open shadow root is composedPath()[0]; `change` does
// not leave a shadow root and nothing leaves an iframe's document, so those
// roots are listened to as well.

import { Listeners, Pending } from './listen.js';
import { RootKind, eventTarget } from './roots.js';

const INPUT_DELAY_MS = 100;
const FIELDS = new Set(['input', 'textarea', 'select']);

export class Input {
  start(ctx) {
    this.ctx = ctx;
    this.on = new Listeners(ctx);
    this.pending = new Pending(ctx, 'input', INPUT_DELAY_MS, (el) => this.write(el));
    const note = (e) => {
      const el = eventTarget(e);
      if (el && FIELDS.has(el.localName)) this.pending.add(el);
    };
    this.on.on(ctx.doc, 'input', note);
    this.on.on(ctx.doc, 'change', note);
    ctx.roots.on([RootKind.SHADOW, RootKind.FRAME], 'change', note);
    ctx.roots.on([RootKind.FRAME], 'input', note);
  }

  write(el) {
    const ctx = this.ctx;
    if (!el.isConnected || (el.localName === 'input' && el.type === 'hidden')) return;
    // A field in a blocked region (or blocked itself) is never looked at.
    if (ctx.target(el) !== el || ctx.privacy.regions.isBlocked(el)) return;
    const id = ctx.mirror.id(el);
    const toggle = el.localName === 'input' && (el.type === 'checkbox' || el.type === 'radio');
    const value = ctx.privacy.fieldValue(el);
    ctx.writer.input(ctx.now(), id, value, toggle && el.checked, ctx.privacy.valueFlags);
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

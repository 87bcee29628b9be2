// FOCUS records. Focus is also the first moment a field is surely seen, so
// secret fields are marked here before a reveal toggle can change their type.

import { Listeners } from './listen.js';
import { RootKind, eventTarget } from './roots.js';

const FIELDS = new Set(['input', 'textarea', 'select']);

export class Focus {
  start(ctx) {
    this.on = new Listeners(ctx);
    // Inside an open shadow root the real target is composedPath()[0].
    // Focus moving within one shadow root never reaches the document (the
    // retargeted target and relatedTarget are the same host), so each shadow
    // root is listened to as well; an event seen on both counts once. Focus
    // inside an iframe's document is seen on that document.
    const seen = new WeakSet();
    const record = (focused) => (e) => {
      if (seen.has(e)) return;
      seen.add(e);
      const el = eventTarget(e);
      if (!el || el.nodeType !== 1) return;
      if (FIELDS.has(el.localName)) ctx.privacy.isSecret(el);
      const target = ctx.target(el);
      if (target !== null) ctx.writer.focus(ctx.now(), ctx.mirror.id(target), focused);
    };
    this.on.on(ctx.doc, 'focusin', record(true));
    this.on.on(ctx.doc, 'focusout', record(false));
    ctx.roots.on([RootKind.SHADOW, RootKind.FRAME], 'focusin', record(true));
    ctx.roots.on([RootKind.SHADOW, RootKind.FRAME], 'focusout', record(false));
  }

  stop() {
    this.on.off();
  }

  reset() {}
}

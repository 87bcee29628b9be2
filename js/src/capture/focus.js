// FOCUS records. Focus is also the first moment a field is surely seen, so
// secret fields are marked here before a reveal toggle can change their type.

import { Listeners } from './listen.js';

const FIELDS = new Set(['input', 'textarea', 'select']);

export class Focus {
  start(ctx) {
    this.on = new Listeners(ctx);
    const record = (focused) => (e) => {
      const el = e.target;
      if (!el || el === ctx.win) return;
      if (FIELDS.has(el.localName)) ctx.privacy.isSecret(el);
      const target = ctx.target(el);
      if (target !== null) ctx.writer.focus(ctx.now(), ctx.mirror.id(target), focused);
    };
    this.on.on(ctx.doc, 'focusin', record(true));
    this.on.on(ctx.doc, 'focusout', record(false));
  }

  stop() {
    this.on.off();
  }

  reset() {}
}

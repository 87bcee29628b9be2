// The full snapshot: SNAP_BEGIN, every node of the document in pre-order,
// SNAP_END, then an INPUT for each field the visitor had already changed.
// Runs to completion today; TreeWalk.step takes a budget so it can later be
// spread over idle slices (mutations during the walk would then need the
// same coalescing as mutations.js).

import { TreeWalk } from './serialize.js';
import { PrivacyMode } from '../privacy.js';

export class Snapshot {
  start(ctx) {
    this.take(ctx);
  }

  take(ctx) {
    const w = ctx.writer;
    const t0 = ctx.perfNow();
    w.settle();
    const mark = w.mark();
    try {
      w.snapBegin(ctx.now(), ctx.win.scrollX, ctx.win.scrollY);
      new TreeWalk(ctx.serializer, ctx.doc, 0, 0, null).step();
      w.snapEnd();
      this.fieldStates(ctx);
    } catch (e) {
      w.rollback(mark);
      throw e;
    } finally {
      ctx.stats.serializeMs += ctx.perfNow() - t0;
    }
  }

  // Typed-in values differ from their markup default only in the live
  // properties, which a snapshot of attributes does not see. Every field is
  // also checked for secrecy now, before a reveal toggle can hide it.
  // Fields of blocked regions were not serialized (id 0) and are not
  // looked at; those of masked regions are not read.
  fieldStates(ctx) {
    const { mirror, privacy, writer } = ctx;
    const relaxed = privacy.mode === PrivacyMode.relaxed;
    for (const el of ctx.doc.querySelectorAll('input, textarea, select')) {
      const id = mirror.id(el);
      if (id === 0 || privacy.regions.isBlocked(el) || privacy.isSecret(el)) continue;
      if (el.type === 'checkbox' || el.type === 'radio') {
        if (el.checked !== el.defaultChecked) writer.input(ctx.now(), id, '', el.checked);
      } else if (relaxed && privacy.valueReadable(el) && isDirty(el)) {
        writer.input(ctx.now(), id, el.value, false);
      }
    }
  }

  stop() {}

  reset() {}
}

function isDirty(el) {
  if (el.localName !== 'select') return el.value !== el.defaultValue;
  for (const option of el.options) {
    if (option.selected !== option.defaultSelected) return true;
  }
  return false;
}

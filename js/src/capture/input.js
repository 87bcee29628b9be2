// INPUT records for text fields, textareas, checkboxes, radios and selects.
// Typing fires one event per key; the field is noted and its state read once
// per throttle window. What may be read is privacy.fieldValue's decision.
// A field inside an open shadow root is composedPath()[0]; `change` does
// not leave a shadow root and nothing leaves an iframe's document, so those
// roots are listened to as well.

import { Listeners, Pending } from './listen.js';
import { RootKind, eventTarget } from './roots.js';
import { PrivacyMode } from '../privacy.js';

const INPUT_DELAY_MS = 100;
const FIELDS = new Set(['input', 'textarea', 'select']);

// Form state a page's own script sets (field.value = ..., .checked,
// .selectedIndex, option.selected) fires no event; while recording, these
// setters note the field like an input event would. Nothing is read here:
// the noted field goes through write() and privacy.fieldValue like typing.
const SETTERS = [
  ['HTMLInputElement', ['value', 'checked']],
  ['HTMLTextAreaElement', ['value']],
  ['HTMLSelectElement', ['value', 'selectedIndex']],
  ['HTMLOptionElement', ['selected']],
];

function hookSetters(win, note) {
  const undo = [];
  for (const [name, props] of SETTERS) {
    const proto = win[name] && win[name].prototype;
    if (!proto) continue;
    for (const prop of props) {
      const d = Object.getOwnPropertyDescriptor(proto, prop);
      if (!d || typeof d.set !== 'function' || !d.configurable) continue;
      const set = d.set;
      Object.defineProperty(proto, prop, {
        ...d,
        set(v) {
          set.call(this, v);
          note(this.localName === 'option' ? this.closest('select') : this);
        },
      });
      undo.push(() => Object.defineProperty(proto, prop, d));
    }
  }
  return () => undo.forEach((f) => f());
}

// Live state a field's markup does not tell: checked toggles, and (in
// relaxed mode, where values may be read) a changed value or selection.
export function fieldDiffers(el, relaxed, privacy) {
  if (el.localName === 'input' && (el.type === 'checkbox' || el.type === 'radio')) {
    return el.checked !== el.defaultChecked;
  }
  if (!relaxed || !privacy.valueReadable(el)) return false;
  if (el.localName !== 'select') return el.value !== el.defaultValue;
  for (const option of el.options) {
    if (option.selected !== option.defaultSelected) return true;
  }
  return false;
}

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
    // Only the page's realm: an iframe's own prototypes are its own.
    const setBy = ctx.guard('input', (el) => {
      if (el !== null && ctx.mirror.has(el)) this.pending.add(el);
    });
    this.unhook = hookSetters(ctx.win, setBy);
    ctx.addedFields = (fields) => this.added(fields);
  }

  // Fields a mutation group just added: their live state, when it differs
  // from what their markup says (a checkbox added then checked by script).
  added(fields) {
    const ctx = this.ctx;
    const relaxed = ctx.privacy.mode === PrivacyMode.relaxed;
    for (const el of fields) {
      if (!el.isConnected || ctx.privacy.regions.isBlocked(el) || ctx.privacy.isSecret(el)) continue;
      if (fieldDiffers(el, relaxed, ctx.privacy)) this.write(el);
    }
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
    if (this.unhook) this.unhook();
    this.unhook = null;
    this.ctx.addedFields = null;
  }

  reset() {
    this.pending.clear();
  }
}

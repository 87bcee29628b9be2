// The inner trees the recording reaches besides the page's document: open
// shadow roots and the documents of same-origin iframes. Each is entered
// when the serializer writes it (snapshot or mutation add) and left when the
// replayer no longer has it (Mutations prunes after each group), so nothing
// here keeps a removed node alive past the next group.
//
// Per root, the modules' listeners: events that do not cross the boundary
// (scroll, change and load do not leave a shadow root; nothing leaves an
// iframe's document) are listened to on the root itself. Events that do
// cross a shadow boundary (click, input, focus) are seen on the document,
// retargeted to the host; modules read composedPath()[0] for the real one.
//
// Shadow roots attached after the snapshot: Element.prototype.attachShadow is
// wrapped in the page's realm and in each recorded iframe's realm while
// recording, restored on stop. Closed roots are not recorded (their content
// is not readable from outside, which is the page's intent).

// Capture phase and passive, as listen.js.
const OPTIONS = { capture: true, passive: true };

export const RootKind = Object.freeze({ SHADOW: 'shadow', FRAME: 'frame' });

// The real target of an event that may come from inside an open shadow root.
export function eventTarget(e) {
  if (typeof e.composedPath === 'function') {
    const path = e.composedPath();
    if (path.length > 0) return path[0];
  }
  return e.target;
}

export class Roots {
  start(ctx) {
    this.ctx = ctx;
    this.entries = []; // { root, host, kind, bound: [[type, handler]], patch }
    this.index = new WeakMap(); // root -> its entry
    this.handlers = []; // { kinds, type, fn }
    this.binders = [];
    ctx.roots = this;
    ctx.serializer.onRoot = (root, host) => this.add(root, host);
    this.mainPatch = this.patch(ctx.win);
  }

  // fn(event, entry) runs for `type` events on every root of the given kinds.
  on(kinds, type, fn) {
    const h = { kinds, type, fn: this.ctx.guard(type, fn) };
    this.handlers.push(h);
    for (const entry of this.entries) this.listen(entry, h);
  }

  // binder.enter(entry) for each root now and later; binder.refresh(count)
  // after `count` roots were left.
  bind(binder) {
    this.binders.push(binder);
    for (const entry of this.entries) binder.enter(entry);
  }

  find(root) {
    return this.index.get(root) || null;
  }

  add(root, host) {
    const old = this.find(root);
    if (old !== null) {
      old.host = host;
      return;
    }
    const kind = root.nodeType === 9 ? RootKind.FRAME : RootKind.SHADOW;
    const entry = { root, host, kind, bound: [], patch: null };
    this.entries.push(entry);
    this.index.set(root, entry);
    if (kind === RootKind.FRAME && root.defaultView) entry.patch = this.patch(root.defaultView);
    for (const h of this.handlers) this.listen(entry, h);
    for (const b of this.binders) b.enter(entry);
  }

  listen(entry, h) {
    if (!h.kinds.includes(entry.kind)) return;
    const handler = (e) => h.fn(e, entry);
    entry.root.addEventListener(h.type, handler, OPTIONS);
    entry.bound.push([h.type, handler]);
  }

  leave(entry) {
    for (const [type, handler] of entry.bound) entry.root.removeEventListener(type, handler, OPTIONS);
    entry.bound = [];
    if (entry.patch !== null) entry.patch();
    entry.patch = null;
  }

  // Leaves every root for which live(root) is false.
  prune(live) {
    const kept = [];
    const left = [];
    for (const entry of this.entries) (live(entry.root) ? kept : left).push(entry);
    if (left.length === 0) return;
    this.entries = kept;
    for (const entry of left) {
      this.index.delete(entry.root);
      this.leave(entry);
    }
    for (const b of this.binders) b.refresh(left.length);
  }

  each(fn) {
    for (const entry of this.entries) fn(entry);
  }

  // Wraps attachShadow in a realm; returns the undo. The wrapper calls the
  // page's own function first, so errors and the returned root are exactly
  // the page's; the recorder's note never throws into the page.
  patch(win) {
    let proto;
    try {
      proto = win.Element && win.Element.prototype;
    } catch (e) {
      return null; // a realm this one may not touch
    }
    if (!proto || typeof proto.attachShadow !== 'function') return null;
    const original = proto.attachShadow;
    const note = this.ctx.guard('mutations', (host, root) => {
      const m = this.ctx.mutations;
      if (m !== null && root && root.mode === 'open') m.attached(root);
    });
    let active = true;
    const wrapped = function attachShadow(init) {
      const root = original.call(this, init);
      if (active) note(this, root);
      return root;
    };
    proto.attachShadow = wrapped;
    return () => {
      active = false;
      try {
        if (proto.attachShadow === wrapped) proto.attachShadow = original;
      } catch (e) {
        // The frame's realm is gone; nothing left to restore.
      }
    };
  }

  // Where an iframe document's viewport starts on the page's viewport.
  offsetOf(entry) {
    let x = 0;
    let y = 0;
    for (let e = entry; e !== null && e.kind === RootKind.FRAME; e = this.frameEntryOf(e.host)) {
      const r = e.host.getBoundingClientRect();
      x += r.left + e.host.clientLeft;
      y += r.top + e.host.clientTop;
    }
    return { x, y };
  }

  // The frame entry whose document holds a node (null: the page's).
  frameEntryOf(node) {
    const doc = node.ownerDocument;
    if (doc === this.ctx.doc) return null;
    return this.find(doc);
  }

  stop() {
    for (const entry of this.entries) this.leave(entry);
    this.entries = [];
    this.index = new WeakMap();
    this.handlers = [];
    this.binders = [];
    if (this.mainPatch !== null) this.mainPatch();
    this.mainPatch = null;
    this.ctx.serializer.onRoot = null;
    this.ctx.roots = null;
  }

  reset() {}
}

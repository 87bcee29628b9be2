// The full snapshot: SNAP_BEGIN, every node of the document in pre-order,
// SNAP_END, then an INPUT for each field the visitor had already changed.
//
// A large page takes far longer than one frame to serialize, so the walk runs
// in slices of SLICE_MS and yields to the page in between. The page may
// change the DOM between slices; the snapshot then describes a tree that
// never existed as such, and the mutation group written right after SNAP_END
// turns it into the live one:
//  - a node the walk has not reached yet is serialized as it is when reached;
//  - a node already serialized and then changed, moved or removed is noted by
//    the mutation observer (it is in the mirror), like any later change;
//  - a node inserted or moved during the walk is left to the mutation group
//    (the walk skips it), which places it with the replayer's view of its
//    siblings. What the walk itself still serializes are the page's original
//    nodes, never moved, so their order among themselves is still right.
// Until SNAP_END no mutation group may be written (ctx.snapshotting holds
// collect()), and interaction handlers are held by the recording and run
// after SNAP_END, so they only name nodes the replayer has.

import { PrivacyMode } from '../privacy.js';
import { Rule } from '../regions.js';
import { tagHasChildren } from './serialize.js';
import { nextTask } from '../timing.js';

// One slice's budget: well under a 50 ms long task, even on a slow device
// where the clock is read only every CHECK_EVERY nodes.
const SLICE_MS = 8;
const CHECK_EVERY = 32;

export class Snapshot {
  start(ctx) {
    this.ctx = ctx;
    this.walk = null;
    this.mark = null;
    this.slices = 0;
    this.done = new Promise((resolve) => {
      this.resolve = resolve;
    });
    this.begin();
  }

  begin() {
    const ctx = this.ctx;
    const w = ctx.writer;
    w.settle();
    this.mark = w.mark();
    w.snapBegin(ctx.now(), ctx.win.scrollX, ctx.win.scrollY);
    this.walk = new LiveWalk(ctx.serializer, ctx.mirror, ctx.doc);
    ctx.snapshotting = true;
    // The first slice runs now, in the caller's task: the document and the
    // first nodes exist before the mutation observer starts.
    this.slice();
  }

  // Whether the snapshot group is still open.
  get active() {
    return this.walk !== null;
  }

  slice() {
    const ctx = this.ctx;
    const t0 = ctx.perfNow();
    this.slices++;
    ctx.stats.snapshotSlices = this.slices;
    try {
      if (this.walkFor(t0 + SLICE_MS)) this.end();
      else this.later();
    } catch (e) {
      this.abort();
      throw e;
    } finally {
      ctx.stats.serializeMs += ctx.perfNow() - t0;
    }
  }

  walkFor(deadline) {
    const ctx = this.ctx;
    const m = ctx.mutations;
    if (m !== null) m.sync();
    return this.walk.step(deadline, ctx.perfNow, m);
  }

  later() {
    const ctx = this.ctx;
    const walk = this.walk;
    const next = () => {
      if (this.walk !== walk) return;
      try {
        this.slice();
      } catch (e) {
        ctx.report('snapshot', e);
      }
    };
    nextTask(ctx.win, next);
  }

  // Completes the walk in this task: the page is going away, or records are
  // wanted now (flush, stop), and a buffer may not end inside the group.
  finish() {
    if (this.walk === null) return;
    const ctx = this.ctx;
    const t0 = ctx.perfNow();
    try {
      this.walkFor(Infinity);
      this.end();
    } catch (e) {
      this.abort();
      throw e;
    } finally {
      ctx.stats.serializeMs += ctx.perfNow() - t0;
    }
  }

  // SNAP_END, then what was held back, in time order: interactions, the
  // fields' live state, then the DOM changes made during the walk.
  end() {
    const ctx = this.ctx;
    ctx.writer.snapEnd();
    const scrolled = this.walk.scrolled;
    this.walk = null;
    this.mark = null;
    ctx.snapshotting = false;
    try {
      ctx.release();
      this.fieldStates(ctx);
      this.scrollStates(ctx, scrolled);
      if (ctx.mutations !== null) ctx.mutations.collect();
    } finally {
      this.resolve();
    }
  }

  // An unterminated group must never reach the core.
  abort() {
    const ctx = this.ctx;
    if (this.mark !== null) ctx.writer.rollback(this.mark);
    this.walk = null;
    this.mark = null;
    ctx.snapshotting = false;
    ctx.release(true);
    this.resolve();
  }

  // Typed-in values differ from their markup default only in the live
  // properties, which a snapshot of attributes does not see. Every field is
  // also checked for secrecy now, before a reveal toggle can hide it.
  // Fields of blocked regions were not serialized (id 0) and are not
  // looked at; those of masked regions are not read.
  fieldStates(ctx) {
    const { mirror, privacy, writer } = ctx;
    const relaxed = privacy.mode === PrivacyMode.relaxed;
    // The document's fields, then those of each shadow root and iframe
    // document the walk entered (querySelectorAll stops at their edges).
    const lists = [ctx.doc.querySelectorAll('input, textarea, select')];
    if (ctx.roots) ctx.roots.each((entry) => lists.push(entry.root.querySelectorAll('input, textarea, select')));
    for (const el of lists.flatMap((l) => [...l])) {
      const id = mirror.id(el);
      if (id === 0 || privacy.regions.isBlocked(el) || privacy.isSecret(el)) continue;
      if (el.type === 'checkbox' || el.type === 'radio') {
        if (el.checked !== el.defaultChecked) writer.input(ctx.now(), id, '', el.checked);
      } else if (relaxed && privacy.valueReadable(el) && isDirty(el)) {
        writer.input(ctx.now(), id, el.value, false);
      }
    }
    // An iframe's own scroll position, as SNAP_BEGIN gives the page's.
    if (ctx.roots) {
      ctx.roots.each((entry) => {
        const win = entry.kind === 'frame' ? entry.root.defaultView : null;
        const id = mirror.id(entry.root);
        if (win && id !== 0 && (win.scrollX !== 0 || win.scrollY !== 0)) {
          writer.scroll(ctx.now(), id, win.scrollX, win.scrollY);
        }
      });
    }
  }

  // Elements the walk found scrolled, where they are now (a page's own
  // scroller, the document's is SNAP_BEGIN's). Blocked regions were not
  // walked into; a blocked element itself keeps its box, and its scroll.
  scrollStates(ctx, scrolled) {
    const { mirror, writer } = ctx;
    for (const el of scrolled) {
      const id = mirror.id(el);
      if (id === 0 || !el.isConnected || el === el.ownerDocument.scrollingElement) continue;
      writer.scroll(ctx.now(), id, el.scrollLeft, el.scrollTop);
    }
  }

  stop() {
    if (this.walk !== null) this.abort();
  }

  // Leaving for an excluded page: nothing more of this document is written.
  reset() {
    if (this.walk !== null) this.abort();
  }
}

// A pre-order walk that survives DOM changes between its steps. It keeps,
// per open element, the last child it serialized there, and resumes after
// that child while the child is still where the walk put it; otherwise it
// rescans the element's children (the serialized ones and those the
// mutation group will add are skipped, so nothing is written twice).
class LiveWalk {
  constructor(serializer, mirror, doc) {
    this.ser = serializer;
    this.mirror = mirror;
    this.doc = doc;
    this.frames = null;
    this.scrolled = [];
  }

  // Serializes nodes until `deadline` (perfNow clock); true once done.
  step(deadline, perfNow, mutations) {
    const ser = this.ser;
    const mirror = this.mirror;
    if (this.frames === null) {
      const id = ser.emit(this.doc, 0, 0);
      this.frames = [{ node: this.doc, id, prev: 0, last: null, rule: ser.rule }];
    }
    const frames = this.frames;
    let next = frames.length ? this.resume(frames[frames.length - 1], mutations) : null;
    let n = 0;
    const pending = mutations === null ? null : (r) => mutations.pending(r);
    // Until the page has added or taken away a node, no node ahead of the
    // walk can be known (moved there after it was written) or pending: the
    // two lookups per node are skipped. Nothing changes within a slice, and
    // the first one runs before the observer exists.
    const quiet = mutations === null || mutations.quiet();
    while (frames.length) {
      const f = frames[frames.length - 1];
      if (next === null) {
        frames.pop();
        if (frames.length) next = this.resume(frames[frames.length - 1], mutations);
        continue;
      }
      const node = next;
      next = node.nextSibling;
      if (!quiet) {
        if (mirror.has(node)) {
          // Written, then taken away, and found again here with no add seen:
          // it moved into a shadow root or iframe document the walk had not
          // entered yet, which nothing observed. The group adds it here.
          if (mutations.moved(node) && !mutations.pending(node)) mutations.arrived(node);
          continue;
        }
        if (mutations.pending(node)) continue;
      }
      const id = ser.emit(node, f.id, f.prev, null, f.rule, true);
      if (id === 0) continue;
      f.prev = id;
      f.last = node;
      if (node.nodeType !== 1) continue;
      const rule = ser.rule;
      const tag = ser.tag;
      const first = node.firstChild;
      // Scrolled before recording began: no scroll event will tell. Layout
      // is clean within a slice, so the read is cheap, but not free: only
      // elements that can be scroll containers with content are asked.
      if (first !== null && mayScroll(tag, ser.ns) && (node.scrollTop !== 0 || node.scrollLeft !== 0)) this.scrolled.push(node);
      const opens = first !== null && rule !== Rule.BLOCK && tagHasChildren(tag);
      if (opens) frames.push({ node, id, prev: 0, last: null, rule });
      // An open shadow root or an iframe's document comes right after its
      // element, before the element's own children: its frame goes on top.
      const inner = ser.inner(node, id, pending, rule, tag);
      if (inner !== null) frames.push({ node: inner, id: this.mirror.id(inner), prev: 0, last: null, rule });
      if (opens || inner !== null) next = this.resume(frames[frames.length - 1], mutations);
      if (++n % CHECK_EVERY === 0 && perfNow() >= deadline) return false;
    }
    return true;
  }

  resume(f, mutations) {
    const last = f.last;
    if (last === null) return f.node.firstChild;
    if (last.parentNode === f.node && (mutations === null || !mutations.moved(last))) return last.nextSibling;
    return f.node.firstChild;
  }
}

// Elements that are not scroll containers unless a page restyles them:
// inline (phrasing), table-part and boxless tags, and the blocks that hold
// text (paragraphs, headings, list items, cells), which a page makes
// scroll far less often than its divs, lists and sections. A page that did
// scroll one before recording began gets its position at its first scroll
// event instead. SVG/MathML content is skipped too. Each skipped element
// saves two layout reads (~3 us together in the bench's snapshot); of the
// 10,000-node page's elements, 2 in 11 are asked instead of 7 in 11.
const NO_SCROLL = new Set(['a', 'abbr', 'b', 'bdi', 'bdo', 'br', 'cite', 'code', 'data', 'dfn', 'em', 'i', 'img',
  'input', 'kbd', 'label', 'mark', 'option', 'optgroup', 'q', 's', 'samp', 'script', 'select', 'small', 'span',
  'strong', 'style', 'sub', 'sup', 'time', 'title', 'u', 'var', 'head', 'tr', 'tbody', 'thead', 'tfoot',
  'colgroup', 'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'dt', 'dd', 'td', 'th', 'caption', 'figcaption',
  'legend', 'summary', 'button']);

// tag, ns: the element's localName and namespace code (0: HTML).
function mayScroll(tag, ns) {
  return ns === 0 && !NO_SCROLL.has(tag);
}

function isDirty(el) {
  if (el.localName !== 'select') return el.value !== el.defaultValue;
  for (const option of el.options) {
    if (option.selected !== option.defaultSelected) return true;
  }
  return false;
}

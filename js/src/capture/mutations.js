// DOM changes, coalesced per flush into one MUT_BEGIN..MUT_END group.
//
// The observer callback only notes nodes; nothing is read or serialized
// until collect(), so a node added and removed between two flushes costs
// nothing, and an attribute changed ten times is read once.
//
// The replayer applies a group as: removes (each detaches and forgets a
// subtree), adds in order, then attribute and text changes. So:
//  - REMOVE only nodes the replayer has, and not when a replayer-side
//    ancestor is removed too (that REMOVE already covers them).
//  - NODE records for each added subtree whose ancestors are not added too,
//    in document order, so parent and prev always name nodes the replayer
//    holds by then. A moved node is removed and re-added with the same id.
//  - ATTR and TEXT only for nodes the replayer still has and that were not
//    just re-serialized (their NODE already carries the current state).
//
// Open shadow roots and same-origin iframe documents (roots.js) are
// observed by the same observer as the document, so the records of a node
// moved across a boundary still arrive in order. "Parent" here is always the
// replayer's: a shadow root's host, an iframe document's iframe. A shadow
// root attached later is an add (a Fragment under its host); an iframe that
// loads a new document is a REMOVE of the old one and an add of the new.

import { TreeWalk, prevId, frameDocument, isFrame } from './serialize.js';
import { Listeners } from './listen.js';
import { RootKind } from './roots.js';
import { Rule } from '../regions.js';

const FOLLOWING = 4; // Node.DOCUMENT_POSITION_FOLLOWING
// Roots left but still observed before the observers are rebuilt.
const STALE_ROOTS = 64;
// What collect() checks of the roots after a group (see prune()).
const Prune = Object.freeze({ NONE: 0, DETACHED: 1, ALL: 2 });
const PREFIXES = {
  'http://www.w3.org/1999/xlink': 'xlink:',
  'http://www.w3.org/XML/1998/namespace': 'xml:',
  'http://www.w3.org/2000/xmlns/': 'xmlns:',
};

// Form fields whose live state an add may need to follow (input.js).
const FIELD_TAGS = new Set(['input', 'textarea', 'select']);

export class Mutations {
  start(ctx) {
    this.ctx = ctx;
    this.clear();
    ctx.mutations = this;
    const win = ctx.win;
    this.observer = new win.MutationObserver(ctx.guard('mutations', (r) => this.note(r)));
    // A reveal toggle (type=password -> text) is only recognisable by its
    // old value; a second observer asks for it on `type` alone. One observer
    // with attributeOldValue would hand us the old value of every attribute,
    // a password field's `value` included: exactly what must never be read.
    this.types = new win.MutationObserver(ctx.guard('mutations', (r) => this.noteTypes(r)));
    this.stale = 0;
    this.observe(ctx.doc);
    // An iframe's load event stays in its own tree: listened to on the
    // document and on each root.
    this.on = new Listeners({ guard: ctx.guard });
    const loaded = (e) => {
      const el = e.target;
      if (el && el.nodeType === 1 && isFrame(el)) this.frameLoaded(el);
    };
    this.on.on(ctx.doc, 'load', loaded);
    ctx.roots.on([RootKind.SHADOW, RootKind.FRAME], 'load', loaded);
    ctx.roots.bind(this);
  }

  observe(root) {
    this.observer.observe(root, { childList: true, attributes: true, characterData: true, subtree: true });
    this.types.observe(root, { attributes: true, attributeFilter: ['type'], attributeOldValue: true, subtree: true });
  }

  // roots.js: a shadow root or iframe document entered.
  enter(entry) {
    this.observe(entry.root);
  }

  // roots.js: `count` roots were left. An observer cannot drop one of its
  // targets, so it drops them all (after noting what it holds) and observes
  // the remaining ones again. That costs time in the number of roots, so it
  // waits until the roots left since the last time are a fair share of
  // them: meanwhile a left root is still observed, which keeps nothing
  // alive (the observer's hold on its targets is weak) and whose records
  // name nodes the replayer no longer has, so they are dropped.
  refresh(count) {
    this.stale += count;
    if (this.stale <= Math.max(STALE_ROOTS, this.ctx.roots.entries.length / 4)) return;
    this.stale = 0;
    this.sync();
    this.observer.disconnect();
    this.types.disconnect();
    this.observe(this.ctx.doc);
    this.ctx.roots.each((entry) => this.observe(entry.root));
  }

  // A shadow root attached (roots.js wraps attachShadow).
  attached(root) {
    this.added.add(root);
    this.schedule();
  }

  // A node found where no observer saw it arrive (snapshot.js).
  arrived(node) {
    this.added.add(node);
    this.schedule();
  }

  frameLoaded(frame) {
    if (!this.ctx.mirror.has(frame)) return;
    this.frames.add(frame);
    this.schedule();
  }

  // Writes the pending changes one window after the first of them.
  schedule() {
    const ctx = this.ctx;
    if (this.windowTimer || !ctx.mutationWindowMs) return;
    this.windowTimer = ctx.setTimeout(ctx.guard('mutations', () => {
      this.windowTimer = 0;
      this.collect();
    }), ctx.mutationWindowMs);
  }

  cancelWindow() {
    if (this.windowTimer) this.ctx.clearTimeout(this.windowTimer);
    this.windowTimer = 0;
  }

  clear() {
    this.added = new Set();
    // node -> the parent it was first removed from in this window: its
    // parent on the replayer's side.
    this.removed = new Map();
    this.attrs = new Map(); // element -> Map(localName -> namespace)
    this.texts = new Set();
    this.frames = new Set(); // iframes that loaded a document
  }

  note(records) {
    if (records.length) this.schedule();
    const mirror = this.ctx.mirror;
    for (const r of records) {
      if (r.type === 'childList') {
        // Indexed: a NodeList's iterator costs more than the loop body here.
        const gone = r.removedNodes;
        for (let i = 0; i < gone.length; i++) {
          const n = gone[i];
          if (this.removed.has(n)) continue;
          if (this.added.has(n)) {
            // Added in this window without a removal first: the replayer
            // never had it here, so there is nothing to remove.
            this.added.delete(n);
          } else if (mirror.has(n)) {
            this.removed.set(n, r.target);
          }
        }
        const came = r.addedNodes;
        for (let i = 0; i < came.length; i++) this.added.add(came[i]);
      } else if (r.type === 'attributes') {
        if (!mirror.has(r.target)) continue;
        let names = this.attrs.get(r.target);
        if (names === undefined) this.attrs.set(r.target, (names = new Map()));
        names.set(r.attributeName, r.attributeNamespace);
      } else if (mirror.has(r.target)) {
        this.texts.add(r.target);
      }
    }
  }

  noteTypes(records) {
    for (const r of records) {
      if (r.oldValue && r.oldValue.toLowerCase() === 'password' && r.target.localName === 'input') {
        this.ctx.privacy.markSecret(r.target);
      }
    }
  }

  // Brings the noted state up to date without writing anything: the sliced
  // snapshot asks before each slice which nodes are pending or moved.
  sync() {
    this.noteTypes(this.types.takeRecords());
    this.note(this.observer.takeRecords());
  }

  // Nothing added or taken away since the last group (as of the last sync).
  quiet() {
    return this.added.size === 0 && this.removed.size === 0;
  }

  // Added or moved since the last group: the next group serializes it.
  pending(node) {
    return this.added.has(node);
  }

  // Serialized, then taken from its parent since the last group.
  moved(node) {
    return this.removed.has(node);
  }

  collect() {
    this.sync();
    // No group inside an open snapshot group; the snapshot collects at its end.
    if (this.ctx.snapshotting) return;
    this.cancelWindow();
    if (this.added.size + this.removed.size + this.attrs.size + this.texts.size + this.frames.size === 0) return;
    const ctx = this.ctx;
    const t0 = ctx.perfNow();
    let prune = Prune.NONE;
    try {
      prune = this.write();
    } finally {
      this.clear();
      // Roots the replayer no longer has are left (their listeners dropped,
      // nothing kept of them).
      if (prune === Prune.ALL) ctx.roots.prune((root) => this.stillHeld(root, null));
      else if (prune === Prune.DETACHED) ctx.roots.prune((root) => this.inPage(root));
      ctx.stats.serializeMs += ctx.perfNow() - t0;
    }
  }

  // Whether a root is still in the page: a shadow root whose host is
  // connected, in the page's document or in an iframe document the
  // replayer has, all the way up. Enough after plain removals; a node moved
  // where the replayer cannot follow, or a rule change, needs stillHeld().
  inPage(root) {
    if (root.nodeType === 11 && !root.isConnected) return false;
    const mirror = this.ctx.mirror;
    for (let doc = root.nodeType === 9 ? root : root.ownerDocument; doc !== this.ctx.doc;) {
      const frame = mirror.frameOf(doc);
      if (frame === null || !frame.isConnected) return false;
      doc = frame.ownerDocument;
    }
    return true;
  }

  // Iframes whose document is not the one the replayer has: the old one is
  // removed, the new one (if readable) added under the iframe. Returns
  // [iframe, document] pairs to add.
  frameChanges(removes, inChanged) {
    const mirror = this.ctx.mirror;
    const regions = this.ctx.privacy.regions;
    const adds = [];
    for (const frame of this.frames) {
      if (!this.stillHeld(frame, null) || this.removed.has(frame) || this.hasAddedAncestor(frame) || inChanged(frame)) continue;
      const old = mirror.frameDoc(frame);
      const now = regions.isBlocked(frame) ? null : frameDocument(frame);
      if (old === now) continue;
      if (old !== null) {
        removes.push(mirror.id(old));
        mirror.setFrameDoc(frame, null);
      }
      if (now !== null) adds.push([frame, now]);
    }
    return adds;
  }

  write() {
    const mirror = this.ctx.mirror;
    const removes = [];
    const onReplayer = new Map(); // replayerHas() of the ancestors walked
    for (const node of this.removed.keys()) {
      if (this.replayerHas(node, onReplayer)) removes.push(mirror.id(node));
    }
    // Re-serialized whole: whatever else changed inside them is covered.
    const changed = this.ruleChanges();
    try {
      return this.writeGroup(removes, changed);
    } finally {
      this.anc = null;
    }
  }

  // write() once the removals and rule changes are known. this.anc caches
  // ancestry answers (Ancestry) while neither the mirror, the rules nor the
  // frames' documents change, so it is made anew after each step that may.
  writeGroup(removes, changed) {
    const ctx = this.ctx;
    const w = ctx.writer;
    const mirror = ctx.mirror;
    this.anc = new Ancestry(ctx, this.added);
    const inChanged = (node) => changed.some((r) => r.contains(node));
    const adds = [];
    for (const node of this.added) {
      if (this.isAddRoot(node) && !inChanged(node)) adds.push(node);
    }
    // TEXT records carry no flag, and the core masks text in strict mode:
    // changed CSS is re-added instead, as a NODE flagged as style text.
    for (const node of this.texts) {
      const parent = node.parentNode;
      if (parent !== null && parent.localName === 'style' && this.stillHeld(node, null) &&
          !this.removed.has(node) && !this.hasAddedAncestor(node) && !inChanged(node)) {
        removes.push(mirror.id(node));
        adds.push(node);
      }
    }
    for (const el of changed) {
      removes.push(mirror.id(el));
      adds.push(el);
    }
    // frameChanges() takes old documents from the mirror as it goes.
    this.anc = null;
    const frameDocs = this.frameChanges(removes, inChanged);
    this.anc = new Ancestry(ctx, this.added);
    if (removes.length === 0 && adds.length === 0 && frameDocs.length === 0 && !this.hasChanges()) return Prune.NONE;

    w.settle();
    const mark = w.mark();
    const fresh = new Set();
    try {
      w.mutBegin(ctx.now());
      for (const id of removes) w.remove(id);
      for (const node of inTreeOrder(adds)) {
        const up = mirror.parentOf(node);
        const host = node.nodeType === 11 ? up : null;
        new TreeWalk(ctx.serializer, node, mirror.id(up), host === null ? prevId(mirror, node) : 0, fresh, host).step();
      }
      for (const [frame, doc] of frameDocs) {
        new TreeWalk(ctx.serializer, doc, mirror.id(frame), 0, fresh, frame).step();
      }
      if (adds.length + frameDocs.length > 0) this.anc = new Ancestry(ctx, this.added);
      for (const [el, names] of this.attrs) {
        if (!this.stillHeld(el, fresh)) continue;
        const id = mirror.id(el);
        for (const [local, ns] of names) this.writeAttr(id, el, local, ns);
      }
      for (const node of this.texts) {
        if (this.stillHeld(node, fresh)) w.text(mirror.id(node), ctx.privacy.textValue(node), ctx.privacy.flags);
      }
      w.mutEnd();
    } catch (e) {
      w.rollback(mark);
      throw e;
    }
    if (fresh.size > 0 && typeof ctx.addedFields === 'function') {
      ctx.addedFields([...fresh].filter((n) => n.nodeType === 1 && FIELD_TAGS.has(n.localName)));
    }
    if (removes.length === 0) return Prune.NONE;
    // Plain removals leave roots only by taking them out of the page.
    for (const node of this.removed.keys()) if (node.isConnected && !fresh.has(node)) return Prune.ALL;
    return changed.length > 0 ? Prune.ALL : Prune.DETACHED;
  }

  // Elements whose privacy rule changed (a marker, or an attribute a
  // mask/unmask/block selector looks at, on them or an ancestor): each is
  // removed and re-serialized, subtree and all, under the rule now in
  // force. Only the topmost of each changed branch; nothing inside a
  // blocked region is looked at.
  ruleChanges() {
    const regions = this.ctx.privacy.regions;
    const roots = [];
    for (const [el, names] of this.attrs) {
      let relevant = false;
      for (const local of names.keys()) relevant = relevant || regions.mayChangeRule(local);
      if (!relevant || !this.stillHeld(el, null) || this.removed.has(el) || this.hasAddedAncestor(el)) continue;
      this.findChanged(el, regions.parentRule(el), roots);
    }
    // None inside another (its walk covers it), across inner trees too.
    return roots.filter((el) => !roots.some((r) => r !== el && this.within(el, r)));
  }

  // Whether `node` is `anc` or inside it, across shadow and frame boundaries.
  within(node, anc) {
    for (let n = node; n !== null; n = this.ctx.mirror.parentOf(n)) if (n === anc) return true;
    return false;
  }

  findChanged(el, parentRule, out) {
    const regions = this.ctx.privacy.regions;
    const was = regions.serializedRule(el);
    // A node added (or moved) here this window is serialized by the adds.
    if (was === undefined || out.includes(el) || this.added.has(el)) return;
    const now = regions.recompute(el, parentRule);
    if (now !== was) {
      out.push(el);
      return;
    }
    if (now === Rule.BLOCK || !this.ctx.serializer.hasChildren(el)) return;
    for (let c = el.firstElementChild; c !== null; c = c.nextElementSibling) this.findChanged(c, now, out);
    // The inner tree the replayer has under it inherits the same rule.
    const mirror = this.ctx.mirror;
    const inner = isFrame(el) ? mirror.frameDoc(el) : el.shadowRoot;
    if (inner && mirror.has(inner)) {
      for (let c = inner.firstElementChild; c !== null; c = c.nextElementSibling) this.findChanged(c, now, out);
    }
  }

  // Walks the replayer-side ancestry: the first parent a node was removed
  // from this window, else its current parent (a node that moved would be
  // in `removed`). Reaching the document through known, not-removed nodes
  // means the replayer holds the node and no ancestor's REMOVE covers it.
  // memo: answers for ancestors already walked in this write() (the
  // removed nodes of one group mostly share them).
  replayerHas(node, memo = null) {
    const mirror = this.ctx.mirror;
    const walked = [];
    let held = false;
    for (let p = this.removed.get(node); p; p = mirror.parentOf(p)) {
      if (p === this.ctx.doc) {
        held = true;
        break;
      }
      const known = memo === null ? undefined : memo.get(p);
      if (known !== undefined) {
        held = known;
        break;
      }
      walked.push(p);
      if (!mirror.has(p) || this.removed.has(p) || !this.ctx.serializer.hasChildren(p)) break;
    }
    if (memo !== null) for (const p of walked) memo.set(p, held);
    return held;
  }

  // An added node is serialized as a root when it is in the document, its
  // parent is a node whose children the replayer has (the whole ancestry:
  // a node once serialized may sit inside a region blocked since), and no
  // ancestor is serialized in this flush anyway.
  isAddRoot(node) {
    if (!node.isConnected) return false;
    const parent = this.ctx.mirror.parentOf(node);
    if (parent === null || this.hasAddedAncestor(parent)) return false;
    if (parent !== this.ctx.doc && !this.stillHeld(parent, null)) return false;
    return this.ctx.mirror.has(parent) && this.ctx.serializer.hasChildren(parent);
  }

  hasAddedAncestor(node) {
    if (this.anc) return this.anc.addedAt(node);
    for (let a = node; a; a = this.ctx.mirror.parentOf(a)) {
      if (this.added.has(a)) return true;
    }
    return false;
  }

  hasChanges() {
    for (const el of this.attrs.keys()) if (this.stillHeld(el, null)) return true;
    for (const node of this.texts) if (this.stillHeld(node, null)) return true;
    return false;
  }

  // Held by the replayer (known, and every ancestor up to the document
  // known and serializing its children: a node once removed and now put
  // inside a <template> is neither), and not just re-serialized.
  stillHeld(node, fresh) {
    const mirror = this.ctx.mirror;
    if ((fresh !== null && fresh.has(node)) || !mirror.has(node)) return false;
    if (node === this.ctx.doc) return true;
    if (this.anc) return this.anc.heldFrom(mirror.parentOf(node));
    for (let p = mirror.parentOf(node); p !== this.ctx.doc; p = mirror.parentOf(p)) {
      if (p === null || !mirror.has(p) || !this.ctx.serializer.hasChildren(p)) return false;
    }
    return true;
  }

  writeAttr(id, el, local, ns) {
    const attr = ns ? el.getAttributeNodeNS(ns, local) : el.getAttributeNode(local);
    if (attr === null) {
      this.ctx.writer.attr(id, ns && PREFIXES[ns] ? PREFIXES[ns] + local : local, null);
      return;
    }
    const privacy = this.ctx.privacy;
    this.ctx.writer.attr(id, attr.name, privacy.attrValue(el, attr), privacy.flagsOf(el));
  }

  drain() {
    this.collect();
  }

  stop() {
    this.cancelWindow();
    this.ctx.mutations = null;
    this.on.off();
    this.observer.disconnect();
    this.types.disconnect();
    this.clear();
  }

  reset() {
    this.cancelWindow();
    this.observer.takeRecords();
    this.types.takeRecords();
    this.clear();
  }
}

// Answers about ancestors for one step of a group. In a busy page the
// changed nodes share most of their ancestry (every value of a dashboard
// sits under the same few elements), so each ancestor is walked once per
// step, not once per change. Only valid while the mirror, the rules and the
// frames' documents stay as they were (Mutations.writeGroup).
class Ancestry {
  constructor(ctx, added) {
    this.ctx = ctx;
    this.added = added;
    this.held = new Map();
    this.addedMemo = new Map();
  }

  // Whether p and every ancestor above it up to the document are known and
  // serialize their children (stillHeld's walk). null: not in a tree.
  heldFrom(start) {
    const { doc, mirror, serializer } = this.ctx;
    const walked = [];
    let held = true;
    for (let p = start; p !== doc; p = mirror.parentOf(p)) {
      if (p === null) {
        held = false;
        break;
      }
      const known = this.held.get(p);
      if (known !== undefined) {
        held = known;
        break;
      }
      walked.push(p);
      if (!mirror.has(p) || !serializer.hasChildren(p)) {
        held = false;
        break;
      }
    }
    for (const p of walked) this.held.set(p, held);
    return held;
  }

  // Whether the node or an ancestor was added in this window.
  addedAt(start) {
    const mirror = this.ctx.mirror;
    const walked = [];
    let found = false;
    for (let a = start; a; a = mirror.parentOf(a)) {
      const known = this.addedMemo.get(a);
      if (known !== undefined) {
        found = known;
        break;
      }
      walked.push(a);
      if (this.added.has(a)) {
        found = true;
        break;
      }
    }
    for (const a of walked) this.addedMemo.set(a, found);
    return found;
  }
}

// Adds in document order within each tree (a node's prev sibling is then
// written first); trees (the document, each shadow root and iframe document)
// do not depend on one another's adds, whatever order compareDocumentPosition
// gives across them.
function inTreeOrder(nodes) {
  if (nodes.length < 2) return nodes;
  const trees = new Map();
  for (const node of nodes) {
    const root = node.getRootNode();
    let list = trees.get(root);
    if (list === undefined) trees.set(root, (list = []));
    list.push(node);
  }
  const out = [];
  for (const list of trees.values()) {
    list.sort((a, b) => (a.compareDocumentPosition(b) & FOLLOWING ? -1 : 1));
    out.push(...list);
  }
  return out;
}

// Turns decoded node records (the collector's JSON) into real DOM nodes in
// the replay frame, and keeps the id <-> node maps. One id space covers the
// whole page: documents, shadow roots and nested frames' documents.
//
// Tree shapes (see the wire spec): a Fragment (11) whose parent is an
// element is that element's open shadow root; a Document (9) whose parent is
// an <iframe> is that frame's document, built inside the nested (sandboxed,
// about:blank) frame. Removing a node forgets its whole subtree, shadow roots
// and frame documents included.

import { neutralise, childless, forced } from './sanitize.js';

const NS_URI = ['http://www.w3.org/1999/xhtml', 'http://www.w3.org/2000/svg', 'http://www.w3.org/1998/Math/MathML'];
const XLINK = 'http://www.w3.org/1999/xlink';
const XML = 'http://www.w3.org/XML/1998/namespace';

// Attributes holding URLs the replay loads (stylesheets, images, media) or
// shows (links): made absolute against the recorded page, so a viewer on
// another origin still finds them.
const URL_ATTRS = new Set(['href', 'src', 'srcset', 'poster', 'background', 'cite', 'xlink:href']);

const ELEMENT = 1;
const TEXT = 3;
const CDATA = 4;
const COMMENT = 8;
const DOCUMENT = 9;
const DOCTYPE = 10;
const FRAGMENT = 11;

export class Builder {
  // rootDoc: the replay frame's document; onError(message).
  constructor(rootDoc, onError) {
    this.rootDoc = rootDoc;
    this.onError = onError;
    this.byId = new Map();
    this.ids = new WeakMap();
    // el -> Map(name -> value) of recorded attributes kept out of the DOM.
    this.held = new WeakMap();
    // Called with each nested frame document the builder takes over.
    this.onDocument = null;
    // (name, value) -> what the DOM gets for a URL attribute; null: as is.
    this.resolveUrl = null;
  }

  node(id) {
    return this.byId.get(id) || null;
  }

  idOf(node) {
    return this.ids.get(node) || 0;
  }

  // A full snapshot: the replay document is emptied and rebuilt.
  snapshot(nodes, where) {
    this.byId.clear();
    this.ids = new WeakMap();
    this.rootId = 0;
    const doc = this.rootDoc;
    while (doc.firstChild) doc.removeChild(doc.firstChild);
    for (const n of nodes) this.add(n, where);
  }

  // Removes, adds, attribute changes, text changes: in that order.
  mutation(m, where) {
    for (const id of m.removes || []) {
      const node = this.byId.get(id);
      // Already gone with an ancestor removed earlier in the same group.
      if (!node) continue;
      this.forget(node);
      if (node.nodeType === FRAGMENT) continue;  // a shadow root cannot be detached; its host went too
      if (node.nodeType === DOCUMENT) {
        while (node.firstChild) node.removeChild(node.firstChild);
        continue;
      }
      if (node.parentNode) node.parentNode.removeChild(node);
    }
    for (const n of m.adds || []) this.add(n, where);
    for (const a of m.attrs || []) {
      const el = this.byId.get(a.node);
      if (!el || el.nodeType !== ELEMENT) {
        this.onError(`${where}: attribute change for unknown node ${a.node}`);
        continue;
      }
      this.setAttr(el, a.name, a.removed ? null : a.value, where);
    }
    for (const t of m.texts || []) {
      const node = this.byId.get(t.node);
      if (!node || !(node.nodeType === TEXT || node.nodeType === COMMENT || node.nodeType === CDATA)) {
        this.onError(`${where}: text change for unknown node ${t.node}`);
        continue;
      }
      node.data = t.value;
    }
  }

  // Forgets a subtree's ids (light DOM, shadow roots, frame documents).
  forget(node) {
    const id = this.ids.get(node);
    if (id !== undefined && this.byId.get(id) === node) this.byId.delete(id);
    this.ids.delete(node);
    if (node.nodeType === ELEMENT) {
      if (node.shadowRoot) this.forget(node.shadowRoot);
      const frameDoc = this.frameDocument(node);
      if (frameDoc) this.forget(frameDoc);
    }
    for (let c = node.firstChild; c; c = c.nextSibling) this.forget(c);
  }

  frameDocument(el) {
    const tag = el.localName;
    if (tag !== 'iframe' && tag !== 'frame') return null;
    try {
      const doc = el.contentDocument;
      return doc && this.ids.has(doc) ? doc : null;
    } catch (e) {
      return null;
    }
  }

  add(n, where) {
    if (this.byId.has(n.id)) {
      this.onError(`${where}: node ${n.id} added while the replayer still has it`);
      const old = this.byId.get(n.id);
      this.forget(old);
      if (old.parentNode && old.nodeType !== FRAGMENT) old.parentNode.removeChild(old);
    }
    if (!n.parent) {
      if (n.type !== DOCUMENT) {
        this.onError(`${where}: root node ${n.id} is not a document (type ${n.type})`);
        return;
      }
      if (this.rootId) this.byId.delete(this.rootId);
      this.rootId = n.id;
      this.bind(n.id, this.rootDoc);
      return;
    }
    const parent = this.byId.get(n.parent);
    if (!parent) {
      this.onError(`${where}: node ${n.id} has unknown parent ${n.parent}`);
      return;
    }
    if (parent.nodeType === ELEMENT && childless(parent.localName)) return;

    if (n.type === FRAGMENT) return this.attachShadow(n, parent, where);
    if (n.type === DOCUMENT) return this.frameDoc(n, parent, where);

    const doc = parent.nodeType === DOCUMENT ? parent : parent.ownerDocument;
    const node = this.create(n, doc, parent, where);
    if (!node) return;
    let before = parent.firstChild;
    if (n.prev) {
      const prev = this.byId.get(n.prev);
      if (!prev || prev.parentNode !== parent) {
        this.onError(`${where}: node ${n.id} has unknown previous sibling ${n.prev} under ${n.parent}`);
        before = null;
      } else {
        before = prev.nextSibling;
      }
    }
    try {
      parent.insertBefore(node, before);
    } catch (e) {
      this.onError(`${where}: node ${n.id} cannot go under ${n.parent}: ${e.message}`);
      return;
    }
    this.bind(n.id, node);
  }

  bind(id, node) {
    this.byId.set(id, node);
    this.ids.set(node, id);
  }

  attachShadow(n, host, where) {
    if (host.nodeType !== ELEMENT) {
      this.onError(`${where}: shadow root ${n.id} on a non-element ${n.parent}`);
      return;
    }
    let root = host.shadowRoot;
    if (root) {
      // A host re-sent with its shadow root (a move): start the root afresh.
      this.forget(root);
      while (root.firstChild) root.removeChild(root.firstChild);
      root.adoptedStyleSheets = [];
    } else {
      try {
        root = host.attachShadow({ mode: 'open' });
      } catch (e) {
        this.onError(`${where}: cannot attach shadow root ${n.id} to <${host.localName}>: ${e.message}`);
        return;
      }
    }
    this.bind(n.id, root);
  }

  frameDoc(n, frame, where) {
    let doc = null;
    try {
      doc = frame.nodeType === ELEMENT && (frame.localName === 'iframe' || frame.localName === 'frame')
        ? frame.contentDocument : null;
    } catch (e) {
      doc = null;
    }
    if (!doc) {
      this.onError(`${where}: document ${n.id} under ${n.parent}, which is not a connected frame`);
      return;
    }
    this.forget(doc);
    while (doc.firstChild) doc.removeChild(doc.firstChild);
    this.bind(n.id, doc);
    if (this.onDocument) this.onDocument(doc);
  }

  create(n, doc, parent, where) {
    switch (n.type) {
      case ELEMENT: return this.element(n, doc, parent, where);
      case TEXT: return doc.createTextNode(n.value || '');
      case CDATA: return doc.createTextNode(n.value || '');
      case COMMENT: return doc.createComment(n.value || '');
      case DOCTYPE: {
        const attrs = new Map(n.attrs || []);
        return doc.implementation.createDocumentType(n.name || 'html', attrs.get('publicId') || '', attrs.get('systemId') || '');
      }
      default:
        this.onError(`${where}: node ${n.id} of unknown type ${n.type}`);
        return null;
    }
  }

  element(n, doc, parent, where) {
    // Inside <svg>, children default to SVG even if the record said 0.
    let ns = n.ns || 0;
    if (ns === 0 && parent.namespaceURI === NS_URI[1] && parent.localName !== 'foreignObject') ns = 1;
    let el;
    try {
      el = ns === 0 ? doc.createElement(n.name) : doc.createElementNS(NS_URI[ns] || NS_URI[0], n.name);
    } catch (e) {
      this.onError(`${where}: node ${n.id}: bad element name ${JSON.stringify(n.name)}`);
      el = doc.createElement('span');
    }
    for (const [name, value] of n.attrs || []) this.setAttr(el, name, value, where);
    const extra = forced(el.localName);
    if (extra) for (const [name, value] of extra) el.setAttribute(name, value);
    if (el.localName === 'video' || el.localName === 'audio') el.muted = true;
    // The live page ran scripts, so its <noscript> content is raw text that
    // was never shown; the replay frame runs none and would show that text.
    if (el.localName === 'noscript') this.override(el, 'style', 'display: none !important');
    return el;
  }

  // value null removes the attribute. The DOM gets what is safe to show
  // (relative URLs made absolute against the recorded page); the recorded
  // value is kept aside whenever the two differ.
  setAttr(el, name, value, where) {
    const held = this.held.get(el);
    const isForced = (forced(el.localName) || []).some(([k]) => k === name);
    if (value === null) {
      if (held) held.delete(name);
      if (!isForced) el.removeAttribute(name);
      return;
    }
    if (neutralise(el.localName, name, value)) {
      this.hold(el, name, value);
      if (!isForced && el.hasAttribute(name)) el.removeAttribute(name);
      return;
    }
    const shown = this.resolveUrl !== null && URL_ATTRS.has(name) ? this.resolveUrl(name, value) : value;
    if (shown !== value) this.hold(el, name, value);
    else if (held) held.delete(name);
    try {
      if (name.startsWith('xlink:')) {
        el.setAttributeNS(XLINK, name, shown);
      } else if (name.startsWith('xml:')) {
        el.setAttributeNS(XML, name, shown);
      } else {
        el.setAttribute(name, shown);
      }
    } catch (e) {
      // An attribute name the DOM refuses (setAttribute is stricter than the
      // parser): kept aside like a neutralised one.
      this.hold(el, name, value);
      if (where) this.onError(`${where}: attribute ${JSON.stringify(name)} cannot be set: ${e.message}`);
    }
  }

  hold(el, name, value) {
    let held = this.held.get(el);
    if (!held) this.held.set(el, (held = new Map()));
    held.set(name, value);
  }

  // Shows `shown` (null: nothing) in the DOM in place of the recorded value,
  // which attributesOf() still reports (absent stays absent).
  override(el, name, shown) {
    let held = this.held.get(el);
    if (!held || !held.has(name)) {
      this.hold(el, name, el.hasAttribute(name) ? el.getAttribute(name) : undefined);
    }
    if (shown === null) el.removeAttribute(name);
    else el.setAttribute(name, shown);
  }

  // The element's attributes as recorded: what the DOM has, minus what the
  // replayer forced, plus what it kept out.
  attributesOf(el) {
    const out = new Map();
    const extra = forced(el.localName);
    const held = this.held.get(el);
    for (const a of el.attributes) {
      if (extra && extra.some(([k]) => k === a.name)) continue;
      out.set(a.name, a.value);
    }
    if (held) {
      for (const [k, v] of held) {
        if (v === undefined) out.delete(k); else out.set(k, v);
      }
    }
    return out;
  }
}

// NODE records for a subtree, shared by the full snapshot and by mutation
// adds so both follow exactly the same privacy and shape rules.
//
// Besides its children, an element may hold an inner tree the replayer
// rebuilds under it: an open shadow root (a Fragment NODE, parent = the
// host) or a same-origin iframe's document (a Document NODE, parent = the
// iframe). It is written right after the element and before the element's
// own children, with prev 0. Closed shadow roots are not readable (a known
// limit); cross-origin and opaque sandboxed iframes have no document.

import { Rule, placeholderAttrs } from '../regions.js';
import { NodeFlag } from '../records.js';

const NS = {
  'http://www.w3.org/2000/svg': 1,
  'http://www.w3.org/1998/Math/MathML': 2,
};

const ELEMENT = 1;
const TEXT = 3;
const CDATA = 4;
const COMMENT = 8;
const DOCUMENT = 9;
const DOCTYPE = 10;
const FRAGMENT = 11;

// Whether the replayer gets this node's children. A <script>'s text is code,
// never content worth reading; <template> children are inert and live in
// .content anyway.
export function serializesChildren(node) {
  if (node.nodeType === DOCUMENT || node.nodeType === FRAGMENT) return true;
  if (node.nodeType !== ELEMENT) return false;
  return tagHasChildren(node.localName);
}

// serializesChildren for an element, by its localName.
export function tagHasChildren(tag) {
  return tag !== 'script' && tag !== 'template';
}

// The elements attachShadow (and declarative shadow DOM) accepts: these and
// custom elements, whose names have a hyphen. Any other element's
// shadowRoot is null (a browser's own, of <input> or <video>, is never
// exposed), so the walk does not ask.
const SHADOW_HOSTS = new Set(['article', 'aside', 'blockquote', 'body', 'div', 'footer', 'h1', 'h2', 'h3', 'h4',
  'h5', 'h6', 'header', 'main', 'nav', 'p', 'section', 'span']);

export function mayHostShadow(tag) {
  return SHADOW_HOSTS.has(tag) || tag.includes('-');
}

export function isFrame(el, tag = el.localName) {
  return tag === 'iframe' || tag === 'frame';
}

// An iframe's document when this realm may read it, else null (cross-origin
// and opaque sandboxed frames give null, never an error).
export function frameDocument(el) {
  try {
    const doc = el.contentDocument;
    return doc !== null && doc !== undefined && doc.nodeType === DOCUMENT ? doc : null;
  } catch (e) {
    return null;
  }
}

// The id of the nearest previous sibling the replayer has, 0 if none.
export function prevId(mirror, node) {
  for (let s = node.previousSibling; s; s = s.previousSibling) {
    const id = mirror.id(s);
    if (id !== 0) return id;
  }
  return 0;
}

const NO_NAMES = [];

// An attribute by element and name, with an Attr node's `value`, read when
// asked for. getAttribute lowercases its argument on an HTML element, so a
// name that setAttributeNS gave capitals is looked up in the list instead.
class AttrReader {
  constructor() {
    this.el = null;
    this.name = '';
  }

  get value() {
    const el = this.el;
    const value = el.getAttribute(this.name);
    if (value !== null) return value;
    for (const attr of el.attributes) if (attr.name === this.name) return attr.value;
    return '';
  }
}

export class Serializer {
  constructor(writer, mirror, privacy) {
    this.writer = writer;
    this.mirror = mirror;
    this.privacy = privacy;
    this.attrs = [];
    // Stands for the attribute privacy.attrValue is deciding on, in place of
    // its Attr node: the value is read only if the rules let it be.
    this.reader = new AttrReader();
    // The rule of the element emit() last wrote (Rule), and the rule any
    // node written under the last document or shadow root inherits.
    this.rule = Rule.DEFAULT;
    // The localName and namespace code (NS) of the element emit() last
    // wrote, so the walks need not read them again.
    this.tag = '';
    this.ns = 0;
    // Called with each shadow root and iframe document written (and its
    // host element), so its changes and events are observed from then on.
    this.onRoot = null;
  }

  // Whether the replayer gets this node's children: not a blocked region's.
  // rule: the node's rule, when the caller has it.
  hasChildren(node, rule = undefined) {
    if (!serializesChildren(node)) return false;
    return rule === undefined ? !this.privacy.regions.isBlocked(node) : rule !== Rule.BLOCK;
  }

  // One NODE record. Returns its id, or 0 when the node is not serialized.
  // host: for a shadow root or an iframe's document, the element it is
  // written under. above: the rule the node inherits (its parent element's,
  // its host's), when the caller's walk carries it; else it is looked up.
  // Afterwards this.rule is the rule the node's own children inherit.
  // fresh: the caller knows the node has no id yet.
  emit(node, parent, prev, host = null, above = undefined, fresh = false) {
    const w = this.writer;
    const mirror = this.mirror;
    const type = node.nodeType;
    const regions = this.privacy.regions;
    switch (type) {
      case ELEMENT: {
        const id = fresh ? mirror.add(node) : mirror.assign(node);
        const tag = node.localName;
        const ns = NS[node.namespaceURI] || 0;
        this.tag = tag;
        this.ns = ns;
        // Names as strings, values one getAttribute each: reading
        // node.attributes instead makes Blink create an Attr node per
        // attribute and a NamedNodeMap per element (on the bench's
        // 10,000-node page a cold walk took ~30 ms that way, ~20 this way).
        const names = node.hasAttributes() ? node.getAttributeNames() : NO_NAMES;
        const rule = regions.enter(node, above === undefined ? regions.parentRule(node) : above, names);
        this.rule = rule;
        if (rule === Rule.BLOCK) {
          // Nothing of a blocked region is read: no attribute values, no children.
          const a = placeholderAttrs(node);
          w.node(id, parent, prev, ELEMENT, ns, 0, tag, '', a, a.length);
          return id;
        }
        const len = this.collectAttrs(node, rule, names);
        // UNMASKED: the core reads this element's content attributes as relaxed.
        const flags = rule === Rule.UNMASK ? NodeFlag.UNMASKED : 0;
        w.node(id, parent, prev, ELEMENT, ns, flags, tag, '', this.attrs, len);
        return id;
      }
      case TEXT:
      case CDATA:
      case COMMENT: {
        const value = this.privacy.textValue(node, above);
        const id = fresh ? mirror.add(node) : mirror.assign(node);
        w.node(id, parent, prev, type, 0, this.privacy.flags, '', value, this.attrs, 0);
        return id;
      }
      case DOCUMENT: {
        const id = this.mirror.assign(node);
        this.rule = above !== undefined ? above : host === null ? regions.root : regions.of(host);
        w.node(id, parent, prev, DOCUMENT, 0, 0, '', '', this.attrs, 0);
        if (host !== null) {
          this.mirror.setFrameDoc(host, node);
          if (this.onRoot !== null) this.onRoot(node, host);
        }
        return id;
      }
      case FRAGMENT: {
        // Only ever a shadow root (inner() hands it over with its host).
        if (host === null) return 0;
        const id = this.mirror.assign(node);
        this.rule = above !== undefined ? above : regions.of(host);
        w.node(id, parent, 0, FRAGMENT, 0, 0, '', '', this.attrs, 0);
        if (this.onRoot !== null) this.onRoot(node, host);
        return id;
      }
      case DOCTYPE: {
        const id = this.mirror.assign(node);
        const a = this.attrs;
        let len = 0;
        if (node.publicId) { a[len++] = 'publicId'; a[len++] = node.publicId; }
        if (node.systemId) { a[len++] = 'systemId'; a[len++] = node.systemId; }
        w.node(id, parent, prev, DOCTYPE, 0, 0, node.name, '', a, len);
        return id;
      }
      default:
        return 0;
    }
  }

  // The inner tree of an element just written (id: its id): its open shadow
  // root or its iframe's readable document, written now. Returns that node
  // (its children are the caller's to walk) or null. skip(root): the
  // mutation group adds this shadow root itself (attached since).
  // rule: el's rule, when the caller has it; tag: its localName, likewise.
  inner(el, id, skip = null, rule = undefined, tag = undefined) {
    if (tag === undefined) {
      if (el.nodeType !== ELEMENT) return null;
      tag = el.localName;
    }
    const blocked = rule === undefined ? this.privacy.regions.isBlocked(el) : rule === Rule.BLOCK;
    if (isFrame(el, tag)) {
      const doc = blocked ? null : frameDocument(el);
      if (doc === null) {
        this.mirror.setFrameDoc(el, null);
        return null;
      }
      this.emit(doc, id, 0, el, rule);
      return doc;
    }
    if (!mayHostShadow(tag)) return null;
    const root = el.shadowRoot;
    if (blocked || !root || root.mode !== 'open' || (skip !== null && skip(root))) return null;
    this.emit(root, id, 0, el, rule);
    return root;
  }

  // Fills this.attrs with [name, value, ...]: the element's attributes
  // (names, from getAttributeNames) as the privacy rules let them be read
  // (privacy.attrValue). Live form state (what was typed) travels in INPUT
  // records, never as attributes. rule: el's rule.
  collectAttrs(el, rule, names) {
    const a = this.attrs;
    const privacy = this.privacy;
    const reader = this.reader;
    reader.el = el;
    let len = 0;
    for (let k = 0; k < names.length; k++) {
      const name = names[k];
      reader.name = name;
      a[len++] = name;
      a[len++] = privacy.attrValue(el, reader, rule, name);
    }
    // An element is not kept past this call.
    reader.el = null;
    return len;
  }
}

// A pre-order walk over a subtree that does not change while it runs (a
// mutation group's adds), inner trees included. The sliced full snapshot
// has a walk of its own (snapshot.js) that survives changes between slices.
// host: when the root is a shadow root or an iframe document, its element.
export class TreeWalk {
  constructor(serializer, root, parentId, prevId, visited, host = null) {
    this.ser = serializer;
    this.root = root;
    this.parent = parentId;
    this.prev = prevId;
    this.visited = visited || null;
    this.host = host;
  }

  step() {
    const ser = this.ser;
    const visited = this.visited;
    // Each frame: the parent id, the last id written under it, the next
    // node to write there (null: done), the rule its nodes inherit; the
    // root's frame holds the root alone, whose rule is looked up.
    const frames = [{ parent: this.parent, prev: this.prev, next: this.root, last: this.root, rule: undefined }];
    while (frames.length) {
      const f = frames[frames.length - 1];
      const node = f.next;
      if (node === null) {
        frames.pop();
        continue;
      }
      f.next = node === f.last ? null : node.nextSibling;
      const id = ser.emit(node, f.parent, f.prev, node === this.root ? this.host : null, f.rule);
      if (id === 0) continue;
      if (visited !== null) visited.add(node);
      f.prev = id;
      const rule = ser.rule;
      const element = node.nodeType === ELEMENT;
      const tag = element ? ser.tag : '';
      const opens = element ? rule !== Rule.BLOCK && tagHasChildren(tag) : ser.hasChildren(node);
      if (opens && node.firstChild !== null) {
        frames.push({ parent: id, prev: 0, next: node.firstChild, last: null, rule });
      }
      // Pushed last, so walked first: the inner tree precedes the children.
      const inner = element ? ser.inner(node, id, null, rule, tag) : null;
      if (inner !== null && inner.firstChild !== null) {
        frames.push({ parent: ser.mirror.id(inner), prev: 0, next: inner.firstChild, last: null, rule });
      }
    }
    return true;
  }
}

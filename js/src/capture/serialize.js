// NODE records for a subtree, shared by the full snapshot and by mutation
// adds so both follow exactly the same privacy and shape rules.

import { Rule, placeholderAttrs } from '../regions.js';

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

// Whether the replayer gets this node's children. A <script>'s text is code,
// never content worth reading; <template> children are inert and live in
// .content anyway.
export function serializesChildren(node) {
  if (node.nodeType === DOCUMENT) return true;
  if (node.nodeType !== ELEMENT) return false;
  const tag = node.localName;
  return tag !== 'script' && tag !== 'template';
}

// The id of the nearest previous sibling the replayer has, 0 if none.
export function prevId(mirror, node) {
  for (let s = node.previousSibling; s; s = s.previousSibling) {
    const id = mirror.id(s);
    if (id !== 0) return id;
  }
  return 0;
}

export class Serializer {
  constructor(writer, mirror, privacy) {
    this.writer = writer;
    this.mirror = mirror;
    this.privacy = privacy;
    this.attrs = [];
  }

  // Whether the replayer gets this node's children: not a blocked region's.
  hasChildren(node) {
    return serializesChildren(node) && !this.privacy.regions.isBlocked(node);
  }

  // One NODE record. Returns its id, or 0 when the node is not serialized.
  emit(node, parent, prev) {
    const w = this.writer;
    const type = node.nodeType;
    switch (type) {
      case ELEMENT: {
        const id = this.mirror.assign(node);
        const regions = this.privacy.regions;
        const up = node.parentNode;
        const rule = regions.enter(node, up !== null && up.nodeType === ELEMENT ? regions.of(up) : regions.root);
        if (rule === Rule.BLOCK) {
          // Nothing of a blocked region is read: no attributes, no children.
          const a = placeholderAttrs(node);
          w.node(id, parent, prev, ELEMENT, NS[node.namespaceURI] || 0, 0, node.localName, '', a, a.length);
          return id;
        }
        const len = this.collectAttrs(node);
        const ns = NS[node.namespaceURI] || 0;
        w.node(id, parent, prev, ELEMENT, ns, 0, node.localName, '', this.attrs, len);
        return id;
      }
      case TEXT:
      case CDATA:
      case COMMENT: {
        const value = this.privacy.textValue(node);
        const id = this.mirror.assign(node);
        w.node(id, parent, prev, type, 0, this.privacy.flags, '', value, this.attrs, 0);
        return id;
      }
      case DOCUMENT: {
        const id = this.mirror.assign(node);
        w.node(id, parent, prev, DOCUMENT, 0, 0, '', '', this.attrs, 0);
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

  // Fills this.attrs with [name, value, ...]: the element's attributes as
  // the privacy rules let them be read (privacy.attrValue). Live form state
  // (what was typed) travels in INPUT records, never as attributes.
  collectAttrs(el) {
    const a = this.attrs;
    const list = el.attributes;
    let len = 0;
    for (let k = 0; k < list.length; k++) {
      const attr = list[k];
      const name = attr.name;
      a[len++] = name;
      a[len++] = this.privacy.attrValue(el, attr);
    }
    return len;
  }
}

// A pre-order walk over a subtree that does not change while it runs (a
// mutation group's adds). step() may stop after `budget` nodes, but resuming
// trusts the DOM to be as it was: the sliced full snapshot has a walk of its
// own (snapshot.js) that survives changes between slices.
export class TreeWalk {
  constructor(serializer, root, parentId, prevId, visited) {
    this.ser = serializer;
    this.root = root;
    this.node = root;
    this.parent = parentId;
    this.prev = prevId;
    this.stack = [];
    this.visited = visited || null;
    this.done = false;
  }

  step(budget = Infinity) {
    const ser = this.ser;
    const root = this.root;
    const stack = this.stack;
    let node = this.node;
    let parent = this.parent;
    let prev = this.prev;
    let n = 0;
    while (n++ < budget) {
      const id = ser.emit(node, parent, prev);
      if (id !== 0) {
        if (this.visited !== null) this.visited.add(node);
        prev = id;
        const child = ser.hasChildren(node) ? node.firstChild : null;
        if (child !== null) {
          stack.push(parent, prev);
          parent = id;
          prev = 0;
          node = child;
          continue;
        }
      }
      while (node !== root && node.nextSibling === null) {
        node = node.parentNode;
        prev = stack.pop();
        parent = stack.pop();
      }
      if (node === root) {
        this.done = true;
        break;
      }
      node = node.nextSibling;
    }
    this.node = node;
    this.parent = parent;
    this.prev = prev;
    return this.done;
  }
}

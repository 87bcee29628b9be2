// Node identity. The core and the replayer only ever see these integers.
// A WeakMap keeps no node alive; ids are never reused within a page view, so
// a node that comes back after removal is recognised by the replayer as the
// same node.
//
// One id space covers the whole page: the document, open shadow roots (a
// Fragment whose replayer-side parent is its host) and the documents of
// same-origin iframes (a Document whose parent is its iframe element).

export const DOCUMENT_ID = 1;

const DOCUMENT = 9;
const FRAGMENT = 11;

// The replayer-side parent of a node: its parentNode, the host of a shadow
// root, or the iframe element a document was recorded under (frameOf, a
// WeakMap from document to iframe, as the mirror keeps it). null at the top.
export function composedParent(node, frameOf) {
  const p = node.parentNode;
  if (p !== null) return p;
  if (node.nodeType === FRAGMENT) return node.host || null;
  if (node.nodeType === DOCUMENT && frameOf) return frameOf(node);
  return null;
}

export class Mirror {
  // doc: the recorded page's document, the only node with DOCUMENT_ID.
  constructor(doc = null) {
    this.doc = doc;
    this.ids = new WeakMap();
    this.next = DOCUMENT_ID + 1;
    // Which document the replayer has under each iframe element, and back:
    // both weak, and the pair must agree (an iframe that loaded a new
    // document no longer parents the old one).
    this.docs = new WeakMap();
    this.frames = new WeakMap();
    this.frameOf = (doc2) => {
      const frame = this.frames.get(doc2);
      return frame !== undefined && this.docs.get(frame) === doc2 ? frame : null;
    };
  }

  // 0 when the node was never serialized.
  id(node) {
    return this.ids.get(node) || 0;
  }

  has(node) {
    return this.ids.has(node);
  }

  assign(node) {
    let id = this.ids.get(node);
    if (id === undefined) {
      // Without a given document, the first one serialized is the page's.
      if (node.nodeType === DOCUMENT && this.doc === null) this.doc = node;
      id = node === this.doc ? DOCUMENT_ID : this.next++;
      this.ids.set(node, id);
    }
    return id;
  }

  // assign() for a node the caller knows has no id yet: one WeakMap
  // operation instead of two, per node of a snapshot.
  add(node) {
    if (node.nodeType === DOCUMENT && this.doc === null) this.doc = node;
    const id = node === this.doc ? DOCUMENT_ID : this.next++;
    this.ids.set(node, id);
    return id;
  }

  // An iframe's document as the replayer now has it (null: none).
  setFrameDoc(frame, doc) {
    if (doc === null) {
      this.docs.delete(frame);
      return;
    }
    this.docs.set(frame, doc);
    this.frames.set(doc, frame);
  }

  frameDoc(frame) {
    return this.docs.get(frame) || null;
  }

  parentOf(node) {
    return composedParent(node, this.frameOf);
  }

  // The node itself or its nearest ancestor with an id (across shadow and
  // frame boundaries), so an event on an unserialized node (inside a
  // <script>) still points at something the replayer has. null when none.
  nearest(node) {
    for (let n = node; n; n = this.parentOf(n)) {
      if (this.ids.has(n)) return n;
    }
    return null;
  }
}

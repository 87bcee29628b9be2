// Node identity. The core and the replayer only ever see these integers.
// A WeakMap keeps no node alive; ids are never reused within a page view, so
// a node that comes back after removal is recognised by the replayer as the
// same node.

export const DOCUMENT_ID = 1;

export class Mirror {
  constructor() {
    this.ids = new WeakMap();
    this.next = DOCUMENT_ID + 1;
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
      id = node.nodeType === 9 ? DOCUMENT_ID : this.next++;
      this.ids.set(node, id);
    }
    return id;
  }

  // The node itself or its nearest ancestor with an id, so an event on an
  // unserialized node (inside a <script>) still points at something the
  // replayer has. null when there is none.
  nearest(node) {
    for (let n = node; n; n = n.parentNode) {
      if (this.ids.has(n)) return n;
    }
    return null;
  }
}

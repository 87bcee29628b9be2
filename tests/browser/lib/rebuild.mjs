// Rebuilds a virtual DOM from a decoded session (the collector's JSON) the
// way a replayer must: full snapshot, then each mutation with removes, adds,
// attribute changes and text changes applied in that order. Any reference to
// a node the replayer does not have is an error: it means the recorder sent
// something a real replay could not apply.

export class VirtualDom {
  constructor() {
    this.nodes = new Map();
    this.root = null;
    this.errors = [];
  }

  applySnapshot(snapshot) {
    this.nodes.clear();
    this.root = null;
    for (const n of snapshot.nodes) this.#insert(n, 'snapshot');
  }

  applyMutation(m, where = 'mutation') {
    for (const id of m.removes || []) {
      const node = this.nodes.get(id);
      if (!node) continue;  // already gone with an ancestor
      if (node.parent) node.parent.children.splice(node.parent.children.indexOf(node), 1);
      node.parent = null;
      this.#forget(node);
    }
    for (const n of m.adds || []) this.#insert(n, where);
    for (const a of m.attrs || []) {
      const node = this.nodes.get(a.node);
      if (!node) { this.errors.push(`${where}: attribute change for unknown node ${a.node}`); continue; }
      if (a.removed) node.attrs.delete(a.name); else node.attrs.set(a.name, a.value);
    }
    for (const t of m.texts || []) {
      const node = this.nodes.get(t.node);
      if (!node) { this.errors.push(`${where}: text change for unknown node ${t.node}`); continue; }
      node.value = t.value;
    }
  }

  #forget(node) {
    this.nodes.delete(node.id);
    for (const c of node.children) this.#forget(c);
  }

  #insert(n, where) {
    if (this.nodes.has(n.id)) {
      this.errors.push(`${where}: node ${n.id} added while the replayer still has it`);
      const old = this.nodes.get(n.id);
      if (old.parent) old.parent.children.splice(old.parent.children.indexOf(old), 1);
      this.#forget(old);
    }
    const node = {
      id: n.id, type: n.type, ns: n.ns || 0, name: n.name || '', value: n.value || '',
      attrs: new Map((n.attrs || []).map(([k, v]) => [k, v])), children: [], parent: null,
    };
    this.nodes.set(n.id, node);
    if (!n.parent) {
      if (this.root) this.errors.push(`${where}: second root node ${n.id}`);
      this.root = node;
      return;
    }
    const parent = this.nodes.get(n.parent);
    if (!parent) { this.errors.push(`${where}: node ${n.id} has unknown parent ${n.parent}`); return; }
    node.parent = parent;
    if (!n.prev) { parent.children.unshift(node); return; }
    const at = parent.children.findIndex((c) => c.id === n.prev);
    if (at < 0) {
      this.errors.push(`${where}: node ${n.id} has unknown previous sibling ${n.prev} under ${n.parent}`);
      parent.children.push(node);
      return;
    }
    parent.children.splice(at + 1, 0, node);
  }

  count() { return this.nodes.size; }

  // Child-index path from the root (as in childNodes), or null when the
  // node is not in the tree.
  pathOf(id) {
    let node = this.nodes.get(id);
    if (!node) return null;
    const path = [];
    while (node.parent) {
      path.unshift(node.parent.children.indexOf(node));
      node = node.parent;
    }
    return node === this.root ? path : null;
  }

  // A plain tree in the same shape as serializeLiveDom() produces.
  toTree(options = {}) { return this.root ? canonical(this.root, options) : null; }
}

function canonical(node, options) {
  const out = { type: node.type, name: node.name.toLowerCase() };
  if (node.type === 1) {
    out.attrs = Object.fromEntries([...node.attrs.entries()]
      .filter(([k]) => !(options.ignoreAttrs || []).includes(k)).sort());
  }
  if (node.type === 3 || node.type === 8) out.value = node.value;
  if (node.children.length) out.children = node.children.map((c) => canonical(c, options));
  return out;
}

// Replays a whole decoded session. `onEvent(event, dom)` runs after each
// event, so a test can check targets against the DOM of that moment.
export function replay(session, onEvent) {
  const dom = new VirtualDom();
  for (const ev of session.events) {
    if (ev.type === 'FullSnapshot') dom.applySnapshot(ev);
    else if (ev.type === 'Mutation') dom.applyMutation(ev, `mutation seq ${ev.seq}`);
    if (onEvent) onEvent(ev, dom);
  }
  return dom;
}

// Runs in the page (page.evaluate): the live DOM in the canonical shape.
// Script contents are never recorded, so they are left out here too.
export function serializeLiveDom(options = {}) {
  const ignore = options.ignoreAttrs || [];
  function walk(node) {
    const out = { type: node.nodeType, name: '' };
    if (node.nodeType === 1) {
      out.name = node.tagName.toLowerCase();
      out.attrs = Object.fromEntries([...node.attributes].map((a) => [a.name, a.value])
        .filter(([k]) => !ignore.includes(k)).sort());
    } else if (node.nodeType === 10) {
      out.name = node.name.toLowerCase();
    } else if (node.nodeType === 3 || node.nodeType === 8) {
      out.value = node.data;
      if (node.parentNode && node.parentNode.nodeName === 'STYLE') out.css = true;
    }
    const kids = node.nodeType === 1 && node.tagName.toLowerCase() === 'script' ? [] : [...node.childNodes];
    if (kids.length) out.children = kids.map(walk);
    return out;
  }
  return walk(document);
}

// Runs in the page: the childNodes-index path of the element a selector finds
// now, or null when nothing matches.
export function livePathOf(selector) {
  let node = document.querySelector(selector);
  if (!node) return null;
  const path = [];
  while (node.parentNode) {
    path.unshift([...node.parentNode.childNodes].indexOf(node));
    node = node.parentNode;
  }
  return path;
}

// Compares two canonical trees; returns a list of differences (empty: equal).
// `textMatches(recorded, live)` decides whether a text value is acceptable
// (exact by default; tests in strict mode accept the mask token).
export function diffTrees(recorded, live, { textMatches = (a, b) => a === b, attrMatches = (k, a, b) => a === b } = {}) {
  const diffs = [];
  function cmp(r, l, path) {
    if (!r || !l) { diffs.push(`${path}: ${r ? 'extra' : 'missing'} node`); return; }
    if (r.type !== l.type || r.name !== l.name) {
      diffs.push(`${path}: recorded ${r.type}/${r.name}, live ${l.type}/${l.name}`);
      return;
    }
    if (r.attrs || l.attrs) {
      const keys = new Set([...Object.keys(r.attrs || {}), ...Object.keys(l.attrs || {})]);
      for (const k of keys) {
        const a = (r.attrs || {})[k], b = (l.attrs || {})[k];
        if (a === undefined || b === undefined) diffs.push(`${path}[@${k}]: recorded ${a}, live ${b}`);
        else if (!attrMatches(k, a, b)) diffs.push(`${path}[@${k}]: recorded ${JSON.stringify(a)}, live ${JSON.stringify(b)}`);
      }
    }
    if ('value' in r || 'value' in l) {
      if (!textMatches(r.value ?? '', l.value ?? '', l)) {
        diffs.push(`${path}#text: recorded ${JSON.stringify(r.value)}, live ${JSON.stringify(l.value)}`);
      }
    }
    const rc = r.children || [], lc = l.children || [];
    if (rc.length !== lc.length) diffs.push(`${path}: ${rc.length} children recorded, ${lc.length} live`);
    for (let i = 0; i < Math.min(rc.length, lc.length); i++) cmp(rc[i], lc[i], `${path}/${lc[i].name || '#' + lc[i].type}[${i}]`);
  }
  cmp(recorded, live, '');
  return diffs;
}

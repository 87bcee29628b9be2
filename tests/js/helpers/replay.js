// A strict replayer over decoded records (records-reader.js): the snapshot,
// then each mutation group as removes, adds, attribute and text changes.
// Unlike a forgiving player it fails on any reference to a node it does not
// hold, REMOVE included: the glue must only name nodes the replayer has.

export class Replayer {
  constructor() {
    this.nodes = new Map();
    this.root = null;
  }

  apply(records) {
    let group = null;
    for (const r of records) {
      if (r.type === 'SNAP_BEGIN') {
        this.nodes.clear();
        this.root = null;
        group = { kind: 'snapshot' };
      } else if (r.type === 'MUT_BEGIN') {
        group = { kind: 'mutation', removes: [], adds: [], attrs: [], texts: [] };
      } else if (r.type === 'NODE') {
        if (group.kind === 'snapshot') this.insert(r);
        else group.adds.push(r);
      } else if (r.type === 'REMOVE') group.removes.push(r);
      else if (r.type === 'ATTR') group.attrs.push(r);
      else if (r.type === 'TEXT') group.texts.push(r);
      else if (r.type === 'MUT_END') this.mutate(group);
      else if ('target' in r && !this.nodes.has(r.target)) {
        throw new Error(`${r.type} names unknown node ${r.target}`);
      }
    }
  }

  mutate(g) {
    for (const { id } of g.removes) {
      const node = this.get(id, 'REMOVE');
      node.parent.children.splice(node.parent.children.indexOf(node), 1);
      this.forget(node);
    }
    for (const r of g.adds) this.insert(r);
    for (const a of g.attrs) {
      const node = this.get(a.id, 'ATTR');
      if (a.removed) node.attrs.delete(a.name);
      else node.attrs.set(a.name, a.value);
    }
    for (const t of g.texts) this.get(t.id, 'TEXT').value = t.value;
  }

  get(id, what) {
    const node = this.nodes.get(id);
    if (!node) throw new Error(`${what} names unknown node ${id}`);
    return node;
  }

  forget(node) {
    this.nodes.delete(node.id);
    for (const c of node.children) this.forget(c);
  }

  insert(r) {
    if (this.nodes.has(r.id)) throw new Error(`NODE ${r.id} added while still held`);
    const node = { id: r.id, type: r.nodeType, ns: r.ns, name: r.name, value: r.value,
      flags: r.flags, attrs: new Map(r.attrs), children: [], parent: null };
    this.nodes.set(r.id, node);
    if (r.parent === 0) {
      if (this.root !== null) throw new Error(`second root ${r.id}`);
      this.root = node;
      return;
    }
    const parent = this.get(r.parent, `parent of ${r.id}`);
    node.parent = parent;
    const at = r.prev === 0 ? 0 : parent.children.findIndex((c) => c.id === r.prev) + 1;
    if (at === 0 && r.prev !== 0) throw new Error(`NODE ${r.id}: unknown prev ${r.prev}`);
    parent.children.splice(at, 0, node);
  }

  // A compact text form, e.g. "div#3[class=a](#text:hi,span#5)"; masked
  // values show as *<class>.
  static show(v) {
    return typeof v === 'string' ? v : `*${v.masked}`;
  }

  tree(node = this.root) {
    if (node.type === 3 || node.type === 8) return `${node.type === 3 ? '#text' : '#comment'}:${Replayer.show(node.value)}`;
    const attrs = [...node.attrs].map(([k, v]) => `${k}=${Replayer.show(v)}`).join(',');
    const kids = node.children.map((c) => this.tree(c)).join(',');
    return `${node.name || `#${node.type}`}${attrs ? `[${attrs}]` : ''}${kids ? `(${kids})` : ''}`;
  }
}

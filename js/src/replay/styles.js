// Stylesheets in the replay: a <style>/<link> sheet is the owner element's
// own CSSOM (its id is the owner's node id); a constructed sheet is kept as
// its list of rules and turned into a CSSStyleSheet of each document that
// adopts it, because a constructed sheet can only be adopted within the
// document (realm) it was made for: the replay frame's, or a nested frame's.

export class Sheets {
  constructor(builder, onError) {
    this.builder = builder;
    this.onError = onError;
    // sheet id -> { rules: [css], disabled, copies: Map(document -> CSSStyleSheet) }
    this.constructed = new Map();
  }

  // A new page view: its sheet ids mean nothing to the next one.
  reset() {
    this.constructed.clear();
  }

  // A snapshot rebuilt the documents; sheets made for the old ones go.
  dropCopies() {
    for (const def of this.constructed.values()) def.copies.clear();
  }

  sheet(ev, where) {
    if (ev.owner) {
      const owner = this.builder.node(ev.owner);
      if (!owner) {
        this.onError(`${where}: stylesheet for unknown owner node ${ev.owner}`);
        return;
      }
      const sheet = ownSheet(owner);
      // A <link> whose sheet is not loaded (or not readable) in the replay
      // keeps what its URL gives; nothing to report.
      if (!sheet) {
        if (owner.localName !== 'link') {
          this.onError(`${where}: node ${ev.owner} has no stylesheet`);
          return;
        }
        // Still loading in the replay: the recorded rules win once it has.
        owner.addEventListener('load', () => {
          const loaded = ownSheet(owner);
          if (loaded) this.fill(loaded, ev.rules || [], where);
          if (loaded) loaded.disabled = !!ev.disabled;
        }, { once: true });
        return;
      }
      this.fill(sheet, ev.rules || [], where);
      sheet.disabled = !!ev.disabled;
      return;
    }
    let def = this.constructed.get(ev.sheet);
    if (!def) this.constructed.set(ev.sheet, (def = { rules: [], disabled: false, copies: new Map() }));
    def.rules = (ev.rules || []).slice();
    def.disabled = !!ev.disabled;
    for (const copy of def.copies.values()) {
      this.fill(copy, def.rules, where);
      copy.disabled = def.disabled;
    }
  }

  rule(ev, where) {
    const def = this.constructed.get(ev.sheet);
    const targets = [];
    if (def) {
      targets.push(...def.copies.values());
    } else {
      const owner = this.builder.node(ev.sheet);
      const sheet = owner ? ownSheet(owner) : null;
      if (!sheet) {
        this.onError(`${where}: rule change in unknown stylesheet ${ev.sheet}`);
        return;
      }
      targets.push(sheet);
    }
    const path = ev.path || [];
    if (path.length === 0) {
      this.onError(`${where}: rule change without an index`);
      return;
    }
    if (def && targets.length === 0) {
      // Not adopted anywhere yet: change the rule list through a scratch sheet.
      const scratch = new CSSStyleSheet();
      this.fill(scratch, def.rules, where);
      targets.push(scratch);
      def.scratch = scratch;
    }
    for (const sheet of targets) applyRule(sheet, ev, path, (msg) => this.onError(`${where}: ${msg}`));
    if (def) {
      const first = def.scratch || targets[0];
      def.rules = Array.from(first.cssRules, (r) => r.cssText);
      def.scratch = null;
    }
  }

  adopt(ev, where) {
    const target = this.builder.node(ev.target);
    if (!target || (target.nodeType !== 9 && target.nodeType !== 11)) {
      this.onError(`${where}: adopted sheets for unknown document or shadow root ${ev.target}`);
      return;
    }
    const doc = target.nodeType === 9 ? target : target.ownerDocument;
    const sheets = [];
    for (const id of ev.sheets || []) {
      const copy = this.copyFor(id, doc, where);
      if (copy) sheets.push(copy);
    }
    try {
      target.adoptedStyleSheets = sheets;
    } catch (e) {
      this.onError(`${where}: adoptedStyleSheets refused: ${e.message}`);
    }
  }

  copyFor(id, doc, where) {
    const def = this.constructed.get(id);
    if (!def) {
      this.onError(`${where}: adopted sheet ${id} was never described`);
      return null;
    }
    let copy = def.copies.get(doc);
    if (!copy) {
      const win = doc.defaultView;
      if (!win) return null;
      copy = new win.CSSStyleSheet();
      this.fill(copy, def.rules, where);
      copy.disabled = def.disabled;
      def.copies.set(doc, copy);
    }
    return copy;
  }

  fill(sheet, rules, where) {
    try {
      while (sheet.cssRules.length) sheet.deleteRule(sheet.cssRules.length - 1);
    } catch (e) {
      this.onError(`${where}: stylesheet not writable: ${e.message}`);
      return;
    }
    for (const css of rules) {
      try {
        sheet.insertRule(css, sheet.cssRules.length);
      } catch (e) {
        // @import cannot go into a constructed sheet; other rules the
        // browser refuses were refused live too (the recorder read them back).
        this.onError(`${where}: rule refused: ${css.slice(0, 60)}`);
      }
    }
  }
}

function ownSheet(el) {
  try {
    const sheet = el.sheet;
    if (!sheet) return null;
    void sheet.cssRules;  // throws for a sheet the replay cannot read
    return sheet;
  } catch (e) {
    return null;
  }
}

function applyRule(sheet, ev, path, fail) {
  let list = sheet;
  for (let k = 0; k < path.length - 1; k++) {
    const next = list.cssRules && list.cssRules[path[k]];
    if (!next || !next.cssRules) {
      fail(`rule path ${path.join('.')} does not lead to a grouping rule`);
      return;
    }
    list = next;
  }
  const at = path[path.length - 1];
  try {
    if (ev.op === 0) list.insertRule(ev.rule, at);
    else list.deleteRule(at);
  } catch (e) {
    fail(`${ev.op === 0 ? 'insertRule' : 'deleteRule'} at ${path.join('.')}: ${e.message}`);
  }
}

// Stylesheets beyond the DOM: SHEET, RULE and ADOPT records.
//
// A <style> element's text is recorded as a node; what the CSSOM does to its
// sheet afterwards is not in the DOM: insertRule/deleteRule (CSS-in-JS
// libraries build whole sheets that way), constructed sheets
// (new CSSStyleSheet, replace/replaceSync) and adoptedStyleSheets.
//  - While recording, those calls are wrapped (cssom.js) in the page's realm
//    and in each recorded iframe's; each change becomes a RULE, a SHEET (the
//    whole list again) or an ADOPT.
//  - After the snapshot: a <style> whose rules no longer match its text (rules
//    inserted before the recording began) gets a SHEET with its rules, and
//    each document and shadow root with adopted sheets an ADOPT (preceded by
//    a SHEET for each constructed sheet not yet described).
//  - adoptedStyleSheets changed in place (push, splice) bypass the setter:
//    every flush compares each root's list with the one last written.
//  - sheet.disabled / <style>.disabled (no attribute changes): a SHEET
//    with the disabled flag, also after the snapshot for sheets disabled then.
//  - Option captureStylesheetRules: the rules of same-origin <link> sheets,
//    once loaded, as a SHEET, for replays after the page's CSS is gone.
//
// Sheet ids: a <style>/<link> sheet is its owner node's id; a constructed
// sheet gets an id of the node id space (the mirror) when first described.
// Owner sheets inside blocked regions (owner not recorded) are never read.
//
// Calls made while the snapshot group is open are held (ctx.guard) and
// written after SNAP_END. A held RULE may then be older than a SHEET written
// meanwhile from the live rules: each change is stamped, each SHEET notes
// the stamp it includes, and older changes are not written again.

import { RuleOp, SheetFlag } from '../records.js';
import { PrivacyMode } from '../privacy.js';
import { Rule, scrubCss } from '../regions.js';
import { RootKind } from './roots.js';
import { patchRealm, rulePath, isConstructed, readRules } from './cssom.js';

// The RULE record's index path is at most this deep (records.h).
const MAX_DEPTH = 32;
// A <style> text longer than this is not parsed again to compare it with
// its rules, only counted (the cost falls on the page's main thread).
const MAX_COMPARED_TEXT = 16 * 1024;
const EMPTY = Object.freeze([]);

export class Styles {
  start(ctx) {
    this.ctx = ctx;
    this.linkRules = ctx.captureStylesheetRules === true;
    this.stamp = 0;
    this.sentAt = new WeakMap(); // sheet -> stamp its last SHEET includes
    this.adopted = new WeakMap(); // document or shadow root -> sheets last written
    this.realms = []; // { entry (null: the page's), undo }
    this.noteRule = ctx.guard('styles', (sheet, op, path, text, stamp) => this.writeRule(sheet, op, path, text, stamp));
    this.noteSheet = ctx.guard('styles', (sheet, stamp) => this.writeChanged(sheet, stamp));
    this.noteAdopt = ctx.guard('styles', (target, sheets) => this.writeAdopt(target, sheets));
    this.noteRoot = ctx.guard('styles', (root) => {
      if (this.started) this.sync(root);
    });
    this.hooks = {
      changed: (list, op, at) => this.changed(list, op, at),
      replaced: (sheet) => this.replaced(sheet),
      toggled: (sheet) => this.toggled(sheet),
      adopted: (target) => this.noteAdopt(target, Array.from(target.adoptedStyleSheets || EMPTY)),
    };
    this.patch(ctx.win, null);
    this.started = false;
    // Roots the snapshot walk enters are looked at once it ended; later
    // ones (shadow roots attached, frames loaded) right after their group.
    ctx.roots.bind(this);
    if (this.linkRules) {
      this.on = [];
      const loaded = (e) => {
        const el = e.target;
        if (el && el.nodeType === 1 && el.localName === 'link' && el.sheet) this.writeOwned(el.sheet);
      };
      const handler = ctx.guard('load', loaded);
      ctx.doc.addEventListener('load', handler, { capture: true, passive: true });
      this.on.push(handler);
      ctx.roots.on([RootKind.SHADOW, RootKind.FRAME], 'load', loaded);
    }
    // Held until SNAP_END when the snapshot is still being taken.
    ctx.guard('styles', () => {
      this.started = true;
      this.sync(ctx.doc);
      ctx.roots.each((entry) => this.sync(entry.root));
    })();
  }

  patch(win, entry) {
    const undo = win ? patchRealm(win, this.hooks, this.ctx.report) : null;
    if (undo !== null) this.realms.push({ entry, undo });
  }

  // roots.js: a shadow root or an iframe document is recorded from now on.
  enter(entry) {
    if (entry.kind === RootKind.FRAME) this.patch(entry.root.defaultView, entry);
    // Inside the serializer's group: looked at once the group is written.
    if (this.started) queueMicrotask(() => this.noteRoot(entry.root));
  }

  // roots.js: some roots were left; their realms are restored.
  refresh() {
    const roots = this.ctx.roots;
    this.realms = this.realms.filter((r) => {
      if (r.entry === null || roots.find(r.entry.root) === r.entry) return true;
      r.undo();
      return false;
    });
  }

  // A document's or shadow root's stylesheets as the replayer cannot know
  // them from the DOM: <style> sheets whose rules differ from their text,
  // linked sheets' rules (option), adopted sheets.
  sync(root) {
    const list = root.styleSheets;
    for (let k = 0; list && k < list.length; k++) {
      const sheet = list[k];
      const owner = sheet.ownerNode;
      if (!owner || owner.nodeType !== 1) continue;
      if (owner.localName === 'style') {
        if (sheet.disabled || this.differsFromText(sheet, owner)) this.writeOwned(sheet);
      } else if (owner.localName === 'link' && (this.linkRules || sheet.disabled)) {
        this.writeOwned(sheet);
      }
    }
    this.checkAdopted(root);
  }

  // Whether a <style>'s rules are not what its text alone gives. Kept cheap
  // (it runs on the page's main thread for every <style>): an empty text
  // with rules is the CSS-in-JS case and costs nothing; a short text is
  // parsed again and compared rule by rule (about 1 ms for 16 KB); a longer
  // one only has its top-level rules counted (parsing and serializing 100 KB
  // of CSS takes tens of ms), so there an edit that kept the count is missed.
  differsFromText(sheet, style) {
    let rules;
    try {
      rules = sheet.cssRules;
    } catch (e) {
      return false;
    }
    const text = style.textContent;
    if (!/\S/.test(text)) return rules.length > 0;
    let imports = 0;
    while (imports < rules.length && rules[imports].type === 3) imports++;
    if (text.length > MAX_COMPARED_TEXT) return countRules(text) !== rules.length;
    const Sheet = style.ownerDocument.defaultView && style.ownerDocument.defaultView.CSSStyleSheet;
    if (!Sheet) return false;
    // A sheet of the recorder's own (never described, so the wrapped
    // replaceSync writes nothing). Constructed sheets drop @import rules,
    // which can only come first: they are not compared.
    const scratch = new Sheet();
    scratch.replaceSync(text);
    const parsed = scratch.cssRules;
    if (parsed.length !== rules.length - imports) return true;
    for (let k = 0; k < parsed.length; k++) {
      if (parsed[k].cssText !== rules[k + imports].cssText) return true;
    }
    return false;
  }

  // cssom.js: a rule inserted or deleted; the path and the rule's text are
  // taken now, before the page changes the sheet again.
  changed(list, op, at) {
    const found = rulePath(list, at);
    if (found === null || found.path.length > MAX_DEPTH) return;
    const sheet = found.sheet;
    if (sheet.ownerRule !== null) return; // inside an @import: not recorded
    // A constructed sheet not described yet is described whole when adopted.
    if (isConstructed(sheet) && !this.ctx.mirror.has(sheet)) return;
    const text = op === RuleOp.INSERT ? list.cssRules[at].cssText : '';
    this.noteRule(sheet, op, found.path, text, ++this.stamp);
  }

  // cssom.js: replace() resolved or replaceSync() returned.
  replaced(sheet) {
    if (!this.ctx.mirror.has(sheet)) return;
    this.noteSheet(sheet, ++this.stamp);
  }

  // cssom.js: sheet.disabled or <style>.disabled set: the flag travels
  // with the whole list (SHEET).
  toggled(sheet) {
    if (sheet.ownerRule !== null || (isConstructed(sheet) && !this.ctx.mirror.has(sheet))) return;
    this.noteSheet(sheet, ++this.stamp);
  }

  // The sheet's id and its owner's ({ id, owner, node }); null when the
  // replayer cannot have it: owner not recorded (blocked region, not in a
  // recorded tree), an @import's sheet, a constructed sheet not described.
  target(sheet) {
    const ctx = this.ctx;
    const owner = sheet.ownerNode;
    if (owner) {
      if (!owner.isConnected) return null;
      // Pending DOM changes go first: the owner's new text would reset
      // whatever is written here.
      if (ctx.mutations !== null) ctx.mutations.collect();
      if (ctx.target(owner) !== owner) return null;
      const id = ctx.mirror.id(owner);
      return { id, owner: id, node: owner };
    }
    if (!isConstructed(sheet)) return null;
    const id = ctx.mirror.id(sheet);
    return id === 0 ? null : { id, owner: 0, node: null };
  }

  // Rule text through the same scrub as <style> text (privacy.js).
  css(text, node) {
    const p = this.ctx.privacy;
    const mask = p.mode === PrivacyMode.strict || (node !== null && p.regions.of(node) === Rule.MASK);
    return scrubCss(text, mask);
  }

  writeRule(sheet, op, path, text, stamp) {
    if (stamp <= (this.sentAt.get(sheet) || 0)) return;
    const t = this.target(sheet);
    if (t === null) return;
    this.ctx.writer.rule(this.ctx.now(), t.id, op, path, op === RuleOp.INSERT ? this.css(text, t.node) : '');
  }

  writeChanged(sheet, stamp) {
    if (stamp <= (this.sentAt.get(sheet) || 0)) return;
    const t = this.target(sheet);
    if (t !== null) this.writeSheet(sheet, t);
  }

  // An owner element's sheet, whole.
  writeOwned(sheet) {
    const t = this.target(sheet);
    if (t !== null) this.writeSheet(sheet, t);
  }

  writeSheet(sheet, t) {
    const rules = readRules(sheet);
    if (rules === null) return;
    for (let k = 0; k < rules.length; k++) rules[k] = this.css(rules[k], t.node);
    this.ctx.writer.sheet(this.ctx.now(), t.id, t.owner, sheet.disabled ? SheetFlag.DISABLED : 0, rules);
    this.sentAt.set(sheet, this.stamp);
  }

  // A constructed sheet's id, described first if it was not.
  constructedId(sheet) {
    const mirror = this.ctx.mirror;
    if (mirror.has(sheet)) return mirror.id(sheet);
    if (!isConstructed(sheet)) return 0;
    const id = mirror.assign(sheet);
    this.writeSheet(sheet, { id, owner: 0, node: null });
    return id;
  }

  writeAdopt(target, sheets) {
    const ctx = this.ctx;
    if (ctx.target(target) !== target) return;
    const id = ctx.mirror.id(target);
    const ids = [];
    for (const sheet of sheets) {
      const sid = this.constructedId(sheet);
      if (sid !== 0) ids.push(sid);
    }
    ctx.writer.adopt(ctx.now(), id, ids);
    this.adopted.set(target, sheets);
  }

  // Writes ADOPT when a root's adopted sheets are not the ones last written.
  checkAdopted(root) {
    const now = root.adoptedStyleSheets;
    if (!now) return;
    const was = this.adopted.get(root) || EMPTY;
    let same = now.length === was.length;
    for (let k = 0; same && k < now.length; k++) same = now[k] === was[k];
    if (!same) this.writeAdopt(root, Array.from(now));
  }

  // Every flush: lists changed in place.
  drain() {
    if (!this.started) return;
    const ctx = this.ctx;
    this.checkAdopted(ctx.doc);
    ctx.roots.each((entry) => this.checkAdopted(entry.root));
  }

  stop() {
    for (const r of this.realms) r.undo();
    this.realms = [];
    if (this.on) {
      for (const h of this.on) this.ctx.doc.removeEventListener('load', h, { capture: true, passive: true });
      this.on = null;
    }
    this.started = false;
  }

  reset() {
    this.started = false;
  }
}

// The top-level rules of a CSS text as the CSSOM would count them, for
// well-formed CSS: blocks and @-statements (@import, @layer a;) at depth 0,
// comments and strings skipped. @charset is no rule in the CSSOM.
export function countRules(text) {
  let count = 0;
  let depth = 0;
  let start = -1; // first character of the current top-level prelude
  const n = text.length;
  for (let k = 0; k < n; k++) {
    const c = text.charCodeAt(k);
    if (c === 47 && text.charCodeAt(k + 1) === 42) { // /* comment */
      const e = text.indexOf('*/', k + 2);
      k = e < 0 ? n : e + 1;
    } else if (c === 34 || c === 39) { // "string" or 'string'
      for (k++; k < n && text.charCodeAt(k) !== c; k++) if (text.charCodeAt(k) === 92) k++;
    } else if (c === 123) { // {
      depth++;
    } else if (c === 125) { // }
      if (depth > 0 && --depth === 0) {
        count++;
        start = -1;
      }
    } else if (c === 59 && depth === 0) { // ; ends an @-statement
      if (start >= 0 && text.charCodeAt(start) === 64 && !text.startsWith('@charset', start)) count++;
      start = -1;
    } else if (depth === 0 && start < 0 && c > 32) {
      start = k;
    }
  }
  return count;
}

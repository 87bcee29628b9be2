// Regions: parts of the page a site marks for stricter (or looser) rules,
// by attribute (data-recorder-block|mask|unmask) or by CSS selector
// (privacy.block|mask|unmask). Also the pure URL and CSS rules that go with
// them. Nothing here reads a text node or a field's value.
//
// An element's rule is the nearest marker up its ancestry; a blocked
// ancestor ends the question (nothing below it is ever looked at). Masking
// wins over unmasking on the same element. An editable region
// (contenteditable) holds what the visitor types, so it counts as a field:
// masked unless relaxed, and never looser than a mask around it.
//
// Ancestry crosses shadow and frame boundaries: a shadow root's content
// inherits its host's rule, an iframe document's its iframe element's (a
// masked host masks its shadow content, a blocked iframe is never entered).

import { composedParent } from './mirror.js';

export const Rule = Object.freeze({ DEFAULT: 0, MASK: 1, UNMASK: 2, EDIT: 3, BLOCK: 4 });

export const MARKERS = Object.freeze({
  block: 'data-recorder-block',
  mask: 'data-recorder-mask',
  unmask: 'data-recorder-unmask',
});

function selectorOf(marker, extra) {
  return [`[${marker}]`, ...extra].join(', ');
}

// The attributes a selector can look at: class for ".x", id for "#x", and
// every "[name...]". Over-inclusive on purpose (a "." inside a quoted value
// adds class): a needless re-check costs time, a missed one would leak.
export function attributesOf(selectors) {
  const names = new Set();
  for (const sel of selectors) {
    if (sel.includes('.')) names.add('class');
    if (sel.includes('#')) names.add('id');
    for (const m of sel.matchAll(/\[\s*([^\s~|^$*=\]]+)/g)) names.add(m[1].toLowerCase());
  }
  return names;
}

// The rule an element sets by itself, or null when it inherits.
// maskAll: the analytics consent level, where nothing is unmasked.
// sel.markersOnly: no selectors were given, so attribute checks suffice
// (several times cheaper than matches() on every element of a snapshot).
export function explicitRule(el, sel, maskAll) {
  if (sel.markersOnly) {
    if (el.hasAttribute(MARKERS.block)) return Rule.BLOCK;
    if (el.hasAttribute(MARKERS.mask)) return Rule.MASK;
    if (!maskAll && el.hasAttribute(MARKERS.unmask)) return Rule.UNMASK;
  } else {
    if (el.matches(sel.block)) return Rule.BLOCK;
    if (el.matches(sel.mask)) return Rule.MASK;
    if (!maskAll && el.matches(sel.unmask)) return Rule.UNMASK;
  }
  const editable = el.getAttribute('contenteditable');
  if (editable !== null && editable.toLowerCase() !== 'false') return Rule.EDIT;
  return null;
}

// explicitRule for markersOnly, from the element's attribute names, which
// the serializer reads anyway: one pass over names instead of four lookups
// per element of a snapshot. Same answers, same precedence. Only
// contenteditable's value is ever read.
export function ruleFromNames(el, names, maskAll) {
  let block = false, mask = false, unmask = false, editable = null;
  for (let k = 0; k < names.length; k++) {
    const name = names[k];
    if (name.length < 15) continue; // shorter than any marker or "contenteditable"
    if (name === MARKERS.block) block = true;
    else if (name === MARKERS.mask) mask = true;
    else if (name === MARKERS.unmask) unmask = true;
    else if (name === 'contenteditable') editable = el.getAttribute(name);
  }
  if (block) return Rule.BLOCK;
  if (mask) return Rule.MASK;
  if (!maskAll && unmask) return Rule.UNMASK;
  if (editable !== null && editable.toLowerCase() !== 'false') return Rule.EDIT;
  return null;
}

export function combine(parent, own) {
  if (parent === Rule.BLOCK) return Rule.BLOCK;
  if (own === null) return parent;
  if (own === Rule.EDIT && parent === Rule.MASK) return Rule.MASK;
  return own;
}

export class Regions {
  // privacy: the resolved privacy options; maskAll: mask everything
  // (analytics-only consent) whatever the markers say.
  constructor(privacy, maskAll) {
    // Besides the markers (and contenteditable), only the attributes the
    // selectors look at can change an element's rule.
    const selectors = [...privacy.block, ...privacy.mask, ...privacy.unmask];
    this.watched = attributesOf(selectors);
    this.sel = {
      markersOnly: selectors.length === 0,
      block: selectorOf(MARKERS.block, privacy.block),
      mask: selectorOf(MARKERS.mask, privacy.mask),
      unmask: selectorOf(MARKERS.unmask, privacy.unmask),
    };
    this.maskAll = maskAll;
    this.root = maskAll ? Rule.MASK : Rule.DEFAULT;
    this.rules = new WeakMap(); // element -> Rule, as last serialized
    // The replayer-side parent; useTree() adds the iframe documents.
    this.up = (n) => composedParent(n, null);
    // Whether an element was serialized (has an id); set by useTree().
    this.serialized = null;
    // Whether any rule other than the root's was ever remembered: until
    // then there is no entry to delete.
    this.varied = false;
  }

  // mirror: the recording's Mirror, which knows each iframe's document and
  // which elements were serialized. Made with it, and used only with it.
  useTree(mirror) {
    this.up = (n) => mirror.parentOf(n);
    this.serialized = (el) => mirror.has(el);
  }

  // The nearest element above a node, across shadow and frame boundaries.
  elementAbove(node) {
    for (let n = this.up(node); n !== null; n = this.up(n)) {
      if (n.nodeType === 1) return n;
    }
    return null;
  }

  // The rule a node inherits from above (its parent element's, its host's,
  // its iframe's), as serialized.
  parentRule(node) {
    const el = this.elementAbove(node);
    return el === null ? this.root : this.of(el);
  }

  mayChangeRule(attributeName) {
    return this.watched.has(attributeName) || attributeName === 'contenteditable' ||
      attributeName.startsWith('data-recorder-');
  }

  // The rule of an element whose parent's rule is known; remembered.
  // names: el's attribute names (getAttributeNames), when the caller has
  // read them.
  enter(el, parentRule, names = null) {
    const own = names !== null && this.sel.markersOnly
      ? ruleFromNames(el, names, this.maskAll) : explicitRule(el, this.sel, this.maskAll);
    const rule = combine(parentRule, own);
    // With the tree known, an element serialized under the root's rule (most
    // of any page) keeps no entry: of() tells it from one never serialized by
    // its id. A WeakMap entry fewer per element of a snapshot: half the
    // snapshot's growth of WeakMap tables on the 10,000-node page.
    if (rule !== this.root || this.serialized === null) {
      this.rules.set(el, rule);
      this.varied = true;
    } else if (this.varied) {
      this.rules.delete(el);
    }
    return rule;
  }

  // The rule an element would get now under a parent's rule; not remembered.
  recompute(el, parentRule) {
    return combine(parentRule, explicitRule(el, this.sel, this.maskAll));
  }

  // The rule now in force for an element (computed up its ancestry, not
  // trusting what was remembered): for the root of a walk.
  current(el) {
    const chain = [];
    for (let n = el; n !== null; n = this.up(n)) if (n.nodeType === 1) chain.push(n);
    let rule = this.root;
    for (let k = chain.length - 1; k >= 0; k--) {
      rule = combine(rule, explicitRule(chain[k], this.sel, this.maskAll));
      if (rule === Rule.BLOCK) return rule;
    }
    return rule;
  }

  // The rule as serialized, for text and attribute changes of held nodes.
  of(node) {
    const el = node.nodeType === 1 ? node : this.elementAbove(node);
    if (el === null) return this.root;
    const rule = this.serializedRule(el);
    return rule === undefined ? this.current(el) : rule;
  }

  // The rule an element was last serialized with; undefined if never.
  serializedRule(el) {
    const rule = this.rules.get(el);
    if (rule !== undefined || this.serialized === null) return rule;
    return this.serialized(el) ? this.root : undefined;
  }

  isBlocked(el) {
    return this.rules.get(el) === Rule.BLOCK;
  }
}

// A blocked element keeps its tag and its size, nothing else.
export function placeholderAttrs(el) {
  const box = typeof el.getBoundingClientRect === 'function' ? el.getBoundingClientRect() : null;
  const w = box ? Math.round(box.width) : 0;
  const h = box ? Math.round(box.height) : 0;
  return [MARKERS.block, '', 'style', `display:inline-block;width:${w}px;height:${h}px`];
}

// CSS is kept (a replay needs it) but it can carry page content: quoted
// strings of `content` and of custom properties are text the page shows,
// and url()s can carry query strings. maskStrings: the rule or mode masks
// text; inline: a style attribute, where every quoted string goes.
export function scrubCss(css, maskStrings, inline = false) {
  let out = css.replace(/url\(\s*(['"]?)([^'")]*?)\1\s*\)/gi, (m, q, url) => {
    const cut = url.indexOf('?');
    return cut < 0 ? m : `url(${q}${url.slice(0, cut)}${q})`;
  });
  if (!maskStrings) return out;
  const strings = /(["'])(?:\\[\s\S]|(?!\1)[^\\])*\1/g;
  if (inline) return out.replace(strings, (s) => s[0] + s[0]);
  out = out.replace(/((?:content|--[\w-]+)\s*:)([^;}]*)/gi, (m, prop, value) => prop + value.replace(strings, (s) => s[0] + s[0]));
  return out;
}

// excludePages: strings match the whole URL without query and fragment
// when they contain "://", else its path; * matches any run of characters.
export function pageExcluded(patterns, href) {
  if (patterns.length === 0) return false;
  let url;
  try {
    url = new URL(href);
  } catch (e) {
    return false;
  }
  const full = url.origin + url.pathname;
  for (const p of patterns) {
    if (p instanceof RegExp) {
      p.lastIndex = 0;
      if (p.test(href)) return true;
      continue;
    }
    const subject = p.includes('://') ? full : url.pathname;
    const re = new RegExp(`^${p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    if (re.test(subject)) return true;
  }
  return false;
}

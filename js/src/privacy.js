// What the glue may read. The core applies the final masking gate and PII
// detection to every string it receives; the rules here are stricter and come
// first: a value the glue never reads can never leak, whatever happens later.
//
// The pure functions at the top decide; the Privacy class feeds them from the
// DOM without touching the protected property when the answer is "mask".

import { MASKED, LengthClass, masked, NodeFlag } from './records.js';
import { Regions, Rule, scrubCss } from './regions.js';
import { AttrPolicy, attrPolicy } from './attributes.js';

export const PrivacyMode = Object.freeze({ strict: 0, balanced: 1, relaxed: 2 });

const SECRET_AUTOCOMPLETE = new Set(['one-time-code', 'new-password', 'current-password']);

// autocomplete is a space-separated token list ("section-x billing cc-number").
export function isSecretAutocomplete(autocomplete) {
  if (!autocomplete) return false;
  for (const token of autocomplete.toLowerCase().split(/\s+/)) {
    if (token.startsWith('cc-') || SECRET_AUTOCOMPLETE.has(token)) return true;
  }
  return false;
}

// Fields whose value is never read, in any mode.
export function isSecretField(type, autocomplete) {
  const t = (type || '').toLowerCase();
  return t === 'password' || t === 'hidden' || isSecretAutocomplete(autocomplete);
}

// A field named like a secret (id or name): a password revealed as text
// before recording began has no other trace of what it is.
const SECRET_NAME = /pass|pwd|secret/i;

export function isSecretName(id, name) {
  return SECRET_NAME.test(id || '') || SECRET_NAME.test(name || '');
}

// 'read' or 'mask' for a form field's value.
export function valuePolicy(mode, secret) {
  return mode === PrivacyMode.relaxed && !secret ? 'read' : 'mask';
}

// 'read' or 'mask' for the data of a text or comment node.
// context: 'style' (CSS), 'field' (the value of a textarea), 'comment',
// 'text'. Whitespace-only text carries layout, not content. Comments are
// never shown to a visitor and are where stray data tends to be left, so
// they are never read.
export function textPolicy(mode, context, secret, whitespaceOnly) {
  if (context === 'style') return 'read';
  if (context === 'field') return valuePolicy(mode, secret);
  if (secret || context === 'comment') return 'mask';
  if (mode !== PrivacyMode.strict) return 'read';
  return context === 'text' && whitespaceOnly ? 'read' : 'mask';
}

// Inputs whose value attribute is a visible label, not something typed.
const BUTTON_TYPES = new Set(['submit', 'button', 'reset', 'image']);

// The core's whitespace (masking_gate.cc): space, \n, \t, \r, \f.
function isSpace(c) {
  return c === 32 || c === 10 || c === 9 || c === 13 || c === 12;
}

// Whether a text node holds only whitespace, which carries layout and no
// content, so strict mode may send it as is. Reads the data in growing
// slices (1, 1, 2, 4, ... characters) and stops at the first other
// character: of a node with content, at most its leading whitespace and as
// many characters again are ever read, usually a single character.
export function isWhitespaceOnly(node) {
  const n = node.length;
  let k = 0;
  while (k < n) {
    const chunk = node.substringData(k, Math.max(1, k));
    for (let i = 0; i < chunk.length; i++) {
      if (!isSpace(chunk.charCodeAt(i))) return false;
    }
    k += chunk.length;
  }
  return true;
}

// Attributes whose value is page content: every name the attribute
// allowlist (attributes.js, the core's tables) does not name.
export function isContentAttr(name) {
  const p = attrPolicy(name);
  return p === AttrPolicy.CONTENT || p === AttrPolicy.FIELD_VALUE || p === AttrPolicy.MASKED;
}

export class Privacy {
  // regions: a Regions (regions.js); none: no markers, no selectors.
  // secret: the fields known to be secret, shared by every page view of the
  // document (a new page view after a reveal toggle must still know).
  constructor(mode, regions = null, secret = new WeakSet()) {
    this.mode = mode;
    this.regions = regions || new Regions({ block: [], mask: [], unmask: [] }, false);
    // Once secret, always secret: a "show password" toggle that turns the
    // field into type=text must not start revealing it.
    this.secret = secret;
  }

  markSecret(el) {
    this.secret.add(el);
  }

  // el: an input, textarea or select.
  isSecret(el) {
    if (this.secret.has(el)) return true;
    const type = el.localName === 'input' ? el.type : '';
    if (isSecretField(type, el.getAttribute('autocomplete')) ||
        isSecretName(el.getAttribute('id'), el.getAttribute('name'))) {
      this.secret.add(el);
      return true;
    }
    return false;
  }

  // NodeFlag.UNMASKED for an element inside a region the site unmasked
  // (privacy.unmask, data-recorder-unmask): the core then treats its
  // content attributes as in relaxed mode. 0 elsewhere.
  flagsOf(el) {
    return this.regions.of(el) === Rule.UNMASK ? NodeFlag.UNMASKED : 0;
  }

  // The current value of a field (a select's value is its selected
  // option's value), for INPUT records; sets this.valueFlags (UNMASKED when
  // an unmasked region let it be read).
  fieldValue(el) {
    this.valueFlags = 0;
    const tag = el.localName;
    if (tag === 'input' && (el.type === 'checkbox' || el.type === 'radio')) return '';
    const secret = this.isSecret(el);
    if (this.valueReadable(el, secret)) {
      if (this.valueRule(el) === Rule.UNMASK) this.valueFlags = NodeFlag.UNMASKED;
      return el.value;
    }
    // Masked values get one fixed token whatever their length, as the core
    // does. textLength tells an empty textarea without handing over its
    // text; an input offers nothing like it, so it is always "short".
    if (!secret && tag === 'textarea' && el.textLength === 0) return MASKED[LengthClass.EMPTY];
    return MASKED[LengthClass.SHORT];
  }

  // The rule for reading a field's live value: the stricter of the rule
  // as serialized and the rule now. A marker gained (or a move into a
  // masked region) is only re-serialized at the end of the mutation window,
  // and what is typed meanwhile must already be masked (the property test
  // found this).
  valueRule(el) {
    const serialized = this.regions.of(el);
    if (serialized === Rule.MASK || serialized === Rule.BLOCK) return serialized;
    const now = typeof this.regions.current === 'function' ? this.regions.current(el) : serialized;
    if (now === Rule.MASK || now === Rule.BLOCK) return now;
    return serialized === Rule.UNMASK && now === Rule.UNMASK ? Rule.UNMASK : Rule.DEFAULT;
  }

  // Whether a field's live value may be read: by the mode, unless the
  // field sits in a masked region (or is secret, whatever the region).
  valueReadable(el, secret = this.isSecret(el)) {
    if (secret) return false;
    const rule = this.valueRule(el);
    if (rule === Rule.MASK || rule === Rule.BLOCK) return false;
    // An unmasked region reads as relaxed (the UNMASKED flag tells the core).
    if (rule === Rule.UNMASK) return true;
    return valuePolicy(this.mode, false) === 'read';
  }

  // Any attribute's value, for NODE and ATTR records. attr: the Attr node,
  // read only when the rules allow it. By the attribute allowlist
  // (attributes.js): handlers and nonces are never read; content (every
  // name not allowlisted) is masked here in a masked region and in strict
  // mode, where the core would mask it anyway; URLs, the allowlist and the
  // rest go to the core, which scrubs and scans them.
  // rule: the element's rule as serialized, when the caller has it;
  // name: attr's name, likewise.
  attrValue(el, attr, rule = undefined, name = attr.name) {
    const policy = attrPolicy(name);
    switch (policy) {
      case AttrPolicy.DROPPED:
        return '';
      case AttrPolicy.FIELD_VALUE:
        return this.valueAttr(el, attr, rule);
      case AttrPolicy.MASKED:
        return MASKED[LengthClass.LONG];
      case AttrPolicy.STYLE: {
        if (rule === undefined) rule = this.regions.of(el);
        return scrubCss(attr.value, this.mode === PrivacyMode.strict || rule === Rule.MASK, true);
      }
      case AttrPolicy.CONTENT: {
        if (rule === undefined) rule = this.regions.of(el);
        if (rule === Rule.MASK || rule === Rule.BLOCK ||
            (this.mode === PrivacyMode.strict && rule !== Rule.UNMASK)) return masked(attr.value.length);
        return attr.value;
      }
      default:
        return attr.value;
    }
  }

  // The value attribute of an element. attr is the Attr node: its value is
  // only touched when the rules allow reading it.
  valueAttr(el, attr, rule = this.regions.of(el)) {
    const tag = el.localName;
    if (rule === Rule.MASK || rule === Rule.BLOCK) return MASKED[LengthClass.SHORT];
    const mode = rule === Rule.UNMASK ? PrivacyMode.relaxed : this.mode;
    if (tag === 'input') {
      // Strict masks every input's value, secret or not (fieldStates still
      // asks each field, before a reveal toggle can hide what it is).
      if (mode === PrivacyMode.strict || this.isSecret(el)) return MASKED[LengthClass.SHORT];
      if (BUTTON_TYPES.has(el.type)) {
        return mode === PrivacyMode.strict ? MASKED[LengthClass.SHORT] : attr.value;
      }
      return valuePolicy(mode, false) === 'read' ? attr.value : MASKED[LengthClass.SHORT];
    }
    if (tag === 'option' || tag === 'textarea' || tag === 'select') {
      const field = this.fieldOf(el);
      if (field && this.isSecret(field)) return MASKED[LengthClass.SHORT];
    }
    return attr.value;
  }

  // The field (textarea or select) whose value a node's text is part of.
  fieldOf(node) {
    for (let n = node, depth = 0; n && depth < 3; n = n.parentNode, depth++) {
      const tag = n.localName;
      if (tag === 'textarea' || tag === 'select') return n;
    }
    return null;
  }

  // Text and comment data. Returns the value; sets this.flags for the NODE.
  // rule: the rule the node inherits as serialized, when the caller has it.
  textValue(node, rule = this.regions.of(node)) {
    this.flags = 0;
    const parent = node.parentNode;
    const ptag = parent && parent.localName;
    let context = 'text';
    let secret = false;
    if (node.nodeType === 8) {
      context = 'comment';
    } else if (ptag === 'style') {
      this.flags = NodeFlag.STYLE_TEXT;
      return scrubCss(node.data, this.mode === PrivacyMode.strict || rule === Rule.MASK);
    } else if (ptag === 'textarea') {
      context = 'field';
      secret = this.isSecret(parent);
    } else if (ptag === 'option' || ptag === 'optgroup') {
      const select = this.fieldOf(parent);
      secret = select !== null && this.isSecret(select);
    }
    if (rule === Rule.MASK || rule === Rule.BLOCK) return masked(node.length);
    // Editable text is what the visitor typed: a field's value.
    if (rule === Rule.EDIT && context === 'text') context = 'field';
    // A region the site unmasked reads as relaxed, and says so to the core
    // (which still applies its PII detectors); never for secrets or comments.
    let mode = this.mode;
    if (rule === Rule.UNMASK && !secret && context !== 'comment') {
      mode = PrivacyMode.relaxed;
      this.flags |= NodeFlag.UNMASKED;
    }
    let whitespaceOnly = false;
    if (mode === PrivacyMode.strict && context === 'text' && !secret) {
      whitespaceOnly = isWhitespaceOnly(node);
    }
    return textPolicy(mode, context, secret, whitespaceOnly) === 'read'
      ? node.data
      : masked(node.length);
  }
}

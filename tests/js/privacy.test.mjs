// The glue's never-read rules, as tables, and the Privacy class against fake
// fields whose protected properties throw when touched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PrivacyMode, isSecretAutocomplete, isSecretField, isSecretName, valuePolicy, textPolicy, Privacy,
  isWhitespaceOnly } from '../../js/src/privacy.js';
import { MASKED, NodeFlag } from '../../js/src/records.js';

const { strict, balanced, relaxed } = PrivacyMode;

test('privacy mode numbers are the core\'s PrivacyMode', () => {
  assert.deepEqual(PrivacyMode, { strict: 0, balanced: 1, relaxed: 2 });
});

test('secret fields: password, hidden and sensitive autocomplete tokens', () => {
  const table = [
    ['password', null, true],
    ['PASSWORD', null, true],
    ['hidden', null, true],
    ['text', 'cc-number', true],
    ['text', 'billing cc-exp-month', true],
    ['tel', 'section-pay CC-CSC', true],
    ['text', 'one-time-code', true],
    ['text', 'new-password', true],
    ['text', 'current-password', true],
    ['text', 'username', false],
    ['email', 'email', false],
    ['text', 'occ-number', false],
    ['text', '', false],
    ['', null, false],
  ];
  for (const [type, ac, secret] of table) {
    assert.equal(isSecretField(type, ac), secret, `${type} autocomplete=${ac}`);
  }
  assert.equal(isSecretAutocomplete(null), false);
});

test('value policy: only relaxed reads, and never a secret', () => {
  const table = [
    [strict, false, 'mask'], [strict, true, 'mask'],
    [balanced, false, 'mask'], [balanced, true, 'mask'],
    [relaxed, false, 'read'], [relaxed, true, 'mask'],
  ];
  for (const [mode, secret, want] of table) assert.equal(valuePolicy(mode, secret), want, `${mode} ${secret}`);
});

test('text policy table', () => {
  // [mode, context, secret, whitespaceOnly, expected]
  const table = [
    [strict, 'text', false, false, 'mask'],
    [strict, 'text', false, true, 'read'],
    [strict, 'comment', false, true, 'mask'],
    [strict, 'style', false, false, 'read'],
    [strict, 'field', false, false, 'mask'],
    [balanced, 'text', false, false, 'read'],
    [balanced, 'comment', false, false, 'mask'],
    [balanced, 'field', false, false, 'mask'],
    [balanced, 'text', true, false, 'mask'],
    [relaxed, 'text', false, false, 'read'],
    [relaxed, 'field', false, false, 'read'],
    [relaxed, 'field', true, false, 'mask'],
    [relaxed, 'text', true, true, 'mask'],
  ];
  for (const [mode, ctx, secret, ws, want] of table) {
    assert.equal(textPolicy(mode, ctx, secret, ws), want, `${mode} ${ctx} secret=${secret} ws=${ws}`);
  }
});

// A fake form field: reading .value throws unless allowed.
function field(tag, { type = 'text', autocomplete = null, value = 'typed secret', textLength } = {}) {
  const el = {
    localName: tag,
    type: tag === 'select' ? 'select-one' : tag === 'textarea' ? 'textarea' : type,
    allowRead: false,
    reads: 0,
    getAttribute: (name) => (name === 'autocomplete' ? autocomplete : null),
    textLength: textLength ?? value.length,
    parentNode: null,
  };
  Object.defineProperty(el, 'value', {
    get() {
      el.reads++;
      if (!el.allowRead) throw new Error(`value of ${tag}[type=${type}] read`);
      return value;
    },
  });
  return el;
}

function attrNode(value) {
  const a = { name: 'value', reads: 0 };
  Object.defineProperty(a, 'value', { get() { a.reads++; return value; } });
  return a;
}

test('fieldValue never reads what it masks', () => {
  for (const mode of [strict, balanced, relaxed]) {
    const p = new Privacy(mode);
    for (const [tag, opts] of [
      ['input', { type: 'password' }],
      ['input', { type: 'hidden' }],
      ['input', { autocomplete: 'cc-number' }],
      ['input', { autocomplete: 'one-time-code' }],
      ['textarea', { autocomplete: 'new-password' }],
      ['select', { autocomplete: 'cc-exp-month' }],
    ]) {
      const el = field(tag, opts);
      assert.equal(p.fieldValue(el), MASKED[1], `${mode} ${tag} ${JSON.stringify(opts)}`);
      assert.equal(el.reads, 0);
    }
    const plain = field('input');
    plain.allowRead = true;
    assert.deepEqual(p.fieldValue(plain), mode === relaxed ? 'typed secret' : MASKED[1]);
    assert.equal(plain.reads, mode === relaxed ? 1 : 0);
  }
});

test('an empty textarea is masked as empty, from textLength alone', () => {
  const p = new Privacy(strict);
  assert.equal(p.fieldValue(field('textarea', { value: '', textLength: 0 })), MASKED[0]);
  assert.equal(p.fieldValue(field('textarea', { textLength: 5 })), MASKED[1]);
});

test('checkboxes and radios carry no value string', () => {
  const p = new Privacy(relaxed);
  assert.equal(p.fieldValue(field('input', { type: 'checkbox' })), '');
  assert.equal(p.fieldValue(field('input', { type: 'radio' })), '');
});

test('once secret, always secret: a reveal toggle keeps the field masked', () => {
  const p = new Privacy(relaxed);
  const el = field('input', { type: 'password' });
  assert.equal(p.isSecret(el), true);
  Object.defineProperty(el, 'type', { value: 'text' });
  assert.equal(p.fieldValue(el), MASKED[1]);
  assert.equal(el.reads, 0);
  const toggled = field('input');
  p.markSecret(toggled); // what the type observer does on oldValue=password
  assert.equal(p.fieldValue(toggled), MASKED[1]);
});

test('value attributes: secrets never read, masked unless relaxed, button labels are text', () => {
  const table = [
    // [mode, type, autocomplete, expected ('read' = the attribute's value)]
    [relaxed, 'hidden', null, MASKED[1]],
    [relaxed, 'password', null, MASKED[1]],
    [relaxed, 'text', 'cc-csc', MASKED[1]],
    [relaxed, 'text', null, 'read'],
    [balanced, 'text', null, MASKED[1]],
    [strict, 'text', null, MASKED[1]],
    [balanced, 'submit', null, 'read'],
    [strict, 'submit', null, MASKED[1]],
  ];
  for (const [mode, type, ac, want] of table) {
    const p = new Privacy(mode);
    const attr = attrNode('v');
    const got = p.valueAttr(field('input', { type, autocomplete: ac }), attr);
    assert.deepEqual(got, want === 'read' ? 'v' : want, `${mode} ${type} ${ac}`);
    assert.equal(attr.reads, want === 'read' ? 1 : 0, `${mode} ${type} ${ac} reads`);
  }
  // An option of a payment select: its value is part of the secret.
  const p = new Privacy(relaxed);
  const select = field('select', { autocomplete: 'cc-exp-month' });
  const option = { localName: 'option', parentNode: select };
  const attr = attrNode('01');
  assert.equal(p.valueAttr(option, attr), MASKED[1]);
  assert.equal(attr.reads, 0);
});

// A fake text node whose data is only reachable through substringData,
// counting every character handed out.
function textNode(data, parent) {
  const node = {
    nodeType: 3,
    length: data.length,
    parentNode: parent,
    served: 0,
    substringData(offset, count) {
      const s = data.substr(offset, count);
      node.served += s.length;
      return s;
    },
  };
  Object.defineProperty(node, 'data', { get() { node.served += data.length; return data; } });
  return node;
}

test('whitespace probe reads at most the leading whitespace and as much again', () => {
  const content = textNode('Jane Example', null);
  assert.equal(isWhitespaceOnly(content), false);
  assert.equal(content.served, 1);
  const indented = textNode('\n    Jane Example', null);
  assert.equal(isWhitespaceOnly(indented), false);
  assert.ok(indented.served <= 2 * 5 + 1, `served ${indented.served}`);
  const ws = textNode(' \n\t\r\f  ', null);
  assert.equal(isWhitespaceOnly(ws), true);
  assert.equal(isWhitespaceOnly(textNode('\u00a0', null)), false); // not the core's whitespace
  assert.equal(isWhitespaceOnly(textNode('', null)), true);
});

// Regions answering one rule for every node (0: no marker).
const ruleOfAll = (rule) => ({ of: () => rule, isBlocked: () => rule === 4 });

test('textValue per mode and context', () => {
  const div = { localName: 'div' };
  const style = { localName: 'style' };
  const strictP = new Privacy(strict, ruleOfAll(0));
  const t = textNode('Blue mug', div);
  assert.equal(strictP.textValue(t), MASKED[1]);
  assert.equal(t.served, 1);
  assert.equal(strictP.textValue(textNode('\n  ', div)), '\n  ');
  assert.equal(strictP.textValue(textNode('.a{color:red}', style)), '.a{color:red}');
  assert.equal(strictP.flags, NodeFlag.STYLE_TEXT);
  const comment = textNode('a comment of some length', div);
  comment.nodeType = 8;
  assert.equal(strictP.textValue(comment), MASKED[2]);
  assert.equal(comment.served, 0);
  assert.equal(new Privacy(balanced, ruleOfAll(0)).textValue(textNode('Blue mug', div)), 'Blue mug');
  // A textarea's text is its default value: an input value, not text.
  const area = field('textarea');
  assert.equal(new Privacy(balanced, ruleOfAll(0)).textValue(textNode('draft', area)), MASKED[1]);
  assert.equal(new Privacy(relaxed, ruleOfAll(0)).textValue(textNode('draft', area)), 'draft');
  // Options of a payment select are masked in every mode.
  const select = field('select', { autocomplete: 'cc-exp-year' });
  const option = { localName: 'option', parentNode: select };
  const year = textNode('2031', option);
  assert.equal(new Privacy(relaxed, ruleOfAll(0)).textValue(year), MASKED[1]);
  assert.equal(year.served, 0);
});

test('fields named like secrets are secret, whatever their type now', () => {
  assert.equal(isSecretName('login-pass', null), true);
  assert.equal(isSecretName(null, 'user_pwd'), true);
  assert.equal(isSecretName('apiSecret', ''), true);
  assert.equal(isSecretName('email', 'q'), false);
  assert.equal(isSecretName(null, null), false);
});

test('attrValue: only the allowlist goes as is; content follows the mode and the region', () => {
  const el = { localName: 'div', nodeType: 1 };
  const attr = (name, value) => {
    const a = { name, served: 0 };
    Object.defineProperty(a, 'value', { get() { a.served++; return value; } });
    return a;
  };
  const at = (rule) => ({ of: () => rule, isBlocked: () => false });
  const DEFAULT = 0; const MASK = 1; const UNMASK = 2;
  const run = (mode, rule, name, value) => new Privacy(mode, at(rule)).attrValue(el, attr(name, value));
  // Allowlisted: as is in every mode and region (the core still scans it).
  assert.equal(run(strict, MASK, 'class', 'btn'), 'btn');
  assert.equal(run(strict, DEFAULT, 'aria-expanded', 'true'), 'true');
  assert.equal(run(strict, DEFAULT, 'viewBox', '0 0 9 9'), '0 0 9 9');
  // Content, known names and unknown ones alike.
  for (const name of ['title', 'aria-label', 'data-x', 'x-foo', 'itemprop', 'content', 'aria-valuenow']) {
    assert.equal(run(strict, DEFAULT, name, 'Jane Doe'), MASKED[1], `${name} strict`);
    assert.equal(run(relaxed, MASK, name, 'Jane Doe'), MASKED[1], `${name} masked region`);
    assert.equal(run(balanced, DEFAULT, name, 'Jane Doe'), 'Jane Doe', `${name} balanced`);
    // An unmasked region in strict: the core decides (with the UNMASKED flag).
    assert.equal(run(strict, UNMASK, name, 'Jane Doe'), 'Jane Doe', `${name} unmasked`);
  }
  // URLs go to the core, which scrubs them, even in a masked region.
  assert.equal(run(strict, MASK, 'href', '/a?q=1'), '/a?q=1');
  // Never read: handlers, nonces, srcdoc.
  for (const name of ['onclick', 'ONLOAD', 'nonce']) {
    const a = attr(name, 'x');
    assert.equal(new Privacy(relaxed, at(DEFAULT)).attrValue(el, a), '');
    assert.equal(a.served, 0, name);
  }
  const doc = attr('srcdoc', '<p>Jane</p>');
  assert.equal(new Privacy(relaxed, at(DEFAULT)).attrValue(el, doc), MASKED[3]);
  assert.equal(doc.served, 0);
  // style: strings emptied where text is masked.
  assert.equal(run(strict, DEFAULT, 'style', "--n:'Jane'"), "--n:''");
  assert.equal(run(relaxed, DEFAULT, 'style', "--n:'Jane'"), "--n:'Jane'");
});

test('unmasked regions read as relaxed and say so (NodeFlag.UNMASKED); secrets and comments stay masked', () => {
  const UNMASK = 2;
  const at = { of: () => UNMASK, isBlocked: () => false };
  const p = new Privacy(strict, at);
  const div = { localName: 'div' };
  const t = textNode('Public words', div);
  assert.equal(p.textValue(t), 'Public words');
  assert.equal(p.flags, NodeFlag.UNMASKED);
  const comment = textNode('a comment', div);
  comment.nodeType = 8;
  assert.equal(p.textValue(comment), MASKED[1]);
  assert.equal(p.flags & NodeFlag.UNMASKED, 0);
  assert.equal(comment.served, 0);
  // A secret field's text (a payment select's options) stays unread.
  const select = field('select', { autocomplete: 'cc-exp-year' });
  const year = textNode('2031', { localName: 'option', parentNode: select });
  assert.equal(p.textValue(year), MASKED[1]);
  assert.equal(p.flags & NodeFlag.UNMASKED, 0);
  assert.equal(year.served, 0);
  // Element flags for its attributes.
  assert.equal(p.flagsOf({ nodeType: 1 }), NodeFlag.UNMASKED);
  assert.equal(new Privacy(strict, { of: () => 0 }).flagsOf({ nodeType: 1 }), 0);
});

test('a field value follows the stricter of the rule as serialized and the rule now', () => {
  // Found by the property test: a mask marker gained (or a move into a
  // masked region) is re-serialized only at the window's end; what is
  // typed meanwhile must already be masked.
  const el = field('input', { value: 'typed now' });
  const regions = (serialized, now) => ({ of: () => serialized, current: () => now, isBlocked: () => false });
  const DEFAULT = 0; const MASK = 1; const UNMASK = 2; const BLOCK = 4;
  assert.equal(new Privacy(relaxed, regions(DEFAULT, MASK)).fieldValue(el), MASKED[1]);
  assert.equal(new Privacy(relaxed, regions(DEFAULT, BLOCK)).fieldValue(el), MASKED[1]);
  assert.equal(new Privacy(relaxed, regions(MASK, DEFAULT)).fieldValue(el), MASKED[1]);
  assert.equal(el.reads, 0);
  el.allowRead = true;
  assert.equal(new Privacy(relaxed, regions(DEFAULT, DEFAULT)).fieldValue(el), 'typed now');
  // Unmasked (read as relaxed, flagged) only when both say so.
  const both = new Privacy(strict, regions(UNMASK, UNMASK));
  assert.equal(both.fieldValue(el), 'typed now');
  assert.equal(both.valueFlags, NodeFlag.UNMASKED);
  const stale = new Privacy(strict, regions(UNMASK, DEFAULT));
  assert.equal(stale.fieldValue(el), MASKED[1]);
  assert.equal(stale.valueFlags, 0);
});

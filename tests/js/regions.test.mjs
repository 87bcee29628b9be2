// The pure rules behind privacy regions: rule inheritance, CSS scrubbing,
// excluded pages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rule, combine, scrubCss, pageExcluded } from '../../js/src/regions.js';

test('rules: nearest marker wins, a block ends the question, editable never loosens a mask', () => {
  const table = [
    [Rule.DEFAULT, null, Rule.DEFAULT],
    [Rule.DEFAULT, Rule.MASK, Rule.MASK],
    [Rule.MASK, null, Rule.MASK],
    [Rule.MASK, Rule.UNMASK, Rule.UNMASK],
    [Rule.UNMASK, Rule.MASK, Rule.MASK],
    [Rule.MASK, Rule.EDIT, Rule.MASK],
    [Rule.UNMASK, Rule.EDIT, Rule.EDIT],
    [Rule.DEFAULT, Rule.BLOCK, Rule.BLOCK],
    [Rule.BLOCK, Rule.UNMASK, Rule.BLOCK],
  ];
  for (const [parent, own, want] of table) assert.equal(combine(parent, own), want, `${parent} + ${own}`);
});

test('CSS: url() queries always go; content and custom-property strings when text is masked', () => {
  const css = '.a::before { content: "Jane" } .b { --who: \'Jane\'; font-family: "Inter"; background: url(/x.png?email=j@x.test) } .c { background: url("/y.png") }';
  assert.equal(scrubCss(css, false),
    '.a::before { content: "Jane" } .b { --who: \'Jane\'; font-family: "Inter"; background: url(/x.png) } .c { background: url("/y.png") }');
  assert.equal(scrubCss(css, true),
    '.a::before { content: "" } .b { --who: \'\'; font-family: "Inter"; background: url(/x.png) } .c { background: url("/y.png") }');
  assert.equal(scrubCss('--n: "a\\"b"; color: red', true, true), '--n: ""; color: red');
  assert.equal(scrubCss('fill: url(#grad)', true), 'fill: url(#grad)', 'fragment references stay');
});

test('excluded pages: path patterns with *, full-URL patterns, RegExps', () => {
  const patterns = ['/account/*', 'https://shop.test/checkout*', /[?&]admin=1/];
  assert.equal(pageExcluded(patterns, 'https://shop.test/account/orders?x=1'), true);
  assert.equal(pageExcluded(patterns, 'https://shop.test/accounts'), false);
  assert.equal(pageExcluded(patterns, 'https://shop.test/checkout/pay'), true);
  assert.equal(pageExcluded(patterns, 'https://other.test/checkout'), false);
  assert.equal(pageExcluded(patterns, 'https://shop.test/?admin=1'), true);
  assert.equal(pageExcluded(['/a.b'], 'https://shop.test/aXb'), false, 'dots are literal');
  assert.equal(pageExcluded([], 'https://shop.test/'), false);
});

test('explicit rules: markers by attribute alone, selectors by matches(); analytics ignores unmask', async () => {
  const { explicitRule, Regions } = await import('../../js/src/regions.js');
  const el = (attrs, matching = []) => ({
    hasAttribute: (n) => n in attrs,
    getAttribute: (n) => (n in attrs ? attrs[n] : null),
    matches: (sel) => sel.split(', ').some((s) => matching.includes(s) || (s.startsWith('[') && s.slice(1, -1) in attrs)),
  });
  const markers = new Regions({ block: [], mask: [], unmask: [] }, false);
  assert.equal(markers.sel.markersOnly, true);
  assert.equal(explicitRule(el({ 'data-recorder-block': '' }), markers.sel, false), Rule.BLOCK);
  assert.equal(explicitRule(el({ 'data-recorder-mask': '', 'data-recorder-unmask': '' }), markers.sel, false), Rule.MASK);
  assert.equal(explicitRule(el({ 'data-recorder-unmask': '' }), markers.sel, false), Rule.UNMASK);
  assert.equal(explicitRule(el({ 'data-recorder-unmask': '' }), markers.sel, true), null, 'analytics: nothing unmasked');
  assert.equal(explicitRule(el({ contenteditable: '' }), markers.sel, false), Rule.EDIT);
  assert.equal(explicitRule(el({ contenteditable: 'false' }), markers.sel, false), null);
  const selectors = new Regions({ block: ['.b'], mask: ['.m'], unmask: [] }, false);
  assert.equal(selectors.sel.markersOnly, false);
  assert.equal(explicitRule(el({}, ['.m']), selectors.sel, false), Rule.MASK);
  assert.equal(explicitRule(el({}, ['.b', '.m']), selectors.sel, false), Rule.BLOCK);
  assert.equal(explicitRule(el({ 'data-recorder-mask': '' }), selectors.sel, false), Rule.MASK);
  assert.equal(selectors.mayChangeRule('class'), true);
  assert.equal(selectors.mayChangeRule('title'), false, 'no selector looks at title');
  assert.equal(markers.mayChangeRule('class'), false);
  assert.equal(markers.mayChangeRule('data-recorder-mask'), true);
});

test('markers read from the attribute list give the same rule as explicitRule, in every combination', async () => {
  const { explicitRule, ruleFromNames, Regions } = await import('../../js/src/regions.js');
  const markers = new Regions({ block: [], mask: [], unmask: [] }, false);
  const names = ['data-recorder-block', 'data-recorder-mask', 'data-recorder-unmask', 'contenteditable', 'class'];
  const editables = ['', 'true', 'FALSE', 'plaintext-only'];
  let checked = 0;
  for (let set = 0; set < 1 << names.length; set++) {
    for (const editable of editables) {
      const attrs = {};
      names.forEach((n, k) => { if (set & (1 << k)) attrs[n] = n === 'contenteditable' ? editable : 'x'; });
      const el = { hasAttribute: (n) => n in attrs, getAttribute: (n) => (n in attrs ? attrs[n] : null) };
      const list = Object.entries(attrs).map(([name, value]) => ({ name, value }));
      for (const maskAll of [false, true]) {
        // As the serializer reads them: the names (getAttributeNames);
        // only contenteditable's value is read, from the element.
        assert.equal(ruleFromNames(el, list.map((a) => a.name), maskAll), explicitRule(el, markers.sel, maskAll),
          JSON.stringify({ attrs, maskAll }));
        checked++;
      }
    }
  }
  assert.equal(checked, 256);
});

test('the attributes selectors can look at', async () => {
  const { attributesOf } = await import('../../js/src/regions.js');
  assert.deepEqual([...attributesOf(['.a b', '#x', 'input[type=password]', '[ Data-Private ]', 'div > p'])].sort(),
    ['class', 'data-private', 'id', 'type']);
  assert.deepEqual([...attributesOf([])], []);
});

// The glue's attribute tables (js/src/attributes.js) must be the core's
// (recorder/src/attribute_policy.cc): the glue masks by them inside masked
// regions, the core decides the wire by them. Both files mark each table
// with BEGIN/END lines; the names between are compared as sets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AttrPolicy, attrPolicy } from '../../js/src/attributes.js';

const read = (rel) => readFileSync(fileURLToPath(new URL(`../../${rel}`, import.meta.url)), 'utf8');
const cc = read('recorder/src/attribute_policy.cc');
const js = read('js/src/attributes.js');

function table(src, name) {
  const m = src.match(new RegExp(`// BEGIN ${name}\\n([\\s\\S]*?)// END ${name}`));
  assert.ok(m, `table ${name} found`);
  const body = m[1].replace(/\/\/[^\n]*/g, '');
  return [...body.matchAll(/["']([^"']*)["']/g)].map((x) => x[1]).sort();
}

for (const name of ['kAsIs', 'kUrl', 'kUrlList', 'kSrcset']) {
  test(`attribute table ${name}: the glue's equals the core's`, () => {
    const core = table(cc, name);
    assert.ok(core.length > 0);
    assert.deepEqual(table(js, name), core);
  });
}

test('attrPolicy decides like the core (attribute_policy_test.cc cases)', () => {
  const cases = {
    class: AttrPolicy.AS_IS, viewBox: AttrPolicy.AS_IS, 'aria-expanded': AttrPolicy.AS_IS,
    title: AttrPolicy.CONTENT, 'aria-label': AttrPolicy.CONTENT, 'aria-valuenow': AttrPolicy.CONTENT,
    'data-x': AttrPolicy.CONTENT, 'x-foo': AttrPolicy.CONTENT, itemprop: AttrPolicy.CONTENT, content: AttrPolicy.CONTENT,
    href: AttrPolicy.URL, data: AttrPolicy.URL, ping: AttrPolicy.URL_LIST, srcset: AttrPolicy.SRCSET,
    value: AttrPolicy.FIELD_VALUE, style: AttrPolicy.STYLE, srcdoc: AttrPolicy.MASKED,
    onclick: AttrPolicy.DROPPED, ONLOAD: AttrPolicy.DROPPED, nonce: AttrPolicy.DROPPED,
    ['a'.repeat(41)]: AttrPolicy.CONTENT,
  };
  for (const [name, expected] of Object.entries(cases)) assert.equal(attrPolicy(name), expected, name);
});

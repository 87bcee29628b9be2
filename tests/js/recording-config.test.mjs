// What a Recording hands the Wasm core: the privacy mode (strict whatever
// the site chose when consent covers analytics only) and the query
// parameters the core keeps, as one comma-separated string.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Recording } from '../../js/src/recording.js';
import { resolveOptions } from '../../js/src/options.js';

function configOf(privacy, analyticsOnly) {
  const o = resolveOptions({ endpoint: 'https://c.test', siteKey: 'demo', privacy }, 'https://cdn.test/');
  const env = { win: { setTimeout, clearTimeout }, doc: null, reporter: { report() {} }, sessionId: 's',
    pageViewId: 'p', loadEngine: null, fetch: null, analyticsOnly };
  return new Recording(o, env).config();
}

test('core config: mode, analytics-only forces strict, allowQueryParams joined', () => {
  assert.deepEqual(configOf({ mode: 'relaxed', allowQueryParams: ['page', 'utm_source'] }, false), {
    siteKey: 'demo', sessionId: 's', pageViewId: 'p', privacyMode: 2, compressionLevel: 3,
    allowQueryParams: 'page,utm_source', checkpointIntervalMs: 300000,
  });
  assert.equal(configOf({ mode: 'relaxed' }, true).privacyMode, 0);
  assert.equal(configOf({}, false).allowQueryParams, '');
});

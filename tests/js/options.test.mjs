// start() options: defaults, the derived batch URL, and one clear error per
// bad option, naming it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveOptions } from '../../js/src/options.js';

const ASSETS = 'https://cdn.test/rec/';
const base = { endpoint: 'https://collector.test/', siteKey: 'demo_site-1' };

test('defaults are the privacy-safe ones', () => {
  const o = resolveOptions(base, ASSETS);
  assert.deepEqual(o, {
    endpoint: 'https://collector.test',
    siteKey: 'demo_site-1',
    privacy: { mode: 'strict', mask: [], unmask: [], block: [], allowQueryParams: [], excludePages: [] },
    consent: { required: true, gpc: true, buffer: null, googleConsentMode: false, tcf: false },
    session: { continuity: true, idleTimeoutMs: 30 * 60 * 1000 },
    flushIntervalMs: 3000,
    mutationWindowMs: 100,
    maxRecordsBytes: 256 * 1024,
    captureStylesheetRules: false,
    checkpointIntervalMs: 300000,
    worker: true,
    assetsUrl: ASSETS,
    debug: false,
    batchUrl: 'https://collector.test/v1/batch',
    forgetUrl: 'https://collector.test/v1/forget',
  });
});

test('privacy regions, query parameters and excluded pages', () => {
  const o = resolveOptions({ ...base, privacy: { mask: '.private', unmask: ['.public', '#x'], block: ['iframe'],
    allowQueryParams: ['page', 'utm_source'], excludePages: ['/account/*', /checkout/] } }, ASSETS);
  assert.deepEqual(o.privacy.mask, ['.private']);
  assert.deepEqual(o.privacy.unmask, ['.public', '#x']);
  assert.deepEqual(o.privacy.block, ['iframe']);
  assert.deepEqual(o.privacy.allowQueryParams, ['page', 'utm_source']);
  assert.equal(o.privacy.excludePages.length, 2);
});

test('given values are kept; assetsUrl becomes a folder', () => {
  const o = resolveOptions({ ...base, privacy: { mode: 'relaxed' }, consent: { required: false },
    flushIntervalMs: 500, maxRecordsBytes: 4096, worker: false, assetsUrl: 'https://a.test/x', debug: true }, null);
  assert.equal(o.privacy.mode, 'relaxed');
  assert.deepEqual(o.consent, { required: false, gpc: true, buffer: null, googleConsentMode: false, tcf: false });
  assert.equal(o.flushIntervalMs, 500);
  assert.equal(o.maxRecordsBytes, 4096);
  assert.equal(o.worker, false);
  assert.equal(o.assetsUrl, 'https://a.test/x/');
  assert.equal(o.debug, true);
});

test('each bad option throws an Error naming it', () => {
  const table = [
    [undefined, /"endpoint" is required/],
    ['https://c.test', /"options" must be an object/],
    [{ siteKey: 'k' }, /"endpoint" is required/],
    [{ endpoint: 'https://c.test' }, /"siteKey" is required/],
    [{ ...base, endpoint: 'ftp://c.test' }, /"endpoint" must be an http\(s\) URL/],
    [{ ...base, endpoint: 42 }, /"endpoint" must be a URL string \(got 42\)/],
    [{ ...base, siteKey: 'has space' }, /"siteKey" must be 1 to 64 characters/],
    [{ ...base, siteKey: 'x'.repeat(65) }, /"siteKey"/],
    [{ ...base, privacy: { mode: 'loose' } }, /"privacy.mode" must be one of 'strict', 'balanced', 'relaxed' \(got "loose"\)/],
    [{ ...base, privacy: { mdoe: 'strict' } }, /"privacy.mdoe" is not a known option/],
    [{ ...base, privacy: 'strict' }, /"privacy" must be an object/],
    [{ ...base, privacy: { block: [''] } }, /"privacy.block" must be a CSS selector or an array of them/],
    [{ ...base, privacy: { mask: 3 } }, /"privacy.mask" must be a CSS selector/],
    [{ ...base, privacy: { allowQueryParams: 'page' } }, /"privacy.allowQueryParams" must be an array of query parameter names/],
    [{ ...base, privacy: { allowQueryParams: ['a b'] } }, /"privacy.allowQueryParams"/],
    [{ ...base, privacy: { allowQueryParams: ['tags[]'] } }, /"privacy.allowQueryParams"/],
    [{ ...base, privacy: { excludePages: '/x' } }, /"privacy.excludePages" must be an array of URL patterns/],
    [{ ...base, consent: { required: 'yes' } }, /"consent.required" must be true or false/],
    [{ ...base, consent: { gpc: 0 } }, /"consent.gpc" must be true or false/],
    [{ ...base, consent: { buffer: 'yes' } }, /"consent.buffer" must be true, false or \{ maxBytes, maxMs \}/],
    [{ ...base, consent: { buffer: { maxBytes: 10 } } }, /"consent.buffer" .maxBytes must be an integer from 1024/],
    [{ ...base, consent: { buffer: { maxMs: 1.5 } } }, /"consent.buffer" .maxMs must be an integer/],
    [{ ...base, consent: { buffer: { max: 1 } } }, /"consent.buffer" has an unknown field "max"/],
    [{ ...base, consent: { tcf: 1 } }, /"consent.tcf" must be true or false/],
    [{ ...base, consent: { googleConsentMode: 'on' } }, /"consent.googleConsentMode" must be true or false/],
    [{ ...base, flushIntervalMs: 0 }, /"flushIntervalMs" must be an integer from 100 to 600000/],
    [{ ...base, flushIntervalMs: 1.5 }, /"flushIntervalMs"/],
    [{ ...base, maxRecordsBytes: 9 << 20 }, /"maxRecordsBytes" must be an integer from 1024 to 8388608/],
    [{ ...base, worker: 'no' }, /"worker" must be true or false/],
    [{ ...base, captureStylesheetRules: 1 }, /"captureStylesheetRules" must be true or false/],
    [{ ...base, checkpointIntervalMs: -1 }, /checkpointIntervalMs/],
    [{ ...base, debug: 1 }, /"debug"/],
    [{ ...base, assetsUrl: 'javascript:alert(1)' }, /"assetsUrl" must be an http\(s\) URL/],
    [{ ...base, flushInterval: 100 }, /"flushInterval" is not a known option/],
  ];
  for (const [given, pattern] of table) {
    assert.throws(() => resolveOptions(given, ASSETS), (e) => e instanceof Error && pattern.test(e.message),
      `${JSON.stringify(given)} should fail with ${pattern}`);
  }
});

test('without a known script location, assetsUrl is required', () => {
  assert.throws(() => resolveOptions(base, null), /"assetsUrl" is required when the script location is unknown/);
});

test('consent.buffer: true takes the defaults, an object overrides either', () => {
  assert.deepEqual(resolveOptions({ ...base, consent: { buffer: true } }, ASSETS).consent.buffer,
    { maxBytes: 512 * 1024, maxMs: 60000 });
  assert.deepEqual(resolveOptions({ ...base, consent: { buffer: { maxBytes: 4096 } } }, ASSETS).consent.buffer,
    { maxBytes: 4096, maxMs: 60000 });
  assert.equal(resolveOptions({ ...base, consent: { buffer: false } }, ASSETS).consent.buffer, null);
  const o = resolveOptions({ ...base, consent: { googleConsentMode: true, tcf: true } }, ASSETS);
  assert.equal(o.consent.googleConsentMode, true);
  assert.equal(o.consent.tcf, true);
});

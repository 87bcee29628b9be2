// The leak suite for shadow roots and iframes: a page (fixtures/leak-frames
// .html, -page.js, -child.html) that plants a unique canary inside open
// shadow roots (plain, nested, under masked, blocked and selector-matched
// hosts, with markers inside) and inside same-origin iframes (plain, srcdoc,
// masked, blocked, blocked by selector, reloaded), then drives it like a
// visitor: typing into fields inside shadow roots and iframes, scrolling an
// iframe, and later changes (inserts, moves into a masked shadow root, a
// shadow root attached later, a custom element defined later, an iframe
// reloaded, a marker gained). Recorded by the real glue, the real Wasm core
// and the real collector, in every mode and under analytics-only consent:
// a canary in any form of any request, or in the stored session, fails.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from './lib/stack.mjs';
import { captureRequests, formsOf, findCanaries } from './lib/requests.mjs';

const RUNS = {
  strict: { mode: 'strict', consent: true },
  balanced: { mode: 'balanced', consent: true },
  relaxed: { mode: 'relaxed', consent: true },
  analytics: { mode: 'relaxed', consent: { analytics: true } },
};
const ALL = Object.keys(RUNS);
const TEXT_MASKED = ['strict', 'analytics'];
const VALUES_MASKED = ['strict', 'balanced', 'analytics'];

const TYPED = {
  shadowInput: 'cnry_typed_shadow_input_z',
  shadowPassword: 'cnry_typed_shadow_password_z',
  shadowCard: '4000 0566 5566 5556',
  shadowBlocked: 'cnry_typed_shadow_blocked_z',
  maskedShadow: 'cnry_typed_masked_shadow_z',
  blockedShadow: 'cnry_typed_blocked_host_z',
  frameInput: 'cnry_typed_frame_input_z',
  framePassword: 'cnry_typed_frame_password_z',
  frameCard: '5105 1051 0510 5100',
  maskedFrame: 'cnry_typed_masked_frame_z',
};

// name -> [canary, runs where it must not appear]
const CASES = {
  'shadow: text': ['cnry_shadow_text_z', TEXT_MASKED],
  'shadow: alt': ['cnry_shadow_alt_z', TEXT_MASKED],
  'shadow: nested shadow text': ['cnry_nested_shadow_text_z', TEXT_MASKED],
  'shadow: comment': ['cnry_shadow_comment_z', ALL],
  'shadow: PII email in text': ['cnry.shadow.pii@example.com', ALL],
  'shadow: typed input': [TYPED.shadowInput, VALUES_MASKED],
  'shadow: typed password': [TYPED.shadowPassword, ALL],
  'shadow: typed cc-number': [TYPED.shadowCard, ALL],
  'shadow: script-set hidden input': ['cnry_shadow_hidden_value_z', ALL],
  'shadow: mask marker inside': ['cnry_shadow_marker_text_z', ALL],
  'shadow: mask selector inside': ['cnry_shadow_selector_text_z', ALL],
  'shadow: block marker inside': ['cnry_shadow_block_marker_z', ALL],
  'shadow: typed input in a blocked region inside': [TYPED.shadowBlocked, ALL],
  'masked host: shadow text': ['cnry_masked_host_text_z', ALL],
  'masked host: shadow alt': ['cnry_masked_host_alt_z', ALL],
  'masked host: nested shadow text': ['cnry_masked_nested_text_z', ALL],
  'masked host: typed input in its shadow root': [TYPED.maskedShadow, ALL],
  'blocked host: shadow text': ['cnry_blocked_host_text_z', ALL],
  'blocked host: shadow title': ['cnry_blocked_host_title_z', ALL],
  'blocked host: typed input in its shadow root': [TYPED.blockedShadow, ALL],
  'mask selector host: shadow text': ['cnry_selector_host_text_z', ALL],
  'later: text inserted into a masked shadow root': ['cnry_later_masked_shadow_insert_z', ALL],
  'later: node moved into a masked shadow root, text changed': ['cnry_moved_into_masked_shadow_z', ALL],
  'later: attribute set in a masked shadow root': ['cnry_masked_shadow_attr_later_z', ALL],
  'later: shadow root attached under a masked region': ['cnry_late_shadow_text_z', ALL],
  'later: custom element upgraded under a masked region': ['cnry_upgraded_element_text_z', ALL],
  'later: blocked host, text appended': ['cnry_blocked_host_later_z', ALL],
  'later: mask marker gained inside a shadow root, text changed': ['cnry_gained_marker_in_shadow_z', ALL],
  'iframe: text': ['cnry_child_text_z', TEXT_MASKED],
  'iframe: alt': ['cnry_child_alt_z', TEXT_MASKED],
  'iframe: comment': ['cnry_child_comment_z', ALL],
  'iframe: PII email in text': ['cnry.child.pii@example.com', ALL],
  'iframe: PII phone in text': ['+1 (555) 014-2288', ALL],
  'iframe: mask marker inside': ['cnry_child_mask_marker_z', ALL],
  'iframe: typed input': [TYPED.frameInput, VALUES_MASKED],
  'iframe: typed password': [TYPED.framePassword, ALL],
  'iframe: typed cc-number': [TYPED.frameCard, ALL],
  'iframe: script-set hidden input': ['cnry_src_frame_hidden_z', ALL],
  // The srcdoc attribute is masked by the attribute rules; the document it
  // makes is page text like any other.
  'srcdoc iframe: document text': ['cnry_srcdoc_frame_text_z', TEXT_MASKED],
  'masked iframe: text': ['cnry_masked_frame_text_z', ALL],
  'masked iframe: typed input': [TYPED.maskedFrame, ALL],
  'masked iframe: hidden input': ['cnry_masked_frame_hidden_z', ALL],
  'masked iframe: shadow root inside': ['cnry_masked_frame_shadow_z', ALL],
  'blocked iframe: text': ['cnry_blocked_frame_text_z', ALL],
  'blocked iframe: hidden input': ['cnry_blocked_frame_hidden_z', ALL],
  'block selector iframe: text': ['cnry_selector_frame_text_z', ALL],
  'later: iframe mask marker, text added': ['cnry_frame_marker_later_z', ALL],
  'later: masked iframe, text appended': ['cnry_masked_frame_later_z', ALL],
  'later: iframe in a masked region reloaded': ['cnry_reloaded_masked_frame_z', ALL],
};

// Must arrive where the rules show them: proof that shadow roots and iframe
// documents were recorded at all.
const SHOWN = {
  okshadowsentinel: ['balanced', 'relaxed'],
  okframesentinel: ['balanced', 'relaxed'],
};

let stack, site, collector, browser;

before(async () => {
  stack = await startStack({ siteRoot: 'tests/browser/fixtures', siteKey: 'leakframes', name: 'leak-frames' });
  ({ site, collector, browser } = stack);
});

after(() => stack?.close());

// Runs in the page: every text, attribute value and field value, through
// shadow roots and same-origin iframes, to check the canaries were planted.
function deepContent() {
  const out = [];
  const walk = (node) => {
    if (node.nodeType === 3 || node.nodeType === 8) out.push(node.data);
    if (node.nodeType === 1) {
      for (const a of node.attributes) out.push(a.value);
      if ('value' in node && typeof node.value === 'string') out.push(node.value);
      if (node.shadowRoot) walk(node.shadowRoot);
      if (node.localName === 'iframe' && node.contentDocument) walk(node.contentDocument);
    }
    for (let c = node.firstChild; c; c = c.nextSibling) walk(c);
  };
  walk(document);
  return out.join(' ');
}

async function driveLikeAVisitor(page) {
  const pause = () => page.waitForTimeout(150);
  // Playwright's CSS engine pierces open shadow roots.
  await page.type('#open-host >> #shadow-input', TYPED.shadowInput);
  await page.type('#open-host >> #shadow-password', TYPED.shadowPassword);
  await page.type('#open-host >> #shadow-card', TYPED.shadowCard);
  await page.type('#open-host >> #shadow-blocked-input', TYPED.shadowBlocked).catch(() => {});
  await page.type('#masked-host >> #masked-shadow-input', TYPED.maskedShadow);
  await page.evaluate((v) => {
    // Not clickable (a blocked placeholder), but a script may still fill it.
    const el = document.getElementById('blocked-host').shadowRoot.getElementById('blocked-shadow-input');
    el.value = v;
    el.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  }, TYPED.blockedShadow);
  const child = page.frameLocator('#src-frame');
  await child.locator('#child-input').type(TYPED.frameInput);
  await child.locator('#child-password').type(TYPED.framePassword);
  await child.locator('#child-card').type(TYPED.frameCard);
  await page.frameLocator('#masked-frame').locator('#child-input').type(TYPED.maskedFrame);
  await page.evaluate(() => document.getElementById('src-frame').contentWindow.scrollTo(0, 500));
  await pause();
  await page.click('#run-mutations');
  await page.waitForTimeout(900);
}

for (const [run, { mode, consent }] of Object.entries(RUNS)) {
  test(`leak suite, shadow roots and iframes (${run}): no canary reaches any request or the stored session`, async (t) => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const requests = captureRequests(context);
    const page = await context.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().includes('Content Security Policy')) problems.push(m.text());
    });
    await page.goto(`${site.url}/leak-frames.html?endpoint=${encodeURIComponent(collector.url)}&site=leakframes&mode=${mode}`);
    await page.evaluate(() => Promise.all([window.leakReady, window.framesReady]));
    await page.evaluate((c) => window.SessionRecorder.consent(c), consent);
    await page.waitForFunction(() => window.SessionRecorder.stats().state === 'recording');
    await driveLikeAVisitor(page);
    const stats = await page.evaluate(() => window.SessionRecorder.flush().then(() => window.SessionRecorder.stats()));
    assert.equal(stats.batchesDropped, 0, 'the collector accepted every batch');
    assert.equal(stats.errors, 0, 'the recorder reported no error');

    const live = await page.evaluate(`(${deepContent})()`);
    await context.close();
    // Replaced by the last change (the text a gained marker then masks).
    const gone = new Set(['cnry_shadow_text_z']);
    const unplanted = Object.entries(CASES).filter(([, [c]]) => !gone.has(c) && !live.includes(c)).map(([k]) => k);
    assert.deepEqual(unplanted, [], 'every canary was planted (or typed)');

    const session = await collector.session(stats.sessionId);
    assert.ok(session.events.some((e) => e.type === 'Input'), 'the visit was recorded');
    const texts = [...requests.flatMap(formsOf), JSON.stringify(session).toLowerCase()];
    const forbidden = Object.entries(CASES).filter(([, [, runs]]) => runs.includes(run));
    const leaked = findCanaries(texts, forbidden.map(([, [c]]) => c));
    const names = forbidden.filter(([, [c]]) => leaked.includes(c)).map(([k]) => k);
    assert.deepEqual(names, [], `canaries leaked in ${run}`);
    const shown = Object.entries(SHOWN).filter(([, runs]) => runs.includes(run)).map(([s]) => s);
    assert.deepEqual(findCanaries(texts, shown), shown, 'what the rules show did arrive');
    // Shadow roots and iframe documents are in the stored session.
    const nodes = session.events.flatMap((e) => (e.type === 'FullSnapshot' ? e.nodes : e.type === 'Mutation' ? e.adds || [] : []));
    assert.ok(nodes.some((n) => n.type === 11), 'shadow roots recorded');
    assert.ok(nodes.filter((n) => n.type === 9).length >= 3, 'iframe documents recorded');
    assert.deepEqual(problems, []);
    t.diagnostic(`${forbidden.length} canaries checked in ${requests.length} requests`);
  });
}

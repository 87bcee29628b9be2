// The leak suite: a page that plants a unique canary for every kind of
// content the privacy rules protect (fixtures/leak.html and leak-page.js),
// driven like a visitor (typing, pasting, a password reveal, choosing an
// option, editing, DOM changes of every kind, an SPA route to an excluded
// page) and recorded, with the site's markers and selectors, in every mode
// and under analytics-only consent. Every request the browser makes is
// captured; a canary found in any form of any request (tests/browser/lib/
// requests.mjs), or in the session the collector stores, fails the run.
//
// Canaries are planted only where the rules say they must not appear: each
// case lists the runs in which it is forbidden. Ordinary text is legitimately
// shown in balanced and relaxed, typed values in relaxed, and so on; those
// runs instead require the public sentinels to arrive, so a recorder that
// sends nothing cannot pass.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from './lib/stack.mjs';
import { captureRequests, formsOf, findCanaries } from './lib/requests.mjs';

const RUNS = {
  strict: { mode: 'strict', consent: true },
  balanced: { mode: 'balanced', consent: true },
  relaxed: { mode: 'relaxed', consent: true },
  // The loosest mode with only the analytics level: every text and value masked.
  analytics: { mode: 'relaxed', consent: { analytics: true } },
};
const ALL = Object.keys(RUNS);
const TEXT_MASKED = ['strict', 'analytics'];
const VALUES_MASKED = ['strict', 'balanced', 'analytics'];

// Personal data in visible text: masked with all text in strict and
// analytics, caught by the core's PII detector (recorder/src/pii_detector.cc)
// in balanced and relaxed.
const PII_RUNS = ALL;

const TYPED = {
  text: 'cnry_typed_text_z',
  pasted: 'cnry_pasted_text_z',
  area: 'cnry_typed_textarea_z',
  editable: 'cnry_typed_editable_z',
  password: 'cnry_typed_password_z',
  revealed: 'cnry_revealed_password_z',
  card: '4000 0566 5566 5556',
  otp: '739184',
  maskedInput: 'cnry_masked_input_z',
  maskedArea: 'cnry_masked_textarea_z',
  maskedEditable: 'cnry_masked_editable_z',
  maskedSelInput: 'cnry_masked_sel_input_z',
  blockedInput: 'cnry_blocked_input_z',
  earlyRevealed: 'cnry_early_revealed_z',
};

// name -> [canary, runs where it must not appear]
const CASES = {
  'visible text': ['cnry_text_z', TEXT_MASKED],
  'alt attribute': ['cnry_alt_z', TEXT_MASKED],
  'title attribute': ['cnry_title_z', TEXT_MASKED],
  'aria-label attribute': ['cnry_aria_z', TEXT_MASKED],
  'data-* attribute': ['cnry_data_attr_z', TEXT_MASKED],
  'data-* attribute set later': ['cnry_data_attr_later_z', TEXT_MASKED],
  'placeholder attribute': ['cnry_placeholder_z', TEXT_MASKED],
  'submit button value': ['cnry_button_value_z', TEXT_MASKED],
  'selected option text': ['cnry_option_text_z', TEXT_MASKED],
  'document.title set later': ['cnry_document_title_z', TEXT_MASKED],
  '<style> content string': ['cnry_css_content_z', TEXT_MASKED],
  '<style> custom property string': ['cnry_css_custom_prop_z', TEXT_MASKED],
  'inline style string': ['cnry_inline_style_str_z', TEXT_MASKED],
  'text moved out of a masked container': ['cnry_move_out_z', TEXT_MASKED],
  'unmasked region under analytics-only consent': ['okunmaskedsentinel', ['analytics']],
  'typed text input': [TYPED.text, VALUES_MASKED],
  'pasted text input': [TYPED.pasted, VALUES_MASKED],
  'script-set input value': ['cnry_script_set_value_z', VALUES_MASKED],
  'typed textarea': [TYPED.area, VALUES_MASKED],
  'typed contenteditable': [TYPED.editable, VALUES_MASKED],
  'selected option value': ['cnry_option_value_z', VALUES_MASKED],
  'typed password': [TYPED.password, ALL],
  'password typed after a reveal toggle': [TYPED.revealed, ALL],
  'password revealed before consent, typed after': [TYPED.earlyRevealed, ALL],
  'script-set hidden input': ['cnry_hidden_value_z', ALL],
  'typed cc-number field (digits)': [TYPED.card, ALL],
  'typed one-time-code field': [TYPED.otp, ALL],
  '<script> contents': ['cnry_script_z', ALL],
  'JSON-LD contents': ['cnry_jsonld_z', ALL],
  'comment': ['cnry_comment_z', ALL],
  '<style> url() query': ['cnry_css_url_query_z', ALL],
  'inline style url() query': ['cnry_inline_style_url_z', ALL],
  'link href query string': ['cnry_href_query_z', ALL],
  'link href fragment': ['cnry_href_fragment_z', ALL],
  'email in a link path': ['cnry_href_email_z', ALL],
  // The attribute is never sent (masked unread); the frame's document is
  // recorded like the page's own, so its text follows the mode.
  'iframe srcdoc': ['cnry_srcdoc_z', TEXT_MASKED],
  'page URL query (replaceState)': ['cnry_url_query_z', ALL],
  'mask marker: text': ['cnry_mask_marker_text_z', ALL],
  'mask marker: alt': ['cnry_mask_alt_z', ALL],
  'mask marker: data-*': ['cnry_mask_data_z', ALL],
  'mask marker: aria-label': ['cnry_mask_aria_z', ALL],
  'mask marker: placeholder': ['cnry_mask_placeholder_z', ALL],
  'mask marker: attribute changed later': ['cnry_mask_attr_later_z', ALL],
  'mask marker: typed input': [TYPED.maskedInput, ALL],
  'mask marker: typed textarea': [TYPED.maskedArea, ALL],
  'mask marker: typed contenteditable': [TYPED.maskedEditable, ALL],
  'mask marker: text inserted later': ['cnry_later_insert_z', ALL],
  'mask marker: node moved in, text changed later': ['cnry_moved_in_text_z', ALL],
  'mask marker: unmask marker removed, text changed later': ['cnry_lost_unmask_text_z', ALL],
  'mask marker gained, then text changed': ['cnry_gain_mask_text_z', ALL],
  'mask marker gained, then attribute set': ['cnry_gain_mask_attr_z', ALL],
  'mask selector: text': ['cnry_mask_selector_text_z', ALL],
  'mask selector: typed input': [TYPED.maskedSelInput, ALL],
  'mask selector class gained, then text changed': ['cnry_gain_class_text_z', ALL],
  'block marker: text': ['cnry_block_marker_text_z', ALL],
  'block marker: title': ['cnry_block_title_z', ALL],
  'block marker: link query': ['cnry_block_href_z', ALL],
  'block marker: typed input': [TYPED.blockedInput, ALL],
  'block selector: text': ['cnry_block_selector_text_z', ALL],
  'block marker gained, then child added': ['cnry_gain_block_text_z', ALL],
  'excluded page (SPA route): new content': ['cnry_excluded_page_z', ALL],
  'excluded page (SPA route): text change': ['cnry_excluded_text_change_z', ALL],
  // Attributes outside the allowlist (recorder/src/attribute_policy.cc).
  'unknown data-x attribute': ['cnry_data_x_z', TEXT_MASKED],
  'unknown x-foo attribute': ['cnry_x_foo_z', TEXT_MASKED],
  'aria-description attribute': ['cnry_aria_description_z', TEXT_MASKED],
  'aria-valuetext attribute': ['cnry_aria_valuetext_z', TEXT_MASKED],
  'aria-roledescription attribute': ['cnry_aria_roledesc_z', TEXT_MASKED],
  'itemprop attribute': ['cnry_itemprop_z', TEXT_MASKED],
  'itemprop <meta> content': ['cnry_itemprop_content_z', TEXT_MASKED],
  '<meta name> content': ['cnry_meta_content_z', TEXT_MASKED],
  'SVG data-* attribute': ['cnry_svg_data_z', TEXT_MASKED],
  '<input value> attribute': ['cnry_input_value_attr_z', VALUES_MASKED],
  '<option value> not selected': ['cnry_unselected_option_value_z', VALUES_MASKED],
  '<button value>': ['cnry_button_elem_value_z', VALUES_MASKED],
  '<a ping> query': ['cnry_ping_query_z', ALL],
  '<object data> query': ['cnry_object_data_z', ALL],
  '<form action> query': ['cnry_form_action_z', ALL],
  'PII: email in an unmasked region': ['cnry.unmasked.pii', ALL],
  'PII: card number in an unmasked region': ['5555 5555 5555 4444', ALL],
  'PII: email in visible text': ['cnry.pii.email', PII_RUNS],
  'PII: card number in visible text': ['5105 1051 0510 5100', PII_RUNS],
  'PII: phone number in visible text': ['+1 (555) 013-9876', PII_RUNS],
  'PII: IBAN in visible text': ['GB82 WEST 1234 5698 7654 32', PII_RUNS],
};

// Must arrive where the rules show them: proof that the run recorded at all.
const SHOWN = {
  okpublicsentinel: ['balanced', 'relaxed'],
  // An unmasked region shows its text and content attributes in strict mode
  // too (NodeFlag.UNMASKED), personal data still tokenized.
  okunmaskedsentinel: ['strict', 'balanced', 'relaxed'],
  okunmaskedtitle: ['strict', 'balanced', 'relaxed'],
};

let stack, site, collector, browser;

before(async () => {
  stack = await startStack({ siteRoot: 'tests/browser/fixtures', siteKey: 'leak', name: 'leak' });
  ({ site, collector, browser } = stack);
});

after(() => stack?.close());

async function driveLikeAVisitor(page) {
  const pause = () => page.waitForTimeout(150);
  await page.type('#text', TYPED.text);
  await page.click('#pasted');
  await page.keyboard.insertText(TYPED.pasted); // as a paste or an IME commit arrives
  await page.type('#area', TYPED.area);
  await page.click('#editable');
  await page.keyboard.press('End');
  await page.keyboard.type(TYPED.editable);
  await page.selectOption('#select', 'cnry_option_value_z');
  await page.type('#password', TYPED.password.slice(0, 10));
  await pause();
  await page.click('#reveal');
  await pause();
  await page.type('#password', TYPED.revealed);
  await page.type('#early-pass', TYPED.earlyRevealed);
  await page.type('#card', TYPED.card);
  await page.type('#otp', TYPED.otp);
  await page.type('#masked-input', TYPED.maskedInput);
  await page.type('#masked-area', TYPED.maskedArea);
  await page.click('#masked-editable');
  await page.keyboard.type(TYPED.maskedEditable);
  await page.type('#masked-sel-input', TYPED.maskedSelInput);
  await page.type('#blocked-input', TYPED.blockedInput);
  await page.evaluate(() => history.replaceState(null, '', `${location.pathname}?q=cnry_url_query_z&page=2`));
  await page.mouse.wheel(0, 400);
  await pause();
  await page.click('#run-mutations');
  await page.waitForTimeout(600);
}

for (const [run, { mode, consent }] of Object.entries(RUNS)) {
  test(`leak suite (${run}): no canary reaches any request or the stored session`, async (t) => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const requests = captureRequests(context);
    const page = await context.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('console', (m) => {
      // The fixture's inline <script>s are there to be ignored: the CSP
      // refusing them is expected.
      if (m.type() === 'error' && !m.text().includes('Content Security Policy')) problems.push(m.text());
    });
    await page.goto(`${site.url}/leak.html?endpoint=${encodeURIComponent(collector.url)}&site=leak&mode=${mode}`);
    await page.evaluate(() => window.leakReady);
    await page.type('#early-pass', 'cnry_');
    await page.click('#early-reveal');
    await page.evaluate((c) => window.SessionRecorder.consent(c), consent);
    await page.waitForFunction(() => window.SessionRecorder.stats().state === 'recording');
    await driveLikeAVisitor(page);

    const before = await page.evaluate(() => window.SessionRecorder.flush().then(() => window.SessionRecorder.stats()));
    assert.equal(before.batchesDropped, 0, 'the collector accepted every batch');
    // Last: a route to an excluded page ends the recording.
    await page.click('#go-excluded');
    await page.waitForTimeout(300);
    const stats = await page.evaluate(() => window.SessionRecorder.flush().then(() => window.SessionRecorder.stats()));
    assert.equal(stats.state, 'stopped', 'an excluded page ends the recording');
    assert.equal(stats.batchesDropped, 0);
    // Back on an allowed route: recording resumes as a new page view.
    await page.click('#go-home');
    await page.waitForFunction(() => window.SessionRecorder.stats().state === 'recording', null, { timeout: 5000 });
    const resumed = await page.evaluate(() => window.SessionRecorder.flush().then(() => window.SessionRecorder.stats()));
    assert.equal(resumed.sessionId, stats.sessionId);
    assert.notEqual(resumed.pageViewId, stats.pageViewId);
    assert.ok(resumed.batchesSent > 0, 'the resumed page view was sent');

    // The planted canaries really were on the page (or in its fields).
    const live = await page.evaluate(() => document.documentElement.outerHTML +
      [...document.querySelectorAll('input, textarea')].map((e) => e.value).join(' '));
    await context.close();
    // Typed values, and the URL set by replaceState, are not in the markup.
    const typed = new Set([...Object.values(TYPED), 'cnry_url_query_z']);
    const unplanted = Object.entries(CASES).filter(([, [c]]) => !typed.has(c) && !live.includes(c)).map(([k]) => k);
    const onPage = new Set(['cnry_excluded_page_z', 'cnry_excluded_text_change_z']); // gone with the route
    assert.deepEqual(unplanted.filter((k) => !onPage.has(CASES[k][0])), [], 'every canary was planted');

    const session = await collector.session(stats.sessionId);
    assert.ok(session.events.some((e) => e.type === 'Click'), 'the visit was recorded');
    const texts = [...requests.flatMap(formsOf), JSON.stringify(session).toLowerCase()];
    const forbidden = Object.entries(CASES).filter(([, [, runs]]) => runs.includes(run));
    const leaked = findCanaries(texts, forbidden.map(([, [c]]) => c));
    const names = forbidden.filter(([, [c]]) => leaked.includes(c)).map(([k]) => k);
    assert.deepEqual(names, [], `canaries leaked in ${run}`);
    const urls = session.events.filter((e) => e.type === 'Navigation').map((e) => e.url);
    // privacy.allowQueryParams reaches the core: "page" is kept, "q" is not.
    assert.ok(urls.some((u) => u.endsWith('/leak.html?page=2')), `the allowed query parameter is kept: ${urls.join(' ')}`);
    const shown = Object.entries(SHOWN).filter(([, runs]) => runs.includes(run)).map(([s]) => s);
    assert.deepEqual(findCanaries(texts, shown), shown, 'what the rules show did arrive');
    assert.ok(requests.some((r) => r.url.startsWith(`${collector.url}/v1/batch`)), 'batches were sent');
    assert.deepEqual(problems, []);
    t.diagnostic(`${forbidden.length} canaries checked in ${requests.length} requests`);
  });
}

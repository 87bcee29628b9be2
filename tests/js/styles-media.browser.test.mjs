// Stylesheets, media and image sources at the records level in headless
// Chromium: CSSOM changes (insertRule/deleteRule, nested, legacy aliases,
// replace/replaceSync), constructed and adopted sheets on documents and
// shadow roots, CSS-in-JS <style> elements filled before the recording,
// linked sheets' rules (option), changes inside a same-origin iframe's realm,
// media play/pause/seek/rate/volume and srcset choices. The recorded sheets
// are rebuilt in the page from the records alone and compared with the live
// ones. No Wasm core: a fake engine keeps the buffers; the strict replayer
// (helpers/replay.js) fails on any record naming a node it does not hold.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer, CHROMIUM, CHROMIUM_ARGS } from './helpers/server.js';
import { readRecords } from './helpers/records-reader.js';
import { Replayer } from './helpers/replay.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const PAGE = `<!doctype html>
<html><head><title>Styles and media test</title>
<script type="module" src="/boot.mjs"></script>
</head><body><div id="root"></div></body></html>`;
const BOOT = `import * as h from '/tests/js/helpers/harness.js'; window.h = h; window.ready = true;`;

let server;
let browser;

before(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`cannot run the styles/media browser tests: no Chromium at ${CHROMIUM}`);
  server = await startServer({
    mounts: {
      '/js/': path.join(ROOT, 'js'),
      '/tests/js/': path.join(ROOT, 'tests/js'),
      '/site/': path.join(ROOT, 'tests/fixtures/sites/components'),
    },
    pages: {
      '/page.html': PAGE,
      '/boot.mjs': BOOT,
      '/linked.css': '.linked { color: rgb(1, 2, 3); }\n@media (min-width: 1px) { .linked b { margin: 1px; } }',
      '/favicon.ico': '',
    },
  });
  browser = await chromium.launch({ executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS, '--autoplay-policy=no-user-gesture-required'] });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

// Opens the test page, runs `setup` in it, starts a recording. step(fn)
// runs fn in the page, flushes, and returns the records written.
async function open(setup, { mode = 'relaxed', extra = {} } = {}) {
  const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${server.origin}/page.html`);
  await page.waitForFunction(() => window.ready === true);
  await page.evaluate(async ({ setup, mode, extra }) => {
    window.native = {
      insertRule: CSSStyleSheet.prototype.insertRule,
      groupInsert: CSSGroupingRule.prototype.insertRule,
      replaceSync: CSSStyleSheet.prototype.replaceSync,
      adopted: Object.getOwnPropertyDescriptor(Document.prototype, 'adoptedStyleSheets').set,
      disabled: Object.getOwnPropertyDescriptor(HTMLStyleElement.prototype, 'disabled').set,
    };
    if (setup) await (0, eval)(`(${setup})`)();
    window.rec = window.h.record(mode, { privacy: { mode }, ...extra });
    await window.rec.start();
  }, { setup: setup ? setup.toString() : null, mode, extra });
  const replayer = new Replayer();
  const all = [];
  async function step(fn) {
    const out = await page.evaluate(async (src) => {
      if (src) await (0, eval)(`(${src})`)();
      await window.rec.flush();
      // Every buffer since the last step, early cuts (maxRecordsBytes) too.
      const buffers = window.rec.buffers.slice(window.seen || 0);
      window.seen = window.rec.buffers.length;
      return { buffers, logged: window.rec.logged };
    }, fn ? fn.toString() : null);
    const records = out.buffers.map((b) => readRecords(Uint8Array.from(b))).flatMap((d) => d.records);
    replayer.apply(records);
    all.push(...records);
    assert.deepEqual(out.logged, [], 'the recorder reported no error');
    return records;
  }
  const idOf = (attr, value) => {
    const n = [...replayer.nodes.values()].find((x) => x.attrs.get(attr) === value);
    return n ? n.id : 0;
  };
  // The text a <style> node was recorded with (snapshot or mutation add).
  const styleText = (id) => replayer.nodes.get(id).children.map((c) => c.value).join('');
  return { page, step, replayer, errors, idOf, styleText, all };
}

const of = (records, type) => records.filter((r) => r.type === type);

// Runs in the page: rebuilds a sheet from its recorded text and the SHEET /
// RULE records that name it, in order, as a replayer would; returns the
// rules' cssText.
function rebuild({ text, events }) {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(text);
  for (const ev of events) {
    if (ev.type === 'SHEET') {
      while (sheet.cssRules.length) sheet.deleteRule(0);
      for (const r of ev.rules) sheet.insertRule(r, sheet.cssRules.length);
      continue;
    }
    let list = sheet;
    for (const k of ev.path.slice(0, -1)) list = list.cssRules[k];
    const at = ev.path[ev.path.length - 1];
    if (ev.op === 0) list.insertRule(ev.rule, at);
    else list.deleteRule(at);
  }
  return Array.from(sheet.cssRules, (r) => r.cssText);
}

async function rebuilt(page, text, records, sheetId) {
  const events = records.filter((r) => (r.type === 'SHEET' || r.type === 'RULE') && r.sheet === sheetId);
  return page.evaluate(rebuild, { text, events });
}

const liveRules = (page, expr) => page.evaluate((e) => Array.from((0, eval)(e).cssRules, (r) => r.cssText), expr);

test('insertRule/deleteRule on a <style>, nested in @media and @supports, legacy aliases; originals restored on stop', async () => {
  const { page, step, errors, idOf, styleText, all } = await open(() => {
    const s = document.createElement('style');
    s.id = 'dyn';
    s.textContent = '.a { color: red; }\n@media (min-width: 1px) { .m { color: blue; } }';
    document.head.append(s);
  });
  await step();
  const id = idOf('id', 'dyn');
  assert.ok(id > 0);
  const records = await step(() => {
    const sheet = document.getElementById('dyn').sheet;
    sheet.insertRule('.b { color: green; }', 2);
    sheet.insertRule('@supports (display: grid) { .g { display: grid; } }', 0);
    sheet.cssRules[2].insertRule('.m2 { color: black; }', 1); // inside @media, now at index 2
    sheet.cssRules[0].insertRule('.g2 { margin: 0px; }');     // index defaults to 0
    sheet.cssRules[2].deleteRule(0);
    sheet.addRule('.legacy', 'padding: 1px');
    sheet.removeRule(1);
    try { sheet.insertRule('{ color: red; }', 0); } catch (e) { /* refused: nothing recorded */ }
    try { sheet.deleteRule(99); } catch (e) { /* refused */ }
  });
  const rules = of(records, 'RULE');
  assert.equal(rules.length, 7, JSON.stringify(rules));
  assert.ok(rules.every((r) => r.sheet === id), 'a <style> sheet is named by its owner node');
  assert.deepEqual(rules.map((r) => [r.op, r.path]),
    [[0, [2]], [0, [0]], [0, [2, 1]], [0, [0, 0]], [1, [2, 0]], [0, [4]], [1, [1]]]);
  assert.equal(rules[0].rule, '.b { color: green; }');
  assert.equal(rules[5].rule, '.legacy { padding: 1px; }');
  const live = await liveRules(page, "document.getElementById('dyn').sheet");
  assert.deepEqual(await rebuilt(page, styleText(id), all, id), live, 'the records rebuild the live sheet');
  // Stop: the page's own functions are back.
  const restored = await page.evaluate(async () => {
    await window.rec.recording.stop();
    return CSSStyleSheet.prototype.insertRule === window.native.insertRule &&
      CSSGroupingRule.prototype.insertRule === window.native.groupInsert &&
      CSSStyleSheet.prototype.replaceSync === window.native.replaceSync &&
      Object.getOwnPropertyDescriptor(Document.prototype, 'adoptedStyleSheets').set === window.native.adopted &&
      Object.getOwnPropertyDescriptor(HTMLStyleElement.prototype, 'disabled').set === window.native.disabled;
  });
  assert.equal(restored, true);
  await page.close();
  assert.deepEqual(errors, []);
});

test('CSS-in-JS <style> elements filled by insertRule before the recording get their rules after SNAP_END', async () => {
  const { page, step, errors, idOf, styleText, all } = await open(() => {
    const empty = document.createElement('style');
    empty.id = 'cij';
    document.head.append(empty);
    for (let k = 0; k < 5; k++) empty.sheet.insertRule(`.css-${k} { margin: ${k}px; }`, empty.sheet.cssRules.length);
    const mixed = document.createElement('style');
    mixed.id = 'mixed';
    mixed.textContent = '.base { color: red; }';
    document.head.append(mixed);
    mixed.sheet.insertRule('.extra { color: blue; }', 1);
    const edited = document.createElement('style');
    edited.id = 'edited';
    edited.textContent = '.x { color: red; } .y { color: blue; }';
    document.head.append(edited);
    edited.sheet.deleteRule(1);
    edited.sheet.insertRule('.z { color: green; }', 1); // same count, other rule
    // Over 16 KB of text: only the top-level rules are counted.
    const big = Array.from({ length: 400 }, (_, k) => `/* } */ .big-${k} { content: "}{"; margin: ${k}px; }`).join('\n');
    const bigPlain = document.createElement('style');
    bigPlain.id = 'big-plain';
    bigPlain.textContent = `@import url(/linked.css);\n@media (min-width: 1px) { .a { color: red; } }\n${big}`;
    document.head.append(bigPlain);
    const bigMixed = document.createElement('style');
    bigMixed.id = 'big-mixed';
    bigMixed.textContent = big;
    document.head.append(bigMixed);
    bigMixed.sheet.insertRule('.big-extra { color: blue; }', 7);
    const plain = document.createElement('style');
    plain.id = 'plain';
    plain.textContent = '.p { color: red; }\n.q { color: blue; }';
    document.head.append(plain);
  });
  const records = await step();
  const end = records.findIndex((r) => r.type === 'SNAP_END');
  const sheets = of(records, 'SHEET');
  assert.ok(sheets.every((s) => records.indexOf(s) > end), 'written after the snapshot');
  for (const name of ['cij', 'mixed', 'edited', 'big-mixed']) {
    const id = idOf('id', name);
    const s = sheets.find((x) => x.sheet === id);
    assert.ok(s, `SHEET for #${name}`);
    assert.equal(s.owner, id);
    const live = await liveRules(page, `document.getElementById('${name}').sheet`);
    assert.deepEqual(s.rules, live);
    assert.deepEqual(await rebuilt(page, styleText(id), all, id), live);
  }
  assert.ok(!sheets.some((s) => s.sheet === idOf('id', 'plain') || s.sheet === idOf('id', 'big-plain')),
    'a sheet that matches its text costs nothing');
  assert.equal(sheets.length, 4);
  // Later inserts into the CSS-in-JS sheet are RULEs on top of that SHEET.
  const later = await step(() => document.getElementById('cij').sheet.insertRule('.css-9 { top: 0px; }', 5));
  assert.deepEqual(of(later, 'RULE').map((r) => [r.sheet, r.path, r.rule]), [[idOf('id', 'cij'), [5], '.css-9 { top: 0px; }']]);
  const live = await liveRules(page, "document.getElementById('cij').sheet");
  assert.deepEqual(await rebuilt(page, styleText(idOf('id', 'cij')), all, idOf('id', 'cij')), live);
  await page.close();
  assert.deepEqual(errors, []);
});

test('constructed sheets adopted by the document and shadow roots: SHEET before ADOPT, replaceSync, replace, in-place push', async () => {
  const { page, step, errors, replayer, idOf } = await open(() => {
    window.theme = new CSSStyleSheet();
    window.theme.replaceSync('body { margin: 3px; }');
    document.adoptedStyleSheets = [window.theme];
    window.stars = new CSSStyleSheet();
    window.stars.replaceSync('.star { color: gold; }');
    const host = document.createElement('div');
    host.id = 'host';
    document.getElementById('root').append(host);
    host.attachShadow({ mode: 'open' }).innerHTML = '<span class="star">*</span>';
    host.shadowRoot.adoptedStyleSheets = [window.stars, window.theme];
  });
  const first = await step();
  const end = first.findIndex((r) => r.type === 'SNAP_END');
  const sheets = of(first, 'SHEET');
  const adopts = of(first, 'ADOPT');
  assert.equal(sheets.length, 2, JSON.stringify(sheets));
  assert.ok(sheets.every((s) => s.owner === 0 && first.indexOf(s) > end));
  const theme = sheets.find((s) => s.rules[0].startsWith('body')).sheet;
  const stars = sheets.find((s) => s.rules[0].startsWith('.star')).sheet;
  assert.ok(!replayer.nodes.has(theme) && !replayer.nodes.has(stars) && theme !== stars,
    'constructed sheets get fresh ids of the node id space');
  const fragment = [...replayer.nodes.values()].find((n) => n.type === 11);
  assert.deepEqual(adopts.map((a) => [a.target, a.sheets]), [[1, [theme]], [fragment.id, [stars, theme]]]);
  for (const a of adopts) {
    for (const s of a.sheets) assert.ok(first.findIndex((r) => r.type === 'SHEET' && r.sheet === s) < first.indexOf(a));
  }

  // replaceSync: the whole list again; insertRule on an adopted sheet: a RULE.
  let r = await step(() => {
    window.theme.replaceSync('body { margin: 4px; } p { color: red; }');
    window.stars.insertRule('.star.on { color: orange; }', 1);
  });
  assert.deepEqual(of(r, 'SHEET').map((s) => [s.sheet, s.rules]), [[theme, ['body { margin: 4px; }', 'p { color: red; }']]]);
  assert.deepEqual(of(r, 'RULE').map((x) => [x.sheet, x.path, x.rule]), [[stars, [1], '.star.on { color: orange; }']]);
  assert.equal(of(r, 'ADOPT').length, 0, 'nothing adopted changed');

  // A new sheet, changed before it is adopted (nothing to write yet), then
  // adopted by the setter; replace() resolves later.
  r = await step(async () => {
    window.extra = new CSSStyleSheet();
    window.extra.insertRule('.extra { color: teal; }');
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, window.extra];
    await window.stars.replace('.star { color: silver; }');
  });
  const extraSheet = of(r, 'SHEET').find((s) => s.rules[0] === '.extra { color: teal; }');
  assert.ok(extraSheet, 'the new sheet is described');
  assert.equal(of(r, 'RULE').length, 0);
  const adopt = of(r, 'ADOPT');
  assert.deepEqual(adopt.map((a) => [a.target, a.sheets]), [[1, [theme, extraSheet.sheet]]]);
  assert.ok(r.indexOf(extraSheet) < r.indexOf(adopt[0]));
  assert.deepEqual(of(r, 'SHEET').filter((s) => s.sheet === stars).map((s) => s.rules), [['.star { color: silver; }']]);

  // In place (no setter): found at the flush. A shadow root attached later
  // adopts a sheet: its ADOPT names the Fragment added by the mutation group.
  r = await step(() => {
    document.adoptedStyleSheets.splice(0, 1);
    const late = document.createElement('div');
    late.id = 'late';
    document.getElementById('root').append(late);
    const root = late.attachShadow({ mode: 'open' });
    root.innerHTML = '<i class="star">late</i>';
    const own = new CSSStyleSheet();
    own.replaceSync('i { font-style: normal; }');
    root.adoptedStyleSheets = [own, window.stars];
  });
  const lateFragment = [...replayer.nodes.values()].find((n) => n.type === 11 && n.parent && n.parent.attrs.get('id') === 'late');
  assert.ok(lateFragment, 'late shadow root recorded');
  const adopts2 = of(r, 'ADOPT');
  const own = of(r, 'SHEET').find((s) => s.rules[0] === 'i { font-style: normal; }');
  assert.ok(own);
  assert.deepEqual(adopts2.map((a) => [a.target, a.sheets]).sort((a, b) => a[0] - b[0]),
    [[1, [extraSheet.sheet]], [lateFragment.id, [own.sheet, stars]]]);
  const mutEnd = r.findIndex((x) => x.type === 'MUT_END');
  assert.ok(r.indexOf(adopts2.find((a) => a.target === lateFragment.id)) > mutEnd);
  assert.ok(idOf('id', 'late') > 0);
  await page.close();
  assert.deepEqual(errors, []);
});

test('blocked regions: their sheets are never read; an iframe realm is patched as well', async () => {
  const { page, step, errors, idOf, styleText, all } = await open(async () => {
    const blocked = document.createElement('div');
    blocked.setAttribute('data-recorder-block', '');
    blocked.innerHTML = '<style id="secret-style"></style>';
    document.getElementById('root').append(blocked);
    blocked.firstChild.sheet.insertRule('.secret-canary { color: red; }');
    const frame = document.createElement('iframe');
    frame.id = 'frame';
    frame.srcdoc = '<style id="fs">.f { color: red; }</style><p class="f">in frame</p>';
    const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    document.getElementById('root').append(frame);
    await loaded;
  });
  const first = await step();
  assert.ok(!JSON.stringify(first).includes('secret-canary'), 'a blocked <style> is not read');
  const r = await step(() => {
    document.querySelector('#secret-style').sheet.insertRule('.secret-two { color: red; }');
    const doc = document.getElementById('frame').contentDocument;
    doc.getElementById('fs').sheet.insertRule('.f2 { color: blue; }', 1);
  });
  assert.ok(!JSON.stringify(r).includes('secret'), 'changes to a blocked sheet are not recorded');
  const fs = idOf('id', 'fs');
  assert.ok(fs > 0);
  assert.deepEqual(of(r, 'RULE').map((x) => [x.sheet, x.path, x.rule]), [[fs, [1], '.f2 { color: blue; }']]);
  const live = await liveRules(page, "document.getElementById('frame').contentDocument.getElementById('fs').sheet");
  assert.deepEqual(await rebuilt(page, styleText(fs), all, fs), live);
  await page.close();
  assert.deepEqual(errors, []);
});

test('captureStylesheetRules: same-origin linked sheets as SHEET with the link as owner; off by default', async () => {
  const setup = async () => {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.id = 'early';
    link.href = '/linked.css';
    const loaded = new Promise((resolve) => link.addEventListener('load', resolve, { once: true }));
    document.head.append(link);
    await loaded;
  };
  const later = async () => {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.id = 'later';
    link.href = '/linked.css?v=2';
    const loaded = new Promise((resolve) => link.addEventListener('load', resolve, { once: true }));
    document.head.append(link);
    await loaded;
  };
  const expected = ['.linked { color: rgb(1, 2, 3); }', '@media (min-width: 1px) {\n  .linked b { margin: 1px; }\n}'];
  {
    const { page, step, errors, idOf } = await open(setup, { extra: { captureStylesheetRules: true } });
    const first = await step();
    const early = idOf('id', 'early');
    assert.deepEqual(of(first, 'SHEET').map((s) => [s.sheet, s.owner, s.rules]), [[early, early, expected]]);
    const r = await step(later);
    const id = idOf('id', 'later');
    assert.ok(id > 0);
    assert.deepEqual(of(r, 'SHEET').map((s) => [s.sheet, s.owner, s.rules]), [[id, id, expected]]);
    await page.close();
    assert.deepEqual(errors, []);
  }
  {
    const { page, step, errors } = await open(setup);
    assert.equal(of(await step(), 'SHEET').length, 0);
    assert.equal(of(await step(later), 'SHEET').length, 0);
    await page.close();
    assert.deepEqual(errors, []);
  }
});

test('media: state after the snapshot, then play, seek, rate, volume and pause with the whole state', async () => {
  const { page, step, errors, idOf } = await open(async () => {
    // From memory: the test server does not answer range requests, and a
    // resource that cannot be seeked in would clamp every seek to 0.
    const wav = URL.createObjectURL(await (await fetch('/site/tone.wav')).blob());
    const root = document.getElementById('root');
    root.innerHTML = `<audio id="a" src="${wav}" preload="auto" loop></audio><video id="v" muted></video>` +
      `<div data-recorder-block><audio id="hidden" src="${wav}" preload="auto"></audio></div>`;
    const a = document.getElementById('a');
    if (a.readyState < 4) await new Promise((resolve) => a.addEventListener('canplaythrough', resolve, { once: true }));
  });
  const first = await step();
  const end = first.findIndex((r) => r.type === 'SNAP_END');
  const sync = of(first, 'MEDIA');
  const a = idOf('id', 'a');
  const v = idOf('id', 'v');
  assert.deepEqual(sync.map((m) => [m.target, m.action, m.flags]).sort((x, y) => x[0] - y[0]),
    [[a, 2, 2 | 4], [v, 2, 1 | 2]], 'one MEDIA per recorded media element, paused; none for the blocked one');
  assert.ok(sync.every((m) => first.indexOf(m) > end));

  const played = await step(async () => {
    const el = document.getElementById('a');
    await el.play();
    await new Promise((resolve) => setTimeout(resolve, 150));
  });
  const play = of(played, 'MEDIA').find((m) => m.action === 1);
  assert.ok(play && play.target === a && (play.flags & 2) === 0 && play.rateX100 === 100 && play.volumeX100 === 100);

  const changed = await step(async () => {
    const el = document.getElementById('a');
    el.pause();
    el.playbackRate = 1.5;
    el.volume = 0.25;
    el.muted = true;
    const seeked = new Promise((resolve) => el.addEventListener('seeked', resolve, { once: true }));
    el.currentTime = 0.1;
    await seeked;
    await new Promise((resolve) => setTimeout(resolve, 50));
  });
  const media = of(changed, 'MEDIA');
  assert.ok(media.every((m) => m.target === a));
  const byAction = (n) => media.filter((m) => m.action === n);
  assert.equal(byAction(2).length, 1, 'pause');
  assert.ok(byAction(2)[0].flags & 2);
  assert.ok(byAction(4).some((m) => m.rateX100 === 150), 'ratechange');
  assert.ok(byAction(5).some((m) => m.volumeX100 === 25), 'volumechange');
  assert.ok(byAction(5).some((m) => m.flags & 1), 'muted');
  const seek = byAction(3);
  assert.equal(seek.length, 1, `seeked: ${JSON.stringify(media)}`);
  assert.equal(seek[0].timeMs, 100, JSON.stringify(media));
  assert.equal(seek[0].rateX100, 150);
  assert.equal(seek[0].flags, 1 | 2 | 4);
  await page.close();
  assert.deepEqual(errors, []);
});

test('images: srcset and <picture> choices as IMGSRC after load, nothing when the src attribute says it', async () => {
  const { page, step, errors, idOf } = await open(async () => {
    const root = document.getElementById('root');
    root.innerHTML = '<img id="chosen" src="/site/img/small.svg" srcset="/site/img/small.svg 200w, /site/img/large.svg 800w" sizes="800px">' +
      '<img id="same" src="/site/img/small.svg">' +
      '<picture><source srcset="/site/img/large.svg" media="(min-width: 10px)"><img id="pic" src="/site/img/small.svg"></picture>';
    await Promise.all([...root.querySelectorAll('img')].map((img) => img.decode().catch(() => {})));
  });
  const first = await step();
  const end = first.findIndex((r) => r.type === 'SNAP_END');
  const imgs = of(first, 'IMGSRC');
  const large = `${server.origin}/site/img/large.svg`;
  assert.deepEqual(imgs.map((r) => [r.target, r.url]).sort((x, y) => x[0] - y[0]),
    [[idOf('id', 'chosen'), large], [idOf('id', 'pic'), large]]);
  assert.ok(imgs.every((r) => first.indexOf(r) > end));
  const r = await step(async () => {
    const img = document.createElement('img');
    img.id = 'later';
    img.srcset = '/site/img/small.svg 1x, /site/img/large.svg 1x';
    img.sizes = '100px';
    img.srcset = '/site/img/large.svg 100w';
    document.getElementById('root').append(img);
    await new Promise((resolve) => img.addEventListener('load', resolve, { once: true }));
    await new Promise((resolve) => setTimeout(resolve, 20));
  });
  assert.deepEqual(of(r, 'IMGSRC').map((x) => [x.target, x.url]), [[idOf('id', 'later'), large]]);
  await page.close();
  assert.deepEqual(errors, []);
});

test('changes made while a sliced snapshot is taken are written once, after SNAP_END, in order', async () => {
  const { page, step, errors, idOf, styleText, all } = await open(() => {
    const root = document.getElementById('root');
    // Enough nodes for several slices: the page runs between them.
    root.innerHTML = '<div><span>x</span></div>'.repeat(6000);
    const s = document.createElement('style');
    s.id = 'cij';
    document.head.append(s);
    s.sheet.insertRule('.r0 { margin: 0px; }');
    window.shared = new CSSStyleSheet();
    window.shared.replaceSync('.s0 { color: red; }');
    document.adoptedStyleSheets = [window.shared];
    let k = 1;
    const tick = () => {
      s.sheet.insertRule(`.r${k} { margin: ${k}px; }`, s.sheet.cssRules.length);
      if (k % 3 === 0) s.sheet.deleteRule(0);
      window.shared.insertRule(`.s${k} { color: blue; }`, window.shared.cssRules.length);
      if (k === 4) document.adoptedStyleSheets = [window.shared, new CSSStyleSheet()];
      if (++k <= 12) setTimeout(tick, 0);
    };
    setTimeout(tick, 0);
  });
  const slices = await page.evaluate(async () => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return window.rec.recording.counters.snapshotSlices;
  });
  await step();
  assert.ok(slices > 2, `the snapshot took ${slices} slices`);
  const end = all.findIndex((r) => r.type === 'SNAP_END');
  const styleRecords = all.filter((r) => ['SHEET', 'RULE', 'ADOPT'].includes(r.type));
  assert.ok(styleRecords.every((r) => all.indexOf(r) > end));
  const cij = idOf('id', 'cij');
  assert.ok(cij > 0, JSON.stringify(all.filter((r) => r.type !== 'NODE').slice(0, 40)));
  const live = await liveRules(page, "document.getElementById('cij').sheet");
  assert.equal(live.length, 9);
  assert.deepEqual(await rebuilt(page, styleText(cij), all, cij), live, 'each change once');
  // The constructed sheet: rebuilt from its SHEETs and RULEs (empty text).
  const shared = of(all, 'ADOPT')[0].sheets[0];
  assert.deepEqual(await rebuilt(page, '', all, shared), await liveRules(page, 'window.shared'));
  const adopts = of(all, 'ADOPT');
  assert.equal(adopts[adopts.length - 1].sheets.length, 2);
  await page.close();
  assert.deepEqual(errors, []);
});

test('strict mode: quoted strings of content and custom properties in rule text are masked, url() queries dropped', async () => {
  const { step, errors, page } = await open(() => {
    const s = document.createElement('style');
    s.id = 'cij';
    document.head.append(s);
    s.sheet.insertRule('.a::before { content: "cnry_early"; }');
    window.own = new CSSStyleSheet();
    window.own.replaceSync('.b { --label: "cnry_constructed"; background: url("/bg.png?user=cnry_query"); }');
    document.adoptedStyleSheets = [window.own];
  }, { mode: 'strict' });
  const first = await step();
  const r = await step(() => {
    document.getElementById('cij').sheet.insertRule('.c::after { content: "cnry_later"; }', 1);
    window.own.replaceSync('.d::before { content: "cnry_replaced"; }');
  });
  const texts = JSON.stringify([...of(first, 'SHEET'), ...of(r, 'SHEET'), ...of(r, 'RULE')]);
  assert.ok(!texts.includes('cnry'), texts);
  assert.ok(texts.includes('content: \\"\\"') && texts.includes('url(\\"/bg.png\\")'), texts);
  assert.equal(of(r, 'RULE').length, 1);
  await page.close();
  assert.deepEqual(errors, []);
});

test('disabled sheets: set before the recording, by <style>.disabled and by sheet.disabled', async () => {
  const { step, errors, page, idOf } = await open(() => {
    const off = document.createElement('style');
    off.id = 'off';
    off.textContent = '.off { color: red; }';
    document.head.append(off);
    off.disabled = true;
    const on = document.createElement('style');
    on.id = 'on';
    on.textContent = '.on { color: blue; }';
    document.head.append(on);
  });
  const first = await step();
  assert.deepEqual(of(first, 'SHEET').map((s) => [s.sheet, s.flags, s.rules]), [[idOf('id', 'off'), 1, ['.off { color: red; }']]]);
  const r = await step(() => {
    document.getElementById('on').disabled = true;
    document.getElementById('off').sheet.disabled = false;
  });
  assert.deepEqual(of(r, 'SHEET').map((s) => [s.sheet, s.flags]), [[idOf('id', 'on'), 1], [idOf('id', 'off'), 0]]);
  await page.close();
  assert.deepEqual(errors, []);
});

// The replayer in headless Chromium, fed synthetic decoded sessions (the
// collector's JSON shape): each test builds a small event list, replays it
// in the sandboxed frame and reads the replay document back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer, CHROMIUM, CHROMIUM_ARGS } from './helpers/server.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PAGE = `<!doctype html><html><head><title>Replay host</title>
<script type="module" src="/boot.mjs"></script></head><body><div id="view"></div></body></html>`;
const BOOT = `import { Replayer } from '/js/src/replay/index.js'; window.Replayer = Replayer; window.ready = true;`;

let server;
let browser;

before(async () => {
  server = await startServer({
    mounts: { '/js/': path.join(ROOT, 'js') },
    pages: { '/host.html': PAGE, '/boot.mjs': BOOT, '/favicon.ico': '' },
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

// A node record: [id, parent, prev, type, name, attrs, value, ns].
function N(id, parent, prev, type, name = '', attrs = [], value = '', ns = 0) {
  return { id, parent, prev, type, ns, name, value, attrs };
}
const el = (id, parent, prev, name, attrs = [], ns = 0) => N(id, parent, prev, 1, name, attrs, '', ns);
const text = (id, parent, prev, value) => N(id, parent, prev, 3, '', [], value);

const T0 = 1_800_000_000_000;
let seq = 0;
function ev(time, type, fields, pageView = 'pv1') {
  return { pageView, seq: ++seq, time: T0 + time, type, ...fields };
}
function meta(time, pageView = 'pv1', w = 800, h = 600) {
  return ev(time, 'PageMeta', { url: `https://site.test/${pageView}`, referrer: '', title: '', viewportW: w,
    viewportH: h, screenW: w, screenH: h, dprX100: 100, device: 1, previousPageView: '' }, pageView);
}
// document(1) > doctype(2), html(3) > head(4), body(5) > ...children
function snapshot(time, children, { pageView = 'pv1', checkpoint = false, head = [] } = {}) {
  return ev(time, 'FullSnapshot', { checkpoint, scrollX: 0, scrollY: 0, nodes: [
    N(1, 0, 0, 9), N(2, 1, 0, 10, 'html'), el(3, 1, 2, 'html'), el(4, 3, 0, 'head'), ...head,
    el(5, 3, 4, 'body'), ...children,
  ] }, pageView);
}
const mutation = (time, { removes = [], adds = [], attrs = [], texts = [] }, pageView) =>
  ev(time, 'Mutation', { removes, adds, attrs, texts }, pageView);

// Opens the host page, replays `session`, runs `fn(replayer, T0)` in the page.
async function inPage(events, fn, arg = null, routes = {}) {
  const page = await browser.newPage();
  for (const [url, css] of Object.entries(routes)) {
    await page.route(`${server.origin}${url}`, (route) => route.fulfill({ contentType: 'text/css', body: css }));
  }
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${server.origin}/host.html`);
  await page.waitForFunction(() => window.ready === true);
  // DevTools evaluation is not governed by the page's CSP (no eval there).
  await page.evaluate(`window.__fn = ${fn}`);
  const result = await page.evaluate(async ({ events, arg, T0 }) => {
    const r = new window.Replayer(document.getElementById('view'), { session: 's', events });
    await r.ready;
    window.r = r;
    return window.__fn(r, T0, arg);
  }, { events, arg, T0 });
  await page.close();
  assert.deepEqual(errors, [], 'no error in the host page');
  return result;
}

test('snapshot, then removes, adds, attributes and texts in that order, at the right moments', async () => {
  const events = [
    meta(0),
    snapshot(1, [el(6, 5, 0, 'ul', [['id', 'list']]), el(7, 6, 0, 'li'), text(8, 7, 0, 'one'),
      el(9, 6, 7, 'li'), text(10, 9, 0, 'two')]),
    // Removes 7, re-adds it after 9 (a move), new li 11, class on ul, text of 10.
    mutation(100, { removes: [7], adds: [el(7, 6, 9, 'li'), text(8, 7, 0, 'one'), el(11, 6, 7, 'li', [['class', 'new']])],
      attrs: [{ node: 6, name: 'class', value: 'moved', removed: false }], texts: [{ node: 10, value: 'TWO' }] }),
    mutation(200, { removes: [11], attrs: [{ node: 6, name: 'class', value: '', removed: true }] }),
  ];
  const out = await inPage(events, (r, T0) => {
    const html = () => r.document.body.innerHTML;
    const at = [];
    r.seek(T0 + 50); at.push(html());
    r.seek(T0 + 150); at.push(html());
    r.seek(T0 + 250); at.push(html());
    r.seek(T0 + 50); at.push(html());     // backwards: rebuilt from the snapshot
    r.seek(T0 + 150); at.push(html());
    return { at, errors: r.errors, doctype: r.document.doctype && r.document.doctype.name,
      mode: r.document.compatMode, start: r.startTime, end: r.endTime };
  });
  assert.deepEqual(out.errors, []);
  assert.equal(out.at[0], '<ul id="list"><li>one</li><li>two</li></ul>');
  assert.equal(out.at[1], '<ul id="list" class="moved"><li>TWO</li><li>one</li><li class="new"></li></ul>');
  assert.equal(out.at[2], '<ul id="list"><li>TWO</li><li>one</li></ul>');
  assert.equal(out.at[3], out.at[0]);
  assert.equal(out.at[4], out.at[1]);
  assert.equal(out.doctype, 'html');
  assert.equal(out.mode, 'CSS1Compat');
  assert.equal(out.start, T0);
  assert.equal(out.end, T0 + 200);
});

test('references to unknown nodes are reported as errors, and the rest still applies', async () => {
  const events = [meta(0), snapshot(1, [el(6, 5, 0, 'p')]),
    mutation(10, { adds: [el(20, 99, 0, 'div'), el(21, 5, 6, 'span')], attrs: [{ node: 77, name: 'x', value: '1', removed: false }],
      texts: [{ node: 78, value: 'x' }] }),
    ev(20, 'Input', { target: 79, value: 'v', checked: false }),
  ];
  const out = await inPage(events, (r, T0) => {
    r.seek(T0 + 30);
    return { errors: r.errors.map((e) => e.message), html: r.document.body.innerHTML };
  });
  assert.equal(out.html, '<p></p><span></span>');
  assert.equal(out.errors.length, 4, out.errors.join('\n'));
  assert.match(out.errors[0], /node 20 has unknown parent 99/);
  assert.match(out.errors[1], /attribute change for unknown node 77/);
  assert.match(out.errors[2], /text change for unknown node 78/);
  assert.match(out.errors[3], /input on unknown node 79/);
});

test('nothing of the page runs: handlers, script URLs, scripts, refresh, base target, nested sources are kept out', async () => {
  const events = [meta(0), snapshot(1, [
    el(6, 5, 0, 'img', [['src', 'data:,'], ['onerror', 'parent.pwned = 1'], ['alt', 'a']]),
    el(7, 5, 6, 'a', [['href', ' JaVa\tScript:parent.pwned=2'], ['id', 'x']]),
    el(8, 5, 7, 'script', [['src', '/js/evil.js']]),
    text(9, 8, 0, 'parent.pwned = 3'),
    el(10, 5, 8, 'iframe', [['src', '/host.html'], ['srcdoc', '<script>parent.parent.pwned=4</script>']]),
    el(11, 5, 10, 'form', [['action', 'javascript:parent.pwned=5']]),
    el(12, 5, 11, 'video', [['autoplay', ''], ['src', 'data:,']]),
    el(15, 5, 12, 'noscript'), text(16, 15, 0, '<img src="/tracking.gif">'),
  ], { head: [el(13, 4, 0, 'meta', [['http-equiv', 'refresh'], ['content', '0;url=/host.html']]),
    el(14, 4, 13, 'base', [['target', '_top'], ['href', '/']])] })];
  const out = await inPage(events, async (r, T0) => {
    r.seek(T0 + 5);
    await new Promise((res) => setTimeout(res, 400));
    const d = r.document;
    const attrs = (sel) => Object.fromEntries(r.attributesOf(d.querySelector(sel)));
    return {
      pwned: window.pwned ?? null,
      img: d.querySelector('img').outerHTML,
      a: d.querySelector('a').outerHTML,
      script: d.querySelector('script').outerHTML,
      iframe: d.querySelector('iframe').outerHTML,
      frameUrl: d.querySelector('iframe').contentWindow.location.href,
      meta: d.querySelector('meta').outerHTML,
      base: d.querySelector('base').outerHTML,
      video: d.querySelector('video').outerHTML,
      recordedImg: attrs('img'), recordedIframe: attrs('iframe'),
      sandbox: r.frame.getAttribute('sandbox'),
      noscript: r.window.getComputedStyle(d.querySelector('noscript')).display,
      recordedNoscript: Object.fromEntries(r.attributesOf(d.querySelector('noscript'))),
      stillHere: r.document.body !== null && location.pathname === '/host.html',
      errors: r.errors,
    };
  });
  assert.equal(out.pwned, null, 'no handler, URL, script or nested document ran');
  assert.equal(out.img, '<img src="data:," alt="a">');
  assert.equal(out.a, '<a id="x"></a>');
  assert.equal(out.script, '<script></script>');
  assert.equal(out.iframe, '<iframe sandbox="allow-same-origin"></iframe>');
  assert.equal(out.frameUrl, 'about:blank');
  assert.equal(out.meta, '<meta content="0;url=/host.html">');
  assert.equal(out.base, '<base href="https://site.test/">');
  assert.equal(out.video, '<video src="data:,"></video>');
  assert.equal(out.sandbox, 'allow-same-origin');
  assert.equal(out.noscript, 'none', '<noscript> text stays hidden as it was live');
  assert.deepEqual(out.recordedNoscript, {});
  assert.deepEqual(out.recordedImg, { src: 'data:,', onerror: 'parent.pwned = 1', alt: 'a' });
  assert.deepEqual(out.recordedIframe, { src: '/host.html', srcdoc: '<script>parent.parent.pwned=4</script>' });
  assert.ok(out.stillHere);
  assert.deepEqual(out.errors, []);
});

test('relative URLs load from the recorded page, not the viewer; the recorded values stay readable', async () => {
  const events = [meta(0), snapshot(1, [
    el(6, 5, 0, 'img', [['src', 'img/a.png'], ['srcset', '/a.png 1x,  b.png 2x']]),
    el(7, 5, 6, 'a', [['href', '#top']]),
    el(8, 5, 7, 'a', [['href', 'mailto:']]),
  ], { head: [el(13, 4, 0, 'link', [['rel', 'stylesheet'], ['href', '/css/site.css']])] }),
  ev(5, 'Navigation', { kind: 1, url: 'https://site.test/deep/route' }),
  mutation(10, { adds: [el(9, 5, 8, 'img', [['src', 'c.png']])] }),
  mutation(30, { attrs: [{ node: 8, name: 'href', value: 'javascript:parent.pwned=1', removed: false },
    { node: 8, name: 'onclick', value: 'parent.pwned=2', removed: false }] }),
  ];
  const out = await inPage(events, (r, T0) => {
    r.seek(T0 + 20);
    const d = r.document;
    const imgs = d.querySelectorAll('img');
    return { link: d.querySelector('link').getAttribute('href'), src: imgs[0].getAttribute('src'),
      srcset: imgs[0].getAttribute('srcset'), later: imgs[1].getAttribute('src'),
      hrefs: [...d.querySelectorAll('a')].map((a) => a.getAttribute('href')),
      recorded: Object.fromEntries(r.attributesOf(imgs[0])), errors: r.errors,
      after: (r.seek(T0 + 40), d.querySelectorAll('a')[1].outerHTML),
      afterRecorded: Object.fromEntries(r.attributesOf(d.querySelectorAll('a')[1])) };
  });
  assert.equal(out.after, '<a></a>', 'a safe URL changed to a script URL leaves the DOM');
  assert.deepEqual(out.afterRecorded, { href: 'javascript:parent.pwned=1', onclick: 'parent.pwned=2' });
  assert.deepEqual(out.errors, []);
  assert.equal(out.link, 'https://site.test/css/site.css');
  assert.equal(out.src, 'https://site.test/img/a.png');
  assert.equal(out.srcset, 'https://site.test/a.png 1x, https://site.test/b.png 2x');
  assert.equal(out.later, 'https://site.test/deep/c.png', 'resolved against the URL of the moment');
  assert.deepEqual(out.hrefs, ['#top', 'mailto:']);
  assert.deepEqual(out.recorded, { src: 'img/a.png', srcset: '/a.png 1x,  b.png 2x' });
});

test('form state is set as properties; window, element and viewport follow Scroll and Resize', async () => {
  const tall = [['style', 'height: 3000px; width: 3000px']];
  const events = [meta(0, 'pv1', 500, 400), snapshot(1, [
    el(6, 5, 0, 'input', [['id', 'name'], ['value', 'default']]),
    el(7, 5, 6, 'input', [['type', 'checkbox'], ['value', 'yes']]),
    el(8, 5, 7, 'select'), el(9, 8, 0, 'option', [['value', 'a']]), el(10, 8, 9, 'option', [['value', 'b']]),
    el(11, 5, 8, 'textarea'), text(12, 11, 0, 'markup'),
    el(13, 5, 11, 'div', [['id', 'box'], ['style', 'height: 100px; overflow: auto']]), el(14, 13, 0, 'div', tall),
    el(15, 5, 13, 'div', tall),
  ]),
  ev(10, 'Input', { target: 6, value: 'typed', checked: false }),
  ev(11, 'Input', { target: 7, value: 'yes', checked: true }),
  ev(12, 'Input', { target: 8, value: 'b', checked: false }),
  ev(13, 'Input', { target: 11, value: 'notes', checked: false }),
  ev(20, 'Scroll', { target: 1, x: 10, y: 700 }),
  ev(21, 'Scroll', { target: 13, x: 0, y: 80 }),
  ev(30, 'Resize', { width: 640, height: 480 }),
  ev(40, 'Input', { target: 7, value: 'yes', checked: false }),
  ];
  const out = await inPage(events, (r, T0) => {
    const d = r.document;
    const read = () => ({
      value: d.querySelector('#name').value, valueAttr: d.querySelector('#name').getAttribute('value'),
      checked: d.querySelector('[type=checkbox]').checked, checkboxValue: d.querySelector('[type=checkbox]').getAttribute('value'),
      select: d.querySelector('select').value, textarea: d.querySelector('textarea').value,
      textareaText: d.querySelector('textarea').textContent,
      win: [r.window.scrollX, r.window.scrollY], box: d.querySelector('#box').scrollTop,
      size: [r.frame.clientWidth, r.frame.clientHeight],
    });
    r.seek(T0 + 35);
    const a = read();
    r.seek(T0 + 5);
    const b = read();
    r.seek(T0 + 45);
    return { a, b, c: read(), errors: r.errors };
  });
  assert.deepEqual(out.errors, []);
  assert.deepEqual(out.a, { value: 'typed', valueAttr: 'default', checked: true, checkboxValue: 'yes', select: 'b',
    textarea: 'notes', textareaText: 'markup', win: [10, 700], box: 80, size: [640, 480] });
  assert.deepEqual(out.b, { value: 'default', valueAttr: 'default', checked: false, checkboxValue: 'yes', select: 'a',
    textarea: 'markup', textareaText: 'markup', win: [0, 0], box: 0, size: [500, 400] });
  assert.equal(out.c.checked, false);
});

test('seeking starts from the nearest checkpoint; the checkpoint restates its state, nothing earlier is re-applied', async () => {
  const events = [meta(0), snapshot(1, [el(6, 5, 0, 'input'), el(7, 5, 6, 'p'), text(8, 7, 0, 'first')]),
    ev(10, 'Input', { target: 6, value: 'kept', checked: false }),
    mutation(20, { texts: [{ node: 8, value: 'second' }] }),
    // The checkpoint says "checkpoint text" where the mutations said
    // "second": seeking past it must build from the checkpoint.
    snapshot(30, [el(6, 5, 0, 'input'), el(7, 5, 6, 'p'), text(8, 7, 0, 'checkpoint text')], { checkpoint: true }),
    // As the core writes a checkpoint: the state right after the snapshot.
    ev(30, 'Input', { target: 6, value: 'kept', checked: false }),
    mutation(40, { adds: [el(9, 5, 7, 'b')] }),
  ];
  const out = await inPage(events, (r, T0) => {
    const d = r.document;
    const read = () => ({ p: d.querySelector('p').textContent, input: d.querySelector('input').value, b: !!d.querySelector('b') });
    r.seek(T0 + 25);
    const before = read();
    r.seek(T0 + 45);
    const afterCheckpoint = read();
    const base = r.base;
    r.seek(T0 + 5);
    r.seek(T0 + 45);
    return { before, afterCheckpoint, again: read(), base, errors: r.errors };
  });
  assert.deepEqual(out.errors, []);
  assert.deepEqual(out.before, { p: 'second', input: 'kept', b: false });
  assert.deepEqual(out.afterCheckpoint, { p: 'checkpoint text', input: 'kept', b: true });
  assert.deepEqual(out.again, out.afterCheckpoint);
  assert.equal(out.base, 4, 'built from the checkpoint (event index 4)');
});

test('open shadow roots and same-origin frame documents are rebuilt, with their own mutations', async () => {
  const events = [meta(0), snapshot(1, [
    el(6, 5, 0, 'x-card'), N(7, 6, 0, 11), el(8, 7, 0, 'span'), text(9, 8, 0, 'in shadow'), text(10, 6, 0, 'light'),
    el(11, 5, 6, 'iframe', [['src', '/inner.html']]), N(12, 11, 0, 9), N(13, 12, 0, 10, 'html'), el(14, 12, 13, 'html'),
    el(15, 14, 0, 'head'), el(16, 14, 15, 'body'), el(17, 16, 0, 'p'), text(18, 17, 0, 'in frame'),
    el(19, 5, 11, 'div', [['id', 'late']]),
  ]),
  mutation(10, { adds: [N(20, 19, 0, 11), el(21, 20, 0, 'em')], texts: [{ node: 18, value: 'frame changed' }, { node: 9, value: 'shadow changed' }] }),
  ev(15, 'Scroll', { target: 12, x: 0, y: 0 }),
  mutation(20, { removes: [11] }),
  mutation(30, { adds: [el(30, 5, 19, 'svg', [['viewBox', '0 0 10 10']], 1), el(31, 30, 0, 'circle', [['r', '4']], 1),
    el(32, 30, 31, 'use', [['xlink:href', '#c']], 1)] }),
  ];
  const out = await inPage(events, (r, T0) => {
    const d = r.document;
    r.seek(T0 + 5);
    const host = d.querySelector('x-card');
    const frame = d.querySelector('iframe');
    const a = { shadow: host.shadowRoot && host.shadowRoot.innerHTML, light: host.innerHTML,
      frame: frame.contentDocument.body.innerHTML, frameDoctype: frame.contentDocument.doctype?.name,
      frameSandbox: frame.getAttribute('sandbox'), frameId: r.nodeId(frame.contentDocument) };
    r.seek(T0 + 12);
    const b = { shadow: host.shadowRoot.innerHTML, frame: d.querySelector('iframe').contentDocument.body.innerHTML,
      late: d.querySelector('#late').shadowRoot?.innerHTML };
    r.seek(T0 + 35);
    const svg = d.querySelector('svg');
    const c = { iframe: !!d.querySelector('iframe'), gone: r.node(12), svgNs: svg.namespaceURI,
      circleNs: svg.firstChild.namespaceURI, href: svg.lastChild.getAttributeNS('http://www.w3.org/1999/xlink', 'href') };
    return { a, b, c, errors: r.errors };
  });
  assert.deepEqual(out.errors, []);
  assert.deepEqual(out.a, { shadow: '<span>in shadow</span>', light: 'light', frame: '<p>in frame</p>',
    frameDoctype: 'html', frameSandbox: 'allow-same-origin', frameId: 12 });
  assert.deepEqual(out.b, { shadow: '<span>shadow changed</span>', frame: '<p>frame changed</p>', late: '<em></em>' });
  assert.deepEqual(out.c, { iframe: false, gone: null, svgNs: 'http://www.w3.org/2000/svg',
    circleNs: 'http://www.w3.org/2000/svg', href: '#c' });
});

test('stylesheets: <style> CSSOM, constructed sheets adopted by the document, a shadow root and a frame', async () => {
  const events = [meta(0), snapshot(1, [
    el(6, 5, 0, 'x-a'), N(7, 6, 0, 11), el(8, 7, 0, 'b'),
    el(9, 5, 6, 'iframe'), N(10, 9, 0, 9), el(11, 10, 0, 'html'), el(12, 11, 0, 'body'),
  ], { head: [el(20, 4, 0, 'style'), text(21, 20, 0, 'p { color: red; }')] }),
  ev(2, 'StyleSheet', { sheet: 20, owner: 20, disabled: false, rules: ['p { color: red; }', 'a { color: blue; }'] }),
  ev(3, 'StyleSheet', { sheet: 100, owner: 0, disabled: false, rules: ['body { margin: 3px; }'] }),
  ev(4, 'StyleSheet', { sheet: 101, owner: 0, disabled: false, rules: ['b { font-weight: 400; }'] }),
  ev(5, 'AdoptedSheets', { target: 1, sheets: [100] }),
  ev(6, 'AdoptedSheets', { target: 7, sheets: [101, 100] }),
  ev(7, 'AdoptedSheets', { target: 10, sheets: [100] }),
  ev(10, 'StyleRule', { sheet: 20, op: 0, path: [0], rule: '@media print { p { color: green; } }' }),
  ev(11, 'StyleRule', { sheet: 20, op: 0, path: [0, 1], rule: 'a { color: black; }' }),
  ev(12, 'StyleRule', { sheet: 20, op: 1, path: [2], rule: '' }),
  ev(13, 'StyleRule', { sheet: 100, op: 0, path: [1], rule: 'i { color: red; }' }),
  ev(20, 'StyleSheet', { sheet: 101, owner: 0, disabled: false, rules: ['b { font-weight: 700; }'] }),
  ];
  const out = await inPage(events, (r, T0) => {
    r.seek(T0 + 30);
    const d = r.document;
    const rules = (s) => Array.from(s.cssRules, (x) => x.cssText);
    const shadow = d.querySelector('x-a').shadowRoot;
    const frameDoc = d.querySelector('iframe').contentDocument;
    return {
      style: rules(d.querySelector('style').sheet),
      doc: d.adoptedStyleSheets.map(rules),
      shadow: shadow.adoptedStyleSheets.map(rules),
      frame: frameDoc.adoptedStyleSheets.map(rules),
      frameRealm: frameDoc.adoptedStyleSheets[0] instanceof frameDoc.defaultView.CSSStyleSheet,
      docRealm: d.adoptedStyleSheets[0] instanceof r.window.CSSStyleSheet,
      bWeight: r.window.getComputedStyle(shadow.querySelector('b')).fontWeight,
      bodyMargin: r.window.getComputedStyle(d.body).marginTop,
      errors: r.errors,
    };
  });
  assert.deepEqual(out.errors, []);
  assert.deepEqual(out.style, ['@media print {\n  p { color: green; }\n  a { color: black; }\n}', 'p { color: red; }']);
  assert.deepEqual(out.doc, [['body { margin: 3px; }', 'i { color: red; }']]);
  assert.deepEqual(out.shadow, [['b { font-weight: 700; }'], ['body { margin: 3px; }', 'i { color: red; }']]);
  assert.deepEqual(out.frame, [['body { margin: 3px; }', 'i { color: red; }']]);
  assert.ok(out.frameRealm && out.docRealm, 'constructed sheets belong to the realm of the document adopting them');
  assert.equal(out.bWeight, '700');
  assert.equal(out.bodyMargin, '3px');
});

test('a <link> sheet still loading takes the recorded rules once it has loaded', async () => {
  const css = `${server.origin}/site.css`;
  const events = [meta(0), snapshot(1, [el(6, 5, 0, 'p')], { head: [el(13, 4, 0, 'link', [['rel', 'stylesheet'], ['href', css]])] }),
    ev(2, 'StyleSheet', { sheet: 13, owner: 13, disabled: false, rules: ['p { color: rgb(1, 2, 3); }'] })];
  const out = await inPage(events, async (r, T0) => {
    r.seek(T0 + 5);
    const early = r.document.querySelector('link').sheet !== null;
    const until = Date.now() + 3000;
    while (Date.now() < until && !r.document.querySelector('link').sheet) await new Promise((res) => setTimeout(res, 20));
    await new Promise((res) => setTimeout(res, 50));
    return { early, rules: Array.from(r.document.querySelector('link').sheet.cssRules, (x) => x.cssText),
      color: r.window.getComputedStyle(r.document.querySelector('p')).color, errors: r.errors };
  }, null, { '/site.css': 'p { color: rgb(200, 0, 0); } a { color: blue; }' });
  assert.deepEqual(out.errors, []);
  assert.equal(out.early, false, 'the sheet was not there yet when the rules arrived');
  assert.deepEqual(out.rules, ['p { color: rgb(1, 2, 3); }']);
  assert.equal(out.color, 'rgb(1, 2, 3)');
});

test('media follow play/pause/seek muted; image sources show what was chosen live', async () => {
  const events = [meta(0), snapshot(1, [
    el(6, 5, 0, 'video', [['src', 'data:,'], ['loop', '']]),
    el(7, 5, 6, 'img', [['src', '/small.png'], ['srcset', '/small.png 1x, /big.png 2x']]),
  ]),
  ev(10, 'Media', { target: 6, action: 1, timeMs: 2000, rateX100: 100, volumeX100: 100, muted: false, paused: false, loop: false }),
  ev(20, 'ImageSource', { target: 7, url: 'https://site.test/big.png' }),
  ev(1010, 'Media', { target: 6, action: 2, timeMs: 3000, rateX100: 100, volumeX100: 100, muted: false, paused: true, loop: false }),
  ];
  const out = await inPage(events, (r, T0) => {
    const d = r.document;
    r.seek(T0 + 510);
    const v = d.querySelector('video');
    const playing = { time: v.currentTime, paused: v.paused, muted: v.muted, state: r.mediaState(v) };
    r.seek(T0 + 2000);
    const paused = { time: v.currentTime, paused: v.paused };
    const img = d.querySelector('img');
    return { playing, paused, imgSrc: img.getAttribute('src'), imgSrcset: img.getAttribute('srcset'),
      recorded: Object.fromEntries(r.attributesOf(img)), chosen: r.imageSource(img), errors: r.errors };
  });
  assert.deepEqual(out.errors, []);
  assert.equal(out.playing.time, 2.5, 'played on from 2 s for half a second');
  assert.equal(out.playing.muted, true);
  assert.equal(out.playing.state.paused, false);
  assert.deepEqual(out.paused, { time: 3, paused: true });
  assert.equal(out.imgSrc, 'https://site.test/big.png');
  assert.equal(out.imgSrcset, null);
  assert.deepEqual(out.recorded, { src: '/small.png', srcset: '/small.png 1x, /big.png 2x' });
  assert.equal(out.chosen, 'https://site.test/big.png');
});

test('page views follow one another; the pointer and clicks are drawn outside the replayed document', async () => {
  const events = [meta(0, 'pv1', 600, 400), snapshot(1, [el(6, 5, 0, 'h1'), text(7, 6, 0, 'page one')]),
    ev(10, 'MouseMove', { points: [{ dt: 0, x: 10, y: 20 }, { dt: 50, x: 30, y: 40 }] }),
    ev(100, 'Click', { target: 6, x: 35, y: 45, ex: 1, ey: 1, button: 0 }),
    meta(1000, 'pv2', 700, 500), snapshot(1001, [el(6, 5, 0, 'h2'), text(7, 6, 0, 'page two')], { pageView: 'pv2' }),
    ev(1002, 'Navigation', { kind: 1, url: 'https://site.test/pv2/route' }, 'pv2'),
  ];
  const out = await inPage(events, (r, T0) => {
    const pointer = () => {
      const p = r.layer.querySelector('[data-replay-pointer]');
      return p.style.display === 'none' ? null : [parseFloat(p.style.left), parseFloat(p.style.top)];
    };
    r.seek(T0 + 30);
    const a = { body: r.document.body.innerHTML, pointer: pointer(), url: r.url };
    r.seek(T0 + 120);
    const b = { pointer: pointer(), rings: r.layer.querySelectorAll('[data-replay-click]').length };
    r.seek(T0 + 1500);
    const c = { body: r.document.body.innerHTML, pointer: pointer(), url: r.url, size: [r.frame.clientWidth, r.frame.clientHeight],
      inDoc: !!r.document.querySelector('[data-replay-pointer]') };
    r.seek(T0 + 30);
    return { a, b, c, d: r.document.body.innerHTML, errors: r.errors };
  });
  assert.deepEqual(out.errors, []);
  assert.deepEqual(out.a, { body: '<h1>page one</h1>', pointer: [10, 20], url: 'https://site.test/pv1' });
  assert.deepEqual(out.b, { pointer: [35, 45], rings: 1 });
  assert.deepEqual(out.c, { body: '<h2>page two</h2>', pointer: null, url: 'https://site.test/pv2/route', size: [700, 500], inDoc: false });
  assert.equal(out.d, '<h1>page one</h1>');
});

test('play() advances through the events in real time, times the speed', async () => {
  const events = [meta(0), snapshot(1, [el(6, 5, 0, 'p'), text(7, 6, 0, '0')]),
    ...[1, 2, 3, 4].map((k) => mutation(k * 200, { texts: [{ node: 7, value: String(k) }] }))];
  const out = await inPage(events, async (r, T0) => {
    r.seek(T0 + 1);
    r.speed = 4;
    r.play();
    await new Promise((res) => setTimeout(res, 120));
    const mid = r.document.querySelector('p').textContent;
    await new Promise((res) => setTimeout(res, 300));
    return { mid, end: r.document.querySelector('p').textContent, playing: r.playing };
  });
  assert.ok(['1', '2', '3'].includes(out.mid), `mid-way at 4x: ${out.mid}`);
  assert.equal(out.end, '4');
  assert.equal(out.playing, false, 'stops at the end');
});

// Open shadow roots, same-origin iframes and custom elements, at the records
// level in headless Chromium: the snapshot and every later change are
// decoded and replayed by the strict replayer (any reference to a node it
// does not hold fails) and compared with the live page, shadow roots and
// iframe documents included. Events inside them name the real targets, the
// privacy rules hold across the boundaries, and roots the page removed are
// no longer observed. No Wasm core: a fake engine keeps the buffers.
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
<html><head><title>Shadow and frames test</title>
<script type="module" src="/boot.mjs"></script>
</head><body><div id="root"></div></body></html>`;
const BOOT = `import * as h from '/tests/js/helpers/harness.js'; window.h = h; window.ready = true;`;
const CHILD = '<!doctype html><html><head><title>child</title></head><body><p id="in-child">child page</p></body></html>';

let server;
let other; // another origin, for a cross-origin iframe
let browser;

before(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`cannot run the shadow/frame browser tests: no Chromium at ${CHROMIUM}`);
  server = await startServer({
    mounts: { '/js/': path.join(ROOT, 'js'), '/tests/js/': path.join(ROOT, 'tests/js') },
    pages: { '/page.html': PAGE, '/boot.mjs': BOOT, '/child.html': CHILD, '/favicon.ico': '' },
  });
  other = await startServer({ pages: { '/child.html': CHILD } });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await other?.close();
  await server?.close();
});

// Runs in the page: the live DOM with each open shadow root and readable
// iframe document in braces after its element: "host[a=b]{#11(...)}(light)".
function deepTree(node) {
  const show = (n) => {
    if (n.nodeType === 8) {
      const k = n.length;
      return `#comment:*${k === 0 ? 0 : k <= 16 ? 1 : k <= 64 ? 2 : k <= 256 ? 3 : 4}`;
    }
    if (n.nodeType === 3) return `#text:${n.data}`;
    const name = n.nodeType === 1 ? n.localName : n.nodeType === 10 ? n.name : `#${n.nodeType}`;
    // srcdoc is text the attribute rules mask; its document is compared instead.
    const attrs = n.nodeType === 1 ? [...n.attributes].map((a) => `${a.name}=${a.name === 'srcdoc' ? '*' : a.value}`).join(',') : '';
    let inner = null;
    if (n.nodeType === 1 && n.shadowRoot) inner = n.shadowRoot;
    if (n.nodeType === 1 && n.localName === 'iframe') {
      try {
        inner = n.contentDocument;
      } catch (e) {
        inner = null;
      }
    }
    const hidden = n.nodeType === 1 && (n.localName === 'script' || n.localName === 'template');
    const kids = hidden ? '' : [...n.childNodes].filter((c) => [1, 3, 8, 10].includes(c.nodeType)).map(show).join(',');
    return `${name}${attrs ? `[${attrs}]` : ''}${inner ? `{${show(inner)}}` : ''}${kids ? `(${kids})` : ''}`;
  };
  return show(node || document);
}

// The replayer's tree in the same form: a Fragment or Document child of an
// element is its inner tree.
function replayedTree(node) {
  if (node.type === 3 || node.type === 8) return `${node.type === 3 ? '#text' : '#comment'}:${Replayer.show(node.value)}`;
  const attrs = [...node.attrs].map(([k, v]) => `${k}=${k === 'srcdoc' ? '*' : Replayer.show(v)}`).join(',');
  const innerNode = node.type === 1 ? node.children.find((c) => c.type === 11 || c.type === 9) : undefined;
  const kids = node.children.filter((c) => c !== innerNode).map(replayedTree).join(',');
  const inner = innerNode ? `{${replayedTree(innerNode)}}` : '';
  return `${node.name || `#${node.type}`}${attrs ? `[${attrs}]` : ''}${inner}${kids ? `(${kids})` : ''}`;
}

// Equal trees, or a failure that shows where they first differ.
function sameTree(replayed, live) {
  if (replayed === live) return;
  let k = 0;
  while (replayed[k] === live[k]) k++;
  const from = Math.max(0, k - 200);
  assert.fail(`trees differ at ${k}:\n replayed ...${replayed.slice(from, k + 200)}\n live     ...${live.slice(from, k + 200)}`);
}

// Opens the test page, runs `setup` (builds the DOM, defines elements, sets
// traps), waits for iframes to load, starts a recording.
async function open(setup, { mode = 'relaxed', privacy = {} } = {}) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text()); });
  await page.goto(`${server.origin}/page.html`);
  await page.waitForFunction(() => window.ready === true);
  await page.evaluate(async ({ setup, mode, privacy, treeSrc, crossOrigin }) => {
    window.reads = [];
    window.crossOrigin = crossOrigin;
    window.deepTree = (0, eval)(`(${treeSrc})`);
    if (setup) await (0, eval)(`(${setup})`)();
    await Promise.all([...document.querySelectorAll('iframe')].map((f) => new Promise((resolve) => {
      if (f.contentDocument && f.contentDocument.readyState === 'complete' && f.contentDocument.URL !== 'about:blank') resolve();
      else { f.addEventListener('load', resolve, { once: true }); setTimeout(resolve, 1000); }
    })));
    window.reads.length = 0; // the waiting above looked into the iframes
    window.rec = window.h.record(mode, { privacy: { mode, ...privacy } });
    await window.rec.start();
  }, { setup: setup ? setup.toString() : null, mode, privacy, treeSrc: deepTree.toString(), crossOrigin: other.origin });
  const replayer = new Replayer();
  async function step(fn, arg) {
    const out = await page.evaluate(async ({ src, arg }) => {
      if (src) await (0, eval)(`(${src})`)(arg);
      const buffers = await window.rec.flush();
      // Reads by the recorder so far; deepTree() below reads everything.
      const reads = window.reads.slice();
      const live = window.deepTree(document);
      window.reads.length = 0;
      return { buffers, reads, live, logged: window.rec.logged };
    }, { src: fn ? fn.toString() : null, arg });
    const decoded = out.buffers.map((b) => readRecords(Uint8Array.from(b)));
    for (const d of decoded) replayer.apply(d.records);
    return { records: decoded.flatMap((d) => d.records), live: out.live, reads: out.reads, logged: out.logged };
  }
  const idOf = (attr, value) => {
    const n = [...replayer.nodes.values()].find((x) => x.attrs.get(attr) === value);
    return n ? n.id : 0;
  };
  return { page, step, replayer, errors, idOf, tree: () => replayedTree(replayer.root) };
}

function nodeRecords(records) {
  return records.filter((r) => r.type === 'NODE');
}

const STATIC = async () => {
  const root = document.getElementById('root');
  root.innerHTML = '<div id="host"><span id="light">light</span></div>' +
    '<div id="closed-host"><b>closed light</b></div>' +
    '<x-card id="card"><i>slotted</i></x-card>' +
    '<iframe id="frame" srcdoc="<p id=&quot;fp&quot;>in frame</p><div id=&quot;fhost&quot;></div>"></iframe>' +
    '<iframe id="sandboxed" sandbox srcdoc="<p>opaque</p>"></iframe>' +
    `<iframe id="cross" src="${window.crossOrigin}/child.html"></iframe>`;
  const host = document.getElementById('host');
  const sr = host.attachShadow({ mode: 'open' });
  sr.innerHTML = '<p id="in-shadow">shadow text</p><div id="nested-host"></div><slot></slot>';
  sr.getElementById('nested-host').attachShadow({ mode: 'open' }).innerHTML = '<em id="deep">deep</em>';
  document.getElementById('closed-host').attachShadow({ mode: 'closed' }).innerHTML = '<p>closed content</p>';
  customElements.define('x-card', class extends HTMLElement {
    constructor() {
      super();
      this.attachShadow({ mode: 'open' }).innerHTML = '<h3 id="card-title">card</h3><slot></slot>';
    }
  });
  const cross = document.getElementById('cross');
  const crossLoaded = new Promise((resolve) => cross.addEventListener('load', resolve, { once: true }));
  const frame = document.getElementById('frame');
  await crossLoaded;
  await new Promise((resolve) => {
    if (frame.contentDocument && frame.contentDocument.getElementById('fp')) resolve();
    else frame.addEventListener('load', resolve, { once: true });
  });
  frame.contentDocument.getElementById('fhost').attachShadow({ mode: 'open' }).innerHTML = '<u id="fdeep">frame shadow</u>';
};

test('snapshot: open shadow roots (nested, custom elements) and same-origin iframe documents', async () => {
  const { page, step, errors, replayer, idOf, tree } = await open(STATIC);
  const { records, live } = await step();
  assert.equal(tree(), live, 'replayed tree equals the live one, inner trees included');
  const nodes = nodeRecords(records);
  const host = nodes.find((n) => n.attrs.some(([k, v]) => k === 'id' && v === 'host'));
  const at = nodes.indexOf(host);
  // The shadow root right after its host, before the host's light children.
  assert.deepEqual([nodes[at + 1].nodeType, nodes[at + 1].parent, nodes[at + 1].prev], [11, host.id, 0]);
  const light = nodes.find((n) => n.attrs.some(([k, v]) => k === 'id' && v === 'light'));
  assert.ok(nodes.indexOf(light) > at + 1 && light.parent === host.id);
  // The iframe's document is a Document under the iframe element.
  const frameId = idOf('id', 'frame');
  const docs = nodes.filter((n) => n.nodeType === 9);
  assert.equal(docs.length, 2, 'the page and the same-origin iframe; the sandboxed one has none');
  assert.equal(docs[1].parent, frameId);
  assert.ok(!nodes.some((n) => n.parent === idOf('id', 'sandboxed')), 'opaque iframe: no document');
  assert.ok(!nodes.some((n) => n.parent === idOf('id', 'cross')), 'cross-origin iframe: no document');
  // Closed roots are not read.
  assert.ok(!JSON.stringify(records).includes('closed content'));
  assert.ok(replayer.nodes.size > 0 && idOf('id', 'fdeep') > 0 && idOf('id', 'deep') > 0 && idOf('id', 'card-title') > 0);
  await page.close();
  assert.deepEqual(errors, []);
});

// Every tag the browser lets host a shadow root, found by trying: the walk
// only asks the ones the DOM standard names (serialize.js, SHADOW_HOSTS)
// and custom elements, so a host it does not know would go missing here.
const EVERY_TAG = async () => {
  const tags = ['a', 'abbr', 'address', 'area', 'article', 'aside', 'audio', 'b', 'bdi', 'bdo', 'blockquote', 'body',
    'button', 'canvas', 'caption', 'cite', 'code', 'col', 'colgroup', 'data', 'datalist', 'dd', 'del', 'details',
    'dfn', 'dialog', 'div', 'dl', 'dt', 'em', 'embed', 'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1',
    'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hgroup', 'hr', 'i', 'img', 'input', 'ins', 'kbd', 'label', 'legend',
    'li', 'main', 'map', 'mark', 'menu', 'meter', 'nav', 'object', 'ol', 'optgroup', 'option', 'output', 'p',
    'picture', 'pre', 'progress', 'q', 'rp', 'rt', 'ruby', 's', 'samp', 'search', 'section', 'select', 'slot',
    'small', 'span', 'strong', 'sub', 'summary', 'sup', 'table', 'tbody', 'td', 'textarea', 'tfoot', 'th', 'thead',
    'time', 'tr', 'u', 'ul', 'var', 'video', 'wbr', 'x-any', 'my-widget-2'];
  const root = document.getElementById('root');
  window.hosted = [];
  for (const tag of tags) {
    const el = document.createElement(tag);
    try {
      el.attachShadow({ mode: 'open' }).innerHTML = `<i>in ${tag}</i>`;
    } catch (e) {
      continue;
    }
    window.hosted.push(tag);
    root.append(el);
  }
};

test('snapshot: a shadow root on every kind of element the browser lets host one', async () => {
  const { page, step, errors, tree } = await open(EVERY_TAG);
  const { records, live } = await step();
  const hosted = await page.evaluate(() => window.hosted);
  assert.ok(hosted.length >= 20 && hosted.includes('div') && hosted.includes('x-any'), hosted.join(' '));
  assert.equal(nodeRecords(records).filter((n) => n.nodeType === 11).length, hosted.length,
    `a shadow root for each of ${hosted.join(' ')}`);
  assert.equal(tree(), live);
  await page.close();
  assert.deepEqual(errors, []);
});

test('later: attachShadow, custom element upgrade, changes inside shadow roots and iframes, moves across boundaries', async () => {
  const { page, step, errors, tree, idOf } = await open(STATIC);
  await step();
  // A shadow root attached after the snapshot: a Mutation add, Fragment under the host.
  let r = await step(() => {
    const el = document.createElement('div');
    el.id = 'late';
    document.getElementById('root').append(el);
    const late = document.getElementById('host').shadowRoot.getElementById('in-shadow');
    late.attachShadow({ mode: 'open' }).innerHTML = '<b id="late-inner">late inner</b>';
  });
  const frag = r.records.find((x) => x.type === 'NODE' && x.nodeType === 11);
  assert.ok(frag, 'the new shadow root is added');
  assert.equal(frag.parent, idOf('id', 'in-shadow'));
  sameTree(tree(), r.live);
  // An element defined later: upgraded, its shadow root arrives.
  r = await step(() => {
    document.getElementById('root').insertAdjacentHTML('beforeend', '<x-late id="xl"><span>light of x-late</span></x-late>');
  });
  sameTree(tree(), r.live);
  r = await step(() => {
    customElements.define('x-late', class extends HTMLElement {
      constructor() { super(); this.attachShadow({ mode: 'open' }).innerHTML = '<p id="xl-inner">upgraded</p>'; }
      connectedCallback() { this.setAttribute('data-ready', '1'); }
    });
  });
  assert.ok(r.records.some((x) => x.type === 'NODE' && x.nodeType === 11 && x.parent === idOf('id', 'xl')));
  sameTree(tree(), r.live);
  // Text, attribute and child changes inside shadow roots and an iframe.
  r = await step(() => {
    const sr = document.getElementById('host').shadowRoot;
    sr.getElementById('nested-host').shadowRoot.getElementById('deep').firstChild.data = 'deep changed';
    sr.getElementById('nested-host').setAttribute('title', 'nested title');
    const fd = document.getElementById('frame').contentDocument;
    fd.getElementById('fp').firstChild.data = 'frame text changed';
    fd.body.append(Object.assign(fd.createElement('section'), { id: 'fsec', textContent: 'added in frame' }));
    fd.getElementById('fhost').shadowRoot.append(fd.createTextNode(' more'));
  });
  assert.ok(r.records.some((x) => x.type === 'TEXT' && x.value === 'deep changed'));
  assert.ok(r.records.some((x) => x.type === 'TEXT' && x.value === 'frame text changed'));
  sameTree(tree(), r.live);
  // Moves across boundaries keep ids: shadow -> light, light -> shadow, into an iframe.
  const movedId = idOf('id', 'light');
  r = await step(() => {
    const sr = document.getElementById('host').shadowRoot;
    const light = document.getElementById('light');
    sr.append(light);
    document.getElementById('root').append(sr.getElementById('in-shadow'));
  });
  sameTree(tree(), r.live);
  assert.equal(idOf('id', 'light'), movedId, 'a moved node keeps its id');
  r = await step(() => {
    const fd = document.getElementById('frame').contentDocument;
    fd.body.append(fd.adoptNode(document.getElementById('in-shadow')));
  });
  sameTree(tree(), r.live);
  await page.close();
  assert.deepEqual(errors, []);
});

test('iframe (re)loads: the old document removed, the new one added; removed roots are left', async () => {
  const { page, step, errors, tree, replayer, idOf } = await open(STATIC);
  await step();
  const frameId = idOf('id', 'frame');
  const oldDoc = [...replayer.nodes.values()].find((n) => n.type === 9 && n.parent && n.parent.id === frameId).id;
  let r = await step(async () => {
    const frame = document.getElementById('frame');
    await new Promise((resolve) => {
      frame.addEventListener('load', resolve, { once: true });
      frame.srcdoc = '<h1 id="reloaded">second document</h1>';
    });
  });
  assert.ok(r.records.some((x) => x.type === 'REMOVE' && x.id === oldDoc), 'the old document is removed');
  const newDoc = r.records.find((x) => x.type === 'NODE' && x.nodeType === 9);
  assert.ok(newDoc && newDoc.parent === frameId && newDoc.id !== oldDoc, 'a new document id under the iframe');
  sameTree(tree(), r.live);
  // A same-origin URL, then an iframe added later with its own document.
  r = await step(async () => {
    const frame = document.getElementById('frame');
    await new Promise((resolve) => {
      frame.addEventListener('load', resolve, { once: true });
      frame.src = '/child.html';
      frame.removeAttribute('srcdoc');
    });
    const f2 = Object.assign(document.createElement('iframe'), { id: 'f2', srcdoc: '<p id="f2p">second frame</p>' });
    await new Promise((resolve) => {
      f2.addEventListener('load', resolve, { once: true });
      document.getElementById('root').append(f2);
    });
  });
  sameTree(tree(), r.live);
  assert.ok(idOf('id', 'in-child') > 0 && idOf('id', 'f2p') > 0);
  // Changes inside the new documents are observed.
  r = await step(() => {
    document.getElementById('f2').contentDocument.getElementById('f2p').textContent = 'f2 changed';
    document.getElementById('frame').contentDocument.getElementById('in-child').setAttribute('class', 'c');
  });
  sameTree(tree(), r.live);
  const counts = () => page.evaluate(() => {
    const roots = window.rec.recording.modules.find((m) => m.constructor.name === 'Roots');
    return roots.entries.length;
  });
  const before = await counts();
  // Removing the host and the iframes leaves their roots: observed no more.
  r = await step(() => {
    document.getElementById('host').remove();
    document.getElementById('f2').remove();
    document.getElementById('frame').remove();
  });
  sameTree(tree(), r.live);
  const afterRemoval = await counts();
  assert.ok(afterRemoval <= before - 4, `roots left after removal: ${before} -> ${afterRemoval}`);
  // Changes inside detached roots are not recorded.
  r = await step(() => {
    document.body.append(document.createElement('hr'));
  });
  sameTree(tree(), r.live);
  await page.close();
  assert.deepEqual(errors, []);
});

test('events inside shadow roots and iframes name the real targets', async () => {
  const { page, step, errors, idOf } = await open(async () => {
    document.getElementById('root').innerHTML = '<div id="host"></div><iframe id="frame" style="border:0;width:300px;height:120px" ' +
      'srcdoc="<body style=&quot;margin:0&quot;><button id=&quot;fb&quot;>frame button</button><input id=&quot;fi&quot;>' +
      '<div style=&quot;height:2000px&quot;></div></body>"></iframe>';
    const sr = document.getElementById('host').attachShadow({ mode: 'open' });
    sr.innerHTML = '<button id="sb">shadow button</button><input id="si"><select id="ss"><option>a</option><option>b</option></select>' +
      '<div id="scroller" style="height:40px;overflow:auto"><div style="height:400px">tall</div></div>';
  });
  await step();
  await page.click('#host >> #sb'); // playwright pierces open shadow roots
  await page.type('#host >> #si', 'typed in shadow');
  await page.selectOption('#host >> #ss', 'b');
  await page.evaluate(() => { document.getElementById('host').shadowRoot.getElementById('scroller').scrollTop = 100; });
  const frame = page.frameLocator('#frame');
  await frame.locator('#fb').click();
  await frame.locator('#fi').type('typed in frame');
  await page.evaluate(() => document.getElementById('frame').contentWindow.scrollTo(0, 300));
  await page.waitForTimeout(250);
  const r = await step();
  const clicks = r.records.filter((x) => x.type === 'CLICK');
  assert.deepEqual(clicks.map((c) => c.target), [idOf('id', 'sb'), idOf('id', 'fb')]);
  // The iframe's click is placed on the page (the iframe sits below the host).
  const box = await page.evaluate(() => {
    const f = document.getElementById('frame').getBoundingClientRect();
    return { left: f.left, top: f.top };
  });
  assert.ok(clicks[1].x >= box.left && clicks[1].y >= box.top, 'frame click in page coordinates');
  const inputs = r.records.filter((x) => x.type === 'INPUT');
  assert.ok(inputs.some((i) => i.target === idOf('id', 'si') && i.value === 'typed in shadow'));
  assert.ok(inputs.some((i) => i.target === idOf('id', 'ss')));
  assert.ok(inputs.some((i) => i.target === idOf('id', 'fi') && i.value === 'typed in frame'));
  const focus = r.records.filter((x) => x.type === 'FOCUS' && x.focused).map((x) => x.target);
  assert.ok(focus.includes(idOf('id', 'si')) && focus.includes(idOf('id', 'fi')), 'focus names the inner fields');
  const scrolls = r.records.filter((x) => x.type === 'SCROLL');
  assert.ok(scrolls.some((s) => s.target === idOf('id', 'scroller') && s.y === 100), 'scroll inside a shadow root');
  assert.ok(scrolls.some((s) => s.y === 300 && s.target !== 1 && s.target !== idOf('id', 'frame')),
    'the iframe window scroll names its document');
  await page.close();
  assert.deepEqual(errors, []);
});

test('privacy across boundaries: masked and blocked hosts, markers and selectors inside, secrets never read', async () => {
  const setup = async () => {
    document.getElementById('root').innerHTML =
      '<div id="mhost" data-recorder-mask></div><div id="bhost" data-recorder-block></div>' +
      '<div id="open-host"></div>' +
      '<iframe id="bframe" data-recorder-block srcdoc="<p>blocked frame</p>"></iframe>' +
      '<iframe id="mframe" class="js-private" srcdoc="<p>frame secret text</p><input id=&quot;fpw&quot; type=&quot;password&quot; value=&quot;pw-frame&quot;>"></iframe>';
    document.getElementById('mhost').attachShadow({ mode: 'open' }).innerHTML = '<p>masked shadow text</p><img alt="masked alt">';
    document.getElementById('bhost').attachShadow({ mode: 'open' }).innerHTML = '<p>blocked shadow text</p>';
    document.getElementById('open-host').attachShadow({ mode: 'open' }).innerHTML =
      '<p data-recorder-mask>marker inside shadow</p><p class="js-private">selector inside shadow</p>' +
      '<section data-recorder-block><p>blocked inside shadow</p></section><input id="spw" type="password" value="pw-shadow">' +
      '<p id="plain">plain shadow text</p>';
    // Traps: reading a blocked iframe's document, or a password's value.
    const bframe = document.getElementById('bframe');
    await new Promise((r) => (bframe.contentDocument && bframe.contentDocument.body && bframe.contentDocument.body.firstChild
      ? r() : bframe.addEventListener('load', r, { once: true })));
    Object.defineProperty(bframe, 'contentDocument', { get() { window.reads.push('bframe'); return null; }, configurable: true });
    const mframe = document.getElementById('mframe');
    await new Promise((r) => (mframe.contentDocument && mframe.contentDocument.getElementById('fpw')
      ? r() : mframe.addEventListener('load', r, { once: true })));
    const trap = (el, name) => {
      Object.defineProperty(el, 'value', { get() { window.reads.push(name); return 'LEAK'; }, set() {}, configurable: true });
      const attr = el.getAttributeNode('value');
      Object.defineProperty(attr, 'value', { get() { window.reads.push(`${name}@`); return 'LEAK'; }, configurable: true });
    };
    trap(document.getElementById('open-host').shadowRoot.getElementById('spw'), 'spw');
    trap(mframe.contentDocument.getElementById('fpw'), 'fpw');
  };
  for (const mode of ['relaxed', 'strict']) {
    const { page, step, errors, idOf } = await open(setup, { mode, privacy: { mask: ['.js-private'] } });
    const snap = await step();
    const text = JSON.stringify(snap.records);
    for (const secret of ['masked shadow text', 'masked alt', 'blocked shadow text', 'blocked frame', 'marker inside shadow',
      'selector inside shadow', 'blocked inside shadow', 'frame secret text', 'pw-shadow', 'pw-frame', 'LEAK']) {
      assert.ok(!text.includes(secret), `${mode}: ${secret} not written`);
    }
    if (mode === 'relaxed') assert.ok(text.includes('plain shadow text'), 'unmarked shadow text shown in relaxed');
    else assert.ok(!text.includes('plain shadow text'), 'strict masks shadow text');
    // Blocked placeholders (the host, the iframe, the section) have nothing under them.
    const placeholders = snap.records.filter((x) => x.type === 'NODE' && x.attrs.some(([k]) => k === 'data-recorder-block'));
    assert.equal(placeholders.length, 3);
    assert.ok(!snap.records.some((x) => x.type === 'NODE' && placeholders.some((b) => b.id === x.parent)),
      'nothing under a blocked host, iframe or element: no shadow root, no document');
    // Later: typing, changes, and content moved in.
    await page.type('#open-host >> #spw', 'typed-pw');
    const later = await step(() => {
      const sr = document.getElementById('open-host').shadowRoot;
      sr.querySelector('[data-recorder-mask]').textContent = 'later marker text';
      document.getElementById('mhost').shadowRoot.append(sr.getElementById('plain'));
      document.getElementById('mhost').shadowRoot.getElementById('plain').textContent = 'moved into masked';
      document.getElementById('mframe').contentDocument.body.append('frame later text');
      document.getElementById('bhost').shadowRoot.append('blocked later text');
    });
    const laterText = JSON.stringify(later.records);
    for (const secret of ['later marker text', 'moved into masked', 'frame later text', 'blocked later text', 'typed-pw', 'LEAK']) {
      assert.ok(!laterText.includes(secret), `${mode}: ${secret} not written`);
    }
    assert.deepEqual([...snap.reads, ...later.reads], [], `${mode}: nothing never-read was read`);
    await page.close();
    assert.deepEqual(errors, []);
  }
});

for (const seed of [7, 1234, 99991]) test(`a sliced snapshot of many shadow roots and iframes survives changes made between its slices (seed ${seed})`, async () => {
  const { page, errors, tree, step } = await open(null);
  const out = await page.evaluate(async (seed) => {
    const root = document.getElementById('root');
    const parts = [];
    for (let k = 0; k < 300; k++) {
      parts.push(`<section id="s${k}"><div id="h${k}" class="host"></div><ul>${'<li>item <b>b</b></li>'.repeat(8)}</ul></section>`);
    }
    root.innerHTML = parts.join('') + '<iframe id="late-frame" srcdoc="<p id=lf>frame</p>"></iframe>';
    await new Promise((r) => document.getElementById('late-frame').addEventListener('load', r, { once: true }));
    for (let k = 0; k < 300; k += 2) {
      document.getElementById(`h${k}`).attachShadow({ mode: 'open' }).innerHTML = `<p id="p${k}">shadow ${k}</p><i>x</i>`;
    }
    window.rec = window.h.record('relaxed');
    let tasks = 0;
    let s = seed;
    const rand = (n) => { s = (s * 1103515245 + 12345) % 2147483648; return s % n; };
    // Between slices: shadow roots attached on walked and unwalked hosts,
    // changes inside shadow roots, moves across boundaries, iframe edits.
    const churn = () => {
      if (!window.rec.recording.snapshot || !window.rec.recording.snapshot.active) return;
      tasks++;
      for (let c = 0; c < 5; c++) {
        const k = rand(300);
        const host = document.getElementById(`h${k}`);
        if (!host) continue;
        const op = rand(5);
        if (op === 0 && !host.shadowRoot) host.attachShadow({ mode: 'open' }).innerHTML = `<em>late ${k}</em>`;
        else if (op === 1 && host.shadowRoot) host.shadowRoot.append(`t${tasks}`);
        else if (op === 2 && host.shadowRoot && host.shadowRoot.firstChild) document.getElementById(`s${rand(300)}`).append(host.shadowRoot.firstChild);
        else if (op === 3) document.getElementById('late-frame').contentDocument.body.append(`f${tasks}`);
        else if (op === 4 && host.shadowRoot) host.shadowRoot.append(document.getElementById(`s${rand(300)}`).querySelector('li') || '');
      }
      setTimeout(churn, 0);
    };
    const started = window.rec.start();
    setTimeout(churn, 0);
    await started;
    return { tasks, slices: window.rec.recording.counters.snapshotSlices };
  }, seed);
  assert.ok(out.slices > 1 && out.tasks > 0, `${out.slices} slices, ${out.tasks} churn tasks`);
  const r = await step();
  sameTree(tree(), r.live);
  assert.deepEqual(r.logged, []);
  await page.close();
  assert.deepEqual(errors, []);
});

test('removed shadow roots and iframe documents are garbage: the recorder holds none of them', async () => {
  const gcBrowser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, '--js-flags=--expose-gc'] });
  try {
    const page = await gcBrowser.newPage();
    await page.goto(`${server.origin}/page.html`);
    await page.waitForFunction(() => window.ready === true);
    const out = await page.evaluate(async () => {
      const make = () => {
        const host = document.createElement('div');
        host.attachShadow({ mode: 'open' }).innerHTML = '<p>shadow</p><input>';
        const frame = Object.assign(document.createElement('iframe'), { srcdoc: '<p>frame</p>' });
        document.getElementById('root').append(host, frame);
        return new Promise((r) => frame.addEventListener('load', () => r({ host, frame }), { once: true }));
      };
      let { host, frame } = await make();
      window.rec = window.h.record('relaxed');
      await window.rec.start();
      // A later one too: attached after the snapshot, typed into.
      let late = await make();
      await window.rec.flush();
      late.host.shadowRoot.querySelector('input').dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      await window.rec.flush();
      const refs = [host, host.shadowRoot, frame, frame.contentDocument, late.host, late.host.shadowRoot,
        late.frame, late.frame.contentDocument].map((n) => new WeakRef(n));
      const roots = () => window.rec.recording.modules.find((m) => m.constructor.name === 'Roots').entries.length;
      const held = roots();
      host.remove();
      frame.remove();
      late.host.remove();
      late.frame.remove();
      host = frame = late = null;
      await window.rec.flush();
      const left = roots();
      for (let k = 0; k < 5; k++) {
        await new Promise((r) => setTimeout(r, 50));
        window.gc();
      }
      return { held, left, alive: refs.map((r) => r.deref() !== undefined) };
    });
    assert.equal(out.held, 4, 'two shadow roots and two iframe documents entered');
    assert.equal(out.left, 0, 'all left once removed');
    assert.deepEqual(out.alive, [false, false, false, false, false, false, false, false], 'nothing kept alive');
    await page.close();
  } finally {
    await gcBrowser.close();
  }
});

test('stop restores attachShadow in the page and in iframes, and observes nothing more', async () => {
  const { page, step, errors } = await open(STATIC);
  await step();
  const patched = await page.evaluate(() => {
    const f = document.getElementById('frame').contentWindow;
    return [Element.prototype.attachShadow.toString().includes('native code'),
      f.Element.prototype.attachShadow.toString().includes('native code')];
  });
  assert.deepEqual(patched, [false, false], 'wrapped while recording');
  const restored = await page.evaluate(async () => {
    await window.rec.recording.stop();
    const f = document.getElementById('frame').contentWindow;
    return [Element.prototype.attachShadow.toString().includes('native code'),
      f.Element.prototype.attachShadow.toString().includes('native code')];
  });
  assert.deepEqual(restored, [true, true], 'restored on stop');
  await page.close();
  assert.deepEqual(errors, []);
});

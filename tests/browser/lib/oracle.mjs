// The oracle every fidelity test uses: the same canonicaliser runs in the
// live page and on the replayer's document, and compare() says where the two
// trees differ, forgiving only what the recorder's privacy rules change on
// purpose.
//
//   await installOracle(page);                       // live page (or host page)
//   const live = await page.evaluate(() => window.__oracle.canonical(document));
//   const replay = await host.evaluate(() => window.__oracle.canonical(r.document, window.__oracle.hooksFor(r)));
//   const diffs = compare(live, replay, { mode: 'relaxed' });   // [] when faithful
//
// The tree: structure, attributes, text, form state (value, checked,
// selected), scroll positions (window and scrolled elements), adopted
// stylesheets (each rule's cssText), the CSSOM rules of <style> sheets, open
// shadow roots and same-origin frame documents (recursively), media state and
// images' current source. Script contents are left out on both sides.
import { scrubUrl, expectedAttr, expectedText } from './expect-masking.mjs';

// Runs in a page (installed as source text, so it must be self-contained).
// hooks (replay side only): attrs(el) -> Map of recorded attributes,
// frameRecorded(doc) -> whether the frame's document came from the
// recording, imageSource(el), media(el) -> { paused } or null.
export function canonicalTree(root, hooks = {}) {
  const rules = (sheet) => {
    try { return Array.from(sheet.cssRules, (r) => r.cssText); } catch (e) { return null; }
  };
  const adopted = (target) => (target.adoptedStyleSheets || []).map(rules);
  function walk(node) {
    const out = { t: node.nodeType };
    if (node.nodeType === 9) {
      const win = node.defaultView;
      out.scroll = win ? [Math.round(win.scrollX), Math.round(win.scrollY)] : [0, 0];
      const a = adopted(node);
      if (a.length) out.adopted = a;
    } else if (node.nodeType === 10) {
      out.n = node.name;
    } else if (node.nodeType === 3 || node.nodeType === 4 || node.nodeType === 8) {
      out.v = node.data;
      if (node.parentNode && node.parentNode.nodeName === 'STYLE') out.css = true;
      return out;
    } else if (node.nodeType === 1) {
      const tag = node.localName;
      out.n = tag;
      const list = hooks.attrs ? [...hooks.attrs(node)] : Array.from(node.attributes, (a) => [a.name, a.value]);
      out.a = Object.fromEntries(list.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)));
      if (tag === 'input') {
        if (node.type === 'checkbox' || node.type === 'radio') out.checked = node.checked;
        else if (node.type !== 'file') out.value = node.value;
      } else if (tag === 'textarea' || tag === 'select') {
        out.value = node.value;
      } else if (tag === 'option') {
        out.selected = node.selected;
      } else if (tag === 'style' && node.sheet) {
        out.rules = rules(node.sheet);
      } else if (tag === 'img') {
        const src = (hooks.imageSource && hooks.imageSource(node)) || node.currentSrc;
        if (src) out.src = src;
      } else if (tag === 'video' || tag === 'audio') {
        const m = hooks.media ? hooks.media(node) : null;
        out.paused = m ? m.paused : node.paused;
      }
      if (node.scrollTop || node.scrollLeft) out.scroll = [Math.round(node.scrollLeft), Math.round(node.scrollTop)];
      if (node.shadowRoot) {
        const s = { t: 11 };
        const a = adopted(node.shadowRoot);
        if (a.length) s.adopted = a;
        s.c = Array.from(node.shadowRoot.childNodes, walk);
        out.shadow = s;
      }
      if (tag === 'iframe' || tag === 'frame') {
        let doc = null;
        try { doc = node.contentDocument; } catch (e) { doc = null; }
        if (doc && (!hooks.frameRecorded || hooks.frameRecorded(doc))) out.doc = walk(doc);
      }
      if (tag === 'script' || tag === 'template') return out;
    }
    const kids = Array.from(node.childNodes, walk);
    if (kids.length) out.c = kids;
    return out;
  }
  return walk(root);
}

// The replay side's hooks, from a Replayer (runs in the host page).
export function replayHooks(replayer) {
  return {
    attrs: (el) => replayer.attributesOf(el),
    frameRecorded: (doc) => replayer.nodeId(doc) !== 0,
    // Without a recorded source the replay shows what the attributes say;
    // currentSrc may still be empty while the frame's load is pending.
    imageSource: (el) => replayer.imageSource(el) || el.currentSrc || el.src,
    media: (el) => replayer.mediaState(el),
  };
}

// Puts window.__oracle = { canonical, hooksFor } into a page. DevTools
// evaluation is not governed by the page's CSP, and adds no DOM node.
export async function installOracle(page) {
  await page.evaluate(`window.__oracle = { canonical: ${canonicalTree}, hooksFor: ${replayHooks} }`);
}

const SANITISED = new Set(['date', 'time', 'datetime-local', 'month', 'week', 'number', 'range', 'color']);
const MASK = /^(\*{8}|\*{32}|\*{128}|\*{256})$/;
const PII = /\[(email|card|phone|iban|ssn|ip)\]/g;

// Whether a recorded string stands for the live one: equal, a length mask,
// or equal once each PII token is allowed to stand for some text.
function tokenMatch(rec, live) {
  return rec === live || MASK.test(rec) || piiMatch(rec, live);
}

function piiMatch(rec, live) {
  if (rec === live) return true;
  PII.lastIndex = 0;
  if (!PII.test(rec)) return false;
  PII.lastIndex = 0;
  const pattern = rec.split(PII).map((part, i) => (i % 2 === 1 ? '.+?' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${pattern}$`, 's').test(live);
}

// CSS text as the gate leaves it: URLs inside url(...) scrubbed.
function cssText(css) {
  return css.replace(/url\((['"]?)([^'")]*)\1\)/g, (m, q, u) => `url(${q}${scrubUrl(u)}${q})`);
}
const cssMatch = (rec, live) => rec === live || rec === cssText(live) || cssText(rec) === cssText(live);

function urlPath(u) {
  try { return new URL(u, 'http://x').pathname; } catch (e) { return u; }
}

// Compares a live canonical tree with the replay's. mode 'relaxed': masked
// or PII tokens may stand for any live value; 'strict': text, content
// attributes and form values must be masked exactly as the strict mode
// promises (expect-masking.mjs). Returns readable differences; [] = equal.
export function compare(live, replay, { mode = 'relaxed', secret = () => false } = {}) {
  const diffs = [];
  const strict = mode !== 'relaxed';
  const text = (r, l, css, comment) => {
    if (css) return cssMatch(r, l);
    if (!strict) return tokenMatch(r, l);
    const want = expectedText(l, mode, { comment });
    return r === want || piiMatch(r, want);
  };
  const attr = (el, name, r, l) => {
    if (name === 'style') return cssMatch(r, l) || (strict && r === expectedAttr(name, l, mode));
    if (!strict) return tokenMatch(r, l) || r === scrubUrl(l) || r === expectedAttr(name, l, 'relaxed');
    const want = expectedAttr(name, l, mode, { neverRead: secret(el, name, l) });
    return r === want || piiMatch(r, want);
  };
  // Masked, a <select>'s options all carry the mask as their value, and
  // typed inputs (date, number...) sanitise a mask away to ''.
  const formValue = (node, r, l) => {
    if (!strict) return tokenMatch(r, l);
    if (node.n === 'select') return r === l || r === '' || MASK.test(r);
    if (node.n === 'input' && SANITISED.has(node.a.type)) return r === '' || MASK.test(r);
    return l === '' ? r === '' : MASK.test(r);
  };

  function node(r, l, path) {
    if (!r || !l) { diffs.push(`${path}: ${r ? 'extra node in the replay' : 'node missing in the replay'}`); return; }
    if (r.t !== l.t || (r.n || '') !== (l.n || '')) {
      diffs.push(`${path}: replay has ${label(r)}, live has ${label(l)}`);
      return;
    }
    if ('v' in l || 'v' in r) {
      if (!text(r.v ?? '', l.v ?? '', l.css, l.t === 8)) diffs.push(`${path}: text ${show(r.v)} in the replay, ${show(l.v)} live`);
    }
    if (l.a || r.a) {
      const ra = r.a || {};
      const la = l.a || {};
      for (const k of new Set([...Object.keys(ra), ...Object.keys(la)])) {
        if (k.startsWith('on')) continue;  // handlers are script: never replayed
        if (!(k in ra) || !(k in la)) diffs.push(`${path}[@${k}]: ${k in ra ? 'only in the replay' : 'missing in the replay'}`);
        else if (!attr(l.n, k, ra[k], la[k])) diffs.push(`${path}[@${k}]: ${show(ra[k])} in the replay, ${show(la[k])} live`);
      }
    }
    if ('value' in l && l.n !== undefined && !formValue(l, r.value ?? '', l.value)) {
      diffs.push(`${path}: value ${show(r.value)} in the replay, ${show(l.value)} live`);
    }
    if ('checked' in l && r.checked !== l.checked) diffs.push(`${path}: checked ${r.checked} in the replay, ${l.checked} live`);
    // Strict: which masked option shows is not the live choice (it must not be).
    if ('selected' in l && !strict && r.selected !== l.selected) {
      diffs.push(`${path}: selected ${r.selected} in the replay, ${l.selected} live`);
    }
    const rs = r.scroll || [0, 0];
    const ls = l.scroll || [0, 0];
    if (Math.abs(rs[0] - ls[0]) > 1 || Math.abs(rs[1] - ls[1]) > 1) diffs.push(`${path}: scrolled to ${rs} in the replay, ${ls} live`);
    if (l.rules || r.rules) sheetList(r.rules ? [r.rules] : [], l.rules ? [l.rules] : [], `${path} CSSOM`);
    if (l.adopted || r.adopted) sheetList(r.adopted || [], l.adopted || [], `${path} adoptedStyleSheets`);
    if ('paused' in l && r.paused !== l.paused) diffs.push(`${path}: media ${r.paused ? 'paused' : 'playing'} in the replay, ${l.paused ? 'paused' : 'playing'} live`);
    if (l.src && urlPath(r.src || '') !== urlPath(scrubUrl(l.src))) diffs.push(`${path}: image shows ${show(r.src)} in the replay, ${show(l.src)} live`);
    if (l.shadow || r.shadow) node(r.shadow, l.shadow, `${path}/#shadow-root`);
    if (l.doc || r.doc) node(r.doc, l.doc, `${path}/#document`);
    const rc = r.c || [];
    const lc = l.c || [];
    if (rc.length !== lc.length) diffs.push(`${path}: ${rc.length} children in the replay, ${lc.length} live`);
    for (let i = 0; i < Math.max(rc.length, lc.length); i++) {
      const c = lc[i] || rc[i];
      node(rc[i], lc[i], `${path}/${step(c, i)}`);
    }
  }

  function sheetList(r, l, path) {
    if (r.length !== l.length) { diffs.push(`${path}: ${r.length} sheets in the replay, ${l.length} live`); return; }
    l.forEach((rulesLive, k) => {
      const rulesRec = r[k];
      if (rulesLive === null || rulesRec === null) return;  // unreadable (cross-origin)
      if (rulesRec.length !== rulesLive.length) diffs.push(`${path}[${k}]: ${rulesRec.length} rules in the replay, ${rulesLive.length} live`);
      for (let i = 0; i < Math.min(rulesRec.length, rulesLive.length); i++) {
        if (!cssMatch(rulesRec[i], rulesLive[i])) diffs.push(`${path}[${k}][${i}]: ${show(rulesRec[i])} in the replay, ${show(rulesLive[i])} live`);
      }
    });
  }

  node(replay, live, '#document');
  return diffs;
}

function label(n) {
  return n.t === 1 ? `<${n.n}>` : n.t === 3 ? '#text' : n.t === 8 ? '#comment' : n.t === 10 ? '<!doctype>' : `#${n.t}`;
}

function step(n, i) {
  if (n.t !== 1) return `${label(n)}[${i}]`;
  const id = n.a && n.a.id ? `#${n.a.id}` : '';
  return `${n.n}${id}[${i}]`;
}

function show(v) {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 70 ? `${s.slice(0, 67)}...` : s;
}

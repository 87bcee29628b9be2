// The replayer: rebuilds a recorded page at any moment of a session, from
// the collector's decoded JSON (GET /v1/sessions/<id>), in a sandboxed
// iframe where none of the page's scripts run.
//
//   const r = new Replayer(container, session, { onError });
//   await r.ready;
//   r.seek(r.startTime + 5000);   // times are epoch ms, as in the events
//   r.play(); r.speed = 2; r.pause();
//
// A seek starts from the last FullSnapshot at or before the moment (the
// page view's first, or a periodic checkpoint) and applies the events after
// it in order; seeking forward from the current state only applies what is
// new. Page views follow one another: each PageMeta starts one, and its
// first FullSnapshot replaces the replayed document.

import { Builder } from './builder.js';
import { Sheets } from './styles.js';
import { PageState } from './state.js';
import { Overlay } from './overlay.js';

// Events a checkpoint rebuild carries over from earlier in its page view.
// The core writes a checkpoint self-contained (tree_mirror.h: the snapshot
// followed, at the same moment, by sheets and rule changes, adopted sheets,
// form values, scrolls, media, image sources and the viewport), so only the
// URL it does not restate is carried. Carrying more would apply relative
// changes (StyleRule) twice.
const CARRIED = new Set(['Navigation']);

export class Replayer {
  constructor(container, session, options = {}) {
    this.options = options;
    this.session = session;
    // Stable by time: events of one moment keep their recorded order.
    this.events = (session.events || []).map((ev, i) => [ev, i]).sort((a, b) => a[0].time - b[0].time || a[1] - b[1])
      .map(([ev]) => ev);
    this.startTime = this.events.length ? this.events[0].time : 0;
    this.endTime = this.events.length ? this.events[this.events.length - 1].time : 0;
    this.errors = [];
    this.seen = new Set();
    this.base = -1;       // index of the FullSnapshot the document was built from
    this.applied = -1;    // index of the last event applied
    this.time = this.startTime;
    this.pageView = null;
    this.url = '';
    this.viewport = { width: 1280, height: 720 };
    this.rate = options.speed || 1;
    this.playing = false;
    this.raf = 0;

    this.pageStart = [];  // per event: index of the first event of its page view
    let start = 0;
    this.events.forEach((ev, i) => {
      if (i > 0 && (ev.type === 'PageMeta' || ev.pageView !== this.events[i - 1].pageView)) start = i;
      this.pageStart.push(start);
    });

    const doc = container.ownerDocument;
    this.wrapper = doc.createElement('div');
    this.wrapper.setAttribute('data-replay', '');
    Object.assign(this.wrapper.style, { position: 'relative', overflow: 'hidden' });
    this.frame = doc.createElement('iframe');
    // No allow-scripts: nothing of the page runs. allow-same-origin lets the
    // viewer build the document from outside.
    this.frame.setAttribute('sandbox', 'allow-same-origin');
    this.frame.setAttribute('referrerpolicy', 'no-referrer');
    Object.assign(this.frame.style, { border: '0', display: 'block', pointerEvents: 'none', background: '#fff' });
    this.layer = doc.createElement('div');
    Object.assign(this.layer.style, { position: 'absolute', left: '0', top: '0', right: '0', bottom: '0',
      pointerEvents: 'none', overflow: 'hidden' });
    this.wrapper.append(this.frame, this.layer);
    this.overlay = new Overlay(doc, this.layer);
    this.overlay.index(this.events);
    const meta = this.events.find((e) => e.type === 'PageMeta');
    if (meta) this.resize(meta.viewportW, meta.viewportH);
    else this.resize(this.viewport.width, this.viewport.height);

    this.ready = new Promise((resolve) => {
      this.frame.addEventListener('load', () => {
        this.init();
        resolve(this);
      }, { once: true });
    });
    // srcdoc with a doctype: a standards-mode document from the start.
    this.frame.srcdoc = '<!doctype html>';
    container.appendChild(this.wrapper);
  }

  init() {
    this.document = this.frame.contentDocument;
    this.window = this.frame.contentWindow;
    const fail = (msg) => this.error(msg);
    this.builder = new Builder(this.document, fail);
    this.builder.onDocument = (doc) => this.guard(doc);
    if (this.options.resolveUrls !== false) this.builder.resolveUrl = (name, value) => this.absolute(name, value);
    this.sheets = new Sheets(this.builder, fail);
    this.state = new PageState(this.builder, fail);
    this.guard(this.document);
    while (this.document.firstChild) this.document.removeChild(this.document.firstChild);
  }

  // Belt and braces next to the sandbox: no form submits, no link follows.
  guard(doc) {
    doc.addEventListener('submit', (e) => e.preventDefault(), true);
    doc.addEventListener('click', (e) => e.preventDefault(), true);
  }

  error(message) {
    const key = `${this.current}:${message}`;
    if (this.quiet || this.seen.has(key)) return;
    this.seen.add(key);
    const entry = { time: this.currentTime, message };
    this.errors.push(entry);
    if (this.options.onError) this.options.onError(entry);
  }

  get speed() { return this.rate; }
  set speed(v) {
    if (this.playing) { this.pause(); this.rate = v; this.play(); } else this.rate = v;
  }

  // Rebuilds the page as it was at `time` (epoch ms, like the events').
  seek(time) {
    this.goTo(time, true);
  }

  // full: a jump (every scroll and media position set again); otherwise a
  // play tick, where media only change on their own events (setting
  // currentTime every frame would stutter) and scrolls already hold.
  goTo(time, full) {
    if (!this.document) throw new Error('Replayer.seek before ready');
    const k = lastAtOrBefore(this.events, time);
    const before = this.base;
    let s = k;
    while (s >= 0 && this.events[s].type !== 'FullSnapshot') s--;
    if (s < 0) {
      this.clear();
    } else if (this.base === s && this.applied <= k) {
      this.applyRange(this.applied + 1, k);
    } else {
      this.rebuild(s);
      this.applyRange(s + 1, k);
    }
    const rebuilt = this.base !== before;
    this.applied = k;
    this.time = time;
    this.settle(full || rebuilt);
  }

  // Offsets from the first event, for viewers with a 0-based time bar.
  seekOffset(ms) {
    this.seek(this.startTime + ms);
  }

  get currentTime() { return this.time; }

  clear() {
    this.base = -1;
    this.pageView = null;
    while (this.document.firstChild) this.document.removeChild(this.document.firstChild);
    this.state.reset();
  }

  // The document from the FullSnapshot at index s, with the page view's
  // meta before it and, for a checkpoint, its carried state.
  rebuild(s) {
    const snap = this.events[s];
    const from = this.pageStart[s];
    this.sheets.reset();
    this.state.reset();
    for (let i = from; i < s; i++) {
      const ev = this.events[i];
      if (ev.type === 'PageMeta') this.apply(ev, i);
    }
    this.pageView = snap.pageView;
    this.applySnapshot(snap, s);
    if (snap.checkpoint) {
      // Targets of old events may be gone by now: not the recording's fault.
      this.quiet = true;
      for (let i = from; i < s; i++) {
        const ev = this.events[i];
        if (CARRIED.has(ev.type)) this.apply(ev, i);
      }
      this.quiet = false;
    }
  }

  applySnapshot(snap, i) {
    this.current = i;
    this.builder.snapshot(snap.nodes || [], this.where(snap, i));
    this.sheets.dropCopies();
    this.document.adoptedStyleSheets = [];
    this.state.scrolls.clear();
    const root = snap.nodes && snap.nodes.find((n) => !n.parent);
    if (root) this.state.scroll({ target: root.id, x: snap.scrollX || 0, y: snap.scrollY || 0 }, '');
    this.base = i;
  }

  applyRange(from, to) {
    for (let i = from; i <= to; i++) {
      const ev = this.events[i];
      if (ev.type === 'FullSnapshot') {
        this.rebuild(i);
      } else {
        this.apply(ev, i);
      }
    }
  }

  rootId() {
    return this.builder.rootId || 0;
  }

  where(ev, i) {
    return `${ev.type} #${i} (page view ${ev.pageView}, seq ${ev.seq})`;
  }

  apply(ev, i) {
    this.current = i;
    const where = this.where(ev, i);
    switch (ev.type) {
      case 'PageMeta':
        if (ev.pageView !== this.pageView) this.sheets.reset();
        this.pageView = ev.pageView;
        this.url = ev.url;
        if (ev.viewportW && ev.viewportH) this.resize(ev.viewportW, ev.viewportH);
        break;
      case 'FullSnapshot':
        this.applySnapshot(ev, i);
        break;
      case 'Mutation': this.builder.mutation(ev, where); break;
      case 'Input': this.state.input(ev, where); break;
      case 'Scroll': this.state.scroll(ev, where); break;
      case 'Resize': this.resize(ev.width, ev.height); break;
      case 'StyleSheet': this.sheets.sheet(ev, where); break;
      case 'StyleRule': this.sheets.rule(ev, where); break;
      case 'AdoptedSheets': this.sheets.adopt(ev, where); break;
      case 'Media': this.state.mediaEvent(ev, where); break;
      case 'ImageSource': this.state.imageSource(ev, where); break;
      case 'Navigation': this.url = ev.url; break;
      default: break;  // pointer (the overlay reads those), focus, visibility
    }
  }

  // A relative URL made absolute against the page view's URL (options.baseUrl
  // first); fragments (#id, SVG references) and URLs with a scheme stay.
  absolute(name, value) {
    const base = this.options.baseUrl || this.url;
    if (!base) return value;
    const one = (u) => {
      const t = u.trim();
      if (t === '' || t.startsWith('#') || /^[a-z][a-z0-9+.-]*:/i.test(t)) return u;
      try { return new URL(t, base).href; } catch (e) { return u; }
    };
    if (name !== 'srcset') return one(value);
    return value.split(',').map((c) => {
      const [u, ...rest] = c.trim().split(/\s+/);
      return [one(u), ...rest].join(' ');
    }).join(', ');
  }

  resize(width, height) {
    this.viewport = { width, height };
    this.frame.style.width = `${width}px`;
    this.frame.style.height = `${height}px`;
    this.wrapper.style.width = `${width}px`;
    this.wrapper.style.height = `${height}px`;
  }

  settle(full) {
    if (full) this.state.settleScrolls();
    this.state.settleMedia(this.time, this.playing, !full);
    const win = this.window;
    this.overlay.draw(this.time, this.pageView, win ? win.scrollX : 0, win ? win.scrollY : 0);
  }

  play() {
    if (this.playing || !this.document) return;
    if (this.time >= this.endTime) this.seek(this.startTime);
    this.playing = true;
    const wallStart = performance.now();
    const from = this.time;
    const tick = () => {
      if (!this.playing) return;
      const t = Math.min(this.endTime, from + (performance.now() - wallStart) * this.rate);
      this.goTo(t, false);
      if (t >= this.endTime) { this.pause(); return; }
      this.raf = this.frame.ownerDocument.defaultView.requestAnimationFrame(tick);
    };
    this.state.settleMedia(this.time, true);
    this.raf = this.frame.ownerDocument.defaultView.requestAnimationFrame(tick);
  }

  pause() {
    this.playing = false;
    if (this.raf) this.frame.ownerDocument.defaultView.cancelAnimationFrame(this.raf);
    this.raf = 0;
    if (this.state) this.state.settleMedia(this.time, false);
  }

  // Recorded node by id, and a node's id (0: not from the recording).
  node(id) { return this.builder.node(id); }
  nodeId(node) { return this.builder.idOf(node); }

  // An element's attributes as recorded, including those the replay keeps
  // out of the DOM (event handlers, script URLs, nested frame sources...).
  attributesOf(el) { return this.builder.attributesOf(el); }

  // What the recording says about media and images the DOM cannot show.
  mediaState(el) { return this.state.mediaState(this.nodeId(el)); }
  imageSource(el) { return this.state.recordedImageSource(el); }

  destroy() {
    this.pause();
    this.wrapper.remove();
  }
}

function lastAtOrBefore(events, t) {
  let lo = 0;
  let hi = events.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (events[mid].time <= t) { found = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return found;
}

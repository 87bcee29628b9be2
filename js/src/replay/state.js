// The parts of a page that are state rather than tree: form fields, scroll
// positions, media playback, images' chosen source. Scroll and media are
// kept per target and applied again once a seek has finished building,
// because a scroll position only holds once the content below it exists and
// a media element's position depends on the moment the replay shows.

const TOGGLES = new Set(['checkbox', 'radio']);

export class PageState {
  constructor(builder, onError) {
    this.builder = builder;
    this.onError = onError;
    this.reset();
  }

  reset() {
    this.scrolls = new Map();   // node id -> [x, y]
    this.media = new Map();     // node id -> { timeMs, rate, paused, loop, at }
    this.mediaChanged = new Set();  // ids with an event since the last settle
    this.images = new WeakMap();  // element -> recorded current source
  }

  input(ev, where) {
    const el = this.builder.node(ev.target);
    if (!el || el.nodeType !== 1) {
      this.onError(`${where}: input on unknown node ${ev.target}`);
      return;
    }
    const tag = el.localName;
    if (tag === 'input' && TOGGLES.has(el.type)) {
      // value on a checkbox is its markup attribute, not typed state.
      el.checked = !!ev.checked;
    } else if (tag === 'input' && el.type === 'file') {
      // A file input's value cannot be set; there is nothing to show.
    } else if (tag === 'input' || tag === 'textarea' || tag === 'select') {
      el.value = ev.value ?? '';
    } else if (el.isContentEditable) {
      el.textContent = ev.value ?? '';
    }
  }

  scroll(ev, where) {
    const node = this.builder.node(ev.target);
    if (!node) {
      this.onError(`${where}: scroll of unknown node ${ev.target}`);
      return;
    }
    this.scrolls.set(ev.target, [ev.x, ev.y]);
    applyScroll(node, ev.x, ev.y);
  }

  // After a seek: every remembered position again, now that the tree is whole.
  settleScrolls() {
    for (const [id, [x, y]] of this.scrolls) {
      const node = this.builder.node(id);
      if (node) applyScroll(node, x, y);
    }
  }

  mediaEvent(ev, where) {
    const el = this.builder.node(ev.target);
    if (!el || typeof el.play !== 'function') {
      this.onError(`${where}: media event for unknown or non-media node ${ev.target}`);
      return;
    }
    this.mediaChanged.add(ev.target);
    this.media.set(ev.target, {
      timeMs: ev.timeMs, rate: (ev.rateX100 || 100) / 100, paused: !!ev.paused, loop: !!ev.loop, at: ev.time,
    });
  }

  // Puts each media element where the recording had it at `now`: its last
  // known position, advanced by the time played since. Always muted.
  settleMedia(now, playing, changedOnly = false) {
    const changed = this.mediaChanged;
    this.mediaChanged = new Set();
    for (const [id, s] of this.media) {
      if (changedOnly && !changed.has(id)) continue;
      const el = this.builder.node(id);
      if (!el || typeof el.play !== 'function') continue;
      el.muted = true;
      el.loop = s.loop;
      try { el.playbackRate = s.rate; } catch (e) { /* out of range: keep the default */ }
      let t = s.timeMs / 1000;
      if (!s.paused) t += Math.max(0, now - s.at) / 1000 * s.rate;
      const d = el.duration;
      if (Number.isFinite(d) && d > 0) t = s.loop ? t % d : Math.min(t, d);
      try { el.currentTime = t; } catch (e) { /* not seekable yet */ }
      if (!s.paused && playing) el.play().catch(() => {});
      else if (!el.paused) el.pause();
    }
  }

  // What the recording says an element's paused state is (media element not
  // yet described: null).
  mediaState(id) {
    return this.media.get(id) || null;
  }

  imageSource(ev, where) {
    const el = this.builder.node(ev.target);
    if (!el || el.nodeType !== 1) {
      this.onError(`${where}: image source for unknown node ${ev.target}`);
      return;
    }
    this.images.set(el, ev.url);
    // Shown as chosen live, unless a <picture> decides (its <source>s would
    // override the img's own src anyway).
    if (el.localName === 'img' && !(el.parentNode && el.parentNode.localName === 'picture')) {
      this.builder.override(el, 'src', ev.url);
      this.builder.override(el, 'srcset', null);
    }
  }

  recordedImageSource(el) {
    return this.images.get(el) ?? null;
  }
}

function applyScroll(node, x, y) {
  if (node.nodeType === 9) {
    const win = node.defaultView;
    if (win) win.scrollTo(x, y);
  } else if (node.nodeType === 1) {
    node.scrollLeft = x;
    node.scrollTop = y;
  }
}

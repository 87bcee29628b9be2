// Google Consent Mode v2 adapter: follows the `analytics_storage` signal the
// site gives its Google tag through gtag('consent', 'default' | 'update', {...}),
// which gtag pushes onto window.dataLayer.
//
// analytics_storage 'granted' -> consent(true) (both levels: a replay is
// analytics in Consent Mode's terms); 'denied' -> consent(false), which
// revokes and forgets a running session. A 'default' limited to `region`s
// can only deny: the visitor's region is not known here, so a regional
// grant is not trusted. Nothing is decided until the site says something.

function argsOf(entry) {
  if (entry === null || typeof entry !== 'object' || typeof entry.length !== 'number') return null;
  if (entry[0] !== 'consent') return null;
  const command = entry[1];
  const params = entry[2];
  if ((command !== 'default' && command !== 'update') || params === null || typeof params !== 'object') return null;
  return { command, params };
}

// The analytics_storage decision a dataLayer entry carries: true, false, or
// null when it says nothing about it.
export function decisionOf(entry) {
  const c = argsOf(entry);
  if (c === null) return null;
  const v = c.params.analytics_storage;
  if (v !== 'granted' && v !== 'denied') return null;
  if (c.command === 'default' && c.params.region !== undefined && v === 'granted') return null;
  return v === 'granted';
}

export class GoogleConsentMode {
  // win: the page's window; apply(levels): SessionRecorder.consent.
  constructor(win, apply) {
    this.win = win;
    this.apply = apply;
    this.state = null;
    this.stopped = false;
  }

  start() {
    const win = this.win;
    // As gtag's own snippet does: the array may not exist yet.
    if (!Array.isArray(win.dataLayer)) win.dataLayer = [];
    const layer = win.dataLayer;
    for (const entry of layer) this.note(entry);
    this.watch(layer);
    this.decide();
  }

  // Every later push is seen, also after a tag manager swaps in a push of
  // its own (it assigns dataLayer.push; the setter wraps what it assigns).
  watch(layer) {
    const self = this;
    const wrap = (push) => function (...entries) {
      if (!self.stopped) {
        for (const e of entries) self.note(e);
        self.decide();
      }
      return push.apply(this, entries);
    };
    let current = wrap(layer.push);
    Object.defineProperty(layer, 'push', {
      configurable: true,
      enumerable: false,
      get: () => current,
      set: (fn) => {
        current = typeof fn === 'function' ? wrap(fn) : fn;
      },
    });
  }

  note(entry) {
    const d = decisionOf(entry);
    if (d !== null) this.pending = d;
  }

  decide() {
    if (this.pending === undefined || this.pending === this.state) return;
    this.state = this.pending;
    this.apply(this.state);
  }

  stop() {
    this.stopped = true;
  }
}

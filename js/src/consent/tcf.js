// IAB TCF v2.2 adapter: listens to the page's CMP through
// __tcfapi('addEventListener', 2, cb) and maps its purposes to the levels.
//
//   analytics: purposes 1 (store and/or access information on a device),
//              8 (measure content performance) and 9 (understand audiences
//              through statistics), all with consent;
//   replay:    those and 10 (develop and improve services), with consent.
// Legitimate interest is not enough for either: a replay shows what the
// visitor did. gdprApplies === false means the CMP needs no consent here:
// both levels. Only 'tcloaded' and 'useractioncomplete' events decide (not
// 'cmpuishown', where the visitor has not chosen yet). A later choice that
// withdraws a purpose withdraws the level, as consent() does.
// The vendor list is not consulted: the recorder is the site's own tool,
// not a registered vendor.

export const ANALYTICS_PURPOSES = Object.freeze([1, 8, 9]);
export const REPLAY_PURPOSES = Object.freeze([1, 8, 9, 10]);

// tcData -> { analytics, replay }, or null while the visitor has not chosen.
export function levelsOf(tcData) {
  if (tcData === null || typeof tcData !== 'object') return null;
  if (tcData.eventStatus !== 'tcloaded' && tcData.eventStatus !== 'useractioncomplete') return null;
  if (tcData.gdprApplies === false) return { analytics: true, replay: true };
  const consents = (tcData.purpose && tcData.purpose.consents) || {};
  const has = (list) => list.every((p) => consents[p] === true || consents[String(p)] === true);
  return { analytics: has(ANALYTICS_PURPOSES), replay: has(REPLAY_PURPOSES) };
}

const POLL_MS = 250;
const POLL_TRIES = 40; // a CMP loaded up to 10 s after start() is still found

export class Tcf {
  constructor(win, apply) {
    this.win = win;
    this.apply = apply;
    this.listenerId = null;
    this.timer = 0;
    this.tries = 0;
    this.last = null;
    this.stopped = false;
  }

  start() {
    if (!this.attach()) this.timer = this.win.setInterval(() => this.attach(), POLL_MS);
  }

  attach() {
    const api = this.win.__tcfapi;
    if (typeof api !== 'function') {
      if (++this.tries >= POLL_TRIES) this.clearTimer();
      return false;
    }
    this.clearTimer();
    api('addEventListener', 2, (tcData, success) => {
      if (this.stopped || !success) return;
      if (tcData && tcData.listenerId !== undefined) this.listenerId = tcData.listenerId;
      const levels = levelsOf(tcData);
      if (levels === null) return;
      const key = `${levels.analytics}${levels.replay}`;
      if (key === this.last) return;
      this.last = key;
      this.apply(levels);
    });
    return true;
  }

  clearTimer() {
    if (this.timer) this.win.clearInterval(this.timer);
    this.timer = 0;
  }

  stop() {
    this.stopped = true;
    this.clearTimer();
    const api = this.win.__tcfapi;
    if (this.listenerId !== null && typeof api === 'function') {
      api('removeEventListener', 2, () => undefined, this.listenerId);
    }
  }
}

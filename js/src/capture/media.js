// MEDIA records: <video>/<audio> play, pause, seeked, ratechange and
// volumechange, each with the element's whole playback state (position,
// rate, volume, muted/paused/loop), so a replay needs only the last one.
//
// Media events do not bubble and do not leave a shadow root: capture-phase
// listeners on the document and on each recorded root see them. After the
// snapshot (and for each root recorded later) every media element gets one
// MEDIA with its state, playing or not.

import { MediaAction, MediaFlag } from '../records.js';
import { Listeners } from './listen.js';
import { RootKind } from './roots.js';

const ACTIONS = {
  play: MediaAction.PLAY,
  pause: MediaAction.PAUSE,
  seeked: MediaAction.SEEKED,
  ratechange: MediaAction.RATE,
  volumechange: MediaAction.VOLUME,
};

const SELECTOR = 'video, audio';

function isMedia(el) {
  return el !== null && el.nodeType === 1 && (el.localName === 'video' || el.localName === 'audio');
}

export class Media {
  start(ctx) {
    this.ctx = ctx;
    this.on = new Listeners(ctx);
    this.started = false;
    for (const type of Object.keys(ACTIONS)) {
      const action = ACTIONS[type];
      const handler = (e) => {
        if (isMedia(e.target)) this.write(e.target, action);
      };
      this.on.on(ctx.doc, type, handler);
      ctx.roots.on([RootKind.SHADOW, RootKind.FRAME], type, handler);
    }
    this.noteRoot = ctx.guard('media', (root) => {
      if (this.started) this.sync(root);
    });
    ctx.roots.bind(this);
    // After SNAP_END (held while the snapshot is taken).
    ctx.guard('media', () => {
      this.started = true;
      this.sync(ctx.doc);
      ctx.roots.each((entry) => this.sync(entry.root));
    })();
  }

  // roots.js: a root recorded after the snapshot (its group is being
  // written now; its elements are named once it is).
  enter(entry) {
    if (this.started) queueMicrotask(() => this.noteRoot(entry.root));
  }

  refresh() {}

  sync(root) {
    for (const el of root.querySelectorAll(SELECTOR)) {
      this.write(el, el.paused ? MediaAction.PAUSE : MediaAction.PLAY);
    }
  }

  write(el, action) {
    const ctx = this.ctx;
    if (ctx.target(el) !== el) return;
    const flags = (el.muted ? MediaFlag.MUTED : 0) | (el.paused ? MediaFlag.PAUSED : 0) | (el.loop ? MediaFlag.LOOP : 0);
    const time = Number.isFinite(el.currentTime) ? el.currentTime * 1000 : 0;
    ctx.writer.media(ctx.now(), ctx.mirror.id(el), action, time, el.playbackRate * 100, el.volume * 100, flags);
  }

  stop() {
    this.on.off();
    this.started = false;
  }

  reset() {
    this.started = false;
  }
}

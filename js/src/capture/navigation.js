// NAV records: the initial load and every same-document navigation.
// history.pushState/replaceState fire no event, so they are wrapped; the
// wrappers are removed on stop, or made inert when another script wrapped
// them after us (restoring then would drop that script's wrapper).

import { Listeners } from './listen.js';

export const NavigationKind = Object.freeze({ load: 0, push: 1, replace: 2, pop: 3, hash: 4 });

export class Navigation {
  start(ctx) {
    this.ctx = ctx;
    this.on = new Listeners(ctx);
    this.active = true;
    this.wrapped = [];
    const win = ctx.win;
    ctx.writer.nav(ctx.now(), NavigationKind.load, win.location.href);
    this.left = false;
    this.on.on(win, 'popstate', () => this.record(NavigationKind.pop));
    this.on.on(win, 'hashchange', () => this.record(NavigationKind.hash));
    this.wrap('pushState', NavigationKind.push);
    this.wrap('replaceState', NavigationKind.replace);
  }

  wrap(method, kind) {
    const history = this.ctx.win.history;
    const original = history[method];
    if (typeof original !== 'function') return;
    const self = this;
    const after = this.ctx.guard(method, () => self.record(kind));
    const wrapper = function (...args) {
      const result = original.apply(this, args);
      if (self.active) after();
      return result;
    };
    try {
      history[method] = wrapper;
    } catch (e) {
      // A frozen history: navigation records are lost, nothing else.
      this.ctx.report('navigation', e);
      return;
    }
    this.wrapped.push([method, original, wrapper]);
  }

  record(kind) {
    if (this.left) return;
    const href = this.ctx.win.location.href;
    if (this.ctx.excluded && this.ctx.excluded(href)) {
      this.left = true;
      this.ctx.leave();
      return;
    }
    this.ctx.writer.nav(this.ctx.now(), kind, href);
  }

  stop() {
    this.active = false;
    const history = this.ctx.win.history;
    for (const [method, original, wrapper] of this.wrapped) {
      if (history[method] === wrapper) history[method] = original;
    }
    this.wrapped = [];
    this.on.off();
  }

  reset() {}
}

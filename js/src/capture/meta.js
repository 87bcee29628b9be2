// META: the page and the screen it is shown on, once per page view. The
// core scrubs the URLs and masks the title per privacy mode.

export const DeviceClass = Object.freeze({ unknown: 0, desktop: 1, tablet: 2, mobile: 3 });

const U16 = 0xffff;
const u16 = (v) => Math.max(0, Math.min(U16, Math.round(v) || 0));

export function deviceClass(viewportWidth, coarsePointer) {
  if (!coarsePointer) return DeviceClass.desktop;
  return viewportWidth < 768 ? DeviceClass.mobile : DeviceClass.tablet;
}

export class Meta {
  start(ctx) {
    const win = ctx.win;
    const coarse = typeof win.matchMedia === 'function' && win.matchMedia('(pointer: coarse)').matches;
    ctx.writer.meta(ctx.now(), {
      url: win.location.href,
      referrer: ctx.doc.referrer,
      title: ctx.doc.title,
      viewportW: u16(win.innerWidth),
      viewportH: u16(win.innerHeight),
      screenW: u16(win.screen ? win.screen.width : 0),
      screenH: u16(win.screen ? win.screen.height : 0),
      dprX100: u16((win.devicePixelRatio || 1) * 100),
      device: deviceClass(win.innerWidth, coarse),
      previousPageView: ctx.previousPageView || '',
    });
  }

  stop() {}

  reset() {}
}

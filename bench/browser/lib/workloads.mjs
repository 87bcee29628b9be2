// The included workloads: where each page is, and the scripted visit that
// runs between "recorder started" and "final flush". The visit is the same
// in every mode.

const wait = (page, ms) => page.waitForTimeout(ms);

async function sweep(page, n, { x0 = 80, y0 = 120, dx = 25, dy = 9, pause = 30 } = {}) {
  for (let i = 0; i < n; i++) {
    await page.mouse.move(x0 + (i * dx) % 1000, y0 + (i * dy) % 500, { steps: 2 });
    await wait(page, pause);
  }
}

export const WORKLOADS = {
  static: {
    path: '/gen/static.html',
    what: '10,000-node static page: the full snapshot, then a few pointer moves',
    async drive(page) {
      await wait(page, 300);
      await sweep(page, 10);
    },
  },
  dashboard: {
    path: '/bench/dashboard.html',
    what: 'live dashboard: ~35 DOM changes every 50 ms, 50 times (2.5 s), pointer moving',
    async drive(page) {
      // The page's own work is the same in every mode: a fixed number of
      // ticks, all inside the measured window.
      await page.evaluate(() => window.__dashboard.start());
      await sweep(page, 25, { pause: 60 });
      await page.waitForFunction(() => window.__dashboard.done, null, { polling: 50 });
    },
  },
  form: {
    path: '/bench/form.html',
    what: 'pointer sweep, typing into 5 fields, a select, a checkbox, wheel scrolling',
    async drive(page) {
      await sweep(page, 10, { pause: 20 });
      const fields = [['#name', 'Jane Example'], ['#email', 'jane.example@example.test'],
        ['#password', 'hunter2-Secret!'], ['#card', '4111 1111 1111 1111'],
        ['#notes', 'Leave it at the back door.']];
      for (const [sel, text] of fields) {
        await page.click(sel);
        await page.keyboard.type(text, { delay: 10 });
      }
      await page.selectOption('#delivery', 'express');
      await page.click('#gift');
      await page.mouse.move(400, 400);
      for (let i = 0; i < 8; i++) { await page.mouse.wheel(0, 300); await wait(page, 40); }
      for (let i = 0; i < 4; i++) { await page.mouse.wheel(0, -600); await wait(page, 40); }
    },
  },
  spa: {
    path: '/bench/spa.html',
    what: 'single-page app: 8 route changes (pushState + ~400-node view), back and forward',
    async drive(page) {
      for (const r of ['products', 'orders', 'customers', 'reports', 'settings', 'help', 'about', 'home']) {
        await page.click(`#nav-${r}`);
        await wait(page, 120);
      }
      await page.goBack();
      await wait(page, 150);
      await page.goForward();
      await wait(page, 150);
    },
  },
};

// A page the user names with --url: whatever it does, plus a pointer sweep
// and some scrolling.
export function urlWorkload(url) {
  return {
    url,
    what: `the page at ${url}: pointer sweep and wheel scrolling`,
    async drive(page) {
      await wait(page, 300);
      await sweep(page, 30);
      await page.mouse.move(400, 400);
      for (let i = 0; i < 8; i++) { await page.mouse.wheel(0, 300); await wait(page, 60); }
    },
  };
}

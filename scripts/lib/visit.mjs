// One scripted visit of the demo shop, used by `./run demo` and by the
// end-to-end test: consent, pointer moves, clicks, scrolls, typing, a
// resize and DOM changes of every kind (adds, removes, moves, attributes,
// text, and an add+remove that must coalesce away).

export const TYPED = {
  name: 'Jane Example',
  email: 'jane.example@example.test',
  password: 'hunter2-Secret!',
  card: '4111 1111 1111 1111',
  notes: 'Leave at the back door',
};

// Returns the ordered list of intended click targets as selectors, so a test
// can check each recorded Click against the node that was really clicked.
export async function driveVisit(page, { pause = 60 } = {}) {
  const clicks = [];
  const click = async (selector) => { await page.click(selector); clicks.push(selector); await page.waitForTimeout(pause); };

  await page.click('#consent-yes');      // before consent: nothing recorded
  await page.waitForFunction(() => window.SessionRecorder.stats().sessionId);
  await page.waitForTimeout(200);

  for (let i = 0; i < 12; i++) await page.mouse.move(100 + i * 40, 200 + (i % 3) * 30, { steps: 3 });
  await click('.product[data-sku="p1"] button.add');
  await click('.product[data-sku="p3"] button.add');
  await click('.product[data-sku="p2"] button.add');
  await click('#cart li[data-sku="p3"] button.remove');
  await click('#sort');
  await click('#flash');

  await page.fill('#name', TYPED.name);
  await page.fill('#email', TYPED.email);
  await page.fill('#password', TYPED.password);
  await page.fill('#card', TYPED.card);
  await page.fill('#notes', TYPED.notes);
  await page.selectOption('#delivery', 'express');
  await click('#gift');

  await page.evaluate(() => document.getElementById('reviews').scrollTo(0, 80));
  await page.mouse.wheel(0, 700);
  await page.waitForTimeout(300);
  await page.setViewportSize({ width: 1100, height: 700 });
  await page.waitForTimeout(300);
  return { clicks };
}

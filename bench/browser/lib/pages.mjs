// The 10,000-node static page, generated once per bench session into a
// temporary folder (deterministic: the same markup every time). Each article
// is 20 nodes (elements, text, and the newline between articles), so 500 of
// them make 10,000; the harness counts the real total in the page.
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export function writeStaticPage(dir, articles = 500) {
  const parts = [];
  for (let i = 0; i < articles; i++) {
    parts.push(
      `<article class="post p${i % 7}" data-id="${i}">` +
      `<h2>Article ${i}: notes on shipping and returns</h2>` +
      `<p>Customer ${i} wrote about order ${1000 + i}; see <a href="/orders/${1000 + i}">the order page</a> for details.</p>` +
      `<ul><li>Item ${i}-a, two units</li><li>Item ${i}-b, one unit</li><li>Item ${i}-c, backordered</li></ul>` +
      `<img alt="photo ${i}" src="data:," width="8" height="8">` +
      `<input type="text" name="q${i}" value="reply ${i}">` +
      `<span class="meta">posted by user${i}@example.test</span></article>\n`);
  }
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bench: 10,000-node static page</title>` +
    `<link rel="icon" href="data:,"><link rel="stylesheet" href="/bench/bench.css">` +
    `<script src="/bench/harness.js"></script></head><body><main id="posts">\n${parts.join('')}</main></body></html>\n`;
  const file = path.join(dir, 'static.html');
  writeFileSync(file, html);
  return file;
}

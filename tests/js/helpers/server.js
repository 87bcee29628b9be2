// A small static server for the browser tests: files from the repository
// under the recorder's promised CSP (so every browser test also proves it
// runs without eval), .wasm as application/wasm, extra in-memory routes, and
// a fake collector at /collect/v1/batch.
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export const CSP = "script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; object-src 'none'";

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.json': 'application/json', '.css': 'text/css', '.svg': 'image/svg+xml',
  '.wav': 'audio/wav' };

// mounts: { '/prefix/': '/abs/dir' }; pages: { '/path': 'html or js text' }.
export async function startServer({ mounts = {}, pages = {} }) {
  const collector = { bodies: [], status: 204, reason: '', delayMs: 0 };
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/collect/v1/batch') {
      const chunks = [];
      for await (const c of req) chunks.push(c);
      if (req.method === 'POST') collector.bodies.push({ body: Buffer.concat(chunks), headers: req.headers, url: req.url });
      if (collector.delayMs) await new Promise((r) => setTimeout(r, collector.delayMs));
      res.writeHead(req.method === 'OPTIONS' ? 204 : collector.status, {
        'Access-Control-Allow-Origin': '*',
        'Content-Type': 'text/plain',
      });
      res.end(collector.reason);
      return;
    }
    let body = null;
    let type = 'text/html';
    if (url.pathname in pages) {
      body = Buffer.from(pages[url.pathname]);
      type = TYPES[path.extname(url.pathname)] || 'text/html';
    } else {
      const prefix = prefixes.find((p) => url.pathname.startsWith(p));
      if (prefix) {
        const file = path.join(mounts[prefix], url.pathname.slice(prefix.length));
        if (file.startsWith(mounts[prefix])) body = await readFile(file).catch(() => null);
        type = TYPES[path.extname(file)] || 'application/octet-stream';
      }
    }
    if (body === null) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': type, 'Content-Security-Policy': CSP, 'Cache-Control': 'no-store' });
    res.end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { origin, collector, close: () => new Promise((r) => server.close(r)) };
}

export const CHROMIUM = process.env.RECORDER_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

// A small static file server for the demo and the browser tests. It serves
// the demo site and dist/ under the strictest CSP the recorder promises to
// work with, so every browser test also proves the CSP claim.
import http from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

export const RECORDER_CSP = "script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; object-src 'none'; base-uri 'none'";

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ts': 'text/plain; charset=utf-8',
};

// mounts: { '/dist/': '/abs/dist', '/': '/abs/site' }; the longest prefix wins.
export async function startStaticServer({ mounts, csp = RECORDER_CSP, host = '127.0.0.1', port = 0 }) {
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://x');
      let pathname = decodeURIComponent(url.pathname);
      if (pathname.endsWith('/')) pathname += 'index.html';
      const prefix = prefixes.find((p) => pathname.startsWith(p));
      if (!prefix) return send(res, 404, 'not found');
      const base = mounts[prefix];
      const file = path.join(base, pathname.slice(prefix.length));
      if (!file.startsWith(base)) return send(res, 403, 'forbidden');
      const info = await stat(file).catch(() => null);
      if (!info || !info.isFile()) return send(res, 404, 'not found');
      const body = await readFile(file);
      res.writeHead(200, {
        'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream',
        'Content-Length': body.length,
        'Content-Security-Policy': csp,
        'Cache-Control': 'no-store',
      });
      res.end(body);
    } catch (err) {
      send(res, 500, String(err && err.message));
    }
  });
  await new Promise((resolve) => server.listen(port, host, resolve));
  const { port: actual } = server.address();
  return {
    url: `http://${host}:${actual}`,
    origin: `http://${host}:${actual}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

function send(res, status, text) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}

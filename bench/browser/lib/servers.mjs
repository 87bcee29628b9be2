// Everything the bench serves or listens on, all on loopback:
//   - the workload site (scripts/lib/static-server.mjs, under the recorder's
//     CSP): /bench/ workloads, /gen/ the generated static page, /dist/ our
//     recorder, /vendor/rrweb/ and /vendor/rrweb-packer/ rrweb from npm;
//   - the real collector (scripts/lib/collector.mjs) behind a counting proxy,
//     so the bytes our recorder sends are counted where they arrive;
//   - the rrweb sink: accepts rrweb's batches, counts bytes, unpacks them to
//     count the size before compression.
import http from 'node:http';
import path from 'node:path';
import os from 'node:os';
import { mkdtempSync, mkdirSync, copyFileSync, rmSync } from 'node:fs';
import { ROOT, startCollector } from '../../../scripts/lib/collector.mjs';
import { startStaticServer } from '../../../scripts/lib/static-server.mjs';
import { writeStaticPage } from './pages.mjs';

export const HERE = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
export const RRWEB_DIST = path.join(ROOT, 'node_modules/rrweb/dist');
export const PACKER_DIST = path.join(ROOT, 'node_modules/@rrweb/packer/dist');
// rrweb's browser bundle ships as .umd.min.cjs; a site serves it as a .js file.
export const RRWEB_FILE = 'rrweb.umd.min.cjs';

function listen(handler) {
  const server = http.createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function headerBytes(req) {
  let n = `${req.method} ${req.url} HTTP/1.1\r\n`.length + 2;
  for (let i = 0; i < req.rawHeaders.length; i += 2) n += req.rawHeaders[i].length + req.rawHeaders[i + 1].length + 4;
  return n;
}

export function newCounter() {
  return { requests: 0, preflights: 0, bodyBytes: 0, headerBytes: 0, rawBytes: 0, events: 0 };
}

export async function startServers({ extraOrigins = [] } = {}) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'recorder-bench-'));
  const gen = path.join(tmp, 'gen');
  const vendor = path.join(tmp, 'rrweb');
  mkdirSync(gen);
  mkdirSync(vendor);
  writeStaticPage(gen);
  copyFileSync(path.join(RRWEB_DIST, RRWEB_FILE), path.join(vendor, 'rrweb.umd.min.js'));

  const site = await startStaticServer({
    mounts: {
      '/bench/': path.join(HERE, 'workloads'),
      '/gen/': gen,
      '/dist/': path.join(ROOT, 'dist'),
      '/vendor/rrweb/': vendor,
      '/vendor/rrweb-packer/': PACKER_DIST,
    },
  });

  const collector = await startCollector({
    db: path.join(tmp, 'collector.db'),
    sites: { bench: [site.origin, ...extraOrigins] },
  });

  // Counters are swapped per run by the caller.
  const counts = { ours: newCounter(), rrweb: newCounter() };

  const proxy = await listen(async (req, res) => {
    try {
      const body = await readBody(req);
      const c = counts.ours;
      if (req.method === 'OPTIONS') c.preflights++;
      else { c.requests++; c.bodyBytes += body.length; c.headerBytes += headerBytes(req); }
      const headers = {};
      for (const [k, v] of Object.entries(req.headers)) if (k !== 'host' && k !== 'content-length' && k !== 'connection') headers[k] = v;
      const up = await fetch(collector.url + req.url, {
        method: req.method, headers, body: req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS' ? undefined : body,
      });
      const out = Buffer.from(await up.arrayBuffer());
      const resHeaders = {};
      up.headers.forEach((v, k) => { if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(k)) resHeaders[k] = v; });
      res.writeHead(up.status, resHeaders);
      res.end(out);
    } catch (err) {
      res.writeHead(502, { 'Content-Type': 'text/plain' });
      res.end(String(err && err.message));
    }
  });

  const { unpack } = await import('@rrweb/packer/unpack').catch(() => import('@rrweb/packer'));
  const sink = await listen(async (req, res) => {
    const cors = {
      'Access-Control-Allow-Origin': req.headers.origin || '*',
      'Access-Control-Allow-Methods': 'POST',
      'Access-Control-Allow-Headers': 'Content-Type',
      'Access-Control-Max-Age': '600',
    };
    const body = await readBody(req);
    const c = counts.rrweb;
    if (req.method === 'OPTIONS') { c.preflights++; res.writeHead(204, cors); return res.end(); }
    c.requests++;
    c.bodyBytes += body.length;
    c.headerBytes += headerBytes(req);
    try {
      const batch = JSON.parse(body.toString('utf8'));
      for (const packed of batch) {
        c.events++;
        c.rawBytes += Buffer.byteLength(JSON.stringify(unpack(packed)));
      }
    } catch (err) {
      c.errors = (c.errors || 0) + 1;
    }
    res.writeHead(204, cors);
    res.end();
  });

  const proxyUrl = `http://127.0.0.1:${proxy.address().port}`;
  const sinkUrl = `http://127.0.0.1:${sink.address().port}/rrweb`;
  return {
    site, collector, proxyUrl, sinkUrl, counts, tmp,
    async collectorRawBytes(sessionId) {
      const res = await fetch(`${collector.url}/v1/sessions?site=bench`);
      if (!res.ok) return null;
      const list = await res.json();
      const s = list.find((x) => x.session === sessionId);
      return s ? { bytes: s.bytes, rawBytes: s.rawBytes } : null;
    },
    async close() {
      await new Promise((r) => proxy.close(r));
      await new Promise((r) => sink.close(r));
      await collector.stop();
      await site.close();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

// Shipped size: the files a site serves for each recorder, raw and gzip -9
// (the gzip binary when present, else zlib at level 9).
import path from 'node:path';
import { readFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { ROOT } from '../../../scripts/lib/collector.mjs';
import { PACKER_DIST, RRWEB_DIST, RRWEB_FILE } from './servers.mjs';

function gzip9(file) {
  try {
    return execFileSync('gzip', ['-9', '-n', '-c', file], { maxBuffer: 64 << 20 }).length;
  } catch {
    return gzipSync(readFileSync(file), { level: 9 }).length;
  }
}

function measure(files) {
  const out = files.filter((f) => existsSync(f)).map((f) => ({
    file: path.relative(ROOT, f), raw: readFileSync(f).length, gzip9: gzip9(f),
  }));
  return { files: out, raw: out.reduce((s, f) => s + f.raw, 0), gzip9: out.reduce((s, f) => s + f.gzip9, 0) };
}

export function shippedSizes() {
  const dist = path.join(ROOT, 'dist');
  const ours = measure(['recorder.js', 'recorder-worker.js', 'recorder-core.mjs', 'recorder-core.wasm'].map((f) => path.join(dist, f)));
  ours.js = ours.files.filter((f) => !f.file.endsWith('.wasm')).reduce((s, f) => s + f.gzip9, 0);
  ours.wasm = ours.gzip9 - ours.js;
  // pack.js imports its shared chunk (base-<hash>.js); both are served.
  const packJs = path.join(PACKER_DIST, 'pack.js');
  const chunk = (readFileSync(packJs, 'utf8').match(/from\s+["']\.\/([^"']+)["']/) || [])[1];
  const rrweb = measure([path.join(RRWEB_DIST, RRWEB_FILE), packJs, ...(chunk ? [path.join(PACKER_DIST, chunk)] : [])]);
  rrweb.js = rrweb.gzip9;
  rrweb.wasm = 0;
  return { ours, rrweb };
}

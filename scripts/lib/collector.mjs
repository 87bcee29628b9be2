// Starts the real collector binary (server-stub/) as a child process on a
// free loopback port and waits for its "listening on" line.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const COLLECTOR_BIN = process.env.RECORDER_COLLECTOR_BIN ||
  path.join(ROOT, 'build/native/server-stub/recorder-collector');
export const DECODE_BIN = process.env.RECORDER_DECODE_BIN ||
  path.join(ROOT, 'build/native/server-stub/recorder-decode');

// sites: { siteKey: [origins] }
export async function startCollector({ db, sites, extraArgs = [], log = false }) {
  if (!existsSync(COLLECTOR_BIN)) throw new Error(`collector not built: ${COLLECTOR_BIN}`);
  const args = ['--db', db, '--port', '0'];
  for (const [key, origins] of Object.entries(sites)) args.push('--site', `${key}=${origins.join(',')}`);
  args.push(...extraArgs);
  const child = spawn(COLLECTOR_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr = [];
  child.stderr.on('data', (d) => { stderr.push(d); if (log) process.stderr.write(d); });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('collector did not start within 10 s: ' + Buffer.concat(stderr))), 10000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`collector exited (${code}): ${Buffer.concat(stderr)}`)); });
  });
  return {
    url,
    process: child,
    stderr: () => Buffer.concat(stderr).toString(),
    async session(id) {
      const res = await fetch(`${url}/v1/sessions/${encodeURIComponent(id)}`);
      if (!res.ok) throw new Error(`GET session ${id}: ${res.status} ${await res.text()}`);
      return res.json();
    },
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', resolve);
      child.kill('SIGTERM');
    }),
  };
}

// npm run build:js: bundles the glue into dist/ and prints each output's
// raw and gzip -9 size. dist/recorder-core.{mjs,wasm} come from the wasm
// build; the worker imports './recorder-core.mjs' at run time.

import { build } from 'esbuild';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);

const common = {
  bundle: true,
  minify: true,
  target: 'es2020',
  platform: 'browser',
  legalComments: 'none',
  logLevel: 'warning',
};

// V8's explicit compile hint: every function of the file is compiled
// eagerly, off the main thread, while the script streams in. Without it each
// is compiled lazily on the main thread at its first call: 50-70 ms of the
// recorder's main-thread time in the bench's dashboard trace, 7-9 ms with it.
// Nearly all of the page bundle runs at start-up anyway. Engines that do not
// know the comment ignore it.
export const COMPILE_HINT = '//# allFunctionsCalledOnLoad';

export const OUTPUTS = [
  {
    entryPoints: [join(here, 'src/global.js')],
    outfile: 'recorder.js',
    format: 'iife',
    // A classic script has no import.meta; index.js falls back to
    // document.currentScript there.
    define: { 'import.meta.url': 'undefined' },
    banner: { js: COMPILE_HINT },
  },
  { entryPoints: [join(here, 'src/index.js')], outfile: 'recorder.mjs', format: 'esm', banner: { js: COMPILE_HINT } },
  // A classic Worker script (engine/load.js says why); it imports the core's
  // loader at run time.
  { entryPoints: [join(here, 'src/worker.js')], outfile: 'recorder-worker.js', format: 'iife' },
  // The replayer, for viewers (not loaded by recorded pages).
  { entryPoints: [join(here, 'src/replay/index.js')], outfile: 'replay.mjs', format: 'esm' },
];

export async function buildAll(outdir = join(root, 'dist')) {
  await mkdir(outdir, { recursive: true });
  const sizes = [];
  for (const { outfile, ...opts } of OUTPUTS) {
    const file = join(outdir, outfile);
    await build({ ...common, ...opts, outfile: file });
    const bytes = await readFile(file);
    sizes.push({ file: outfile, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length });
  }
  await copyFile(join(here, 'recorder.d.ts'), join(outdir, 'recorder.d.ts'));
  return sizes;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sizes = await buildAll(process.argv[2]);
  for (const s of sizes) {
    console.log(`${s.file.padEnd(22)} ${String(s.raw).padStart(7)} B  gzip -9 ${String(s.gzip).padStart(6)} B`);
  }
}

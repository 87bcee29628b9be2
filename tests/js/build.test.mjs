// The page bundles as built: each starts with V8's compile hint (a minifier
// or banner change that drops it would put 50-70 ms of lazy compilation back
// on the page's main thread, which no functional test would notice), and the
// hint is only a comment: the bundles still load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { buildAll, COMPILE_HINT } from '../../js/build.mjs';

test('the page bundles start with the compile hint and still parse', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rec-build-'));
  try {
    await buildAll(dir);
    assert.equal(COMPILE_HINT, '//# allFunctionsCalledOnLoad');
    for (const file of ['recorder.js', 'recorder.mjs']) {
      const text = readFileSync(path.join(dir, file), 'utf8');
      assert.equal(text.split('\n', 1)[0], COMPILE_HINT, `${file}: first line`);
    }
    // The classic bundle runs as a script; the module bundle parses as a module.
    new vm.Script(readFileSync(path.join(dir, 'recorder.js'), 'utf8'));
    if (typeof vm.SourceTextModule === 'function') {
      new vm.SourceTextModule(readFileSync(path.join(dir, 'recorder.mjs'), 'utf8'));
    }
    // The worker and the replayer are not loaded by the page at start-up.
    assert.ok(!readFileSync(path.join(dir, 'recorder-worker.js'), 'utf8').startsWith(COMPILE_HINT));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// The stack every browser suite runs against: a static site (served under
// the recorder's CSP, with dist/ mounted at /dist/), the real collector
// process on a temporary SQLite store, and headless Chromium.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, startCollector } from '../../../scripts/lib/collector.mjs';
import { startStaticServer } from '../../../scripts/lib/static-server.mjs';
import { launchChromium } from '../../../scripts/lib/browser.mjs';

// siteRoot: folder served at '/', relative to the repository.
export async function startStack({ siteRoot, siteKey, name }) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), `rec-${name}-`));
  const stack = { tmp, site: null, collector: null, browser: null };
  stack.close = async () => {
    await stack.browser?.close();
    await stack.collector?.stop();
    await stack.site?.close();
    rmSync(tmp, { recursive: true, force: true });
  };
  try {
    stack.site = await startStaticServer({
      mounts: { '/': path.join(ROOT, siteRoot), '/dist/': path.join(ROOT, 'dist') },
    });
    stack.collector = await startCollector({ db: path.join(tmp, 'collector.db'), sites: { [siteKey]: [stack.site.origin] } });
    stack.browser = await launchChromium();
  } catch (err) {
    await stack.close();
    throw err;
  }
  return stack;
}

// Debian's Chromium, headless, driven by playwright-core. The flags keep it
// from reaching for the network this machine does not have; playwright gives
// each launch a fresh profile of its own.
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.RECORDER_CHROMIUM || '/usr/bin/chromium';

export async function launchChromium({ headless = true } = {}) {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

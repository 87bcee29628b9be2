// The consent adapters start() turns on (consent.googleConsentMode,
// consent.tcf). Each calls apply(levels) with what the site's consent
// platform says; SessionRecorder.consent() keeps working beside them (the
// last decision wins) and Global Privacy Control still wins over all.

import { GoogleConsentMode } from './google.js';
import { Tcf } from './tcf.js';

export function startAdapters(consentOptions, win, apply) {
  const adapters = [];
  if (consentOptions.googleConsentMode) adapters.push(new GoogleConsentMode(win, apply));
  if (consentOptions.tcf) adapters.push(new Tcf(win, apply));
  for (const a of adapters) a.start();
  return adapters;
}

export function stopAdapters(adapters) {
  for (const a of adapters) a.stop();
}

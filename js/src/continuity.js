// Page views of one visit chained into one session. After consent, and only
// then, the session id, the page view id and the time of the tab's last
// activity are kept in sessionStorage: tab-scoped, gone when the tab closes,
// never a cookie, never localStorage. A page loaded in the same tab within
// the idle timeout continues the session, and its PageMeta names the page
// view it follows. Revoking consent removes the entry.
//
// Nothing here runs before consent: the controller calls resume() and
// remember() only for a granted recording (not while buffering).

const KEY = 'session-recorder';
const ID = /^[A-Za-z0-9_-]{1,64}$/;

function storage(win) {
  // Access itself throws in sandboxed frames and with storage disabled.
  try {
    return win.sessionStorage || null;
  } catch (e) {
    return null;
  }
}

// { sessionId, previousPageView } when this tab's last page view was
// recently enough, for this site; null otherwise (a fresh session).
export function resume(win, siteKey, idleTimeoutMs, now) {
  const s = storage(win);
  if (s === null) return null;
  let entry;
  try {
    entry = JSON.parse(s.getItem(KEY));
  } catch (e) {
    return null;
  }
  if (entry === null || typeof entry !== 'object') return null;
  const { site, session, pageView, t } = entry;
  if (site !== siteKey || !ID.test(session) || !ID.test(pageView) || !Number.isFinite(t)) return null;
  if (now - t > idleTimeoutMs || now < t - 60000) return null;
  return { sessionId: session, previousPageView: pageView };
}

// Notes this page view as the tab's latest (also on page hide, so the idle
// timeout counts from the visitor's last moment here).
export function remember(win, siteKey, sessionId, pageViewId, now) {
  const s = storage(win);
  if (s === null) return;
  try {
    s.setItem(KEY, JSON.stringify({ site: siteKey, session: sessionId, pageView: pageViewId, t: now }));
  } catch (e) {
    // Quota or disabled storage: the next page starts a new session.
  }
}

export function forget(win) {
  const s = storage(win);
  if (s === null) return;
  try {
    s.removeItem(KEY);
  } catch (e) {
    // Nothing stored that could be read back.
  }
}

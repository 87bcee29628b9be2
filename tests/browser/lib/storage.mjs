// Every write a page makes to browser storage: an init script that counts
// them (watchStorage, run before any page script) and the state read back.

// Runs in the page (context.addInitScript): counts every storage write.
export function watchStorage() {
  const writes = [];
  window.storageWrites = writes;
  const wrap = (proto, name, label) => {
    const original = proto && proto[name];
    if (typeof original !== 'function') return;
    proto[name] = function (...args) {
      // The recorder's one key (session continuity, after consent only) is
      // named, so a suite can tell it from anything else.
      const own = label.startsWith('Storage.') && this === window.sessionStorage && args[0] === 'session-recorder';
      writes.push(own ? `${label}:session-recorder` : label);
      return original.apply(this, args);
    };
  };
  for (const m of ['setItem', 'removeItem', 'clear']) wrap(Storage.prototype, m, `Storage.${m}`);
  wrap(IDBFactory.prototype, 'open', 'indexedDB.open');
  wrap(IDBFactory.prototype, 'deleteDatabase', 'indexedDB.deleteDatabase');
  if (typeof CacheStorage === 'function') wrap(CacheStorage.prototype, 'open', 'caches.open');
  const cookie = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
  Object.defineProperty(Document.prototype, 'cookie', {
    configurable: true,
    get() { return cookie.get.call(this); },
    set(v) { writes.push('document.cookie'); cookie.set.call(this, v); },
  });
}

export async function storageState(page, context) {
  const inPage = await page.evaluate(async () => ({
    writes: window.storageWrites.slice(),
    local: localStorage.length,
    session: sessionStorage.length,
    continuity: sessionStorage.getItem('session-recorder'),
    cookie: document.cookie,
    indexedDB: (await indexedDB.databases()).map((d) => d.name),
    caches: typeof caches === 'object' ? await caches.keys() : [],
  }));
  return { ...inPage, contextCookies: (await context.cookies()).length };
}

export const NO_STORAGE = { writes: [], local: 0, session: 0, continuity: null, cookie: '', indexedDB: [], caches: [],
  contextCookies: 0 };

// After a grant the recorder may keep one sessionStorage entry, ids and a
// time only (js/src/continuity.js). Returns the state without it, so a suite
// can require "nothing else", and throws if the entry holds anything more.
export function withoutContinuity(state) {
  const out = { ...state, writes: state.writes.filter((w) => !w.endsWith(':session-recorder')) };
  if (state.continuity !== null) {
    const entry = JSON.parse(state.continuity);
    const keys = Object.keys(entry).sort().join(',');
    if (keys !== 'pageView,session,site,t') throw new Error(`continuity entry holds ${keys}`);
    out.session -= 1;
    out.continuity = null;
  }
  return out;
}

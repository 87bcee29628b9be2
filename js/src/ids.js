// Identifiers: random per page load, never derived from the visitor and
// never stored (no cookie, no storage of any kind in this version).

export function randomId(crypto = globalThis.crypto) {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  // 16 bytes -> 22 base64url characters, inside the core's [A-Za-z0-9_-]{1,64}.
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

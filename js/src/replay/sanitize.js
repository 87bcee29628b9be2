// What a replay never lets the recorded page do. The replay iframe is
// sandboxed without allow-scripts, so nothing should run anyway; these rules
// are the second wall, and they keep the replay inert even where a sandbox
// flag is missing (an old viewer, a nested frame): no script content, no
// event handler attributes, no javascript: URLs, no refresh or CSP from a
// <meta>, no <base target>, no nested page loads, no autoplay or autofocus.
//
// An attribute kept out of the DOM is not forgotten: the builder remembers it
// (Replayer.neutralised(el)), so a viewer or the test oracle can still show
// what was recorded.

// Attributes whose value is a URL that could be javascript:. The check runs
// on every attribute anyway; this list only names where it matters most.
const SCRIPT_URL = /^[\u0000-\u0020]*j[\s]*a[\s]*v[\s]*a[\s]*s[\s]*c[\s]*r[\s]*i[\s]*p[\s]*t[\s]*:/i;

// [element localName or '*', attribute] pairs never set on the replay DOM.
const BY_ELEMENT = {
  script: ['src', 'type', 'nonce', 'integrity'],
  iframe: ['src', 'srcdoc', 'sandbox', 'allow'],
  frame: ['src'],
  object: ['data', 'codebase'],
  embed: ['src'],
  meta: ['http-equiv'],
  base: ['target'],
  form: ['action', 'target'],
  video: ['autoplay'],
  audio: ['autoplay'],
  a: ['ping', 'target'],
  area: ['ping', 'target'],
  portal: ['src'],
};
const EVERYWHERE = new Set(['autofocus', 'formaction', 'formtarget']);

// Whether the builder must keep `name=value` out of the replay DOM.
export function neutralise(localName, name, value) {
  const lower = name.toLowerCase();
  if (lower.startsWith('on')) return true;
  if (EVERYWHERE.has(lower)) return true;
  const list = BY_ELEMENT[localName];
  if (list !== undefined && list.includes(lower)) return true;
  return typeof value === 'string' && SCRIPT_URL.test(value);
}

// Elements whose children the builder never creates: a script's text is
// code (the recorder never sends it; if a future one did, it stays out).
export function childless(localName) {
  return localName === 'script';
}

// Extra attributes forced on elements so they stay inert whatever was
// recorded: nested frames are sandboxed like the outer replay frame.
export function forced(localName) {
  if (localName === 'iframe' || localName === 'frame') return [['sandbox', 'allow-same-origin']];
  return null;
}

// How an attribute's value is treated, by the attribute's name: the same
// tables as the core's (recorder/src/attribute_policy.cc, which decides
// what reaches the wire); tests/js/attributes.test.mjs checks they agree.
// The glue uses them for what it masks itself: inside a masked region (and
// under analytics-only consent) and, in strict mode, content it need not
// hand to the core at all.
//
// Only the allowlist goes out as is; URL-bearing attributes are scrubbed by
// the core; every other name, known or not, is content.

export const AttrPolicy = Object.freeze({
  AS_IS: 0, CONTENT: 1, FIELD_VALUE: 2, URL: 3, URL_LIST: 4, SRCSET: 5, STYLE: 6, MASKED: 7, DROPPED: 8,
});

// BEGIN kAsIs
const AS_IS = new Set([
  'class', 'id', 'type', 'rel', 'role', 'dir', 'lang', 'xml:lang', 'translate', 'hidden', 'tabindex',
  'accesskey', 'for', 'form', 'list', 'headers', 'name', 'width', 'height', 'colspan', 'rowspan', 'span',
  'scope', 'align', 'valign', 'bgcolor', 'border', 'cellpadding', 'cellspacing', 'nowrap', 'color', 'size',
  'cols', 'rows', 'maxlength', 'minlength', 'min', 'max', 'step', 'multiple', 'accept', 'autocomplete',
  'inputmode', 'enterkeyhint', 'autocapitalize', 'autocorrect', 'spellcheck', 'wrap', 'checked', 'selected',
  'disabled', 'readonly', 'required', 'autofocus', 'novalidate', 'formnovalidate', 'formmethod',
  'formenctype', 'formtarget', 'open', 'controls', 'autoplay', 'loop', 'muted', 'playsinline', 'preload',
  'defer', 'async', 'nomodule', 'crossorigin', 'integrity', 'referrerpolicy', 'sandbox', 'allow',
  'allowfullscreen', 'frameborder', 'scrolling', 'decoding', 'loading', 'fetchpriority', 'draggable',
  'contenteditable', 'inert', 'popover', 'popovertarget', 'popovertargetaction', 'slot', 'part', 'is',
  'media', 'sizes', 'as', 'hreflang', 'target', 'method', 'enctype', 'accept-charset', 'charset',
  'http-equiv', 'property', 'itemscope', 'itemref', 'start', 'reversed', 'kind', 'srclang', 'default',
  'high', 'low', 'optimum', 'shape', 'coords', 'usemap', 'ismap', 'blocking', 'shadowrootmode',
  'shadowrootdelegatesfocus', 'shadowrootclonable', 'shadowrootserializable', 'commandfor', 'command',
  'xmlns', 'xmlns:xlink', 'version', 'data-recorder-block', 'data-recorder-mask', 'data-recorder-unmask',
  'aria-activedescendant', 'aria-atomic', 'aria-autocomplete', 'aria-busy', 'aria-checked', 'aria-colcount',
  'aria-colindex', 'aria-colspan', 'aria-controls', 'aria-current', 'aria-describedby', 'aria-details',
  'aria-disabled', 'aria-dropeffect', 'aria-errormessage', 'aria-expanded', 'aria-flowto', 'aria-grabbed',
  'aria-haspopup', 'aria-hidden', 'aria-invalid', 'aria-labelledby', 'aria-level', 'aria-live', 'aria-modal',
  'aria-multiline', 'aria-multiselectable', 'aria-orientation', 'aria-owns', 'aria-posinset', 'aria-pressed',
  'aria-readonly', 'aria-relevant', 'aria-required', 'aria-rowcount', 'aria-rowindex', 'aria-rowspan',
  'aria-selected', 'aria-setsize', 'aria-sort', 'aria-valuemax', 'aria-valuemin', 'viewbox',
  'preserveaspectratio', 'transform', 'd', 'points', 'x', 'y', 'x1', 'y1', 'x2', 'y2', 'cx', 'cy', 'r', 'rx',
  'ry', 'fx', 'fy', 'fr', 'dx', 'dy', 'rotate', 'pathlength', 'fill', 'fill-opacity', 'fill-rule', 'stroke',
  'stroke-width', 'stroke-linecap', 'stroke-linejoin', 'stroke-dasharray', 'stroke-dashoffset',
  'stroke-miterlimit', 'stroke-opacity', 'opacity', 'clip-path', 'clip-rule', 'clippathunits', 'mask',
  'maskunits', 'maskcontentunits', 'filter', 'filterunits', 'primitiveunits', 'marker-start', 'marker-mid',
  'marker-end', 'markerwidth', 'markerheight', 'markerunits', 'orient', 'refx', 'refy', 'offset',
  'stop-color', 'stop-opacity', 'gradientunits', 'gradienttransform', 'spreadmethod', 'patternunits',
  'patterncontentunits', 'patterntransform', 'text-anchor', 'dominant-baseline', 'alignment-baseline',
  'baseline-shift', 'font-family', 'font-size', 'font-weight', 'font-style', 'font-variant',
  'letter-spacing', 'word-spacing', 'text-decoration', 'textlength', 'lengthadjust', 'writing-mode',
  'visibility', 'display', 'overflow', 'color-interpolation', 'color-interpolation-filters', 'vector-effect',
  'shape-rendering', 'text-rendering', 'image-rendering', 'paint-order', 'mix-blend-mode', 'isolation',
  'cursor', 'pointer-events', 'focusable', 'stddeviation', 'in', 'in2', 'result', 'operator', 'k1', 'k2',
  'k3', 'k4', 'mode', 'flood-color', 'flood-opacity', 'lighting-color', 'surfacescale', 'diffuseconstant',
  'specularconstant', 'specularexponent', 'kernelmatrix', 'order', 'edgemode', 'scale', 'xchannelselector',
  'ychannelselector', 'basefrequency', 'numoctaves', 'seed', 'stitchtiles', 'tablevalues', 'slope',
  'intercept', 'amplitude', 'exponent', 'azimuth', 'elevation', 'pointsatx', 'pointsaty', 'pointsatz',
  'limitingconeangle', 'attributename', 'attributetype', 'begin', 'dur', 'end', 'repeatcount', 'repeatdur',
  'restart', 'calcmode', 'keytimes', 'keysplines', 'keypoints', 'additive', 'accumulate', 'xml:space',
]);
// END kAsIs

// BEGIN kUrl
const URL_NAMES = new Set([
  'href', 'src', 'action', 'formaction', 'poster', 'cite', 'data', 'background', 'xlink:href', 'longdesc',
  'codebase', 'manifest', 'profile', 'itemtype', 'itemid', 'classid', 'icon', 'lowsrc', 'dynsrc',
]);
// END kUrl

// BEGIN kUrlList
const URL_LIST = new Set(['ping', 'archive']);
// END kUrlList

// BEGIN kSrcset
const SRCSET = new Set(['srcset', 'imagesrcset']);
// END kSrcset

const cache = new Map();

function decide(lower) {
  // Inline handlers are code; nonce is a CSP secret. Neither is ever read.
  if ((lower.length > 2 && lower.startsWith('on')) || lower === 'nonce') return AttrPolicy.DROPPED;
  if (lower === 'value') return AttrPolicy.FIELD_VALUE;
  if (lower === 'style') return AttrPolicy.STYLE;
  if (lower === 'srcdoc') return AttrPolicy.MASKED;
  if (URL_NAMES.has(lower)) return AttrPolicy.URL;
  if (URL_LIST.has(lower)) return AttrPolicy.URL_LIST;
  if (SRCSET.has(lower)) return AttrPolicy.SRCSET;
  if (AS_IS.has(lower)) return AttrPolicy.AS_IS;
  return AttrPolicy.CONTENT;
}

// name: as the DOM reports it (SVG has viewBox); compared in lower case.
export function attrPolicy(name) {
  let p = cache.get(name);
  if (p === undefined) {
    p = name.length > 40 ? AttrPolicy.CONTENT : decide(name.toLowerCase());
    if (cache.size < 4096) cache.set(name, p);
  }
  return p;
}

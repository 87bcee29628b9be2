#include "attribute_policy.h"

#include <array>
#include <string>
#include <unordered_set>

namespace recorder {
namespace {

// The tables below are read by tests/js/attributes.test.mjs to check that
// the glue (js/src/attributes.js) agrees: keep one quoted name per entry and
// the BEGIN/END lines.

// Sent as is: they shape the page, they do not hold what a visitor reads or
// typed. ARIA state and relations are here; ARIA text (aria-label,
// aria-description, aria-valuetext, aria-roledescription, aria-placeholder,
// ...) is not. aria-valuenow is a custom control's value, so it is not either.
// BEGIN kAsIs
constexpr std::string_view kAsIsNames[] = {
    // HTML structure and presentation
    "class", "id", "type", "rel", "role", "dir", "lang", "xml:lang", "translate", "hidden", "tabindex",
    "accesskey", "for", "form", "list", "headers", "name", "width", "height", "colspan", "rowspan", "span",
    "scope", "align", "valign", "bgcolor", "border", "cellpadding", "cellspacing", "nowrap", "color", "size",
    "cols", "rows", "maxlength", "minlength", "min", "max", "step", "multiple", "accept", "autocomplete",
    "inputmode", "enterkeyhint", "autocapitalize", "autocorrect", "spellcheck", "wrap", "checked", "selected",
    "disabled", "readonly", "required", "autofocus", "novalidate", "formnovalidate", "formmethod",
    "formenctype", "formtarget", "open", "controls", "autoplay", "loop", "muted", "playsinline", "preload",
    "defer", "async", "nomodule", "crossorigin", "integrity", "referrerpolicy", "sandbox", "allow",
    "allowfullscreen", "frameborder", "scrolling", "decoding", "loading", "fetchpriority", "draggable",
    "contenteditable", "inert", "popover", "popovertarget", "popovertargetaction", "slot", "part", "is", "media",
    "sizes", "as", "hreflang", "target", "method", "enctype", "accept-charset", "charset", "http-equiv",
    "property", "itemscope", "itemref", "start", "reversed", "kind", "srclang", "default", "high", "low",
    "optimum", "shape", "coords", "usemap", "ismap", "blocking", "shadowrootmode", "shadowrootdelegatesfocus",
    "shadowrootclonable", "shadowrootserializable", "commandfor", "command", "xmlns", "xmlns:xlink", "version",
    // the recorder's own markers
    "data-recorder-block", "data-recorder-mask", "data-recorder-unmask",
    // ARIA state and relations
    "aria-activedescendant", "aria-atomic", "aria-autocomplete", "aria-busy", "aria-checked", "aria-colcount",
    "aria-colindex", "aria-colspan", "aria-controls", "aria-current", "aria-describedby", "aria-details",
    "aria-disabled", "aria-dropeffect", "aria-errormessage", "aria-expanded", "aria-flowto", "aria-grabbed",
    "aria-haspopup", "aria-hidden", "aria-invalid", "aria-labelledby", "aria-level", "aria-live", "aria-modal",
    "aria-multiline", "aria-multiselectable", "aria-orientation", "aria-owns", "aria-posinset", "aria-pressed",
    "aria-readonly", "aria-relevant", "aria-required", "aria-rowcount", "aria-rowindex", "aria-rowspan",
    "aria-selected", "aria-setsize", "aria-sort", "aria-valuemax", "aria-valuemin",
    // SVG geometry, presentation, filters and animation timing
    "viewbox", "preserveaspectratio", "transform", "d", "points", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy",
    "r", "rx", "ry", "fx", "fy", "fr", "dx", "dy", "rotate", "pathlength", "fill", "fill-opacity", "fill-rule",
    "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin", "stroke-dasharray", "stroke-dashoffset",
    "stroke-miterlimit", "stroke-opacity", "opacity", "clip-path", "clip-rule", "clippathunits", "mask",
    "maskunits", "maskcontentunits", "filter", "filterunits", "primitiveunits", "marker-start", "marker-mid",
    "marker-end", "markerwidth", "markerheight", "markerunits", "orient", "refx", "refy", "offset",
    "stop-color", "stop-opacity", "gradientunits", "gradienttransform", "spreadmethod", "patternunits",
    "patterncontentunits", "patterntransform", "text-anchor", "dominant-baseline", "alignment-baseline",
    "baseline-shift", "font-family", "font-size", "font-weight", "font-style", "font-variant",
    "letter-spacing", "word-spacing", "text-decoration", "textlength", "lengthadjust", "writing-mode",
    "visibility", "display", "overflow", "color-interpolation", "color-interpolation-filters", "vector-effect",
    "shape-rendering", "text-rendering", "image-rendering", "paint-order", "mix-blend-mode", "isolation",
    "cursor", "pointer-events", "focusable", "stddeviation", "in", "in2", "result", "operator", "k1", "k2",
    "k3", "k4", "mode", "flood-color", "flood-opacity", "lighting-color", "surfacescale", "diffuseconstant",
    "specularconstant", "specularexponent", "kernelmatrix", "order", "edgemode", "scale", "xchannelselector",
    "ychannelselector", "basefrequency", "numoctaves", "seed", "stitchtiles", "tablevalues", "slope",
    "intercept", "amplitude", "exponent", "azimuth", "elevation", "pointsatx", "pointsaty", "pointsatz",
    "limitingconeangle", "attributename", "attributetype", "begin", "dur", "end", "repeatcount", "repeatdur",
    "restart", "calcmode", "keytimes", "keysplines", "keypoints", "additive", "accumulate", "xml:space",
};
// END kAsIs

// One URL each: scrubbed (query and fragment dropped unless allowlisted,
// sensitive path segments replaced, mailto:/tel:/data: cut to the scheme).
// BEGIN kUrl
constexpr std::string_view kUrlNames[] = {
    "href", "src", "action", "formaction", "poster", "cite", "data", "background", "xlink:href", "longdesc",
    "codebase", "manifest", "profile", "itemtype", "itemid", "classid", "icon", "lowsrc", "dynsrc",
};
// END kUrl

// BEGIN kUrlList
constexpr std::string_view kUrlListNames[] = {"ping", "archive"};
// END kUrlList

// BEGIN kSrcset
constexpr std::string_view kSrcsetNames[] = {"srcset", "imagesrcset"};
// END kSrcset

template <size_t N>
std::unordered_set<std::string_view> SetOf(const std::string_view (&names)[N]) {
  return std::unordered_set<std::string_view>(std::begin(names), std::end(names));
}

}  // namespace

AttrPolicy PolicyOfAttribute(std::string_view name) {
  static const auto* const as_is = new std::unordered_set<std::string_view>(SetOf(kAsIsNames));
  static const auto* const url = new std::unordered_set<std::string_view>(SetOf(kUrlNames));
  static const auto* const url_list = new std::unordered_set<std::string_view>(SetOf(kUrlListNames));
  static const auto* const srcset = new std::unordered_set<std::string_view>(SetOf(kSrcsetNames));

  // No known name is longer; a longer one is content, whatever it is.
  constexpr size_t kLongest = 40;
  if (name.size() > kLongest) return AttrPolicy::kContent;
  std::array<char, kLongest> buf;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    buf[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  const std::string_view lower(buf.data(), name.size());

  // Inline handlers are code with embedded data; the replay never runs them.
  if (lower.size() > 2 && lower.substr(0, 2) == "on") return AttrPolicy::kDropped;
  if (lower == "nonce") return AttrPolicy::kDropped;  // a CSP secret, useless to a replay
  if (lower == "value") return AttrPolicy::kFieldValue;
  if (lower == "style") return AttrPolicy::kStyle;
  if (lower == "srcdoc") return AttrPolicy::kMasked;
  if (url->count(lower)) return AttrPolicy::kUrl;
  if (url_list->count(lower)) return AttrPolicy::kUrlList;
  if (srcset->count(lower)) return AttrPolicy::kSrcset;
  if (as_is->count(lower)) return AttrPolicy::kAsIs;
  return AttrPolicy::kContent;
}

}  // namespace recorder

// attribute_policy.h: how the masking gate treats an attribute's value,
// decided by the attribute's name alone.
//
// Only an allowlist of structural and presentational attributes (class, id,
// role, sizes, SVG geometry, ARIA state, ...) goes out as is. URL-bearing
// attributes are scrubbed as URLs, `style` as CSS, and every attribute not
// named here, `data-*`, `itemprop` content or a name invented tomorrow, is
// page content: masked in strict mode, scanned for personal data otherwise.
// A forgotten name therefore costs a masked value on replay, never a leak.
//
// The glue keeps the same lists (js/src/attributes.js) for the masking it
// does itself inside masked regions; tests/js/attributes.test.mjs checks that
// the two agree, reading the tables between the BEGIN/END lines below.
#ifndef RECORDER_SRC_ATTRIBUTE_POLICY_H_
#define RECORDER_SRC_ATTRIBUTE_POLICY_H_

#include <string_view>

namespace recorder {

enum class AttrPolicy {
  kAsIs,      // allowlisted: structural or presentational
  kContent,   // page content: follows the mode (the default for unknown names)
  kFieldValue,  // `value`: a form field's value, masked like one
  kUrl,       // one URL, scrubbed
  kUrlList,   // space-separated URLs (ping), each scrubbed
  kSrcset,    // "url descriptor, ..." candidates, each URL scrubbed
  kStyle,     // inline CSS: url() queries dropped, strings scanned or masked
  kMasked,    // always masked whatever the mode (srcdoc: a whole document)
  kDropped,   // never sent: inline event handlers (code), nonce (a secret)
};

// `name` as the DOM reports it; compared case-insensitively (SVG has
// viewBox, HTML names are lower case already).
AttrPolicy PolicyOfAttribute(std::string_view name);

}  // namespace recorder

#endif  // RECORDER_SRC_ATTRIBUTE_POLICY_H_

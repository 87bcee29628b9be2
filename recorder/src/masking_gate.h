// masking_gate.h: the one function every string passes before the wire.
//
// The encoder's string table accepts only GatedString, and only MaskingGate
// can make one, so no code path can put a string on the wire without this
// gate deciding on it. The decision is a pure function of (value, field kind,
// attribute name, privacy mode, rules), which keeps it testable as a table.
//
// Masks hide length: a masked value becomes a fixed token chosen by a coarse
// length class, so a 4-digit PIN and a 16-digit card number look the same.
// Whatever the mode lets through is then scanned for personal data
// (pii_detector.h), and each find becomes a fixed token such as "[email]".
#ifndef RECORDER_SRC_MASKING_GATE_H_
#define RECORDER_SRC_MASKING_GATE_H_

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "byte_reader.h"
#include "pii_detector.h"
#include "recorder/options.h"

namespace recorder {

enum class FieldKind {
  kIdentifier,  // site key, session and page view ids (validated elsewhere)
  kTagName,     // element or doctype name
  kAttrName,
  kAttrValue,   // decided by the attribute's name too
  kText,        // text node content
  kCssText,     // text of a <style> element
  kComment,
  kInputValue,  // a form field's current value
  kUrl,         // page URL, referrer, navigation target
  kTitle,       // document.title
};

// A string that has passed the gate. It views either the caller's input
// (valid for the current flush) or the gate's static tokens.
class GatedString {
 public:
  std::string_view view() const { return value_; }

 private:
  friend class MaskingGate;
  explicit GatedString(std::string_view v) : value_(v) {}
  std::string_view value_;
};

class MaskingGate {
 public:
  // `allow_query_params`: Options::allow_query_params, already validated.
  explicit MaskingGate(PrivacyMode mode, std::vector<std::string> allow_query_params = {})
      : mode_(mode), allow_query_params_(std::move(allow_query_params)) {}

  // `attr_name` matters only for kAttrValue.
  GatedString Apply(const RawString& raw, FieldKind kind, std::string_view attr_name = {});

  // Releases strings the gate built during the previous flush. GatedStrings
  // from before this call must no longer be used.
  void BeginFlush() { owned_.clear(); }

  // Masks, scrubbed URLs and personal-data finds replaced since construction
  // (a text with two finds counts two).
  uint64_t masked_count() const { return masked_; }

  // The token for a masked value of the given length class (records.h).
  static std::string_view MaskToken(uint32_t length_class);
  // The length class of a value the gate itself decides to mask.
  static uint32_t LengthClassOf(std::string_view utf8);
  // The URL without fragment, user info, and query parameters other than
  // those named in `allow_query_params` (exact, case-sensitive names);
  // scheme-only for data:, javascript:, mailto:, tel: and blob: (their
  // payload is the content). Path segments that look like an email address,
  // a long number or a token become "*"; personal data inside other segments
  // and inside kept parameter values becomes its token. Segments and values
  // are judged percent-decoded, so "jane%40x.test" is an email too.
  static std::string ScrubUrl(std::string_view url,
                              const std::vector<std::string>& allow_query_params = {});
  // Whether one path segment looks like personal data or a secret.
  static bool IsSensitiveSegment(std::string_view segment);

 private:
  GatedString Mask(const RawString& raw);
  GatedString Keep(std::string_view v) { return GatedString(v); }
  GatedString Scrubbed(std::string_view original, std::string_view result);
  GatedString ScrubbedUrl(std::string_view url);
  // `v` with every personal-data span replaced by its token.
  GatedString Redacted(std::string_view v);
  // Same, looking only inside CSS string literals (content: "...").
  GatedString RedactedCss(std::string_view v);
  GatedString Rebuilt(std::string_view v, const std::vector<PiiSpan>& spans);

  // Storage for values the gate had to build (e.g. a scrubbed srcset); a deque
  // so earlier views stay valid while it grows.
  std::deque<std::string> owned_;
  PrivacyMode mode_;
  std::vector<std::string> allow_query_params_;
  // Reused between calls so scanning does not allocate.
  std::vector<PiiSpan> spans_;
  std::vector<PiiSpan> css_spans_;
  uint64_t masked_ = 0;
};

}  // namespace recorder

#endif  // RECORDER_SRC_MASKING_GATE_H_

#include "masking_gate.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "recorder/records.h"

namespace recorder {
namespace {

// Fixed tokens, one per length class: the wire shows a coarse size for
// layout, never the real length.
constexpr std::string_view kTokens[] = {
    "",
    "********",
    "********************************",
    "********************************************************************************"
    "************************************************",
    "********************************************************************************"
    "********************************************************************************"
    "********************************************************************************"
    "****************",
};

// Attributes whose value is page content, masked like text.
bool IsContentAttribute(std::string_view name) {
  static constexpr std::array<std::string_view, 9> kNames = {
      "title", "alt", "aria-label", "aria-description", "aria-valuetext",
      "placeholder", "label", "summary", "content"};
  if (name.substr(0, 5) == "data-") return true;
  return std::find(kNames.begin(), kNames.end(), name) != kNames.end();
}

bool IsUrlAttribute(std::string_view name) {
  static constexpr std::array<std::string_view, 11> kNames = {
      "href", "src", "action", "formaction", "poster", "cite", "data",
      "background", "xlink:href", "ping", "longdesc"};
  return std::find(kNames.begin(), kNames.end(), name) != kNames.end();
}

bool IsWhitespace(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f';
  });
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

}  // namespace

std::string_view MaskingGate::MaskToken(uint32_t length_class) {
  if (length_class >= std::size(kTokens)) length_class = std::size(kTokens) - 1;
  return kTokens[length_class];
}

uint32_t MaskingGate::LengthClassOf(std::string_view utf8) {
  // Count code points, not bytes, so the class matches what the glue computes
  // from a JS string's length for most text.
  size_t n = std::count_if(utf8.begin(), utf8.end(),
                           [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
  if (n == 0) return kLengthEmpty;
  if (n <= 16) return kLengthShort;
  if (n <= 64) return kLengthMedium;
  if (n <= 256) return kLengthLong;
  return kLengthHuge;
}

std::string_view MaskingGate::ScrubUrl(std::string_view url) {
  for (std::string_view scheme : {"data:", "javascript:", "mailto:", "tel:", "blob:"}) {
    if (StartsWithNoCase(url, scheme)) return url.substr(0, scheme.size());
  }
  size_t cut = url.find_first_of("?#");
  return cut == std::string_view::npos ? url : url.substr(0, cut);
}

GatedString MaskingGate::Mask(const RawString& raw) {
  uint32_t cls = raw.masked_by_glue ? raw.length_class : LengthClassOf(raw.text);
  if (cls != kLengthEmpty) ++masked_;
  return GatedString(MaskToken(cls));
}

GatedString MaskingGate::Scrubbed(std::string_view original, std::string_view result) {
  if (result.size() != original.size()) ++masked_;
  return GatedString(result);
}

GatedString MaskingGate::Apply(const RawString& raw, FieldKind kind, std::string_view attr_name) {
  // What the glue withheld stays withheld, whatever the kind.
  if (raw.masked_by_glue) return Mask(raw);
  std::string_view v = raw.text;

  switch (kind) {
    case FieldKind::kIdentifier:
    case FieldKind::kTagName:
    case FieldKind::kAttrName:
    case FieldKind::kCssText:
      return Keep(v);

    case FieldKind::kText:
      // Whitespace carries layout, not content.
      if (mode_ == PrivacyMode::kStrict && !IsWhitespace(v)) return Mask(raw);
      return Keep(v);

    case FieldKind::kComment:
    case FieldKind::kTitle:
      return mode_ == PrivacyMode::kStrict ? Mask(raw) : Keep(v);

    case FieldKind::kInputValue:
      // Input values are masked unless the site chose relaxed; a fixed token
      // for any non-empty value.
      if (mode_ == PrivacyMode::kRelaxed || v.empty()) return Keep(v);
      ++masked_;
      return GatedString(MaskToken(kLengthShort));

    case FieldKind::kUrl:
      return Scrubbed(v, ScrubUrl(v));

    case FieldKind::kAttrValue:
      break;
  }

  // Attribute values: decided by the attribute's name.
  if (attr_name.size() > 2 && attr_name.substr(0, 2) == "on") {
    // Inline handlers are code with embedded data; the replay never runs them.
    return Scrubbed(v, {});
  }
  if (attr_name == "srcdoc") return Mask(raw);
  if (attr_name == "value") {
    RawString as_input{v, false, 0};
    return Apply(as_input, FieldKind::kInputValue);
  }
  if (IsUrlAttribute(attr_name)) return Scrubbed(v, ScrubUrl(v));
  if (attr_name == "srcset") {
    // "url 1x, url 2x": scrub each candidate's URL, keep its descriptor.
    std::string out;
    size_t pos = 0;
    while (pos < v.size()) {
      size_t comma = v.find(',', pos);
      std::string_view candidate = v.substr(pos, comma == std::string_view::npos ? v.npos : comma - pos);
      size_t start = candidate.find_first_not_of(" \t\n");
      if (start != std::string_view::npos) {
        candidate.remove_prefix(start);
        size_t space = candidate.find_first_of(" \t\n");
        std::string_view url = candidate.substr(0, space);
        if (!out.empty()) out += ", ";
        out += ScrubUrl(url);
        if (space != std::string_view::npos) out += candidate.substr(space);
      }
      if (comma == std::string_view::npos) break;
      pos = comma + 1;
    }
    owned_.push_back(std::move(out));
    return Scrubbed(v, owned_.back());
  }
  if (IsContentAttribute(attr_name) && mode_ == PrivacyMode::kStrict) return Mask(raw);
  return Keep(v);
}

}  // namespace recorder

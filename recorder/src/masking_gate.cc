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

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Invalid escapes stay as they are: the detector then sees what the page had.
std::string PercentDecode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
      i += 2;
    } else {
      out += (plus_is_space && s[i] == '+') ? ' ' : s[i];
    }
  }
  return out;
}

// Escapes what would end a path segment or a parameter value; the tokens'
// brackets stay readable.
std::string PercentEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    const bool plain = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
                       std::string_view("-._~[]!$'()*,;:@").find(c) != std::string_view::npos;
    if (plain) {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

std::string ReplaceSpans(std::string_view v, const std::vector<PiiSpan>& spans) {
  std::string out;
  out.reserve(v.size());
  size_t pos = 0;
  for (const PiiSpan& s : spans) {
    out.append(v.substr(pos, s.begin - pos)).append(PiiToken(s.kind));
    pos = s.end;
  }
  out.append(v.substr(pos));
  return out;
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

bool MaskingGate::IsSensitiveSegment(std::string_view seg) {
  if (seg.find('@') != std::string_view::npos) return true;  // an email address
  size_t digits = 0, letters = 0, other = 0;
  for (char c : seg) {
    if (c >= '0' && c <= '9') ++digits;
    else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) ++letters;
    else if (c != '-' && c != '_' && c != '.') ++other;
  }
  if (digits >= 8) return true;                                      // account, phone, order ids
  if (seg.size() >= 20 && digits > 0 && letters > 0) return true;    // tokens, UUIDs, hashes
  return other > 0 && seg.size() >= 20;                              // encoded blobs
}

std::string MaskingGate::ScrubUrl(std::string_view url, const std::vector<std::string>& allow) {
  for (std::string_view scheme : {"data:", "javascript:", "mailto:", "tel:", "blob:"}) {
    if (StartsWithNoCase(url, scheme)) return std::string(url.substr(0, scheme.size()));
  }
  url = url.substr(0, url.find('#'));
  std::string_view query;
  if (size_t q = url.find('?'); q != std::string_view::npos) {
    query = url.substr(q + 1);
    url = url.substr(0, q);
  }
  // Keep "scheme://host" as is, without "user:password@"; judge each path
  // segment after it.
  std::string out;
  size_t path_start = 0;
  size_t scheme_end = url.find("://");
  if (scheme_end != std::string_view::npos) {
    size_t host_end = url.find('/', scheme_end + 3);
    path_start = host_end == std::string_view::npos ? url.size() : host_end;
    std::string_view authority = url.substr(scheme_end + 3, path_start - scheme_end - 3);
    if (size_t at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
    out.append(url.substr(0, scheme_end + 3)).append(authority);
  }
  std::vector<PiiSpan> spans;
  size_t pos = path_start;
  while (pos < url.size()) {
    size_t slash = url.find('/', pos);
    size_t end = slash == std::string_view::npos ? url.size() : slash;
    std::string_view seg = url.substr(pos, end - pos);
    const std::string decoded = PercentDecode(seg, false);
    if (IsSensitiveSegment(seg) || IsSensitiveSegment(decoded)) {
      out += '*';
    } else {
      FindPii(decoded, &spans);
      if (spans.empty()) {
        out += seg;
      } else {
        out += PercentEncode(ReplaceSpans(decoded, spans));
      }
    }
    if (slash == std::string_view::npos) break;
    out += '/';
    pos = slash + 1;
  }
  if (allow.empty()) return out;
  char joiner = '?';
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view param = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    size_t eq = param.find('=');
    std::string_view name = param.substr(0, eq);
    if (std::find(allow.begin(), allow.end(), name) == allow.end()) continue;
    out += joiner;
    joiner = '&';
    if (eq == std::string_view::npos) {
      out += param;
      continue;
    }
    std::string value = PercentDecode(param.substr(eq + 1), true);
    FindPii(value, &spans);
    if (spans.empty()) {
      out += param;
    } else {
      out.append(name).append("=").append(PercentEncode(ReplaceSpans(value, spans)));
    }
  }
  return out;
}

GatedString MaskingGate::ScrubbedUrl(std::string_view url) {
  std::string scrubbed = ScrubUrl(url, allow_query_params_);
  if (scrubbed == url) return GatedString(url);
  ++masked_;
  owned_.push_back(std::move(scrubbed));
  return GatedString(owned_.back());
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

GatedString MaskingGate::Rebuilt(std::string_view v, const std::vector<PiiSpan>& spans) {
  if (spans.empty()) return GatedString(v);
  masked_ += spans.size();
  owned_.push_back(ReplaceSpans(v, spans));
  return GatedString(owned_.back());
}

GatedString MaskingGate::Redacted(std::string_view v) {
  FindPii(v, &spans_);
  return Rebuilt(v, spans_);
}

GatedString MaskingGate::RedactedCss(std::string_view v) {
  // Only string literals hold page content in CSS; selectors, numbers and
  // colours around them must stay intact for the replay.
  css_spans_.clear();
  size_t pos = 0;
  while ((pos = v.find_first_of("\"'", pos)) != std::string_view::npos) {
    const char quote = v[pos];
    size_t end = pos + 1;
    while (end < v.size() && v[end] != quote) end += v[end] == '\\' ? 2 : 1;
    end = std::min(end, v.size());
    FindPii(v.substr(pos + 1, end - pos - 1), &spans_);
    for (const PiiSpan& s : spans_) css_spans_.push_back({s.begin + pos + 1, s.end + pos + 1, s.kind});
    pos = end + 1;
  }
  return Rebuilt(v, css_spans_);
}

GatedString MaskingGate::Apply(const RawString& raw, FieldKind kind, std::string_view attr_name) {
  // What the glue withheld stays withheld, whatever the kind.
  if (raw.masked_by_glue) return Mask(raw);
  std::string_view v = raw.text;

  switch (kind) {
    case FieldKind::kIdentifier:
    case FieldKind::kTagName:
    case FieldKind::kAttrName:
      return Keep(v);

    case FieldKind::kCssText:
      return RedactedCss(v);

    case FieldKind::kText:
      // Whitespace carries layout, not content.
      if (mode_ == PrivacyMode::kStrict && !IsWhitespace(v)) return Mask(raw);
      return Redacted(v);

    case FieldKind::kComment:
    case FieldKind::kTitle:
      return mode_ == PrivacyMode::kStrict ? Mask(raw) : Redacted(v);

    case FieldKind::kInputValue:
      // Input values are masked unless the site chose relaxed; a fixed token
      // for any non-empty value.
      if (mode_ == PrivacyMode::kRelaxed || v.empty()) return Redacted(v);
      ++masked_;
      return GatedString(MaskToken(kLengthShort));

    case FieldKind::kUrl:
      return ScrubbedUrl(v);

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
  if (IsUrlAttribute(attr_name)) return ScrubbedUrl(v);
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
        out += ScrubUrl(url, allow_query_params_);
        if (space != std::string_view::npos) out += candidate.substr(space);
      }
      if (comma == std::string_view::npos) break;
      pos = comma + 1;
    }
    owned_.push_back(std::move(out));
    return Scrubbed(v, owned_.back());
  }
  if (IsContentAttribute(attr_name) && mode_ == PrivacyMode::kStrict) return Mask(raw);
  if (attr_name == "style") return RedactedCss(v);
  // Every other kept value, class and id included: rare, but must not leak.
  return Redacted(v);
}

}  // namespace recorder

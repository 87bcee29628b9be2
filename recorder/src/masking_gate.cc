#include "masking_gate.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "attribute_policy.h"
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


// "url 1x, url 2x": each candidate's URL scrubbed, its descriptor kept.
std::string ScrubSrcset(std::string_view v, const std::vector<std::string>& allow) {
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
      out += MaskingGate::ScrubUrl(url, allow);
      if (space != std::string_view::npos) out += candidate.substr(space);
    }
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return out;
}

// Space-separated URLs (ping), each scrubbed.
std::string ScrubUrlList(std::string_view v, const std::vector<std::string>& allow) {
  std::string out;
  size_t pos = 0;
  while ((pos = v.find_first_not_of(" \t\n\r\f", pos)) != std::string_view::npos) {
    size_t end = std::min(v.find_first_of(" \t\n\r\f", pos), v.size());
    if (!out.empty()) out += ' ';
    out += MaskingGate::ScrubUrl(v.substr(pos, end - pos), allow);
    pos = end;
  }
  return out;
}

// An inline style: every url() scrubbed like a URL attribute and, when
// `mask_strings`, every quoted string emptied (content: and custom
// properties are text the page shows). The glue does the same before
// sending; this holds whatever the glue did.
std::string ScrubInlineCss(std::string_view v, const std::vector<std::string>& allow, bool mask_strings) {
  std::string out;
  out.reserve(v.size());
  size_t i = 0;
  while (i < v.size()) {
    const char c = v[i];
    if (c == '"' || c == '\'') {
      size_t end = i + 1;
      while (end < v.size() && v[end] != c) end += v[end] == '\\' ? 2 : 1;
      end = std::min(end + 1, v.size());
      if (mask_strings) {
        out.append(2, c);
      } else {
        out.append(v.substr(i, end - i));
      }
      i = end;
      continue;
    }
    if ((c == 'u' || c == 'U') && StartsWithNoCase(v.substr(i), "url(")) {
      size_t close = v.find(')', i + 4);
      if (close == std::string_view::npos) close = v.size();
      std::string_view inner = v.substr(i + 4, close - i - 4);
      size_t a = inner.find_first_not_of(" \t\n\r\f");
      size_t b = inner.find_last_not_of(" \t\n\r\f");
      inner = a == std::string_view::npos ? std::string_view() : inner.substr(a, b - a + 1);
      std::string_view quote;
      if (!inner.empty() && (inner.front() == '"' || inner.front() == '\'')) {
        quote = inner.substr(0, 1);
        inner.remove_prefix(1);
        if (!inner.empty() && inner.back() == quote[0]) inner.remove_suffix(1);
      }
      out.append("url(").append(quote).append(MaskingGate::ScrubUrl(inner, allow)).append(quote).append(")");
      i = close + 1;
      continue;
    }
    out += c;
    ++i;
  }
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
  // A region the site unmasked reads as relaxed; detectors still run.
  const PrivacyMode mode = raw.unmasked ? PrivacyMode::kRelaxed : mode_;

  switch (kind) {
    case FieldKind::kIdentifier:
    case FieldKind::kTagName:
    case FieldKind::kAttrName:
      return Keep(v);

    case FieldKind::kCssText:
      return RedactedCss(v);

    case FieldKind::kText:
      // Whitespace carries layout, not content.
      if (mode == PrivacyMode::kStrict && !IsWhitespace(v)) return Mask(raw);
      return Redacted(v);

    case FieldKind::kComment:
    case FieldKind::kTitle:
      return mode == PrivacyMode::kStrict ? Mask(raw) : Redacted(v);

    case FieldKind::kInputValue:
      // Input values are masked unless the site chose relaxed; a fixed token
      // for any non-empty value.
      if (mode == PrivacyMode::kRelaxed || v.empty()) return Redacted(v);
      ++masked_;
      return GatedString(MaskToken(kLengthShort));

    case FieldKind::kUrl:
      return ScrubbedUrl(v);

    case FieldKind::kAttrValue:
      break;
  }

  // Attribute values: decided by the attribute's name (attribute_policy.h).
  switch (PolicyOfAttribute(attr_name)) {
    case AttrPolicy::kDropped:
      return Scrubbed(v, {});
    case AttrPolicy::kMasked:
      return Mask(raw);
    case AttrPolicy::kFieldValue: {
      RawString as_input{v, false, 0, raw.unmasked};
      return Apply(as_input, FieldKind::kInputValue);
    }
    case AttrPolicy::kUrl:
      return ScrubbedUrl(v);
    case AttrPolicy::kUrlList:
      owned_.push_back(ScrubUrlList(v, allow_query_params_));
      return Scrubbed(v, owned_.back());
    case AttrPolicy::kSrcset:
      owned_.push_back(ScrubSrcset(v, allow_query_params_));
      return Scrubbed(v, owned_.back());
    case AttrPolicy::kStyle: {
      std::string css = ScrubInlineCss(v, allow_query_params_, mode == PrivacyMode::kStrict);
      if (css == v) return RedactedCss(v);
      ++masked_;
      owned_.push_back(std::move(css));
      return RedactedCss(owned_.back());
    }
    case AttrPolicy::kContent:
      if (mode == PrivacyMode::kStrict) return Mask(raw);
      return Redacted(v);
    case AttrPolicy::kAsIs:
      break;
  }
  // Allowlisted values are structure, yet still scanned: an id or a class
  // built from an email address must not carry it out.
  return Redacted(v);
}

}  // namespace recorder

// pii_detector.cc: see pii_detector.h for the rules. Each Match* function
// looks at one candidate start and returns the end of a match, or 0; the
// scanner tries them only where a token can start, so plain prose costs one
// table lookup per byte.
#include "pii_detector.h"

#include <string_view>

namespace recorder {
namespace {

constexpr size_t kNone = std::string_view::npos;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsAlnum(char c) { return IsDigit(c) || IsUpper(c) || IsLower(c); }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool IsEmailLocal(char c) {
  return IsAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-' || c == '\'';
}
bool IsJoiner(char c) { return c == '-' || c == '.' || c == '/'; }

size_t Digits(std::string_view t, size_t p) {
  size_t k = p;
  while (k < t.size() && IsDigit(t[k])) ++k;
  return k - p;
}

// Whether a match may start at i: nothing glued to its front ("v1.2.3.4",
// "ORD-2024-00017", "a_1") and no sign of an order number or a price.
bool StartsToken(std::string_view t, size_t i) {
  if (i == 0) return true;
  const char p = t[i - 1];
  if (IsAlnum(p) || p == '_' || p == '#' || p == '$') return false;
  if (IsJoiner(p) && i >= 2 && IsAlnum(t[i - 2])) return false;
  if (p == ':' && i >= 2 && IsDigit(t[i - 2])) return false;  // the minutes of 12:30
  const auto u = static_cast<unsigned char>(p);
  // £ (C2 A3), ¥ (C2 A5), € (E2 82 AC)
  if ((u == 0xA3 || u == 0xA5) && i >= 2 && static_cast<unsigned char>(t[i - 2]) == 0xC2) return false;
  if (u == 0xAC && i >= 3 && t.substr(i - 3, 3) == "\xE2\x82\xAC") return false;
  return true;
}

// Whether a match may end at e: the next character does not continue it.
bool EndsToken(std::string_view t, size_t e) {
  if (e >= t.size()) return true;
  const char c = t[e];
  if (IsAlnum(c) || c == '_') return false;
  return !(IsJoiner(c) && e + 1 < t.size() && IsAlnum(t[e + 1]));
}

int Number(std::string_view t, size_t p, size_t len) {
  int v = 0;
  for (size_t k = 0; k < len; ++k) v = v * 10 + (t[p + k] - '0');
  return v;
}

// --- US SSN -----------------------------------------------------------------

size_t MatchSsn(std::string_view t, size_t i) {
  if (i + 11 > t.size()) return 0;
  const char sep = t[i + 3];
  if ((sep != '-' && sep != ' ') || t[i + 6] != sep) return 0;
  if (Digits(t, i) != 3 || Digits(t, i + 4) != 2 || Digits(t, i + 7) != 4) return 0;
  const int area = Number(t, i, 3), group = Number(t, i + 4, 2), serial = Number(t, i + 7, 4);
  if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0) return 0;
  return EndsToken(t, i + 11) ? i + 11 : 0;
}

// --- IP addresses -------------------------------------------------------------

// A dotted quad starting at p, without boundary checks; its end or 0.
size_t ParseIpv4(std::string_view t, size_t p) {
  for (int part = 0; part < 4; ++part) {
    const size_t d = Digits(t, p);
    if (d == 0 || d > 3 || Number(t, p, d) > 255) return 0;
    p += d;
    if (part < 3) {
      if (p >= t.size() || t[p] != '.') return 0;
      ++p;
    }
  }
  return p;
}

size_t MatchIpv4(std::string_view t, size_t i) {
  const size_t end = ParseIpv4(t, i);
  return end != 0 && EndsToken(t, end) ? end : 0;
}

size_t MatchIpv6(std::string_view t, size_t i) {
  const size_t n = t.size();
  if (i > 0 && (t[i - 1] == ':' || t[i - 1] == '.')) return 0;
  size_t p = i, end = 0;
  int groups = 0, hex_digits = 0;
  bool compressed = false;
  if (t[p] == ':') {
    if (p + 1 >= n || t[p + 1] != ':') return 0;
    compressed = true;
    p += 2;
    end = p;
  }
  while (p < n) {
    size_t h = 0;
    bool decimal = true;
    while (p + h < n && IsHex(t[p + h]) && h < 5) decimal &= IsDigit(t[p + h++]);
    if (h == 0) break;
    if (decimal && p + h < n && t[p + h] == '.') {
      // An IPv4 tail takes the place of the last two groups.
      const size_t v4 = ParseIpv4(t, p);
      if (v4 == 0 || groups > 6) return 0;
      groups += 2;
      hex_digits += 4;
      end = v4;
      break;
    }
    if (h > 4) return 0;
    ++groups;
    hex_digits += static_cast<int>(h);
    p += h;
    end = p;
    if (p + 1 < n && t[p] == ':' && t[p + 1] == ':') {
      if (compressed) return 0;
      compressed = true;
      p += 2;
      end = p;
    } else if (p + 1 < n && t[p] == ':' && IsHex(t[p + 1])) {
      ++p;
    } else {
      break;
    }
  }
  // Four hex digits at least, so CSS "a::b" and loopback "::1" stay text.
  const bool valid = compressed ? groups <= 7 && hex_digits >= 4 : groups == 8;
  if (!valid) return 0;
  // A trailing ':' may end a sentence ("from fe80::1: denied"), but not
  // continue a longer colon run (a MAC, or 9+ groups).
  if (end < n && (IsAlnum(t[end]) || t[end] == '_')) return 0;
  if (end + 1 < n && t[end] == ':' && (IsAlnum(t[end + 1]) || t[end + 1] == ':')) return 0;
  return end;
}

// --- Payment cards ------------------------------------------------------------

bool LuhnValid(const char* d, int count) {
  int sum = 0;
  bool twice = false;
  for (int k = count - 1; k >= 0; --k) {
    int x = d[k] - '0';
    if (twice && (x *= 2) > 9) x -= 9;
    sum += x;
    twice = !twice;
  }
  return sum % 10 == 0;
}

size_t MatchCard(std::string_view t, size_t i) {
  constexpr int kMaxGroups = 12;
  char digits[8 * kMaxGroups + 24];
  size_t group_end[kMaxGroups];
  int group_len[kMaxGroups], digits_upto[kMaxGroups];
  int groups = 0, total = 0;
  char sep = 0;
  size_t p = i;
  while (groups < kMaxGroups) {
    const size_t d = Digits(t, p);
    if (d == 0) break;
    if (d > (groups == 0 ? 19u : 8u)) {
      if (groups == 0) return 0;  // one long unbroken number: an id
      break;
    }
    for (size_t k = 0; k < d; ++k) digits[total++] = t[p + k];
    p += d;
    group_len[groups] = static_cast<int>(d);
    group_end[groups] = p;
    digits_upto[groups++] = total;
    if (p + 1 >= t.size() || !IsDigit(t[p + 1])) break;
    const char c = t[p];
    if (c != ' ' && c != '-' && c != '.') break;
    if (sep != 0 && c != sep) break;
    sep = c;
    ++p;
  }
  // Longest first: "card CVV" or "card quantity" still finds the card.
  for (int k = groups - 1; k >= 0; --k) {
    const int count = digits_upto[k];
    if (count < 13 || count > 19) continue;
    if (k > 0) {
      bool grouped = true;
      for (int g = 0; g <= k; ++g) grouped &= group_len[g] >= 2 && group_len[g] <= 8;
      if (!grouped) continue;
    }
    if (count == 13 && digits[0] != '4') continue;
    if (k == groups - 1 && !EndsToken(t, group_end[k])) continue;
    if (LuhnValid(digits, count)) return group_end[k];
  }
  return 0;
}

// --- Phone numbers ------------------------------------------------------------

struct NumberGroups {
  static constexpr int kMax = 16;
  size_t start[kMax];
  size_t end[kMax];  // after the digits and any closing bracket
  int len[kMax];
  char sep_after[kMax];  // ' ', '-', '.', '/', or ')' after a bracketed group
  int count = 0;
  bool bracket = false;
};

bool IsYear(std::string_view t, size_t p) {
  const int y = Number(t, p, 4);
  return y >= 1900 && y <= 2099;
}

// 2024-01-15, 15.01.2024, 01/15/2024: three groups shaped like a date.
bool HasDateShape(std::string_view t, const NumberGroups& g, int groups) {
  for (int j = 0; j + 2 < groups; ++j) {
    const int a = g.len[j], b = g.len[j + 1], c = g.len[j + 2];
    if (a == 4 && b <= 2 && c <= 2 && IsYear(t, g.start[j])) return true;
    if (a <= 2 && b <= 2 && c == 4 && IsYear(t, g.start[j + 2])) return true;
  }
  return false;
}

bool PhoneShape(std::string_view t, const NumberGroups& g, int groups, bool plus) {
  int total = 0;
  for (int j = 0; j < groups; ++j) total += g.len[j];
  if (plus) return total >= 7 && total <= 15;
  if (total < 7 || total > 15 || HasDateShape(t, g, groups)) return false;
  const char first = t[g.start[0]];
  if (groups == 1) {
    // Unbroken national numbers only with a trunk 0: 07700900123.
    return first == '0' && t[g.start[0] + 1] != '0' && total >= 10 && total <= 11;
  }
  for (int j = 1; j < groups; ++j) {
    if (g.len[j] < 2) return false;  // ISBN 978-3-16-148410-0
  }
  // North American: (415) 555-2671, 415.555.2671, 1-800-555-0199.
  const int o = (groups == 4 && g.len[0] == 1 && first == '1') ? 1 : 0;
  if (groups - o == 3 && g.len[o] == 3 && g.len[o + 1] == 3 && g.len[o + 2] == 4 &&
      t[g.start[o]] >= '2' && g.sep_after[o] != '/' && g.sep_after[o + 1] != '/') {
    return true;
  }
  // Trunk prefix 0 (or 00 international): 020 7946 0958, (030) 1234567.
  // No real number continues 000 (SSN look-alike 000-12-3456).
  if (first == '0') {
    char lead[3] = {0, 0, 0};
    int got = 0;
    for (int j = 0; j < groups && got < 3; ++j) {
      for (int k = 0; k < g.len[j] && got < 3; ++k) lead[got++] = t[g.start[j] + k];
    }
    return total >= 8 && !(lead[1] == '0' && lead[2] == '0');
  }
  // Groups of 2-3 digits with one separator: 912 345 678, 12-34-56-78
  // (a 4-digit last group would take SSN look-alikes such as 000-12-3456).
  if (groups < 3 || g.bracket || total > 12) return false;
  const char sep = g.sep_after[0];
  if (sep != ' ' && sep != '-') return false;
  for (int j = 0; j < groups; ++j) {
    if (g.len[j] < 2 || g.len[j] > 3) return false;
    if (j + 1 < groups && g.sep_after[j] != sep) return false;
  }
  return true;
}

size_t MatchPhone(std::string_view t, size_t i) {
  const size_t n = t.size();
  size_t p = i;
  const bool plus = t[p] == '+';
  if (plus) {
    ++p;
    if (p >= n || !IsDigit(t[p]) || t[p] == '0') return 0;
  }
  NumberGroups g;
  int total = 0;
  bool overlong = false;
  while (g.count < NumberGroups::kMax) {
    const bool open = p < n && t[p] == '(' && !g.bracket;
    const size_t q = open ? p + 1 : p;
    const size_t d = Digits(t, q);
    if (d == 0) break;
    if (open && (q + d >= n || t[q + d] != ')')) break;
    if (total + static_cast<int>(d) > 15) {
      overlong = true;  // no phone is this long; only a space-cut prefix may be one
      break;
    }
    total += static_cast<int>(d);
    const int j = g.count++;
    g.start[j] = q;
    g.len[j] = static_cast<int>(d);
    p = q + d + (open ? 1 : 0);
    g.end[j] = p;
    g.bracket |= open;
    g.sep_after[j] = 0;
    if (p >= n) break;
    const char c = t[p];
    if (open && IsDigit(c)) {  // "+44 (0)20"
      g.sep_after[j] = ')';
      continue;
    }
    const bool next_ok = p + 1 < n && (IsDigit(t[p + 1]) || (t[p + 1] == '(' && !g.bracket));
    if ((c == ' ' || c == '-' || c == '.' || c == '/') && next_ok) {
      g.sep_after[j] = open ? ')' : c;
      ++p;
      continue;
    }
    break;
  }
  // The whole run, or a prefix of it cut at a space (a number after a phone).
  for (int k = g.count - 1; k >= 0; --k) {
    const bool whole = k == g.count - 1 && !overlong;
    if (!whole && g.sep_after[k] != ' ') continue;
    if (whole && !EndsToken(t, g.end[k])) continue;
    if (PhoneShape(t, g, k + 1, plus)) return g.end[k];
  }
  return 0;
}

// --- IBAN ---------------------------------------------------------------------

bool IsIbanChar(char c) { return IsUpper(c) || IsDigit(c); }

int Mod97(const char* s, int len) {
  int r = 0;
  for (int k = 0; k < len; ++k) {
    const char c = s[(k + 4) % len];  // the first four characters go last
    r = IsDigit(c) ? (r * 10 + (c - '0')) % 97 : (r * 100 + (c - 'A' + 10)) % 97;
  }
  return r;
}

// *shaped is set to the end of an IBAN-shaped run that failed its check:
// a reference code, whose digits must not be read as a card or phone.
size_t MatchIban(std::string_view t, size_t i, size_t* shaped) {
  const size_t n = t.size();
  *shaped = 0;
  if (i + 4 > n || !IsUpper(t[i + 1]) || !IsDigit(t[i + 2]) || !IsDigit(t[i + 3])) return 0;
  char buf[40];
  int len = 4;
  for (int k = 0; k < 4; ++k) buf[k] = t[i + k];
  size_t p = i + 4;
  if (p < n && IsIbanChar(t[p])) {  // unbroken
    while (p < n && IsIbanChar(t[p]) && len <= 34) buf[len++] = t[p++];
    if (len < 15 || len > 34 || !EndsToken(t, p)) return 0;
    if (Mod97(buf, len) == 1) return p;
    *shaped = p;
    return 0;
  }
  // Space-separated groups of four; the last may be shorter.
  size_t ends[9];
  int lens[9], count = 0;
  while (count < 9 && p + 1 < n && t[p] == ' ' && IsIbanChar(t[p + 1])) {
    size_t q = p + 1;
    while (q < n && IsIbanChar(t[q]) && q - p <= 4) ++q;
    const int g = static_cast<int>(q - p - 1);
    if (g > 4 || len + g > 34 || (q < n && IsAlnum(t[q]))) break;
    for (int k = 0; k < g; ++k) buf[len++] = t[p + 1 + k];
    p = q;
    ends[count] = p;
    lens[count++] = len;
    if (g < 4) break;
  }
  for (int k = count - 1; k >= 0; --k) {
    if (lens[k] >= 15 && EndsToken(t, ends[k]) && Mod97(buf, lens[k]) == 1) return ends[k];
  }
  if (count > 0 && lens[count - 1] >= 15) *shaped = ends[count - 1];
  return 0;
}

// --- Email --------------------------------------------------------------------

// The first email whose '@' is at or after `from` and whose local part
// starts at or after `lo`.
bool NextEmail(std::string_view t, size_t from, size_t lo, PiiSpan* out) {
  const size_t n = t.size();
  for (size_t at = t.find('@', from); at != kNone; at = t.find('@', at + 1)) {
    size_t b = at;
    while (b > lo && IsEmailLocal(t[b - 1])) --b;
    while (b < at && (t[b] == '.' || t[b] == '\'')) ++b;  // 'jane@x.test' in quotes
    if (b == at || t[at - 1] == '.') continue;
    size_t p = at + 1, end = 0, first_b = p, first_e = p, last_b = p;
    int labels = 0;
    while (p < n) {
      const size_t lb = p;
      while (p < n && (IsAlnum(t[p]) || t[p] == '-')) ++p;
      if (p == lb || t[lb] == '-' || t[p - 1] == '-') break;
      if (labels++ == 0) first_e = p;
      last_b = lb;
      end = p;
      if (p + 1 < n && t[p] == '.' && IsAlnum(t[p + 1])) {
        ++p;
      } else {
        break;
      }
    }
    if (labels < 2 || end - last_b < 2) continue;
    bool alpha_tld = true;
    for (size_t k = last_b; k < end; ++k) alpha_tld &= IsUpper(t[k]) || IsLower(t[k]);
    if (!alpha_tld) continue;
    // icon@2x.png is an image, not a mailbox.
    const std::string_view first = t.substr(first_b, first_e - first_b);
    if (first.size() >= 2 && (first.back() == 'x' || first.back() == 'X') &&
        Digits(first, 0) == first.size() - 1) {
      continue;
    }
    *out = PiiSpan{b, end, PiiKind::kEmail};
    return true;
  }
  return false;
}

// The end of a fixed-width grouped number starting at i (groups of one
// width joined by one kind of separator; the last may be shorter, as in
// "9400 1000 0000 0000 0000 00"), and its digit count; i when there is none.
size_t UniformRunEnd(std::string_view t, size_t i, size_t* digits) {
  size_t p = i, end = i, width = 0;
  char sep = 0;
  bool shorter_seen = false;
  *digits = 0;
  while (true) {
    const size_t d = Digits(t, p);
    if (d == 0) break;
    if (width == 0) width = d;
    if (d > width || shorter_seen) return i;
    shorter_seen = d < width;
    *digits += d;
    p += d;
    end = p;
    if (p + 1 >= t.size() || !IsDigit(t[p + 1])) break;
    const char c = t[p];
    if ((c != ' ' && c != '-' && c != '.') || (sep != 0 && c != sep)) break;
    sep = c;
    ++p;
  }
  return end;
}

}  // namespace

void FindPii(std::string_view t, std::vector<PiiSpan>* out) {
  out->clear();
  const size_t n = t.size();
  // Pre-filter: every detector needs an '@', a ':' or at least four digits.
  size_t digits = 0;
  bool has_at = false, has_colon = false;
  for (char c : t) {
    digits += IsDigit(c);
    has_at |= c == '@';
    has_colon |= c == ':';
  }
  const bool numeric = digits >= 4;
  if (!has_at && !has_colon && !numeric) return;

  PiiSpan email{kNone, kNone, PiiKind::kEmail};
  bool have_email = has_at && NextEmail(t, 0, 0, &email);
  size_t i = 0;
  while (i < n) {
    if (have_email && i == email.begin) {
      out->push_back(email);
      i = email.end;
      have_email = NextEmail(t, i, i, &email);
      continue;
    }
    const char c = t[i];
    size_t end = 0;
    PiiKind kind = PiiKind::kIp;
    const bool candidate = IsDigit(c) || c == '+' || c == '(' || IsUpper(c) ||
                           (has_colon && (IsHex(c) || c == ':'));
    if (candidate && StartsToken(t, i)) {
      if (numeric && IsDigit(c)) {
        if ((end = MatchSsn(t, i))) kind = PiiKind::kSsn;
        else if ((end = MatchIpv4(t, i))) kind = PiiKind::kIp;
        else if ((end = MatchCard(t, i))) kind = PiiKind::kCard;
        else if ((end = MatchPhone(t, i))) kind = PiiKind::kPhone;
      } else if (numeric && (c == '+' || c == '(')) {
        if ((end = MatchPhone(t, i))) kind = PiiKind::kPhone;
      } else if (numeric && IsUpper(c)) {
        size_t shaped = 0;
        if ((end = MatchIban(t, i, &shaped))) kind = PiiKind::kIban;
        if (shaped != 0) {
          i = shaped;
          continue;
        }
      }
      if (!end && numeric && IsDigit(c)) {
        // A fixed-width grouped number too long for any detector (a
        // tracking number) is one identifier; its later groups are not
        // fresh starts.
        size_t run_digits = 0;
        const size_t run_end = UniformRunEnd(t, i, &run_digits);
        if (run_digits > 19) {
          i = run_end;
          continue;
        }
      }
      if (!end && has_colon && (IsHex(c) || c == ':') && (end = MatchIpv6(t, i))) {
        kind = PiiKind::kIp;
      }
    }
    if (end == 0) {
      ++i;
      continue;
    }
    out->push_back(PiiSpan{i, end, kind});
    // An email overlapping this match loses the overlapping part.
    if (have_email && email.begin < end) {
      have_email = NextEmail(t, end, end, &email);
    }
    i = end;
  }
}

std::string_view PiiToken(PiiKind kind) {
  switch (kind) {
    case PiiKind::kEmail: return "[email]";
    case PiiKind::kCard: return "[card]";
    case PiiKind::kPhone: return "[phone]";
    case PiiKind::kIban: return "[iban]";
    case PiiKind::kSsn: return "[ssn]";
    case PiiKind::kIp: return "[ip]";
  }
  return "[pii]";
}

}  // namespace recorder

// pii_detector.h: finds personal data in page text the gate is about to keep.
//
// FindPii is a pure function of its input: no locale, no allocation beyond
// the caller's span vector, one left-to-right pass with cheap pre-filters.
// It favours masking too much over leaking: a long Luhn-valid id may come out
// as [card]; but it refuses the common look-alikes of page text (dates,
// times, prices, versions, order and ISBN numbers), whose loss would make
// replays useless.
//
// What counts (the tests in tests/recorder/pii_detector_test.cc pin each rule):
//  kEmail  local@domain.tld: local part of [A-Za-z0-9._%+'-], a domain of at
//          least two labels and an alphabetic TLD of 2+ letters. Not: retina
//          asset names (icon@2x.png), package pins (pkg@1.2.3), @handles.
//  kCard   13-19 digits, Luhn-valid, either unbroken or in groups of 2-8
//          digits joined by one kind of separator (space, '-' or '.'). A run
//          longer than 19 digits is searched for a card at group boundaries
//          (a card followed by its CVV). 13-digit numbers count only when they
//          start with 4 (the one network that issued them), which keeps
//          EAN-13 and ISBN-13 barcodes out.
//  kPhone  '+' and 7-15 digits in any grouping; or a national form: North
//          American 3-3-4 / 1-3-3-4 (optionally "(415) 555-2671"), trunk-prefixed
//          numbers starting with 0 (8-15 digits, separators or brackets, or
//          unbroken 10-11 digits like 07700900123), or 3+ groups of 2-3 digits
//          (last 2-4) with one space or dash separator. Groups after the first
//          have 2+ digits (this keeps ISBNs out); date-shaped groups
//          (2024-01-15, 15.01.2024) and runs over 15 digits never count.
//  kIban   two capital letters, two check digits and an alphanumeric BBAN, 15-34
//          characters, unbroken or in space-separated groups of four, with
//          mod-97 == 1.
//  kSsn    US social security numbers AAA-GG-SSSS with dashes or spaces (the
//          same both times), area not 000/666/9xx, group not 00, serial not
//          0000. Unbroken 9-digit numbers are too ambiguous and do not count.
//  kIp     IPv4 dotted quads with each part <= 255: "1.2.3.4" IS an address
//          (a four-part version string is indistinguishable, so it is masked);
//          versions with 2, 3 or 5+ parts are not. IPv6 in full, compressed
//          ("2001:db8::1") or IPv4-suffixed form; compressed forms need at
//          least 4 hex digits, so "::1" and "a::b" do not count.
//
// Digit-led matches need a token boundary on both sides: no letter or digit
// next to them, no "ORD-" or "v" glued on ("ORD-2024-00017" stays), and no
// '#', '$', '€', '£' or '¥' in front (order numbers and prices). A
// fixed-width grouped number of more than 19 digits that holds no card from
// its start (a tracking number such as "9400 1000 0000 0000 0000 00"), and
// an IBAN-shaped code failing its check, are skipped whole rather than
// searched from their middle; the price is that a card glued by the same
// separator to a same-width number before it ("Ref 1234 4111 1111 1111 1111")
// is missed.
#ifndef RECORDER_SRC_PII_DETECTOR_H_
#define RECORDER_SRC_PII_DETECTOR_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace recorder {

enum class PiiKind : uint8_t { kEmail, kCard, kPhone, kIban, kSsn, kIp };

// [begin, end) byte offsets into the scanned text.
struct PiiSpan {
  size_t begin;
  size_t end;
  PiiKind kind;
};

// Replaces *out with the spans found in `text`, in order, never overlapping.
// Reusing one vector across calls keeps scanning allocation-free.
void FindPii(std::string_view text, std::vector<PiiSpan>* out);

inline std::vector<PiiSpan> FindPii(std::string_view text) {
  std::vector<PiiSpan> spans;
  FindPii(text, &spans);
  return spans;
}

// The fixed token that replaces a span of this kind: "[email]", "[card]",
// "[phone]", "[iban]", "[ssn]" or "[ip]". Fixed so the wire shows what kind
// of data was there, never its length.
std::string_view PiiToken(PiiKind kind);

}  // namespace recorder

#endif  // RECORDER_SRC_PII_DETECTOR_H_

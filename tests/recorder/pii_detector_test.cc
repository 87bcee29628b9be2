// Tests recorder/src/pii_detector.cc: per detector, a table of positives
// (varied formats and separators) and of look-alikes that must stay text.
#include "pii_detector.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

namespace recorder {
namespace {

struct Positive {
  const char* name;
  std::string text;
  std::string match;  // the exact substring that must be found
};

struct Negative {
  const char* name;
  std::string text;
};

// Readable parameters in failure messages instead of byte dumps.
void PrintTo(const Positive& c, std::ostream* os) { *os << '"' << c.text << '"'; }
void PrintTo(const Negative& c, std::ostream* os) { *os << '"' << c.text << '"'; }

std::string TestName(const char* name) {
  std::string n = name;
  for (char& ch : n) {
    if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return n;
}

const char* KindName(PiiKind k) {
  switch (k) {
    case PiiKind::kEmail: return "email";
    case PiiKind::kCard: return "card";
    case PiiKind::kPhone: return "phone";
    case PiiKind::kIban: return "iban";
    case PiiKind::kSsn: return "ssn";
    case PiiKind::kIp: return "ip";
  }
  return "?";
}

std::string Describe(std::string_view text, const std::vector<PiiSpan>& spans) {
  std::string out;
  for (const PiiSpan& s : spans) {
    out += std::string(KindName(s.kind)) + ":'" + std::string(text.substr(s.begin, s.end - s.begin)) + "' ";
  }
  return out.empty() ? "(nothing)" : out;
}

void ExpectOnly(PiiKind kind, const Positive& c) {
  const std::vector<PiiSpan> spans = FindPii(c.text);
  ASSERT_EQ(spans.size(), 1u) << c.text << " -> " << Describe(c.text, spans);
  EXPECT_EQ(spans[0].kind, kind) << c.text << " -> " << Describe(c.text, spans);
  EXPECT_EQ(c.text.substr(spans[0].begin, spans[0].end - spans[0].begin), c.match)
      << c.text << " -> " << Describe(c.text, spans);
}

void ExpectNothing(const Negative& c) {
  const std::vector<PiiSpan> spans = FindPii(c.text);
  EXPECT_TRUE(spans.empty()) << c.text << " -> " << Describe(c.text, spans);
}

#define PII_TABLES(Suite, Kind, positives, negatives)                                      \
  class Suite##Finds : public ::testing::TestWithParam<Positive> {};                       \
  TEST_P(Suite##Finds, Finds) { ExpectOnly(Kind, GetParam()); }                            \
  INSTANTIATE_TEST_SUITE_P(Table, Suite##Finds, ::testing::ValuesIn(positives),            \
                           [](const auto& i) { return TestName(i.param.name); });          \
  class Suite##LookAlikes : public ::testing::TestWithParam<Negative> {};                  \
  TEST_P(Suite##LookAlikes, StayText) { ExpectNothing(GetParam()); }                       \
  INSTANTIATE_TEST_SUITE_P(Table, Suite##LookAlikes, ::testing::ValuesIn(negatives),       \
                           [](const auto& i) { return TestName(i.param.name); })

// --- email ---
const std::vector<Positive> kEmails = {
    {"plain", "jane.doe@example.com", "jane.doe@example.com"},
    {"in a sentence with subdomains", "Contact: JANE_DOE+shop@mail.example.co.uk.", "JANE_DOE+shop@mail.example.co.uk"},
    {"in angle brackets with apostrophe", "<j.o'neil@x-y.test>", "j.o'neil@x-y.test"},
    {"digits in both parts", "mail me at a1@b2.io today", "a1@b2.io"},
    {"percent in local part", "user%tag@example.org", "user%tag@example.org"},
    {"long tld", "first-last@sub.domain.museum", "first-last@sub.domain.museum"},
    {"followed by comma", "x@y.de, thanks", "x@y.de"},
    {"in parentheses", "(bob@example.net)", "bob@example.net"},
    {"after a colon", "mailto:ann@shop.example", "ann@shop.example"},
    {"in single quotes", "say 'ann@shop.example'", "ann@shop.example"},
};
const std::vector<Negative> kEmailLookAlikes = {
    {"retina asset", "icon@2x.png"},
    {"package pin", "npm i lodash@4.17.21"},
    {"social handle", "@jane_doe on social"},
    {"no dot in domain", "user@localhost"},
    {"one letter tld", "a@b.c"},
    {"spaced at", "jane @ example.com"},
    {"no domain", "foo@bar"},
    {"numeric tld", "name@example.123"},
    {"css at rule", "@media (max-width: 600px)"},
};
PII_TABLES(Email, PiiKind::kEmail, kEmails, kEmailLookAlikes);

// --- payment cards ---
const std::vector<Positive> kCards = {
    {"visa unbroken", "4111111111111111", "4111111111111111"},
    {"visa spaced", "4111 1111 1111 1111", "4111 1111 1111 1111"},
    {"mastercard dashed", "5555-5555-5555-4444", "5555-5555-5555-4444"},
    {"amex 4 6 5", "Amex 3782 822463 10005 ok", "3782 822463 10005"},
    {"discover dotted", "6011.1111.1111.1117", "6011.1111.1111.1117"},
    {"in a sentence", "Card: 4012888888881881, exp 12/27", "4012888888881881"},
    {"diners 14", "30569309025904", "30569309025904"},
    {"visa 13", "4222222222222", "4222222222222"},
    {"card then cvv", "4111 1111 1111 1111 123", "4111 1111 1111 1111"},
    {"19 digits 4 4 4 4 3", "6304 0000 0000 0000 018", "6304 0000 0000 0000 018"},
    {"jcb", "pay with 3530111333300000.", "3530111333300000"},
};
const std::vector<Negative> kCardLookAlikes = {
    {"luhn fails", "4111111111111112"},
    {"sequential", "1234 5678 9012 3456"},
    {"isbn 13 luhn valid", "9783161484102"},
    {"too long unbroken", "41111111111111111111111"},
    {"glued letter", "v4111111111111111"},
    {"order number", "#4111111111111111"},
    {"price", "Total 1,299.00 incl. 4,111.11 shipping"},
    {"ups tracking", "Tracking 1Z999AA10123456784"},
    {"usps tracking", "9400 1000 0000 0000 0000 00"},
    {"too short", "4111 1111 1111"},
};
PII_TABLES(Card, PiiKind::kCard, kCards, kCardLookAlikes);

// --- phone numbers ---
const std::vector<Positive> kPhones = {
    {"international spaced", "+1 415 555 2671", "+1 415 555 2671"},
    {"uk with trunk in brackets", "call +44 (0)20 7946 0958 now", "+44 (0)20 7946 0958"},
    {"international dashed", "+49-30-1234567", "+49-30-1234567"},
    {"international unbroken", "+14155552671", "+14155552671"},
    {"nanp brackets", "(415) 555-2671", "(415) 555-2671"},
    {"nanp dotted", "415.555.2671", "415.555.2671"},
    {"nanp toll free", "1-800-555-0199", "1-800-555-0199"},
    {"uk national", "020 7946 0958", "020 7946 0958"},
    {"german slash", "Tel: 030/1234567", "030/1234567"},
    {"french pairs", "+33 1 23 45 67 89", "+33 1 23 45 67 89"},
    {"unbroken with trunk", "07700900123", "07700900123"},
    {"spanish 3 3 3", "llame al 912 345 678", "912 345 678"},
    {"australian brackets", "(02) 9876 5432", "(02) 9876 5432"},
};
const std::vector<Negative> kPhoneLookAlikes = {
    {"iso date", "2024-01-15"},
    {"european date", "15.01.2024"},
    {"us date", "01/15/2024"},
    {"date and time", "2024-01-15 10:30"},
    {"time", "12:30:45"},
    {"price", "1,299.00"},
    {"order number with prefix", "ORD-2024-00017"},
    {"order number with hash", "#10023 and #1002345678"},
    {"isbn", "ISBN 978-3-16-148410-0"},
    {"isbn 10", "0-306-40615-2"},
    {"fedex tracking", "7489 4321 9876"},
    {"version", "version 10.15.7"},
    {"hours", "open 9-17, 10.30-11.45"},
    {"unbroken id", "4155552671"},
    {"year range", "1999-2024"},
};
PII_TABLES(Phone, PiiKind::kPhone, kPhones, kPhoneLookAlikes);

// --- IBAN ---
const std::vector<Positive> kIbans = {
    {"german spaced", "DE89 3704 0044 0532 0130 00", "DE89 3704 0044 0532 0130 00"},
    {"german unbroken", "DE89370400440532013000", "DE89370400440532013000"},
    {"uk spaced letters", "GB82 WEST 1234 5698 7654 32", "GB82 WEST 1234 5698 7654 32"},
    {"uk unbroken", "IBAN GB82WEST12345698765432.", "GB82WEST12345698765432"},
    {"french with letter", "FR14 2004 1010 0505 0001 3M02 606", "FR14 2004 1010 0505 0001 3M02 606"},
    {"dutch", "NL91ABNA0417164300", "NL91ABNA0417164300"},
    {"swiss short last group", "CH93 0076 2011 6238 5295 7", "CH93 0076 2011 6238 5295 7"},
    {"belgian", "BE68539007547034", "BE68539007547034"},
    {"norwegian shortest", "IBAN: NO9386011117947.", "NO9386011117947"},
    {"spanish then currency", "ES91 2100 0418 4502 0005 1332 EUR", "ES91 2100 0418 4502 0005 1332"},
};
const std::vector<Negative> kIbanLookAlikes = {
    {"bad check digits", "DE88 3704 0044 0532 0130 00"},
    {"bad check unbroken", "DE88370400440532013000"},
    {"uk bad check", "GB82 WEST 1234 5698 7654 33"},
    {"too short", "AB12"},
    {"sku", "SKU AB12 3456 7890"},
    {"iso standard", "ISO 9001:2015"},
    {"rfc and versions", "RFC2616 and HTTP11 headers"},
    {"model number", "Model AB1234567890123"},
    {"lowercase words", "de89 is not a code"},
};
PII_TABLES(Iban, PiiKind::kIban, kIbans, kIbanLookAlikes);

// --- US SSN ---
const std::vector<Positive> kSsns = {
    {"dashed", "123-45-6789", "123-45-6789"},
    {"spaced", "123 45 6789", "123 45 6789"},
    {"labelled", "SSN: 078-05-1120", "078-05-1120"},
    {"area 665", "665-12-3456", "665-12-3456"},
    {"area 899", "899-99-9999", "899-99-9999"},
    {"smallest parts", "001-01-0001", "001-01-0001"},
    {"in parentheses", "(234-56-7890)", "234-56-7890"},
    {"end of sentence", "ssn 234-56-7890.", "234-56-7890"},
};
const std::vector<Negative> kSsnLookAlikes = {
    {"area 000", "000-12-3456"},
    {"area 666", "666-12-3456"},
    {"area 9xx", "900-12-3456"},
    {"group 00", "123-00-4567"},
    {"serial 0000", "123-45-0000"},
    {"mixed separators", "123-45 6789"},
    {"serial too long", "123-45-67890"},
    {"wrong grouping", "1234-56-789"},
    {"glued prefix", "ORD-123-45-6789"},
    {"unbroken", "123456789"},
};
PII_TABLES(Ssn, PiiKind::kSsn, kSsns, kSsnLookAlikes);

// --- IP addresses ---
const std::vector<Positive> kIps = {
    {"private v4", "192.168.0.1", "192.168.0.1"},
    {"v4 with port", "10.0.0.1:8080", "10.0.0.1"},
    {"v4 in sentence", "Client 8.8.8.8 connected", "8.8.8.8"},
    {"v4 broadcast", "255.255.255.255", "255.255.255.255"},
    {"four part number is an address", "1.2.3.4", "1.2.3.4"},
    {"v6 compressed", "from 2001:db8::1 today", "2001:db8::1"},
    {"v6 link local", "fe80::1ff:fe23:4567:890a", "fe80::1ff:fe23:4567:890a"},
    {"v6 full", "2001:0db8:85a3:0000:0000:8a2e:0370:7334", "2001:0db8:85a3:0000:0000:8a2e:0370:7334"},
    {"v6 mapped v4", "::ffff:192.0.2.128", "::ffff:192.0.2.128"},
    {"v6 bracketed with port", "[2001:db8::ff00:42:8329]:443", "2001:db8::ff00:42:8329"},
};
const std::vector<Negative> kIpLookAlikes = {
    {"three part version", "1.2.3"},
    {"part over 255", "256.1.1.1"},
    {"five parts", "1.2.3.4.5"},
    {"prefixed version", "v1.2.3.4"},
    {"time", "12:30:45"},
    {"mac address", "00:1A:2B:3C:4D:5E"},
    {"css pseudo element", "a::before { content: '' }"},
    {"cpp scope", "std::vector<int>"},
    {"loopback shorthand", "::1"},
    {"pi", "3.14159"},
    {"version", "Version 2.4.10"},
};
PII_TABLES(Ip, PiiKind::kIp, kIps, kIpLookAlikes);

TEST(FindPii, SeveralFindsInOrderWithoutOverlap) {
  const std::string text =
      "Jane (jane@x.test, +1 415 555 2671) paid with 4111 1111 1111 1111 from 10.1.2.3; SSN 123-45-6789";
  const std::vector<PiiSpan> spans = FindPii(text);
  ASSERT_EQ(spans.size(), 5u) << Describe(text, spans);
  const PiiKind kinds[] = {PiiKind::kEmail, PiiKind::kPhone, PiiKind::kCard, PiiKind::kIp, PiiKind::kSsn};
  for (size_t k = 0; k < spans.size(); ++k) {
    EXPECT_EQ(spans[k].kind, kinds[k]) << Describe(text, spans);
    if (k > 0) {
      EXPECT_LE(spans[k - 1].end, spans[k].begin);
    }
  }
}

TEST(FindPii, ReusesTheCallersVectorAndClearsIt) {
  std::vector<PiiSpan> spans;
  FindPii("a@b.test", &spans);
  ASSERT_EQ(spans.size(), 1u);
  FindPii("nothing here", &spans);
  EXPECT_TRUE(spans.empty());
}

TEST(FindPii, TokensAreFixedPerKind) {
  EXPECT_EQ(PiiToken(PiiKind::kEmail), "[email]");
  EXPECT_EQ(PiiToken(PiiKind::kCard), "[card]");
  EXPECT_EQ(PiiToken(PiiKind::kPhone), "[phone]");
  EXPECT_EQ(PiiToken(PiiKind::kIban), "[iban]");
  EXPECT_EQ(PiiToken(PiiKind::kSsn), "[ssn]");
  EXPECT_EQ(PiiToken(PiiKind::kIp), "[ip]");
}

}  // namespace
}  // namespace recorder

#include "masking_gate.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "recorder/records.h"

namespace recorder {
namespace {

struct Case {
  const char* name;
  PrivacyMode mode;
  FieldKind kind;
  std::string value;
  std::string attr;
  std::string expected;
};

RawString Plain(const std::string& s) { return RawString{s, false, 0}; }

const std::string k8(8, '*');
const std::string k32(32, '*');

class GateTable : public ::testing::TestWithParam<Case> {};

TEST_P(GateTable, DecidesAsSpecified) {
  const Case& c = GetParam();
  MaskingGate gate(c.mode);
  EXPECT_EQ(gate.Apply(Plain(c.value), c.kind, c.attr).view(), c.expected) << c.name;
}

constexpr auto S = PrivacyMode::kStrict;
constexpr auto B = PrivacyMode::kBalanced;
constexpr auto R = PrivacyMode::kRelaxed;

INSTANTIATE_TEST_SUITE_P(
    Cases, GateTable,
    ::testing::Values(
        Case{"strict masks text", S, FieldKind::kText, "Jane Doe", "", k8},
        Case{"strict keeps whitespace", S, FieldKind::kText, "\n  \t", "", "\n  \t"},
        Case{"strict hides length: PIN and card look alike", S, FieldKind::kText, "1234", "", k8},
        Case{"strict card", S, FieldKind::kText, "4111111111111111", "", k8},
        Case{"strict longer text gets a coarse class", S, FieldKind::kText, std::string(40, 'a'), "", k32},
        Case{"balanced shows text", B, FieldKind::kText, "Hello", "", "Hello"},
        Case{"relaxed shows text", R, FieldKind::kText, "Hello", "", "Hello"},
        Case{"strict masks input", S, FieldKind::kInputValue, "secret", "", k8},
        Case{"balanced masks input", B, FieldKind::kInputValue, "a much longer secret value", "", k8},
        Case{"relaxed shows input", R, FieldKind::kInputValue, "hello", "", "hello"},
        Case{"empty input stays empty", S, FieldKind::kInputValue, "", "", ""},
        Case{"strict masks title", S, FieldKind::kTitle, "Order for Jane", "", k8},
        Case{"balanced shows title", B, FieldKind::kTitle, "Shop", "", "Shop"},
        Case{"strict masks comments", S, FieldKind::kComment, "note", "", k8},
        Case{"css kept", S, FieldKind::kCssText, ".a{color:red}", "", ".a{color:red}"},
        Case{"tag kept", S, FieldKind::kTagName, "DIV", "", "DIV"},
        Case{"url loses query and fragment", S, FieldKind::kUrl, "https://x.test/a/b?email=j@x.test#top", "",
             "https://x.test/a/b"},
        Case{"url loses fragment", R, FieldKind::kUrl, "https://x.test/p#frag", "", "https://x.test/p"},
        Case{"mailto keeps only the scheme", R, FieldKind::kUrl, "mailto:jane@x.test", "", "mailto:"},
        Case{"data url keeps only the scheme", R, FieldKind::kUrl, "DATA:text/plain,hi", "", "DATA:"},
        Case{"email path segment replaced", R, FieldKind::kUrl, "https://x.test/account/jane@x.test/orders", "",
             "https://x.test/account/*/orders"},
        Case{"long number segment replaced", R, FieldKind::kUrl, "/orders/100234567/items", "", "/orders/*/items"},
        Case{"token segment replaced", R, FieldKind::kUrl, "/reset/9f86d081884c7d659a2feaa0c55ad015", "", "/reset/*"},
        Case{"ordinary path kept", R, FieldKind::kUrl, "https://x.test/products/blue-mug-2", "",
             "https://x.test/products/blue-mug-2"},
        Case{"short ids kept", R, FieldKind::kUrl, "/p/1234", "", "/p/1234"},
        Case{"href scrubbed", R, FieldKind::kAttrValue, "/p?token=abc", "href", "/p"},
        Case{"tel href scrubbed", R, FieldKind::kAttrValue, "tel:+15551234567", "href", "tel:"},
        Case{"srcset scrubbed per candidate", R, FieldKind::kAttrValue, "a.png?u=1 1x, b.png?u=2 2x", "srcset",
             "a.png 1x, b.png 2x"},
        Case{"class kept", S, FieldKind::kAttrValue, "btn primary", "class", "btn primary"},
        Case{"strict masks title attribute", S, FieldKind::kAttrValue, "Jane", "title", k8},
        Case{"strict masks data attributes", S, FieldKind::kAttrValue, "user-42", "data-user", k8},
        Case{"balanced shows aria-label", B, FieldKind::kAttrValue, "Close", "aria-label", "Close"},
        Case{"value attribute follows input rules", B, FieldKind::kAttrValue, "jane", "value", k8},
        Case{"value attribute in relaxed", R, FieldKind::kAttrValue, "jane", "value", "jane"},
        Case{"inline handlers dropped", R, FieldKind::kAttrValue, "track('jane')", "onclick", ""},
        Case{"srcdoc masked", R, FieldKind::kAttrValue, "<p>Jane</p>", "srcdoc", k8},
        // Personal data in whatever the mode keeps.
        Case{"balanced text email", B, FieldKind::kText, "Write to jane@x.test today", "", "Write to [email] today"},
        Case{"relaxed text card and phone", R, FieldKind::kText, "Paid 4111 1111 1111 1111, call +1 415 555 2671",
             "", "Paid [card], call [phone]"},
        Case{"balanced text iban ssn ip", B, FieldKind::kText,
             "IBAN DE89370400440532013000 SSN 123-45-6789 from 10.0.0.7", "",
             "IBAN [iban] SSN [ssn] from [ip]"},
        Case{"balanced text look-alikes kept", B, FieldKind::kText, "Order #10023 on 2024-01-15 for $1,299.00 (v1.2.3)",
             "", "Order #10023 on 2024-01-15 for $1,299.00 (v1.2.3)"},
        Case{"balanced title", B, FieldKind::kTitle, "Orders of jane@x.test", "", "Orders of [email]"},
        Case{"relaxed comment", R, FieldKind::kComment, " user 123-45-6789 ", "", " user [ssn] "},
        Case{"relaxed input value", R, FieldKind::kInputValue, "jane@x.test", "", "[email]"},
        Case{"balanced input still masked whole", B, FieldKind::kInputValue, "jane@x.test", "", k8},
        Case{"relaxed value attribute", R, FieldKind::kAttrValue, "+44 20 7946 0958", "value", "[phone]"},
        Case{"balanced aria-label", B, FieldKind::kAttrValue, "Email jane@x.test", "aria-label", "Email [email]"},
        Case{"relaxed data attribute", R, FieldKind::kAttrValue, "4111111111111111", "data-card", "[card]"},
        Case{"strict class still scanned", S, FieldKind::kAttrValue, "user jane@x.test", "class", "user [email]"},
        Case{"strict id still scanned", S, FieldKind::kAttrValue, "row 10.1.2.3", "id", "row [ip]"},
        Case{"class look-alike kept", S, FieldKind::kAttrValue, "col-md-4 mt-2 icon@2x", "class", "col-md-4 mt-2 icon@2x"},
        Case{"css content string", S, FieldKind::kCssText, ".u::after{content:\"jane@x.test\"}", "",
             ".u::after{content:\"[email]\"}"},
        Case{"css single quotes", B, FieldKind::kCssText, "a[title='Call 415-555-2671']{color:#123456}", "",
             "a[title='Call [phone]']{color:#123456}"},
        Case{"css outside strings untouched", R, FieldKind::kCssText, "a::before{margin:10px 1.2.3.4}", "",
             "a::before{margin:10px 1.2.3.4}"},
        Case{"style attribute strings only", R, FieldKind::kAttrValue,
             "background:url('/a.png');content:'4111 1111 1111 1111'", "style",
             "background:url('/a.png');content:'[card]'"},
        Case{"url path ip", R, FieldKind::kUrl, "https://x.test/hosts/10.0.0.1/edit", "",
             "https://x.test/hosts/[ip]/edit"},
        Case{"url encoded email segment", B, FieldKind::kUrl, "https://x.test/u/jane%40x.test/orders", "",
             "https://x.test/u/*/orders"},
        Case{"url user info dropped", R, FieldKind::kUrl, "https://jane:pw@x.test/a", "", "https://x.test/a"},
        Case{"href with ip path", B, FieldKind::kAttrValue, "/servers/10.0.0.1", "href", "/servers/[ip]"},
        // The attribute allowlist (attribute_policy.h): unknown names are content.
        Case{"strict masks an unknown attribute", S, FieldKind::kAttrValue, "Jane Doe", "x-foo", k8},
        Case{"strict masks itemprop", S, FieldKind::kAttrValue, "Jane Doe", "itemprop", k8},
        Case{"strict masks meta content", S, FieldKind::kAttrValue, "Jane's orders", "content", k8},
        Case{"strict masks aria-valuenow", S, FieldKind::kAttrValue, "42", "aria-valuenow", k8},
        Case{"strict keeps aria-expanded", S, FieldKind::kAttrValue, "true", "aria-expanded", "true"},
        Case{"strict keeps svg geometry", S, FieldKind::kAttrValue, "M0 0L10 10", "d", "M0 0L10 10"},
        Case{"strict keeps viewBox", S, FieldKind::kAttrValue, "0 0 24 24", "viewBox", "0 0 24 24"},
        Case{"balanced shows an unknown attribute", B, FieldKind::kAttrValue, "Jane", "x-foo", "Jane"},
        Case{"relaxed scans an unknown attribute", R, FieldKind::kAttrValue, "jane@x.test", "x-foo", "[email]"},
        Case{"strict masks option value", S, FieldKind::kAttrValue, "Jane", "value", k8},
        Case{"object data scrubbed", R, FieldKind::kAttrValue, "/doc.pdf?u=jane", "data", "/doc.pdf"},
        Case{"form action scrubbed", R, FieldKind::kAttrValue, "/send?to=jane#x", "action", "/send"},
        Case{"ping scrubbed per URL", R, FieldKind::kAttrValue, "/t?u=1  https://t.test/p?id=2", "ping",
             "/t https://t.test/p"},
        Case{"imagesrcset scrubbed", R, FieldKind::kAttrValue, "a.png?u=1 1x", "imagesrcset", "a.png 1x"},
        Case{"nonce dropped", R, FieldKind::kAttrValue, "r4nd0m", "nonce", ""},
        Case{"uppercase handler dropped", R, FieldKind::kAttrValue, "go()", "ONCLICK", ""},
        Case{"style url query dropped", R, FieldKind::kAttrValue, "background:url(/a.png?u=jane)", "style",
             "background:url(/a.png)"},
        Case{"style quoted url query dropped", B, FieldKind::kAttrValue, "--i:url( \"/a.png?u=1#f\" )", "style",
             "--i:url(\"/a.png\")"},
        Case{"strict style strings emptied", S, FieldKind::kAttrValue, "--n:'Jane';color:red", "style",
             "--n:'';color:red"},
        Case{"style data url cut", R, FieldKind::kAttrValue, "background:url(data:image/png;base64,AAAA)", "style",
             "background:url(data:)"}),
    [](const ::testing::TestParamInfo<Case>& info) {
      std::string n = info.param.name;
      for (char& ch : n) if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
      return n;
    });

TEST(MaskingGate, WhatTheGlueMaskedStaysMaskedInEveryMode) {
  for (PrivacyMode mode : {S, B, R}) {
    MaskingGate gate(mode);
    for (FieldKind kind : {FieldKind::kText, FieldKind::kCssText, FieldKind::kUrl, FieldKind::kTagName}) {
      RawString raw{{}, true, kLengthMedium};
      EXPECT_EQ(gate.Apply(raw, kind).view(), k32);
    }
  }
}

TEST(MaskingGate, LengthClassesAreCoarse) {
  EXPECT_EQ(MaskingGate::LengthClassOf(""), kLengthEmpty);
  EXPECT_EQ(MaskingGate::LengthClassOf("a"), kLengthShort);
  EXPECT_EQ(MaskingGate::LengthClassOf(std::string(16, 'a')), kLengthShort);
  EXPECT_EQ(MaskingGate::LengthClassOf(std::string(17, 'a')), kLengthMedium);
  EXPECT_EQ(MaskingGate::LengthClassOf(std::string(300, 'a')), kLengthHuge);
  // Code points, not bytes: 16 two-byte characters are still short.
  std::string umlauts;
  for (int i = 0; i < 16; ++i) umlauts += "\xC3\xBC";
  EXPECT_EQ(MaskingGate::LengthClassOf(umlauts), kLengthShort);
}

TEST(MaskingGate, CountsWhatItReplaced) {
  MaskingGate gate(S);
  gate.Apply(Plain("Jane"), FieldKind::kText);
  gate.Apply(Plain(" "), FieldKind::kText);
  gate.Apply(Plain("https://x.test/?q=1"), FieldKind::kUrl);
  gate.Apply(Plain("https://x.test/"), FieldKind::kUrl);
  EXPECT_EQ(gate.masked_count(), 2u);
}

TEST(MaskingGate, MaskedPinAndCardLookAlike) {
  // Whatever the route to a mask, a 4-digit PIN and a 16-digit card number
  // leave the same bytes on the wire.
  for (PrivacyMode mode : {S, B}) {
    MaskingGate gate(mode);
    const std::string pin(gate.Apply(Plain("1234"), FieldKind::kInputValue).view());
    const std::string card(gate.Apply(Plain("4111111111111111"), FieldKind::kInputValue).view());
    EXPECT_EQ(pin, card);
    EXPECT_EQ(pin, k8);
  }
  MaskingGate strict(S);
  EXPECT_EQ(strict.Apply(Plain("1234"), FieldKind::kText).view(),
            strict.Apply(Plain("4111111111111111"), FieldKind::kText).view());
  // A card found by the detector gets a token that does not depend on its
  // format or length either.
  MaskingGate relaxed(R);
  EXPECT_EQ(relaxed.Apply(Plain("4111111111111111"), FieldKind::kText).view(), "[card]");
  EXPECT_EQ(relaxed.Apply(Plain("3782 822463 10005"), FieldKind::kText).view(), "[card]");
}

TEST(MaskingGate, CountsEveryPersonalDataFind) {
  MaskingGate gate(B);
  gate.Apply(Plain("a@b.test and c@d.test, 123-45-6789"), FieldKind::kText);
  EXPECT_EQ(gate.masked_count(), 3u);
  gate.Apply(Plain("nothing personal"), FieldKind::kText);
  EXPECT_EQ(gate.masked_count(), 3u);
}

TEST(MaskingGate, RebuiltStringsStayValidUntilTheNextFlush) {
  MaskingGate gate(R);
  std::vector<GatedString> kept;
  for (int i = 0; i < 200; ++i) {
    kept.push_back(gate.Apply(Plain("user" + std::to_string(i) + "@x.test wrote"), FieldKind::kText));
  }
  for (const GatedString& g : kept) EXPECT_EQ(g.view(), "[email] wrote");
}

// allowQueryParams: named parameters survive, values still scanned.
struct QueryCase {
  const char* name;
  std::vector<std::string> allow;
  std::string url;
  std::string expected;
};

class AllowQueryParams : public ::testing::TestWithParam<QueryCase> {};

TEST_P(AllowQueryParams, KeepsOnlyNamedParameters) {
  const QueryCase& c = GetParam();
  MaskingGate gate(R, c.allow);
  EXPECT_EQ(gate.Apply(Plain(c.url), FieldKind::kUrl).view(), c.expected);
  EXPECT_EQ(gate.Apply(Plain(c.url), FieldKind::kAttrValue, "href").view(), c.expected);
  EXPECT_EQ(MaskingGate::ScrubUrl(c.url, c.allow), c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, AllowQueryParams,
    ::testing::Values(
        QueryCase{"default drops all", {}, "https://x.test/s?q=mugs&page=2#top", "https://x.test/s"},
        QueryCase{"one kept", {"page"}, "https://x.test/s?q=mugs&page=2#top", "https://x.test/s?page=2"},
        QueryCase{"order of the url", {"q", "page"}, "https://x.test/s?page=2&utm=x&q=mugs", "https://x.test/s?page=2&q=mugs"},
        QueryCase{"names are case sensitive", {"Page"}, "https://x.test/s?page=2", "https://x.test/s"},
        QueryCase{"exact names only", {"q"}, "https://x.test/s?qq=1&q2=3&q=ok", "https://x.test/s?q=ok"},
        QueryCase{"value without equals", {"debug"}, "/p?debug&x=1", "/p?debug"},
        QueryCase{"email value replaced", {"q"}, "https://x.test/s?q=jane%40x.test", "https://x.test/s?q=[email]"},
        QueryCase{"plus as space", {"q"}, "/s?q=call+%2B1+415+555+2671", "/s?q=call%20[phone]"},
        QueryCase{"ip value replaced", {"host"}, "/s?host=10.0.0.1", "/s?host=[ip]"},
        QueryCase{"nothing kept leaves no question mark", {"a"}, "/s?b=1", "/s"},
        QueryCase{"mailto still scheme only", {"subject"}, "mailto:j@x.test?subject=hi", "mailto:"}),
    [](const ::testing::TestParamInfo<QueryCase>& info) {
      std::string n = info.param.name;
      for (char& ch : n) if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
      return n;
    });

// Property: personal data planted anywhere in random filler is always gone,
// and filler alone comes back byte for byte.
TEST(MaskingGate, PlantedPersonalDataNeverSurvives) {
  const std::vector<std::string> planted = {
      "jane.doe@example.com", "x_y+z@mail.shop.example", "4111 1111 1111 1111", "5555-5555-5555-4444",
      "378282246310005",      "+1 415 555 2671",         "(415) 555-2671",      "020 7946 0958",
      "+49 30 1234567",       "DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432", "123-45-6789",
      "234 56 7890",          "192.168.10.20",           "2001:db8::42",        "fe80::1ff:fe23:4567:890a"};
  // Words, look-alikes and punctuation that must pass unchanged.
  const std::vector<std::string> filler = {
      "the", "Order", "#10023", "on", "2024-01-15", "at", "12:30", "costs", "$1,299.00", "v1.2.3",
      "ORD-2024-00017", "ISBN", "978-3-16-148410-0", "icon@2x.png", "a::before", "item", "x", "3.14",
      "Größe", "✓", "—", "(see", "note)", "and", "qty", "SKU-42", "10%", "1/2"};
  const std::string separators[] = {" ", ", ", "\n", " (", ") ", ": ", "; ", " - "};
  std::mt19937 rng(20261122);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  auto join = [&](const std::vector<std::string>& words) {
    std::string text;
    for (size_t w = 0; w < words.size(); ++w) {
      if (w > 0) text += separators[pick(std::size(separators))];
      text += words[w];
    }
    return text;
  };
  int cases = 0;
  for (int round = 0; round < 3000; ++round) {
    std::vector<std::string> words;
    for (size_t w = 0, n = 1 + pick(12); w < n; ++w) words.push_back(filler[pick(filler.size())]);
    MaskingGate gate(round % 2 ? B : R);
    const std::string text = join(words);
    ASSERT_EQ(gate.Apply(Plain(text), FieldKind::kText).view(), text) << "filler changed: " << text;

    // Plant 1-3 values between words (or at either end).
    std::vector<std::string> values;
    for (size_t k = 0, n = 1 + pick(3); k < n; ++k) {
      values.push_back(planted[pick(planted.size())]);
      words.insert(words.begin() + static_cast<std::ptrdiff_t>(pick(words.size() + 1)), values.back());
    }
    const std::string with = join(words);
    const std::string out(gate.Apply(Plain(with), FieldKind::kText).view());
    for (const std::string& v : values) {
      ASSERT_EQ(out.find(v), std::string::npos) << "leaked '" << v << "' from: " << with << "\n  got: " << out;
    }
    ++cases;
  }
  EXPECT_EQ(cases, 3000);
}

}  // namespace
}  // namespace recorder

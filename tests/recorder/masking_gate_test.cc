#include "masking_gate.h"

#include <gtest/gtest.h>

#include <string>

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
        Case{"srcdoc masked", R, FieldKind::kAttrValue, "<p>Jane</p>", "srcdoc", k8}),
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

}  // namespace
}  // namespace recorder

#include "attribute_policy.h"

#include <gtest/gtest.h>

#include <string>

namespace recorder {
namespace {

struct NameCase {
  const char* name;
  AttrPolicy expected;
};

class AttributePolicyTable : public ::testing::TestWithParam<NameCase> {};

TEST_P(AttributePolicyTable, DecidedByName) {
  EXPECT_EQ(PolicyOfAttribute(GetParam().name), GetParam().expected) << GetParam().name;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, AttributePolicyTable,
    ::testing::Values(
        // Allowlisted structure and presentation.
        NameCase{"class", AttrPolicy::kAsIs}, NameCase{"id", AttrPolicy::kAsIs},
        NameCase{"type", AttrPolicy::kAsIs}, NameCase{"role", AttrPolicy::kAsIs},
        NameCase{"colspan", AttrPolicy::kAsIs}, NameCase{"tabindex", AttrPolicy::kAsIs},
        NameCase{"aria-hidden", AttrPolicy::kAsIs}, NameCase{"aria-expanded", AttrPolicy::kAsIs},
        NameCase{"aria-labelledby", AttrPolicy::kAsIs}, NameCase{"viewBox", AttrPolicy::kAsIs},
        NameCase{"stroke-width", AttrPolicy::kAsIs}, NameCase{"d", AttrPolicy::kAsIs},
        NameCase{"data-recorder-mask", AttrPolicy::kAsIs}, NameCase{"CLASS", AttrPolicy::kAsIs},
        // Text a visitor reads: content.
        NameCase{"title", AttrPolicy::kContent}, NameCase{"alt", AttrPolicy::kContent},
        NameCase{"aria-label", AttrPolicy::kContent}, NameCase{"aria-description", AttrPolicy::kContent},
        NameCase{"aria-valuetext", AttrPolicy::kContent}, NameCase{"aria-valuenow", AttrPolicy::kContent},
        NameCase{"aria-roledescription", AttrPolicy::kContent}, NameCase{"placeholder", AttrPolicy::kContent},
        NameCase{"content", AttrPolicy::kContent}, NameCase{"label", AttrPolicy::kContent},
        NameCase{"datetime", AttrPolicy::kContent}, NameCase{"download", AttrPolicy::kContent},
        // Unknown names are content too.
        NameCase{"data-x", AttrPolicy::kContent}, NameCase{"x-foo", AttrPolicy::kContent},
        NameCase{"itemprop", AttrPolicy::kContent}, NameCase{"ng-reflect-model", AttrPolicy::kContent},
        NameCase{"", AttrPolicy::kContent},
        NameCase{"a-name-far-longer-than-any-attribute-the-lists-know", AttrPolicy::kContent},
        // URLs.
        NameCase{"href", AttrPolicy::kUrl}, NameCase{"src", AttrPolicy::kUrl}, NameCase{"action", AttrPolicy::kUrl},
        NameCase{"data", AttrPolicy::kUrl}, NameCase{"xlink:href", AttrPolicy::kUrl},
        NameCase{"itemtype", AttrPolicy::kUrl}, NameCase{"ping", AttrPolicy::kUrlList},
        NameCase{"srcset", AttrPolicy::kSrcset}, NameCase{"imagesrcset", AttrPolicy::kSrcset},
        // The rest.
        NameCase{"value", AttrPolicy::kFieldValue}, NameCase{"style", AttrPolicy::kStyle},
        NameCase{"srcdoc", AttrPolicy::kMasked}, NameCase{"onclick", AttrPolicy::kDropped},
        NameCase{"ONLOAD", AttrPolicy::kDropped}, NameCase{"nonce", AttrPolicy::kDropped}));

}  // namespace
}  // namespace recorder

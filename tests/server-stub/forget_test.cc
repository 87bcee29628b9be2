// Tests server-stub/forget.cc: the body of POST /v1/forget, as a table.
#include "forget.h"

#include <gtest/gtest.h>

#include <string>

namespace collector {
namespace {

using recorder::StatusCode;

TEST(ParseForgetRequest, AcceptsTheTwoMembersInAnyOrderWithWhitespace) {
  ForgetRequest r;
  ASSERT_TRUE(ParseForgetRequest(R"({"site":"site_a","session":"sess_1"})", &r).ok());
  EXPECT_EQ(r.site_key, "site_a");
  EXPECT_EQ(r.session_id, "sess_1");
  ForgetRequest r2;
  ASSERT_TRUE(ParseForgetRequest(" {\n \"session\" : \"S-2\" ,\t\"site\":\"K\" }\r\n", &r2).ok());
  EXPECT_EQ(r2.site_key, "K");
  EXPECT_EQ(r2.session_id, "S-2");
}

struct BadBody {
  const char* name;
  std::string body;
  StatusCode code;
  const char* reason;
};

class ParseForgetRequestRefuses : public ::testing::TestWithParam<BadBody> {};

TEST_P(ParseForgetRequestRefuses, WithAOneLineReason) {
  const BadBody& c = GetParam();
  ForgetRequest r;
  const recorder::Status s = ParseForgetRequest(c.body, &r);
  EXPECT_EQ(s.code(), c.code) << s.ToString();
  EXPECT_NE(s.message().find(c.reason), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find('\n'), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseForgetRequestRefuses,
    ::testing::Values(
        BadBody{"empty", "", StatusCode::kMalformed, "JSON object"},
        BadBody{"array", R"(["site_a","sess_1"])", StatusCode::kMalformed, "JSON object"},
        BadBody{"empty object", "{}", StatusCode::kMalformed, "both required"},
        BadBody{"missing session", R"({"site":"site_a"})", StatusCode::kMalformed, "both required"},
        BadBody{"unknown member", R"({"site":"a","session":"b","x":"1"})", StatusCode::kMalformed,
                "only"},
        BadBody{"duplicate member", R"({"site":"a","site":"b","session":"c"})", StatusCode::kMalformed,
                "twice"},
        BadBody{"number value", R"({"site":"a","session":12})", StatusCode::kMalformed, "JSON string"},
        BadBody{"escape", R"({"site":"a","session":"b\u0041"})", StatusCode::kMalformed, "escapes"},
        BadBody{"unterminated", R"({"site":"a","session":"b)", StatusCode::kMalformed, "unterminated"},
        BadBody{"trailing data", R"({"site":"a","session":"b"} x)", StatusCode::kMalformed, "after"},
        BadBody{"missing colon", R"({"site" "a","session":"b"})", StatusCode::kMalformed, "':'"},
        BadBody{"trailing comma", R"({"site":"a","session":"b",})", StatusCode::kMalformed, "JSON string"},
        BadBody{"bad site id", R"({"site":"a b","session":"b"})", StatusCode::kInvalidArgument, "site"},
        BadBody{"empty session", R"({"site":"a","session":""})", StatusCode::kInvalidArgument, "session"},
        BadBody{"long session", std::string(R"({"site":"a","session":")") + std::string(65, 's') + "\"}",
                StatusCode::kInvalidArgument, "session"},
        BadBody{"over the cap", std::string(R"({"site":"a","session":"b"})") + std::string(1024, ' '),
                StatusCode::kTooLarge, "1024"}),
    [](const auto& info) {
      std::string n = info.param.name;
      for (char& ch : n) if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
      return n;
    });

}  // namespace
}  // namespace collector

#include "recorder/status.h"

#include <gtest/gtest.h>

namespace recorder {
namespace {

Status FailsWith(StatusCode code) { return Status(code, "boom"); }

Status Chain(bool fail) {
  RECORDER_RETURN_IF_ERROR(fail ? FailsWith(StatusCode::kMalformed) : Status::Ok());
  return Status::InvalidArgument("reached the end");
}

TEST(Status, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "ok");
}

TEST(Status, ToStringNamesTheCode) {
  EXPECT_EQ(Status::TooLarge("batch of 9 MiB").ToString(), "too large: batch of 9 MiB");
}

TEST(Status, ReturnIfErrorStopsAtTheFirstFailure) {
  EXPECT_EQ(Chain(true).code(), StatusCode::kMalformed);
  EXPECT_EQ(Chain(false).code(), StatusCode::kInvalidArgument);
}

// The numbers are JS-visible; changing one breaks deployed glue.
TEST(Status, CodeNumbersAreStable) {
  EXPECT_EQ(static_cast<int>(StatusCode::kOk), 0);
  EXPECT_EQ(static_cast<int>(StatusCode::kInvalidArgument), 1);
  EXPECT_EQ(static_cast<int>(StatusCode::kMalformed), 2);
  EXPECT_EQ(static_cast<int>(StatusCode::kTooLarge), 3);
  EXPECT_EQ(static_cast<int>(StatusCode::kUnsupported), 4);
  EXPECT_EQ(static_cast<int>(StatusCode::kFailedPrecondition), 5);
  EXPECT_EQ(static_cast<int>(StatusCode::kInternal), 6);
  EXPECT_EQ(static_cast<int>(StatusCode::kPermissionDenied), 7);
}

}  // namespace
}  // namespace recorder

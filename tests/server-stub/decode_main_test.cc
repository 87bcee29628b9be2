// Tests server-stub/decode_main.cc: the recorder-decode executable.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "batch_fixtures.h"
#include "ingest.h"
#include "store.h"
#include "subprocess.h"

namespace collector {
namespace {

constexpr char kDecode[] = DECODE_BIN;

class DecodeMainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.File("c.db");
    std::unique_ptr<Store> store;
    ASSERT_TRUE(Store::Open(db_, {}, &store).ok());
    const auto body = collector_test::BuildBody();
    ValidBatch v;
    ASSERT_TRUE(IngestBatch(body.data(), body.size(), {}, &v).ok());
    bool duplicate = false;
    ASSERT_TRUE(store->Insert(v, 1, &duplicate).ok());
  }

  collector_test::RunResult Decode(std::vector<std::string> args) {
    args.insert(args.begin(), kDecode);
    return collector_test::Run(args, dir_.path());
  }

  collector_test::TempDir dir_;
  std::string db_;
};

TEST_F(DecodeMainTest, PrintsSessionJson) {
  const auto r = Decode({"--db", db_, "--session", "sess_1"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind(R"({"session":"sess_1","site":"site_a","pageViews":["pv_1"],"batches":1,"events":[{"pageView":"pv_1")", 0),
            0u)
      << r.out;
  EXPECT_EQ(r.out.substr(r.out.size() - 3), "]}\n");
  EXPECT_NE(r.out.find(R"("type":"Input","target":3,"value":"****")"), std::string::npos);
}

TEST_F(DecodeMainTest, ListsSessions) {
  auto r = Decode({"--db", db_, "--list"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind(R"([{"session":"sess_1","site":"site_a","pageViews":1,"batches":1,)", 0), 0u)
      << r.out;
  r = Decode({"--db", db_, "--list", "--site", "site_b"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "[]\n");
}

TEST_F(DecodeMainTest, MissingSessionExits1) {
  const auto r = Decode({"--db", db_, "--session", "nobody"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no session nobody"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
}

TEST_F(DecodeMainTest, MissingDatabaseExits1AndCreatesNothing) {
  const std::string missing = dir_.File("missing.db");
  const auto r = Decode({"--db", missing, "--list"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_FALSE(std::filesystem::exists(missing));
}

TEST_F(DecodeMainTest, BadArgumentsExit2) {
  const std::vector<std::vector<std::string>> bad = {
      {},
      {"--session", "sess_1"},
      {"--db", db_},
      {"--db", db_, "--list", "--session", "sess_1"},
      {"--db", db_, "--session", "bad id"},
      {"--db", db_, "--session"},
      {"--db", db_, "--list", "--site", "a b"},
      {"--db", db_, "--session", "sess_1", "--site", "site_a"},
      {"--db", db_, "--frobnicate"},
  };
  for (const auto& args : bad) {
    const auto r = Decode(args);
    EXPECT_EQ(r.exit_code, 2) << (args.empty() ? "(none)" : args.back());
    EXPECT_NE(r.err.find("usage:"), std::string::npos);
    EXPECT_TRUE(r.out.empty());
  }
}

}  // namespace
}  // namespace collector

// Tests server-stub/store.cc: idempotent inserts, ordering, listing, delete.
#include "store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <memory>

#include "batch_fixtures.h"
#include "ingest.h"

namespace collector {
namespace {

using collector_test::BatchSpec;
using recorder::StatusCode;

ValidBatch Valid(const BatchSpec& spec) {
  const collector_test::Bytes body = collector_test::BuildBody(spec);
  ValidBatch b;
  EXPECT_TRUE(IngestBatch(body.data(), body.size(), {}, &b).ok());
  return b;
}

BatchSpec Spec(const std::string& session, const std::string& page_view, uint32_t seq,
               uint64_t base_time, const std::string& site = "site_a") {
  BatchSpec s;
  s.session_id = session;
  s.page_view_id = page_view;
  s.seq = seq;
  s.base_time = base_time;
  s.site_key = site;
  return s;
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(Store::Open(dir_.File("c.db"), {}, &store_).ok());
  }

  uint64_t Count() {
    uint64_t n = 0;
    EXPECT_TRUE(store_->CountBatches(&n).ok());
    return n;
  }

  bool Insert(const BatchSpec& spec, int64_t received_at = 5) {
    bool duplicate = true;
    EXPECT_TRUE(store_->Insert(Valid(spec), received_at, &duplicate).ok());
    return duplicate;
  }

  collector_test::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreTest, InsertThenReadBackEveryColumn) {
  const ValidBatch v = Valid(Spec("s1", "p1", 3, 1000));
  bool duplicate = true;
  ASSERT_TRUE(store_->Insert(v, 123456, &duplicate).ok());
  EXPECT_FALSE(duplicate);
  std::vector<StoredBatch> rows;
  ASSERT_TRUE(store_->ListBatches("s1", &rows).ok());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].site_key, "site_a");
  EXPECT_EQ(rows[0].session_id, "s1");
  EXPECT_EQ(rows[0].page_view_id, "p1");
  EXPECT_EQ(rows[0].seq, 3u);
  EXPECT_EQ(rows[0].base_time, 1000u);
  EXPECT_EQ(rows[0].end_time, 1094u);
  EXPECT_EQ(rows[0].received_at, 123456);
  EXPECT_EQ(rows[0].event_count, 16u);
  EXPECT_EQ(rows[0].compressed_bytes, v.compressed_bytes);
  EXPECT_EQ(rows[0].batch, v.bytes);
}

TEST_F(StoreTest, SecondInsertOfSameKeyIsDuplicateAndStoresNothing) {
  EXPECT_FALSE(Insert(Spec("s1", "p1", 0, 1000), 1));
  EXPECT_TRUE(Insert(Spec("s1", "p1", 0, 1000), 2));
  EXPECT_EQ(Count(), 1u);
  std::vector<StoredBatch> rows;
  ASSERT_TRUE(store_->ListBatches("s1", &rows).ok());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].received_at, 1);  // the first copy is kept
  // Another seq of the same page view is new.
  EXPECT_FALSE(Insert(Spec("s1", "p1", 1, 1000)));
  EXPECT_EQ(Count(), 2u);
}

TEST_F(StoreTest, BatchesOrderedByPageViewStartThenSeq) {
  // Page view "zz" began first (base_time 100) though its id sorts last and
  // its batches arrive late and out of order.
  EXPECT_FALSE(Insert(Spec("s1", "aa", 1, 600)));
  EXPECT_FALSE(Insert(Spec("s1", "zz", 2, 300)));
  EXPECT_FALSE(Insert(Spec("s1", "aa", 0, 500)));
  EXPECT_FALSE(Insert(Spec("s1", "zz", 0, 100)));
  EXPECT_FALSE(Insert(Spec("s1", "zz", 1, 200)));
  EXPECT_FALSE(Insert(Spec("s2", "bb", 0, 50)));  // another session: not listed
  std::vector<StoredBatch> rows;
  ASSERT_TRUE(store_->ListBatches("s1", &rows).ok());
  std::vector<std::string> order;
  for (const auto& r : rows) order.push_back(r.page_view_id + "/" + std::to_string(r.seq));
  EXPECT_EQ(order, (std::vector<std::string>{"zz/0", "zz/1", "zz/2", "aa/0", "aa/1"}));
}

TEST_F(StoreTest, UnknownSessionListsNothing) {
  std::vector<StoredBatch> rows(1);
  ASSERT_TRUE(store_->ListBatches("nope", &rows).ok());
  EXPECT_TRUE(rows.empty());
}

TEST_F(StoreTest, ListSessionsOfSiteWithTotals) {
  Insert(Spec("s1", "p1", 0, 1000));
  Insert(Spec("s1", "p1", 1, 2000));
  Insert(Spec("s1", "p2", 0, 3000));
  Insert(Spec("s0", "p9", 0, 500));
  Insert(Spec("s3", "p1", 0, 10, "site_b"));
  std::vector<SessionSummary> list;
  ASSERT_TRUE(store_->ListSessions("site_a", &list).ok());
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].session_id, "s0");  // oldest first
  const SessionSummary& s1 = list[1];
  EXPECT_EQ(s1.session_id, "s1");
  EXPECT_EQ(s1.site_key, "site_a");
  EXPECT_EQ(s1.page_views, 2u);
  EXPECT_EQ(s1.batches, 3u);
  EXPECT_EQ(s1.first_time, 1000u);
  EXPECT_EQ(s1.last_time, 3094u);
  size_t bytes = 0, raw_bytes = 0;
  for (const BatchSpec& spec :
       {Spec("s1", "p1", 0, 1000), Spec("s1", "p1", 1, 2000), Spec("s1", "p2", 0, 3000)}) {
    bytes += collector_test::BuildBody(spec).size();
    raw_bytes += collector_test::BuildBatch(spec).size();
  }
  EXPECT_EQ(s1.bytes, bytes);
  EXPECT_EQ(s1.raw_bytes, raw_bytes);

  ASSERT_TRUE(store_->ListSessions("", &list).ok());
  EXPECT_EQ(list.size(), 3u);
  ASSERT_TRUE(store_->ListSessions("site_x", &list).ok());
  EXPECT_TRUE(list.empty());
}

TEST_F(StoreTest, SessionIdOfAnotherSiteIsRefused) {
  Insert(Spec("s1", "p1", 0, 1000, "site_a"));
  bool duplicate = false;
  const auto s = store_->Insert(Valid(Spec("s1", "p2", 0, 1000, "site_b")), 1, &duplicate);
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(Count(), 1u);
}

TEST_F(StoreTest, DeleteSessionRemovesOnlyThatSession) {
  Insert(Spec("s1", "p1", 0, 1000));
  Insert(Spec("s1", "p2", 0, 1000));
  Insert(Spec("s2", "p1", 0, 1000));
  uint64_t deleted = 0;
  ASSERT_TRUE(store_->DeleteSession("s1", &deleted).ok());
  EXPECT_EQ(deleted, 2u);
  EXPECT_EQ(Count(), 1u);
  ASSERT_TRUE(store_->DeleteSession("s1", &deleted).ok());
  EXPECT_EQ(deleted, 0u);
  // The id is free again, even for another site.
  EXPECT_FALSE(Insert(Spec("s1", "p1", 0, 1000, "site_b")));
}

TEST_F(StoreTest, DeleteSessionOfSiteChecksTheOwner) {
  Insert(Spec("s1", "p1", 0, 1000));
  Insert(Spec("s1", "p1", 1, 1000));
  uint64_t deleted = 7;
  EXPECT_EQ(store_->DeleteSessionOfSite("site_b", "s1", &deleted).code(),
            recorder::StatusCode::kPermissionDenied);
  EXPECT_EQ(deleted, 0u);
  EXPECT_EQ(Count(), 2u);
  ASSERT_TRUE(store_->DeleteSessionOfSite("site_a", "unknown", &deleted).ok());
  EXPECT_EQ(deleted, 0u);
  ASSERT_TRUE(store_->DeleteSessionOfSite("site_a", "s1", &deleted).ok());
  EXPECT_EQ(deleted, 2u);
  EXPECT_EQ(Count(), 0u);
}

TEST_F(StoreTest, DataSurvivesReopenAndUsesWal) {
  Insert(Spec("s1", "p1", 0, 1000));
  store_.reset();
  ASSERT_TRUE(Store::Open(dir_.File("c.db"), {}, &store_).ok());
  EXPECT_EQ(Count(), 1u);
  // A second connection sees the settings that live in the file.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir_.File("c.db").c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "wal");
  sqlite3_finalize(st);
  sqlite3_close(db);
}

TEST_F(StoreTest, ReadOnlyOpenNeverCreatesAFile) {
  std::unique_ptr<Store> ro;
  Store::Options options;
  options.read_only = true;
  const auto s = Store::Open(dir_.File("missing.db"), options, &ro);
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_EQ(ro, nullptr);
  EXPECT_FALSE(std::ifstream(dir_.File("missing.db")).good());
}

TEST_F(StoreTest, ReadOnlyOpenReadsWhileWriterIsOpen) {
  Insert(Spec("s1", "p1", 0, 1000));
  std::unique_ptr<Store> ro;
  Store::Options options;
  options.read_only = true;
  ASSERT_TRUE(Store::Open(dir_.File("c.db"), options, &ro).ok());
  std::vector<StoredBatch> rows;
  ASSERT_TRUE(ro->ListBatches("s1", &rows).ok());
  EXPECT_EQ(rows.size(), 1u);
}

TEST_F(StoreTest, OpenFailureIsAStatus) {
  std::unique_ptr<Store> other;
  const auto s = Store::Open(dir_.File("no/such/folder/c.db"), {}, &other);
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_NE(s.message().find("sqlite: open"), std::string::npos) << s.message();
}

TEST_F(StoreTest, RefusesDatabaseFromNewerCollector) {
  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir_.File("c.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 9", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  EXPECT_EQ(Store::Open(dir_.File("c.db"), {}, &store_).code(), StatusCode::kUnsupported);
}

}  // namespace
}  // namespace collector

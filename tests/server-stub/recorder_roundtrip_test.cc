// The wire, end to end in one process: records encoded by the recorder core
// are accepted, stored and decoded by the collector. Golden files pin the
// encoded batch and its JSON, so any change to the wire shows up as a diff
// that someone must accept on purpose (RECORDER_UPDATE_GOLDEN=1 rewrites them).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "decode.h"
#include "ingest.h"
#include "json.h"
#include "streams.h"
#include "record_writer.h"
#include "recorder/recorder.h"

namespace {

using recorder::RecordTag;
using recorder::testing::RecordWriter;

std::vector<uint8_t> VisitRecords() {
  RecordWriter w(/*seq=*/2, /*time_base=*/1763800000000ULL);
  w.Meta(3, "https://shop.test/cart?coupon=X#top", "Cart of Jane");
  w.Tag(RecordTag::kSnapshotBegin).U(1).I(0).I(40).U(0);
  w.Node(1, 0, 0, 9, "", "");
  w.Node(2, 1, 0, 10, "html", "");
  w.Node(3, 1, 2, 1, "HTML", "");
  w.Node(4, 3, 0, 1, "BODY", "", {{"class", "page"}, {"data-user", "jane"}});
  w.Node(5, 4, 0, 3, "", "Hello Jane");
  w.Node(6, 4, 5, 1, "INPUT", "", {{"type", "password"}, {"value", ""}});
  w.Tag(RecordTag::kSnapshotEnd);
  w.Click(40, 4, 120, 80);
  w.Tag(RecordTag::kInput).U(5).U(6).U(0).Masked(1).U(0);
  w.Tag(RecordTag::kMutationBegin).U(2);
  w.Tag(RecordTag::kRemove).U(5);
  w.Node(7, 4, 0, 3, "", "Bye");
  w.Tag(RecordTag::kMutationEnd);
  return w.bytes();
}

std::string GoldenPath(const std::string& name) { return std::string(RECORDER_GOLDEN_DIR) + "/" + name; }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void CheckGolden(const std::string& name, const std::string& actual) {
  const std::string path = GoldenPath(name);
  if (std::getenv("RECORDER_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  EXPECT_EQ(ReadFile(path), actual) << "the wire changed: " << path
                                    << " differs (RECORDER_UPDATE_GOLDEN=1 to accept on purpose)";
}

TEST(RecorderRoundTrip, CoreOutputIsAcceptedAndDecodedByTheCollector) {
  recorder::Options o;
  o.site_key = "shop";
  o.session_id = "sessGolden";
  o.page_view_id = "pv1";  // strict by default
  std::unique_ptr<recorder::Recorder> r;
  ASSERT_TRUE(recorder::Recorder::Create(o, &r).ok());
  std::vector<uint8_t> records = VisitRecords();
  ASSERT_TRUE(r->FlushBytes(records.data(), records.size()).ok());

  // The output starts the page view's stream (a new frame, flushed, never
  // ended), so it goes through the collector's stream path.
  collector::ValidBatch batch;
  collector::StreamTable streams({});
  const collector::StreamPosition pos{"golden", 2, false, 0};
  bool duplicate = false;
  recorder::Status s = streams.Ingest(
      pos, r->output().data(), r->output().size(), {}, /*now_ms=*/0,
      [](const collector::ValidBatch&, bool, bool*) { return recorder::Status::Ok(); }, &batch,
      &duplicate);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(batch.session_id, "sessGolden");
  EXPECT_EQ(batch.seq, 2u);
  EXPECT_EQ(batch.event_count, 5u);
  EXPECT_EQ(batch.base_time, 1763800000003ULL);

  collector::JsonWriter w;
  w.BeginArray();
  ASSERT_TRUE(collector::AppendBatchEvents(batch.bytes.data(), batch.bytes.size(), &w).ok());
  w.EndArray();
  const std::string json = w.str();
  EXPECT_EQ(json.find("Jane"), std::string::npos) << json;
  EXPECT_EQ(json.find("coupon"), std::string::npos);
  EXPECT_NE(json.find("\"type\":\"Click\""), std::string::npos);

  CheckGolden("visit.srb", std::string(batch.bytes.begin(), batch.bytes.end()));
  CheckGolden("visit.json", json + "\n");
}

}  // namespace

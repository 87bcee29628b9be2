// Malformed records: each must fail the flush with a Status that names the
// problem, never crash and never emit a partial batch.
#include "record_parser.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "record_writer.h"

namespace recorder {
namespace {

using testing::RecordWriter;

Status Parse(const std::vector<uint8_t>& bytes, BatchBuilder* builder = nullptr) {
  MaskingGate gate(PrivacyMode::kRelaxed);
  BatchBuilder local;
  ParsedHeader header;
  return ParseRecords(bytes.data(), bytes.size(), gate, builder ? *builder : local, &header);
}

void ExpectMalformed(const RecordWriter& w, const std::string& fragment) {
  Status s = Parse(w.bytes());
  EXPECT_EQ(s.code(), StatusCode::kMalformed) << s.ToString();
  EXPECT_NE(s.message().find(fragment), std::string::npos) << s.message();
}

TEST(RecordParser, ReadsTheHeader) {
  MaskingGate gate(PrivacyMode::kRelaxed);
  BatchBuilder builder;
  ParsedHeader header;
  RecordWriter w(42, 1000);
  w.Click(7, 1, 0, 0);
  ASSERT_TRUE(ParseRecords(w.bytes().data(), w.bytes().size(), gate, builder, &header).ok());
  EXPECT_EQ(header.seq, 42u);
  EXPECT_EQ(header.base_time, 1007u);
  EXPECT_EQ(builder.event_count(), 1u);
}

TEST(RecordParser, EmptyBufferIsMalformed) {
  EXPECT_EQ(Parse({}).code(), StatusCode::kMalformed);
}

TEST(RecordParser, UnknownFormatVersionIsUnsupported) {
  std::vector<uint8_t> bytes = {9, 0, 0};
  Status s = Parse(bytes);
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_NE(s.message().find("version 9"), std::string::npos);
}

TEST(RecordParser, UnknownTag) {
  RecordWriter w;
  w.Byte(0x7F);
  ExpectMalformed(w, "unknown record tag 127");
}

TEST(RecordParser, TruncatedRecordNamesFieldAndOffset) {
  RecordWriter w;
  w.Tag(RecordTag::kClick).U(0).U(5).I(3);  // y, ex, ey, button missing
  ExpectMalformed(w, "record 0 (CLICK) at byte");
  ExpectMalformed(w, "truncated y");
}

TEST(RecordParser, StringLongerThanTheBuffer) {
  RecordWriter w;
  w.Tag(RecordTag::kNavigation).U(0).U(0).U(1000 << 1).Byte('a');
  ExpectMalformed(w, "truncated url");
}

TEST(RecordParser, OverlongVarint) {
  RecordWriter w;
  w.Tag(RecordTag::kResize).U(0);
  for (int i = 0; i < 11; ++i) w.Byte(0xFF);
  ExpectMalformed(w, "width");
}

TEST(RecordParser, StructuralRecordOutsideAGroup) {
  RecordWriter w;
  w.Node(1, 0, 0, 1, "DIV", "");
  ExpectMalformed(w, "outside a snapshot or mutation");
}

TEST(RecordParser, TimedRecordInsideAGroup) {
  RecordWriter w;
  w.Tag(RecordTag::kSnapshotBegin).U(0).I(0).I(0).U(0);
  w.Click(0, 1, 0, 0);
  ExpectMalformed(w, "inside an open snapshot");
}

TEST(RecordParser, UnclosedGroup) {
  RecordWriter w;
  w.Tag(RecordTag::kMutationBegin).U(0);
  ExpectMalformed(w, "no MUT_END");
}

TEST(RecordParser, MismatchedEnd) {
  RecordWriter w;
  w.Tag(RecordTag::kSnapshotBegin).U(0).I(0).I(0).U(0).Tag(RecordTag::kMutationEnd);
  ExpectMalformed(w, "does not match");
}

TEST(RecordParser, RemoveInsideSnapshot) {
  RecordWriter w;
  w.Tag(RecordTag::kSnapshotBegin).U(0).I(0).I(0).U(0).Tag(RecordTag::kRemove).U(3);
  ExpectMalformed(w, "REMOVE inside a snapshot");
}

TEST(RecordParser, ZeroIds) {
  RecordWriter w;
  w.Click(0, 0, 1, 1);
  ExpectMalformed(w, "target must not be 0");
}

TEST(RecordParser, EnumOutOfRange) {
  RecordWriter w;
  w.Tag(RecordTag::kVisibility).U(0).U(9);
  ExpectMalformed(w, "state 9 is out of range");
  RecordWriter w2;
  w2.Tag(RecordTag::kNavigation).U(0).U(12).S("/");
  ExpectMalformed(w2, "kind 12 is out of range");
}

TEST(RecordParser, MoveWithoutPoints) {
  RecordWriter w;
  w.Tag(RecordTag::kMove).U(0).U(0);
  ExpectMalformed(w, "no points");
}

TEST(RecordParser, MoveCountLargerThanTheData) {
  RecordWriter w;
  w.Tag(RecordTag::kMove).U(0).U(4000000000u).U(0).I(1).I(1);
  ExpectMalformed(w, "point time");
}

TEST(RecordParser, TimeJumpsAreRefused) {
  RecordWriter w;
  w.Click(0, 1, 0, 0);
  w.Click(uint32_t{0xFFFFFFFF}, 1, 0, 0);  // 49 days later
  ExpectMalformed(w, "7 days");
}

TEST(RecordParser, CorruptTimeBase) {
  std::vector<uint8_t> bytes = {kRecordsFormatVersion, 0};
  for (int i = 0; i < 9; ++i) bytes.push_back(0xFF);
  bytes.push_back(0x01);
  EXPECT_EQ(Parse(bytes).code(), StatusCode::kMalformed);
}

Status ParseInto(const RecordWriter& w, ParsedHeader* header) {
  MaskingGate gate(PrivacyMode::kStrict);
  BatchBuilder builder;
  return ParseRecords(w.bytes().data(), w.bytes().size(), gate, builder, header);
}

TEST(RecordParser, HeaderFlags) {
  RecordWriter w(3, 1700000000000ULL, kRecordsFlagNewStream);
  w.Click(0, 1, 0, 0);
  ParsedHeader header;
  ASSERT_TRUE(ParseInto(w, &header).ok());
  EXPECT_EQ(header.seq, 3u);
  EXPECT_EQ(header.flags, kRecordsFlagNewStream);

  RecordWriter unknown(3, 1700000000000ULL, 1u << 7);
  unknown.Click(0, 1, 0, 0);
  Status s = ParseInto(unknown, &header);
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_NE(s.message().find("unknown flags 128"), std::string::npos) << s.message();
}

TEST(RecordParser, RefusesBadNewRecords) {
  {
    RecordWriter w;
    w.Tag(RecordTag::kRule).U(0).U(4).U(0).U(0);  // depth 0
    ExpectMalformed(w, "rule path depth 0");
  }
  {
    RecordWriter w;
    w.Tag(RecordTag::kRule).U(0).U(4).U(0).U(kMaxRulePathDepth + 1);
    ExpectMalformed(w, "rule path depth");
  }
  {
    RecordWriter w;
    w.Tag(RecordTag::kRule).U(0).U(4).U(2).U(1).U(0);  // op 2
    ExpectMalformed(w, "rule op 2");
  }
  {
    RecordWriter w;
    w.Tag(RecordTag::kMedia).U(0).U(4).U(1).U(0).U(100).U(101).U(0);
    ExpectMalformed(w, "volume 101");
  }
  {
    RecordWriter w;
    w.Tag(RecordTag::kSheet).U(0).U(0).U(0).U(0).U(0);
    ExpectMalformed(w, "sheet id must not be 0");
  }
  {
    RecordWriter w;
    w.Tag(RecordTag::kSheet).U(0).U(5).U(0).U(0).U(1000000);  // count lies
    ExpectMalformed(w, "rule");
  }
  {
    RecordWriter w;
    w.Tag(RecordTag::kAdopt).U(0).U(1).U(1).U(0);
    ExpectMalformed(w, "sheet id must not be 0");
  }
  {
    RecordWriter w;
    w.Tag(RecordTag::kMutationBegin).U(0).Tag(RecordTag::kText).U(3).U(1u << 5).S("x");
    w.Tag(RecordTag::kMutationEnd);
    ExpectMalformed(w, "unknown flags 32");
  }
  {
    RecordWriter w;
    w.Tag(RecordTag::kSnapshotBegin).U(0).I(0).I(0).U(2).Tag(RecordTag::kSnapshotEnd);
    ExpectMalformed(w, "snapshot flags 2");
  }
  {
    RecordWriter w;
    w.Tag(RecordTag::kMeta).U(0).S("https://x.test/").S("").S("t").U(1).U(1).U(1).U(1).U(100).U(1);
    w.S("pv 1<script>");
    ExpectMalformed(w, "previous page view is not an id");
  }
}

// Random and mutated input: any outcome but a crash is fine; the run under
// ASan/UBSan-less release builds still catches out-of-bounds via the reader's
// own checks, and the builder must stay usable.
TEST(RecordParser, SurvivesRandomAndMutatedInput) {
  RecordWriter good(1);
  good.Meta(0, "https://x.test/", "t");
  good.Tag(RecordTag::kSnapshotBegin).U(0).I(0).I(0).U(0);
  good.Node(1, 0, 0, 9, "", "");
  good.Node(2, 1, 0, 1, "DIV", "", {{"class", "a"}});
  good.Tag(RecordTag::kSnapshotEnd);
  good.Click(1, 2, 3, 4);
  ASSERT_TRUE(Parse(good.bytes()).ok());

  std::mt19937 rng(1234);
  BatchBuilder builder;
  int ok = 0;
  for (int round = 0; round < 5000; ++round) {
    std::vector<uint8_t> bytes = good.bytes();
    int edits = 1 + rng() % 4;
    for (int e = 0; e < edits; ++e) {
      size_t at = rng() % bytes.size();
      switch (rng() % 3) {
        case 0: bytes[at] ^= static_cast<uint8_t>(1u << (rng() % 8)); break;
        case 1: bytes.resize(at + 1); break;
        case 2: bytes.insert(bytes.begin() + at, static_cast<uint8_t>(rng())); break;
      }
    }
    builder.Reset();
    if (Parse(bytes, &builder).ok()) ++ok;
  }
  // Some mutations hit values only (still valid); most must be refused.
  EXPECT_LT(ok, 5000);
}

}  // namespace
}  // namespace recorder

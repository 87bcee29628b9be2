// Tests server-stub/ingest.cc: the pure batch checker, without HTTP.
#include "ingest.h"

#include <gtest/gtest.h>
#include <zstd.h>

#include <random>

#include "batch_fixtures.h"
#include "decode.h"
#include "json.h"

namespace collector {
namespace {

using collector_test::BadCase;
using collector_test::BatchSpec;
using collector_test::Bytes;
using recorder::Status;
using recorder::StatusCode;

Status Ingest(const Bytes& body, ValidBatch* out, const IngestLimits& limits = {}) {
  return IngestBatch(body.data(), body.size(), limits, out);
}

TEST(IngestTest, AcceptsStandardBatchAndExtractsItsHeader) {
  BatchSpec spec;
  spec.seq = 7;
  const Bytes raw = collector_test::BuildBatch(spec);
  const Bytes body = collector_test::Compress(raw);
  ValidBatch b;
  ASSERT_TRUE(Ingest(body, &b).ok()) << Ingest(body, &b).ToString();
  EXPECT_EQ(b.bytes, raw);
  EXPECT_EQ(b.site_key, "site_a");
  EXPECT_EQ(b.session_id, "sess_1");
  EXPECT_EQ(b.page_view_id, "pv_1");
  EXPECT_EQ(b.seq, 7u);
  EXPECT_EQ(b.base_time, 1700000000000u);
  EXPECT_EQ(b.end_time, 1700000000094u);  // the Media and ImageSource events at t=94
  EXPECT_EQ(b.event_count, 16u);
  EXPECT_EQ(b.compressed_bytes, body.size());
}

TEST(IngestTest, AcceptsNodeColumnsAndStringBytesOfSchemaVersion3) {
  BatchSpec spec;
  spec.schema_version = 3;
  spec.node_columns = true;
  spec.string_bytes = true;
  const Bytes raw = collector_test::BuildBatch(spec);
  ValidBatch b;
  ASSERT_TRUE(Ingest(collector_test::Compress(raw), &b).ok()) << Ingest(collector_test::Compress(raw), &b).ToString();
  EXPECT_EQ(b.bytes, raw);
  EXPECT_EQ(b.event_count, 16u);
}

TEST(IngestTest, AcceptsFrameWithoutContentSize) {
  const Bytes raw = collector_test::BuildBatch();
  ValidBatch b;
  ASSERT_TRUE(Ingest(collector_test::CompressWithoutSize(raw), &b).ok());
  EXPECT_EQ(b.bytes, raw);
}

TEST(IngestTest, AcceptsBatchWithoutEventsOrStrings) {
  BatchSpec spec;
  spec.standard_events = false;
  spec.strings.clear();
  ValidBatch b;
  ASSERT_TRUE(Ingest(collector_test::BuildBody(spec), &b).ok());
  EXPECT_EQ(b.event_count, 0u);
  EXPECT_EQ(b.end_time, b.base_time);
}

TEST(IngestTest, StringIndexZeroIsAcceptedWithEmptyTable) {
  // Index 0 means "absent", so it needs no table entry.
  BatchSpec spec;
  spec.standard_events = false;
  spec.strings.clear();
  spec.raw_event_type = static_cast<int>(rec::wire::Payload::Click);
  ValidBatch b;
  EXPECT_TRUE(Ingest(collector_test::BuildBody(spec), &b).ok());
}

TEST(IngestTest, LastKnownStringIndexIsAccepted) {
  BatchSpec spec;
  spec.input_value_index = static_cast<uint32_t>(spec.strings.size() - 1);
  ValidBatch b;
  EXPECT_TRUE(Ingest(collector_test::BuildBody(spec), &b).ok());
  spec.input_value_index += 1;
  EXPECT_EQ(Ingest(collector_test::BuildBody(spec), &b).code(), StatusCode::kMalformed);
}

TEST(IngestTest, LimitsAreConfigurable) {
  const Bytes body = collector_test::BuildBody();
  const Bytes raw = collector_test::BuildBatch();
  ValidBatch b;
  IngestLimits limits;
  limits.max_body_bytes = body.size() - 1;
  EXPECT_EQ(Ingest(body, &b, limits).code(), StatusCode::kTooLarge);
  limits = {};
  limits.max_batch_bytes = raw.size() - 1;
  EXPECT_EQ(Ingest(body, &b, limits).code(), StatusCode::kTooLarge);
  limits = {};
  limits.max_events = 10;
  const Status s = Ingest(body, &b, limits);
  EXPECT_EQ(s.code(), StatusCode::kTooLarge);
  EXPECT_EQ(s.message(), "batch has 16 events, over the 10 event limit");
  limits.max_events = 16;
  EXPECT_TRUE(Ingest(body, &b, limits).ok());
}

TEST(IngestTest, IdRule) {
  EXPECT_TRUE(IsValidId("a"));
  EXPECT_TRUE(IsValidId("AZaz09_-"));
  EXPECT_TRUE(IsValidId(std::string(64, 'x')));
  EXPECT_FALSE(IsValidId(""));
  EXPECT_FALSE(IsValidId(std::string(65, 'x')));
  EXPECT_FALSE(IsValidId("a b"));
  EXPECT_FALSE(IsValidId("a.b"));
  EXPECT_FALSE(IsValidId("a/b"));
  EXPECT_FALSE(IsValidId("\xC3\xA9"));
  EXPECT_FALSE(IsValidId(std::string("a\0b", 3)));
}

TEST(IngestTest, VerifyBatchBytesChecksUncompressedBytes) {
  const Bytes raw = collector_test::BuildBatch();
  const rec::wire::Batch* batch = nullptr;
  ASSERT_TRUE(VerifyBatchBytes(raw.data(), raw.size(), {}, &batch).ok());
  ASSERT_NE(batch, nullptr);
  EXPECT_EQ(batch->session_id()->str(), "sess_1");
  const Bytes cut(raw.begin(), raw.begin() + raw.size() / 2);
  EXPECT_EQ(VerifyBatchBytes(cut.data(), cut.size(), {}, &batch).code(), StatusCode::kMalformed);
}

// The Status code each HTTP class in BadCases comes from (the mapping itself
// is server.cc's and tested in server_test.cc).
StatusCode CodeFor(int http_status) {
  switch (http_status) {
    case 400: return StatusCode::kMalformed;
    case 413: return StatusCode::kTooLarge;
    case 422: return StatusCode::kUnsupported;
    default: return StatusCode::kInternal;
  }
}

// Every named bad body: refused with the expected code and reason.
class IngestBadBodyTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(IngestBadBodyTest, RefusedWithExpectedStatusAndReason) {
  const BadCase& c = GetParam();
  const Bytes body = c.make();
  ValidBatch b;
  const Status s = Ingest(body, &b);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), CodeFor(c.http_status)) << s.ToString();
  EXPECT_NE(s.message().find(c.reason), std::string::npos) << s.ToString();
  EXPECT_EQ(s.message().find('\n'), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(AllBadCases, IngestBadBodyTest,
                         ::testing::ValuesIn(collector_test::BadCases()),
                         [](const auto& info) { return std::string(info.param.name); });

// --- fuzzing ---------------------------------------------------------------

// The oracle, written independently of ingest.cc: one-shot zstd and the
// generated verifier. Whatever IngestBatch accepts must pass it.
bool IndependentlyValid(const Bytes& body, const ValidBatch& accepted) {
  const unsigned long long size = ZSTD_getFrameContentSize(body.data(), body.size());
  Bytes raw(accepted.bytes.size() + 1);
  if (size != ZSTD_CONTENTSIZE_UNKNOWN && size != accepted.bytes.size()) return false;
  const size_t n = ZSTD_decompress(raw.data(), raw.size(), body.data(), body.size());
  if (ZSTD_isError(n)) return false;
  raw.resize(n);
  if (raw != accepted.bytes) return false;
  flatbuffers::Verifier verifier(raw.data(), raw.size());
  if (!rec::wire::VerifyBatchBuffer(verifier)) return false;
  const auto* batch = rec::wire::GetBatch(raw.data());
  return batch->schema_version() >= 1 && batch->schema_version() <= 3 &&
         batch->session_id()->str() == accepted.session_id;
}

TEST(IngestFuzzTest, MutatedBodiesNeverCrashAndOnlyVerifiedOnesPass) {
  std::mt19937 rng(20261122);
  std::vector<Bytes> raws;
  for (int seq = 0; seq < 4; ++seq) {
    BatchSpec spec;
    spec.seq = static_cast<uint32_t>(seq);
    spec.standard_events = seq != 2;
    spec.node_columns = seq == 3;  // version 3: nodes as columns, strings as bytes
    spec.string_bytes = seq == 3;
    if (seq == 3) spec.schema_version = 3;
    raws.push_back(collector_test::BuildBatch(spec));
  }
  int accepted = 0, rejected = 0;
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  for (int i = 0; i < 4000; ++i) {
    Bytes raw = raws[pick(raws.size())];
    Bytes body;
    switch (i % 5) {
      case 0:  // flip bits of the FlatBuffer, then compress honestly
        for (size_t k = 0, flips = 1 + pick(4); k < flips; ++k) raw[pick(raw.size())] ^= 1u << pick(8);
        body = collector_test::Compress(raw);
        break;
      case 1:  // flip bits of the frame
        body = collector_test::Compress(raw);
        for (size_t k = 0, flips = 1 + pick(4); k < flips; ++k) body[pick(body.size())] ^= 1u << pick(8);
        break;
      case 2:  // cut the frame short
        body = collector_test::Compress(raw);
        body.resize(pick(body.size()));
        break;
      case 3:  // cut the FlatBuffer short, then compress
        raw.resize(pick(raw.size()));
        body = collector_test::CompressWithoutSize(raw);
        break;
      default:  // overwrite a random run of bytes with random bytes
        raw = collector_test::BuildBatch();
        for (size_t k = pick(raw.size()), end = std::min(raw.size(), k + 1 + pick(16)); k < end; ++k) {
          raw[k] = static_cast<uint8_t>(pick(256));
        }
        body = collector_test::Compress(raw);
        break;
    }
    ValidBatch b;
    const Status s = IngestBatch(body.data(), body.size(), {}, &b);
    if (s.ok()) {
      ++accepted;
      ASSERT_TRUE(IndependentlyValid(body, b)) << "iteration " << i;
      // What passes must also decode.
      JsonWriter j;
      j.BeginArray();
      ASSERT_TRUE(AppendBatchEvents(b.bytes.data(), b.bytes.size(), &j).ok()) << "iteration " << i;
    } else {
      ++rejected;
      ASSERT_TRUE(s.code() == StatusCode::kMalformed || s.code() == StatusCode::kTooLarge ||
                  s.code() == StatusCode::kUnsupported)
          << s.ToString();
    }
  }
  // Both outcomes must occur, or the mutations are not exercising anything.
  EXPECT_GT(accepted, 50);
  EXPECT_GT(rejected, 1000);
}

}  // namespace
}  // namespace collector

// The collector's page view streams (streams.h), fed by the real recorder
// core: continuations decode in order and are stored self-contained; a gap,
// an unknown or evicted stream is a 409 with nothing stored; duplicates are
// idempotent; broken and oversized bodies are refused without harm.
#include "streams.h"

#include <gtest/gtest.h>
#include <zstd.h>

#include <map>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "compressor.h"
#include "ingest.h"
#include "record_writer.h"
#include "recorder/recorder.h"
#include "server.h"

namespace collector {
namespace {

using recorder::Status;
using recorder::StatusCode;
using Bytes = std::vector<uint8_t>;

// One page view's recorder core: Piece(seq) is what the browser would send.
class Page {
 public:
  explicit Page(std::string page_view = "pv1", int window_log = 17) {
    recorder::Options o;
    o.site_key = "site";
    o.session_id = "sess";
    o.page_view_id = std::move(page_view);
    o.privacy_mode = recorder::PrivacyMode::kRelaxed;
    o.window_log = window_log;
    EXPECT_TRUE(recorder::Recorder::Create(o, &r_).ok());
  }

  Bytes Piece(uint32_t seq, bool new_frame = false) {
    recorder::testing::RecordWriter w(seq, 1700000000000ULL,
                                      new_frame ? recorder::kRecordsFlagNewStream : 0);
    for (int k = 0; k < 20; ++k) w.Click(5, 1 + k, 10 * k + static_cast<int>(seq), 20);
    EXPECT_TRUE(r_->FlushBytes(w.bytes().data(), w.bytes().size()).ok());
    return r_->output();
  }
  const Bytes& last_batch() const { return r_->last_batch(); }

 private:
  std::unique_ptr<recorder::Recorder> r_;
};

// Stores in memory, keyed like the real Store, and counts inserts.
struct MemorySink {
  std::map<std::tuple<std::string, std::string, uint32_t>, Bytes> rows;
  int known_duplicates = 0;

  StreamTable::Sink Fn() {
    return [this](const ValidBatch& b, bool known_duplicate, bool* duplicate) {
      if (known_duplicate) {
        ++known_duplicates;
        return Status::Ok();
      }
      auto key = std::make_tuple(b.session_id, b.page_view_id, b.seq);
      *duplicate = rows.count(key) > 0;
      if (!*duplicate) rows[key] = b.bytes;
      return Status::Ok();
    };
  }
};

class StreamsTest : public ::testing::Test {
 protected:
  Status Send(const std::string& token, uint32_t seq, const Bytes& body, int prev = -1,
              int64_t now_ms = 0, bool* duplicate = nullptr) {
    StreamPosition pos{token, seq, prev >= 0, prev >= 0 ? static_cast<uint32_t>(prev) : 0};
    ValidBatch out;
    bool dup = false;
    Status s = table_->Ingest(pos, body.data(), body.size(), limits_, now_ms, sink_.Fn(), &out, &dup);
    if (duplicate) *duplicate = dup;
    return s;
  }

  IngestLimits limits_;
  StreamLimits stream_limits_;
  std::unique_ptr<StreamTable> table_ = std::make_unique<StreamTable>(stream_limits_);
  MemorySink sink_;
};

TEST_F(StreamsTest, ContinuationsDecodeInOrderAndAreStoredSelfContained) {
  Page page;
  for (uint32_t seq = 0; seq < 4; ++seq) {
    const Status s = Send("tokA", seq, page.Piece(seq), seq == 0 ? -1 : static_cast<int>(seq) - 1);
    ASSERT_TRUE(s.ok()) << seq << ": " << s.ToString();
  }
  ASSERT_EQ(sink_.rows.size(), 4u);
  for (const auto& [key, bytes] : sink_.rows) {
    // Each stored batch verifies on its own, with no stream around it.
    const rec::wire::Batch* b = nullptr;
    ASSERT_TRUE(VerifyBatchBytes(bytes.data(), bytes.size(), limits_, &b).ok());
    EXPECT_EQ(b->seq(), std::get<2>(key));
    EXPECT_EQ(b->events()->size(), 20u);
  }
  EXPECT_EQ(table_->Stats().live, 1u);
}

TEST_F(StreamsTest, GapIsRefusedWith409AndNothingStored) {
  Page page;
  ASSERT_TRUE(Send("tokA", 0, page.Piece(0)).ok());
  page.Piece(1);  // lost on the way
  const Status s = Send("tokA", 2, page.Piece(2), 1);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.ToString();
  EXPECT_EQ(HttpStatusFor(s), 409);
  EXPECT_NE(s.message().find("new frame"), std::string::npos) << s.message();
  EXPECT_EQ(sink_.rows.size(), 1u);
  // The recorder's answer: the same batch again as a new frame.
  ASSERT_TRUE(Send("tokB", 2, page.Piece(2, /*new_frame=*/true)).ok());
  ASSERT_TRUE(Send("tokB", 3, page.Piece(3), 2).ok());
  EXPECT_EQ(sink_.rows.size(), 3u);
}

TEST_F(StreamsTest, ContinuationOfAnUnknownStreamIs409) {
  Page page;
  ASSERT_TRUE(Send("tokA", 0, page.Piece(0)).ok());
  const Bytes next = page.Piece(1);
  table_ = std::make_unique<StreamTable>(stream_limits_);  // the collector restarted
  EXPECT_EQ(Send("tokA", 1, next, 0).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(sink_.rows.size(), 1u);
}

TEST_F(StreamsTest, ContinuationOfAnotherFrameIs409) {
  Page a("pvA");
  Page b("pvB");
  ASSERT_TRUE(Send("tokA", 0, a.Piece(0)).ok());
  ASSERT_TRUE(Send("tokB", 0, b.Piece(0)).ok());
  b.Piece(1);
  // Right token, wrong predecessor: never decoded against the wrong history.
  EXPECT_EQ(Send("tokA", 2, b.Piece(2), 1).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(sink_.rows.size(), 2u);
}

TEST_F(StreamsTest, DuplicatesAreIdempotent) {
  Page page;
  const Bytes p0 = page.Piece(0);
  const Bytes p1 = page.Piece(1);
  bool dup = false;
  ASSERT_TRUE(Send("tokA", 0, p0, -1, 0, &dup).ok());
  EXPECT_FALSE(dup);
  ASSERT_TRUE(Send("tokA", 1, p1, 0, 0, &dup).ok());
  EXPECT_FALSE(dup);
  // The answer to seq 1 was lost; the retry is the same body.
  ASSERT_TRUE(Send("tokA", 1, p1, 0, 0, &dup).ok());
  EXPECT_TRUE(dup);
  // So was the answer to the frame's start, retried late.
  ASSERT_TRUE(Send("tokA", 0, p0, -1, 0, &dup).ok());
  EXPECT_TRUE(dup);
  EXPECT_EQ(sink_.rows.size(), 2u);
  // The stream kept its place.
  ASSERT_TRUE(Send("tokA", 2, page.Piece(2), 1, 0, &dup).ok());
  EXPECT_FALSE(dup);
  EXPECT_EQ(sink_.rows.size(), 3u);
}

TEST_F(StreamsTest, LeastRecentlyUsedAndIdleStreamsAreEvicted) {
  stream_limits_.max_streams = 2;
  stream_limits_.idle_ms = 1000;
  table_ = std::make_unique<StreamTable>(stream_limits_);
  Page a("pvA"), b("pvB"), c("pvC");
  ASSERT_TRUE(Send("tokA", 0, a.Piece(0), -1, 0).ok());
  ASSERT_TRUE(Send("tokB", 0, b.Piece(0), -1, 10).ok());
  ASSERT_TRUE(Send("tokA", 1, a.Piece(1), 0, 20).ok());  // A is now the most recent
  ASSERT_TRUE(Send("tokC", 0, c.Piece(0), -1, 30).ok());  // over the cap: B goes
  EXPECT_EQ(table_->Stats().live, 2u);
  EXPECT_EQ(table_->Stats().evicted, 1u);
  EXPECT_EQ(Send("tokB", 1, b.Piece(1), 0, 40).code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(Send("tokC", 1, c.Piece(1), 0, 500).ok());
  // A was last used at 20: idle past 1 s at 1100; C (500) is not.
  EXPECT_EQ(Send("tokA", 2, a.Piece(2), 1, 1100).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(table_->Stats().live, 1u);
}

TEST_F(StreamsTest, MemoryPerStreamIsBoundedByTheWindow) {
  for (int window_log : {14, 17}) {
    stream_limits_.window_log_max = window_log;
    table_ = std::make_unique<StreamTable>(stream_limits_);
    for (int k = 0; k < 4; ++k) {
      Page page("pv" + std::to_string(k), window_log);
      ASSERT_TRUE(Send("tok" + std::to_string(k), 0, page.Piece(0)).ok());
      ASSERT_TRUE(Send("tok" + std::to_string(k), 1, page.Piece(1), 0).ok());
    }
    const StreamStats st = table_->Stats();
    ASSERT_EQ(st.live, 4u);
    const size_t per_stream = st.memory_bytes / st.live;
    std::printf("[ figure ] window 2^%d: %zu bytes of decoder per live stream\n", window_log,
                per_stream);
    EXPECT_GT(per_stream, size_t{1} << window_log);
    // zstd's decoder: about 220 KiB of its own, an input block and a window
    // plus a block of output.
    EXPECT_LT(per_stream, (size_t{3} << window_log) + (size_t{240} << 10));
  }
}

TEST_F(StreamsTest, WindowOverTheLimitIsRefused) {
  stream_limits_.window_log_max = 14;
  table_ = std::make_unique<StreamTable>(stream_limits_);
  recorder::Compressor c(3, 20);
  std::string text;
  for (int k = 0; text.size() < 200000; ++k) text += "row " + std::to_string(k * 7919 % 100003) + ";";
  Bytes body;
  ASSERT_TRUE(c.Compress(reinterpret_cast<const uint8_t*>(text.data()), text.size(), true, &body).ok());
  const Status s = Send("tokA", 0, body);
  EXPECT_EQ(s.code(), StatusCode::kTooLarge) << s.ToString();
  EXPECT_EQ(table_->Stats().live, 0u);
}

TEST_F(StreamsTest, ContinuationBombStopsAtTheCap) {
  limits_.max_batch_bytes = 1 << 20;
  // A real batch starts the frame; the next piece of the same frame
  // expands to 64 MiB of zeros from a few KiB.
  Page page;
  page.Piece(0);
  const Bytes& batch = page.last_batch();
  recorder::Compressor c(3, 17);
  Bytes start;
  ASSERT_TRUE(c.Compress(batch.data(), batch.size(), true, &start).ok());
  const std::string zeros(64 << 20, '\0');
  Bytes bomb;
  ASSERT_TRUE(c.Compress(reinterpret_cast<const uint8_t*>(zeros.data()), zeros.size(), false, &bomb).ok());
  ASSERT_LT(bomb.size(), limits_.max_body_bytes);

  ASSERT_TRUE(Send("tokA", 0, start).ok());
  const Status s = Send("tokA", 1, bomb, 0);
  EXPECT_EQ(s.code(), StatusCode::kTooLarge) << s.ToString();
  // Its history is now unknown: the stream is gone, not half-used.
  EXPECT_EQ(Send("tokA", 1, page.Piece(1), 0).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(sink_.rows.size(), 1u);
}

TEST_F(StreamsTest, BrokenContinuationsNeverCrashAndDropTheStream) {
  std::mt19937 rng(5);
  int refused = 0;
  for (int i = 0; i < 300; ++i) {
    table_ = std::make_unique<StreamTable>(stream_limits_);
    sink_.rows.clear();
    Page page;
    ASSERT_TRUE(Send("tokA", 0, page.Piece(0)).ok());
    Bytes body = page.Piece(1);
    switch (i % 3) {
      case 0:  // cut short
        body.resize(rng() % body.size());
        break;
      case 1:  // a run of random bytes
        for (size_t k = rng() % body.size(), end = std::min(body.size(), k + 1 + rng() % 8); k < end; ++k) {
          body[k] = static_cast<uint8_t>(rng());
        }
        break;
      default:  // random bytes of the same length
        for (auto& byte : body) byte = static_cast<uint8_t>(rng());
        break;
    }
    const Status s = Send("tokA", 1, body, 0);
    if (s.ok()) {
      // Only what verifies is stored; it is seq 1 of this page view.
      EXPECT_EQ(sink_.rows.size(), 2u);
      continue;
    }
    ++refused;
    const int http = HttpStatusFor(s);
    EXPECT_TRUE(http == 400 || http == 413 || http == 422) << s.ToString();
    EXPECT_EQ(sink_.rows.size(), 1u);
    EXPECT_EQ(table_->Stats().live, 0u) << "a failed continuation leaves its stream behind";
  }
  EXPECT_GT(refused, 250);
}

TEST_F(StreamsTest, SeqMustMatchTheBatch) {
  Page page;
  const Status s = Send("tokA", 7, page.Piece(0));
  EXPECT_EQ(s.code(), StatusCode::kMalformed) << s.ToString();
  EXPECT_TRUE(sink_.rows.empty());
}

TEST(StreamPositionTest, ParsesTheQuery) {
  StreamPosition p;
  ASSERT_TRUE(ParseStreamPosition("ab_12", "5", nullptr, &p).ok());
  EXPECT_FALSE(p.continuation);
  const std::string prev = "4";
  ASSERT_TRUE(ParseStreamPosition("ab_12", "5", &prev, &p).ok());
  EXPECT_TRUE(p.continuation);
  EXPECT_EQ(p.prev, 4u);
  const std::string bad[] = {"", "x", "-1", "5", "99999999999"};
  for (const std::string& b : bad) {
    EXPECT_FALSE(ParseStreamPosition("ab_12", "5", &b, &p).ok()) << b;
  }
  EXPECT_FALSE(ParseStreamPosition("a b", "5", nullptr, &p).ok());
  EXPECT_FALSE(ParseStreamPosition("", "5", nullptr, &p).ok());
  EXPECT_FALSE(ParseStreamPosition("tok", "", nullptr, &p).ok());
  EXPECT_FALSE(ParseStreamPosition("tok", "4294967296", nullptr, &p).ok());
}

}  // namespace
}  // namespace collector

// The page view's zstd stream: batches continue one frame, a new frame starts
// when asked, the window stays capped, and a decoder that holds only a
// frame's start decodes everything after it.
#include "compressor.h"

#include <gtest/gtest.h>
#include <zstd.h>

#include <memory>
#include <string>
#include <vector>

#include "record_writer.h"
#include "recorder/recorder.h"

namespace recorder {
namespace {

using Bytes = std::vector<uint8_t>;

bool StartsWithMagic(const Bytes& b) {
  return b.size() >= 4 && (uint32_t{b[0]} | uint32_t{b[1]} << 8 | uint32_t{b[2]} << 16 |
                           uint32_t{b[3]} << 24) == ZSTD_MAGICNUMBER;
}

// The collector's side, reduced: one context fed piece after piece; each
// piece must decode completely from its own bytes plus the history.
class Decoder {
 public:
  explicit Decoder(int window_log_max = 17) : d_(ZSTD_createDCtx()) {
    ZSTD_DCtx_setParameter(d_, ZSTD_d_windowLogMax, window_log_max);
  }
  ~Decoder() { ZSTD_freeDCtx(d_); }

  // False on a zstd error (then *out holds what came before it).
  bool Piece(const Bytes& piece, std::string* out) {
    out->clear();
    std::vector<char> chunk(ZSTD_DStreamOutSize());
    ZSTD_inBuffer in{piece.data(), piece.size(), 0};
    for (;;) {
      ZSTD_outBuffer o{chunk.data(), chunk.size(), 0};
      const size_t rc = ZSTD_decompressStream(d_, &o, &in);
      if (ZSTD_isError(rc)) return false;
      out->append(chunk.data(), o.pos);
      if (in.pos == in.size && o.pos < o.size) return true;
    }
  }

 private:
  ZSTD_DCtx* d_;
};

// A batch-sized text that shares most of its bytes with its neighbours, as
// consecutive batches of one page do (tags, class names, URLs).
std::string Batch(int k, size_t size = 6000) {
  std::string s;
  for (int row = 0; s.size() < size; ++row) {
    s += "<li class=\"product-card grid__item\" data-sku=\"SKU-" + std::to_string(row * 7 % 50) +
         "\">https://shop.example/catalog/item/" + std::to_string(row % 40) + " batch " +
         std::to_string(k) + "</li>";
  }
  return s;
}

Bytes Compress(Compressor& c, const std::string& text, bool new_frame) {
  Bytes out;
  Status s = c.Compress(reinterpret_cast<const uint8_t*>(text.data()), text.size(), new_frame, &out);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

TEST(Compressor, BatchesContinueOneFrameAndEachDecodesOnArrival) {
  Compressor c(3, 17);
  Decoder d;
  std::string got;
  for (int k = 0; k < 5; ++k) {
    const Bytes piece = Compress(c, Batch(k), false);
    EXPECT_EQ(c.began_frame(), k == 0);
    EXPECT_EQ(StartsWithMagic(piece), k == 0) << k;
    ASSERT_TRUE(d.Piece(piece, &got)) << k;
    EXPECT_EQ(got, Batch(k)) << k;
  }
}

TEST(Compressor, ContinuationsAreSmallerThanIndependentFrames) {
  Compressor streamed(3, 17);
  Compressor independent(3, 17);
  size_t streamed_bytes = 0;
  size_t independent_bytes = 0;
  for (int k = 0; k < 10; ++k) {
    streamed_bytes += Compress(streamed, Batch(k), false).size();
    independent_bytes += Compress(independent, Batch(k), true).size();
  }
  EXPECT_LT(streamed_bytes * 2, independent_bytes)
      << "streamed " << streamed_bytes << ", independent " << independent_bytes;
}

TEST(Compressor, NewFrameOnRequestDecodesWithoutWhatCameBefore) {
  Compressor c(3, 17);
  Compress(c, Batch(0), false);
  Compress(c, Batch(1), false);
  const Bytes start = Compress(c, Batch(2), true);
  EXPECT_TRUE(c.began_frame());
  EXPECT_TRUE(StartsWithMagic(start));
  const Bytes next = Compress(c, Batch(3), false);
  EXPECT_FALSE(c.began_frame());
  EXPECT_FALSE(StartsWithMagic(next));

  Decoder fresh;  // never saw batches 0 and 1
  std::string got;
  ASSERT_TRUE(fresh.Piece(start, &got));
  EXPECT_EQ(got, Batch(2));
  ASSERT_TRUE(fresh.Piece(next, &got));
  EXPECT_EQ(got, Batch(3));
}

TEST(Compressor, ContinuationWithoutItsFrameStartDoesNotDecode) {
  Compressor c(3, 17);
  Compress(c, Batch(0), false);
  const Bytes next = Compress(c, Batch(1), false);
  Decoder fresh;
  std::string got;
  EXPECT_FALSE(fresh.Piece(next, &got) && got == Batch(1));
}

TEST(Compressor, WindowStaysCapped) {
  for (int window_log : {11, 14, 17}) {  // a decoder's limit goes no lower than 10
    Compressor c(3, window_log);
    const Bytes start = Compress(c, Batch(0, 300000), false);
    // RFC 8878 3.1.1.1: no single-segment flag, so a window descriptor
    // follows the header byte.
    ASSERT_GE(start.size(), 6u);
    const uint8_t descriptor = start[4];
    ASSERT_EQ(descriptor & 0x20, 0);
    const uint64_t base = uint64_t{1} << (10 + (start[5] >> 3));
    const uint64_t window = base + base / 8 * (start[5] & 7);
    EXPECT_LE(window, uint64_t{1} << window_log) << window_log;
    EXPECT_EQ(ZSTD_getFrameContentSize(start.data(), start.size()), ZSTD_CONTENTSIZE_UNKNOWN);

    // A decoder allowing exactly that window reads a long stream; one
    // allowing less refuses the frame.
    Decoder exact(window_log);
    std::string got;
    ASSERT_TRUE(exact.Piece(start, &got)) << window_log;
    EXPECT_EQ(got, Batch(0, 300000));
    for (int k = 1; k < 4; ++k) {
      ASSERT_TRUE(exact.Piece(Compress(c, Batch(k, 300000), false), &got));
      EXPECT_EQ(got, Batch(k, 300000));
    }
    Decoder smaller(window_log - 1);
    EXPECT_FALSE(smaller.Piece(start, &got)) << window_log;
  }
}

// --- through the Recorder: the records header's flag ---

Options StreamOptions() {
  Options o;
  o.site_key = "site";
  o.session_id = "sess";
  o.page_view_id = "pv";
  o.privacy_mode = PrivacyMode::kRelaxed;
  return o;
}

Bytes Records(uint32_t seq, uint32_t flags, bool with_event = true) {
  testing::RecordWriter w(seq, 1700000000000ULL, flags);
  if (with_event) w.Click(5, 1, 10 + seq, 20);
  return w.bytes();
}

TEST(RecorderStream, FirstBatchAndFlaggedBatchesBeginFrames) {
  std::unique_ptr<Recorder> r;
  ASSERT_TRUE(Recorder::Create(StreamOptions(), &r).ok());
  const bool expected[] = {true, false, false, true, false};
  for (uint32_t seq = 0; seq < 5; ++seq) {
    const Bytes rec = Records(seq, seq == 3 ? kRecordsFlagNewStream : 0);
    ASSERT_TRUE(r->FlushBytes(rec.data(), rec.size()).ok());
    EXPECT_EQ(r->output_began_frame(), expected[seq]) << seq;
    EXPECT_EQ(StartsWithMagic(r->output()), expected[seq]) << seq;
  }
  EXPECT_EQ(r->stats().batches, 5u);
  EXPECT_EQ(r->stats().frames, 2u);
}

TEST(RecorderStream, FlagOnAnEmptyFlushAppliesToTheNextBatch) {
  std::unique_ptr<Recorder> r;
  ASSERT_TRUE(Recorder::Create(StreamOptions(), &r).ok());
  Bytes rec = Records(0, 0);
  ASSERT_TRUE(r->FlushBytes(rec.data(), rec.size()).ok());
  rec = Records(1, kRecordsFlagNewStream, /*with_event=*/false);
  ASSERT_TRUE(r->FlushBytes(rec.data(), rec.size()).ok());
  EXPECT_TRUE(r->output().empty());
  rec = Records(2, 0);
  ASSERT_TRUE(r->FlushBytes(rec.data(), rec.size()).ok());
  EXPECT_TRUE(r->output_began_frame());
}

TEST(RecorderStream, WindowLogIsValidated) {
  std::unique_ptr<Recorder> r;
  Options o = StreamOptions();
  o.window_log = 9;
  EXPECT_EQ(Recorder::Create(o, &r).code(), StatusCode::kInvalidArgument);
  o.window_log = 24;
  EXPECT_EQ(Recorder::Create(o, &r).code(), StatusCode::kInvalidArgument);
  o.window_log = 10;
  EXPECT_TRUE(Recorder::Create(o, &r).ok());
}

}  // namespace
}  // namespace recorder

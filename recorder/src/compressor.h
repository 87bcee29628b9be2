// compressor.h: one zstd stream per page view.
//
// Batches of one page view share one zstd frame: each batch is compressed
// with ZSTD_e_flush, so its bytes end on a block boundary and a decoder that
// has seen the frame's earlier batches can decode it completely, while later
// batches still find their matches in the earlier ones (repeated tags, class
// names and URLs across batches cost almost nothing). The window is capped
// (Options::window_log) so the collector's decoder per live page view stays
// small. A new frame starts on the first batch, when the caller asks (the
// glue lost a batch, or sent one from another core instance), and after a
// failure, since the stream's state is then unknown.
#ifndef RECORDER_SRC_COMPRESSOR_H_
#define RECORDER_SRC_COMPRESSOR_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "recorder/status.h"

struct ZSTD_CCtx_s;

namespace recorder {

class Compressor {
 public:
  // The browser build carries only zstd's fast match finders (levels 1..3;
  // see wasm/zstd_fast_only.c); native builds have them all.
#ifdef RECORDER_ZSTD_FAST_ONLY
  static constexpr int kMaxLevel = 3;
#else
  static constexpr int kMaxLevel = 9;
#endif
  // zstd's own bounds for windowLog in a frame any decoder accepts.
  static constexpr int kMinWindowLog = 10;
  static constexpr int kMaxWindowLog = 23;

  Compressor(int level, int window_log);
  ~Compressor();
  Compressor(const Compressor&) = delete;
  Compressor& operator=(const Compressor&) = delete;

  // Replaces *out with [data, data + size) compressed and flushed: the start
  // of a new frame when `new_frame` is set, on the first call and after a
  // failed one; otherwise the continuation of the current frame. The frame
  // is never ended: a page view's stream simply stops.
  Status Compress(const uint8_t* data, size_t size, bool new_frame, std::vector<uint8_t>* out);

  // Whether the last successful Compress began a new frame (its output then
  // starts with the zstd magic number; a continuation never does).
  bool began_frame() const { return began_frame_; }

 private:
  ZSTD_CCtx_s* cctx_;
  int level_;
  int window_log_;
  bool need_frame_ = true;
  bool began_frame_ = false;
};

}  // namespace recorder

#endif  // RECORDER_SRC_COMPRESSOR_H_

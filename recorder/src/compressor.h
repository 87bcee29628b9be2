// compressor.h: one zstd context per page view, reused for every batch.
// Each batch becomes one self-contained frame, so the collector can decode a
// batch without its predecessors and a lost batch never breaks the next one.
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

  explicit Compressor(int level);
  ~Compressor();
  Compressor(const Compressor&) = delete;
  Compressor& operator=(const Compressor&) = delete;

  // Replaces *out with one zstd frame of [data, data + size).
  Status Compress(const uint8_t* data, size_t size, std::vector<uint8_t>* out);

 private:
  ZSTD_CCtx_s* cctx_;
  int level_;
};

}  // namespace recorder

#endif  // RECORDER_SRC_COMPRESSOR_H_

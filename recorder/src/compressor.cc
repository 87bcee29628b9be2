#include "compressor.h"

#include <string>

#include <zstd.h>

namespace recorder {
namespace {

Status ZstdStatus(const char* what, size_t rc) {
  return Status::Internal(std::string("zstd ") + what + ": " + ZSTD_getErrorName(rc));
}

// Levels 1..3 with the strategy and minimum match zstd's default table gives
// them for a stream of unknown size (ours: a frame spans batches), pinned so
// that no other size table can pick different ones. The browser build then
// carries one match finder per level, not one per minimum match
// (wasm/zstd_fast_only.c). Index: level - 1.
struct PinnedParams {
  ZSTD_strategy strategy;
  int min_match;
};
constexpr PinnedParams kPinned[] = {{ZSTD_fast, 7}, {ZSTD_fast, 6}, {ZSTD_dfast, 5}};

size_t PinFastLevel(ZSTD_CCtx* cctx, int level) {
  if (level < 1 || level > 3) return 0;
  const PinnedParams& p = kPinned[level - 1];
  size_t rc = ZSTD_CCtx_setParameter(cctx, ZSTD_c_strategy, p.strategy);
  if (!ZSTD_isError(rc)) rc = ZSTD_CCtx_setParameter(cctx, ZSTD_c_minMatch, p.min_match);
  return rc;
}

}  // namespace

Compressor::Compressor(int level, int window_log)
    : cctx_(ZSTD_createCCtx()), level_(level), window_log_(window_log) {}

Compressor::~Compressor() { ZSTD_freeCCtx(cctx_); }

Status Compressor::Compress(const uint8_t* data, size_t size, bool new_frame,
                            std::vector<uint8_t>* out) {
  out->clear();
  began_frame_ = false;
  if (cctx_ == nullptr) return Status::Internal("zstd context could not be allocated");
  const bool begin = new_frame || need_frame_;
  if (begin) {
    // A failed call may have left half a block behind: parameters and
    // session both start over.
    ZSTD_CCtx_reset(cctx_, ZSTD_reset_session_and_parameters);
    size_t rc = ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, level_);
    if (!ZSTD_isError(rc)) rc = PinFastLevel(cctx_, level_);
    // The window bounds what the collector must keep per live page view.
    if (!ZSTD_isError(rc)) rc = ZSTD_CCtx_setParameter(cctx_, ZSTD_c_windowLog, window_log_);
    // A frame spans many batches, so no content size can be declared; the
    // collector bounds each batch's output while decoding instead.
    if (!ZSTD_isError(rc)) rc = ZSTD_CCtx_setParameter(cctx_, ZSTD_c_contentSizeFlag, 0);
    if (ZSTD_isError(rc)) return ZstdStatus("parameter", rc);
    need_frame_ = true;  // until this call succeeds
  }
  // compressBound covers the data; the slack covers the frame header and the
  // empty block a flush may add.
  out->resize(ZSTD_compressBound(size) + 32);
  ZSTD_inBuffer in{data, size, 0};
  ZSTD_outBuffer o{out->data(), out->size(), 0};
  for (;;) {
    const size_t left = ZSTD_compressStream2(cctx_, &o, &in, ZSTD_e_flush);
    if (ZSTD_isError(left)) {
      out->clear();
      need_frame_ = true;
      return ZstdStatus("compression failed", left);
    }
    if (left == 0) break;
    out->resize(out->size() * 2);
    o.dst = out->data();
    o.size = out->size();
  }
  out->resize(o.pos);
  need_frame_ = false;
  began_frame_ = begin;
  return Status::Ok();
}

}  // namespace recorder

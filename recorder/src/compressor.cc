#include "compressor.h"

#include <string>

#include <zstd.h>

namespace recorder {

Compressor::Compressor(int level) : cctx_(ZSTD_createCCtx()), level_(level) {}

Compressor::~Compressor() { ZSTD_freeCCtx(cctx_); }

Status Compressor::Compress(const uint8_t* data, size_t size, std::vector<uint8_t>* out) {
  out->clear();
  if (cctx_ == nullptr) return Status::Internal("zstd context could not be allocated");
  ZSTD_CCtx_reset(cctx_, ZSTD_reset_session_and_parameters);
  // The content size in the header lets the collector refuse an oversized
  // batch before decompressing it.
  size_t rc = ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, level_);
  if (!ZSTD_isError(rc)) rc = ZSTD_CCtx_setParameter(cctx_, ZSTD_c_contentSizeFlag, 1);
  if (ZSTD_isError(rc)) return Status::Internal(std::string("zstd parameter: ") + ZSTD_getErrorName(rc));
  out->resize(ZSTD_compressBound(size));
  size_t n = ZSTD_compress2(cctx_, out->data(), out->size(), data, size);
  if (ZSTD_isError(n)) {
    out->clear();
    return Status::Internal(std::string("zstd compression failed: ") + ZSTD_getErrorName(n));
  }
  out->resize(n);
  return Status::Ok();
}

}  // namespace recorder

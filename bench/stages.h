// stages.h: the core's stages timed both natively (stages_bench.cc, Google
// Benchmark) and as Wasm in Chromium (wasm/bench_entry.cc, driven by
// wasm/compare.mjs), so the two figures come from the same code on the same
// bytes. Each stage is prepared once, then run many times; its throughput is
// bytes() per run.
#ifndef RECORDER_BENCH_STAGES_H_
#define RECORDER_BENCH_STAGES_H_

#include <zstd.h>

#include <memory>
#include <string>
#include <vector>

#include "bench_inputs.h"
#include "pii_detector.h"
#include "recorder/recorder.h"

namespace recorder::bench {

// Level the page uses (js/src/recording.js COMPRESSION_LEVEL).
inline constexpr int kShippedLevel = 3;

enum StageId { kFlushSnapshotStrict, kFlushSnapshotRelaxed, kFlushInteractions, kPiiScan, kZstd, kStageCount };

inline const char* StageName(int id) {
  static const char* const kNames[] = {"flush_snapshot10k_strict", "flush_snapshot10k_relaxed",
                                       "flush_interactions1k", "pii_scan", "zstd_level3"};
  return id >= 0 && id < kStageCount ? kNames[id] : "";
}

class Stage {
 public:
  // Returns false for an unknown id or a core that refuses the input.
  bool Prepare(int id) {
    id_ = id;
    switch (id) {
      case kFlushSnapshotStrict:
      case kFlushSnapshotRelaxed:
      case kFlushInteractions:
        input_ = id == kFlushInteractions ? InteractionRecords(1000) : SnapshotRecords(10000);
        return Recorder::Create(Opts(id == kFlushSnapshotRelaxed ? PrivacyMode::kRelaxed : PrivacyMode::kStrict),
                                &recorder_).ok();
      case kPiiScan:
        text_ = ShopText(64 << 10);
        return true;
      case kZstd: {
        // zstd alone on what it really gets: the snapshot's FlatBuffers batch.
        std::unique_ptr<Recorder> r;
        std::vector<uint8_t> records = SnapshotRecords(10000);
        if (!Recorder::Create(Opts(PrivacyMode::kStrict), &r).ok()) return false;
        if (!r->FlushBytes(records.data(), records.size()).ok()) return false;
        input_ = r->last_batch();
        out_.resize(ZSTD_compressBound(input_.size()));
        cctx_.reset(ZSTD_createCCtx());
        return cctx_ != nullptr &&
               !ZSTD_isError(ZSTD_CCtx_setParameter(cctx_.get(), ZSTD_c_compressionLevel, kShippedLevel));
      }
      default:
        return false;
    }
  }

  size_t bytes() const { return id_ == kPiiScan ? text_.size() : input_.size(); }
  size_t output_bytes() const { return output_bytes_; }

  bool Run() {
    switch (id_) {
      case kFlushSnapshotStrict:
      case kFlushSnapshotRelaxed:
      case kFlushInteractions: {
        if (!recorder_->FlushBytes(input_.data(), input_.size()).ok()) return false;
        output_bytes_ = recorder_->output().size();
        return true;
      }
      case kPiiScan:
        FindPii(text_, &spans_);
        output_bytes_ = spans_.size();
        return true;
      case kZstd: {
        size_t n = ZSTD_compress2(cctx_.get(), out_.data(), out_.size(), input_.data(), input_.size());
        output_bytes_ = n;
        return !ZSTD_isError(n);
      }
      default:
        return false;
    }
  }

 private:
  struct FreeCCtx {
    void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
  };

  static Options Opts(PrivacyMode mode) {
    Options o;
    o.site_key = "bench";
    o.session_id = "s";
    o.page_view_id = "p";
    o.privacy_mode = mode;
    o.compression_level = kShippedLevel;
    o.max_records_bytes = o.max_batch_bytes = 64 << 20;
    return o;
  }

  int id_ = -1;
  std::vector<uint8_t> input_;
  std::string text_;
  std::vector<PiiSpan> spans_;
  std::unique_ptr<Recorder> recorder_;
  std::unique_ptr<ZSTD_CCtx, FreeCCtx> cctx_;
  std::vector<uint8_t> out_;
  size_t output_bytes_ = 0;
};

}  // namespace recorder::bench

#endif  // RECORDER_BENCH_STAGES_H_

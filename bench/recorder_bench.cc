// Core throughput in MB/s of record bytes: parse + gate + encode, and the
// whole flush including zstd, on a snapshot-like and an interaction-like load.
// Figures only; speed goals are read from here, never asserted in tests.
#include <benchmark/benchmark.h>

#include <string>

#include "bench_inputs.h"
#include "masking_gate.h"
#include "pii_detector.h"
#include "recorder/recorder.h"

namespace {

using recorder::bench::InteractionRecords;
using recorder::bench::ShopText;
using recorder::bench::SnapshotRecords;

recorder::Options Opts(recorder::PrivacyMode mode) {
  recorder::Options o;
  o.site_key = "bench";
  o.session_id = "s";
  o.page_view_id = "p";
  o.privacy_mode = mode;
  o.max_records_bytes = o.max_batch_bytes = 64 << 20;
  return o;
}

void Flush(benchmark::State& state, const std::vector<uint8_t>& records, recorder::PrivacyMode mode) {
  std::unique_ptr<recorder::Recorder> r;
  if (!recorder::Recorder::Create(Opts(mode), &r).ok()) state.SkipWithError("create failed");
  for (auto _ : state) {
    if (!r->FlushBytes(records.data(), records.size()).ok()) state.SkipWithError("flush failed");
    benchmark::DoNotOptimize(r->output().data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * records.size()));
  state.counters["records_B"] = static_cast<double>(records.size());
  state.counters["batch_B"] = static_cast<double>(r->last_batch().size());
  state.counters["zstd_B"] = static_cast<double>(r->output().size());
}

void BM_FlushSnapshot10k_Relaxed(benchmark::State& state) {
  static const auto records = SnapshotRecords(10000);
  Flush(state, records, recorder::PrivacyMode::kRelaxed);
}
void BM_FlushSnapshot10k_Strict(benchmark::State& state) {
  static const auto records = SnapshotRecords(10000);
  Flush(state, records, recorder::PrivacyMode::kStrict);
}
void BM_FlushInteractions1k(benchmark::State& state) {
  static const auto records = InteractionRecords(1000);
  Flush(state, records, recorder::PrivacyMode::kStrict);
}

void BM_GateText(benchmark::State& state) {
  recorder::MaskingGate gate(recorder::PrivacyMode::kStrict);
  std::string text = "Some visible paragraph text of moderate length, like a product blurb.";
  recorder::RawString raw{text, false, 0};
  for (auto _ : state) benchmark::DoNotOptimize(gate.Apply(raw, recorder::FieldKind::kText).view().data());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

void BM_PiiScan(benchmark::State& state) {
  static const std::string text = ShopText(64 << 10);
  std::vector<recorder::PiiSpan> spans;
  for (auto _ : state) {
    recorder::FindPii(text, &spans);
    benchmark::DoNotOptimize(spans.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
  state.counters["finds"] = static_cast<double>(spans.size());
}

// The pre-filter's case: short UI strings without '@', ':' or digits.
void BM_PiiScanPlainLabels(benchmark::State& state) {
  static const std::string labels[] = {"Add to cart", "Checkout", "Your basket is empty", "Sign in"};
  std::vector<recorder::PiiSpan> spans;
  size_t bytes = 0;
  for (auto _ : state) {
    for (const std::string& l : labels) {
      recorder::FindPii(l, &spans);
      bytes += l.size();
    }
    benchmark::DoNotOptimize(spans.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

}  // namespace

BENCHMARK(BM_PiiScan);
BENCHMARK(BM_PiiScanPlainLabels);
BENCHMARK(BM_FlushSnapshot10k_Relaxed)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FlushSnapshot10k_Strict)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FlushInteractions1k)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_GateText);

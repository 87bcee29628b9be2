// Core throughput in MB/s of record bytes: parse + gate + encode, and the
// whole flush including zstd, on a snapshot-like and an interaction-like load.
// Figures only; speed goals are read from here, never asserted in tests.
#include <benchmark/benchmark.h>

#include <string>

#include "bench_inputs.h"
#include "masking_gate.h"
#include "pii_detector.h"
#include "recorder/recorder.h"
#include "recorder/records.h"

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

// The node mirror's share of a flush: the same 10k snapshot without it
// (checkpoint_interval_ms 0 keeps no mirror; the flushes above keep one).
void BM_FlushSnapshot10k_NoMirror(benchmark::State& state) {
  static const auto records = SnapshotRecords(10000);
  recorder::Options o = Opts(recorder::PrivacyMode::kRelaxed);
  o.checkpoint_interval_ms = 0;
  std::unique_ptr<recorder::Recorder> r;
  if (!recorder::Recorder::Create(o, &r).ok()) state.SkipWithError("create failed");
  for (auto _ : state) {
    if (!r->FlushBytes(records.data(), records.size()).ok()) state.SkipWithError("flush failed");
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * records.size()));
}

// A flush that writes a checkpoint of a 10k-node mirror (plus one click).
void BM_Checkpoint10k(benchmark::State& state) {
  static const auto snapshot = SnapshotRecords(10000);
  recorder::Options o = Opts(recorder::PrivacyMode::kRelaxed);
  o.checkpoint_interval_ms = 1;
  std::unique_ptr<recorder::Recorder> r;
  if (!recorder::Recorder::Create(o, &r).ok()) state.SkipWithError("create failed");
  if (!r->FlushBytes(snapshot.data(), snapshot.size()).ok()) state.SkipWithError("snapshot failed");
  auto varint = [](std::vector<uint8_t>& out, uint64_t v) {
    do {
      uint8_t b = v & 0x7F;
      v >>= 7;
      out.push_back(v ? (b | 0x80) : b);
    } while (v);
  };
  uint64_t seq = 1000000, time = 1800000000000ULL;
  std::vector<uint8_t> click;
  for (auto _ : state) {
    state.PauseTiming();
    // A later seq and time each round: a fresh batch, a checkpoint due.
    click.clear();
    click.push_back(recorder::kRecordsFormatVersion);
    varint(click, ++seq);
    varint(click, time += 10);
    varint(click, 0);
    click.push_back(static_cast<uint8_t>(recorder::RecordTag::kClick));
    for (uint64_t v : {0, 5, 2, 4, 0, 0, 0}) varint(click, v);
    state.ResumeTiming();
    if (!r->FlushBytes(click.data(), click.size()).ok()) state.SkipWithError("flush failed");
  }
  state.counters["checkpoints"] = static_cast<double>(r->stats().checkpoints);
  state.counters["batch_B"] = static_cast<double>(r->last_batch().size());
  state.counters["zstd_B"] = static_cast<double>(r->output().size());
  state.counters["mirror_B"] = static_cast<double>(r->stats().mirror_bytes);
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
BENCHMARK(BM_FlushSnapshot10k_NoMirror)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Checkpoint10k)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GateText);

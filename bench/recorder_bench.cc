// Core throughput in MB/s of record bytes: parse + gate + encode, and the
// whole flush including zstd, on a snapshot-like and an interaction-like load.
// Figures only; speed goals are read from here, never asserted in tests.
#include <benchmark/benchmark.h>

#include <string>

#include "masking_gate.h"
#include "pii_detector.h"
#include "record_writer.h"
#include "recorder/recorder.h"

namespace {

using recorder::testing::RecordWriter;
using recorder::RecordTag;

// A 10,000-node page: nested lists of items with classes and text.
std::vector<uint8_t> SnapshotRecords(int nodes) {
  RecordWriter w;
  w.Tag(RecordTag::kSnapshotBegin).U(0).I(0).I(0).U(0);
  w.Node(1, 0, 0, 9, "", "");
  w.Node(2, 1, 0, 1, "HTML", "");
  w.Node(3, 2, 0, 1, "BODY", "");
  uint32_t id = 4;
  while (static_cast<int>(id) < nodes) {
    uint32_t li = id++;
    w.Node(li, 3, li > 4 ? li - 2 : 0, 1, "LI", "", {{"class", "item card"}, {"data-sku", "sku-" + std::to_string(li % 97)}});
    w.Node(id++, li, 0, 3, "", "Product name " + std::to_string(li) + " with a description");
  }
  w.Tag(RecordTag::kSnapshotEnd);
  return w.bytes();
}

std::vector<uint8_t> InteractionRecords(int events) {
  RecordWriter w;
  for (int i = 0; i < events; ++i) {
    switch (i % 4) {
      case 0: w.Tag(RecordTag::kMove).U(16).U(3).U(0).I(i).I(i * 2).U(8).I(i + 1).I(i * 2).U(16).I(i + 2).I(i * 2 + 1); break;
      case 1: w.Click(30, 100 + i % 50, i % 1200, i % 800); break;
      case 2: w.Tag(RecordTag::kScroll).U(20).U(1).I(0).I(i * 10); break;
      case 3: w.Tag(RecordTag::kInput).U(40).U(200).U(0).S("typed text").U(0); break;
    }
  }
  return w.bytes();
}

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

// Shop-page text as the gate sees it in balanced/relaxed mode: prose with
// prices, dates, order numbers, versions and times (the look-alikes), and
// about one real find per 2 KB.
std::string ShopText(size_t bytes) {
  static const char* const kLines[] = {
      "Blue ceramic mug, 350 ml, dishwasher safe. ",
      "Now $12.99 (was $1,299.00 for the set of 100). ",
      "Order #10023 placed on 2024-01-15 at 12:30, ships in 2-3 days. ",
      "Free returns within 30 days; see terms v2.4.1 for details. ",
      "Customer reviews: 4.5 out of 5 stars from 1,024 ratings. ",
      "Tracking ORD-2024-00017 via carrier, ETA 15.01.2024. ",
      "Size guide: S 36-38, M 40-42, L 44-46. ",
      "Questions? Write to support@shop.example or call +1 415 555 2671. ",
  };
  std::string text;
  for (size_t i = 0; text.size() < bytes; ++i) {
    text += kLines[i % 7];
    if (i % 40 == 39) text += kLines[7];
  }
  return text;
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

// stream_bench.cc: bytes on the wire with one zstd stream per page view
// (every batch continues the frame) against one independent frame per batch
// (every batch flagged kRecordsFlagNewStream), for page views cut into
// batches the way the glue cuts them. Prints figures only: the counters
// "streamed" and "independent" are compressed bytes for the whole page view,
// "saved_pct" the share streaming saves.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "record_writer.h"
#include "recorder/recorder.h"

namespace recorder {
namespace {

using testing::RecordWriter;
using Batches = std::vector<std::vector<uint8_t>>;
constexpr uint64_t kT0 = 1763800000000ULL;

// Writes one page view as batches; `fill(w, k)` writes batch k's records.
Batches PageView(int batches, uint32_t flags, const std::function<void(RecordWriter&, int)>& fill) {
  Batches out;
  for (int k = 0; k < batches; ++k) {
    RecordWriter w(static_cast<uint32_t>(k), kT0 + 3000ull * k, flags);
    fill(w, k);
    out.push_back(w.bytes());
  }
  return out;
}

void Snapshot(RecordWriter& w, int items, const std::string& kind) {
  w.Meta(1, "https://shop.example/" + kind, "Shop: " + kind);
  w.Tag(RecordTag::kSnapshotBegin).U(0).I(0).I(0).U(0);
  w.Node(1, 0, 0, 9, "", "");
  w.Node(2, 1, 0, 1, "HTML", "");
  w.Node(3, 2, 0, 1, "BODY", "", {{"class", "page " + kind}});
  uint32_t id = 4;
  for (int i = 0; i < items; ++i) {
    const uint32_t li = id++;
    w.Node(li, 3, li > 4 ? li - 2 : 0, 1, "LI", "",
           {{"class", "item card grid__cell"}, {"data-sku", "sku-" + std::to_string(i % 97)}});
    w.Node(id++, li, 0, 3, "", "Product name " + std::to_string(i) + " with a short description");
  }
  w.Tag(RecordTag::kSnapshotEnd);
}

void Interactions(RecordWriter& w, int k, int events) {
  for (int i = 0; i < events; ++i) {
    switch (i % 4) {
      case 0:
        w.Tag(RecordTag::kMove).U(16).U(3).U(0).I(300 + i).I(200 + k).U(8).I(302 + i).I(201 + k).U(16).I(305 + i).I(203 + k);
        break;
      case 1: w.Click(30, 4 + (i * 7 + k) % 300, 300 + i, 200 + k); break;
      case 2: w.Tag(RecordTag::kScroll).U(20).U(1).I(0).I(k * 300 + i * 10); break;
      case 3: w.Tag(RecordTag::kInput).U(40).U(900 + i % 5).U(0).Masked(1).U(0); break;
    }
  }
}

// A 10,000-node page, then light interaction every batch.
void StaticPage(RecordWriter& w, int k) {
  if (k == 0) Snapshot(w, 5000, "static");
  Interactions(w, k, 40);
}

// A live dashboard: 200 cells whose numbers and classes change all the time.
void Dashboard(RecordWriter& w, int k) {
  if (k == 0) Snapshot(w, 200, "dashboard");
  for (int tick = 0; tick < 30; ++tick) {
    w.Tag(RecordTag::kMutationBegin).U(100);
    for (int cell = 0; cell < 40; ++cell) {
      const uint32_t id = 5 + 2 * ((tick * 13 + cell * 7) % 200);
      w.Tag(RecordTag::kText).U(id).U(0).S(std::to_string((k * 977 + tick * 31 + cell * 17) % 10000) + ".5 ms");
      w.Tag(RecordTag::kAttr).U(id - 1).U(0).S("class").U(0).S(cell % 3 ? "item card up" : "item card down");
    }
    w.Tag(RecordTag::kMutationEnd);
  }
}

// A form: moves, clicks and typing (values masked by the glue) each batch.
void Typing(RecordWriter& w, int k) {
  if (k == 0) Snapshot(w, 150, "checkout");
  Interactions(w, k, 200);
}

// A single-page app: every batch a route change replacing the main list.
void Spa(RecordWriter& w, int k) {
  if (k == 0) Snapshot(w, 300, "spa");
  w.Tag(RecordTag::kNavigation).U(10).U(2).S("https://shop.example/spa/category/" + std::to_string(k));
  w.Tag(RecordTag::kMutationBegin).U(5);
  const uint32_t old_base = k == 0 ? 4 : 100000u * k;
  for (uint32_t i = 0; i < 300; ++i) w.Tag(RecordTag::kRemove).U(old_base + 2 * i);
  const uint32_t base = 100000u * (k + 1);
  for (uint32_t i = 0; i < 300; ++i) {
    w.Node(base + 2 * i, 3, i ? base + 2 * i - 2 : 0, 1, "LI", "",
           {{"class", "item card grid__cell"}, {"data-sku", "sku-" + std::to_string((i + k) % 97)}});
    w.Node(base + 2 * i + 1, base + 2 * i, 0, 3, "", "Product " + std::to_string(i + 17 * k) + " in category " + std::to_string(k));
  }
  w.Tag(RecordTag::kMutationEnd);
  Interactions(w, k, 20);
}

uint64_t WireBytes(const Batches& batches, PrivacyMode mode, int window_log = 17) {
  Options o;
  o.window_log = window_log;
  o.site_key = "shop";
  o.session_id = "sessBench";
  o.page_view_id = "pv1";
  o.privacy_mode = mode;
  std::unique_ptr<Recorder> r;
  if (!Recorder::Create(o, &r).ok()) return 0;
  uint64_t total = 0;
  for (const auto& b : batches) {
    if (!r->FlushBytes(b.data(), b.size()).ok()) return 0;
    total += r->output().size();
  }
  return total;
}

void BM_StreamVsFrames(benchmark::State& state, void (*fill)(RecordWriter&, int), int batches) {
  const Batches streamed = PageView(batches, 0, fill);
  const Batches independent = PageView(batches, kRecordsFlagNewStream, fill);
  const auto mode = static_cast<PrivacyMode>(state.range(0));
  uint64_t s = 0, f = 0;
  for (auto _ : state) {
    s = WireBytes(streamed, mode);
    f = WireBytes(independent, mode);
    benchmark::DoNotOptimize(s + f);
  }
  state.counters["batches"] = batches;
  state.counters["streamed"] = static_cast<double>(s);
  state.counters["independent"] = static_cast<double>(f);
  state.counters["saved_pct"] = f ? 100.0 * (1.0 - static_cast<double>(s) / static_cast<double>(f)) : 0;
}

// range(0): privacy mode (0 strict, 2 relaxed).
BENCHMARK_CAPTURE(BM_StreamVsFrames, static_10k_nodes, StaticPage, 10)->Arg(0)->Arg(2)->Iterations(3);
BENCHMARK_CAPTURE(BM_StreamVsFrames, dashboard, Dashboard, 20)->Arg(0)->Arg(2)->Iterations(3);
BENCHMARK_CAPTURE(BM_StreamVsFrames, typing, Typing, 20)->Arg(0)->Arg(2)->Iterations(3);
BENCHMARK_CAPTURE(BM_StreamVsFrames, spa_routes, Spa, 10)->Arg(0)->Arg(2)->Iterations(3);

// The window's effect on a streamed page view (relaxed mode). range(0):
// windowLog; the collector holds about 220 KiB + 3 * 2^windowLog per stream.
void BM_StreamWindow(benchmark::State& state, void (*fill)(RecordWriter&, int), int batches) {
  const Batches streamed = PageView(batches, 0, fill);
  uint64_t s = 0;
  for (auto _ : state) {
    s = WireBytes(streamed, PrivacyMode::kRelaxed, static_cast<int>(state.range(0)));
    benchmark::DoNotOptimize(s);
  }
  state.counters["streamed"] = static_cast<double>(s);
}

BENCHMARK_CAPTURE(BM_StreamWindow, dashboard, Dashboard, 20)->DenseRange(14, 20, 3)->Iterations(1);
BENCHMARK_CAPTURE(BM_StreamWindow, spa_routes, Spa, 10)->DenseRange(14, 20, 3)->Iterations(1);

}  // namespace
}  // namespace recorder

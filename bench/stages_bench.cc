// The native half of the Wasm-vs-native comparison (bench/wasm/compare.mjs):
// each stage of stages.h under Google Benchmark, in MB/s of its input.
#include <benchmark/benchmark.h>

#include "stages.h"

namespace {

void BM_Stage(benchmark::State& state, int id) {
  recorder::bench::Stage stage;
  if (!stage.Prepare(id)) {
    state.SkipWithError("prepare failed");
    return;
  }
  for (auto _ : state) {
    if (!stage.Run()) state.SkipWithError("run failed");
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * stage.bytes()));
  state.counters["input_B"] = static_cast<double>(stage.bytes());
  state.counters["output"] = static_cast<double>(stage.output_bytes());
}

const bool kRegistered = [] {
  for (int id = 0; id < recorder::bench::kStageCount; ++id) {
    // CPU time (the default), as the Wasm half reads it from a trace: on a
    // loaded machine wall-clock time would measure the load.
    benchmark::RegisterBenchmark(recorder::bench::StageName(id), BM_Stage, id)->Unit(benchmark::kMicrosecond);
  }
  return true;
}();

}  // namespace

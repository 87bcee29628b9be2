// The Wasm half of the Wasm-vs-native comparison: stages.h behind three plain
// exports (no Embind), timed from JS by compare.mjs in headless Chromium.
// Built only on request (target recorder_bench_wasm); never shipped in dist/.
#include <emscripten/emscripten.h>

#include "stages.h"

namespace {
recorder::bench::Stage g_stage;
}

extern "C" {

// Builds stage `id`'s input; returns its bytes per run (0: failed).
EMSCRIPTEN_KEEPALIVE double bench_prepare(int id) {
  return g_stage.Prepare(id) ? static_cast<double>(g_stage.bytes()) : 0;
}

// Runs the prepared stage `runs` times; returns the last run's output size
// (-1: a run failed), so the work cannot be optimised away.
EMSCRIPTEN_KEEPALIVE double bench_run(int runs) {
  for (int i = 0; i < runs; ++i) {
    if (!g_stage.Run()) return -1;
  }
  return static_cast<double>(g_stage.output_bytes());
}

EMSCRIPTEN_KEEPALIVE int bench_stage_count() { return recorder::bench::kStageCount; }

EMSCRIPTEN_KEEPALIVE const char* bench_stage_name(int id) { return recorder::bench::StageName(id); }

}  // extern "C"

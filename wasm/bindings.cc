// bindings.cc: the only place the recorder core meets JavaScript.
//
// Rules of this boundary (js/src/engine/core.js is the one caller):
//  1. One handle. JS creates one session per page view with `create(...)`
//     and owns the number it gets back: it must call `destroy(h)` when done.
//     Everything else crosses as numbers and strings. Plain functions, not an
//     Embind class: Embind's class machinery was a third of the loader.
//  2. One working call per flush. JS asks for `inputBuffer(h, n)` (a pointer
//     into Wasm memory, owned by the session), copies its records there with
//     a single HEAPU8.set, then calls `flush(h, n)`, which returns the size of
//     the output that `output(h)` points at. The cost of a flush is one
//     crossing however many events it holds.
//  3. Memory. The input buffer, the output and the stats belong to the
//     session and stay valid only until the next call on it; memory may grow
//     during any call, so JS re-reads HEAPU8 after each call and copies what
//     it keeps before calling again.
//  4. Errors. Nothing throws across the boundary. create() records a bad
//     config (see errorCode(h)); flush() returns minus a StatusCode
//     (recorder/status.h) on failure and errorMessage(h) explains the last
//     one. JS turns a failure into an Error in exactly one place.
//  5. Types. Node ids are uint32 numbers assigned by JS; times are epoch ms
//     inside the records (records.h); counters come back as doubles (exact up
//     to 2^53) because this Emscripten has no BigInt integration: stats(h)
//     points at SessionStats, twelve doubles in the order core.js reads them.
#include <emscripten/bind.h>
#include <emscripten/heap.h>

#include <memory>
#include <string>
#include <vector>

#include "recorder/recorder.h"

namespace {

using recorder::Recorder;
using recorder::Status;

struct SessionConfig {
  std::string siteKey;
  std::string sessionId;
  std::string pageViewId;
  int privacyMode = 0;
  int compressionLevel = 3;
  // Options::allow_query_params as "name,name" ("" keeps none). One string
  // rather than a vector needs no registered std::vector type; a bad name
  // fails Create like any other bad option.
  std::string allowQueryParams;
  // Options::checkpoint_interval_ms (0: never).
  double checkpointIntervalMs = 300000;
};

std::vector<std::string> SplitNames(const std::string& joined) {
  std::vector<std::string> names;
  if (joined.empty()) return names;
  size_t pos = 0;
  while (true) {
    size_t comma = joined.find(',', pos);
    names.push_back(joined.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
    if (comma == std::string::npos) return names;
    pos = comma + 1;
  }
}

// Read by js/src/engine/core.js (STATS) as twelve doubles in this order.
struct SessionStats {
  double batches = 0;
  double events = 0;
  double recordsBytes = 0;
  double batchBytes = 0;
  double compressedBytes = 0;
  double maskedStrings = 0;
  double checkpoints = 0;
  double mirrorOnly = 0;
  double mirrorDrops = 0;
  double mirrorNodes = 0;
  double mirrorBytes = 0;
  double wasmBytes = 0;  // the module's memory now (it never shrinks)
};
static_assert(sizeof(SessionStats) == 12 * sizeof(double), "core.js reads twelve doubles");

class Session {
 public:
  explicit Session(const SessionConfig& config) {
    recorder::Options o;
    o.site_key = config.siteKey;
    o.session_id = config.sessionId;
    o.page_view_id = config.pageViewId;
    o.privacy_mode = static_cast<recorder::PrivacyMode>(config.privacyMode);
    o.compression_level = config.compressionLevel;
    o.allow_query_params = SplitNames(config.allowQueryParams);
    // Out of range (negative, fractional, huge) fails Create like any other bad option.
    double interval = config.checkpointIntervalMs;
    if (interval >= 0 && interval <= 4294967295.0 && interval == static_cast<double>(static_cast<uint32_t>(interval))) {
      o.checkpoint_interval_ms = static_cast<uint32_t>(interval);
      status_ = Recorder::Create(o, &recorder_);
    } else {
      status_ = Status::InvalidArgument("checkpoint interval must be a whole number of ms, 0 to 2^32-1");
    }
  }

  int errorCode() const { return static_cast<int>(status_.code()); }
  std::string errorMessage() const { return status_.ToString(); }

  // 0 when the size is over the cap or the session is unusable.
  uintptr_t inputBuffer(size_t size) {
    if (!recorder_) return 0;
    uint8_t* p = recorder_->PrepareInput(size);
    if (p == nullptr) {
      status_ = Status::TooLarge("records buffer of " + std::to_string(size) + " bytes is over the cap");
      return 0;
    }
    return reinterpret_cast<uintptr_t>(p);
  }

  // The output's size, or minus the StatusCode of a failure.
  int flush(size_t size) {
    if (recorder_) status_ = recorder_->Flush(size);
    if (!status_.ok()) return -errorCode();
    if (!recorder_) return -static_cast<int>(recorder::StatusCode::kFailedPrecondition);
    return static_cast<int>(recorder_->output().size());
  }

  uintptr_t output() const { return recorder_ ? reinterpret_cast<uintptr_t>(recorder_->output().data()) : 0; }

  uintptr_t statsData() {
    stats_ = stats();
    return reinterpret_cast<uintptr_t>(&stats_);
  }

  SessionStats stats() const {
    SessionStats s;
    s.wasmBytes = static_cast<double>(emscripten_get_heap_size());
    if (!recorder_) return s;
    const recorder::RecorderStats& r = recorder_->stats();
    s.batches = static_cast<double>(r.batches);
    s.events = static_cast<double>(r.events);
    s.recordsBytes = static_cast<double>(r.records_bytes);
    s.batchBytes = static_cast<double>(r.batch_bytes);
    s.compressedBytes = static_cast<double>(r.compressed_bytes);
    s.maskedStrings = static_cast<double>(r.masked_strings);
    s.checkpoints = static_cast<double>(r.checkpoints);
    s.mirrorOnly = static_cast<double>(r.mirror_only);
    s.mirrorDrops = static_cast<double>(r.mirror_drops);
    s.mirrorNodes = static_cast<double>(r.mirror_nodes);
    s.mirrorBytes = static_cast<double>(r.mirror_bytes);
    return s;
  }

 private:
  std::unique_ptr<Recorder> recorder_;
  Status status_;
  SessionStats stats_;
};

Session* Of(uintptr_t handle) { return reinterpret_cast<Session*>(handle); }

uintptr_t create(const std::string& siteKey, const std::string& sessionId, const std::string& pageViewId,
                 int privacyMode, int compressionLevel, const std::string& allowQueryParams,
                 double checkpointIntervalMs) {
  SessionConfig c{siteKey, sessionId, pageViewId, privacyMode, compressionLevel, allowQueryParams,
                  checkpointIntervalMs};
  return reinterpret_cast<uintptr_t>(new Session(c));
}
void destroy(uintptr_t h) { delete Of(h); }
int errorCode(uintptr_t h) { return Of(h)->errorCode(); }
std::string errorMessage(uintptr_t h) { return Of(h)->errorMessage(); }
uintptr_t inputBuffer(uintptr_t h, size_t size) { return Of(h)->inputBuffer(size); }
int flush(uintptr_t h, size_t size) { return Of(h)->flush(size); }
uintptr_t output(uintptr_t h) { return Of(h)->output(); }
uintptr_t stats(uintptr_t h) { return Of(h)->statsData(); }

}  // namespace

EMSCRIPTEN_BINDINGS(recorder_core) {
  emscripten::function("create", &create);
  emscripten::function("destroy", &destroy);
  emscripten::function("errorCode", &errorCode);
  emscripten::function("errorMessage", &errorMessage);
  emscripten::function("inputBuffer", &inputBuffer);
  emscripten::function("flush", &flush);
  emscripten::function("output", &output);
  emscripten::function("stats", &stats);
}
